//! `hubcsv explain RULE`: print a rule's documentation page (embedded from docs/rules/).

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
            for rule in ALL {
                println!(
                    "{}  {:<28} {:<8} {}",
                    rule.code(),
                    rule.name(),
                    rule.severity().as_str(),
                    rule.summary()
                );
            }
            exit::OK
        }
        Some(key) => {
            let Some(rule) = Rule::lookup(key) else {
                eprintln!("error: no rule named `{key}`");
                eprintln!("  help: `hubcsv explain` lists every rule with its code");
                return exit::UNREADABLE;
            };
            print!("{}", rule.doc());
            exit::OK
        }
    }
}
