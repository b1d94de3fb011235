//! `hubcsv explain RULE`: print a rule's documentation page (embedded from docs/rules/).

use std::fmt::Write as _;

use clap::Args;
use hubcsv::rules::{Rule, ALL};

use super::exit;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule name (`missing-location`) or code (`HC014`); omit to list every rule.
    rule: Option<String>,
}

pub fn run(args: &ExplainArgs) -> u8 {
    match args.rule.as_deref() {
        None => {
            let mut list = String::new();
            // The name column fits the longest name, two spaces after it.
            let width = ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
            for rule in ALL {
                let (code, name, severity) = (rule.code(), rule.name(), rule.severity().as_str());
                let _ = writeln!(list, "{code}  {name:<width$}  {severity:<8} {}", rule.summary());
            }
            super::emit(&list, exit::OK)
        }
        Some(key) => {
            if let Some(page) = not_a_rule(key) {
                return super::emit(page, exit::OK);
            }
            let Some(rule) = Rule::lookup(key) else {
                eprintln!("error: no rule named `{key}`");
                eprintln!("  help: `hubcsv explain` lists every rule with its code");
                return exit::UNREADABLE;
            };
            super::emit(rule.doc(), exit::OK)
        }
    }
}

/// The names a `--changes` log gives to changes that no rule's finding made.
fn not_a_rule(key: &str) -> Option<&'static str> {
    match key.trim() {
        hubcsv::fix::REWRITE => Some(
            "# add-and-remove-services\n\n\
             Not a rule: the name `hubcsv fix --changes` gives to the license cells it rewrote so that\n\
             the file does exactly what the report says when uploaded with *Add and remove services*:\n\
             the user's package TRUE, every other wholesale package and every basic license FALSE (all\n\
             FALSE for a removal), no license cell left blank. See docs/fix.md.\n",
        ),
        hubcsv::fix::CANONICAL_HEADER => Some(
            "# canonical-header\n\n\
             Not a rule: the name `hubcsv fix --changes` gives to a header cell it wrote in Control\n\
             Hub's spelling (an alias such as `E-mail` or `Courriel` became `User ID/Email (Required)`).\n\
             See docs/fix.md.\n",
        ),
        hubcsv::fix::PROFILE => Some(
            "# profile\n\n\
             Not a rule: the name `hubcsv fix --changes` gives to a cell or a column that a `--profile`\n\
             filled in: a value of its `[defaults]` or of a `[[when]]` set, the package cells its\n\
             `[packages]` value map sets from the offer column, or a column it adds (its `old` is then\n\
             empty). See docs/profiles.md.\n",
        ),
        _ => None,
    }
}
