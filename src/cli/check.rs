//! `hubcsv check FILE`: run every rule and report (human, JSON or JSON Lines).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use hubcsv::report::human::{Human, Style};
use hubcsv::report::{Collect, JsonLines};
use hubcsv::{Error, Options, Source, Summary};

use super::exit;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The CSV to check (`-` reads standard input).
    file: PathBuf,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with code 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Users per upload before `too-many-rows` fires (Control Hub takes 20,000).
    #[arg(long, default_value_t = hubcsv::CONTROL_HUB_MAX_ROWS, value_name = "N")]
    max_rows: u64,
    /// Region for national phone numbers without country code, e.g. FR, US, GB.
    #[arg(long, value_name = "CC", value_parser = parse_region)]
    region: Option<phonenumber::country::Id>,
    /// Leave `fixed` findings out of the human report.
    #[arg(short, long)]
    quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Compiler-style diagnostics and a summary.
    Human,
    /// One JSON document (contract §6).
    Json,
    /// One JSON object per line, streamed.
    Jsonl,
}

fn parse_region(s: &str) -> Result<phonenumber::country::Id, String> {
    s.to_ascii_uppercase()
        .parse()
        .map_err(|_| format!("`{s}` is not a two-letter region code such as FR or US"))
}

pub fn run(args: &CheckArgs, color: bool) -> u8 {
    if let Some(n) = args.threads {
        // Only fails when a global pool already exists, which cannot happen this early.
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let opts = Options { max_rows: args.max_rows, region: args.region, ..Options::default() };
    let source = Source::from_arg(&args.file);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match args.format {
        Format::Human => {
            let style = Style { color, width: super::width(), quiet: args.quiet, delimiter: opts.delimiter };
            hubcsv::check(&source, &opts, &mut Human::new(&mut out, style))
        }
        Format::Jsonl => hubcsv::check(&source, &opts, &mut JsonLines::new(&mut out)),
        Format::Json => {
            let mut collect = Collect::default();
            hubcsv::check(&source, &opts, &mut collect)
                .and_then(|s| collect.write_json(&mut out).map(|()| s).map_err(Error::Output))
        }
    };
    let flushed = out.flush();
    finish(result, flushed, args, color)
}

fn finish(result: Result<Summary, Error>, flushed: io::Result<()>, args: &CheckArgs, color: bool) -> u8 {
    match result {
        Ok(summary) => {
            if let Err(e) = flushed {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    eprintln!("error: cannot write the report: {e}");
                    return exit::UNREADABLE;
                }
            }
            if summary.failed(args.deny_warnings) {
                exit::DATA_ERRORS
            } else {
                exit::OK
            }
        }
        Err(e) if e.is_broken_pipe() => exit::OK,
        Err(e) => {
            if args.format != Format::Human {
                print_json_error(&e);
            }
            super::print_fatal(&e, color);
            exit::UNREADABLE
        }
    }
}

/// Scripts reading JSON get the fatal error as JSON on stdout too.
fn print_json_error(e: &Error) {
    let value = serde_json::json!({
        "version": 1,
        "error": {
            "rule": e.rule().map(hubcsv::Rule::name),
            "code": e.rule().map(hubcsv::Rule::code),
            "severity": "fatal",
            "message": e.to_string(),
            "help": e.help(),
        }
    });
    println!("{value}");
}
