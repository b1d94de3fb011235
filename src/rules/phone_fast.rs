//! A fast path for E.164 validity that gives libphonenumber's verdict (the `phonenumber`
//! crate's `parse` + `is_valid`) without its cost.
//!
//! The crate looks every pattern up in one regex cache behind a global mutex, with room for
//! 100 patterns: about 7 µs a number on one thread, worse with more threads or countries.
//! Here the same pattern sources, taken from the crate's own metadata, are compiled once per
//! country code (lazily, on first use) into plain `regex::Regex`es shared by all threads,
//! and `source_for` + `number_type` are replayed step for step.
//!
//! The fast path only decides `+<country code><national number>` where the crate's parser
//! would take the national number as is: it declines (returns `None`) when a region of the
//! code has a national prefix pattern matching the start of the number, when the number
//! starts with `0` (leading-zero rules), or when its length is outside 2..=17. The caller then
//! runs the full parse. `tests` hold a property test over many countries proving the verdicts
//! equal.

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// The crate tests patterns with `find(..).start() == 0`: under leftmost-first semantics that
/// is "a match starts at 0", so anchoring the pattern gives the same answer, faster.
fn anchored(source: &str) -> String {
    format!("^(?:{source}\n)")
}

/// Compiles a metadata pattern the way the crate does (`ignore_whitespace`: the XML
/// patterns are laid out over several lines), anchored at the start.
fn regex(source: &str) -> Option<Regex> {
    RegexBuilder::new(&anchored(source)).ignore_whitespace(true).build().ok()
}

/// A number type descriptor: pattern and possible lengths.
struct Desc {
    pattern: Regex,
    lengths: Vec<u16>,
}

impl Desc {
    fn new(d: &Descriptor) -> Option<Desc> {
        Some(Desc { pattern: regex(d.national_number().as_str())?, lengths: d.possible_length().to_vec() })
    }

    /// `Descriptor::is_match`: possible length, then a match starting at 0.
    fn is_match(&self, national: &str) -> bool {
        length_ok(&self.lengths, national) && self.pattern.is_match(national)
    }
}

fn length_ok(lengths: &[u16], national: &str) -> bool {
    let len = u16::try_from(national.len()).unwrap_or(u16::MAX);
    lengths.is_empty() || lengths.contains(&len)
}

/// One region's metadata, compiled.
struct Region {
    leading_digits: Option<Regex>,
    national_prefix: Option<Regex>,
    /// The plain national prefix, which the parser uses when there is no pattern.
    national_prefix_text: Option<String>,
    general: Desc,
    /// Every type `number_type` tries, as one set; a match of any makes the number valid.
    types: RegexSet,
    /// Possible lengths of each type in `types`.
    type_lengths: Vec<Vec<u16>>,
}

impl Region {
    fn new(meta: &Metadata) -> Option<Region> {
        let d = meta.descriptors();
        let types = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ];
        let types: Vec<&Descriptor> = types.into_iter().flatten().collect();
        let set = RegexSetBuilder::new(types.iter().map(|t| anchored(t.national_number().as_str())))
            .ignore_whitespace(true)
            .build()
            .ok()?;
        Some(Region {
            leading_digits: match meta.leading_digits() {
                Some(r) => Some(regex(r.as_str())?),
                None => None,
            },
            national_prefix: match meta.national_prefix_for_parsing() {
                Some(r) => Some(regex(r.as_str())?),
                None => None,
            },
            national_prefix_text: meta.national_prefix().map(str::to_owned),
            general: Desc::new(d.general())?,
            types: set,
            type_lengths: types.iter().map(|t| t.possible_length().to_vec()).collect(),
        })
    }

    /// Whether the parser might strip a national prefix (or transform) from `national`.
    fn may_strip(&self, national: &str) -> bool {
        self.national_prefix.as_ref().is_some_and(|p| p.is_match(national))
            || self.national_prefix_text.as_deref().is_some_and(|p| !p.is_empty() && national.starts_with(p))
    }

    /// `number_type(meta, national) != Type::Unknown`.
    fn is_valid(&self, national: &str) -> bool {
        if !self.general.is_match(national) || !self.type_lengths.iter().any(|l| length_ok(l, national)) {
            return false;
        }
        self.types.matches(national).iter().any(|i| length_ok(&self.type_lengths[i], national))
    }
}

/// The regions of one country calling code, in the database's order.
struct Code {
    regions: Vec<Region>,
}

fn compile(code: u16) -> Option<Code> {
    let ids = DATABASE.region(&code)?;
    let regions = if ids.len() == 1 && ids[0] == "001" {
        vec![Region::new(DATABASE.by_code(&code)?.into_iter().next()?)?]
    } else {
        ids.iter().map(|id| DATABASE.by_id(*id).and_then(Region::new)).collect::<Option<Vec<_>>>()?
    };
    Some(Code { regions })
}

fn codes() -> &'static HashMap<u16, OnceLock<Option<Code>>> {
    static CODES: OnceLock<HashMap<u16, OnceLock<Option<Code>>>> = OnceLock::new();
    CODES.get_or_init(|| DATABASE.iter().map(|m| (m.country_code(), OnceLock::new())).collect())
}

/// The verdict of `phonenumber::parse(None, e164)` + `is_valid` for `+<digits>`, or `None`
/// when the fast path cannot decide.
#[must_use]
pub fn is_valid_e164(e164: &str) -> Option<bool> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let codes = codes();
    let (code, national) = (1..=3.min(digits.len())).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        codes.get(&code).map(|slot| (slot, &digits[n..]))
    })?;
    if !(2..=17).contains(&national.len()) || national.starts_with('0') {
        return None;
    }
    let code = code.get_or_init(|| compile_code(digits)).as_ref()?;
    if code.regions.iter().any(|r| r.may_strip(national)) {
        return None;
    }
    // `source_for`: the only region, else the first whose leading digits match at the start,
    // or (without leading digits) for which the number is valid.
    let region = if code.regions.len() == 1 {
        code.regions.first()
    } else {
        code.regions.iter().find(|r| match &r.leading_digits {
            Some(p) => p.is_match(national),
            None => r.is_valid(national),
        })
    };
    Some(region.is_some_and(|r| r.is_valid(national)))
}

/// Compiles the code whose digits start `digits` (the one `is_valid_e164` found).
fn compile_code(digits: &str) -> Option<Code> {
    (1..=3.min(digits.len())).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        DATABASE.region(&code).and_then(|_| compile(code))
    })
}

#[cfg(test)]
mod tests {
    use super::is_valid_e164;
    use proptest::prelude::*;

    fn crate_verdict(e164: &str) -> bool {
        phonenumber::parse(None, e164).is_ok_and(|n| phonenumber::is_valid(&n))
    }

    #[test]
    fn known_numbers() {
        assert_eq!(is_valid_e164("+14085550101"), Some(true));
        assert_eq!(is_valid_e164("+442079460123"), Some(true));
        assert_eq!(is_valid_e164("+33145678900"), Some(true));
        assert_eq!(is_valid_e164("+1408555"), Some(false));
    }

    /// Country codes of many regions, several sharing a code (+1, +7, +44, +61, +262, +590).
    const CODES: &[&str] = &[
        "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
        "47", "48", "49", "51", "52", "54", "55", "56", "57", "60", "61", "62", "63", "64", "65", "66", "81",
        "82", "84", "86", "90", "91", "92", "212", "213", "216", "234", "254", "262", "351", "352", "353",
        "354", "358", "370", "371", "372", "380", "385", "420", "421", "590", "852", "886", "961", "966",
        "971", "972", "800", "808", "870", "881", "882", "883", "888", "979",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

        /// Wherever the fast path decides, it gives exactly the crate's verdict.
        #[test]
        fn fast_path_agrees_with_libphonenumber(code in prop::sample::select(CODES), national in "[0-9]{0,16}") {
            let e164 = format!("+{code}{national}");
            if let Some(fast) = is_valid_e164(&e164) {
                prop_assert_eq!(fast, crate_verdict(&e164), "{}", e164);
            }
        }

        /// Realistic numbers (a known-valid prefix, random subscriber digits) are mostly decided.
        #[test]
        fn fast_path_agrees_on_realistic_numbers(
            prefix in prop::sample::select(&["+1408555", "+1212", "+4420794", "+447700900", "+3314567", "+336123",
                "+49301234", "+49151", "+3906698", "+34911", "+81312345", "+61291", "+9198", "+861381", "+7495",
                "+5511987", "+27115", "+97150", "+65612", "+35312"][..]),
            rest in "[0-9]{0,8}",
        ) {
            let e164 = format!("{prefix}{rest}");
            if let Some(fast) = is_valid_e164(&e164) {
                prop_assert_eq!(fast, crate_verdict(&e164), "{}", e164);
            }
        }
    }

    #[test]
    fn most_realistic_numbers_take_the_fast_path() {
        let numbers: Vec<String> =
            (0..2000).map(|i| format!("+1408{}{:04}", 200 + i / 100, i % 10_000)).collect();
        let decided = numbers.iter().filter(|n| is_valid_e164(n).is_some()).count();
        assert_eq!(decided, numbers.len());
        let fr: Vec<String> = (0..500).map(|i| format!("+33145{:06}", i)).collect();
        assert!(fr.iter().filter(|n| is_valid_e164(n).is_some()).count() > 400);
    }
}
