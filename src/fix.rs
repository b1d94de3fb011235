//! Corrections: every `fixed` finding applied, then the "Add and remove services" rewrite
//! (contract §5). Pure functions of a row and what `check` found; the writers are in
//! [`crate::output`].
//!
//! The rewrite makes the upload exact under *Add and remove services*: for a user who gets a
//! package, that package's cell is TRUE and every other package and every basic license is
//! FALSE, so Control Hub neither keeps an old package nor adds its default basic licenses;
//! for a removal, every package and basic license is FALSE.

use serde::Serialize;

use crate::actions::Action;
use crate::input::batch::Fields;
use crate::rules::{is_formula, RowOutcome, Severity};
use crate::schema::{ColumnClass, Schema};

/// The name logged for cells the "Add and remove services" rewrite changed.
pub const REWRITE: &str = "add-and-remove-services";

/// The name logged for header cells written in Control Hub's spelling.
pub const CANONICAL_HEADER: &str = "canonical-header";

/// The name logged for cells and columns a `--profile` filled in (its `[defaults]`,
/// `[[when]]` sets and `[packages]` value map).
pub const PROFILE: &str = "profile";

/// One changed cell, as `--changes` logs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Editor line of the record.
    pub line: u64,
    /// Canonical column name.
    pub column: String,
    /// The value as read.
    pub old: String,
    /// The value written.
    pub new: String,
    /// The rule that changed it, or [`REWRITE`].
    pub rule: String,
}

/// What the "Add and remove services" rewrite writes in column `col` of an uploaded row, or
/// `None` to keep the (corrected) value:
///
/// - a user with a package: that package TRUE, every other package FALSE, every basic
///   license FALSE;
/// - a removal (`removal`: every user package FALSE, or with `--current` the user's own
///   package FALSE and none TRUE): every package and basic license FALSE;
/// - no package TRUE and some package cells blank (`no-package`): the blank package cells
///   stay blank, the only safe reading when the user's package is unknown ("no change"),
///   while basic licenses are still set FALSE so that Control Hub adds none;
/// - a workspace package (Common Area Calling) FALSE on every row: a user never holds it.
#[must_use]
pub fn rewritten(
    schema: &Schema,
    removal: bool,
    package_col: Option<usize>,
    col: usize,
) -> Option<&'static str> {
    match schema.columns.get(col)?.class {
        ColumnClass::Package(_) if removal => Some("FALSE"),
        // A workspace package (Common Area Calling) is never a user's: FALSE on every row.
        ColumnClass::Package(p) if schema.catalogue.package(p).is_some_and(|p| !p.user) => Some("FALSE"),
        ColumnClass::Package(_) => package_col.map(|d| if d == col { "TRUE" } else { "FALSE" }),
        ColumnClass::BasicLicense => Some("FALSE"),
        _ => None,
    }
}

/// Whether column `col` is written to the corrected file. Not written: hubcsv's own
/// annotation columns from a rejects file, columns with a blank header, and the repeat of
/// a duplicate header (the first of the two is kept; rows where they differ are rejected).
#[must_use]
pub fn keeps_column(schema: &Schema, col: usize) -> bool {
    schema.columns.get(col).is_some_and(|c| !c.class.is_dropped())
}

/// Whether column `col` is written to the rejects file: every column as read but hubcsv's
/// own annotation columns (the rejects file has fresh ones).
#[must_use]
pub fn rejects_column(schema: &Schema, col: usize) -> bool {
    // Fields past the header (a ragged row's extra values) are kept too: nothing is lost.
    schema.columns.get(col).is_none_or(|c| c.class != ColumnClass::Annotation)
}

/// The corrected header: canonical names, input order, dropped columns left out
/// ([`keeps_column`]).
#[must_use]
pub fn corrected_header(schema: &Schema) -> Vec<String> {
    schema.columns.iter().filter(|c| !c.class.is_dropped()).map(|c| c.canonical.clone()).collect()
}

/// The corrected values of a row that is uploaded (not invalid), into `values` (every
/// column, in order, annotation columns included: see [`keeps_column`]), and the changes
/// made.
///
/// `fields` are the values as read; `row` is what `check` found for them. Values are
/// borrowed (from the row as read, its fixes, or the rewrite's TRUE/FALSE): nothing is
/// allocated for a row that needs no change. The changes are listed only when `log` is set
/// (the `--changes` log), with the user's fields before a profile mapped them, if one did.
pub fn correct_row<'a>(
    fields: Fields<'a>,
    row: &'a RowOutcome,
    schema: &Schema,
    values: &mut Vec<&'a str>,
    log: Option<Option<Fields<'_>>>,
) -> Vec<Change> {
    values.clear();
    values.extend(fields.iter());
    // The rule behind each replaced value; the last one to touch a cell names its change.
    let mut rules: Vec<(usize, &'static str)> = Vec::new();
    for d in row.diagnostics.iter().filter(|d| d.severity == Severity::Fixed) {
        if let (Some(col), Some(new)) = (d.col_index, d.fix.as_deref()) {
            if let Some(slot) = values.get_mut(col) {
                *slot = new;
                rules.push((col, d.rule.name()));
            }
        }
    }
    let removal = row.action == Action::Remove;
    // Only license columns are rewritten: their list, not every column.
    for &col in &schema.booleans {
        if let (Some(target), Some(slot)) =
            (rewritten(schema, removal, row.package_col, col), values.get_mut(col))
        {
            if *slot != target {
                *slot = target;
                rules.push((col, REWRITE));
            }
        }
    }
    let mut changes = Vec::new();
    // Logged against the user's own cells: with a profile, those it came from (a generated
    // column's are empty).
    let Some(source) = log else { return changes };
    for (col, new) in values.iter().enumerate() {
        let mapped = fields.get(col).unwrap_or("");
        let old = match source {
            Some(_) if schema.generated.get(col).copied().unwrap_or(false) => "",
            Some(source) => {
                schema.origin.get(col).copied().flatten().and_then(|i| source.get(i)).unwrap_or("")
            }
            None => mapped,
        };
        if *new != old {
            let rule = match rules.iter().rev().find(|(c, _)| *c == col) {
                Some((_, rule)) => rule,
                None if mapped != old && *new == mapped => PROFILE,
                None => REWRITE,
            };
            changes.push(Change {
                line: row.meta.line,
                column: schema.name(col).to_owned(),
                old: old.to_owned(),
                new: (*new).to_owned(),
                rule: rule.to_owned(),
            });
        }
    }
    changes
}

/// Whether [`correct_row`] leaves the row as read: no fix to any of its cells, and every
/// license cell already what the rewrite writes. (Such a row's corrected line can be its
/// text as read.)
#[must_use]
pub fn as_read(fields: Fields<'_>, row: &RowOutcome, schema: &Schema) -> bool {
    let fixed = row.diagnostics.iter().any(|d| {
        d.severity == Severity::Fixed && d.fix.is_some() && d.col_index.is_some_and(|col| col < fields.len())
    });
    let removal = row.action == Action::Remove;
    !fixed
        && schema.booleans.iter().all(|&col| {
            match (rewritten(schema, removal, row.package_col, col), fields.get(col)) {
                (Some(target), Some(value)) => value == target,
                _ => true,
            }
        })
}

/// The value as written to the rejects file: a formula is neutralised with a leading `'`
/// (the usual spreadsheet escape), except a leading `+` in phone-like columns, where it
/// starts an E.164 number (`=`, `@` and `-` are escaped there too).
#[must_use]
pub fn escape_for_rejects<'v>(schema: &Schema, col: usize, value: &'v str) -> std::borrow::Cow<'v, str> {
    let phone_like = schema.columns.get(col).is_some_and(|c| c.class.is_phone_like());
    if is_formula(value) && !(phone_like && value.starts_with('+')) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}
