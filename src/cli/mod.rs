//! Command-line interface: clap definitions and dispatch. Thin glue over the library.
#![allow(clippy::disallowed_macros)]

mod check;
mod explain;
mod fix;
mod profile;
mod report;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Check Webex Control Hub bulk-user CSV files before you upload them.
#[derive(Debug, Parser)]
#[command(name = "hubcsv", version, about, long_about = None, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colors in the human report.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a user CSV: every rule, and the action the upload takes on each user.
    Check(check::CheckArgs),
    /// Write the corrected CSV: every fix applied, safe to upload with "Add and remove services".
    Fix(fix::FixArgs),
    /// HR export profiles: `profile init FILE` proposes one from a file's headers.
    Profile(profile::ProfileArgs),
    /// Print the documentation of a rule (by name or code), or list every rule.
    Explain(explain::ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// For bash: `hubcsv completions bash > ~/.local/share/bash-completion/completions/hubcsv`;
    /// for zsh, into a folder of your `fpath` as `_hubcsv`; for fish,
    /// `~/.config/fish/completions/hubcsv.fish`.
    Completions(CompletionsArgs),
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Color choice.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Exit codes (README, contract §6).
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const DATA_ERRORS: u8 = 1;
    pub const UNREADABLE: u8 = 2;
}

/// On SIGINT, SIGTERM or SIGHUP (Ctrl-C, `timeout`, a scheduler stopping the job), removes
/// `fix`'s temporary files before exiting with 128 + the signal, as a shell reports it; no
/// output is renamed into place after that.
fn remove_temporary_files_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    let _ = std::thread::Builder::new().name("hubcsv-signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            hubcsv::output::remove_pending();
            std::process::exit(128 + signal);
        }
    });
}

/// Prints `text` on stdout and returns `code`; a reader that stopped reading is no error
/// (`hubcsv explain | head`), any other failure (a full disk) exits 2, saying so on stderr.
pub(crate) fn emit(text: &str, code: u8) -> u8 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the output: standard output: {e}");
            exit::UNREADABLE
        }
        _ => code,
    }
}

impl Color {
    fn enabled(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::UNREADABLE } else { exit::OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let color = cli.color.enabled();
    let code = match cli.command {
        Command::Check(args) => check::run(&args, color),
        Command::Fix(args) => {
            remove_temporary_files_on_signals();
            fix::run(&args, color)
        }
        Command::Profile(args) => profile::run(&args, color),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => {
            let mut script = Vec::new();
            clap_complete::generate(
                args.shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "hubcsv",
                &mut script,
            );
            emit(&String::from_utf8_lossy(&script), exit::OK)
        }
    };
    ExitCode::from(code)
}

/// Prints a fatal error the way the human report does.
fn print_fatal(err: &hubcsv::Error, color: bool) {
    let theme =
        if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
    // Wrapped as the report's findings are, to the width of the terminal it goes to.
    let width = columns().or_else(|| terminal_width(&std::io::stderr())).unwrap_or(DEFAULT_WIDTH);
    // Not split at hyphens: `--max-columns` stays whole, to copy or search for.
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(width)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut text = String::new();
    if handler.render_report(&mut text, &Fatal::new(err)).is_err() {
        text = format!("error: {err}\n");
    }
    eprint!("{text}");
}

/// A fatal error as the human report shows it: values quoted in its message shortened as
/// findings' are, and no snippet of a profile line too long to show (the message names
/// the line), and the control characters of its message and snippet drawn (`␛`), not sent
/// to the terminal. `--format json` keeps both whole.
#[derive(Debug)]
struct Fatal<'a>(&'a hubcsv::Error, Option<Drawn>);

/// A snippet whose control characters are drawn, with its labels moved to match.
#[derive(Debug)]
struct Drawn {
    source: miette::NamedSource<String>,
    labels: Vec<miette::LabeledSpan>,
}

/// Longest profile line shown under a fatal error.
const FATAL_LINE_MAX: usize = 240;

impl std::fmt::Display for Fatal<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use hubcsv::report::human::{pictured, shorten_quotes};
        f.write_str(&pictured(&shorten_quotes(&self.0.to_string())))
    }
}

impl std::error::Error for Fatal<'_> {}

impl<'a> Fatal<'a> {
    fn new(err: &'a hubcsv::Error) -> Self {
        let hubcsv::Error::Profile(p) = err else { return Fatal(err, None) };
        let labels: Vec<miette::LabeledSpan> =
            miette::Diagnostic::labels(err).map(Iterator::collect).unwrap_or_default();
        let mut offsets: Vec<usize> =
            labels.iter().flat_map(|l| [l.offset(), l.offset() + l.len()]).collect();
        let text = p.source_code.inner();
        let std::borrow::Cow::Owned(shown) = hubcsv::report::human::pictured_at(text, &mut offsets) else {
            return Fatal(err, None);
        };
        let labels = labels
            .iter()
            .zip(offsets.chunks(2))
            .map(|(l, at)| {
                let (start, end) = (at[0], at.get(1).copied().unwrap_or(at[0]));
                miette::LabeledSpan::new(l.label().map(str::to_owned), start, end.saturating_sub(start))
            })
            .collect();
        let source = miette::NamedSource::new(p.source_code.name(), shown);
        Fatal(err, Some(Drawn { source, labels }))
    }

    /// Whether the error's snippet is a line short enough to show.
    fn snippet_fits(&self) -> bool {
        let hubcsv::Error::Profile(p) = self.0 else { return true };
        let (Some(span), text) = (p.span, p.source_code.inner()) else { return true };
        let at = span.offset().min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        text[start..end].chars().count() <= FATAL_LINE_MAX
    }
}

impl miette::Diagnostic for Fatal<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        miette::Diagnostic::code(self.0)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        let help = miette::Diagnostic::help(self.0)?.to_string();
        Some(Box::new(hubcsv::report::human::pictured(&help).into_owned()))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        if !self.snippet_fits() {
            return None;
        }
        match &self.1 {
            Some(drawn) => Some(&drawn.source),
            None => miette::Diagnostic::source_code(self.0),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        if !self.snippet_fits() {
            return None;
        }
        match &self.1 {
            Some(drawn) => Some(Box::new(drawn.labels.iter().cloned())),
            None => miette::Diagnostic::labels(self.0),
        }
    }
}

/// Width the report wraps to when it goes to no terminal and `COLUMNS` is not set.
const DEFAULT_WIDTH: usize = 100;

/// Width for wrapping the report (stdout): `COLUMNS`, else the terminal's, else 100.
fn width() -> usize {
    columns().or_else(|| terminal_width(&std::io::stdout())).unwrap_or(DEFAULT_WIDTH)
}

/// `COLUMNS`, when set to a width.
fn columns() -> Option<usize> {
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()).filter(|&w| w > 0)
}

/// The width of the terminal `stream` writes to, if it is one (the first terminal among
/// stdout, stderr and stdin: where both are terminals, they are one).
fn terminal_width(stream: &impl IsTerminal) -> Option<usize> {
    if !stream.is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)).filter(|&w| w > 0)
}
