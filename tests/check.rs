//! `hubcsv check` as a user runs it: exit codes, stdin, line numbers, the human report.

use crate::util::{check_bytes, findings, fixture, hubcsv, run, CLEAN_ROW, HEADER};

#[test]
fn bundled_example_human_report() {
    let out = run(&["check", "fixtures/example/upload.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("example_human", stdout);
}

#[test]
fn bundled_example_quiet_human_report() {
    let out = run(&["check", "-q", "fixtures/example/upload.csv"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains("HC017"), "quiet hides fixed findings");
    assert!(stdout.contains("HC014 missing-location"));
}

#[test]
fn clean_file_exits_zero() {
    let out = run(&["check", "fixtures/rules/clean.csv"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn warnings_exit_zero_unless_denied() {
    let file = "fixtures/rules/HC022-missing-preferred-site.csv";
    assert_eq!(run(&["check", file]).status.code(), Some(0));
    assert_eq!(run(&["check", "--deny-warnings", file]).status.code(), Some(1));
}

#[test]
fn reads_standard_input() {
    let data = std::fs::read(fixture("rules/HC014-missing-location.csv")).unwrap();
    let out = hubcsv().args(["check", "--format", "json", "-"]).write_stdin(data).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["input"]["path"], "<stdin>");
    assert_eq!(findings(&doc), vec![("missing-location".to_owned(), 3, Some("I3".to_owned()))]);
}

#[test]
fn missing_file_exits_two_with_the_path() {
    let out = run(&["check", "fixtures/nope.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("fixtures/nope.csv"), "{stderr}");
    assert!(stderr.contains("HC001"), "{stderr}");
}

#[test]
fn directory_exits_two() {
    assert_eq!(run(&["check", "fixtures"]).status.code(), Some(2));
}

#[test]
fn empty_file_is_unreadable() {
    let (code, doc) = check_bytes("empty.csv", b"", &[]);
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["rule"], "unreadable-file");
}

#[test]
fn bad_usage_exits_two() {
    assert_eq!(run(&["check", "--format", "xml", "x.csv"]).status.code(), Some(2));
    assert_eq!(run(&["check", "--region", "ZZZ", "x.csv"]).status.code(), Some(2));
}

#[test]
fn line_numbers_count_quoted_line_breaks() {
    // Row 2's Display Name spans three editor lines, so the next record starts on line 5,
    // while a spreadsheet shows it as row 3.
    let data = format!(
        "{HEADER}\n{CLEAN_ROW}\nBen,Okafor,\"Ben\nthe\nOkafor\",ben@example.com,,1002,+14085550102,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\nCy,Moss,Cy Moss,cy@example.com,,1003,+14085550103,,,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\n"
    );
    let (code, doc) = check_bytes("multiline.csv", data.as_bytes(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc), vec![("missing-location".to_owned(), 6, Some("I4".to_owned()))]);
    assert_eq!(doc["rows"][2]["line"], 6);
}

#[test]
fn stray_quote_swallowing_the_rest_is_an_error() {
    let data = format!(
        "{HEADER}\n{CLEAN_ROW}\nBen,Okafor,\"Ben Okafor,ben@example.com,,1002,+14085550102,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\nCy,Moss,Cy Moss,cy@example.com,,1003,+14085550103,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\n"
    );
    let (code, doc) = check_bytes("stray.csv", data.as_bytes(), &[]);
    assert_eq!(code, 1, "never reported clean");
    assert_eq!(findings(&doc), vec![("unclosed-quote".to_owned(), 3, Some("C3".to_owned()))]);
    assert_eq!(doc["summary"]["actions"]["invalid"], 1);
}

#[test]
fn stray_quote_closed_by_a_later_quote_is_an_error() {
    // The quote opened on line 3 closes on line 5: rows 4 and 5 were swallowed.
    let data = format!(
        "{HEADER}\n{CLEAN_ROW}\nBen,Okafor,\"Ben Okafor,ben@example.com,,1002,+14085550102,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\nCy,Moss,Cy Moss,cy@example.com,,1003,+14085550103,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\nDi,Lu,\"Di\" Lu,di@example.com,,1004,+14085550104,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\n"
    );
    let (code, doc) = check_bytes("stray2.csv", data.as_bytes(), &[]);
    assert_eq!(code, 1);
    let f = findings(&doc);
    assert_eq!(f[0], ("unclosed-quote".to_owned(), 3, Some("C3".to_owned())), "{f:?}");
}

#[test]
fn legit_multiline_field_is_fine() {
    let data = format!(
        "{HEADER}\nBen,Okafor,\"Ben\nOkafor\",ben@example.com,,1002,+14085550102,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\n"
    );
    let (code, doc) = check_bytes("ok.csv", data.as_bytes(), &[]);
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn utf8_bom_and_crlf_are_read() {
    let data = format!("\u{FEFF}{HEADER}\r\n{CLEAN_ROW}\r\n");
    let (code, doc) = check_bytes("bom.csv", data.as_bytes(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["input"]["encoding_reason"], "bom");
    assert_eq!(doc["rows"][0]["user"], "ana.silva@example.com");
}

#[test]
fn blank_rows_are_not_users() {
    let data = format!("\n{HEADER}\n{CLEAN_ROW}\n,,,,,,,,,,,,,,,,,,\n\n");
    let (code, doc) = check_bytes("blank.csv", data.as_bytes(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["rows"], 1);
    assert_eq!(doc["rows"][0]["line"], 3);
}

#[test]
fn output_order_does_not_depend_on_threads() {
    let file = fixture("example/upload.csv");
    let one = hubcsv().args(["check", "--format", "jsonl", "-j1"]).arg(&file).output().unwrap();
    let many = hubcsv().args(["check", "--format", "jsonl", "-j4"]).arg(&file).output().unwrap();
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn actions_of_the_bundled_example() {
    let (_, doc) = crate::util::check_json(&fixture("example/upload.csv"), &[]);
    let actions: Vec<(u64, &str)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (2, "add"),
            (3, "modify"),
            (4, "remove"),
            (5, "invalid"),
            (6, "add"),
            (7, "add"),
            (8, "add"),
            (9, "modify"),
            (10, "invalid"),
            (11, "modify"),
            (12, "invalid"),
            (13, "add"),
            (14, "invalid"),
        ]
    );
}
