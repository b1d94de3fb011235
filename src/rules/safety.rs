//! Cell hygiene: invisible characters (`whitespace`) and spreadsheet formulas
//! (`formula-injection`).

use super::{RowCtx, Rule};
use crate::input::batch::Fields;
use crate::schema::ColumnClass;

/// Characters that take no room on screen and mean nothing inside a value: zero-width
/// spaces and joiners, the byte-order mark, the soft hyphen (each starts with a byte
/// `spaces` looks for). Removed wherever they are.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
}

/// The bidirectional marks and controls that text pasted from right-to-left mail clients
/// carries. Inside a value they order its right-to-left and left-to-right runs (a Hebrew
/// name with `(IT)`), so they stay; at its ends they are removed, as spaces are.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character is invisible: zero-width, or a bidirectional mark. Headers match
/// without them.
#[must_use]
pub fn is_invisible(c: char) -> bool {
    is_zero_width(c) || is_bidi(c)
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}'
}

/// What is trimmed from a value's ends: white space and bidirectional marks.
fn is_edge(c: char) -> bool {
    is_blank(c) || is_bidi(c)
}

/// The cell cleaned: zero-width characters removed, non-breaking spaces made plain spaces,
/// and surrounding white space trimmed. `None` when the value is already clean.
#[must_use]
pub fn clean(value: &str) -> Option<String> {
    // ASCII has no invisible or non-breaking characters: only the ends can be dirty.
    if value.is_ascii() {
        let space = |b: Option<&u8>| b.is_some_and(|b| is_ascii_space(*b));
        let bytes = value.as_bytes();
        return (space(bytes.first()) || space(bytes.last())).then(|| value.trim().to_owned());
    }
    let dirty = value.starts_with(is_edge)
        || value.ends_with(is_edge)
        || value.chars().any(|c| is_zero_width(c) || c == '\u{00A0}');
    if !dirty {
        return None;
    }
    let cleaned: String =
        value.chars().filter(|c| !is_zero_width(*c)).map(|c| if c == '\u{00A0}' { ' ' } else { c }).collect();
    Some(cleaned.trim_matches(is_edge).to_owned())
}

fn describe(value: &str) -> &'static str {
    if value.chars().any(is_zero_width) || value.starts_with(is_bidi) || value.ends_with(is_bidi) {
        "holds invisible zero-width characters"
    } else if value.contains('\u{00A0}') {
        "holds non-breaking spaces"
    } else {
        "has spaces around the value"
    }
}

/// `cell-too-long`, `whitespace`, `formula-injection`, `replacement-character` and
/// `control-character`, in one pass over the cells (each cell in that order: a cut cell is
/// not trimmed, a trimmed one is checked as trimmed).
/// Empty cells, most of a row, are passed at once. Sets the row's user from the email cell
/// as trimmed.
pub(super) fn text(ctx: &mut RowCtx<'_>) {
    // One look at a cell decides whether any of the three can fire ([`passes`], row by row
    // in [`suspects`]): a clean cell is passed at once.
    let schema = ctx.schema;
    let exempt = |col: usize| schema.columns.get(col).is_some_and(|c| formula_exempt(c.class));
    let look = |ctx: &mut RowCtx<'_>, col: usize| {
        // A column the corrected output leaves out (a blank or repeated header, hubcsv's
        // annotations) is not uploaded: its cells are not values to judge.
        if ctx.schema.columns.get(col).is_some_and(|c| c.class.is_dropped()) {
            return;
        }
        too_long(ctx, col);
        whitespace(ctx, col);
        formula_injection(ctx, col);
        replacement(ctx, col);
        control(ctx, col);
    };
    if ctx.overrides.is_empty() {
        // No cell replaced yet (nearly every row): the cells straight from the fields. The
        // three rules only replace the cell they look at, so later cells stay as read.
        let fields = ctx.fields;
        suspects(fields, exempt, |col| look(ctx, col));
    } else {
        for col in 0..ctx.width() {
            // A replaced value is not one of the row's fields: tested on its own.
            if !passes(ctx.value(col).as_bytes(), false, false, || exempt(col)) {
                look(ctx, col);
            }
        }
    }
    if ctx.schema.columns.first().is_some_and(|c| c.class == ColumnClass::Annotation) {
        escaped_formulas(ctx);
    }
    if ctx.schema.email < ctx.width() {
        let email = ctx.value(ctx.schema.email);
        // Most often the cell was clean and the user is the cell already.
        if ctx.user.as_deref().unwrap_or("") != email {
            ctx.user = (!email.is_empty()).then(|| email.to_owned());
        }
    }
}

/// Calls `look` with each cell of `fields` that fails [`passes`], in order (`exempt`:
/// whether a column takes a leading `=+-@` as data). In a row no longer than a cell may be,
/// of printable ASCII only, or without a control character or a byte that starts a non-ASCII
/// space or invisible character (vectorised passes over its text), only the cells' edges can
/// fail the test: nearly every row is judged by its cells' first and last bytes alone.
fn suspects(fields: Fields<'_>, exempt: impl Fn(usize) -> bool, mut look: impl FnMut(usize)) {
    let joined = fields.joined().as_bytes();
    // One pass decides for most rows: printable ASCII has neither controls nor spaces to look
    // for. Other rows are looked through once for both.
    let printable = is_printable_ascii(joined);
    if joined.len() <= MAX_CELL_CHARS && (printable || !odd_bytes(joined)) {
        let text = fields.text().as_bytes();
        let edge = |at: usize| text.get(at).map_or(SPACE, |&b| EDGE[usize::from(b)]);
        for (col, span) in fields.spans().enumerate() {
            if span.is_empty() {
                continue;
            }
            if !edges_pass(edge(span.start), edge(span.end - 1), || exempt(col)) {
                look(col);
            }
        }
    } else {
        // `ascii`: the cell is known to be ASCII (it is one of the row's fields as read);
        // `plain`: it holds no control character, the row having none.
        let row_ascii = printable || joined.is_ascii();
        let row_plain = printable || !controls(joined);
        for (col, v) in fields.iter_bytes().enumerate() {
            if !passes(v, row_ascii, row_plain, || exempt(col)) {
                look(col);
            }
        }
    }
}

/// The quick test: whether none of `cell-too-long`, `whitespace`, `formula-injection`,
/// `replacement-character` and `control-character` can fire on a cell of these bytes
/// (`ascii`: known to be ASCII; `plain`: known to hold no control character; `exempt`: its
/// column takes a leading `=+-@` as data). Past its ends, only a control character, a
/// non-ASCII space, non-breaking space, zero-width character or U+FFFD dirties a cell, and
/// each of the non-ASCII ones starts with one of five bytes; a cell without them (accents,
/// most scripts) is judged by its edges as ASCII is.
#[allow(clippy::inline_always)] // called for every cell: not inlined, it costs 2.7% of a run
#[inline(always)]
fn passes(v: &[u8], ascii: bool, plain: bool, exempt: impl FnOnce() -> bool) -> bool {
    let (Some(&first), Some(&last)) = (v.first(), v.last()) else { return true };
    let edge = |b: u8| EDGE[usize::from(b)];
    (ascii || v.is_ascii() || !spaces(v))
        && (plain || !controls(v))
        && v.len() <= MAX_CELL_CHARS
        && edges_pass(edge(first), edge(last), exempt)
}

/// The quick test at a cell's edges, given what their bytes can mean ([`EDGE`]): no white
/// space last, and nothing first, or a formula's start where the column takes it as data.
#[inline]
fn edges_pass(first: u8, last: u8, exempt: impl FnOnce() -> bool) -> bool {
    last & SPACE == 0 && (first == 0 || (first == FORMULA && exempt()))
}

/// Whether `v` is printable ASCII only (a fold without early exit, vector code).
#[allow(clippy::needless_bitwise_bool)]
fn is_printable_ascii(v: &[u8]) -> bool {
    v.iter().fold(true, |m, &b| m & (b.wrapping_sub(0x20) < 0x5F))
}

/// Whether a byte is an ASCII control character other than a line break, or DEL. Line breaks
/// are `line-break-in-value`'s, and in a column hubcsv does not know they are data. (C1
/// controls start with 0xC2, one of [`spaces`]'s.)
#[allow(clippy::needless_bitwise_bool)]
fn is_control_byte(b: u8) -> bool {
    (b < 0x20) & (b != b'\n') & (b != b'\r') | (b == 0x7F)
}

/// Whether `v` holds a control byte ([`is_control_byte`]; a fold without early exit, vector
/// code).
fn controls(v: &[u8]) -> bool {
    v.iter().fold(false, |m, &b| m | is_control_byte(b))
}

/// Whether `v` may hold a control byte ([`is_control_byte`]: any byte below 0x20, or DEL)
/// or holds one that can start a non-ASCII space or invisible character ([`spaces`]): both
/// looks in one pass (a fold without early exit, vector code; [`is_control_byte`]'s
/// line-break test is left to the few rows this does not pass).
#[allow(clippy::needless_bitwise_bool)]
fn odd_bytes(v: &[u8]) -> bool {
    v.iter().fold(false, |m, &b| m | (b < 0x20) | (b == 0x7F) | is_space_lead(b))
}

/// Whether `v` holds a byte that can start a non-ASCII space, non-breaking space or
/// zero-width character (a fold without early exit, which the compiler turns into vector
/// code).
#[allow(clippy::needless_bitwise_bool)]
fn spaces(v: &[u8]) -> bool {
    v.iter().fold(false, |m, &b| m | is_space_lead(b))
}

/// Whether a byte can start a non-ASCII space, non-breaking space or zero-width character.
fn is_space_lead(b: u8) -> bool {
    matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF)
}

/// `replacement-character`: U+FFFD, which a program writes where it could not decode a
/// letter (a file read in the wrong encoding before it reached hubcsv, or a UTF-16 file
/// with half a character). The letter is lost: only the user can type it again. (Its first
/// byte, 0xEF, is one [`spaces`] looks for, so such a cell is always looked at.)
fn replacement(ctx: &mut RowCtx<'_>, col: usize) {
    if !ctx.value(col).contains('\u{FFFD}') {
        return;
    }
    let d = ctx.at(
        Rule::ReplacementCharacter,
        col,
        format!(
            "`{}` holds `\u{FFFD}`, the mark a program leaves where it could not read a letter: the letter is lost",
            ctx.value(col)
        ),
        "type the letter again; the file went through the wrong encoding on its way (save it as CSV UTF-8, or give hubcsv the original)",
    );
    ctx.diags.push(d);
}

/// Whether a character is a control character `control-character` removes: C0 and C1
/// controls and DEL, except the line breaks (`line-break-in-value`'s, and data in columns
/// hubcsv does not know).
fn is_stray_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\r'
}

/// What `fix` writes for a stray control character: a space for a tab, vertical tab or
/// form feed (they separated words, as when two spreadsheet cells are copied as one); for a
/// C1 control, the Windows-1252 character with its byte (text written in Windows-1252 and
/// read as Latin-1 turns `’` into U+0092), when there is one; else nothing.
fn control_replacement(c: char) -> Option<char> {
    match c {
        '\t' | '\u{0B}' | '\u{0C}' => Some(' '),
        '\u{80}'..='\u{9F}' => {
            let byte = [u8::try_from(u32::from(c)).ok()?];
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            text.chars().next().filter(|r| !r.is_control())
        }
        _ => None,
    }
}

/// How a finding names a control character: `a tab`, `U+0092 (Windows-1252's `’` read as
/// Latin-1)`, `the control character U+001B`.
fn control_name(c: char) -> String {
    match (c, control_replacement(c)) {
        ('\t', _) => "a tab".to_owned(),
        ('\u{80}'..='\u{9F}', Some(r)) => {
            format!("U+{:04X}, Windows-1252's `{r}` read as Latin-1", u32::from(c))
        }
        _ => format!("the control character U+{:04X}", u32::from(c)),
    }
}

/// A value with each control character written `<U+0009>`, for a message.
fn shown_controls(value: &str) -> String {
    use std::fmt::Write as _;
    let mut shown = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if c.is_control() {
            // Writing to a String does not fail.
            let _ = write!(shown, "<U+{:04X}>", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    shown
}

/// `control-character`: a cell holds a control character (a tab, an escape, a C1 control),
/// which no editor shows and no Control Hub field means: a copy of several spreadsheet cells
/// (a tab between them), a terminal's colour codes, text decoded with the wrong code page.
/// Fixed: a tab-like control becomes a space, a C1 control its Windows-1252 character, the
/// rest are removed.
fn control(ctx: &mut RowCtx<'_>, col: usize) {
    let value = ctx.value(col);
    // A C1 control starts with 0xC2 (as the non-breaking space does that sent most such cells here).
    if !value.bytes().any(|b| is_control_byte(b) || b == 0xC2) {
        return;
    }
    let Some(first) = value.chars().find(|&c| is_stray_control(c)) else { return };
    let others = value.chars().filter(|&c| is_stray_control(c)).count() - 1;
    let more = match others {
        0 => String::new(),
        1 => " and one more".to_owned(),
        n => format!(" and {n} more"),
    };
    let message = format!(
        "`{}` holds {}{more} (`{}`): a control character is not text",
        ctx.schema.name(col),
        control_name(first),
        shown_controls(value)
    );
    let fixed: String = value
        .chars()
        .filter_map(|c| if is_stray_control(c) { control_replacement(c) } else { Some(c) })
        .collect();
    let fixed = fixed.trim().to_owned();
    let d = ctx.at(
        Rule::ControlCharacter,
        col,
        message,
        "hubcsv fix removes it (a tab becomes a space); it came from copying several cells at once, or from a program that wrote its codes into the field",
    );
    ctx.fix(d, col, fixed);
}

fn whitespace(ctx: &mut RowCtx<'_>, col: usize) {
    if ctx.schema.columns[col].class.is_dropped() {
        return;
    }
    let Some(cleaned) = clean(ctx.value(col)) else { return };
    let d = ctx.at(
        Rule::Whitespace,
        col,
        format!("`{}` {}", ctx.schema.name(col), describe(ctx.value(col))),
        "hubcsv fix writes the value trimmed; invisible characters make Control Hub see a different value",
    );
    ctx.fix(d, col, cleaned);
}

/// The characters a spreadsheet takes as the start of a formula.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// Whether a spreadsheet would run the value as a formula: it starts with `=`, `+`, `-` or
/// `@`, and is neither a lone `-` (a placeholder HR exports use for "none") nor a number
/// with a sign (`-5`, `+3.5`, `-1,5`), which a spreadsheet reads as a number, not a formula.
/// Rules that validate a column's format skip such values: `formula-injection` already
/// reports them.
#[must_use]
pub fn is_formula(value: &str) -> bool {
    value.starts_with(FORMULA_STARTS) && value != "-" && !is_signed_number(value)
}

/// `+` or `-`, digits, and at most one `.` or `,` followed by digits.
fn is_signed_number(value: &str) -> bool {
    let Some(digits) = value.strip_prefix(['+', '-']) else { return false };
    let (whole, fraction) = match digits.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// `char::is_whitespace` of an ASCII byte: space, tab, line feed, vertical tab, form feed,
/// carriage return (`u8::is_ascii_whitespace` leaves out the vertical tab).
#[must_use]
pub const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// What a byte at the edge of a cell can mean: white space ([`is_ascii_space`]), or the
/// start of a formula ([`FORMULA_STARTS`]).
const SPACE: u8 = 1;
const FORMULA: u8 = 2;
const EDGE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 128 {
        #[allow(clippy::cast_possible_truncation)] // b < 128
        if is_ascii_space(b as u8) {
            table[b] = SPACE;
        }
        b += 1;
    }
    let mut k = 0;
    while k < FORMULA_STARTS.len() {
        table[FORMULA_STARTS[k] as usize] = FORMULA;
        k += 1;
    }
    table
};

/// Columns where a leading `=`, `+`, `-` or `@` is not a formula: booleans, phone numbers
/// (`+` starts E.164) and hubcsv's own annotations.
fn formula_exempt(class: ColumnClass) -> bool {
    class.is_boolean() || class.is_phone_like() || class.is_dropped()
}

fn formula_injection(ctx: &mut RowCtx<'_>, col: usize) {
    if formula_exempt(ctx.schema.columns[col].class) {
        return;
    }
    if is_formula(ctx.value(col)) {
        let d = ctx.at(
            Rule::FormulaInjection,
            col,
            format!("`{}` starts with `{}`: a spreadsheet runs it as a formula", ctx.schema.name(col), &ctx.value(col)[..1]),
            "remove the leading character, or check where the value came from: formulas in an upload file can run code when the file is opened",
        );
        ctx.diags.push(d);
    }
}

/// In a rejects file fed back in (it starts with hubcsv's `hubcsv rule` column), a value
/// that is `'` and a formula is hubcsv's own escape of a rejected formula: still
/// `formula-injection` until it is corrected, rather than text to upload with its `'`.
fn escaped_formulas(ctx: &mut RowCtx<'_>) {
    for col in 0..ctx.width() {
        if formula_exempt(ctx.schema.columns[col].class) {
            continue;
        }
        let Some(formula) = ctx.value(col).strip_prefix('\'').filter(|rest| is_formula(rest)) else {
            continue;
        };
        let message = format!(
            "`{}` is `'{}`: the rejects file's escape of a formula, not a value to upload",
            ctx.schema.name(col),
            formula.chars().take(40).collect::<String>()
        );
        let d = ctx.at(
            Rule::FormulaInjection,
            col,
            message,
            "write the value you mean in place of the formula (and without the `'`), then run fix again",
        );
        ctx.diags.push(d);
    }
}

/// The longest cell hubcsv accepts, in characters: Control Hub's longest fields (addresses,
/// emails) stay far below.
pub const MAX_CELL_CHARS: usize = 1_000;

fn too_long(ctx: &mut RowCtx<'_>, col: usize) {
    // Bytes first: a cell under the limit in bytes is under it in characters.
    if ctx.value(col).len() <= MAX_CELL_CHARS || ctx.value(col).chars().count() <= MAX_CELL_CHARS {
        return;
    }
    let chars = ctx.value(col).chars().count();
    let mut d = ctx.at(
        Rule::CellTooLong,
        col,
        format!("`{}` holds {chars} characters", ctx.schema.name(col)),
        "no Control Hub field is that long: a quote or a paste probably swallowed other data",
    );
    let shown: String = ctx.value(col).chars().take(80).collect();
    d.value = Some(format!("{shown}…"));
    ctx.diags.push(d);
    ctx.set(col, String::new());
}

#[cfg(test)]
mod tests {
    use super::clean;
    use crate::input::batch::Fields;

    /// The edge table says of every byte what the rules themselves test.
    #[test]
    fn edge_table_is_the_rules_tests() {
        for b in 0..=255u8 {
            let entry = super::EDGE[usize::from(b)];
            let ascii_space = b.is_ascii() && char::from(b).is_whitespace();
            assert_eq!(entry & super::SPACE != 0, ascii_space, "byte {b}");
            // The table marks every byte a formula can start with; the rule then looks at
            // the whole value (a lone `-` is not one).
            let starts = char::from(b).to_string().starts_with(super::FORMULA_STARTS);
            assert_eq!(entry & super::FORMULA != 0, starts, "byte {b}");
            assert!(!super::is_formula(&format!("{}x", char::from(b))) || starts, "byte {b}");
        }
    }

    proptest::proptest! {
        /// A cell the quick test passes is one none of the rules fires on: clean, not a
        /// formula (unless its column takes one), not too long, without a control character;
        /// over every non-ASCII space and invisible character, control characters, accents,
        /// kana and CJK.
        #[test]
        fn the_quick_test_passes_only_clean_cells(
            cell in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Z", "1", " ", "\t", "\u{b}", "=", "+", "-", "@", "é", "°", "王", "ア", "Ł",
                "\u{85}", "\u{a0}", "\u{1680}", "\u{2000}", "\u{200a}", "\u{2028}", "\u{2029}",
                "\u{202f}", "\u{205f}", "\u{3000}", "\u{200b}", "\u{200c}", "\u{200d}",
                "\u{2060}", "\u{feff}", "\u{ad}", "\u{180e}", "\u{200e}", "\u{200f}", "\u{202a}",
                "\u{202e}", "\u{2066}", "\u{2069}", "\u{1}", "\u{1b}", "\u{1f}", "\u{7f}", "\u{80}",
                "\u{92}", "\u{9f}", "\n", "\r", "\u{c}",
            ]), 0..8),
            long in proptest::bool::weighted(0.1),
            exempt in proptest::bool::ANY,
        ) {
            let mut value = cell.concat();
            if long {
                value = format!("{}{value}", "é".repeat(super::MAX_CELL_CHARS / 2));
            }
            if super::passes(value.as_bytes(), false, false, || exempt) {
                proptest::prop_assert_eq!(clean(&value), None, "{:?}", value);
                proptest::prop_assert!(!value.chars().any(super::is_stray_control), "{:?}", value);
                proptest::prop_assert!(exempt || !super::is_formula(&value), "{:?}", value);
                proptest::prop_assert!(value.chars().count() <= super::MAX_CELL_CHARS, "{:?}", value);
            }
        }
    }

    proptest::proptest! {
        /// The look over a whole row picks the cells the quick test fails, cell by cell:
        /// rows with and without delimiters between their fields, short and long, ASCII or
        /// not, with invisible characters or without.
        #[test]
        fn a_rows_suspects_are_the_cells_the_quick_test_fails(
            cells in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec![
                    "a", "1", " ", "\t", "=", "+", "-", "@", "é", "王", "\u{1b}", "\u{7f}", "\u{92}",
                    "\n",
                ]), 0..4),
                0..12,
            ),
            invisible in proptest::option::weighted(
                0.3,
                (0_usize..12, proptest::sample::select(vec!["\u{a0}", "\u{200b}", "\u{3000}", "\u{2028}"])),
            ),
            long in proptest::option::weighted(0.1, 0_usize..12),
            gap in 0_usize..2,
            lead in 0_usize..3,
            exempt in proptest::collection::vec(proptest::bool::ANY, 12),
        ) {
            let mut cells: Vec<String> = cells.iter().map(|c| c.concat()).collect();
            if let Some((at, c)) = invisible.filter(|(at, _)| *at < cells.len()) {
                cells[at].push_str(c);
            }
            if let Some(at) = long.filter(|at| *at < cells.len()) {
                cells[at] = format!("{}{}", "x".repeat(super::MAX_CELL_CHARS), cells[at]);
            }
            // The row's text after some other row's, its fields `gap` bytes apart.
            let mut text = "z,".repeat(lead);
            let start = text.len();
            let mut ends = Vec::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 && gap == 1 {
                    text.push(',');
                }
                text.push_str(cell);
                ends.push(text.len());
            }
            let fields = Fields::new(&text, &ends, start, gap);
            let mut found = Vec::new();
            super::suspects(fields, |col| exempt[col], |col| found.push(col));
            let failed: Vec<usize> = (0..cells.len())
                .filter(|&col| !super::passes(cells[col].as_bytes(), false, false, || exempt[col]))
                .collect();
            proptest::prop_assert_eq!(found, failed, "{:?}", cells);
        }
    }

    #[test]
    fn numbers_and_a_lone_dash_are_not_formulas() {
        for value in [
            "=1+1",
            "=HYPERLINK(\"x\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "-",
            "+",
            "--",
            "-5x",
            "-1.",
            "-.5",
            "+1.2.3",
        ] {
            let expected = !matches!(value, "-");
            assert_eq!(super::is_formula(value), expected, "{value}");
        }
        for value in ["-5", "+33", "-1.5", "-1,5", "+0", "5", "", "a-"] {
            assert!(!super::is_formula(value), "{value}");
        }
    }

    #[test]
    fn cleans_invisible_characters() {
        assert_eq!(clean(" a "), Some("a".into()));
        assert_eq!(clean("a\u{00A0}b"), Some("a b".into()));
        assert_eq!(clean("a\u{200B}"), Some("a".into()));
        assert_eq!(clean("a@example.com\u{200E}"), Some("a@example.com".into()), "left-to-right mark");
        assert_eq!(clean("\u{202B}HQ\u{202C}"), Some("HQ".into()), "bidi embedding");
        assert_eq!(clean("משה כהן\u{200F} (IT)"), None, "a mark inside a value orders it");
        assert_eq!(clean("Ro\u{00AD}sa"), Some("Rosa".into()), "soft hyphen");
        assert_eq!(clean("a b"), None);
    }
}
