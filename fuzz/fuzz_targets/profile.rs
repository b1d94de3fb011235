//! Any bytes as a `--profile` (TOML, docs/profiles.md), loaded as the CLI loads one (from a
//! file, size and UTF-8 checks, parse, validation against the catalogue), then applied by
//! `fix` to a fixed HR export (fixtures/profiles/rh-fr.csv: `;`, BOM, French headers, an
//! offer column), with the JSON report written and any fatal error rendered as the CLI
//! renders it (miette, with the profile's span). It must return, never panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use hubcsv::report::Collect;
use hubcsv::schema::Profile;
use hubcsv::{FixOptions, Options, Source};
use libfuzzer_sys::fuzz_target;

const HR: &[u8] = include_bytes!("../../fixtures/profiles/rh-fr.csv");

/// One folder per fuzzing process, its files replaced on every run.
fn folder() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::Builder::new().prefix("hubcsv-fuzz-profile").tempdir().unwrap()).path()
}

fn render(err: &hubcsv::Error) {
    let mut text = String::new();
    let _ = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut text, err);
}

fuzz_target!(|data: &[u8]| {
    let path = folder().join("profile.toml");
    std::fs::write(&path, data).unwrap();
    let profile = match Profile::load(&path, &Options::default().catalogue) {
        Ok(profile) => profile,
        Err(err) => return render(&err),
    };
    let opts = Options::default().with_profile(profile);
    let source = Source::Bytes { name: "rh-fr.csv".to_owned(), data: HR.to_vec() };
    let fix_opts = FixOptions { force: true, ..FixOptions::new(folder().join("upload.csv")) };
    let mut report = Collect::default();
    match hubcsv::fix(&source, &opts, fix_opts, &mut report) {
        Ok(_) => {
            let _ = report.write_json(&mut Vec::new());
        }
        Err(err) => render(&err),
    }
});
