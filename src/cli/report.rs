//! Flags and report plumbing shared by `check` and `fix`.

use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use hubcsv::report::human::{Human, Style};
use hubcsv::report::{JsonDocument, JsonLines};
use hubcsv::{Error, Options, Sink, Summary};

use super::exit;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with code 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Users per upload (Control Hub takes 20,000): `too-many-rows` past it, and `fix`
    /// splits its output into parts of this size.
    #[arg(long, default_value_t = hubcsv::CONTROL_HUB_MAX_ROWS, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_rows: u64,
    /// Region for national phone numbers without country code, e.g. FR, US, GB.
    #[arg(long, value_name = "CC", value_parser = parse_region)]
    pub region: Option<phonenumber::country::Id>,
    /// Leave `fixed` findings out of the human report.
    #[arg(short, long)]
    pub quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Milliseconds a run goes before its progress line is drawn (for the tests).
    #[arg(long, hide = true, value_name = "MS", default_value_t = 300)]
    pub progress_after: u64,
    /// Text encoding of CSV input (default: detected): any WHATWG label, e.g. utf-8,
    /// utf-16le, utf-16be, windows-1252 (latin1), macintosh (Excel for Mac's "CSV
    /// (Macintosh)").
    #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Field delimiter of CSV input (default: detected among , ; TAB |). `tab` or `\t` for TAB.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// The sheet of a spreadsheet to read, by its exact name or 1-based position (default:
    /// the first visible one).
    #[arg(long, value_name = "NAME|INDEX")]
    pub sheet: Option<String>,
    /// Resource limit: the most input bytes read (a workbook: uncompressed).
    #[arg(long, value_name = "BYTES", default_value_t = hubcsv::input::DEFAULT_MAX_BYTES,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_bytes: u64,
    /// Resource limit: the most cells (rows x columns) read.
    #[arg(long, value_name = "N", default_value_t = hubcsv::DEFAULT_MAX_CELLS,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_cells: u64,
    /// Resource limit: the most columns in the header.
    #[arg(long, value_name = "N", default_value_t = hubcsv::DEFAULT_MAX_COLUMNS,
          value_parser = max_columns)]
    pub max_columns: usize,
    /// An HR export profile (TOML): header aliases, package value map, defaults; the input
    /// is mapped onto Control Hub's format before checking (docs/profiles.md).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<std::path::PathBuf>,
    /// A Control Hub export of the customer's users: each row's action (add, modify,
    /// unchanged, remove) and changed fields are decided against it.
    #[arg(long, value_name = "EXPORT")]
    pub current: Option<std::path::PathBuf>,
    /// A fresh Control Hub export of the org (its header is enough): columns the upload
    /// lacks or the org does not have are reported, renamed columns get the org's name.
    #[arg(long, value_name = "EXPORT")]
    pub template: Option<std::path::PathBuf>,
    /// The org's locations: a CSV or workbook with a `Location Name` column, or the names
    /// one a line. A Location not in it is `unknown-location`; one in another case is
    /// written as the list does.
    #[arg(long, value_name = "FILE")]
    pub locations: Option<std::path::PathBuf>,
}

/// `--max-columns`: at least 1 (the email column).
fn max_columns(arg: &str) -> Result<usize, String> {
    match arg.parse::<usize>() {
        Ok(0) => Err("a user list has at least one column".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style diagnostics and a summary.
    Human,
    /// One JSON document (docs/report-format.md).
    Json,
    /// One JSON object per line, streamed (docs/report-format.md).
    Jsonl,
}

fn parse_encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    hubcsv::input::sniff::encoding_for_label(s).ok_or_else(|| {
        format!("`{s}` is not an encoding hubcsv knows (utf-8, utf-16le, utf-16be, windows-1252)")
    })
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "TAB" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!("`{s}` is not a one-character delimiter such as , ; | or tab")),
    }
}

fn parse_region(s: &str) -> Result<phonenumber::country::Id, String> {
    s.to_ascii_uppercase().parse().map_err(|_| {
        format!(
            "`{s}` is not a two-letter region code such as FR or US{}",
            hubcsv::schema::profile::region_hint(s)
        )
    })
}

/// The most worker threads `-j` takes. Each batch is cut into four pieces a thread, so
/// thousands of threads spent their time starting and handing over (`-j 5000` took 42 s on
/// a 14-row file); 256 is more cores than a machine running hubcsv has.
const MAX_THREADS: usize = 256;

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n <= MAX_THREADS => Ok(n),
        Ok(_) => {
            Err(format!("hubcsv runs at most {MAX_THREADS} worker threads; leave -j out for one per core"))
        }
        Err(_) => Err(format!("`{s}` is not a number of threads")),
    }
}

impl ReportArgs {
    /// The flag that would read standard input when the input `file` does too (`-`): two
    /// readers of one stream, the second finding it empty.
    pub fn stdin_twice(&self, file: &std::path::Path) -> Option<&'static str> {
        let dash =
            |p: &Option<std::path::PathBuf>| p.as_deref().is_some_and(|p| p == std::path::Path::new("-"));
        if file != std::path::Path::new("-") {
            return None;
        }
        [
            ("--current", &self.current),
            ("--template", &self.template),
            ("--profile", &self.profile),
            ("--locations", &self.locations),
        ]
        .into_iter()
        .find_map(|(flag, path)| dash(path).then_some(flag))
    }

    /// Library options from the flags; sets up the thread pool and reads `--current`.
    pub fn options(&self) -> Result<Options, Error> {
        if let Some(n) = self.threads {
            // Only fails when a global pool already exists, which cannot happen this early.
            let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
        }
        let opts = Options {
            max_rows: self.max_rows,
            region: self.region,
            read: hubcsv::input::ReadOptions {
                encoding: self.encoding,
                delimiter: self.delimiter,
                sheet: self.sheet.clone(),
                max_bytes: self.max_bytes,
                max_cells: self.max_cells,
                max_columns: self.max_columns,
            },
            max_cells: self.max_cells,
            max_columns: self.max_columns,
            ..Options::default()
        };
        // Before --current and --template are read: their packages are the profile's too.
        let mut opts = match &self.profile {
            Some(path) => {
                let profile = hubcsv::schema::Profile::load(path, &opts.catalogue)?;
                opts.with_profile(profile)
            }
            None => opts,
        };
        if let Some(path) = &self.current {
            let current = hubcsv::current::Current::load(&hubcsv::Source::from_arg(path), &opts.catalogue)?;
            opts.current = Some(std::sync::Arc::new(current));
        }
        if let Some(path) = &self.template {
            let template = hubcsv::schema::Template::load(&hubcsv::Source::from_arg(path), &opts.catalogue)?;
            opts.template = Some(std::sync::Arc::new(template));
        }
        if let Some(path) = &self.locations {
            let locations = hubcsv::locations::Locations::load(&hubcsv::Source::from_arg(path))?;
            opts.locations = Some(std::sync::Arc::new(locations));
        }
        Ok(opts)
    }
}

/// What the command adds after the report (e.g. `fix`'s list of written files).
pub trait Epilogue {
    /// Extra fields for the JSON document / a final JSON Lines object.
    fn json(&self) -> Option<(&'static str, serde_json::Value)>;
    /// Lines after the human summary.
    fn human(&self, out: &mut dyn Write) -> io::Result<()>;
}

/// Runs `job` with the sink the flags ask for, prints the report to stdout, and returns
/// the exit code.
pub fn run<E: Epilogue>(
    args: &ReportArgs,
    color: bool,
    job: impl FnOnce(&Options, &mut dyn Sink) -> Result<(Summary, E), Error>,
) -> u8 {
    let opts = match args.options() {
        Ok(opts) => opts,
        Err(e) => return finish(Err(e), Ok(()), args, color),
    };
    let job = |sink: &mut dyn Sink| job(&opts, sink);
    // A progress line on stderr for long runs of the human report, only when a person
    // watches it (never with JSON, nor when stderr is piped).
    let progress = (args.format == Format::Human && io::stderr().is_terminal())
        .then(|| Progress::new(Duration::from_millis(args.progress_after)));
    let bar = progress.as_ref().map(|p| p.bar.clone());
    // When the report goes to the same terminal, each write waits for the bar to step aside.
    let stdout = io::stdout();
    let shared = bar.clone().filter(|_| stdout.is_terminal());
    let mut out = io::BufWriter::new(StandardOutput::new(stdout.lock(), shared));
    let result = match args.format {
        Format::Human => {
            let style = Style {
                color,
                width: super::width(),
                quiet: args.quiet,
                delimiter: b',',
                deny_warnings: args.deny_warnings,
            };
            let human = Human::new(&mut out, style);
            // The bar is cleared (its `end`) before the report writes its summary.
            let result = if let Some(p) = progress {
                job(&mut hubcsv::Both(p, human))
            } else {
                let mut human = human;
                job(&mut human)
            };
            // A failed run has no `end`: the bar goes before the error is printed.
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            result.and_then(|(s, e)| e.human(&mut out).map(|()| s).map_err(Error::Output))
        }
        Format::Jsonl => {
            let mut lines = JsonLines::new(&mut out);
            job(&mut lines).and_then(|(s, e)| {
                if let Some((key, value)) = e.json() {
                    // `type` first, as on every other line (`json!` would sort it last).
                    let key = serde_json::Value::from(key);
                    writeln!(out, "{{\"type\":{key},{key}:{value}}}").map_err(Error::Output)?;
                }
                Ok(s)
            })
        }
        Format::Json => {
            // Rows and findings are spooled as they come (memory, then a temporary file):
            // the document's summary comes first but is known last.
            let mut document = JsonDocument::new(&mut out);
            job(&mut document).and_then(|(s, e)| {
                let extra = e.json();
                document.finish(extra.as_ref().map(|(k, v)| (*k, v))).map_err(Error::Output)?;
                Ok(s)
            })
        }
    };
    let flushed = out.flush();
    finish(result, flushed, args, color)
}

/// The report's destination, named in its errors ("cannot write the output: standard
/// output: No space left on device"), as `fix` names its files.
///
/// A reader that stops reading (`hubcsv fix ... | head`) closes the pipe: the rest of the
/// report is dropped, and the run goes on, so `fix` still writes its files and the exit
/// code still says whether rows have errors.
///
/// With `bar`, the progress line drawn on the terminal the report goes to: it is cleared
/// before each write and drawn again after it, so the report never continues its line.
struct StandardOutput<W> {
    out: W,
    closed: bool,
    bar: Option<indicatif::ProgressBar>,
}

impl<W> StandardOutput<W> {
    fn new(out: W, bar: Option<indicatif::ProgressBar>) -> Self {
        StandardOutput { out, closed: false, bar }
    }
}

impl<W: Write> Write for StandardOutput<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let written = match &self.bar {
            Some(bar) if !bar.is_finished() => bar.suspend(|| self.out.write(buf)),
            _ => self.out.write(buf),
        };
        match written {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            result => result.map_err(|e| named(&e)),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let flushed = match &self.bar {
            Some(bar) if !bar.is_finished() => bar.suspend(|| self.out.flush()),
            _ => self.out.flush(),
        };
        match flushed {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            result => result.map_err(|e| named(&e)),
        }
    }
}

/// The error, kind kept (a broken pipe is still one), saying it was standard output's.
fn named(e: &io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("standard output: {e}"))
}

/// A progress line on stderr: a bar over the file's bytes for a CSV file on disk, a spinner
/// otherwise (a workbook's rows, standard input); the rows checked so far either way.
/// Redrawn four times a second and cleared at the end (so the report on stdout is
/// untouched); drawn only once a run has gone on for a while (0.3 s by default), so a small
/// file's report is not preceded by a flash of it.
struct Progress {
    bar: indicatif::ProgressBar,
    rows: u64,
    /// Until the bar is shown: the time it is shown at.
    show_at: Option<Instant>,
}

impl Progress {
    fn new(after: Duration) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        bar.set_style(Progress::style("{spinner} {msg} ({elapsed})"));
        Progress { bar, rows: 0, show_at: Some(Instant::now() + after) }
    }

    fn style(template: &str) -> indicatif::ProgressStyle {
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
    }
}

impl Sink for Progress {
    fn begin(&mut self, input: &hubcsv::InputInfo, _: &hubcsv::schema::Schema) -> io::Result<()> {
        let size = (input.format == "csv").then(|| std::fs::metadata(&input.path).ok()).flatten();
        if let Some(meta) = size.filter(std::fs::Metadata::is_file) {
            self.bar.set_length(meta.len());
            self.bar.set_style(Progress::style("[{bar:30}] {percent:>3}% {msg} ({elapsed}, {eta} left)"));
        }
        Ok(())
    }
    fn header(&mut self, _: &[hubcsv::Diagnostic], _: hubcsv::Record<'_>) -> io::Result<()> {
        Ok(())
    }
    fn row(&mut self, row: &hubcsv::rules::RowOutcome, record: hubcsv::Record<'_>) -> io::Result<()> {
        self.rows(&[(row, record)])
    }
    fn rows(&mut self, rows: &[(&hubcsv::rules::RowOutcome, hubcsv::Record<'_>)]) -> io::Result<()> {
        self.rows += rows.len() as u64;
        if self.show_at.is_some_and(|at| Instant::now() >= at) {
            self.show_at = None;
            self.bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        }
        if let Some((last, _)) = rows.last() {
            self.bar.set_position(last.meta.end);
        }
        self.bar.set_message(format!("{} rows checked", self.rows));
        Ok(())
    }
    fn end(&mut self, _: &hubcsv::InputInfo, _: &Summary) -> io::Result<()> {
        self.bar.finish_and_clear();
        Ok(())
    }
}

fn finish(result: Result<Summary, Error>, flushed: io::Result<()>, args: &ReportArgs, color: bool) -> u8 {
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
                print_json_error(&e, args.format == Format::Jsonl);
            }
            super::print_fatal(&e, color);
            exit::UNREADABLE
        }
    }
}

/// Scripts reading JSON get the fatal error as JSON on stdout too, its keys in the
/// documented order (docs/report-format.md); as a JSON Lines line (`lines`), with the
/// `type` every line has.
fn print_json_error(e: &Error, lines: bool) {
    #[derive(serde::Serialize)]
    struct Fatal<'a> {
        rule: Option<&'a str>,
        code: Option<&'a str>,
        severity: &'a str,
        message: String,
        help: String,
    }
    #[derive(serde::Serialize)]
    struct Document<'a> {
        #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
        kind: Option<&'a str>,
        version: u32,
        error: Fatal<'a>,
    }
    let error = Fatal {
        rule: e.rule().map(hubcsv::Rule::name),
        code: e.rule().map(hubcsv::Rule::code),
        severity: "fatal",
        message: e.to_string(),
        help: e.help(),
    };
    // Standard output may be what failed (a full disk): then this line is lost too, and
    // the error is still on stderr.
    if let Ok(text) = serde_json::to_string(&Document { kind: lines.then_some("error"), version: 1, error }) {
        let _ = writeln!(io::stdout(), "{text}");
    }
}
