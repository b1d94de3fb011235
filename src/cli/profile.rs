//! `hubcsv profile init FILE`: proposes a profile (TOML, on stdout) from an HR export's
//! headers: what the built-in aliases already map, what is left, and a value-map skeleton
//! for a column that looks like an offer.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use hubcsv::input::{open_table, ReadOptions};
use hubcsv::schema::packages::{split_license_header, Catalogue};
use hubcsv::schema::{column_letters, header_key, resolve_name};
use hubcsv::Source;

use super::exit;

#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    command: ProfileCommand,
}

#[derive(Debug, Subcommand)]
enum ProfileCommand {
    /// Propose a profile from a file's headers: `hubcsv profile init rh.xlsx > profile.toml`.
    Init {
        /// The HR export (any format `check` reads).
        file: PathBuf,
        /// The sheet of a spreadsheet to read, by its exact name or 1-based position
        /// (default: the first visible one).
        #[arg(long, value_name = "NAME|INDEX")]
        sheet: Option<String>,
    },
}

/// A column's distinct values: their value-map key -> the first spelling met.
type Distinct = BTreeMap<String, String>;

/// Rows read to find the distinct values of unmapped columns.
const SAMPLE_ROWS: usize = 10_000;
/// A column with at most this many distinct values may hold the offer.
const OFFER_VALUES: usize = 12;

pub fn run(args: &ProfileArgs, color: bool) -> u8 {
    let ProfileCommand::Init { file, sheet } = &args.command;
    let source = Source::from_arg(file);
    let opts = ReadOptions { sheet: sheet.clone(), ..ReadOptions::default() };
    let (mut records, header, _, _) = match open_table(&source, &opts, "the file") {
        Ok(table) => table,
        Err(e) => {
            super::print_fatal(&e, color);
            return exit::UNREADABLE;
        }
    };
    let headers: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let unmapped: Vec<usize> = (0..headers.len())
        .filter(|&i| resolve_name(&headers[i]).is_none() && !is_license(&headers[i]))
        .collect();
    // Distinct values as a profile's value map matches them (case-insensitively, accents
    // composed: `Voix` and `VOIX` are one key), each as first written.
    let mut values: Vec<Distinct> = vec![Distinct::new(); headers.len()];
    // Cells with a value, a column: with `values`, whether a column repeats its values.
    let mut filled: Vec<usize> = vec![0; headers.len()];
    let (mut record, mut notes) = (csv::StringRecord::new(), Vec::new());
    for sampled in 0..SAMPLE_ROWS {
        match records.read(&mut record, &mut notes) {
            Ok(Some(meta)) => {
                for &i in &unmapped {
                    if let Some(v) = record.get(i).map(str::trim).filter(|v| !v.is_empty()) {
                        filled[i] += 1;
                        values[i]
                            .entry(hubcsv::schema::profile::value_key(v))
                            .or_insert_with(|| v.to_owned());
                    }
                }
                records.release_before(meta.end);
            }
            Ok(None) => break,
            Err(e) => {
                // The proposal stands on the rows read before: say so, rather than propose
                // value maps that silently miss the rest.
                let e = e.into_error(&file.display().to_string()).to_string();
                eprintln!(
                    "warning: the values of the first {sampled} rows were sampled, then reading stopped: {}",
                    hubcsv::report::human::pictured(&e)
                );
                break;
            }
        }
    }
    // A repeated header's values are those of all its columns, under its first.
    for (i, same) in same_header(&headers).iter().enumerate() {
        if let Some(&first) = same.first().filter(|&&f| f != i) {
            let theirs = std::mem::take(&mut values[i]);
            filled[first] += std::mem::take(&mut filled[i]);
            for (k, v) in theirs {
                values[first].entry(k).or_insert(v);
            }
        }
    }
    // The proposed commands read what this one read: the same file, and the same sheet.
    let mut target = String::new();
    if let Some(sheet) = sheet {
        target = format!("--sheet {} ", shell_word(sheet));
    }
    target.push_str(&shell_word(&file.display().to_string()));
    super::emit(&propose(&target, &headers, &unmapped, &Sample { values, filled }), exit::OK)
}

/// A word as a POSIX shell reads it back: as is when plain, else double-quoted.
fn shell_word(s: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "._/-+,:@%=".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Control Hub's identity column.
const EMAIL: &str = "User ID/Email (Required)";

/// The sampled rows' values, column by column.
struct Sample {
    values: Vec<Distinct>,
    /// Cells with a value (all of them, where `values` holds each distinct one once).
    filled: Vec<usize>,
}

impl Sample {
    /// Whether column `i` holds a value twice (case aside).
    fn repeats(&self, i: usize) -> bool {
        self.values[i].len() < self.filled[i]
    }
}

/// Words of a header for someone other than the user: a manager's or an assistant's email.
const OTHER_PERSON_WORDS: &[&str] = &[
    "manag",
    "supervis",
    "superviseur",
    "boss",
    "approv",
    "assistant",
    "report",
    "responsable",
    "chef",
    "vorgesetzt",
    "n+1",
];

/// The unmapped columns whose sampled values are all email addresses, the users' first:
/// the first one whose values are unique (each user's own address, where a manager's
/// repeats over their reports) and whose header does not name someone else, then the rest
/// in the file's order.
fn email_columns(
    headers: &[String],
    unmapped: &[usize],
    sample: &Sample,
    first: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let email = |v: &str| {
        v.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.contains('@'))
    };
    let other_person = |i: usize| {
        let h = headers[i].to_lowercase();
        OTHER_PERSON_WORDS.iter().any(|w| h.contains(w))
    };
    let mut columns: Vec<usize> = unmapped
        .iter()
        .copied()
        .filter(|&i| first(i) && !sample.values[i].is_empty() && sample.values[i].values().all(|v| email(v)))
        .collect();
    // A stable sort: among equals, the file's order stands.
    columns.sort_by_key(|&i| (sample.repeats(i), other_person(i)));
    columns
}

/// Without an email column, every run stops (`missing-email-column`): maps the column whose
/// values are the users' email addresses, or says what is missing. Returns the column mapped.
fn email_section(
    out: &mut String,
    headers: &[String],
    unmapped: &[usize],
    sample: &Sample,
    first: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    if headers.iter().any(|h| resolve_name(h) == Some(EMAIL)) {
        return None;
    }
    let candidates = email_columns(headers, unmapped, sample, first);
    let _ = write!(out, "# No header is Control Hub's `{EMAIL}`, which every row needs");
    let Some((&i, others)) = candidates.split_first() else {
        let _ = writeln!(out, ":\n# map the column holding the users' emails to it.");
        return None;
    };
    let _ = writeln!(out, ";\n# `{}` holds email addresses:", escaped(&headers[i]));
    let _ = writeln!(out, "{} = {}", quoted(&headers[i]), quoted(EMAIL));
    // A manager's column holds addresses too: say which was passed over, and why.
    for &other in others {
        let why = if sample.repeats(other) { ", some of them repeated" } else { "" };
        let _ = writeln!(
            out,
            "# `{}` holds email addresses too{why}: if they are the users', map it instead.",
            escaped(&headers[other])
        );
    }
    Some(i)
}

/// Words that make a column or its values look like a wholesale offer.
const OFFER_WORDS: &[&str] = &[
    "offer", "offre", "package", "forfait", "licen", "lizenz", "plan", "voice", "voix", "suite", "meeting",
    "réunion", "calling", "appel", "webex",
];

/// Values of a yes/no column (value-map keys): such a column is a flag, not the offer.
const YES_NO: &[&str] = &["true", "false", "yes", "no", "y", "n", "oui", "non", "ja", "nein", "x"];

/// The unmapped column most likely to hold the offer: few distinct values, shared by users,
/// and offer-like words in its header or values first.
fn offer_column(headers: &[String], unmapped: &[usize], sample: &Sample) -> Option<usize> {
    let values = &sample.values;
    let looks = |s: &str| {
        let s = s.to_lowercase();
        OFFER_WORDS.iter().any(|w| s.contains(w))
    };
    let yes_no = |i: usize| values[i].keys().all(|k| YES_NO.contains(&k.as_str()));
    let offer_like = |i: usize| looks(&headers[i]) || values[i].values().any(|v| looks(v));
    // An offer is shared by users: a column whose every value is new (an ID, a name) is not
    // it, unless its header or values say so.
    unmapped
        .iter()
        .copied()
        .filter(|&i| {
            (2..=OFFER_VALUES).contains(&values[i].len())
                && !yes_no(i)
                && (sample.repeats(i) || offer_like(i))
        })
        .max_by_key(|&i| (offer_like(i), std::cmp::Reverse(values[i].len())))
}

/// Whether a header is a license column (a package or basic license, with or without a
/// `[...]` suffix, or any header with one): such columns are kept as they are.
fn is_license(header: &str) -> bool {
    let key = header_key(header);
    let parts = split_license_header(&key);
    parts.suffix.is_some() || Catalogue::default().classify(parts.name).is_some()
}

/// `s` as a TOML basic string. Control characters are escaped: a header or value with a
/// line break, written as is, would end its comment line and spill the rest out of it.
fn quoted(s: &str) -> String {
    format!("\"{}\"", escaped(s))
}

/// `s` with `\`, `"` and control characters escaped as a TOML basic string's content (the
/// file name in comments too: a line break would end the comment).
fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` on one line: its line breaks and other control characters written as escapes, the
/// rest as it is (a comment of the profile holds it; `file` is already quoted for a shell).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            '\t' => "\\t".to_owned(),
            c if c.is_control() => format!("\\u{:04X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// Per column, the columns under the same header (itself included): a header the file
/// repeats is proposed once, at its first column, which is the one hubcsv reads (`fix`
/// keeps it; `duplicate-header` compares the others with it).
fn same_header(headers: &[String]) -> Vec<Vec<usize>> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    keys.iter().map(|k| (0..keys.len()).filter(|&j| keys[j] == *k).collect()).collect()
}

/// The comment line after a repeated header's entry, or nothing.
fn repeated_note(columns: &[usize]) -> String {
    let Some((first, others)) = columns.split_first().filter(|(_, o)| !o.is_empty()) else {
        return String::new();
    };
    let letters: Vec<String> = columns.iter().map(|&c| column_letters(c)).collect();
    let others: Vec<String> = others.iter().map(|&c| column_letters(c)).collect();
    let (listed, last) = letters.split_at(letters.len() - 1);
    format!(
        "#   repeated: columns {} and {}; hubcsv reads {}, the first (a row where {} differs is a duplicate-header error)\n",
        listed.join(", "),
        last.join(""),
        column_letters(*first),
        others.join(" or ")
    )
}

/// The comment after a built-in alias line when another header of the file is the same
/// Control Hub column `column` (`Site` and `Location`): both are read as it.
fn same_column_note(headers: &[String], i: usize, column: &str) -> String {
    let key = header_key(&headers[i]);
    let Some(other) = (0..headers.len())
        .find(|&j| j != i && header_key(&headers[j]) != key && resolve_name(&headers[j]) == Some(column))
    else {
        return String::new();
    };
    let (first, second) = (column_letters(i.min(other)), column_letters(i.max(other)));
    format!(
        "#   the file has `{}` too (column {}): both are {column}; hubcsv reads {first}, the first (a row where {second} differs is a duplicate-header error); map `{}` to another column to keep them apart\n",
        one_line(headers[other].trim()),
        column_letters(other),
        one_line(headers[i].trim()),
    )
}

fn propose(file: &str, headers: &[String], unmapped: &[usize], sample: &Sample) -> String {
    let values = &sample.values;
    let file = &one_line(file);
    let same = same_header(headers);
    // Whether column `i` is the first under its header (the one proposed).
    let first = |i: usize| same[i].first() == Some(&i);
    let mut out = String::new();
    let _ = writeln!(out, "# Profile proposed by `hubcsv profile init {file}`. Check every line, then:");
    let _ = writeln!(out, "#   hubcsv fix --profile profile.toml {file} -o upload.csv");
    let _ = writeln!(out, "# Format: docs/profiles.md\n");
    if let Some(foreign) = hubcsv::schema::foreign::foreign_file(headers) {
        let _ = writeln!(out, "# Note: {}\n", one_line(&foreign.help()));
    }
    let _ = writeln!(out, "# Phone numbers without a country code are read in this region:");
    let _ = writeln!(out, "# region = \"FR\"\n");
    let _ = writeln!(out, "[aliases]");
    let _ = writeln!(out, "# Already mapped by the built-in aliases:");
    for (i, h) in headers.iter().enumerate().filter(|(i, h)| !h.is_empty() && first(*i)) {
        if let Some(c) = resolve_name(h) {
            if header_key(c) != header_key(h) {
                let _ = writeln!(out, "#   {} -> {}", quoted(h), quoted(c));
                out.push_str(&repeated_note(&same[i]));
                out.push_str(&same_column_note(headers, i, c));
            }
        }
    }
    let licenses: Vec<usize> = (0..headers.len())
        .filter(|&i| !headers[i].is_empty() && first(i) && is_license(&headers[i]))
        .collect();
    if !licenses.is_empty() {
        let _ = writeln!(out, "# License columns, kept as they are:");
        for i in licenses {
            let _ = writeln!(out, "#   {}", quoted(&headers[i]));
            out.push_str(&repeated_note(&same[i]));
        }
    }
    let emails = email_section(&mut out, headers, unmapped, sample, &first);
    let _ = writeln!(
        out,
        "# A Yes/No column per package maps to its package column (\"Calling\" = \"Webex Calling\").\n# Not mapped: give a Control Hub column, or leave the line out (the column is dropped):"
    );
    for &i in unmapped {
        if !headers[i].is_empty() && first(i) && Some(i) != emails {
            let _ = writeln!(out, "# {} = \"\"", quoted(&headers[i]));
            out.push_str(&repeated_note(&same[i]));
        }
    }
    let offer = offer_column(headers, unmapped, sample);
    let _ = writeln!(out);
    if let Some(i) = offer {
        let _ = writeln!(
            out,
            "# `{}` has few distinct values: is it the offer? Map each value to a package",
            escaped(&headers[i])
        );
        let _ = writeln!(out, "# id ({}) or \"remove\".", Catalogue::default().user_package_ids().join(", "));
        if same[i].len() > 1 {
            let letters: Vec<String> = same[i].iter().map(|&c| column_letters(c)).collect();
            let _ = writeln!(
                out,
                "# It is repeated (columns {}): the [packages] column must be one column, so\n# rename the others in the export first.",
                letters.join(", ")
            );
        }
        let _ = writeln!(out, "# [packages]\n# column = {}", quoted(&headers[i]));
        let pairs: Vec<String> = values[i].values().map(|v| format!("{} = \"\"", quoted(v))).collect();
        let _ = writeln!(out, "# values = {{ {} }}", pairs.join(", "));
    } else {
        let _ = writeln!(out, "# The offer column, if the export has one:");
        let _ =
            writeln!(out, "# [packages]\n# column = \"Offer\"\n# values = {{ \"Voice\" = \"webex_voice\" }}");
    }
    let _ = writeln!(out, "\n# Values for users whose cell is empty:");
    let _ = writeln!(
        out,
        "# [defaults]\n# \"Location\" = \"HQ\"\n# \"Preferred Webex Site\" = \"acme.webex.com\""
    );
    let _ = writeln!(out, "\n# The org's exact package headers (from a fresh Control Hub export):");
    let _ = writeln!(out, "# [catalogue]\n# webex_voice = \"Webex Voice [Sub100200]\"");
    let _ = writeln!(
        out,
        "# and what a package needs, where the org's differs (calling: Location and a number or\n# extension; meetings: a Preferred Webex Site):\n# webex_calling = {{ header = \"Webex Calling [Sub100200]\", calling = true, meetings = true }}"
    );
    out
}
