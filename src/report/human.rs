//! The human report: compiler-style diagnostics rendered by miette (the source line, the
//! cell underlined, `file:line`, the A1 cell and column, a help line), then a summary.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use rayon::prelude::*;

use super::Diagnostic;
use crate::actions::Action;
use crate::check::{InputInfo, Record, Sink, Summary};
use crate::input::raw;
use crate::rules::{RowOutcome, Severity};
use crate::schema::Schema;

/// Rows listed one by one in the summary when the file has at most this many.
const ROW_TABLE_MAX: usize = 50;
/// Longest source line shown; longer lines are cut around the cell.
const MAX_SHOWN: usize = 240;
/// Longest value quoted whole in a message or a `fixed` line (see [`shorten`]).
const QUOTE_MAX: usize = 60;
/// Widest `user` column of the summary's row list (see [`shorten`]).
const USER_MAX: usize = 40;

/// How the human report looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Use colors.
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
    /// Leave out `fixed` findings.
    pub quiet: bool,
    /// Delimiter of the input (to find cells in the source line).
    pub delimiter: u8,
    /// `--deny-warnings`: warnings fail the run, which the summary says.
    pub deny_warnings: bool,
}

/// One line of the per-user table: line, user, action, package, diff.
type TableRow = (u64, Option<String>, Action, Option<String>, String);

/// Writes the human report to `out`.
pub struct Human<W: Write> {
    out: W,
    style: Style,
    handler: GraphicalReportHandler,
    name: String,
    rows: Vec<TableRow>,
    shown: usize,
    after_block: bool,
    /// The package columns' names: their changes are the row's package change, shown once.
    package_columns: Vec<String>,
    /// The input is a spreadsheet.
    sheet: bool,
    /// The email column's index in the checked table.
    email: usize,
}

impl<W: Write> Human<W> {
    /// A report writer.
    pub fn new(out: W, style: Style) -> Self {
        let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false);
        Human {
            out,
            style,
            handler,
            name: String::new(),
            rows: Vec::new(),
            shown: 0,
            after_block: false,
            package_columns: Vec::new(),
            sheet: false,
            email: usize::MAX,
        }
    }

    fn emit(&mut self, d: &Diagnostic, raw: &[u8], first_line: u64) -> io::Result<()> {
        let text =
            Painter { style: &self.style, handler: &self.handler, name: &self.name, sheet: self.sheet }
                .render(d, raw, first_line)?;
        self.put(text)
    }
}

/// What rendering a finding needs: no state of the report, so rows are rendered on every
/// core.
#[derive(Clone, Copy)]
struct Painter<'a> {
    style: &'a Style,
    handler: &'a GraphicalReportHandler,
    name: &'a str,
    /// The input is a spreadsheet: a row is one line, whatever line breaks its cells hold.
    sheet: bool,
}

impl Painter<'_> {
    /// A finding's text: a one-line `fixed` note, or a block drawn by miette; `None` for a
    /// `fixed` finding with `--quiet`.
    fn render(self, d: &Diagnostic, raw: &[u8], first_line: u64) -> io::Result<Option<Text>> {
        if d.severity == Severity::Fixed {
            if self.style.quiet {
                return Ok(None);
            }
            // A repair with no value to show (a repeated header left out): its message.
            if d.fix.is_none() {
                return Ok(Some(Text::Fixed(format!(
                    "fixed {}:{} {}: {} ({} {})",
                    self.name,
                    d.line,
                    d.cell.as_deref().unwrap_or("-"),
                    pictured(&shorten_quotes(&d.message)),
                    d.code,
                    d.rule,
                ))));
            }
            // A value no cell of the file holds is one the profile wrote (`[defaults]`,
            // `[[when]]`, the value map): its message says which.
            let cell = match (&d.cell, d.col_index) {
                (Some(cell), _) => cell.as_str(),
                (None, Some(_)) => "(profile)",
                (None, None) => "-",
            };
            return Ok(Some(Text::Fixed(format!(
                "fixed {}:{} {} {}: `{}` -> `{}` ({} {})",
                self.name,
                d.line,
                cell,
                pictured(d.column.as_deref().unwrap_or("")),
                visible(&shorten(d.value.as_deref().unwrap_or(""), QUOTE_MAX)),
                visible(&shorten(d.fix.as_deref().unwrap_or(""), QUOTE_MAX)),
                d.code,
                d.rule,
            ))));
        }
        // A spreadsheet row is shown on one line: a line break inside a cell is not a row.
        let flat: Vec<u8>;
        let body = raw::trim_terminator(raw);
        let raw = if self.sheet && body.iter().any(|&b| b == b'\n' || b == b'\r') {
            flat = body.iter().map(|&b| if b == b'\n' || b == b'\r' { b' ' } else { b }).collect();
            &flat[..]
        } else {
            raw
        };
        let rendered = Rendered::new(d, self.name, raw, first_line, self.style.delimiter);
        let mut text = String::new();
        self.handler.render_report(&mut text, &rendered).map_err(io::Error::other)?;
        Ok(Some(Text::Block(text)))
    }
}

impl<W: Write> Human<W> {
    /// Writes a finding's text, with a blank line between a block and what follows it.
    fn put(&mut self, text: Option<Text>) -> io::Result<()> {
        match text {
            None => Ok(()),
            Some(Text::Fixed(line)) => {
                if self.after_block {
                    writeln!(self.out)?;
                    self.after_block = false;
                }
                self.shown += 1;
                writeln!(self.out, "{line}")
            }
            Some(Text::Block(text)) => {
                if self.shown > 0 {
                    writeln!(self.out)?;
                }
                self.shown += 1;
                self.after_block = true;
                self.out.write_all(text.as_bytes())
            }
        }
    }

    fn table_row(&mut self, row: &RowOutcome) {
        if self.rows.len() <= ROW_TABLE_MAX {
            // The user as `fix` writes it (`Jon.Berg@...` lower-cased): the last correction
            // of the email cell, else the row's user (JSON's `rows[].user`, as typed).
            let written = row
                .diagnostics
                .iter()
                .rev()
                .find(|d| d.severity == Severity::Fixed && d.col_index == Some(self.email))
                .and_then(|d| d.fix.clone());
            self.rows.push((
                row.meta.line,
                written.or_else(|| row.user.clone()),
                row.action,
                package(row),
                diff(row, &self.package_columns),
            ));
        }
    }
}

/// The row list's package: the one set TRUE, or (with `--current`) the one an existing
/// user keeps when the row leaves its cells blank, marked `(kept)`: a bare `-` would read
/// as "no package".
fn package(row: &RowOutcome) -> Option<String> {
    match (row.package, row.action, row.package_before.as_deref()) {
        (Some(p), _, _) => Some(p.to_owned()),
        (None, Action::Modify | Action::Unchanged, Some(kept)) => Some(format!("{kept} (kept)")),
        _ => None,
    }
}

/// A finding as the report shows it.
enum Text {
    /// A `fixed` note, one line.
    Fixed(String),
    /// A diagnostic drawn with its source line.
    Block(String),
}

/// Rows rendered per task when a batch is rendered in parallel.
const ROWS_PER_TASK: usize = 2048;

impl<W: Write> Sink for Human<W> {
    fn begin(&mut self, input: &InputInfo, schema: &Schema) -> io::Result<()> {
        self.name = pictured(&input.path).into_owned();
        self.sheet = input.sheet.is_some();
        self.email = schema.email;
        self.package_columns = schema.packages.iter().map(|&(col, _)| schema.name(col).to_owned()).collect();
        // Spreadsheet rows are shown as comma-separated lines.
        self.style.delimiter = input.delimiter.as_deref().and_then(|d| d.bytes().next()).unwrap_or(b',');
        Ok(())
    }

    fn header(&mut self, diagnostics: &[Diagnostic], record: Record<'_>) -> io::Result<()> {
        for d in diagnostics {
            self.emit(d, record.raw, d.line)?;
        }
        Ok(())
    }

    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        for d in &row.diagnostics {
            self.emit(d, record.raw, row.meta.line)?;
        }
        self.table_row(row);
        Ok(())
    }

    /// Renders the findings on the worker threads (miette's drawing is most of a report's
    /// cost), then writes them in order.
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        let painter =
            Painter { style: &self.style, handler: &self.handler, name: &self.name, sheet: self.sheet };
        let texts: Vec<io::Result<Vec<Option<Text>>>> = rows
            .par_chunks(ROWS_PER_TASK)
            .map(|chunk| {
                chunk
                    .iter()
                    .flat_map(|(row, record)| {
                        row.diagnostics.iter().map(|d| painter.render(d, record.raw, row.meta.line))
                    })
                    .collect()
            })
            .collect();
        for text in texts {
            text?.into_iter().try_for_each(|t| self.put(t))?;
        }
        for (row, _) in rows {
            if self.rows.len() > ROW_TABLE_MAX {
                break;
            }
            self.table_row(row);
        }
        Ok(())
    }

    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        let out = &mut self.out;
        if self.shown > 0 {
            writeln!(out)?;
        }
        let how = match (&input.sheet, &input.delimiter) {
            (Some(sheet), _) => format!("{}, sheet {sheet:?}", input.format),
            (None, Some(d)) => {
                let why = match input.encoding_reason {
                    "bom" => "byte-order mark",
                    "valid-utf-8" => "valid UTF-8",
                    "fallback" => "not UTF-8, read as Windows-1252",
                    "guessed" => "guessed from NUL bytes",
                    other => other,
                };
                format!("{}, {} ({why}), delimiter {d:?}", input.format, input.encoding)
            }
            (None, None) => input.format.to_owned(),
        };
        writeln!(out, "{} ({how})", pictured(&input.path))?;
        if let Some(left_out) = input.left_out.as_ref().filter(|l| !l.is_empty()) {
            writeln!(
                out,
                "  left out (the profile keeps Control Hub columns and `keep`): {}",
                pictured(&left_out.join(", "))
            )?;
        }
        if self.rows.len() <= ROW_TABLE_MAX && !self.rows.is_empty() {
            let width = self
                .rows
                .iter()
                .map(|r| r.1.as_deref().unwrap_or("-").chars().count())
                .max()
                .unwrap_or(1)
                .min(USER_MAX);
            writeln!(out, "  {:>5}  {:<width$}  {:<9}  package", "line", "user", "action")?;
            for (line, user, action, package, diff) in &self.rows {
                let package = package.as_deref().unwrap_or("-");
                let user = user.as_deref().unwrap_or("-");
                let user = pictured(&shorten(user, USER_MAX)).into_owned();
                let line_text = format!("  {line:>5}  {user:<width$}  {:<9}  {package}", action.as_str());
                if diff.is_empty() {
                    writeln!(out, "{line_text}")?;
                } else {
                    writeln!(out, "{line_text}  ({diff})")?;
                }
            }
        }
        let a = &summary.actions;
        writeln!(
            out,
            "  rows {}  errors {}  warnings {}  fixed {}",
            summary.rows, summary.errors, summary.warnings, summary.fixed
        )?;
        // The evidence that decided existing users (contract §4): the export, or the rows'
        // own `User Status`.
        let evidence =
            if summary.packages.is_some() { "against the current export" } else { "by User Status" };
        writeln!(
            out,
            "  actions ({evidence}): add {}  modify {}  remove {}  unchanged {}  invalid {}",
            a.add, a.modify, a.remove, a.unchanged, a.invalid
        )?;
        if let Some(packages) = &summary.packages {
            let moves: Vec<String> = packages
                .iter()
                .filter(|(_, c)| c.before > 0 || c.after > 0)
                .map(|(id, c)| format!("{id} {} -> {}", c.before, c.after))
                .collect();
            writeln!(out, "  packages (before -> after): {}", moves.join(", "))?;
        }
        if let Some(absent) = summary.absent.filter(|&n| n > 0) {
            let users = if absent == 1 { "user" } else { "users" };
            writeln!(
                out,
                "  not in this file: {absent} {users} of the current export, left as they are (to remove one, add its row with every package FALSE)"
            )?;
        }
        if self.style.deny_warnings && summary.warnings > 0 {
            let what = match summary.warnings {
                1 => "the warning fails".to_owned(),
                n => format!("the {n} warnings fail"),
            };
            writeln!(out, "  --deny-warnings: {what} the run (exit 1)")?;
        }
        out.flush()
    }
}

/// A value of more than `max` characters as the human report shows it, in `max`: its
/// first two thirds and its last third around a `…` (an email keeps its domain), enough to
/// find it in the file (JSON keeps it whole).
fn shorten(value: &str, max: usize) -> Cow<'_, str> {
    let count = value.chars().count();
    if count <= max {
        return Cow::Borrowed(value);
    }
    let head = max.saturating_sub(1) * 2 / 3;
    let tail = max.saturating_sub(1) - head;
    let kept = value.chars().take(head).chain(std::iter::once('…')).chain(value.chars().skip(count - tail));
    Cow::Owned(kept.collect())
}

/// A message with each value it quotes between backquotes shortened to 60 characters (its
/// start and end around a `…`), as the human report shows messages; JSON keeps them whole.
///
/// ```
/// let message = format!("`{}` is not a Control Hub column", "x".repeat(500));
/// let shown = hubcsv::report::human::shorten_quotes(&message);
/// assert!(shown.chars().count() < 100 && shown.ends_with("` is not a Control Hub column"));
/// ```
#[must_use]
pub fn shorten_quotes(message: &str) -> Cow<'_, str> {
    let parts: Vec<&str> = message.split('`').collect();
    // Odd parts are quoted (a message's backquotes come in pairs).
    if !parts.iter().skip(1).step_by(2).any(|q| q.len() > QUOTE_MAX) {
        return Cow::Borrowed(message);
    }
    let shortened: Vec<Cow<'_, str>> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { shorten(part, QUOTE_MAX) } else { Cow::Borrowed(*part) })
        .collect();
    Cow::Owned(shortened.join("`"))
}

/// A value as a `fixed` line shows it: each character that cannot be seen or that breaks the
/// line (a control character such as a tab or line break, white space other than the plain
/// space, a zero-width or bidirectional mark, the soft hyphen) written `<U+200B>`, so that a
/// correction that removes one does not read `Ana` -> `Ana`.
fn visible(value: &str) -> Cow<'_, str> {
    use std::fmt::Write as _;
    let hidden = |c: char| c != ' ' && (c.is_control() || c.is_whitespace() || crate::rules::is_invisible(c));
    if !value.chars().any(hidden) {
        return Cow::Borrowed(value);
    }
    let mut shown = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if hidden(c) {
            // Writing to a String does not fail.
            let _ = write!(shown, "<U+{:04X}>", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Text from the input as the terminal is given it: each control character but the line
/// feed and the tab (an escape, a carriage return, a backspace, a C1 control) written as a
/// visible stand-in, so that a cell cannot move the cursor, recolour or retitle the terminal,
/// or hide the report's own text. C0 controls and DEL become their Unicode control pictures
/// (`␛` for ESC), one column wide as the character was; C1 controls `<U+009B>`. JSON keeps
/// the characters (escaped).
///
/// ```
/// assert_eq!(hubcsv::report::human::pictured("Ana\u{1b}[31m"), "Ana\u{241b}[31m");
/// assert_eq!(hubcsv::report::human::pictured("Ana\tSilva\n"), "Ana\tSilva\n");
/// ```
#[must_use]
pub fn pictured(text: &str) -> Cow<'_, str> {
    pictured_at(text, &mut [])
}

/// [`pictured`], moving each byte offset of `offsets` (at character boundaries of `text`, or
/// its length) to the same character in the result.
#[doc(hidden)]
pub fn pictured_at<'t>(text: &'t str, offsets: &mut [usize]) -> Cow<'t, str> {
    use std::fmt::Write as _;
    let stray = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.chars().any(stray) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    let mut moved = vec![false; offsets.len()];
    for (at, c) in text.char_indices() {
        for (offset, done) in offsets.iter_mut().zip(&mut moved) {
            if *offset == at && !*done {
                *offset = shown.len();
                *done = true;
            }
        }
        match c {
            _ if !stray(c) => shown.push(c),
            '\u{7F}' => shown.push('\u{2421}'),
            '\0'..='\u{1F}' => shown.push(char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{FFFD}')),
            // Writing to a String does not fail.
            _ => drop(write!(shown, "<U+{:04X}>", u32::from(c))),
        }
    }
    for (offset, done) in offsets.iter_mut().zip(&moved) {
        if !*done {
            *offset = shown.len();
        }
    }
    Cow::Owned(shown)
}

/// A compact diff of a row against the current export: `webex_meetings -> webex_suite;
/// Phone Number: +14085550101 -> +14085550102`. Package cells are left out when the
/// package line says it; a change of subscription within one package (`Webex Calling
/// [Sub1]` to `[Sub2]`) has no package line, and shows its cells.
fn diff(row: &RowOutcome, package_columns: &[String]) -> String {
    let Some(changes) = &row.changes else { return String::new() };
    let package_changed = changes.iter().any(|c| c.column == "package");
    let mut parts = Vec::new();
    for c in changes {
        if c.column == "package" {
            let show = |v: &str| if v.is_empty() { "none".to_owned() } else { v.to_owned() };
            parts.push(format!("{} -> {}", show(&c.old), show(&c.new)));
        } else if !(package_changed && package_columns.contains(&c.column)) {
            // Package cells are the package change above; a basic license's is shown.
            // Shown as the `fixed` lines show values: invisible characters named, long
            // values shortened.
            let show = |v: &str| visible(&shorten(v, QUOTE_MAX)).into_owned();
            parts.push(format!(
                "{}: {} -> {}",
                c.column,
                if c.old.is_empty() { "\"\"".to_owned() } else { show(&c.old) },
                show(&c.new)
            ));
        }
    }
    let text = parts.join("; ");
    if text.chars().count() > 120 {
        return text.chars().take(119).collect::<String>() + "…";
    }
    text
}

/// The part of the source shown for one finding: the lines of its record up to the cell's
/// line, numbered as in the file.
struct Snippet {
    name: String,
    text: String,
    /// 0-based line of `text`'s first line in the file.
    first_line: usize,
    /// Characters of that line in the file before `text` starts (a window of a long line),
    /// less the `…` that stands for them.
    column_shift: isize,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        // The column an editor shows counts characters, not bytes (miette counts bytes).
        let start = inner.span().offset();
        let column = self.text.get(..start).map_or(inner.column(), |before| {
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let chars = before[line_start..].chars().count();
            let shift = if line_start == 0 { self.column_shift } else { 0 };
            chars.saturating_add_signed(shift)
        });
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

/// A [`Diagnostic`] with its snippet, as miette wants it.
struct Rendered<'a> {
    d: &'a Diagnostic,
    source: Snippet,
    span: SourceSpan,
    label: String,
    /// The record has text to show: without, no frame is drawn (an empty one says nothing).
    framed: bool,
}

impl<'a> Rendered<'a> {
    fn new(d: &'a Diagnostic, name: &str, raw: &[u8], first_line: u64, delimiter: u8) -> Self {
        let body = raw::trim_terminator(raw);
        // A column with no cell in the user's file (one a profile filled in: no `cell`) is
        // not drawn under the user's cell of the same index, which holds something else.
        let (mut start, mut end) = match d
            .source_col
            .or(d.col_index.filter(|_| d.cell.is_some()))
            .and_then(|c| raw::field_spans(body, delimiter).get(c).cloned())
        {
            Some(r) => (r.start, r.end),
            None => (0, memchr::memchr(b'\n', body).unwrap_or(body.len())),
        };
        // Show the record up to the end of the line holding the cell's start (before its
        // `\r\n`: a `\r` left at the end counts as a line break of its own to miette, whose
        // margin then numbers the line one short).
        let line_end = memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i);
        let line_end = if line_end > start && body.get(line_end.wrapping_sub(1)) == Some(&b'\r') {
            line_end - 1
        } else {
            line_end
        };
        let line_start = memchr::memrchr(b'\n', &body[..start]).map_or(0, |i| i + 1);
        end = end.min(line_end);
        let mut text_start = 0;
        let mut text_end = line_end;
        let mut prefix = "";
        let mut suffix = "";
        if line_end - line_start > MAX_SHOWN {
            // A very long line: show a window around the cell, cut at character boundaries.
            text_start = floor_char(body, start.saturating_sub(MAX_SHOWN / 3).max(line_start));
            text_end = floor_char(body, (text_start + MAX_SHOWN).min(line_end));
            end = end.min(text_end);
            start = start.min(end);
            if text_start > line_start {
                prefix = "…";
            }
            if text_end < line_end {
                suffix = "…";
            }
        }
        let mut text = String::from(prefix);
        text.push_str(&String::from_utf8_lossy(&body[text_start..text_end]));
        let skipped_chars =
            String::from_utf8_lossy(&body[line_start..text_start.max(line_start)]).chars().count();
        let column_shift =
            isize::try_from(skipped_chars).unwrap_or(isize::MAX) - isize::from(!prefix.is_empty());
        let shift = prefix.len();
        let mut offsets = [start - text_start + shift, end - text_start + shift];
        // The cell's control characters drawn, its span moved with them.
        if let Cow::Owned(shown) = pictured_at(&text, &mut offsets) {
            text = shown;
        }
        let [s, e] = offsets;
        // An empty last cell starts where the text ends, and miette draws no label on a span
        // past a line's end: a line break after the text gives it one column there, just
        // after the last delimiter (miette shows the line without it).
        if s >= text.len() {
            text.push('\n');
        }
        text.push_str(suffix);
        let label = match (&d.cell, &d.column) {
            (Some(cell), Some(column)) => format!("{cell} {}", pictured(column)),
            // A cell under no header (a blank one, or right of the table): its cell alone.
            (Some(cell), None) => cell.clone(),
            _ => "this row".to_owned(),
        };
        let first_line = usize::try_from(first_line.saturating_sub(1)).unwrap_or(usize::MAX);
        // Lines before the cell's line inside the same record (quoted line breaks).
        let skipped = memchr::memchr_iter(b'\n', &body[..text_start]).count();
        Rendered {
            d,
            source: Snippet { name: name.to_owned(), text, first_line: first_line + skipped, column_shift },
            span: SourceSpan::new(s.into(), e.saturating_sub(s).max(usize::from(e == s))),
            label,
            framed: !body.is_empty(),
        }
    }
}

fn floor_char(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&pictured(&shorten_quotes(&self.d.message)))
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{} {}", self.d.code, self.d.rule)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error | Severity::Fatal => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Fixed => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(pictured(&self.d.help)))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.framed.then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.framed {
            return None;
        }
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some(self.label.clone()), self.span))))
    }
}
