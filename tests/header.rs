//! The header row: blank header cells, repeated headers, and where header findings point.

use std::path::Path;

use crate::util::{check_json, findings, fixture, hubcsv};

/// Runs `hubcsv fix` on a fixture into a temporary folder: (exit code, corrected, rejected).
fn fix(input: &str, dir: &Path) -> (i32, String, String) {
    let out = dir.join("fixed.csv");
    let run =
        hubcsv().args(["fix", "-q", "--force"]).arg(fixture(input)).arg("-o").arg(&out).output().unwrap();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    (run.status.code().unwrap(), read(&out), read(&dir.join("fixed.rejected.csv")))
}

#[test]
fn blank_header_trailing_empty_columns_are_ignored() {
    let (code, doc) = check_json(&fixture("input/trailing-empty-columns.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), vec![]);
    // And fix leaves them out.
    let dir = tempfile::tempdir().unwrap();
    let (code, corrected, _) = fix("input/trailing-empty-columns.csv", dir.path());
    assert_eq!(code, 0);
    assert!(
        corrected.starts_with("User ID/Email (Required),Location,Extension,Webex Calling\r\n"),
        "{corrected}"
    );
    assert!(corrected.contains("\r\nana.silva@example.com,HQ,1001,TRUE\r\n"), "{corrected}");
    let (code, doc) = check_json(&dir.path().join("fixed.csv"), &[]);
    assert_eq!((code, findings(&doc)), (0, vec![]), "{doc:#}");
}

#[test]
fn blank_header_with_data_is_one_warning() {
    let (code, doc) = check_json(&fixture("input/blank-header-with-data.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), vec![("unknown-column".to_owned(), 1, Some("F1".to_owned()))]);
    let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "unknown-column").unwrap();
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["value"], "desk 4");
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("blank header") && message.contains("line 3"), "{message}");
    // That and `basic-license-columns-missing` (the file has Webex Calling, no basic license).
    assert_eq!(doc["summary"]["warnings"], 2);
    let (code, _) = check_json(&fixture("input/blank-header-with-data.csv"), &["--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn blank_header_in_a_sheet_whose_table_starts_at_c5() {
    let (code, doc) = check_json(&fixture("input/table-at-c5-duplicate-header.xlsx"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    // Columns A and B are blank: not duplicates of each other. The repeated `location` (G) is
    // on the header's row, 5.
    assert_eq!(findings(&doc), vec![("duplicate-header".to_owned(), 5, Some("G5".to_owned()))]);
}

#[test]
fn duplicate_header_cell_is_on_the_header_row() {
    let (_, doc) = check_json(&fixture("input/duplicate-header-conflict.csv"), &[]);
    let header: Vec<_> = findings(&doc).into_iter().filter(|(_, line, _)| *line == 3).collect();
    assert_eq!(
        header,
        vec![
            ("duplicate-header".to_owned(), 3, Some("E3".to_owned())),
            ("duplicate-header".to_owned(), 3, Some("G3".to_owned()))
        ]
    );
}

#[test]
fn duplicate_header_rows_that_disagree_are_rejected() {
    let (code, doc) = check_json(&fixture("input/duplicate-header-conflict.csv"), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let severities: Vec<(String, String, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] != "basic-license-columns-missing")
        .map(|d| {
            (
                d["cell"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        severities,
        vec![
            ("E3".to_owned(), "fixed".to_owned(), 3),
            ("G3".to_owned(), "fixed".to_owned(), 3),
            ("E5".to_owned(), "error".to_owned(), 5),
            ("G6".to_owned(), "error".to_owned(), 6),
        ],
        "{doc:#}"
    );
    let e5 = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["cell"] == "E5");
    let conflict = e5.unwrap()["message"].as_str().unwrap();
    assert!(conflict.contains("`FALSE`") && conflict.contains("`TRUE`"), "{conflict}");

    let dir = tempfile::tempdir().unwrap();
    let (code, corrected, rejected) = fix("input/duplicate-header-conflict.csv", dir.path());
    assert_eq!(code, 1);
    // The first of each pair is kept, the repeat left out; Ana's cells agree (`true` = TRUE).
    assert_eq!(
        corrected,
        "User ID/Email (Required),Location,Extension,Webex Meetings [Sub1],Preferred Webex Site\r\n\
         ana.silva@example.com,HQ,1001,TRUE,acme.webex.com\r\n"
    );
    // The rejects file keeps both columns, as read, to choose from.
    let mut lines = rejected.lines();
    assert_eq!(
        lines.next(),
        Some("hubcsv rule,hubcsv message,User ID/Email (Required),Location,Extension,Webex Meetings [Sub1],Webex Meetings [Sub1],Preferred Webex Site,location")
    );
    assert_eq!(lines.count(), 2);
    // The corrected file checks clean (contract §5).
    let (code, doc) = check_json(&dir.path().join("fixed.csv"), &[]);
    assert_eq!((code, findings(&doc)), (0, vec![]), "{doc:#}");
}

#[test]
fn invisible_characters_and_decomposed_accents_do_not_make_another_header() {
    // A second byte-order mark before `Prénom`, `Prénom` and `Téléphone` with decomposed
    // accents (as macOS writes them), a zero-width space after the package header, and a
    // left-to-right mark after the email.
    let (code, doc) = check_json(&fixture("input/invisible-and-decomposed-headers.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [("whitespace".to_owned(), 2, Some("B2".to_owned()))], "{doc:#}");
    assert_eq!(doc["rows"][0]["package"], "webex_calling", "{doc:#}");
    let dir = tempfile::tempdir().unwrap();
    let (_, corrected, _) = fix("input/invisible-and-decomposed-headers.csv", dir.path());
    assert_eq!(
        corrected.lines().next(),
        Some("First Name,User ID/Email (Required),Phone Number,Extension,Location,Webex Calling [Sub1],Basic Messaging")
    );
    assert!(corrected.contains(",jose@example.com,"), "{corrected}");
}

#[test]
fn unknown_columns_keep_their_header_as_written() {
    // `Café Code` with a decomposed accent and `Cost Center` with a soft hyphen are not
    // Control Hub columns: they are the user's, carried through byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let (_, corrected, _) = fix("input/unknown-headers-as-written.csv", dir.path());
    // Spaces too: `My  Custom   Col` and ` Trailing ` are not collapsed or trimmed.
    assert_eq!(
        corrected.lines().next(),
        Some("User ID/Email (Required),Cafe\u{301} Code,Cost\u{ad}Center,My  Custom   Col, Trailing ")
    );
}

#[test]
fn a_header_a_spreadsheet_would_run_is_an_error_and_written_escaped() {
    let (code, doc) = check_json(&fixture("input/formula-headers.csv"), &[]);
    assert_eq!(code, 1);
    let found = findings(&doc);
    assert!(found.contains(&("formula-injection".to_owned(), 1, Some("B1".to_owned()))), "{found:?}");
    assert!(found.contains(&("formula-injection".to_owned(), 1, Some("C1".to_owned()))), "{found:?}");
    assert!(!found.iter().any(|f| f.0 == "unknown-column"), "one finding a header cell: {found:?}");
    let dir = tempfile::tempdir().unwrap();
    let (code, corrected, rejects) = fix("input/formula-headers.csv", dir.path());
    assert_eq!(code, 1);
    let escaped = r#""'=HYPERLINK(""http://evil.example"",""x"")",'@cmd,Webex Calling"#;
    assert!(corrected.lines().next().unwrap().contains(escaped), "{corrected}");
    assert!(rejects.lines().next().unwrap().contains(escaped), "{rejects}");
    assert!(rejects.contains("not-an-email"), "{rejects}");
    // The corrected file checks without an error, and fixing it again changes nothing.
    let again = dir.path().join("again.csv");
    let (code, doc) = check_json(&dir.path().join("fixed.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let run = hubcsv()
        .args(["fix", "-q"])
        .arg(dir.path().join("fixed.csv"))
        .arg("-o")
        .arg(&again)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&again).unwrap(), corrected);
}

/// Control Hub's other CSVs given as the user list got a generic `missing-email-column`
/// ("the header row must contain `User ID/Email (Required)`..."): the admin is not told
/// that the file is another export, nor which to give instead. The rule stays; its help
/// names the file the headers show, and what to export.
#[test]
fn a_foreign_control_hub_csv_is_named_with_what_to_export_instead() {
    for (file, what, instead) in [
        ("locations-export.csv", "Control Hub's locations CSV", "--locations FILE"),
        ("numbers-export.csv", "Control Hub's numbers list", "Users > Manage users > Export"),
        (
            "user-calling-data.csv",
            "Webex Calling's Manage User Calling Data CSV",
            "Users > Manage users > Export",
        ),
    ] {
        let (code, doc) = crate::util::check_json(&crate::util::fixture(&format!("foreign/{file}")), &[]);
        assert_eq!(code, 2, "{file}: {doc:#}");
        assert_eq!(doc["error"]["rule"], "missing-email-column", "{file}");
        assert_eq!(doc["error"]["code"], "HC005", "{file}");
        let help = doc["error"]["help"].as_str().unwrap();
        assert!(help.starts_with(&format!("these headers are those of {what}")), "{file}: {help}");
        assert!(help.contains(instead), "{file}: {help}");
    }
}

/// The Webex Meetings site's user export (UTF-16LE, tab-separated) has an `Email` column,
/// which a built-in alias maps: it was checked as a user CSV, with an `unknown-column`
/// warning per Meetings column and every user an `add` of no package. Its unknown-column
/// warnings now say which file it is and what to export.
#[test]
fn the_meetings_site_export_is_named() {
    let (code, doc) = crate::util::check_json(&crate::util::fixture("foreign/meetings-site-users.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let unknown: Vec<&serde_json::Value> =
        doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == "unknown-column").collect();
    assert!(!unknown.is_empty(), "{doc:#}");
    for d in unknown {
        let help = d["help"].as_str().unwrap();
        assert!(help.starts_with("these headers are those of the Webex Meetings site's user CSV"), "{help}");
        assert!(help.contains("Users > Manage users > Export"), "{help}");
    }
}

/// A file with both `Site` (a built-in alias of `Location`) and `Location`: Control Hub reads
/// `Location`, so `fix` keeps it and leaves `Site` out; a row where the two differ is an
/// error naming the kept column, and a blank `Site` agrees with anything.
#[test]
fn location_is_kept_over_the_site_alias_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (code, corrected, rejected) = fix("input/site-and-location.csv", dir.path());
    assert_eq!(code, 1);
    let mut lines = corrected.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("First Name,Last Name,User ID/Email (Required),Extension,Location,"),
        "{header}"
    );
    assert_eq!(lines.next().unwrap(), "Ana,Silva,ana@example.com,1001,HQ,TRUE,FALSE,FALSE,FALSE");
    assert_eq!(lines.next().unwrap(), "Ben,Okafor,ben@example.com,1002,HQ,TRUE,FALSE,FALSE,FALSE");
    assert!(rejected.contains("Cy,Dahl,cy@example.com,Paris Office,1003,HQ,"), "{rejected}");
    let (_, doc) = check_json(&fixture("input/site-and-location.csv"), &[]);
    let repeat = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["cell"] == "D4").unwrap();
    assert_eq!(
        repeat["message"],
        "column D `Site` holds `Paris Office` but column F `Location` holds `HQ`: hubcsv cannot tell which one is meant (fix keeps column F)"
    );
}

/// A header holding control characters (`Loca\x01tion\x1b`) is the column without them, as
/// with invisible characters: `Location`, which `fix` writes as Control Hub names it.
#[test]
fn a_header_with_control_characters_is_the_column_without_them() {
    let (code, doc) = check_json(&fixture("input/header-control-characters.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(doc["diagnostics"].as_array().unwrap().is_empty(), "{doc:#}");
    let dir = tempfile::tempdir().unwrap();
    let (_, corrected, _) = fix("input/header-control-characters.csv", dir.path());
    assert!(
        corrected.starts_with("First Name,Last Name,User ID/Email (Required),Extension,Location,"),
        "{corrected}"
    );
}

/// Workday's `Legal First Name` / `Legal Last Name` and Active Directory's attribute names
/// (`givenName`, `displayName`, `telephoneNumber`) are built-in aliases: such an export reads
/// without a profile.
#[test]
fn workday_and_active_directory_headers_are_built_in_aliases() {
    let csv =
        "Legal First Name,Legal Last Name,givenName,displayName,Work Email,telephoneNumber,Business Phone\n\
               Ana,Silva,Ana,Ana Silva,ana@example.com,+14085550101,\n";
    let (_, doc) = crate::util::check_bytes("hr.csv", csv.as_bytes(), &[]);
    let rules: Vec<(&str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert!(!rules.iter().any(|(r, _)| *r == "unknown-column"), "{rules:#?}");
    // Two headers for one column: the first read, the other compared with it.
    let repeats: Vec<&str> =
        rules.iter().filter(|(r, _)| *r == "duplicate-header").map(|(_, m)| *m).collect();
    assert_eq!(repeats.len(), 2, "{repeats:#?}");
    assert!(repeats[0].contains("`givenName` repeats column A `Legal First Name`"), "{repeats:#?}");
    assert!(repeats[1].contains("`Business Phone` repeats column F `telephoneNumber`"), "{repeats:#?}");
    assert_eq!(doc["rows"][0]["user"], "ana@example.com");
}
