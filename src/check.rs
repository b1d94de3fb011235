//! The `check` pipeline: read records in batches, check them in parallel, run the cross-row
//! pass in input order, and hand each row to a [`Sink`].

use std::collections::BTreeMap;
use std::io;

use rayon::prelude::*;
use serde::Serialize;

use crate::actions::Action;
use crate::error::Error;
use crate::input::batch::{Batch, BatchSource, Fields, Piece};
use crate::input::record::ReadError;
use crate::input::{open_batches, Meta, ReadOptions, Source};
use crate::options::Options;
use crate::report::Diagnostic;
use crate::rules::cross::CrossCheck;
use crate::rules::state::Matcher;
use crate::rules::{check_row_into, RowInput, RowOutcome, Rule, Scratch, Severity};
use crate::schema::headers::HeaderError;
use crate::schema::mapping::Mapping;
use crate::schema::Schema;

/// What was read, for the report header (contract §6 `input`).
#[derive(Clone, Debug, Serialize)]
pub struct InputInfo {
    /// The input's name as given.
    pub path: String,
    /// `csv`, `xlsx`, `xlsb`, `xls` or `ods`.
    pub format: &'static str,
    /// Text encoding used: `utf-8`, `utf-16le`, `utf-16be`, `windows-1252`.
    pub encoding: &'static str,
    /// Why that encoding: `bom`, `valid-utf-8`, `fallback`, `guessed` or `override`.
    pub encoding_reason: &'static str,
    /// The field delimiter (CSV only).
    pub delimiter: Option<String>,
    /// Sheet name for spreadsheets.
    pub sheet: Option<String>,
    /// Data rows (users) read.
    pub rows: u64,
    /// With a profile: the input's columns it leaves out of the upload (neither Control Hub
    /// columns, nor aliased, nor in `keep`, nor read by `[packages]` or `[[when]]`), as
    /// headed in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_out: Option<Vec<String>>,
}

/// Counts for the report (contract §6 `summary`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Data rows read.
    pub rows: u64,
    /// Findings of severity error.
    pub errors: u64,
    /// Findings of severity warning.
    pub warnings: u64,
    /// Findings of severity fixed.
    pub fixed: u64,
    /// Rows per action.
    pub actions: ActionCounts,
    /// With a current export: users per package before and after the upload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packages: Option<BTreeMap<String, PackageCount>>,
    /// With a current export: its users that no row of the file names. The upload leaves
    /// them as they are (a user left out of the file is not removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent: Option<u64>,
}

/// Users of one package before and after the upload.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct PackageCount {
    /// In the current export.
    pub before: u64,
    /// Once the upload is done.
    pub after: u64,
}

/// Rows per action.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ActionCounts {
    /// Rows that add a user ([`Action::Add`]).
    pub add: u64,
    /// Rows that change an existing user ([`Action::Modify`]).
    pub modify: u64,
    /// Rows that take a user's package away ([`Action::Remove`]).
    pub remove: u64,
    /// Rows that change nothing ([`Action::Unchanged`], only with a current export).
    pub unchanged: u64,
    /// Rows with an error, not to be uploaded ([`Action::Invalid`]).
    pub invalid: u64,
}

impl ActionCounts {
    /// The count for one action.
    #[must_use]
    pub fn get(&self, action: Action) -> u64 {
        match action {
            Action::Add => self.add,
            Action::Modify => self.modify,
            Action::Remove => self.remove,
            Action::Unchanged => self.unchanged,
            Action::Invalid => self.invalid,
        }
    }

    fn bump(&mut self, action: Action) {
        let slot = match action {
            Action::Add => &mut self.add,
            Action::Modify => &mut self.modify,
            Action::Remove => &mut self.remove,
            Action::Unchanged => &mut self.unchanged,
            Action::Invalid => &mut self.invalid,
        };
        *slot += 1;
    }
}

impl Summary {
    fn count(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Error | Severity::Fatal => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Fixed => self.fixed += 1,
            }
        }
    }

    fn count_packages(&mut self, row: &RowOutcome) {
        let Some(packages) = &mut self.packages else { return };
        if row.action == Action::Invalid {
            return;
        }
        let none = || "none".to_owned();
        let after = match row.action {
            Action::Remove => None,
            _ => row.package.map(str::to_owned).or_else(|| row.package_before.clone()),
        };
        if row.existed() {
            let before = row.package_before.clone().unwrap_or_else(none);
            if let Some(count) = packages.get_mut(&before) {
                count.after = count.after.saturating_sub(1);
            }
            packages.entry(after.unwrap_or_else(none)).or_default().after += 1;
        } else if row.action != Action::Remove {
            packages.entry(after.unwrap_or_else(none)).or_default().after += 1;
        }
    }

    /// Whether the exit code is 1: any error, or any warning when warnings are denied.
    #[must_use]
    pub fn failed(&self, deny_warnings: bool) -> bool {
        self.errors > 0 || (deny_warnings && self.warnings > 0)
    }
}

/// A record as read: its fields and its source bytes (with the line terminator).
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    /// Editor line where the record starts.
    pub line: u64,
    /// The fields (after a profile's mapping, if any).
    pub fields: Fields<'a>,
    /// The source text of the record.
    pub raw: &'a [u8],
    /// The user's fields before a profile mapped them (`None` without a profile).
    pub source: Option<Fields<'a>>,
}

/// Two sinks fed with the same results, e.g. a report and the corrected output.
#[derive(Debug)]
pub struct Both<A, B>(pub A, pub B);

impl<A: Sink, B: Sink> Sink for Both<A, B> {
    fn begin(&mut self, input: &InputInfo, schema: &Schema) -> io::Result<()> {
        self.0.begin(input, schema)?;
        self.1.begin(input, schema)
    }
    fn header(&mut self, diagnostics: &[Diagnostic], record: Record<'_>) -> io::Result<()> {
        self.0.header(diagnostics, record)?;
        self.1.header(diagnostics, record)
    }
    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        self.0.row(row, record)?;
        self.1.row(row, record)
    }
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        self.0.rows(rows)?;
        self.1.rows(rows)
    }
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        self.0.end(input, summary)?;
        self.1.end(input, summary)
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn begin(&mut self, input: &InputInfo, schema: &Schema) -> io::Result<()> {
        (**self).begin(input, schema)
    }
    fn header(&mut self, diagnostics: &[Diagnostic], record: Record<'_>) -> io::Result<()> {
        (**self).header(diagnostics, record)
    }
    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        (**self).row(row, record)
    }
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        (**self).rows(rows)
    }
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        (**self).end(input, summary)
    }
}

/// Receives the results of [`check`] in input order. Sinks only present; they decide
/// nothing.
///
/// [`crate::report::Collect`] keeps everything in memory; [`crate::report::JsonLines`]
/// streams the JSON Lines report; [`Both`] feeds two sinks. A sink of your own needs
/// [`Sink::begin`], [`Sink::header`], [`Sink::row`] and [`Sink::end`]; each returns
/// [`io::Result`], and an error stops the run with [`Error::Output`].
///
/// # Examples
///
/// Counting the rows to upload, without keeping them (the memory stays flat on any size):
///
/// ```
/// use std::io;
/// use hubcsv::{actions::Action, rules::RowOutcome, schema::Schema};
/// use hubcsv::{check, Diagnostic, InputInfo, Options, Record, Sink, Source, Summary};
///
/// #[derive(Default)]
/// struct ToUpload(Vec<String>);
///
/// impl Sink for ToUpload {
///     fn begin(&mut self, _: &InputInfo, _: &Schema) -> io::Result<()> { Ok(()) }
///     fn header(&mut self, _: &[Diagnostic], _: Record<'_>) -> io::Result<()> { Ok(()) }
///     fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
///         if row.action != Action::Invalid {
///             // The row as read: `record.fields`; the user as written: `row.user`.
///             self.0.push(format!("{}: {}", record.line, record.fields.get(0).unwrap_or("")));
///         }
///         Ok(())
///     }
///     fn end(&mut self, _: &InputInfo, _: &Summary) -> io::Result<()> { Ok(()) }
/// }
///
/// let csv = "User ID/Email (Required),First Name\nana@example.com,Ana\nben@,Ben\n";
/// let mut sink = ToUpload::default();
/// check(&Source::Bytes { name: "up.csv".into(), data: csv.into() }, &Options::default(), &mut sink)?;
/// assert_eq!(sink.0, ["2: ana@example.com"]);
/// # Ok::<(), hubcsv::Error>(())
/// ```
pub trait Sink {
    /// Called once, after the header is resolved.
    ///
    /// # Errors
    /// Writing failed.
    fn begin(&mut self, input: &InputInfo, schema: &Schema) -> io::Result<()>;
    /// The header row and the findings about it.
    ///
    /// # Errors
    /// Writing failed.
    fn header(&mut self, diagnostics: &[Diagnostic], record: Record<'_>) -> io::Result<()>;
    /// One data row: what `check` found, and the record as read.
    ///
    /// # Errors
    /// Writing failed.
    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()>;
    /// The data rows of one batch, in input order. The default hands each to
    /// [`Sink::row`]; a sink with much to write per row renders them in parallel here.
    ///
    /// # Errors
    /// Writing failed.
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        rows.iter().try_for_each(|(row, record)| self.row(row, *record))
    }
    /// Called once at the end.
    ///
    /// # Errors
    /// Writing failed.
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()>;
}

/// Where a reader's error is, for its message: ``in `Last Name` (cell B3002) on line 3002``,
/// or, with no header to name the column, `in cell H3002 (field 8 of line 3002)`.
fn cell_place(line: u64, row: u64, field: usize, header: Option<&[String]>) -> String {
    let letters = crate::schema::column_letters(field);
    match header.and_then(|h| h.get(field)).map(|h| h.trim()).filter(|h| !h.is_empty()) {
        Some(name) => format!("in `{name}` (cell {letters}{row}) on line {line}"),
        None => format!("in cell {letters}{row} (field {} of line {line})", field + 1),
    }
}

/// [`read_error`] for a file read besides the upload (`open_table`'s: an export, a template,
/// a locations list, `profile init`'s file), which `--encoding` does not apply to.
pub(crate) fn side_read_error(path: &str, e: ReadError) -> Error {
    let utf8 = matches!(e, ReadError::Utf8 { .. });
    let mut error = read_error(path, e);
    if let (true, Error::Unreadable { help, .. }) = (utf8, &mut error) {
        crate::input::NOT_UTF8_HELP.clone_into(help);
    }
    error
}

pub(crate) fn read_error(path: &str, e: ReadError) -> Error {
    match e {
        ReadError::Io(cause) => Error::Io { path: path.to_owned(), cause },
        ReadError::Sheet(reason) => Error::Unreadable {
            path: path.to_owned(),
            line: None,
            help: crate::input::workbook_help(&reason).to_owned(),
            reason,
        },
        ReadError::Utf8 { line, row, field, header } => Error::Unreadable {
            path: path.to_owned(),
            line: Some(line),
            reason: format!("invalid UTF-8 {}", cell_place(line, row, field, header.as_deref())),
            help: "save the file as \"CSV UTF-8 (Comma delimited)\" from your spreadsheet editor; if the whole file is in one other encoding, name it: --encoding windows-1252 (or macintosh, for Excel for Mac's \"CSV (Macintosh)\")".to_owned(),
        },
        ReadError::Nul { line, row, field, header } => Error::Unreadable {
            path: path.to_owned(),
            line: Some(line),
            reason: format!(
                "a NUL byte {}: a NUL is not text, and Control Hub must not get it",
                cell_place(line, row, field, header.as_deref())
            ),
            help: "remove the character from that cell (a program that wrote the file may have padded it); if the whole file is binary, give hubcsv the CSV exported from Control Hub".to_owned(),
        },
        ReadError::OddUtf16 { line, row } => Error::Unreadable {
            path: path.to_owned(),
            line: Some(line),
            reason: format!(
                "the file is UTF-16 text of an odd number of bytes: its last byte, on line {line} (row {row}), is half a character, so the text there is lost"
            ),
            help: "the file was cut short or had a byte added on its way: export it again from Control Hub, or save it again from your spreadsheet editor as CSV UTF-8".to_owned(),
        },
        ReadError::TooLong { line, row, quote } => {
            let limit = crate::input::MAX_RECORD_BYTES >> 20;
            let (reason, help) = match quote {
                Some(field) => (
                    format!(
                        "the quote in cell {}{row} (field {} of line {line}) never closes: over {limit} MiB of the lines after it read as one value, more than any user list holds",
                        crate::schema::column_letters(field),
                        field + 1
                    ),
                    "close the quote, or remove the stray `\"`; quotes belong only around a whole field",
                ),
                None => (
                    format!("line {line} runs over {limit} MiB without a line break: not a CSV user list"),
                    "give hubcsv the CSV exported from Control Hub, or the workbook (.xlsx, .ods, .xls) it was edited in",
                ),
            };
            Error::Unreadable { path: path.to_owned(), line: Some(line), reason, help: help.to_owned() }
        }
    }
}

/// `--max-columns`: a header wider than this is not a user list.
fn limit_columns(width: usize, opts: &Options, path: &str, line: u64) -> Result<(), Error> {
    if width <= opts.max_columns {
        return Ok(());
    }
    Err(Error::Unreadable {
        path: path.to_owned(),
        line: Some(line),
        reason: format!("the header has {width} columns, over --max-columns ({})", opts.max_columns),
        help: "a Control Hub file has a few dozen columns: check the delimiter (--delimiter) or the file"
            .to_owned(),
    })
}

/// `--max-cells`: stop before memory or time runs out.
fn limit_cells(cells: u64, opts: &Options, path: &str, line: Option<u64>) -> Result<(), Error> {
    if cells <= opts.max_cells {
        return Ok(());
    }
    Err(Error::Unreadable {
        path: path.to_owned(),
        line,
        reason: format!("the file has more than --max-cells ({}) cells", opts.max_cells),
        help: "split the file, or raise --max-cells if this machine has the memory".to_owned(),
    })
}

/// Resolves the header row against the catalogue and the template, if any.
fn resolve_header(
    headers: &[String],
    line: u64,
    opts: &Options,
    path: &str,
) -> Result<(Schema, Vec<Diagnostic>), Error> {
    let keep = opts.profile.as_deref().map_or(&[][..], |p| p.keep.as_slice());
    let (mut schema, mut diagnostics) =
        match Schema::resolve_keeping(headers, line, opts.catalogue.clone(), keep) {
            Ok(resolved) => resolved,
            Err(HeaderError::MissingEmailColumn(headers)) => {
                return Err(Error::MissingEmailColumn { path: path.to_owned(), line, headers })
            }
        };
    if let Some(template) = &opts.template {
        template.apply(&mut schema, line, &mut diagnostics);
    } else if opts.profile.is_none() {
        basic_columns_missing(&schema, line, &mut diagnostics);
    }
    Ok((schema, diagnostics))
}

/// `basic-license-columns-missing`: user package columns but no basic license column, so
/// `fix` cannot set them FALSE, and Control Hub may add its default basic licenses to new
/// users. (With `--template`, `template-column-missing` names the org's own columns; a
/// profile writes the basic license columns itself.)
fn basic_columns_missing(schema: &Schema, line: u64, diagnostics: &mut Vec<Diagnostic>) {
    let user_packages =
        schema.packages.iter().any(|&(_, p)| schema.catalogue.package(p).is_some_and(|p| p.user));
    if !user_packages || !schema.basic.is_empty() {
        return;
    }
    diagnostics.push(Diagnostic::new(
        Rule::BasicLicenseColumnsMissing,
        line,
        "the upload has package columns but no basic license column (`Basic Messaging`, `Basic Space Meetings`, `Call on Webex (1:1 call, non-PSTN)`): hubcsv fix cannot set them FALSE, so Control Hub may give new users these free licenses on top of their package",
        "add the org's basic license columns as a fresh Control Hub export names them, and hubcsv fix writes them FALSE; if the org's export has none, check with --template EXPORT, which then decides",
    ));
}

/// The first non-blank row of a batch at or after (`piece`, `row`): the header, or the
/// first data row.
fn next_non_blank(batch: &Batch, from: (usize, usize)) -> Option<(usize, usize)> {
    let pieces = batch.pieces();
    (from.0..pieces.len()).find_map(|p| {
        let first = if p == from.0 { from.1 } else { 0 };
        (first..pieces[p].len()).find(|&i| !pieces[p].fields(i).is_blank()).map(|i| (p, i))
    })
}

/// Per piece of a batch, what the parallel phase produced.
#[derive(Default)]
struct Checked {
    /// One per row of the piece; `None` for rows that are not data (blank, or the header).
    outcomes: Vec<Option<RowOutcome>>,
    /// The rows mapped through the profile, if any.
    mapped: Piece,
    /// Per column with a blank header, its first cell holding data in the piece.
    blank_data: Vec<BlankData>,
}

/// A cell holding data under a blank header: its column, its row and its value.
#[derive(Clone, Debug)]
struct BlankData {
    col: usize,
    meta: Meta,
    value: String,
}

/// What stays the same for every row of a run.
struct Run<'a> {
    /// The input's size in bytes, when it is a CSV file on disk.
    input_len: Option<u64>,
    schema: &'a Schema,
    opts: &'a Options,
    mapping: Option<&'a Mapping>,
    matcher: Option<&'a Matcher<'a>>,
}

impl Run<'_> {
    /// Maps (with a profile) and checks the rows of one piece from row `first`.
    fn check_piece(&self, batch: &Batch, p: usize, first: usize, out: &mut Checked) {
        let piece = &batch.pieces()[p];
        out.mapped.clear();
        if let Some(m) = self.mapping {
            for i in 0..piece.len() {
                let raw = piece.rows[i].raw.clone();
                m.apply(piece.fields(i), piece.notes(i), &mut out.mapped, piece.meta(i), raw);
            }
        }
        let rows = if self.mapping.is_some() { &out.mapped } else { piece };
        let mut scratch = Scratch::default();
        // The outcomes of the stage's last batch are written over (their buffers used again).
        out.outcomes.resize_with(piece.len(), || None);
        for (i, slot) in out.outcomes.iter_mut().enumerate() {
            if i < first || piece.fields(i).is_blank() {
                *slot = None;
                continue;
            }
            let input = RowInput {
                fields: rows.fields(i),
                meta: piece.meta(i),
                raw: batch.raw(p, i),
                notes: rows.notes(i),
                source: self.mapping.map(|_| piece.fields(i)),
            };
            let outcome = slot.get_or_insert_with(|| RowOutcome::blank(input.meta));
            check_row_into(input, self.schema, self.opts, self.matcher, &mut scratch, outcome);
        }
        out.blank_data.clear();
        if !self.schema.blank.is_empty() {
            self.find_blank_data(rows, first, &mut out.blank_data);
        }
    }

    /// The first cell holding data of each blank-header column, in the rows from `first`.
    fn find_blank_data(&self, rows: &Piece, first: usize, found: &mut Vec<BlankData>) {
        for &col in &self.schema.blank {
            let hit = (first..rows.len()).find_map(|i| {
                let value = rows.fields(i).get(col)?.trim();
                (!value.is_empty()).then(|| BlankData { col, meta: rows.meta(i), value: value.to_owned() })
            });
            found.extend(hit);
        }
    }
}

/// Reads batches up to the header row, the first non-blank row (contract §1).
fn find_header(rows: &mut dyn BatchSource, batch: &mut Batch, path: &str) -> Result<(usize, usize), Error> {
    // Bytes or rows were read, every row blank: not an empty file, which the message says
    // apart.
    let mut blank_rows = false;
    loop {
        let more = rows.next_batch(batch).map_err(|e| read_error(path, e))?;
        blank_rows |= !batch.is_empty() || batch.raw_len() > 0;
        if !more {
            let reason = if blank_rows {
                "no header row: every line of the file is blank"
            } else {
                "the file is empty: no header row"
            };
            return Err(Error::Unreadable {
                path: path.to_owned(),
                line: None,
                reason: reason.to_owned(),
                help:
                    "export the users from Control Hub (Users > Manage users > Export CSV) and edit that file"
                        .to_owned(),
            });
        }
        if let Some(at) = next_non_blank(batch, (0, 0)) {
            return Ok(at);
        }
    }
}

/// A CSV header without an email column because a stray quote swallowed line breaks into
/// one of its cells (`"First Name,Email` and the rows below read as one cell): the file is
/// unreadable at the quote, which `missing-email-column` would not say. A quoted header
/// over several lines is kept when the email column is found (an HR export's own column).
/// `lacks`: the column the header should have ("email column").
pub(crate) fn swallowed_header(
    headers: &[String],
    raw: &[u8],
    meta: Meta,
    delimiter: u8,
    path: &str,
    lacks: &str,
) -> Option<Error> {
    memchr::memchr(b'"', raw)?;
    let col = headers.iter().position(|h| h.contains(['\n', '\r']))?;
    let (lines, shown) = crate::rules::lines_shown(&headers[col]);
    let open_at_end = crate::input::raw::scan_quotes(raw, delimiter, 0, None).open_at_end;
    Some(Error::Unreadable {
        path: path.to_owned(),
        line: Some(meta.line),
        reason: format!(
            "a quote opens in header cell {}{} and {}: the header runs over {lines} lines ({shown}) and has no {lacks}",
            crate::schema::column_letters(col),
            meta.sheet_row,
            if open_at_end { "never closes" } else { "closes on a later line" },
        ),
        help: "close the quote, or remove the stray `\"`: quotes belong only around a whole field".to_owned(),
    })
}

/// A record of a file read besides the upload (`what`: "the current export") that runs
/// across lines with another number of `fields` than the header's (`fields.1`): a stray
/// quote swallowed the records after it, which read on would be lost without a word.
pub(crate) fn swallowed_records(
    path: &str,
    what: &str,
    line: u64,
    fields: (usize, usize),
    help: &str,
) -> Error {
    Error::Unreadable {
        path: path.to_owned(),
        line: Some(line),
        reason: format!(
            "{what} is damaged: a quote opens in the record at line {line} and runs across lines (it has {} fields, the header {})",
            fields.0, fields.1
        ),
        help: help.to_owned(),
    }
}

/// With a profile, a `duplicate-header` finding names the mapped columns: it is said again
/// with the user's own letters and headers (two HR columns mapped to one Control Hub
/// column, such as `Work Email` and `Email`).
fn name_own_columns(schema: &Schema, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics.iter_mut().filter(|d| d.rule == Rule::DuplicateHeader) {
        let Some(repeat) = d.col_index else { continue };
        let Some(&(_, first)) = schema.duplicates.iter().find(|(r, _)| *r == repeat) else { continue };
        let own = |c: usize| {
            let source = schema.source_col(c)?;
            Some((crate::schema::column_letters(source), schema.input_headers.get(source)?.trim().to_owned()))
        };
        let (Some((repeat_letters, repeat_name)), Some((kept_letters, kept_name))) =
            (own(repeat), own(first))
        else {
            continue;
        };
        d.message = format!(
            "column {repeat_letters} `{repeat_name}` repeats column {kept_letters} `{kept_name}`: hubcsv fix keeps column {kept_letters} and leaves {repeat_letters} out"
        );
        d.value = Some(repeat_name);
    }
}

/// The header row, resolved.
struct Header {
    schema: Schema,
    diagnostics: Vec<Diagnostic>,
    mapping: Option<Mapping>,
    /// The header as checked (mapped through the profile, if any).
    row: Piece,
    meta: Meta,
}

impl Header {
    /// Resolves the header row at `at` (mapped through the profile, if any).
    fn resolve(batch: &Batch, at: (usize, usize), opts: &Options, path: &str) -> Result<Header, Error> {
        let piece = &batch.pieces()[at.0];
        let meta = piece.meta(at.1);
        let input_fields = piece.fields(at.1);
        limit_columns(input_fields.len(), opts, path, meta.line)?;
        let input_headers: Vec<String> = input_fields.iter().map(str::to_owned).collect();
        let mapping = match (opts.profile.as_deref(), opts.template.as_deref()) {
            (Some(p), Some(t)) => Some(Mapping::new(&t.adapt(p), &opts.catalogue, &input_headers, path)?),
            (Some(p), None) => Some(Mapping::new(p, &opts.catalogue, &input_headers, path)?),
            (None, _) => None,
        };
        let headers = mapping.as_ref().map_or_else(|| input_headers.clone(), |m| m.header.clone());
        let (mut schema, mut diagnostics) = resolve_header(&headers, meta.line, opts, path)
            .map_err(|e| match e {
                // The user maps their own headers: name those, not the mapped ones.
                e @ Error::MissingEmailColumn { .. } if !opts.sheet => swallowed_header(
                    &input_headers,
                    batch.raw(at.0, at.1),
                    meta,
                    opts.delimiter,
                    path,
                    "email column",
                )
                .unwrap_or(e),
                e => e,
            })
            .map_err(|e| match e {
                Error::MissingEmailColumn { path, line, .. } if mapping.is_some() => {
                    Error::MissingEmailColumn { path, line, headers: input_headers.clone() }
                }
                e => e,
            })?;
        if let Some(m) = &mapping {
            // Findings point at the user's own columns.
            schema.origin.clone_from(&m.origin);
            schema.input_headers.clone_from(&input_headers);
            schema.generated = m.generated();
            schema.when_labels = m.when_labels();
            name_own_columns(&schema, &mut diagnostics);
        }
        // Header cells are on the header's row, which blank rows (or a sheet's table that
        // starts lower down) may push below row 1.
        for d in &mut diagnostics {
            d.source_col = d.col_index.and_then(|c| schema.source_col(c));
            if d.col_index.is_some() {
                d.cell = d.col_index.and_then(|c| schema.cell(c, meta.sheet_row));
            }
        }
        let mut row = Piece::default();
        row.push(headers.iter().map(String::as_str), meta, 0..0, &[]);
        Ok(Header { schema, diagnostics, mapping, row, meta })
    }

    fn record<'a>(&'a self, raw: &'a [u8]) -> Record<'a> {
        Record { line: self.meta.line, fields: self.row.fields(0), raw, source: None }
    }
}

/// The running totals of a check.
struct Totals {
    summary: Summary,
    cross: CrossCheck,
    cells: u64,
    /// Per column with a blank header, its first cell holding data in the file.
    blank_data: Vec<BlankData>,
    /// With a current export: per export user, whether a row names them.
    named: Vec<bool>,
}

impl Run<'_> {
    /// Checks the rows of `batch` from `data_from` (piece, row), the pieces in parallel.
    fn check_batch(&self, batch: &Batch, data_from: (usize, usize), checked: &mut Vec<Checked>) {
        let pieces = batch.pieces().len();
        if checked.len() < pieces {
            checked.resize_with(pieces, Checked::default);
        }
        checked.truncate(pieces);
        checked.par_iter_mut().enumerate().for_each(|(p, out)| {
            let first = match p.cmp(&data_from.0) {
                std::cmp::Ordering::Less => usize::MAX,
                std::cmp::Ordering::Equal => data_from.1,
                std::cmp::Ordering::Greater => 0,
            };
            self.check_piece(batch, p, first, out);
        });
    }

    /// The cross-row pass and the counts over a checked batch, in input order; then the
    /// `--max-cells` limit. After the first batch of a CSV file on disk, the duplicate
    /// tables are sized for the rows the file's size suggests.
    fn cross_batch(
        &self,
        batch: &Batch,
        checked: &mut [Checked],
        totals: &mut Totals,
        path: &str,
    ) -> Result<(), Error> {
        let first = totals.cross.rows() == 0;
        let mut rows_in_batch = 0u64;
        let mut last_line = None;
        for found in checked.iter().flat_map(|out| &out.blank_data) {
            if !totals.blank_data.iter().any(|b| b.col == found.col) {
                totals.blank_data.push(found.clone());
            }
        }
        for window in checked.iter_mut().flat_map(|out| out.outcomes.chunks_mut(CROSS_WINDOW)) {
            totals.cross.warm(window.iter().flatten());
            for row in window.iter_mut().flatten() {
                totals.cross.apply(row, self.schema);
                totals.summary.count(&row.diagnostics);
                totals.summary.actions.bump(row.action);
                totals.summary.count_packages(row);
                if let Some(slot) = row.existing.and_then(|i| totals.named.get_mut(i)) {
                    *slot = true;
                }
                rows_in_batch += 1;
                last_line = Some(row.meta.line);
            }
        }
        let (width, before) = (self.schema.width().max(1) as u64, totals.cells);
        totals.cells = before.saturating_add(rows_in_batch * width);
        if totals.cells > self.opts.max_cells {
            // Name the row that crossed the limit, not the batch's last one.
            let fit =
                usize::try_from(self.opts.max_cells.saturating_sub(before) / width).unwrap_or(usize::MAX);
            let mut rows = checked.iter().flat_map(|out| out.outcomes.iter().flatten());
            let line = rows.nth(fit).map(|row| row.meta.line).or(last_line);
            limit_cells(totals.cells, self.opts, path, line)?;
        }
        if let (Some(len), true) = (self.input_len, first && rows_in_batch > 0) {
            let bytes = u128::try_from(batch.raw_len()).unwrap_or(u128::MAX).max(1);
            let rows = u128::from(len) * u128::from(rows_in_batch) / bytes;
            // Never more than --max-cells lets through, whatever the first rows suggest.
            let most = self.opts.max_cells / self.schema.width().max(1) as u64;
            totals.cross.reserve(u64::try_from(rows).unwrap_or(u64::MAX).min(most));
        }
        Ok(())
    }

    /// Hands the rows of a batch, checked and crossed, to `sink` in input order.
    fn sink_batch(&self, batch: &Batch, checked: &[Checked], sink: &mut dyn Sink) -> Result<(), Error> {
        let rows = checked.iter().map(|out| out.outcomes.len()).sum();
        let mut items = Vec::with_capacity(rows);
        for (p, out) in checked.iter().enumerate() {
            let rows = if self.mapping.is_some() { &out.mapped } else { &batch.pieces()[p] };
            for (i, row) in out.outcomes.iter().enumerate() {
                if let Some(row) = row {
                    items.push((
                        row,
                        Record {
                            line: row.meta.line,
                            fields: rows.fields(i),
                            raw: batch.raw(p, i),
                            source: self.mapping.map(|_| batch.pieces()[p].fields(i)),
                        },
                    ));
                }
            }
        }
        sink.rows(&items).map_err(Error::Output)
    }

    /// Checks every batch, three at a time: while this thread hands batch N to the sink, a
    /// worker runs the cross-row pass over batch N+1 (after N's, so in input order) and the
    /// other workers read and check batch N+2.
    fn check_all(
        &self,
        rows: &mut dyn BatchSource,
        first: Batch,
        data_from: (usize, usize),
        totals: &mut Totals,
        sink: &mut dyn Sink,
        path: &str,
    ) -> Result<(), Error> {
        let mut to_cross = Some(Stage { batch: first, checked: Vec::new() });
        if let Some(stage) = to_cross.as_mut() {
            self.check_batch(&stage.batch, data_from, &mut stage.checked);
        }
        let mut to_sink: Option<Stage> = None;
        let mut spare: Vec<Stage> = vec![Stage::default(), Stage::default()];
        let mut input_left = true;
        while to_cross.is_some() || to_sink.is_some() {
            let mut reading = if input_left { spare.pop() } else { None };
            let (mut read, mut crossed, mut delivered) = (Ok(false), Ok(()), Ok(()));
            rayon::in_place_scope(|scope| {
                if let Some(stage) = reading.as_mut() {
                    let (read, rows) = (&mut read, &mut *rows);
                    scope.spawn(move |_| {
                        *read = rows.next_batch(&mut stage.batch);
                        if matches!(read, Ok(true)) {
                            self.check_batch(&stage.batch, (0, 0), &mut stage.checked);
                        }
                    });
                }
                if let Some(stage) = to_cross.as_mut() {
                    let (crossed, totals) = (&mut crossed, &mut *totals);
                    scope.spawn(move |_| {
                        *crossed = self.cross_batch(&stage.batch, &mut stage.checked, totals, path);
                    });
                }
                if let Some(stage) = to_sink.as_ref() {
                    delivered = self.sink_batch(&stage.batch, &stage.checked, sink);
                }
            });
            delivered?;
            crossed?;
            spare.extend(to_sink.take());
            to_sink = to_cross.take();
            if let Some(stage) = reading {
                if read.map_err(|e| read_error(path, e))? {
                    to_cross = Some(stage);
                } else {
                    input_left = false;
                    spare.push(stage);
                }
            }
        }
        Ok(())
    }
}

/// Rows whose keys the cross-row pass looks up together before recording them
/// ([`CrossCheck::warm`]).
const CROSS_WINDOW: usize = 16;

/// A batch and what the workers found in it, passed from stage to stage.
#[derive(Default)]
struct Stage {
    batch: Batch,
    checked: Vec<Checked>,
}

/// `unknown-column` for each column with a blank header and data under it (one finding per
/// column, at its header cell, naming the first value). A blank column without data is
/// ignored: Excel leaves such columns at the right of a CSV it saves.
fn blank_data_findings(header: &Header, found: &mut [BlankData]) -> Vec<Diagnostic> {
    found.sort_by_key(|b| b.col);
    found
        .iter()
        .map(|b| {
            let letter = crate::schema::column_letters(b.col);
            let mut d = Diagnostic::new(
                Rule::UnknownColumn,
                header.meta.line,
                format!(
                    "column {letter} has a blank header but holds data (`{}` on line {}, the first): Control Hub matches columns by their header, so hubcsv fix leaves this column out",
                    b.value, b.meta.line
                ),
                "type the column's header (a Control Hub column, or a name of your own: hubcsv keeps unknown columns), or delete the column",
            )
            .value(b.value.clone());
            d.col_index = Some(b.col);
            d.source_col = Some(b.col);
            d.cell = header.schema.cell(b.col, header.meta.sheet_row);
            d
        })
        .collect()
}

/// Checks `source`, streaming each row's outcome to `sink`.
///
/// Findings about the data are never errors: they reach the sink as [`Diagnostic`]s and are
/// counted in the [`Summary`]. The rows are checked on rayon's global thread pool; the sink
/// is called from the calling thread, in input order. Library code never prints.
///
/// # Errors
/// The input cannot be read or has no identity column ([`Error`]), or the sink failed
/// ([`Error::Output`]).
///
/// # Examples
///
/// Every finding and every row's action, in memory with [`crate::report::Collect`]:
///
/// ```
/// use hubcsv::{actions::Action, check, report::Collect, Error, Options, Rule, Severity, Source};
///
/// let csv = "User ID/Email (Required),Webex Meetings [Sub1],Preferred Webex Site,Basic Messaging\n\
///            ana@example.com,TRUE,acme.webex.com,FALSE\n\
///            Ben@Example.com,TRUE,acme.webex.com,FALSE\n\
///            carl@example,TRUE,acme.webex.com,FALSE\n";
/// let source = Source::Bytes { name: "upload.csv".into(), data: csv.into() };
/// let mut report = Collect::default();
/// let summary = check(&source, &Options::default(), &mut report)?;
/// assert_eq!((summary.rows, summary.errors, summary.fixed), (3, 1, 1));
///
/// for d in &report.diagnostics {
///     println!("{} {} {} line {} {:?} {:?}: {} ({})",
///         d.code, d.rule, d.severity.as_str(), d.line, d.cell, d.value, d.message, d.help);
/// }
/// let error = report.diagnostics.iter().find(|d| d.severity == Severity::Error).unwrap();
/// assert_eq!((error.rule, error.cell.as_deref()), (Rule::InvalidEmail, Some("A4")));
///
/// let actions: Vec<Action> = report.rows.iter().map(|r| r.action).collect();
/// assert_eq!(actions, [Action::Add, Action::Add, Action::Invalid]);
/// assert_eq!(report.rows[0].package.as_deref(), Some("webex_meetings"));
///
/// // A fatal problem is an `Error` to match on.
/// let no_email = Source::Bytes { name: "hr.csv".into(), data: "Name\nAna\n".into() };
/// match check(&no_email, &Options::default(), &mut Collect::default()) {
///     Err(Error::MissingEmailColumn { headers, .. }) => assert_eq!(headers, ["Name"]),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), hubcsv::Error>(())
/// ```
pub fn check(source: &Source, opts: &Options, sink: &mut dyn Sink) -> Result<Summary, Error> {
    let (mut rows, evidence) = open_batches(
        source,
        &ReadOptions { max_cells: opts.max_cells, max_columns: opts.max_columns, ..opts.read.clone() },
    )?;
    // Rules that look at raw text need the delimiter actually used.
    let opts = &Options {
        delimiter: evidence.delimiter.unwrap_or(b','),
        sheet: evidence.sheet.is_some(),
        ..opts.clone()
    };
    let path = source.display_name();
    let mut batch = Batch::default();
    // In a workbook, errors about the table name the sheet read.
    let table = crate::input::table_name(&path, evidence.sheet.as_deref());
    let header_at = find_header(&mut *rows, &mut batch, &table)?;
    let header = Header::resolve(&batch, header_at, opts, &table)?;
    let mut info = InputInfo {
        path,
        format: evidence.format.as_str(),
        encoding: evidence.encoding,
        encoding_reason: evidence.encoding_reason.as_str(),
        delimiter: evidence.delimiter.map(|d| char::from(d).to_string()),
        sheet: evidence.sheet.clone(),
        rows: 0,
        left_out: opts.profile.as_deref().map(|p| left_out(p, &header.schema)),
    };
    let mut totals = Totals {
        summary: Summary::default(),
        cross: CrossCheck::new(opts.max_rows),
        cells: 0,
        blank_data: Vec::new(),
        named: opts.current.as_deref().map_or_else(Vec::new, |c| vec![false; c.len()]),
    };
    sink.begin(&info, &header.schema).map_err(Error::Output)?;
    totals.summary.count(&header.diagnostics);
    // The header's text, for findings about it that come at the end.
    let header_raw = batch.raw(header_at.0, header_at.1).to_vec();
    sink.header(&header.diagnostics, header.record(&header_raw)).map_err(Error::Output)?;

    let matcher = opts.current.as_deref().map(|current| Matcher::new(current, &header.schema));
    if let Some(current) = opts.current.as_deref() {
        let counts = current.package_counts().into_iter();
        totals.summary.packages =
            Some(counts.map(|(id, n)| (id, PackageCount { before: n, after: n })).collect());
    }
    let input_len = match source {
        Source::Path(p) if evidence.format == crate::input::Format::Csv => {
            std::fs::metadata(p).ok().map(|m| m.len())
        }
        _ => None,
    };
    let run = Run {
        input_len,
        schema: &header.schema,
        opts,
        mapping: header.mapping.as_ref(),
        matcher: matcher.as_ref(),
    };
    // Rows before and including the header are not data.
    run.check_all(&mut *rows, batch, (header_at.0, header_at.1 + 1), &mut totals, sink, &info.path)?;
    let mut summary = totals.summary;
    if opts.current.is_some() {
        summary.absent = Some(totals.named.iter().filter(|&&named| !named).count() as u64);
    }
    summary.rows = totals.cross.rows();
    info.rows = summary.rows;
    // Findings about the header that only the whole file shows.
    let late = blank_data_findings(&header, &mut totals.blank_data);
    if !late.is_empty() {
        summary.count(&late);
        sink.header(&late, header.record(&header_raw)).map_err(Error::Output)?;
    }
    if summary.rows == 0 {
        let d = Diagnostic::new(
            Rule::NoRows,
            header.meta.line,
            "the file has a header but no user rows",
            "add the users below the header row; an upload without users does nothing",
        );
        summary.count(std::slice::from_ref(&d));
        // Drawn on the header line: the file has nothing else to show.
        sink.header(std::slice::from_ref(&d), header.record(&header_raw)).map_err(Error::Output)?;
    }
    sink.end(&info, &summary).map_err(Error::Output)?;
    Ok(summary)
}

/// The input columns a profile leaves out of the upload: no output column comes from them,
/// and the profile does not read them (`[packages]`, `[[when]]`).
fn left_out(profile: &crate::schema::Profile, schema: &Schema) -> Vec<String> {
    let read: Vec<&str> = profile
        .packages
        .iter()
        .map(|m| m.column.as_str())
        .chain(profile.when.iter().map(|w| w.column.as_str()))
        .collect();
    let carried = |i: usize| {
        schema
            .origin
            .iter()
            .enumerate()
            .any(|(c, o)| *o == Some(i) && !schema.generated.get(c).copied().unwrap_or(false))
    };
    schema
        .input_headers
        .iter()
        .enumerate()
        .filter(|(i, h)| {
            !h.trim().is_empty() && !carried(*i) && !read.contains(&crate::schema::header_key(h).as_str())
        })
        .map(|(_, h)| h.trim().to_owned())
        .collect()
}
