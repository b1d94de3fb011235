//! Applying a [`Profile`]: the HR export's header and rows become a Control Hub header and
//! rows before any rule runs, so an HR file is checked and fixed exactly like a Control Hub
//! file. Each output column remembers the input column it came from, so findings point at
//! the user's own cells.

use std::ops::Range;

use crate::input::batch::{Fields, Piece};
use crate::input::Meta;

use super::profile::{Profile, ProfileError, REMOVE};
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
    /// The condition as findings name it: `` `Pays` = `Belgique` ``.
    label: String,
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
    /// Maps `headers` (the HR export's, read from `input`) with `profile`.
    ///
    /// # Errors
    /// [`crate::Error::Profile`] when the profile names a column of the input that `headers`
    /// lack: the `[packages]` column, a `[[when]]` column or a `keep` entry. Each of them
    /// would otherwise be ignored without a word (no package set, no default applied, a
    /// column dropped). `[aliases]` may name headers the input lacks: a profile lists
    /// the spellings of several exports.
    pub fn new(
        profile: &Profile,
        catalogue: &Catalogue,
        headers: &[String],
        input: &str,
    ) -> Result<Mapping, crate::Error> {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let find = |key: &str| keys.iter().position(|k| k == key);
        let require = |key: &str, what: &str, span: &Range<usize>| {
            // The name as the profile writes it (its text at the span, without quotes).
            let written =
                profile.source.1.get(span.clone()).map_or(key, |t| t.trim_matches(|c| c == '"' || c == '\''));
            find(key).ok_or_else(|| profile.error(missing_column(written, what, span, headers, input)))
        };
        // A column the profile reads values from must be one: with two under its header,
        // the first was read and the other dropped, whichever the export put first.
        let read = |key: &str, what: &str, span: &Range<usize>| {
            let col = require(key, what, span)?;
            match keys.iter().enumerate().skip(col + 1).find(|(_, k)| *k == key) {
                Some((other, _)) => Err(profile.error(ProfileError {
                    message: format!(
                        "{input} has two columns `{}` ({} and {}), the profile's {what}",
                        headers[col].trim(),
                        super::column_letters(col),
                        super::column_letters(other)
                    ),
                    span: Some(span.clone()),
                    help:
                        "rename one of the two columns in the export: the profile reads its values from one"
                            .to_owned(),
                })),
                None => Ok(col),
            }
        };
        let offer = match &profile.packages {
            Some(p) => Some(read(&p.column, "[packages] column", &p.column_span)?),
            None => None,
        };
        let when_cols = profile
            .when
            .iter()
            .map(|w| read(&w.column, "[[when]] column", &w.column_span).map(Some))
            .collect::<Result<Vec<_>, _>>()?;
        for (key, span) in profile.keep.iter().zip(&profile.keep_spans) {
            let col = require(key, "keep", span)?;
            if Some(col) == offer {
                return Err(kept_offer(profile, headers[col].trim(), span));
            }
        }
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
                    // License columns stay, as `profile init` says: the catalogue's, and any
                    // other service's with a `[Sub...]` suffix (as without a profile).
                    let parts = super::packages::split_license_header(key);
                    (parts.suffix.is_some() || catalogue.classify(parts.name).is_some())
                        .then(|| headers[i].trim().to_owned())
                })
                .or_else(|| profile.keep.contains(key).then(|| headers[i].trim().to_owned()));
            if Some(i) == offer && !profile.aliases.contains_key(key) {
                continue;
            }
            if let Some(name) = target {
                m.push(name, Some(i), From::Input(i));
            }
        }
        for (name, value) in &profile.defaults {
            let c = m.column(name, None);
            m.defaults.push((c, value.clone()));
        }
        for (w, input_col) in profile.when.iter().zip(&when_cols) {
            let Some(input_col) = *input_col else { continue };
            // No origin: the value is the profile's, not the condition cell's (a finding about it
            // has no cell, as a `[defaults]` value's).
            let set = w.set.iter().map(|(name, v)| (m.column(name, None), v.clone())).collect();
            let label = format!("`{}` = `{}`", headers[input_col].trim(), w.written.trim());
            m.when.push(WhenRule { column: input_col, value: w.value.clone(), set, label });
        }
        if let Some(offer) = offer {
            m.package_columns(profile, catalogue, headers, offer, input)?;
        }
        Ok(m)
    }

    /// The conditions of the `[[when]]` tables, in order, as findings name them
    /// (`CellNote::Filled`).
    #[must_use]
    pub fn when_labels(&self) -> Vec<String> {
        self.when.iter().map(|w| w.label.clone()).collect()
    }

    /// Per output column, whether the profile fills it rather than copying an input column.
    #[must_use]
    pub fn generated(&self) -> Vec<bool> {
        self.from.iter().map(|f| matches!(f, From::Generated)).collect()
    }

    /// The output column named `name`.
    fn position(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| header_key(h) == header_key(name))
    }

    /// The output column named `name`, added (generated, from `origin`) if there is none.
    fn column(&mut self, name: &str, origin: Option<usize>) -> usize {
        if let Some(c) = self.position(name) {
            return c;
        }
        self.push(name.to_owned(), origin, From::Generated);
        self.header.len() - 1
    }

    /// The package and basic license columns the value map of input column `offer` writes.
    fn package_columns(
        &mut self,
        profile: &Profile,
        catalogue: &Catalogue,
        headers: &[String],
        offer: usize,
        input: &str,
    ) -> Result<(), crate::Error> {
        let ids: Vec<(String, String)> = if profile.package_headers.is_empty() {
            let names = profile.package_columns(catalogue);
            catalogue
                .packages
                .iter()
                .filter_map(|p| {
                    names.iter().find(|n| header_key(n) == p.names[0]).map(|n| (p.id.to_owned(), n.clone()))
                })
                .collect()
        } else {
            profile.package_headers.iter().map(|(id, h)| (id.clone(), h.clone())).collect()
        };
        // The value map writes these columns: one the file already has would be overwritten
        // where the offer is mapped and kept where it is not, its values silently replaced.
        for name in ids.iter().map(|(_, h)| h.clone()).chain(profile.basic_columns()) {
            if let Some(From::Input(i)) = self.position(&name).map(|c| &self.from[c]) {
                return Err(own_license_column(profile, headers, *i, offer, input));
            }
        }
        let cols = ids.iter().map(|(id, h)| (self.column(h, Some(offer)), id.clone())).collect();
        self.packages = Some((offer, cols));
        for b in profile.basic_columns() {
            self.column(&b, Some(offer));
        }
        Ok(())
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
        // Each value the profile writes is noted, so that a finding about it says it is the
        // profile's, not the row's.
        for (c, v) in &self.defaults {
            if values[*c].trim().is_empty() {
                values[*c] = v;
                notes.push(CellNote::Filled(*c, None));
            }
        }
        for (n, rule) in self.when.iter().enumerate() {
            if input.get(rule.column).is_some_and(|v| super::profile::value_key(v) == rule.value) {
                for (c, v) in &rule.set {
                    let from_input = matches!(self.from[*c], From::Input(i) if !input.get(i).unwrap_or("").trim().is_empty());
                    if !from_input {
                        values[*c] = v;
                        notes.retain(|note| !matches!(note, CellNote::Filled(col, _) if col == c));
                        notes.push(CellNote::Filled(*c, Some(n)));
                    }
                }
            }
        }
        if let Some((offer, cols)) = &self.packages {
            let offered = super::profile::value_key(input.get(*offer).unwrap_or(""));
            // An empty offer is mapped only by a `""` entry; without one, the package cells
            // stay blank (`no-package`), as the export left them.
            match self.package_values.iter().find(|(k, _)| *k == offered) {
                Some((_, id)) => {
                    for (c, pid) in cols {
                        values[*c] = if id != REMOVE && pid == id { "TRUE" } else { "FALSE" };
                    }
                }
                None if offered.is_empty() => {}
                None => {
                    if let Some((c, _)) = cols.first() {
                        notes.push(CellNote::Unmapped(*c));
                    }
                }
            }
        }
        out.push(values, meta, raw, &notes);
    }

    /// Spreadsheet notes name the user's columns; the rules need the mapped ones.
    fn remap_notes(&self, notes: &mut Vec<CellNote>) {
        notes.retain_mut(|note| match note {
            CellNote::Error(c) | CellNote::Number(c) | CellNote::NoValue(c) => {
                match self.origin.iter().position(|o| *o == Some(*c)) {
                    Some(out) => {
                        *c = out;
                        true
                    }
                    None => false,
                }
            }
            CellNote::Unmapped(_) | CellNote::Filled(..) => true,
        });
    }
}

/// The file has a column the `[packages]` value map writes (a package or basic license
/// column, or an alias to one): which of the two says the user's package is not for hubcsv
/// to guess.
fn own_license_column(
    profile: &Profile,
    headers: &[String],
    column: usize,
    offer: usize,
    input: &str,
) -> crate::Error {
    let span = profile.packages.as_ref().map(|p| p.column_span.clone());
    profile.error(ProfileError {
        message: format!(
            "{input} has a license column `{}` (column {}), which the profile's [packages] sets from `{}`",
            headers[column].trim(),
            super::column_letters(column),
            headers[offer].trim()
        ),
        span,
        help: "a user's packages come from one place: remove [packages] and let the file's license columns say them (aliases may name them), or remove the column from the export".to_owned(),
    })
}

/// A `keep` entry that names the `[packages]` column: that column becomes the package
/// columns; kept too, it would be a column Control Hub does not know.
fn kept_offer(profile: &Profile, header: &str, span: &Range<usize>) -> crate::Error {
    profile.error(ProfileError {
        message: format!("`{header}` is the [packages] column: its values become the package columns"),
        span: Some(span.clone()),
        help: "remove it from keep; to keep the offer text too, copy it into another column of the export"
            .to_owned(),
    })
}

/// The error for a column a profile names and the input lacks: the input's headers, and the
/// closest of them when one is a likely typo.
fn missing_column(
    written: &str,
    what: &str,
    span: &Range<usize>,
    headers: &[String],
    input: &str,
) -> ProfileError {
    let key = header_key(written);
    let shown: Vec<String> =
        headers.iter().map(|h| h.trim()).filter(|h| !h.is_empty()).map(|h| format!("`{h}`")).collect();
    let closest = headers
        .iter()
        .map(|h| (strsim::levenshtein(&key, &header_key(h)), h.trim()))
        .filter(|(d, h)| !h.is_empty() && *d <= (key.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, h)| h);
    ProfileError {
        message: format!("{input} has no column `{written}` (the profile's {what})"),
        span: Some(span.clone()),
        help: format!(
            "{}rite the header as the file has it (case and extra spaces do not matter); the file's headers are: {}",
            closest.map_or_else(|| "w".to_owned(), |c| format!("did you mean `{c}`? W")),
            shown.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    fn profile(text: &str) -> Profile {
        Profile::parse(text, &Catalogue::default()).unwrap()
    }

    #[test]
    fn a_missing_offer_column_is_a_profile_error() {
        let p = profile("[packages]\ncolumn = \"Offer\"\nvalues = { \"Voix\" = \"webex_voice\" }\n");
        let e =
            Mapping::new(&p, &Catalogue::default(), &headers(&["Courriel", "Offre"]), "rh.csv").unwrap_err();
        let crate::Error::Profile(f) = &e else { panic!("{e:?}") };
        assert!(f.message.contains("rh.csv has no column `Offer`"), "{}", f.message);
        assert!(f.help.contains("did you mean `Offre`?"), "{}", f.help);
        assert!(f.help.contains("`Courriel`, `Offre`"), "{}", f.help);
        assert_eq!(f.path, "the profile:2");
    }

    #[test]
    fn edit_distance() {
        // The distance "did you mean" ranks headers by (strsim's Levenshtein, by chars).
        let distance = strsim::levenshtein;
        assert_eq!(distance("offer", "offre"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("pays", "pays"), 0);
    }

    #[test]
    fn keeping_the_offer_column_is_a_profile_error() {
        let p = profile(
            "keep = [\"Offre\"]\n[packages]\ncolumn = \"Offre\"\nvalues = { \"Voix\" = \"webex_voice\" }\n",
        );
        let headers: Vec<String> = ["Courriel", "Offre"].map(str::to_owned).to_vec();
        let e = Mapping::new(&p, &Catalogue::default(), &headers, "rh.csv").unwrap_err();
        assert!(e.to_string().contains("`Offre` is the [packages] column"), "{e}");
    }

    #[test]
    fn missing_when_and_keep_columns_are_profile_errors() {
        let hr = headers(&["Courriel", "Pays"]);
        let p = profile(
            "[[when]]\ncolumn = \"Country\"\nvalue = \"BE\"\nset = { \"Location\" = \"Brussels\" }\n",
        );
        assert!(Mapping::new(&p, &Catalogue::default(), &hr, "rh.csv").is_err());
        let p = profile("keep = [\"Pays\", \"Cost Center\"]\n");
        let e = Mapping::new(&p, &Catalogue::default(), &hr, "rh.csv").unwrap_err();
        assert!(e.to_string().contains("`Cost Center`"), "{e}");
        // Aliases for headers the file lacks are fine: a profile may list several spellings.
        let p = profile("keep = [\"Pays\"]\n[aliases]\n\"Mail pro\" = \"User ID/Email (Required)\"\n");
        assert!(Mapping::new(&p, &Catalogue::default(), &hr, "rh.csv").is_ok());
    }
}
