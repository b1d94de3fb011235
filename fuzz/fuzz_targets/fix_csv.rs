//! Any bytes through `fix` (the corrected CSV and the rejects file written into a temporary
//! folder), then the corrected output through `check` and `fix` again. It must return, never
//! panic; and, as docs/fix.md promises (and tests/props.rs checks over generated files):
//! every row read lands in exactly one file, `check` of the corrected output reports no error
//! (unless it holds no user: an upload of no one is itself `no-rows`), and `fix` of it changes
//! nothing: the same bytes, no row rejected, no cell fixed.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hubcsv::input::sheet;
use hubcsv::report::Collect;
use hubcsv::{FixOptions, Options, Source};
use libfuzzer_sys::fuzz_target;

/// One folder per fuzzing process, its files replaced on every run (`force`).
fn folder() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::Builder::new().prefix("hubcsv-fuzz-fix").tempdir().unwrap()).path()
}

fn fix(
    data: Vec<u8>,
    name: &str,
    out: PathBuf,
    opts: &Options,
) -> Option<(hubcsv::Summary, hubcsv::Written, Collect)> {
    let source = Source::Bytes { name: name.to_owned(), data };
    let fix_opts = FixOptions { force: true, ..FixOptions::new(out) };
    let mut report = Collect::default();
    let (summary, written) = hubcsv::fix(&source, opts, fix_opts, &mut report).ok()?;
    Some((summary, written, report))
}

fuzz_target!(|data: &[u8]| {
    // A panic hubcsv catches inside calamine (a damaged workbook) unwinds to that catch;
    // any other aborts, as libFuzzer needs.
    sheet::abort_on_unguarded_panics();
    let opts = Options { max_cells: 1_000_000, ..Options::default() };
    let first = folder().join("fixed.csv");
    let Some((summary, written, _)) = fix(data.to_vec(), "fuzz.csv", first.clone(), &opts) else { return };
    assert_eq!(written.corrected.len(), 1, "a fuzz input has fewer rows than a part");
    let corrected = written.corrected[0].rows;
    let rejected = written.rejected.as_ref().map_or(0, |f| f.rows);
    assert_eq!(corrected + rejected, summary.rows, "every row lands in exactly one file");
    let fixed = std::fs::read(&first).unwrap();

    // The corrected output is clean.
    let source = Source::Bytes { name: "fixed.csv".to_owned(), data: fixed.clone() };
    let mut report = Collect::default();
    let summary = hubcsv::check(&source, &opts, &mut report).expect("the corrected output reads");
    assert!(
        corrected == 0 || summary.errors == 0,
        "check of the corrected output: {:#?}\n{:?}",
        report.diagnostics,
        String::from_utf8_lossy(&fixed)
    );

    // ... and fixing it again changes nothing.
    let second = folder().join("again.csv");
    let (summary, written, report) =
        fix(fixed.clone(), "fixed.csv", second.clone(), &opts).expect("the corrected output fixes");
    let again = std::fs::read(&second).unwrap();
    assert!(
        again == fixed && summary.fixed == 0 && written.rejected.map_or(0, |f| f.rows) == 0,
        "fix of the corrected output changed it:\n{:?}\n{:?}\n{:#?}",
        String::from_utf8_lossy(&fixed),
        String::from_utf8_lossy(&again),
        report.diagnostics
    );
});
