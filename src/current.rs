//! The org's current state: a Control Hub export (`--current EXPORT`), users matched by
//! email (trimmed, case-insensitive). Loaded once, shared read-only by the worker threads.
//!
//! Memory: every cell's text in one arena string with a `u32` end offset per cell, and one
//! hash entry per user (about 200 bytes a user for a typical export, instead of one heap
//! allocation per cell).

use std::collections::{BTreeMap, HashMap};

use crate::check::swallowed_records;
use crate::error::Error;
use crate::input::{open_table, Source};
use crate::schema::{header_key, ColumnClass, Package, Schema};

/// The users of a Control Hub export.
#[derive(Debug)]
pub struct Current {
    /// The export's name, for reports.
    pub path: String,
    pub(crate) schema: Schema,
    users: HashMap<Box<str>, u32>,
    /// Every cell's trimmed text, row after row.
    text: String,
    /// End offset in `text` of each cell; `width` cells per user.
    ends: Vec<u32>,
    width: usize,
    lines: Vec<u64>,
    /// Each export number's E.164 form, with the user who has it (the first, if several).
    numbers: HashMap<Box<str>, u32>,
    /// Each extension, by location (lower-cased) and extension, with the user who has it.
    extensions: HashMap<(Box<str>, Box<str>), u32>,
    /// The locations of the export's users.
    locations: crate::locations::Names,
    /// Each column by its header key (the first, for a header named twice): looked up per
    /// row, so the export's headers are normalised once.
    by_key: HashMap<String, usize>,
}

/// One user of the export.
#[derive(Clone, Copy, Debug)]
pub struct Existing<'a> {
    current: &'a Current,
    index: usize,
}

impl<'a> Existing<'a> {
    /// The value of export column `col` (trimmed; "" when absent).
    #[must_use]
    pub fn value(&self, col: usize) -> &'a str {
        let c = self.current;
        if col >= c.width {
            return "";
        }
        let i = self.index * c.width + col;
        let start = if i == 0 { 0 } else { c.ends[i - 1] as usize };
        c.text.get(start..c.ends[i] as usize).unwrap_or("")
    }

    /// The value of the export column with this canonical header ("" when absent).
    #[must_use]
    pub fn field(&self, canonical: &str) -> &'a str {
        self.current.by_key.get(&header_key(canonical)).map_or("", |&col| self.value(col))
    }

    /// Whether `other` is this same user of the same export.
    #[must_use]
    pub fn is(&self, other: &Existing<'_>) -> bool {
        std::ptr::eq(self.current, other.current) && self.index == other.index
    }

    /// The user's email, as the export has it.
    #[must_use]
    pub fn email(&self) -> &'a str {
        self.value(self.current.schema.email)
    }

    /// The user's position among the export's users (0 for the first).
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// The line of the user in the export.
    #[must_use]
    pub fn line(&self) -> u64 {
        self.current.lines[self.index]
    }

    /// The header of the export column that gives the user their package (with its
    /// `[Sub...]` subscription, if any).
    #[must_use]
    pub fn package_header(&self) -> Option<&'a str> {
        let schema = &self.current.schema;
        self.package_column().map(|col| schema.columns[col].canonical.as_str())
    }

    /// The export column that gives the user their package.
    #[must_use]
    pub fn package_column(&self) -> Option<usize> {
        let schema = &self.current.schema;
        schema.packages.iter().find_map(|&(col, p)| {
            let package = schema.catalogue.package(p)?;
            (package.user && crate::rules::is_true(self.value(col))).then_some(col)
        })
    }

    /// The user's package in the export: the first user package column set TRUE.
    #[must_use]
    pub fn package(&self) -> Option<&'a Package> {
        let schema = &self.current.schema;
        schema.packages.iter().find_map(|&(col, p)| {
            let package = schema.catalogue.package(p)?;
            // Read as the upload's cells are: `VRAI`, `1`, `yes` ... are TRUE too.
            (package.user && crate::rules::is_true(self.value(col))).then_some(package)
        })
    }
}

/// An org's export lists at least the admin who exported it. A file of no user is Control
/// Hub's *Download CSV template* (a header only), given for the export: read as an org of no
/// one, every row of the upload would be a silent `add`.
fn no_user(path: String, line: u64) -> Error {
    Error::Unreadable {
        path,
        line: Some(line),
        reason: "the current export lists no user: a header without rows (or none with an email) is a CSV template, not an export of the org".to_owned(),
        help: "give --current the org's users as Control Hub exports them (Users > Manage users > Export CSV); a header-only template can be --template".to_owned(),
    }
}

impl Current {
    /// Reads an export. Rows without an email are ignored; a user listed twice with the same
    /// values keeps the first row, with different values is refused.
    ///
    /// # Errors
    /// The export cannot be read, has no identity column, or lists no user.
    pub fn load(source: &Source, catalogue: &crate::schema::Catalogue) -> Result<Current, Error> {
        let (mut records, mut record, header, evidence) =
            open_table(source, &crate::input::ReadOptions::default(), "the current export")?;
        let header_line = header.line;
        let path = source.display_name();
        let schema =
            crate::schema::template::resolve_export(&*records, &record, header, &evidence, &path, catalogue)?;
        let headers: Vec<String> = record.iter().map(str::to_owned).collect();
        records.release_before(header.end);
        let mut current = Current {
            path,
            width: schema.width(),
            schema,
            users: HashMap::new(),
            text: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
            numbers: HashMap::new(),
            extensions: HashMap::new(),
            locations: crate::locations::Names::default(),
            by_key: HashMap::new(),
        };
        for c in &current.schema.columns {
            current.by_key.entry(header_key(&c.canonical)).or_insert(c.index);
        }
        let table = crate::input::table_name(&current.path, evidence.sheet.as_deref());
        let mut notes = Vec::new();
        while let Some(meta) =
            records.read(&mut record, &mut notes).map_err(|e| crate::check::side_read_error(&table, e))?
        {
            records.release_before(meta.end);
            // A stray quote swallows the export's next users into one field: their actions
            // would all be wrong, so the export is refused rather than read on.
            if record.len() != current.width && record.iter().any(|f| f.contains(['\n', '\r'])) {
                return Err(swallowed_records(
                    &current.path,
                    "the current export",
                    meta.line,
                    (record.len(), current.width),
                    "export the users again from Control Hub, or close the stray quote (a \" inside a value is written \"\")",
                ));
            }
            let email = record.get(current.schema.email).map_or("", str::trim);
            if email.is_empty() {
                continue;
            }
            let key: Box<str> = email.to_lowercase().into();
            if let Some(&first) = current.users.get(&key) {
                // An export lists each user once. The same row twice (an export appended to
                // itself) changes nothing; two different rows leave the user's state unknown,
                // and every action computed from it would be a guess.
                let user = Existing { current: &current, index: first as usize };
                let email_col = current.schema.email;
                let differs = (0..current.width).find(|&col| {
                    col != email_col && record.get(col).map_or("", str::trim) != user.value(col)
                });
                if let Some(col) = differs {
                    let header = headers.get(col).map_or("", |h| h.trim());
                    return Err(Error::Unreadable {
                        path: current.path.clone(),
                        line: Some(meta.line),
                        reason: format!(
                            "the current export lists {email} twice, at lines {} and {}, with different values (column {header}: `{}` and `{}`)",
                            user.line(),
                            meta.line,
                            user.value(col),
                            record.get(col).map_or("", str::trim),
                        ),
                        help: "export the users again from Control Hub, or keep one row per user".to_owned(),
                    });
                }
                continue;
            }
            let too_big = |line| Error::Unreadable {
                path: current.path.clone(),
                line: Some(line),
                reason: "the current export is larger than 4 GiB of cell text".to_owned(),
                help: "split the export".to_owned(),
            };
            let index = u32::try_from(current.lines.len()).map_err(|_| Error::Unreadable {
                path: current.path.clone(),
                line: Some(meta.line),
                reason: "the current export has more than 4 billion users".to_owned(),
                help: "split the export".to_owned(),
            })?;
            current.users.insert(key, index);
            // A ragged export row is padded or cut to the header's width.
            for col in 0..current.width {
                current.text.push_str(record.get(col).map_or("", str::trim));
                current.ends.push(u32::try_from(current.text.len()).map_err(|_| too_big(meta.line))?);
            }
            current.lines.push(meta.line);
            current.index_numbers(index);
        }
        if current.users.is_empty() {
            return Err(no_user(current.path, header_line));
        }
        Ok(current)
    }

    /// Records the number, extension and location of user `index`, for
    /// [`Current::number_owner`], [`Current::extension_owner`] and
    /// [`Current::locations`].
    fn index_numbers(&mut self, index: u32) {
        let user = Existing { current: self, index: index as usize };
        let field = |col: Option<usize>| col.map_or("", |c| user.value(c));
        let phone = field(self.schema.phone);
        let e164: Option<Box<str>> = crate::rules::phone::classify(phone, None)
            .e164(phone)
            .filter(|_| !phone.is_empty())
            .map(Into::into);
        let location: Box<str> = field(self.schema.location).into();
        let extension = field(self.schema.extension);
        let place = (!extension.is_empty()).then(|| (location.to_lowercase().into(), extension.into()));
        if let Some(e164) = e164 {
            self.numbers.entry(e164).or_insert(index);
        }
        if let Some(place) = place {
            self.extensions.entry(place).or_insert(index);
        }
        if !location.is_empty() {
            let line = self.lines[index as usize];
            self.locations.add(&location, line);
        }
    }

    /// The user of the export with this number (in E.164 form).
    #[must_use]
    pub fn number_owner(&self, e164: &str) -> Option<Existing<'_>> {
        self.numbers.get(e164).map(|&i| Existing { current: self, index: i as usize })
    }

    /// The user of the export with this extension in this location.
    #[must_use]
    pub fn extension_owner(&self, location: &str, extension: &str) -> Option<Existing<'_>> {
        let key: (Box<str>, Box<str>) = (location.to_lowercase().into(), extension.into());
        self.extensions.get(&key).map(|&i| Existing { current: self, index: i as usize })
    }

    /// The locations of the export's users, as it writes them.
    #[must_use]
    pub fn locations(&self) -> &crate::locations::Names {
        &self.locations
    }

    /// The user with this email (already trimmed and lower-cased).
    #[must_use]
    pub fn lookup(&self, email_key: &str) -> Option<Existing<'_>> {
        self.users.get(email_key).map(|&i| Existing { current: self, index: i as usize })
    }

    /// Users in the export.
    #[must_use]
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the export has no user.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// For each column of `upload`, the export column with the same canonical header.
    #[must_use]
    pub fn column_map(&self, upload: &Schema) -> Vec<Option<usize>> {
        upload
            .columns
            .iter()
            .map(|c| match c.class {
                ColumnClass::Identity
                | ColumnClass::Annotation
                | ColumnClass::Blank
                | ColumnClass::Duplicate(_) => None,
                _ => self.by_key.get(&header_key(&c.canonical)).copied(),
            })
            .collect()
    }

    /// Users per package in the export.
    #[must_use]
    pub fn package_counts(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for index in 0..self.lines.len() {
            let existing = Existing { current: self, index };
            let id = existing.package().map_or("none", |p| p.id);
            *counts.entry(id.to_owned()).or_insert(0) += 1;
        }
        counts
    }
}
