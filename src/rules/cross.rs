//! Cross-row checks over compact keys, run in input order after the per-row checks:
//! `duplicate-user`, `duplicate-phone-number`, `duplicate-extension`, `too-many-rows`.
//! Memory grows with distinct users, not with the file: each key is kept as a 128-bit hash
//! (xxh3, computed on the worker threads; 16 bytes, no allocation) rather than as a string.
//! Two different keys share a hash with a probability of about n²/2¹²⁹: for ten million
//! users, 10⁻²⁵.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::{RowOutcome, Rule};
use crate::actions::Action;
use crate::report::Diagnostic;
use crate::schema::Schema;

/// State of the cross-row pass.
#[derive(Debug, Default)]
pub struct CrossCheck {
    emails: Seen,
    phones: Seen,
    extensions: Seen,
    rows: u64,
    max_rows: u64,
}

impl CrossCheck {
    /// A pass that warns past `max_rows` users.
    #[must_use]
    pub fn new(max_rows: u64) -> Self {
        CrossCheck { max_rows, ..CrossCheck::default() }
    }

    /// Users seen so far.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Makes room for about `rows` users in all, each table in proportion to the keys the
    /// rows so far gave it: tables sized once do not hold their old and new copies at the
    /// same time while they grow (a third less peak memory on a 5,000,000-row file).
    pub fn reserve(&mut self, rows: u64) {
        if self.rows == 0 || rows <= self.rows {
            return;
        }
        for seen in [&mut self.emails, &mut self.phones, &mut self.extensions] {
            let keys = u128::try_from(seen.main.len()).unwrap_or(u128::MAX);
            let more = u128::from(rows - self.rows) * keys * 21 / (u128::from(self.rows) * 20);
            seen.main.reserve(usize::try_from(more).unwrap_or(0));
        }
    }

    /// Checks `row` against the rows before it, appending findings.
    pub fn apply(&mut self, row: &mut RowOutcome, schema: &Schema) {
        self.rows += 1;
        let line = row.meta.line;
        let mut found = Vec::new();
        let at = |rule: Rule, col: usize, value: &str, message: String, help: &'static str| {
            let mut d = Diagnostic::new(rule, line, message, help).value(value);
            d.column = Some(schema.name(col).to_owned());
            d.cell = schema.cell(col, row.meta.sheet_row);
            d.col_index = Some(col);
            d.source_col = schema.source_col(col);
            d.user.clone_from(&row.user);
            d
        };
        if let Some(email) = row.keys.email {
            if let Some(first) = self.emails.first_seen(email, line) {
                // The key is the user's email lower-cased.
                let email = row.user.as_deref().unwrap_or("").to_lowercase();
                found.push(at(
                    Rule::DuplicateUser,
                    schema.email,
                    &email,
                    format!("`{email}` is also on line {first}"),
                    "keep one row per user: merge the two rows, or correct the email of one of them",
                ));
            }
        }
        if let (Some((key, phone)), Some(col)) = (row.keys.phone, schema.phone) {
            if let Some(first) = self.phones.first_seen(key, line) {
                found.push(at(
                    Rule::DuplicatePhoneNumber,
                    col,
                    phone.as_str(),
                    format!("`{phone}` is also the number of the user on line {first}"),
                    "a number belongs to one user; give this user another number or only an extension",
                ));
            }
        }
        if let (Some((key, ext)), Some(col)) = (row.keys.extension, schema.extension) {
            if let Some(first) = self.extensions.first_seen(key, line) {
                found.push(at(
                    Rule::DuplicateExtension,
                    col,
                    ext.as_str(),
                    format!("extension `{ext}` is also used on line {first} in the same location"),
                    "extensions are unique within a location; pick a free extension",
                ));
            }
        }
        if self.rows == self.max_rows + 1 {
            let mut d = Diagnostic::new(
                Rule::TooManyRows,
                line,
                format!("this is user {}: Control Hub takes at most {} users per file", self.rows, self.max_rows),
                "upload the file in parts (hubcsv fix splits it), one part at a time, waiting for each import task to finish",
            );
            d.user.clone_from(&row.user);
            found.push(d);
        }
        if found.iter().any(|d| d.severity >= super::Severity::Error) {
            row.action = Action::Invalid;
        }
        row.diagnostics.extend(found);
    }
}

/// Keys seen, each with the line it was first seen on, in 16 bytes an entry: the table is
/// keyed by 64 bits of the 128-bit key and holds 32 more beside the line (96 bits in all:
/// two different values of a ten-million-user file share them with a probability of about
/// 10⁻¹⁵). Keys that share the 64 bits but differ in the other 32 go to a second table keyed
/// by all 128 bits, so a collision of the first table never merges two keys.
#[derive(Debug, Default)]
struct Seen {
    main: HashMap<u64, (u32, u32), BuildHasherDefault<Prehashed>>,
    overflow: HashMap<u128, u64>,
}

impl Seen {
    /// Records `key` at `line`; returns the earlier line when the key was seen before.
    fn first_seen(&mut self, key: u128, line: u64) -> Option<u64> {
        #[allow(clippy::cast_possible_truncation)] // the parts of the key
        let (low, high) = (key as u64, (key >> 64) as u32);
        // Lines past 4 billion (a 4 GB file of empty lines) are remembered as 4294967295.
        let line32 = u32::try_from(line).unwrap_or(u32::MAX);
        match self.main.entry(low) {
            Entry::Vacant(slot) => {
                slot.insert((high, line32));
                None
            }
            Entry::Occupied(first) if first.get().0 == high => Some(u64::from(first.get().1)),
            Entry::Occupied(_) => match self.overflow.entry(key) {
                Entry::Occupied(first) => Some(*first.get()),
                Entry::Vacant(slot) => {
                    slot.insert(line);
                    None
                }
            },
        }
    }
}

/// A hasher for keys that are uniformly distributed hashes already: the table uses their
/// bits as they are instead of hashing them again.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(29) ^ n;
    }
}

#[cfg(test)]
mod tests {
    use super::Seen;

    #[test]
    fn keys_sharing_64_bits_stay_apart() {
        let mut seen = Seen::default();
        let a = (1_u128 << 64) | 0x1234_5678_9abc_def0;
        let b = (2_u128 << 64) | 0x1234_5678_9abc_def0;
        assert_eq!(seen.first_seen(a, 2), None);
        assert_eq!(seen.first_seen(b, 3), None);
        assert_eq!(seen.first_seen(a, 4), Some(2));
        assert_eq!(seen.first_seen(b, 5), Some(3));
    }
}
