//! [`Swap`]: puts a run's finished files in place and removes stale ones, all or none. Each
//! file already at a destination, and each file to remove, is first kept under a hidden name
//! in its folder (`.hubcsv-*.old`, a hard link where the file system has them, so the
//! destination never goes missing); if a later step fails, what was put in place is taken
//! away and the kept files are put back. Only once every step succeeded are the kept copies
//! deleted.

use std::io;
use std::path::{Path, PathBuf};

use tempfile::TempPath;

use super::atomic::AtomicFile;
use super::plan::{folder, occupied};

/// An earlier file kept aside until the swap is done.
struct Kept {
    /// Where it was.
    path: PathBuf,
    /// Its hidden copy (a second link, or the file itself moved).
    copy: TempPath,
    /// Whether `path` no longer holds it (replaced, removed or moved).
    gone: bool,
}

/// Files put in place and files kept aside, undone together when a step fails.
#[derive(Default)]
pub struct Swap {
    kept: Vec<Kept>,
    /// New files renamed to a path where there was nothing.
    placed: Vec<PathBuf>,
}

/// `path: error`, so every message names its file.
pub fn at(path: &Path) -> impl Fn(io::Error) -> io::Error + '_ {
    move |e| io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

impl Swap {
    /// Keeps the file at `path` under a hidden name beside it.
    fn keep(&mut self, path: &Path) -> io::Result<&mut Kept> {
        let builder = {
            let mut b = tempfile::Builder::new();
            b.prefix(".hubcsv-").suffix(".old");
            b
        };
        let dir = folder(path);
        let (copy, gone) = match builder.make_in(dir, |copy| std::fs::hard_link(path, copy)) {
            Ok(linked) => (linked.into_temp_path(), false),
            // No hard links here (some network and FAT file systems): move it instead.
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                let copy = builder.tempfile_in(dir)?.into_temp_path();
                std::fs::rename(path, &copy)?;
                (copy, true)
            }
            Err(e) => return Err(e),
        };
        self.kept.push(Kept { path: path.to_path_buf(), copy, gone });
        let last = self.kept.len() - 1;
        Ok(&mut self.kept[last])
    }

    /// Renames `file` to `path`. An existing file there is replaced only with `force` (and
    /// kept until the swap is done); without it, it is an error and stays untouched.
    ///
    /// # Errors
    /// Renaming failed, or `path` exists and `force` is false.
    pub fn place(&mut self, file: AtomicFile, path: &Path, force: bool) -> io::Result<()> {
        let replaced = force && occupied(path);
        if replaced {
            self.keep(path).map_err(at(path))?;
        }
        file.commit(path, replaced).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(e.kind(), format!("{} exists (use --force to replace it)", path.display()))
            } else {
                at(path)(e)
            }
        })?;
        match self.kept.last_mut() {
            Some(kept) if replaced => kept.gone = true,
            _ => self.placed.push(path.to_path_buf()),
        }
        Ok(())
    }

    /// Removes the file at `path` (kept until the swap is done).
    ///
    /// # Errors
    /// It could not be kept aside or removed.
    pub fn remove(&mut self, path: &Path) -> io::Result<()> {
        let kept = self.keep(path).map_err(at(path))?;
        if !kept.gone {
            std::fs::remove_file(path).map_err(at(path))?;
            kept.gone = true;
        }
        Ok(())
    }

    /// Every step succeeded: deletes the kept copies.
    pub fn done(self) {
        // Dropping a `TempPath` deletes its file (a leftover `.hubcsv-*.old` would be hidden
        // and harmless, so a failure here is not the run's).
        drop(self.kept);
    }

    /// A step failed: takes away what was put in place and puts back what was kept. Returns
    /// what could not be put back, to add to the error.
    #[must_use]
    pub fn undo(self) -> Vec<String> {
        let mut trouble = Vec::new();
        for path in self.placed.iter().rev() {
            if let Err(e) = std::fs::remove_file(path) {
                trouble.push(format!("{} could not be removed again: {e}", path.display()));
            }
        }
        for mut kept in self.kept.into_iter().rev() {
            if !kept.gone {
                continue; // still in place: dropping the copy removes only the second link
            }
            // Moved back, or kept for the user to find: either way never deleted now.
            kept.copy.disable_cleanup(true);
            if let Err(e) = std::fs::rename(&kept.copy, &kept.path) {
                trouble.push(format!(
                    "the earlier {} is kept as {} ({e})",
                    kept.path.display(),
                    kept.copy.display()
                ));
            }
        }
        trouble
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn new_file(dir: &Path, text: &str) -> AtomicFile {
        let mut f = AtomicFile::create_in(dir).unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn undo_restores_every_earlier_file() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.csv"), "old a").unwrap();
        std::fs::write(d.join("stale.csv"), "old stale").unwrap();
        let mut swap = Swap::default();
        swap.place(new_file(d, "new a"), &d.join("a.csv"), true).unwrap();
        swap.place(new_file(d, "new b"), &d.join("b.csv"), true).unwrap();
        swap.remove(&d.join("stale.csv")).unwrap();
        // A failing step: the destination's folder is gone.
        assert!(swap.place(new_file(d, "c"), &d.join("missing/c.csv"), true).is_err());
        assert_eq!(swap.undo(), Vec::<String>::new());
        assert_eq!(names(d), ["a.csv", "stale.csv"]);
        assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "old a");
        assert_eq!(std::fs::read_to_string(d.join("stale.csv")).unwrap(), "old stale");
    }

    #[test]
    fn done_leaves_only_the_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.csv"), "old a").unwrap();
        std::fs::write(d.join("stale.csv"), "old stale").unwrap();
        let mut swap = Swap::default();
        swap.place(new_file(d, "new a"), &d.join("a.csv"), true).unwrap();
        swap.remove(&d.join("stale.csv")).unwrap();
        swap.done();
        assert_eq!(names(d), ["a.csv"]);
        assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "new a");
    }

    #[test]
    fn without_force_an_existing_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.csv"), "old a").unwrap();
        let mut swap = Swap::default();
        assert!(swap.place(new_file(d, "new a"), &d.join("a.csv"), false).is_err());
        assert_eq!(swap.undo(), Vec::<String>::new());
        assert_eq!(names(d), ["a.csv"]);
        assert_eq!(std::fs::read_to_string(d.join("a.csv")).unwrap(), "old a");
    }
}
