//! The Location against the org's location names: `unknown-location` with a
//! `--locations` list, `location-case` with it or with the users of a `--current` export
//! (which shows only the locations that have users, so it never says a name is unknown).

use super::{RowCtx, Rule};
use crate::current::Current;
use crate::locations::Lookup;

const CASE_HELP: &str =
    "hubcsv fix writes the location as the org does: Control Hub finds a location by its name";
const UNKNOWN_HELP: &str = "use the location's name as Control Hub lists it (Management > Locations), or create the location there first";

/// Checks the row's Location against `--locations`, else against the export's users.
pub(super) fn check(ctx: &mut RowCtx<'_>, current: Option<&Current>) {
    if ctx.opts.locations.is_none() && current.is_none() {
        return;
    }
    let Some(col) = ctx.schema.location else { return };
    let value = ctx.get(Some(col)).trim();
    if value.is_empty() || super::calling::is_remove(value) {
        return;
    }
    if let Some(list) = ctx.opts.locations.as_deref() {
        let names = &list.names;
        let (rule, message) = match names.lookup(value) {
            Lookup::Exact => return,
            Lookup::Case(spelling, line) => {
                let message = format!("`{value}` is the location `{spelling}` of {} (line {line}) in another case", list.path);
                let spelling = spelling.to_owned();
                let d = ctx.at(Rule::LocationCase, col, message, CASE_HELP);
                ctx.fix(d, col, spelling);
                return;
            }
            Lookup::Ambiguous => (
                Rule::UnknownLocation,
                format!(
                    "`{value}` is not a location of {}: it has the name in other cases, written two ways, and Control Hub needs one of them exactly",
                    list.path
                ),
            ),
            Lookup::Unknown => {
                let guess = list.closest(value).map(|g| format!(": the closest is `{g}`")).unwrap_or_default();
                (
                    Rule::UnknownLocation,
                    format!("`{value}` is not a location of {} ({} names){guess}", list.path, names.len()),
                )
            }
        };
        let d = ctx.at(rule, col, message, UNKNOWN_HELP);
        ctx.diags.push(d);
        return;
    }
    let Some(current) = current else { return };
    if let Lookup::Case(spelling, line) = current.locations().lookup(value) {
        let message =
            format!("`{value}` is the current export's location `{spelling}` (line {line}) in another case");
        let spelling = spelling.to_owned();
        let d = ctx.at(Rule::LocationCase, col, message, CASE_HELP);
        ctx.fix(d, col, spelling);
    }
}
