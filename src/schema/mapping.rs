//! Applying a [`Profile`]: the HR export's header and rows become a Control Hub header and
//! rows before any rule runs, so an HR file is checked and fixed exactly like a Control Hub
//! file. Each output column remembers the input column it came from, so findings point at
//! the user's own cells.

use std::ops::Range;

use crate::input::batch::{Fields, Piece};
use crate::input::Meta;

use super::profile::{Profile, REMOVE};
use super::{header_key, Catalogue};
use crate::input::CellNote;

/// Where an output column's value comes from.
#[derive(Clone, Debug)]
enum From {
    /// An input column, unchanged.
    Input(usize),
    /// Filled by defaults or the package value map.
    Generated,
}

/// Defaults that apply when input column `column` holds `value` (trimmed, lower-case).
#[derive(Clone, Debug)]
struct WhenRule {
    column: usize,
    value: String,
    set: Vec<(usize, String)>,
}

/// A profile applied to one input header.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// The Control Hub header.
    pub header: Vec<String>,
    /// Output column -> input column (for cells and underlining), if any.
    pub origin: Vec<Option<usize>>,
    from: Vec<From>,
    input_width: usize,
    /// (input column of the offer, output package columns with their package ids).
    packages: Option<(usize, Vec<(usize, String)>)>,
    package_values: Vec<(String, String)>,
    /// Output column -> global default.
    defaults: Vec<(usize, String)>,
    /// Defaults chosen by another column's value.
    when: Vec<WhenRule>,
}

impl Mapping {
    /// Maps `headers` (the HR export's) with `profile`.
    #[must_use]
    pub fn new(profile: &Profile, catalogue: &Catalogue, headers: &[String]) -> Mapping {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let find = |key: &str| keys.iter().position(|k| k == key);
        let offer = profile.packages.as_ref().and_then(|p| find(&p.column));
        let when_cols: Vec<Option<usize>> = profile.when.iter().map(|w| find(&w.column)).collect();
        let mut m = Mapping {
            header: Vec::new(),
            origin: Vec::new(),
            from: Vec::new(),
            input_width: headers.len(),
            packages: None,
            package_values: profile
                .packages
                .as_ref()
                .map(|p| p.values.clone().into_iter().collect())
                .unwrap_or_default(),
            defaults: Vec::new(),
            when: Vec::new(),
        };
        for (i, key) in keys.iter().enumerate() {
            let target = profile
                .aliases
                .get(key)
                .cloned()
                .or_else(|| super::resolve_name(&headers[i]).map(str::to_owned))
                .or_else(|| {
                    catalogue
                        .classify(super::packages::split_license_header(key).name)
                        .map(|_| headers[i].trim().to_owned())
                })
                .or_else(|| profile.keep.contains(key).then(|| headers[i].trim().to_owned()));
            if Some(i) == offer && !profile.aliases.contains_key(key) {
                continue;
            }
            if let Some(name) = target {
                m.push(name, Some(i), From::Input(i));
            }
        }
        let position =
            |m: &Mapping, name: &str| m.header.iter().position(|h| header_key(h) == header_key(name));
        let column = |m: &mut Mapping, name: &str, origin: Option<usize>| {
            if let Some(c) = position(m, name) {
                return c;
            }
            m.push(name.to_owned(), origin, From::Generated);
            m.header.len() - 1
        };
        for (name, value) in &profile.defaults {
            let c = column(&mut m, name, None);
            m.defaults.push((c, value.clone()));
        }
        for (w, input_col) in profile.when.iter().zip(&when_cols) {
            let Some(input_col) = *input_col else { continue };
            let set =
                w.set.iter().map(|(name, v)| (column(&mut m, name, Some(input_col)), v.clone())).collect();
            m.when.push(WhenRule { column: input_col, value: w.value.clone(), set });
        }
        if let Some(offer) = offer {
            let ids: Vec<(String, String)> = if profile.package_headers.is_empty() {
                let names = profile.package_columns(catalogue);
                catalogue
                    .packages
                    .iter()
                    .filter_map(|p| {
                        names
                            .iter()
                            .find(|n| header_key(n) == p.names[0])
                            .map(|n| (p.id.to_owned(), n.clone()))
                    })
                    .collect()
            } else {
                profile.package_headers.iter().map(|(id, h)| (id.clone(), h.clone())).collect()
            };
            let cols = ids.iter().map(|(id, h)| (column(&mut m, h, Some(offer)), id.clone())).collect();
            m.packages = Some((offer, cols));
            for b in profile.basic_columns() {
                column(&mut m, &b, Some(offer));
            }
        }
        m
    }

    fn push(&mut self, name: String, origin: Option<usize>, from: From) {
        self.header.push(name);
        self.origin.push(origin);
        self.from.push(from);
    }

    /// Maps one input record into `out` (a row appended with `meta` and `raw`). A ragged
    /// input row is passed through unmapped (so `ragged-row` reports it as the user wrote
    /// it). Spreadsheet notes follow their cells to the mapped columns; an offer value the
    /// profile does not know is noted as `CellNote::Unmapped`.
    pub(crate) fn apply(
        &self,
        input: Fields<'_>,
        input_notes: &[CellNote],
        out: &mut Piece,
        meta: Meta,
        raw: Range<usize>,
    ) {
        let mut notes: Vec<CellNote> = input_notes.to_vec();
        if input.len() != self.input_width {
            out.push(input.iter(), meta, raw, &notes);
            return;
        }
        self.remap_notes(&mut notes);
        let mut values: Vec<&str> = self
            .from
            .iter()
            .map(|f| match f {
                From::Input(i) => input.get(*i).unwrap_or(""),
                From::Generated => "",
            })
            .collect();
        for (c, v) in &self.defaults {
            if values[*c].trim().is_empty() {
                values[*c] = v;
            }
        }
        for rule in &self.when {
            if input.get(rule.column).is_some_and(|v| v.trim().to_lowercase() == rule.value) {
                for (c, v) in &rule.set {
                    let from_input = matches!(self.from[*c], From::Input(i) if !input.get(i).unwrap_or("").trim().is_empty());
                    if !from_input {
                        values[*c] = v;
                    }
                }
            }
        }
        if let Some((offer, cols)) = &self.packages {
            let offered = input.get(*offer).unwrap_or("").trim().to_lowercase();
            if !offered.is_empty() {
                match self.package_values.iter().find(|(k, _)| *k == offered) {
                    Some((_, id)) => {
                        for (c, pid) in cols {
                            values[*c] = if id != REMOVE && pid == id { "TRUE" } else { "FALSE" };
                        }
                    }
                    None => {
                        if let Some((c, _)) = cols.first() {
                            notes.push(CellNote::Unmapped(*c));
                        }
                    }
                }
            }
        }
        out.push(values, meta, raw, &notes);
    }

    /// Spreadsheet notes name the user's columns; the rules need the mapped ones.
    fn remap_notes(&self, notes: &mut Vec<CellNote>) {
        notes.retain_mut(|note| match note {
            CellNote::Error(c) | CellNote::Number(c) => match self.origin.iter().position(|o| *o == Some(*c))
            {
                Some(out) => {
                    *c = out;
                    true
                }
                None => false,
            },
            CellNote::Unmapped(_) => true,
        });
    }
}
