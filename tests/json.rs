//! The JSON and JSON Lines reports carry exactly the contract's fields (contract §6).

use crate::util::{check_json, fixture, hubcsv};

const INPUT: &[&str] = &["path", "format", "encoding", "delimiter", "sheet", "rows"];
const SUMMARY: &[&str] = &["rows", "errors", "warnings", "fixed", "actions"];
const ACTIONS: &[&str] = &["add", "modify", "remove", "unchanged", "invalid"];
const ROW: &[&str] = &["line", "user", "action", "package", "evidence", "changes"];
const DIAGNOSTIC: &[&str] =
    &["rule", "code", "severity", "line", "column", "cell", "user", "value", "message", "help"];

fn has_fields(value: &serde_json::Value, fields: &[&str], what: &str) {
    let obj = value.as_object().unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    for f in fields {
        assert!(obj.contains_key(*f), "{what} lacks `{f}`: {value}");
    }
}

#[test]
fn json_document_has_every_contract_field() {
    let (_, doc) = check_json(&fixture("example/upload.csv"), &[]);
    assert_eq!(doc["version"], 1);
    has_fields(&doc["input"], INPUT, "input");
    has_fields(&doc["summary"], SUMMARY, "summary");
    has_fields(&doc["summary"]["actions"], ACTIONS, "summary.actions");
    assert_eq!(doc["input"]["format"], "csv");
    assert_eq!(doc["input"]["encoding"], "utf-8");
    assert_eq!(doc["input"]["delimiter"], ",");
    assert_eq!(doc["input"]["rows"], 13);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 13);
    for r in rows {
        has_fields(r, ROW, "row");
        assert_eq!(r["evidence"], "user-status");
    }
    let diags = doc["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty());
    for d in diags {
        has_fields(d, DIAGNOSTIC, "diagnostic");
        let code = d["code"].as_str().unwrap();
        let rule = hubcsv::Rule::lookup(code).unwrap();
        assert_eq!(d["rule"], rule.name());
        assert!(["error", "warning", "fixed"].contains(&d["severity"].as_str().unwrap()));
    }
    let s = &doc["summary"];
    let count = |sev: &str| diags.iter().filter(|d| d["severity"] == sev).count() as u64;
    assert_eq!(s["errors"].as_u64(), Some(count("error")));
    assert_eq!(s["warnings"].as_u64(), Some(count("warning")));
    assert_eq!(s["fixed"].as_u64(), Some(count("fixed")));
    let total: u64 = ACTIONS.iter().map(|a| s["actions"][a].as_u64().unwrap()).sum();
    assert_eq!(total, s["rows"].as_u64().unwrap());
}

#[test]
fn fixed_findings_carry_the_new_value() {
    let (_, doc) = check_json(&fixture("rules/HC017-phone-missing-plus.csv"), &[]);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["value"], "14085550136");
    assert_eq!(d["fix"], "+14085550136");
}

#[test]
fn jsonl_streams_the_same_diagnostics_and_rows() {
    let file = fixture("example/upload.csv");
    let (_, doc) = check_json(&file, &[]);
    let out = hubcsv().args(["check", "--format", "jsonl"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.first().unwrap()["type"], "input");
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert_eq!(lines.last().unwrap()["summary"], doc["summary"]);
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("type");
        v
    };
    let diags: Vec<_> = lines.iter().filter(|l| l["type"] == "diagnostic").map(strip).collect();
    let rows: Vec<_> = lines.iter().filter(|l| l["type"] == "row").map(strip).collect();
    assert_eq!(&diags, doc["diagnostics"].as_array().unwrap());
    assert_eq!(&rows, doc["rows"].as_array().unwrap());
}

#[test]
fn fatal_error_in_json_mode_is_json() {
    let (code, doc) = check_json(&fixture("rules/HC005-missing-email-column.csv"), &[]);
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["code"], "HC005");
    assert!(doc["error"]["help"].as_str().unwrap().contains("User ID/Email (Required)"));
}
