//! `--current EXPORT`: actions and changes against the org's current state (contract §4).

use serde_json::{json, Value};

use crate::util::{check_json, fixture, hubcsv};

fn report() -> Value {
    let export = fixture("current/export.csv");
    let (code, doc) = check_json(&fixture("current/upload.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 1, "Gus changes to a calling package without number: an error");
    doc
}

fn row(doc: &Value, line: u64) -> &Value {
    doc["rows"].as_array().unwrap().iter().find(|r| r["line"] == line).unwrap()
}

#[test]
fn every_row_has_its_action_and_evidence() {
    let doc = report();
    let actions: Vec<(u64, &str)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["evidence"], "current-export");
            (r["line"].as_u64().unwrap(), r["action"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            (2, "unchanged"), // Ana: same as exported
            (3, "modify"),    // Ben: Meetings -> Suite, with number, extension and location
            (4, "modify"),    // Chloe: name fields edited
            (5, "remove"),    // Dev: every package FALSE
            (6, "unchanged"), // Emma: only a read-only column edited
            (7, "unchanged"), // Farid: calling user, blank calling fields = keep the export's
            (8, "invalid"),   // Gus: Meetings -> Suite without number: calling fields required
            (9, "add"),       // Hana: not in the export
            (10, "remove"),   // Ivan: removal of a user the export does not have
        ]
    );
    assert_eq!(
        doc["summary"]["actions"],
        json!({"add": 1, "modify": 2, "remove": 2, "unchanged": 3, "invalid": 1})
    );
}

#[test]
fn package_change_is_named_and_lists_cells() {
    let doc = report();
    let changes = &row(&doc, 3)["changes"];
    assert_eq!(changes[0], json!({"column": "package", "old": "webex_meetings", "new": "webex_suite"}));
    let columns: Vec<&str> =
        changes.as_array().unwrap().iter().map(|c| c["column"].as_str().unwrap()).collect();
    assert_eq!(
        columns,
        vec![
            "package",
            "Extension",
            "Phone Number",
            "Location",
            "Webex Suite [Sub100200]",
            "Webex Meetings [Sub100200]"
        ]
    );
}

#[test]
fn field_change_has_old_and_new() {
    let doc = report();
    assert_eq!(
        row(&doc, 4)["changes"],
        json!([
            {"column": "First Name", "old": "Chloe", "new": "Chloé"},
            {"column": "Display Name", "old": "Chloe Martin", "new": "Chloé Martin"}
        ])
    );
    assert_eq!(row(&doc, 2)["changes"], json!([]));
    assert_eq!(row(&doc, 5)["changes"][0], json!({"column": "package", "old": "webex_suite", "new": ""}));
}

#[test]
fn state_rules_fire_where_they_should() {
    let doc = report();
    let found: Vec<(&str, u64, Option<&str>)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["line"].as_u64().unwrap(), d["cell"].as_str()))
        .collect();
    assert!(found.contains(&("read-only-modified", 6, Some("F6"))), "{found:?}");
    assert!(found.contains(&("remove-unknown-user", 10, Some("D10"))), "{found:?}");
    assert!(found.contains(&("missing-number-or-extension", 8, Some("H8"))), "{found:?}");
    assert!(
        !found.iter().any(|f| f.1 == 7 && f.0 != "email-case"),
        "Farid keeps his export values: {found:?}"
    );
}

#[test]
fn package_counts_before_and_after() {
    let doc = report();
    let p = &doc["summary"]["packages"];
    assert_eq!(p["webex_meetings"], json!({"before": 3, "after": 2}));
    assert_eq!(p["webex_calling"], json!({"before": 2, "after": 3}));
    assert_eq!(p["webex_suite"], json!({"before": 1, "after": 1}));
}

#[test]
fn human_report_shows_a_compact_diff_and_package_moves() {
    let export = fixture("current/export.csv");
    let out = hubcsv()
        .args(["check", "-q", "--current"])
        .arg(&export)
        .arg(fixture("current/upload.csv"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("(webex_meetings -> webex_suite; Extension: \"\" -> 1002;"), "{text}");
    assert!(text.contains("packages (before -> after):"), "{text}");
    assert!(text.contains("webex_meetings 3 -> 2"), "{text}");
    // The evidence that decided the actions (contract §4).
    assert!(
        text.contains(
            "  actions (against the current export): add 1  modify 2  remove 2  unchanged 3  invalid 1"
        ),
        "{text}"
    );
}

#[test]
fn fix_only_changes_keeps_add_modify_remove() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q", "--only-changes", "--current"])
        .arg(fixture("current/export.csv"))
        .arg(fixture("current/upload.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let text = std::fs::read_to_string(&out).unwrap();
    let users: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    assert_eq!(
        users,
        vec![
            "ben.okafor@acme.example.com",
            "chloe.martin@acme.example.com",
            "dev.patel@acme.example.com",
            "hana.sato@acme.example.com",
            "ivan.petrov@acme.example.com"
        ]
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("left out: 3 unchanged rows"));
}

#[test]
fn unreadable_export_exits_two() {
    let (code, doc) = check_json(&fixture("current/upload.csv"), &["--current", "fixtures/current/nope.csv"]);
    assert_eq!(code, 2);
    assert!(doc["error"]["message"].as_str().unwrap().contains("nope.csv"));
}

#[test]
fn template_renames_columns_in_the_corrected_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let changes = dir.path().join("changes.jsonl");
    let run = hubcsv()
        .args([
            "fix",
            "-q",
            "--template",
            "fixtures/current/rules-export.csv",
            "fixtures/rules/HC026-renamed-column.csv",
        ])
        .arg("-o")
        .arg(&out)
        .arg("--changes")
        .arg(&changes)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let header = std::fs::read_to_string(&out).unwrap().lines().next().unwrap().to_owned();
    assert!(header.contains(",Customer Assist [Sub100200],"), "{header}");
    assert!(!header.contains("Customer Experience Essentials"));
    let log = std::fs::read_to_string(&changes).unwrap();
    assert!(log.lines().next().unwrap().contains(r#""rule":"renamed-column""#), "{log}");
}

#[test]
fn template_reports_drift_both_ways() {
    // The bundled example has Webex Calling Standard; the small template does not, and it
    // has Customer Assist... both sides are reported, and unknown-column gives way.
    let (_, doc) =
        check_json(&fixture("example/upload.csv"), &["--template", "fixtures/current/rules-export.csv"]);
    let header: Vec<(&str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["line"] == 1)
        .map(|d| (d["rule"].as_str().unwrap(), d["column"].as_str().unwrap()))
        .collect();
    assert_eq!(header, vec![("column-not-in-template", "Webex Calling Standard [Sub100200]")]);
}

/// The actions of `upload` against `export` (both under fixtures/current/).
fn actions(export: &str, upload: &str) -> (i32, Vec<(String, Value)>) {
    let export = fixture(&format!("current/{export}"));
    let (code, doc) =
        check_json(&fixture(&format!("current/{upload}")), &["--current", export.to_str().unwrap()]);
    let rows = doc["rows"].as_array().unwrap();
    (code, rows.iter().map(|r| (r["action"].as_str().unwrap().to_owned(), r["changes"].clone())).collect())
}

#[test]
fn an_export_with_a_stray_quote_is_refused() {
    // Line 3's Display Name opens a quote that swallows the export's next users: read on,
    // they would all be `add`, and Dev a removal of nobody.
    let export = fixture("current/export-stray-quote.csv");
    let (code, doc) = check_json(&fixture("current/upload.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["error"]["rule"], "unreadable-file");
    assert!(doc["error"]["message"].as_str().unwrap().contains("export-stray-quote.csv:3"), "{doc:#}");
}

#[test]
fn export_license_cells_read_like_the_uploads() {
    // `1` and `VRAI` are TRUE in an export as in an upload: both users have Webex Calling,
    // so they keep the export's location and extension and nothing changes.
    let (code, rows) = actions("export-boolean-aliases.csv", "upload-boolean-aliases.csv");
    assert_eq!(code, 0);
    assert_eq!(rows, [("unchanged".to_owned(), json!([])), ("unchanged".to_owned(), json!([]))]);
}

#[test]
fn a_value_in_a_column_the_export_lacks_is_a_change() {
    // The export has license columns, Location and Extension only: Ana's Title and Ben's
    // site are not known to be unchanged, so --only-changes keeps them.
    let (_, rows) = actions("export-licenses-only.csv", "upload-more-columns.csv");
    assert_eq!(
        rows,
        [
            ("modify".to_owned(), json!([{"column": "Title", "old": "", "new": "CEO"}])),
            (
                "modify".to_owned(),
                json!([{"column": "Preferred Webex Site", "old": "", "new": "acme.webex.com"}])
            ),
        ]
    );
}

#[test]
fn export_phones_compare_by_their_e164_form() {
    // The export's `14085550101` and `+1 408-555-0104` (as a spreadsheet saves them) are the
    // upload's `+14085550101` and `+14085550104`: the same actions as with the clean export.
    let (_, with_clean) = actions("export.csv", "upload.csv");
    let (_, as_typed) = actions("export-phones-as-typed.csv", "upload.csv");
    assert_eq!(as_typed, with_clean);
}

#[test]
fn template_never_renames_into_a_column_the_upload_already_has() {
    // The upload has the old name (F) and the new one (G) of one package: G matches the
    // template's `Customer Assist [Sub1]`, F is not renamed onto it (two columns of one
    // header), it is reported as not in the org.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let template = "fixtures/current/template-customer-assist.csv";
    let upload = fixture("current/upload-old-and-new-package-names.csv");
    let (_, doc) = check_json(&upload, &["--template", template]);
    let found: Vec<(String, Option<String>)> =
        crate::util::findings(&doc).into_iter().map(|(rule, _, cell)| (rule, cell)).collect();
    assert_eq!(found, [("column-not-in-template".to_owned(), Some("F1".to_owned()))], "{doc:#}");
    let run = hubcsv()
        .args(["fix", "-q", "--template", template])
        .arg(&upload)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let header = std::fs::read_to_string(&out).unwrap().lines().next().unwrap().to_owned();
    assert_eq!(header.matches("Customer Assist [Sub1]").count(), 1, "{header}");
    let (code, doc) = check_json(&out, &[]);
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn template_matches_license_headers_whatever_their_spacing() {
    // `Webex Calling[Sub1]` in the template is the upload's `Webex Calling [Sub1]`: the
    // same column, not a renamed one.
    let template = "fixtures/current/template-no-space-before-bracket.csv";
    let (_, doc) =
        check_json(&fixture("current/upload-old-and-new-package-names.csv"), &["--template", template]);
    assert!(doc["diagnostics"].as_array().unwrap().iter().all(|d| d["rule"] != "renamed-column"), "{doc:#}");
}

#[test]
fn a_template_column_named_twice_counts_once() {
    // The template repeats Location; the upload has it once: nothing is missing.
    let template = "fixtures/current/template-location-twice.csv";
    let (_, doc) = check_json(&fixture("current/upload-boolean-aliases.csv"), &["--template", template]);
    let rules: Vec<String> = crate::util::findings(&doc).into_iter().map(|(rule, _, _)| rule).collect();
    assert!(!rules.contains(&"template-column-missing".to_owned()), "{doc:#}");
}

#[test]
fn human_report_shows_basic_license_changes() {
    // Ana keeps Webex Calling; "Add and remove services" sets her Basic Messaging FALSE:
    // that change is her row's only one, and the row list shows it.
    let export = fixture("current/export-basic-license.csv");
    let out = hubcsv()
        .args(["check", "-q", "--current"])
        .arg(&export)
        .arg(fixture("current/upload-basic-license.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("modify     webex_calling  (Basic Messaging: TRUE -> FALSE)"), "{stdout}");
}

#[test]
fn a_users_own_number_is_not_in_use() {
    // Ana, Ben, Farid... keep or take numbers of their own: no number-in-use. The rule's
    // fixture (a new user with Ana's number) is in fixtures/rules/.
    let doc = report();
    assert!(doc["diagnostics"].as_array().unwrap().iter().all(|d| d["rule"] != "number-in-use"), "{doc:#}");
}

#[test]
fn an_export_listing_a_user_twice_with_different_rows_is_refused() {
    // Ana is at line 2 in HQ and at line 4 in Paris: which one Control Hub holds is unknown,
    // so every action from it would be a guess.
    let export = fixture("current/export-user-twice.csv");
    let (code, doc) = check_json(&fixture("current/upload.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(doc["error"]["rule"], "unreadable-file");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.contains("export-user-twice.csv:4"), "{doc:#}");
    assert!(message.contains("lines 2 and 4") && message.contains("`HQ` and `Paris`"), "{doc:#}");
}

#[test]
fn an_export_listing_the_same_row_twice_is_read() {
    // The same row again (its cells equal once trimmed) is one user, as before.
    let export = fixture("current/export-same-row-twice.csv");
    let (code, doc) = check_json(&fixture("current/upload.csv"), &["--current", export.to_str().unwrap()]);
    assert_ne!(code, 2, "{doc:#}");
    assert_eq!(row(&doc, 2)["action"], "unchanged", "{doc:#}");
}

#[test]
fn blank_cells_keep_the_exports_values_and_remove_clears_them() {
    // Line 2: Ana clears both her number and extension: a calling user needs one.
    // Line 3: Di's blank site keeps the export's acme.webex.com: no missing-preferred-site.
    // Line 4: Fay's blank Location keeps Paris, where 3000 is free.
    // Line 5: Zed's 1001 in HQ is Ana's extension in the export (number-in-use), and
    // line 6's 1006 in HQ is not Fay's (she is in Paris).
    let (code, doc) = check_json(
        &fixture("current/upload-kept-fields.csv"),
        &["--current", fixture("current/export-calling-kept.csv").to_str().unwrap()],
    );
    assert_eq!(code, 1, "{doc:#}");
    let found: Vec<(String, u64)> =
        crate::util::findings(&doc).into_iter().map(|(rule, line, _)| (rule, line)).collect();
    assert_eq!(
        found,
        [("missing-number-or-extension".to_owned(), 2), ("number-in-use".to_owned(), 5)],
        "{doc:#}"
    );
}

#[test]
fn duplicate_extensions_are_found_in_the_exports_location_for_a_blank_cell() {
    // Ana (HQ in the export) and Fay (Paris) both take 3000 with a blank Location: no
    // clash. Zed takes 3000 in HQ: Ana's location, so a clash with line 2.
    let upload = fixture("current/upload-extension-blank-location.csv");
    let (code, doc) =
        check_json(&upload, &["--current", fixture("current/export-calling-kept.csv").to_str().unwrap()]);
    assert_eq!(code, 1, "{doc:#}");
    let found: Vec<(String, u64)> =
        crate::util::findings(&doc).into_iter().map(|(rule, line, _)| (rule, line)).collect();
    assert_eq!(found, [("duplicate-extension".to_owned(), 4)], "{doc:#}");
}

#[test]
fn a_package_without_a_column_in_the_upload_cannot_be_taken_away() {
    // Line 2: Ed holds Webex Voice, which has no column here: Calling TRUE would give him
    // two packages. Line 3: Di holds Webex Suite: the "removal" would leave it. Line 4:
    // Ana holds Webex Calling, whose FALSE removes it: a removal.
    let export = fixture("current/export-calling-kept.csv");
    let (code, doc) = check_json(
        &fixture("current/upload-package-column-missing.csv"),
        &["--current", export.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{doc:#}");
    let found: Vec<(String, u64, Option<String>)> = crate::util::findings(&doc);
    assert_eq!(
        found,
        [
            ("package-column-missing".to_owned(), 2, Some("B2".to_owned())),
            ("package-column-missing".to_owned(), 3, None)
        ],
        "{doc:#}"
    );
    let actions: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["invalid", "invalid", "remove"], "{doc:#}");
    let first = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "package-column-missing");
    assert!(first.unwrap()["message"].as_str().unwrap().contains("webex_voice"), "{doc:#}");
}

#[test]
fn false_in_the_users_own_package_with_the_rest_blank_is_a_removal() {
    // Line 2: Ana's Webex Calling is FALSE and nothing is TRUE: she is left without a
    // package, whatever the blank Voice cell. Line 3: Ed's Voice is blank: he keeps it.
    // Line 4: every user package FALSE, Common Area Calling blank: a removal.
    let export = fixture("current/export-calling-kept.csv");
    let (_, doc) = check_json(
        &fixture("current/upload-own-package-false.csv"),
        &["--current", export.to_str().unwrap()],
    );
    let rows: Vec<(&str, Value)> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["action"].as_str().unwrap(), r["changes"].clone()))
        .collect();
    let package_change = |old: &str| {
        json!([
            {"column": "package", "old": old, "new": ""},
            {"column": "Webex Calling [Sub1]", "old": "TRUE", "new": "FALSE"}
        ])
    };
    assert_eq!(
        rows,
        [
            ("remove", package_change("webex_calling")),
            ("unchanged", json!([])),
            ("remove", package_change("webex_calling"))
        ],
        "{doc:#}"
    );
    // Ana's row is a removal and Ed keeps Voice: neither is `no-package`, which is for rows
    // whose effect is unknown.
    assert_eq!(crate::util::findings(&doc), [], "{doc:#}");
}

#[test]
fn an_add_on_counts_the_package_the_user_keeps() {
    // Ana's Webex Calling cell is blank: she keeps it, so Attendant Console is fine. Fay's
    // is FALSE: a removal, which leaves the add-on without a package.
    let export = fixture("current/export-calling-kept.csv");
    let (code, doc) =
        check_json(&fixture("current/upload-add-on.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 1, "{doc:#}");
    // Ana's add-on is a change: the export has no such column, so --only-changes keeps her.
    assert_eq!(doc["rows"][0]["action"], "modify", "{doc:#}");
    assert_eq!(
        doc["rows"][0]["changes"],
        json!([{"column": "Attendant Console [Sub1]", "old": "", "new": "TRUE"}])
    );
    // (Ana keeps her package: not `no-package`.)
    assert_eq!(
        crate::util::findings(&doc),
        [("add-on-without-package".to_owned(), 3, Some("C3".to_owned()))]
    );
}

#[test]
fn remove_in_a_calling_users_location_is_a_move() {
    // Ana is a calling user in HQ: REMOVE would reset her Location, a move the CSV cannot
    // make (calling-location-change), not a missing Location.
    let export = fixture("current/export-calling-kept.csv");
    let (code, doc) =
        check_json(&fixture("current/upload-location-remove.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        crate::util::findings(&doc),
        [("calling-location-change".to_owned(), 2, Some("B2".to_owned()))]
    );
}

#[test]
fn a_template_that_marks_a_column_suspended_decides_suspended_service_assigned() {
    // The org's Webex Suite [Sub1] is now `(Suspended)`: fix writes that header, so TRUE in
    // it would make Control Hub refuse the file. Both Suite rows are errors.
    let template = fixture("current/template-suspended.csv");
    let (code, doc) = check_json(
        &fixture("current/upload-suspended-by-template.csv"),
        &["--template", template.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{doc:#}");
    let suspended: Vec<u64> = crate::util::findings(&doc)
        .into_iter()
        .filter(|(rule, _, _)| rule == "suspended-service-assigned")
        .map(|(_, line, _)| line)
        .collect();
    assert_eq!(suspended, [2, 3], "{doc:#}");
}

#[test]
fn a_package_column_of_another_subscription_cannot_take_the_users_away() {
    // Ana holds Webex Calling [Sub1]; the upload has Webex Calling [Sub2] only: FALSE there
    // leaves her [Sub1], beside the Webex Meetings the row gives her.
    let export = fixture("current/export-other-subscription.csv");
    let (code, doc) = check_json(
        &fixture("current/upload-other-subscription.csv"),
        &["--current", export.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        crate::util::findings(&doc),
        [("package-column-missing".to_owned(), 2, Some("F2".to_owned()))]
    );
    assert!(doc["diagnostics"][0]["message"].as_str().unwrap().contains("`Webex Calling [Sub1]`"), "{doc:#}");
}

#[test]
fn a_change_of_subscription_shows_its_cells_in_the_human_report() {
    // Ana moves from Webex Calling [Sub1] to [Sub2]: the same package, so no package line;
    // the report shows the two cells instead of a bare `modify`.
    let export = fixture("current/export-subscription-change.csv");
    let out = hubcsv()
        .args(["check", "--current"])
        .arg(&export)
        .arg(fixture("current/upload-subscription-change.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("modify     webex_calling  (Webex Calling [Sub1]: TRUE -> FALSE; Webex Calling [Sub2]: FALSE -> TRUE)"),
        "{stdout}"
    );
}

#[test]
fn the_same_package_in_another_subscription_is_a_second_license() {
    // Ana holds Webex Calling [Sub1]; the upload sets Webex Calling [Sub2] TRUE and has no
    // [Sub1] column: she would hold both.
    let export = fixture("current/export-other-subscription.csv");
    let (code, doc) = check_json(
        &fixture("current/upload-same-package-other-subscription.csv"),
        &["--current", export.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        crate::util::findings(&doc),
        [("package-column-missing".to_owned(), 2, Some("D2".to_owned()))]
    );
}

#[test]
fn an_export_column_without_subscription_is_the_packages_in_any_upload_column() {
    // The export writes `Webex Calling` without `[Sub...]`; the upload `Webex Calling [Sub1]`:
    // the same column. Ana keeps her package (unchanged), Ben's Meetings FALSE removes it.
    let export = fixture("current/export-no-subscription.csv");
    let (code, doc) = check_json(
        &fixture("current/upload-with-subscription.csv"),
        &["--current", export.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{doc:#}");
    let actions: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unchanged", "remove"], "{doc:#}");
}

#[test]
fn a_read_only_timestamp_as_a_spreadsheet_saves_it_is_not_an_edit() {
    let export = fixture("current/export.csv");
    let (code, doc) = check_json(
        &fixture("current/upload-read-only-as-saved.csv"),
        &["--current", export.to_str().unwrap()],
    );
    assert_eq!(code, 0, "warnings only");
    assert_eq!(
        crate::util::findings(&doc),
        [("read-only-modified".to_owned(), 4, Some("F4".to_owned()))],
        "only Chloé's day-later time"
    );
    let actions: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["unchanged"; 3]);
}

#[test]
fn the_row_list_shortens_a_long_changed_value_as_findings_do() {
    // Ana's Display Name grows to 92 characters: the row list's diff keeps its start and
    // end around a `…`, as the `fixed` lines do (JSON keeps it whole).
    let export = fixture("current/export.csv");
    let out = hubcsv()
        .args(["check", "-q", "--current"])
        .arg(&export)
        .arg(fixture("current/upload-long-change.csv"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "(Display Name: Ana Silva -> Ana Silva, Head of Customer Success for…and Africa (interim))"
        ),
        "{text}"
    );
}

#[test]
fn an_existing_user_with_blank_package_cells_keeps_the_package_without_no_package() {
    // Ana and Ben are in the export (Webex Calling, Webex Meetings) and their package
    // cells are blank: blank is "no change", so they keep them, which the export says.
    // `no-package` ("the upload assigns no package") is for Hana, who is new.
    let export = fixture("current/export.csv");
    let upload = fixture("current/upload-package-cells-blank.csv");
    let (code, doc) = check_json(&upload, &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(crate::util::findings(&doc), [("no-package".to_owned(), 4, None)], "{doc:#}");
    let actions: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["modify", "unchanged", "add"], "{doc:#}");
    assert_eq!(doc["summary"]["packages"]["webex_calling"], json!({"before": 2, "after": 2}));
    // The row list names the package each existing user keeps.
    let out = hubcsv().args(["check", "-q", "--current"]).arg(&export).arg(&upload).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("modify     webex_calling (kept)  (Display Name:"), "{text}");
    assert!(text.contains("unchanged  webex_meetings (kept)\n"), "{text}");
    assert!(text.contains("add        -\n"), "{text}");
}

#[test]
fn remove_unknown_user_says_the_upload_would_create_the_user() {
    // Ivan (line 10) is not in the export. Control Hub adds every email it does not have,
    // so his all-FALSE row would create him, without licenses: not "nothing happens".
    let doc = report();
    let d =
        doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "remove-unknown-user").unwrap();
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("would create `ivan.petrov@acme.example.com` as a new user"), "{message}");
    assert!(d["help"].as_str().unwrap().contains("delete the row"), "{d:#}");
}

#[test]
fn users_of_the_export_the_file_leaves_out_are_counted() {
    // The export has 7 users; the file names Ana and Ben (and Hana, new): the 5 others are
    // left as they are by the upload, which the report says (deleting a row removes no one).
    let export = fixture("current/export.csv");
    let upload = fixture("current/upload-package-cells-blank.csv");
    let (_, doc) = check_json(&upload, &["--current", export.to_str().unwrap()]);
    assert_eq!(doc["summary"]["absent"], 5, "{doc:#}");
    let out = hubcsv().args(["check", "-q", "--current"]).arg(&export).arg(&upload).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  not in this file: 5 users of the current export, left as they are"), "{text}");
    // Every user named (upload.csv names all 7, Farid in another case): none absent.
    let (_, doc) = check_json(&fixture("current/upload.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(doc["summary"]["absent"], 0, "{doc:#}");
    // Without --current, no such count.
    let (_, doc) = check_json(&upload, &[]);
    assert!(doc["summary"].get("absent").is_none(), "{doc:#}");
}

#[test]
fn activity_columns_of_an_older_export_are_not_edits() {
    // The file was edited from an export of 2026-11-21; the current export is later. Ana
    // has been active since (older time, fewer days), Ben not (more days): their values
    // are stale, not edited. Cy's time is later than the export's: typed, so reported, as
    // is Dee's User Status.
    let (code, rows) = actions("export-activity.csv", "upload-activity-stale.csv");
    assert_eq!(code, 0);
    assert!(rows.iter().all(|(action, _)| action == "unchanged"), "{rows:?}");
    let export = fixture("current/export-activity.csv");
    let (_, doc) =
        check_json(&fixture("current/upload-activity-stale.csv"), &["--current", export.to_str().unwrap()]);
    assert_eq!(
        crate::util::findings(&doc),
        [
            ("read-only-modified".to_owned(), 4, Some("C4".to_owned())),
            ("read-only-modified".to_owned(), 5, Some("B5".to_owned()))
        ],
        "{doc:#}"
    );
}

#[test]
fn accents_written_decomposed_are_the_same_text() {
    // The upload writes Anaïs with `i` + U+0308 (as some macOS tools save text), the
    // export with `ï`: the same name, not a change that reads `Anaïs -> Anaïs`. Chloé's
    // Last Name really changes (Muller -> Müller), decomposed or not.
    let (code, rows) = actions("export-accents.csv", "upload-decomposed-accents.csv");
    assert_eq!(code, 0);
    assert_eq!(rows[0], ("unchanged".to_owned(), json!([])), "{rows:?}");
    assert_eq!(rows[1].0, "modify", "{rows:?}");
    let columns: Vec<&str> =
        rows[1].1.as_array().unwrap().iter().map(|c| c["column"].as_str().unwrap()).collect();
    assert_eq!(columns, ["Last Name", "Display Name"], "{rows:?}");
}

#[test]
fn a_location_in_another_case_is_written_as_the_export_does() {
    // The export has HQ, Paris, ZÜRICH, and Lyon written two ways (LYON too): which one
    // `lyon` means is unknown, so it is left as it is.
    let export = fixture("current/export-location-case.csv");
    let upload = fixture("current/upload-location-case.csv");
    let (code, doc) = check_json(&upload, &["--current", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{doc:#}");
    let fixes: Vec<(u64, &str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!((&d["rule"], &d["severity"]), (&json!("location-case"), &json!("fixed")));
            (d["line"].as_u64().unwrap(), d["value"].as_str().unwrap(), d["fix"].as_str().unwrap())
        })
        .collect();
    assert_eq!(fixes, [(2, "hq", "HQ"), (3, "zürich", "ZÜRICH"), (4, "paris", "Paris")]);
    // Ana and Eli, spelled as the export spells them, change nothing (and are no move).
    let actions: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["unchanged", "unchanged", "add", "add"]);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q", "--only-changes", "--current"])
        .arg(&export)
        .arg(&upload)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<(&str, &str)> =
        text.lines().skip(1).map(|l| (l.split(',').next().unwrap(), l.split(',').nth(4).unwrap())).collect();
    assert_eq!(rows, [("fay@example.com", "Paris"), ("gil@example.com", "lyon")]);
}
