//! The paths of one `fix` run: the family of the corrected file (`OUT` and its parts), the
//! rejects file and the changes log; refusing a run whose paths name one file twice, before
//! anything is read or written.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

use super::atomic::sibling;
use super::fixer::FixOptions;
use crate::error::Error;

/// The name of part `n` (1-based) of `out`: `fixed.csv` -> `fixed.part-002.csv`.
#[must_use]
pub fn part_name(out: &Path, n: u64) -> PathBuf {
    sibling(out, &format!("part-{n:03}"))
}

/// The rejects file of `out`: `fixed.csv` -> `fixed.rejected.csv`.
#[must_use]
pub fn rejects_name(out: &Path) -> PathBuf {
    sibling(out, "rejected")
}

/// The folder `path` is in (`.` for a bare file name).
#[must_use]
pub fn folder(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Whether `name` is a part name hubcsv writes for `out`: exactly what [`part_name`] gives
/// for some number from 1 (three digits or more, no extra leading zero). Only the name is
/// compared: the caller makes sure it is in `out`'s folder.
#[must_use]
pub fn is_part_of(out: &Path, name: &OsStr) -> bool {
    let first = part_name(out, 1);
    // `{stem}.part-001.{ext}`, and an extension has no dot: the last `.part-001.` splits it.
    let Some((stem, ext)) =
        first.file_name().and_then(OsStr::to_str).and_then(|f| f.rsplit_once(".part-001."))
    else {
        return false;
    };
    let digits = name
        .to_str()
        .and_then(|n| n.strip_prefix(stem))
        .and_then(|n| n.strip_prefix(".part-"))
        .and_then(|n| n.strip_suffix(ext))
        .and_then(|n| n.strip_suffix('.'));
    digits.is_some_and(|d| {
        d.len() >= 3
            && d.bytes().all(|b| b.is_ascii_digit())
            && d.parse::<u64>().is_ok_and(|n| n >= 1 && format!("{n:03}") == d)
    })
}

/// The files of `out`'s family present now: `out` itself and every part name of it, in
/// name order. Anything else in the folder is never listed.
///
/// # Errors
/// The folder cannot be listed.
pub fn family_present(out: &Path) -> io::Result<Vec<PathBuf>> {
    let dir = folder(out);
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        let why = format!("cannot list its folder {} to find earlier outputs: {e}", dir.display());
        io::Error::new(e.kind(), format!("{}: {why}", out.display()))
    })?;
    let unsplit = out.file_name();
    for entry in entries {
        let name = entry?.file_name();
        if Some(name.as_os_str()) == unsplit || is_part_of(out, &name) {
            found.push(out.with_file_name(name));
        }
    }
    found.sort();
    Ok(found)
}

/// Whether something (a file, a folder, even a dangling link) is at `path`.
#[must_use]
pub fn occupied(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The reason [`refusal`] gives for an output path that is a folder or a device.
pub const NOT_A_FILE: &str = "is not a regular file; hubcsv writes outputs as new files";
/// The reason given for an output whose folder does not exist ([`missing_folder`]).
pub const NO_FOLDER: &str = "cannot be written: its folder does not exist";

/// The first output whose folder does not exist (refused with [`NO_FOLDER`]).
#[must_use]
pub fn missing_folder(outputs: &[&Path]) -> Option<PathBuf> {
    outputs.iter().find(|p| !folder(p).is_dir()).map(|p| p.to_path_buf())
}

/// Why a run may not go on, with the path: an output, or a file of `-o`'s family, that is
/// not a regular file (a device, a folder: refused even with `force`, since a rename would
/// replace it); without `force`, any of them that exists.
#[must_use]
pub fn refusal(outputs: &[&Path], family: &[PathBuf], force: bool) -> Option<(PathBuf, &'static str)> {
    let all = || outputs.iter().copied().chain(family.iter().map(PathBuf::as_path));
    if let Some(special) = all().find(|p| p.exists() && !p.is_file()) {
        return Some((special.to_path_buf(), NOT_A_FILE));
    }
    if force {
        return None;
    }
    if let Some(existing) = outputs.iter().find(|p| occupied(p)) {
        return Some((existing.to_path_buf(), "exists already"));
    }
    family.iter().find(|p| !outputs.contains(&p.as_path())).map(|earlier| {
        (
            earlier.clone(),
            "is an output of an earlier run of -o (--force replaces the outputs and removes the earlier \
             ones this run does not write, so no old part is uploaded with the new ones)",
        )
    })
}

/// Where a rename to `path` lands, as the OS sees it: the folder with its links and `.`
/// resolved, and the file name. Two paths with the same key name one directory entry.
fn entry_key(path: &Path) -> (PathBuf, OsString) {
    let dir = folder(path);
    let dir = std::fs::canonicalize(dir).or_else(|_| std::path::absolute(dir)).unwrap_or_else(|_| dir.into());
    (dir, path.file_name().map(OsStr::to_owned).unwrap_or_default())
}

/// One path of the run and what it is, for the message.
struct Named<'p> {
    path: &'p Path,
    what: &'static str,
    /// A file the run reads: compared with its links resolved too, and never with
    /// another file the run reads.
    read: bool,
}

/// Refuses a run where two of its paths name the same file: the changes log on the
/// corrected file, a part of it or the rejects file, or any output on the input or on
/// another file the run reads (`--current`, `--template`, `--profile`). No file the run
/// reads may be a part name of `-o` either: with `--force` stale parts are removed.
///
/// # Errors
/// [`Error::SamePath`] naming both and the path.
pub fn refuse_clashes(input: Option<&Path>, opts: &FixOptions) -> Result<(), Error> {
    let rejects = rejects_name(&opts.out);
    let mut paths: Vec<Named<'_>> =
        input.map(|path| Named { path, what: "the input", read: true }).into_iter().collect();
    paths.extend(opts.reads.iter().map(|(path, what)| Named { path, what, read: true }));
    paths.push(Named { path: &opts.out, what: "-o", read: false });
    paths.push(Named { path: &rejects, what: "the rejects file of -o", read: false });
    if let Some(changes) = &opts.changes {
        paths.push(Named { path: changes, what: "--changes", read: false });
    }
    let (out_dir, _) = entry_key(&opts.out);
    for (i, a) in paths.iter().enumerate() {
        let key = entry_key(a.path);
        // A file the run reads is also compared with its links resolved: `-o` on a link to
        // the input would not modify it (the rename replaces the link), but is surely a
        // mistake.
        let resolved = a.read.then(|| std::fs::canonicalize(a.path).ok()).flatten();
        for b in paths[i + 1..].iter().filter(|b| !(a.read && b.read)) {
            let same = key == entry_key(b.path)
                || resolved.as_ref().is_some_and(|r| std::fs::canonicalize(b.path).ok().as_ref() == Some(r));
            if same {
                return Err(clash(b.path, a.what, b.what));
            }
        }
        // The parts of -o: any number, since how many there will be is known only at the end.
        if key.0 == out_dir && is_part_of(&opts.out, &key.1) {
            return Err(clash(a.path, a.what, "a part of -o"));
        }
    }
    Ok(())
}

fn clash(path: &Path, first: &str, second: &str) -> Error {
    Error::SamePath { path: path.display().to_string(), first: first.to_owned(), second: second.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(out: &str, name: &str) -> bool {
        is_part_of(Path::new(out), OsStr::new(name))
    }

    #[test]
    fn part_names_are_exactly_hubcsvs() {
        assert!(part("p.csv", "p.part-001.csv"));
        assert!(part("out/p.csv", "p.part-042.csv"));
        assert!(part("p.csv", "p.part-1000.csv"));
        assert!(part("p", "p.part-001.csv"), "no extension: parts get .csv");
        for other in [
            "p.part-01.csv",
            "p.part-000.csv",
            "p.part-0001.csv",
            "p.part-001.csv.bak",
            "p.part-001.CSV",
            "p.part-abc.csv",
            "p.part-001.tsv",
            "q.part-001.csv",
            "p.csv",
            "p.rejected.csv",
            "p.part-001.part-001.csv",
        ] {
            assert!(!part("p.csv", other), "{other}");
        }
    }

    #[test]
    fn same_file_through_dot_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("z.csv");
        let dotted = dir.path().join(".").join("z.csv");
        let opts = |changes: &Path| FixOptions {
            out: out.clone(),
            changes: Some(changes.to_path_buf()),
            ..FixOptions::default()
        };
        assert!(refuse_clashes(None, &opts(&dotted)).is_err());
        assert!(refuse_clashes(None, &opts(&dir.path().join("z.rejected.csv"))).is_err());
        assert!(refuse_clashes(None, &opts(&dir.path().join("z.part-007.csv"))).is_err());
        assert!(refuse_clashes(None, &opts(&dir.path().join("changes.jsonl"))).is_ok());
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path(), &link).unwrap();
            assert!(refuse_clashes(None, &opts(&link.join("z.csv"))).is_err());
        }
        let input = dir.path().join("z.part-002.csv");
        let plain = FixOptions { out: out.clone(), ..FixOptions::default() };
        assert!(refuse_clashes(Some(&input), &plain).is_err(), "the input is a part name of -o");
    }
}
