//! [`SheetStream`]: an xlsx or xlsb sheet read cell by cell on a thread of its own, in batches.
//!
//! calamine's `worksheet_range` builds the whole sheet as a dense `Range` of owned values
//! before the first row can be checked. Its cell reader streams the sheet's XML instead; here
//! it runs on a dedicated thread that turns cells into rows (the same text as
//! [`super::sheet::cell_text`], padded from column A) and sends them in batches, so the XML
//! parse (one thread, calamine's) overlaps with the checks (the other threads) and memory
//! holds a few batches, not the sheet.
//!
//! Rows have the width of the sheet's `<dimension>` or of its header row, whichever is
//! wider, as a `Range` of the sheet would (Excel writes the used range there); cells beyond
//! both make that row longer than the header. A cell past `--max-columns` is an error, and
//! a dimension that wide is ignored: a forged workbook with one cell at XFD1048576 costs
//! nothing (a dense range of it would be 17 billion cells).

use std::fmt::Write as _;
use std::sync::mpsc::{sync_channel, Receiver};

use calamine::{Cell, DataRef, Dimensions};

use super::batch::{Batch, BatchSource, Piece};
use super::record::{Meta, ReadError};
use super::sheet::{guarded, push_csv_field, push_float_text, StreamBook};
use super::xlsx_fast::Unsaved;
use super::CellNote;

/// Rows per piece.
const PIECE_ROWS: usize = 1024;
/// Batches read ahead of the checks.
const AHEAD: usize = 2;

/// The rows of one xlsx sheet, read on a thread of their own.
pub struct SheetStream {
    rows: Receiver<Result<Batch, String>>,
}

impl SheetStream {
    /// Starts reading sheet `name` of `book` on a new thread, `pieces` pieces per batch; a
    /// cell past column `max_columns` is an error. `unsaved`, for an xlsx sheet, notes its
    /// formulas without a saved result (calamine reads them as empty cells).
    #[must_use]
    pub fn start(
        book: StreamBook,
        name: String,
        pieces: usize,
        max_columns: usize,
        unsaved: Option<Unsaved>,
    ) -> Self {
        let (tx, rows) = sync_channel(AHEAD);
        std::thread::spawn(move || {
            let (mut book, mut unsaved) = (book, unsaved);
            let mut send = |batch: Result<Batch, String>| tx.send(batch).is_ok();
            let limits = (pieces.max(1), max_columns.max(1));
            let result = guarded(|| read(&mut book, &name, limits, unsaved.as_mut(), &mut send));
            if let Err(message) = result {
                send(Err(message));
            }
        });
        SheetStream { rows }
    }
}

impl BatchSource for SheetStream {
    fn next_batch(&mut self, batch: &mut Batch) -> Result<bool, ReadError> {
        match self.rows.recv() {
            Ok(Ok(next)) => {
                *batch = next;
                Ok(true)
            }
            Ok(Err(message)) => Err(ReadError::Sheet(message)),
            // The reader is done (it drops its end after the last batch).
            Err(_) => {
                batch.clear();
                Ok(false)
            }
        }
    }
}

/// The text of a cell as the user saw it (as [`super::sheet::cell_text`]), into `out`; the
/// note a spreadsheet gives about it.
fn cell_text(cell: &DataRef<'_>, out: &mut String) -> Option<fn(usize) -> CellNote> {
    match cell {
        DataRef::Empty => None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            out.push_str(s);
            None
        }
        DataRef::SharedString(s) => {
            out.push_str(s);
            None
        }
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
            Some(CellNote::Number)
        }
        DataRef::Float(f) => {
            push_float_text(out, *f);
            Some(CellNote::Number)
        }
        DataRef::Bool(b) => {
            out.push_str(if *b { "TRUE" } else { "FALSE" });
            None
        }
        DataRef::DateTime(dt) => {
            out.push_str(&super::sheet::date_text(dt));
            None
        }
        DataRef::Error(e) => {
            let _ = write!(out, "{e}");
            Some(CellNote::Error)
        }
    }
}

/// A row being assembled: each column's text, and the notes.
#[derive(Default)]
struct RowBuf {
    number: Option<u32>,
    cells: Vec<String>,
    notes: Vec<CellNote>,
}

impl RowBuf {
    /// Sets cell `col`; `unsaved`: it holds a formula without a saved result (noted as the
    /// parallel reader notes it, instead of what its text is).
    fn set(&mut self, col: usize, cell: &DataRef<'_>, unsaved: bool) {
        if self.cells.len() <= col {
            self.cells.resize_with(col + 1, String::new);
        }
        let out = &mut self.cells[col];
        out.clear();
        match cell_text(cell, out) {
            _ if unsaved => self.notes.push(CellNote::NoValue(col)),
            Some(note) => self.notes.push(note(col)),
            None => {}
        }
    }

    /// Appends the row to `piece` (and its source line to `raw`), `width` fields at least.
    fn flush(&mut self, width: usize, piece: &mut Piece, raw: &mut Vec<u8>, line: &mut String) {
        let Some(number) = self.number.take() else { return };
        if self.cells.len() < width {
            self.cells.resize_with(width, String::new);
        }
        line.clear();
        for (j, cell) in self.cells.iter().enumerate() {
            if j > 0 {
                line.push(',');
            }
            push_csv_field(line, cell);
        }
        line.push('\n');
        let at = raw.len();
        raw.extend_from_slice(line.as_bytes());
        let row = u64::from(number) + 1;
        let meta = Meta { line: row, sheet_row: row, start: at as u64, end: raw.len() as u64 };
        piece.push(self.cells.iter().map(String::as_str), meta, at..raw.len(), &self.notes);
        for cell in &mut self.cells {
            cell.clear();
        }
        self.cells.truncate(width);
        self.notes.clear();
    }
}

/// Reads the sheet, sending a batch of `pieces` pieces at a time; stops when `send` fails
/// (the reader was dropped).
fn read(
    book: &mut StreamBook,
    name: &str,
    limits: (usize, usize),
    mut unsaved: Option<&mut Unsaved>,
    send: &mut dyn FnMut(Result<Batch, String>) -> bool,
) -> Result<(), String> {
    let cannot = |e: &dyn std::fmt::Display| format!("cannot read sheet `{name}`: {e}");
    match book {
        StreamBook::Xlsx(book) => {
            let mut cells = book.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
            let dimensions = cells.dimensions();
            // calamine gives a cell per `<c>`, in order: the walk's count. Only a cell it
            // reads as blank can hold a formula without a saved result.
            let mut ordinal = 0;
            let mut next = || {
                let Some(cell) = cells.next_cell().map_err(|e| cannot(&e))? else { return Ok(None) };
                let noted =
                    blank(cell.get_value()) && unsaved.as_deref_mut().is_some_and(|u| u.holds(ordinal));
                ordinal += 1;
                Ok(Some((cell, noted)))
            };
            rows(name, dimensions, &mut next, limits, send)
        }
        // Every formula record of an xlsb holds its result.
        StreamBook::Xlsb(book) => {
            let mut cells = book.worksheet_cells_reader(name).map_err(|e| cannot(&e))?;
            let dimensions = cells.dimensions();
            let mut next = || Ok(cells.next_cell().map_err(|e| cannot(&e))?.map(|cell| (cell, false)));
            rows(name, dimensions, &mut next, limits, send)
        }
    }
}

/// Whether calamine read a cell as blank, as it reads a formula without a saved result
/// (an empty `<v>` or none). Not so a formula typed as a boolean or a shared string with an
/// empty `<v>` (TRUE, the first shared string), which no writer makes.
fn blank(cell: &DataRef<'_>) -> bool {
    match cell {
        DataRef::Empty => true,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.is_empty(),
        _ => false,
    }
}

/// The next cell of a sheet, and whether it holds a formula without a saved result; or why
/// it cannot be read.
type NextCell<'c, 'a> = dyn FnMut() -> Result<Option<(Cell<DataRef<'a>>, bool)>, String> + 'c;

/// Turns a sheet's cells into rows and sends them in batches.
fn rows(
    name: &str,
    dimensions: Dimensions,
    next: &mut NextCell<'_, '_>,
    (pieces, max_columns): (usize, usize),
    send: &mut dyn FnMut(Result<Batch, String>) -> bool,
) -> Result<(), String> {
    let mut width = usize::try_from(dimensions.end.1).map_or(0, |c| c + 1);
    if width > max_columns {
        width = 0;
    }
    let mut header_seen = false;
    let mut row = RowBuf::default();
    let mut line = String::new();
    let mut batch = Batch::default();
    let mut piece = batch.take_piece();
    while let Some((cell, unsaved)) = next()? {
        let (r, c) = cell.get_position();
        let col = usize::try_from(c).unwrap_or(usize::MAX);
        if col >= max_columns {
            return Err(format!(
                "sheet `{name}` has a cell at {}{}, beyond --max-columns ({max_columns})",
                crate::schema::column_letters(col),
                u64::from(r) + 1
            ));
        }
        if row.number != Some(r) {
            if row.number.is_some() {
                if !header_seen && row.cells.iter().any(|c| !c.trim().is_empty()) {
                    // The header row is the first non-blank one: rows are at least as wide.
                    header_seen = true;
                    width = width.max(row.cells.len());
                }
                row.flush(width, &mut piece, &mut batch.raw, &mut line);
                if piece.len() >= PIECE_ROWS {
                    batch.pieces.push(std::mem::take(&mut piece));
                    if batch.pieces.len() >= pieces && !send(Ok(std::mem::take(&mut batch))) {
                        return Ok(());
                    }
                }
            }
            row.number = Some(r);
        }
        row.set(col, cell.get_value(), unsaved);
    }
    row.flush(width, &mut piece, &mut batch.raw, &mut line);
    if !piece.is_empty() {
        batch.pieces.push(piece);
    }
    if !batch.is_empty() {
        send(Ok(batch));
    }
    Ok(())
}

/// A streamed sheet read a record at a time (exports, templates, `profile init`).
pub struct StreamRecords {
    stream: SheetStream,
    batch: Batch,
    /// The next row: (piece, row).
    next: (usize, usize),
    /// The source line of the last record read.
    raw: Vec<u8>,
}

impl StreamRecords {
    /// Records of `stream`.
    #[must_use]
    pub fn new(stream: SheetStream) -> Self {
        StreamRecords { stream, batch: Batch::default(), next: (0, 0), raw: Vec::new() }
    }
}

impl super::Records for StreamRecords {
    fn read(
        &mut self,
        record: &mut csv::StringRecord,
        notes: &mut Vec<CellNote>,
    ) -> Result<Option<Meta>, ReadError> {
        loop {
            let (p, i) = self.next;
            let Some(piece) = self.batch.pieces().get(p) else {
                if !self.stream.next_batch(&mut self.batch)? {
                    return Ok(None);
                }
                self.next = (0, 0);
                continue;
            };
            if i >= piece.len() {
                self.next = (p + 1, 0);
                continue;
            }
            record.clear();
            for field in piece.fields(i).iter() {
                record.push_field(field);
            }
            notes.clear();
            notes.extend_from_slice(piece.notes(i));
            self.raw.clear();
            self.raw.extend_from_slice(self.batch.raw(p, i));
            self.next = (p, i + 1);
            let meta = piece.meta(i);
            return Ok(Some(Meta { start: 0, end: self.raw.len() as u64, ..meta }));
        }
    }

    fn raw(&self, _: &Meta) -> &[u8] {
        &self.raw
    }

    fn release_before(&mut self, _: u64) {}
}
