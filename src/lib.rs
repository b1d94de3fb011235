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
//! let csv = "User ID/Email (Required),Webex Meetings [Sub1],Preferred Webex Site,Basic Messaging\n\
//!            ana@example.com,TRUE,acme.webex.com,FALSE\n\
//!            ben@example,TRUE,acme.webex.com,FALSE\n";
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
pub mod current;
pub mod error;
pub mod fix;
pub mod input;
pub mod locations;
mod options;
pub mod output;
pub mod report;
pub mod rules;
pub mod schema;

pub use check::{check, ActionCounts, Both, InputInfo, PackageCount, Record, Sink, Summary};
pub use error::Error;
pub use input::Source;
pub use options::{Options, CONTROL_HUB_MAX_ROWS, DEFAULT_MAX_CELLS, DEFAULT_MAX_COLUMNS};
pub use output::{FixOptions, Written};
pub use report::Diagnostic;
pub use rules::{Rule, Severity};

/// A region for national phone numbers ([`Options::region`], `--region`): the `phonenumber`
/// crate's country id, re-exported so that a caller needs no dependency of its own.
///
/// ```
/// let region: hubcsv::Region = "FR".parse().unwrap();
/// let opts = hubcsv::Options { region: Some(region), ..hubcsv::Options::default() };
/// assert_eq!(opts.region, Some(hubcsv::Region::FR));
/// ```
pub use phonenumber::country::Id as Region;

/// Checks `source` and writes the corrected CSV, its parts, the rejects file and the changes
/// log (contract §5), while `report` receives the same results as with [`check`].
///
/// Nothing is written unless the whole run succeeds: outputs go to temporary files renamed
/// into place at the end.
///
/// # Errors
/// The input cannot be read ([`Error`]), two paths of the run name one file
/// ([`Error::SamePath`]), an output path exists without `force` or is not a regular file
/// ([`Error::Refused`]), or writing failed ([`Error::Output`]).
///
/// # Examples
///
/// ```
/// use hubcsv::{fix, report::Collect, FixOptions, Options, Source};
///
/// let dir = tempfile::tempdir()?;
/// let csv = "User ID/Email (Required),First Name\n Ana@Example.com ,Ana\nben@,Ben\n";
/// let source = Source::Bytes { name: "upload.csv".into(), data: csv.into() };
/// let out = dir.path().join("fixed.csv");
/// let (summary, written) = fix(&source, &Options::default(), FixOptions::new(&out), &mut Collect::default())?;
/// assert_eq!(summary.errors, 1);
/// // The corrected CSV (CRLF, as Excel writes) holds the rows fit to upload; the others go
/// // to the rejects file beside it.
/// assert_eq!(std::fs::read_to_string(&out)?, "User ID/Email (Required),First Name\r\nana@example.com,Ana\r\n");
/// assert_eq!(written.rejected.map(|f| f.rows), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fix(
    source: &Source,
    opts: &Options,
    fix_opts: FixOptions,
    report: &mut dyn Sink,
) -> Result<(Summary, Written), Error> {
    // Every path is checked before anything is read or written: two outputs on one file
    // would overwrite each other, and a failed run must leave nothing behind.
    let input = match source {
        Source::Path(path) => Some(path.as_path()),
        _ => None,
    };
    output::plan::refuse_clashes(input, &fix_opts)?;
    let rejects = output::plan::rejects_name(&fix_opts.out);
    let mut planned = vec![fix_opts.out.as_path(), rejects.as_path()];
    planned.extend(fix_opts.changes.as_deref());
    let refused = |path: std::path::PathBuf, reason: &str| Error::Refused {
        path: path.display().to_string(),
        reason: reason.to_owned(),
    };
    if let Some(path) = output::plan::missing_folder(&planned) {
        return Err(refused(path, output::plan::NO_FOLDER));
    }
    let family = output::plan::family_present(&fix_opts.out).map_err(Error::Output)?;
    if let Some((path, reason)) = output::plan::refusal(&planned, &family, fix_opts.force) {
        return Err(refused(path, reason));
    }
    let mut writer = output::FixWriter::new(fix_opts).map_err(Error::Output)?;
    let summary = check(source, opts, &mut Both(report, &mut writer))?;
    let written = writer.finish().map_err(Error::Output)?;
    Ok((summary, written))
}

/// docs/library.md's examples, compiled by `cargo test --doc` so that the page keeps up
/// with the API.
#[cfg(doctest)]
#[doc = include_str!("../docs/library.md")]
pub struct LibraryMd;
