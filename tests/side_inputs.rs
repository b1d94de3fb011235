//! The files read besides the upload (`--current`, `--template`, `--locations`): undecodable
//! or damaged content is refused with exit 2, naming the file, the line and the cell, never
//! read on into a wrong answer or into `fix`'s output.

use std::fmt::Write as _;
use std::path::Path;

use crate::util::{fixture, flat, hubcsv};

/// `hubcsv check OPTION FILE UPLOAD`: exit code and stderr (flattened), after the shared "no
/// panic" check.
fn check_with(option: &str, file: &Path, upload: &str) -> (i32, String) {
    let out = hubcsv().arg("check").arg(option).arg(file).arg(fixture(upload)).output().unwrap();
    let said = flat(&String::from_utf8_lossy(&out.stderr));
    assert!(!said.contains("panicked"), "{said}");
    (out.status.code().unwrap(), said)
}

/// `fix` with `option FILE` is refused too, and writes nothing.
fn fix_writes_nothing(option: &str, file: &Path, upload: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q", option])
        .arg(file)
        .arg(fixture(upload))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!out.exists(), "nothing is written");
}

/// An export of 800 more users, past the 64 KiB that refuse a file holding a NUL at once,
/// then `last`.
fn long_export(last: &str) -> String {
    let mut text = std::fs::read_to_string(fixture("current/export.csv")).unwrap();
    for i in 0..800 {
        let _ = writeln!(
            text,
            "U{i},Pad,U{i} Pad,u{i}@acme.example.com,Active,,,,,HQ,,FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE"
        );
    }
    text.push_str(last);
    text
}

/// Found by running the binary on crafted files: a NUL byte past the first 64 KiB of an
/// export or a locations list was read as text (a NUL in a Location name, `Pa\0ris`, became
/// an org location). Refused at its cell, as in the upload, in UTF-8 and UTF-16.
#[test]
fn a_nul_past_the_read_ahead_is_refused_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let export =
        long_export("Zed,Zed,Zed,zed@acme.example.com,Active,,,,,Pa\0ris,,FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE\n");
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(export.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let mut list = std::fs::read_to_string(fixture("locations/locations.csv")).unwrap();
    for i in 0..3000 {
        let _ = writeln!(list, "Site {i},1 Main Street,San Jose,CA,95110,US,America/Los_Angeles");
    }
    list.push_str("Lyon\0,5 place Charles Béraudier,Lyon,,69003,FR,Europe/Paris\n");
    let mut names = String::new();
    for i in 0..9000 {
        let _ = writeln!(names, "Site {i}");
    }
    names.push_str("Pa\0ris\n");
    let cases: [(&str, &str, Vec<u8>, &str, &str); 4] = [
        (
            "--current",
            "export.csv",
            export.into_bytes(),
            "current/upload.csv",
            "export.csv:809: a NUL byte in `Location` (cell J809) on line 809",
        ),
        (
            "--current",
            "export16.csv",
            utf16,
            "current/upload.csv",
            "export16.csv:809: a NUL byte in `Location` (cell J809) on line 809",
        ),
        (
            "--locations",
            "list.csv",
            list.into_bytes(),
            "locations/upload.csv",
            "list.csv:3006: a NUL byte in `Location Name` (cell A3006) on line 3006",
        ),
        // Without a header the first line is a name, not a column's.
        (
            "--locations",
            "names.txt",
            names.into_bytes(),
            "locations/upload.csv",
            "names.txt:9001: a NUL byte in cell A9001 (field 1 of line 9001)",
        ),
    ];
    for (option, name, bytes, upload, says) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, said) = check_with(option, &path, upload);
        assert_eq!(code, 2, "{name}: {said}");
        assert!(said.contains(says), "{name} should say `{says}`: {said}");
        assert!(said.contains("remove the character from that cell"), "{name}: {said}");
        fix_writes_nothing(option, &path, upload);
    }
}

/// An export partly saved as UTF-8 was read as Windows-1252 without a word (the refusal was
/// the upload's only): `Chloé` became `ChloÃ©`, and her row a `modify`. And no help for an
/// export offers `--encoding`, which is the upload's.
#[test]
fn an_export_in_two_encodings_is_refused_without_offering_encoding() {
    let export = fixture("current/export-mixed-encodings.csv");
    for option in ["--current", "--template"] {
        let (code, said) = check_with(option, &export, "current/upload.csv");
        assert_eq!(code, 2, "{option}: {said}");
        assert!(said.contains("export-mixed-encodings.csv:2: the file mixes encodings"), "{option}: {said}");
        assert!(!said.contains("--encoding windows-1252"), "{option}: {said}");
        assert!(said.contains("--encoding is for the upload checked, not this file"), "{option}: {said}");
    }
    // Invalid UTF-8 past the read-ahead: the same help.
    let dir = tempfile::tempdir().unwrap();
    let late = dir.path().join("late.csv");
    let mut bytes = long_export("").into_bytes();
    bytes.extend_from_slice(b"Zed,Z\xFFed,Zed,zed@acme.example.com,Active,,,,,HQ,,FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE\n");
    std::fs::write(&late, bytes).unwrap();
    let (code, said) = check_with("--current", &late, "current/upload.csv");
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("late.csv:809: invalid UTF-8 in `Last Name` (cell B809) on line 809"), "{said}");
    assert!(!said.contains("--encoding windows-1252") && said.contains("not this file"), "{said}");
}

/// A UTF-16 export one byte short (its last line break half there) decoded its last user's
/// last cell as `FALSE�` without a word: a license cell neither TRUE nor FALSE.
#[test]
fn utf16_of_an_odd_length_is_refused_at_its_last_line() {
    let export = fixture("current/export-utf16-odd-length.csv");
    let (code, said) = check_with("--current", &export, "current/upload.csv");
    assert_eq!(code, 2, "{said}");
    assert!(
        said.contains("export-utf16-odd-length.csv:8: the file is UTF-16 text of an odd number of bytes: its last byte, on line 8 (row 8), is half a character"),
        "{said}"
    );
    assert!(said.contains("export it again from Control Hub"), "{said}");
    fix_writes_nothing("--current", &export, "current/upload.csv");
    // A template reads the header only: the header is whole, and read.
    let (code, said) = check_with("--template", &export, "current/upload.csv");
    assert_eq!(code, 1, "{said}");
}

/// A stray quote opening an export's or a template's header swallowed its lines: the
/// message was `missing-email-column`, listing a header that holds the email column; it now
/// names the quote, as for the upload.
#[test]
fn a_quote_that_swallows_the_header_is_named() {
    let export = fixture("current/export-header-unclosed-quote.csv");
    for option in ["--current", "--template"] {
        let (code, said) = check_with(option, &export, "current/upload.csv");
        assert_eq!(code, 2, "{option}: {said}");
        assert!(
            said.contains("export-header-unclosed-quote.csv:1: a quote opens in header cell A1 and never closes: the header runs over 8 lines"),
            "{option}: {said}"
        );
        assert!(said.contains("remove the stray"), "{option}: {said}");
    }
}

/// A stray quote in a locations list swallowed the lines after it: their names were lost
/// without a word (and every row naming them `unknown-location`), or became one name with
/// line breaks.
#[test]
fn a_quote_that_swallows_locations_is_refused() {
    let cases = [
        (
            "names-stray-quote.txt",
            "names-stray-quote.txt:2: the locations list is damaged: a quote opens in the name at line 2 and runs over 3 lines (`Paris` / `Zürich` / `Tokyo`)",
        ),
        (
            "locations-stray-quote.csv",
            "locations-stray-quote.csv:3: the locations list is damaged: a quote opens in the record at line 3 and runs across lines (it has 9 fields, the header 7)",
        ),
        (
            "locations-header-stray-quote.csv",
            "locations-header-stray-quote.csv:1: a quote opens in header cell A1 and closes on a later line: the header runs over 4 lines",
        ),
    ];
    for (file, says) in cases {
        let (code, said) =
            check_with("--locations", &fixture(&format!("locations/{file}")), "locations/upload.csv");
        assert_eq!(code, 2, "{file}: {said}");
        assert!(said.contains(says), "{file} should say `{says}`: {said}");
        assert!(said.contains("stray"), "{file}: {said}");
    }
}

/// Control Hub's *Download CSV template* (a header only) given for `--current` was read as an
/// org of no one: every row of the upload a silent `add`. Refused; as a template it is read.
#[test]
fn a_header_only_export_is_refused_as_current_and_read_as_template() {
    let template = fixture("current/export-header-only.csv");
    let (code, said) = check_with("--current", &template, "current/upload.csv");
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("export-header-only.csv:1: the current export lists no user"), "{said}");
    assert!(said.contains("can be --template"), "{said}");
    fix_writes_nothing("--current", &template, "current/upload.csv");
    let (code, said) = check_with("--template", &template, "current/upload.csv");
    assert_eq!(code, 1, "{said}");
}

/// A workbook's cell holding a NUL character (xlsx writes it `_x0000_`) was read as text, in
/// the upload (and written into `fix`'s CSV) and in an export: refused at its cell.
#[test]
fn a_nul_in_a_workbook_cell_is_refused() {
    let book = fixture("bad/nul-cell.xlsx");
    let (code, said) = check_with("--current", &book, "current/upload.csv");
    assert_eq!(code, 2, "{said}");
    assert!(
        said.contains("nul-cell.xlsx (sheet `Users`):2: a NUL byte in `Last Name` (cell B2) on line 2"),
        "{said}"
    );
    // A template reads its header only, which holds none.
    let (code, said) = check_with("--template", &book, "current/upload.csv");
    assert_eq!(code, 1, "{said}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv().args(["fix", "-q"]).arg(&book).arg("-o").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!out.exists(), "nothing is written");
}

/// An error in a workbook given beside the upload names its sheet, as the upload's errors
/// do: `export.xlsx (sheet `Users`):2`.
#[test]
fn a_workbook_beside_the_upload_is_named_with_its_sheet() {
    for flag in ["--locations", "--current"] {
        let (code, said) = check_with(flag, &fixture("bad/nul-cell.xlsx"), "current/upload.csv");
        assert_eq!(code, 2, "{flag}");
        assert!(
            said.contains("nul-cell.xlsx (sheet `Users`):2: a NUL byte in `Last Name` (cell B2)"),
            "{flag}: {said}"
        );
    }
}
