//! The rule catalogue and the per-row checks.
//!
//! Per-row work is pure: [`check_row`] turns one record into a [`RowOutcome`] (findings,
//! cleaned cell values via `fixed` findings, and compact keys for the cross-row pass in
//! [`cross`]). Families live in their own modules.

mod calling;
pub mod cross;
mod identity;
pub mod keys;
mod licenses;
mod location;
mod meetings;
pub mod phone;
#[cfg(test)]
mod phone_compact;
pub mod phone_fast;
mod phone_layout;
pub mod registry;
mod safety;
pub mod state;

pub use registry::{Rule, Severity, ALL};
pub use safety::{is_formula, is_invisible};

use crate::actions::{Action, Evidence};
use crate::input::batch::Fields;
use std::fmt::Write as _;

use crate::input::{raw, CellNote, Meta};
use crate::options::Options;
use crate::report::Diagnostic;
use crate::schema::{column_letters, Schema};

/// Compact keys the cross-row pass compares ([`keys`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct Keys {
    /// Key of the lower-cased email.
    pub email: Option<u128>,
    /// Key of the E.164 phone number, and the number.
    pub phone: Option<(u128, keys::Short)>,
    /// Key of (lower-cased location, extension), and the extension.
    pub extension: Option<(u128, keys::Short)>,
}

/// Everything `check` learned about one row.
#[derive(Clone, Debug)]
pub struct RowOutcome {
    /// Where the record stands.
    pub meta: Meta,
    /// The user's email as written (trimmed), if any.
    pub user: Option<String>,
    /// What the upload will do with the row.
    pub action: Action,
    /// Catalogue id of the designated package.
    pub package: Option<&'static str>,
    /// The column whose TRUE designates the package.
    pub package_col: Option<usize>,
    /// What decided the action.
    pub evidence: Evidence,
    /// Findings, in column order; cross-row findings are appended by [`cross`].
    pub diagnostics: Vec<Diagnostic>,
    /// Keys for the cross-row checks.
    pub keys: Keys,
    /// `User Status` is filled: the row came from an export, so the user exists.
    pub has_status: bool,
    /// Who wrote the email, the phone number and the extension of [`RowOutcome::keys`]: 0
    /// the row, 1 the profile's `[defaults]`, `2 + n` its `[[when]]` table `n` (a duplicate
    /// says whose value it is).
    pub filled: [u16; 3],
    /// Changed fields against the current export (`None` without one).
    pub changes: Option<Vec<state::FieldChange>>,
    /// The user's package in the current export.
    pub package_before: Option<String>,
    /// The user's position among the current export's users (0 for the first), when the
    /// user is in it.
    pub existing: Option<usize>,
}

impl RowOutcome {
    /// An outcome with nothing found yet, for [`check_row_into`] to write over.
    #[must_use]
    pub fn blank(meta: Meta) -> RowOutcome {
        RowOutcome {
            meta,
            user: None,
            action: Action::Add,
            package: None,
            package_col: None,
            evidence: Evidence::UserStatus,
            diagnostics: Vec::new(),
            keys: Keys::default(),
            has_status: false,
            filled: [0; 3],
            changes: None,
            package_before: None,
            existing: None,
        }
    }

    /// Whether the user is in the current export.
    #[must_use]
    pub fn existed(&self) -> bool {
        self.existing.is_some()
    }

    /// Whether any finding on the row is an error.
    #[must_use]
    pub fn has_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= Severity::Error)
    }
}

/// The state of one row while its checks run.
pub(crate) struct RowCtx<'a> {
    pub schema: &'a Schema,
    /// The user in the current export, when there is one.
    pub existing: Option<crate::current::Existing<'a>>,
    pub opts: &'a Options,
    pub meta: Meta,
    pub user: Option<String>,
    /// The cells as read.
    fields: Fields<'a>,
    /// The user's row before a profile mapped it, if one did.
    source: Option<Fields<'a>>,
    /// Cell values replaced by `fixed` corrections so far, as (column, value): most rows
    /// have none, and a row's few are found faster in a list than cleared and refilled in
    /// a slot per field on every row.
    overrides: Vec<(usize, String)>,
    /// A buffer for the license cells as read (kept from row to row).
    bools: Vec<licenses::Bool>,
    pub diags: Vec<Diagnostic>,
}

impl<'a> RowCtx<'a> {
    /// Number of cells in the row.
    pub fn width(&self) -> usize {
        self.fields.len()
    }

    /// The current value of cell `col` ("" when absent).
    pub fn value(&self, col: usize) -> &str {
        match self.overrides.iter().find(|(c, _)| *c == col) {
            Some((_, v)) => v,
            None => self.fields.get(col).unwrap_or(""),
        }
    }

    /// The text of the row's license cells, from the first one's start to the last one's
    /// end, when that text alone tells the cells: kept with its delimiters, each of which
    /// separates two cells (a line, or a quoted line none of whose cells there holds the
    /// delimiter: `Fields::split_run`), and all of them as read, none replaced.
    pub fn license_text(&self) -> Option<&'a [u8]> {
        let (first, last) = (*self.schema.booleans.first()?, *self.schema.booleans.last()?);
        if !self.overrides.is_empty() {
            return None;
        }
        self.fields.split_run(first, last)
    }

    /// The current value of cell `col` as bytes (empty when absent), for tests on bytes.
    #[inline]
    pub fn bytes(&self, col: usize) -> &[u8] {
        if self.overrides.is_empty() {
            self.fields.get_bytes(col).unwrap_or(b"")
        } else {
            self.value(col).as_bytes()
        }
    }

    /// The current value of column `col` ("" when absent).
    pub fn get(&self, col: Option<usize>) -> &str {
        col.map_or("", |c| self.value(c))
    }

    /// Replaces the value of cell `col`.
    pub fn set(&mut self, col: usize, value: String) {
        if col >= self.fields.len() {
            return;
        }
        match self.overrides.iter_mut().find(|(c, _)| *c == col) {
            Some((_, slot)) => *slot = value,
            None => self.overrides.push((col, value)),
        }
    }

    /// A finding about the cell in column `col`, with its current value.
    pub fn at(&self, rule: Rule, col: usize, message: String, help: &'static str) -> Diagnostic {
        let mut d = Diagnostic::new(rule, self.meta.line, message, help);
        d.column = Some(self.schema.name(col).to_owned());
        d.cell = self.schema.cell(col, self.meta.sheet_row);
        d.col_index = Some(col);
        d.source_col = self.schema.source_col(col);
        d.user.clone_from(&self.user);
        let value = self.get(Some(col));
        d.value = Some(value.to_owned());
        d
    }

    /// A finding about the whole row.
    pub fn row(&self, rule: Rule, message: String, help: &'static str) -> Diagnostic {
        let mut d = Diagnostic::new(rule, self.meta.line, message, help);
        d.user.clone_from(&self.user);
        d
    }

    /// Whether cell `col` was over-long (`cell-too-long`) and so reads as empty to the other
    /// rules: not blank in the file, so not reported as missing.
    pub fn cut(&self, col: usize) -> bool {
        self.diags.iter().any(|d| d.rule == Rule::CellTooLong && d.col_index == Some(col))
    }

    /// Records a `fixed` finding and makes its replacement the cell's value.
    pub fn fix(&mut self, d: Diagnostic, col: usize, replacement: String) {
        self.diags.push(d.fixed(replacement.clone()));
        self.set(col, replacement);
    }
}

/// Buffers [`check_row`] reuses from row to row (one per thread).
#[derive(Debug, Default)]
pub struct Scratch {
    overrides: Vec<(usize, String)>,
    bools: Vec<licenses::Bool>,
    /// The last email domain and Preferred Webex Site found valid on this thread.
    domain: Remembered,
    site: Remembered,
    /// License patterns read before.
    licenses: licenses::Memo,
}

/// The last value of one kind found valid on a thread, kept from row to row: a file holds
/// few email domains and few sites, so most rows can skip checking theirs again.
#[derive(Debug, Default)]
pub(crate) struct Remembered(Vec<u8>);

impl Remembered {
    /// Whether `value` is the value remembered (nothing is, before the first).
    pub fn holds(&self, value: &str) -> bool {
        self.holds_bytes(value.as_bytes())
    }

    /// Whether `value` is the value remembered, as bytes.
    pub fn holds_bytes(&self, value: &[u8]) -> bool {
        !self.0.is_empty() && self.0 == value
    }

    /// Remembers `value`, found valid.
    pub fn remember(&mut self, value: &str) {
        self.0.clear();
        self.0.extend_from_slice(value.as_bytes());
    }
}

/// Where a row comes from: its cells, place, source bytes (for the stray-quote guard) and
/// what a spreadsheet says about its cells.
#[derive(Clone, Copy, Debug)]
pub struct RowInput<'a> {
    /// The cells.
    pub fields: Fields<'a>,
    /// Where the record stands.
    pub meta: Meta,
    /// Its source bytes.
    pub raw: &'a [u8],
    /// Spreadsheet notes about its cells.
    pub notes: &'a [CellNote],
    /// With a profile, the user's row before the profile mapped it into `fields` (the
    /// unmapped offer of `unmapped-value` is there).
    pub source: Option<Fields<'a>>,
}

/// Checks one record.
#[must_use]
pub fn check_row<'a>(
    input: RowInput<'a>,
    schema: &'a Schema,
    opts: &'a Options,
    matcher: Option<&'a state::Matcher<'a>>,
    scratch: &mut Scratch,
) -> RowOutcome {
    let mut outcome = RowOutcome::blank(input.meta);
    check_row_into(input, schema, opts, matcher, scratch, &mut outcome);
    outcome
}

/// [`check_row`], written over `out`: an outcome of an earlier row, whose email's buffer is
/// used again (a row's outcome is a few hundred bytes; built in place, it is not copied, and
/// a clean row allocates nothing). Its findings' buffer is not: kept, a row's room for
/// findings would pass to every later row written over it, and the stages' outcomes would
/// each come to hold some (12 MiB more at 1,000,000 rows).
pub fn check_row_into<'a>(
    input: RowInput<'a>,
    schema: &'a Schema,
    opts: &'a Options,
    matcher: Option<&'a state::Matcher<'a>>,
    scratch: &mut Scratch,
    out: &mut RowOutcome,
) {
    let RowInput { fields, meta, raw, notes, source } = input;
    let mut user = out.user.take();
    match fields.get(schema.email).map(str::trim).filter(|s| !s.is_empty()) {
        Some(email) => {
            let user = user.get_or_insert_with(String::new);
            user.clear();
            user.push_str(email);
        }
        None => user = None,
    }
    let mut overrides = std::mem::take(&mut scratch.overrides);
    overrides.clear();
    let bools = std::mem::take(&mut scratch.bools);
    let mut ctx = RowCtx {
        schema,
        existing: None,
        opts,
        meta,
        user,
        fields,
        source,
        overrides,
        bools,
        diags: Vec::new(),
    };
    check_cells(&mut ctx, fields.len(), raw, notes, matcher, scratch, out);
    scratch.overrides = ctx.overrides;
    scratch.bools = ctx.bools;
}

/// The checks of [`check_row`], on a prepared context, into `out`.
fn check_cells<'a>(
    ctx: &mut RowCtx<'a>,
    len: usize,
    raw: &[u8],
    notes: &[CellNote],
    matcher: Option<&'a state::Matcher<'a>>,
    scratch: &mut Scratch,
    out: &mut RowOutcome,
) {
    let (schema, meta) = (ctx.schema, ctx.meta);
    let has_status = !ctx.get(schema.user_status).trim().is_empty();
    let evidence = if matcher.is_some() { Evidence::CurrentExport } else { Evidence::UserStatus };

    if let Some(d) = structure(ctx, len, raw) {
        ctx.diags.push(d);
        *out = RowOutcome {
            user: ctx.user.take(),
            action: Action::Invalid,
            evidence,
            diagnostics: std::mem::take(&mut ctx.diags),
            has_status,
            ..RowOutcome::blank(meta)
        };
        return;
    }

    if spans_lines(ctx, raw) {
        line_breaks(ctx);
    }
    cells(ctx, notes);
    if !schema.duplicates.is_empty() {
        duplicates(ctx);
    }
    safety::text(ctx);
    let email = identity::email(ctx, &mut scratch.domain);
    if let (Some(m), Some(_)) = (matcher, email) {
        let existing = m.current.lookup(&ctx.get(Some(schema.email)).to_lowercase());
        ctx.existing = existing;
    }
    location::check(ctx, matcher.map(|m| m.current));
    let lic = licenses::check(ctx, &mut scratch.licenses);
    let designated = lic.designated.and_then(|(_, p)| schema.catalogue.package(p));
    if !schema.add_ons.is_empty() {
        licenses::add_ons(ctx, designated, lic.all_false);
    }
    let (phone, extension) = calling::check(ctx, designated);
    meetings::check(ctx, designated, &mut scratch.site);
    // A user neither in the export nor from one (no User Status) is created by the row.
    let new_user = ctx.existing.is_none() && !has_status;
    identity::names(ctx, designated, new_user);
    identity::manager(ctx);

    if let Some(m) = matcher {
        state::in_use(ctx, m, phone.as_ref().map(|(_, number)| number.as_str()));
    }
    let mut changes = None;
    let mut package_before = None;
    let mut state_action = None;
    if let Some(m) = matcher {
        if ctx.diags.iter().any(|d| d.severity >= Severity::Error) {
            changes = Some(Vec::new());
            package_before = ctx.existing.and_then(|e| e.package()).map(|p| p.id.to_owned());
        } else {
            let designated_col = lic.designated.and_then(|(c, p)| Some((c, schema.catalogue.package(p)?)));
            let existing = ctx.existing;
            let (c, before, action) = state::compare(ctx, existing, m, lic.all_false, designated_col);
            changes = Some(c);
            package_before = before;
            state_action = Some(action);
        }
    }

    // Only a profile writes values (its notes, or the value map's source row).
    if !notes.is_empty() || ctx.source.is_some() {
        profile_values(ctx, notes);
    }
    // Report a row's findings left to right, row-level ones last, as a reader scans it.
    ctx.diags.sort_by_key(|d| d.col_index.unwrap_or(usize::MAX));
    *out = RowOutcome {
        meta,
        user: ctx.user.take(),
        action: Action::Add,
        package: designated.map(|p| p.id),
        package_col: lic.designated.map(|(col, _)| col),
        evidence,
        diagnostics: std::mem::take(&mut ctx.diags),
        keys: Keys { email, phone, extension },
        filled: if notes.is_empty() { [0; 3] } else { filled_keys(schema, notes) },
        has_status,
        changes,
        package_before,
        existing: ctx.existing.map(|e| e.index()),
    };
    out.action = match state_action {
        Some(action) if !out.has_error() => action,
        _ => crate::actions::infer(out, lic.all_false),
    };
}

/// Findings about a value a profile wrote (`[defaults]`, `[[when]]`): the user's row does not
/// hold it, so the finding has no cell (the human report draws it on the row) and says whose
/// value it is, in its message and help (the JSON report's fields are unchanged).
#[inline(never)]
fn profile_values(ctx: &mut RowCtx<'_>, notes: &[CellNote]) {
    for note in notes {
        let CellNote::Filled(col, when) = *note else { continue };
        for d in ctx.diags.iter_mut().filter(|d| d.col_index == Some(col)) {
            profile_value(d, ctx.schema, col, when);
        }
    }
    // A package or basic license cell the value map wrote: its cell is the offer's (the
    // cause), which holds the offer, not the `TRUE` or `FALSE` the finding is about.
    let schema = ctx.schema;
    let Some(source) = ctx.source else { return };
    for d in &mut ctx.diags {
        let Some(col) = d.col_index else { continue };
        if matches!(d.rule, Rule::UnmappedValue | Rule::NoPackage)
            || !schema.generated.get(col).copied().unwrap_or(false)
            || d.value.as_deref().is_none_or(|v| v.trim().is_empty())
        {
            continue;
        }
        let Some(offer) = schema.source_col(col).and_then(|c| source.get(c)).map(str::trim) else { continue };
        let value = d.value.as_deref().unwrap_or_default();
        let _ = write!(
            d.message,
            " (`{value}` is what the profile's [packages] value map writes for the offer `{offer}`, not a cell of the file)"
        );
        d.help = format!(
            "{}; or map the offer `{offer}` to another package in the profile's [packages] values",
            d.help
        )
        .into();
    }
}

/// Marks `d`, a finding about column `col`'s value, as one about a value the profile wrote:
/// its `[defaults]` (`when` is `None`) or its `[[when]]` table `when`.
pub(crate) fn profile_value(d: &mut Diagnostic, schema: &Schema, col: usize, when: Option<usize>) {
    let (source, fix) = match when.and_then(|n| schema.when_labels.get(n)) {
        Some(label) => (format!("[[when]] value for {label}"), format!("in the [[when]] table for {label}")),
        None => ("[defaults] value".to_owned(), "under [defaults]".to_owned()),
    };
    let value = d.value.as_deref().map_or_else(|| "the value".to_owned(), |v| format!("`{v}`"));
    let _ = write!(d.message, " ({value} is the profile's {source}, not a cell of the file)");
    d.help = format!("{}; or correct `{}` {fix} in the profile", d.help, schema.name(col)).into();
    d.cell = None;
    d.source_col = None;
}

/// [`RowOutcome::filled`] for a row with `notes`.
#[inline(never)]
fn filled_keys(schema: &Schema, notes: &[CellNote]) -> [u16; 3] {
    let mut filled = [0; 3];
    for note in notes {
        let CellNote::Filled(col, when) = *note else { continue };
        let by = when.map_or(1, |n| u16::try_from(n).map_or(u16::MAX, |n| n.saturating_add(2)));
        for (slot, key) in filled.iter_mut().zip([Some(schema.email), schema.phone, schema.extension]) {
            if key == Some(col) {
                *slot = by;
            }
        }
    }
    filled
}

/// What a spreadsheet says about cells: error cells (`cell-error`, then read as empty by the
/// other rules: the error is the cause) and extensions stored as numbers.
fn cells(ctx: &mut RowCtx<'_>, notes: &[CellNote]) {
    for note in notes {
        match *note {
            CellNote::Error(col) if col < ctx.width() => {
                let d = ctx.at(
                    Rule::CellError,
                    col,
                    format!("`{}` is a spreadsheet error, not a value", ctx.get(Some(col))),
                    "fix the formula or the reference in the spreadsheet, or type the value; hubcsv does not guess it",
                );
                ctx.diags.push(d);
                ctx.set(col, String::new());
            }
            CellNote::NoValue(col) if col < ctx.width() => {
                let d = ctx.at(
                    Rule::CellError,
                    col,
                    "the cell holds a formula whose result was never saved (the workbook was written by a program, not by Excel): it reads as empty".to_owned(),
                    "open the workbook in Excel and save it, so that each formula's result is stored; or type the value",
                );
                ctx.diags.push(d);
            }
            CellNote::Unmapped(col) => {
                // The cell is the user's offer column, not the package column it sets.
                let offer = ctx
                    .schema
                    .source_col(col)
                    .and_then(|c| ctx.source?.get(c))
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned();
                let mut d = ctx.at(
                    Rule::UnmappedValue,
                    col,
                    format!("the offer `{offer}` is not in the profile's package value map"),
                    "add the value under [packages] values in the profile, mapped to a package id or \"remove\"",
                );
                if let Some(name) = ctx.schema.source_name(col) {
                    d.column = Some(name.to_owned());
                }
                d.value = Some(offer);
                ctx.diags.push(d);
            }
            CellNote::Number(col) if Some(col) == ctx.schema.extension => {
                let d = ctx.at(
                    Rule::ExtensionStoredAsNumber,
                    col,
                    format!(
                        "extension `{}` is stored as a number: a leading 0 would have been dropped",
                        ctx.get(Some(col))
                    ),
                    "format the Extension column as Text and check the extensions that should start with 0",
                );
                ctx.diags.push(d);
            }
            _ => {}
        }
    }
}

/// `duplicate-header` on a row: the repeat of a header holds a value that differs from the
/// kept column's. `fix` writes the kept column only (the first, or the column itself where an
/// alias came first), so such a row would lose a value the
/// user typed, or upload the wrong one: it is an error. A blank repeat agrees with anything.
fn duplicates(ctx: &mut RowCtx<'_>) {
    for &(col, first) in &ctx.schema.duplicates {
        let (value, kept) = (ctx.value(col).trim(), ctx.value(first).trim());
        if value.is_empty() || same_cell(ctx.schema.columns[first].class, value, kept) {
            continue;
        }
        let kept_letters = column_letters(ctx.schema.source_col(first).unwrap_or(first));
        let message = format!(
            "column {} `{}` holds `{value}` but column {kept_letters} `{}` holds `{kept}`: hubcsv cannot tell which one is meant (fix keeps column {kept_letters})",
            column_letters(ctx.schema.source_col(col).unwrap_or(col)),
            ctx.schema.columns[col].header.trim(),
            ctx.schema.columns[first].header.trim(),
        );
        let d = ctx.at(
            Rule::DuplicateHeader,
            col,
            message,
            "make the two cells agree, or delete one of the two columns",
        );
        ctx.diags.push(d);
    }
}

/// Whether a license cell reads as TRUE (`TRUE`, or an alias such as `VRAI`, `1`, `yes`).
#[must_use]
pub fn is_true(value: &str) -> bool {
    matches!(licenses::parse_bool(value).0, licenses::Bool::True)
}

/// Whether a license cell reads as FALSE (`FALSE`, or an alias such as `FAUX`, `0`, `no`).
#[must_use]
pub fn is_false(value: &str) -> bool {
    matches!(licenses::parse_bool(value).0, licenses::Bool::False)
}

/// Whether two cells of columns with the same header say the same: equal once trimmed, the
/// same TRUE/FALSE in a license column (`true` = `TRUE`), the same email whatever its case.
fn same_cell(class: crate::schema::ColumnClass, a: &str, b: &str) -> bool {
    use crate::schema::ColumnClass;
    if a == b {
        return true;
    }
    match class {
        _ if class.is_boolean() => {
            let (x, y) = (licenses::parse_bool(a).0, licenses::parse_bool(b).0);
            x == y && x != licenses::Bool::Invalid
        }
        ColumnClass::Identity => a.to_lowercase() == b.to_lowercase(),
        _ => false,
    }
}

/// `line-break-in-value`: a Control Hub field (not a column hubcsv does not know) whose
/// value, trimmed, runs over several lines. No Control Hub field is several lines long; a
/// stray quote that opened the field and closed on a later line makes one, with the row
/// it swallowed inside (`unclosed-quote` catches it when the swallowed line shows an email
/// where the header puts it; this catches the rest).
fn line_breaks(ctx: &mut RowCtx<'_>) {
    for col in 0..ctx.width() {
        if !ctx.schema.columns[col].class.holds_one_line() {
            continue;
        }
        let value = ctx.value(col).trim();
        if memchr::memchr2(b'\n', b'\r', value.as_bytes()).is_none() {
            continue;
        }
        let (lines, shown) = lines_shown(value);
        let message = format!(
            "`{}` runs over {lines} lines ({shown}): a Control Hub field is one line",
            ctx.schema.name(col)
        );
        let d = ctx.at(
            Rule::LineBreakInValue,
            col,
            message,
            "if a stray `\"` opened this field, remove it: the next lines may be users' rows swallowed into this cell; otherwise put the value on one line",
        );
        ctx.diags.push(d);
    }
}

/// A value over several lines, for a message: how many lines hold text (at least 2), and
/// the first three of them, each cut at 40 characters (`` `Ana` / `ben@example.com,Ben` ``).
pub(crate) fn lines_shown(value: &str) -> (usize, String) {
    let lines: Vec<&str> = value.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut shown: Vec<String> =
        lines.iter().take(3).map(|l| format!("`{}`", l.chars().take(40).collect::<String>())).collect();
    if lines.len() > 3 {
        shown.push("…".to_owned());
    }
    (lines.len().max(2), shown.join(" / "))
}

/// Whether the record runs over several lines of the input, so that a field may hold a line
/// break. A line (`Fields::line`: read whole, or with quotes that only wrapped its fields)
/// is one line of the input: only other records are scanned.
fn spans_lines(ctx: &RowCtx<'_>, raw: &[u8]) -> bool {
    !ctx.fields.is_line() && memchr::memchr2(b'\n', b'\r', raw::trim_terminator(raw)).is_some()
}

/// Ragged rows and stray quotes: the record's shape does not match the header.
fn structure(ctx: &RowCtx<'_>, len: usize, raw: &[u8]) -> Option<Diagnostic> {
    let width = ctx.schema.width();
    if spans_lines(ctx, raw) && memchr::memchr(b'"', raw).is_some() {
        let scan = raw::scan_quotes(raw, ctx.opts.delimiter, width, ctx.schema.source_col(ctx.schema.email));
        // Two rows' emails around a quote: a row swallowed when the quoted field is one of
        // Control Hub's, which are one line; a column hubcsv does not know may hold a list
        // of addresses over several lines.
        let email_rows = scan.email_rows.is_some_and(|field| {
            let class = (0..width)
                .find(|&c| ctx.schema.source_col(c) == Some(field))
                .map(|c| ctx.schema.columns[c].class);
            class.is_some_and(crate::schema::ColumnClass::holds_one_line)
        });
        if let Some((offset, field)) = scan.multiline_field {
            if scan.open_at_end || scan.swallowed_row || email_rows || len != width {
                let lines_before = memchr::memchr_iter(b'\n', &raw[..offset]).count() as u64;
                let mut d = ctx.row(
                    Rule::UnclosedQuote,
                    if scan.open_at_end {
                        "a quote opens here and never closes: the rest of the file was read as one field".to_owned()
                    } else if len == width {
                        "a quote opens here and closes on a later line: the lines it spans read as rows of their own, swallowed into this field".to_owned()
                    } else {
                        format!(
                            "a quote opens here and swallows line breaks: this record has {len} fields, the header {width}"
                        )
                    },
                    "close the quote, or remove the stray `\"`; quotes belong only around a whole field",
                );
                d.line = ctx.meta.line + lines_before;
                d.column = Some(ctx.schema.name(field).to_owned());
                // The raw text is the user's: `field` counts their columns.
                d.cell = Some(format!("{}{}", column_letters(field), ctx.meta.sheet_row));
                d.source_col = Some(field);
                return Some(d);
            }
        }
    }
    if ctx.opts.sheet && len > width {
        // A sheet has no delimiters to misplace: a value right of the table's last header.
        let first =
            (width..len).find(|&c| !ctx.fields.get(c).unwrap_or("").trim().is_empty()).unwrap_or(width);
        let (cell, last) = (column_letters(first), column_letters(width.saturating_sub(1)));
        let mut d = ctx.row(
            Rule::RaggedRow,
            format!("this row has a value in column {cell}, right of the table's last header ({last})"),
            "give the column a header in the header row, or clear the cell: Control Hub matches values to columns by header",
        );
        d.cell = Some(format!("{cell}{}", ctx.meta.sheet_row));
        // The user's column, for the report to point at the cell (it has no header).
        d.source_col = Some(first);
        return Some(d);
    }
    (len != width).then(|| {
        ctx.row(
            Rule::RaggedRow,
            format!("this row has {len} fields, the header has {width}"),
            if len > width {
                "an unquoted comma splits a value: put the value in double quotes, or remove the extra field"
            } else {
                "add the missing fields (empty ones are fine: `,,`), so every row has as many fields as the header"
            },
        )
    })
}
