//! Cross-row checks over compact keys, run in input order after the per-row checks:
//! `duplicate-user`, `duplicate-phone-number`, `duplicate-extension`, `too-many-rows`.
//! Memory grows with distinct users, not with the file: each key is kept as a 128-bit hash
//! (xxh3, computed on the worker threads; 16 bytes, no allocation) rather than as a string.
//! Two different keys share a hash with a probability of about n²/2¹²⁹: for ten million
//! users, 10⁻²⁵.

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
    /// Where the editor lines and the spreadsheet rows part: (first line, line breaks
    /// inside quoted fields before it), one entry each time that count grows (after a
    /// record over several lines), so that a row seen before is named by its cell too.
    extra: Vec<(u64, u64)>,
    /// (key: 0 email, 1 number, 2 extension; line) of the keys first seen on a value a
    /// profile wrote (a default number): a later duplicate names that row without a cell.
    /// A default's value is first seen once, so this stays short.
    filled_first: Vec<(usize, u64)>,
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
            let keys = u128::try_from(seen.len()).unwrap_or(u128::MAX);
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

    /// The spreadsheet row of an earlier editor line.
    fn sheet_row(&self, line: u64) -> u64 {
        let before = self.extra.partition_point(|&(from, _)| from <= line);
        line - before.checked_sub(1).map_or(0, |i| self.extra[i].1)
    }

    /// Remembers that key `key` (0 email, 1 number, 2 extension) was first seen on `line`, on
    /// a value the profile wrote (`by` > 0, see [`RowOutcome::filled`]).
    #[inline]
    fn note_filled(&mut self, by: u16, first: Option<u64>, key: usize, line: u64) {
        if by > 0 && first.is_none() {
            self.filled_first.push((key, line));
        }
    }

    /// Where an earlier row is, for a message: its line, and its cell in column `col`
    /// (`line 5, D3`).
    fn place(&self, first: u64, schema: &Schema, col: usize, key: usize) -> String {
        if self.filled_first.contains(&(key, first)) {
            return format!("line {first}, where the profile wrote it");
        }
        match schema.cell(col, self.sheet_row(first)) {
            Some(cell) => format!("line {first}, {cell}"),
            None => format!("line {first}"),
        }
    }

    /// Checks `row` against the rows before it, appending findings.
    pub fn apply(&mut self, row: &mut RowOutcome, schema: &Schema) {
        self.rows += 1;
        let line = row.meta.line;
        let extra = line.saturating_sub(row.meta.sheet_row);
        if self.extra.last().map_or(0, |e| e.1) != extra {
            self.extra.push((line, extra));
        }
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
            let first = self.emails.first_seen(email, line);
            self.note_filled(row.filled[0], first, 0, line);
            if let Some(first) = first {
                // The key is the user's email lower-cased.
                let email = row.user.as_deref().unwrap_or("").to_lowercase();
                found.push(at(
                    Rule::DuplicateUser,
                    schema.email,
                    &email,
                    format!("`{email}` is also on {}", self.place(first, schema, schema.email, 0)),
                    "keep one row per user: merge the two rows, or correct the email of one of them",
                ));
            }
        }
        if let (Some((key, phone)), Some(col)) = (row.keys.phone, schema.phone) {
            let first = self.phones.first_seen(key, line);
            self.note_filled(row.filled[1], first, 1, line);
            if let Some(first) = first {
                found.push(at(
                    Rule::DuplicatePhoneNumber,
                    col,
                    phone.as_str(),
                    format!(
                        "`{phone}` is also the number of the user on {}",
                        self.place(first, schema, col, 1)
                    ),
                    "a number belongs to one user; give this user another number or only an extension",
                ));
            }
        }
        if let (Some((key, ext)), Some(col)) = (row.keys.extension, schema.extension) {
            let first = self.extensions.first_seen(key, line);
            self.note_filled(row.filled[2], first, 2, line);
            if let Some(first) = first {
                found.push(at(
                    Rule::DuplicateExtension,
                    col,
                    ext.as_str(),
                    format!(
                        "extension `{ext}` is also used in the same location on {}",
                        self.place(first, schema, col, 2)
                    ),
                    "extensions are unique within a location; pick a free extension",
                ));
            }
        }
        // A duplicate of a value the profile wrote (a default number on every row without
        // one) is the profile's, not the row's cell.
        for d in &mut found {
            let slot =
                [Some(schema.email), schema.phone, schema.extension].iter().position(|c| *c == d.col_index);
            if let (Some(col), Some(&by)) = (d.col_index, slot.and_then(|i| row.filled.get(i))) {
                if by > 0 {
                    super::profile_value(d, schema, col, (by > 1).then(|| usize::from(by - 2)));
                }
            }
        }
        if self.rows == self.max_rows + 1 {
            let mut d = Diagnostic::new(
                Rule::TooManyRows,
                line,
                format!(
                    "this is user {}: Control Hub takes at most {} {} per file",
                    self.rows,
                    self.max_rows,
                    if self.max_rows == 1 { "user" } else { "users" }
                ),
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

/// Keys seen, each with the line it was first seen on: an open addressing table (linear
/// probing, at most three quarters full) of 8-byte slots, each the key's last 32 bits and
/// where its entry is, and the entries in the order the keys were first seen, each the
/// key's first 64 bits and the line (lines past 4 billion, in a 4 GB file of empty lines,
/// are remembered as 4294967295). A key is found by its slot and then compared with its
/// entry, which is read only when the last 32 bits are the key's: once for a repeated key,
/// about once in four billion probes otherwise. Two keys are the same when these 96 bits
/// are: two different values of a ten-million-user file share them with a probability of
/// about 10⁻¹⁵.
///
/// The table is written here rather than taken from `hashbrown` because a key's slot is at
/// a known place: [`Seen::touch`] can load it ahead of time, so that a window of rows waits
/// for memory once instead of once a key (the table outgrows the caches from about a
/// hundred thousand users), and a new table's pages can be faulted in on all threads. Its
/// slots are half the size of a key, so that the lookups, which miss the caches, span half
/// the memory. The property test below holds it to a map of first lines.
#[derive(Debug, Default)]
struct Seen {
    /// `last 32 bits of the key << 32 | index of its entry + 1`; 0 marks an empty slot.
    slots: Vec<u64>,
    /// `[first 32 bits, next 32 bits, line]`, in the order first seen: 12 bytes.
    entries: Vec<[u32; 3]>,
}

/// Where the probe for `low` starts in a table of `size` slots: the key is a hash already,
/// its bits uniform, so its high bits scaled to the table's size (a table of any size, not
/// only a power of two: sized to the keys it will hold, not up to twice that).
#[allow(clippy::cast_possible_truncation)] // less than the table's size
fn home(low: u64, size: usize) -> usize {
    ((u128::from(low) * size as u128) >> 64) as usize
}

/// The slot after `at` in a table of `size` slots, round to the first.
fn next(at: usize, size: usize) -> usize {
    if at + 1 == size {
        0
    } else {
        at + 1
    }
}

/// A key's parts: its first 64 bits and its last 32.
#[allow(clippy::cast_possible_truncation)] // the parts of the key
fn parts(key: u128) -> (u64, u32) {
    (key as u64, (key >> 96) as u32)
}

/// The first 64 bits of the key of an entry.
fn low_of(entry: [u32; 3]) -> u64 {
    u64::from(entry[1]) << 32 | u64::from(entry[0])
}

impl Seen {
    /// Keys held.
    fn len(&self) -> usize {
        self.entries.len()
    }

    /// Loads the slot where the probe for `key` starts; the value means nothing.
    fn touch(&self, key: u128) -> u64 {
        let (low, _) = parts(key);
        self.slots.get(home(low, self.slots.len())).copied().unwrap_or(0)
    }

    /// Keys a table of `slots` slots holds before it grows: three quarters of them.
    fn holds(slots: usize) -> usize {
        slots / 4 * 3
    }

    /// Makes room for `more` keys beyond those held.
    fn reserve(&mut self, more: usize) {
        let keys = self.len().saturating_add(more);
        // The fewest slots that hold `keys`, in whole groups of four.
        let want = keys.div_ceil(3).saturating_mul(4).max(16);
        if want > self.slots.len() {
            self.resize(want);
        }
        self.entries.reserve(keys.saturating_sub(self.len()));
    }

    fn resize(&mut self, size: usize) {
        let mut slots = vec![0; size];
        // The first write to each page of a new table costs the kernel a page fault (some
        // microseconds here): taken on all threads at once rather than one insert at a time
        // on the thread of the cross-row pass, which the run then waits for.
        if size >= PREFAULT_FROM {
            slots.par_chunks_mut(PAGE / 8).for_each(|page| page[0] = std::hint::black_box(0));
        }
        let old = std::mem::replace(&mut self.slots, slots);
        // Each slot's home is found from its entry, read at random as the new table is
        // written. A table grows by doubling, so a key moves about once a run in all, and
        // not at all in a file on disk, for which [`Seen::reserve`] sizes the table early.
        for slot in old.into_iter().filter(|&s| s != 0) {
            let Some(&entry) = self.entries.get(entry_of(slot)) else { continue };
            let low = low_of(entry);
            let mut at = home(low, size);
            while self.slots[at] != 0 {
                at = next(at, size);
            }
            self.slots[at] = slot;
        }
    }

    /// Records `key` at `line`; returns the earlier line when the key was seen before.
    fn first_seen(&mut self, key: u128, line: u64) -> Option<u64> {
        if self.len() >= Seen::holds(self.slots.len()) {
            self.resize((self.slots.len() * 2).max(16));
        }
        let (low, last) = parts(key);
        let size = self.slots.len();
        let mut at = home(low, size);
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                // Past four billion keys, a key is not remembered.
                let index = u32::try_from(self.entries.len() + 1).ok()?;
                let line32 = u32::try_from(line).unwrap_or(u32::MAX).max(1);
                self.slots[at] = u64::from(last) << 32 | u64::from(index);
                #[allow(clippy::cast_possible_truncation)] // the halves of `low`
                self.entries.push([low as u32, (low >> 32) as u32, line32]);
                return None;
            }
            if slot >> 32 == u64::from(last) {
                if let Some(&entry) = self.entries.get(entry_of(slot)) {
                    if low_of(entry) == low {
                        return Some(u64::from(entry[2]));
                    }
                }
            }
            at = next(at, size);
        }
    }
}

/// The index of the entry of a (full) slot.
#[allow(clippy::cast_possible_truncation)] // the low 32 bits
fn entry_of(slot: u64) -> usize {
    (slot as u32).saturating_sub(1) as usize
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::Seen;

    #[test]
    fn keys_sharing_parts_stay_apart() {
        let mut seen = Seen::default();
        // `a` and `b` share the first 64 bits, `a` and `c` the last 32 (what a slot holds).
        let a = (1_u128 << 96) | 0x1234_5678_9abc_def0;
        let b = (2_u128 << 96) | 0x1234_5678_9abc_def0;
        let c = (1_u128 << 96) | 0x1234_5678_9abc_def1;
        assert_eq!(seen.first_seen(a, 2), None);
        assert_eq!(seen.first_seen(b, 3), None);
        assert_eq!(seen.first_seen(c, 4), None);
        assert_eq!(seen.first_seen(a, 5), Some(2));
        assert_eq!(seen.first_seen(b, 6), Some(3));
        assert_eq!(seen.first_seen(c, 7), Some(4));
    }

    /// Keys from a small pool, so that they repeat: first parts at either end, so that their
    /// probes start at the first or the last slot, run into each other and round the end,
    /// some sharing the first 64 bits, or the last 32 (what a slot holds), or both. (The 32
    /// bits between are not kept; they are 0 here.)
    fn key() -> impl Strategy<Value = u128> {
        (0_u64..40, 0_u128..3, proptest::bool::ANY).prop_map(|(low, last, top)| {
            let low = if top { u64::MAX - low * 16 } else { low * 16 };
            (last << 96) | u128::from(low)
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
