//! The `hubcsv` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 clean, 1 data errors, 2 unreadable input or bad usage).
#![allow(clippy::disallowed_macros)]

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
