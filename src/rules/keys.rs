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
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
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

/// The key of an extension within a location (the location compared case-insensitively).
#[must_use]
pub fn extension_key(location: &str, extension: &str) -> u128 {
    let location = key_lower(location);
    let mut h = Xxh3::new();
    h.update(&location.to_le_bytes());
    h.update(extension.as_bytes());
    h.digest128()
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
    }

    #[test]
    fn short_values_inline() {
        assert_eq!(Short::new("+14085550101").map(|s| s.to_string()), Some("+14085550101".to_owned()));
        assert!(Short::new("+1234567890123456").is_none());
    }
}
