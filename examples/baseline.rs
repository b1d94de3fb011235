//! The floor `hubcsv` is measured against (docs/performance.md): read a CSV with the csv
//! crate's `ByteRecord` and nothing else (`parse`), or read and write it back (`rewrite`).
//!
//! ```sh
//! cargo run --release --example baseline -- parse upload.csv
//! cargo run --release --example baseline -- rewrite upload.csv out.csv
//! ```
#![allow(clippy::disallowed_macros)]

use std::process::ExitCode;

/// The allocator hubcsv's binary uses (src/main.rs): the comparison is of the work, not of
/// the allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let run = || -> Result<u64, Box<dyn std::error::Error>> {
        let mode = args.get(1).ok_or("usage: baseline parse|rewrite IN [OUT]")?;
        let input = args.get(2).ok_or("missing IN")?;
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_path(input)?;
        let mut record = csv::ByteRecord::new();
        let mut rows = 0u64;
        match mode.as_str() {
            "parse" => {
                while reader.read_byte_record(&mut record)? {
                    rows += 1;
                }
            }
            "rewrite" => {
                let out = args.get(3).ok_or("missing OUT")?;
                let mut writer =
                    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_path(out)?;
                while reader.read_byte_record(&mut record)? {
                    writer.write_byte_record(&record)?;
                    rows += 1;
                }
                writer.flush()?;
            }
            other => return Err(format!("unknown mode `{other}`").into()),
        }
        Ok(rows)
    };
    match run() {
        Ok(rows) => {
            eprintln!("{rows} records");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
