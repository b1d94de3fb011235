//! `Preferred Webex Site` (control-hub-csv.md §7).

use super::safety::is_formula;
use super::{Remembered, RowCtx, Rule};
use crate::schema::Package;

fn is_host(s: &str) -> bool {
    s.contains('.')
        && s.split('.')
            .all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// The bare host for a site written as a URL, in upper case or with the trailing dot of a
/// fully qualified name (`acme.webex.com.`), if that is what it is.
#[must_use]
pub fn site_host(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).unwrap_or(&lower);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.strip_suffix('.').unwrap_or(host);
    is_host(host).then(|| host.to_owned())
}

/// The site and its presence for meetings packages (`known`: the site last found valid on
/// this thread, which most rows name again).
pub(super) fn check(ctx: &mut RowCtx<'_>, designated: Option<&Package>, known: &mut Remembered) {
    let schema = ctx.schema;
    let value = ctx.get(schema.site);
    if let (Some(col), false) = (schema.site, value.is_empty() || is_formula(value) || known.holds(value)) {
        if is_host(value) && !value.bytes().any(|b| b.is_ascii_uppercase()) {
            known.remember(value);
        } else if let Some(host) = site_host(value) {
            let how =
                if value.ends_with('.') { "ends with a dot" } else { "is written as a URL or in capitals" };
            let d = ctx.at(
                Rule::InvalidPreferredSite,
                col,
                format!("`{value}` {how}; the site is `{host}`"),
                "hubcsv fix writes the bare host name, e.g. acme.webex.com",
            );
            ctx.fix(d, col, host);
        } else {
            let d = ctx.at(
                Rule::InvalidPreferredSite,
                col,
                format!("`{value}` is not a Webex site host name"),
                "write the site's host name, e.g. acme.webex.com, as shown in Control Hub under Meetings > Sites",
            );
            ctx.diags.push(d);
        }
    }
    if let Some(package) = designated.filter(|p| p.meetings) {
        // Blank is no change: an existing user keeps the export's site.
        let kept = ctx.existing.is_some_and(|e| !e.field("Preferred Webex Site").is_empty());
        if ctx.get(schema.site).is_empty() && !kept {
            let help = "set Preferred Webex Site (e.g. acme.webex.com): Control Hub accepts the row without it, but the user's meeting site breaks later";
            let d = match schema.site {
                Some(col) => ctx.at(
                    Rule::MissingPreferredSite,
                    col,
                    format!("{} has no Preferred Webex Site", package.id),
                    help,
                ),
                None => ctx.row(
                    Rule::MissingPreferredSite,
                    format!("{} has no Preferred Webex Site, and the file has no such column", package.id),
                    help,
                ),
            };
            ctx.diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::site_host;

    #[test]
    fn hosts() {
        assert_eq!(site_host("https://ACME.webex.com/meet/x").as_deref(), Some("acme.webex.com"));
        assert_eq!(site_host("acme.webex.com.").as_deref(), Some("acme.webex.com"));
        assert_eq!(site_host("acme"), None);
        assert_eq!(site_host("acme."), None);
        assert_eq!(site_host("acme.webex.com.."), None);
        assert_eq!(site_host("acme webex.com"), None);
    }
}
