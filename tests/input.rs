//! Inputs as admins have them (contract §1): every format and encoding reads to the same
//! users and findings as the same data in a UTF-8 comma CSV, and loses no character.

use serde_json::Value;

use crate::util::{check_json, fixture, hubcsv};

/// (fixture, its UTF-8 comma twin, format, encoding, `encoding_reason`, delimiter, sheet)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

const CASES: &[Case] = &[
    ("input/utf8-comma.csv", "input/utf8-comma.csv", "csv", "utf-8", "valid-utf-8", Some(","), None),
    ("input/utf16le-tab-bom.csv", "input/utf8-comma.csv", "csv", "utf-16le", "bom", Some("\t"), None),
    (
        "input/cp1252-semicolon-french-excel.csv",
        "input/utf8-comma-french-excel.csv",
        "csv",
        "windows-1252",
        "fallback",
        Some(";"),
        None,
    ),
    ("input/packages.xlsx", "input/utf8-comma.csv", "xlsx", "utf-8", "workbook", None, Some("Users")),
    ("input/packages.ods", "input/utf8-comma.csv", "ods", "utf-8", "workbook", None, Some("Users")),
    ("input/packages.xls", "input/utf8-comma.csv", "xls", "utf-8", "workbook", None, Some("Users")),
    ("input/packages.xlsb", "input/utf8-comma.csv", "xlsb", "utf-8", "workbook", None, Some("Users")),
];

/// What must be the same whatever the file format: rows and findings.
fn essence(doc: &Value) -> (Value, Vec<(Value, Value, Value, Value)>) {
    let diags = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].clone(), d["line"].clone(), d["cell"].clone(), d["value"].clone()))
        .collect();
    (doc["rows"].clone(), diags)
}

#[test]
fn every_format_reads_like_its_utf8_twin() {
    for (file, twin, format, encoding, reason, delimiter, sheet) in CASES {
        let (code, doc) = check_json(&fixture(file), &[]);
        assert_ne!(code, 2, "{file}: {doc:#}");
        let input = &doc["input"];
        assert_eq!(input["format"], *format, "{file}");
        assert_eq!(input["encoding"], *encoding, "{file}");
        assert_eq!(input["encoding_reason"], *reason, "{file}");
        assert_eq!(input["delimiter"].as_str(), *delimiter, "{file}");
        assert_eq!(input["sheet"].as_str(), *sheet, "{file}");
        let (_, twin_doc) = check_json(&fixture(twin), &[]);
        assert_eq!(essence(&doc), essence(&twin_doc), "{file} reads differently from {twin}");
    }
}

#[test]
fn no_character_is_lost_on_any_path() {
    let dir = tempfile::tempdir().unwrap();
    let corrected = |file: &str| {
        let out = dir.path().join(format!("{}.csv", file.replace('/', "_")));
        let run =
            hubcsv().args(["fix", "-q", "--force"]).arg(fixture(file)).arg("-o").arg(&out).output().unwrap();
        assert_ne!(run.status.code(), Some(2), "{file}: {}", String::from_utf8_lossy(&run.stderr));
        let rejected = out.with_extension("rejected.csv");
        std::fs::read_to_string(&out).unwrap() + &std::fs::read_to_string(rejected).unwrap()
    };
    let reference = corrected("input/utf8-comma.csv");
    for name in ["Dupré, Inès", "山田 美咲", "Zoë 🎉 Müller", "Søren Østergaard"] {
        assert!(reference.contains(name), "{name} missing from\n{reference}");
    }
    for (file, twin, ..) in CASES {
        assert_eq!(corrected(file), corrected(twin), "{file}: corrected output differs from {twin}'s");
    }
}

#[test]
fn spreadsheet_numbers_read_as_typed() {
    // The phone stored as the number 14085550102 reads "14085550102" (no ".0", no exponent),
    // and gets its "+" back.
    for file in ["input/packages.xlsx", "input/packages.xlsb", "input/packages.xls", "input/packages.ods"] {
        let (_, doc) = check_json(&fixture(file), &[]);
        let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "phone-missing-plus");
        let d = d.unwrap_or_else(|| panic!("{file}: no phone-missing-plus in {doc:#}"));
        assert_eq!(d["value"], "14085550102", "{file}");
        assert_eq!(d["cell"], "F3", "{file}");
        assert_eq!(d["fix"], "+14085550102", "{file}");
    }
}

#[test]
fn spreadsheet_from_stdin() {
    let data = std::fs::read(fixture("input/packages.xlsx")).unwrap();
    let out = hubcsv().args(["check", "--format", "json", "-"]).write_stdin(data).output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"]["format"], "xlsx");
    assert_eq!(doc["summary"]["rows"], 6);
}

#[test]
fn sheet_by_name_or_index_and_missing_sheet() {
    let file = fixture("input/packages.xlsx");
    let (_, by_index) = check_json(&file, &["--sheet", "1"]);
    assert_eq!(by_index["input"]["sheet"], "Users");
    let (code, doc) = check_json(&file, &["--sheet", "Staff"]);
    assert_eq!(code, 2);
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains("no sheet `Staff`") && message.contains("Users"), "{message}");
    let help = doc["error"]["help"].as_str().unwrap();
    assert!(help.contains("--sheet") && !help.contains("password"), "{help}");
}

#[test]
fn overrides_win_over_sniffing() {
    let file = fixture("input/cp1252-semicolon-french-excel.csv");
    let (_, doc) = check_json(&file, &["--encoding", "latin1", "--delimiter", ";"]);
    assert_eq!(doc["input"]["encoding"], "windows-1252");
    assert_eq!(doc["input"]["encoding_reason"], "override");
    // Read as UTF-8 on purpose, the Windows-1252 bytes are invalid: a clear error, exit 2.
    let (code, doc) = check_json(&file, &["--encoding", "utf-8"]);
    assert_eq!(code, 2);
    assert!(doc["error"]["message"].as_str().unwrap().contains("invalid UTF-8"), "{doc:#}");
}

#[test]
fn french_booleans_are_understood() {
    let (_, doc) = check_json(&fixture("input/cp1252-semicolon-french-excel.csv"), &[]);
    let vrai = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "non-canonical-boolean" && d["value"] == "VRAI")
        .count();
    assert!(vrai >= 2, "{doc:#}");
}

#[test]
fn a_hidden_first_sheet_is_not_the_default() {
    // `Notes` is first but hidden; `Users` is the sheet a person sees on opening the file.
    let (code, doc) = check_json(&fixture("input/hidden-first-sheet.xlsx"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["input"]["sheet"], "Users");
    // Asked for, the hidden sheet is read.
    let (code, doc) = check_json(&fixture("input/hidden-first-sheet.xlsx"), &["--sheet", "Notes"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["error"]["rule"], "missing-email-column");
}

#[test]
fn formulas_without_a_saved_result_are_errors_not_blanks() {
    // openpyxl writes `=TRUE()` with no result: read as blank, Ben's Webex Calling would be
    // "no change" and his row uploaded without a package.
    let (code, doc) = crate::util::check_json(&fixture("input/formulas-without-results.xlsx"), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let found: Vec<_> =
        crate::util::findings(&doc).into_iter().filter(|(rule, _, _)| rule == "cell-error").collect();
    assert_eq!(
        found,
        [
            ("cell-error".to_owned(), 3, Some("F3".to_owned())),
            ("cell-error".to_owned(), 3, Some("G3".to_owned()))
        ],
        "{doc:#}"
    );
    assert!(doc["diagnostics"][0]["message"].as_str().unwrap().contains("never saved"), "{doc:#}");
    assert_eq!(doc["rows"][1]["action"], "invalid");
}

#[test]
fn formulas_without_a_saved_result_are_errors_on_every_reader() {
    // The same formulas read by calamine: an xlsx with a date format (which hubcsv's
    // parallel reader leaves to calamine), and an ods. calamine gives such a cell as empty:
    // they must be reported as the parallel reader reports them, not read as "no change".
    let cell_errors = |doc: &Value| -> Vec<Value> {
        let diags = doc["diagnostics"].as_array().unwrap();
        diags
            .iter()
            .filter(|d| d["rule"] == "cell-error")
            .map(|d| serde_json::json!([d["line"], d["cell"], d["value"], d["message"], d["help"]]))
            .collect()
    };
    let (_, fast) = check_json(&fixture("input/formulas-without-results.xlsx"), &[]);
    let expected = cell_errors(&fast);
    assert_eq!(expected.len(), 2, "{fast:#}");
    // And cells typed as booleans (`t="b"`) with an empty `<v>`: they read as TRUE, with a
    // basic-license finding on that TRUE.
    for file in [
        "input/formulas-without-results-and-a-date.xlsx",
        "input/formulas-without-results.ods",
        "input/formulas-without-results-typed.xlsx",
    ] {
        let (code, doc) = check_json(&fixture(file), &[]);
        assert_eq!(code, 1, "{file}: {doc:#}");
        assert_eq!(cell_errors(&doc), expected, "{file}: {doc:#}");
        assert_eq!(doc["rows"][1]["action"], "invalid", "{file}: {doc:#}");
    }
}

#[test]
fn numbers_shown_with_leading_zeros_keep_them() {
    // Extension 42 and 7 in a `0000` format show as 0042 and 0007; postal codes in `00000`
    // show their zeros too. They are written as shown, with no finding.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q"])
        .arg(fixture("input/zero-padded-numbers.xlsx"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    let fixed = std::fs::read_to_string(&out).unwrap();
    assert!(fixed.contains("\r\nAna,ana@example.com,0042,+14085550101,HQ,TRUE,FALSE,02134\r\n"), "{fixed}");
    assert!(fixed.contains("\r\nBen,ben@example.com,0007,+14085550102,HQ,TRUE,FALSE,00501\r\n"), "{fixed}");
    let (_, doc) = check_json(&fixture("input/zero-padded-numbers.xlsx"), &[]);
    assert_eq!(crate::util::findings(&doc), [], "{doc:#}");
}

#[test]
fn a_value_right_of_a_sheets_table_is_named_by_its_column() {
    // A sheet without a `<dimension>` (as streaming writers leave it): Ana has a note in
    // I2, right of the last header (G). Not the CSV advice about unquoted commas.
    let (code, doc) = check_json(&fixture("input/value-right-of-table-no-dimension.xlsx"), &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(crate::util::findings(&doc), [("ragged-row".to_owned(), 2, Some("I2".to_owned()))]);
    let d = &doc["diagnostics"][0];
    assert!(
        d["message"].as_str().unwrap().contains("column I, right of the table's last header (G)"),
        "{doc:#}"
    );
    assert!(!d["help"].as_str().unwrap().contains("comma"), "{doc:#}");
    // The human report points at the cell, not at the whole row.
    let out = crate::util::run(&["check", "fixtures/input/value-right-of-table-no-dimension.xlsx"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("╰── I2\n"), "{text}");
}

#[test]
fn a_sheet_without_the_table_is_named_and_help_points_at_sheet() {
    // The first visible sheet is instructions; the users are on `Users`.
    let out = crate::util::run(&["check", "fixtures/input/instructions-sheet-first.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = crate::util::flat(&String::from_utf8(out.stderr).unwrap());
    assert!(
        stderr.contains(
            "instructions-sheet-first.xlsx (sheet `Instructions`): no `User ID/Email (Required)` column"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("--sheet NAME"), "{stderr}");
    let out =
        crate::util::run(&["check", "--sheet", "Users", "fixtures/input/instructions-sheet-first.xlsx"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn an_option_for_the_other_kind_of_file_is_refused() {
    // --sheet on a CSV, --encoding on a workbook: a mistake about the file, not ignored.
    for (args, says) in [
        (
            &["check", "--sheet", "Users", "fixtures/example/upload.csv"][..],
            "--sheet chooses a sheet of a workbook",
        ),
        (
            &["check", "--encoding", "utf-16le", "fixtures/input/packages.xlsx"],
            "--encoding applies to CSV text",
        ),
    ] {
        let out = crate::util::run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8(out.stderr).unwrap().contains(says), "{args:?}");
    }
}
