//! Phone number verdicts, with libphonenumber's metadata (the `phonenumber` crate) deciding
//! validity (control-hub-csv.md §8.4).

use phonenumber::country::Id;
use phonenumber::Mode;

/// What a phone cell holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A valid number in compact E.164 form (`+14085550101`).
    Valid,
    /// A valid number written with separators; the compact form.
    Separators(String),
    /// A valid number whose digits as written are not its E.164 form: the parser dropped a
    /// national (trunk) prefix written after the country code (`+44 (0)20 7946 0958`,
    /// `+4402079460958`); the E.164 form (`+442079460958`).
    NationalPrefix(String),
    /// Digits that are a valid number once `+` is restored (or read in the region); the
    /// E.164 form.
    MissingPlus(String),
    /// Digits without `+` or `00` that read as a national number, and differently as an
    /// international one that lost its `+`: not fixed, since the country must be said.
    /// Without `--region`, ten digits that are a US or Canada number with `+1` (the North
    /// American plan writes national numbers so), `6468291462`: `national` is `+16468291462`,
    /// `international` New Zealand's `+6468291462` (or `None` when that is not valid). With
    /// `--region`, digits not in the region's usual national form (they lack its trunk
    /// prefix) that are valid both ways: `33145678900` with `--region DE` is `+4933145678900`
    /// or `+33145678900`.
    NoCountryCode {
        /// The reading as a national number (of `region`; without one, of the US or Canada).
        national: String,
        /// The `--region` the national reading is of.
        region: Option<Id>,
        /// The digits with `+` restored, when that is a valid number (of another country).
        international: Option<String>,
    },
    /// Scientific notation: digits were lost.
    Scientific,
    /// Not a valid number.
    Invalid,
}

impl Verdict {
    /// The E.164 form when the number is (or can be made) valid.
    #[must_use]
    pub fn e164<'a>(&'a self, value: &'a str) -> Option<&'a str> {
        match self {
            Verdict::Valid => Some(value),
            Verdict::Separators(n) | Verdict::NationalPrefix(n) | Verdict::MissingPlus(n) => Some(n),
            Verdict::NoCountryCode { .. } | Verdict::Scientific | Verdict::Invalid => None,
        }
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/')
}

/// libphonenumber's reading of `+` followed by digits.
#[derive(Debug, PartialEq, Eq)]
enum Reading {
    /// Valid, and the number as written is its E.164 form.
    AsWritten,
    /// Valid, with another E.164 form: the parser dropped a national (trunk) prefix after the
    /// country code (`+4402079460958` is `+442079460958`).
    Normalised(String),
    /// Not a valid number.
    Invalid,
}

impl Reading {
    /// The E.164 form of `compact` (the number read), if valid.
    fn into_e164(self, compact: String) -> Option<String> {
        match self {
            Reading::AsWritten => Some(compact),
            Reading::Normalised(e164) => Some(e164),
            Reading::Invalid => None,
        }
    }
}

/// `+` followed by digits: a valid E.164 number, and is it written as its E.164 form?
/// libphonenumber decides, through the fast path when it can ([`super::phone_fast`]): it
/// decides only numbers the parser takes as written, so only the numbers it declines (a
/// national prefix or a `0` after the country code) can read as another E.164 form, and only
/// they pay for formatting one.
fn read_e164(compact: &str) -> Reading {
    if compact.len() > 16 {
        return Reading::Invalid;
    }
    match super::phone_fast::is_valid_e164(compact) {
        Some(true) => Reading::AsWritten,
        Some(false) => Reading::Invalid,
        None => read_e164_slow(compact),
    }
}

/// [`read_e164`] by the crate's full parse.
fn read_e164_slow(compact: &str) -> Reading {
    let Ok(number) = phonenumber::parse(None, compact) else { return Reading::Invalid };
    if !phonenumber::is_valid(&number) {
        return Reading::Invalid;
    }
    let e164 = number.format().mode(Mode::E164).to_string();
    if e164 == compact {
        return Reading::AsWritten;
    }
    // Written as the E.164 form, the number must read as itself (or `fix` would change its
    // own output); one that would not is kept as written, as before.
    if is_fixed_point(&e164) {
        Reading::Normalised(e164)
    } else {
        Reading::AsWritten
    }
}

/// Whether `e164` is a valid number written as its own E.164 form.
fn is_fixed_point(e164: &str) -> bool {
    e164.len() <= 16
        && super::phone_fast::is_valid_e164(e164).unwrap_or_else(|| {
            phonenumber::parse(None, e164)
                .is_ok_and(|n| phonenumber::is_valid(&n) && n.format().mode(Mode::E164).to_string() == e164)
        })
}

/// The national (trunk) prefix written after the country code that the E.164 form `e164` of
/// `value` leaves out: `0` for `+44 (0)20 7946 0958` or `4402079460958` (`+442079460958`).
/// `None` when the digits of `value` (after an international `00`) are not those of `e164`
/// with some digits taken out after a common start.
#[must_use]
pub fn dropped_prefix(value: &str, e164: &str) -> Option<String> {
    let written: String = value.chars().filter(char::is_ascii_digit).collect();
    let e164 = e164.strip_prefix('+')?;
    // A country code never starts with `0`: a leading `00` is the international prefix.
    let written = written.strip_prefix("00").unwrap_or(&written);
    let extra = written.len().checked_sub(e164.len()).filter(|&n| n > 0)?;
    let common = written.bytes().zip(e164.bytes()).take_while(|(w, e)| w == e).count();
    (common > 0 && written[common..].ends_with(&e164[common..]))
        .then(|| written[common..common + extra].to_owned())
}

/// How a message names `prefix`, the digits the E.164 form `e164` drops after the country
/// code: "the national (trunk) prefix `0`" when it is the country's, else "the digits `00`"
/// (`+44 00 20…`: Britain's trunk prefix is `0`, and `00` its international prefix).
#[must_use]
pub fn prefix_name(e164: &str, prefix: &str) -> String {
    let digits = e164.strip_prefix('+').unwrap_or(e164);
    let trunk = (1..=3).filter_map(|n| digits.get(..n)?.parse::<u16>().ok()).any(|code| {
        phonenumber::metadata::DATABASE
            .by_code(&code)
            .is_some_and(|metas| metas.iter().any(|m| m.national_prefix() == Some(prefix)))
    });
    if trunk {
        format!("the national (trunk) prefix `{prefix}`")
    } else {
        format!("the digits `{prefix}`")
    }
}

/// Whether `value` is a `tel:` link (in any case).
pub(super) fn is_tel_link(value: &str) -> bool {
    value.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:"))
}

/// The ASCII character of a full-width form (`８` is `8`, `＋` is `+`); any other as it is.
pub(super) fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// `value` as a spreadsheet would hold it, when it is written in a form from elsewhere: a
/// `tel:` link (Teams' line URIs, directory exports: `tel:+14085550104`); full-width digits
/// and signs, typed with a Japanese or Chinese input method (`＋８１　９０－１２３４－５６７８`);
/// Unicode spaces and dashes, copied from a web page, a document or a locale's number format
/// (the narrow no-break space of French digit groups, an en dash). `None` when it is not.
fn plain_form(value: &str) -> Option<String> {
    let link = is_tel_link(value);
    if !link && value.is_ascii() {
        return None;
    }
    let rest = if link { &value[4..] } else { value };
    let plain: String = rest
        .chars()
        // Full-width forms of ASCII (digits, `+`, `-`, `(`, `)`, `.`, `/`) as ASCII.
        .map(|c| match half_width(c) {
            // Space separators: no-break, en to hair, narrow no-break, medium, ideographic.
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
            // Hyphens and dashes, the minus sign, and the katakana long vowel mark typed for one.
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{30FC}' => '-',
            c => c,
        })
        .collect();
    (link || plain != value).then_some(plain)
}

/// Whether `value` looks like `4.08555E+10`, `4,08555e10` or `40855E+6`.
#[must_use]
pub fn is_scientific(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['e', 'E']) else { return false };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (int, frac) = mantissa.split_once(['.', ',']).unwrap_or((mantissa, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac) && digits(exponent)
}

/// Whether `digits` are written as national numbers of `region` usually are: with its trunk
/// prefix (`0` in most of Europe), or in a region without one, or as the ten digits of the
/// North American plan (whose prefix `1` is usually left out).
fn usual_national_form(region: Id, digits: &str) -> bool {
    let Some(meta) = phonenumber::metadata::DATABASE.by_id(region.as_ref()) else { return true };
    match meta.national_prefix() {
        None => true,
        Some(prefix) => digits.starts_with(prefix) || (meta.country_code() == 1 && digits.len() == 10),
    }
}

/// Classifies a non-empty phone cell. `region` reads national numbers (`0145678900`).
#[must_use]
pub fn classify(value: &str, region: Option<Id>) -> Verdict {
    // The common case, already compact E.164 (never scientific: no `E`), first: decided
    // without building strings.
    if value.strip_prefix('+').is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        return match read_e164(value) {
            Reading::AsWritten => Verdict::Valid,
            Reading::Normalised(e164) => Verdict::NationalPrefix(e164),
            Reading::Invalid => Verdict::Invalid,
        };
    }
    if let Some(plain) = plain_form(value) {
        return match classify(&plain, region) {
            Verdict::Valid => Verdict::Separators(plain),
            other => other,
        };
    }
    if is_scientific(value) {
        return Verdict::Scientific;
    }
    let (plus, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    // A number does not start with a dash, dot or slash: `-14085550104` is a negative
    // number from a spreadsheet, or a formula, not a number missing its `+`.
    if rest.starts_with(['-', '.', '/']) || !rest.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
        return Verdict::Invalid;
    }
    let mut compact = String::with_capacity(rest.len() + 1);
    compact.push('+');
    compact.extend(rest.chars().filter(char::is_ascii_digit));
    let digits = &compact[1..];
    if digits.is_empty() {
        return Verdict::Invalid;
    }
    if plus {
        return match read_e164(&compact) {
            Reading::AsWritten if compact == value => Verdict::Valid,
            Reading::AsWritten => Verdict::Separators(compact),
            Reading::Normalised(e164) => Verdict::NationalPrefix(e164),
            Reading::Invalid => Verdict::Invalid,
        };
    }
    // `00` is the international call prefix in most of the world.
    if let Some(intl) = digits.strip_prefix("00") {
        let candidate = format!("+{intl}");
        if let Some(e164) = read_e164(&candidate).into_e164(candidate) {
            return Verdict::MissingPlus(e164);
        }
    }
    if let Some(region) = region {
        if let Ok(n) = phonenumber::parse(Some(region), digits) {
            if phonenumber::is_valid(&n) {
                let national = n.format().mode(Mode::E164).to_string();
                if !usual_national_form(region, digits) {
                    let international = read_e164(&compact).into_e164(compact.clone());
                    if international.as_ref().is_some_and(|i| *i != national) {
                        return Verdict::NoCountryCode { national, region: Some(region), international };
                    }
                }
                return Verdict::MissingPlus(national);
            }
        }
    }
    let nanp = (digits.len() == 10).then(|| format!("+1{digits}"));
    let restored = read_e164(&compact).into_e164(compact);
    if let Some(nanp) = nanp {
        if let Some(national) = read_e164(&nanp).into_e164(nanp) {
            // With `+` alone the digits would start with a country code other than 1.
            return Verdict::NoCountryCode { national, region: None, international: restored };
        }
    }
    match restored {
        Some(e164) => Verdict::MissingPlus(e164),
        None => Verdict::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(classify("+14085550101", None), Verdict::Valid);
        assert_eq!(classify("+1 408-555-0101", None), Verdict::Separators("+14085550101".into()));
        assert_eq!(classify("14085550101", None), Verdict::MissingPlus("+14085550101".into()));
        assert_eq!(classify("0014085550101", None), Verdict::MissingPlus("+14085550101".into()));
        assert_eq!(classify("0145678900", Some(Id::FR)), Verdict::MissingPlus("+33145678900".into()));
        // Ten digits that are a US/Canada number: not read as another country's.
        let ny = || Verdict::NoCountryCode {
            national: "+16468291462".into(),
            region: None,
            international: Some("+6468291462".into()),
        };
        assert_eq!(classify("6468291462", None), ny());
        assert_eq!(classify("646-829-1462", None), ny());
        assert_eq!(
            classify("2125550123", None),
            Verdict::NoCountryCode { national: "+12125550123".into(), region: None, international: None }
        );
        assert_eq!(classify("6468291462", Some(Id::US)), Verdict::MissingPlus("+16468291462".into()));
        assert_eq!(classify("6468291462", Some(Id::NZ)), Verdict::MissingPlus("+6468291462".into()));
        assert_eq!(classify("+6468291462", None), Verdict::Valid);
        assert_eq!(classify("-14085550104", None), Verdict::Invalid);
        assert_eq!(classify("+-14085550104", None), Verdict::Invalid);
        assert_eq!(classify("(408) 555-0101", Some(Id::US)), Verdict::MissingPlus("+14085550101".into()));
        // With --region, digits without the region's trunk prefix that are valid with `+`
        // alone are not made the region's: an international number that lost its `+`?
        let de = |national: &str, international: &str| Verdict::NoCountryCode {
            national: national.into(),
            region: Some(Id::DE),
            international: Some(international.into()),
        };
        assert_eq!(classify("33145678900", Some(Id::DE)), de("+4933145678900", "+33145678900"));
        assert_eq!(classify("442079460958", Some(Id::DE)), de("+49442079460958", "+442079460958"));
        // With the trunk prefix, or where there is none, it is the region's number.
        assert_eq!(classify("030 123456", Some(Id::DE)), Verdict::MissingPlus("+4930123456".into()));
        assert_eq!(classify("0145678900", Some(Id::FR)), Verdict::MissingPlus("+33145678900".into()));
        // Not valid as an international number: the region's.
        assert_eq!(classify("30123456", Some(Id::DE)), Verdict::MissingPlus("+4930123456".into()));
        assert_eq!(classify("0145678900", None), Verdict::Invalid);
        assert_eq!(classify("4.08555E+10", None), Verdict::Scientific);
        assert_eq!(classify("3,31E+10", None), Verdict::Scientific);
        assert_eq!(classify("+1408555", None), Verdict::Invalid);
        assert_eq!(classify("12345", None), Verdict::Invalid);
        assert_eq!(classify("+44 20 7946 0123", None), Verdict::Separators("+442079460123".into()));
        assert_eq!(classify("call me", None), Verdict::Invalid);
    }

    /// libphonenumber strips a national (trunk) prefix written after the country code, so
    /// the number is valid, but the value written is its E.164 form, without the prefix.
    /// Numbers written as they come from elsewhere than a spreadsheet are read in their
    /// plain form: valid, they are only written with separators; the rest as they read.
    #[test]
    fn numbers_from_elsewhere_read_in_their_plain_form() {
        let sep = |s: &str| Verdict::Separators(s.into());
        assert_eq!(classify("tel:+14085550104", None), sep("+14085550104"));
        assert_eq!(classify("TEL:+1 408 555 0104", None), sep("+14085550104"));
        assert_eq!(classify("＋８１　９０－１２３４－５６７８", None), sep("+819012345678"));
        assert_eq!(classify("+81 90ー1234ー5678", None), sep("+819012345678"));
        assert_eq!(
            classify("+33\u{202F}6\u{202F}12\u{202F}34\u{202F}56\u{202F}78", None),
            sep("+33612345678")
        );
        assert_eq!(classify("+1\u{2013}408\u{2013}555\u{2013}0107", None), sep("+14085550107"));
        assert_eq!(classify("+1\u{2212}408\u{2009}555\u{2009}0107", None), sep("+14085550107"));
        // Other verdicts are those of the plain form.
        assert_eq!(classify("００３３６１２３４５６７８", None), Verdict::MissingPlus("+33612345678".into()));
        assert_eq!(
            classify("０９０-１２３４-５６７８", Some(Id::JP)),
            Verdict::MissingPlus("+819012345678".into())
        );
        assert_eq!(classify("tel:+1408555010", None), Verdict::Invalid);
        assert_eq!(classify("tel:", None), Verdict::Invalid);
        // Other non-ASCII text is not a number.
        assert_eq!(classify("+33 6 12 34 56 7é", None), Verdict::Invalid);
        assert_eq!(classify("+1 408 555 0104 内線 12", None), Verdict::Invalid);
    }

    #[test]
    fn phone_format_drops_the_trunk_prefix_after_the_country_code() {
        let uk = || Verdict::NationalPrefix("+442079460958".into());
        assert_eq!(classify("+44 (0)20 7946 0958", None), uk());
        assert_eq!(classify("+44(0)2079460958", None), uk());
        assert_eq!(classify("+4402079460958", None), uk());
        assert_eq!(classify("+33 (0)1 45 67 89 00", None), Verdict::NationalPrefix("+33145678900".into()));
        assert_eq!(classify("+330145678900", None), Verdict::NationalPrefix("+33145678900".into()));
        // The E.164 forms are valid as written: `fix` of its own output changes nothing.
        assert_eq!(classify("+442079460958", None), Verdict::Valid);
        assert_eq!(classify("+33145678900", None), Verdict::Valid);
        // Italy's leading `0` is part of the number, not a trunk prefix: kept.
        assert_eq!(classify("+39 06 6981 2345", None), Verdict::Separators("+390669812345".into()));
        assert_eq!(classify("+390669812345", None), Verdict::Valid);
        // Invalid once the prefix is stripped: still invalid.
        assert_eq!(classify("+440207946", None), Verdict::Invalid);
        // The duplicate key is the E.164 form.
        assert_eq!(classify("+44 (0)20 7946 0958", None).e164("+44 (0)20 7946 0958"), Some("+442079460958"));
        assert_eq!(classify("+4402079460958", None).e164("+4402079460958"), Some("+442079460958"));
    }

    #[test]
    fn phone_missing_plus_drops_the_trunk_prefix_too() {
        let uk = || Verdict::MissingPlus("+442079460958".into());
        assert_eq!(classify("4402079460958", None), uk());
        assert_eq!(classify("0044 (0)20 7946 0958", None), uk());
        assert_eq!(classify("00442079460958", None), uk());
        assert_eq!(classify("02079460958", Some(Id::GB)), uk());
        assert_eq!(
            classify("+44 (0)20 7946 0958", Some(Id::GB)),
            Verdict::NationalPrefix("+442079460958".into())
        );
    }

    #[test]
    fn dropped_prefixes() {
        assert_eq!(dropped_prefix("+44 (0)20 7946 0958", "+442079460958").as_deref(), Some("0"));
        assert_eq!(prefix_name("+442079460958", "0"), "the national (trunk) prefix `0`");
        assert_eq!(prefix_name("+442079460958", "00"), "the digits `00`");
        assert_eq!(prefix_name("+4930123456", "0"), "the national (trunk) prefix `0`");
        assert_eq!(dropped_prefix("+4402079460958", "+442079460958").as_deref(), Some("0"));
        assert_eq!(dropped_prefix("0044 (0)20 7946 0958", "+442079460958").as_deref(), Some("0"));
        assert_eq!(dropped_prefix("4402079460958", "+442079460958").as_deref(), Some("0"));
        // Nothing dropped: a missing `+`, a `00`, a national number read in its region.
        assert_eq!(dropped_prefix("442079460958", "+442079460958"), None);
        assert_eq!(dropped_prefix("00442079460958", "+442079460958"), None);
        assert_eq!(dropped_prefix("02079460958", "+442079460958"), None);
        assert_eq!(dropped_prefix("+44 20 7946 0958", "+442079460958"), None);
    }

    /// Every region with a national prefix, its example numbers written with that prefix
    /// after the country code (compact and as `(0)`): wherever hubcsv rewrites one, the new
    /// value is valid as written, so `check` of the corrected file finds nothing there.
    #[test]
    fn national_prefix_fixes_are_valid_as_written() {
        use phonenumber::metadata::DATABASE;
        let mut rewritten = 0;
        for meta in DATABASE.iter() {
            let Some(prefix) = meta.national_prefix().filter(|p| !p.is_empty()) else { continue };
            let d = meta.descriptors();
            for example in [d.fixed_line(), d.mobile()].into_iter().flatten().filter_map(|d| d.example()) {
                let cc = meta.country_code();
                for written in [format!("+{cc}{prefix}{example}"), format!("+{cc} ({prefix}) {example}")] {
                    match classify(&written, None) {
                        Verdict::NationalPrefix(e164) => {
                            assert_eq!(classify(&e164, None), Verdict::Valid, "{written} -> {e164}");
                            let e164_of = |n: &str| {
                                phonenumber::parse(None, n)
                                    .map(|n| n.format().mode(Mode::E164).to_string())
                                    .ok()
                            };
                            assert_eq!(e164_of(&written), Some(e164.clone()), "{written}");
                            rewritten += 1;
                        }
                        Verdict::Valid | Verdict::Separators(_) | Verdict::Invalid => {}
                        other => panic!("{written}: {other:?}"),
                    }
                }
            }
        }
        assert!(rewritten > 200, "{rewritten} numbers rewritten");
    }
}
