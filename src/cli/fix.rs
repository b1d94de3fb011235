//! `hubcsv fix FILE -o OUT`: write the corrected CSV, safe to upload with "Add and remove
//! services", the rejects file and (optionally) the changes log.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use hubcsv::{FixOptions, Source, Written};

use super::report::{Epilogue, ReportArgs};

#[derive(Debug, Args)]
pub struct FixArgs {
    /// The CSV to correct (`-` reads standard input).
    file: PathBuf,
    /// The corrected CSV. Rejected rows go beside it, named after it: `-o fixed.csv` writes
    /// fixed.rejected.csv; over --max-rows users, the output is split into
    /// fixed.part-001.csv, fixed.part-002.csv, ... (the extension is kept; `.csv` if none)
    #[arg(short, long, value_name = "OUT", value_parser = output_path)]
    output: PathBuf,
    /// Also write a JSON Lines log of every changed cell: {line, column, old, new, rule}.
    #[arg(long, value_name = "FILE", value_parser = output_path)]
    changes: Option<PathBuf>,
    /// Start each CSV with a UTF-8 byte-order mark (Excel then opens accents correctly).
    #[arg(long)]
    bom: bool,
    /// Leave `unchanged` rows out (they exist only with --current).
    #[arg(long)]
    only_changes: bool,
    /// Replace existing output files, and remove the parts (or unsplit file) an earlier run
    /// left under the same OUT name that this run does not write.
    #[arg(long)]
    force: bool,
    /// Test hook: fail as if the disk filled up after N rows.
    #[arg(long, hide = true, value_name = "N")]
    fail_after_rows: Option<u64>,
    #[command(flatten)]
    report: ReportArgs,
}

/// An output file's name: `-` would be a file named `-`, not standard output, since `fix`
/// writes several files and its report goes to standard output.
fn output_path(arg: &str) -> Result<PathBuf, String> {
    if arg == "-" {
        return Err("fix writes files, not standard output: give a file name".to_owned());
    }
    Ok(PathBuf::from(arg))
}

/// `1 user`, `2 users`.
fn count<N: Into<u64>>(n: N, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Epilogue for Written {
    fn json(&self) -> Option<(&'static str, serde_json::Value)> {
        serde_json::to_value(self).ok().map(|v| ("output", v))
    }

    fn human(&self, out: &mut dyn Write) -> io::Result<()> {
        let parts = self.corrected.len();
        for f in &self.corrected {
            let what = if parts > 1 { "corrected part" } else { "corrected" };
            writeln!(out, "  {what}: {} ({})", f.path.display(), count(f.rows, "user", "users"))?;
        }
        if let Some(f) = &self.rejected {
            let rows = count(f.rows, "row", "rows");
            writeln!(out, "  rejected: {} ({rows} with errors, original values)", f.path.display())?;
        }
        if let Some(f) = &self.changes {
            writeln!(
                out,
                "  changes: {} ({})",
                f.path.display(),
                count(f.rows, "changed cell", "changed cells")
            )?;
        }
        for path in &self.removed {
            writeln!(out, "  removed: {} (left by an earlier run of the same -o)", path.display())?;
        }
        if self.skipped_unchanged > 0 {
            let rows = count(self.skipped_unchanged, "unchanged row", "unchanged rows");
            writeln!(out, "  left out: {rows} (--only-changes)")?;
        }
        if self.corrected.iter().all(|f| f.rows == 0) {
            return writeln!(out, "  nothing to upload: the corrected file has no users.");
        }
        if parts > 1 {
            writeln!(out, "  upload the parts one at a time, each with \"Add and remove services\".")?;
        } else {
            writeln!(out, "  upload the corrected file with \"Add and remove services\".")?;
        }
        // The usual way to lose the fixes: a look at the file in a spreadsheet editor, saved.
        writeln!(
            out,
            "  upload it as it is: saved again by a spreadsheet editor, its numbers lose their `+`."
        )
    }
}

pub fn run(args: &FixArgs, color: bool) -> u8 {
    if let Some(flag) = args.report.stdin_twice(&args.file) {
        eprintln!("error: the input and {flag} both read standard input (-): give one of them as a file");
        return super::exit::UNREADABLE;
    }
    let source = Source::from_arg(&args.file);
    let fix_opts = FixOptions {
        out: args.output.clone(),
        changes: args.changes.clone(),
        bom: args.bom,
        force: args.force,
        only_changes: args.only_changes,
        max_rows: args.report.max_rows,
        fail_after_rows: args.fail_after_rows,
        reads: [
            (&args.report.current, "--current"),
            (&args.report.template, "--template"),
            (&args.report.profile, "--profile"),
            (&args.report.locations, "--locations"),
        ]
        .into_iter()
        .filter_map(|(path, flag)| Some((path.clone()?, flag)))
        .filter(|(path, _)| path.as_os_str() != "-")
        .collect(),
    };
    super::report::run(&args.report, color, |opts, sink| hubcsv::fix(&source, opts, fix_opts, sink))
}
