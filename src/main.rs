//! The `hubcsv` binary: parse the command line, run the command, map the outcome to an
//! exit code (0 clean, 1 data errors, 2 unreadable input or bad usage).
#![allow(clippy::disallowed_macros)]

mod cli;

use std::process::ExitCode;

/// mimalloc rather than the system allocator: a check makes a few allocations a row on the
/// worker threads and frees them on others, where glibc's malloc and free took 7% of the CPU.
/// Built without transparent huge pages, whose 2 MiB pages took peak memory from 105 to 170
/// MiB on a 1,000,000-row file (docs/performance-history.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A panic inside the spreadsheet reader is reported as a damaged file; say nothing of it
    // here. Any other panic is a bug and keeps the default message.
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !hubcsv::input::sheet::in_guarded_reader() {
            default(info);
        }
    }));
    cli::main()
}
