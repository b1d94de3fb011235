//! [`FixWriter`]: the sink that writes the corrected CSV, its parts, the rejects file and the
//! changes log while `check` streams rows.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::atomic::{sibling, AtomicFile};
use crate::actions::Action;
use crate::check::{InputInfo, Record, Sink, Summary};
use crate::fix::{correct_row, corrected_header, escape_for_rejects, Change};
use crate::report::Diagnostic;
use crate::rules::{RowOutcome, Rule, Severity};
use crate::schema::Schema;

/// Where and how `fix` writes.
#[derive(Clone, Debug, Default)]
pub struct FixOptions {
    /// The corrected CSV. Parts and the rejects file are named after it.
    pub out: PathBuf,
    /// A JSON Lines log of every changed cell.
    pub changes: Option<PathBuf>,
    /// Start each CSV with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
    /// Replace existing output files.
    pub force: bool,
    /// Leave `unchanged` rows out of the corrected output.
    pub only_changes: bool,
    /// Users per corrected file; more are split into parts.
    pub max_rows: u64,
    /// Test hook: fail as if the disk filled up after this many rows.
    #[doc(hidden)]
    pub fail_after_rows: Option<u64>,
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
    /// Rows left out by `--only-changes`.
    pub skipped_unchanged: u64,
}

fn csv_writer(dir: &Path, bom: bool) -> io::Result<csv::Writer<AtomicFile>> {
    let mut file = AtomicFile::create_in(dir)?;
    if bom {
        file.write_all("\u{FEFF}".as_bytes())?;
    }
    Ok(csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).flexible(true).from_writer(file))
}

fn into_file(writer: csv::Writer<AtomicFile>) -> io::Result<AtomicFile> {
    writer.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))
}

/// Writes `fix`'s outputs as rows arrive. Call [`FixWriter::finish`] after `check` succeeded;
/// dropping it instead leaves nothing behind.
pub struct FixWriter {
    opts: FixOptions,
    dir: PathBuf,
    schema: Option<Schema>,
    header: Vec<String>,
    done: Vec<(AtomicFile, u64)>,
    part: Option<(csv::Writer<AtomicFile>, u64)>,
    rejects: Option<(csv::Writer<AtomicFile>, u64)>,
    changes: Option<(io::BufWriter<AtomicFile>, u64)>,
    skipped: u64,
    rows_seen: u64,
}

impl FixWriter {
    /// A writer for `opts`. Creates the temporary files next to `opts.out`.
    ///
    /// # Errors
    /// The output folder is missing or not writable.
    pub fn new(opts: FixOptions) -> io::Result<Self> {
        let dir = match opts.out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let changes = match &opts.changes {
            Some(path) => {
                let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                Some((io::BufWriter::new(AtomicFile::create_in(dir)?), 0))
            }
            None => None,
        };
        let rejects = Some((csv_writer(&dir, opts.bom)?, 0));
        Ok(FixWriter {
            opts,
            dir,
            schema: None,
            header: Vec::new(),
            done: Vec::new(),
            part: None,
            rejects,
            changes,
            skipped: 0,
            rows_seen: 0,
        })
    }

    /// The paths this run may write, to refuse existing ones before starting.
    #[must_use]
    pub fn planned_paths(opts: &FixOptions) -> Vec<PathBuf> {
        let mut paths = vec![opts.out.clone(), sibling(&opts.out, "rejected")];
        paths.extend(opts.changes.clone());
        paths
    }

    fn log(&mut self, changes: &[Change]) -> io::Result<()> {
        if let Some((log, count)) = &mut self.changes {
            for c in changes {
                serde_json::to_writer(&mut *log, c)?;
                log.write_all(b"\n")?;
                *count += 1;
            }
        }
        Ok(())
    }

    fn corrected_writer(&mut self) -> io::Result<&mut (csv::Writer<AtomicFile>, u64)> {
        let full = self.part.as_ref().is_some_and(|(_, n)| *n >= self.opts.max_rows.max(1));
        if full {
            if let Some((w, n)) = self.part.take() {
                self.done.push((into_file(w)?, n));
            }
        }
        if self.part.is_none() {
            let mut w = csv_writer(&self.dir, self.opts.bom)?;
            w.write_record(&self.header)?;
            self.part = Some((w, 0));
        }
        self.part.as_mut().ok_or_else(|| io::Error::other("no output part"))
    }

    fn reject(&mut self, row: &RowOutcome, record: Record<'_>, schema: &Schema) -> io::Result<()> {
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
        let mut fields = vec![rules.join("; "), messages.join(" | ")];
        fields.extend(record.fields.iter().enumerate().map(|(col, v)| escape_for_rejects(schema, col, v)));
        if let Some((w, n)) = &mut self.rejects {
            w.write_record(&fields)?;
            *n += 1;
        }
        Ok(())
    }

    /// Renames every temporary file into place.
    ///
    /// # Errors
    /// Writing or renaming failed; an existing output without `force`.
    pub fn finish(mut self) -> io::Result<Written> {
        let force = self.opts.force;
        if self.part.is_none() && self.done.is_empty() {
            // No row was corrected: still write the header, so the output exists.
            self.corrected_writer()?;
        }
        if let Some((w, n)) = self.part.take() {
            self.done.push((into_file(w)?, n));
        }
        let mut written = Written { skipped_unchanged: self.skipped, ..Written::default() };
        let parts = self.done.len();
        let targets: Vec<PathBuf> = (1..=parts)
            .map(|i| {
                if parts == 1 {
                    self.opts.out.clone()
                } else {
                    sibling(&self.opts.out, &format!("part-{i:03}"))
                }
            })
            .collect();
        if !force {
            if let Some(existing) = targets.iter().find(|p| p.exists()) {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists (use --force to replace it)", existing.display()),
                ));
            }
        }
        if let Some((w, n)) = self.rejects.take() {
            let path = sibling(&self.opts.out, "rejected");
            into_file(w)?.commit(&path, force)?;
            written.rejected = Some(WrittenFile { path, rows: n });
        }
        if let (Some((log, n)), Some(path)) = (self.changes.take(), self.opts.changes.clone()) {
            let file =
                log.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))?;
            file.commit(&path, force)?;
            written.changes = Some(WrittenFile { path, rows: n });
        }
        for ((file, rows), path) in self.done.into_iter().zip(targets) {
            file.commit(&path, force)?;
            written.corrected.push(WrittenFile { path, rows });
        }
        Ok(written)
    }
}

impl Sink for FixWriter {
    fn begin(&mut self, _: &InputInfo, schema: &Schema) -> io::Result<()> {
        self.header = corrected_header(schema);
        self.schema = Some(schema.clone());
        Ok(())
    }

    fn header(&mut self, diagnostics: &[Diagnostic], record: Record<'_>) -> io::Result<()> {
        let mut fields = vec!["hubcsv rule".to_owned(), "hubcsv message".to_owned()];
        let schema = self.schema.as_ref().ok_or_else(|| io::Error::other("header before begin"))?;
        // A rejects file fed back in already has the annotation columns: do not repeat them.
        fields.extend(
            record
                .fields
                .iter()
                .enumerate()
                .filter(|(c, _)| crate::fix::keeps_column(schema, *c))
                .map(|(_, h)| h.to_owned()),
        );
        let renamed: Vec<Change> = record
            .fields
            .iter()
            .zip(&schema.columns)
            .filter(|(old, c)| *old != c.canonical && crate::fix::keeps_column(schema, c.index))
            .map(|(old, c)| Change {
                line: record.line,
                column: c.canonical.clone(),
                old: old.to_owned(),
                new: c.canonical.clone(),
                rule: if diagnostics
                    .iter()
                    .any(|d| d.rule == Rule::RenamedColumn && d.col_index == Some(c.index))
                {
                    Rule::RenamedColumn.name().to_owned()
                } else {
                    "canonical-header".to_owned()
                },
            })
            .collect();
        self.log(&renamed)?;
        if let Some((w, _)) = &mut self.rejects {
            w.write_record(&fields)?;
        }
        Ok(())
    }

    fn row(&mut self, row: &RowOutcome, record: Record<'_>) -> io::Result<()> {
        self.rows_seen += 1;
        if self.opts.fail_after_rows.is_some_and(|n| self.rows_seen > n) {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "simulated write failure (test hook)"));
        }
        let schema = self.schema.take().ok_or_else(|| io::Error::other("row before begin"))?;
        let result = match row.action {
            Action::Invalid => self.reject(row, record, &schema),
            Action::Unchanged if self.opts.only_changes => {
                self.skipped += 1;
                Ok(())
            }
            _ => {
                let (values, changes) = correct_row(record.fields.iter(), row, &schema);
                self.log(&changes).and_then(|()| {
                    let (w, n) = self.corrected_writer()?;
                    w.write_record(&values)?;
                    *n += 1;
                    Ok(())
                })
            }
        };
        self.schema = Some(schema);
        result
    }

    fn end(&mut self, _: &InputInfo, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}
