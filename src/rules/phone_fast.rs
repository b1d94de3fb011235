//! A fast path for E.164 validity that gives libphonenumber's verdict (the `phonenumber`
//! crate's `parse` + `is_valid`) without its cost.
//!
//! The crate looks every pattern up by its source text in one regex cache behind a global
//! mutex, with room for 100 patterns, and loads its whole database (about 50-70 ms) on first
//! use: about 7 µs a number on one thread, worse with more threads or countries.
//!
//! Here the same pattern sources are extracted at build time (`build.rs`) and, per country
//! calling code, compiled on first use into one multi-pattern lazy DFA (`regex-automata`)
//! holding every region's leading-digits, national-prefix and number-type patterns. One
//! anchored pass over the national number tells which patterns match from its start (the
//! crate's test: `find(..).start() == 0`), and the crate's `source_for` + `number_type` are
//! replayed on that set: tens of nanoseconds a number, no lock, no database load.
//!
//! The fast path only decides `+<country code><national number>` where the crate's parser
//! would take the national number as is: it declines (returns `None`) when a region of the
//! code has a national prefix matching the start of the number, when the number starts with
//! `0` (leading-zero rules), or when its length is outside 2..=17. The caller then runs the
//! full parse. `tests` hold property tests over many countries proving the verdicts equal.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternID, PatternSet};

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
    regions: &'static [RegionMeta],
}

mod generated {
    use super::{CodeMeta, Desc, RegionMeta};
    include!(concat!(env!("OUT_DIR"), "/phone_meta.rs"));
}
use generated::CODES;

#[inline]
fn length_ok(lengths: &[u16], national: &str) -> bool {
    let len = u16::try_from(national.len()).unwrap_or(u16::MAX);
    lengths.is_empty() || lengths.contains(&len)
}

/// Whether pattern `id` matched.
fn has(set: &PatternSet, id: usize) -> bool {
    PatternID::new(id).is_ok_and(|p| set.contains(p))
}

/// Where one region's patterns sit in its code's DFA.
struct RegionIds {
    leading: Option<usize>,
    general: usize,
    types: Range<usize>,
}

/// One country code, compiled.
struct Compiled {
    dfa: DFA,
    regions: Vec<RegionIds>,
    /// One pattern for every region's national-prefix-for-parsing pattern (their union):
    /// a match means the parser might strip a prefix.
    prefix: Option<usize>,
    /// The regions' national prefixes, without repeats.
    prefixes: Vec<&'static str>,
    meta: &'static CodeMeta,
}

impl Compiled {
    fn new(meta: &'static CodeMeta) -> Option<Compiled> {
        let mut patterns: Vec<String> = Vec::new();
        let mut push = |source: &str| {
            // The metadata's patterns are laid out over several lines (the crate compiles
            // them with `ignore_whitespace`); the newline ends a `#` comment, if any.
            patterns.push(format!("(?:{source}\n)"));
            patterns.len() - 1
        };
        let mut regions = Vec::with_capacity(meta.regions.len());
        let mut prefix_sources: Vec<&'static str> = Vec::new();
        let mut prefixes: Vec<&'static str> = Vec::new();
        for r in meta.regions {
            let leading = r.leading_digits.map(&mut push);
            let general = push(r.general.pattern);
            let first = general + 1;
            for t in r.types {
                push(t.pattern);
            }
            regions.push(RegionIds { leading, general, types: first..first + r.types.len() });
            if let Some(source) = r.national_prefix_for_parsing.filter(|s| !prefix_sources.contains(s)) {
                prefix_sources.push(source);
            }
            if let Some(p) = r.national_prefix.filter(|p| !p.is_empty() && !prefixes.contains(p)) {
                prefixes.push(p);
            }
        }
        // Any region's prefix matching at the start is the union matching at the start.
        let prefix = (!prefix_sources.is_empty()).then(|| {
            let union: Vec<String> = prefix_sources.iter().map(|s| format!("(?:{s}\n)")).collect();
            push(&union.join("|"))
        });
        // Numbers are ASCII digits: byte-oriented, non-Unicode classes match them the same.
        let dfa = DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::All))
            .syntax(syntax::Config::new().ignore_whitespace(true).unicode(false).utf8(false))
            .build_many(&patterns)
            .ok()?;
        Some(Compiled { dfa, regions, prefix, prefixes, meta })
    }

    /// Fills `set` with the patterns that match `national` from its start, as
    /// `try_which_overlapping_matches` of an anchored search does: one step of the lazy DFA
    /// a digit, the patterns of each match state taken as it is reached (matches show one
    /// byte late, the last at the end of input). The search's own loop stops at every match
    /// to hand it out, which for these many overlapping patterns cost more than the steps.
    /// `None` when the DFA gives up (the caller then runs the full parse).
    fn matches(&self, national: &str, cache: &mut Cache, set: &mut PatternSet) -> Option<()> {
        let dfa = &self.dfa;
        let take = |cache: &Cache, set: &mut PatternSet, sid: LazyStateID| {
            for i in 0..dfa.match_len(cache, sid) {
                set.insert(dfa.match_pattern(cache, sid, i));
            }
        };
        let mut sid = dfa.start_state_forward(cache, &Input::new(national).anchored(Anchored::Yes)).ok()?;
        for &b in national.as_bytes() {
            sid = dfa.next_state(cache, sid, b).ok()?;
            if sid.is_tagged() {
                if sid.is_match() {
                    take(cache, set, sid);
                } else if sid.is_dead() {
                    return Some(());
                } else if sid.is_quit() {
                    return None;
                }
            }
        }
        sid = dfa.next_eoi_state(cache, sid).ok()?;
        if sid.is_match() {
            take(cache, set, sid);
        }
        Some(())
    }

    /// `number_type(region, national) != Type::Unknown`, given the patterns that match.
    fn is_valid(&self, region: usize, national: &str, set: &PatternSet) -> bool {
        let (ids, meta) = (&self.regions[region], &self.meta.regions[region]);
        has(set, ids.general)
            && length_ok(meta.general.lengths, national)
            && ids.types.clone().zip(meta.types).any(|(id, t)| has(set, id) && length_ok(t.lengths, national))
    }

    /// The verdict on `national` (the number after the country code), or `None` to decline.
    fn verdict(&self, national: &str, set: &PatternSet) -> Option<bool> {
        // The parser might strip a national prefix (or transform the number): decline.
        if self.prefix.is_some_and(|p| has(set, p)) || self.prefixes.iter().any(|p| national.starts_with(p)) {
            return None;
        }
        // `source_for`: the only region, else the first whose leading digits match at the
        // start, or (without leading digits) for which the number is valid; the number is
        // valid for that region or not at all.
        if self.regions.len() == 1 {
            return Some(self.is_valid(0, national, set));
        }
        for (r, ids) in self.regions.iter().enumerate() {
            match ids.leading {
                Some(p) if has(set, p) => return Some(self.is_valid(r, national, set)),
                // Found for being valid: valid.
                None if self.is_valid(r, national, set) => return Some(true),
                _ => {}
            }
        }
        Some(false)
    }
}

/// Each code's compiled DFA, built on first use and shared by all threads.
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

thread_local! {
    /// Per thread and code: the lazy DFA's state cache and a pattern set to fill.
    static SCRATCH: RefCell<Vec<Option<(Cache, PatternSet)>>> = const { RefCell::new(Vec::new()) };
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
    let code = compiled(slot)?;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        if scratch.len() <= slot {
            scratch.resize_with(slot + 1, || None);
        }
        let (cache, set) = scratch[slot]
            .get_or_insert_with(|| (Cache::new(&code.dfa), PatternSet::new(code.dfa.pattern_len())));
        set.clear();
        code.matches(national, cache, set)?;
        code.verdict(national, set)
    })
}

#[cfg(test)]
mod tests {
    use super::{is_valid_e164, CODES};
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
    #[test]
    fn examples_of_every_region_and_their_neighbours_agree() {
        let mut corpus = Vec::new();
        for meta in DATABASE.iter() {
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
        let (mut decided, mut valid) = (0, 0);
        for number in &corpus {
            if let Some(fast) = is_valid_e164(number) {
                assert_eq!(fast, crate_verdict(number), "{number}");
                decided += 1;
                valid += usize::from(fast);
            }
        }
        assert!(corpus.len() > 20_000, "corpus of {}", corpus.len());
        assert!(decided * 10 > corpus.len() * 8, "decided {decided} of {}", corpus.len());
        assert!(valid * 4 > decided, "valid {valid} of {decided}");
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
                prop_assert_eq!(fast, crate_verdict(&e164), "{}", e164);
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
