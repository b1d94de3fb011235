//! JSON (one document) and JSON Lines (streamed) reports, field for field as contract §6.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::Diagnostic;
use crate::actions::{Action, Evidence};
use crate::check::{InputInfo, Record, Sink, Summary};
use crate::rules::state::FieldChange;
use crate::rules::RowOutcome;
use crate::schema::Schema;

/// Contract version of the JSON report.
pub const VERSION: u32 = 1;

/// One row of the report (`rows[]`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RowReport {
    /// Editor line where the record starts.
    pub line: u64,
    /// The user's email as written.
    pub user: Option<String>,
    /// What the upload does with the row.
    pub action: Action,
    /// Catalogue id of the designated package.
    pub package: Option<String>,
    /// What decided the action.
    pub evidence: Evidence,
    /// Changed fields (with a current export; `null` otherwise).
    pub changes: Option<Vec<FieldChange>>,
}

impl RowReport {
    /// The report row for an outcome.
    #[must_use]
    pub fn from_outcome(row: &RowOutcome) -> Self {
        RowReport {
            line: row.meta.line,
            user: row.user.clone(),
            action: row.action,
            package: row.package.clone(),
            evidence: row.evidence,
            changes: row.changes.clone(),
        }
    }
}

/// Collects everything in memory; writes the JSON document with [`Collect::write_json`].
#[derive(Debug, Default)]
pub struct Collect {
    /// The input, once known.
    pub input: Option<InputInfo>,
    /// Every row.
    pub rows: Vec<RowReport>,
    /// Every finding, in input order.
    pub diagnostics: Vec<Diagnostic>,
    /// The summary, at the end.
    pub summary: Option<Summary>,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    input: &'a Option<InputInfo>,
    summary: &'a Option<Summary>,
    rows: &'a [RowReport],
    diagnostics: &'a [Diagnostic],
    /// A command's own field (`fix`: the files written).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    extra: Option<std::collections::BTreeMap<&'a str, &'a serde_json::Value>>,
}

impl Collect {
    fn document(&self) -> Document<'_> {
        Document {
            version: VERSION,
            input: &self.input,
            summary: &self.summary,
            rows: &self.rows,
            diagnostics: &self.diagnostics,
            extra: None,
        }
    }

    /// Writes the JSON document (contract §6).
    ///
    /// # Errors
    /// Writing failed.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        self.write_json_with(out, None)
    }

    /// Writes the JSON document with one more top-level field (`fix` adds `written`). The
    /// document is serialised as it is walked, never built as a tree of values: a report of
    /// 1,000,000 rows stays the size of its rows.
    ///
    /// # Errors
    /// Writing failed.
    pub fn write_json_with(
        &self,
        out: &mut dyn Write,
        extra: Option<(&str, &serde_json::Value)>,
    ) -> io::Result<()> {
        let doc =
            Document { extra: extra.map(|(k, v)| std::iter::once((k, v)).collect()), ..self.document() };
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }

    /// The JSON document as a value (to add fields to it).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.document()).unwrap_or(serde_json::Value::Null)
    }
}

impl Sink for Collect {
    fn begin(&mut self, input: &InputInfo, _: &Schema) -> io::Result<()> {
        self.input = Some(input.clone());
        Ok(())
    }
    fn header(&mut self, diagnostics: &[Diagnostic], _: Record<'_>) -> io::Result<()> {
        self.diagnostics.extend_from_slice(diagnostics);
        Ok(())
    }
    fn row(&mut self, row: &RowOutcome, _: Record<'_>) -> io::Result<()> {
        self.rows.push(RowReport::from_outcome(row));
        self.diagnostics.extend_from_slice(&row.diagnostics);
        Ok(())
    }
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        self.input = Some(input.clone());
        self.summary = Some(summary.clone());
        Ok(())
    }
}

/// A row of the report, borrowed from its outcome (what [`JsonLines`] writes; the same
/// fields as [`RowReport`]).
#[derive(Serialize)]
struct RowView<'a> {
    line: u64,
    user: Option<&'a str>,
    action: Action,
    package: Option<&'a str>,
    evidence: Evidence,
    changes: Option<&'a [FieldChange]>,
}

impl<'a> RowView<'a> {
    fn new(row: &'a RowOutcome) -> Self {
        RowView {
            line: row.meta.line,
            user: row.user.as_deref(),
            action: row.action,
            package: row.package.as_deref(),
            evidence: row.evidence,
            changes: row.changes.as_deref(),
        }
    }
}

/// Writes `{"type":kind, ...value}` and a line feed. `value` serialises to a JSON object;
/// the `type` member is put in front of its members (what `#[serde(flatten)]` would do,
/// without flatten's detour through a map serialiser, which cost a tenth of a check).
fn write_line<T: Serialize>(out: &mut impl Write, kind: &str, value: &T) -> io::Result<()> {
    let mut json = Vec::with_capacity(192);
    serde_json::to_writer(&mut json, value)?;
    out.write_all(b"{\"type\":")?;
    serde_json::to_writer(&mut *out, kind)?;
    match json.strip_prefix(b"{") {
        Some(b"}") => out.write_all(b"}")?,
        Some(members) => {
            out.write_all(b",")?;
            out.write_all(members)?;
        }
        None => return Err(io::Error::other("a JSON Lines value that is not an object")),
    }
    out.write_all(b"\n")
}

/// A row's lines: its diagnostics, then the row.
fn write_row(out: &mut impl Write, row: &RowOutcome) -> io::Result<()> {
    row.diagnostics.iter().try_for_each(|d| write_line(out, "diagnostic", d))?;
    write_line(out, "row", &RowView::new(row))
}

/// Rows rendered per task when a batch is rendered in parallel.
const ROWS_PER_TASK: usize = 2048;

/// Streams one JSON object per line: `{"type":"input",...}` first, then each row's
/// diagnostics and the row itself, and `{"type":"summary",...}` last.
pub struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> JsonLines<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        JsonLines { out }
    }
}

impl<W: Write> Sink for JsonLines<W> {
    fn begin(&mut self, input: &InputInfo, _: &Schema) -> io::Result<()> {
        #[derive(Serialize)]
        struct Begin<'a> {
            version: u32,
            input: &'a InputInfo,
        }
        write_line(&mut self.out, "input", &Begin { version: VERSION, input })
    }
    fn header(&mut self, diagnostics: &[Diagnostic], _: Record<'_>) -> io::Result<()> {
        diagnostics.iter().try_for_each(|d| write_line(&mut self.out, "diagnostic", d))
    }
    fn row(&mut self, row: &RowOutcome, _: Record<'_>) -> io::Result<()> {
        write_row(&mut self.out, row)
    }
    /// Renders the rows on the worker threads, then writes the text in order.
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        let texts: Vec<io::Result<Vec<u8>>> = rows
            .par_chunks(ROWS_PER_TASK)
            .map(|chunk| {
                let mut text = Vec::with_capacity(chunk.len() * 192);
                chunk.iter().try_for_each(|(row, _)| write_row(&mut text, row))?;
                Ok(text)
            })
            .collect();
        texts.into_iter().try_for_each(|text| self.out.write_all(&text?))
    }
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        #[derive(Serialize)]
        struct End<'a> {
            input: &'a InputInfo,
            summary: &'a Summary,
        }
        write_line(&mut self.out, "summary", &End { input, summary })?;
        self.out.flush()
    }
}
