//! Property tests over generated Control Hub files (contract §5):
//! rows(corrected) + rows(rejected) = rows(input); fix(fix(x)) == fix(x) byte for byte;
//! check(fix(x)) reports no error; every phone number written is its E.164 form.

use std::path::Path;

use hubcsv::report::Collect;
use hubcsv::{FixOptions, Options, Source};
use proptest::prelude::*;

use crate::util::HEADER;

const NAMES: &[&str] = &[
    "Ana",
    " Ben ",
    "Chloé",
    "美咲",
    "Zoë 🎉",
    "",
    "=cmd()",
    "O'Brien",
    "Li/Wu",
    "Nguyễn\u{00A0}Van",
    // Control characters: an escape code, a tab between two names, a C1 control.
    "Ana\u{1b}[31m",
    "Ben\tOkafor",
    "O\u{92}Brien",
];
const STATUS: &[&str] = &["", "Active", "Verified"];
const EXTENSIONS: &[&str] = &["", "1001", "1002", "1003", "1004.0", "12a", "911", "7", "REMOVE"];
const PHONES: &[&str] = &[
    "",
    "+14085550101",
    "+14085550102",
    "14085550103",
    "+1 408-555-0104",
    "1.40856E+10",
    "+1408555",
    "0014085550105",
    "call me",
    // One UK number three ways: E.164, and with the trunk prefix `0` E.164 drops.
    "+442079460958",
    "+44 (0)20 7946 0958",
    "+4402079460958",
];
const LOCATIONS: &[&str] = &["", "HQ", " HQ ", "Paris", "REMOVE"];
const SITES: &[&str] = &["", "acme.webex.com", "https://ACME.webex.com/", "acme", "=x"];
const BOOLS: &[&str] = &["", "TRUE", "FALSE", "FALSE", "FALSE", "", "true", "VRAI", "0", "maybe"];
/// Whole rows of license cells, as an export repeats them: one package, none, two, a basic
/// license beside a package, a workspace package, blanks, a spelling to correct.
const LICENSE_ROWS: &[&str] = &[
    "TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
    "FALSE,FALSE,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
    "FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
    "FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,TRUE,FALSE,FALSE",
    "TRUE,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
    "FALSE,FALSE,FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,FALSE",
    ",,,,,,,,",
    "true,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
    // The same text once the delimiters are gone, but not the same cells.
    "TRUE,,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
    ",TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE",
];

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(pool)
}

fn quote(v: &str) -> String {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

prop_compose! {
    fn row()(
        first in pick(NAMES), last in pick(NAMES), user in 0..12u32, upper in any::<bool>(),
        bad_email in prop::bool::weighted(0.05), status in pick(STATUS), ext in pick(EXTENSIONS),
        phone in pick(PHONES), location in pick(LOCATIONS), site in pick(SITES),
        comma in any::<bool>(),
        licenses in prop_oneof![
            prop::collection::vec(pick(BOOLS), 9),
            pick(LICENSE_ROWS).prop_map(|row| row.split(',').collect()),
        ],
        ragged in prop::bool::weighted(0.03),
        all_quoted in prop::bool::weighted(0.2),
    ) -> String {
        let email = match (bad_email, upper) {
            (true, _) => format!("user{user}example.com"),
            (false, true) => format!("User{user}@Example.com"),
            (false, false) => format!("user{user}@example.com"),
        };
        // "Last, First" is quoted (its comma): a row without quotes is a line read whole.
        let display = if comma { format!("{last}, {first}") } else { format!("{first} {last}") };
        let mut cells: Vec<String> = [first, last, &display, &email, status, ext, phone, "", location, site]
            .iter()
            .map(|v| quote(v))
            .collect();
        cells.extend(licenses.iter().map(|v| (*v).to_owned()));
        if all_quoted {
            // As some exporters write every field: quotes that only wrap the fields.
            cells = cells
                .iter()
                .map(|c| if c.starts_with('"') { c.clone() } else { format!("\"{}\"", c.replace('"', "\"\"")) })
                .collect();
        }
        if ragged {
            cells.pop();
        }
        cells.join(",")
    }
}

fn run_fix(input: &Path, out: &Path) -> (u64, hubcsv::Written) {
    let opts = Options::default();
    let fix = FixOptions { out: out.to_path_buf(), max_rows: opts.max_rows, ..FixOptions::default() };
    let mut report = Collect::default();
    let (summary, written) =
        hubcsv::fix(&Source::Path(input.to_path_buf()), &opts, fix, &mut report).unwrap();
    (summary.rows, written)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn fix_loses_nothing_is_idempotent_and_clean(rows in prop::collection::vec(row(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();

        let once = dir.path().join("once.csv");
        let (read, written) = run_fix(&input, &once);
        let corrected = written.corrected.iter().map(|f| f.rows).sum::<u64>();
        let rejected = written.rejected.as_ref().map_or(0, |f| f.rows);
        prop_assert_eq!(corrected + rejected, read, "every row lands in exactly one file");
        prop_assert_eq!(read, rows.len() as u64);

        // Every number written is its own E.164 form (libphonenumber's), not merely valid.
        let mut corrected_csv = csv::Reader::from_path(&once).unwrap();
        let phone_col = corrected_csv.headers().unwrap().iter().position(|h| h == "Phone Number").unwrap();
        for record in corrected_csv.records() {
            let phone = record.unwrap()[phone_col].to_owned();
            if !phone.is_empty() {
                let e164 = phonenumber::parse(None, &phone)
                    .map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
                    .ok();
                prop_assert_eq!(e164.as_deref(), Some(phone.as_str()), "written as its E.164 form");
            }
        }

        let twice = dir.path().join("twice.csv");
        let (_, again) = run_fix(&once, &twice);
        prop_assert_eq!(std::fs::read(&once).unwrap(), std::fs::read(&twice).unwrap());
        prop_assert_eq!(again.rejected.map_or(0, |f| f.rows), 0);

        // An upload with no user left is itself flagged (`no-rows`): only a non-empty
        // corrected file must check clean.
        if corrected > 0 {
            let mut report = Collect::default();
            let summary = hubcsv::check(&Source::Path(once), &Options::default(), &mut report).unwrap();
            prop_assert_eq!(summary.errors, 0, "check(fix(x)) has no error: {:#?}", report.diagnostics);
        }
    }
}

/// (rule, column letters) of each finding on data row `i` (line `i + 2`), leaving out the
/// cross-row rules: what a row's own cells say.
fn row_findings(report: &Collect, rows: usize) -> Vec<Vec<(String, String)>> {
    let mut per_row = vec![Vec::new(); rows];
    for d in &report.diagnostics {
        let rule = d.rule.name();
        if rule.starts_with("duplicate-") {
            continue;
        }
        let line = usize::try_from(d.line).unwrap();
        if let Some(slot) = line.checked_sub(2).and_then(|i| per_row.get_mut(i)) {
            let column =
                d.cell.as_deref().unwrap_or("").trim_end_matches(|c: char| c.is_ascii_digit()).to_owned();
            slot.push((rule.to_owned(), column));
        }
    }
    per_row
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The human report never sends a control character of the file to the terminal,
    /// whatever row it draws (source lines, messages, labels, `fixed` lines, the row list).
    #[test]
    fn the_human_report_sends_no_control_character(rows in prop::collection::vec(row(), 1..12)) {
        use hubcsv::report::human::{Human, Style};
        let source = Source::Bytes {
            name: "in.csv".to_owned(),
            data: format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes(),
        };
        let mut out = Vec::new();
        let style = Style { color: false, width: 100, quiet: false, delimiter: b',', deny_warnings: false };
        hubcsv::check(&source, &Options::default(), &mut Human::new(&mut out, style)).unwrap();
        let text = String::from_utf8(out).unwrap();
        prop_assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{:?}", text);
    }
}

/// The report of `check` on `body` under the standard header.
fn check_rows(body: &str) -> Collect {
    let mut report = Collect::default();
    let source =
        Source::Bytes { name: "in.csv".to_owned(), data: format!("{HEADER}\n{body}\n").into_bytes() };
    hubcsv::check(&source, &Options::default(), &mut report).unwrap();
    report
}

/// Each of `rows`, checked in one file, has the findings and package it has checked alone,
/// and the action too unless another row makes it a duplicate; returns how many actions
/// were compared.
fn rows_say_what_they_say_alone(rows: &[String]) -> Result<usize, TestCaseError> {
    let all = check_rows(&rows.join("\n"));
    let together = row_findings(&all, rows.len());
    let mut actions = 0;
    for (i, row) in rows.iter().enumerate() {
        let one = check_rows(row);
        prop_assert_eq!(&together[i], &row_findings(&one, 1)[0], "row {}: {}", i, row);
        let (in_file, by_itself) = (&all.rows[i], &one.rows[0]);
        prop_assert_eq!(&in_file.package, &by_itself.package, "row {}: {}", i, row);
        let duplicate =
            all.diagnostics.iter().any(|d| d.line == in_file.line && d.rule.name().starts_with("duplicate-"));
        if !duplicate {
            prop_assert_eq!(in_file.action, by_itself.action, "row {}: {}", i, row);
            actions += 1;
        }
    }
    Ok(actions)
}

prop_compose! {
    /// A row none of whose cells is corrected, often a line without quotes, its license
    /// cells one of an export's repeated patterns (or any cells); `{user}` stands for its
    /// user, each row's own.
    fn plain_row()(
        comma in prop::bool::weighted(0.4),
        licenses in prop_oneof![
            4 => pick(LICENSE_ROWS).prop_map(|row| row.split(',').collect::<Vec<_>>()),
            1 => prop::collection::vec(pick(BOOLS), 9),
        ],
    ) -> String {
        let display = if comma { "\"Silva, Ana\"" } else { "Ana Silva" };
        format!("Ana,Silva,{display},{{user}}@example.com,,,,,,,{}", licenses.join(","))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// What a row's own cells say does not depend on the rows before it: checked in one file
    /// (where a thread remembers the last valid email domain and site, and the license
    /// patterns read), or each alone. So its findings, its package, and its action unless
    /// another row makes it a duplicate.
    #[test]
    fn a_rows_findings_do_not_depend_on_the_rows_before(rows in prop::collection::vec(row(), 1..16)) {
        rows_say_what_they_say_alone(&rows)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A thread remembers license patterns it read without findings: in one file, each row's
    /// license findings, package and action are those it has alone.
    #[test]
    fn a_rows_license_cells_say_the_same_after_others_like_them(rows in prop::collection::vec(plain_row(), 2..24)) {
        // Each row its own user: none is a duplicate, so every action is compared.
        let rows: Vec<String> =
            rows.iter().enumerate().map(|(i, row)| row.replace("{user}", &format!("user{i}"))).collect();
        prop_assert_eq!(rows_say_what_they_say_alone(&rows)?, rows.len());
    }
}
