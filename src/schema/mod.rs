//! What the columns of a file mean: the Control Hub column catalogue, the package catalogue,
//! and header resolution (one [`Schema`] per input file).

pub mod columns;
pub mod foreign;
pub mod headers;
pub mod mapping;
pub mod packages;
pub mod profile;
pub mod template;

pub use columns::{CallingField, ColumnClass};
pub use headers::{Column, Schema};
pub use packages::{split_license_header, subscription, Catalogue, LicenseKind, Package};
pub use profile::Profile;
pub use template::Template;

/// A header as written, cleaned: invisible characters (a second byte-order mark, a
/// zero-width space pasted with the name) and control characters other than white space
/// (an escape code, as `control-character` removes from cells) left out, decomposed accents (`e` + U+0301, as
/// macOS and PDFs write `é`) composed (NFC), inner runs of white space folded to one space,
/// trimmed.
#[must_use]
pub fn clean_header(header: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let stray = |c: char| crate::rules::is_invisible(c) || (c.is_control() && !c.is_whitespace());
    let visible: String = header.chars().filter(|&c| !stray(c)).nfc().collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Normalises a header for matching: [`clean_header`], lower-case (contract §1).
#[must_use]
pub fn header_key(header: &str) -> String {
    clean_header(header).chars().flat_map(char::to_lowercase).collect()
}

/// The canonical Control Hub name for a header: a known column (or one of its aliases), or
/// a built-in HR alias (`Courriel`, `Prénom`, `E-mail`, ...).
#[must_use]
pub fn resolve_name(header: &str) -> Option<&'static str> {
    let key = header_key(header);
    columns::KNOWN
        .iter()
        .find(|(c, aliases, _)| header_key(c) == key || aliases.contains(&key.as_str()))
        .map(|(c, _, _)| *c)
        .or_else(|| profile::BUILTIN_ALIASES.iter().find(|(k, _)| *k == key).map(|(_, c)| *c))
}

/// Spreadsheet column letters for a 0-based index: 0 -> `A`, 25 -> `Z`, 26 -> `AA`.
#[must_use]
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        // `index % 26` is < 26, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_key_folds_case_and_space() {
        assert_eq!(header_key("  User ID/Email   (Required) "), "user id/email (required)");
        // Control characters are left out (white space ones fold as spaces).
        assert_eq!(header_key("Loca\u{1}tion\u{1b}"), "location");
        assert_eq!(header_key("Webex\tCalling\u{7f}"), "webex calling");
    }

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
