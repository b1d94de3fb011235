//! Comparison with the org's current state (`--current`): the changed fields of each row,
//! `read-only-modified`, `remove-unknown-user`, and the action with evidence `current-export`
//! (contract §4).
//!
//! The comparison is made on the row as `hubcsv fix` writes it (corrections and the
//! "Add and remove services" rewrite applied), since that is what will be uploaded. A blank
//! cell means "no change" and is never a change.

use serde::Serialize;

use super::phone::classify;
use super::{RowCtx, Rule};
use crate::actions::Action;
use crate::current::{Current, Existing};
use crate::fix::rewritten;
use crate::schema::{CallingField, ColumnClass, Package};

/// The export matched against one upload: the export and, per upload column, the export
/// column with the same header.
#[derive(Debug)]
pub struct Matcher<'a> {
    /// The export.
    pub current: &'a Current,
    /// Upload column -> export column.
    pub map: Vec<Option<usize>>,
    /// Per upload column, then per export column: the `[Sub...]` subscription of its
    /// header, if any (worked out once, not per row).
    subscriptions: (Vec<Option<String>>, Vec<Option<String>>),
}

impl<'a> Matcher<'a> {
    /// The export `current` matched against an upload of `schema`.
    #[must_use]
    pub fn new(current: &'a Current, schema: &crate::schema::Schema) -> Self {
        let subscriptions = |schema: &crate::schema::Schema| -> Vec<Option<String>> {
            schema.columns.iter().map(|c| crate::schema::subscription(&c.canonical)).collect()
        };
        Matcher {
            current,
            map: current.column_map(schema),
            subscriptions: (subscriptions(schema), subscriptions(&current.schema)),
        }
    }
}

/// One changed field of an existing user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Canonical column name, or `package` for the package as a whole.
    pub column: String,
    /// The value in the export.
    pub old: String,
    /// The value uploaded.
    pub new: String,
}

fn same_license(old: &str, new: &str) -> bool {
    super::is_true(old) == super::is_true(new)
}

/// Text cells: equal, or the same text with its accents composed differently (`ï` and
/// `i` + U+0308, as some macOS tools save it): a change shown as `Anaïs -> Anaïs` would be
/// no change to the reader, and `--only-changes` would upload it for nothing.
fn same_text(old: &str, new: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    old == new || (!(old.is_ascii() && new.is_ascii()) && old.nfc().eq(new.nfc()))
}

/// An export's phone cell as the upload's is written: its E.164 form (an export saved by a
/// spreadsheet lost the `+`, or an xlsx export holds the number as a number).
fn same_phone(old: &str, new: &str, region: Option<phonenumber::country::Id>) -> bool {
    old == new || classify(old, region).e164(old) == Some(new)
}

/// A read-only timestamp's instant (in UTC, when an offset is written) and its precision in
/// milliseconds: a minute, a second, or what its decimals give (`.1`: 100 ms).
fn instant(s: &str) -> Option<(chrono::NaiveDateTime, i64)> {
    use chrono::NaiveDateTime;
    let s = s.trim().replacen(' ', "T", 1);
    let decimals = s.split_once('.').map_or(0, |(_, f)| f.bytes().take_while(u8::is_ascii_digit).count());
    let precision = match decimals {
        0 => 1000,
        1 => 100,
        2 => 10,
        _ => 1,
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&s) {
        return Some((t.naive_utc(), precision));
    }
    let seconds = NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|t| (t, precision));
    seconds.or_else(|| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M").ok().map(|t| (t, 60_000)))
}

/// A read-only timestamp as the export writes it (`2022-06-23T18:53:09.064Z`) and as a
/// spreadsheet that opened the export gives it back (`2022-06-23 18:53:09.064`, or shown to
/// the second or the minute, rounded or cut): the same instant within the coarser of the two
/// precisions. Other values must be equal.
fn same_read_only(old: &str, new: &str) -> bool {
    if old == new {
        return true;
    }
    let (Some((a, pa)), Some((b, pb))) = (instant(old), instant(new)) else { return false };
    // The finer one, cut or rounded to the coarser's precision, is the coarser one.
    let ((fine, _), (coarse, p)) = if pa <= pb { ((a, pa), (b, pb)) } else { ((b, pb), (a, pa)) };
    let (fine, coarse) = (fine.and_utc().timestamp_millis(), coarse.and_utc().timestamp_millis());
    let cut = fine - fine.rem_euclid(p);
    coarse == cut || (fine.rem_euclid(p) * 2 >= p && coarse == cut + p)
}

/// Whether a differing activity cell (`Last Service Accessed Time`, `Days since Last
/// Service Accessed`) is what a copy of an older export holds: Control Hub moves these by
/// itself, so a file edited from last week's export differs from today's on every user
/// who was active since, and on every day count. Stale: a time no later than the export's;
/// any whole number of days (it grows each day, and drops to 0 on activity). A later time
/// or a day count that is not a number was typed.
fn stale_activity(header: &str, old: &str, new: &str) -> bool {
    if header.eq_ignore_ascii_case("Days since Last Service Accessed") {
        return !new.is_empty() && new.bytes().all(|b| b.is_ascii_digit());
    }
    if header.eq_ignore_ascii_case("Last Service Accessed Time") {
        return matches!((instant(old), instant(new)), (Some((old, _)), Some((new, _))) if new <= old);
    }
    false
}

/// Whether a column's value is something the upload sets: not hubcsv's, not read-only, not
/// passed through or unknown (kept in the file, but not a user field Control Hub writes).
fn writable(class: ColumnClass) -> bool {
    !class.is_dropped()
        && !matches!(
            class,
            ColumnClass::UserStatus
                | ColumnClass::ReadOnly
                | ColumnClass::Passthrough
                | ColumnClass::Unknown
                | ColumnClass::Identity
        )
}

/// The export rules on a cell that differs from the export (`old`, `new`): an existing
/// calling user's Location (`calling-location-change`), a read-only column
/// (`read-only-modified`). True when reported: the cell is then not a change.
fn reported(ctx: &mut RowCtx<'_>, col: usize, (old, new): (&str, &str), calling: bool, line: u64) -> bool {
    let class = ctx.schema.columns[col].class;
    if class == ColumnClass::Calling(CallingField::Location)
        && calling
        && !old.is_empty()
        && !old.eq_ignore_ascii_case(new)
    {
        let d = ctx.at(
            Rule::CallingLocationChange,
            col,
            format!("a calling user cannot be moved through the CSV: `{new}` here, `{old}` in the current export (line {line})"),
            "keep the export's Location (or leave it blank) and move the user in Control Hub: Users > the user > Calling > Move user",
        );
        ctx.diags.push(d);
        return true;
    }
    if matches!(class, ColumnClass::UserStatus | ColumnClass::ReadOnly) {
        let d = ctx.at(
            Rule::ReadOnlyModified,
            col,
            format!(
                "read-only `{}` is `{new}` here but `{old}` in the current export (line {line})",
                ctx.schema.name(col)
            ),
            "leave read-only columns as exported (or blank): editing them can make the upload fail",
        );
        ctx.diags.push(d);
        return true;
    }
    false
}

/// `number-in-use`: the row's Phone Number (in E.164 form) or its Extension in its
/// Location (the export's when the cell is blank) belongs to another user of the export.
/// A warning: that user's own row in this file may give it up, but Control Hub does not
/// promise to apply the rows in the file's order.
/// `phone` is the row's number in E.164 form, as the calling rules read it.
pub(super) fn in_use(ctx: &mut RowCtx<'_>, matcher: &Matcher<'_>, phone: Option<&str>) {
    let schema = ctx.schema;
    // The row's own user in the export (matched by email) may hold its number.
    let me = ctx.existing;
    let other = |owner: &Existing<'_>| !me.is_some_and(|me| me.is(owner));
    if let (Some(col), Some(e164)) = (schema.phone, phone) {
        if let Some(owner) = matcher.current.number_owner(e164).filter(other) {
            let message = format!(
                "`{e164}` is {}'s number in the current export (line {})",
                owner.email(),
                owner.line()
            );
            let d = ctx.at(Rule::NumberInUse, col, message, IN_USE_HELP);
            ctx.diags.push(d);
        }
    }
    if let Some(col) = schema.extension {
        let extension = ctx.get(Some(col)).to_owned();
        let written = ctx.get(schema.location).to_owned();
        let location =
            if written.is_empty() { ctx.existing.map_or("", |e| e.field("Location")) } else { &written };
        if extension.is_empty() || location.is_empty() {
            return;
        }
        if let Some(owner) = matcher.current.extension_owner(location, &extension).filter(other) {
            let message = format!(
                "extension `{extension}` in `{location}` is {}'s in the current export (line {})",
                owner.email(),
                owner.line()
            );
            let d = ctx.at(Rule::NumberInUse, col, message, IN_USE_HELP);
            ctx.diags.push(d);
        }
    }
}

/// `package-column-missing`: the user holds `held` in the export, and the upload has no
/// column of it, so it cannot take it away: the user would keep it beside the designated
/// package, or keep it after the removal.
fn package_column_missing(
    ctx: &mut RowCtx<'_>,
    existing: Existing<'_>,
    held: &Package,
    designated: Option<(usize, &Package)>,
) {
    let name = existing.package_header().unwrap_or_else(|| held.display.first().copied().unwrap_or(held.id));
    let whom =
        format!("{} holds {} in the current export (line {})", existing.email(), held.id, existing.line());
    let d = match designated {
        Some((col, _)) => ctx.at(
            Rule::PackageColumnMissing,
            col,
            format!(
                "{whom}, and the upload has no `{name}` column to set FALSE: the user would hold it beside `{}`",
                ctx.schema.name(col)
            ),
            PACKAGE_COLUMN_HELP,
        ),
        None => ctx.row(
            Rule::PackageColumnMissing,
            format!("{whom}, and the upload has no `{name}` column to set FALSE: the removal would leave it"),
            PACKAGE_COLUMN_HELP,
        ),
    };
    ctx.diags.push(d);
}

const PACKAGE_COLUMN_HELP: &str = "add the package's column, with the org's header as in a fresh Control Hub export, and FALSE for this user; or change the user's package in Control Hub";

const IN_USE_HELP: &str = "a number or extension must be unused: give this user another, or free it first (its current user's change in a separate upload, or in Control Hub)";

/// The upload's cells of the user's package (`before`), each read as FALSE or not, in the
/// columns that name the user's subscription (or none, on either side, as one
/// subscription's files do);
/// empty when the upload has no such column. `Webex Calling [Sub2]` cannot take away
/// `Webex Calling [Sub1]`.
fn held_cells(
    ctx: &RowCtx<'_>,
    matcher: &Matcher<'_>,
    existing: Existing<'_>,
    before: Option<&Package>,
) -> Vec<bool> {
    let schema = ctx.schema;
    let (upload, export) = &matcher.subscriptions;
    let subscription = existing.package_column().and_then(|c| export.get(c)?.as_deref());
    before.map_or_else(Vec::new, |b| {
        schema
            .packages
            .iter()
            .filter(|&&(col, p)| {
                let suffix = upload.get(col).and_then(Option::as_deref);
                // A column without a subscription, on either side, is the package's.
                schema.catalogue.package(p).is_some_and(|p| p.id == b.id)
                    && (suffix.is_none() || subscription.is_none() || suffix == subscription)
            })
            .map(|&(col, _)| super::is_false(ctx.get(Some(col))))
            .collect()
    })
}

/// `status-user-not-in-export`: the row has a `User Status`, as a row copied from an export
/// has, but its user is not in the current export. The export given is another org's or an
/// older one, or the email was edited: either way the upload adds the user as new.
fn status_user_not_in_export(ctx: &mut RowCtx<'_>, matcher: &Matcher<'_>) {
    let Some(col) = ctx.schema.user_status else { return };
    let status = ctx.get(Some(col)).trim();
    if status.is_empty() {
        return;
    }
    let email = ctx.get(Some(ctx.schema.email)).trim();
    let d = ctx.at(
        Rule::StatusUserNotInExport,
        col,
        format!(
            "`{email}` has a User Status (`{status}`), as a row copied from an export has, but is not in the current export ({}): the upload adds `{email}` as a new user",
            matcher.current.path
        ),
        "give --current the org's latest export, and check the email against it; for a new user, clear User Status",
    );
    ctx.diags.push(d);
}

/// Compares an uploaded row with its user in the export; returns the changes, the package
/// before, and the action.
pub(super) fn compare(
    ctx: &mut RowCtx<'_>,
    existing: Option<Existing<'_>>,
    matcher: &Matcher<'_>,
    removal: bool,
    designated: Option<(usize, &Package)>,
) -> (Vec<FieldChange>, Option<String>, Action) {
    let Some(existing) = existing else {
        if removal {
            let col = ctx.schema.email;
            let d = ctx.at(
                Rule::RemoveUnknownUser,
                col,
                format!(
                    "`{email}` is not in the current export ({}): there is nobody to remove, and since Control Hub adds every email it does not have, the upload would create `{email}` as a new user without licenses",
                    matcher.current.path,
                    email = ctx.get(Some(col)),
                ),
                "use the email exactly as the export has it; if the user is already gone, delete the row",
            );
            ctx.diags.push(d);
            return (Vec::new(), None, Action::Remove);
        }
        status_user_not_in_export(ctx, matcher);
        return (Vec::new(), None, Action::Add);
    };
    let schema = ctx.schema;
    let mut changes = Vec::new();
    let before = existing.package();
    let held = held_cells(ctx, matcher, existing, before);
    // (The designated column, when it is the user's package in the user's subscription or
    // in none, is one of `held`: so an empty `held` with a designated column is another
    // package, or the same package in another subscription: a second license either way.)
    if let Some(b) = before.filter(|_| held.is_empty()) {
        if removal || designated.is_some() {
            package_column_missing(ctx, existing, b, designated);
            return (changes, Some(b.id.to_owned()), Action::Invalid);
        }
    }
    // No package TRUE, and every cell of the user's own package FALSE: whatever the other
    // cells say, the user is left without a package. That is a removal (and `no-package`,
    // which could not know, does not apply).
    let own_false = designated.is_none() && !held.is_empty() && held.iter().all(|&f| f);
    let removal = removal || own_false;
    // No package TRUE is `no-package` when the effect is unknown. Here it is known: a
    // removal, or (the user's own package not FALSE) the user keeps the export's package.
    // Only a user who holds none is left without one.
    if designated.is_none() && (removal || before.is_some()) {
        ctx.diags.retain(|d| d.rule != Rule::NoPackage);
    }
    let after = match (removal, designated) {
        (true, _) => None,
        (false, Some((_, p))) => Some(p),
        (false, None) => before,
    };
    if before.map(|p| &p.id) != after.map(|p| &p.id) {
        changes.push(FieldChange {
            column: "package".to_owned(),
            old: before.map_or_else(String::new, |p| p.id.to_owned()),
            new: after.map_or_else(String::new, |p| p.id.to_owned()),
        });
    }
    for (col, export_col) in matcher.map.iter().enumerate() {
        let class = schema.columns[col].class;
        let new =
            rewritten(schema, removal, designated.map(|(c, _)| c), col).unwrap_or_else(|| ctx.get(Some(col)));
        if new.is_empty() {
            continue;
        }
        let Some(export_col) = *export_col else {
            // A column the export lacks: its value there is unknown, so a filled cell is a
            // change (not "unchanged": --only-changes would drop it). Package and basic
            // license columns are not: the package change covers them. Other licenses
            // (an add-on such as Attendant Console) are.
            if !matches!(class, ColumnClass::Package(_) | ColumnClass::BasicLicense) && writable(class) {
                changes.push(FieldChange {
                    column: schema.name(col).to_owned(),
                    old: String::new(),
                    new: new.to_owned(),
                });
            }
            continue;
        };
        let old = existing.value(export_col);
        let same = if class.is_boolean() {
            same_license(old, new)
        } else if matches!(
            class,
            ColumnClass::Calling(CallingField::PhoneNumber | CallingField::CallerIdNumber)
        ) {
            same_phone(old, new, ctx.opts.region)
        } else if class == ColumnClass::ReadOnly {
            same_read_only(old, new)
        } else {
            same_text(old, new)
        };
        if same
            || (class == ColumnClass::ReadOnly && stale_activity(&schema.columns[col].canonical, old, new))
        {
            continue;
        }
        // Owned: `new` may borrow the row, which a finding is added to.
        let new = new.to_owned();
        if reported(ctx, col, (old, &new), before.is_some_and(|p| p.calling), existing.line()) {
            continue;
        }
        changes.push(FieldChange { column: schema.name(col).to_owned(), old: old.to_owned(), new });
    }
    let action = if removal {
        Action::Remove
    } else if changes.is_empty() {
        Action::Unchanged
    } else {
        Action::Modify
    };
    (changes, before.map(|p| p.id.to_owned()), action)
}

#[cfg(test)]
mod tests {
    use super::same_read_only;

    #[test]
    fn read_only_timestamps_match_at_the_coarser_precision() {
        let export = "2022-06-23T18:53:09.064Z";
        for same in [
            export,
            "2022-06-23T18:53:09.064",
            "2022-06-23 18:53:09.064",
            "2022-06-23 18:53:09",
            "2022-06-23 18:53",
        ] {
            assert!(same_read_only(export, same), "{same}");
        }
        for other in [
            "2022-06-23T18:53:09.065Z",
            "2022-06-23 18:53:10",
            "2022-06-23 18:53:11",
            "2022-06-23 18:54",
            "2022-06-24",
            "x",
        ] {
            assert!(!same_read_only(export, other), "{other}");
        }
        // Rounded to the second or the minute, as a spreadsheet may show it.
        assert!(same_read_only("2022-06-23T18:53:09.500Z", "2022-06-23 18:53:10"));
        assert!(same_read_only("2022-06-23T18:53:39Z", "2022-06-23 18:54"));
        assert!(!same_read_only("2022-06-23T18:53:29Z", "2022-06-23 18:54"));
        // Decimals give the precision; an offset is the same instant.
        assert!(same_read_only(export, "2022-06-23 18:53:09.1"));
        assert!(same_read_only(export, "2022-06-23 18:53:09.06"));
        assert!(!same_read_only(export, "2022-06-23 18:53:09.2"));
        assert!(same_read_only("2022-06-23T18:53:09.125Z", "2022-06-23 18:53:09.12"));
        assert!(same_read_only("2022-06-23T18:53:09.125Z", "2022-06-23 18:53:09.13"));
        assert!(same_read_only(export, "2022-06-23T20:53:09.064+02:00"));
        assert!(!same_read_only(export, "2022-06-23T18:53:09.064+02:00"));
        assert!(same_read_only("2", "2"));
        assert!(!same_read_only("2", "3"));
    }
}
