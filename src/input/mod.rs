//! Reading inputs: where the bytes come from ([`Source`]) and how records are read from them.

pub mod batch;
pub mod cfb;
pub mod chunked;
pub mod ods;
pub mod raw;
pub mod record;
pub mod sheet;
pub mod sheet_stream;
pub mod sniff;
pub mod xlsx_fast;

pub use record::{Meta, RecordReader};
pub use sniff::{EncodingReason, Format};

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use csv::StringRecord;
use record::ReadError;

/// Something a spreadsheet says about a cell beyond its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellNote {
    /// An error cell (`#N/A`, `#REF!`, ...) in this column.
    Error(usize),
    /// A number cell (not text) in this column.
    Number(usize),
    /// A formula cell without a saved result (a workbook written by a program, which Excel
    /// would calculate on opening): read as empty.
    NoValue(usize),
    /// A profile's value map does not know the offer that sets this (package) column.
    Unmapped(usize),
    /// A profile wrote this column's value on this row: its `[defaults]` (`None`) or the
    /// `[[when]]` table of that index (`Some`). The user's row does not hold the value.
    Filled(usize, Option<usize>),
}

/// A source of records: CSV text or a spreadsheet's sheet.
pub trait Records: Send {
    /// Reads the next record; `notes` receives what the spreadsheet says about its cells.
    /// `Ok(None)` at the end.
    ///
    /// # Errors
    /// I/O failure or undecodable text.
    fn read(
        &mut self,
        record: &mut StringRecord,
        notes: &mut Vec<CellNote>,
    ) -> Result<Option<Meta>, ReadError>;
    /// The source text of a record not yet released.
    fn raw(&self, meta: &Meta) -> &[u8];
    /// Forgets source text before `offset`.
    fn release_before(&mut self, offset: u64);
}

impl<R: Read + Send> Records for RecordReader<R> {
    fn read(
        &mut self,
        record: &mut StringRecord,
        notes: &mut Vec<CellNote>,
    ) -> Result<Option<Meta>, ReadError> {
        notes.clear();
        RecordReader::read(self, record)
    }
    fn raw(&self, meta: &Meta) -> &[u8] {
        RecordReader::raw(self, meta)
    }
    fn release_before(&mut self, offset: u64) {
        RecordReader::release_before(self, offset);
    }
}

/// Records with a NUL character refused at its cell ([`ReadError::Nul`]), whatever the
/// format: in a CSV past the read-ahead that refuses a file holding one (in UTF-16, the
/// U+0000 decoded), in a workbook's cell (xlsx writes it `_x0000_`). What the batch reader
/// does for the upload's CSV text (`chunked`), for the files read a record at a time.
struct NulRefused {
    inner: Box<dyn Records>,
    /// The first record read, when it holds no NUL: to name the column.
    first: Option<Vec<String>>,
}

impl Records for NulRefused {
    fn read(
        &mut self,
        record: &mut StringRecord,
        notes: &mut Vec<CellNote>,
    ) -> Result<Option<Meta>, ReadError> {
        let Some(meta) = self.inner.read(record, notes)? else { return Ok(None) };
        if let Some(field) = record::nul_field(record) {
            return Err(ReadError::Nul {
                line: meta.line,
                row: meta.sheet_row,
                header: self.first.clone(),
                field,
            });
        }
        if self.first.is_none() {
            self.first = Some(record.iter().map(str::to_owned).collect());
        }
        Ok(Some(meta))
    }
    fn raw(&self, meta: &Meta) -> &[u8] {
        self.inner.raw(meta)
    }
    fn release_before(&mut self, offset: u64) {
        self.inner.release_before(offset);
    }
}

/// Batches of a workbook's sheet with a NUL character refused at its cell, as `chunked`
/// refuses one in CSV text: xlsx writes it `_x0000_`, and read on it would be written into
/// `fix`'s CSV for Control Hub.
struct NulRefusedBatches {
    inner: Box<dyn batch::BatchSource>,
    /// The sheet's first row, when it holds no NUL: to name the column.
    first: Option<Vec<String>>,
    seen_first: bool,
}

impl batch::BatchSource for NulRefusedBatches {
    fn next_batch(&mut self, batch: &mut batch::Batch) -> Result<bool, ReadError> {
        if !self.inner.next_batch(batch)? {
            return Ok(false);
        }
        for piece in batch.pieces() {
            if !self.seen_first && !piece.is_empty() {
                self.seen_first = true;
                let row: Vec<String> = piece.fields(0).iter().map(str::to_owned).collect();
                self.first = (!row.iter().any(|f| f.contains('\0'))).then_some(row);
            }
            if let Some(mut e) = chunked::nul_error(piece) {
                if let ReadError::Nul { header, .. } = &mut e {
                    header.clone_from(&self.first);
                }
                return Err(e);
            }
        }
        Ok(true)
    }
}

/// How to read an input: overrides of what sniffing would decide.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `--encoding`.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `--delimiter`.
    pub delimiter: Option<u8>,
    /// `--sheet NAME|INDEX`.
    pub sheet: Option<String>,
    /// `--max-bytes`: the most input bytes (for a workbook: uncompressed) read; 0 = default.
    pub max_bytes: u64,
    /// `--max-cells`, for the extent of a workbook's sheets before they are built; 0 = default.
    pub max_cells: u64,
    /// `--max-columns`, for the cells of a streamed sheet; 0 = default.
    pub max_columns: usize,
}

/// Default `--max-bytes`: 1 GiB, several times the largest real upload (a 1,000,000-user
/// export is about 150 MB).
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// The longest record (row) read, in bytes: 16 MiB. A Control Hub row is a few hundred bytes
/// and no cell holds over 1,000 characters (`cell-too-long`), so a longer record is a quote
/// that never closes swallowing the rest of a big file, or a file without line breaks; held
/// whole, it costs about ten times its size (its bytes, its text, the report's copies).
/// Past it the input is refused (`unreadable-file`, naming the line where the record starts
/// and the quote), so memory stays bounded whatever one record holds (docs/design.md).
pub const MAX_RECORD_BYTES: usize = 16 << 20;

/// A reader that fails once more than `left` bytes were read: a resource limit, not an
/// out-of-memory kill.
struct Limited<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("the input is larger than --max-bytes ({} bytes)", self.limit),
            )
        })?;
        Ok(n)
    }
}

/// A workbook whose parts expand far beyond their compressed size, or beyond `max_bytes`,
/// is refused before calamine inflates it (zip bombs).
///
/// # Errors
/// The reason, for the user.
pub fn check_zip(bytes: &[u8], max_bytes: u64) -> Result<(), String> {
    let Ok(mut archive) = zip::ZipArchive::new(io::Cursor::new(bytes)) else {
        return Err("a damaged zip file (truncated or corrupt)".to_owned());
    };
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            return Err("a damaged zip file (truncated or corrupt)".to_owned());
        };
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > 64 << 20 && size / packed > 200 {
            return Err(format!(
                "`{}` expands from {packed} to {size} bytes ({}x): a zip bomb, not a user list",
                entry.name(),
                size / packed
            ));
        }
    }
    if total > max_bytes {
        return Err(format!("the workbook expands to {total} bytes, over --max-bytes ({max_bytes})"));
    }
    Ok(())
}

/// What was found about an input, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    /// The format.
    pub format: Format,
    /// The text encoding (`utf-8` for spreadsheets).
    pub encoding: &'static str,
    /// Why that encoding.
    pub encoding_reason: EncodingReason,
    /// The delimiter (CSV only).
    pub delimiter: Option<u8>,
    /// The sheet read (spreadsheets only).
    pub sheet: Option<String>,
}

/// Bytes read ahead of a reader, then the reader.
type Chained = io::Chain<io::Cursor<Vec<u8>>, Box<dyn Read + Send>>;

/// How much text is read ahead to decide encoding and delimiter.
const SNIFF_BYTES: usize = 64 * 1024;

fn read_up_to(reader: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n.min(SNIFF_BYTES));
    reader.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// An input once its format is known: text to parse as CSV, or a workbook's sheet.
enum Opened {
    /// Text, decoded to UTF-8 where it was not.
    Text { reader: Box<dyn Read + Send>, delimiter: u8 },
    /// A sheet of a workbook.
    Sheet(sheet::SheetReader),
    /// An xlsx or xlsb sheet, streamed.
    Xlsx(sheet_stream::SheetStream),
    /// An xlsx sheet, its XML parsed in parallel (`check`).
    Fast(xlsx_fast::FastSheet),
}

/// The help for a workbook that cannot be read for `reason`.
pub(crate) fn workbook_help(reason: &str) -> &'static str {
    if reason.starts_with(sheet::NO_SUCH_SHEET) {
        "pass --sheet one of those names, spelled exactly, or its position (1 for the first)"
    } else if reason.contains("--max-") {
        "if the table really is that large, raise the limit named; otherwise delete the stray cells far from the table and save again"
    } else {
        "save the file again from your spreadsheet editor as .xlsx (without a password), or export it as CSV UTF-8"
    }
}

/// Opens an input of any supported format: format by content, then encoding and delimiter
/// (text) or sheet (spreadsheets).
fn open_any(source: &Source, opts: &ReadOptions, stream: bool) -> Result<(Opened, Evidence), crate::Error> {
    let path = source.display_name();
    let io_err = |e: io::Error| crate::Error::Io { path: path.clone(), cause: e };
    let limit = if opts.max_bytes == 0 { DEFAULT_MAX_BYTES } else { opts.max_bytes };
    let inner = source.open().map_err(io_err)?;
    let mut reader: Box<dyn Read + Send> = Box::new(Limited { inner, left: limit, limit });
    let mut head = read_up_to(&mut reader, SNIFF_BYTES).map_err(io_err)?;
    let complete = head.len() < SNIFF_BYTES;
    let unreadable = |reason: String, help: &str| crate::Error::Unreadable {
        path: path.clone(),
        line: None,
        reason,
        help: help.to_owned(),
    };
    refuse_options_for_the_other_kind(sniff::is_container(&head), opts, &path)?;
    if sniff::is_container(&head) {
        reader.read_to_end(&mut head).map_err(io_err)?;
        let unreadable = |reason: String| unreadable(reason.clone(), workbook_help(&reason));
        if head.starts_with(b"PK") {
            check_zip(&head, limit).map_err(unreadable)?;
        }
        if !head.starts_with(b"PK") {
            let cells = if opts.max_cells == 0 { crate::DEFAULT_MAX_CELLS } else { opts.max_cells };
            cfb::check(&head, cells).map_err(unreadable)?;
        }
        // Office encryption wraps the workbook in an OLE file with an `EncryptedPackage` stream.
        let encrypted: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes).collect();
        if !head.starts_with(b"PK") && memchr::memmem::find(&head, &encrypted).is_some() {
            return Err(unreadable("the workbook is password-protected: hubcsv cannot read it".to_owned()));
        }
        let format = sniff::format(&head)
            .ok_or_else(|| unreadable("a zip file that is not a workbook (xlsx, xlsb or ods)".to_owned()))?;
        if format == Format::Ods {
            let cells = if opts.max_cells == 0 { crate::DEFAULT_MAX_CELLS } else { opts.max_cells };
            ods::check(&head, cells).map_err(unreadable)?;
        }
        let (opened, name) = if matches!(format, Format::Xlsx | Format::Xlsb) {
            open_streamed_sheet(head, format == Format::Xlsb, opts, stream).map_err(unreadable)?
        } else {
            let (sheet, name) = sheet::open(head, opts.sheet.as_deref()).map_err(unreadable)?;
            (Opened::Sheet(sheet), name)
        };
        let evidence = Evidence {
            format,
            encoding: "utf-8",
            encoding_reason: EncodingReason::Workbook,
            delimiter: None,
            sheet: Some(name),
        };
        return Ok((opened, evidence));
    }
    let (encoding, reason) = match opts.encoding {
        Some(enc) => (enc, EncodingReason::Override),
        None => sniff::encoding(&head, complete),
    };
    let utf16 = encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE;
    if !utf16 && memchr::memchr(0, &head).is_some() {
        return Err(unreadable(
            "the file contains NUL bytes: it is a binary file, not a CSV or a workbook hubcsv knows".to_owned(),
            "give hubcsv the CSV exported from Control Hub, or the workbook (.xlsx, .ods, .xls) it was edited in",
        ));
    }
    // The other files (an export, a template, a locations list, `profile init`'s) have no
    // `--encoding` to overrule the refusal with, and read on they would be garbled silently:
    // they are refused too, the help without the option.
    if reason == EncodingReason::Fallback {
        refuse_mixed(&head, &path, stream)?;
    }
    let (text, _, _) = encoding.decode(&head);
    // In UTF-16 the NUL bytes are the encoding's; a NUL character is what a NUL byte is in
    // the other encodings, and is refused over the same read-ahead. Let through, it would
    // be written as a NUL byte into `fix`'s UTF-8 output, which is then refused.
    if let Some(at) = text.find('\0').filter(|_| utf16) {
        let line = text[..at].matches('\n').count() as u64 + 1;
        return Err(crate::Error::Unreadable {
            path: path.clone(),
            line: Some(line),
            reason: format!(
                "the file contains NUL characters (U+0000, read as {}): it is a binary file, not a CSV or a workbook hubcsv knows",
                sniff::encoding_name(encoding).to_uppercase()
            ),
            help: "give hubcsv the CSV exported from Control Hub, or the workbook (.xlsx, .ods, .xls) it was edited in".to_owned(),
        });
    }
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff::delimiter(&text));
    let chained: Chained = io::Cursor::new(head).chain(reader);
    let reader: Box<dyn Read + Send> = if encoding == encoding_rs::UTF_8 {
        Box::new(chained)
    } else {
        // The files read besides the upload are refused when their last byte is half a
        // UTF-16 character: no rule looks at their cells, and the U+FFFD it would decode to
        // (in a license cell, `TRUE�`) would change the answer silently. The upload keeps
        // it, and `replacement-character` says so at its cell.
        let bytes: Box<dyn Read + Send> =
            if utf16 && !stream { Box::new(record::OddTail::new(chained)) } else { Box::new(chained) };
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_sniffing(reason != EncodingReason::Override)
                .build(bytes),
        )
    };
    let evidence = Evidence {
        format: Format::Csv,
        encoding: sniff::encoding_name(encoding),
        encoding_reason: reason,
        delimiter: Some(delimiter),
        sheet: None,
    };
    Ok((Opened::Text { reader, delimiter }, evidence))
}

/// Opens the sheet of an xlsx or xlsb (`binary`) workbook to stream: xlsx and xlsb are always
/// streamed, no dense range of the whole sheet is built. `check` (`stream`) reads an xlsx
/// sheet's XML on every core when that reads it exactly as calamine would
/// ([`xlsx_fast::plan`]); calamine streams it otherwise, while the formulas without a saved
/// result, which calamine reads as empty cells, are found alongside ([`xlsx_fast::Unsaved`]).
fn open_streamed_sheet(
    head: Vec<u8>,
    binary: bool,
    opts: &ReadOptions,
    stream: bool,
) -> Result<(Opened, String), String> {
    let columns = if opts.max_columns == 0 { crate::DEFAULT_MAX_COLUMNS } else { opts.max_columns };
    let pieces = if stream { rayon::current_num_threads() * 4 } else { 1 };
    let copy = (stream && !binary).then(|| head.clone());
    let (book, name) = sheet::open_streamed(head, binary, opts.sheet.as_deref())?;
    let plan = copy.as_deref().and_then(|bytes| xlsx_fast::plan(bytes, &name));
    Ok(match (plan, copy) {
        (Some(plan), Some(bytes)) => {
            drop(book);
            (Opened::Fast(xlsx_fast::FastSheet::start(bytes, plan, pieces, columns)), name)
        }
        (_, copy) => {
            let unsaved = copy.map(|bytes| xlsx_fast::Unsaved::new(bytes, name.clone()));
            let stream = sheet_stream::SheetStream::start(book, name.clone(), pieces, columns, unsaved);
            (Opened::Xlsx(stream), name)
        }
    })
}

/// An option for the other kind of file is a mistake about the file: it is refused rather
/// than ignored (a CSV saved from the wrong sheet looks like the right file).
fn refuse_options_for_the_other_kind(
    workbook: bool,
    opts: &ReadOptions,
    path: &str,
) -> Result<(), crate::Error> {
    let (reason, help) = match (workbook, &opts.encoding, &opts.sheet) {
        (true, Some(_), _) => (
            "--encoding applies to CSV text, and this file is a workbook (its cells are Unicode whatever the encoding)",
            "leave --encoding out for workbooks",
        ),
        (false, _, Some(_)) => (
            "--sheet chooses a sheet of a workbook, and this file is a CSV, which has one table",
            "leave --sheet out, or give the workbook (.xlsx, .ods, ...) whose sheet you mean; a CSV saved from a workbook holds the sheet that was open",
        ),
        _ => return Ok(()),
    };
    Err(crate::Error::Unreadable {
        path: path.to_owned(),
        line: None,
        reason: reason.to_owned(),
        help: help.to_owned(),
    })
}

/// Refuses a CSV prefix that is not UTF-8 yet holds UTF-8 letters ([`sniff::mixed_utf8`]):
/// read as Windows-1252, they would be garbled without a word. `upload`: the file checked,
/// which `--encoding` can say is Windows-1252 throughout.
fn refuse_mixed(head: &[u8], path: &str, upload: bool) -> Result<(), crate::Error> {
    let Some((line, sample)) = sniff::mixed_utf8(head) else { return Ok(()) };
    let help = if upload {
        "save the file again as \"CSV UTF-8 (Comma delimited)\" and check the accented letters of that line; if the file is Windows-1252 throughout, say so: --encoding windows-1252"
    } else {
        NOT_UTF8_HELP
    };
    Err(crate::Error::Unreadable {
        path: path.to_owned(),
        line: Some(line),
        reason: format!(
            "the file mixes encodings: line {line} has bytes that are not UTF-8, while other text is UTF-8 (`{sample}`); read as Windows-1252, that text would be garbled"
        ),
        help: help.to_owned(),
    })
}

/// The help for text that is not UTF-8 in a file read besides the upload (an export, a
/// template, a locations list, `profile init`'s file): `--encoding` is not for it.
pub(crate) const NOT_UTF8_HELP: &str = "save the file again as \"CSV UTF-8 (Comma delimited)\", or take a fresh one from Control Hub, and check the accented letters of that line (--encoding is for the upload checked, not this file)";

/// Opens an input to read a record at a time (exports, templates, `profile init`).
///
/// # Errors
/// The input cannot be read, or is a container that is not a readable workbook.
pub fn open_input(source: &Source, opts: &ReadOptions) -> Result<(Box<dyn Records>, Evidence), crate::Error> {
    let (opened, evidence) = open_any(source, opts, false)?;
    let records: Box<dyn Records> = match opened {
        Opened::Text { reader, delimiter } => Box::new(RecordReader::new(reader, delimiter)),
        Opened::Sheet(sheet) => Box::new(sheet),
        Opened::Xlsx(stream) => Box::new(sheet_stream::StreamRecords::new(stream)),
        Opened::Fast(_) => {
            return Err(crate::Error::Io {
                path: source.display_name(),
                cause: io::Error::other("a parallel sheet reader where records were asked for"),
            })
        }
    };
    Ok((Box::new(NulRefused { inner: records, first: None }), evidence))
}

/// Rows per piece, and pieces per batch, when a spreadsheet is read into batches.
const SHEET_PIECE_ROWS: usize = 1024;

/// Batches a CSV input is read in: a sixteenth of the file, between 128 KiB and
/// [`chunked::BLOCK`]. Three batches are in flight at a time, so a small file read in three
/// big batches would hardly overlap reading, checking and reporting: a 20,000-row file takes
/// a fifth less time in batches of 175 KB than of 1 MiB. Big files keep big batches (fewer
/// hand-overs). Standard input, of unknown size, gets the full block.
fn csv_block(source: &Source) -> usize {
    let len = match source {
        Source::Path(path) => {
            std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file).map(|m| m.len())
        }
        Source::Bytes { data, .. } => Some(data.len() as u64),
        Source::Stdin => None,
    };
    len.map_or(chunked::BLOCK, |len| {
        usize::try_from(len / 16).unwrap_or(usize::MAX).clamp(chunked::MIN_BLOCK, chunked::BLOCK)
    })
}

/// Opens an input to read in batches (what `check` does): CSV text is parsed in parallel
/// ([`chunked`]), a sheet row by row.
///
/// # Errors
/// The input cannot be read, or is a container that is not a readable workbook.
pub fn open_batches(
    source: &Source,
    opts: &ReadOptions,
) -> Result<(Box<dyn batch::BatchSource>, Evidence), crate::Error> {
    let (opened, evidence) = open_any(source, opts, true)?;
    let pieces = rayon::current_num_threads() * 4;
    let rows: Box<dyn batch::BatchSource> = match opened {
        Opened::Text { reader, delimiter } => {
            Box::new(chunked::ChunkedCsv::new(reader, delimiter, csv_block(source), pieces))
        }
        Opened::Sheet(sheet) => Box::new(batch::RowByRow::new(Box::new(sheet), SHEET_PIECE_ROWS, pieces)),
        Opened::Xlsx(stream) => Box::new(stream),
        Opened::Fast(sheet) => Box::new(sheet),
    };
    let rows: Box<dyn batch::BatchSource> = if evidence.format == Format::Csv {
        rows
    } else {
        Box::new(NulRefusedBatches { inner: rows, first: None, seen_first: false })
    };
    Ok((rows, evidence))
}

/// Where the input comes from: a CSV, xlsx, xlsm, xlsb, xls or ods file, told apart by its
/// content, not its name.
///
/// # Examples
///
/// ```
/// use hubcsv::Source;
///
/// let file = Source::Path("users.xlsx".into());
/// let memory = Source::Bytes { name: "upload.csv".into(), data: b"User ID/Email (Required)\n".to_vec() };
/// assert_eq!(Source::from_arg("-".as_ref()).display_name(), "<stdin>");
/// assert_eq!(memory.display_name(), "upload.csv");
/// # let _ = file;
/// ```
#[derive(Clone, Debug)]
pub enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
    /// Bytes in memory, with a display name (tests, fuzzing, library users).
    Bytes {
        /// Name shown in reports.
        name: String,
        /// The content.
        data: Vec<u8>,
    },
}

impl Source {
    /// Builds a source from a command-line argument: `-` is standard input.
    #[must_use]
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(arg.to_path_buf())
        }
    }

    /// The name shown in reports: the path as given, `<stdin>`, or the bytes' name.
    #[must_use]
    pub fn display_name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".to_owned(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }

    /// Opens the source for reading.
    ///
    /// # Errors
    /// The file cannot be opened, or is a directory.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Path(p) => {
                if p.is_dir() {
                    return Err(io::Error::other("is a directory, not a file"));
                }
                Ok(Box::new(File::open(p)?))
            }
            Source::Stdin => Ok(Box::new(io::stdin())),
            Source::Bytes { data, .. } => Ok(Box::new(io::Cursor::new(data.clone()))),
        }
    }
}

/// How errors about a table name it: the file, and in a workbook the sheet read
/// (`users.xlsx (sheet `Users`)`).
pub(crate) fn table_name(path: &str, sheet: Option<&str>) -> String {
    match sheet {
        Some(sheet) => format!("{path} (sheet `{sheet}`)"),
        None => path.to_owned(),
    }
}

/// An input opened up to its header: the records, the header record, where it stands, and
/// what was found about the input.
pub type Table = (Box<dyn Records>, csv::StringRecord, Meta, Evidence);

/// Opens an input and reads up to its header row, the first non-blank record (contract §1). The
/// header's raw bytes stay available until the caller releases them. `what` names the file
/// in messages ("the current export").
///
/// # Errors
/// The file cannot be opened or read, is not UTF-8, or has no non-blank row.
pub fn open_table(source: &Source, opts: &ReadOptions, what: &str) -> Result<Table, crate::Error> {
    let path = source.display_name();
    let (mut records, evidence) = open_input(source, opts)?;
    let table = table_name(&path, evidence.sheet.as_deref());
    let mut record = csv::StringRecord::new();
    let mut notes = Vec::new();
    loop {
        match records.read(&mut record, &mut notes).map_err(|e| crate::check::side_read_error(&table, e))? {
            Some(meta) if record.iter().all(|f| f.trim().is_empty()) => records.release_before(meta.end),
            Some(meta) => return Ok((records, record, meta, evidence)),
            None => return Err(crate::Error::Unreadable {
                path,
                line: None,
                reason: format!("{what} is empty: no header row"),
                help:
                    "export the users from Control Hub (Users > Manage users > Export CSV) and edit that file"
                        .to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{chunked, csv_block, open_input, ReadError, ReadOptions, Source};

    #[test]
    fn a_nul_is_refused_at_its_record_and_field() {
        let mut data = b"h1,h2\r\na,\"x\ny\"\n".to_vec();
        data.extend(std::iter::repeat_n(b'\n', 70_000));
        data.extend_from_slice(b"b,c\0d\n");
        let source = Source::Bytes { name: "x.csv".into(), data };
        let (mut records, _) = open_input(&source, &ReadOptions::default()).unwrap();
        let (mut record, mut notes) = (csv::StringRecord::new(), Vec::new());
        assert!(records.read(&mut record, &mut notes).unwrap().is_some());
        assert!(records.read(&mut record, &mut notes).unwrap().is_some());
        match records.read(&mut record, &mut notes) {
            Err(ReadError::Nul { line, row, header, field }) => {
                assert_eq!((line, row, field), (70_004, 70_003, 1));
                assert_eq!(header, Some(vec!["h1".to_owned(), "h2".to_owned()]));
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn csv_batches_follow_the_file_size() {
        let bytes = |n: usize| Source::Bytes { name: "x.csv".into(), data: vec![b'a'; n] };
        assert_eq!(csv_block(&bytes(1000)), chunked::MIN_BLOCK);
        assert_eq!(csv_block(&bytes(3_200_000)), 200_000);
        assert_eq!(csv_block(&bytes(64 << 20)), chunked::BLOCK);
        assert_eq!(csv_block(&Source::Stdin), chunked::BLOCK);
        let missing = Source::Path("/nonexistent/hubcsv/x.csv".into());
        assert_eq!(csv_block(&missing), chunked::BLOCK);
    }
}
