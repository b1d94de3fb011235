//! Calling fields: phone numbers (E.164), extensions, and what calling packages require
//! (control-hub-csv.md §3, §8.4, §8.5).

use super::keys::{short_extension_key, Short};
use super::phone::{classify, dropped_prefix, prefix_name, Verdict};
use super::{RowCtx, Rule};
use crate::schema::Package;

/// Emergency numbers Webex Calling refuses as extensions (VEXT 4911).
const EMERGENCY: &[&str] = &["911", "933", "112", "999", "000"];

/// `REMOVE` clears a calling setting (control-hub-csv.md §8.6); it is not a value to check.
pub(super) fn is_remove(value: &str) -> bool {
    value.eq_ignore_ascii_case("REMOVE") || value.starts_with("REMOVE|")
}

/// A number with an extension after it, as directories and Teams' line URIs write them
/// (`+1 408 555 0105 ext. 12`, `tel:+14085550104;ext=104`, `+14085550106 x7`, French
/// `poste 12`): the number's E.164 form and the extension's digits. `None` when the value
/// is not such.
fn with_extension(value: &str, region: Option<phonenumber::country::Id>) -> Option<(String, String)> {
    let lower = value.to_ascii_lowercase();
    // The first marker; ASCII lower-casing keeps every byte where it was.
    let at = ["ext", "x", "#", "poste"].iter().filter_map(|m| lower.find(m)).min()?;
    let ext = after_marker(&value[at..])?;
    if !(1..=10).contains(&ext.len()) || !ext.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = value[..at].trim_end_matches([' ', ';', ',', '.']);
    let e164 = classify(number, region).e164(number)?.to_owned();
    Some((e164, ext.to_owned()))
}

/// What follows an extension's marker at the start of `s` (`ext. 12`, `Extension: 12`,
/// `x12`, `#12`, `poste 12`, in any case), trimmed; `None` without a marker.
fn after_marker(s: &str) -> Option<&str> {
    let lower = s.to_ascii_lowercase();
    let marker = ["extension", "ext", "poste", "x", "#"].into_iter().find(|m| lower.starts_with(m))?;
    Some(s[marker.len()..].trim_start_matches(['.', ':', '=', ' ']).trim_end())
}

/// `invalid-phone-number`'s message and help for `value` in column `name`.
fn invalid_number(
    value: &str,
    name: &str,
    region: Option<phonenumber::country::Id>,
) -> (String, &'static str) {
    match with_extension(value, region) {
        Some((number, ext)) => (
            format!("`{value}` has an extension after the number: the number is `{number}`, the extension `{ext}`"),
            "write the number alone here (hubcsv fix does not: the extension may not be the org's), and the extension in `Extension`",
        ),
        None => (
            format!("`{value}` is not a valid E.164 number for `{name}`"),
            "write the number as + then country code and number, digits only, e.g. +14085550101",
        ),
    }
}

/// How a valid number that is not compact E.164 is written (`phone-format`'s message).
fn how_written(value: &str) -> &'static str {
    if super::phone::is_tel_link(value) {
        "is a `tel:` link"
    } else if value.is_ascii() {
        "is written with separators"
    } else {
        "is written with full-width characters, or Unicode spaces or dashes"
    }
}

/// Checks one phone cell; returns its E.164 form when valid.
fn phone(ctx: &mut RowCtx<'_>, col: usize) -> Option<Short> {
    let value = ctx.get(Some(col));
    if value.is_empty() || is_remove(value) {
        return None;
    }
    let verdict = classify(value, ctx.opts.region);
    let e164 = verdict.e164(value).and_then(Short::new);
    let name = ctx.schema.name(col);
    match verdict {
        Verdict::Valid => {}
        Verdict::Separators(compact) => {
            let d = ctx.at(
                Rule::PhoneFormat,
                col,
                format!("`{value}` {}", how_written(value)),
                "Control Hub takes E.164 numbers: `+`, then digits only; hubcsv fix writes the compact form",
            );
            ctx.fix(d, col, compact);
        }
        Verdict::NationalPrefix(e164) => {
            let message = match dropped_prefix(value, &e164) {
                Some(prefix) => format!(
                    "`{value}` has {} after the country code; its E.164 form `{e164}` drops it",
                    prefix_name(&e164, &prefix)
                ),
                None => format!("`{value}` is not in E.164 form; the number is `{e164}`"),
            };
            let d = ctx.at(
                Rule::PhoneFormat,
                col,
                message,
                "E.164 leaves out the prefix dialled within the country (the `0` of `+44 (0)20`); hubcsv fix writes the E.164 form",
            );
            ctx.fix(d, col, e164);
        }
        Verdict::MissingPlus(fixed) => {
            let dropped = dropped_prefix(value, &fixed);
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            let as_written =
                fixed.get(1..).is_some_and(|f| digits == f || digits.strip_prefix("00") == Some(f));
            let message = match (dropped, ctx.opts.region) {
                (None, Some(region)) if !as_written => format!(
                    "`{value}` is a national number of {}; its E.164 form is `{fixed}`",
                    region_label(ctx.opts, region)
                ),
                (prefix, _) => {
                    let prefix = prefix.map_or(String::new(), |prefix| {
                        format!(
                            ", and has {} after the country code, which E.164 drops",
                            prefix_name(&fixed, &prefix)
                        )
                    });
                    format!("`{value}` lacks the leading `+` (a spreadsheet editor drops it){prefix}")
                }
            };
            let d = ctx.at(
                Rule::PhoneMissingPlus,
                col,
                message,
                "hubcsv fix restores the `+`; in Excel, format the column as Text before typing numbers",
            );
            ctx.fix(d, col, fixed);
        }
        Verdict::NoCountryCode { national, region, international } => {
            let national = match region {
                Some(region) => {
                    format!("as a number of {} it is `{national}`", region_label(ctx.opts, region))
                }
                None => format!("as a US or Canada number it is `{national}`"),
            };
            let international = international.map_or(String::new(), |other| {
                format!("; with only `+` restored it would be `{other}`, in another country")
            });
            let d = ctx.at(
                Rule::InvalidPhoneNumber,
                col,
                format!("`{value}` has no country code: {national}{international}"),
                "write the number with `+` and its country code: hubcsv does not guess the country (--region reads national numbers written with their trunk prefix, such as 030... in Germany)",
            );
            ctx.diags.push(d);
        }
        Verdict::Scientific => {
            let d = ctx.at(
                Rule::PhoneScientificNotation,
                col,
                format!("`{value}` is in scientific notation: a spreadsheet rounded the number and its last digits are lost"),
                "type the full number again as +<country code><number>, with the column formatted as Text",
            );
            ctx.diags.push(d);
        }
        Verdict::Invalid => {
            let (message, help) = invalid_number(value, name, ctx.opts.region);
            let d = ctx.at(Rule::InvalidPhoneNumber, col, message, help);
            ctx.diags.push(d);
        }
    }
    e164
}

/// Checks the extension; returns it when usable as a duplicate key.
fn extension(ctx: &mut RowCtx<'_>, col: usize) -> Option<Short> {
    let value = ctx.get(Some(col));
    if value.is_empty() || is_remove(value) {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // An extension fixed: `plain` written for `value`, said so.
    let fixed = |ctx: &mut RowCtx<'_>, message: String, help: &'static str, plain: String| {
        let short = Short::new(&plain);
        let d = ctx.at(Rule::InvalidExtension, col, message, help);
        ctx.fix(d, col, plain);
        short
    };
    // `911.0` is no fix: without its `.0` it is still an emergency number (below).
    if let Some(int) = value
        .strip_suffix(".0")
        .filter(|s| digits(s) && (2..=10).contains(&s.len()) && !EMERGENCY.contains(s))
    {
        let message = format!("`{value}` ends in `.0`: a spreadsheet stored the extension as a number");
        return fixed(
            ctx,
            message,
            "hubcsv fix drops the `.0`; format the column as Text in the spreadsheet",
            int.to_owned(),
        );
    }
    // Full-width digits, typed with a Japanese or Chinese input method, are digits; a marker
    // before the digits (`x1005`, `ext. 1006`, `#1007`), as directories write extensions,
    // is not part of them. Judged as the digits, and written so.
    let full_width = |c: char| ('０'..='９').contains(&c);
    let rewritten: Option<(String, &str)> = if !value.is_ascii()
        && value.chars().all(|c| c.is_ascii_digit() || full_width(c))
    {
        Some((value.chars().map(super::phone::half_width).collect(), "is written with full-width digits"))
    } else if digits(value) {
        None
    } else {
        after_marker(value).filter(|d| digits(d)).map(|d| (d.to_owned(), "has a marker before its digits"))
    };
    let plain = rewritten.as_ref().map_or(value, |(plain, _)| plain.as_str());
    let whole = plain.strip_suffix(".0").filter(|s| digits(s)).unwrap_or(plain);
    let problem = if EMERGENCY.contains(&whole) {
        Some("is an emergency number")
    } else if !digits(plain) {
        Some("must contain digits only")
    } else if !(2..=10).contains(&plain.len()) {
        Some("must be 2 to 10 digits long")
    } else {
        None
    };
    if let Some(problem) = problem {
        let d = ctx.at(
            Rule::InvalidExtension,
            col,
            format!("extension `{value}` {problem}"),
            "use the org's extension plan: 2-10 digits, not an emergency number",
        );
        ctx.diags.push(d);
        return None;
    }
    if let Some((plain, how)) = rewritten {
        let message = format!("`{value}` {how}: the extension is `{plain}`");
        return fixed(
            ctx,
            message,
            "hubcsv fix writes the digits alone (`0`-`9`), which Control Hub takes",
            plain,
        );
    }
    Short::new(value)
}

/// Whether a calling field is missing: the upload clears it (`REMOVE`), or leaves it blank
/// (`value`) and the export (`kept`: an existing calling user) has none to keep.
#[inline]
fn missing(value: &str, kept: Option<crate::current::Existing<'_>>, name: &str) -> bool {
    if value.is_empty() {
        kept.is_none_or(|e| e.field(name).is_empty())
    } else {
        is_remove(value)
    }
}

/// A duplicate key and the value it stands for.
type Keyed = Option<(u128, Short)>;

/// Returns the phone number key and the (location, extension) key.
pub(super) fn check(ctx: &mut RowCtx<'_>, designated: Option<&Package>) -> (Keyed, Keyed) {
    let schema = ctx.schema;
    let phone_key = schema.phone.and_then(|c| phone(ctx, c)).map(|p| (p.key(), p));
    if let Some(c) = schema.caller_id {
        phone(ctx, c);
    }
    let ext = schema.extension.and_then(|c| extension(ctx, c));
    let location = ctx.get(schema.location);
    // An existing user's blank Location keeps the export's: that is where the extension is.
    let key_location = match ctx.existing {
        Some(e) if location.is_empty() => e.field("Location"),
        _ => location,
    };
    let ext_key = ext.map(|e| (short_extension_key(key_location, &e), e));

    if let Some(package) = designated.filter(|p| p.calling) {
        let id = &package.id;
        // An existing calling user keeps the number, extension and location of the export
        // (blank = no change). A user changing to a calling package from another one must
        // bring them (control-hub-csv.md §3).
        let kept = ctx.existing.filter(|e| e.package().is_some_and(|p| p.calling));
        // `REMOVE` in an existing calling user's Location is a move, which
        // `calling-location-change` reports (with `--current`), not a missing Location.
        let moved = is_remove(location) && kept.is_some_and(|e| !e.field("Location").is_empty());
        let no_location = !moved && missing(location, kept, "Location");
        let no_number = missing(ctx.get(schema.phone), kept, "Phone Number")
            && missing(ctx.get(schema.extension), kept, "Extension");
        if no_location {
            let help = "calling users need the name of a calling location that exists in Control Hub";
            let d = match schema.location {
                Some(col) => ctx.at(Rule::MissingLocation, col, format!("{id} needs a Location"), help),
                None => ctx.row(
                    Rule::MissingLocation,
                    format!("{id} needs a Location, and the file has no `Location` column"),
                    help,
                ),
            };
            ctx.diags.push(d);
        }
        if no_number {
            let help = "give the user a Phone Number (E.164), an Extension, or both";
            let d = match schema.phone.or(schema.extension) {
                Some(col) => ctx.at(
                    Rule::MissingNumberOrExtension,
                    col,
                    format!("{id} needs a Phone Number or an Extension"),
                    help,
                ),
                None => ctx.row(
                    Rule::MissingNumberOrExtension,
                    format!("{id} needs a Phone Number or an Extension, and the file has neither column"),
                    help,
                ),
            };
            ctx.diags.push(d);
        }
    }
    (phone_key, ext_key)
}

/// A region as a message names it, with where it comes from: `--region`, or the profile's
/// `region` when the command line gives none (a batch job's user would look for a flag that
/// is not there).
fn region_label(opts: &crate::Options, region: phonenumber::country::Id) -> String {
    let profile = opts.profile.as_ref().and_then(|p| p.region);
    let source = if profile == Some(region) { "the profile's `region`" } else { "--region" };
    format!("{} ({source})", region.as_ref())
}

#[cfg(test)]
mod tests {
    use super::with_extension;

    #[test]
    fn numbers_with_an_extension_after_them() {
        let w = |v: &str| with_extension(v, None);
        let both = |n: &str, e: &str| Some((n.to_owned(), e.to_owned()));
        assert_eq!(w("+1-408-555-0105 ext. 12"), both("+14085550105", "12"));
        assert_eq!(w("tel:+14085550104;ext=104"), both("+14085550104", "104"));
        assert_eq!(w("+14085550106 x7"), both("+14085550106", "7"));
        assert_eq!(w("+1 408 555 0107 #22"), both("+14085550107", "22"));
        assert_eq!(w("+1 408 555 0108 Extension: 33"), both("+14085550108", "33"));
        assert_eq!(w("+33 1 45 67 89 00 poste 12"), both("+33145678900", "12"));
        // No extension digits, an invalid number before them, or more after them: none.
        assert_eq!(w("+1 408 555 0109 x"), None);
        assert_eq!(w("+1 408 555 01 ext 5"), None);
        assert_eq!(w("+1 408 555 0110 ext 5 or 6"), None);
        assert_eq!(w("+14085550111"), None);
    }

    #[test]
    fn what_follows_an_extensions_marker() {
        use super::after_marker;
        assert_eq!(after_marker("x1005"), Some("1005"));
        assert_eq!(after_marker("Ext. 1006"), Some("1006"));
        assert_eq!(after_marker("EXTENSION: 12"), Some("12"));
        assert_eq!(after_marker("#1007"), Some("1007"));
        assert_eq!(after_marker("poste 12 "), Some("12"));
        assert_eq!(after_marker("1008"), None);
        assert_eq!(after_marker("'1009"), None);
    }
}
