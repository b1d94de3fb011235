//! [`ChunkedCsv`]: CSV text parsed in parallel, a block at a time.
//!
//! A block of input (a few MiB) is cut into pieces just after line feeds, and each piece is
//! parsed on its own thread by `csv_core` (the csv crate's parser) as if a record started
//! there. That guess is checked in input order: a piece is kept when the piece before it
//! ended on a record boundary (everything it read after its last record is line breaks);
//! otherwise a quoted field runs across the cut, the guess is dropped, and the previous
//! piece's parser simply reads on through the piece. Every record is therefore parsed exactly
//! as one sequential `csv_core` pass would parse it, stray quotes included.
//!
//! Most records are a line without quotes; between records such a line is not handed to
//! `csv_core` but split at its delimiters a word at a time, which reads it as `csv_core`
//! would (see `Parser::plain_record`); the line is kept whole, delimiters included. A line
//! whose quoted fields are whole (no line break inside, nothing after the closing quote) is
//! read field by field without `csv_core` too (`Parser::quoted_record`); anything else goes
//! to `csv_core`.
//!
//! Editor lines are counted per piece and offset once the pieces' order is settled. The
//! record that the end of a block cuts is carried over to the next block.

use std::io::{self, Read};

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use rayon::prelude::*;

use super::batch::{count, Batch, BatchSource, Piece, RowEntry};
use super::raw::trim_terminator;
use super::record::{line_breaks, Meta, ReadError};

/// Bytes read per batch, at most. Half a MiB: a batch's text, field ends and row outcomes
/// (about 3 MB for 1 MiB of input) pass from the reading core to the cross-row pass and the
/// report while still in the caches. 1 MiB took 6% more CPU and 20 MiB more memory at
/// 1,000,000 rows; 256 KiB the same CPU but more waiting between stages (docs/performance-history.md).
pub const BLOCK: usize = 1 << 19;
/// Bytes read per batch, at least (small files: see `input::csv_block`).
pub const MIN_BLOCK: usize = 128 << 10;
/// Pieces smaller than this are not worth a thread.
const MIN_PIECE: usize = 32 << 10;
/// Bytes a parser's text buffer grows by past the need. Not doubled: the buffer is written
/// over batch after batch (see `Piece::keep_buffers`), each time from the length the last
/// batch used, so doubling it zeroed about a piece's worth of bytes a batch that the
/// piece never filled. (Growing past its capacity still doubles that, as `Vec` does.)
const TEXT_ROOM: usize = 64 << 10;

/// What the start of the input showed about a UTF-8 byte-order mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bom {
    /// Not enough bytes read yet to tell.
    Unknown,
    /// None.
    Absent,
    /// One was there, and was dropped.
    Dropped,
}

/// CSV records read in parallel, a batch at a time.
pub struct ChunkedCsv<R> {
    inner: R,
    delimiter: u8,
    /// Parsers of finished pieces, reset and used again: building one costs more than
    /// parsing a thousand bytes. (They are kept, not cloned: csv-core 0.1.13's `Clone` for
    /// `Reader` copies only part of its tables, and the copy misreads.)
    readers: Vec<Reader>,
    /// Bytes after the last complete record of the previous batch.
    carry: Vec<u8>,
    eof: bool,
    bom: Bom,
    /// Stream offset (after any BOM) of the next batch's first byte.
    offset: u64,
    /// Editor line breaks before it.
    lines: u64,
    /// Line breaks inside quoted fields before it (editor lines minus spreadsheet rows).
    extra: u64,
    /// The byte before it is a `\r` (a `\n` right after it ends the same line).
    after_cr: bool,
    block: usize,
    pieces: usize,
    min_piece: usize,
    /// The input's first record, once read (for [`ReadError::Utf8`]).
    first: Option<Vec<String>>,
}

impl<R: Read + Send> ChunkedCsv<R> {
    /// A reader of `inner` with this delimiter, reading about `block` bytes per batch cut
    /// into at most `pieces` pieces.
    pub fn new(inner: R, delimiter: u8, block: usize, pieces: usize) -> Self {
        ChunkedCsv {
            inner,
            delimiter,
            readers: Vec::new(),
            carry: Vec::new(),
            eof: false,
            bom: Bom::Unknown,
            offset: 0,
            lines: 0,
            extra: 0,
            after_cr: false,
            block: block.max(1),
            pieces: pieces.max(1),
            min_piece: MIN_PIECE,
            first: None,
        }
    }

    /// Cuts pieces as small as `bytes` (tests cut tiny inputs).
    #[cfg(test)]
    fn min_piece(mut self, bytes: usize) -> Self {
        self.min_piece = bytes.max(1);
        self
    }

    /// Whether a UTF-8 byte-order mark was dropped from the start.
    #[must_use]
    pub fn had_bom(&self) -> bool {
        self.bom == Bom::Dropped
    }

    /// A parser in its start state: a used one reset, or a new one.
    fn reader(&mut self) -> Reader {
        match self.readers.pop() {
            Some(mut rdr) => {
                rdr.reset();
                rdr
            }
            None => ReaderBuilder::new().delimiter(self.delimiter).build(),
        }
    }

    /// Reads until `raw` holds `target` bytes or the input ends; `raw` holds `filled` bytes
    /// of input, and may be longer (bytes past them are written over unread: a buffer used
    /// before is not zeroed again).
    fn fill(&mut self, raw: &mut Vec<u8>, mut filled: usize, target: usize) -> io::Result<()> {
        while filled < target && !self.eof {
            // Grow by the size read so far (64 KiB at first, 1 MiB at most): a small file
            // costs a small buffer.
            let want = target.min(filled + filled.clamp(64 << 10, 1 << 20));
            if raw.len() < want {
                raw.resize(want, 0);
            }
            let n = loop {
                match self.inner.read(&mut raw[filled..want]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        raw.truncate(filled);
                        return Err(e);
                    }
                }
            };
            filled += n;
            self.eof = n == 0;
        }
        raw.truncate(filled);
        if self.bom == Bom::Unknown && (raw.len() >= 3 || self.eof) {
            self.bom = Bom::Absent;
            if raw.starts_with(&[0xEF, 0xBB, 0xBF]) {
                self.bom = Bom::Dropped;
                raw.drain(..3);
            }
        }
        Ok(())
    }
}

/// Where to cut `raw` into about `n` pieces: just after a line feed, so that a `\r\n` is
/// never split.
fn cuts(raw: &[u8], n: usize) -> Vec<usize> {
    super::batch::cut_points(raw, n, |rest| memchr::memchr(b'\n', rest).map(|i| i + 1))
}

/// Where a record's line breaks fall: `lead` bytes of empty lines before it holding
/// `lead_breaks` line breaks, `inner` breaks inside its quoted fields, `body_breaks` in all
/// from its first byte through its terminator, which ends with a `\r` if `after_body`.
#[derive(Clone, Copy)]
struct Lines {
    lead: usize,
    lead_breaks: u64,
    inner: u64,
    body_breaks: u64,
    after_body: bool,
}

/// One piece's parse, which may read on into the following pieces.
struct Parser {
    rdr: Reader,
    /// Field text of the piece's records (grown ahead, `rec_out` bytes in use).
    out: Vec<u8>,
    piece: Piece,
    /// Field ends in use in `piece.ends` (which is grown ahead).
    ends_used: usize,
    /// Block offset read up to, and just past the last complete record.
    fed: usize,
    done: usize,
    /// Output of complete records; output and field ends of the record being read.
    rec_out: usize,
    outlen: usize,
    endlen: usize,
    /// Editor line breaks counted from the piece's start up to `done`.
    lines: u64,
    /// Line breaks inside quoted fields from the piece's start up to `done`.
    extra: u64,
    after_cr: bool,
    ended: bool,
    /// The parser stands between records (its state reads the next byte as a record's first).
    between: bool,
    /// The delimiter, unless it is a quote or a line break (then `csv_core` reads every record).
    plain: Option<u8>,
}

impl Parser {
    /// A parse from `block[start..]`, with `rdr` (a parser in its start state), into `piece`'s
    /// buffers.
    fn new(rdr: Reader, delimiter: u8, start: usize, after_cr: bool, mut piece: Piece) -> Self {
        // The buffers of the piece's last use, written over from the start.
        let out = std::mem::take(&mut piece.used_text);
        piece.ends = std::mem::take(&mut piece.used_ends);
        Parser {
            rdr,
            out,
            piece,
            ends_used: 0,
            fed: start,
            done: start,
            rec_out: 0,
            outlen: 0,
            endlen: 0,
            lines: 0,
            extra: 0,
            after_cr,
            ended: false,
            between: true,
            plain: (!matches!(delimiter, b'"' | b'\r' | b'\n')).then_some(delimiter),
        }
    }

    /// Parses `block[self.fed..to]`; `eof`: nothing follows `to` in the input.
    fn feed(&mut self, block: &[u8], to: usize, eof: bool) {
        while !self.ended && (self.fed < to || eof) {
            if self.between && self.plain_record(block, to) {
                continue;
            }
            let out_at = self.rec_out + self.outlen;
            if self.out.len() <= out_at {
                self.out.resize(out_at + TEXT_ROOM, 0);
            }
            let ends_at = self.ends_used + self.endlen;
            if self.piece.ends.len() <= ends_at {
                self.piece.ends.resize((ends_at * 2).max(256), 0);
            }
            let (res, nin, nout, nend) = self.rdr.read_record(
                &block[self.fed..to],
                &mut self.out[out_at..],
                &mut self.piece.ends[ends_at..],
            );
            self.fed += nin;
            self.outlen += nout;
            self.endlen += nend;
            self.between = false;
            match res {
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record => self.record(block),
                ReadRecordResult::End => self.ended = true,
            }
        }
    }

    /// Files the record `csv_core` read, which ends at `self.fed`.
    fn record(&mut self, block: &[u8]) {
        let raw = &block[self.done..self.fed];
        // Empty lines before the record are skipped by the parser but count as lines.
        let lead = raw.iter().position(|b| *b != b'\r' && *b != b'\n').unwrap_or(raw.len());
        let (lead_breaks, after_lead) = line_breaks(&raw[..lead], self.after_cr);
        let body = &raw[lead..];
        let inner = line_breaks(trim_terminator(body), after_lead).0;
        let (body_breaks, after_body) = line_breaks(body, after_lead);
        let first = self.ends_used;
        for end in &mut self.piece.ends[first..first + self.endlen] {
            *end += self.rec_out;
        }
        self.file(Lines { lead, lead_breaks, inner, body_breaks, after_body }, 0, false);
    }

    /// Files the record that ends at `self.fed`, its field ends in place (`gap`: bytes
    /// between its fields in `out`; `is_line`: its text is its fields joined by the delimiter,
    /// see `Fields::line`).
    fn file(&mut self, lines: Lines, gap: usize, is_line: bool) {
        let line = self.lines + lines.lead_breaks + 1;
        let first = self.ends_used;
        let (start, end) = (self.done + lines.lead, self.fed);
        self.piece.rows.push(RowEntry {
            meta: Meta { line, sheet_row: 0, start: start as u64, end: end as u64 },
            text_start: self.rec_out,
            fields: first..first + self.endlen,
            gap,
            line: is_line,
            raw: start..end,
            notes: 0..0,
            extra_before: self.extra,
        });
        self.extra += lines.inner;
        self.lines = line - 1 + lines.body_breaks;
        self.after_cr = lines.after_body;
        self.rec_out += self.outlen;
        self.ends_used += self.endlen;
        (self.outlen, self.endlen) = (0, 0);
        self.done = self.fed;
        self.between = true;
    }

    /// Reads the next record without `csv_core` when it is a line without quotes, which most
    /// records are. Between records `csv_core` skips line breaks, then reads such a line as its
    /// fields split at the delimiter and stops just past the line's `\r` or `\n` (a `\n`
    /// after that `\r` is skipped as the next record's lead); this does the same, keeping the
    /// line whole in `out` with its delimiters (gap 1). A line with a quote goes to
    /// [`Parser::quoted_record`]. Returns false, having read nothing, when neither reads the
    /// record, or there is no line break before `to`.
    fn plain_record(&mut self, block: &[u8], to: usize) -> bool {
        let Some(delimiter) = self.plain else { return false };
        let rest = &block[self.fed..to];
        let Some(lead) = rest.iter().position(|b| *b != b'\r' && *b != b'\n') else {
            return false;
        };
        let line = &rest[lead..];
        let Some(stop) = memchr::memchr3(b'"', b'\r', b'\n', line) else { return false };
        if line[stop] == b'"' {
            return self.quoted_record(rest, lead, delimiter);
        }
        let body = &line[..stop];
        let (out_at, ends_at) = self.room(body.len());
        self.out[out_at..out_at + body.len()].copy_from_slice(body);
        let ends = &mut self.piece.ends[ends_at..=ends_at + body.len()];
        let fields = delimiters(body, delimiter, out_at, ends);
        self.fed += lead + stop + 1;
        (self.outlen, self.endlen) = (body.len(), fields);
        // One line: its breaks are the lead's and its terminator.
        let lead_breaks = line_breaks(&rest[..lead], self.after_cr).0;
        let after_body = line[stop] == b'\r';
        self.file(Lines { lead, lead_breaks, inner: 0, body_breaks: 1, after_body }, 1, true);
        true
    }

    /// Makes room in `out` and the field ends for a line of `len` bytes (its text is at
    /// most the line; its fields at most one a byte, and one more); returns where its text
    /// and field ends start. Both grow a little past the need, not doubled (see
    /// `TEXT_ROOM`); for the field ends, the room a line asks for is also about seven times
    /// what it uses, and doubling for it wrote (and kept) pages the piece never fills.
    #[inline]
    fn room(&mut self, len: usize) -> (usize, usize) {
        let (out_at, ends_at) = (self.rec_out, self.ends_used);
        if self.out.len() < out_at + len {
            self.out.resize(out_at + len + TEXT_ROOM, 0);
        }
        if self.piece.ends.len() <= ends_at + len {
            self.piece.ends.resize(ends_at + len + 1 + 1024, 0);
        }
        (out_at, ends_at)
    }

    /// Reads the next record without `csv_core` when it is one line whose quoted fields
    /// are whole: each opens at the field's start and closes just before a delimiter or the
    /// line's end, with `""` for a quote inside. `csv_core` reads such a line as its fields,
    /// quotes taken off and `""` made `"`; this does the same, with the delimiter kept
    /// between the fields (gap 1). When no field holds the delimiter or a quote, that text
    /// is a line (`Fields::line`): its delimiters tell the fields apart as a line without
    /// quotes does, and the rules read it as one. Returns false, having kept nothing, for
    /// anything else: a line break inside quotes, a quote inside an unquoted field or after
    /// a closing one, no line break before the end of `rest` (`rest[lead..]` starts the
    /// record).
    fn quoted_record(&mut self, rest: &[u8], lead: usize, delimiter: u8) -> bool {
        let line = &rest[lead..];
        let Some(stop) = memchr::memchr2(b'\r', b'\n', line) else { return false };
        let body = &line[..stop];
        // The text is at most the body: each field loses its quotes, `""` one of its two.
        let (out_at, ends_at) = self.room(body.len());
        let (out, ends) = (&mut self.out[out_at..], &mut self.piece.ends[ends_at..]);
        let (mut at, mut written, mut fields, mut quote_inside) = (0, 0, 0, false);
        loop {
            if body.get(at) == Some(&b'"') {
                // A quoted field: runs of text up to each quote; `""` is a quote.
                at += 1;
                loop {
                    let Some(q) = memchr::memchr(b'"', &body[at..]) else { return false };
                    out[written..written + q].copy_from_slice(&body[at..at + q]);
                    written += q;
                    at += q + 1;
                    if body.get(at) != Some(&b'"') {
                        break;
                    }
                    out[written] = b'"';
                    written += 1;
                    at += 1;
                    quote_inside = true;
                }
            } else {
                // Up to the delimiter; a quote stops it too, and is refused below.
                let n = memchr::memchr2(delimiter, b'"', &body[at..]).unwrap_or(body.len() - at);
                out[written..written + n].copy_from_slice(&body[at..at + n]);
                written += n;
                at += n;
            }
            ends[fields] = out_at + written;
            fields += 1;
            match body.get(at) {
                None => break,
                Some(&b) if b == delimiter => {
                    out[written] = delimiter;
                    written += 1;
                    at += 1;
                }
                Some(_) => return false,
            }
        }
        // A line when the only delimiters in the text are those between the fields.
        let delimiters = count(&out[..written], delimiter);
        let is_line = !quote_inside && delimiters + 1 == fields;
        self.fed += lead + stop + 1;
        (self.outlen, self.endlen) = (written, fields);
        // One line: its breaks are the lead's and its terminator.
        let lead_breaks = line_breaks(&rest[..lead], self.after_cr).0;
        let after_body = line[stop] == b'\r';
        self.file(Lines { lead, lead_breaks, inner: 0, body_breaks: 1, after_body }, 1, is_line);
        true
    }

    /// Whether everything read after the last record is line breaks: the parser stands on a
    /// record boundary, where a parser started afresh would stand too.
    fn on_boundary(&self, block: &[u8]) -> bool {
        block[self.done..self.fed].iter().all(|b| *b == b'\r' || *b == b'\n')
    }

    /// Line breaks up to `self.fed` (for a piece followed by another).
    fn lines_through_fed(&self, block: &[u8]) -> (u64, bool) {
        let (n, after_cr) = line_breaks(&block[self.done..self.fed], self.after_cr);
        (self.lines + n, after_cr)
    }

    /// The piece with its text checked as UTF-8, its parser, and the offset of the first
    /// invalid byte if any.
    ///
    /// The text is validated where the parser wrote it (`simdutf8`: several times faster
    /// than `std` on names with accents, where `std`'s ASCII fast path keeps stopping) and
    /// copied into the piece's own text; the parser's buffer is kept for the next batch.
    fn finish(mut self) -> (Piece, Reader, Option<Flaw>) {
        self.out.truncate(self.rec_out);
        self.piece.ends.truncate(self.ends_used);
        let Ok(text) = simdutf8::basic::from_utf8(&self.out) else {
            let invalid = simdutf8::compat::from_utf8(&self.out).err().map_or(0, |e| e.valid_up_to());
            self.piece.used_text = self.out;
            return (self.piece, self.rdr, Some(Flaw::Utf8(invalid)));
        };
        // Fields laid end to end can make a valid text of invalid ones (`\xC3` then `\xA9`):
        // each field must end on a character boundary too. A row starts on one (so the row
        // before it ends on one); within a row read by `csv_core`, so does each field; a line
        // read whole and a quoted line have ASCII delimiters between them.
        let bytes = text.as_bytes();
        let inside = |at: &usize| bytes.get(*at).is_some_and(|&b| b & 0xC0 == 0x80);
        let ends = &self.piece.ends;
        let split = self.piece.rows.iter().find_map(|row| match row.gap {
            0 => std::iter::once(&row.text_start).chain(&ends[row.fields.clone()]).copied().find(inside),
            _ => Some(row.text_start).filter(inside),
        });
        // The field before the split holds the first invalid byte.
        let invalid = split.map(|at| Flaw::Utf8(at - 1));
        // A NUL past the read-ahead that refuses a file holding one (`open_input`): the same
        // refusal, where it is (a UTF-16 file's U+0000 is a NUL byte here too).
        let flaw = invalid.or_else(|| memchr::memchr(0, bytes).map(Flaw::Nul));
        self.piece.text.clear();
        self.piece.text.push_str(text);
        self.piece.used_text = self.out;
        (self.piece, self.rdr, flaw)
    }
}

/// What makes a piece's text unreadable: invalid UTF-8, or a NUL byte, at an offset.
#[derive(Clone, Copy, Debug)]
enum Flaw {
    Utf8(usize),
    Nul(usize),
}

impl<R: Read + Send> ChunkedCsv<R> {
    /// Puts the parsed pieces into `batch` and their parsers back; the error for the first
    /// invalid UTF-8, naming its column by the input's first record.
    fn keep(&mut self, checked: Vec<(Piece, Reader, Option<Flaw>)>, batch: &mut Batch) -> Option<ReadError> {
        let mut bad = None;
        for (piece, rdr, flaw) in checked {
            self.readers.push(rdr);
            if self.first.is_none() {
                self.first = first_record(&piece);
            }
            if let (None, Some(flaw)) = (&bad, flaw) {
                let mut e = utf8_error(&piece, flaw);
                if let ReadError::Utf8 { header, .. } | ReadError::Nul { header, .. } = &mut e {
                    header.clone_from(&self.first);
                }
                bad = Some(e);
            }
            batch.pieces.push(piece);
        }
        bad
    }
}

impl<R: Read + Send> ChunkedCsv<R> {
    /// The error for the record that starts `raw` (after empty lines) and is not done
    /// within [`super::MAX_RECORD_BYTES`].
    fn too_long(&self, raw: &[u8]) -> ReadError {
        let lead = raw.iter().position(|b| *b != b'\r' && *b != b'\n').unwrap_or(raw.len());
        let line = self.lines + line_breaks(&raw[..lead], self.after_cr).0 + 1;
        ReadError::too_long(line, line - self.extra, &raw[lead..], self.delimiter)
    }
}

impl<R: Read + Send> BatchSource for ChunkedCsv<R> {
    fn next_batch(&mut self, batch: &mut Batch) -> Result<bool, ReadError> {
        // The buffers of the last batch are written over, not zeroed again: the source bytes
        // (the bytes carried over first), and each piece's text and field ends.
        let mut raw = std::mem::take(&mut batch.raw);
        for piece in &mut batch.pieces {
            piece.keep_buffers();
        }
        batch.clear();
        if raw.len() < self.carry.len() {
            raw.resize(self.carry.len(), 0);
        }
        raw[..self.carry.len()].copy_from_slice(&self.carry);
        let mut filled = self.carry.len();
        self.carry.clear();
        let mut target = self.block;
        let (parsers, eof) = loop {
            self.fill(&mut raw, filled, target).map_err(ReadError::Io)?;
            filled = raw.len();
            if raw.is_empty() {
                batch.raw = raw;
                return Ok(false);
            }
            // Read again for one long record, a single piece: other pieces would only guess
            // at records inside it (a quote left open), to be dropped, and cost memory.
            let n = if target > self.block { 1 } else { self.pieces.min(raw.len() / self.min_piece).max(1) };
            let cuts = cuts(&raw, n);
            let eof = self.eof;
            let mut parsers: Vec<Parser> = cuts
                .windows(2)
                .enumerate()
                .map(|(k, w)| {
                    let rdr = self.reader();
                    Parser::new(rdr, self.delimiter, w[0], k == 0 && self.after_cr, batch.take_piece())
                })
                .collect();
            let last = parsers.len() - 1;
            let block = &raw[..];
            parsers.par_iter_mut().zip(cuts[1..].par_iter()).enumerate().for_each(|(k, (p, &to))| {
                p.feed(block, to, eof && k == last);
            });
            // Settle the guesses in input order.
            let mut kept: Vec<Parser> = Vec::with_capacity(parsers.len());
            for (k, p) in parsers.into_iter().enumerate() {
                match kept.last_mut() {
                    Some(prev) if !prev.on_boundary(block) => {
                        prev.feed(block, cuts[k + 1], eof && k == last);
                        self.readers.push(p.rdr);
                        batch.give_back(p.piece);
                    }
                    _ => kept.push(p),
                }
            }
            if eof || kept.iter().any(|p| !p.piece.rows.is_empty()) {
                break (kept, eof);
            }
            // One record longer than the block: read more and parse again, up to the limit.
            for p in kept {
                self.readers.push(p.rdr);
                batch.give_back(p.piece);
            }
            if raw.len() > super::MAX_RECORD_BYTES {
                let e = self.too_long(&raw);
                batch.raw = raw;
                return Err(e);
            }
            target = raw.len().saturating_mul(2).min(super::MAX_RECORD_BYTES + 1);
        };

        // Offsets in the stream and editor lines, in input order.
        let (mut lines, mut extra, mut after_cr) = (self.lines, self.extra, self.after_cr);
        let count = parsers.len();
        let mut tail = raw.len();
        let mut finished: Vec<Parser> = Vec::with_capacity(count);
        for (k, mut p) in parsers.into_iter().enumerate() {
            for row in &mut p.piece.rows {
                row.meta.line += lines;
                row.meta.sheet_row = row.meta.line - (extra + row.extra_before);
                row.meta.start += self.offset;
                row.meta.end += self.offset;
            }
            extra += p.extra;
            if k + 1 < count {
                let (n, cr) = p.lines_through_fed(&raw);
                (lines, after_cr) = (lines + n, cr);
            } else {
                lines += p.lines;
                after_cr = p.after_cr;
                if !eof {
                    tail = p.done;
                }
            }
            finished.push(p);
        }
        let checked: Vec<(Piece, Reader, Option<Flaw>)> =
            finished.into_par_iter().map(Parser::finish).collect();
        let bad = self.keep(checked, batch);
        self.carry.extend_from_slice(&raw[tail..]);
        batch.raw = raw;
        if let Some(e) = bad {
            return Err(e);
        }
        self.offset += tail as u64;
        (self.lines, self.extra, self.after_cr) = (lines, extra, after_cr);
        Ok(true)
    }
}

/// Writes the end of each field of `line` (split at `delimiter`), plus `at`, to `ends`, which
/// has room for one more than `line` has bytes; returns the number of fields.
fn delimiters(line: &[u8], delimiter: u8, at: usize, ends: &mut [usize]) -> usize {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let splat = u64::from(delimiter) * 0x0101_0101_0101_0101;
    let (words, rest) = line.as_chunks::<8>();
    let mut fields = 0;
    for (k, word) in words.iter().enumerate() {
        // Eight bytes at a time: the high bit set in each byte equal to the delimiter, and in
        // no other (the exact zero-byte test: no carry crosses a byte).
        let x = u64::from_le_bytes(*word) ^ splat;
        let mut hits = !(((x & LOW) + LOW) | x | LOW);
        while hits != 0 {
            ends[fields] = at + k * 8 + (hits.trailing_zeros() / 8) as usize;
            fields += 1;
            hits &= hits - 1;
        }
    }
    let base = at + words.len() * 8;
    for (i, &b) in rest.iter().enumerate() {
        ends[fields] = base + i;
        fields += usize::from(b == delimiter);
    }
    ends[fields] = at + line.len();
    fields + 1
}

/// The first record of `piece`, if its text is valid UTF-8 (a piece holding an invalid byte
/// keeps its text in `used_text`).
fn first_record(piece: &Piece) -> Option<Vec<String>> {
    let row = piece.rows.first()?;
    let bytes = if piece.text.is_empty() { &piece.used_text[..] } else { piece.text.as_bytes() };
    let mut start = row.text_start;
    let mut fields = Vec::with_capacity(row.fields.len());
    for &end in piece.ends.get(row.fields.clone())? {
        fields.push(std::str::from_utf8(bytes.get(start..end)?).ok()?.to_owned());
        start = end + row.gap;
    }
    Some(fields)
}

/// The error for the first NUL character in `piece`'s text, if it holds one: for the pieces
/// a workbook's sheet is read in, whose cells no parser searched.
pub(crate) fn nul_error(piece: &Piece) -> Option<ReadError> {
    memchr::memchr(0, piece.text.as_bytes()).map(|at| utf8_error(piece, Flaw::Nul(at)))
}

/// The error for `flaw` in `piece`'s text: its line, row and field.
fn utf8_error(piece: &Piece, flaw: Flaw) -> ReadError {
    let (Flaw::Utf8(at) | Flaw::Nul(at)) = flaw;
    let row = piece.rows.partition_point(|r| r.text_start <= at).saturating_sub(1);
    let (line, row, field) = match piece.rows.get(row) {
        Some(entry) => (
            entry.meta.line,
            entry.meta.sheet_row,
            piece.ends[entry.fields.clone()].partition_point(|end| *end <= at),
        ),
        None => (1, 1, 0),
    };
    match flaw {
        Flaw::Utf8(_) => ReadError::Utf8 { line, row, field, header: None },
        Flaw::Nul(_) => ReadError::Nul { line, row, field, header: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row as (line, sheet row, fields, raw), reading `data` with the given block size
    /// and pieces.
    fn read_all(data: &[u8], block: usize, pieces: usize) -> Vec<(u64, u64, Vec<String>, Vec<u8>)> {
        read_all_with(data, b',', block, pieces)
    }

    fn read_all_with(
        data: &[u8],
        delimiter: u8,
        block: usize,
        pieces: usize,
    ) -> Vec<(u64, u64, Vec<String>, Vec<u8>)> {
        let mut reader = ChunkedCsv::new(data, delimiter, block, pieces).min_piece(1);
        let mut batch = Batch::default();
        let mut out = Vec::new();
        while reader.next_batch(&mut batch).unwrap() {
            for (p, piece) in batch.pieces().iter().enumerate() {
                for i in 0..piece.len() {
                    let m = piece.meta(i);
                    let row = piece.fields(i);
                    let fields: Vec<String> = row.iter().map(str::to_owned).collect();
                    // Every way of reading a row's fields agrees.
                    assert_eq!(row.len(), fields.len());
                    assert!(fields.iter().enumerate().all(|(j, f)| row.get(j) == Some(f.as_str())));
                    assert!(row.iter_bytes().eq(fields.iter().map(String::as_bytes)));
                    // A row said to be a line is its fields joined by the delimiter, none
                    // holding it or a quote (what the rules that read lines rely on).
                    if let Some((line, d)) = row.line() {
                        assert_eq!(d, delimiter);
                        assert_eq!(line.split(char::from(d)).collect::<Vec<_>>(), fields);
                        assert!(!line.contains('"'), "{line:?}");
                    }
                    out.push((m.line, m.sheet_row, fields, batch.raw(p, i).to_vec()));
                }
            }
        }
        out
    }

    /// The same rows, read by the csv crate (the reference), with lines from the sequential
    /// reader.
    fn reference(data: &[u8]) -> Vec<(u64, u64, Vec<String>, Vec<u8>)> {
        reference_with(data, b',')
    }

    fn reference_with(data: &[u8], delimiter: u8) -> Vec<(u64, u64, Vec<String>, Vec<u8>)> {
        let mut r = super::super::RecordReader::new(data, delimiter);
        let mut rec = csv::StringRecord::new();
        let mut out = Vec::new();
        while let Some(meta) = r.read(&mut rec).unwrap() {
            out.push((
                meta.line,
                meta.sheet_row,
                rec.iter().map(str::to_owned).collect(),
                r.raw(&meta).to_vec(),
            ));
        }
        out
    }

    #[test]
    fn same_rows_as_one_sequential_pass_whatever_the_cuts() {
        let mut data = b"\xEF\xBB\xBFh1,h2,h3\r\n".to_vec();
        for i in 0..300 {
            match i % 7 {
                0 => data.extend_from_slice(format!("a{i},\"multi\nline {i}\",c\n").as_bytes()),
                1 => data.extend_from_slice(b"\n\n"),
                2 => data.extend_from_slice(format!("\"q,{i}\",\"x\"\"y\",z\r\n").as_bytes()),
                3 => data.extend_from_slice(format!("cr{i},b,c\r").as_bytes()),
                4 => data.extend_from_slice(format!("r{i},\"a\r\nb\",c\r\n").as_bytes()),
                _ => data.extend_from_slice(format!("p{i},é,日本\n").as_bytes()),
            }
        }
        data.extend_from_slice(b"last,no,terminator");
        let want = reference(&data);
        for block in [1, 7, 64, 1000, 1 << 20] {
            for pieces in [1, 2, 3, 8] {
                assert_eq!(read_all(&data, block, pieces), want, "block {block}, pieces {pieces}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, ..Default::default() })]

        /// Any mix of quotes, delimiters and line endings reads as one sequential pass reads
        /// it, whatever the block size and the number of pieces.
        #[test]
        fn any_text_reads_as_a_sequential_pass(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ",", "\"", "\n", "\r", "\r\n", "é", " "]), 0..200),
            block in 1usize..300,
            pieces in 1usize..6,
        ) {
            let data = parts.concat();
            proptest::prop_assert_eq!(read_all(data.as_bytes(), block, pieces), reference(data.as_bytes()));
        }

        /// The same with other delimiters, a comma then being text: lines with quoted
        /// fields whole and not, `""` inside them, quotes out of place.
        #[test]
        fn quoted_lines_read_as_a_sequential_pass_whatever_the_delimiter(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", ";", "\t", ",", "\"", "\"\"", "\"x\"", "\n", "\r\n", "é"]), 0..120),
            delimiter in proptest::sample::select(vec![b';', b'\t', b',']),
            pieces in 1usize..4,
        ) {
            let data = parts.concat();
            proptest::prop_assert_eq!(
                read_all_with(data.as_bytes(), delimiter, 64, pieces),
                reference_with(data.as_bytes(), delimiter)
            );
        }
    }

    proptest::proptest! {
        /// The word-at-a-time split finds exactly the delimiters a byte-by-byte one finds,
        /// bytes with the high bit set included.
        #[test]
        fn delimiters_are_found_one_by_one(
            line in proptest::collection::vec(proptest::sample::select(vec![b',', b';', b'\t', b'a', 0x80, 0xAC, 0xFF, 0x2B, 0x2D]), 0..80),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t', 0xAC]),
            at in 0usize..1000,
        ) {
            let mut ends = vec![0; line.len() + 1];
            let fields = delimiters(&line, delimiter, at, &mut ends);
            let want: Vec<usize> = line
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == delimiter)
                .map(|(i, _)| at + i)
                .chain([at + line.len()])
                .collect();
            proptest::prop_assert_eq!(&ends[..fields], &want[..]);
        }
    }

    #[test]
    fn a_stray_quote_swallows_the_rest_as_one_record() {
        let mut data = b"h1,h2\nok,1\nbad,\"open\n".to_vec();
        for i in 0..50_000 {
            data.extend_from_slice(format!("u{i},{i}\n").as_bytes());
        }
        let want = reference(&data);
        let got = read_all(&data, 1 << 16, 8);
        assert_eq!(got.len(), 3);
        assert_eq!(got, want);
    }

    #[test]
    fn invalid_utf8_names_line_and_field() {
        let data = b"h1,h2\na,b\nc,\xFF\n";
        let mut reader = ChunkedCsv::new(&data[..], b',', 1 << 20, 2);
        let mut batch = Batch::default();
        match reader.next_batch(&mut batch) {
            Err(ReadError::Utf8 { line, field, .. }) => assert_eq!((line, field), (3, 1)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_character_split_by_a_delimiter_is_invalid() {
        // `\xC3` and `\xA9` make `é` once the delimiter between them is gone: the field
        // that ends on half a character is named, whether the line is quoted or not, or the
        // break falls between two records.
        for (data, line, field) in [
            (&b"h1,h2,h3\n\"x\",\xC3,\xA9\n"[..], 2, 1),
            (b"h1,h2,h3\nx,\xC3,\xA9\n", 2, 1),
            (b"h1,h2\na,\xC3\n\"\xA9\",b\n", 2, 1),
            (b"h1,h2\na,\xC3\n\xA9,b\n", 2, 1),
        ] {
            let mut reader = ChunkedCsv::new(data, b',', 1 << 20, 1);
            let mut batch = Batch::default();
            match reader.next_batch(&mut batch) {
                Err(ReadError::Utf8 { line: l, field: f, .. }) => {
                    assert_eq!((l, f), (line, field), "{data:?}");
                }
                other => panic!("{data:?}: {other:?}"),
            }
        }
    }
}
