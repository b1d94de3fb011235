//! Spreadsheets (xlsx, xlsm, xlsb, xls, ods) through calamine: the chosen sheet's rows as
//! records, each cell as the text the user saw (contract §1), with sheet row numbers and a
//! synthetic source line (the row written as CSV) for the human report.

use std::cell::Cell;
use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader};
use csv::StringRecord;

use super::record::{Meta, ReadError};
use super::{CellNote, Records};

/// Cell text as a spreadsheet shows it: whole numbers without `.0` and without scientific
/// notation, TRUE/FALSE, ISO 8601 dates (date only at midnight), formulas by cached value,
/// errors by their code (`#N/A`).
#[must_use]
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => date_text(dt),
        Data::Error(e) => e.to_string(),
    }
}

/// A date cell: ISO 8601, the date alone at midnight, the time alone for a time of day (a
/// serial below 1, which has no date: `13:30:00`, not `1899-12-31T13:30:00`); milliseconds
/// when the cell has them (an export's `Last Service Accessed Time` saved by a spreadsheet:
/// `2022-06-23T18:53:09.064`, not a second that differs from the export's); a duration as
/// its number.
pub(crate) fn date_text(dt: &calamine::ExcelDateTime) -> String {
    use chrono::Timelike as _;
    match dt.as_datetime() {
        Some(t) if dt.is_datetime() => {
            let fraction = if t.nanosecond() == 0 { "" } else { "%.3f" };
            if (0.0..1.0).contains(&dt.as_f64()) {
                t.format(&format!("%H:%M:%S{fraction}")).to_string()
            } else if t.time() == chrono::NaiveTime::MIN {
                t.format("%Y-%m-%d").to_string()
            } else {
                t.format(&format!("%Y-%m-%dT%H:%M:%S{fraction}")).to_string()
            }
        }
        _ => float_text(dt.as_f64()),
    }
}

/// A number cell as the user saw it.
pub(crate) fn float_text(f: f64) -> String {
    let mut out = String::new();
    push_float_text(&mut out, f);
    out
}

/// [`float_text`], appended to `out`.
pub(crate) fn push_float_text(out: &mut String, f: f64) {
    use std::fmt::Write as _;
    // 2^53: every whole number below is exact in an f64, so it prints as the integer typed.
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        #[allow(clippy::cast_possible_truncation)]
        let whole = f as i64;
        let _ = write!(out, "{whole}");
    } else {
        // Rust prints the shortest text that reads back as the same f64, never with an
        // exponent: what Excel shows in a General cell for ordinary values.
        let _ = write!(out, "{f}");
    }
}

/// The rows of one sheet.
pub struct SheetReader {
    range: Range<Data>,
    next: usize,
    first_row: u64,
    first_col: usize,
    /// The cells (0-based sheet row, column) that hold a formula without a saved result, in
    /// order.
    unsaved: Vec<(u64, usize)>,
    window: Vec<u8>,
    base: u64,
    end: u64,
    line: String,
}

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is inside calamine, where a panic means a damaged file and is
/// turned into an error. A panic hook may stay silent then (the CLI's does).
#[must_use]
pub fn in_guarded_reader() -> bool {
    GUARDED.with(Cell::get)
}

/// Installs, once, a panic hook for fuzzing: a panic inside calamine ([`in_guarded_reader`])
/// stays silent and unwinds to the catch that turns it into an error; any other is printed
/// and aborts, which is how a fuzzer learns of a crash.
#[doc(hidden)]
pub fn abort_on_unguarded_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if !in_guarded_reader() {
                use std::io::Write as _;
                let _ = writeln!(std::io::stderr(), "{info}");
                std::process::abort();
            }
        }));
    });
}

/// Runs calamine code; a panic in it (fuzzing found index-out-of-bounds panics on damaged
/// OLE files) becomes an error for the user instead of a crash.
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    GUARDED.with(|g| g.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(false));
    result.unwrap_or_else(|_| Err("a damaged workbook: the spreadsheet reader failed on it".to_owned()))
}

/// Opens the sheet `wanted` (a name, or a 1-based index; the first sheet when `None`).
///
/// # Errors
/// A message for the user: not a readable workbook, or no such sheet (listing the sheets).
pub fn open(bytes: Vec<u8>, wanted: Option<&str>) -> Result<(SheetReader, String), String> {
    guarded(|| open_unguarded(bytes, wanted))
}

/// How the message for a `--sheet` the workbook does not have starts.
pub const NO_SUCH_SHEET: &str = "no sheet `";

/// The sheet `wanted` (a name, or a 1-based index among all sheets); when `None`, the first
/// visible worksheet (a hidden first sheet of notes or lookups is not the table a person sees
/// on opening the file), or the first sheet if none is.
fn choose_sheet(sheets: &[calamine::Sheet], wanted: Option<&str>) -> Result<String, String> {
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    match wanted {
        None => sheets
            .iter()
            .find(|s| s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .or_else(|| names.first().cloned())
            .ok_or_else(|| "the workbook has no sheet".to_owned()),
        Some(w) => names
            .iter()
            .find(|n| n.as_str() == w)
            .or_else(|| w.parse::<usize>().ok().and_then(|i| i.checked_sub(1)).and_then(|i| names.get(i)))
            .cloned()
            .ok_or_else(|| format!("{NO_SUCH_SHEET}{w}`; the sheets are: {}", names.join(", "))),
    }
}

/// A workbook whose sheets calamine can stream cell by cell (xlsx, xlsm, xlsb).
pub enum StreamBook {
    /// Office Open XML.
    Xlsx(calamine::Xlsx<Cursor<Vec<u8>>>),
    /// Excel binary.
    Xlsb(calamine::Xlsb<Cursor<Vec<u8>>>),
}

/// Opens an xlsx (`binary` false) or xlsb workbook and chooses its sheet, for
/// [`super::sheet_stream`].
///
/// # Errors
/// A message for the user: not a readable workbook, or no such sheet (listing the sheets).
pub fn open_streamed(
    bytes: Vec<u8>,
    binary: bool,
    wanted: Option<&str>,
) -> Result<(StreamBook, String), String> {
    guarded(|| {
        let unreadable = |e: String| format!("not a readable spreadsheet: {e}");
        let book = if binary {
            StreamBook::Xlsb(
                calamine::Reader::new(Cursor::new(bytes))
                    .map_err(|e: calamine::XlsbError| unreadable(e.to_string()))?,
            )
        } else {
            StreamBook::Xlsx(
                calamine::Reader::new(Cursor::new(bytes))
                    .map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?,
            )
        };
        let sheets = match &book {
            StreamBook::Xlsx(b) => calamine::Reader::sheets_metadata(b).to_vec(),
            StreamBook::Xlsb(b) => calamine::Reader::sheets_metadata(b).to_vec(),
        };
        let name = choose_sheet(&sheets, wanted)?;
        Ok((book, name))
    })
}

fn open_unguarded(bytes: Vec<u8>, wanted: Option<&str>) -> Result<(SheetReader, String), String> {
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("not a readable spreadsheet: {e}"))?;
    let name = choose_sheet(book.sheets_metadata(), wanted)?;
    let range = book.worksheet_range(&name).map_err(|e| format!("cannot read sheet `{name}`: {e}"))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    // calamine reads an ods's formulas with its values (so this reads nothing again); an xls
    // formula always holds its result.
    let unsaved = match &mut book {
        calamine::Sheets::Ods(ods) => {
            ods.worksheet_formula(&name).map(|f| unsaved(&range, &f)).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    Ok((
        SheetReader {
            range,
            next: 0,
            first_row: u64::from(first_row),
            first_col: first_col as usize,
            unsaved,
            window: Vec::new(),
            base: 0,
            end: 0,
            line: String::new(),
        },
        name,
    ))
}

/// The cells of `formulas` that hold a formula and no value in `values` (an ods written by
/// a program that does not calculate: calamine reads the cell as empty), in order.
fn unsaved(values: &Range<Data>, formulas: &Range<String>) -> Vec<(u64, usize)> {
    let Some((row0, col0)) = formulas.start() else { return Vec::new() };
    formulas
        .used_cells()
        .filter(|(_, _, formula)| !formula.is_empty())
        .filter_map(|(r, c, _)| {
            let at = (row0.checked_add(u32::try_from(r).ok()?)?, col0.checked_add(u32::try_from(c).ok()?)?);
            matches!(values.get_value(at), None | Some(Data::Empty))
                .then_some((u64::from(at.0), at.1 as usize))
        })
        .collect()
}

pub(crate) fn push_csv_field(line: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&value.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(value);
    }
}

impl Records for SheetReader {
    fn read(
        &mut self,
        record: &mut StringRecord,
        notes: &mut Vec<CellNote>,
    ) -> Result<Option<Meta>, ReadError> {
        notes.clear();
        if self.next >= self.range.height() {
            return Ok(None);
        }
        // Cell by cell: `rows().nth(i)` walks from the first row, quadratic over a sheet.
        let at = self.next;
        let row = (0..self.range.width()).filter_map(|j| self.range.get((at, j)));
        let number = self.first_row + self.next as u64 + 1;
        self.next += 1;
        record.clear();
        self.line.clear();
        for _ in 0..self.first_col {
            record.push_field("");
            self.line.push(',');
        }
        let sheet_row = number - 1;
        for (j, cell) in row.enumerate() {
            let col = self.first_col + j;
            let text = cell_text(cell);
            match cell {
                _ if self.unsaved.binary_search(&(sheet_row, col)).is_ok() => {
                    notes.push(CellNote::NoValue(col));
                }
                Data::Error(_) => notes.push(CellNote::Error(col)),
                Data::Float(_) | Data::Int(_) => notes.push(CellNote::Number(col)),
                _ => {}
            }
            if j > 0 {
                self.line.push(',');
            }
            push_csv_field(&mut self.line, &text);
            record.push_field(&text);
        }
        self.line.push('\n');
        let start = self.end;
        self.window.extend_from_slice(self.line.as_bytes());
        self.end += self.line.len() as u64;
        Ok(Some(Meta { line: number, sheet_row: number, start, end: self.end }))
    }

    fn raw(&self, meta: &Meta) -> &[u8] {
        let lo = usize::try_from(meta.start.saturating_sub(self.base)).unwrap_or(usize::MAX);
        let hi =
            usize::try_from(meta.end.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.window.len());
        self.window.get(lo.min(hi)..hi).unwrap_or(&[])
    }

    fn release_before(&mut self, offset: u64) {
        let n =
            usize::try_from(offset.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.window.len());
        self.window.drain(..n);
        self.base += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_as_shown() {
        assert_eq!(cell_text(&Data::Float(14_155_550_123.0)), "14155550123");
        assert_eq!(cell_text(&Data::Float(1004.0)), "1004");
        assert_eq!(cell_text(&Data::Float(3.5)), "3.5");
        assert_eq!(cell_text(&Data::Float(1e20)), "100000000000000000000");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(cell_text(&Data::Int(-7)), "-7");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
    }

    #[test]
    fn dates_keep_their_milliseconds() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        let date = |serial: f64| cell_text(&Data::DateTime(ExcelDateTime::new(serial, DateTime, false)));
        // 2022-06-23 is serial 44735.
        let time = (18.0 * 3600.0 + 53.0 * 60.0 + 9.064) / 86400.0;
        assert_eq!(date(44735.0 + time), "2022-06-23T18:53:09.064");
        assert_eq!(date(44735.0 + (18.0 * 3600.0 + 53.0 * 60.0 + 9.0) / 86400.0), "2022-06-23T18:53:09");
        assert_eq!(date(44735.0), "2022-06-23");
        assert_eq!(date(0.5), "12:00:00");
        assert_eq!(date(0.5 + 0.25 / 86400.0), "12:00:00.250");
    }
}
