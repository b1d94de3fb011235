//! Test helpers: run the binary, read fixtures, parse JSON reports.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path, relative to `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// `hubcsv` run from the repository root, without colors.
pub fn hubcsv() -> Command {
    let mut cmd = Command::cargo_bin("hubcsv").unwrap();
    cmd.current_dir(root()).env("NO_COLOR", "1").env("COLUMNS", "100");
    cmd
}

/// Runs `hubcsv args...` and returns the output.
pub fn run(args: &[&str]) -> Output {
    hubcsv().args(args).output().unwrap()
}

/// Runs `hubcsv check --format json [extra] FILE` and parses the document.
pub fn check_json(file: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = hubcsv().arg("check").arg("--format").arg("json").args(extra).arg(file).output().unwrap();
    let code = out.status.code().unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, doc)
}

/// Runs the binary on bytes written to a temporary file; returns (exit code, JSON report).
pub fn check_bytes(name: &str, data: &[u8], extra: &[&str]) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    check_json(&path, extra)
}

/// The diagnostics of a report as (rule, line, cell) triples, but for
/// `basic-license-columns-missing`: a warning about the header that most small test files,
/// written without basic license columns, get (tests/rules.rs and tests/licenses.rs look
/// at it).
pub fn findings(doc: &serde_json::Value) -> Vec<(String, u64, Option<String>)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] != "basic-license-columns-missing")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["cell"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// The standard Control Hub header used by inline test files.
pub const HEADER: &str = "First Name,Last Name,Display Name,User ID/Email (Required),User Status,Extension,Phone Number,Caller ID Number,Location,Preferred Webex Site,Webex Calling [Sub100200],Webex Voice [Sub100200],Webex Suite [Sub100200],Webex Meetings [Sub100200],Customer Assist [Sub100200],Common Area Calling [Sub100200],Basic Messaging,Basic Space Meetings,\"Call on Webex (1:1 call, non-PSTN)\"";

/// A clean Webex Calling row.
pub const CLEAN_ROW: &str =
    "Ana,Silva,Ana Silva,ana.silva@example.com,,1001,+14085550101,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE";

/// A report's text with its wrapped lines joined: each line's indentation and miette's `│`
/// gutter removed, lines joined by one space, or none after a hyphen the wrap broke at
/// (fatal errors and findings wrap to `COLUMNS`).
pub fn flat(text: &str) -> String {
    let mut joined = String::new();
    for line in text.lines() {
        let line = line.trim_start();
        let line = line.strip_prefix('│').map_or(line, str::trim_start);
        if !joined.is_empty() && !joined.ends_with('-') {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    joined
}
