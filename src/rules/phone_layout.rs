//! Where each pattern of a country calling code sits in the code's DFA. `build.rs` compiles
//! the patterns in this order into one DFA per code; `phone_fast` reads a match state's
//! patterns back by these places. This file is part of both (the build script includes it by
//! path), so the two cannot disagree.

use std::ops::Range;

/// One region's pattern sources (compacted, as `build.rs` writes them into the metadata).
pub struct Sources<'a> {
    pub leading_digits: Option<&'a str>,
    pub general: &'a str,
    /// Every type `number_type` tries, in its order.
    pub types: Vec<&'a str>,
    pub national_prefix_for_parsing: Option<&'a str>,
}

/// Where one region's patterns sit in its code's DFA.
pub struct RegionIds {
    pub leading: Option<usize>,
    pub general: usize,
    pub types: Range<usize>,
}

/// A code's patterns, in the DFA's order, and where each region's are.
pub struct Layout {
    /// What `build.rs` compiles (the run time reads only the places; its tests check both).
    #[cfg_attr(not(test), allow(dead_code))]
    pub patterns: Vec<String>,
    pub regions: Vec<RegionIds>,
    /// One pattern for every region's national-prefix-for-parsing pattern (their union): a
    /// match means the parser might strip a prefix.
    pub prefix: Option<usize>,
}

/// The layout of a code whose regions, in the database's order, are `regions`.
pub fn layout<'a>(regions: impl IntoIterator<Item = Sources<'a>>) -> Layout {
    let mut patterns: Vec<String> = Vec::new();
    let mut push = |source: &str| {
        // The metadata's patterns are laid out over several lines (the crate compiles them
        // with `ignore_whitespace`); the newline ends a `#` comment, if any.
        patterns.push(format!("(?:{source}\n)"));
        patterns.len() - 1
    };
    let mut ids = Vec::new();
    let mut prefix_sources: Vec<&str> = Vec::new();
    for r in regions {
        let leading = r.leading_digits.map(&mut push);
        let general = push(r.general);
        let first = general + 1;
        for t in &r.types {
            push(t);
        }
        ids.push(RegionIds { leading, general, types: first..first + r.types.len() });
        if let Some(source) = r.national_prefix_for_parsing.filter(|s| !prefix_sources.contains(s)) {
            prefix_sources.push(source);
        }
    }
    // Any region's prefix matching at the start is the union matching at the start.
    let prefix = (!prefix_sources.is_empty()).then(|| {
        let union: Vec<String> = prefix_sources.iter().map(|s| format!("(?:{s}\n)")).collect();
        push(&union.join("|"))
    });
    Layout { patterns, regions: ids, prefix }
}
