//! `hubcsv check` as a user runs it: exit codes, stdin, line numbers, the human report.

use std::fmt::Write as _;

use crate::util::{check_bytes, check_json, findings, fixture, flat, hubcsv, run, CLEAN_ROW, HEADER};

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
    let denied = run(&["check", "--deny-warnings", file]);
    assert_eq!(denied.status.code(), Some(1));
    // The human summary says why a run without errors failed; without the flag it says nothing.
    let says = "--deny-warnings: the warning fails the run (exit 1)";
    assert!(String::from_utf8_lossy(&denied.stdout).contains(says));
    assert!(!String::from_utf8_lossy(&run(&["check", file]).stdout).contains("--deny-warnings"));
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
    assert_eq!(stderr.matches("No such file").count(), 1, "the cause once: {stderr}");
}

#[test]
fn max_bytes_names_the_limit_and_how_to_raise_it() {
    let out = run(&["check", "--max-bytes", "100", "fixtures/example/upload.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = flat(&String::from_utf8(out.stderr).unwrap());
    assert_eq!(stderr.matches("larger than --max-bytes (100 bytes)").count(), 1, "{stderr}");
    assert!(stderr.contains("raise --max-bytes"), "{stderr}");
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
fn bash_completion_completes_commands_and_flags() {
    let out = run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), &out.stdout).unwrap();
    // What bash's completion asks for after `hubcsv ch<TAB>` and `hubcsv check --cur<TAB>`.
    let ask = format!(
        "source {}; COMP_WORDS=(hubcsv ch); COMP_CWORD=1; _hubcsv hubcsv ch hubcsv; echo \"${{COMPREPLY[@]}}\"; \
         COMP_WORDS=(hubcsv check --cur); COMP_CWORD=2; _hubcsv hubcsv --cur check; echo \"${{COMPREPLY[@]}}\"",
        script.path().display()
    );
    let answer = std::process::Command::new("bash").args(["-c", &ask]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&answer.stdout), "check\n--current\n");
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
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
    assert_eq!(
        findings(&doc),
        vec![
            ("line-break-in-value".to_owned(), 3, Some("C3".to_owned())),
            ("missing-location".to_owned(), 6, Some("I4".to_owned()))
        ]
    );
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

/// A file large enough to be parsed in many pieces on several threads (about 1 MB), with
/// quoted fields that hold line breaks and commas, blank lines, CRLF and LF endings, and a
/// stray quote near the end: the report and the corrected output are the same with one
/// thread or four, and the line numbers are the editor's. Rows of the first thousand with
/// a finding make later batches check their rows over outcomes that had findings: each row
/// still reports its own user (a short row too, which only its shape is checked for), and
/// only its own findings.
#[test]
fn large_file_reads_the_same_in_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("large.csv");
    let mut data = format!("{HEADER}\r\n");
    let mut line = 2;
    let mut multiline_at = Vec::new();
    let mut users = std::collections::BTreeMap::new();
    let mut invalid_at = Vec::new();
    let mut ragged_at = 0;
    for i in 0..8_000 {
        let ext = 10_000 + i;
        let phone = format!("+1408{}{:04}", 200 + i / 10_000, i % 10_000);
        // Two hundred early users, every fifth, have a long address, all others a short one.
        let email = if i < 1_000 && i % 5 == 0 {
            format!("a.rather.long.local.part.{i}@subsidiary.example.com")
        } else {
            format!("u{i}@example.com")
        };
        let invalid = i < 1_000 && i % 7 == 3;
        users.insert(line + u64::from(!invalid && i % 97 != 0 && i % 89 == 0), email.clone());
        if i == 6_000 {
            // A short row: checked for its shape only, its user still its own.
            writeln!(data, "Gus,Berg,Gus Berg,{email},,{ext}").unwrap();
            ragged_at = line;
            line += 1;
        } else if invalid {
            // A license cell that is not TRUE or FALSE: one finding.
            writeln!(
                data,
                "Fay,Lund,Fay Lund,{email},,{ext},{phone},,HQ,,TRUE,maybe,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE"
            )
            .unwrap();
            invalid_at.push(line);
            line += 1;
        } else if i % 97 == 0 {
            // A display name over two lines: one record, two editor lines.
            writeln!(
                data,
                "Ana,Silva,\"Silva,\nAna\",{email},,{ext},{phone},,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE"
            )
            .unwrap();
            multiline_at.push(line);
            line += 2;
        } else if i % 89 == 0 {
            data.push('\n');
            line += 1;
            write!(
                data,
                "Ben,Okafor,Ben Okafor,{email},,{ext},{phone},,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\r\n"
            )
            .unwrap();
            line += 1;
        } else {
            writeln!(
                data,
                "Chloé,Martin,Chloé Martin,{email},,{ext},{phone},,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE"
            )
            .unwrap();
            line += 1;
        }
    }
    let stray_line = line;
    data.push_str("Dev,Patel,\"Dev Patel,dev@example.com,,1,+14085550999,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\n");
    data.push_str("Emma,Rossi,Emma Rossi,emma@example.com,,2,+14085550998,,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE\n");
    std::fs::write(&file, &data).unwrap();
    assert!(data.len() > 900_000);

    let jsonl =
        |threads: &str| hubcsv().args(["check", "--format", "jsonl", threads]).arg(&file).output().unwrap();
    let (one, four) = (jsonl("-j1"), jsonl("-j4"));
    assert_eq!(String::from_utf8_lossy(&one.stdout), String::from_utf8_lossy(&four.stdout));

    let (_, doc) = check_json(&file, &["-j4"]);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(doc["summary"]["rows"], 8_001, "the stray quote swallows the last row");
    let lines: Vec<u64> = rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    for at in &multiline_at {
        assert!(lines.contains(at), "a record starts on line {at}");
        assert!(!lines.contains(&(at + 1)), "line {} is inside a quoted field", at + 1);
    }
    assert_eq!(lines.last(), Some(&stray_line));
    let found = findings(&doc);
    assert!(found.iter().any(|(rule, l, _)| rule == "unclosed-quote" && *l == stray_line), "{found:?}");
    let invalid: Vec<u64> =
        found.iter().filter(|(rule, ..)| rule == "invalid-boolean").map(|(_, l, _)| *l).collect();
    assert_eq!(invalid, invalid_at);
    assert!(found.iter().any(|(rule, l, _)| rule == "ragged-row" && *l == ragged_at), "{found:?}");
    let broken: Vec<u64> =
        found.iter().filter(|(rule, ..)| rule == "line-break-in-value").map(|(_, l, _)| *l).collect();
    assert_eq!(&broken, &multiline_at, "each two-line display name is one warning");
    assert_eq!(found.len(), invalid_at.len() + multiline_at.len() + 2, "{found:?}");
    for row in &rows[..rows.len() - 1] {
        let line = row["line"].as_u64().unwrap();
        assert_eq!(row["user"].as_str(), users.get(&line).map(String::as_str), "line {line}");
    }

    let fix = |threads: &str, out: &str| {
        let out = dir.path().join(out);
        let status = hubcsv().args(["fix", "-q", threads]).arg(&file).arg("-o").arg(&out).output().unwrap();
        assert_eq!(status.status.code(), Some(1), "{}", String::from_utf8_lossy(&status.stderr));
        (std::fs::read(&out).unwrap(), std::fs::read(out.with_extension("rejected.csv")).unwrap())
    };
    assert_eq!(fix("-j1", "one.csv"), fix("-j4", "four.csv"));
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
            (13, "remove"),
            (14, "invalid"),
        ]
    );
}

/// License patterns are remembered by their text, which must tell the cells apart: a
/// quoted cell holding the delimiter inside the license columns' run (here a column
/// between two package columns) makes a text another row's cells can share. Row 3 has
/// row 2's text there, but its last package cell is `y,TRUE`: it must be read, not
/// taken for row 2's pattern.
#[test]
fn a_license_text_with_a_delimiter_inside_a_cell_is_not_a_pattern() {
    let data = "First Name,Last Name,Display Name,User ID/Email (Required),Webex Meetings [Sub100200],Department,Webex Suite [Sub100200]\n\
                Ann,Lee,Ann Lee,ann@example.com,FALSE,\"x,y\",TRUE\n\
                Bo,Kim,Bo Kim,bo@example.com,FALSE,x,\"y,TRUE\"\n";
    let (_, doc) = check_bytes("inside.csv", data.as_bytes(), &["-j1"]);
    let found = findings(&doc);
    let invalid: Vec<u64> =
        found.iter().filter(|(rule, _, _)| rule == "invalid-boolean").map(|(_, line, _)| *line).collect();
    assert_eq!(invalid, vec![3], "{found:?}");
}

#[test]
fn placeholders_and_signed_numbers_are_not_formulas() {
    // A lone `-` (HR exports' "none") and signed numbers are what a spreadsheet shows as
    // they are; `-2+3` is a formula.
    let (code, doc) = check_json(&fixture("input/placeholders.csv"), &[]);
    assert_eq!(findings(&doc), vec![("formula-injection".to_owned(), 4, Some("E4".to_owned()))], "{doc:#}");
    assert_eq!(code, 1);
}

#[test]
fn two_stray_quotes_in_one_column_do_not_swallow_a_row_silently() {
    // Line 2 opens a quote in Last Name and line 3 closes one in the same column: the record
    // has the header's four fields, but Ana's row is inside Ben's Last Name.
    let (code, doc) = check_json(&fixture("input/two-stray-quotes.csv"), &[]);
    assert_eq!(findings(&doc), vec![("unclosed-quote".to_owned(), 2, Some("B2".to_owned()))], "{doc:#}");
    assert_eq!(code, 1);
    assert_eq!(doc["rows"][0]["action"], "invalid");
}

#[test]
fn human_report_columns_count_characters_as_an_editor_does() {
    // Line 2 is longer than the report shows, with accents before the empty Location cell,
    // which starts at character 366 (byte 412).
    let out = run(&["check", "fixtures/input/long-accented-line.csv"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("fixtures/input/long-accented-line.csv:2:366]"), "{stdout}");
}

#[test]
fn zero_limits_are_refused() {
    // An upload part holds at least one user: 0 would warn on every row and split nothing;
    // a limit of 0 bytes, cells or columns would refuse every file (or, read as "no limit",
    // lift it without a word).
    for flag in ["--max-rows", "--max-bytes", "--max-cells", "--max-columns"] {
        let out = run(&["check", flag, "0", "fixtures/example/upload.csv"]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(String::from_utf8(out.stderr).unwrap().contains(flag), "{flag}");
    }
}

#[test]
fn ten_digit_numbers_without_country_code_are_not_guessed() {
    // `6468291462` with `+` restored is a New Zealand number, but ten digits without a
    // country code are most likely a US or Canada number: not fixed without --region.
    let file = fixture("phone/ten-digits-no-country-code.csv");
    let (code, doc) = check_json(&file, &[]);
    assert_eq!(code, 1);
    let rules: Vec<(String, u64, Option<String>)> = findings(&doc);
    assert_eq!(
        rules,
        vec![
            ("invalid-phone-number".to_owned(), 2, Some("C2".to_owned())),
            ("invalid-phone-number".to_owned(), 3, Some("C3".to_owned())),
            ("phone-missing-plus".to_owned(), 4, Some("C4".to_owned())),
        ]
    );
    assert!(doc["diagnostics"][0]["message"].as_str().unwrap().contains("+16468291462"));
    // Said to be US numbers, they are fixed.
    let (code, doc) = check_json(&file, &["--region", "US"]);
    assert_eq!(code, 0, "{doc:#}");
    let fixes: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["fix"].as_str().unwrap()).collect();
    assert_eq!(fixes, ["+16468291462", "+12125550123", "+14085550103"]);
}

#[test]
fn region_does_not_claim_international_numbers_that_lost_their_plus() {
    // With --region DE, `33145678900` could be a German number without its trunk `0` or a
    // French one without its `+`: not guessed. `030 1234567` (with the trunk prefix) and
    // `4155550123` (not valid with `+` alone) are German.
    let (code, doc) = check_json(&fixture("phone/region-de-lost-plus.csv"), &["--region", "DE"]);
    assert_eq!(code, 1);
    let found: Vec<(String, u64)> = findings(&doc).into_iter().map(|(r, l, _)| (r, l)).collect();
    let expected: Vec<(String, u64)> = [
        ("invalid-phone-number", 2),
        ("invalid-phone-number", 3),
        ("invalid-phone-number", 4),
        ("phone-missing-plus", 5),
        ("phone-missing-plus", 6),
    ]
    .iter()
    .map(|(r, l)| ((*r).to_owned(), *l))
    .collect();
    assert_eq!(found, expected, "{doc:#}");
    let message = doc["diagnostics"][2]["message"].as_str().unwrap();
    assert!(message.contains("+4933145678900") && message.contains("+33145678900"), "{message}");
    assert_eq!(doc["diagnostics"][4]["fix"], "+49301234567");
}

#[test]
fn a_multi_line_address_in_a_narrow_file_is_not_a_stray_quote() {
    // Three columns, and the quoted value's lines hold commas enough for a row each: but no
    // email, so no row was swallowed. It is valid CSV; a Display Name over two lines is only
    // `line-break-in-value`, a warning.
    let (code, doc) = check_json(&fixture("input/multiline-address-narrow.csv"), &[]);
    assert_eq!(findings(&doc), vec![("line-break-in-value".to_owned(), 2, Some("B2".to_owned()))], "{doc:#}");
    assert_eq!(code, 0);
}

#[test]
fn fatal_json_keys_come_in_the_documented_order() {
    let out = run(&["check", "--format", "json", "fixtures/nope.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(
            r#"{"version":1,"error":{"rule":"unreadable-file","code":"HC001","severity":"fatal","message":"#
        ),
        "{stdout}"
    );
}

#[test]
fn a_line_break_inside_a_sheet_cell_is_not_a_row_in_the_human_report() {
    // Row 3's Display Name is `Ed` and `Ko` on two lines; its Location is empty.
    let out = run(&["check", "fixtures/input/line-break-in-cell.xlsx"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("line-break-in-cell.xlsx:3:23]"), "{stdout}");
    assert!(stdout.contains(" 3 │ b@example.com,\"Ed Ko\",,1002,TRUE\n"), "{stdout}");
}

#[test]
fn standard_input_is_read_once() {
    // `-` as the input and as --current: the export would read the stream to its end and
    // leave the input empty.
    let data = std::fs::read(fixture("example/upload.csv")).unwrap();
    for cmd in [&["check", "--current", "-", "-"][..], &["fix", "--current", "-", "-", "-o", "x.csv"][..]] {
        let out = hubcsv().args(cmd).write_stdin(data.clone()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd:?}");
        assert!(String::from_utf8(out.stderr).unwrap().contains("--current both read standard input"));
    }
    assert!(!crate::util::root().join("x.csv").exists(), "nothing written");
}

#[test]
fn an_emergency_extension_stored_as_a_number_is_an_error_not_a_fix() {
    // Dropping the `.0` of `911.0` would upload the emergency number 911 as Rosa's extension;
    // Quinn's `1143.0` is still fixed.
    let (code, doc) = check_json(&fixture("input/emergency-extension-decimal.csv"), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let severities: Vec<(&str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["cell"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(severities, [("F2", "error"), ("F3", "fixed")], "{doc:#}");
    assert!(doc["diagnostics"][0]["message"].as_str().unwrap().contains("emergency"), "{doc:#}");
    assert_eq!(doc["rows"][0]["action"], "invalid");
}

#[test]
fn a_fatal_error_in_json_lines_is_a_typed_last_line() {
    // The cell limit is reached after the `input` line was streamed: the stream ends with
    // a line of type `error`, and no summary.
    let out = run(&["check", "--format", "jsonl", "--max-cells", "100", "fixtures/example/upload.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let types: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap_or("(none)")).collect();
    assert_eq!(types.first(), Some(&"input"), "{stdout}");
    assert_eq!(types.last(), Some(&"error"), "{stdout}");
    assert!(!types.contains(&"summary"), "{stdout}");
    assert_eq!(lines.last().unwrap()["error"]["rule"], "unreadable-file");
}

#[test]
fn a_template_decides_which_basic_license_columns_the_org_has() {
    // Without a template, a file with packages but no basic license column is warned once;
    // with one, the org's own columns are named instead (`template-column-missing`).
    let file = fixture("rules/HC047-basic-license-columns-missing.csv");
    let (_, doc) = check_json(&file, &[]);
    let rules = |doc: &serde_json::Value| -> Vec<(String, String)> {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["rule"].as_str().unwrap().to_owned(), d["column"].as_str().unwrap_or("-").to_owned()))
            .collect()
    };
    assert_eq!(rules(&doc), [("basic-license-columns-missing".to_owned(), "-".to_owned())]);
    let (_, doc) = check_json(&file, &["--template", "fixtures/current/rules-export.csv"]);
    let found = rules(&doc);
    assert!(!found.iter().any(|(rule, _)| rule == "basic-license-columns-missing"), "{found:?}");
    assert!(
        found.contains(&("template-column-missing".to_owned(), "Basic Messaging".to_owned())),
        "{found:?}"
    );
}

#[test]
fn email_characters_that_neither_webex_list_allows_are_errors() {
    // `~` and `|` are valid in RFC 5322 but in neither of Webex Calling's lists; `_` is in one.
    let (code, doc) = check_json(&fixture("input/email-characters-in-neither-list.csv"), &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        findings(&doc),
        [
            ("invalid-email".to_owned(), 2, Some("A2".to_owned())),
            ("invalid-email".to_owned(), 3, Some("A3".to_owned()))
        ]
    );
}

#[test]
fn a_new_calling_user_needs_both_names() {
    // Bo is a new Webex Calling user with blank names; Cy exists (User Status), so her blank
    // Last Name is no change; Di is a Meetings user.
    let (code, doc) = check_json(&fixture("input/new-calling-user-without-names.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        findings(&doc),
        [
            ("invalid-name".to_owned(), 3, Some("A3".to_owned())),
            ("invalid-name".to_owned(), 3, Some("B3".to_owned()))
        ],
        "{doc:#}"
    );
}

#[test]
fn an_add_on_for_a_user_whose_package_the_file_does_not_show_is_not_an_error() {
    // Ana exists (User Status) and her package cell is blank: she keeps a package only an
    // export could name, so Attendant Console is not judged (only `no-package` warns).
    let (code, doc) = check_json(&fixture("input/add-on-existing-user.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [("no-package".to_owned(), 2, None)]);
}

#[test]
fn a_file_without_user_package_columns_has_no_no_package() {
    // Common Area Calling is the only package column: nothing to assign a user, nothing to
    // warn about.
    let (code, doc) = check_json(&fixture("input/common-area-only-column.csv"), &[]);
    assert_eq!((code, findings(&doc)), (0, vec![]), "{doc:#}");
}

#[test]
fn a_stray_quote_on_a_short_line_swallowing_the_next_row_is_found() {
    // `a@example.com,"Al` lacks its last field; the quote closes on the next line, a whole
    // row with its own email: one record of the header's width, and b@example.com gone.
    let (code, doc) = check_json(&fixture("input/stray-quote-short-line.csv"), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc), vec![("unclosed-quote".to_owned(), 2, Some("B2".to_owned()))], "{doc:#}");
}

#[test]
fn a_duplicate_names_the_first_row_by_line_and_cell() {
    // Zoe's Display Name spans three lines: Ana's row is line 5 in an editor, row 3 in a
    // spreadsheet; the repeat names both.
    let (_, doc) = check_json(&fixture("input/duplicate-after-multiline.csv"), &[]);
    let messages: Vec<(&str, &str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"].as_str().unwrap().starts_with("duplicate"))
        .map(|d| (d["rule"].as_str().unwrap(), d["cell"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        messages,
        vec![
            ("duplicate-user", "D4", "`ana@example.com` is also on line 5, D3"),
            ("duplicate-extension", "F4", "extension `1001` is also used in the same location on line 5, F3"),
        ]
    );
}

#[test]
fn a_list_of_addresses_over_lines_in_an_unknown_column_is_valid() {
    // `Delegates` is not a Control Hub column: its quoted value may run over lines, emails
    // and commas included; no row was swallowed.
    let (code, doc) = check_json(&fixture("input/address-list-in-unknown-column.csv"), &[]);
    assert_eq!(findings(&doc), vec![("unknown-column".to_owned(), 1, Some("B1".to_owned()))], "{doc:#}");
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["actions"]["add"], 2);
}

/// `--max-cells` names the line of the row that crossed the limit, not the last line of the
/// batch it was read in: 100 cells are five rows of the example's 20 columns, so the sixth
/// (line 7) is the first over.
#[test]
fn max_cells_names_the_row_that_crossed_the_limit() {
    let out = run(&["check", "--max-cells", "100", "fixtures/example/upload.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = flat(&String::from_utf8(out.stderr).unwrap());
    assert!(
        stderr.contains("fixtures/example/upload.csv:7: the file has more than --max-cells (100) cells"),
        "{stderr}"
    );
}
