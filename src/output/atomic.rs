//! Atomic files: a temporary file in the destination's folder, renamed into place on commit.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// A file being written; nothing appears at its final path until [`AtomicFile::commit`].
/// Dropping it deletes the temporary file.
#[derive(Debug)]
pub struct AtomicFile {
    temp: NamedTempFile,
}

impl AtomicFile {
    /// A temporary file in `dir`.
    ///
    /// # Errors
    /// The folder is missing or not writable.
    pub fn create_in(dir: &Path) -> io::Result<Self> {
        Ok(AtomicFile { temp: PENDING.create_in(dir)? })
    }

    /// Starts flushing what was written so far to disk on a thread of its own, while the
    /// caller goes on writing other files; [`AtomicFile::commit`] still syncs, and finds
    /// little left to do. Join the handle before committing to learn of a failed flush.
    ///
    /// # Errors
    /// The file handle could not be duplicated for the thread.
    pub fn sync_in_background(&self) -> io::Result<std::thread::JoinHandle<io::Result<()>>> {
        let file = self.temp.as_file().try_clone()?;
        std::thread::Builder::new().name("hubcsv-sync".into()).spawn(move || file.sync_all())
    }

    /// Flushes what was written to disk.
    ///
    /// # Errors
    /// Writing or flushing failed (a full disk may only say so here).
    pub fn sync(&mut self) -> io::Result<()> {
        self.temp.flush()?;
        self.temp.as_file().sync_all()
    }

    /// Flushes to disk and renames the file to `path`. Without `overwrite`, an existing file
    /// at `path` is an error and is left untouched.
    ///
    /// # Errors
    /// Flushing or renaming failed, or `path` exists and `overwrite` is false.
    pub fn commit(mut self, path: &Path, overwrite: bool) -> io::Result<()> {
        self.sync()?;
        // Renamed with the list held: a signal's clean-up waits for the rename, or comes
        // first and no output is renamed into place after it.
        let list = PENDING.lock();
        if list.stopping {
            return Err(stopped());
        }
        let persisted = if overwrite { self.temp.persist(path) } else { self.temp.persist_noclobber(path) };
        drop(list);
        persisted.map(|_| ()).map_err(|e| e.error)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// The temporary files created so far: a run stopped by a signal removes those still there
/// ([`remove_pending`]). Committed ones are renamed away, dropped ones deleted, so their
/// paths no longer exist; the list is not pruned (a run creates a few files per 20,000
/// rows). Files are created and renamed with the list held, so that none is created or
/// renamed into place once the clean-up has begun (each thread of a run creates its own).
struct Pending(std::sync::Mutex<PendingList>);

struct PendingList {
    paths: Vec<PathBuf>,
    /// A signal stopped the run: no file is created or committed any more.
    stopping: bool,
}

static PENDING: Pending = Pending(std::sync::Mutex::new(PendingList { paths: Vec::new(), stopping: false }));

impl Pending {
    fn lock(&self) -> std::sync::MutexGuard<'_, PendingList> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A temporary file in `dir`, listed.
    fn create_in(&self, dir: &Path) -> io::Result<NamedTempFile> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".hubcsv-").suffix(".tmp");
        // Temporary files are private (0600); outputs are ordinary files, readable like any
        // file the user creates.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let mut list = self.lock();
        if list.stopping {
            return Err(stopped());
        }
        let temp = builder.tempfile_in(dir)?;
        list.paths.push(temp.path().to_owned());
        Ok(temp)
    }

    /// Stops creating and committing files, and removes the listed ones still there.
    fn remove(&self) {
        let mut list = self.lock();
        list.stopping = true;
        for path in &list.paths {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn stopped() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "the run was stopped by a signal")
}

/// Removes the temporary files of this process that are still there, and lets no other be
/// created or renamed into place: for a run stopped by SIGINT or SIGTERM, whose destructors
/// will not run. The hidden backups of earlier outputs (`.hubcsv-*.old`) are not touched:
/// they may be the only copy.
pub fn remove_pending() {
    PENDING.remove();
}

/// `fixed.csv` + `rejected` -> `fixed.rejected.csv` (the extension stays last; a path without
/// extension gets `.csv`).
#[must_use]
pub fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let stem = out.file_stem().map_or_else(|| "out".into(), |s| s.to_string_lossy().into_owned());
    let ext = out.extension().map_or_else(|| "csv".into(), |e| e.to_string_lossy().into_owned());
    out.with_file_name(format!("{stem}.{suffix}.{ext}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_names() {
        assert_eq!(sibling(Path::new("out/fixed.csv"), "rejected"), PathBuf::from("out/fixed.rejected.csv"));
        assert_eq!(sibling(Path::new("fixed"), "part-001"), PathBuf::from("fixed.part-001.csv"));
    }

    /// Once a signal's clean-up has begun, the files listed are gone and no file is created
    /// or committed any more (a local list: the process-wide one serves the other tests).
    #[test]
    fn no_file_is_created_or_committed_once_stopped() {
        let pending = Pending(std::sync::Mutex::new(PendingList { paths: Vec::new(), stopping: false }));
        let dir = tempfile::tempdir().unwrap();
        let first = pending.create_in(dir.path()).unwrap();
        let (kept, path) = first.keep().unwrap();
        drop(kept);
        assert!(path.exists());
        pending.remove();
        assert!(!path.exists(), "a listed file is removed");
        assert_eq!(pending.create_in(dir.path()).unwrap_err().kind(), io::ErrorKind::Interrupted);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut f = AtomicFile::create_in(dir.path()).unwrap();
            f.write_all(b"half a file").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, b"old").unwrap();
        let mut f = AtomicFile::create_in(dir.path()).unwrap();
        f.write_all(b"new").unwrap();
        assert!(f.commit(&path, false).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let mut f = AtomicFile::create_in(dir.path()).unwrap();
        f.write_all(b"new").unwrap();
        f.commit(&path, true).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
