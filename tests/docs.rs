//! The samples in README.md and docs/*.md are what the binary really prints and writes
//! (the rule pages are checked by tests/explain.rs, the README's tour by tests/human.rs).

use std::path::Path;

use crate::util::{check_json, fixture, hubcsv, root};

fn read_doc(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap()
}

/// The first fenced block of language `lang` after `marker` in `doc`.
fn block_after<'a>(doc: &'a str, marker: &str, lang: &str) -> &'a str {
    let at = doc.find(marker).unwrap_or_else(|| panic!("`{marker}` is not in the doc"));
    let fence = format!("```{lang}\n");
    let start = at + doc[at..].find(&fence).unwrap() + fence.len();
    let end = start + doc[start..].find("```").unwrap();
    &doc[start..end]
}

fn text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n")
}

#[test]
fn fix_md_before_and_after_are_real() {
    let doc = read_doc("docs/fix.md");
    let before = block_after(&doc, "Before (as an admin typed it in Excel)", "csv");
    let after = block_after(&doc, "After `hubcsv fix`", "csv");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("upload.csv"), before).unwrap();
    let out =
        hubcsv().current_dir(dir.path()).args(["fix", "upload.csv", "-o", "fixed.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text(&dir.path().join("fixed.csv")), after);
}

#[test]
fn profiles_md_worked_example_is_real() {
    let doc = read_doc("docs/profiles.md");
    let hr = block_after(&doc, "The HR export `fixtures/profiles/rh-fr.csv`", "text");
    assert_eq!(hr, text(&fixture("profiles/rh-fr.csv")), "the HR file as the page shows it");
    for (marker, file) in [
        ("`fixtures/profiles/fr.toml`:", "fr.toml"),
        ("(`fixtures/profiles/catalogue-flags.toml`):", "catalogue-flags.toml"),
    ] {
        let shown: toml::Table = toml::from_str(block_after(&doc, marker, "toml")).unwrap();
        let real: toml::Table = toml::from_str(&text(&fixture("profiles").join(file))).unwrap();
        assert_eq!(shown, real, "{file} as the page shows it");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = hubcsv()
        .args(["fix", "--profile", "fixtures/profiles/fr.toml", "fixtures/profiles/rh-fr.csv", "-o"])
        .arg(dir.path().join("upload.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "Thảo's unmapped offer is rejected");
    let upload = block_after(&doc, "`upload.csv` (snapshot", "text");
    assert_eq!(text(&dir.path().join("upload.csv")), upload);
    let (code, report) = check_json(&dir.path().join("upload.csv"), &[]);
    assert_eq!(
        (code, &report["summary"]["errors"], &report["summary"]["warnings"]),
        (0, &0.into(), &0.into())
    );
}

#[test]
fn profiles_md_lists_every_builtin_alias() {
    let doc = read_doc("docs/profiles.md").to_lowercase();
    let list = &doc[doc.find("built-in aliases (no profile needed)").unwrap()..];
    for (alias, canonical) in hubcsv::schema::profile::BUILTIN_ALIASES {
        assert!(
            list.contains(&format!("`{alias}`")),
            "docs/profiles.md does not list `{alias}` -> `{canonical}`"
        );
    }
}

/// docs/report-format.md's JSON document is the bundled example's report: the same members,
/// the same input and summary, and its row and finding as hubcsv writes them.
#[test]
fn report_format_json_sample_is_the_example_report() {
    let doc = read_doc("docs/report-format.md");
    let shown: serde_json::Value = serde_json::from_str(block_after(&doc, "One document:", "json")).unwrap();
    let (_, real) = check_json(&fixture("example/upload.csv"), &[]);
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&shown), keys(&real));
    let mut input = real["input"].clone();
    input["path"] = shown["input"]["path"].clone();
    assert_eq!(shown["input"], input);
    assert_eq!(shown["summary"], real["summary"]);
    assert_eq!(shown["rows"][0], real["rows"][0]);
    let finding = &shown["diagnostics"][0];
    let real = real["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == finding["code"]).unwrap();
    assert_eq!(keys(finding), keys(real));
    for (key, value) in finding.as_object().unwrap() {
        if value != "..." {
            assert_eq!(value, &real[key], "diagnostics[].{key}");
        }
    }
}

/// The long options of a `--help` text.
fn long_flags(help: &str) -> Vec<String> {
    let mut flags: Vec<String> = help
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("--"))
        .map(|w| w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .map(|w| format!("--{w}"))
        .collect();
    flags.sort();
    flags.dedup();
    flags
}

/// Every option of `check` and `fix` is in README.md's table or docs/fix.md, and every
/// option these documents name exists.
#[test]
fn documented_options_are_the_real_ones() {
    let help =
        |cmd: &str| String::from_utf8(hubcsv().args([cmd, "--help"]).output().unwrap().stdout).unwrap();
    let (check, fix) = (help("check"), help("fix"));
    let readme = read_doc("README.md");
    let fix_md = read_doc("docs/fix.md");
    for flag in long_flags(&check).iter().chain(&long_flags(&fix)).filter(|f| *f != "--help") {
        let named = format!("`{flag}");
        assert!(readme.contains(&named) || fix_md.contains(&named), "{flag} is documented nowhere");
    }
    for flag in long_flags(&readme).into_iter().chain(long_flags(&fix_md)) {
        let real = check.contains(&format!("{flag} ")) || check.contains(&format!("{flag}\n"));
        let real = real || fix.contains(&format!("{flag} ")) || fix.contains(&format!("{flag}\n"));
        let other = ["--help", "--path", "--release", "--open"].contains(&flag.as_str());
        assert!(real || other, "{flag} is documented but is not an option");
    }
}

/// `--help` points at documents a user has: the repository's docs, not the product contract.
#[test]
fn help_names_the_report_format_page() {
    for cmd in ["check", "fix"] {
        let help = String::from_utf8(hubcsv().args([cmd, "--help"]).output().unwrap().stdout).unwrap();
        assert!(!help.contains("contract"), "{help}");
        assert!(help.contains("json:  One JSON document (docs/report-format.md)"), "{help}");
    }
}

/// profiles.md's `invalid-profile` sample is the real report (at 100 columns).
#[test]
fn profiles_md_invalid_profile_sample_is_real() {
    let doc = read_doc("docs/profiles.md");
    let shown = block_after(&doc, "and points\nat the line:", "text");
    let out = hubcsv()
        .args(["check", "--profile", "fixtures/profiles/typo-column.toml", "fixtures/profiles/rh-fr.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.ends_with(shown), "the page shows\n{shown}\nhubcsv prints\n{stderr}");
}

/// report-format.md: a workbook's `input` has a sheet and no delimiter.
#[test]
fn a_workbook_input_has_a_sheet_and_no_delimiter() {
    let (_, doc) = check_json(&fixture("input/packages.xlsx"), &[]);
    assert_eq!(doc["input"]["delimiter"], serde_json::Value::Null);
    assert_eq!(doc["input"]["sheet"], "Users");
    assert_eq!(
        (&doc["input"]["encoding"], &doc["input"]["encoding_reason"]),
        (&"utf-8".into(), &"workbook".into())
    );
}

/// Every `--help`, snapshotted: a change of an option's name, default or text shows in review
/// (house style §4), and README.md's option table is checked against them above.
#[test]
fn help_texts() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["fix", "--help"],
        &["explain", "--help"],
        &["profile", "init", "--help"],
    ] {
        let out = hubcsv().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let name = std::iter::once("help_hubcsv").chain(args[..args.len() - 1].iter().copied());
        let name = name.collect::<Vec<_>>().join("_");
        insta::assert_snapshot!(name, String::from_utf8(out.stdout).unwrap());
    }
}
