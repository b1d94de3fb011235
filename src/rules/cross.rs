//! Cross-row checks over compact keys, run in input order after the per-row checks:
//! `duplicate-user`, `duplicate-phone-number`, `duplicate-extension`, `too-many-rows`.
//! Memory grows with distinct users, not with the file: each key is kept as a 128-bit hash
//! (xxh3, computed on the worker threads; 16 bytes, no allocation) rather than as a string.
//! Two different keys share a hash with a probability of about n²/2¹²⁹: for ten million
//! users, 10⁻²⁵.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rayon::prelude::*;

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
            let keys = u128::try_from(seen.len).unwrap_or(u128::MAX);
            let more = u128::from(rows - self.rows) * keys * 21 / (u128::from(self.rows) * 20);
            seen.reserve(usize::try_from(more).unwrap_or(0));
        }
    }

    /// Looks up the keys of `rows` without recording them, one after the other, so that
    /// [`CrossCheck::apply`] finds their table entries in cache: the lookups of a window
    /// wait for memory together instead of one at a time (the tables outgrow the caches).
    pub fn warm<'r>(&self, rows: impl Iterator<Item = &'r RowOutcome>) {
        let mut found = 0;
        for row in rows {
            let keys = &row.keys;
            found ^= keys.email.map_or(0, |k| self.emails.touch(k));
            found ^= keys.phone.map_or(0, |(k, _)| self.phones.touch(k));
            found ^= keys.extension.map_or(0, |(k, _)| self.extensions.touch(k));
        }
        std::hint::black_box(found);
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

/// Bytes in a page of memory (the smallest there is on the machines hubcsv runs on).
const PAGE: usize = 4096;
/// Tables of this many slots (4 MiB) and more are written to page by page in parallel.
const PREFAULT_FROM: usize = 1 << 18;

/// Keys seen, each with the line it was first seen on, in 16 bytes an entry: an open
/// addressing table (linear probing, at most three quarters full) of the key's first 64
/// bits, with 32 more and the line beside them (96 bits in all: two different values of a
/// ten-million-user file share them with a probability of about 10⁻¹⁵). Keys that share the
/// 64 bits but differ in the other 32 go to a second table keyed by all 128 bits, so a
/// collision of the first table never merges two keys.
///
/// The table is written here rather than taken from `hashbrown` because a key's entry is
/// one slot at a known place: [`Seen::touch`] can load it ahead of time, so that a window
/// of rows waits for memory once instead of once a key (the tables outgrow the caches from
/// about a hundred thousand users), and a new table's pages can be faulted in on all
/// threads. The property test below holds it to a map of first lines.
#[derive(Debug, Default)]
struct Seen {
    /// `[first 64 bits, next 32 bits << 32 | line]`; a line of 0 marks an empty slot (lines
    /// start at 1).
    slots: Vec<[u64; 2]>,
    len: usize,
    overflow: HashMap<u128, u64>,
}

impl Seen {
    /// Where the probe for `low` starts: the key is a hash already, its bits uniform, so its
    /// high bits scaled to the table's size (a table of any size, not only a power of two:
    /// sized to the keys it will hold, not up to twice that).
    #[allow(clippy::cast_possible_truncation)] // less than the table's size
    fn home(&self, low: u64) -> usize {
        ((u128::from(low) * self.slots.len() as u128) >> 64) as usize
    }

    /// The slot after `at`, round to the first.
    fn next(&self, at: usize) -> usize {
        if at + 1 == self.slots.len() {
            0
        } else {
            at + 1
        }
    }

    /// Loads the slot where the probe for `key` starts; the value means nothing.
    fn touch(&self, key: u128) -> u64 {
        #[allow(clippy::cast_possible_truncation)] // the first part of the key
        let low = key as u64;
        self.slots.get(self.home(low)).map_or(0, |s| s[1])
    }

    /// Keys a table of `slots` slots holds before it grows: three quarters of them.
    fn holds(slots: usize) -> usize {
        slots / 4 * 3
    }

    /// Makes room for `more` keys beyond those held.
    fn reserve(&mut self, more: usize) {
        let keys = self.len.saturating_add(more);
        // The fewest slots that hold `keys`, in whole groups of four.
        let want = keys.div_ceil(3).saturating_mul(4).max(16);
        if want > self.slots.len() {
            self.resize(want);
        }
    }

    fn resize(&mut self, size: usize) {
        let mut slots = vec![[0, 0]; size];
        // The first write to each page of a new table costs the kernel a page fault (some
        // microseconds here): taken on all threads at once rather than one insert at a time
        // on the thread of the cross-row pass, which the run then waits for.
        if size >= PREFAULT_FROM {
            slots.par_chunks_mut(PAGE / 16).for_each(|page| page[0] = std::hint::black_box([0, 0]));
        }
        let old = std::mem::replace(&mut self.slots, slots);
        for slot in old.into_iter().filter(|s| line_of(s[1]) != 0) {
            let mut at = self.home(slot[0]);
            while line_of(self.slots[at][1]) != 0 {
                at = self.next(at);
            }
            self.slots[at] = slot;
        }
    }

    /// Records `key` at `line`; returns the earlier line when the key was seen before.
    fn first_seen(&mut self, key: u128, line: u64) -> Option<u64> {
        if self.len >= Seen::holds(self.slots.len()) {
            self.resize((self.slots.len() * 2).max(16));
        }
        #[allow(clippy::cast_possible_truncation)] // the parts of the key
        let (low, high) = (key as u64, (key >> 64) as u32);
        // Lines past 4 billion (a 4 GB file of empty lines) are remembered as 4294967295.
        let line32 = u32::try_from(line).unwrap_or(u32::MAX).max(1);
        let mut at = self.home(low);
        loop {
            let [first, rest] = self.slots[at];
            if line_of(rest) == 0 {
                self.slots[at] = [low, u64::from(high) << 32 | u64::from(line32)];
                self.len += 1;
                return None;
            }
            if first == low {
                if rest >> 32 == u64::from(high) {
                    return Some(u64::from(line_of(rest)));
                }
                return match self.overflow.entry(key) {
                    Entry::Occupied(first) => Some(*first.get()),
                    Entry::Vacant(slot) => {
                        slot.insert(line);
                        None
                    }
                };
            }
            at = self.next(at);
        }
    }
}

/// The line in the second word of a slot (0: the slot is empty).
fn line_of(rest: u64) -> u32 {
    #[allow(clippy::cast_possible_truncation)] // the low 32 bits
    let line = rest as u32;
    line
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

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

    /// Keys from a small pool, so that they repeat: first parts at either end, so that their
    /// probes start at the first or the last slot, run into each other and round the end,
    /// some sharing the first 64 bits.
    fn key() -> impl Strategy<Value = u128> {
        (0_u64..40, 0_u128..3, proptest::bool::ANY).prop_map(|(low, high, top)| {
            let low = if top { u64::MAX - low * 16 } else { low * 16 };
            (high << 64) | u128::from(low)
        })
    }

    proptest! {
        /// The table answers as a map from the whole key to its first line does, through
        /// growth (from empty, or after a `reserve`), with `touch` in between changing
        /// nothing.
        #[test]
        fn the_table_is_a_map_of_first_lines(
            keys in proptest::collection::vec(key(), 0..300),
            reserve in prop_oneof![Just(0_usize), 0_usize..200],
        ) {
            let mut seen = Seen::default();
            seen.reserve(reserve);
            let mut oracle: HashMap<u128, u64> = HashMap::new();
            for (i, key) in keys.into_iter().enumerate() {
                let line = i as u64 + 2;
                seen.touch(key);
                prop_assert_eq!(seen.first_seen(key, line), oracle.get(&key).copied());
                oracle.entry(key).or_insert(line);
            }
        }
    }
}
