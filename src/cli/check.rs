//! `hubcsv check FILE`: run every rule and report (human, JSON or JSON Lines).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use hubcsv::Source;

use super::report::{Epilogue, ReportArgs};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The CSV to check (`-` reads standard input).
    file: PathBuf,
    #[command(flatten)]
    report: ReportArgs,
}

/// `check` adds nothing after the report.
struct Nothing;

impl Epilogue for Nothing {
    fn json(&self) -> Option<(&'static str, serde_json::Value)> {
        None
    }
    fn human(&self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

pub fn run(args: &CheckArgs, color: bool) -> u8 {
    if let Some(flag) = args.report.stdin_twice(&args.file) {
        eprintln!("error: the input and {flag} both read standard input (-): give one of them as a file");
        return super::exit::UNREADABLE;
    }
    let source = Source::from_arg(&args.file);
    super::report::run(&args.report, color, |opts, sink| {
        hubcsv::check(&source, opts, sink).map(|s| (s, Nothing))
    })
}
