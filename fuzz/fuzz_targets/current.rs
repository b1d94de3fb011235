//! The secondary inputs: any bytes as the `--current` export, the `--template` and the
//! `--locations` list, read as the CLI reads them (any format, a damaged or ambiguous file
//! refused), against a fixed upload (fixtures/current/upload.csv): actions, changes,
//! read-only and stale-activity checks against the export (src/rules/state.rs), location
//! checks, the JSON report, then `fix`. It must return, never panic; `fix`'s corrected
//! output is UTF-8 without a NUL byte, and reads back.
//!
//! The input is `EXPORT [0xFF 0xFF TEMPLATE [0xFF 0xFF LOCATIONS]]`: without the separator
//! (the seeds copied from fixtures/current/), the same bytes are all three. Two bytes, not
//! one: a UTF-16LE byte-order mark starts with 0xFF, and Windows-1252 text may hold `ÿ`.
#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use hubcsv::current::Current;
use hubcsv::input::sheet;
use hubcsv::locations::Locations;
use hubcsv::report::Collect;
use hubcsv::schema::Template;
use hubcsv::{FixOptions, Options, Source};
use libfuzzer_sys::fuzz_target;

const UPLOAD: &[u8] = include_bytes!("../../fixtures/current/upload.csv");
const SEPARATOR: [u8; 2] = [0xFF, 0xFF];

/// One folder per fuzzing process, its files replaced on every run (`force`).
fn folder() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::Builder::new().prefix("hubcsv-fuzz-current").tempdir().unwrap()).path()
}

/// `data` split at the separator: export, template, locations list.
fn split(data: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let at = |d: &[u8]| d.windows(2).position(|w| w == SEPARATOR);
    let Some(first) = at(data) else { return (data, data, data) };
    let (export, rest) = (&data[..first], &data[first + 2..]);
    match at(rest) {
        Some(second) => (export, &rest[..second], &rest[second + 2..]),
        None => (export, rest, rest),
    }
}

fuzz_target!(|data: &[u8]| {
    // A panic hubcsv catches inside calamine (a damaged workbook) unwinds to that catch;
    // any other aborts, as libFuzzer needs.
    sheet::abort_on_unguarded_panics();
    let (export, template, locations) = split(data);
    let bytes = |name: &str, data: &[u8]| Source::Bytes { name: name.to_owned(), data: data.to_vec() };
    let mut opts = Options { max_cells: 1_000_000, ..Options::default() };
    opts.current = Current::load(&bytes("export.csv", export), &opts.catalogue).ok().map(Arc::new);
    opts.template = Template::load(&bytes("template.csv", template), &opts.catalogue).ok().map(Arc::new);
    opts.locations = Locations::load(&bytes("locations.csv", locations)).ok().map(Arc::new);
    if opts.current.is_none() && opts.template.is_none() && opts.locations.is_none() {
        return;
    }
    let source = bytes("upload.csv", UPLOAD);
    let mut report = Collect::default();
    if hubcsv::check(&source, &opts, &mut report).is_ok() {
        let _ = report.write_json(&mut Vec::new());
    }
    let out = folder().join("fixed.csv");
    let fix_opts = FixOptions { force: true, ..FixOptions::new(out.clone()) };
    let mut report = Collect::default();
    let Ok((_, written)) = hubcsv::fix(&source, &opts, fix_opts, &mut report) else { return };
    let Some(file) = written.corrected.first().filter(|f| f.rows > 0) else { return };
    let fixed = std::fs::read(&file.path).unwrap();
    let text = std::str::from_utf8(&fixed).expect("the corrected output is UTF-8");
    assert!(!text.contains('\0'), "a NUL in the corrected output: {text:?}");
    let mut report = Collect::default();
    let plain = Options { max_cells: 1_000_000, ..Options::default() };
    hubcsv::check(&bytes("fixed.csv", &fixed), &plain, &mut report)
        .unwrap_or_else(|e| panic!("the corrected output reads: {e}\n{text:?}"));
});
