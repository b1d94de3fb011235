//! `hubcsv fix` as a user runs it: the corrected file, rejects, parts, changes, safety.

use std::fmt::Write;
use std::path::Path;

use crate::util::{fixture, hubcsv, CLEAN_ROW, HEADER};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Data rows of a CSV file (records after the header).
fn rows(path: &Path) -> usize {
    csv::ReaderBuilder::new().flexible(true).from_path(path).unwrap().records().count()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn bundled_example_fixes_to_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let changes = dir.path().join("changes.jsonl");
    let run = hubcsv()
        .args(["fix", "-q", "fixtures/example/upload.csv", "-o"])
        .arg(&out)
        .arg("--changes")
        .arg(&changes)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "rows were rejected: exit 1");
    assert_eq!(entries(dir.path()), vec!["changes.jsonl", "fixed.csv", "fixed.rejected.csv"]);
    insta::assert_snapshot!("example_fixed", read(&out));
    insta::assert_snapshot!("example_rejected", read(&dir.path().join("fixed.rejected.csv")));
    insta::assert_snapshot!("example_changes", read(&changes));
    // Every input row is in exactly one of the two files.
    assert_eq!(rows(&out) + rows(&dir.path().join("fixed.rejected.csv")), 13);
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.contains("fixed.csv (9 users)"), "{stdout}");
    assert!(stdout.contains("fixed.rejected.csv (4 rows with errors"), "{stdout}");
}

#[test]
fn fixed_file_is_clean_and_fixes_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.csv");
    let twice = dir.path().join("twice.csv");
    hubcsv().args(["fix", "fixtures/example/upload.csv", "-o"]).arg(&once).output().unwrap();
    let second = hubcsv().arg("fix").arg(&once).arg("-o").arg(&twice).output().unwrap();
    assert_eq!(second.status.code(), Some(0), "the corrected file has no error");
    assert_eq!(std::fs::read(&once).unwrap(), std::fs::read(&twice).unwrap(), "fix is idempotent");
    assert_eq!(rows(&dir.path().join("twice.rejected.csv")), 0);
}

/// Found by `fuzz/run.sh` (`fix_csv`): a file saved with two BOMs. The reader drops one; the
/// other began the first header, which was written as read, so the corrected file began
/// with a BOM that the next run dropped: fixing it again changed its header.
#[test]
fn header_after_two_boms_fixes_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.csv");
    let twice = dir.path().join("twice.csv");
    let first = hubcsv().args(["fix", "fixtures/bad/fuzz-double-bom.csv", "-o"]).arg(&once).output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stdout));
    assert_eq!(read(&once), "Note,User ID/Email (Required)\r\nx,ana@example.com\r\n");
    hubcsv().arg("fix").arg(&once).arg("-o").arg(&twice).output().unwrap();
    assert_eq!(read(&once), read(&twice), "fix is idempotent");
}

#[test]
fn add_and_remove_rewrite_leaves_no_license_blank() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    // A new Voice user with blank license cells, and a removal.
    std::fs::write(
        &input,
        format!("{HEADER}\nDev,Patel,Dev Patel,dev@example.com,,1004,,,HQ,,,TRUE,,,,,TRUE,,\nCy,Moss,Cy Moss,cy@example.com,Active,,,,,,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,TRUE,,\n"),
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let run = hubcsv().arg("fix").arg(&input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    let text = read(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], "Dev,Patel,Dev Patel,dev@example.com,,1004,,,HQ,,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE");
    assert_eq!(
        lines[2],
        "Cy,Moss,Cy Moss,cy@example.com,Active,,,,,,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE"
    );
    assert!(text.contains("\r\n"), "RFC 4180 line endings");
}

/// `n` valid Webex Calling users with distinct emails, extensions and numbers.
fn big_upload(n: usize) -> String {
    let mut s = String::with_capacity(n * 130);
    s.push_str(HEADER);
    s.push('\n');
    for i in 0..n {
        writeln!(
            s,
            "Ana,Silva,Ana Silva,user{i}@example.com,,{},+1408{}{:04},,HQ,,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
            10_000 + i,
            200 + i / 10_000,
            i % 10_000
        )
        .unwrap();
    }
    s
}

#[test]
fn over_the_limit_splits_into_parts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    std::fs::write(&input, big_upload(45_000)).unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv().args(["fix", "-q"]).arg(&input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!out.exists(), "split outputs have no unsuffixed file");
    let parts: Vec<usize> = ["fixed.part-001.csv", "fixed.part-002.csv", "fixed.part-003.csv"]
        .iter()
        .map(|p| rows(&dir.path().join(p)))
        .collect();
    assert_eq!(parts, vec![20_000, 20_000, 5_000]);
    assert!(!dir.path().join("fixed.part-004.csv").exists());
    // Each part is a valid upload on its own, header included.
    let second = read(&dir.path().join("fixed.part-002.csv"));
    assert!(second.starts_with("First Name,"));
}

#[test]
fn failed_run_leaves_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "fixtures/example/upload.csv", "--fail-after-rows", "5", "-o"])
        .arg(&out)
        .arg("--changes")
        .arg(dir.path().join("changes.jsonl"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("simulated write failure"));
    assert_eq!(entries(dir.path()), Vec::<String>::new(), "no output and no temporary file left");
}

#[test]
fn existing_output_is_refused_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    std::fs::write(&out, "precious").unwrap();
    let run = hubcsv().args(["fix", "fixtures/rules/clean.csv", "-o"]).arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("exists"));
    assert_eq!(read(&out), "precious");
    let run = hubcsv().args(["fix", "--force", "fixtures/rules/clean.csv", "-o"]).arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(read(&out).starts_with("First Name,"));
}

#[test]
fn output_equal_to_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, format!("{HEADER}\n{CLEAN_ROW}\n")).unwrap();
    let before = std::fs::read(&input).unwrap();
    let run = hubcsv().arg("fix").arg(&input).arg("-o").arg(&input).arg("--force").output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("the input and -o name the same file"));
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is never modified");
}

#[test]
fn bom_for_excel() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    hubcsv().args(["fix", "--bom", "fixtures/rules/clean.csv", "-o"]).arg(&out).output().unwrap();
    assert!(std::fs::read(&out).unwrap().starts_with(b"\xEF\xBB\xBFFirst Name,"));
}

#[test]
fn rejects_neutralise_formulas_and_feed_back_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    hubcsv().args(["fix", "fixtures/rules/HC031-formula-injection.csv", "-o"]).arg(&out).output().unwrap();
    let rejected = dir.path().join("fixed.rejected.csv");
    let text = read(&rejected);
    assert!(text.contains("\"'=HYPERLINK("), "formula escaped: {text}");
    assert!(text.starts_with("hubcsv rule,hubcsv message,First Name"));
    // The rejects file, once corrected, is checked again without complaints about hubcsv's
    // own columns, and they are dropped from the corrected output.
    let (code, doc) = crate::util::check_json(&rejected, &[]);
    assert!(doc["diagnostics"].as_array().unwrap().iter().all(|d| d["rule"] != "unknown-column"), "{doc:#}");
    // Fed back in as it is, the escaped formula is still the rejected formula: the row
    // stays out until the value is corrected (it would upload as `'=HYPERLINK(...)`).
    let found: Vec<(String, Option<String>)> =
        crate::util::findings(&doc).into_iter().map(|(r, _, c)| (r, c)).collect();
    assert_eq!(found, vec![("formula-injection".to_owned(), Some("E2".to_owned()))], "{doc:#}");
    assert_eq!(code, 1);
    // Corrected, it passes.
    let corrected =
        read(&rejected).replace("\"'=HYPERLINK(\"\"http://x.example\"\",\"\"x\"\")\"", "Greta Novak");
    std::fs::write(&rejected, corrected).unwrap();
    let (code, doc) = crate::util::check_json(&rejected, &[]);
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn json_report_lists_written_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "--format", "json", "fixtures/example/upload.csv", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc["output"]["corrected"][0]["rows"], 9);
    assert_eq!(doc["output"]["rejected"]["rows"], 4);
    assert_eq!(doc["summary"]["rows"], 13);
}

#[test]
fn input_is_never_modified() {
    let before = std::fs::read(fixture("example/upload.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    hubcsv()
        .args(["fix", "fixtures/example/upload.csv", "-o"])
        .arg(dir.path().join("x.csv"))
        .output()
        .unwrap();
    assert_eq!(std::fs::read(fixture("example/upload.csv")).unwrap(), before);
}

#[test]
fn rows_kept_as_read_are_requoted_for_commas() {
    // A `;` file whose rows need no change: a Display Name with a comma (unquoted in the
    // input, where `;` delimits) must come out quoted, and one quoted for its `;` comes out
    // bare.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q", "fixtures/input/semicolon-canonical.csv", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let fixed = read(&out);
    let lines: Vec<&str> = fixed.split("\r\n").collect();
    assert_eq!(
        lines[1..],
        [
            "Inès,Dupré,\"Dupré, Inès\",ines.dupre@example.com,1001,+14085550101,Paris,,TRUE,FALSE,FALSE,FALSE,FALSE",
            "Kim,Lee,Lee; Kim,kim.lee@example.com,1002,+14085550102,Paris,,TRUE,FALSE,FALSE,FALSE,FALSE",
            "Omar,Haddad,Omar Haddad,omar.haddad@example.com,1003,,Paris,,FALSE,TRUE,FALSE,FALSE,FALSE",
            "",
        ]
    );
}

/// A temporary folder holding a copy of the bundled example as `in.csv`.
fn example_in_temp() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::copy(fixture("example/upload.csv"), &input).unwrap();
    (dir, input)
}

/// Runs `hubcsv fix IN ARGS...` in `dir` (paths relative to it, as a user types them).
fn fix_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = hubcsv();
    cmd.current_dir(dir).arg("fix").args(args);
    cmd.output().unwrap()
}

fn stderr(run: &std::process::Output) -> String {
    String::from_utf8_lossy(&run.stderr).into_owned()
}

/// Each way of naming the changes log on another output of the run: refused before anything
/// is written, naming both options and the path, with or without --force.
#[test]
fn changes_on_another_output_is_refused_and_leaves_nothing() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["in.csv", "-o", "z.csv", "--changes", "z.csv"], "z.csv: -o and --changes", "z.csv"),
        (&["in.csv", "-o", "z.csv", "--changes", "./z.csv"], "-o and --changes", "z.csv"),
        (&["in.csv", "-o", "z2.csv", "--changes", "z2.csv", "--force"], "-o and --changes", "z2.csv"),
        (
            &["in.csv", "-o", "z3.csv", "--changes", "z3.rejected.csv"],
            "the rejects file of -o and --changes",
            "z3.rejected.csv",
        ),
        (
            &["in.csv", "-o", "z4.csv", "--changes", "z4.part-002.csv", "--max-rows", "3"],
            "--changes and a part of -o",
            "z4.part-002.csv",
        ),
        (&["in.csv", "-o", "in.csv", "--force"], "the input and -o", "in.csv"),
    ];
    for (args, says, path) in cases {
        let (dir, input) = example_in_temp();
        let before = std::fs::read(&input).unwrap();
        let run = fix_in(dir.path(), args);
        let err = stderr(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says) && err.contains("name the same file"), "{args:?}: {err}");
        assert!(err.contains(path), "{args:?} names the path: {err}");
        assert!(err.contains("give each output a name of its own"), "{args:?} has a hint: {err}");
        assert_eq!(entries(dir.path()), ["in.csv"], "{args:?} leaves nothing behind");
        assert_eq!(std::fs::read(&input).unwrap(), before);
    }
}

#[cfg(unix)]
#[test]
fn changes_through_a_linked_folder_is_the_same_file() {
    let (dir, _) = example_in_temp();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("link")).unwrap();
    let run = fix_in(dir.path(), &["in.csv", "-o", "z.csv", "--changes", "link/z.csv"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("link/z.csv: -o and --changes name the same file"), "{}", stderr(&run));
    assert_eq!(entries(dir.path()), ["in.csv", "link"]);
}

#[test]
fn input_named_like_a_part_of_the_output_is_refused() {
    // With --force, parts of -o that the run does not write are removed: the input would be.
    let (dir, input) = example_in_temp();
    std::fs::rename(&input, dir.path().join("p.part-002.csv")).unwrap();
    let run = fix_in(dir.path(), &["p.part-002.csv", "-o", "p.csv", "--force"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("p.part-002.csv: the input and a part of -o name the same file"));
    assert_eq!(entries(dir.path()), ["p.part-002.csv"]);
}

/// A file that appears at an output path while the run reads its input: the run still
/// renames nothing, not even the outputs that had no clash.
#[test]
fn output_appearing_during_the_run_leaves_no_partial_set() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hubcsv"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(["fix", "-", "-o", "p.csv", "--changes", "log.jsonl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&std::fs::read(fixture("example/upload.csv")).unwrap()).unwrap();
    // The run cannot end before its input does. Once its temporary files exist, the checks
    // made before the run are behind it: the log's path is taken then.
    let started = std::time::Instant::now();
    while !entries(dir.path()).iter().any(|n| n.starts_with(".hubcsv-")) {
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "the run never started writing");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::fs::write(dir.path().join("log.jsonl"), "someone else's").unwrap();
    drop(stdin);
    let run = child.wait_with_output().unwrap();
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("log.jsonl: exists already"), "{}", stderr(&run));
    assert!(stderr(&run).contains("appeared while hubcsv ran"), "{}", stderr(&run));
    assert_eq!(entries(dir.path()), ["log.jsonl"], "no output was renamed into place");
    assert_eq!(read(&dir.path().join("log.jsonl")), "someone else's");
}

#[test]
fn write_failure_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "fixtures/example/upload.csv", "--fail-after-rows", "0", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = stderr(&run);
    assert!(err.contains("cannot write the output") && err.contains("fixed."), "{err}");
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn force_removes_parts_an_earlier_run_left() {
    let (dir, _) = example_in_temp();
    // 9 corrected users: three parts of 3, then two parts of at most 5.
    let first = fix_in(dir.path(), &["-q", "in.csv", "-o", "p.csv", "--max-rows", "3"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    // Names that only look like hubcsv's: never touched.
    for other in ["p.part-01.csv", "p.part-0004.csv", "p.part-003.csv.bak", "q.part-001.csv"] {
        std::fs::write(dir.path().join(other), "mine").unwrap();
    }
    let second = fix_in(dir.path(), &["-q", "in.csv", "-o", "p.csv", "--max-rows", "5", "--force"]);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert_eq!(
        entries(dir.path()),
        [
            "in.csv",
            "p.part-0004.csv",
            "p.part-001.csv",
            "p.part-002.csv",
            "p.part-003.csv.bak",
            "p.part-01.csv",
            "p.rejected.csv",
            "q.part-001.csv"
        ]
    );
    assert_eq!(rows(&dir.path().join("p.part-001.csv")) + rows(&dir.path().join("p.part-002.csv")), 9);
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("removed: p.part-003.csv"), "{stdout}");
}

#[test]
fn force_removes_the_unsplit_file_or_the_parts_when_the_split_changes() {
    let (dir, _) = example_in_temp();
    let unsplit = fix_in(dir.path(), &["-q", "in.csv", "-o", "p.csv"]);
    assert_eq!(unsplit.status.code(), Some(1), "{}", stderr(&unsplit));
    let split = fix_in(dir.path(), &["-q", "in.csv", "-o", "p.csv", "--max-rows", "3", "--force"]);
    assert_eq!(split.status.code(), Some(1), "{}", stderr(&split));
    assert_eq!(
        entries(dir.path()),
        ["in.csv", "p.part-001.csv", "p.part-002.csv", "p.part-003.csv", "p.rejected.csv"]
    );
    assert!(String::from_utf8_lossy(&split.stdout).contains("removed: p.csv"));
    let run = fix_in(dir.path(), &["--format", "json", "in.csv", "-o", "p.csv", "--force"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(entries(dir.path()), ["in.csv", "p.csv", "p.rejected.csv"]);
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        doc["output"]["removed"],
        serde_json::json!(["p.part-001.csv", "p.part-002.csv", "p.part-003.csv"])
    );
}

#[test]
fn earlier_outputs_refuse_a_run_without_force() {
    let (dir, _) = example_in_temp();
    let first = fix_in(dir.path(), &["-q", "in.csv", "-o", "p.csv", "--max-rows", "3"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    std::fs::remove_file(dir.path().join("p.rejected.csv")).unwrap();
    let before: Vec<Vec<u8>> =
        entries(dir.path()).iter().map(|n| std::fs::read(dir.path().join(n)).unwrap()).collect();
    // Unsplit now, where the earlier run split: its parts would stay beside p.csv.
    let run = fix_in(dir.path(), &["-q", "in.csv", "-o", "p.csv"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("p.part-001.csv: is an output of an earlier run of -o"),
        "{}",
        stderr(&run)
    );
    let after: Vec<Vec<u8>> =
        entries(dir.path()).iter().map(|n| std::fs::read(dir.path().join(n)).unwrap()).collect();
    assert_eq!(entries(dir.path()), ["in.csv", "p.part-001.csv", "p.part-002.csv", "p.part-003.csv"]);
    assert_eq!(before, after, "nothing changed");
}

#[test]
fn summary_counts_read_as_english() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run =
        hubcsv().args(["fix", "fixtures/rules/HC014-missing-location.csv", "-o"]).arg(&out).output().unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.contains("(1 row with errors, original values)"), "{stdout}");
    assert!(!stdout.contains(" 1 rows") && !stdout.contains(" 1 users"), "{stdout}");
}

#[test]
fn dash_is_not_an_output_file() {
    // `-` is standard input for the input; as -o or --changes it would be a file named `-`.
    let dir = tempfile::tempdir().unwrap();
    for args in [&["-o", "-"][..], &["-o", "fixed.csv", "--changes", "-"][..]] {
        let run = hubcsv()
            .current_dir(dir.path())
            .arg("fix")
            .arg(crate::util::fixture("example/upload.csv"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8(run.stderr).unwrap().contains("not standard output"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written for {args:?}");
    }
}

#[test]
fn no_rows_rejects_header_written_once() {
    // `no-rows` is found at the end and reaches the writer as a second header call.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q"])
        .arg(fixture("rules/HC041-no-rows.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let rejected = read(&dir.path().join("fixed.rejected.csv"));
    assert_eq!(rejected.lines().count(), 1, "{rejected}");
}

#[test]
fn license_headers_are_written_as_control_hub_spells_them() {
    // `webex calling [sub1]` and `BASIC MESSAGING`: the names take Control Hub's spelling,
    // the subscription suffix stays as written; the change is logged as `canonical-header`.
    let dir = tempfile::tempdir().unwrap();
    let (out, changes) = (dir.path().join("fixed.csv"), dir.path().join("changes.jsonl"));
    let run = hubcsv()
        .arg("fix")
        .arg(fixture("input/license-headers-any-case.csv"))
        .arg("-o")
        .arg(&out)
        .arg("--changes")
        .arg(&changes)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    let header = read(&out).lines().next().unwrap().to_owned();
    assert_eq!(
        header,
        "User ID/Email (Required),Extension,Location,Webex Calling [sub1],Basic Messaging,Webex Voice [Sub1],Webex Suite [Sub1] (Suspended)"
    );
    let log = read(&changes);
    assert!(
        log.contains(
            r#""old":"webex calling [sub1]","new":"Webex Calling [sub1]","rule":"canonical-header""#
        ),
        "{log}"
    );
    assert!(log.contains(r#""old":"BASIC MESSAGING","new":"Basic Messaging""#), "{log}");
}

/// Numbers written with the national (trunk) prefix after the country code (`+44 (0)20 ...`,
/// `+4402079460958`) are valid to libphonenumber, which drops the prefix: `fix` writes the
/// E.164 form without it, in Phone Number and Caller ID Number, and duplicates are found on
/// that form. See fixtures/phone/trunk-prefix.csv.
#[test]
fn phone_format_writes_e164_without_the_trunk_prefix() {
    let input = fixture("phone/trunk-prefix.csv");
    let (code, doc) = crate::util::check_json(&input, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let found: Vec<(String, u64, Option<String>)> = crate::util::findings(&doc);
    let at = |rule: &str, line: u64, cell: &str| (rule.to_owned(), line, Some(cell.to_owned()));
    assert_eq!(
        found,
        vec![
            at("phone-format", 2, "G2"),
            at("phone-format", 3, "G3"),
            // Callum's `+442079460958` is Amelia's `+44 (0)20 7946 0958`.
            at("duplicate-phone-number", 4, "G4"),
            at("phone-format", 5, "G5"),
            at("phone-format", 5, "H5"),
            at("phone-missing-plus", 6, "G6"),
        ]
    );
    let messages: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages[0].contains("trunk) prefix `0` after the country code"), "{}", messages[0]);
    assert!(
        messages[2].contains("`+442079460958` is also the number of the user on line 2, G2"),
        "{}",
        messages[2]
    );

    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.csv");
    let changes = dir.path().join("changes.jsonl");
    let run =
        hubcsv().arg("fix").arg(&input).arg("-o").arg(&once).arg("--changes").arg(&changes).output().unwrap();
    assert_eq!(run.status.code(), Some(1), "Callum's row is rejected");
    let mut phones: Vec<(String, String)> = Vec::new();
    for line in read(&changes).lines() {
        let change: serde_json::Value = serde_json::from_str(line).unwrap();
        if change["rule"] == "phone-format" || change["rule"] == "phone-missing-plus" {
            phones.push((
                change["old"].as_str().unwrap().to_owned(),
                change["new"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let pair = |old: &str, new: &str| (old.to_owned(), new.to_owned());
    assert_eq!(
        phones,
        vec![
            pair("+44 (0)20 7946 0958", "+442079460958"),
            pair("+33 (0)1 45 67 89 00", "+33145678900"),
            pair("+4402079460959", "+442079460959"),
            pair("+44 (0)20 7946 0900", "+442079460900"),
            pair("0033 (0)1 45 67 89 01", "+33145678901"),
        ]
    );
    let corrected = read(&once);
    assert!(corrected.contains(",2001,+442079460958,,London,"), "{corrected}");
    assert!(corrected.contains(",2004,+442079460959,+442079460900,London,"), "{corrected}");
    assert!(!corrected.contains("callum.reid"), "{corrected}");
    assert!(read(&dir.path().join("once.rejected.csv")).contains("callum.reid@example.com"));

    // The corrected file is clean, and fixes to itself.
    let (code, doc) = crate::util::check_json(&once, &[]);
    assert_eq!((code, doc["diagnostics"].as_array().unwrap().len()), (0, 0), "{doc:#}");
    let twice = dir.path().join("twice.csv");
    let second = hubcsv().arg("fix").arg(&once).arg("-o").arg(&twice).output().unwrap();
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(read(&once), read(&twice), "fix is idempotent");
}

#[test]
fn rejects_keep_every_field_of_a_ragged_row() {
    // Line 2 has an unquoted comma in its Title (`VP, Sales`): six fields for five columns.
    // The rejects file keeps all six, so fed back it is still ragged, not shifted data.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    hubcsv().arg("fix").arg(fixture("input/ragged-extra-fields.csv")).arg("-o").arg(&out).output().unwrap();
    let rejected = dir.path().join("fixed.rejected.csv");
    let text = read(&rejected);
    assert!(text.contains(",ann@example.com,TRUE,acme.webex.com,VP, Sales,Marketing\r\n"), "{text}");
    let (code, doc) = crate::util::check_json(&rejected, &[]);
    assert_eq!(code, 1);
    let rules: Vec<String> = crate::util::findings(&doc).into_iter().map(|(r, _, _)| r).collect();
    assert_eq!(rules, ["ragged-row", "ragged-row"], "{doc:#}");
}

#[test]
fn rejects_escape_formulas_in_phone_columns_too() {
    // `+` starts an E.164 number, but `=` and `@` in a phone column are formulas as anywhere.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    hubcsv()
        .arg("fix")
        .arg(fixture("input/formula-in-phone-columns.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let text = read(&dir.path().join("fixed.rejected.csv"));
    assert!(text.contains(r#","'=HYPERLINK(""http://evil.example"",""x"")",'@SUM(1),1001,"#), "{text}");
    // The valid number with separators is corrected and uploaded, its `+` kept as data.
    assert!(read(&out).contains("b@example.com,+14085550199,"), "{}", read(&out));
}

#[test]
fn output_folders_must_exist_and_folders_are_never_outputs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("x.csv")).unwrap();
    let example = fixture("example/upload.csv");
    for (args, says) in [
        (vec!["-o", "nodir/y.csv"], "nodir/y.csv: cannot be written: its folder does not exist"),
        (vec!["-o", "y.csv", "--changes", "nodir/ch.jsonl"], "nodir/ch.jsonl: cannot be written"),
        (vec!["-o", "x.csv", "--force"], "even with --force"),
    ] {
        let run = hubcsv().current_dir(dir.path()).arg("fix").arg(&example).args(&args).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(run.stderr).unwrap();
        assert!(stderr.contains(says) && !stderr.contains(".hubcsv-"), "{args:?}: {stderr}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["x.csv"], "{args:?}: nothing written");
    }
}

#[test]
fn sheet_dates_and_times_are_written_in_iso_8601() {
    // A time of day alone is `13:30:00` (it has no date), a date alone `2024-05-01`, both
    // `2024-05-01T08:15:00`.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run =
        hubcsv().arg("fix").arg(fixture("input/dates-and-times.xlsx")).arg("-o").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    let text = read(&out);
    assert!(text.contains("a@example.com,13:30:00,2024-05-01,HQ,"), "{text}");
    assert!(text.contains("b@example.com,2024-05-01T08:15:00,x,HQ,"), "{text}");
}

/// A reader that stops reading the report (`hubcsv fix ... | head`) does not stop the run:
/// the files are written and the exit code still says rows were rejected.
#[test]
fn a_closed_report_pipe_still_writes_the_files_and_the_exit_code() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    // 20,000 rows give a report far larger than a pipe holds; the last row has an error.
    let mut text = big_upload(20_000);
    text.push_str("Bo,Li,Bo Li,not-an-email,,,,,,,FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE\n");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("fixed.csv");
    let mut child = std_hubcsv()
        .args(["fix", "--format", "jsonl"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's reader is gone here.
    let run = child.wait_with_output().unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(rows(&out), 20_000);
    assert_eq!(rows(&dir.path().join("fixed.rejected.csv")), 1);
}

/// A report that cannot be written (a full disk) is exit 2 with a message, not a panic.
#[cfg(target_os = "linux")]
#[test]
fn a_report_to_a_full_disk_is_exit_2() {
    for args in [&["check", "--format", "json", "fixtures/example/upload.csv"][..], &["explain", "HC014"]] {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        let run = std_hubcsv().args(args).stdout(full).output().unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(stderr(&run).contains("No space left on device"), "{args:?}: {}", stderr(&run));
    }
}

/// The binary as a `std::process::Command`, for runs that need its standard streams.
fn std_hubcsv() -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("hubcsv"));
    cmd.current_dir(crate::util::root()).env("NO_COLOR", "1");
    cmd
}

/// No output may overwrite a file the run reads besides the input: a nightly job with
/// `--force` and one typo would replace the org's export or the profile.
#[test]
fn outputs_never_overwrite_the_current_export_template_or_profile() {
    let (dir, _) = example_in_temp();
    std::fs::copy(fixture("current/export.csv"), dir.path().join("export.csv")).unwrap();
    std::fs::copy(fixture("profiles/fr.toml"), dir.path().join("p.toml")).unwrap();
    let export = read(&dir.path().join("export.csv"));
    for (args, message) in [
        (
            &["--current", "export.csv", "in.csv", "-o", "new.csv", "--changes", "export.csv"][..],
            "--current and --changes",
        ),
        (&["--template", "./export.csv", "in.csv", "-o", "export.csv"], "--template and -o"),
        (
            &["--profile", "p.toml", "in.csv", "-o", "new.csv", "--changes", "p.toml"],
            "--profile and --changes",
        ),
        (&["--template", "export.part-001.csv", "in.csv", "-o", "export.csv"], "a part of -o"),
    ] {
        if args.contains(&"export.part-001.csv") {
            std::fs::copy(dir.path().join("export.csv"), dir.path().join("export.part-001.csv")).unwrap();
        }
        let run = fix_in(dir.path(), &[args, &["--force"]].concat());
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(stderr(&run).contains(message), "{args:?}: {}", stderr(&run));
    }
    assert_eq!(read(&dir.path().join("export.csv")), export);
    assert!(dir.path().join("export.part-001.csv").exists());
    assert!(read(&dir.path().join("p.toml")).contains("[packages]"));
}

/// SIGTERM (what `timeout`, cron wrappers and systemd send) and SIGINT stop a run without
/// leaving its temporary files in the output folder.
#[cfg(unix)]
#[test]
fn a_signal_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    std::fs::write(&input, big_upload(60_000)).unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let temporary = || {
        std::fs::read_dir(&out_dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with(".hubcsv-"))
            .count()
    };
    for signal in ["-TERM", "-INT"] {
        // Its report goes to a pipe nobody reads: once the pipe is full the run waits,
        // mid-way, its temporary files open, for the signal (however fast the machine).
        let mut child = std_hubcsv()
            .args(["fix", "-q", "--force", "--format", "jsonl"])
            .arg(&input)
            .arg("-o")
            .arg(out_dir.join("fixed.csv"))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while temporary() == 0 && child.try_wait().unwrap().is_none() && started.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert!(temporary() > 0, "{signal}: the run left no time to stop it");
        let _ = std::process::Command::new("kill").arg(signal).arg(child.id().to_string()).status();
        let status = child.wait().unwrap();
        assert_eq!(temporary(), 0, "{signal}: {status:?}");
        assert!(!out_dir.join("fixed.csv").exists(), "{signal}: nothing is renamed into place");
    }
}

/// Common Area Calling is never a user's: on a row with no package TRUE (whose blank
/// package cells stay blank), `fix` still writes it FALSE.
#[test]
fn common_area_calling_is_false_on_every_uploaded_row() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args(["fix", "-q"])
        .arg(fixture("input/common-area-on-no-package-row.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    assert_eq!(read(&out).lines().nth(1), Some("lobby@example.com,,FALSE,FALSE"));
}

#[test]
fn a_corrected_file_without_users_says_there_is_nothing_to_upload() {
    // Every row rejected: the corrected file is a header alone, which is no upload.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("all-bad.csv");
    std::fs::write(
        &input,
        format!("{HEADER}\n{}\n", CLEAN_ROW.replace("ana.silva@example.com", "not-an-email")),
    )
    .unwrap();
    let out = hubcsv().args(["fix"]).arg(&input).arg("-o").arg(dir.path().join("out.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("corrected: ") && text.contains("(0 users)"), "{text}");
    assert!(text.contains("nothing to upload: the corrected file has no users."), "{text}");
    assert!(!text.contains("upload the corrected file"), "{text}");
    // With users, the usual advice.
    let out = hubcsv()
        .args(["fix", "-q"])
        .arg(fixture("example/upload.csv"))
        .arg("-o")
        .arg(dir.path().join("ok.csv"))
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("upload the corrected file with \"Add and remove services\".\n  upload it as it is: saved again by a spreadsheet editor, its numbers lose their `+`.\n"));
}

/// docs/fix.md: with `--deny-warnings`, a warning makes `fix` exit 1, and the files are
/// still written (no row is rejected for a warning).
#[test]
fn deny_warnings_fails_fix_but_writes_the_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("rules/HC022-missing-preferred-site.csv"), dir.path().join("in.csv")).unwrap();
    let run = fix_in(dir.path(), &["in.csv", "-o", "fixed.csv", "--deny-warnings"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(rows(&dir.path().join("fixed.csv")), 3);
    assert_eq!(rows(&dir.path().join("fixed.rejected.csv")), 0);
    assert_eq!(fix_in(dir.path(), &["in.csv", "-o", "again.csv"]).status.code(), Some(0));
}

/// docs/report-format.md: `fix --format jsonl` ends with a line of type `output`, which,
/// like every other line, starts with its `type`.
#[test]
fn json_lines_end_with_the_output_line_type_first() {
    let (dir, _) = example_in_temp();
    let run = fix_in(dir.path(), &["in.csv", "-o", "fixed.csv", "--format", "jsonl"]);
    let stdout = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.iter().all(|l| l.starts_with("{\"type\":\"")), "{stdout}");
    let last: serde_json::Value = serde_json::from_str(lines[lines.len() - 1]).unwrap();
    assert_eq!(last["type"], "output");
    assert_eq!(last["output"]["corrected"][0]["rows"], 9);
    assert!(lines[lines.len() - 2].starts_with("{\"type\":\"summary\""), "{stdout}");
}

/// Found by `fuzz/run.sh` (`fix_csv`, s25): the header cell `;;;…;Poste` (130 `;`) and no
/// users. `fix` writes it quoted, yet the delimiter sniffing counted the `;` inside the quotes
/// of that one line: 131 semicolon fields beat 5 comma ones, and `check` of the output found
/// no email column. A delimiter that puts a quote inside a field not quoted now comes last.
#[test]
fn a_quoted_header_cell_of_semicolons_reads_back_as_a_comma_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let run = hubcsv()
        .args(["fix", "-q"])
        .arg(fixture("bad/fuzz-header-quoted-semicolons.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("User ID/Email (Required),Location,\";;;"), "{written}");
    reads_back_as_a_comma_file_without_users(&out);
}

/// `check` of a corrected file without users reads it with its delimiter, `,`: it finds the
/// email column, and reports only that no user is there.
fn reads_back_as_a_comma_file_without_users(out: &Path) {
    let (code, doc) = crate::util::check_json(out, &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["input"]["delimiter"], ",", "{doc:#}");
    let rules: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"no-rows") && !rules.contains(&"missing-email-column"), "{rules:?}");
}

/// Found by `fuzz/run.sh` (`fix_csv`): a header cell of `;;` and no users. The corrected file is
/// its header alone, `User ID/Email (Required),;;`, which hubcsv's delimiter sniffing read
/// as a semicolon file, with no email column: `check` of what `fix` wrote exited 2. The
/// cell is quoted, so the file reads back as written.
#[test]
fn a_header_only_output_reads_back_with_its_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let run = hubcsv()
        .args(["fix", "-q"])
        .arg(fixture("bad/fuzz-header-semicolons.csv"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "User ID/Email (Required),\";;\"\r\n");
    reads_back_as_a_comma_file_without_users(&out);
}

/// Control characters in cells (an escape code, a tab between two names, a C1 control, DEL
/// in an email): `fix` writes them out (a tab as a space, U+0092 as Windows-1252's `’`),
/// the corrected file checks clean, and fixing it again changes nothing.
#[test]
fn control_characters_are_written_out_of_the_corrected_file() {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join("once.csv");
    let twice = dir.path().join("twice.csv");
    let first =
        hubcsv().args(["fix", "fixtures/input/control-characters.csv", "-o"]).arg(&once).output().unwrap();
    // Line 5 holds two packages: rejected, with its values as read.
    assert_eq!(first.status.code(), Some(1), "{}", String::from_utf8_lossy(&first.stderr));
    let corrected = read(&once);
    assert!(!corrected.chars().any(|c| c.is_control() && c != '\n' && c != '\r'), "{corrected:?}");
    for row in [
        "Ana[31m,Sil va,Ana Silva,ana@example.com,",
        "O\u{2019}Brien,Bob,Bob,bob@example.com,",
        "Cec,Ng,Cec Ng,cec@example.com,",
    ] {
        assert!(corrected.contains(row), "{row:?} not in {corrected:?}");
    }
    let rejected = read(&dir.path().join("once.rejected.csv"));
    assert!(rejected.contains("Dee\u{1b}[2J"), "the rejects file keeps the original values: {rejected:?}");
    let second = hubcsv().arg("fix").arg(&once).arg("-o").arg(&twice).output().unwrap();
    assert_eq!(second.status.code(), Some(0), "{}", String::from_utf8_lossy(&second.stdout));
    assert_eq!(corrected, read(&twice), "fix is idempotent");
}

/// An address copied with more around it (`Tara Rao <tara.rao@example.com>`, a mail link, a
/// list's `;`) was `invalid-email` and the row rejected; the address in it is the user,
/// written alone, and the corrected file checks clean.
#[test]
fn fix_unwraps_an_address_copied_with_more_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = crate::util::fixture("rules/HC008-invalid-email-wrapped.csv");
    let (code, doc) = crate::util::check_json(&input, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["rows"][1]["user"], "tara.rao@example.com");
    let out = dir.path().join("up.csv");
    let run = crate::util::hubcsv()
        .args(["fix", "-q", "--format", "json"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let corrected = std::fs::read_to_string(&out).unwrap();
    assert!(corrected.contains("\nTara,Rao,Tara Rao,tara.rao@example.com,,1119,"), "{corrected}");
    let rejected = std::fs::read_to_string(dir.path().join("up.rejected.csv")).unwrap();
    assert_eq!(rejected.lines().count(), 1, "only the header: {rejected}");
    let (code, doc) = crate::util::check_json(&out, &[]);
    assert_eq!((code, doc["summary"]["fixed"].as_u64()), (0, Some(0)), "{doc:#}");
}

/// A `Manager` cell copied as a mail program writes it (`Jane Doe <Jane.Doe@example.com>`)
/// is the manager's address, written alone; a name stays a warning.
#[test]
fn fix_unwraps_a_managers_address() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "User ID/Email (Required),Manager,Webex Meetings [Sub100200],Preferred Webex Site\n\
         a@example.com,Jane Doe <Jane.Doe@example.com>,TRUE,acme.webex.com\n\
         b@example.com,Jane Doe,TRUE,acme.webex.com\n",
    )
    .unwrap();
    let out = dir.path().join("up.csv");
    let run = crate::util::hubcsv().args(["fix", "-q"]).arg(&input).arg("-o").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    let corrected = std::fs::read_to_string(&out).unwrap();
    assert!(corrected.contains("\na@example.com,jane.doe@example.com,"), "{corrected}");
    assert!(corrected.contains("\nb@example.com,Jane Doe,"), "{corrected}");
}
