//! The naive floor for reading a workbook (docs/performance.md): calamine reads the first
//! sheet whole into a `Range`, then every cell becomes a `String` with `to_string`.
//!
//! ```sh
//! cargo run --release --example xlsx_baseline -- users.xlsx
//! ```
#![allow(clippy::disallowed_macros)]

use std::process::ExitCode;

use calamine::{open_workbook_auto, Reader};

/// The allocator hubcsv's binary uses (src/main.rs): the comparison is of the work, not of
/// the allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let run = || -> Result<(u64, usize), Box<dyn std::error::Error>> {
        let path = std::env::args().nth(1).ok_or("usage: xlsx_baseline BOOK")?;
        let mut book = open_workbook_auto(&path)?;
        let first = book.sheet_names().first().cloned().ok_or("the workbook has no sheet")?;
        let range = book.worksheet_range(&first)?;
        let (mut rows, mut bytes) = (0u64, 0usize);
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
            bytes += cells.iter().map(String::len).sum::<usize>();
            rows += 1;
        }
        Ok((rows, bytes))
    };
    match run() {
        Ok((rows, bytes)) => {
            eprintln!("{rows} rows, {bytes} bytes of text");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
