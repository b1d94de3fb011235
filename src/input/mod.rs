//! Reading inputs: where the bytes come from ([`Source`]) and how records are read from them.

pub mod raw;
pub mod record;

pub use record::{Meta, RecordReader};

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Where the input comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// Standard input (`-` on the command line).
    Stdin,
    /// Bytes in memory, with a display name (tests, fuzzing, library users).
    Bytes {
        /// Name shown in reports.
        name: String,
        /// The content.
        data: Vec<u8>,
    },
}

impl Source {
    /// Builds a source from a command-line argument: `-` is standard input.
    #[must_use]
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(arg.to_path_buf())
        }
    }

    /// The name shown in reports: the path as given, `<stdin>`, or the bytes' name.
    #[must_use]
    pub fn display_name(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".to_owned(),
            Source::Bytes { name, .. } => name.clone(),
        }
    }

    /// Opens the source for reading.
    ///
    /// # Errors
    /// The file cannot be opened, or is a directory.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match self {
            Source::Path(p) => {
                if p.is_dir() {
                    return Err(io::Error::other("is a directory, not a file"));
                }
                Ok(Box::new(File::open(p)?))
            }
            Source::Stdin => Ok(Box::new(io::stdin())),
            Source::Bytes { data, .. } => Ok(Box::new(io::Cursor::new(data.clone()))),
        }
    }
}

/// A CSV opened up to its header: the reader, the header record, and where it stands.
pub type Table = (RecordReader<Box<dyn Read + Send>>, csv::StringRecord, Meta);

/// Opens a CSV and reads up to its header row, the first non-blank record (contract §1). The
/// header's raw bytes stay available until the caller releases them. `what` names the file
/// in messages ("the current export").
///
/// # Errors
/// The file cannot be opened or read, is not UTF-8, or has no non-blank row.
pub fn open_table(source: &Source, delimiter: u8, what: &str) -> Result<Table, crate::Error> {
    let path = source.display_name();
    let reader = source.open().map_err(|e| crate::Error::Io { path: path.clone(), source: e })?;
    let mut records = RecordReader::new(reader, delimiter);
    let mut record = csv::StringRecord::new();
    loop {
        match records.read(&mut record).map_err(|e| crate::check::read_error(&path, e))? {
            Some(meta) if record.iter().all(|f| f.trim().is_empty()) => records.release_before(meta.end),
            Some(meta) => return Ok((records, record, meta)),
            None => return Err(crate::Error::Unreadable {
                path,
                line: None,
                reason: format!("{what} is empty: no header row"),
                help:
                    "export the users from Control Hub (Users > Manage users > Export CSV) and edit that file"
                        .to_owned(),
            }),
        }
    }
}
