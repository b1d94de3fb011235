//! [`RecordReader`]: CSV records in batches, each with its editor line and its raw bytes.
//!
//! The csv crate reads through a [`Tee`] that keeps the bytes it has handed out since the
//! oldest record still in use, so a flagged row can be shown as the user wrote it without
//! keeping the whole file in memory.

use std::io::{self, Read};

use csv::StringRecord;

/// Where a record stands in the input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// 1-based editor line where the record starts.
    pub line: u64,
    /// 1-based row number as a spreadsheet opening the file shows it (lines, less the line
    /// breaks inside quoted fields before this record).
    pub sheet_row: u64,
    /// 0-based byte offset of the record's start (after any BOM).
    pub start: u64,
    /// 0-based byte offset just past the record's line terminator.
    pub end: u64,
}

/// A record could not be decoded.
#[derive(Debug)]
pub enum ReadError {
    /// Reading the underlying source failed.
    Io(io::Error),
    /// A workbook that turned out damaged or out of limits while its sheet was read: the
    /// reason, for the user.
    Sheet(String),
    /// Invalid UTF-8 at `line`, in field `field` (0-based).
    Utf8 {
        /// Editor line of the record.
        line: u64,
        /// Its spreadsheet row (the line less the line breaks inside quoted fields before it).
        row: u64,
        /// The input's first record (its header row, as a rule), when it was valid: to name
        /// the column.
        header: Option<Vec<String>>,
        /// 0-based field index.
        field: usize,
    },
    /// A NUL byte (a NUL character, in UTF-16 text) at `line`, in field `field` (0-based),
    /// past the read-ahead that refuses a file holding one at its start.
    Nul {
        /// Editor line of the record.
        line: u64,
        /// Its spreadsheet row.
        row: u64,
        /// The input's first record, when it was valid: to name the column.
        header: Option<Vec<String>>,
        /// 0-based field index.
        field: usize,
    },
    /// UTF-16 text of an odd number of bytes, read besides the upload (an export, a template,
    /// a locations list): its last byte is half a character, which decoding would make a
    /// U+FFFD at the end of `line`, the file's last.
    OddUtf16 {
        /// Editor line of the half character.
        line: u64,
        /// Its spreadsheet row.
        row: u64,
    },
    /// A record longer than [`super::MAX_RECORD_BYTES`]: a quote that never closes, or a file
    /// without line breaks.
    TooLong {
        /// Editor line where the record starts.
        line: u64,
        /// Its spreadsheet row.
        row: u64,
        /// The 0-based field of the record's first line where a quote opens, if one does.
        quote: Option<usize>,
    },
}

impl ReadError {
    /// The error as `check` reports it for a file read besides the upload (an export, a
    /// template, a locations list, `profile init`'s file) named `path`: its line, cell and
    /// hint.
    #[must_use]
    pub fn into_error(self, path: &str) -> crate::Error {
        crate::check::side_read_error(path, self)
    }

    /// The error for a record that starts at editor line `line` (spreadsheet row `row`) and
    /// runs past [`super::MAX_RECORD_BYTES`]; `head` is its start as read.
    pub(crate) fn too_long(line: u64, row: u64, head: &[u8], delimiter: u8) -> ReadError {
        let first = memchr::memchr2(b'\n', b'\r', head).map_or(head, |end| &head[..end]);
        let quote = memchr::memchr(b'"', first).map(|at| super::batch::count(&first[..at], delimiter));
        ReadError::TooLong { line, row, quote }
    }
}

/// The [`Tee`]'s window outgrew [`super::MAX_RECORD_BYTES`]: carried through the csv crate
/// as an I/O error, and made [`ReadError::TooLong`] with the record's line by the reader.
#[derive(Debug)]
struct TooLong;

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a record runs over {} MiB without ending", super::MAX_RECORD_BYTES >> 20)
    }
}

impl std::error::Error for TooLong {}

/// UTF-16 text ended on an odd byte (see [`ReadError::OddUtf16`]): carried through the
/// decoder and the csv crate as an I/O error, and made [`ReadError::OddUtf16`] with its line
/// by the reader.
#[derive(Debug)]
pub(crate) struct HalfCharacter;

impl std::fmt::Display for HalfCharacter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UTF-16 text of an odd number of bytes")
    }
}

impl std::error::Error for HalfCharacter {}

/// Reads UTF-16 bytes from `inner`, and fails at their end when they are an odd number.
pub(crate) struct OddTail<R> {
    inner: R,
    odd: bool,
}

impl<R> OddTail<R> {
    pub(crate) fn new(inner: R) -> Self {
        OddTail { inner, odd: false }
    }
}

impl<R: Read> Read for OddTail<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        if n == 0 && !out.is_empty() && self.odd {
            return Err(io::Error::new(io::ErrorKind::InvalidData, HalfCharacter));
        }
        self.odd ^= n % 2 == 1;
        Ok(n)
    }
}

/// Reads bytes from `inner`, drops a UTF-8 BOM, and keeps a window of what it handed out.
#[derive(Debug)]
pub struct Tee<R> {
    inner: R,
    window: Vec<u8>,
    /// Stream offset of `window[0]`.
    base: u64,
    started: bool,
    /// A UTF-8 BOM was dropped from the start.
    pub had_bom: bool,
}

impl<R: Read> Tee<R> {
    fn new(inner: R) -> Self {
        Tee { inner, window: Vec::new(), base: 0, started: false, had_bom: false }
    }

    /// Reads the first bytes and drops a BOM; returns bytes read that are not a BOM.
    fn start(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.started = true;
        let mut head = [0u8; 3];
        let mut n = 0;
        while n < 3 {
            match self.inner.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let head = if head[..n] == [0xEF, 0xBB, 0xBF] {
            self.had_bom = true;
            &head[..0]
        } else {
            &head[..n]
        };
        // `out` comes from csv's buffer (8 KiB), always larger than three bytes.
        let k = head.len().min(out.len());
        out[..k].copy_from_slice(&head[..k]);
        self.window.extend_from_slice(&head[..k]);
        Ok(k)
    }

    /// The bytes `start..end` of the stream, if still in the window.
    fn slice(&self, start: u64, end: u64) -> &[u8] {
        let lo = usize::try_from(start.saturating_sub(self.base)).unwrap_or(usize::MAX);
        let hi = usize::try_from(end.saturating_sub(self.base)).unwrap_or(usize::MAX);
        let hi = hi.min(self.window.len());
        self.window.get(lo.min(hi)..hi).unwrap_or(&[])
    }

    /// Forgets the bytes before stream offset `offset`.
    fn release_before(&mut self, offset: u64) {
        let n = usize::try_from(offset.saturating_sub(self.base)).unwrap_or(usize::MAX);
        let n = n.min(self.window.len());
        self.window.drain(..n);
        self.base += n as u64;
    }
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if !self.started {
            let n = self.start(out)?;
            if n > 0 {
                return Ok(n);
            }
        }
        let n = self.inner.read(out)?;
        self.window.extend_from_slice(&out[..n]);
        // The window holds the records not yet released (one, as callers read): past the
        // limit, one record is too long (see `input::MAX_RECORD_BYTES`).
        if self.window.len() > super::MAX_RECORD_BYTES + (64 << 10) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, TooLong));
        }
        Ok(n)
    }
}

/// Reads CSV records with their [`Meta`].
///
/// Positions are counted here from the raw bytes, not taken from the csv crate: its
/// record positions include the line terminator of the previous record when lines end in
/// CRLF, which puts line numbers off by one.
pub struct RecordReader<R: Read> {
    reader: csv::Reader<Tee<R>>,
    /// Stream offset up to which line breaks are counted.
    cursor: u64,
    /// Editor line (0-based count of line breaks) at `cursor`.
    cursor_line: u64,
    /// The last byte counted was a `\r`: a `\n` right after it ends the same line.
    after_cr: bool,
    /// Line breaks seen inside quoted fields so far (editor lines minus spreadsheet rows).
    extra_lines: u64,
    /// The first record read (for [`ReadError::Utf8`]).
    first: Option<Vec<String>>,
    delimiter: u8,
}

impl<R: Read> RecordReader<R> {
    /// A reader over `inner` with the given delimiter.
    pub fn new(inner: R, delimiter: u8) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Tee::new(inner));
        RecordReader {
            reader,
            cursor: 0,
            cursor_line: 0,
            after_cr: false,
            extra_lines: 0,
            first: None,
            delimiter,
        }
    }

    /// Reads the next record into `record`. Returns `Ok(None)` at the end of the input.
    ///
    /// # Errors
    /// I/O failure, invalid UTF-8, or a record over the length limit.
    pub fn read(&mut self, record: &mut StringRecord) -> Result<Option<Meta>, ReadError> {
        match self.reader.read_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                if self.first.is_none() {
                    self.first = Some(record.iter().map(str::to_owned).collect());
                }
                let end = self.reader.position().byte();
                let window = self.reader.get_ref().slice(self.cursor, end);
                // Skip what precedes the record: the rest of the previous terminator and
                // blank lines.
                let lead = window.iter().position(|b| *b != b'\r' && *b != b'\n').unwrap_or(window.len());
                let lead = usize::try_from(
                    record.position().map_or(0, csv::Position::byte).saturating_sub(self.cursor),
                )
                .unwrap_or(0)
                .max(lead)
                .min(window.len());
                let (lead_breaks, after_lead) = line_breaks(&window[..lead], self.after_cr);
                let line = self.cursor_line + lead_breaks + 1;
                let body = &window[lead..];
                let inner_breaks = line_breaks(super::raw::trim_terminator(body), after_lead).0;
                let sheet_row = line - self.extra_lines;
                self.extra_lines += inner_breaks;
                let (body_breaks, after_body) = line_breaks(body, after_lead);
                self.cursor_line = line - 1 + body_breaks;
                self.after_cr = after_body;
                let start = self.cursor + lead as u64;
                self.cursor = end;
                Ok(Some(Meta { line, sheet_row, start, end }))
            }
            Err(e) => Err(match e.into_kind() {
                csv::ErrorKind::Io(io) if matches!(io.get_ref(), Some(e) if e.is::<TooLong>()) => {
                    // The record starts after the empty lines that follow the last one read.
                    let rest = self.reader.get_ref().slice(self.cursor, u64::MAX);
                    let lead = rest.iter().position(|b| *b != b'\r' && *b != b'\n').unwrap_or(rest.len());
                    let line = self.cursor_line + line_breaks(&rest[..lead], self.after_cr).0 + 1;
                    ReadError::too_long(line, line - self.extra_lines, &rest[lead..], self.delimiter)
                }
                csv::ErrorKind::Io(io) if matches!(io.get_ref(), Some(e) if e.is::<HalfCharacter>()) => {
                    // At the end of the text: the half character is on its last line.
                    let rest = self.reader.get_ref().slice(self.cursor, u64::MAX);
                    let line = self.cursor_line + line_breaks(rest, self.after_cr).0 + 1;
                    ReadError::OddUtf16 { line, row: line.saturating_sub(self.extra_lines) }
                }
                csv::ErrorKind::Io(io) => ReadError::Io(io),
                csv::ErrorKind::Utf8 { err, .. } => {
                    let line = self.cursor_line + 1;
                    ReadError::Utf8 {
                        line,
                        row: line.saturating_sub(self.extra_lines),
                        field: err.field(),
                        header: self.first.clone(),
                    }
                }
                other => ReadError::Io(io::Error::other(format!("{other:?}"))),
            }),
        }
    }

    /// The raw bytes of a record read earlier and not yet released.
    #[must_use]
    pub fn raw(&self, meta: &Meta) -> &[u8] {
        self.reader.get_ref().slice(meta.start, meta.end)
    }

    /// Forgets raw bytes before `offset` (call once the records before it are reported).
    pub fn release_before(&mut self, offset: u64) {
        self.reader.get_mut().release_before(offset);
    }

    /// Whether a UTF-8 byte-order mark was dropped.
    #[must_use]
    pub fn had_bom(&self) -> bool {
        self.reader.get_ref().had_bom
    }
}

/// The 0-based field of `record` that holds a NUL character, if one does.
pub(crate) fn nul_field(record: &StringRecord) -> Option<usize> {
    memchr::memchr(0, record.as_slice().as_bytes())?;
    record.iter().position(|field| field.contains('\0'))
}

/// Line breaks in `bytes` as an editor counts them: `\n`, `\r\n` and a lone `\r` (old Mac
/// Excel) each end a line. `after_cr`: the byte before `bytes` was a `\r`. Returns the count
/// and whether `bytes` ends with a `\r`.
pub(crate) fn line_breaks(bytes: &[u8], after_cr: bool) -> (u64, bool) {
    let mut count = 0;
    let mut prev_cr_at = if after_cr { Some(usize::MAX) } else { None };
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\r' {
            count += 1;
            prev_cr_at = Some(i);
        } else {
            let joined = match prev_cr_at {
                Some(usize::MAX) => i == 0,
                Some(p) => p + 1 == i,
                None => false,
            };
            if !joined {
                count += 1;
            }
        }
    }
    let ends_cr = match bytes.last() {
        Some(b'\r') => true,
        Some(_) => false,
        None => after_cr,
    };
    (count, ends_cr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(data: &[u8]) -> Vec<(Vec<String>, Meta, Vec<u8>)> {
        let mut r = RecordReader::new(data, b',');
        let mut rec = StringRecord::new();
        let mut out = Vec::new();
        while let Some(meta) = r.read(&mut rec).unwrap() {
            out.push((rec.iter().map(str::to_owned).collect(), meta, r.raw(&meta).to_vec()));
        }
        out
    }

    #[test]
    fn lines_and_raw_bytes_with_multiline_field() {
        let rows = read_all(b"\xEF\xBB\xBFh1,h2\r\na,\"x\ny\"\n\nb,c\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, vec!["h1", "h2"]);
        assert_eq!(rows[0].2, b"h1,h2\r");
        assert_eq!((rows[1].1.line, rows[1].1.sheet_row), (2, 2));
        assert_eq!(rows[1].2, b"a,\"x\ny\"\n");
        // a blank line is skipped by the parser but still counts as a line and a sheet row
        assert_eq!((rows[2].1.line, rows[2].1.sheet_row), (5, 4));
        assert_eq!(rows[2].2, b"b,c\n");
    }

    #[test]
    fn crlf_and_blank_lines() {
        let rows = read_all(b"h1,h2\r\na,b\r\n\r\nc,d\r\n");
        let lines: Vec<_> = rows.iter().map(|r| (r.1.line, r.1.sheet_row)).collect();
        assert_eq!(lines, vec![(1, 1), (2, 2), (4, 4)]);
        assert_eq!(rows[1].2, b"a,b\r");
        assert_eq!(rows[2].2, b"c,d\r");
    }

    #[test]
    fn cr_only_and_mixed_line_endings() {
        let rows = read_all(b"h1,h2\ra,b\rc,d\r\ne,f\ng,h");
        let lines: Vec<_> = rows.iter().map(|r| r.1.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn unterminated_last_line() {
        let rows = read_all(b"h\nlast");
        assert_eq!(rows[1].2, b"last");
        assert_eq!(rows[1].1.line, 2);
    }
}
