//! Any bytes as an input file, read record by record the way exports and `profile init` read
//! it (seeded with workbooks): the zip-bomb and OLE checks, calamine (a Range for xls, xlsb
//! and ods; the streamed cell reader for xlsx, on its own thread), and the cell-to-text
//! conversion. It must return, never panic or exhaust memory.
#![no_main]

use hubcsv::input::sheet;
use hubcsv::input::{open_input, CellNote, ReadOptions, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // libFuzzer aborts on any panic; panics that hubcsv catches inside calamine (reported as a
    // damaged file) must unwind to that catch instead.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|_| {
            if !sheet::in_guarded_reader() {
                std::process::abort();
            }
        }));
    });
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
});
