//! The bad-input catalogue (fixtures/bad/): broken and hostile files never panic, never hang,
//! and end with exit 2 (or 1) and a clear message.

use std::process::Output;

use crate::util::{fixture, flat, hubcsv};

fn check(path: &std::path::Path, extra: &[&str]) -> Output {
    hubcsv().arg("check").args(extra).arg(path).output().unwrap()
}

/// Exit code, and stderr + stdout, with the "no panic" check every case shares.
fn run(path: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let out = check(path, extra);
    let text =
        flat(&format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout)));
    assert!(!text.contains("panicked"), "{}: {text}", path.display());
    (out.status.code().unwrap(), text)
}

#[test]
fn catalogue() {
    // (file, exit code, what the message must say)
    let cases: &[(&str, i32, &str)] = &[
        ("empty.csv", 2, "the file is empty: no header row"),
        // Bytes, but only blank lines and empty records: not "empty".
        ("blank-lines-only.csv", 2, "no header row: every line of the file is blank"),
        ("header-only.csv", 1, "the file has a header but no user rows"),
        // A stray quote opens the header's first cell: every line after it is read into that
        // cell, so no email column; the quote is what to fix, not a missing column.
        (
            "header-unclosed-quote.csv",
            2,
            "header-unclosed-quote.csv:1: a quote opens in header cell A1 and never closes: the header runs over 3 lines",
        ),
        // Quotes around two header names make them one cell: the quotes are what to fix,
        // not a profile alias for a column named `Last Name,User ID/Email (Required)`.
        (
            "header-quoted-names.csv",
            2,
            "the header cell `Last Name,User ID/Email (Required)` is several column names in one",
        ),
        ("binary-garbage.bin", 2, "contains NUL bytes"),
        ("nul-bytes.csv", 2, "contains NUL bytes"),
        // xlsx's escape of a NUL character, `_x0000_`: read as one, and written by `fix` into
        // the CSV for Control Hub; now refused at its cell as a NUL in a CSV is.
        ("nul-cell.xlsx", 2, "nul-cell.xlsx (sheet `Users`):2: a NUL byte in `Last Name` (cell B2) on line 2"),
        // Found by fuzz/run.sh (fix_csv): UTF-16 without a BOM whose text holds U+0000. Its
        // NUL bytes are the encoding's, so the NUL-byte refusal let it through, and `fix`
        // wrote a corrected UTF-8 file with a NUL byte that `check` then refused.
        (
            "fuzz-nul-utf16.csv",
            2,
            "fuzz-nul-utf16.csv:1: the file contains NUL characters (U+0000, read as UTF-16LE)",
        ),
        ("truncated.xlsx", 2, "a damaged zip file"),
        ("password.xlsx", 2, "password-protected"),
        ("zip-bomb.xlsx", 2, "zip bomb"),
        ("invalid-utf8-middle.csv", 2, "invalid UTF-8 in `Last Name` (cell B2502) on line 2502"),
        // The same bytes as `é` split by a delimiter in a quoted line: valid once the fields
        // are laid end to end, which must not hide them.
        ("invalid-utf8-split-by-delimiter.csv", 2, "invalid UTF-8 in `Last Name` (cell B2502) on line 2502"),
        // Past the header's last column: no header to name, the cell still.
        ("invalid-utf8-past-header.csv", 2, "invalid UTF-8 in cell H2502 (field 8 of line 2502)"),
        ("cr-only.csv", 1, "cr-only.csv:3"),
        ("mixed-line-endings.csv", 1, "mixed-line-endings.csv:4"),
        ("utf16le-no-bom.csv", 1, "guessed from NUL bytes"),
        // UTF-8 `José` and Windows-1252 `Renée` in one file: read as Windows-1252, José
        // would be `JosÃ©`.
        ("mixed-utf8-and-cp1252.csv", 2, "mixed-utf8-and-cp1252.csv:3: the file mixes encodings"),
        // Found by fuzz/run.sh (read_sheet): a looping sector chain made calamine ask for 4 GiB.
        ("fuzz-oom-cfb-chain.xls", 2, "a sector chain loops"),
        // Found by the same target: calamine panics (index out of bounds) on this OLE file.
        ("fuzz-panic-cfb-index.xls", 2, "password-protected"),
        // And a forged FAT count that made calamine reserve 16 GiB.
        ("fuzz-oom-cfb-fat-len.xls", 2, "its header counts more sectors than the file has"),
        // And a cell at row 65536, column 65536: calamine would allocate 128 GiB for the sheet.
        ("fuzz-oom-xls-sparse-range.xls", 2, "row 65536, column 65536"),
        // And the same through a sheet offset that starts inside a record, which a walk of the
        // stream from its start does not see (calamine walks each sheet from its offset).
        ("fuzz-oom-xls-sheet-offset.xls", 2, "over --max-cells"),
        // One more cell at XFD1048576, the last cell of a sheet: a dense range of it would be
        // 17 billion cells; the sheet is streamed, and the cell is past --max-columns.
        ("far-cell.xlsx", 2, "has a cell at XFD1048576, beyond --max-columns (2000)"),
        // An ods of 523 bytes whose one cell repeats two billion times: calamine materialises
        // repeats, so content.xml is walked first and the file refused.
        ("ods-repeat-bomb.ods", 2, "over --max-cells"),
        // Found by read_sheet as a 10-second unit: a 5 KB xls whose 91 cells span 7.9 million
        // (half a gigabyte as calamine's dense range); sparse ranges that large are refused.
        ("fuzz-sparse-xls.xls", 2, "cells for the 91 it holds"),
        // An xlsb whose first shared-string cell record is 4 bytes long: calamine indexes past
        // it and panics, on the thread that streams the sheet.
        ("short-record.xlsb", 2, "a damaged workbook"),
        // An xlsb sheet cut in the middle of a record.
        ("cut-sheet.xlsb", 2, "cannot read sheet `Users`"),
    ];
    for (file, code, says) in cases {
        let (got, text) = run(&fixture(&format!("bad/{file}")), &[]);
        assert_eq!(got, *code, "{file}: {text}");
        assert!(text.contains(says), "{file} should say `{says}`: {text}");
    }
}

#[test]
fn limits_say_how_to_raise_them() {
    // The far cell is past --max-columns: the help is about the limit, not a password.
    let (code, text) = run(&fixture("bad/far-cell.xlsx"), &[]);
    assert_eq!(code, 2);
    assert!(text.contains("raise the limit named") && !text.contains("password"), "{text}");
}

/// A panic inside calamine is a damaged file for the user, never a crash.
#[test]
fn spreadsheet_reader_panics_become_errors() {
    let data = std::fs::read(fixture("bad/fuzz-panic-cfb-index.xls")).unwrap();
    match hubcsv::input::sheet::open(data, None) {
        Ok(_) => {}
        Err(message) => assert!(!message.is_empty()),
    }
    assert!(!hubcsv::input::sheet::in_guarded_reader());
}

#[test]
fn old_mac_line_endings_keep_line_numbers() {
    let out = check(&fixture("bad/cr-only.csv"), &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![2, 3]);
    let location = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "missing-location");
    assert_eq!(location.unwrap()["cell"], "F3");
}

#[test]
fn five_megabyte_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big-field.csv");
    let field = "x".repeat(5 << 20);
    std::fs::write(&path, format!("User ID/Email (Required),Display Name\nana@example.com,{field}\n"))
        .unwrap();
    let (code, text) = run(&path, &["-q"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("holds 5242880 characters"), "{}", &text[..text.len().min(2000)]);
    assert!(text.len() < 10_000, "the report does not repeat the 5 MB value");
}

#[test]
fn hundred_thousand_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.csv");
    let header: Vec<String> = std::iter::once("User ID/Email (Required)".to_owned())
        .chain((1..100_000).map(|i| format!("Column {i}")))
        .collect();
    std::fs::write(&path, header.join(",") + "\nana@example.com\n").unwrap();
    let (code, text) = run(&path, &[]);
    assert_eq!(code, 2);
    assert!(text.contains("the header has 100000 columns, over --max-columns (2000)"), "{text}");
}

#[test]
fn resource_limits_are_errors_not_kills() {
    let example = fixture("example/upload.csv");
    let (code, text) = run(&example, &["--max-bytes", "500"]);
    assert_eq!(code, 2);
    assert!(text.contains("larger than --max-bytes (500 bytes)"), "{text}");
    let (code, text) = run(&example, &["--max-cells", "100"]);
    assert_eq!(code, 2);
    assert!(text.contains("more than --max-cells (100) cells"), "{text}");
    let (code, _) = run(&fixture("bad/zip-bomb.xlsx"), &["--max-bytes", "100"]);
    assert_eq!(code, 2);
}

#[test]
fn directory_and_missing_path() {
    let (code, text) = run(&fixture("bad"), &[]);
    assert_eq!(code, 2);
    assert!(text.contains("is a directory"), "{text}");
    let (code, text) = run(&fixture("bad/does-not-exist.csv"), &[]);
    assert_eq!(code, 2);
    assert!(text.contains("does-not-exist.csv") && text.contains("No such file"), "{text}");
}

#[cfg(target_os = "linux")]
#[test]
fn disk_full() {
    // The report to a full disk: a clear error, exit 2.
    let full = std::fs::File::options().write(true).open("/dev/full").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("hubcsv");
    let out = std::process::Command::new(bin)
        .args(["check", "fixtures/example/upload.csv"])
        .current_dir(crate::util::root())
        .env("NO_COLOR", "1")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No space left on device"));
    // A device is never an output, even with --force.
    let out =
        hubcsv().args(["fix", "--force", "fixtures/example/upload.csv", "-o", "/dev/full"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a regular file"));
}

#[test]
fn a_wrapped_fatal_error_keeps_option_names_whole() {
    // Wrapped at 100 columns off a terminal: `--max-columns` must stay one word, to copy.
    let out = hubcsv().args(["check", "fixtures/bad/far-cell.xlsx"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.lines().any(|l| l.contains("--max-columns (2000)")), "{stderr}");
}

/// A quote that never closes near the top of a big file: the record it opens is refused past
/// 16 MiB (`input::MAX_RECORD_BYTES`), naming the line and the cell of the quote, instead of
/// being held whole at ten times its size (a 200 MB record took 2.4 GB). `fix` leaves no
/// file behind, and an export (--current) is held to the same limit.
#[test]
fn unclosed_quote_past_the_record_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stray.csv");
    let mut data = b"First Name,Last Name,User ID/Email (Required)\nAna,Silva,ana@example.com\n".to_vec();
    data.extend_from_slice(b"Ben,\"Okafor,ben@example.com\n");
    let row = b"Cy,Dee,cy@example.com\n";
    while data.len() < (17 << 20) {
        data.extend_from_slice(row);
    }
    std::fs::write(&path, &data).unwrap();
    let out = dir.path().join("out.csv");
    let fixed = hubcsv().arg("fix").arg(&path).arg("-o").arg(&out).output().unwrap();
    let text = flat(&String::from_utf8_lossy(&fixed.stderr));
    assert_eq!(fixed.status.code(), Some(2), "{}", &text[..text.len().min(2000)]);
    assert!(text.contains("stray.csv:3"), "{text}");
    assert!(text.contains("the quote in cell B3 (field 2 of line 3) never closes"), "{text}");
    assert!(text.contains("over 16 MiB"), "{text}");
    assert!(text.len() < 5_000, "{}", &text[..2000]);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("stray.csv")], "no output, no temporary file");

    let upload = fixture("example/upload.csv");
    let current = hubcsv().arg("check").arg("--current").arg(&path).arg(&upload).output().unwrap();
    let text = flat(&String::from_utf8_lossy(&current.stderr));
    assert_eq!(current.status.code(), Some(2), "{text}");
    assert!(text.contains("stray.csv:3: the quote in cell B3 (field 2 of line 3) never closes"), "{text}");
}

/// A file of 17 MiB without a line break: refused at the record limit, not read whole.
#[test]
fn a_line_past_the_record_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-line.csv");
    std::fs::write(&path, vec![b'x'; 17 << 20]).unwrap();
    let (code, text) = run(&path, &[]);
    assert_eq!(code, 2, "{}", &text[..text.len().min(2000)]);
    assert!(text.contains("one-line.csv:1"), "{text}");
    assert!(text.contains("line 1 runs over 16 MiB without a line break"), "{text}");
}

/// An over-long cell is `cell-too-long`, and read as empty by the other rules: it is not
/// also reported as a blank email or a blank name (it is anything but blank in the file).
#[test]
fn an_over_long_cell_is_not_also_blank() {
    let header = "First Name,Last Name,User ID/Email (Required),Extension,Location,Webex Calling [Sub1]\n";
    let long = "b".repeat(1001);
    let data = format!(
        "{header}Ana,{long},ana@example.com,1001,HQ,TRUE\nBen,Okafor,{long}@example.com,1002,HQ,TRUE\n"
    );
    let (code, doc) = crate::util::check_bytes("long.csv", data.as_bytes(), &[]);
    assert_eq!(code, 1);
    let found = crate::util::findings(&doc);
    let expected = vec![
        ("cell-too-long".to_owned(), 2, Some("B2".to_owned())),
        ("cell-too-long".to_owned(), 3, Some("C3".to_owned())),
    ];
    assert_eq!(found, expected, "{doc:#}");
}

/// `-j` with thousands of threads spent its time starting them (`-j 5000`: 42 s on a 14-row
/// file): refused past 256, as a command-line mistake (exit 2).
#[test]
fn thousands_of_threads_are_refused() {
    let out = hubcsv().args(["check", "-j", "5000"]).arg(fixture("example/upload.csv")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("hubcsv runs at most 256 worker threads"), "{stderr}");
    let out = hubcsv().args(["check", "-j", "256"]).arg(fixture("example/upload.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// A profile that maps to a 3,000-character column name: the fatal error quoted it whole
/// and drew the whole line under it, some 70 screen lines of `x`. It is shortened as
/// findings' values are, and the line (named by the message) is not drawn; JSON keeps it.
#[test]
fn a_fatal_error_shortens_a_long_value_and_skips_a_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("long.toml");
    let name = "x".repeat(3000);
    std::fs::write(
        &profile,
        format!("[aliases]\n\"Work Email\" = \"User ID/Email (Required)\"\n\"Dept\" = \"{name}\"\n"),
    )
    .unwrap();
    let csv = fixture("profiles/email-unmapped.csv");
    let out = hubcsv().arg("check").arg("--profile").arg(&profile).arg(&csv).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("long.toml:3: `xxx"), "{stderr}");
    assert!(stderr.contains("…"), "{stderr}");
    assert!(stderr.len() < 1000, "{stderr}");
    let json =
        hubcsv().args(["check", "--format", "json", "--profile"]).arg(&profile).arg(&csv).output().unwrap();
    assert!(String::from_utf8_lossy(&json.stdout).contains(&name));
}

/// Found by fuzzing: a NUL byte past the first 64 KiB (which refuse a file holding one)
/// was read as text, and `fix` wrote it into the corrected CSV for Control Hub. It is refused
/// where it is, in UTF-8 and in UTF-16 (where it is a NUL character).
#[test]
fn a_nul_past_the_read_ahead_is_refused_at_its_cell() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("User ID/Email (Required),Last Name,Webex Meetings [Sub1],Preferred Webex Site\n");
    for i in 0..3000 {
        let _ = writeln!(text, "user{i}@example.com,Name{i},TRUE,acme.webex.com");
    }
    text.push_str("late@example.com,La\0te,TRUE,acme.webex.com\n");
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    for (name, bytes) in [("late-nul.csv", text.as_bytes().to_vec()), ("late-nul-utf16.csv", utf16)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let (code, said) = run(&path, &[]);
        assert_eq!(code, 2, "{name}: {said}");
        assert!(said.contains("a NUL byte in `Last Name` (cell B3002) on line 3002"), "{name}: {said}");
        let out = dir.path().join("out.csv");
        let fix = hubcsv().args(["fix", "-q"]).arg(&path).arg("-o").arg(&out).output().unwrap();
        assert_eq!(fix.status.code(), Some(2), "{name}");
        assert!(!out.exists(), "{name}: nothing is written");
    }
}
