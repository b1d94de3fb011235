//! A fast path for E.164 validity that gives libphonenumber's verdict (the `phonenumber`
//! crate's `parse` + `is_valid`) without its cost.
//!
//! The crate looks every pattern up by its source text in one regex cache behind a global
//! mutex, with room for 100 patterns, and loads its whole database (about 50-70 ms) on first
//! use: about 7 µs a number on one thread, worse with more threads or countries.
//!
//! Here the same pattern sources are extracted at build time (`build.rs`) and, per country
//! calling code, compiled there into one multi-pattern dense DFA (`regex-automata`) holding
//! every region's leading-digits, national-prefix and number-type patterns, serialized into
//! the binary and loaded (`DFA::from_bytes`, which validates it) on a code's first use. One
//! anchored pass over the national number tells which patterns match from its start (the
//! crate's test: `find(..).start() == 0`), and the crate's `source_for` + `number_type` are
//! replayed on that set: tens of nanoseconds a number, no lock, no database load. The match
//! states a walk reaches fix that set, so each thread remembers the verdict per walk (see
//! `Memo`): after a run's first few numbers, a number costs its steps and one lookup.
//!
//! The fast path only decides `+<country code><national number>` where the crate's parser
//! would take the national number as is: it declines (returns `None`) when a region of the
//! code has a national prefix matching the start of the number, when the number starts with
//! `0` (leading-zero rules), or when its length is outside 2..=17. The caller then runs the
//! full parse. So a number it finds valid is, as written, its own E.164 form (the crate's
//! `format().mode(Mode::E164)` of it): only the numbers it declines can be written with a
//! national prefix the E.164 form drops (`+4402079460958` is `+442079460958`), and only
//! they need formatting (`super::phone`). `tests` hold property tests over many countries
//! proving the verdicts equal, and the E.164 form of every number found valid its input.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, Input, PatternID, PatternSet};

use super::phone_layout::{layout, RegionIds, Sources};

/// A number type's pattern and possible lengths (empty: any length).
struct Desc {
    pattern: &'static str,
    lengths: &'static [u16],
}

/// One region's metadata, as the crate's database has it.
struct RegionMeta {
    #[allow(dead_code)] // kept in the table for debugging; the verdict does not need it
    id: &'static str,
    leading_digits: Option<&'static str>,
    national_prefix_for_parsing: Option<&'static str>,
    national_prefix: Option<&'static str>,
    general: Desc,
    /// Every type `number_type` tries; a match of any makes the number valid.
    types: &'static [Desc],
}

/// The regions of one country calling code, in the database's order.
struct CodeMeta {
    code: u16,
    /// Where the code's serialized DFA is in `DFAS`.
    dfa: Range<usize>,
    regions: &'static [RegionMeta],
}

// Generated: the DFAs' offsets in the blob are long literals.
#[allow(clippy::unreadable_literal)]
mod generated {
    use super::{CodeMeta, Desc, RegionMeta};
    include!(concat!(env!("OUT_DIR"), "/phone_meta.rs"));
}
use generated::CODES;

/// Bytes aligned as the `u32`s a serialized DFA is made of.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

/// Every code's DFA, serialized by `build.rs` (little-endian; each starts on a 4-byte
/// boundary).
static DFAS: &Aligned<[u8]> =
    &Aligned { _align: [], bytes: *include_bytes!(concat!(env!("OUT_DIR"), "/phone_dfa.bin")) };

#[inline]
fn length_ok(lengths: &[u16], len: usize) -> bool {
    let len = u16::try_from(len).unwrap_or(u16::MAX);
    lengths.is_empty() || lengths.contains(&len)
}

/// Whether pattern `id` matched.
fn has(set: &PatternSet, id: usize) -> bool {
    PatternID::new(id).is_ok_and(|p| set.contains(p))
}

/// One country code, loaded.
struct Compiled {
    dfa: dense::DFA<&'static [u32]>,
    /// The state an anchored walk from a number's start begins in.
    start: StateID,
    regions: Vec<RegionIds>,
    /// The pattern of the regions' national-prefix-for-parsing patterns (their union).
    prefix: Option<usize>,
    /// The regions' national prefixes, without repeats.
    prefixes: Vec<&'static str>,
    meta: &'static CodeMeta,
}

impl Compiled {
    /// The code's DFA, loaded from the bytes `build.rs` wrote (`None` if they do not load:
    /// a big-endian target, say; the caller then runs the full parse).
    fn new(meta: &'static CodeMeta) -> Option<Compiled> {
        let (dfa, _) = dense::DFA::from_bytes(DFAS.bytes.get(meta.dfa.clone())?).ok()?;
        // Every walk starts at a number's first digit, with nothing before it: one start.
        let start = dfa.start_state_forward(&Input::new("").anchored(Anchored::Yes)).ok()?;
        let sources = meta.regions.iter().map(|r| Sources {
            leading_digits: r.leading_digits,
            general: r.general.pattern,
            types: r.types.iter().map(|t| t.pattern).collect(),
            national_prefix_for_parsing: r.national_prefix_for_parsing,
        });
        let layout = layout(sources);
        let mut prefixes: Vec<&'static str> = Vec::new();
        for p in meta.regions.iter().filter_map(|r| r.national_prefix) {
            if !p.is_empty() && !prefixes.contains(&p) {
                prefixes.push(p);
            }
        }
        Some(Compiled { dfa, start, regions: layout.regions, prefix: layout.prefix, prefixes, meta })
    }

    /// Walks `national` through the DFA from its start, one step a digit, handing each
    /// match state reached to `reach` (matches show one byte late, the last at the end of
    /// input): the patterns that match from the start, as `try_which_overlapping_matches` of
    /// an anchored search gives them, are those states' patterns. (The search's own loop
    /// stops at every match to hand it out, which for these many overlapping patterns cost
    /// more than the steps.) `None` if the DFA quits (it has no quit bytes; the caller would
    /// run the full parse).
    fn walk(&self, national: &str, mut reach: impl FnMut(StateID)) -> Option<()> {
        let dfa = &self.dfa;
        let mut sid = self.start;
        for &b in national.as_bytes() {
            sid = dfa.next_state(sid, b);
            if dfa.is_special_state(sid) {
                if dfa.is_match_state(sid) {
                    reach(sid);
                } else if dfa.is_dead_state(sid) {
                    return Some(());
                } else if dfa.is_quit_state(sid) {
                    return None;
                }
            }
        }
        sid = dfa.next_eoi_state(sid);
        if dfa.is_match_state(sid) {
            reach(sid);
        }
        Some(())
    }

    /// Adds the patterns of match state `sid` to `set`.
    fn take(&self, set: &mut PatternSet, sid: StateID) {
        for i in 0..self.dfa.match_len(sid) {
            set.insert(self.dfa.match_pattern(sid, i));
        }
    }

    /// `number_type(region, national) != Type::Unknown`, given the patterns that match.
    fn is_valid(&self, region: usize, len: usize, set: &PatternSet) -> bool {
        let (ids, meta) = (&self.regions[region], &self.meta.regions[region]);
        has(set, ids.general)
            && length_ok(meta.general.lengths, len)
            && ids.types.clone().zip(meta.types).any(|(id, t)| has(set, id) && length_ok(t.lengths, len))
    }

    /// Whether the parser might strip one of the regions' national prefixes, which the
    /// number starts with.
    fn starts_with_prefix(&self, national: &str) -> bool {
        self.prefixes.iter().any(|p| national.starts_with(p))
    }

    /// The verdict on a number of `len` digits after the country code, that does not start
    /// with a national prefix, given the patterns that match it: `None` to decline.
    fn verdict(&self, len: usize, set: &PatternSet) -> Option<bool> {
        // The parser might strip a national prefix (or transform the number): decline.
        if self.prefix.is_some_and(|p| has(set, p)) {
            return None;
        }
        // `source_for`: the only region, else the first whose leading digits match at the
        // start, or (without leading digits) for which the number is valid; the number is
        // valid for that region or not at all.
        if self.regions.len() == 1 {
            return Some(self.is_valid(0, len, set));
        }
        for (r, ids) in self.regions.iter().enumerate() {
            match ids.leading {
                Some(p) if has(set, p) => return Some(self.is_valid(r, len, set)),
                // Found for being valid: valid.
                None if self.is_valid(r, len, set) => return Some(true),
                _ => {}
            }
        }
        Some(false)
    }
}

/// Match states one walk keeps; a number reaching more is judged without the memo.
const WALK_STATES: usize = 6;

/// A number's length and the match states its walk reached, in order: the states fix the
/// patterns that match, so this fixes the verdict.
#[derive(Clone, Copy, Default)]
struct Walk {
    len: usize,
    /// Match states reached; more than `WALK_STATES` are counted, not kept.
    reached: usize,
    states: [StateID; WALK_STATES],
}

/// Walks are equal, and hash alike, by their length and the states they kept (the slots
/// past those mean nothing).
impl PartialEq for Walk {
    fn eq(&self, other: &Walk) -> bool {
        self.len == other.len && self.reached == other.reached && self.kept() == other.kept()
    }
}

impl Eq for Walk {}

impl std::hash::Hash for Walk {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len);
        state.write_usize(self.reached);
        for sid in self.kept() {
            sid.hash(state);
        }
    }
}

impl Walk {
    /// The states kept.
    fn kept(&self) -> &[StateID] {
        &self.states[..self.reached.min(WALK_STATES)]
    }

    fn reach(&mut self, sid: StateID) {
        if let Some(slot) = self.states.get_mut(self.reached) {
            *slot = sid;
        }
        self.reached += 1;
    }

    /// Whether every state reached is kept.
    fn whole(&self) -> bool {
        self.reached <= WALK_STATES
    }
}

/// Verdicts of walks already judged: a table indexed by a hash of the walk, a newer walk
/// taking the slot of an older one. A run's numbers reach
/// few distinct walks (per code, a few lengths times the prefixes the patterns tell
/// apart), so nearly every number after the first few is judged by one lookup.
struct Memo {
    slots: Vec<Option<(Walk, Answer)>>,
}

/// A verdict remembered: valid or not, or `None` when the fast path declined.
#[derive(Clone, Copy)]
struct Answer(Option<bool>);

/// Slots in a memo (a power of two).
const MEMO_SLOTS: usize = 256;

impl Memo {
    fn new() -> Memo {
        Memo { slots: vec![None; MEMO_SLOTS] }
    }

    fn slot(walk: &Walk) -> usize {
        let hash = std::hash::BuildHasher::hash_one(&std::hash::BuildHasherDefault::<Mix>::default(), walk);
        // The high bits are the best mixed.
        usize::try_from(hash >> 56).unwrap_or(0) % MEMO_SLOTS
    }

    /// The verdict remembered for `walk`, if any.
    fn get(&self, walk: &Walk) -> Option<Answer> {
        match self.slots[Self::slot(walk)] {
            Some((seen, answer)) if seen == *walk => Some(answer),
            _ => None,
        }
    }

    fn put(&mut self, walk: Walk, answer: Answer) {
        self.slots[Self::slot(&walk)] = Some((walk, answer));
    }
}

/// A multiply-and-rotate hasher for walks (a few words).
#[derive(Default)]
struct Mix(u64);

impl std::hash::Hasher for Mix {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517C_C1B7_2722_0A95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// Each code's DFA, loaded on first use and shared by all threads.
fn compiled(slot: usize) -> Option<&'static Compiled> {
    static COMPILED: OnceLock<Vec<OnceLock<Option<Compiled>>>> = OnceLock::new();
    let all = COMPILED.get_or_init(|| CODES.iter().map(|_| OnceLock::new()).collect());
    all.get(slot)?.get_or_init(|| Compiled::new(&CODES[slot])).as_ref()
}

/// The slot in `CODES` of a country code (codes have at most three digits).
fn slot_of(code: usize) -> Option<usize> {
    static SLOTS: OnceLock<Vec<Option<u16>>> = OnceLock::new();
    let slots = SLOTS.get_or_init(|| {
        let mut slots = vec![None; 1000];
        for (slot, c) in CODES.iter().enumerate() {
            if let (Some(entry), Ok(slot)) = (slots.get_mut(usize::from(c.code)), u16::try_from(slot)) {
                *entry = Some(slot);
            }
        }
        slots
    });
    slots.get(code).copied().flatten().map(usize::from)
}

/// One thread's state for one code: the code, a pattern set to fill and the verdicts of
/// walks seen.
struct Scratch {
    code: &'static Compiled,
    set: PatternSet,
    memo: Memo,
}

thread_local! {
    static SCRATCH: RefCell<Vec<Option<Scratch>>> = const { RefCell::new(Vec::new()) };
}

/// The verdict of `phonenumber::parse(None, e164)` + `is_valid` for `+<digits>`, or `None`
/// when the fast path cannot decide.
#[must_use]
pub fn is_valid_e164(e164: &str) -> Option<bool> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The code is the first one, two or three digits that name one, read as a number.
    let mut code = 0;
    let (slot, national) = digits.bytes().take(3).enumerate().find_map(|(i, d)| {
        code = code * 10 + usize::from(d - b'0');
        slot_of(code).map(|slot| (slot, &digits[i + 1..]))
    })?;
    if !(2..=17).contains(&national.len()) || national.starts_with('0') {
        return None;
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        if scratch.len() <= slot {
            scratch.resize_with(slot + 1, || None);
        }
        let scratch = match &mut scratch[slot] {
            Some(scratch) => scratch,
            empty => empty.insert(Scratch::new(compiled(slot)?)),
        };
        if scratch.code.starts_with_prefix(national) {
            return None;
        }
        scratch.judge(national)
    })
}

impl Scratch {
    fn new(code: &'static Compiled) -> Scratch {
        Scratch { code, set: PatternSet::new(code.dfa.pattern_len()), memo: Memo::new() }
    }

    /// The verdict on `national`, which does not start with a national prefix of the code.
    fn judge(&mut self, national: &str) -> Option<bool> {
        let Scratch { code, set, memo } = self;
        let mut walk = Walk { len: national.len(), ..Walk::default() };
        code.walk(national, |sid| walk.reach(sid))?;
        if !walk.whole() {
            // More match states than a walk keeps: walk again, taking each state's patterns
            // as it is reached.
            set.clear();
            code.walk(national, |sid| code.take(set, sid))?;
            return code.verdict(walk.len, set);
        }
        if let Some(Answer(verdict)) = memo.get(&walk) {
            return verdict;
        }
        set.clear();
        for &sid in walk.kept() {
            code.take(set, sid);
        }
        let verdict = code.verdict(walk.len, set);
        memo.put(walk, Answer(verdict));
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::{is_valid_e164, Compiled, Scratch, CODES};
    use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
    use proptest::prelude::*;

    /// A region's number types, the general one first.
    fn every_descriptor(meta: &Metadata) -> impl Iterator<Item = &Descriptor> {
        let d = meta.descriptors();
        [
            Some(d.general()),
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ]
        .into_iter()
        .flatten()
    }

    /// Every pattern of the crate's database, compacted as `build.rs` compacts it, parses
    /// to the same expression as the original in verbose mode (the mode the DFA compiles
    /// them in).
    #[test]
    // The patterns' type (`regex_cache::CachedRegex`) is not nameable without that crate.
    #[allow(clippy::redundant_closure_for_method_calls)]
    fn compacted_patterns_parse_as_the_originals() {
        use regex_automata::util::syntax;
        let config = syntax::Config::new().ignore_whitespace(true).unicode(false).utf8(false);
        let mut patterns = 0;
        for meta in DATABASE.iter() {
            let sources = every_descriptor(meta)
                .map(|d| d.national_number().as_str())
                .chain(meta.leading_digits().map(|r| r.as_str()))
                .chain(meta.national_prefix_for_parsing().map(|r| r.as_str()));
            for source in sources {
                let compact = super::super::phone_compact::compact(source);
                let (original, compacted) =
                    (syntax::parse_with(source, &config), syntax::parse_with(&compact, &config));
                let original = original.unwrap_or_else(|e| panic!("{source:?}: {e}"));
                assert_eq!(Some(original), compacted.ok(), "{source:?} -> {compact:?}");
                patterns += 1;
            }
        }
        assert!(patterns > 1000, "{patterns}");
    }

    fn crate_verdict(e164: &str) -> bool {
        phonenumber::parse(None, e164).is_ok_and(|n| phonenumber::is_valid(&n))
    }

    /// The crate's E.164 form of the number it parses from `e164`.
    fn crate_e164(e164: &str) -> Option<String> {
        phonenumber::parse(None, e164).ok().map(|n| n.format().mode(phonenumber::Mode::E164).to_string())
    }

    /// The fast path's verdict is the crate's, and a number it finds valid is its own
    /// E.164 form (`super::super::phone` writes it as it is).
    fn agrees(number: &str, fast: bool) -> Result<(), TestCaseError> {
        prop_assert_eq!(fast, crate_verdict(number), "{}", number);
        if fast {
            let e164 = crate_e164(number);
            prop_assert_eq!(e164.as_deref(), Some(number), "E.164 form of {}", number);
        }
        Ok(())
    }

    #[test]
    fn trunk_prefix_after_the_country_code_is_declined() {
        // The crate strips the `0`: valid, but not written in E.164 form.
        assert_eq!(is_valid_e164("+4402079460958"), None);
        assert_eq!(is_valid_e164("+330145678900"), None);
        assert_eq!(crate_e164("+4402079460958").as_deref(), Some("+442079460958"));
    }

    #[test]
    fn known_numbers() {
        assert_eq!(is_valid_e164("+14085550101"), Some(true));
        assert_eq!(is_valid_e164("+442079460123"), Some(true));
        assert_eq!(is_valid_e164("+33145678900"), Some(true));
        assert_eq!(is_valid_e164("+1408555"), Some(false));
    }

    /// A large corpus: every example number of every region and number type in the crate's
    /// metadata (valid by construction), and neighbours of each that are often invalid: last
    /// digit changed, one digit shorter or longer, a middle digit changed. Wherever the fast
    /// path decides, its verdict must be the crate's; and it must decide most of them.
    /// Every example number of every region and number type in the crate's metadata
    /// (valid by construction) whose country code `keep` takes, and neighbours of each that
    /// are often invalid: last digit changed, one digit shorter or longer, a middle digit
    /// changed.
    fn examples_and_neighbours(keep: impl Fn(u16) -> bool) -> Vec<String> {
        let mut corpus = Vec::new();
        for meta in DATABASE.iter().filter(|m| keep(m.country_code())) {
            for example in every_descriptor(meta).filter_map(|d| d.example()) {
                let base = format!("+{}{}", meta.country_code(), example);
                corpus.push(base.clone());
                for digit in '0'..='9' {
                    corpus.push(format!("{}{digit}", &base[..base.len() - 1]));
                    corpus.push(format!("{base}{digit}"));
                    let mid = base.len() / 2 + 1;
                    corpus.push(format!("{}{digit}{}", &base[..mid], &base[mid + 1..]));
                }
                corpus.push(base[..base.len() - 1].to_owned());
            }
        }
        corpus.sort();
        corpus.dedup();
        corpus
    }

    /// A large corpus of examples and their neighbours: wherever the fast path decides, its
    /// verdict must be the crate's; and it must decide most of them.
    #[test]
    fn examples_of_every_region_and_their_neighbours_agree() {
        let corpus = examples_and_neighbours(|_| true);
        let (mut decided, mut valid) = (0, 0);
        for number in &corpus {
            if let Some(fast) = is_valid_e164(number) {
                if let Err(e) = agrees(number, fast) {
                    panic!("{e}");
                }
                decided += 1;
                valid += usize::from(fast);
            }
        }
        assert!(corpus.len() > 20_000, "corpus of {}", corpus.len());
        assert!(decided * 10 > corpus.len() * 8, "decided {decided} of {}", corpus.len());
        assert!(valid * 4 > decided, "valid {valid} of {decided}");
    }

    /// Every code's DFA loads from the bytes `build.rs` wrote, and holds the patterns the
    /// run time's layout places (the two read one layout, `phone_layout`).
    #[test]
    fn every_codes_dfa_loads_with_its_patterns() {
        use regex_automata::dfa::Automaton;
        for meta in CODES {
            let compiled = Compiled::new(meta).unwrap_or_else(|| panic!("+{}: the DFA loads", meta.code));
            let sources = meta.regions.iter().map(|r| super::Sources {
                leading_digits: r.leading_digits,
                general: r.general.pattern,
                types: r.types.iter().map(|t| t.pattern).collect(),
                national_prefix_for_parsing: r.national_prefix_for_parsing,
            });
            assert_eq!(compiled.dfa.pattern_len(), super::layout(sources).patterns.len(), "+{}", meta.code);
        }
    }

    /// A number judged twice gives the crate's verdict both times: the second time from the
    /// memo of walks, over many walks (random numbers of 4 to 15 digits reach many states,
    /// and some more than a walk keeps).
    #[test]
    fn remembered_verdicts_are_the_crates() {
        for code in [1, 44, 49, 7] {
            let meta = CODES.iter().find(|c| c.code == code).expect("a code of the metadata");
            let compiled = Compiled::new(meta).expect("the DFA loads");
            let mut scratch = Scratch::new(Box::leak(Box::new(compiled)));
            let mut corpus = examples_and_neighbours(|c| c == code);
            let mut x = 0x2545_F491_4F6C_DD1D_u64;
            for _ in 0..5_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let digits = x.to_string();
                corpus.push(format!("+{code}{}", &digits[..4 + (x % 12) as usize]));
            }
            let mut decided = 0;
            for number in corpus.iter().chain(&corpus) {
                let national = &number[1 + code.to_string().len()..];
                if !(2..=17).contains(&national.len())
                    || national.starts_with('0')
                    || scratch.code.starts_with_prefix(national)
                {
                    continue;
                }
                if let Some(fast) = scratch.judge(national) {
                    assert_eq!(fast, crate_verdict(number), "{number}");
                    decided += 1;
                }
            }
            let remembered = scratch.memo.slots.iter().flatten().count();
            assert!(
                decided > 5_000 && remembered > 10,
                "+{code}: {decided} verdicts, {remembered} walks remembered"
            );
        }
    }

    fn all_codes() -> Vec<String> {
        CODES.iter().map(|c| c.code.to_string()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

        /// Random digits after every country code of the metadata: wherever the fast path
        /// decides, it gives exactly the crate's verdict.
        #[test]
        fn fast_path_agrees_with_libphonenumber(code in prop::sample::select(all_codes()), national in "[0-9]{0,16}") {
            let e164 = format!("+{code}{national}");
            if let Some(fast) = is_valid_e164(&e164) {
                agrees(&e164, fast)?;
            }
        }

        /// Realistic numbers (a known-valid prefix, random subscriber digits).
        #[test]
        fn fast_path_agrees_on_realistic_numbers(
            prefix in prop::sample::select(&["+1408555", "+1212", "+4420794", "+447700900", "+3314567", "+336123",
                "+49301234", "+49151", "+3906698", "+34911", "+81312345", "+61291", "+9198", "+861381", "+7495",
                "+5511987", "+27115", "+97150", "+65612", "+35312"][..]),
            rest in "[0-9]{0,8}",
        ) {
            let e164 = format!("{prefix}{rest}");
            if let Some(fast) = is_valid_e164(&e164) {
                agrees(&e164, fast)?;
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
