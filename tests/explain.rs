//! `hubcsv explain`: every rule's page, by name or code; docs/rules.md holds them all.

use std::fmt::Write;

use crate::util::{root, run};
use hubcsv::rules::ALL;

#[test]
fn explain_by_code_and_name() {
    let by_code = run(&["explain", "HC014"]);
    let by_name = run(&["explain", "missing-location"]);
    assert_eq!(by_code.status.code(), Some(0));
    assert_eq!(by_code.stdout, by_name.stdout);
    let text = String::from_utf8(by_code.stdout).unwrap();
    assert!(text.starts_with("# HC014 missing-location"), "{text}");
}

#[test]
fn explain_unknown_rule_exits_two() {
    let out = run(&["explain", "HC999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("HC999"));
}

#[test]
fn explain_lists_every_rule() {
    let out = run(&["explain"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for rule in ALL {
        assert!(text.contains(rule.code()) && text.contains(rule.name()), "{} missing", rule.name());
    }
}

/// docs/rules.md is the concatenation of docs/rules/*.md, in code order. Regenerate with
/// `HUBCSV_BLESS=1 cargo test --test tests explain`.
#[test]
fn rules_md_is_up_to_date() {
    let mut expected = String::from(
        "# hubcsv rules\n\nEvery rule hubcsv checks, with its stable name and code. `hubcsv explain RULE` prints one page.\n\n| code | rule | severity | when |\n|---|---|---|---|\n",
    );
    for rule in ALL {
        writeln!(
            expected,
            "| {} | [`{}`](#{}) | {} | {} |",
            rule.code(),
            rule.name(),
            format!("{}-{}", rule.code(), rule.name()).to_lowercase(),
            rule.severity().as_str(),
            rule.summary().replace('|', "\\|")
        )
        .unwrap();
    }
    for rule in ALL {
        expected.push('\n');
        expected.push_str(&rule.doc().replacen("# ", "## ", 1).replace("\n## ", "\n### "));
    }
    let path = root().join("docs/rules.md");
    if std::env::var_os("HUBCSV_BLESS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(actual == expected, "docs/rules.md is stale: run HUBCSV_BLESS=1 cargo test --test tests explain");
}

/// The CSV code blocks of a page: the first is the failing example, the last the fix.
fn csv_blocks(doc: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in doc.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```csv") => current = Some(String::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// Every page's example triggers its rule, and its corrected version does not.
#[test]
fn rule_page_examples_are_true() {
    use hubcsv::rules::Rule;
    for rule in ALL {
        let blocks = csv_blocks(rule.doc());
        let extra: &[&str] = match rule {
            Rule::TooManyRows => &["--max-rows", "1"],
            Rule::RenamedColumn | Rule::TemplateColumnMissing | Rule::ColumnNotInTemplate => {
                &["--template", "fixtures/current/rules-export.csv"]
            }
            Rule::ReadOnlyModified
            | Rule::RemoveUnknownUser
            | Rule::CallingLocationChange
            | Rule::NumberInUse
            | Rule::PackageColumnMissing
            | Rule::StatusUserNotInExport
            | Rule::LocationCase => &["--current", "fixtures/current/rules-export.csv"],
            Rule::UnknownLocation => &["--locations", "fixtures/locations/locations.csv"],
            _ => &[],
        };
        // HC001's example is a file that is not a table, and HC036/HC037 are about spreadsheet
        // cells: a Markdown CSV block cannot hold them (their fixtures are tested instead).
        // HC040 and HC043 need a profile (their pages show one; their fixtures run with it).
        // HC042's example
        // would be 1,000 characters long (its fixture is tested).
        if matches!(
            rule,
            Rule::UnreadableFile
                | Rule::CellError
                | Rule::ExtensionStoredAsNumber
                | Rule::UnmappedValue
                | Rule::CellTooLong
                | Rule::InvalidProfile
        ) {
            continue;
        }
        assert!(!blocks.is_empty(), "{} page has no ```csv example", rule.name());
        let (code, doc) = crate::util::check_bytes("example.csv", blocks[0].as_bytes(), extra);
        if rule.severity() == hubcsv::Severity::Fatal {
            assert_eq!(doc["error"]["rule"], rule.name(), "{}: {doc:#}", rule.name());
            continue;
        }
        assert_ne!(code, 2, "{}: example unreadable: {doc:#}", rule.name());
        let fired: Vec<&str> =
            doc["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
        assert!(fired.contains(&rule.name()), "{}: example does not trigger it (got {fired:?})", rule.name());
        if blocks.len() > 1 {
            let (_, after) =
                crate::util::check_bytes("fixed.csv", blocks[blocks.len() - 1].as_bytes(), extra);
            let still: Vec<&str> = after["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] != "fixed")
                .map(|d| d["rule"].as_str().unwrap())
                .collect();
            assert!(!still.contains(&rule.name()), "{}: the fixed example still triggers it", rule.name());
        }
    }
}

#[test]
fn explains_the_names_of_changes_no_rule_made() {
    // `fix --changes` logs the license rewrite, header spelling and profile values under
    // these names (docs/fix.md).
    for name in ["add-and-remove-services", "canonical-header", "profile"] {
        let out = run(&["explain", name]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(&format!("# {name}\n")) && text.contains("Not a rule"), "{text}");
    }
}

#[test]
fn the_rule_list_aligns_its_columns() {
    let out = run(&["explain"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let width = ALL.iter().map(|r| r.name().len()).max().unwrap();
    for line in text.lines() {
        // `HC047  name<pad>  severity <pad>summary`: severity starts at one column on every line.
        let severity_at = "HC001".len() + 2 + width + 2;
        assert!(line[..severity_at].ends_with("  "), "{line}");
        assert!(!line[severity_at..].starts_with(' '), "{line}");
        assert!(
            ["error ", "warning ", "fatal ", "fixed "].iter().any(|s| line[severity_at..].starts_with(s)),
            "{line}"
        );
    }
    assert!(text.contains("HC047  basic-license-columns-missing  warning  Package columns"), "{text}");
}

/// What a page says its example reports: the command's extra arguments, then line, cell,
/// column and message, from "`hubcsv check ARGS` reports, on line N, cell C (`Column`): MESSAGE."
struct Said {
    args: Vec<String>,
    line: u64,
    cell: Option<String>,
    column: Option<String>,
    rest: String,
}

fn said(doc: &str) -> Option<Said> {
    let para = doc.split("\n\n").map(|p| p.replace('\n', " ")).find(|p| p.contains("` reports, on line "))?;
    let command = para.strip_prefix("`hubcsv check")?;
    let (command, after) = command.split_once("` reports, on line ")?;
    let args = command
        .split_whitespace()
        .map(|a| match a {
            "export.csv" => "fixtures/current/rules-export.csv".to_owned(),
            "locations.csv" => "fixtures/locations/locations.csv".to_owned(),
            a => a.to_owned(),
        })
        .collect();
    let digits = after.find(|c: char| !c.is_ascii_digit())?;
    let line = after[..digits].parse().ok()?;
    let mut after = &after[digits..];
    let mut cell = None;
    if let Some(rest) = after.strip_prefix(", cell ") {
        let end = rest.find([' ', ':', ','])?;
        cell = Some(rest[..end].to_owned());
        after = &rest[end..];
    }
    let mut column = None;
    if let Some(rest) = after.strip_prefix(" (`") {
        let end = rest.find("`)")?;
        column = Some(rest[..end].to_owned());
        after = &rest[end + 2..];
    } else if let Some(rest) = after.strip_prefix(" (") {
        after = &rest[rest.find(')')? + 1..];
    }
    let after = after.strip_prefix(", as `fixed`").unwrap_or(after);
    Some(Said { args, line, cell, column, rest: after.strip_prefix(": ")?.to_owned() })
}

/// The sentence under each page's example ("`hubcsv check` reports, on line 2, cell I2
/// (`Location`): `webex_calling` needs a Location.") is what hubcsv really reports, word for
/// word: line, cell, column and message (a path to the example export reads `export.csv`).
#[test]
fn rule_page_examples_report_what_the_page_says() {
    let mut checked = 0;
    for rule in ALL {
        let Some(said) = said(rule.doc()) else { continue };
        let blocks = csv_blocks(rule.doc());
        // A spreadsheet example (`hubcsv check users.xlsx`) is the rule's fixture.
        let args: Vec<&str> = said.args.iter().map(String::as_str).filter(|a| *a != "users.xlsx").collect();
        let (_, doc) = if let Some(example) = blocks.first() {
            crate::util::check_bytes("example.csv", example.as_bytes(), &args)
        } else {
            let sheet = crate::util::fixture(&format!("rules/{}-{}.xlsx", rule.code(), rule.name()));
            crate::util::check_json(&sheet, &args)
        };
        let found = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == rule.name());
        let d = found.unwrap_or_else(|| panic!("{}: not reported: {doc:#}", rule.name()));
        let page = format!("docs/rules/{}-{}.md", rule.code(), rule.name());
        assert_eq!(d["line"], said.line, "{page}: line");
        assert_eq!(d["cell"].as_str(), said.cell.as_deref(), "{page}: cell");
        if said.column.is_some() || said.cell.is_none() {
            assert_eq!(d["column"].as_str(), said.column.as_deref(), "{page}: column");
        }
        let message = d["message"]
            .as_str()
            .unwrap()
            .replace("fixtures/current/rules-export.csv", "export.csv")
            .replace("fixtures/locations/locations.csv", "locations.csv");
        let ends = said.rest.strip_prefix(&message).is_some_and(|end| end.starts_with(['.', ';']));
        assert!(ends, "{page}: says\n  {}\nbut hubcsv reports\n  {message}", said.rest);
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} pages have a sentence this test reads");
}

/// HC001's page shows a session: the report on stderr and the exit code, as they are.
#[test]
fn the_unreadable_file_page_shows_the_real_session() {
    let doc = hubcsv::rules::Rule::UnreadableFile.doc();
    let start = doc.find("$ hubcsv check users.csv\n").unwrap();
    let block = &doc[start..];
    let block = &block[..block.find("```").unwrap()];
    let (report, code) = block.split_once("$ echo $?\n").unwrap();
    let report = report.split_once('\n').unwrap().1;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root().join("fixtures/rules/HC001-unreadable-file.csv"), dir.path().join("users.csv"))
        .unwrap();
    let out = crate::util::hubcsv().current_dir(dir.path()).args(["check", "users.csv"]).output().unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), report);
    assert_eq!(out.status.code().unwrap().to_string(), code.trim());
}
