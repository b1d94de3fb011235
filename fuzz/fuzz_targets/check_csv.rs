//! Any bytes through the whole `check` pipeline (format and encoding sniffing, CSV reading,
//! every rule, the JSON report): it must return, never panic.
#![no_main]

use hubcsv::report::Collect;
use hubcsv::{Options, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = Source::Bytes { name: "fuzz.csv".to_owned(), data: data.to_vec() };
    let opts = Options { max_cells: 1_000_000, ..Options::default() };
    let mut report = Collect::default();
    if hubcsv::check(&source, &opts, &mut report).is_ok() {
        let mut out = Vec::new();
        let _ = report.write_json(&mut out);
    }
});
