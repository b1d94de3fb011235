//! Compact keys for the cross-row checks, computed on the worker threads so that the
//! sequential pass only looks them up: 128-bit hashes (xxh3) of the compared values, and
//! short values (phone numbers, extensions) kept inline for the messages. Nothing here
//! allocates for ASCII values, which is every value Control Hub compares.

use std::fmt;

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// Values up to this many bytes are kept inline.
const SHORT: usize = 16;

/// A string of at most 16 bytes, kept inline: an E.164 number (`+` and at most 15 digits) or
/// an extension (at most 10 digits).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Short {
    len: u8,
    bytes: [u8; SHORT],
}

impl Short {
    /// `value` inline, if it fits.
    #[must_use]
    pub fn new(value: &str) -> Option<Short> {
        let len = value.len();
        if len > SHORT {
            return None;
        }
        let mut bytes = [0; SHORT];
        bytes[..len].copy_from_slice(value.as_bytes());
        Some(Short { len: u8::try_from(len).ok()?, bytes })
    }

    /// The value.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Built from a whole `&str` of at most 16 bytes: always valid UTF-8.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The value's bytes (without the UTF-8 check [`Short::as_str`] makes).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Its [`key`]: `key(self.as_str())`.
    #[must_use]
    pub fn key(&self) -> u128 {
        xxh3_128(self.as_bytes())
    }
}

impl fmt::Debug for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The 128-bit key of `value`.
#[must_use]
pub fn key(value: &str) -> u128 {
    xxh3_128(value.as_bytes())
}

/// The key of `value` lower-cased (Unicode rules): equal to `key(&value.to_lowercase())`,
/// without building the string when `value` is short ASCII.
#[must_use]
pub fn key_lower(value: &str) -> u128 {
    let mut buf = [0u8; 256];
    if value.is_ascii() && value.len() <= buf.len() {
        let out = &mut buf[..value.len()];
        for (o, b) in out.iter_mut().zip(value.bytes()) {
            *o = b.to_ascii_lowercase();
        }
        xxh3_128(out)
    } else {
        key(&value.to_lowercase())
    }
}

/// The key of an extension within a location (the location compared case-insensitively):
/// the hash of the lower-cased location's length (8 bytes, so that no two pairs give the
/// same bytes), the location lower-cased, and the extension. One pass over a stack buffer
/// when the location is short ASCII; the same bytes streamed otherwise.
#[must_use]
pub fn extension_key(location: &str, extension: &str) -> u128 {
    extension_key_of(location, extension.as_bytes())
}

/// [`extension_key`] of an extension held as a [`Short`] (no UTF-8 check on the way).
#[must_use]
pub fn short_extension_key(location: &str, extension: &Short) -> u128 {
    extension_key_of(location, extension.as_bytes())
}

fn extension_key_of(location: &str, extension: &[u8]) -> u128 {
    let mut buf = [0u8; 256];
    let n = location.len();
    if location.is_ascii() && 8 + n + extension.len() <= buf.len() {
        buf[..8].copy_from_slice(&(n as u64).to_le_bytes());
        for (o, b) in buf[8..8 + n].iter_mut().zip(location.bytes()) {
            *o = b.to_ascii_lowercase();
        }
        buf[8 + n..8 + n + extension.len()].copy_from_slice(extension);
        xxh3_128(&buf[..8 + n + extension.len()])
    } else {
        let lower = location.to_lowercase();
        let mut h = Xxh3::new();
        h.update(&(lower.len() as u64).to_le_bytes());
        h.update(lower.as_bytes());
        h.update(extension);
        h.digest128()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_keys_match_lowercased_strings() {
        for v in ["Ana@Example.COM", "ana@example.com", "ÉLODIE@exemple.fr", "İstanbul", ""] {
            assert_eq!(key_lower(v), key(&v.to_lowercase()), "{v}");
        }
        assert_ne!(key("a"), key("b"));
        assert_eq!(extension_key("HQ", "1001"), extension_key("hq", "1001"));
        assert_ne!(extension_key("HQ", "1001"), extension_key("HQ1", "001"));
        // The Kelvin sign lower-cases to an ASCII `k`: both paths hash the same bytes.
        assert_eq!(extension_key("HQ\u{212A}", "1001"), extension_key("hqk", "1001"));
    }

    proptest::proptest! {
        /// Either path hashes the length, the lower-cased location and the extension, for
        /// short and long, ASCII and other locations.
        #[test]
        fn extension_keys_hash_the_lowered_pair(
            location in "([A-Za-z0-9 ]{0,40}|[A-Za-zé\u{212A}İ ]{0,20}|[a-zA-Z]{240,260})",
            extension in "[0-9]{0,12}",
        ) {
            let lower = location.to_lowercase();
            let bytes = [&(lower.len() as u64).to_le_bytes()[..], lower.as_bytes(), extension.as_bytes()].concat();
            proptest::prop_assert_eq!(extension_key(&location, &extension), xxh3_128(&bytes));
            let short = Short::new(&extension).expect("at most 12 digits");
            proptest::prop_assert_eq!(short_extension_key(&location, &short), xxh3_128(&bytes));
            proptest::prop_assert_eq!(short.key(), key(&extension));
        }
    }

    #[test]
    fn short_values_inline() {
        assert_eq!(Short::new("+14085550101").map(|s| s.to_string()), Some("+14085550101".to_owned()));
        assert!(Short::new("+1234567890123456").is_none());
    }
}
