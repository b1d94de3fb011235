//! Rows in batches: what `check` reads at a time, checks in parallel and reports in order.
//!
//! A [`Batch`] holds the source bytes of its rows and one or more [`Piece`]s: rows whose
//! fields sit end to end in one text buffer, so reading a row allocates nothing. Pieces are
//! the unit of parallel work: the CSV reader parses each on its own thread
//! ([`super::chunked`]), and `check` checks each on its own thread.

use std::ops::Range;

use super::record::{Meta, ReadError};
use super::{CellNote, Records};

/// Where to cut `data` into about `n` pieces for parallel parsing: near each `n`th of it,
/// at the offset `next` finds in the bytes from there (a boundary where a piece may
/// start). Starts with 0 and ends with `data.len()`; fewer pieces when `next` finds no
/// boundary or the pieces would be empty.
pub(crate) fn cut_points(data: &[u8], n: usize, next: impl Fn(&[u8]) -> Option<usize>) -> Vec<usize> {
    let mut cuts = vec![0];
    for k in 1..n {
        let target = data.len() / n * k;
        let last = cuts.last().copied().unwrap_or(0);
        if target <= last {
            continue;
        }
        match next(&data[target..]) {
            Some(i) if target + i < data.len() => cuts.push(target + i),
            _ => break,
        }
    }
    cuts.push(data.len());
    cuts
}

/// The fields of one row, borrowed from its piece.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a> {
    text: &'a str,
    /// End offset in `text` of each field.
    ends: &'a [usize],
    /// Start offset in `text` of the first field.
    start: usize,
    /// Bytes between one field's end and the next one's start: 0, or 1 (a delimiter).
    gap: usize,
    /// The text from the first field to the last is the fields joined by the delimiter,
    /// none holding it or a quote ([`Fields::line`]).
    line: bool,
}

impl<'a> Fields<'a> {
    /// Fields in `text` from `start`, each ending at its entry in `ends`; the next starts
    /// `gap` bytes later (0: end to end; 1: a delimiter between them).
    #[must_use]
    pub fn new(text: &'a str, ends: &'a [usize], start: usize, gap: usize) -> Self {
        Fields { text, ends, start, gap, line: gap == 1 }
    }

    /// The same fields, said to be a line ([`Fields::line`]) or not.
    pub(crate) fn with_line(self, line: bool) -> Self {
        Fields { line, ..self }
    }

    /// Number of fields.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the row has no field.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Field `i`'s range in [`Fields::text`], if the row has it.
    fn span(&self, i: usize) -> Option<Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { self.start } else { self.ends[i - 1] + self.gap };
        Some(start..end)
    }

    /// Field `i`, if the row has it.
    #[must_use]
    pub fn get(&self, i: usize) -> Option<&'a str> {
        self.text.get(self.span(i)?)
    }

    /// The bytes from field `first`'s start to field `last`'s end (`first <= last`), with
    /// whatever lies between the fields (see [`Fields::line`]), if the row has both.
    pub(crate) fn run(&self, first: usize, last: usize) -> Option<&'a [u8]> {
        let (start, end) = (self.span(first)?.start, self.span(last)?.end);
        self.text.as_bytes().get(start..end)
    }

    /// [`Fields::run`] when those bytes, split at the row's delimiter, give fields `first`
    /// to `last` back: in a line ([`Fields::line`]) always; in another row kept with its
    /// delimiters (a quoted line), when none of those fields holds the delimiter.
    pub(crate) fn split_run(&self, first: usize, last: usize) -> Option<&'a [u8]> {
        if self.gap != 1 || self.ends.len() < 2 {
            return None;
        }
        let run = self.run(first, last)?;
        if self.line {
            return Some(run);
        }
        let delimiter = self.delimiter()?;
        (count(run, delimiter) == last - first).then_some(run)
    }

    /// Field `i`'s bytes, if the row has it (no character-boundary checks: for tests on
    /// bytes).
    #[must_use]
    pub fn get_bytes(&self, i: usize) -> Option<&'a [u8]> {
        self.text.as_bytes().get(self.span(i)?)
    }

    /// The text from the first field's start to the last one's end: the fields, with the
    /// delimiters between them if the row keeps them (ASCII either way).
    #[must_use]
    pub fn joined(&self) -> &'a str {
        let end = self.ends.last().copied().unwrap_or(self.start);
        self.text.get(self.start..end).unwrap_or("")
    }

    /// The byte after the first field: the delimiter, in a row kept with its delimiters
    /// (gap 1) of two fields or more.
    fn delimiter(&self) -> Option<u8> {
        self.text.as_bytes().get(*self.ends.first()?).copied()
    }

    /// Whether the row is a line ([`Fields::line`]).
    pub(crate) fn is_line(&self) -> bool {
        self.line && self.gap == 1 && self.ends.len() >= 2
    }

    /// The row's fields joined by its delimiter, and the delimiter, when that text split at
    /// the delimiter gives the fields back (none holds the delimiter, a quote or a line
    /// break) and there are two or more: a line without quotes as read, or one whose
    /// quotes only wrapped whole fields, taken off (see `ChunkedCsv`). Without quotes to
    /// tell them apart, each delimiter in it separates two fields.
    #[must_use]
    pub fn line(&self) -> Option<(&'a str, u8)> {
        if !self.is_line() {
            return None;
        }
        Some((self.joined(), self.delimiter()?))
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + 'a {
        let text = self.text;
        self.spans().map(move |span| text.get(span).unwrap_or(""))
    }

    /// The text the fields are in: each field is a range of it ([`Fields::spans`]).
    #[must_use]
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Each field's range in [`Fields::text`], in order.
    pub fn spans(&self) -> impl Iterator<Item = Range<usize>> + 'a {
        let (ends, first, gap) = (self.ends, self.start, self.gap);
        ends.iter().scan(first, move |start, &end| {
            let span = *start..end;
            *start = end + gap;
            Some(span)
        })
    }

    /// The fields' bytes in order (no character-boundary checks: for tests on bytes).
    pub fn iter_bytes(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let text = self.text.as_bytes();
        self.spans().map(move |span| text.get(span).unwrap_or(&[]))
    }

    /// Whether every field is empty or blank (such rows are skipped, like empty lines).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.iter().all(|f| f.trim().is_empty())
    }
}

/// How many of `bytes` are `byte`: counted in bytes, 255 at a time, which the compiler
/// turns into vector code (a `usize` a byte is eight times the work).
pub(crate) fn count(bytes: &[u8], byte: u8) -> usize {
    bytes.chunks(255).map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b == byte)))).sum()
}

/// Where one row of a piece lives.
#[derive(Clone, Debug)]
pub(crate) struct RowEntry {
    /// Where the record stands in the input.
    pub meta: Meta,
    /// Offset of the first field's text.
    pub text_start: usize,
    /// Its fields: indices into the piece's `ends`.
    pub fields: Range<usize>,
    /// Bytes between its fields in the text (see [`Fields::new`]).
    pub gap: usize,
    /// Its fields joined by the delimiter are its text ([`Fields::line`]).
    pub line: bool,
    /// Its source bytes in the batch's `raw`.
    pub raw: Range<usize>,
    /// What a spreadsheet says about its cells: indices into the piece's `notes`.
    pub notes: Range<usize>,
    /// Line breaks inside quoted fields before this row, counted from the piece's start
    /// (to turn editor lines into spreadsheet rows once the piece's place is known).
    pub extra_before: u64,
}

/// Rows whose fields sit in one text buffer, in order.
#[derive(Debug, Default)]
pub struct Piece {
    pub(crate) text: String,
    pub(crate) ends: Vec<usize>,
    pub(crate) rows: Vec<RowEntry>,
    pub(crate) notes: Vec<CellNote>,
    /// The parser's text buffer and the field-end buffer of the piece's last use, as long
    /// as they were (their contents mean nothing; the ends kept by [`Piece::keep_buffers`]):
    /// a parser writing into them again does not zero them first. The text is copied from
    /// the parser's buffer once valid, into `text`, whose buffer is kept too.
    pub(crate) used_text: Vec<u8>,
    pub(crate) used_ends: Vec<usize>,
}

impl Piece {
    /// Moves the field ends aside at their length, for a parser to write over.
    pub(crate) fn keep_buffers(&mut self) {
        self.used_ends = std::mem::take(&mut self.ends);
    }

    /// Forgets the rows, keeping the buffers.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.rows.clear();
        self.notes.clear();
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the piece has no row.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The fields of row `i`.
    #[must_use]
    pub fn fields(&self, i: usize) -> Fields<'_> {
        let row = &self.rows[i];
        Fields::new(&self.text, &self.ends[row.fields.clone()], row.text_start, row.gap).with_line(row.line)
    }

    /// What the spreadsheet says about the cells of row `i`.
    #[must_use]
    pub fn notes(&self, i: usize) -> &[CellNote] {
        &self.notes[self.rows[i].notes.clone()]
    }

    /// Where row `i` stands.
    #[must_use]
    pub fn meta(&self, i: usize) -> Meta {
        self.rows[i].meta
    }

    /// Appends a row of owned fields.
    pub(crate) fn push<'f>(
        &mut self,
        fields: impl IntoIterator<Item = &'f str>,
        meta: Meta,
        raw: Range<usize>,
        notes: &[CellNote],
    ) {
        let text_start = self.text.len();
        let first = self.ends.len();
        for f in fields {
            self.text.push_str(f);
            self.ends.push(self.text.len());
        }
        let first_note = self.notes.len();
        self.notes.extend_from_slice(notes);
        self.rows.push(RowEntry {
            meta,
            text_start,
            fields: first..self.ends.len(),
            gap: 0,
            line: false,
            raw,
            notes: first_note..self.notes.len(),
            extra_before: 0,
        });
    }
}

/// Rows read together: their source bytes and the pieces holding their fields.
#[derive(Debug, Default)]
pub struct Batch {
    /// The source bytes rows point into.
    pub(crate) raw: Vec<u8>,
    /// The pieces in use, in input order.
    pub(crate) pieces: Vec<Piece>,
    /// Pieces kept for reuse beyond those in use.
    spare: Vec<Piece>,
}

impl Batch {
    /// Forgets the rows, keeping the buffers.
    pub(crate) fn clear(&mut self) {
        self.raw.clear();
        for mut p in self.pieces.drain(..) {
            p.clear();
            self.spare.push(p);
        }
    }

    /// Keeps `piece`'s buffers for reuse.
    pub(crate) fn give_back(&mut self, mut piece: Piece) {
        piece.clear();
        self.spare.push(piece);
    }

    /// A cleared piece to fill, taken from the spares.
    pub(crate) fn take_piece(&mut self) -> Piece {
        self.spare.pop().unwrap_or_default()
    }

    /// The pieces, in input order.
    #[must_use]
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The source bytes of row `i` of piece `p`.
    #[must_use]
    pub fn raw(&self, p: usize, i: usize) -> &[u8] {
        self.raw.get(self.pieces[p].rows[i].raw.clone()).unwrap_or(&[])
    }

    /// Bytes of source the batch holds.
    #[must_use]
    pub fn raw_len(&self) -> usize {
        self.raw.len()
    }

    /// Number of rows in all pieces.
    #[must_use]
    pub fn len(&self) -> usize {
        self.pieces.iter().map(Piece::len).sum()
    }

    /// Whether the batch has no row.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(Piece::is_empty)
    }
}

/// A source of rows, a batch at a time.
pub trait BatchSource: Send {
    /// Replaces the rows of `batch` with the next ones; `Ok(false)` at the end of the input.
    ///
    /// # Errors
    /// I/O failure or undecodable text.
    fn next_batch(&mut self, batch: &mut Batch) -> Result<bool, ReadError>;
}

/// Batches from a row-at-a-time reader (spreadsheets): pieces of a fixed number of rows.
pub struct RowByRow {
    records: Box<dyn Records>,
    rows_per_piece: usize,
    pieces: usize,
    record: csv::StringRecord,
    notes: Vec<CellNote>,
    done: bool,
}

impl RowByRow {
    /// Batches of `pieces` pieces of `rows_per_piece` rows from `records`.
    #[must_use]
    pub fn new(records: Box<dyn Records>, rows_per_piece: usize, pieces: usize) -> Self {
        RowByRow {
            records,
            rows_per_piece: rows_per_piece.max(1),
            pieces: pieces.max(1),
            record: csv::StringRecord::new(),
            notes: Vec::new(),
            done: false,
        }
    }
}

impl BatchSource for RowByRow {
    fn next_batch(&mut self, batch: &mut Batch) -> Result<bool, ReadError> {
        batch.clear();
        while !self.done && batch.pieces.len() < self.pieces {
            let mut piece = batch.take_piece();
            while piece.len() < self.rows_per_piece {
                let Some(meta) = self.records.read(&mut self.record, &mut self.notes)? else {
                    self.done = true;
                    break;
                };
                let raw = self.records.raw(&meta);
                let at = batch.raw.len();
                batch.raw.extend_from_slice(raw);
                piece.push(self.record.iter(), meta, at..batch.raw.len(), &self.notes);
                self.records.release_before(meta.end);
            }
            batch.pieces.push(piece);
        }
        Ok(!batch.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_view_reads_each_field() {
        let mut p = Piece::default();
        p.push(["a", "", "héllo"], Meta::default(), 0..0, &[]);
        p.push(["  ", ""], Meta::default(), 0..0, &[]);
        let f = p.fields(0);
        assert_eq!(f.len(), 3);
        assert_eq!(f.iter().collect::<Vec<_>>(), vec!["a", "", "héllo"]);
        assert_eq!(f.get(2), Some("héllo"));
        assert_eq!(f.get(3), None);
        assert!(!f.is_blank());
        assert!(p.fields(1).is_blank());
    }
}
