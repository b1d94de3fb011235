//! `--profile` and `profile init`: an HR export becomes a Control Hub file (contract §7).

use std::fmt::Write as _;

use crate::util::{fixture, hubcsv, run};

fn fix_with_profile(input: &str, dir: &std::path::Path) -> (i32, String, String) {
    let out = dir.join("upload.csv");
    let run = hubcsv()
        .args(["fix", "-q", "--force", "--profile", "fixtures/profiles/fr.toml"])
        .arg(fixture(input))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let corrected = std::fs::read_to_string(&out).unwrap();
    let rejected = std::fs::read_to_string(dir.join("upload.rejected.csv")).unwrap();
    (run.status.code().unwrap(), corrected, rejected)
}

#[test]
fn french_hr_export_becomes_a_control_hub_file() {
    let dir = tempfile::tempdir().unwrap();
    let (code, corrected, rejected) = fix_with_profile("profiles/rh-fr.csv", dir.path());
    assert_eq!(code, 1, "one offer is not in the profile");
    insta::assert_snapshot!("profile_fr_upload", corrected);
    assert!(rejected.contains("unmapped-value"), "{rejected}");
    // The xlsx export of the same data gives the same upload.
    let (_, from_xlsx, _) = fix_with_profile("profiles/rh-fr.xlsx", dir.path());
    assert_eq!(from_xlsx, corrected);
    // And the upload checks clean.
    let (code, doc) = crate::util::check_json(&dir.path().join("upload.csv"), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["errors"], 0);
    assert_eq!(doc["summary"]["warnings"], 0);
}

#[test]
fn profile_mistakes_point_at_the_line() {
    for (file, line, text) in [
        ("typo-column.toml", 4, "Employe ID"),
        ("typo-package.toml", 3, "webex_voix"),
        ("bad-toml.toml", 2, "[packages"),
    ] {
        let out = hubcsv()
            .args(["check", "--profile"])
            .arg(format!("fixtures/profiles/{file}"))
            .arg(fixture("profiles/rh-fr.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&format!("{file}:{line}")), "{file}: {stderr}");
        assert!(stderr.contains(text), "{file}: {stderr}");
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn profile_init_proposes_a_valid_profile() {
    let out = hubcsv().args(["profile", "init"]).arg(fixture("profiles/rh-fr.xlsx")).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("#   \"Courriel\" -> \"User ID/Email (Required)\""), "{text}");
    assert!(text.contains("# \"Matricule\" = \"\""), "{text}");
    assert!(text.contains("# column = \"Offre\""), "{text}");
    assert!(text.contains("\"Téléphonie Plus\" = \"\""), "{text}");
    // What it prints is a profile hubcsv accepts as it is.
    hubcsv::schema::Profile::parse(&text, &hubcsv::schema::Catalogue::default()).unwrap();
}

#[test]
fn profile_init_reads_the_sheet_asked_for_and_keeps_license_columns() {
    let sheet = ["profile", "init", "--sheet", "Export RH"];
    let out = hubcsv().args(sheet).arg(fixture("profiles/rh-fr.xlsx")).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains("# column = \"Offre\""));
    let out = hubcsv()
        .args(["profile", "init", "--sheet", "Staff"])
        .arg(fixture("profiles/rh-fr.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A Control Hub file's license columns are kept by a profile, not dropped.
    let out = hubcsv().args(["profile", "init"]).arg(fixture("example/upload.csv")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (kept, not_mapped) = text.split_once("# Not mapped").unwrap();
    assert!(
        kept.contains("# License columns, kept as they are:\n#   \"Webex Calling [Sub100200]\""),
        "{text}"
    );
    assert!(kept.contains("#   \"Basic Messaging\""), "{text}");
    let not_mapped = not_mapped.split("\n\n").next().unwrap();
    assert!(!not_mapped.contains("Webex") && !not_mapped.contains("Basic"), "{text}");
}

#[test]
fn builtin_aliases_need_no_profile() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hr.csv");
    std::fs::write(&file, "E-mail,Given Name,Surname,Webex Meetings,Preferred Webex Site\nana@example.com,Ana,Silva,TRUE,acme.webex.com\n")
        .unwrap();
    let (code, doc) = crate::util::check_json(&file, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["rows"][0]["user"], "ana@example.com");
    assert_eq!(doc["rows"][0]["package"], "webex_meetings");
}

#[test]
fn profile_column_missing_from_the_file_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = hubcsv()
        .args(["fix", "--profile", "fixtures/profiles/missing-column.toml"])
        .arg(fixture("profiles/rh-fr.csv"))
        .arg("-o")
        .arg(dir.path().join("upload.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = crate::util::flat(&String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("missing-column.toml:5"), "{stderr}");
    assert!(stderr.contains("has no column `Offer`"), "{stderr}");
    assert!(stderr.contains("did you mean `Offre`?"), "{stderr}");
    assert!(stderr.contains("`Matricule`, `Nom`"), "{stderr}");
    // Nothing was written.
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    // In JSON, the error carries its rule and code.
    let (code, doc) = crate::util::check_json(
        &fixture("profiles/rh-fr.csv"),
        &["--profile", "fixtures/profiles/missing-column.toml"],
    );
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["rule"], "invalid-profile");
    assert_eq!(doc["error"]["code"], "HC043");
}

#[test]
fn profile_errors_have_a_rule_and_code_in_json() {
    let (code, doc) = crate::util::check_json(
        &fixture("profiles/rh-fr.csv"),
        &["--profile", "fixtures/profiles/typo-column.toml"],
    );
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["rule"], "invalid-profile");
    assert_eq!(doc["error"]["code"], "HC043");
    assert_eq!(doc["error"]["severity"], "fatal");
}

#[test]
fn profile_value_keys_differing_in_case_exit_two() {
    let out = hubcsv()
        .args(["check", "--profile", "fixtures/profiles/case-keys.toml"])
        .arg(fixture("profiles/rh-fr.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("`Voix`") && stderr.contains("`voix`"), "{stderr}");
    assert!(stderr.contains("case-keys.toml:6"), "{stderr}");
}

#[test]
fn profile_kept_columns_are_not_unknown() {
    let (code, doc) = crate::util::check_json(
        &fixture("profiles/rh-fr.csv"),
        &["--profile", "fixtures/profiles/keep.toml", "--deny-warnings"],
    );
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["warnings"], 0);
}

#[test]
fn unmapped_value_names_the_offer() {
    let (code, doc) = crate::util::check_json(
        &fixture("rules/HC040-unmapped-value.csv"),
        &["--profile", "fixtures/profiles/fr.toml"],
    );
    assert_eq!(code, 1);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["rule"], "unmapped-value");
    assert_eq!(d["value"], "Téléphonie Plus");
    assert!(d["message"].as_str().unwrap().contains("`Téléphonie Plus`"), "{d:#}");
    let dir = tempfile::tempdir().unwrap();
    let (_, _, rejected) = fix_with_profile("rules/HC040-unmapped-value.csv", dir.path());
    assert!(rejected.contains("Téléphonie Plus` is not in the profile"), "{rejected}");
}

#[test]
fn a_catalogue_must_name_every_mapped_package_once() {
    // Left to run, Suite users would get no TRUE column (a removal), or Voix users the
    // Suite column: both are profile mistakes, exit 2, nothing written.
    for (profile, says) in [
        ("catalogue-partial.toml", "assigns `webex_suite`, but [catalogue] gives it no header"),
        ("catalogue-same-header.toml", "gives `webex_suite` and `webex_voice` the same header"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = hubcsv()
            .args(["fix", "--profile"])
            .arg(fixture(&format!("profiles/{profile}")))
            .arg(fixture("profiles/rh-fr.csv"))
            .arg("-o")
            .arg(dir.path().join("upload.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{profile}");
        let stderr = crate::util::flat(&String::from_utf8(out.stderr).unwrap());
        assert!(stderr.contains("HC043") && stderr.contains(says), "{stderr}");
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "{profile}: nothing written");
    }
}

#[test]
fn keeping_the_offer_column_exits_two() {
    let out = hubcsv()
        .args(["check", "--profile", "fixtures/profiles/keep-offer.toml"])
        .arg(fixture("profiles/rh-fr.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("keep-offer.toml:3") && stderr.contains("`Offre` is the [packages] column"),
        "{stderr}"
    );
}

#[test]
fn missing_email_column_with_a_profile_names_the_files_own_headers() {
    // The profile maps nothing to the email: the message lists the HR headers (the one to
    // alias among them), not the mapped names, and shows the alias to write.
    let out = run(&[
        "check",
        "--profile",
        "fixtures/profiles/region-only.toml",
        "fixtures/profiles/email-unmapped.csv",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stderr.contains("it has: Nom, Prénom, Mail pro, Site"), "{stderr}");
    assert!(stderr.contains(r#"[aliases] "Mail pro" = "User ID/Email (Required)""#), "{stderr}");
}

#[test]
fn profile_init_proposes_one_key_for_values_that_differ_in_case() {
    // `Voix`, `VOIX` and ` voix` are one offer: the value map matches keys case-insensitively
    // and refuses two keys that differ only in case, so init proposes it once.
    let out = run(&["profile", "init", "fixtures/profiles/offers-in-any-case.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(r#"# values = { "Suite" = "", "Voix" = "" }"#), "{stdout}");
}

#[test]
fn a_duplicate_header_with_a_profile_names_the_hr_columns() {
    // `Work Email` (B) and `Email` (C) both map to the email column: the finding names the
    // HR file's letters and headers, as its cell does.
    let (_, doc) = crate::util::check_json(
        &fixture("profiles/two-email-columns.csv"),
        &["--profile", "fixtures/profiles/region-only.toml"],
    );
    let d = doc["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "duplicate-header").unwrap();
    assert_eq!(d["cell"], "C1", "{doc:#}");
    assert_eq!(d["value"], "Email", "{doc:#}");
    assert!(
        d["message"].as_str().unwrap().starts_with("column C `Email` repeats column B `Work Email`"),
        "{doc:#}"
    );
}

#[test]
fn the_changes_log_lists_what_the_profile_changed() {
    // `E-mail`, `Site` and `Poste` are renamed; the profile adds `Preferred Webex Site` and
    // fills it: every change against the HR file's own cells.
    let dir = tempfile::tempdir().unwrap();
    let (out, log) = (dir.path().join("p.csv"), dir.path().join("changes.jsonl"));
    let run = hubcsv()
        .args([
            "fix",
            "-q",
            "--profile",
            "fixtures/profiles/default-site.toml",
            "fixtures/profiles/aliases-and-default.csv",
        ])
        .arg("-o")
        .arg(&out)
        .arg("--changes")
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
    let lines: Vec<(u64, String, String, String, String)> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().unwrap().to_owned();
            (v["line"].as_u64().unwrap(), s("column"), s("old"), s("new"), s("rule"))
        })
        .collect();
    let change = |line, column: &str, old: &str, new: &str, rule: &str| {
        (line, column.to_owned(), old.to_owned(), new.to_owned(), rule.to_owned())
    };
    assert_eq!(
        lines,
        [
            change(1, "User ID/Email (Required)", "E-mail", "User ID/Email (Required)", "canonical-header"),
            change(1, "Location", "Site", "Location", "canonical-header"),
            change(1, "Extension", "Poste", "Extension", "canonical-header"),
            change(1, "Preferred Webex Site", "", "Preferred Webex Site", "profile"),
            change(2, "Preferred Webex Site", "", "acme.webex.com", "profile"),
        ]
    );
    let explained = crate::util::run(&["explain", "profile"]);
    assert!(String::from_utf8(explained.stdout).unwrap().starts_with("# profile"));
}

#[test]
fn decomposed_accents_in_hr_values_match_the_profile() {
    // rh-fr-nfd.csv is rh-fr.csv with every accent decomposed (as macOS writes it): the
    // offers `Réunions` and `Départ` still match the value map.
    let profile = ["--profile", "fixtures/profiles/fr.toml"];
    let actions = |file: &str| {
        let (code, doc) = crate::util::check_json(&fixture(file), &profile);
        let rows: Vec<String> = doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap().to_owned())
            .collect();
        (code, rows, doc["summary"]["errors"].clone())
    };
    assert_eq!(actions("profiles/rh-fr-nfd.csv"), actions("profiles/rh-fr.csv"));
}

#[test]
fn with_a_template_the_profile_builds_the_orgs_columns() {
    // The profile names no package headers: the template's `[Sub100200]` columns are used,
    // every one of them (Webex Calling too, which the value map does not assign, so that it
    // is written FALSE), and no basic license column the org lacks is added. Nothing is
    // `column-not-in-template`.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fixed.csv");
    let run = hubcsv()
        .args([
            "fix",
            "-q",
            "--format",
            "json",
            "--profile",
            "fixtures/profiles/fr-no-catalogue.toml",
            "--template",
            "fixtures/profiles/template-fr.csv",
            "fixtures/profiles/rh-fr.csv",
        ])
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let rules: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"column-not-in-template"), "{doc:#}");
    let header = std::fs::read_to_string(&out).unwrap().lines().next().unwrap().to_owned();
    assert!(
        header.ends_with(
            ",Webex Calling [Sub100200],Webex Meetings [Sub100200],Webex Suite [Sub100200],Webex Voice [Sub100200]"
        ),
        "{header}"
    );
}

/// (rule, line) of a report's findings, in order.
fn rules_and_lines(doc: &serde_json::Value) -> Vec<(String, u64)> {
    crate::util::findings(doc).into_iter().map(|(rule, line, _)| (rule, line)).collect()
}

#[test]
fn catalogue_flags_drive_the_calling_and_meetings_rules() {
    let input = fixture("profiles/catalogue-flags.csv");
    // Built in: Cara's Webex Voice needs a Location and a number; Webex Calling needs no
    // site; `Réunions Webex` is no package, so Dev's row removes his.
    let (code, doc) = crate::util::check_json(&input, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let built_in = [("missing-number-or-extension", 4), ("missing-location", 4)];
    assert_eq!(rules_and_lines(&doc), built_in.map(|(r, l)| (r.to_owned(), l)).to_vec());
    assert_eq!(doc["rows"][3]["action"], "remove", "{:#}", doc["rows"][3]);
    // The profile: Webex Calling supports meetings (Ana, no site), Webex Voice needs no
    // calling fields (Cara), and `Réunions Webex` is the org's Webex Meetings (Dev, no site).
    let (code, doc) =
        crate::util::check_json(&input, &["--profile", "fixtures/profiles/catalogue-flags.toml"]);
    assert_eq!(code, 0, "{doc:#}");
    let profiled = [("missing-preferred-site", 2), ("missing-preferred-site", 5)];
    assert_eq!(rules_and_lines(&doc), profiled.map(|(r, l)| (r.to_owned(), l)).to_vec());
    let packages: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["package"].as_str().unwrap_or("-")).collect();
    assert_eq!(packages, ["webex_calling", "webex_calling", "webex_voice", "webex_meetings"]);
    assert!(doc["rows"].as_array().unwrap().iter().all(|r| r["action"] == "add"), "{doc:#}");
}

#[test]
fn an_unknown_key_in_a_catalogue_table_exits_two_naming_it() {
    let out = hubcsv()
        .args(["check", "--profile", "fixtures/profiles/catalogue-unknown-key.toml"])
        .arg(fixture("profiles/catalogue-flags.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("HC043") && stderr.contains("catalogue-unknown-key.toml:4"), "{stderr}");
    assert!(stderr.contains("unknown field `meeting`") && stderr.contains("`meetings`"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("untagged"), "{stderr}");
}

#[test]
fn a_catalogue_adds_no_package_and_names_no_other_packages_column() {
    let dir = tempfile::tempdir().unwrap();
    for (text, says) in [
        ("[catalogue.webex_contact_center]\ncalling = false\n", "`webex_contact_center` is not a package id"),
        ("[catalogue]\nwebex_suite = \"Webex Voice [Sub2]\"\n", "whose name is that of `webex_voice`"),
        ("[catalogue.common_area_calling]\ncalling = true\n", "`common_area_calling` is not a user package"),
    ] {
        let profile = dir.path().join("p.toml");
        std::fs::write(&profile, text).unwrap();
        let out = hubcsv()
            .args(["check", "--format", "json", "--profile"])
            .arg(&profile)
            .arg(fixture("profiles/catalogue-flags.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["error"]["rule"], "invalid-profile", "{text}");
        assert!(doc["error"]["message"].as_str().unwrap().contains(says), "{text}: {doc:#}");
    }
}

#[test]
fn profile_init_shows_the_catalogue_table_form() {
    let out = hubcsv().args(["profile", "init"]).arg(fixture("profiles/rh-fr.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let line =
        text.lines().find(|l| l.starts_with("# webex_calling = {")).unwrap_or_else(|| panic!("{text}"));
    // Uncommented, it is a valid [catalogue] entry.
    let catalogue = format!("[catalogue]\n{}\n", line.trim_start_matches("# "));
    let p = hubcsv::schema::Profile::parse(&catalogue, &hubcsv::schema::Catalogue::default()).unwrap();
    assert_eq!(p.package_flags["webex_calling"].meetings, Some(true));
}

#[test]
fn profile_license_columns_with_a_subscription_are_kept_and_basic_ones_written_false() {
    // An org whose export writes its free licenses with a `[Sub...]` suffix: the profile
    // names them, so they are basic license columns, which `fix` writes FALSE and whose
    // absence `basic-license-columns-missing` no longer claims (the suffix used to make the
    // profile's entry match nothing).
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "[catalogue]\nbasic = [\"Messagerie de base [Sub9]\"]\n").unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "User ID/Email (Required),Webex Meetings [Sub9],Preferred Webex Site,Messagerie de base [Sub9],Webex Webinars [Sub9]\n\
         ana@example.com,TRUE,acme.webex.com,,TRUE\n",
    )
    .unwrap();
    let (code, doc) = crate::util::check_json(&input, &["--profile", profile.to_str().unwrap()]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(crate::util::findings(&doc).is_empty(), "{doc:#}");
    let out = dir.path().join("out.csv");
    let status = hubcsv()
        .args(["fix", "-q", "--profile"])
        .arg(&profile)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", String::from_utf8_lossy(&status.stdout));
    let written = std::fs::read_to_string(&out).unwrap();
    // Another service's license column stays too, as `profile init` says and as it does
    // without a profile; it used to be dropped.
    assert_eq!(
        written.lines().collect::<Vec<_>>(),
        [
            "User ID/Email (Required),Webex Meetings [Sub9],Preferred Webex Site,Messagerie de base [Sub9],Webex Webinars [Sub9]",
            "ana@example.com,TRUE,acme.webex.com,FALSE,TRUE"
        ],
        "{written}"
    );
}

/// A profile that is not one (50 MB of TOML took 17 s and 1 GB; binary bytes were "cannot
/// read the file ... check the path"): refused as `invalid-profile`, saying why.
#[test]
fn a_huge_or_binary_profile_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.toml");
    let aliases = "\"k\" = \"First Name\"\n".repeat(60_000);
    std::fs::write(&huge, format!("[aliases]\n{aliases}")).unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, b"[aliases]\n\"Pr\xe9nom\" = \"First Name\"\n").unwrap();
    for (profile, text) in [
        (&huge, "the profile is over 1024 KiB".to_owned()),
        // The message ends with the byte, not with "a byte that is not", which reads as cut off.
        (
            &binary,
            "the profile is not UTF-8 text: line 2 holds the byte 0xE9, which UTF-8 does not allow there"
                .to_owned(),
        ),
    ] {
        let out = hubcsv()
            .args(["check", "--profile"])
            .arg(profile)
            .arg(fixture("profiles/rh-fr.csv"))
            .output()
            .unwrap();
        let stderr = crate::util::flat(&String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("HC043") && stderr.contains(&text), "{stderr}");
    }
}

/// Runs `hubcsv fix --profile PROFILE INPUT` into a temporary folder: (exit code, stderr
/// flattened, the corrected file's lines).
fn fix_hr(profile: &str, input: &str) -> (i32, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("upload.csv");
    let run = hubcsv()
        .args(["fix", "-q", "--profile"])
        .arg(fixture(profile))
        .arg(fixture(input))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = crate::util::flat(&String::from_utf8_lossy(&run.stderr));
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines =
        std::fs::read_to_string(&out).map(|t| t.lines().map(str::to_owned).collect()).unwrap_or_default();
    (run.status.code().unwrap(), stderr, lines)
}

/// `common_area_calling` is a workspace's package, not a user's: a value map giving it to
/// users made no column for it, so those users were written with every package FALSE,
/// removals, without a word.
#[test]
fn a_value_map_to_a_workspace_package_is_refused() {
    let (code, stderr, lines) = fix_hr("profiles/common-area-offer.toml", "profiles/hr-workday.csv");
    assert_eq!(code, 2, "{stderr}\n{lines:?}");
    assert!(stderr.contains("HC043") && stderr.contains("common-area-offer.toml:4"), "{stderr}");
    assert!(stderr.contains("`common_area_calling` is not a user package"), "{stderr}");
    assert!(lines.is_empty(), "nothing written: {lines:?}");
}

/// A profile that maps HR data into a read-only column (`User Status`): Control Hub ignores
/// it on upload, but hubcsv read it as the evidence that users exist, so every new user was
/// a `modify`.
#[test]
fn a_profile_writing_a_read_only_column_is_refused() {
    let (code, stderr, _) = fix_hr("profiles/status-alias.toml", "profiles/hr-workday.csv");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("status-alias.toml:3"), "{stderr}");
    assert!(stderr.contains("`User Status` is a read-only column"), "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    for (text, line) in [
        ("[defaults]\n\"User Status\" = \"Active\"\n", 2),
        ("[[when]]\ncolumn = \"Active\"\nvalue = \"Yes\"\nset = { \"Directory Number\" = \"1\" }\n", 4),
        ("[defaults]\n\"hubcsv message\" = \"x\"\n", 2),
    ] {
        let profile = dir.path().join("p.toml");
        std::fs::write(&profile, text).unwrap();
        let out = hubcsv()
            .args(["check", "--profile"])
            .arg(&profile)
            .arg(fixture("profiles/hr-workday.csv"))
            .output()
            .unwrap();
        let stderr = crate::util::flat(&String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert!(stderr.contains("HC043") && stderr.contains(&format!("p.toml:{line}")), "{text}: {stderr}");
    }
}

/// An HR export with a Yes/No column per package: `profile init` says "give a Control Hub
/// column", but an alias to `Webex Calling` was refused ("not a Control Hub column"), and
/// without one the column was dropped and every user became a removal.
#[test]
fn an_hr_license_column_can_be_aliased_to_its_package_column() {
    let (code, stderr, lines) = fix_hr("profiles/license-aliases.toml", "profiles/hr-license-flags.csv");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        lines,
        [
            "User ID/Email (Required),First Name,Last Name,Location,Extension,Webex Calling,Webex Meetings,Webex Voice [Sub9],Preferred Webex Site",
            "a@acme.example.com,Al,Ay,HQ,1001,TRUE,FALSE,FALSE,acme.webex.com",
            "b@acme.example.com,Bo,Be,HQ,1002,FALSE,TRUE,FALSE,acme.webex.com",
        ]
    );
}

/// `"" = "webex_meetings"` in a value map was accepted and never applied: an empty offer
/// cell left the package cells blank. It now says what an empty offer means.
#[test]
fn a_value_map_entry_for_the_empty_offer_applies() {
    let (code, stderr, lines) = fix_hr("profiles/empty-offer.toml", "profiles/hr-workday.csv");
    assert_eq!(code, 0, "{stderr}");
    let gus = lines.iter().find(|l| l.contains("gus.ho@")).unwrap();
    assert!(gus.ends_with(",FALSE,FALSE,TRUE,FALSE,FALSE,FALSE"), "{lines:#?}");
    assert_eq!(lines[0].matches("Webex Meetings").count(), 1, "{}", lines[0]);
}

/// An export with an offer column and a package column of its own: the value map overwrote
/// the file's `Webex Calling` where the offer was mapped (Yes became FALSE, no finding) and
/// kept it where it was empty. Which of the two holds the package is the user's to say.
#[test]
fn a_license_column_the_value_map_writes_is_refused() {
    let (code, stderr, lines) = fix_hr("profiles/empty-offer.toml", "profiles/hr-offer-and-licenses.csv");
    assert_eq!(code, 2, "{stderr}\n{lines:?}");
    assert!(stderr.contains("HC043") && stderr.contains("empty-offer.toml:7"), "{stderr}");
    assert!(
        stderr.contains("has a license column `Webex Calling` (column E), which the profile's [packages] sets from `License`"),
        "{stderr}"
    );
}

/// Two `[[when]]` tables for one condition (`Department` = `Sales`, however written): the
/// second's Location silently replaced the first's.
#[test]
fn two_when_tables_for_one_condition_are_refused() {
    let (code, stderr, _) = fix_hr("profiles/when-twice.toml", "profiles/hr-workday.csv");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("when-twice.toml:8"), "{stderr}");
    assert!(stderr.contains("two [[when]] tables for `department` = `sales `"), "{stderr}");
}

/// A header or value with a line break (or a tab) broke `profile init`'s output: a comment
/// line `# "Cost` followed by `Center" = ""`, which is not TOML, so the proposed profile was
/// `invalid-profile` as printed.
#[test]
fn profile_init_escapes_line_breaks() {
    let input = fixture("profiles/hr-multiline-header.csv");
    let out = hubcsv().args(["profile", "init"]).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# \"Cost\\nCenter\" = \"\""), "{text}");
    assert!(text.contains("\"Voice\\nplus\" = \"\""), "{text}");
    assert!(text.contains("# column = \"Offer\\tType\""), "{text}");
    // Every line of it is a comment, a table or a key: no header text spills out of one.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile.toml");
    std::fs::write(&profile, &text).unwrap();
    let out = hubcsv().args(["check", "--profile"]).arg(&profile).arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A national number read with the profile's `region` was "a national number of DE
/// (--region)" although no --region was given: the user looked for a flag in the batch
/// job's command line instead of the profile.
#[test]
fn a_profile_region_is_named_as_the_profile_s() {
    let (code, doc) = crate::util::check_json(
        &fixture("profiles/hr-workday.csv"),
        &["--profile", "fixtures/profiles/empty-offer.toml"],
    );
    assert_eq!(code, 0, "{doc:#}");
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "phone-missing-plus")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("a national number of US (the profile's `region`)")),
        "{messages:#?}"
    );
    assert!(messages.iter().all(|m| !m.contains("--region")), "{messages:#?}");
    // Given on the command line, --region wins, and is named.
    let (_, doc) = crate::util::check_json(
        &fixture("profiles/hr-workday.csv"),
        &["--profile", "fixtures/profiles/empty-offer.toml", "--region", "CA"],
    );
    let text = doc["diagnostics"].to_string();
    assert!(text.contains("a national number of CA (--region)"), "{text}");
}

/// The HR columns a profile leaves out (neither Control Hub's, nor aliased, nor in `keep`,
/// nor read by the profile) were dropped without a word: `profile init`'s output used as it
/// is dropped `Office Phone` and every run said nothing. The report now lists them.
#[test]
fn the_report_lists_the_hr_columns_left_out() {
    let input = fixture("profiles/hr-workday.csv");
    let (_, doc) = crate::util::check_json(&input, &["--profile", "fixtures/profiles/empty-offer.toml"]);
    assert_eq!(
        doc["input"]["left_out"],
        serde_json::json!(["Employee ID", "Active", "Cost Center"]),
        "{doc:#}"
    );
    let out = hubcsv()
        .args(["check", "--profile", "fixtures/profiles/empty-offer.toml"])
        .arg(&input)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("  left out (the profile keeps Control Hub columns and `keep`): Employee ID, Active, Cost Center\n"),
        "{stdout}"
    );
    // Without a profile nothing is left out, and the field is absent.
    let (_, doc) = crate::util::check_json(&fixture("example/upload.csv"), &[]);
    assert!(doc["input"].get("left_out").is_none(), "{doc:#}");
}

/// Two input columns under the `[packages]` column's header: the first was read and the
/// second dropped, both without a word, so the package came from whichever HR put first.
#[test]
fn an_offer_column_headed_twice_is_refused() {
    let (code, stderr, _) = fix_hr("profiles/empty-offer.toml", "profiles/hr-offer-twice.csv");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("empty-offer.toml:7"), "{stderr}");
    assert!(
        stderr.contains("has two columns `License` (D and F), the profile's [packages] column"),
        "{stderr}"
    );
}

/// With `--template`, an HR upload was told every night that "the org has `User Status` but
/// the upload does not": a read-only column, which no upload sets and a profile may not
/// write. Only columns an upload can set are reported missing.
#[test]
fn a_template_s_read_only_columns_are_not_missing_from_an_upload() {
    let (_, doc) = crate::util::check_json(
        &fixture("profiles/hr-workday.csv"),
        &[
            "--profile",
            "fixtures/profiles/empty-offer.toml",
            "--template",
            "fixtures/profiles/template-workday.csv",
        ],
    );
    let missing: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "template-column-missing")
        .filter_map(|d| d["column"].as_str())
        .collect();
    assert_eq!(missing, ["Extension"], "{doc:#}");
}

/// The commands `profile init` proposes read the same sheet it did, and name every package
/// id a value map may use.
#[test]
fn profile_init_proposes_commands_for_the_sheet_it_read() {
    let out = hubcsv()
        .args(["profile", "init", "--sheet", "Export RH", "fixtures/profiles/rh-fr.xlsx"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("#   hubcsv fix --profile profile.toml --sheet \"Export RH\" fixtures/profiles/rh-fr.xlsx -o upload.csv\n"),
        "{text}"
    );
    assert!(
        text.contains("`hubcsv profile init --sheet \"Export RH\" fixtures/profiles/rh-fr.xlsx`"),
        "{text}"
    );
    let ids =
        "webex_calling, webex_calling_standard, webex_voice, webex_suite, webex_meetings, cx_essentials";
    assert!(text.contains(ids), "{text}");
}

/// A row whose offer cell is empty: `no-package` pointed at "this row" and said "set the
/// user's package to TRUE", a column the HR export does not have. It now points at the
/// offer cell and says what to do in the export or the profile.
#[test]
fn an_empty_offer_is_named_at_its_cell() {
    let (code, doc) = crate::util::check_json(
        &fixture("profiles/hr-workday.csv"),
        &["--profile", "fixtures/profiles/workday.toml"],
    );
    assert_eq!(code, 0, "{doc:#}");
    let found: Vec<&serde_json::Value> =
        doc["diagnostics"].as_array().unwrap().iter().filter(|d| d["rule"] == "no-package").collect();
    assert_eq!(found.len(), 1, "{doc:#}");
    let d = found[0];
    assert_eq!(
        (d["line"].as_u64(), d["cell"].as_str(), d["column"].as_str()),
        (Some(8), Some("H8"), Some("License"))
    );
    assert!(d["message"].as_str().unwrap().contains("the offer cell is empty"), "{d:#}");
    assert!(d["help"].as_str().unwrap().contains("`\"\" = "), "{d:#}");
}

/// A finding about a value the profile filled in (a `[defaults]` entry) has no cell in the
/// HR file; it was drawn under whatever HR cell had the mapped column's index (`CC10`, the
/// Cost Center, for a bad default Extension), sending the user to the wrong cell.
#[test]
fn a_finding_on_a_default_is_drawn_on_the_row_not_on_another_cell() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "[defaults]\n\"Extension\" = \"12a\"\n").unwrap();
    let out = hubcsv()
        .args(["check", "--profile"])
        .arg(&profile)
        .arg(fixture("profiles/hr-workday.csv"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let block = stdout.split("HC019 invalid-extension").nth(1).unwrap_or_else(|| panic!("{stdout}"));
    let block = block.split("help:").next().unwrap();
    assert!(block.contains("hr-workday.csv:2:1]"), "{block}");
    assert!(block.contains("╰── this row"), "{block}");
}

/// A value a `[[when]]` table filled in was given the cell of the condition's column: a bad
/// Extension set for `Department` = `Sales` was reported at `E2`, the cell holding `Sales`.
/// Like a `[defaults]` value, it has no cell of its own.
#[test]
fn a_finding_on_a_when_value_has_no_cell() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(
        &profile,
        "[[when]]\ncolumn = \"Department\"\nvalue = \"Sales\"\nset = { \"Extension\" = \"12a\" }\n",
    )
    .unwrap();
    let (_, doc) = crate::util::check_json(
        &fixture("profiles/hr-workday.csv"),
        &["--profile", profile.to_str().unwrap()],
    );
    let found: Vec<(u64, &serde_json::Value)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "invalid-extension")
        .map(|d| (d["line"].as_u64().unwrap(), &d["cell"]))
        .collect();
    assert_eq!(
        found,
        [(2, &serde_json::Value::Null), (6, &serde_json::Value::Null), (8, &serde_json::Value::Null)]
    );
}

/// `profile init` proposed a TRUE/FALSE column (`Remote`) as the offer, over `Plan Code`:
/// it ranked columns by fewest distinct values, and a yes/no column has the fewest.
#[test]
fn profile_init_does_not_take_a_yes_no_column_for_the_offer() {
    let out = hubcsv().args(["profile", "init"]).arg(fixture("profiles/hr-plan-codes.csv")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# column = \"Plan Code\""), "{text}");
    assert!(text.contains("# values = { \"1\" = \"\", \"2\" = \"\", \"3\" = \"\" }"), "{text}");
}

/// `profile init` on an export with a Yes/No column per package says such a column maps to
/// its package column (which a profile could not do before), and so completed it parses.
#[test]
fn profile_init_says_a_yes_no_column_maps_to_its_package() {
    let out =
        hubcsv().args(["profile", "init"]).arg(fixture("profiles/hr-license-flags.csv")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "# A Yes/No column per package maps to its package column (\"Calling\" = \"Webex Calling\")."
        ),
        "{text}"
    );
    // What it prints, completed that way, is a profile hubcsv accepts.
    let text = text.replace("# \"Calling License\" = \"\"", "\"Calling License\" = \"Webex Calling\"");
    hubcsv::schema::Profile::parse(&text, &hubcsv::schema::Catalogue::default()).unwrap();
}

/// A `keep` entry whose column an alias maps (the profile's or a built-in one) was silently
/// ignored: the column came out under the Control Hub header only, not as it is. The profile
/// is refused, naming its line and both entries.
#[test]
fn a_kept_column_that_an_alias_maps_is_refused() {
    let out = hubcsv()
        .args(["check", "--profile", "fixtures/profiles/keep-aliased.toml"])
        .arg(fixture("profiles/rh-fr.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = crate::util::flat(&String::from_utf8(out.stderr).unwrap());
    assert!(stderr.contains("HC043 invalid-profile"), "{stderr}");
    assert!(stderr.contains("keep-aliased.toml:2"), "{stderr}");
    assert!(
        stderr.contains("`Matricule` is in keep and in [aliases] (line 5: `Matricule` = `Title`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: remove it from keep to upload the column as `Title`, or remove the alias"),
        "{stderr}"
    );
    // A built-in alias maps `Nom` to Last Name: kept as is, it would not be either.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "keep = [\"nom \"]\n").unwrap();
    let (code, doc) =
        crate::util::check_json(&fixture("profiles/rh-fr.csv"), &["--profile", profile.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(doc["error"]["code"], "HC043");
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("p.toml:1: `nom ` is in keep, and the built-in aliases map it to `Last Name`"),
        "{message}"
    );
}

/// `profile init` listed a header the file has twice twice (`# "Code" = ""` on two lines,
/// and `Courriel` twice among the built-in aliases). Each is proposed once, with a comment
/// saying it is repeated and which column hubcsv reads.
#[test]
fn profile_init_proposes_a_repeated_header_once() {
    let out =
        hubcsv().args(["profile", "init"]).arg(fixture("profiles/hr-headers-twice.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("# \"Code\" = \"\"").count(), 1, "{text}");
    assert_eq!(text.matches("\"Courriel\" -> \"User ID/Email (Required)\"").count(), 1, "{text}");
    assert!(!text.contains("\"COURRIEL\""), "{text}");
    assert!(
        text.contains("# \"Code\" = \"\"\n#   repeated: columns D and E; hubcsv reads D, the first (a row where E differs is a duplicate-header error)\n"),
        "{text}"
    );
    assert!(
        text.contains("#   \"Courriel\" -> \"User ID/Email (Required)\"\n#   repeated: columns B and G; hubcsv reads B,"),
        "{text}"
    );
    // Still a profile hubcsv accepts as it is.
    hubcsv::schema::Profile::parse(&text, &hubcsv::schema::Catalogue::default()).unwrap();
    // A repeated offer column cannot be the [packages] column: the proposal says so.
    let out =
        hubcsv().args(["profile", "init"]).arg(fixture("profiles/hr-offer-twice.csv")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("the [packages] column must be one column"), "{text}");
}

/// A finding on a value the profile wrote (a `[defaults]` or `[[when]]` value) read as if
/// the user's row held it: a bad default Phone Number filling an empty `Office Phone` cell
/// was reported at that (empty) cell, `F4`, with the default as its value, and nothing said
/// the value was the profile's. The finding now has no cell and says where the value came
/// from, in the message and the help (no new JSON field).
#[test]
fn a_finding_on_a_profile_value_says_the_profile_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(
        &profile,
        "[aliases]\n\"Office Phone\" = \"Phone Number\"\n[defaults]\n\"Phone Number\" = \"12\"\n[[when]]\ncolumn = \"Department\"\nvalue = \"Sales\"\nset = { \"Extension\" = \"12a\" }\n",
    )
    .unwrap();
    let args = ["--profile", profile.to_str().unwrap()];
    let (_, doc) = crate::util::check_json(&fixture("profiles/hr-workday.csv"), &args);
    let find = |rule: &str, line: u64| {
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule && d["line"] == line)
            .unwrap_or_else(|| panic!("{rule} on line {line}: {doc:#}"))
            .clone()
    };
    // The HR cell is empty: the default filled it.
    let d = find("invalid-phone-number", 4);
    assert_eq!((&d["cell"], &d["value"]), (&serde_json::Value::Null, &serde_json::json!("12")), "{d:#}");
    let message = d["message"].as_str().unwrap();
    assert!(message.ends_with("(`12` is the profile's [defaults] value, not a cell of the file)"), "{d:#}");
    assert!(
        d["help"].as_str().unwrap().ends_with("; or correct `Phone Number` under [defaults] in the profile"),
        "{d:#}"
    );
    // A cell the user filled is theirs, and said nothing of the profile.
    let d = find("invalid-phone-number", 2);
    assert_eq!(d["cell"], "F2", "{d:#}");
    assert!(!d["message"].as_str().unwrap().contains("profile"), "{d:#}");
    // A [[when]] value names its table.
    let d = find("invalid-extension", 2);
    assert!(
        d["message"].as_str().unwrap().ends_with(
            "(`12a` is the profile's [[when]] value for `Department` = `Sales`, not a cell of the file)"
        ),
        "{d:#}"
    );
    // The human report says so too, drawn on the row.
    let out = hubcsv().arg("check").args(args).arg(fixture("profiles/hr-workday.csv")).output().unwrap();
    let stdout = crate::util::flat(&String::from_utf8(out.stdout).unwrap());
    assert!(stdout.contains("(`12` is the profile's [defaults] value, not a cell of the file)"), "{stdout}");
}

/// A finding on a package cell the value map wrote (`TRUE`) was drawn at the offer cell as
/// if it held `TRUE`, with a help ("set it to FALSE") for a column the HR file does not have.
/// It now says the value map wrote it, for which offer, and what to change in the profile.
#[test]
fn a_finding_on_a_value_map_cell_names_the_offer() {
    let (_, doc) = crate::util::check_json(
        &fixture("profiles/rh-fr.csv"),
        &["--profile", "fixtures/profiles/suspended-voice.toml"],
    );
    let d = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "suspended-service-assigned" && d["line"] == 2)
        .unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!((d["cell"].as_str(), d["value"].as_str()), (Some("I2"), Some("TRUE")), "{d:#}");
    assert!(
        d["message"].as_str().unwrap().ends_with(
            "(`TRUE` is what the profile's [packages] value map writes for the offer `Voix`, not a cell of the file)"
        ),
        "{d:#}"
    );
    assert!(
        d["help"]
            .as_str()
            .unwrap()
            .ends_with("; or map the offer `Voix` to another package in the profile's [packages] values"),
        "{d:#}"
    );
}

/// A cross-row finding on a profile's value (a default number shared by every row without
/// one) was reported at the empty HR cell (`F5`), as if the user had typed the number
/// twice. It has no cell and says the profile wrote the value, as the row's own findings do.
#[test]
fn a_duplicate_made_by_a_default_says_the_profile_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(
        &profile,
        "region = \"US\"\n[aliases]\n\"Office Phone\" = \"Phone Number\"\n[defaults]\n\"Phone Number\" = \"+14085550199\"\n",
    )
    .unwrap();
    let (_, doc) = crate::util::check_json(
        &fixture("profiles/hr-workday.csv"),
        &["--profile", profile.to_str().unwrap()],
    );
    let found: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "duplicate-phone-number")
        .collect();
    assert_eq!(found.len(), 2, "{doc:#}");
    // The first row is named without a cell too: the profile wrote its number as well.
    assert!(
        found[0]["message"].as_str().unwrap().starts_with(
            "`+14085550199` is also the number of the user on line 4, where the profile wrote it ("
        ),
        "{:#}",
        found[0]
    );
    for d in found {
        assert_eq!(d["cell"], serde_json::Value::Null, "{d:#}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .ends_with("(`+14085550199` is the profile's [defaults] value, not a cell of the file)"),
            "{d:#}"
        );
    }
}

/// A `[defaults]` (or `[[when]]`) email gave every HR row without one the same identity:
/// the first became an `add` of that user, the others `duplicate-user`, where `missing-email`
/// would have said what is wrong. The profile is refused.
#[test]
fn a_default_email_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line) in [
        ("region = \"FR\"\n[defaults]\n\"User ID/Email (Required)\" = \"nobody@example.com\"\n", 3),
        ("[[when]]\ncolumn = \"Pays\"\nvalue = \"France\"\nset = { \"userid/email\" = \"x@example.com\" }\n", 4),
    ] {
        let profile = dir.path().join("p.toml");
        std::fs::write(&profile, text).unwrap();
        let out = hubcsv()
            .args(["check", "--profile"])
            .arg(&profile)
            .arg(fixture("profiles/rh-fr.csv"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{text}");
        let stderr = crate::util::flat(&String::from_utf8(out.stderr).unwrap());
        assert!(stderr.contains(&format!("p.toml:{line}: `User ID/Email (Required)` identifies each user")), "{stderr}");
        assert!(stderr.contains("HC043"), "{stderr}");
    }
}

/// `profile init` proposes `# "Matricule" = ""`; uncommented as it is, the profile was
/// refused with an empty name ("is not a Control Hub column"), which names nothing. The message now
/// names the HR header and says the target is empty.
#[test]
fn an_alias_left_empty_names_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "[aliases]\n\"Nom\" = \"Last Name\"\n\"Matricule\" = \" \"\n").unwrap();
    let (code, doc) =
        crate::util::check_json(&fixture("profiles/rh-fr.csv"), &["--profile", profile.to_str().unwrap()]);
    assert_eq!(code, 2);
    let message = doc["error"]["message"].as_str().unwrap();
    assert!(message.ends_with("p.toml:3: `Matricule` is mapped to an empty header"), "{message}");
    let help = doc["error"]["help"].as_str().unwrap();
    assert!(help.starts_with("write the Control Hub column it maps to"), "{help}");
    assert!(help.ends_with("remove the line to leave the column out"), "{help}");
    // A header the built-in aliases map is not left out by removing the line.
    std::fs::write(&profile, "[aliases]\n\"Site\" = \"\"\n").unwrap();
    let (_, doc) =
        crate::util::check_json(&fixture("profiles/rh-fr.csv"), &["--profile", profile.to_str().unwrap()]);
    let help = doc["error"]["help"].as_str().unwrap();
    assert!(help.ends_with("remove the line: the built-in aliases map it to `Location`"), "{help}");
}

/// `UK` is what an admin types for the United Kingdom, whose region code is `GB`: the
/// profile's `region` and `--region` refused it without saying so.
#[test]
fn a_uk_region_points_at_gb() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "region = \"uk\"\n").unwrap();
    let (code, doc) =
        crate::util::check_json(&fixture("profiles/rh-fr.csv"), &["--profile", profile.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(doc["error"]["help"].as_str().unwrap().contains("the United Kingdom's is GB"), "{doc:#}");
    let out = hubcsv().args(["check", "--region", "UK"]).arg(fixture("example/upload.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("the United Kingdom's is GB"), "{stderr}");
}

/// A `[defaults]` or `[[when]]` value for a license column (`"Webex Calling" = "TRUE"`) was
/// refused as "`Webex Calling` is not a Control Hub column", which is false and says
/// nothing of how a profile sets packages. The message now says it is a license column and
/// the help points at `[packages]`.
#[test]
fn a_default_for_a_license_column_points_at_packages() {
    let dir = tempfile::tempdir().unwrap();
    for (text, column) in [
        ("[defaults]\n\"Webex Calling\" = \"TRUE\"\n", "Webex Calling"),
        (
            "[[when]]\ncolumn = \"Pays\"\nvalue = \"France\"\nset = { \"Basic Messaging\" = \"FALSE\" }\n",
            "Basic Messaging",
        ),
        ("[defaults]\n\"Webex Voice [Sub100200]\" = \"TRUE\"\n", "Webex Voice [Sub100200]"),
    ] {
        let profile = dir.path().join("p.toml");
        std::fs::write(&profile, text).unwrap();
        let (code, doc) = crate::util::check_json(
            &fixture("profiles/rh-fr.csv"),
            &["--profile", profile.to_str().unwrap()],
        );
        assert_eq!(code, 2, "{text}");
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(message.contains(&format!("`{column}` is a license column")), "{message}");
        assert!(doc["error"]["help"].as_str().unwrap().contains("[packages]"), "{doc:#}");
    }
}

/// `profile init` on an export whose email column no alias knows (`Mail pro`) listed it
/// among the columns left out, and said nothing of the missing identity: used as is, the
/// profile stopped every run with `missing-email-column`. It now maps the column whose
/// values are email addresses, saying why; and names a foreign file by its headers.
#[test]
fn profile_init_maps_the_column_holding_the_emails() {
    let out =
        hubcsv().args(["profile", "init"]).arg(fixture("profiles/email-unmapped.csv")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("# No header is Control Hub's `User ID/Email (Required)`, which every row needs;\n# `Mail pro` holds email addresses:\n\"Mail pro\" = \"User ID/Email (Required)\"\n"),
        "{text}"
    );
    assert!(!text.contains("# \"Mail pro\" = \"\""), "{text}");
    // As proposed, the profile reads the file.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, &text).unwrap();
    let (code, doc) = crate::util::check_json(
        &fixture("profiles/email-unmapped.csv"),
        &["--profile", profile.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["rows"][0]["user"], "jean.dupont@example.com");
    // Without a column of emails, it says what is missing.
    let out =
        hubcsv().args(["profile", "init"]).arg(fixture("foreign/locations-export.csv")).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# No header is Control Hub's `User ID/Email (Required)`, which every row needs:\n# map the column holding the users' emails to it.\n"), "{text}");
    assert!(text.contains("# Note: these headers are those of Control Hub's locations CSV"), "{text}");
}

/// An HR export with the manager's email before the user's (`Mail manager`, then `Mail
/// pro`): `profile init` mapped the first column of addresses, the manager's, so every
/// report of a manager became one user (`duplicate-user`). It now maps the column whose
/// addresses are unique, and names the one passed over.
#[test]
fn profile_init_maps_the_users_emails_not_their_managers() {
    let file = fixture("profiles/hr-manager-email.csv");
    let out = hubcsv().args(["profile", "init"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("# `Mail pro` holds email addresses:\n\"Mail pro\" = \"User ID/Email (Required)\"\n"),
        "{text}"
    );
    assert!(
        text.contains("# `Mail manager` holds email addresses too, some of them repeated: if they are the users', map it instead.\n"),
        "{text}"
    );
    assert!(text.contains("# \"Mail manager\" = \"\"\n"), "{text}");
    // The IDs, each new, are not proposed as the offer; the offer column is.
    assert!(text.contains("# column = \"Offre\"\n"), "{text}");
    assert!(!text.contains("column = \"Matricule\""), "{text}");
    // As proposed, the profile reads each user under their own address.
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, &text).unwrap();
    let (_, doc) = crate::util::check_json(&file, &["--profile", profile.to_str().unwrap()]);
    let users: Vec<&str> =
        doc["rows"].as_array().unwrap().iter().map(|r| r["user"].as_str().unwrap()).collect();
    assert_eq!(
        users,
        [
            "jean.dupont@example.com",
            "lea.martin@example.com",
            "paul.durand@example.com",
            "claire.roux@example.com"
        ]
    );
    let rules: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"duplicate-user"), "{doc:#}");
}

/// An export with `Site` (a built-in alias of Location) and `Location` both: `profile init`
/// listed `"Site" -> "Location"` without a word, and every run then compared the two
/// columns (`duplicate-header`), keeping the first. The proposal now says so.
#[test]
fn profile_init_says_when_two_headers_map_to_one_column() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hr.csv");
    std::fs::write(&file, "Email,Nom,Site,Location\na@example.com,A,Paris,Lyon\n").unwrap();
    let out = hubcsv().args(["profile", "init"]).arg(&file).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("#   \"Site\" -> \"Location\"\n#   the file has `Location` too (column D): both are Location; hubcsv reads C, the first (a row where D differs is a duplicate-header error); map `Site` to another column to keep them apart\n"),
        "{text}"
    );
    hubcsv::schema::Profile::parse(&text, &hubcsv::schema::Catalogue::default()).unwrap();
}

/// `profile init` on a file that cannot be read to its end (a NUL byte on line 1,502, past
/// the first 64 KiB): the proposal stands on the rows before, and stderr says where reading
/// stopped, rather than proposing value maps that silently miss the rest.
#[test]
fn profile_init_says_where_its_sample_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hr.csv");
    let mut data = String::from("Matricule,Nom,Prénom,Courriel,Offre\n");
    for i in 0..1500 {
        let offer = if i % 2 == 0 { "Suite" } else { "Voix" };
        writeln!(data, "{i},Nom{i},Prenom{i},p{i}@example.com,{offer}").unwrap();
    }
    data.push_str("9999,Bad\0Name,X,x@example.com,Voix\n");
    std::fs::write(&file, data).unwrap();
    let out = run(&["profile", "init", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("the values of the first 1500 rows were sampled, then reading stopped"),
        "{stderr}"
    );
    assert!(stderr.contains(":1502: a NUL byte in `Nom` (cell B1502)"), "{stderr}");
    assert!(String::from_utf8(out.stdout).unwrap().contains("\"Voix\""));
}

/// A value the profile wrote and hubcsv corrected (a default site written as a URL) is shown
/// on its `fixed` line as the profile's, not at a cell: no cell of the file holds it.
#[test]
fn a_fixed_profile_value_is_labelled_as_the_profiles() {
    let out = run(&[
        "check",
        "--profile",
        "fixtures/profiles/default-site-url.toml",
        "fixtures/profiles/rh-fr.csv",
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("fixed fixtures/profiles/rh-fr.csv:2 (profile) Preferred Webex Site: `https://ACME-fr.webex.com/` -> `acme-fr.webex.com` (HC023 invalid-preferred-site)\n"),
        "{stdout}"
    );
}
