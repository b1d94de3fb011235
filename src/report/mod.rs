//! Reports: the [`Diagnostic`] data type and the sinks that present results (human, JSON,
//! JSON Lines). Sinks present; they decide nothing.

pub mod diagnostic;
pub mod human;
pub mod json;

pub use diagnostic::Diagnostic;
pub use json::{Collect, JsonDocument, JsonLines, RowReport};
