//! Table-driven: every `fixtures/rules/*.csv` triggers its rule exactly once, at the line,
//! cell and column `fixtures/rules/expected.tsv` names, and nothing else.

use crate::util::{check_json, fixture};
use hubcsv::rules::{Rule, ALL};

struct Expected {
    file: String,
    rule: String,
    severity: String,
    line: Option<u64>,
    cell: Option<String>,
    column: Option<String>,
    args: Vec<String>,
}

fn dash(s: &str) -> Option<String> {
    (s != "-").then(|| s.to_owned())
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(fixture("rules/expected.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "bad line in expected.tsv: {l}");
            Expected {
                file: f[0].to_owned(),
                rule: f[1].to_owned(),
                severity: f[2].to_owned(),
                line: dash(f[3]).map(|s| s.parse().unwrap()),
                cell: dash(f[4]),
                column: dash(f[5]),
                args: dash(f[6])
                    .map(|a| a.split_whitespace().map(str::to_owned).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[test]
fn every_rule_fires_once_at_its_cell() {
    for e in expected() {
        let args: Vec<&str> = e.args.iter().map(String::as_str).collect();
        let (code, doc) = check_json(&fixture(&format!("rules/{}", e.file)), &args);
        if e.severity == "fatal" {
            assert_eq!(code, 2, "{}: fatal rules exit 2", e.file);
            assert_eq!(doc["error"]["rule"], e.rule.as_str(), "{}", e.file);
            continue;
        }
        let diags = doc["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1, "{}: expected exactly one finding, got {diags:#?}", e.file);
        let d = &diags[0];
        assert_eq!(d["rule"], e.rule.as_str(), "{}", e.file);
        assert_eq!(d["severity"], e.severity.as_str(), "{}", e.file);
        assert_eq!(d["line"].as_u64(), e.line, "{}", e.file);
        assert_eq!(d["cell"].as_str().map(str::to_owned), e.cell, "{}", e.file);
        assert_eq!(d["column"].as_str().map(str::to_owned), e.column, "{}", e.file);
        let want_code = match e.severity.as_str() {
            "error" => 1,
            _ => 0,
        };
        assert_eq!(code, want_code, "{}: exit code", e.file);
    }
}

#[test]
fn clean_file_has_no_findings() {
    let (code, doc) = check_json(&fixture("rules/clean.csv"), &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 0, "{doc:#}");
    assert!(doc["summary"]["rows"].as_u64().unwrap() >= 8);
}

/// Rules without a fixture of their own (none at the moment).
const NEEDS_STATE: &[Rule] = &[];

#[test]
fn every_csv_rule_has_a_fixture_and_every_fixture_a_line() {
    let table = expected();
    for rule in ALL {
        if NEEDS_STATE.contains(rule) {
            continue;
        }
        // Spreadsheet-only rules have an .xlsx fixture.
        let csv = format!("{}-{}.csv", rule.code(), rule.name());
        let xlsx = format!("{}-{}.xlsx", rule.code(), rule.name());
        let name = if fixture(&format!("rules/{xlsx}")).exists() { xlsx } else { csv };
        assert!(fixture(&format!("rules/{name}")).exists(), "missing fixture {name}");
        assert!(table.iter().any(|e| e.file == name && e.rule == rule.name()), "{name} not in expected.tsv");
    }
    for entry in std::fs::read_dir(fixture("rules")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "csv" || e == "xlsx") && name != "clean.csv" {
            assert!(table.iter().any(|e| e.file == name), "{name} has no line in expected.tsv");
        }
    }
}

/// A number with an extension after it (`+1-408-555-0105 ext. 12`, a Teams line URI) was
/// only "not a valid E.164 number"; the message now gives both parts.
#[test]
fn a_number_with_an_extension_says_which_is_which() {
    let csv = "User ID/Email (Required),Phone Number,Location,Webex Calling [Sub100200]\n\
               a@example.com,+1-408-555-0105 ext. 12,HQ,TRUE\n\
               b@example.com,tel:+14085550104;ext=104,HQ,TRUE\n";
    let (code, doc) = crate::util::check_bytes("ext.csv", csv.as_bytes(), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "invalid-phone-number")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`+1-408-555-0105 ext. 12` has an extension after the number: the number is `+14085550105`, the extension `12`",
            "`tel:+14085550104;ext=104` has an extension after the number: the number is `+14085550104`, the extension `104`",
        ]
    );
}
