//! License cells: TRUE/FALSE spelling, one package per user, suspended columns, common area,
//! and basic licenses beside a package (control-hub-csv.md §2, §4).

use super::{RowCtx, Rule};
use crate::schema::Package;

/// A license cell, read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bool {
    /// Blank: no change.
    Blank,
    /// TRUE (or an alias).
    True,
    /// FALSE (or an alias).
    False,
    /// Anything else.
    Invalid,
}

const TRUE_ALIASES: &[&str] =
    &["true", "t", "1", "yes", "y", "vrai", "wahr", "verdadero", "oui", "ja", "si", "sí"];
const FALSE_ALIASES: &[&str] = &["false", "f", "0", "no", "n", "faux", "falsch", "falso", "non", "nein"];

/// Reads a license cell; the flag says whether it is spelled canonically.
#[must_use]
#[inline]
pub fn parse_bool(value: &str) -> (Bool, bool) {
    parse_bool_bytes(value.as_bytes())
}

/// [`parse_bool`] of a cell's bytes.
#[inline]
fn parse_bool_bytes(value: &[u8]) -> (Bool, bool) {
    match value {
        b"" => (Bool::Blank, true),
        b"TRUE" => (Bool::True, true),
        b"FALSE" => (Bool::False, true),
        _ => parse_alias(value),
    }
}

/// A license cell not spelled canonically.
#[cold]
fn parse_alias(value: &[u8]) -> (Bool, bool) {
    let lower = String::from_utf8_lossy(value).to_lowercase();
    if TRUE_ALIASES.contains(&lower.as_str()) {
        (Bool::True, false)
    } else if FALSE_ALIASES.contains(&lower.as_str()) {
        (Bool::False, false)
    } else {
        (Bool::Invalid, false)
    }
}

/// What the license cells of a row say.
#[derive(Clone, Copy, Debug)]
pub(super) struct Licenses {
    /// (column, package index) of the first user package set TRUE.
    pub designated: Option<(usize, usize)>,
    /// Every user package cell is explicitly FALSE (a removal).
    pub all_false: bool,
}

pub(super) fn check(ctx: &mut RowCtx<'_>, memo: &mut Memo) -> Licenses {
    // An offer the profile could not map already explains the missing package.
    let unmapped = ctx.diags.iter().any(|d| d.rule == Rule::UnmappedValue);
    let key = ctx.license_text().filter(|_| !unmapped);
    if let Some(licenses) = key.and_then(|key| memo.find(key)) {
        return licenses;
    }
    let found_before = ctx.diags.len();
    let read = read_cells(ctx);
    let licenses = decide(ctx, &read, unmapped);
    ctx.bools = read;
    if let Some(key) = key.filter(|_| ctx.diags.len() == found_before) {
        memo.remember(key, licenses);
    }
    licenses
}

/// License cells read before on a thread whose reading found nothing: their text (the
/// cells and the delimiters between them, when those tell the cells apart:
/// [`RowCtx::license_text`]) and the decision. Rows of an export repeat a few license
/// patterns (one per package), so most rows' cells are one comparison of their text. A row
/// whose reading finds anything is read every time: its findings name its line.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// The most recently found first (an entry found moves up one place).
    seen: Vec<Seen>,
}

#[derive(Debug)]
struct Seen {
    text: Vec<u8>,
    licenses: Licenses,
}

/// Patterns a memo keeps.
const MEMO_PATTERNS: usize = 16;

impl Memo {
    /// The decision remembered for `text`, if any.
    fn find(&mut self, text: &[u8]) -> Option<Licenses> {
        let at = self.seen.iter().position(|s| s.text == text)?;
        let licenses = self.seen[at].licenses;
        if at > 0 {
            self.seen.swap(at - 1, at);
        }
        Some(licenses)
    }

    /// Remembers the decision on `text`; past `MEMO_PATTERNS`, the last pattern (one found
    /// least lately, as found ones move up) makes room.
    fn remember(&mut self, text: &[u8], licenses: Licenses) {
        if self.seen.len() == MEMO_PATTERNS {
            self.seen.pop();
        }
        self.seen.push(Seen { text: text.to_vec(), licenses });
    }
}

/// The package decision and the findings about it, from the cells as read (`unmapped`: the
/// profile could not map an offer of the row).
fn decide(ctx: &mut RowCtx<'_>, read: &[Bool], unmapped: bool) -> Licenses {
    let schema = ctx.schema;
    let (designated, any_true) = packages(ctx, read);
    // A removal sets every user package FALSE. Common Area Calling is not a user package:
    // a user does not hold it, so its cell does not make or unmake a removal.
    let is_user = |p: usize| schema.catalogue.package(p).is_some_and(|p| p.user);
    let mut user_columns = schema.packages.iter().filter(|&&(_, p)| is_user(p)).peekable();
    let has_user_columns = user_columns.peek().is_some();
    let all_false = has_user_columns && user_columns.all(|&(c, _)| read[c] == Bool::False);
    if has_user_columns && !any_true && !all_false && !unmapped {
        let d = match empty_offer(ctx) {
            Some((col, name)) => {
                let mut d = ctx.at(
                    Rule::NoPackage,
                    col,
                    "the offer cell is empty: the upload assigns no package to this user".to_owned(),
                    "fill in the offer in the export, or say what an empty offer means in the profile: `\"\" = \"<package id>\"` (or `\"remove\"`) under [packages] values",
                );
                d.column = Some(name);
                d
            }
            None => ctx.row(
                Rule::NoPackage,
                "no package is TRUE and not all user packages are FALSE: the upload assigns no package to this user".to_owned(),
                "set the user's package to TRUE; to remove the user, set every package to FALSE",
            ),
        };
        ctx.diags.push(d);
    }
    if designated.is_some() {
        for &col in &schema.basic {
            if read[col] == Bool::True {
                let d = ctx.at(
                    Rule::BasicLicenseWithPackage,
                    col,
                    format!("basic license `{}` is TRUE beside a wholesale package", schema.name(col)),
                    "the package already carries the service; hubcsv fix sets the basic license to FALSE",
                );
                ctx.fix(d, col, "FALSE".to_owned());
            }
        }
    }
    Licenses { designated, all_false }
}

/// With a profile's `[packages]`, the package column its value map fills (its cell is the
/// export's offer cell) and the offer column's header, when the row's offer is empty: that
/// is why no package is TRUE, and the cell to point at.
fn empty_offer(ctx: &RowCtx<'_>) -> Option<(usize, String)> {
    let schema = ctx.schema;
    let col = schema
        .packages
        .iter()
        .map(|&(c, _)| c)
        .find(|&c| schema.generated.get(c).copied().unwrap_or(false) && schema.source_col(c).is_some())?;
    let offer = ctx.source?.get(schema.source_col(col)?)?;
    offer.trim().is_empty().then(|| (col, schema.source_name(col).unwrap_or_default().to_owned()))
}

/// Reads every license cell: spelling (`invalid-boolean`, `non-canonical-boolean`) and
/// suspended columns.
fn read_cells(ctx: &mut RowCtx<'_>) -> Vec<Bool> {
    let schema = ctx.schema;
    let mut read = std::mem::take(&mut ctx.bools);
    read.clear();
    read.resize(ctx.width(), Bool::Blank);
    // A short row's missing cells stay blank (the columns are in order).
    let width = read.len();
    for &col in schema.booleans.iter().take_while(|&&col| col < width) {
        let column = &schema.columns[col];
        let (b, canonical) = parse_bool_bytes(ctx.bytes(col));
        read[col] = b;
        match b {
            Bool::Invalid => {
                let d = ctx.at(
                    Rule::InvalidBoolean,
                    col,
                    format!("`{}` is not TRUE or FALSE", ctx.get(Some(col))),
                    "license cells take TRUE (assign), FALSE (remove) or blank (no change)",
                );
                ctx.diags.push(d);
            }
            Bool::True | Bool::False if !canonical => {
                let canon = if b == Bool::True { "TRUE" } else { "FALSE" };
                let d = ctx.at(
                    Rule::NonCanonicalBoolean,
                    col,
                    format!("`{}` means {canon}", ctx.get(Some(col))),
                    "hubcsv fix writes TRUE/FALSE, the spelling Control Hub documents",
                );
                ctx.fix(d, col, canon.to_owned());
            }
            _ => {}
        }
        if b == Bool::True && column.suspended {
            let d = ctx.at(
                Rule::SuspendedServiceAssigned,
                col,
                format!(
                    "`{}` is suspended: Control Hub refuses the whole file when it is assigned",
                    column.canonical
                ),
                "set it to FALSE or leave it blank, or resume the subscription before uploading",
            );
            ctx.diags.push(d);
        }
    }
    read
}

/// The packages an add-on such as Attendant Console needs (control-hub-csv.md §2.3: the
/// API lists Webex Calling, Webex Suite and Customer Assist, some of its operations Webex
/// Voice too).
const ADD_ON_BASES: [&str; 4] = ["webex_calling", "webex_suite", "cx_essentials", "webex_voice"];

/// `add-on-without-package`: an add-on TRUE on a row whose user will not hold a calling
/// package: the row's own package, or with `--current` the one the user keeps.
pub(super) fn add_ons(ctx: &mut RowCtx<'_>, designated: Option<&Package>, removal: bool) {
    let base = match (designated, ctx.existing) {
        (Some(p), _) => Some(p),
        (None, _) if removal => None,
        // No package TRUE: the user keeps theirs, which only the export knows.
        (None, Some(existing)) => existing.package(),
        (None, None) => return,
    };
    if base.is_some_and(|p| ADD_ON_BASES.contains(&p.id)) {
        return;
    }
    let schema = ctx.schema;
    for &col in &schema.add_ons {
        if parse_bool(ctx.get(Some(col))).0 != Bool::True {
            continue;
        }
        let holds = match base {
            Some(p) => format!("this user gets {}", p.id),
            None if removal => "this row removes the user's package".to_owned(),
            None => "the user has no package in the current export, and this row gives none".to_owned(),
        };
        let d = ctx.at(
            Rule::AddOnWithoutPackage,
            col,
            format!("`{}` is an add-on that needs Webex Calling, Webex Suite, Customer Assist or Webex Voice (a Professional calling license); {holds}", schema.name(col)),
            "give the user a calling package in the same row, or set the add-on to FALSE",
        );
        ctx.diags.push(d);
    }
}

/// One package per user, and no workspace package on a user. Returns the designated
/// package and whether any package cell is TRUE.
fn packages(ctx: &mut RowCtx<'_>, read: &[Bool]) -> (Option<(usize, usize)>, bool) {
    let schema = ctx.schema;
    let mut designated: Option<(usize, usize)> = None;
    let mut any_true = false;
    for &(col, p) in &schema.packages {
        if read[col] != Bool::True {
            continue;
        }
        any_true = true;
        let Some(package) = schema.catalogue.package(p) else { continue };
        if !package.user {
            let d = ctx.at(
                Rule::CommonAreaPackageOnUser,
                col,
                format!("`{}` is a workspace package, not a user package", schema.name(col)),
                "assign Common Area Calling to the workspace in Control Hub; give the user a user package (Webex Calling, Voice, Suite, ...)",
            );
            ctx.diags.push(d);
            continue;
        }
        match designated {
            None => designated = Some((col, p)),
            Some((_, first)) => {
                let first_name = schema.catalogue.package(first).map_or("", |f| f.id);
                let d = ctx.at(
                    Rule::MultiplePackages,
                    col,
                    format!(
                        "a second package is TRUE (`{}` beside {first_name}): a user holds one package",
                        schema.name(col)
                    ),
                    "keep TRUE in the one package the user should have and set the others to FALSE",
                );
                ctx.diags.push(d);
            }
        }
    }
    (designated, any_true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("TRUE"), (Bool::True, true));
        assert_eq!(parse_bool("true"), (Bool::True, false));
        assert_eq!(parse_bool("VRAI"), (Bool::True, false));
        assert_eq!(parse_bool("Falsch"), (Bool::False, false));
        assert_eq!(parse_bool("0"), (Bool::False, false));
        assert_eq!(parse_bool(""), (Bool::Blank, true));
        assert_eq!(parse_bool("maybe"), (Bool::Invalid, false));
    }
}
