//! The human report as a user reads it: labels, `fixed` one-liners, long values, the summary.

use crate::util::*;

/// The human report of `hubcsv check ARGS...` (stdout).
fn report(args: &[&str]) -> String {
    let out = run(&[&["check"], args].concat());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn an_empty_last_cell_is_labelled_after_the_last_delimiter() {
    let label =
        "   ·                                 ┬\n   ·                                 ╰── E3 Location\n";
    for file in [
        "empty-last-cell.csv",
        "empty-last-cell-crlf.csv",
        "empty-last-cell-noeol.csv",
        "empty-last-cell.xlsx",
    ] {
        let stdout = report(&[fixture(&format!("input/{file}")).to_str().unwrap()]);
        assert!(
            stdout.contains(&format!("{file}:3:33]\n 3 │ ben@example.com,1002,TRUE,FALSE,\n{label}")),
            "{stdout}"
        );
    }
}

#[test]
fn a_cell_under_a_blank_header_is_labelled_with_its_cell() {
    let stdout = report(&["fixtures/input/blank-header-with-data.csv"]);
    assert!(
        stdout.contains("   ·                                                            ╰── F1\n"),
        "{stdout}"
    );
}

#[test]
fn an_empty_last_sheet_cell_with_a_formula_error_is_labelled() {
    let stdout = report(&["fixtures/input/formulas-without-results.xlsx"]);
    assert!(stdout.contains("╰── G3 Basic Messaging\n"), "{stdout}");
}

#[test]
fn fixed_lines_show_invisible_characters_escaped() {
    let stdout = report(&["fixtures/input/invisible-characters-fixed.csv"]);
    for line in [
        "fixed fixtures/input/invisible-characters-fixed.csv:2 A2 First Name: `Ana<U+200B>` -> `Ana` (HC033 whitespace)\n",
        "fixed fixtures/input/invisible-characters-fixed.csv:2 C2 Display Name: `Ana<U+00A0>Silva` -> `Ana Silva` (HC033 whitespace)\n",
        "fixed fixtures/input/invisible-characters-fixed.csv:2 I2 Location: `HQ<U+0009>` -> `HQ` (HC033 whitespace)\n",
    ] {
        assert!(stdout.contains(line), "{stdout}");
    }
    let stdout = report(&["fixtures/input/invisible-and-decomposed-headers.csv"]);
    assert!(stdout.contains("`jose@example.com<U+200E>` -> `jose@example.com`"), "{stdout}");
    // JSON keeps the exact values.
    let (_, doc) = check_json(&fixture("input/invisible-characters-fixed.csv"), &[]);
    assert_eq!(doc["diagnostics"][0]["value"], "Ana\u{200B}");
    assert_eq!(doc["diagnostics"][1]["value"], "Ana\u{A0}Silva");
}

#[test]
fn a_fixed_line_with_a_line_break_in_its_value_stays_one_line() {
    let stdout = report(&["fixtures/input/line-break-values-fixed.csv"]);
    assert!(
        stdout.contains(
            "fixed fixtures/input/line-break-values-fixed.csv:2 C2 Display Name: ` Ana<U+000A>Silva ` -> `Ana<U+000A>Silva` (HC033 whitespace)\n"
        ),
        "{stdout}"
    );
}

/// What a terminal receives from `hubcsv ARGS...` run on one (stdout and stderr both), via
/// util-linux's `script` (Debian's essential `bsdutils`).
fn on_a_terminal(args: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("hubcsv");
    let out = std::process::Command::new("script")
        .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("util-linux's `script` runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What the terminal shows before `needle` on its line: the text after the line's last
/// erase (`ESC [2K`) and carriage return.
fn before_on_line<'a>(text: &'a str, needle: &str) -> &'a str {
    let at = text.find(needle).unwrap_or_else(|| panic!("no {needle:?} in {text:?}"));
    let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
    let line = line.rsplit("\x1b[2K").next().unwrap_or(line);
    line.rsplit('\r').next().unwrap_or(line)
}

#[test]
fn the_progress_line_is_cleared_before_the_report_on_a_terminal() {
    // Drawn from the start (not after 0.3 s), so a small file shows it.
    let text = on_a_terminal("check --progress-after 0 fixtures/rules/HC014-missing-location.csv");
    assert!(text.contains("rows checked"), "the bar shows on a terminal: {text:?}");
    assert_eq!(before_on_line(&text, "HC014 missing-location"), "", "{text:?}");
    assert_eq!(before_on_line(&text, "fixtures/rules/HC014-missing-location.csv (csv"), "", "{text:?}");
}

#[test]
fn the_progress_line_never_shows_with_json_or_when_stderr_is_piped() {
    let text =
        on_a_terminal("check --format json --progress-after 0 fixtures/rules/HC014-missing-location.csv");
    assert!(!text.contains("rows checked"), "{text:?}");
    let doc: serde_json::Value = serde_json::from_str(&text.replace('\r', "")).unwrap();
    assert_eq!(doc["summary"]["errors"], 1);
    for format in ["human", "json", "jsonl"] {
        let out = run(&["check", "--format", format, "fixtures/rules/HC014-missing-location.csv"]);
        assert!(out.stderr.is_empty(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn a_long_source_line_shows_a_mark_where_it_is_cut_on_either_side() {
    let stdout = report(&["fixtures/rules/HC042-cell-too-long.csv"]);
    let line = stdout.lines().find(|l| l.starts_with(" 3 │ ")).unwrap();
    assert!(line.ends_with("notes from the…"), "{line}");
    let stdout = report(&["fixtures/input/long-values.csv"]);
    let line = stdout.lines().find(|l| l.starts_with(" 2 │ ")).unwrap();
    assert!(line.starts_with(" 2 │ …xxx") && line.ends_with(",FALSE"), "{line}");
    let line = stdout.lines().find(|l| l.starts_with(" 3 │ ")).unwrap();
    assert!(line.starts_with(" 3 │ Ben,Okafor,Ben,aaa") && line.ends_with('…'), "{line}");
    assert_eq!(line.chars().count(), " 3 │ ".chars().count() + 240 + 1, "{line}");
}

#[test]
fn a_long_value_quoted_in_a_message_is_shortened_in_the_human_report_only() {
    let stdout = report(&["fixtures/input/long-values.csv"]);
    let quoted = format!("`{}…{}@example`", "a".repeat(39), "a".repeat(12));
    assert!(stdout.contains(&format!("  × {quoted} is longer than 161 characters\n")), "{stdout}");
    let (_, doc) = check_json(&fixture("input/long-values.csv"), &[]);
    let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "invalid-email").unwrap();
    let value = d["value"].as_str().unwrap();
    assert_eq!(value.chars().count(), 408);
    assert_eq!(d["message"], format!("`{value}` is longer than 161 characters"));
}

#[test]
fn the_row_list_caps_the_user_column() {
    let stdout = report(&["fixtures/input/long-values.csv"]);
    let user = format!("{}…{}@example", "a".repeat(26), "a".repeat(5));
    assert_eq!(user.chars().count(), 40);
    assert!(
        stdout.contains("   line  user                                      action     package\n"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("      3  {user}  invalid    webex_calling\n")), "{stdout}");
    assert!(stdout.contains("      2  ana@example.com                           invalid"), "{stdout}");
}

#[test]
fn a_long_value_in_a_fixed_line_is_shortened_at_its_middle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long-fixed.csv");
    let name = format!("Ana {}", "x".repeat(100));
    let row = CLEAN_ROW.replacen("Ana Silva", &format!("{name}\u{A0}"), 1);
    std::fs::write(&path, format!("{HEADER}\n{row}\n")).unwrap();
    let stdout = report(&[path.to_str().unwrap()]);
    let old = format!("Ana {}…{}<U+00A0>", "x".repeat(35), "x".repeat(19));
    let new = format!("Ana {}…{}", "x".repeat(35), "x".repeat(20));
    assert!(
        stdout.contains(&format!("C2 Display Name: `{old}` -> `{new}` (HC033 whitespace)\n")),
        "{stdout}"
    );
}

#[test]
fn the_row_list_shows_the_user_as_fix_writes_it_and_json_as_typed() {
    let stdout = report(&["fixtures/example/upload.csv"]);
    assert!(
        stdout.contains("     11  jon.berg@acme.example.com      modify     webex_meetings\n"),
        "{stdout}"
    );
    let (_, doc) = check_json(&fixture("example/upload.csv"), &[]);
    let row = doc["rows"].as_array().unwrap().iter().find(|r| r["line"] == 11).unwrap();
    assert_eq!(row["user"], "Jon.Berg@acme.example.com");
}

#[test]
fn the_readme_tour_is_the_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("$ hubcsv check fixtures/example/upload.csv\n").unwrap();
    let block = &readme[start..];
    let block = &block[block.find('\n').unwrap() + 1..block.find("```").unwrap()];
    let stdout = report(&["fixtures/example/upload.csv"]);
    let real: Vec<&str> = stdout.lines().collect();
    let mut from = 0;
    for line in block.lines().filter(|l| l.trim() != "...") {
        let at = real[from..].iter().position(|r| *r == line);
        assert!(at.is_some(), "README line not in the real output (in order): {line:?}\n{stdout}");
        from += at.unwrap() + 1;
    }
}

#[test]
fn a_fatal_error_wraps_to_the_width_as_findings_do() {
    for columns in ["80", "60"] {
        let out = hubcsv()
            .env("COLUMNS", columns)
            .args(["check", "fixtures/rules/HC005-missing-email-column.csv"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        let width: usize = columns.parse().unwrap();
        assert!(stderr.contains("help: the header row must contain"), "{stderr}");
        for line in stderr.lines() {
            assert!(line.chars().count() <= width, "{} > {width}: {line}", line.chars().count());
        }
    }
}

#[test]
fn without_columns_the_report_wraps_to_the_terminal() {
    let bin = assert_cmd::cargo::cargo_bin("hubcsv");
    let run = |file: &str| -> String {
        let out = std::process::Command::new("script")
            .args(["-qec", &format!("stty rows 24 cols 72; {} check {file}", bin.display()), "/dev/null"])
            .current_dir(root())
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("util-linux's `script` runs");
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    let fatal = run("fixtures/rules/HC005-missing-email-column.csv");
    assert!(fatal.contains("help: the header row must contain"), "{fatal:?}");
    for line in fatal.lines() {
        assert!(line.chars().count() <= 72, "{line}");
    }
    // A finding's message and help wrap the same way (its source line does not).
    let report = run("fixtures/input/blank-header-with-data.csv");
    let help = report.lines().find(|l| l.contains("help: add the org's basic license columns")).unwrap();
    assert!(help.chars().count() <= 72, "{help}");
}

#[test]
fn no_rows_is_drawn_on_the_header_line() {
    let stdout = report(&["fixtures/rules/HC041-no-rows.csv"]);
    assert!(
        stdout.contains("HC041-no-rows.csv:1:1]\n 1 │ First Name,Last Name,User ID/Email (Required),"),
        "{stdout}"
    );
    assert!(stdout.contains("╰── this row\n"), "{stdout}");
}

#[test]
fn a_crlf_file_numbers_a_quoted_lines_snippet_by_its_editor_line() {
    // Ana's Display Name opens on line 2 and closes on line 3, CRLF throughout: the
    // snippet's margin says 2, as the heading `:2:11` does.
    let text = report(&["fixtures/input/crlf-multiline-cell.csv"]);
    assert!(text.contains("crlf-multiline-cell.csv:2:11]\n 2 │ Ana,Silva,\"Ana\n"), "{text}");
}

#[test]
fn a_small_file_on_a_terminal_gets_no_progress_line() {
    // A run of a few milliseconds used to flash a progress frame before its report; the
    // line is drawn only once a run has gone on for 0.3 s.
    let text = on_a_terminal("check fixtures/example/upload.csv");
    assert!(text.contains("rows 13"), "{text:?}");
    assert!(!text.contains("rows checked") && !text.contains("\x1b[2K"), "{text:?}");
}

/// A cell's control characters never reach the terminal as they are: an escape code in the
/// file would recolour, clear or retitle it. The snippet draws them as control pictures
/// (its underline still under the right cell), `fixed` lines as `<U+001B>`; JSON keeps them.
#[test]
fn control_characters_from_the_file_are_drawn_not_sent_to_the_terminal() {
    let stdout = report(&["fixtures/input/control-characters.csv"]);
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the report: {stdout:?}"
    );
    assert!(
        stdout.contains("fixed fixtures/input/control-characters.csv:2 A2 First Name: `Ana<U+001B>[31m` -> `Ana[31m` (HC055 control-character)\n"),
        "{stdout}"
    );
    assert!(stdout.contains("`O<U+0092>Brien` -> `O\u{2019}Brien`"), "{stdout}");
    // Line 5's error (two packages) shows the row with its escape drawn as `␛`, and the
    // label under L5, the second TRUE, as without it.
    let snippet = " 5 │ Dee,Dee\u{241b}[2J,Dee,dee@example.com,,1004,+14085550104,,HQ,,TRUE,TRUE,";
    assert!(stdout.contains(snippet), "{stdout}");
    let at = stdout.find(snippet).unwrap();
    let under = stdout[at..].lines().nth(1).unwrap();
    let column = |line: &str, text: &str| line.find(text).map(|i| line[..i].chars().count());
    let second_true = snippet.find("TRUE,TRUE").map(|i| snippet[..i].chars().count() + 5);
    assert_eq!(column(under, "─"), second_true, "{stdout}");
    let (_, doc) = check_json(&fixture("input/control-characters.csv"), &[]);
    assert_eq!(doc["diagnostics"][0]["value"], "Ana\u{1b}[31m");
}

/// A fatal error draws the control characters of its snippet too: a profile line holding
/// an escape code (the profile is refused at it) shows `␛`, its label still under it.
#[test]
fn a_fatal_errors_snippet_draws_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("escape.toml");
    std::fs::write(&profile, "[aliases]\n\"E\u{1b}[31mmail\" = \"Nope\"\n").unwrap();
    let out = run(&["check", "--profile", profile.to_str().unwrap(), "fixtures/example/upload.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.chars().any(|c| c.is_control() && c != '\n'), "{stderr:?}");
    assert!(stderr.contains(" 2 │ \"E\u{241b}[31mmail\" = \"Nope\"\n   ·   ┬\n"), "{stderr}");
}
