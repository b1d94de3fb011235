//! The `check` pipeline: read records in batches, check them in parallel, run the cross-row
//! pass in input order, and hand each row to a [`Sink`].

use std::collections::BTreeMap;
use std::io;

use csv::StringRecord;
use rayon::prelude::*;
use serde::Serialize;

use crate::actions::Action;
use crate::error::Error;
use crate::input::record::ReadError;
use crate::input::{open_table, CellNote, Meta, ReadOptions, Records, Source};
use crate::options::Options;
use crate::report::Diagnostic;
use crate::rules::cross::CrossCheck;
use crate::rules::state::Matcher;
use crate::rules::{check_row, RowOutcome, Rule, Severity};
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
#[allow(missing_docs)]
pub struct ActionCounts {
    pub add: u64,
    pub modify: u64,
    pub remove: u64,
    pub unchanged: u64,
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
            _ => row.package.clone().or_else(|| row.package_before.clone()),
        };
        if row.existed {
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
    /// The fields.
    pub fields: &'a StringRecord,
    /// The source text of the record.
    pub raw: &'a [u8],
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
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()> {
        (**self).end(input, summary)
    }
}

/// Receives the results of `check` in input order. Sinks only present; they decide nothing.
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
    /// Called once at the end.
    ///
    /// # Errors
    /// Writing failed.
    fn end(&mut self, input: &InputInfo, summary: &Summary) -> io::Result<()>;
}

pub(crate) fn read_error(path: &str, e: ReadError) -> Error {
    match e {
        ReadError::Io(source) => Error::Io { path: path.to_owned(), source },
        ReadError::Utf8 { line, field } => Error::Unreadable {
            path: path.to_owned(),
            line: Some(line),
            reason: format!("invalid UTF-8 in field {} of line {line}", field + 1),
            help: "save the file as \"CSV UTF-8 (Comma delimited)\" from your spreadsheet editor".to_owned(),
        },
    }
}

fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
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

/// Reads up to `size` non-blank records into `batch` (mapped through the profile, if any).
/// Returns whether the input is exhausted.
fn fill_batch(
    records: &mut dyn Records,
    mapping: Option<&Mapping>,
    batch: &mut Vec<(StringRecord, Vec<CellNote>)>,
    metas: &mut Vec<Meta>,
    scratch: &mut StringRecord,
    size: usize,
) -> Result<bool, ReadError> {
    metas.clear();
    while metas.len() < size {
        let n = metas.len();
        if n == batch.len() {
            batch.push((StringRecord::new(), Vec::new()));
        }
        let (rec, notes) = &mut batch[n];
        let read = match mapping {
            Some(m) => {
                let read = records.read(scratch, notes)?;
                if read.is_some() {
                    m.apply(scratch, rec, notes);
                    remap_notes(m, notes);
                }
                read
            }
            None => records.read(rec, notes)?,
        };
        match read {
            Some(meta) if !is_blank(rec) => metas.push(meta),
            Some(_) => {}
            None => return Ok(true),
        }
    }
    Ok(false)
}

/// Spreadsheet notes name the user's columns; with a profile, rules need the mapped ones.
fn remap_notes(mapping: &Mapping, notes: &mut Vec<CellNote>) {
    notes.retain_mut(|note| match note {
        CellNote::Error(c) | CellNote::Number(c) => {
            match mapping.origin.iter().position(|o| *o == Some(*c)) {
                Some(out) => {
                    *c = out;
                    true
                }
                None => false,
            }
        }
        CellNote::Unmapped(_) => true,
    });
}

/// Resolves the header row against the catalogue and the template, if any.
fn resolve_header(
    record: &StringRecord,
    line: u64,
    opts: &Options,
    path: &str,
) -> Result<(Schema, Vec<Diagnostic>), Error> {
    let headers: Vec<String> = record.iter().map(str::to_owned).collect();
    let (mut schema, mut diagnostics) = match Schema::resolve(&headers, line, opts.catalogue.clone()) {
        Ok(resolved) => resolved,
        Err(HeaderError::MissingEmailColumn(headers)) => {
            return Err(Error::MissingEmailColumn { path: path.to_owned(), line, headers })
        }
    };
    if let Some(template) = &opts.template {
        template.apply(&mut schema, line, &mut diagnostics);
    }
    Ok((schema, diagnostics))
}

/// Checks `source`, streaming each row's outcome to `sink`.
///
/// # Errors
/// The input cannot be read or has no identity column ([`Error`]), or the sink failed
/// ([`Error::Output`]).
pub fn check(source: &Source, opts: &Options, sink: &mut dyn Sink) -> Result<Summary, Error> {
    let (mut records, record, header_meta, evidence) =
        open_table(source, &ReadOptions { max_cells: opts.max_cells, ..opts.read.clone() }, "the file")?;
    // Rules that look at raw text need the delimiter actually used.
    let opts = &Options { delimiter: evidence.delimiter.unwrap_or(b','), ..opts.clone() };
    let path = source.display_name();
    limit_columns(record.len(), opts, &path, header_meta.line)?;
    let input_headers: Vec<String> = record.iter().map(str::to_owned).collect();
    let mapping = opts.profile.as_deref().map(|p| Mapping::new(p, &opts.catalogue, &input_headers));
    let header_record =
        mapping.as_ref().map_or_else(|| record.clone(), |m| StringRecord::from(m.header.clone()));
    let (mut schema, mut header_diags) = resolve_header(&header_record, header_meta.line, opts, &path)?;
    if let Some(m) = &mapping {
        // Findings point at the user's own columns.
        schema.origin.clone_from(&m.origin);
        schema.input_headers.clone_from(&input_headers);
        for d in &mut header_diags {
            d.source_col = d.col_index.and_then(|c| schema.source_col(c));
            d.cell = d.col_index.and_then(|c| schema.cell(c, 1));
        }
    }
    let mut info = InputInfo {
        path,
        format: evidence.format.as_str(),
        encoding: evidence.encoding,
        encoding_reason: evidence.encoding_reason.as_str(),
        delimiter: evidence.delimiter.map(|d| char::from(d).to_string()),
        sheet: evidence.sheet.clone(),
        rows: 0,
    };
    let mut summary = Summary::default();
    sink.begin(&info, &schema).map_err(Error::Output)?;
    summary.count(&header_diags);
    let header = Record { line: header_meta.line, fields: &header_record, raw: records.raw(&header_meta) };
    sink.header(&header_diags, header).map_err(Error::Output)?;
    records.release_before(header_meta.end);

    let matcher =
        opts.current.as_deref().map(|current| Matcher { current, map: current.column_map(&schema) });
    if let Some(current) = opts.current.as_deref() {
        let counts = current.package_counts().into_iter();
        summary.packages = Some(counts.map(|(id, n)| (id, PackageCount { before: n, after: n })).collect());
    }
    let mut cross = CrossCheck::new(opts.max_rows);
    let batch_size = opts.batch_size.max(1);
    let mut batch: Vec<(StringRecord, Vec<CellNote>)> = Vec::with_capacity(batch_size);
    let mut metas: Vec<Meta> = Vec::with_capacity(batch_size);
    let mut outcomes: Vec<RowOutcome> = Vec::with_capacity(batch_size);
    let mut scratch = StringRecord::new();
    let mut cells: u64 = 0;
    let mut done = false;
    while !done {
        done = fill_batch(&mut *records, mapping.as_ref(), &mut batch, &mut metas, &mut scratch, batch_size)
            .map_err(|e| read_error(&info.path, e))?;
        if metas.is_empty() {
            break;
        }
        cells = cells.saturating_add(metas.len() as u64 * schema.width().max(1) as u64);
        limit_cells(cells, opts, &info.path, metas.last().map(|m| m.line))?;
        let raws: Vec<&[u8]> = metas.iter().map(|m| records.raw(m)).collect();
        (0..metas.len())
            .into_par_iter()
            .map(|i| check_row(&batch[i].0, metas[i], raws[i], &batch[i].1, &schema, opts, matcher.as_ref()))
            .collect_into_vec(&mut outcomes);
        for (i, row) in outcomes.iter_mut().enumerate() {
            cross.apply(row, &schema);
            summary.count(&row.diagnostics);
            summary.actions.bump(row.action);
            summary.count_packages(row);
            let record = Record { line: metas[i].line, fields: &batch[i].0, raw: raws[i] };
            sink.row(row, record).map_err(Error::Output)?;
        }
        if let Some(last) = metas.last() {
            records.release_before(last.end);
        }
    }
    summary.rows = cross.rows();
    info.rows = summary.rows;
    if summary.rows == 0 {
        let d = Diagnostic::new(
            Rule::NoRows,
            header_meta.line,
            "the file has a header but no user rows",
            "add the users below the header row; an upload without users does nothing",
        );
        summary.count(std::slice::from_ref(&d));
        let header = Record { line: header_meta.line, fields: &header_record, raw: &[] };
        sink.header(std::slice::from_ref(&d), header).map_err(Error::Output)?;
    }
    sink.end(&info, &summary).map_err(Error::Output)?;
    Ok(summary)
}
