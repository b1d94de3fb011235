//! Any bytes as a workbook: the zip-bomb check, calamine, and the cell-to-text reader.
#![no_main]

use hubcsv::input::sheet;
use hubcsv::input::{CellNote, Records};
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
    // The same guards `check` runs before calamine.
    if data.starts_with(b"PK") && hubcsv::input::check_zip(data, 64 << 20).is_err() {
        return;
    }
    if data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && hubcsv::input::cfb::check(data, 10_000_000).is_err() {
        return;
    }
    if let Ok((mut reader, _)) = sheet::open(data.to_vec(), None) {
        let mut record = csv::StringRecord::new();
        let mut notes: Vec<CellNote> = Vec::new();
        for _ in 0..10_000 {
            match reader.read(&mut record, &mut notes) {
                Ok(Some(meta)) => reader.release_before(meta.end),
                _ => break,
            }
        }
    }
});
