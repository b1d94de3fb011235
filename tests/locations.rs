//! `--locations FILE`: the org's location names, `unknown-location` and `location-case`.

use crate::util::{check_json, fixture, hubcsv};

/// A finding about the Location column: rule, line, value, fix.
type Finding = (String, u64, String, Option<String>);

fn location_findings(list: &str) -> (i32, Vec<Finding>) {
    let (code, doc) =
        check_json(&fixture("locations/upload.csv"), &["--locations", &fixture(list).to_string_lossy()]);
    let found = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["column"] == "Location")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["value"].as_str().unwrap().to_owned(),
                d["fix"].as_str().map(str::to_owned),
            )
        })
        .collect();
    (code, found)
}

#[test]
fn a_location_must_be_in_the_list_and_is_written_as_the_list_does() {
    let expected = vec![
        ("location-case".to_owned(), 3, "paris".to_owned(), Some("Paris".to_owned())),
        ("unknown-location".to_owned(), 4, "Lyon Part-Dieu".to_owned(), None),
        ("location-case".to_owned(), 5, "ZÜRICH".to_owned(), Some("Zürich".to_owned())),
        ("unknown-location".to_owned(), 7, "Tokyo".to_owned(), None),
    ];
    // Control Hub's list (a `Location Name` column among others), and the names one a line
    // (a name with a comma quoted): the same verdicts. `HQ` is exact; `REMOVE` and a blank
    // cell are never looked up.
    for list in ["locations/locations.csv", "locations/names.txt"] {
        let (code, found) = location_findings(list);
        assert_eq!(code, 1, "{list}");
        assert_eq!(found, expected, "{list}");
    }
}

#[test]
fn a_typo_names_the_closest_location() {
    let (_, doc) = check_json(
        &fixture("locations/upload.csv"),
        &["--locations", &fixture("locations/locations.csv").to_string_lossy()],
    );
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unknown-location")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].ends_with("(4 names): the closest is `Lyon, Part-Dieu`"), "{messages:?}");
    assert!(messages[1].ends_with("(4 names)"), "{messages:?}");
}

#[test]
fn fix_corrects_the_case_and_rejects_unknown_locations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q", "--locations"])
        .arg(fixture("locations/locations.csv"))
        .arg(fixture("locations/upload.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let kept = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<(&str, &str)> =
        kept.lines().skip(1).map(|l| (l.split(',').next().unwrap(), l.split(',').nth(3).unwrap())).collect();
    assert_eq!(
        rows,
        [
            ("ana@example.com", "HQ"),
            ("ben@example.com", "Paris"),
            ("dee@example.com", "Zürich"),
            ("eli@example.com", "REMOVE"),
            ("gil@example.com", "")
        ]
    );
    let rejected = std::fs::read_to_string(dir.path().join("fixed.rejected.csv")).unwrap();
    assert!(rejected.contains("cy@example.com") && rejected.contains("fay@example.com"), "{rejected}");
}

#[test]
fn a_list_hubcsv_cannot_read_as_names_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "columns.csv",
            "Site,City\nHQ,San Jose\n",
            "the locations list has 2 columns and none is `Location Name`",
        ),
        ("comma.txt", "HQ\nParis, France\n", "comma.txt:2: this line has 2 fields"),
        ("blank.txt", "\n\n", "the locations list is empty"),
        ("header-only.csv", "Location Name,City\n", "the locations list holds no location name"),
    ];
    for (name, text, says) in cases {
        let list = dir.path().join(name);
        std::fs::write(&list, text).unwrap();
        let out = hubcsv()
            .arg("check")
            .arg("--locations")
            .arg(&list)
            .arg(fixture("locations/upload.csv"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name} should say `{says}`: {stderr}");
        assert!(stderr.contains("Location Name"), "{name}: the help says what a list is: {stderr}");
    }
}

#[test]
fn the_list_decides_over_the_exports_locations() {
    // The export (two other users) writes `Paris` and `ZÜRICH`; the list `Paris` and
    // `Zürich`. Alone, the export corrects `paris` and says nothing of `ZÜRICH` (as it
    // writes it) or of `Tokyo` (it lists only locations with users). With the list, the
    // list decides.
    let export = fixture("locations/export.csv");
    let upload = fixture("locations/upload.csv");
    let (_, alone) = check_json(&upload, &["--current", &export.to_string_lossy()]);
    let rules = |doc: &serde_json::Value| -> Vec<(String, u64)> {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["column"] == "Location")
            .map(|d| (d["rule"].as_str().unwrap().to_owned(), d["line"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(rules(&alone), [("location-case".to_owned(), 3)]);
    let (_, both) = check_json(
        &upload,
        &[
            "--current",
            &export.to_string_lossy(),
            "--locations",
            &fixture("locations/locations.csv").to_string_lossy(),
        ],
    );
    assert_eq!(
        rules(&both),
        [
            ("location-case".to_owned(), 3),
            ("unknown-location".to_owned(), 4),
            ("location-case".to_owned(), 5),
            ("unknown-location".to_owned(), 7)
        ]
    );
}
