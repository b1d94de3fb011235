//! [`FastSheet`]: an xlsx sheet's XML parsed on every core.
//!
//! calamine parses a sheet on one thread, allocating a string per value: its own cell
//! reader is most of the time of reading a workbook, and nothing built on it can read faster.
//! This reader inflates the sheet part on a thread of its own, cuts the XML just before `<row`
//! tags into pieces, and parses the pieces in parallel (rows in the plain form writers emit
//! by a scanner, `scan.rs`; anything else by quick-xml, the XML parser calamine uses, `xml.rs`),
//! producing the same text per cell as the calamine path ([`super::sheet_stream`]): shared
//! strings, inline strings (rich text runs joined, phonetic runs left out, `_x000D_`-style
//! escapes and entities resolved, line ends normalised as XML 1.0 says), booleans, errors,
//! formula results and numbers.
//!
//! It serves only workbooks it reads exactly like calamine; [`plan`] says `None` otherwise
//! and the caller streams the sheet through calamine: any cell style whose number format
//! calamine could read as a date or a duration (dates are formatted by calamine's own
//! rules), or a workbook whose parts it cannot find where calamine would. Tests compare the
//! two readers on every xlsx fixture and on generated workbooks.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::ops::Range;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use rayon::prelude::*;

use super::batch::{Batch, BatchSource, Piece};
use super::record::{Meta, ReadError};
use super::sheet::push_csv_field;
use super::CellNote;

mod scan;
mod unsaved;
mod xml;

pub use unsaved::Unsaved;

use scan::scan_piece;
use xml::{parse_piece, read_string};

/// Inflated XML read per batch.
const BLOCK: usize = 4 << 20;
/// Pieces smaller than this are not worth a thread.
const MIN_PIECE: usize = 128 << 10;

type Zip = zip::ZipArchive<Cursor<Vec<u8>>>;

/// What reading a sheet needs: its part in the zip, and the workbook's tables.
pub struct Plan {
    part: String,
    strings: Arc<Tables>,
}

/// The workbook's tables that cells refer to.
#[derive(Debug, Default)]
pub(super) struct Tables {
    /// The shared strings.
    pub strings: Vec<String>,
    /// Per cell style (`s`), the digits its number format pads a whole number to with
    /// leading zeros (`0000` shows 42 as `0042`), or 0.
    pub pads: Vec<u8>,
}

impl Tables {
    /// The zero padding of cell style `s` (0: none).
    pub fn pad(&self, s: Option<usize>) -> u8 {
        s.and_then(|s| self.pads.get(s)).copied().unwrap_or(0)
    }
}

/// An XML reader configured as calamine configures its own.
pub(super) fn xml<R: std::io::BufRead>(source: R) -> Reader<R> {
    let mut r = Reader::from_reader(source);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// The zip entry named `path`, compared as calamine compares (case-insensitive, `\` or `/`).
fn entry_name(zip: &Zip, path: &str) -> Option<String> {
    zip.file_names().find(|name| name.replace('\\', "/").eq_ignore_ascii_case(path)).map(str::to_owned)
}

fn read_part(zip: &mut Zip, path: &str) -> Option<Vec<u8>> {
    let name = entry_name(zip, path)?;
    let mut out = Vec::new();
    zip.by_name(&name).ok()?.read_to_end(&mut out).ok()?;
    Some(out)
}

/// An attribute's raw value (cell references, types and numbers need no unescaping).
pub(super) fn raw_attribute<'e>(e: &'e BytesStart<'_>, name: &[u8]) -> Option<std::borrow::Cow<'e, [u8]>> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| a.value)
}

pub(super) fn attribute(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).and_then(|a| {
        let raw = std::str::from_utf8(&a.value).ok()?;
        quick_xml::escape::unescape(raw).ok().map(std::borrow::Cow::into_owned)
    })
}

/// The part of the sheet named `sheet`, from the workbook and its relationships.
fn sheet_part(zip: &mut Zip, sheet: &str) -> Option<String> {
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let mut targets = HashMap::new();
    let mut r = xml(&rels[..]);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == b"Relationship" => {
                targets.insert(attribute(&e, b"Id")?, attribute(&e, b"Target")?);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let book = read_part(zip, "xl/workbook.xml")?;
    let mut r = xml(&book[..]);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == b"sheet" => {
                if attribute(&e, b"name").as_deref() != Some(sheet) {
                    continue;
                }
                let id = attribute(&e, b"r:id").or_else(|| attribute(&e, b"relationships:id"))?;
                let target = targets.get(&id)?;
                let path = if let Some(t) = target.strip_prefix('/') {
                    t.to_owned()
                } else if target.starts_with("xl/") {
                    target.clone()
                } else {
                    format!("xl/{target}")
                };
                return entry_name(zip, &path);
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The zero padding of every cell style ([`Tables::pads`]), when every style's number
/// format is one calamine reads as a plain number (not a date, time or duration); `None`
/// otherwise. Custom formats count only when they hold none of the letters of date and
/// time codes, nor brackets.
fn plain_styles(zip: &mut Zip) -> Option<Vec<u8>> {
    let Some(styles) = read_part(zip, "xl/styles.xml") else { return Some(Vec::new()) };
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut xfs: Vec<String> = Vec::new();
    let mut r = xml(&styles[..]);
    let mut in_cell_xfs = false;
    loop {
        match r.read_event().ok()? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"numFmt" => {
                    custom.insert(attribute(&e, b"numFmtId")?, attribute(&e, b"formatCode")?);
                }
                b"cellXfs" => in_cell_xfs = true,
                b"xf" if in_cell_xfs => {
                    xfs.push(attribute(&e, b"numFmtId").unwrap_or_else(|| "0".to_owned()));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_cell_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    let plain = |id: &String| match custom.get(id) {
        Some(code) => !code.contains(|c: char| "dDmMyYhHsSaApP[".contains(c)),
        None => !matches!(id.trim().parse::<u32>(), Ok(14..=22 | 45..=47)),
    };
    if !xfs.iter().all(plain) {
        return None;
    }
    // `0000`: whole numbers shown with leading zeros, as extensions and postal codes are.
    let pad = |id: &String| {
        custom
            .get(id)
            .map(|code| code.trim())
            .filter(|code| code.len() >= 2 && code.bytes().all(|b| b == b'0'))
            .map_or(0, |code| u8::try_from(code.len()).unwrap_or(u8::MAX))
    };
    Some(xfs.iter().map(pad).collect())
}

fn shared_strings(zip: &mut Zip) -> Option<Vec<String>> {
    let Some(sst) = read_part(zip, "xl/sharedStrings.xml") else { return Some(Vec::new()) };
    let mut strings = Vec::new();
    let mut r = xml(&sst[..]);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == b"si" => {
                let mut s = String::new();
                read_string(&mut r, b"si", &mut s).ok()?;
                strings.push(s);
            }
            Event::Eof => return Some(strings),
            _ => {}
        }
    }
}

/// The plan for reading `sheet` of the xlsx in `bytes` in parallel, or `None` when this
/// reader would not read it exactly as calamine does.
#[must_use]
pub fn plan(bytes: &[u8], sheet: &str) -> Option<Plan> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).ok()?;
    let pads = plain_styles(&mut zip)?;
    let part = sheet_part(&mut zip, sheet)?;
    let strings = Arc::new(Tables { strings: shared_strings(&mut zip)?, pads });
    Some(Plan { part, strings })
}

/// A cell reference (`B12`) as 0-based (row, column).
pub(super) fn position(reference: &[u8]) -> Option<(u32, u32)> {
    let (mut col, mut row, mut i) = (0u32, 0u32, 0);
    while let Some(&b) = reference.get(i).filter(|b| b.is_ascii_uppercase()) {
        col = col.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
        i += 1;
    }
    if i == 0 || i == reference.len() {
        return None;
    }
    for &b in &reference[i..] {
        if !b.is_ascii_digit() {
            return None;
        }
        row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some((row.checked_sub(1)?, col - 1))
}

/// What the spreadsheet says about a cell, once its column is known.
pub(super) type Note = fn(usize) -> CellNote;

/// One row of a piece: its 0-based number (`None`: the row after the previous one), and
/// its cells (column, text range in the piece's text, note).
pub(super) struct ParsedRow {
    number: Option<u32>,
    cells: Vec<(u32, Range<usize>, Option<Note>)>,
}

/// The rows of one piece of the sheet's XML.
#[derive(Default)]
pub(super) struct ParsedPiece {
    text: String,
    rows: Vec<ParsedRow>,
    /// Columns of the sheet's `<dimension>` (in the sheet's head, before its rows).
    dimension: Option<usize>,
}

/// Where to cut `xml` into about `n` pieces: just before a row tag.
fn cuts(xml: &[u8], n: usize) -> Vec<usize> {
    super::batch::cut_points(xml, n, row_tag)
}

/// The offset of the next `<row` tag (any namespace prefix) in `xml`.
fn row_tag(xml: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&xml[from..], b"row") {
        let at = from + i;
        let after = xml.get(at + 3).copied();
        let tag_start = (0..at).rev().take(16).find(|&j| xml[j] == b'<');
        if let (Some(lt), Some(b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'/')) = (tag_start, after) {
            let name = &xml[lt + 1..at];
            if name.is_empty() || (name.ends_with(b":") && !name.contains(&b'/')) {
                return Some(lt);
            }
        }
        from = at + 3;
    }
    None
}

/// The offset of the last row tag in `xml`.
fn last_row_tag(xml: &[u8]) -> Option<usize> {
    let mut limit = xml.len();
    while let Some(at) = memchr::memmem::rfind(&xml[..limit], b"row") {
        let start = at.saturating_sub(16);
        if let Some(lt) = memchr::memrchr(b'<', &xml[start..at]).map(|i| start + i) {
            if row_tag(&xml[lt..]) == Some(0) {
                return Some(lt);
            }
        }
        limit = at;
    }
    None
}

/// An xlsx sheet's rows, its XML parsed on every core.
pub struct FastSheet {
    blocks: Receiver<Result<Vec<u8>, String>>,
    strings: Arc<Tables>,
    /// Inflated XML not yet parsed (from a row tag on).
    carry: Vec<u8>,
    eof: bool,
    pieces: usize,
    max_columns: usize,
    /// The number of the last row read (0-based), for rows without one.
    last_row: Option<u32>,
    width: usize,
    header_seen: bool,
    /// Bytes of source lines written so far (the rows' byte offsets).
    offset: u64,
    /// The sheet's head (before its first row) was parsed.
    head_read: bool,
    /// Inflated XML read per batch, and the smallest piece.
    block: usize,
    min_piece: usize,
}

impl FastSheet {
    /// Starts inflating the sheet on a thread of its own; `pieces` pieces per batch, the
    /// width of the sheet's dimension if any, and a cell past `max_columns` is an error.
    #[must_use]
    pub fn start(bytes: Vec<u8>, plan: Plan, pieces: usize, max_columns: usize) -> FastSheet {
        let (tx, blocks) = sync_channel(2);
        let part = plan.part.clone();
        std::thread::spawn(move || {
            let send = |block| tx.send(block).is_ok();
            let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
                send(Err("the workbook cannot be read again".to_owned()));
                return;
            };
            let Ok(mut entry) = zip.by_name(&part) else {
                send(Err(format!("the workbook has no part `{part}`")));
                return;
            };
            loop {
                let mut block = vec![0; 1 << 20];
                let mut filled = 0;
                while filled < block.len() {
                    match entry.read(&mut block[filled..]) {
                        Ok(0) => break,
                        Ok(n) => filled += n,
                        Err(e) => {
                            send(Err(format!("the sheet cannot be inflated: {e}")));
                            return;
                        }
                    }
                }
                block.truncate(filled);
                let done = filled == 0;
                if !send(Ok(block)) || done {
                    return;
                }
            }
        });
        FastSheet {
            blocks,
            strings: plan.strings,
            carry: Vec::new(),
            eof: false,
            pieces: pieces.max(1),
            max_columns: max_columns.max(1),
            last_row: None,
            width: 0,
            header_seen: false,
            offset: 0,
            head_read: false,
            block: BLOCK,
            min_piece: MIN_PIECE,
        }
    }

    /// Small batches and pieces (tests cut small workbooks into many).
    #[cfg(test)]
    fn small(mut self, block: usize, min_piece: usize) -> Self {
        (self.block, self.min_piece) = (block, min_piece);
        self
    }
}

impl BatchSource for FastSheet {
    fn next_batch(&mut self, batch: &mut Batch) -> Result<bool, ReadError> {
        batch.clear();
        let mut xml = std::mem::take(&mut self.carry);
        // Past a block without a row boundary (a huge row, or the sheet's head), read more.
        let target = self.block.max(xml.len().saturating_add(self.block / 2));
        while !self.eof && xml.len() < target {
            match self.blocks.recv() {
                Ok(Ok(block)) if block.is_empty() => self.eof = true,
                Ok(Ok(block)) => xml.extend_from_slice(&block),
                Ok(Err(message)) => return Err(ReadError::Sheet(message)),
                Err(_) => self.eof = true,
            }
        }
        if xml.is_empty() {
            return Ok(false);
        }
        // Keep the last row (it may be cut) for the next batch.
        let end = if self.eof {
            xml.len()
        } else {
            match last_row_tag(&xml) {
                Some(last) if last > 0 => last,
                // No row boundary yet: read on.
                _ => {
                    self.carry = xml;
                    return self.next_batch(batch);
                }
            }
        };
        let n = self.pieces.min(end / self.min_piece).max(1);
        let cuts = cuts(&xml[..end], n);
        let strings = &self.strings;
        // The sheet's first piece holds its head (with its dimension): quick-xml reads it.
        let head = !self.head_read;
        self.head_read = true;
        let parsed: Vec<Result<ParsedPiece, String>> = cuts
            .par_windows(2)
            .map(|w| {
                let piece = &xml[w[0]..w[1]];
                let scanned = if head && w[0] == 0 { None } else { scan_piece(piece, strings) };
                scanned.unwrap_or_else(|| parse_piece(piece, strings))
            })
            .collect();
        self.carry = xml[end..].to_vec();
        let mut pieces = Vec::with_capacity(parsed.len());
        for p in parsed {
            pieces.push(p.map_err(|e| ReadError::Sheet(format!("cannot read the sheet: {e}")))?);
        }
        self.assemble(&mut pieces, batch)?;
        Ok(!batch.is_empty() || !self.eof && self.next_batch(batch)?)
    }
}

impl FastSheet {
    /// Numbers the rows and finds the header's width (in order, cheap), then lays the rows
    /// out in `batch`, a piece per thread.
    fn assemble(&mut self, parsed: &mut [ParsedPiece], batch: &mut Batch) -> Result<(), ReadError> {
        for p in parsed.iter_mut() {
            if let Some(columns) = p.dimension.filter(|c| *c <= self.max_columns) {
                self.width = self.width.max(columns);
            }
            for row in &mut p.rows {
                let number = row.number.unwrap_or_else(|| self.last_row.map_or(0, |n| n.saturating_add(1)));
                row.number = Some(number);
                self.last_row = Some(number);
                if !self.header_seen
                    && row.cells.iter().any(|(_, text, _)| !p.text[text.clone()].trim().is_empty())
                {
                    self.header_seen = true;
                    let last = row.cells.iter().map(|(c, _, _)| *c as usize + 1).max().unwrap_or(0);
                    self.width = self.width.max(last);
                }
            }
        }
        let (width, max_columns) = (self.width, self.max_columns);
        let laid: Vec<Result<(Piece, Vec<u8>), ReadError>> = parsed
            .par_iter()
            .map(|p| {
                let mut piece = Piece::default();
                let mut raw = String::with_capacity(p.text.len() + p.rows.len() * 24);
                lay_out(p, width, max_columns, &mut piece, &mut raw)?;
                Ok((piece, raw.into_bytes()))
            })
            .collect();
        for result in laid {
            let (mut piece, raw) = result?;
            let base = batch.raw.len();
            for row in &mut piece.rows {
                row.raw = row.raw.start + base..row.raw.end + base;
                row.meta.start += self.offset;
                row.meta.end += self.offset;
            }
            self.offset += raw.len() as u64;
            batch.raw.extend_from_slice(&raw);
            batch.pieces.push(piece);
        }
        Ok(())
    }
}

/// Lays the rows of one parsed piece out as fields (from column A, `width` at least) with
/// their source line (the row as CSV) in `raw`.
fn lay_out(
    p: &ParsedPiece,
    width: usize,
    max_columns: usize,
    piece: &mut Piece,
    raw: &mut String,
) -> Result<(), ReadError> {
    let mut fields: Vec<&str> = Vec::new();
    let mut notes: Vec<CellNote> = Vec::new();
    for row in &p.rows {
        let number = row.number.unwrap_or(0);
        fields.clear();
        notes.clear();
        for (col, text, note) in &row.cells {
            let col = usize::try_from(*col).unwrap_or(usize::MAX);
            if col >= max_columns {
                return Err(ReadError::Sheet(format!(
                    "the sheet has a cell at {}{}, beyond --max-columns ({max_columns})",
                    crate::schema::column_letters(col),
                    u64::from(number) + 1
                )));
            }
            if fields.len() <= col {
                fields.resize(col + 1, "");
            }
            fields[col] = &p.text[text.clone()];
            if let Some(note) = note {
                notes.push(note(col));
            }
        }
        if fields.len() < width {
            fields.resize(width, "");
        }
        let at = raw.len();
        for (j, f) in fields.iter().enumerate() {
            if j > 0 {
                raw.push(',');
            }
            push_csv_field(raw, f);
        }
        raw.push('\n');
        let sheet_row = u64::from(number) + 1;
        let meta = Meta { line: sheet_row, sheet_row, start: at as u64, end: raw.len() as u64 };
        piece.push(fields.iter().copied(), meta, at..raw.len(), &notes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::sheet::open_streamed;
    use crate::input::sheet_stream::SheetStream;
    use proptest::prelude::*;
    use rust_xlsxwriter::{Format, Formula, Workbook};

    type Row = (u64, Vec<String>, Vec<CellNote>);

    /// The non-blank rows a reader gives (blank rows are skipped by `check` either way).
    fn rows(source: &mut dyn BatchSource) -> Vec<Row> {
        let mut batch = Batch::default();
        let mut out = Vec::new();
        while source.next_batch(&mut batch).unwrap() {
            for piece in batch.pieces() {
                for i in 0..piece.len() {
                    let fields = piece.fields(i);
                    if !fields.is_blank() {
                        let mut notes = piece.notes(i).to_vec();
                        notes.sort_by_key(|n| format!("{n:?}"));
                        out.push((piece.meta(i).line, fields.iter().map(str::to_owned).collect(), notes));
                    }
                }
            }
        }
        out
    }

    /// The rows of the first sheet by calamine's reader and by this one (its batches of
    /// `block` bytes of XML cut into pieces of `min_piece` at least).
    fn both_with(bytes: &[u8], block: usize, min_piece: usize) -> (Vec<Row>, Vec<Row>) {
        let (book, name) = open_streamed(bytes.to_vec(), false, None).unwrap();
        let unsaved = Unsaved::new(bytes.to_vec(), name.clone());
        let mut calamine = SheetStream::start(book, name.clone(), 2, 2000, Some(unsaved));
        let plan = plan(bytes, &name).expect("a workbook the parallel reader takes");
        let mut fast = FastSheet::start(bytes.to_vec(), plan, 3, 2000).small(block, min_piece);
        (rows(&mut calamine), rows(&mut fast))
    }

    fn both(bytes: &[u8]) -> (Vec<Row>, Vec<Row>) {
        both_with(bytes, BLOCK, MIN_PIECE)
    }

    #[test]
    fn fixtures_read_as_calamine_reads_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for path in [
            "fixtures/input/packages.xlsx",
            "fixtures/input/formulas-without-results.xlsx",
            "fixtures/profiles/rh-fr.xlsx",
            "fixtures/rules/HC036-cell-error.xlsx",
            "fixtures/rules/HC037-extension-stored-as-number.xlsx",
        ] {
            let bytes = std::fs::read(root.join(path)).unwrap();
            let (book, name) = open_streamed(bytes.clone(), false, None).unwrap();
            drop(book);
            if plan(&bytes, &name).is_none() {
                continue;
            }
            let (slow, fast) = both(&bytes);
            assert!(!slow.is_empty(), "{path}");
            assert_eq!(fast, slow, "{path}");
            compared += 1;
        }
        assert!(compared >= 3, "only {compared} fixtures took the parallel reader");
    }

    #[test]
    fn a_date_format_leaves_the_workbook_to_calamine() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "User ID/Email (Required)").unwrap();
        sheet.write_number_with_format(1, 0, 45000.0, &Format::new().set_num_format("yyyy-mm-dd")).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert!(plan(&bytes, "Sheet1").is_none());
    }

    #[test]
    fn a_row_longer_than_a_batch_is_read_whole() {
        let mut book = Workbook::new();
        // Inline strings: the long value sits in the sheet's XML.
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.write_string(0, 0, "User ID/Email (Required)").unwrap();
        sheet.write_string(0, 1, "Notes").unwrap();
        for row in 1..50 {
            sheet.write_string(row, 0, format!("user{row}@example.com")).unwrap();
            sheet.write_string(row, 1, "x".repeat(if row == 20 { 30_000 } else { 10 })).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        let (slow, fast) = both_with(&bytes, 2048, 200);
        assert_eq!(slow.len(), 50);
        assert_eq!(fast, slow);
    }

    /// A parsed row as plain data: its number and its cells.
    type FlatRow = (Option<u32>, Vec<(u32, String, Option<CellNote>)>);

    /// A parsed piece as plain data.
    fn flat(p: &ParsedPiece) -> Vec<FlatRow> {
        p.rows
            .iter()
            .map(|r| {
                let cells = r
                    .cells
                    .iter()
                    .map(|(c, t, n)| (*c, p.text[t.clone()].to_owned(), n.map(|n| n(*c as usize))))
                    .collect();
                (r.number, cells)
            })
            .collect()
    }

    #[test]
    fn zero_padded_number_formats_keep_their_zeros() {
        // Style 1 is `0000`: 42 shows as 0042 (and is not noted as a number: no zero was
        // lost); 12345 is longer than the format; -7 and 4.5 are not whole digits.
        let tables = Tables { strings: Vec::new(), pads: vec![0, 4] };
        let xml = br#"<row r="2"><c r="A2" s="1"><v>42</v></c><c r="B2" s="1"><v>12345</v></c><c r="C2" s="0"><v>42</v></c><c r="D2" s="1"><v>-7</v></c><c r="E2" s="1"><v>4.5</v></c></row>"#;
        let scanned = scan_piece(xml, &tables).unwrap().unwrap();
        assert_eq!(flat(&scanned), flat(&parse_piece(xml, &tables).unwrap()));
        assert_eq!(&scanned.text, "00421234542-74.5");
        let notes: Vec<bool> = scanned.rows[0].cells.iter().map(|(_, _, note)| note.is_some()).collect();
        assert_eq!(notes, [false, false, true, true, true]);
    }

    #[test]
    fn the_scanner_reads_plain_rows_and_declines_the_rest() {
        let strings = Tables { strings: vec!["s0".to_owned(), "s1".to_owned()], pads: Vec::new() };
        let plain = br#"<row r="2" spans="1:4"><c r="A2" t="s"><v>1</v></c><c r="B2" s="3" t='inlineStr'><is><t xml:space="preserve"> a
b</t></is></c><c r="C2"><v>14085550101</v></c><c r="D2" t="b"><v>1</v></c><c r="E2"/><c r="F2" t="str"><f>A1</f><v>x</v></c></row><row r="4"/>"#;
        let scanned = scan_piece(plain, &strings).unwrap().unwrap();
        assert_eq!(flat(&scanned), flat(&parse_piece(plain, &strings).unwrap()));
        assert_eq!(scanned.rows.len(), 2);
        assert_eq!(&scanned.text, "s1 a\nb14085550101TRUEx");
        for other in [
            &br#"<row r="2"><c r="A2" t="inlineStr"><is><t>a &amp; b</t></is></c></row>"#[..],
            br#"<row r="2"><c r="A2"><v><![CDATA[1]]></v></c></row>"#,
            br#"<row r="2"><c r="A2" t="inlineStr"><is><r><t>a</t></r></is></c></row>"#,
        ] {
            assert!(scan_piece(other, &strings).is_none());
        }
    }

    /// A cell of a generated workbook.
    #[derive(Clone, Debug)]
    enum Value {
        Text(String),
        Number(f64),
        Bool(bool),
        Formula(String),
        Rich(String, String),
    }

    fn value() -> impl Strategy<Value = Value> {
        let text = "[a-zA-Z0-9 &<>\"'é日\\n\\r\\t_x0D]{0,12}";
        prop_oneof![
            text.prop_map(Value::Text),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::Number),
            (-1_000_000_000i32..1_000_000_000).prop_map(|n| Value::Number(f64::from(n) * 1000.0)),
            any::<bool>().prop_map(Value::Bool),
            text.prop_map(Value::Formula),
            (text, text).prop_map(|(a, b)| Value::Rich(a, b)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any mix of strings (escapes, entities, line ends), numbers, booleans, formula
        /// results and rich text, at any rows and columns: the same rows as calamine.
        #[test]
        fn generated_workbooks_read_as_calamine_reads_them(
            mut cells in proptest::collection::vec((0u32..400, 0u16..12, value()), 1..300),
            inline in any::<bool>(),
        ) {
            let mut book = Workbook::new();
            // Constant-memory sheets write their strings inline (`<is>`), in row order.
            let sheet = if inline { book.add_worksheet_with_constant_memory() } else { book.add_worksheet() };
            cells.sort_by_key(|(row, col, _)| (*row, *col));
            cells.dedup_by_key(|(row, col, _)| (*row, *col));
            let bold = Format::new().set_bold();
            for (row, col, v) in &cells {
                match v {
                    Value::Text(s) => { sheet.write_string(*row, *col, s).unwrap(); }
                    Value::Number(n) => { sheet.write_number(*row, *col, *n).unwrap(); }
                    Value::Bool(b) => { sheet.write_boolean(*row, *col, *b).unwrap(); }
                    Value::Formula(s) => {
                        sheet.write_formula(*row, *col, Formula::new("=A1").set_result(s)).unwrap();
                    }
                    Value::Rich(a, b) => {
                        if a.is_empty() || b.is_empty() {
                            sheet.write_string(*row, *col, format!("{a}{b}")).unwrap();
                        } else {
                            sheet.write_rich_string(*row, *col, &[(&Format::default(), a.as_str()), (&bold, b.as_str())]).unwrap();
                        }
                    }
                }
            }
            // One row that is surely not blank, so there is something to compare.
            sheet.write_string(500, 0, "last").unwrap();
            let bytes = book.save_to_buffer().unwrap();
            let (slow, fast) = both(&bytes);
            prop_assert!(!slow.is_empty());
            prop_assert_eq!(&fast, &slow);
            // The same cut into batches of 2 KiB and pieces of 200 bytes.
            let (_, small) = both_with(&bytes, 2048, 200);
            prop_assert_eq!(small, slow);
            // Every piece the scanner takes, it reads as quick-xml does.
            let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
            let xml = read_part(&mut zip, "xl/worksheets/sheet1.xml").unwrap();
            let (book, _) = open_streamed(bytes.clone(), false, None).unwrap();
            drop(book);
            let strings = Tables { strings: shared_strings(&mut zip).unwrap(), pads: Vec::new() };
            let cuts = cuts(&xml, 8);
            for w in cuts.windows(2).skip(1) {
                let piece = &xml[w[0]..w[1]];
                if let Some(scanned) = scan_piece(piece, &strings) {
                    prop_assert_eq!(flat(&scanned.unwrap()), flat(&parse_piece(piece, &strings).unwrap()));
                }
            }
        }
    }
}
