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
            package: row.package.map(str::to_owned),
            evidence: row.evidence,
            changes: row.changes.clone(),
        }
    }
}

/// Collects everything in memory; writes the JSON document with [`Collect::write_json`].
///
/// It keeps every row and every finding: for inputs of a million rows, a [`crate::Sink`]
/// of your own that keeps only what it needs, or [`JsonLines`], uses less memory.
///
/// # Examples
///
/// ```
/// use hubcsv::{check, report::Collect, Options, Source};
///
/// let csv = "User ID/Email (Required),First Name\nana@example.com,Ana\n";
/// let mut report = Collect::default();
/// check(&Source::Bytes { name: "up.csv".into(), data: csv.into() }, &Options::default(), &mut report)?;
/// assert_eq!(report.input.as_ref().map(|i| i.rows), Some(1));
/// assert_eq!(report.summary.as_ref().map(|s| s.actions.add), Some(1));
///
/// let mut json = Vec::new();
/// report.write_json(&mut json)?;
/// let doc: serde_json::Value = serde_json::from_slice(&json)?;
/// assert_eq!(doc["version"], 1);
/// assert_eq!(doc["rows"][0]["action"], "add");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

/// A row of the report, borrowed from its outcome: the same fields as [`RowReport`], which
/// [`RowWriter`] writes by hand (the tests hold the two to the same text).
#[cfg(test)]
#[derive(Serialize)]
struct RowView<'a> {
    line: u64,
    user: Option<&'a str>,
    action: Action,
    package: Option<&'a str>,
    evidence: Evidence,
    changes: Option<&'a [FieldChange]>,
}

#[cfg(test)]
impl<'a> RowView<'a> {
    fn new(row: &'a RowOutcome) -> Self {
        RowView {
            line: row.meta.line,
            user: row.user.as_deref(),
            action: row.action,
            package: row.package,
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
    push_line(&mut json, kind, value)?;
    out.write_all(&json)
}

/// [`write_line`] into a buffer: the value is serialised in place and its opening brace
/// taken out, with no buffer of its own.
fn push_line<T: Serialize>(out: &mut Vec<u8>, kind: &str, value: &T) -> io::Result<()> {
    out.extend_from_slice(b"{\"type\":");
    push_str(out, kind)?;
    let start = out.len();
    serde_json::to_writer(&mut *out, value)?;
    match out.get(start..) {
        Some(b"{}") => {
            out.truncate(start);
            out.push(b'}');
        }
        Some([b'{', ..]) => out[start] = b',',
        _ => return Err(io::Error::other("a JSON Lines value that is not an object")),
    }
    out.push(b'\n');
    Ok(())
}

/// Writes `s` as a JSON string, as `serde_json` does: text without `"`, `\\` or control
/// characters is copied as it is (every email and id of a clean file), the rest escaped by
/// `serde_json`.
fn push_str(out: &mut Vec<u8>, s: &str) -> io::Result<()> {
    // A fold without early exit, which the compiler turns into vector code.
    #[allow(clippy::needless_bitwise_bool)]
    let plain = !s.bytes().fold(false, |escape, b| escape | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if plain {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        Ok(serde_json::to_writer(out, s)?)
    }
}

/// Writes one of hubcsv's own names (an action, an evidence): lower-case ASCII and hyphens,
/// which JSON takes as they are.
fn push_name(out: &mut Vec<u8>, name: &'static str) {
    debug_assert!(name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'));
    out.reserve(name.len() + 2);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.push(b'"');
}

fn push_opt_str(out: &mut Vec<u8>, s: Option<&str>) -> io::Result<()> {
    if let Some(s) = s {
        push_str(out, s)
    } else {
        out.extend_from_slice(b"null");
        Ok(())
    }
}

/// How a row object is laid out: the text before each member's value (`line`, `user`,
/// `action`, `package`, `evidence`, `changes`), the text after the last, and the indent of
/// the changes when they are pretty-printed.
struct RowLayout {
    members: [&'static [u8]; 6],
    end: &'static [u8],
    changes_indent: Option<&'static [u8]>,
}

/// A JSON Lines row: `{"type":"row",...}` and a line feed.
const LINE_ROW: RowLayout = RowLayout {
    members: [
        b"{\"type\":\"row\",\"line\":",
        b",\"user\":",
        b",\"action\":",
        b",\"package\":",
        b",\"evidence\":",
        b",\"changes\":",
    ],
    end: b"}\n",
    changes_indent: None,
};

/// An element of the JSON document's `rows`, as [`push_element`] writes it.
const DOCUMENT_ROW: RowLayout = RowLayout {
    members: [
        b",\n    {\n      \"line\": ",
        b",\n      \"user\": ",
        b",\n      \"action\": ",
        b",\n      \"package\": ",
        b",\n      \"evidence\": ",
        b",\n      \"changes\": ",
    ],
    end: b"\n    }",
    changes_indent: Some(b"      "),
};

/// A row's members up to its `action` member: `line` and `user`.
fn push_head(out: &mut Vec<u8>, row: &RowOutcome, layout: &RowLayout) -> io::Result<()> {
    let [line, user, ..] = layout.members;
    out.extend_from_slice(line);
    out.extend_from_slice(itoa::Buffer::new().format(row.meta.line).as_bytes());
    out.extend_from_slice(user);
    push_opt_str(out, row.user.as_deref())
}

/// A row's members from its `action` member to its end.
fn push_tail(
    out: &mut Vec<u8>,
    row: &RowOutcome,
    layout: &RowLayout,
    scratch: &mut Vec<u8>,
) -> io::Result<()> {
    let [_, _, action, package, evidence, changes] = layout.members;
    out.extend_from_slice(action);
    push_name(out, row.action.as_str());
    out.extend_from_slice(package);
    push_opt_str(out, row.package)?;
    out.extend_from_slice(evidence);
    push_name(out, row.evidence.as_str());
    out.extend_from_slice(changes);
    match (&row.changes, layout.changes_indent) {
        (Some(changes), None) => serde_json::to_writer(&mut *out, changes)?,
        (Some(changes), Some(indent)) => {
            scratch.clear();
            serde_json::to_writer_pretty(&mut *scratch, changes)?;
            push_indented(out, scratch, indent);
        }
        (None, _) => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(layout.end);
    Ok(())
}

/// Writes rows in one layout, member for member what serde writes for [`RowReport`]; by
/// hand because rows are most of a report, and serde's general path (escaping every key, a
/// buffer a row, and for the document a re-indent) cost a tenth of a check. The tests hold
/// both layouts to serde's text.
///
/// The text from a row's `action` member to its end depends only on the action, package
/// and evidence when the row has no changes, and a file's rows take few of their
/// combinations: the writer remembers each, and most rows are their line, their user and a
/// copy.
struct RowWriter {
    layout: &'static RowLayout,
    scratch: Vec<u8>,
    tails: Vec<Tail>,
}

/// The text from the `action` member to the end of a row without changes.
struct Tail {
    action: Action,
    package: Option<&'static str>,
    evidence: Evidence,
    text: Vec<u8>,
}

/// Combinations a [`RowWriter`] remembers at most (the others are written each time).
const MAX_TAILS: usize = 64;

impl RowWriter {
    fn new(layout: &'static RowLayout) -> Self {
        RowWriter { layout, scratch: Vec::new(), tails: Vec::new() }
    }

    fn push(&mut self, out: &mut Vec<u8>, row: &RowOutcome) -> io::Result<()> {
        push_head(out, row, self.layout)?;
        if row.changes.is_some() {
            return push_tail(out, row, self.layout, &mut self.scratch);
        }
        let same =
            |t: &&Tail| t.action == row.action && t.evidence == row.evidence && t.package == row.package;
        if let Some(tail) = self.tails.iter().find(same) {
            out.extend_from_slice(&tail.text);
            return Ok(());
        }
        let mut text = Vec::new();
        push_tail(&mut text, row, self.layout, &mut self.scratch)?;
        out.extend_from_slice(&text);
        if self.tails.len() < MAX_TAILS {
            self.tails.push(Tail { action: row.action, package: row.package, evidence: row.evidence, text });
        }
        Ok(())
    }
}

/// A row's lines: its diagnostics, then the row.
fn write_row(out: &mut Vec<u8>, row: &RowOutcome, writer: &mut RowWriter) -> io::Result<()> {
    row.diagnostics.iter().try_for_each(|d| push_line(out, "diagnostic", d))?;
    writer.push(out, row)
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
        let mut text = Vec::with_capacity(192);
        write_row(&mut text, row, &mut RowWriter::new(&LINE_ROW))?;
        self.out.write_all(&text)
    }
    /// Renders the rows on the worker threads, then writes the text in order.
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        let texts: Vec<io::Result<Vec<u8>>> = rows
            .par_chunks(ROWS_PER_TASK)
            .map(|chunk| {
                let mut text = Vec::with_capacity(chunk.len() * 192);
                let mut writer = RowWriter::new(&LINE_ROW);
                chunk.iter().try_for_each(|(row, _)| write_row(&mut text, row, &mut writer))?;
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

/// Streams the JSON document (contract §6) in bounded memory, byte for byte what
/// [`Collect::write_json_with`] writes. The summary comes before the rows in the document
/// but is known only after them, so rows and findings are rendered as they come (on the
/// worker threads) into two spools, kept in memory up to [`SPOOL_IN_MEMORY`] bytes each and
/// then in an unnamed temporary file; [`JsonDocument::finish`] writes the head and copies
/// the spools behind it. A 1,000,000-row report no longer holds every row in memory.
pub struct JsonDocument<W: Write> {
    out: W,
    rows: Spool,
    diagnostics: Spool,
    input: Option<InputInfo>,
    summary: Option<Summary>,
}

/// Bytes of a spool kept in memory before it moves to a temporary file.
pub const SPOOL_IN_MEMORY: usize = 8 << 20;

/// The elements of one array of the document, each written `,` line feed, indent, element.
struct Spool {
    text: tempfile::SpooledTempFile,
    elements: u64,
}

impl Spool {
    fn new(in_memory: usize) -> Spool {
        Spool { text: tempfile::spooled_tempfile(in_memory), elements: 0 }
    }

    fn push(&mut self, text: &[u8], elements: u64) -> io::Result<()> {
        self.elements += elements;
        self.text.write_all(text).map_err(|e| {
            let dir = std::env::temp_dir();
            io::Error::new(
                e.kind(),
                format!(
                    "{e} (spooling the report to a temporary file in {}: set TMPDIR to a writable folder, \
                     or use --format jsonl, which streams)",
                    dir.display()
                ),
            )
        })
    }

    /// Writes the array at depth 1 (`[]` when empty), as serde's pretty printer does.
    fn copy_to(&mut self, out: &mut impl Write) -> io::Result<()> {
        use std::io::Seek;
        if self.elements == 0 {
            return out.write_all(b"[]");
        }
        out.write_all(b"[")?;
        self.text.seek(io::SeekFrom::Start(1))?; // past the first element's `,`
        io::copy(&mut self.text, out)?;
        out.write_all(b"\n  ]")
    }
}

/// Appends `value` as serde's pretty printer writes it as an element of an array at depth 1
/// of the document: `,`, a line feed, four spaces, and the value with every line after its
/// first indented by four spaces (JSON strings hold no raw line feed, so every line feed in
/// the text is the printer's own).
fn push_element<T: Serialize>(out: &mut Vec<u8>, value: &T, scratch: &mut Vec<u8>) -> io::Result<()> {
    scratch.clear();
    serde_json::to_writer_pretty(&mut *scratch, value)?;
    out.extend_from_slice(b",\n    ");
    push_indented(out, scratch, b"    ");
    Ok(())
}

fn push_indented(out: &mut Vec<u8>, text: &[u8], indent: &[u8]) {
    let mut lines = text.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first);
    }
    for line in lines {
        out.push(b'\n');
        out.extend_from_slice(indent);
        out.extend_from_slice(line);
    }
}

/// Writes `"key": value` as a member of the document (depth 1), after `,` and a line feed.
fn write_member<T: Serialize>(out: &mut impl Write, key: &str, value: &T) -> io::Result<()> {
    let mut text = Vec::new();
    text.extend_from_slice(b",\n  ");
    serde_json::to_writer(&mut text, key)?;
    text.extend_from_slice(b": ");
    push_indented(&mut text, &serde_json::to_vec_pretty(value)?, b"  ");
    out.write_all(&text)
}

impl<W: Write> JsonDocument<W> {
    /// A sink writing the document to `out` when [finished](JsonDocument::finish).
    pub fn new(out: W) -> Self {
        JsonDocument::with_spools(out, SPOOL_IN_MEMORY)
    }

    fn with_spools(out: W, in_memory: usize) -> Self {
        let (rows, diagnostics) = (Spool::new(in_memory), Spool::new(in_memory));
        JsonDocument { out, rows, diagnostics, input: None, summary: None }
    }

    /// Writes the document, with one more top-level member (`fix` adds `written`).
    ///
    /// # Errors
    /// Writing the document, or reading back a spool, failed.
    pub fn finish(mut self, extra: Option<(&str, &serde_json::Value)>) -> io::Result<W> {
        write!(self.out, "{{\n  \"version\": {VERSION}")?;
        write_member(&mut self.out, "input", &self.input)?;
        write_member(&mut self.out, "summary", &self.summary)?;
        self.out.write_all(b",\n  \"rows\": ")?;
        self.rows.copy_to(&mut self.out)?;
        self.out.write_all(b",\n  \"diagnostics\": ")?;
        self.diagnostics.copy_to(&mut self.out)?;
        if let Some((key, value)) = extra {
            write_member(&mut self.out, key, value)?;
        }
        self.out.write_all(b"\n}\n")?;
        Ok(self.out)
    }

    fn push_diagnostics(&mut self, diagnostics: &[Diagnostic]) -> io::Result<()> {
        let (mut text, mut scratch) = (Vec::new(), Vec::new());
        diagnostics.iter().try_for_each(|d| push_element(&mut text, d, &mut scratch))?;
        self.diagnostics.push(&text, diagnostics.len() as u64)
    }
}

impl<W: Write> Sink for JsonDocument<W> {
    fn begin(&mut self, input: &InputInfo, _: &Schema) -> io::Result<()> {
        self.input = Some(input.clone());
        Ok(())
    }
    fn header(&mut self, diagnostics: &[Diagnostic], _: Record<'_>) -> io::Result<()> {
        self.push_diagnostics(diagnostics)
    }
    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        self.rows(&[(row, record)])
    }
    /// Renders the rows and their findings on the worker threads, then spools the text in
    /// order.
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        type Texts = (Vec<u8>, Vec<u8>, u64);
        let texts: Vec<io::Result<Texts>> = rows
            .par_chunks(ROWS_PER_TASK)
            .map(|chunk| {
                let (mut rows, mut diagnostics, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
                let mut writer = RowWriter::new(&DOCUMENT_ROW);
                let mut found = 0;
                for (row, _) in chunk {
                    writer.push(&mut rows, row)?;
                    for d in &row.diagnostics {
                        push_element(&mut diagnostics, d, &mut scratch)?;
                    }
                    found += row.diagnostics.len() as u64;
                }
                Ok((rows, diagnostics, found))
            })
            .collect();
        for (chunk, text) in rows.chunks(ROWS_PER_TASK).zip(texts) {
            let (rows, diagnostics, found) = text?;
            self.rows.push(&rows, chunk.len() as u64)?;
            self.diagnostics.push(&diagnostics, found)?;
        }
        Ok(())
    }
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        self.input = Some(input.clone());
        self.summary = Some(summary.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{push_element, push_line, Collect, JsonDocument, RowView, RowWriter, DOCUMENT_ROW, LINE_ROW};
    use crate::actions::{Action, Evidence};
    use crate::input::Meta;
    use crate::rules::state::FieldChange;
    use crate::rules::{Keys, RowOutcome};

    fn outcome(
        line: u64,
        user: Option<String>,
        package: Option<&'static str>,
        changes: Option<Vec<FieldChange>>,
    ) -> RowOutcome {
        RowOutcome {
            meta: Meta { line, sheet_row: line, start: 0, end: 0 },
            user,
            action: Action::Modify,
            package,
            package_col: None,
            evidence: Evidence::CurrentExport,
            diagnostics: Vec::new(),
            keys: Keys::default(),
            has_status: false,
            filled: [0; 3],
            changes,
            package_before: None,
            existing: Some(0),
        }
    }

    /// What serde writes for the row, through the general path.
    fn by_serde(row: &RowOutcome) -> Vec<u8> {
        let mut out = Vec::new();
        push_line(&mut out, "row", &RowView::new(row)).unwrap();
        out
    }

    fn by_hand(row: &RowOutcome) -> Vec<u8> {
        let mut out = Vec::new();
        RowWriter::new(&LINE_ROW).push(&mut out, row).unwrap();
        out
    }

    #[test]
    fn rows_without_user_package_or_changes() {
        let row = outcome(2, None, None, None);
        assert_eq!(
            String::from_utf8(by_hand(&row)).unwrap(),
            "{\"type\":\"row\",\"line\":2,\"user\":null,\"action\":\"modify\",\"package\":null,\
             \"evidence\":\"current-export\",\"changes\":null}\n"
        );
        assert_eq!(by_hand(&row), by_serde(&row));
    }

    #[test]
    fn a_value_that_is_not_an_object_is_refused() {
        assert!(push_line(&mut Vec::new(), "row", &3).is_err());
        let mut out = Vec::new();
        push_line(&mut out, "empty", &std::collections::BTreeMap::<u8, u8>::new()).unwrap();
        assert_eq!(out, b"{\"type\":\"empty\"}\n");
    }

    /// The streamed document against the one `Collect` builds in memory, spools in memory
    /// and on disk, with and without `fix`'s extra member: files with header findings, row
    /// findings, no findings, and no rows.
    #[test]
    fn the_streamed_document_is_the_collected_one() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/rules/");
        let extra = serde_json::json!({"parts": ["a.csv"], "rows": 2});
        for file in [
            "HC006-unknown-column.csv",
            "HC009-duplicate-user.csv",
            "HC016-invalid-phone-number.csv",
            "HC031-formula-injection.csv",
        ]
        .iter()
        .map(|f| format!("{dir}{f}"))
        .chain([concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/example/upload.csv").to_owned()])
        {
            let source = crate::Source::Path(file.clone().into());
            let opts = crate::Options::default();
            let mut collect = Collect::default();
            crate::check(&source, &opts, &mut collect).unwrap();
            for (in_memory, extra) in [(0, None), (1 << 20, None), (0, Some(("written", &extra)))] {
                let mut expected = Vec::new();
                collect.write_json_with(&mut expected, extra).unwrap();
                let mut document = JsonDocument::with_spools(Vec::new(), in_memory);
                crate::check(&source, &opts, &mut document).unwrap();
                let streamed = document.finish(extra).unwrap();
                assert_eq!(
                    String::from_utf8(streamed).unwrap(),
                    String::from_utf8(expected).unwrap(),
                    "{file}"
                );
            }
        }
        // No rows (and a finding); a row and no findings.
        let empty = b"User ID/Email (Required)\n".to_vec();
        let clean =
            b"User ID/Email (Required),First Name,Last Name,Webex Meetings [Sub1],Preferred Webex Site,Basic Messaging\n\
                      ana@example.com,Ana,Lima,TRUE,acme.webex.com,FALSE\n"
                .to_vec();
        for (data, empty_array) in [(empty, "\"rows\": [],\n"), (clean, "\"diagnostics\": []\n")] {
            let source = crate::Source::Bytes { name: "upload.csv".into(), data };
            let mut collect = Collect::default();
            crate::check(&source, &crate::Options::default(), &mut collect).unwrap();
            let mut expected = Vec::new();
            collect.write_json(&mut expected).unwrap();
            let mut document = JsonDocument::with_spools(Vec::new(), 0);
            crate::check(&source, &crate::Options::default(), &mut document).unwrap();
            let streamed = document.finish(None).unwrap();
            assert!(String::from_utf8_lossy(&streamed).contains(empty_array));
            assert_eq!(streamed, expected);
        }
    }

    proptest! {
        /// Quotes, backslashes, control characters and any unicode: the hand-written row is
        /// serde's, byte for byte.
        #[test]
        fn rows_are_what_serde_writes(
            line in any::<u64>(),
            user in proptest::option::of("(\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}])*"),
            // Package ids are the catalogue's static text; these stand for any.
            package in proptest::option::of(proptest::sample::select(
                vec!["webex_calling", "", "a\"quote", "back\\slash", "line\nfeed", "tab\tand\u{1}", "é"],
            )),
            change in proptest::option::of(("\\PC*", "\\PC*", "[\u{0}-\u{7f}]*")),
            // Every action and evidence (written without an escape test).
            action in proptest::sample::select(Action::ALL.to_vec()),
            evidence in proptest::sample::select(vec![Evidence::UserStatus, Evidence::CurrentExport]),
        ) {
            let changes = change.map(|(column, old, new)| vec![FieldChange { column, old, new }]);
            let row = RowOutcome { action, evidence, ..outcome(line, user, package, changes) };
            prop_assert_eq!(by_hand(&row), by_serde(&row));
            // And the JSON document's element (pretty, indented).
            let (mut hand, mut serde, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
            RowWriter::new(&DOCUMENT_ROW).push(&mut hand, &row).unwrap();
            push_element(&mut serde, &RowView::new(&row), &mut scratch).unwrap();
            prop_assert_eq!(String::from_utf8(hand).unwrap(), String::from_utf8(serde).unwrap());
        }

        /// Rows written one after the other by one writer, which remembers their endings,
        /// are each written as a writer of its own writes it: in both layouts, with and
        /// without changes, the same endings again and again.
        #[test]
        fn a_writer_remembering_endings_writes_each_row_as_a_new_one(
            rows in proptest::collection::vec((
                proptest::sample::select(vec![None, Some("webex_calling"), Some("webex_suite"), Some("a\"b")]),
                proptest::sample::select(Action::ALL.to_vec()),
                proptest::sample::select(vec![Evidence::UserStatus, Evidence::CurrentExport]),
                proptest::option::weighted(0.2, "\\PC{0,3}"),
            ), 0..40),
        ) {
            for layout in [&LINE_ROW, &DOCUMENT_ROW] {
                let (mut writer, mut together, mut apart) = (RowWriter::new(layout), Vec::new(), Vec::new());
                for (i, (package, action, evidence, change)) in rows.iter().enumerate() {
                    let changes = change.clone().map(|new| vec![FieldChange { column: "Location".into(), old: String::new(), new }]);
                    let row = RowOutcome {
                        action: *action,
                        evidence: *evidence,
                        ..outcome(i as u64, Some(format!("u{i}@example.com")), *package, changes)
                    };
                    writer.push(&mut together, &row).unwrap();
                    RowWriter::new(layout).push(&mut apart, &row).unwrap();
                }
                prop_assert_eq!(String::from_utf8(together).unwrap(), String::from_utf8(apart).unwrap());
            }
        }
    }
}
