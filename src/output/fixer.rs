//! [`FixWriter`]: the sink that writes the corrected CSV, its parts, the rejects file and the
//! changes log while `check` streams rows.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::atomic::AtomicFile;
use super::plan::{family_present, folder, part_name, refusal, rejects_name};
use super::swap::{at, Swap};
use crate::actions::Action;
use crate::check::{InputInfo, Record, Sink, Summary};
use crate::fix::{
    as_read, correct_row, corrected_header, escape_for_rejects, keeps_column, rejects_column, Change,
};
use crate::input::batch::Fields;
use crate::report::Diagnostic;
use crate::rules::{RowOutcome, Rule, Severity};
use crate::schema::Schema;

/// Where and how [`crate::fix()`] writes.
///
/// # Examples
///
/// ```
/// use hubcsv::FixOptions;
///
/// let opts = FixOptions { force: true, ..FixOptions::new("fixed.csv") };
/// assert_eq!(opts.out, std::path::Path::new("fixed.csv"));
/// assert_eq!(opts.max_rows, hubcsv::CONTROL_HUB_MAX_ROWS);
/// ```
#[derive(Clone, Debug)]
pub struct FixOptions {
    /// The corrected CSV. Parts and the rejects file are named after it.
    pub out: PathBuf,
    /// A JSON Lines log of every changed cell.
    pub changes: Option<PathBuf>,
    /// Start each CSV with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
    /// Replace existing output files, and remove the files of `out`'s family (`out`,
    /// `out.part-NNN.csv`) this run does not write.
    pub force: bool,
    /// Leave `unchanged` rows out of the corrected output.
    pub only_changes: bool,
    /// Users per corrected file; more are split into parts (`out.part-001.csv`, ...).
    /// Defaults to [`crate::CONTROL_HUB_MAX_ROWS`]; 0 is taken as 1.
    pub max_rows: u64,
    /// The other files the run reads (`--current`, `--template`, `--profile`), each with
    /// its option: no output may be one of them.
    pub reads: Vec<(PathBuf, &'static str)>,
    /// Test hook: fail as if the disk filled up after this many rows.
    #[doc(hidden)]
    pub fail_after_rows: Option<u64>,
}

impl FixOptions {
    /// Options that write the corrected CSV to `out`, with every other option at its
    /// default (the `hubcsv fix -o OUT` defaults).
    #[must_use]
    pub fn new(out: impl Into<PathBuf>) -> Self {
        FixOptions { out: out.into(), ..FixOptions::default() }
    }
}

impl Default for FixOptions {
    /// No output path yet (set [`FixOptions::out`]), parts of
    /// [`crate::CONTROL_HUB_MAX_ROWS`] users, nothing replaced.
    fn default() -> Self {
        FixOptions {
            out: PathBuf::new(),
            changes: None,
            bom: false,
            force: false,
            only_changes: false,
            max_rows: crate::CONTROL_HUB_MAX_ROWS,
            reads: Vec::new(),
            fail_after_rows: None,
        }
    }
}

/// A file `fix` wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WrittenFile {
    /// Its path.
    pub path: PathBuf,
    /// Data rows (or lines, for the changes log) in it.
    pub rows: u64,
}

/// What `fix` wrote, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Written {
    /// The corrected CSV, or its parts.
    pub corrected: Vec<WrittenFile>,
    /// The rejects file.
    pub rejected: Option<WrittenFile>,
    /// The changes log.
    pub changes: Option<WrittenFile>,
    /// Files of `-o`'s family that an earlier run left and this one removed (`--force`):
    /// the unsplit file when the output is now split, or parts this run did not write.
    pub removed: Vec<PathBuf>,
    /// Rows left out by `--only-changes`.
    pub skipped_unchanged: u64,
}

/// An output being written: buffered, renamed into place at the end.
type Out = io::BufWriter<AtomicFile>;

fn csv_file(dir: &Path, bom: bool) -> io::Result<Out> {
    let mut file = AtomicFile::create_in(dir)?;
    if bom {
        file.write_all("\u{FEFF}".as_bytes())?;
    }
    Ok(io::BufWriter::with_capacity(256 << 10, file))
}

fn into_file(writer: Out) -> io::Result<AtomicFile> {
    writer.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))
}

/// CSV as `fix` writes it: RFC 4180 quoting, CRLF line ends (what Control Hub exports).
fn csv_builder() -> csv::WriterBuilder {
    let mut builder = csv::WriterBuilder::new();
    builder.terminator(csv::Terminator::CRLF).flexible(true);
    builder
}

fn csv_encoder<W: Write>(out: W) -> csv::Writer<W> {
    csv_builder().from_writer(out)
}

/// Appends one record to `csv` through the csv crate's writer.
fn push_encoded<I, T>(csv: &mut Vec<u8>, fields: I) -> io::Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    // A small buffer: one is made for each record that needs quotes.
    let mut w = csv_builder().buffer_capacity(1024).from_writer(csv);
    w.write_record(fields)?;
    w.flush()
}

/// Encodes a header as [`encode`] does, with a field holding one of the other delimiters
/// hubcsv's sniffing weighs (`;`, tab, `|`) quoted too. A corrected file without users is
/// its header alone, and a header cell of `;;` would make a semicolon file of it: `check`
/// of the output would not read what `fix` wrote.
fn encode_header<'a>(fields: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut csv = Vec::new();
    push_quoted(&mut csv, fields, |b| matches!(b, b',' | b';' | b'\t' | b'|' | b'"' | b'\r' | b'\n'));
    csv
}

/// Appends `fields` joined by commas and a CRLF, each field holding a byte `quote` asks for in
/// double quotes with its own quotes doubled (RFC 4180).
fn push_quoted<'a>(csv: &mut Vec<u8>, fields: impl IntoIterator<Item = &'a str>, quote: impl Fn(u8) -> bool) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            csv.push(b',');
        }
        let bytes = field.as_bytes();
        if bytes.iter().any(|&b| quote(b)) {
            csv.push(b'"');
            for (k, part) in bytes.split(|&b| b == b'"').enumerate() {
                if k > 0 {
                    csv.extend_from_slice(b"\"\"");
                }
                csv.extend_from_slice(part);
            }
            csv.push(b'"');
        } else {
            csv.extend_from_slice(bytes);
        }
    }
    csv.extend_from_slice(b"\r\n");
}

/// Encodes one record.
fn encode<I, T>(fields: I) -> io::Result<Vec<u8>>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut w = csv_encoder(Vec::new());
    w.write_record(fields)?;
    w.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))
}

/// Appends one record to `csv` as [`csv_encoder`] writes it. The fields are first copied
/// joined by commas; one pass over the whole line (long enough for the compiler to
/// vectorise, where a field of a few bytes is not) then tells whether that is the record:
/// it is unless there is a `"`, CR or LF, or more commas than the joins (nearly every row of
/// an upload has none). Otherwise each field is written again, in quotes if it has any of
/// those bytes, with its quotes doubled (RFC 4180, what the csv crate's writer does with its
/// defaults). A record of fewer than two fields, where the crate has a rule of its own for
/// an empty field, goes through the crate's writer. The tests hold the two to the same
/// bytes.
fn push_record<'v, I>(csv: &mut Vec<u8>, fields: I) -> io::Result<()>
where
    I: Iterator<Item = &'v str> + Clone,
{
    let start = csv.len();
    let mut count = 0;
    for field in fields.clone() {
        if count > 0 {
            csv.push(b',');
        }
        count += 1;
        csv.extend_from_slice(field.as_bytes());
    }
    let line = &csv[start..];
    let commas = line.iter().map(|&b| usize::from(b == b',')).sum::<usize>();
    #[allow(clippy::needless_bitwise_bool)] // no early exit: the compiler vectorises it
    let special = line.iter().fold(false, |q, &b| q | (b == b'"') | (b == b'\r') | (b == b'\n'));
    if count >= 2 && !special && commas == count - 1 {
        csv.extend_from_slice(b"\r\n");
        return Ok(());
    }
    csv.truncate(start);
    if count < 2 {
        return push_encoded(csv, fields);
    }
    push_quoted(csv, fields, |b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    Ok(())
}

/// Where a rendered row goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dest {
    Corrected,
    Rejected,
    /// `--only-changes` leaves an unchanged row out.
    Skipped,
}

/// Rows rendered on a worker thread: their CSV text, and for each row where it goes and
/// where its text ends; the changes log lines of the rows.
#[derive(Default)]
struct Rendered {
    csv: Vec<u8>,
    rows: Vec<(Dest, usize)>,
    changes: Vec<u8>,
    change_count: u64,
}

/// Rows rendered per task.
const ROWS_PER_TASK: usize = 1024;

/// What rendering needs to know.
struct Render<'s> {
    schema: &'s Schema,
    /// The input has columns the corrected output leaves out (hubcsv's annotation columns
    /// of a rejects file fed back, blank or repeated headers: [`keeps_column`]).
    dropped: bool,
    only_changes: bool,
    log_changes: bool,
}

impl Render<'_> {
    fn chunk(&self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<Rendered> {
        let mut out = Rendered { csv: Vec::with_capacity(rows.len() * 160), ..Rendered::default() };
        let mut values = Vec::new();
        for (row, record) in rows {
            let dest = match row.action {
                Action::Invalid => {
                    self.reject(&mut out.csv, row, *record)?;
                    Dest::Rejected
                }
                Action::Unchanged if self.only_changes => Dest::Skipped,
                _ => {
                    match self.line_as_read(record.fields, row) {
                        Some(line) => {
                            out.csv.extend_from_slice(line.as_bytes());
                            out.csv.extend_from_slice(b"\r\n");
                        }
                        None => self.correct(&mut out, *record, row, &mut values)?,
                    }
                    Dest::Corrected
                }
            };
            out.rows.push((dest, out.csv.len()));
        }
        Ok(out)
    }

    /// A row's corrected line when it is its line as read: read without quotes and split at
    /// commas (so no field holds a comma, quote or line break to quote), no annotation
    /// column to leave out, and nothing the rewrite changes (most rows).
    fn line_as_read<'f>(&self, fields: Fields<'f>, row: &RowOutcome) -> Option<&'f str> {
        let (line, delimiter) = fields.line()?;
        (!self.dropped && delimiter == b',' && as_read(fields, row, self.schema)).then_some(line)
    }

    /// Writes the row corrected, value by value, and its changes when they are logged.
    fn correct<'v>(
        &self,
        out: &mut Rendered,
        record: Record<'v>,
        row: &'v RowOutcome,
        values: &mut Vec<&'v str>,
    ) -> io::Result<()> {
        let log = self.log_changes.then_some(record.source);
        let changes = correct_row(record.fields, row, self.schema, values, log);
        let kept = values
            .iter()
            .enumerate()
            .filter(|(col, _)| !self.dropped || keeps_column(self.schema, *col))
            .map(|(_, v)| *v);
        push_record(&mut out.csv, kept)?;
        if self.log_changes {
            for c in &changes {
                serde_json::to_writer(&mut out.changes, c)?;
                out.changes.push(b'\n');
                out.change_count += 1;
            }
        }
        Ok(())
    }

    /// The rejects file's row: hubcsv's rule and message, then the values as read (formulas
    /// neutralised).
    fn reject(&self, csv: &mut Vec<u8>, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        let errors: Vec<&Diagnostic> =
            row.diagnostics.iter().filter(|d| d.severity >= Severity::Error).collect();
        let mut rules: Vec<&str> = errors.iter().map(|d| d.rule.name()).collect();
        rules.dedup();
        let messages: Vec<String> = errors
            .iter()
            .map(|d| match &d.cell {
                Some(cell) => format!("{cell}: {}", d.message),
                None => d.message.clone(),
            })
            .collect();
        let mut fields: Vec<std::borrow::Cow<'_, str>> =
            vec![rules.join("; ").into(), messages.join(" | ").into()];
        // The same columns as the rejects file's header: all but old annotations.
        fields.extend(
            record
                .fields
                .iter()
                .enumerate()
                .filter(|(col, _)| rejects_column(self.schema, *col))
                .map(|(col, v)| escape_for_rejects(self.schema, col, v)),
        );
        push_record(csv, fields.iter().map(|f| &**f))
    }
}

/// Writes `fix`'s outputs as rows arrive. Call [`FixWriter::finish`] after `check` succeeded;
/// dropping it instead leaves nothing behind.
pub struct FixWriter {
    opts: FixOptions,
    dir: PathBuf,
    schema: Option<Schema>,
    /// The corrected header, encoded.
    header: Vec<u8>,
    done: Vec<(AtomicFile, u64)>,
    /// Flushes to disk of the finished parts, running while later parts are written.
    syncing: Vec<std::thread::JoinHandle<io::Result<()>>>,
    part: Option<(Out, u64)>,
    rejects: Option<(Out, u64)>,
    changes: Option<(io::BufWriter<AtomicFile>, u64)>,
    skipped: u64,
    rows_seen: u64,
    /// The rejects file's header is written.
    header_done: bool,
}

impl FixWriter {
    /// A writer for `opts`. Creates the temporary files next to `opts.out`.
    ///
    /// # Errors
    /// The output folder is missing or not writable.
    pub fn new(opts: FixOptions) -> io::Result<Self> {
        let dir = folder(&opts.out).to_path_buf();
        let changes = match &opts.changes {
            Some(path) => {
                Some((io::BufWriter::new(AtomicFile::create_in(folder(path)).map_err(at(path))?), 0))
            }
            None => None,
        };
        let rejects = Some((csv_file(&dir, opts.bom).map_err(at(&rejects_name(&opts.out)))?, 0));
        Ok(FixWriter {
            opts,
            dir,
            schema: None,
            header: Vec::new(),
            done: Vec::new(),
            syncing: Vec::new(),
            part: None,
            rejects,
            changes,
            skipped: 0,
            rows_seen: 0,
            header_done: false,
        })
    }

    /// The final name of the corrected file being written, for messages: `OUT` while it is
    /// the first part, then the part's name.
    fn corrected_path(&self) -> PathBuf {
        if self.done.is_empty() {
            self.opts.out.clone()
        } else {
            part_name(&self.opts.out, self.done.len() as u64 + 1)
        }
    }

    /// The final name of a file, for messages.
    fn path_of(&self, dest: Dest) -> PathBuf {
        match dest {
            Dest::Corrected | Dest::Skipped => self.corrected_path(),
            Dest::Rejected => rejects_name(&self.opts.out),
        }
    }

    fn changes_error(&self, e: io::Error) -> io::Error {
        match &self.opts.changes {
            Some(path) => at(path)(e),
            None => e,
        }
    }

    fn log(&mut self, changes: &[Change]) -> io::Result<()> {
        let mut logged = || -> io::Result<()> {
            if let Some((log, count)) = &mut self.changes {
                for c in changes {
                    serde_json::to_writer(&mut *log, c)?;
                    log.write_all(b"\n")?;
                    *count += 1;
                }
            }
            Ok(())
        };
        logged().map_err(|e| self.changes_error(e))
    }

    fn corrected_writer(&mut self) -> io::Result<&mut (Out, u64)> {
        let full = self.part.as_ref().is_some_and(|(_, n)| *n >= self.opts.max_rows.max(1));
        if full {
            if let Some((w, n)) = self.part.take() {
                let file = into_file(w)?;
                self.syncing.push(file.sync_in_background()?);
                self.done.push((file, n));
            }
        }
        if self.part.is_none() {
            let mut w = csv_file(&self.dir, self.opts.bom)?;
            w.write_all(&self.header)?;
            self.part = Some((w, 0));
        }
        self.part.as_mut().ok_or_else(|| io::Error::other("no output part"))
    }

    /// Writes rows rendered on the workers to their files, in input order.
    fn write_rendered(&mut self, rendered: &Rendered) -> io::Result<()> {
        let mut start = 0;
        for &(dest, end) in &rendered.rows {
            self.rows_seen += 1;
            let text = &rendered.csv[start..end];
            start = end;
            if let Err(e) = self.write_row(dest, text) {
                return Err(at(&self.path_of(dest))(e));
            }
        }
        if let Some((log, count)) = &mut self.changes {
            let written = log.write_all(&rendered.changes);
            *count += rendered.change_count;
            written.map_err(|e| self.changes_error(e))?;
        }
        Ok(())
    }

    /// Writes one row to its file.
    fn write_row(&mut self, dest: Dest, text: &[u8]) -> io::Result<()> {
        if self.opts.fail_after_rows.is_some_and(|n| self.rows_seen > n) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "simulated write failure (test hook)"));
        }
        match dest {
            Dest::Corrected => {
                let (w, n) = self.corrected_writer()?;
                w.write_all(text)?;
                *n += 1;
            }
            Dest::Rejected => {
                if let Some((w, n)) = &mut self.rejects {
                    w.write_all(text)?;
                    *n += 1;
                }
            }
            Dest::Skipped => self.skipped += 1,
        }
        Ok(())
    }

    /// Renames every temporary file into place and, with `force`, removes the files of
    /// `-o`'s family this run did not write; all or none: a failed rename undoes the earlier
    /// ones.
    ///
    /// # Errors
    /// Writing or renaming failed; an existing output or family member without `force`.
    pub fn finish(mut self) -> io::Result<Written> {
        let force = self.opts.force;
        let out = self.opts.out.clone();
        if self.part.is_none() && self.done.is_empty() {
            // No row was corrected: still write the header, so the output exists.
            self.corrected_writer().map(|_| ()).map_err(at(&out))?;
        }
        if let Some((w, n)) = self.part.take() {
            let path = self.corrected_path();
            self.done.push((into_file(w).map_err(at(&path))?, n));
        }
        let parts = self.done.len();
        let targets: Vec<PathBuf> =
            (1..=parts).map(|i| if parts == 1 { out.clone() } else { part_name(&out, i as u64) }).collect();
        for (sync, path) in std::mem::take(&mut self.syncing).into_iter().zip(&targets) {
            sync.join()
                .map_err(|_| io::Error::other("the thread flushing an output part failed"))?
                .map_err(at(path))?;
        }
        let mut written = Written { skipped_unchanged: self.skipped, ..Written::default() };
        // Every file, in the order they are put in place, flushed to disk first: once the
        // renames start, nothing is left to fail but them.
        let mut files: Vec<(AtomicFile, PathBuf)> = Vec::with_capacity(parts + 2);
        if let Some((w, n)) = self.rejects.take() {
            let path = rejects_name(&out);
            files.push((into_file(w).map_err(at(&path))?, path.clone()));
            written.rejected = Some(WrittenFile { path, rows: n });
        }
        if let (Some((log, n)), Some(path)) = (self.changes.take(), self.opts.changes.clone()) {
            files.push((into_file(log).map_err(at(&path))?, path.clone()));
            written.changes = Some(WrittenFile { path, rows: n });
        }
        for ((file, rows), path) in self.done.drain(..).zip(&targets) {
            files.push((file, path.clone()));
            written.corrected.push(WrittenFile { path: path.clone(), rows });
        }
        for (file, path) in &mut files {
            file.sync().map_err(at(path))?;
        }
        // Checked again now, not only before the run: a long run gives time for files to
        // appear. Every check comes before the first rename.
        let family = family_present(&out)?;
        let paths: Vec<&Path> = files.iter().map(|(_, p)| p.as_path()).collect();
        if let Some((path, reason)) = refusal(&paths, &family, force) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{}: {reason}", path.display()),
            ));
        }
        let stale: Vec<PathBuf> = family.into_iter().filter(|p| !targets.contains(p)).collect();
        let mut swap = Swap::default();
        let swapped = || -> io::Result<()> {
            for (file, path) in files {
                swap.place(file, &path, force)?;
            }
            for path in &stale {
                swap.remove(path)?;
            }
            Ok(())
        };
        match swapped() {
            Ok(()) => swap.done(),
            Err(e) => {
                let trouble = swap.undo();
                if trouble.is_empty() {
                    return Err(e);
                }
                return Err(io::Error::new(e.kind(), format!("{e}; undoing: {}", trouble.join("; "))));
            }
        }
        written.removed = stale;
        Ok(written)
    }
}

impl Sink for FixWriter {
    fn begin(&mut self, _: &InputInfo, schema: &Schema) -> io::Result<()> {
        self.header = encode_header(corrected_header(schema).iter().map(String::as_str));
        self.schema = Some(schema.clone());
        Ok(())
    }

    fn header(&mut self, diagnostics: &[Diagnostic], record: Record<'_>) -> io::Result<()> {
        // Findings known only at the end (`no-rows`, data under a blank header) come as a
        // second call: the files' headers are written once.
        if self.header_done {
            return Ok(());
        }
        self.header_done = true;
        let mut fields = vec!["hubcsv rule".to_owned(), "hubcsv message".to_owned()];
        let schema = self.schema.as_ref().ok_or_else(|| io::Error::other("header before begin"))?;
        // A rejects file fed back in already has the annotation columns: do not repeat them.
        fields.extend(
            record
                .fields
                .iter()
                .enumerate()
                .filter(|(c, _)| crate::fix::rejects_column(schema, *c))
                .map(|(c, h)| escape_for_rejects(schema, c, h).into_owned()),
        );
        // With a profile, the header is logged against the HR file's own (a column the
        // profile added has none).
        let mapped = !schema.input_headers.is_empty();
        let renamed: Vec<Change> = record
            .fields
            .iter()
            .zip(&schema.columns)
            .map(|(read, c)| {
                let generated = schema.generated.get(c.index).copied().unwrap_or(false);
                let own = schema.origin.get(c.index).copied().flatten().filter(|_| !generated);
                let own = own.and_then(|i| schema.input_headers.get(i));
                (if mapped { own.map_or("", |h| h.as_str()) } else { read }, c)
            })
            .filter(|(old, c)| *old != c.canonical && crate::fix::keeps_column(schema, c.index))
            .map(|(old, c)| Change {
                line: record.line,
                column: c.canonical.clone(),
                old: old.to_owned(),
                new: c.canonical.clone(),
                rule: if mapped && old.is_empty() {
                    crate::fix::PROFILE.to_owned()
                } else if let Some(d) = diagnostics.iter().find(|d| {
                    matches!(d.rule, Rule::RenamedColumn | Rule::FormulaInjection)
                        && d.col_index == Some(c.index)
                }) {
                    d.rule.name().to_owned()
                } else {
                    crate::fix::CANONICAL_HEADER.to_owned()
                },
            })
            .collect();
        self.log(&renamed)?;
        let encoded = encode(&fields)?;
        if let Some((w, _)) = &mut self.rejects {
            w.write_all(&encoded).map_err(at(&rejects_name(&self.opts.out)))?;
        }
        Ok(())
    }

    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        self.rows(&[(row, record)])
    }

    /// Corrects and encodes the rows on the workers, then writes them in order.
    fn rows(&mut self, rows: &[(&RowOutcome, Record<'_>)]) -> io::Result<()> {
        let schema = self.schema.as_ref().ok_or_else(|| io::Error::other("row before begin"))?;
        let render = Render {
            schema,
            dropped: schema.columns.iter().any(|c| !crate::fix::keeps_column(schema, c.index)),
            only_changes: self.opts.only_changes,
            log_changes: self.changes.is_some(),
        };
        let rendered: Vec<io::Result<Rendered>> =
            rows.par_chunks(ROWS_PER_TASK).map(|chunk| render.chunk(chunk)).collect();
        for r in rendered {
            self.write_rendered(&r?)?;
        }
        Ok(())
    }

    fn end(&mut self, _: &InputInfo, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{csv_encoder, push_record};

    /// What the csv crate writes for the record.
    fn by_crate(fields: &[String]) -> Vec<u8> {
        let mut w = csv_encoder(Vec::new());
        w.write_record(fields).unwrap();
        w.into_inner().unwrap()
    }

    fn pushed(fields: &[String]) -> Vec<u8> {
        let mut out = b"before".to_vec();
        push_record(&mut out, fields.iter().map(String::as_str)).unwrap();
        out.split_off(6)
    }

    #[test]
    fn plain_and_quoted_records() {
        let fields = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(pushed(&fields(&["a", "", "b c"])), b"a,,b c\r\n");
        assert_eq!(pushed(&fields(&["a,b", "x"])), b"\"a,b\",x\r\n");
        assert_eq!(pushed(&fields(&[""])), b"\"\"\r\n");
        assert_eq!(pushed(&fields(&["", ""])), b",\r\n");
    }

    proptest! {
        /// Any record, quotes, delimiters and line breaks included: the bytes the csv
        /// crate writes.
        #[test]
        fn records_are_what_the_csv_crate_writes(
            fields in proptest::collection::vec("([a-z ,\"\r\n]|\\PC){0,6}", 0..6),
        ) {
            prop_assert_eq!(pushed(&fields), by_crate(&fields));
        }
    }
}
