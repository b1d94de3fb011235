//! [`Diagnostic`]: a finding as plain data. The JSON field names are a public interface
//! (contract §6); miette rendering lives in [`super::human`].

use serde::Serialize;

use crate::rules::{Rule, Severity};

/// One finding about the input. Its serialised form is a `diagnostics[]` item of the JSON
/// report (contract §6).
///
/// # Examples
///
/// ```
/// use hubcsv::{check, report::Collect, Options, Rule, Severity, Source};
///
/// let csv = "User ID/Email (Required),First Name\n Ana@example.com,Ana\n";
/// let mut report = Collect::default();
/// check(&Source::Bytes { name: "up.csv".into(), data: csv.into() }, &Options::default(), &mut report)?;
/// let d = report.diagnostics.iter().find(|d| d.rule == Rule::Whitespace).unwrap();
/// assert_eq!((d.code, d.severity, d.line), ("HC033", Severity::Fixed, 2));
/// assert_eq!(d.cell.as_deref(), Some("A2"));
/// assert_eq!(d.column.as_deref(), Some("User ID/Email (Required)"));
/// assert_eq!(d.fix.as_deref(), Some("Ana@example.com"));
/// # Ok::<(), hubcsv::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule name (`missing-location`).
    pub rule: Rule,
    /// Stable code (`HC014`).
    pub code: &'static str,
    /// `error`, `warning` or `fixed`.
    pub severity: Severity,
    /// 1-based line where the record starts, as a text editor shows it (for spreadsheets,
    /// the sheet row).
    pub line: u64,
    /// Canonical column name, when the finding is about one cell or column.
    pub column: Option<String>,
    /// A1 reference of the cell (row = record number as a spreadsheet shows it).
    pub cell: Option<String>,
    /// The user's email as written on the row, when known.
    pub user: Option<String>,
    /// The offending value, as read.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it (the rules' help lines are static text: no copy per finding).
    pub help: std::borrow::Cow<'static, str>,
    /// For `fixed` findings: the value `hubcsv fix` writes instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// 0-based column index in the checked table (not serialised; corrections apply there).
    #[serde(skip)]
    pub col_index: Option<usize>,
    /// 0-based column in the user's file, to underline (differs with a profile).
    #[serde(skip)]
    pub source_col: Option<usize>,
}

impl Diagnostic {
    /// A finding of `rule` at its usual severity.
    #[must_use]
    pub fn new(
        rule: Rule,
        line: u64,
        message: impl Into<String>,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Diagnostic {
            rule,
            code: rule.code(),
            severity: rule.severity(),
            line,
            column: None,
            cell: None,
            user: None,
            value: None,
            message: message.into(),
            help: help.into(),
            fix: None,
            col_index: None,
            source_col: None,
        }
    }

    /// Marks the finding as repaired by `fix`, with the value it writes.
    #[must_use]
    pub fn fixed(mut self, replacement: impl Into<String>) -> Self {
        self.severity = Severity::Fixed;
        self.fix = Some(replacement.into());
        self
    }

    /// Places the finding on header cell `index` (row 1 of the user's file) of `column`.
    #[must_use]
    pub fn on_header(mut self, index: usize, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self.cell = Some(format!("{}1", crate::schema::column_letters(index)));
        self.col_index = Some(index);
        self.source_col = Some(index);
        self
    }

    /// Sets the offending value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }
}
