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
