//! Any bytes as an input file (seeded with workbooks), read the two ways hubcsv reads: record
//! by record as exports and `profile init` do (calamine's streamed cell reader for xlsx and
//! xlsb, a Range for xls and ods), and in batches as `check` does (an xlsx's XML parsed in
//! parallel by `input::xlsx_fast` when it reads like calamine); the zip-bomb, OLE and ods
//! checks before either. It must return, never panic or exhaust memory.
#![no_main]

use hubcsv::input::sheet;
use hubcsv::input::batch::Batch;
use hubcsv::input::{open_batches, open_input, CellNote, ReadOptions, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A panic hubcsv catches inside calamine (a damaged workbook) unwinds to that catch;
    // any other aborts, as libFuzzer needs.
    sheet::abort_on_unguarded_panics();
    let source = Source::Bytes { name: "fuzz.xlsx".to_owned(), data: data.to_vec() };
    let opts = ReadOptions { max_bytes: 64 << 20, max_cells: 10_000_000, ..ReadOptions::default() };
    if let Ok((mut records, _)) = open_input(&source, &opts) {
        let mut record = csv::StringRecord::new();
        let mut notes: Vec<CellNote> = Vec::new();
        for _ in 0..10_000 {
            match records.read(&mut record, &mut notes) {
                Ok(Some(meta)) => records.release_before(meta.end),
                _ => break,
            }
        }
    }
    if let Ok((mut batches, _)) = open_batches(&source, &opts) {
        let mut batch = Batch::default();
        for _ in 0..100 {
            if !matches!(batches.next_batch(&mut batch), Ok(true)) {
                break;
            }
        }
    }
});
