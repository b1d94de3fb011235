//! A bound on what calamine builds from an ods before it builds it.
//!
//! calamine reads every table of an `OpenDocument` spreadsheet at once and materialises the
//! file's repeat counts: a cell with `table:number-columns-repeated="1000000000"` and a value
//! becomes a billion cells, a row with `table:number-rows-repeated` is copied that many times
//! into the sheet's dense range, and `<text:s text:c="N"/>` becomes N spaces. A few hundred
//! bytes can so ask for gigabytes. This walks `content.xml` once, replays calamine's
//! counting (empty runs at the end of a row are not materialised, empty rows only between
//! non-empty ones), and refuses the file before calamine sees it when a table would exceed
//! `--max-cells` or a cell's repeated spaces exceed [`MAX_SPACES`].

use std::io::{BufReader, Cursor};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The most repeated spaces (`text:s`) in one cell: far beyond any real value.
pub const MAX_SPACES: u64 = 1 << 20;

/// What one table would cost calamine.
#[derive(Default)]
struct Table {
    /// Cells pushed while parsing (each row once).
    parsed: u64,
    /// Rows, with their repeat count, and for a non-empty row the columns of its first and
    /// last non-empty cells.
    rows: Vec<(u64, Option<(u64, u64)>)>,
}

impl Table {
    /// Cells of the dense range calamine builds (`get_range`): the rows from the first to
    /// the last non-empty one, repeats included, times the columns up to the last non-empty.
    fn dense(&self) -> u64 {
        let Some(first) = self.rows.iter().position(|(_, cols)| cols.is_some()) else { return 0 };
        let last = self.rows.iter().rposition(|(_, cols)| cols.is_some()).unwrap_or(first);
        let rows: u64 = self.rows[first..=last].iter().fold(0, |n, (r, _)| n.saturating_add(*r));
        let width = self.rows.iter().filter_map(|(_, cols)| cols.map(|(_, hi)| hi + 1)).max().unwrap_or(0);
        rows.saturating_mul(width)
    }
}

/// The row being read.
#[derive(Default)]
struct Row {
    repeats: u64,
    pushed: u64,
    pending_empty: u64,
    cols: Option<(u64, u64)>,
}

fn attribute(e: &BytesStart<'_>, name: &[u8]) -> Option<Vec<u8>> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| a.value.into_owned())
}

fn count(e: &BytesStart<'_>, name: &[u8]) -> u64 {
    attribute(e, name).and_then(|v| std::str::from_utf8(&v).ok()?.trim().parse().ok()).unwrap_or(1)
}

/// Whether calamine reads a value or a formula from the cell.
fn has_value(e: &BytesStart<'_>) -> bool {
    e.attributes().flatten().any(|a| match a.key.as_ref() {
        b"office:value"
        | b"office:string-value"
        | b"office:date-value"
        | b"office:time-value"
        | b"office:boolean-value"
        | b"table:formula" => true,
        b"office:value-type" => a.value.as_ref() == b"string",
        _ => false,
    })
}

/// Checks `bytes`, an ods (zip) file: every table within `max_cells`, every cell's spaces
/// within [`MAX_SPACES`].
///
/// # Errors
/// Why the file is refused, for the user.
pub fn check(bytes: &[u8], max_cells: u64) -> Result<(), String> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    // Without a readable content.xml calamine fails on its own, allocating nothing large.
    let Ok(content) = zip.by_name("content.xml") else { return Ok(()) };
    let mut reader = Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut table = Table::default();
    let mut row = Row::default();
    let mut spaces = 0u64;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"table:table-row" => {
                    row = Row { repeats: count(e, b"table:number-rows-repeated"), ..Row::default() };
                }
                b"table:table-cell" | b"table:covered-table-cell" => {
                    let repeats = count(e, b"table:number-columns-repeated");
                    row.pushed = row.pushed.saturating_add(row.pending_empty);
                    row.pending_empty = 0;
                    if has_value(e) {
                        let first = row.pushed;
                        row.pushed = row.pushed.saturating_add(repeats);
                        let last = row.pushed.saturating_sub(1);
                        row.cols = Some(row.cols.map_or((first, last), |(lo, _)| (lo, last)));
                    } else {
                        row.pending_empty = repeats;
                    }
                    spaces = 0;
                }
                b"text:s" => {
                    spaces = spaces.saturating_add(count(e, b"text:c"));
                    if spaces > MAX_SPACES {
                        return Err(format!(
                            "a cell repeats a space {spaces} times, more than hubcsv reads ({MAX_SPACES})"
                        ));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"table:table-row" => {
                    table.parsed = table.parsed.saturating_add(row.pushed);
                    table.rows.push((row.repeats, row.cols));
                    row = Row::default();
                }
                b"table:table" => {
                    let cells = table.parsed.max(table.dense());
                    if cells > max_cells {
                        return Err(format!(
                            "a table's repeated rows and cells make {cells} cells, over --max-cells ({max_cells})"
                        ));
                    }
                    if super::cfb::is_sparse(cells, table.parsed) {
                        return Err(format!(
                            "a table spreads {} cells over {cells}: a damaged file, or a stray cell far from the data",
                            table.parsed
                        ));
                    }
                    table = Table::default();
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    fn ods(content: &str) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut out));
            let opts =
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
            zip.start_file("content.xml", opts).unwrap();
            zip.write_all(content.as_bytes()).unwrap();
            zip.finish().unwrap();
        }
        out
    }

    fn table(rows: &str) -> String {
        format!("<office:document-content><office:body><office:spreadsheet><table:table>{rows}</table:table></office:spreadsheet></office:body></office:document-content>")
    }

    #[test]
    fn real_ods_passes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(root.join("fixtures/input/packages.ods")).unwrap();
        assert_eq!(super::check(&bytes, 1_000_000), Ok(()));
    }

    #[test]
    fn trailing_empty_runs_cost_nothing() {
        // What LibreOffice writes: empty cells to column 1024, empty rows to row 1048576.
        let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1023"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        assert_eq!(super::check(&ods(&table(rows)), 1_000), Ok(()));
    }

    #[test]
    fn a_stray_cell_far_below_the_data_is_refused() {
        let value = r#"<table:table-cell office:value-type="float" office:value="1"/>"#;
        let rows = format!(
            r#"<table:table-row>{value}</table:table-row><table:table-row table:number-rows-repeated="2000000"><table:table-cell/></table:table-row><table:table-row>{value}</table:table-row>"#
        );
        let err = super::check(&ods(&table(&rows)), 100_000_000).unwrap_err();
        assert!(err.contains("spreads 2 cells over 2000002"), "{err}");
    }

    #[test]
    fn repeated_values_and_spaces_are_refused() {
        let wide = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="2000000000"/></table:table-row>"#;
        assert!(super::check(&ods(&table(wide)), 1_000_000).unwrap_err().contains("over --max-cells"));
        let tall = r#"<table:table-row table:number-rows-repeated="100000000"><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        assert!(super::check(&ods(&table(tall)), 1_000_000).unwrap_err().contains("over --max-cells"));
        let spaces = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/></text:p></table:table-cell></table:table-row>"#;
        assert!(super::check(&ods(&table(spaces)), 1_000_000).unwrap_err().contains("repeats a space"));
    }
}
