//! Header resolution: each header cell becomes a [`Column`] with a class (contract §1, §2).

use std::collections::HashMap;

use super::columns::{CallingField, ColumnClass, KNOWN};
use super::packages::{split_license_header, Catalogue, LicenseKind};
use super::{column_letters, header_key};
use crate::report::Diagnostic;
use crate::rules::{Rule, Severity};

/// One resolved column.
#[derive(Clone, Debug)]
pub struct Column {
    /// 0-based position in the input.
    pub index: usize,
    /// The header as written in the input.
    pub header: String,
    /// The header in Control Hub's spelling (license columns keep their suffix).
    pub canonical: String,
    /// What the column holds.
    pub class: ColumnClass,
    /// The header carries a `(Suspended)` mark.
    pub suspended: bool,
}

/// The resolved header of one input: every column, and where the columns rules need are.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Every column, in input order.
    pub columns: Vec<Column>,
    /// The package catalogue the columns were resolved against.
    pub catalogue: Catalogue,
    /// `User ID/Email (Required)`.
    pub email: usize,
    /// `User Status`.
    pub user_status: Option<usize>,
    /// `First Name`.
    pub first_name: Option<usize>,
    /// `Last Name`.
    pub last_name: Option<usize>,
    /// `Extension`.
    pub extension: Option<usize>,
    /// `Phone Number`.
    pub phone: Option<usize>,
    /// `Caller ID Number`.
    pub caller_id: Option<usize>,
    /// `Location`.
    pub location: Option<usize>,
    /// `Preferred Webex Site`.
    pub site: Option<usize>,
    /// `Manager` (the manager's email), if present.
    pub manager: Option<usize>,
    /// Package columns: (column index, package index).
    pub packages: Vec<(usize, usize)>,
    /// Basic license columns.
    pub basic: Vec<usize>,
    /// Every column of TRUE/FALSE cells (packages, basic and other licenses), in order.
    pub booleans: Vec<usize>,
    /// Add-on columns that need a calling package (`Attendant Console`, control-hub-csv.md
    /// §2.3): other license columns, never rewritten.
    pub add_ons: Vec<usize>,
    /// Columns whose header repeats an earlier one: (repeat, first).
    pub duplicates: Vec<(usize, usize)>,
    /// Columns whose header cell is blank.
    pub blank: Vec<usize>,
    /// Column -> the user's column it came from (differs with a profile; `None`: generated).
    pub origin: Vec<Option<usize>>,
    /// The user's own headers, when a profile mapped them (empty otherwise).
    pub input_headers: Vec<String>,
    /// Per column, whether a profile filled it (defaults, the package value map) rather than
    /// copied it from one of the user's columns (empty without a profile).
    pub generated: Vec<bool>,
    /// The conditions of a profile's `[[when]]` tables, as findings about the values they
    /// write name them (empty without a profile).
    pub when_labels: Vec<String>,
}

/// The add-on that needs a calling package, as a header key.
const ADD_ON: &str = "attendant console";

/// The add-on columns that need a calling package ([`Schema::add_ons`]).
fn add_ons(columns: &[Column]) -> Vec<usize> {
    columns
        .iter()
        .filter(|c| {
            c.class == ColumnClass::OtherLicense
                && split_license_header(&super::header_key(&c.canonical)).name == ADD_ON
        })
        .map(|c| c.index)
        .collect()
}

/// `unknown-column` for `header`; the help names the Meetings site's export when the
/// headers are its.
fn unknown_column(line: u64, header: &str, meetings: Option<super::foreign::Foreign>) -> Diagnostic {
    let help = match meetings {
        Some(f) => f.help().into(),
        None => std::borrow::Cow::Borrowed(
            "check the spelling against a fresh Control Hub export; hubcsv keeps the column as it is",
        ),
    };
    Diagnostic::new(
        Rule::UnknownColumn,
        line,
        format!("`{}` is not a Control Hub column hubcsv knows", header.trim()),
        help,
    )
    .value(header.trim())
}

/// Why a header could not be used at all.
#[derive(Debug)]
pub enum HeaderError {
    /// No identity column; carries the headers seen.
    MissingEmailColumn(Vec<String>),
}

/// Every known header key (canonical names, their aliases, built-in HR aliases) with its
/// canonical name and class.
fn known_columns() -> HashMap<String, (&'static str, ColumnClass)> {
    let mut known = HashMap::new();
    for (canonical, aliases, class) in KNOWN {
        known.insert(header_key(canonical), (*canonical, *class));
        for alias in *aliases {
            known.entry((*alias).to_owned()).or_insert((*canonical, *class));
        }
    }
    for (alias, canonical) in super::profile::BUILTIN_ALIASES {
        if let Some((c, _, class)) = KNOWN.iter().find(|(c, _, _)| c == canonical) {
            known.entry((*alias).to_owned()).or_insert((*c, *class));
        }
    }
    known
}

/// What a (non-blank) header is: its canonical name, its class, and whether it is marked
/// `(Suspended)`. `key` is its [`header_key`]; `keep` lists the profile's passthrough keys;
/// `index` is the column's.
fn classify(
    known: &HashMap<String, (&'static str, ColumnClass)>,
    catalogue: &Catalogue,
    header: &str,
    key: &str,
    keep: &[String],
    index: usize,
) -> (String, ColumnClass, bool) {
    if let Some((canonical, class)) = known.get(key) {
        return ((*canonical).to_owned(), *class, false);
    }
    let parts = split_license_header(key);
    // As written, but cleaned as the key is: no invisible characters, accents composed.
    let written = super::clean_header(header);
    let class = match catalogue.classify(parts.name) {
        Some(LicenseKind::Package(p)) => ColumnClass::Package(p),
        Some(LicenseKind::Basic) => ColumnClass::BasicLicense,
        None if known.get(parts.name).is_some_and(|(_, c)| c.is_boolean()) => ColumnClass::OtherLicense,
        None if parts.suffix.is_some() => ColumnClass::OtherLicense,
        None if keep.iter().any(|k| k == key) => ColumnClass::Passthrough,
        None => ColumnClass::Unknown,
    };
    let canonical = match (class, catalogue.display_name(parts.name)) {
        (ColumnClass::Package(_) | ColumnClass::BasicLicense, Some(display)) => {
            let spelled = spelled(written.clone(), parts.name, display);
            match spelled.rfind('(').filter(|_| parts.suspended) {
                // Control Hub writes the mark `(Suspended)`.
                Some(mark) => format!("{}(Suspended)", &spelled[..mark]),
                None => spelled,
            }
        }
        // Other licenses are written cleaned; a column hubcsv does not know is the user's,
        // carried through as written, spaces included (contract §1).
        (ColumnClass::OtherLicense, _) => written,
        // Save a U+FEFF starting the first header (a file saved with two BOMs: the reader
        // drops one): first in the corrected file, it would be read back as a BOM, and `fix`
        // would not fix its own output to itself.
        _ if index == 0 => header.trim_start_matches('\u{feff}').to_owned(),
        _ => header.to_owned(),
    };
    (canonical, class, parts.suspended)
}

/// A license header with its name as Control Hub spells it (`webex calling [Sub1]` ->
/// `Webex Calling [Sub1]`): the subscription suffix and anything after it stay as written.
/// `name` is the name's header key, which starts `written` but for case.
fn spelled(written: String, name: &str, display: &str) -> String {
    match written.get(..name.len()) {
        Some(head) if head.eq_ignore_ascii_case(name) => format!("{display}{}", &written[name.len()..]),
        _ => written,
    }
}

/// The key two headers name one column by: a license column's name, subscription and
/// suspended mark, whatever the case and spacing (`Webex Calling [Sub1]` and
/// `webex calling[sub1]`: Control Hub matches `name [suffix]` with optional spaces), any
/// other column's [`header_key`].
pub(crate) fn column_key(canonical: &str, class: ColumnClass) -> String {
    let key = header_key(canonical);
    if !class.is_boolean() {
        return key;
    }
    let parts = split_license_header(&key);
    let suspended = if parts.suspended { "(suspended)" } else { "" };
    format!("{}[{}]{suspended}", parts.name, parts.suffix.unwrap_or(""))
}

/// `duplicate-header` on the header: column `index` repeats column `first`. It is `fixed`:
/// the repeat is left out of the corrected output (rows where it disagrees with the first
/// are errors of their own).
fn duplicate_finding(
    headers: &[String],
    index: usize,
    first: usize,
    line: u64,
    canonical: &str,
) -> Diagnostic {
    let (repeat, kept) = (column_letters(index), column_letters(first));
    let mut d = Diagnostic::new(
        Rule::DuplicateHeader,
        line,
        format!(
            "column {repeat} `{}` repeats column {kept} `{}`: hubcsv fix keeps column {kept} and leaves {repeat} out",
            headers[index].trim(),
            headers[first].trim(),
        ),
        "delete one of the two columns; Control Hub refuses a header that names a column twice, and hubcsv rejects any row where the two cells differ",
    )
    .value(headers[index].trim())
    .on_header(index, canonical.to_owned());
    d.severity = Severity::Fixed;
    d
}

/// `formula-injection` on a header a spreadsheet would run (`=HYPERLINK(...)`, `@cmd`): an
/// error, and the column is written with a leading `'` (as the rejects file writes such
/// values) so that opening either file is safe.
fn formula_header(line: u64, header: &str) -> Diagnostic {
    let header = header.trim();
    Diagnostic::new(
        Rule::FormulaInjection,
        line,
        format!("the header `{header}` starts with `{}`: a spreadsheet runs it as a formula", &header[..1]),
        "rename the column or delete it; hubcsv fix writes it with a leading `'`, so that opening its files is safe",
    )
    .value(header)
}

/// The column itself (`Location`, at `column`) found after a column a built-in alias read as
/// it (`Site`, at `alias`): Control Hub reads `Location` and not `Site`, so the column is
/// kept, and the alias (with any copy said to repeat it) becomes the repeat, left out.
fn alias_gives_way(columns: &mut [Column], alias: usize, column: usize) {
    for c in columns {
        if c.index == alias || c.class == ColumnClass::Duplicate(alias) {
            c.class = ColumnClass::Duplicate(column);
        }
    }
}

impl Schema {
    /// Resolves a header row. `line` is the header's editor line, used for diagnostics.
    ///
    /// # Errors
    /// [`HeaderError::MissingEmailColumn`] when no column is the identity column.
    pub fn resolve(
        headers: &[String],
        line: u64,
        catalogue: Catalogue,
    ) -> Result<(Schema, Vec<Diagnostic>), HeaderError> {
        Schema::resolve_keeping(headers, line, catalogue, &[])
    }

    /// [`Schema::resolve`], with `keep`: header keys ([`header_key`]) a profile lists as
    /// columns to carry through. They are passthrough columns, not `unknown-column`s
    /// (contract §3).
    ///
    /// # Errors
    /// [`HeaderError::MissingEmailColumn`] when no column is the identity column.
    pub fn resolve_keeping(
        headers: &[String],
        line: u64,
        catalogue: Catalogue,
        keep: &[String],
    ) -> Result<(Schema, Vec<Diagnostic>), HeaderError> {
        let known = known_columns();
        // The Meetings site's export reads as a user CSV (its `Email` is an alias): its
        // unknown columns say which file it is.
        let meetings =
            super::foreign::foreign_file(headers).filter(|f| f.kind == super::foreign::Kind::MeetingsSite);
        let mut diagnostics = Vec::new();
        let mut columns = Vec::with_capacity(headers.len());
        let mut seen: HashMap<String, (usize, bool)> = HashMap::new();
        // Each `duplicate-header` finding's place in `diagnostics`, and its column.
        let mut repeats: Vec<(usize, usize)> = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            let key = header_key(header);
            if key.is_empty() {
                // No header: nothing to repeat or to be unknown. Data under it is reported
                // once the rows are read (`check`).
                columns.push(Column {
                    index,
                    header: header.clone(),
                    canonical: String::new(),
                    class: ColumnClass::Blank,
                    suspended: false,
                });
                continue;
            }
            let (canonical, mut class, suspended) = classify(&known, &catalogue, header, &key, keep, index);
            // Two columns are the same when their canonical form matches; license columns of
            // one package with different subscriptions differ by suffix, so they stay apart.
            let dup_key = column_key(&canonical, class);
            let exact = header_key(&canonical) == key;
            if let Some(&(first, first_exact)) = seen.get(&dup_key) {
                if exact && !first_exact {
                    alias_gives_way(&mut columns, first, index);
                    repeats.push((diagnostics.len(), first));
                    diagnostics.push(duplicate_finding(headers, first, index, line, &canonical));
                    seen.insert(dup_key, (index, true));
                } else {
                    repeats.push((diagnostics.len(), index));
                    diagnostics.push(duplicate_finding(headers, index, first, line, &canonical));
                    class = ColumnClass::Duplicate(first);
                }
            } else {
                seen.insert(dup_key, (index, exact));
            }
            if !class.is_boolean() && crate::rules::is_formula(header.trim()) {
                diagnostics.push(formula_header(line, header).on_header(index, canonical.clone()));
                let canonical = format!("'{canonical}");
                columns.push(Column { index, header: header.clone(), canonical, class, suspended });
                continue;
            }
            if class == ColumnClass::Unknown {
                diagnostics.push(unknown_column(line, header, meetings).on_header(index, canonical.clone()));
            }
            columns.push(Column { index, header: header.clone(), canonical, class, suspended });
        }

        // A third copy found before the column itself was said to repeat the alias.
        for (at, col) in repeats {
            if let Some(&Column { class: ColumnClass::Duplicate(kept), ref canonical, .. }) = columns.get(col)
            {
                diagnostics[at] = duplicate_finding(headers, col, kept, line, canonical);
            }
        }
        let first = |wanted: ColumnClass| columns.iter().find(|c| c.class == wanted).map(|c| c.index);
        let email =
            first(ColumnClass::Identity).ok_or_else(|| HeaderError::MissingEmailColumn(headers.to_vec()))?;
        let manager = columns.iter().find(|c| c.class == ColumnClass::Profile && c.canonical == "Manager");
        let manager = manager.map(|c| c.index);
        let schema = Schema {
            email,
            user_status: first(ColumnClass::UserStatus),
            first_name: first(ColumnClass::FirstName),
            last_name: first(ColumnClass::LastName),
            extension: first(ColumnClass::Calling(CallingField::Extension)),
            phone: first(ColumnClass::Calling(CallingField::PhoneNumber)),
            caller_id: first(ColumnClass::Calling(CallingField::CallerIdNumber)),
            location: first(ColumnClass::Calling(CallingField::Location)),
            site: first(ColumnClass::PreferredSite),
            manager,
            packages: columns
                .iter()
                .filter_map(|c| match c.class {
                    ColumnClass::Package(p) => Some((c.index, p)),
                    _ => None,
                })
                .collect(),
            basic: columns.iter().filter(|c| c.class == ColumnClass::BasicLicense).map(|c| c.index).collect(),
            booleans: columns.iter().filter(|c| c.class.is_boolean()).map(|c| c.index).collect(),
            add_ons: add_ons(&columns),
            duplicates: columns
                .iter()
                .filter_map(|c| match c.class {
                    ColumnClass::Duplicate(first) => Some((c.index, first)),
                    _ => None,
                })
                .collect(),
            blank: columns.iter().filter(|c| c.class == ColumnClass::Blank).map(|c| c.index).collect(),
            origin: (0..columns.len()).map(Some).collect(),
            input_headers: Vec::new(),
            generated: Vec::new(),
            when_labels: Vec::new(),
            columns,
            catalogue,
        };
        Ok((schema, diagnostics))
    }

    /// The canonical name of column `index` (empty when out of range).
    #[must_use]
    pub fn name(&self, index: usize) -> &str {
        self.columns.get(index).map_or("", |c| c.canonical.as_str())
    }

    /// The A1 reference of column `col` on spreadsheet row `row`, in the user's file.
    #[must_use]
    pub fn cell(&self, col: usize, row: u64) -> Option<String> {
        self.source_col(col).map(|c| format!("{}{row}", column_letters(c)))
    }

    /// The user's header of the column behind column `col`, when a profile mapped it.
    #[must_use]
    pub fn source_name(&self, col: usize) -> Option<&str> {
        self.source_col(col).and_then(|c| self.input_headers.get(c)).map(|h| h.trim())
    }

    /// The user's column behind column `col`.
    #[must_use]
    pub fn source_col(&self, col: usize) -> Option<usize> {
        self.origin.get(col).copied().flatten()
    }

    /// The number of columns in the header.
    #[must_use]
    pub fn width(&self) -> usize {
        self.columns.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(headers: &[&str]) -> Result<(Schema, Vec<Diagnostic>), HeaderError> {
        let headers: Vec<String> = headers.iter().map(|s| (*s).to_owned()).collect();
        Schema::resolve(&headers, 1, Catalogue::default())
    }

    #[test]
    fn resolves_aliases_and_packages() {
        let (s, d) = resolve(&[
            "userid/email (required)",
            "  LOCATION ",
            "Webex Suite [Sub1]",
            "Webex Suite [Sub2]",
            "Basic Messaging",
            "Webex Teams [Sub1]",
        ])
        .unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.email, 0);
        assert_eq!(s.location, Some(1));
        assert_eq!(s.columns[0].canonical, "User ID/Email (Required)");
        assert_eq!(s.packages, vec![(2, 3), (3, 3)]);
        assert_eq!(s.basic, vec![4]);
        assert_eq!(s.columns[5].class, ColumnClass::OtherLicense);
    }

    #[test]
    fn duplicate_and_unknown() {
        let (_, d) = resolve(&["User ID/Email (Required)", "Location", "location", "Shoe size"]).unwrap();
        let rules: Vec<_> = d.iter().map(|d| (d.rule, d.cell.clone())).collect();
        assert_eq!(
            rules,
            vec![
                (Rule::DuplicateHeader, Some("C1".to_owned())),
                (Rule::UnknownColumn, Some("D1".to_owned()))
            ]
        );
    }

    /// A built-in alias (`Site`) before the column itself (`Location`): the column is kept,
    /// the alias is the repeat (Control Hub reads `Location`, not `Site`); a third copy
    /// repeats the column too.
    #[test]
    fn the_column_itself_is_kept_over_an_alias_before_it() {
        let (s, d) = resolve(&["User ID/Email (Required)", "Site", "site", "Location"]).unwrap();
        assert_eq!(s.location, Some(3));
        assert_eq!(s.duplicates, vec![(1, 3), (2, 3)]);
        let cells: Vec<_> =
            d.iter().map(|d| (d.rule, d.cell.clone(), d.message.contains("column D"))).collect();
        assert_eq!(
            cells,
            vec![
                (Rule::DuplicateHeader, Some("C1".to_owned()), true),
                (Rule::DuplicateHeader, Some("B1".to_owned()), true)
            ]
        );
        // The column first, the alias after: the first is kept, as any repeat.
        let (s, _) = resolve(&["User ID/Email (Required)", "Location", "Site"]).unwrap();
        assert_eq!(s.duplicates, vec![(2, 1)]);
    }

    #[test]
    fn blank_headers_are_not_duplicates() {
        let (s, d) = resolve(&["User ID/Email (Required)", "Location", "", "  "]).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.blank, vec![2, 3]);
        assert_eq!(s.columns[3].class, ColumnClass::Blank);
        assert!(s.duplicates.is_empty());
    }

    #[test]
    fn duplicate_is_fixed_by_leaving_the_repeat_out() {
        let (s, d) =
            resolve(&["User ID/Email (Required)", "Webex Meetings [Sub1]", "webex meetings  [Sub1]"])
                .unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Fixed);
        assert_eq!(s.columns[2].class, ColumnClass::Duplicate(1));
        assert_eq!(s.duplicates, vec![(2, 1)]);
        // The repeat is not a second package column.
        assert_eq!(s.packages.len(), 1);
        assert_eq!(s.booleans, vec![1]);
    }

    #[test]
    fn a_license_header_repeated_with_other_spacing_is_a_duplicate() {
        // Control Hub matches `name [suffix]` with or without the space: one column.
        let (s, d) =
            resolve(&["User ID/Email (Required)", "Webex Calling [Sub1]", "webex calling[sub1]"]).unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(s.duplicates, vec![(2, 1)]);
    }

    #[test]
    fn kept_columns_are_not_unknown() {
        let headers: Vec<String> = ["Courriel", "Pays"].iter().map(|s| (*s).to_owned()).collect();
        let (s, d) =
            Schema::resolve_keeping(&headers, 1, Catalogue::default(), &["pays".to_owned()]).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.columns[1].class, ColumnClass::Passthrough);
    }

    #[test]
    fn missing_email_column() {
        assert!(matches!(resolve(&["First Name", "Login"]), Err(HeaderError::MissingEmailColumn(_))));
    }
}
