//! hubcsv checks Webex Control Hub bulk-user CSV files (Webex Wholesale Route-to-Market)
//! before they are uploaded: it resolves the header against Control Hub's columns and the
//! wholesale package catalogue, runs the rule catalogue on every row, and infers whether the
//! upload will add, modify or remove each user.
//!
//! The flow is one way: [`input`] -> [`schema`] -> [`rules`] / [`actions`] -> [`report`].
//!
//! ```
//! use hubcsv::{check, report::Collect, Options, Source};
//!
//! let csv = "User ID/Email (Required),Webex Meetings [Sub1],Preferred Webex Site\n\
//!            ana@example.com,TRUE,acme.webex.com\n\
//!            ben@example,TRUE,acme.webex.com\n";
//! let source = Source::Bytes { name: "upload.csv".into(), data: csv.into() };
//! let mut report = Collect::default();
//! let summary = check(&source, &Options::default(), &mut report).unwrap();
//! assert_eq!(summary.errors, 1);
//! assert_eq!(report.diagnostics[0].rule.name(), "invalid-email");
//! assert_eq!(report.diagnostics[0].line, 3);
//! ```
#![deny(missing_docs)]

pub mod actions;
mod check;
mod error;
pub mod input;
mod options;
pub mod report;
pub mod rules;
pub mod schema;

pub use check::{check, ActionCounts, Both, InputInfo, Record, Sink, Summary};
pub use error::Error;
pub use input::Source;
pub use options::{Options, CONTROL_HUB_MAX_ROWS};
pub use report::Diagnostic;
pub use rules::{Rule, Severity};
