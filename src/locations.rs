//! The org's location names: a list given to `--locations FILE`, or those of the users of a
//! `--current` export. A Location must name an existing location (control-hub-csv.md §3);
//! hubcsv matches names case-insensitively, as it does for extensions per location, and
//! writes a name as the org spells it (`location-case`).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::error::Error;
use crate::input::record::ReadError;
use crate::input::{open_table, ReadOptions, Source};
use crate::schema::header_key;

/// Location names by their lower-case form, each with the spelling and line it was first
/// seen with.
#[derive(Debug, Default)]
pub struct Names {
    /// Lower-cased name -> its spelling and line; `None` when two spellings differ only in
    /// case (two locations, or one the source cannot tell).
    by_key: HashMap<Box<str>, Option<(Box<str>, u64)>>,
    /// Every spelling as written: most values name one exactly, and need no lower-cased
    /// copy to look up.
    spellings: HashSet<Box<str>>,
}

/// What a list of names says of a Location value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A name as written.
    Exact,
    /// A name in another case: its spelling and the line it is on.
    Case(&'a str, u64),
    /// A name written two ways in another case: which one is meant is unknown.
    Ambiguous,
    /// No name, in any case.
    Unknown,
}

impl Names {
    /// Adds `name` (trimmed, not empty), found on `line`.
    pub fn add(&mut self, name: &str, line: u64) {
        if self.spellings.contains(name) {
            return;
        }
        let entry =
            self.by_key.entry(name.to_lowercase().into()).or_insert_with(|| Some((name.into(), line)));
        if entry.as_ref().is_some_and(|(s, _)| &**s != name) {
            *entry = None;
        }
        self.spellings.insert(name.into());
    }

    /// What the names say of `value` (trimmed).
    #[must_use]
    pub fn lookup(&self, value: &str) -> Lookup<'_> {
        if self.spellings.contains(value) {
            return Lookup::Exact;
        }
        match self.by_key.get(value.to_lowercase().as_str()) {
            Some(Some((spelling, line))) => Lookup::Case(spelling, *line),
            Some(None) => Lookup::Ambiguous,
            None => Lookup::Unknown,
        }
    }

    /// The name closest to `value`, if one is close enough to be a typo of it.
    #[must_use]
    pub fn closest(&self, value: &str) -> Option<&str> {
        let value = value.to_lowercase();
        self.spellings
            .iter()
            .map(|s| (strsim::jaro_winkler(&value, &s.to_lowercase()), s))
            .filter(|(score, _)| *score >= 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .map(|(_, s)| &**s)
    }

    /// Distinct names (spellings).
    #[must_use]
    pub fn len(&self) -> usize {
        self.spellings.len()
    }

    /// Whether there is no name.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.spellings.is_empty()
    }
}

/// The org's locations, from `--locations FILE`: every location a Location may name.
#[derive(Debug)]
pub struct Locations {
    /// The file's name, for reports.
    pub path: String,
    /// The names.
    pub names: Names,
    /// [`Locations::closest`]'s answers: a wrong list makes every row's Location unknown,
    /// and a file names few locations, each compared with every name once.
    guesses: Mutex<HashMap<Box<str>, Option<Box<str>>>>,
}

/// Answers [`Locations::closest`] remembers at most.
const GUESSES_MAX: usize = 10_000;

impl Locations {
    /// The name closest to `value` (see [`Names::closest`]), remembered per value.
    #[must_use]
    pub fn closest(&self, value: &str) -> Option<String> {
        let cached =
            |g: &HashMap<Box<str>, Option<Box<str>>>| g.get(value).map(|c| c.as_deref().map(str::to_owned));
        if let Some(hit) = self.guesses.lock().ok().as_deref().and_then(cached) {
            return hit;
        }
        let guess = self.names.closest(value).map(str::to_owned);
        if let Ok(mut guesses) = self.guesses.lock() {
            if guesses.len() < GUESSES_MAX {
                guesses.insert(value.into(), guess.as_deref().map(Into::into));
            }
        }
        guess
    }
}

/// Headers that name the column of location names, as header keys (lower case, spaces
/// folded): Control Hub's `Location Name`, or `Location`, or `Name`.
const NAME_HEADERS: [&str; 3] = ["location name", "location", "name"];

impl Locations {
    /// Reads a list of locations: a CSV or workbook with a `Location Name` (or `Location`,
    /// or `Name`) column, or a list of names one a line with no header.
    ///
    /// # Errors
    /// The file cannot be read, holds no name, or has several columns and none of them
    /// is named as above.
    ///
    /// # Examples
    ///
    /// ```
    /// use hubcsv::locations::{Locations, Lookup};
    /// use hubcsv::Source;
    ///
    /// let list = Source::Bytes { name: "locations.csv".into(), data: b"HQ\nParis\n".to_vec() };
    /// let locations = Locations::load(&list)?;
    /// assert_eq!(locations.names.lookup("Paris"), Lookup::Exact);
    /// assert_eq!(locations.names.lookup("hq"), Lookup::Case("HQ", 1));
    /// assert_eq!(locations.names.lookup("Lyon"), Lookup::Unknown);
    /// assert_eq!(locations.closest("Pairs").as_deref(), Some("Paris"));
    /// # Ok::<(), hubcsv::Error>(())
    /// ```
    pub fn load(source: &Source) -> Result<Locations, Error> {
        let path = source.display_name();
        let help = "give --locations a CSV with a `Location Name` column (Control Hub: Management > Locations), or the names one a line";
        let (mut records, mut record, header, evidence) =
            open_table(source, &ReadOptions::default(), "the locations list").map_err(|e| match e {
                // A fault at a line (a NUL, text not UTF-8, a quote) keeps the help that says
                // how to mend it; the file as a whole (empty, binary) gets what a list is.
                Error::Unreadable { path, line: None, reason, .. } => {
                    Error::Unreadable { path, line: None, reason, help: help.to_owned() }
                }
                e => e,
            })?;
        let column = record.iter().position(|h| NAME_HEADERS.contains(&header_key(h).as_str()));
        if column.is_none() && record.len() > 1 {
            let headers: Vec<String> = record.iter().map(str::to_owned).collect();
            let delimiter = evidence.delimiter.unwrap_or(b',');
            let lacks = "`Location Name`, `Location` or `Name` column";
            if let Some(e) = crate::check::swallowed_header(
                &headers,
                records.raw(&header),
                header,
                delimiter,
                &path,
                lacks,
            ) {
                return Err(e);
            }
        }
        records.release_before(header.end);
        let width = record.len();
        let mut names = Names::default();
        let col = match column {
            Some(col) => col,
            None if record.len() == 1 => {
                // No header: the first line is a name.
                let name = record.get(0).unwrap_or("").trim();
                check_name(name, &path, header.line)?;
                names.add(name, header.line);
                0
            }
            None => {
                return Err(Error::Unreadable {
                    path,
                    line: Some(header.line),
                    reason: format!(
                        "the locations list has {} columns and none is `Location Name`, `Location` or `Name`",
                        record.len()
                    ),
                    help: help.to_owned(),
                })
            }
        };
        let mut notes = Vec::new();
        while let Some(meta) = records.read(&mut record, &mut notes).map_err(|mut e| {
            // Without a header, the first line is a name, not a column's.
            if let (None, ReadError::Utf8 { header, .. } | ReadError::Nul { header, .. }) = (column, &mut e) {
                *header = None;
            }
            crate::check::side_read_error(&crate::input::table_name(&path, evidence.sheet.as_deref()), e)
        })? {
            records.release_before(meta.end);
            if column.is_none() && record.len() > 1 {
                return Err(Error::Unreadable {
                    path,
                    line: Some(meta.line),
                    reason: format!(
                        "this line has {} fields: a locations list without a header holds one name a line",
                        record.len()
                    ),
                    help: "put a name holding a comma in double quotes (\"Paris, Rive Gauche\"), or give the list a `Location Name` header".to_owned(),
                });
            }
            // A stray quote swallows the next lines into one field: the names on them would
            // be lost, and every Location they name unknown.
            if column.is_some() && record.len() != width && record.iter().any(|f| f.contains(['\n', '\r'])) {
                return Err(crate::check::swallowed_records(
                    &path,
                    "the locations list",
                    meta.line,
                    (record.len(), width),
                    SWALLOWED_HELP,
                ));
            }
            let name = record.get(col).unwrap_or("").trim();
            check_name(name, &path, meta.line)?;
            if !name.is_empty() {
                names.add(name, meta.line);
            }
        }
        if names.is_empty() {
            return Err(Error::Unreadable {
                path,
                line: None,
                reason: "the locations list holds no location name".to_owned(),
                help: help.to_owned(),
            });
        }
        Ok(Locations { path, names, guesses: Mutex::default() })
    }
}

/// The help for a quote that swallows lines of a locations list.
const SWALLOWED_HELP: &str = "close the stray quote (a \" inside a name is written \"\"), or export the locations again from Control Hub (Management > Locations)";

/// A location name holds no line break (Control Hub's names are one line): one that does is
/// lines a stray quote swallowed, names lost.
fn check_name(name: &str, path: &str, line: u64) -> Result<(), Error> {
    if !name.contains(['\n', '\r']) {
        return Ok(());
    }
    let (lines, shown) = crate::rules::lines_shown(name);
    Err(Error::Unreadable {
        path: path.to_owned(),
        line: Some(line),
        reason: format!(
            "the locations list is damaged: a quote opens in the name at line {line} and runs over {lines} lines ({shown}); the names on them would be lost"
        ),
        help: SWALLOWED_HELP.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::{Lookup, Names};

    #[test]
    fn names_match_in_any_case_and_two_spellings_decide_nothing() {
        let mut names = Names::default();
        names.add("HQ", 2);
        names.add("Zürich", 3);
        names.add("Lyon", 4);
        names.add("LYON", 5);
        names.add("HQ", 6);
        assert_eq!(names.lookup("HQ"), Lookup::Exact);
        assert_eq!(names.lookup("hq"), Lookup::Case("HQ", 2));
        assert_eq!(names.lookup("ZÜRICH"), Lookup::Case("Zürich", 3));
        assert_eq!(names.lookup("lyon"), Lookup::Ambiguous);
        assert_eq!(names.lookup("LYON"), Lookup::Exact);
        assert_eq!(names.lookup("Paris"), Lookup::Unknown);
        assert_eq!(names.len(), 4);
    }

    #[test]
    fn the_closest_name_is_a_likely_typo_only() {
        let mut names = Names::default();
        for (i, n) in ["Paris", "Lyon", "Headquarters"].iter().enumerate() {
            names.add(n, i as u64 + 1);
        }
        assert_eq!(names.closest("Pairs"), Some("Paris"));
        assert_eq!(names.closest("headquarter"), Some("Headquarters"));
        assert_eq!(names.closest("Tokyo"), None);
    }
}
