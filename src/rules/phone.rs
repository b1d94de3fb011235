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
    /// Digits that are a valid number once `+` is restored (or read in the region); the
    /// E.164 form.
    MissingPlus(String),
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
            Verdict::Separators(n) | Verdict::MissingPlus(n) => Some(n),
            Verdict::Scientific | Verdict::Invalid => None,
        }
    }
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/')
}

/// `+` followed by digits: a valid E.164 number? libphonenumber decides, through the fast
/// path when it can ([`super::phone_fast`]).
fn valid_e164(compact: &str) -> bool {
    compact.len() <= 16
        && super::phone_fast::is_valid_e164(compact)
            .unwrap_or_else(|| phonenumber::parse(None, compact).is_ok_and(|n| phonenumber::is_valid(&n)))
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

/// Classifies a non-empty phone cell. `region` reads national numbers (`0145678900`).
#[must_use]
pub fn classify(value: &str, region: Option<Id>) -> Verdict {
    // The common case, already compact E.164 (never scientific: no `E`), first: decided
    // without building strings.
    if value.strip_prefix('+').is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        return if valid_e164(value) { Verdict::Valid } else { Verdict::Invalid };
    }
    if is_scientific(value) {
        return Verdict::Scientific;
    }
    let (plus, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if !rest.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
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
        return match (valid_e164(&compact), compact == value) {
            (true, true) => Verdict::Valid,
            (true, false) => Verdict::Separators(compact),
            (false, _) => Verdict::Invalid,
        };
    }
    // `00` is the international call prefix in most of the world.
    if let Some(intl) = digits.strip_prefix("00") {
        let candidate = format!("+{intl}");
        if valid_e164(&candidate) {
            return Verdict::MissingPlus(candidate);
        }
    }
    if let Some(region) = region {
        if let Ok(n) = phonenumber::parse(Some(region), digits) {
            if phonenumber::is_valid(&n) {
                return Verdict::MissingPlus(n.format().mode(Mode::E164).to_string());
            }
        }
    }
    if valid_e164(&compact) {
        return Verdict::MissingPlus(compact);
    }
    Verdict::Invalid
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
        assert_eq!(classify("0145678900", None), Verdict::Invalid);
        assert_eq!(classify("4.08555E+10", None), Verdict::Scientific);
        assert_eq!(classify("3,31E+10", None), Verdict::Scientific);
        assert_eq!(classify("+1408555", None), Verdict::Invalid);
        assert_eq!(classify("12345", None), Verdict::Invalid);
        assert_eq!(classify("+44 20 7946 0123", None), Verdict::Separators("+442079460123".into()));
        assert_eq!(classify("call me", None), Verdict::Invalid);
    }
}
