//! [`Error`]: why an input could not be checked at all (exit code 2). Data problems are
//! never errors: they are [`crate::Diagnostic`]s.

use std::fmt::Write as _;
use std::io;

use crate::rules::Rule;

/// A fatal problem: the input cannot be read, or has no identity column.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input could not be opened or read.
    #[error("{path}: cannot read the file: {cause}")]
    Io {
        /// The input's name.
        path: String,
        /// The I/O error. (Not a `source`: reports would show it twice.)
        cause: io::Error,
    },
    /// The input is not a readable CSV.
    #[error("{path}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Unreadable {
        /// The input's name.
        path: String,
        /// Editor line, when known.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
        /// How to get a readable file.
        help: String,
    },
    /// No `User ID/Email (Required)` column.
    #[error("{path}: no `User ID/Email (Required)` column in the header (line {line})")]
    MissingEmailColumn {
        /// The input's name.
        path: String,
        /// Line of the header row.
        line: u64,
        /// The headers found.
        headers: Vec<String>,
    },
    /// An output path cannot be used (it is the input, or exists without `--force`).
    #[error("{path}: {reason}")]
    Refused {
        /// The output path.
        path: String,
        /// Why it is refused.
        reason: String,
    },
    /// Two paths of a `fix` run name the same file: two outputs, or an output and the input.
    #[error("{path}: {first} and {second} name the same file")]
    SamePath {
        /// The path, as given for the second.
        path: String,
        /// What the first path is (`-o`, `the input`, ...).
        first: String,
        /// What the second path is (`--changes`, `a part of -o`, ...).
        second: String,
    },
    /// A profile (`--profile`) is not valid TOML, names unknown columns or packages, or
    /// names a column the input does not have.
    #[error("{}: {}", .0.path, .0.message)]
    Profile(Box<ProfileFailure>),
    /// Writing a report or output failed. (The cause is in the message, not a `source`:
    /// reports would show it twice.)
    #[error("cannot write the output: {0}")]
    Output(io::Error),
}

/// What is wrong with a profile, and where.
#[derive(Debug)]
pub struct ProfileFailure {
    /// The profile's path, with the line (`fr.toml:4`).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The profile's text, to show the line.
    pub source_code: miette::NamedSource<String>,
    /// Where in the text.
    pub span: Option<miette::SourceSpan>,
}

impl Error {
    /// The rule this error reports under, if any.
    #[must_use]
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Error::Io { .. } | Error::Unreadable { .. } => Some(Rule::UnreadableFile),
            Error::MissingEmailColumn { .. } => Some(Rule::MissingEmailColumn),
            Error::Profile(_) => Some(Rule::InvalidProfile),
            Error::Output(_) | Error::Refused { .. } | Error::SamePath { .. } => None,
        }
    }

    /// A hint for the user.
    #[must_use]
    pub fn help(&self) -> String {
        match self {
            Error::Io { cause, .. } if cause.kind() == io::ErrorKind::FileTooLarge => {
                "is it the right file? A user list of 1,000,000 users is about 150 MB; raise --max-bytes if it is"
                    .to_owned()
            }
            // Content the reader refused (undecodable text): the path is fine.
            Error::Io { cause, .. } if cause.kind() == io::ErrorKind::InvalidData => {
                "is it the right file? hubcsv reads CSV text and workbooks (.xlsx, .ods, .xls)".to_owned()
            }
            Error::Io { .. } => "check the path and that you may read the file".to_owned(),
            Error::Unreadable { help, .. } => help.clone(),
            Error::Profile(p) => p.help.clone(),
            Error::MissingEmailColumn { headers, .. } if crate::schema::foreign::foreign_file(headers).is_some() => {
                crate::schema::foreign::foreign_file(headers).map(|f| f.help()).unwrap_or_default()
            }
            Error::MissingEmailColumn { headers, path, .. } => {
                let shown: Vec<&str> = headers.iter().take(8).map(|h| h.trim()).collect();
                let mut help = format!(
                    "the header row must contain `User ID/Email (Required)` or an alias such as `Email`; it has: {}{}",
                    shown.join(", "),
                    if headers.len() > 8 { ", ..." } else { "" },
                );
                // A header cell that is several names (`Last Name,User ID/Email (Required)`):
                // quotes around them made them one cell.
                let joined = headers.iter().map(|h| h.trim()).find(|h| {
                    h.split([',', ';', '\t', '|'])
                        .any(|part| crate::schema::resolve_name(part) == Some("User ID/Email (Required)"))
                        && h.contains([',', ';', '\t', '|'])
                });
                let mail = headers.iter().map(|h| h.trim()).find(|h| h.to_lowercase().contains("mail"));
                if let Some(joined) = joined {
                    let _ = write!(
                        help,
                        "; the header cell `{joined}` is several column names in one: quotes around them (or a stray one) joined them; remove the quotes"
                    );
                } else if let Some(mail) = mail {
                    let _ = write!(
                        help,
                        "; if `{mail}` holds the emails, a profile names it: [aliases] \"{mail}\" = \"User ID/Email (Required)\""
                    );
                }
                if path.contains(" (sheet `") {
                    help.push_str("; if the users are on another sheet, choose it: --sheet NAME (or its position, 1 for the first)");
                }
                help
            }
            Error::Output(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                "the file appeared while hubcsv ran (another run writing the same -o?): nothing was replaced; run again, with --force to replace it".to_owned()
            }
            Error::Output(_) => "check the output path and free disk space".to_owned(),
            Error::SamePath { .. } => "give each output a name of its own: -o OUT also writes \
                OUT.rejected.csv (and OUT.part-001.csv, ... over --max-rows), --changes takes a file \
                of its own such as changes.jsonl, and no file the run reads (the input, --current, --template, --profile) is an output"
                .to_owned(),
            Error::Refused { reason, .. } if reason == crate::output::plan::NO_FOLDER => {
                "create the folder first, or choose an output path in an existing one".to_owned()
            }
            Error::Refused { reason, .. } if reason == crate::output::plan::NOT_A_FILE => {
                "choose another output path: a folder or device there is never replaced, even with --force".to_owned()
            }
            Error::Refused { .. } => {
                "choose another output path (-o), or pass --force to replace existing outputs".to_owned()
            }
        }
    }

    /// Whether the error is a closed pipe on the output (the reader went away: not a failure).
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl miette::Diagnostic for Error {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.rule().map(|r| Box::new(format!("{} {}", r.code(), r.name())) as Box<dyn std::fmt::Display>)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(Error::help(self)))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        match self {
            Error::Profile(p) if p.span.is_some() => Some(&p.source_code),
            _ => None,
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        match self {
            Error::Profile(p) => p.span.map(|span| {
                Box::new(std::iter::once(miette::LabeledSpan::new_with_span(Some("here".to_owned()), span)))
                    as Box<dyn Iterator<Item = miette::LabeledSpan>>
            }),
            _ => None,
        }
    }
}
