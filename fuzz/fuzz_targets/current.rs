//! Any bytes as the `--current` export (read by `Current::load` as the CLI reads it: any
//! format, a damaged or ambiguous export refused), and the same bytes as a `--template`,
//! against a fixed upload (fixtures/current/upload.csv): actions, changes, read-only and
//! stale-activity checks against the export (src/rules/state.rs), the JSON report. It must
//! return, never panic.
#![no_main]

use std::sync::Arc;

use hubcsv::current::Current;
use hubcsv::input::sheet;
use hubcsv::report::Collect;
use hubcsv::schema::Template;
use hubcsv::{Options, Source};
use libfuzzer_sys::fuzz_target;

const UPLOAD: &[u8] = include_bytes!("../../fixtures/current/upload.csv");

fuzz_target!(|data: &[u8]| {
    // As in read_sheet: a panic caught inside calamine (a damaged workbook export) must
    // unwind to that catch; any other aborts.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if !sheet::in_guarded_reader() {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
    let export = Source::Bytes { name: "export.csv".to_owned(), data: data.to_vec() };
    let mut opts = Options::default();
    let Ok(current) = Current::load(&export, &opts.catalogue) else { return };
    opts.current = Some(Arc::new(current));
    opts.template = Template::load(&export, &opts.catalogue).ok().map(Arc::new);
    let source = Source::Bytes { name: "upload.csv".to_owned(), data: UPLOAD.to_vec() };
    let mut report = Collect::default();
    if hubcsv::check(&source, &opts, &mut report).is_ok() {
        let _ = report.write_json(&mut Vec::new());
    }
});
