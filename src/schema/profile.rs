//! HR export profiles (contract §7): a TOML file mapping an HR export onto Control Hub's
//! format: header aliases, a value map that sets the package columns, defaults (optionally
//! chosen by another column's value), the phone region, and the org's exact package headers.
//!
//! ```toml
//! region = "FR"
//! keep = ["Cost Center"]                 # other HR columns to carry through
//!
//! [aliases]                              # HR header = Control Hub header
//! "Matricule RH" = "Title"
//!
//! [packages]                             # the package, from a column's value
//! column = "Offre"
//! values = { "Voix" = "webex_voice", "Suite" = "webex_suite", "Départ" = "remove" }
//!
//! [defaults]                             # when the HR file has no value
//! "Preferred Webex Site" = "acme.webex.com"
//!
//! [[when]]                               # defaults chosen by another column's value
//! column = "Pays"
//! value = "Belgique"
//! set = { "Location" = "Bruxelles", "Preferred Webex Site" = "acme-be.webex.com" }
//!
//! [catalogue]                            # the org's exact headers
//! webex_voice = "Webex Voice [Sub100200]"
//! webex_suite = "Webex Suite [Sub100200]"
//! webex_calling = { header = "Webex Calling [Sub100200]", meetings = true }
//! basic = ["Basic Messaging", "Basic Space Meetings", "Call on Webex (1:1 call, non-PSTN)"]
//!
//! [catalogue.webex_meetings]             # a package's table: header, calling, meetings
//! calling = false
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::columns::{ColumnClass, KNOWN};
use super::{header_key, Catalogue, Package};

/// The value a package value map uses for "every package FALSE".
pub const REMOVE: &str = "remove";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    region: Option<Spanned<String>>,
    #[serde(default)]
    keep: Vec<Spanned<String>>,
    #[serde(default)]
    aliases: BTreeMap<Spanned<String>, Spanned<String>>,
    packages: Option<PackagesFile>,
    #[serde(default)]
    defaults: BTreeMap<Spanned<String>, String>,
    #[serde(default)]
    when: Vec<WhenFile>,
    catalogue: Option<BTreeMap<Spanned<String>, CatalogueValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackagesFile {
    column: Spanned<String>,
    values: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenFile {
    column: Spanned<String>,
    value: String,
    set: BTreeMap<Spanned<String>, String>,
}

/// `package_id = "Header"`, `package_id = { header = "Header", calling = true, meetings = false }`
/// (a `[catalogue.package_id]` table), or `basic = ["Header", ...]`.
#[derive(Debug)]
enum CatalogueValue {
    One(String),
    Many(Vec<String>),
    Table(PackageEntry),
}

/// A package's table under `[catalogue]`: each key optional, none other allowed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageEntry {
    header: Option<String>,
    calling: Option<bool>,
    meetings: Option<bool>,
}

// By hand rather than `#[serde(untagged)]`: an untagged enum reports any mistake in a table
// as "did not match any variant", where a table's own error names the unknown key.
impl<'de> Deserialize<'de> for CatalogueValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CatalogueValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a header, a list of headers, or a table with `header`, `calling`, `meetings`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CatalogueValue, E> {
                Ok(CatalogueValue::One(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<CatalogueValue, A::Error> {
                Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(CatalogueValue::Many)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<CatalogueValue, A::Error> {
                Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(CatalogueValue::Table)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A package's properties as a profile's `[catalogue]` sets them (unset: the built-in
/// catalogue's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PackageFlags {
    /// Needs calling fields: Location, and a phone number or an extension.
    pub calling: Option<bool>,
    /// Supports meetings: a Preferred Webex Site is expected.
    pub meetings: Option<bool>,
}

/// A profile error: a message and the byte range of the TOML it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// What is wrong.
    pub message: String,
    /// Where, in the profile's text.
    pub span: Option<Range<usize>>,
    /// How to fix it.
    pub help: String,
}

impl std::fmt::Display for ProfileError {
    /// The message alone; [`Profile::error`] (or [`Profile::load`]) gives the
    /// [`crate::Error`] that names the profile and its line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

/// Where a package column's value comes from.
#[derive(Clone, Debug)]
pub struct PackageMap {
    /// The HR column holding the offer (header key).
    pub column: String,
    /// Where the column's name is in the profile's text.
    pub column_span: Range<usize>,
    /// HR value (trimmed, lower-case) -> package id, or [`REMOVE`].
    pub values: BTreeMap<String, String>,
}

/// Defaults chosen by another column's value.
#[derive(Clone, Debug)]
pub struct When {
    /// The HR column (header key).
    pub column: String,
    /// Where the column's name is in the profile's text.
    pub column_span: Range<usize>,
    /// The value (trimmed, lower-case).
    pub value: String,
    /// The value as the profile writes it.
    pub written: String,
    /// Canonical column -> value.
    pub set: Vec<(String, String)>,
}

/// A parsed, validated profile.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// Region for national phone numbers.
    pub region: Option<phonenumber::country::Id>,
    /// HR columns (header keys) carried through unchanged.
    pub keep: Vec<String>,
    /// Where each `keep` entry is in the profile's text.
    pub keep_spans: Vec<Range<usize>>,
    /// HR header key -> canonical Control Hub header.
    pub aliases: BTreeMap<String, String>,
    /// The package from a column's value.
    pub packages: Option<PackageMap>,
    /// Canonical column -> default value.
    pub defaults: Vec<(String, String)>,
    /// Defaults chosen by another column's value.
    pub when: Vec<When>,
    /// Package id -> the org's exact header.
    pub package_headers: BTreeMap<String, String>,
    /// The org's basic license headers, when given.
    pub basic_headers: Option<Vec<String>>,
    /// Package id -> the flags `[catalogue]` sets for it.
    pub package_flags: BTreeMap<String, PackageFlags>,
    /// The profile's name (its path, once loaded) and text, for the mistakes found only
    /// when it meets an input (a column the input does not have).
    pub source: (String, String),
}

/// Keys of one table as matched (case-insensitively), with the key as written first.
#[derive(Default)]
struct Seen(BTreeMap<String, String>);

impl Seen {
    /// Records `key` (written `written`); a key matched like one before is an error: which
    /// of the two would win is not for the file's order to decide.
    fn first(&mut self, table: &str, written: &Spanned<String>, key: String) -> Result<(), ProfileError> {
        if let Some(before) = self.0.get(&key) {
            return Err(ProfileError {
                message: format!(
                    "`{}` and `{before}` in {table} are the same key (keys match case-insensitively, spaces trimmed)",
                    written.get_ref()
                ),
                span: Some(written.span()),
                help: "keep one of the two keys, with the value you mean".to_owned(),
            });
        }
        self.0.insert(key, written.get_ref().clone());
        Ok(())
    }
}

/// A profile mistake as the fatal error, with the line of `text` it is on.
fn failure(name: &str, text: &str, e: ProfileError) -> crate::Error {
    let span = e.span.filter(|s| s.end <= text.len());
    let line = span.as_ref().map_or(0, |s| text.get(..s.start).map_or(1, |t| t.matches('\n').count() + 1));
    crate::Error::Profile(Box::new(crate::error::ProfileFailure {
        path: if line > 0 { format!("{name}:{line}") } else { name.to_owned() },
        message: e.message,
        help: e.help,
        span: span.map(|s| miette::SourceSpan::new(s.start.into(), s.len())),
        source_code: miette::NamedSource::new(name, text.to_owned()),
    }))
}

/// The canonical spelling of a Control Hub column name, if it is one.
fn canonical_column(name: &str) -> Option<&'static str> {
    let key = header_key(name);
    KNOWN
        .iter()
        .find(|(c, aliases, _)| header_key(c) == key || aliases.contains(&key.as_str()))
        .map(|(c, _, _)| *c)
}

/// The Control Hub column a profile names as a target (an alias, a default, a `[[when]]`
/// set), if it is one; a column an upload cannot write is an error: Control Hub ignores its
/// read-only columns (and hubcsv reads `User Status` as the evidence that a user exists), and
/// `fix` leaves out the columns of a rejects file.
fn writable_column(name: &Spanned<String>) -> Result<Option<&'static str>, ProfileError> {
    let Some(column) = canonical_column(name.get_ref()) else { return Ok(None) };
    let class = KNOWN.iter().find(|(c, _, _)| *c == column).map(|(_, _, class)| *class);
    let why = match class {
        Some(ColumnClass::UserStatus | ColumnClass::ReadOnly) => {
            "is a read-only column: Control Hub ignores it on upload, and hubcsv would read the HR value as Control Hub's"
        }
        Some(ColumnClass::Annotation) => "is hubcsv's own column of a rejects file: `fix` leaves it out",
        _ => return Ok(Some(column)),
    };
    Err(ProfileError {
        message: format!("`{column}` {why}"),
        span: Some(name.span()),
        help: "map HR data to a column an upload sets (`First Name`, `Department`, `Phone Number`, `Location`, ...), or leave it out".to_owned(),
    })
}

/// The license column an alias names, as the output's header: a package or basic license
/// (Control Hub's spelling), a `[catalogue]` header of the profile, or another service's
/// column with a `[Sub...]` suffix (as written). HR exports may have a Yes/No column per
/// package.
fn license_column(target: &str, catalogue: &Catalogue, profile: &Profile) -> Option<String> {
    let key = header_key(target);
    let parts = super::packages::split_license_header(&key);
    if canonical_column(parts.name).is_some() {
        return None;
    }
    let own = profile
        .package_headers
        .values()
        .chain(profile.basic_headers.iter().flatten())
        .any(|h| super::packages::split_license_header(&header_key(h)).name == parts.name);
    if !own && parts.suffix.is_none() && catalogue.classify(parts.name).is_none() {
        return None;
    }
    match catalogue.display_name(parts.name) {
        Some(display) if parts.suffix.is_none() && !parts.suspended => Some(display.to_owned()),
        _ => Some(target.trim().to_owned()),
    }
}

fn unknown_column(name: &str, span: Range<usize>) -> ProfileError {
    ProfileError {
        message: format!("`{name}` is not a Control Hub column"),
        span: Some(span),
        help: "use a header of Control Hub's user CSV, e.g. `First Name`, `User ID/Email (Required)`, `Phone Number`, `Extension`, `Location`, `Preferred Webex Site`".to_owned(),
    }
}

/// The largest profile read: 1 MiB. A profile is a hand-written file of a few KiB (aliases,
/// a value map, defaults); a bigger file is not one, and parsing a 50 MB TOML took 17 s and
/// 1 GB.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;

impl Profile {
    /// Reads and validates a profile file.
    ///
    /// # Errors
    /// [`crate::Error::Io`] when unreadable; [`crate::Error::Profile`] with the line and span
    /// when invalid.
    pub fn load(path: &std::path::Path, catalogue: &Catalogue) -> Result<Profile, crate::Error> {
        use std::io::Read;
        let name = path.display().to_string();
        let io = |e| crate::Error::Io { path: name.clone(), cause: e };
        let mut bytes = Vec::new();
        // One byte past the limit tells a file over it without reading all of it.
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_PROFILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(io)?;
        let refuse = |message: String, help: &str| {
            failure(&name, "", ProfileError { message, span: None, help: help.to_owned() })
        };
        if bytes.len() as u64 > MAX_PROFILE_BYTES {
            return Err(refuse(
                format!(
                    "the profile is over {} KiB: a profile is a short hand-written file",
                    MAX_PROFILE_BYTES >> 10
                ),
                "is it the right file? --profile takes a TOML profile (docs/profiles.md), not the user list",
            ));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = memchr::memchr_iter(b'\n', &e.as_bytes()[..at]).count() + 1;
            let byte = e.as_bytes().get(at).map(|b| format!("the byte 0x{b:02X}")).unwrap_or_default();
            refuse(
                format!("the profile is not UTF-8 text: line {line} holds {byte}, which UTF-8 does not allow there"),
                "save the profile as UTF-8 text (not Windows-1252 or Latin-1): --profile takes a TOML profile (docs/profiles.md)",
            )
        })?;
        match Profile::parse(&text, catalogue) {
            Ok(mut profile) => {
                profile.source = (name, text);
                Ok(profile)
            }
            Err(e) => Err(failure(&name, &text, e)),
        }
    }

    /// A mistake of this profile found when it met an input, as the fatal error (with the
    /// profile's line) that [`Profile::load`] gives for the mistakes parsing finds.
    #[must_use]
    pub fn error(&self, e: ProfileError) -> crate::Error {
        let (name, text) = &self.source;
        failure(if name.is_empty() { "the profile" } else { name }, text, e)
    }

    /// Parses and validates a profile's text against the catalogue.
    ///
    /// # Errors
    /// Bad TOML, unknown fields, unknown Control Hub columns or package ids, a bad region.
    pub fn parse(text: &str, catalogue: &Catalogue) -> Result<Profile, ProfileError> {
        let file: File = toml::from_str(text).map_err(|e| ProfileError {
            message: e.message().to_owned(),
            span: e.span(),
            help: "see docs/profiles.md for the profile format".to_owned(),
        })?;
        let package_ids: Vec<&str> = catalogue.packages.iter().map(|p| p.id).collect();
        let user_ids = catalogue.user_package_ids();
        let known_package = |id: &Spanned<String>| -> Result<String, ProfileError> {
            let v = id.get_ref().trim();
            if v == REMOVE || package_ids.contains(&v) {
                return Ok(v.to_owned());
            }
            // `Webex Calling`: the package as its column is named, as HR writes it.
            let key = header_key(v);
            let named = match catalogue.classify(super::packages::split_license_header(&key).name) {
                Some(super::LicenseKind::Package(i)) => catalogue.package(i).map(|p| p.id),
                _ => None,
            };
            Err(ProfileError {
                message: format!("`{v}` is not a package id"),
                span: Some(id.span()),
                help: format!(
                    "{}use one of: {}, or `{REMOVE}` (every package FALSE)",
                    named.map_or(String::new(), |p| format!("`{v}` is the column of `{p}`: write its id; ")),
                    user_ids.join(", ")
                ),
            })
        };
        let mut profile = Profile { source: (String::new(), text.to_owned()), ..Profile::default() };
        if let Some(region) = &file.region {
            profile.region =
                Some(region.get_ref().to_ascii_uppercase().parse().map_err(|_| ProfileError {
                    message: format!("`{}` is not a region code", region.get_ref()),
                    span: Some(region.span()),
                    help: format!(
                        "use a two-letter region such as FR, BE, US{}",
                        region_hint(region.get_ref())
                    ),
                })?);
        }
        profile.keep = file.keep.iter().map(|k| header_key(k.get_ref())).collect();
        profile.keep_spans = file.keep.iter().map(Spanned::span).collect();
        // After `[catalogue]`: an alias may name one of its package headers.
        read_catalogue(&mut profile, &file, catalogue)?;
        let mut seen = Seen::default();
        for (hr, target) in &file.aliases {
            if target.get_ref().trim().is_empty() {
                // As `profile init` proposes it: `"Matricule" = ""`.
                let help = match super::resolve_name(hr.get_ref()) {
                    // A built-in alias maps it without the line: removing it does not drop it.
                    Some(builtin) => format!(
                        "write the Control Hub column it maps to (`Title`, `Department`, ...), or remove the line: the built-in aliases map it to `{builtin}`"
                    ),
                    None => "write the Control Hub column it maps to (`Title`, `Department`, ...), or remove the line to leave the column out".to_owned(),
                };
                return Err(ProfileError {
                    message: format!("`{}` is mapped to an empty header", hr.get_ref()),
                    span: Some(target.span()),
                    help,
                });
            }
            let canonical = match writable_column(target)? {
                Some(column) => column.to_owned(),
                None => license_column(target.get_ref(), catalogue, &profile)
                    .ok_or_else(|| unknown_column(target.get_ref(), target.span()))?,
            };
            seen.first("[aliases]", hr, header_key(hr.get_ref()))?;
            profile.aliases.insert(header_key(hr.get_ref()), canonical);
        }
        kept_columns_are_not_mapped(&profile, &file, text)?;
        if let Some(p) = &file.packages {
            let mut values = BTreeMap::new();
            let mut seen = Seen::default();
            for (hr, id) in &p.values {
                let key = value_key(hr.get_ref());
                seen.first("[packages] values", hr, key.clone())?;
                let package = known_package(id)?;
                if catalogue.packages.iter().any(|p| p.id == package && !p.user) {
                    return Err(ProfileError {
                        message: format!(
                            "`{package}` is not a user package: a value map gives users their package"
                        ),
                        span: Some(id.span()),
                        help: format!(
                            "map the offer to a user package ({}) or `{REMOVE}`",
                            user_ids.join(", ")
                        ),
                    });
                }
                values.insert(key, package);
            }
            profile.packages = Some(PackageMap {
                column: header_key(p.column.get_ref()),
                column_span: p.column.span(),
                values,
            });
        }
        profile.defaults = column_values(&file.defaults, "[defaults]")?;
        profile.when = read_when(&file.when)?;
        catalogue_covers_the_map(&profile, &file)?;
        headers_name_their_package(&profile, &file, catalogue)?;
        Ok(profile)
    }

    /// `catalogue` as this profile overrides it: each `[catalogue]` package header's name
    /// (without `[...]` and `(Suspended)`) becomes a pattern of its package, `calling` and
    /// `meetings` replace the package's, and `basic` headers are basic licenses. Call it once,
    /// before any schema is resolved: rules read the flags from the schema's catalogue.
    pub fn customize(&self, catalogue: &mut Catalogue) {
        for package in &mut catalogue.packages {
            if let Some(header) = self.package_headers.get(package.id) {
                let name = super::packages::split_license_header(&header_key(header)).name.to_owned();
                if !package.names.contains(&name) {
                    // No spelling of its own in `display`: the profile's header is the org's.
                    package.names.push(name);
                }
            }
            if let Some(flags) = self.package_flags.get(package.id) {
                package.calling = flags.calling.unwrap_or(package.calling);
                package.meetings = flags.meetings.unwrap_or(package.meetings);
            }
        }
        if let Some(basic) = &self.basic_headers {
            // No spellings of their own (`basic_display`): the profile's are the org's.
            // Names, as `Catalogue::classify` takes them: a header's `[Sub...]` suffix and
            // `(Suspended)` mark are not part of it.
            catalogue.basic.extend(
                basic.iter().map(|b| super::packages::split_license_header(&header_key(b)).name.to_owned()),
            );
        }
    }

    /// The package columns the output gets: the catalogue's exact headers, or the catalogue's
    /// display names for the user packages the value map uses.
    #[must_use]
    pub fn package_columns(&self, catalogue: &Catalogue) -> Vec<String> {
        if !self.package_headers.is_empty() {
            return self.package_headers.values().cloned().collect();
        }
        let Some(map) = &self.packages else { return Vec::new() };
        catalogue
            .packages
            .iter()
            .filter(|p| p.user && map.values.values().any(|v| *v == p.id))
            .filter_map(|p| p.display.first().map(|name| (*name).to_owned()))
            .collect()
    }

    /// The basic license columns the output gets (when the profile sets packages).
    #[must_use]
    pub fn basic_columns(&self) -> Vec<String> {
        match (&self.basic_headers, &self.packages) {
            (Some(b), _) => b.clone(),
            (None, Some(_)) => {
                ["Basic Messaging", "Basic Space Meetings", "Call on Webex (1:1 call, non-PSTN)"]
                    .map(str::to_owned)
                    .to_vec()
            }
            (None, None) => Vec::new(),
        }
    }
}

/// A `keep` entry carries an HR column as it is, under its own header; an alias (the
/// profile's, or a built-in one such as `Nom` -> `Last Name`) carries it under a Control Hub
/// header. Both for one column cannot be: the alias won and the `keep` entry was ignored
/// without a word (docs/design.md, Profiles).
fn kept_columns_are_not_mapped(profile: &Profile, file: &File, text: &str) -> Result<(), ProfileError> {
    let line_of = |at: usize| text.get(..at).map_or(1, |t| t.matches('\n').count() + 1);
    for kept in &file.keep {
        let key = header_key(kept.get_ref());
        let written = kept.get_ref();
        let (message, help) = if let Some(target) = profile.aliases.get(&key) {
            let alias = file.aliases.keys().find(|hr| header_key(hr.get_ref()) == key);
            let (hr, line) =
                alias.map_or((written.as_str(), 0), |a| (a.get_ref().as_str(), line_of(a.span().start)));
            (
                format!("`{written}` is in keep and in [aliases] (line {line}: `{hr}` = `{target}`)"),
                format!("remove it from keep to upload the column as `{target}`, or remove the alias to upload it as `{written}`"),
            )
        } else if let Some(target) = super::resolve_name(written).filter(|c| header_key(c) != key) {
            (
                format!("`{written}` is in keep, and the built-in aliases map it to `{target}`"),
                format!("remove it from keep: the column is uploaded as `{target}`; keep is for HR columns Control Hub does not have"),
            )
        } else {
            continue;
        };
        return Err(ProfileError {
            message: format!("{message}: a column is either kept as it is or mapped, not both"),
            span: Some(kept.span()),
            help,
        });
    }
    Ok(())
}

/// The error for a `[defaults]` or `[[when]]` key that is no column a default may fill: a
/// license column (a package, a basic license, any header with a `[Sub...]` suffix), whose
/// values a profile sets with `[packages]`, or no Control Hub column at all.
fn not_a_default_column(key: &Spanned<String>, table: &str) -> ProfileError {
    let name = header_key(key.get_ref());
    let parts = super::packages::split_license_header(&name);
    if parts.suffix.is_none() && Catalogue::default().classify(parts.name).is_none() {
        return unknown_column(key.get_ref(), key.span());
    }
    ProfileError {
        message: format!(
            "`{}` is a license column: {table} fills Control Hub's other columns, not a user's packages",
            key.get_ref().trim()
        ),
        span: Some(key.span()),
        help: "set packages with [packages]: `column` names the HR column that decides them (an offer, a country, ...) and `values` maps its values to package ids; an HR Yes/No column per package maps to its column under [aliases]".to_owned(),
    }
}

/// A `[defaults]` table or a `[[when]]` set: canonical column -> value. Two keys for one
/// column (`Location` and `location`) would leave the file's order to pick the value.
fn column_values(
    map: &BTreeMap<Spanned<String>, String>,
    table: &str,
) -> Result<Vec<(String, String)>, ProfileError> {
    let mut seen = Seen::default();
    let mut out = Vec::with_capacity(map.len());
    for (k, v) in map {
        let column = writable_column(k)?.ok_or_else(|| not_a_default_column(k, table))?;
        if KNOWN.iter().any(|(c, _, class)| *c == column && *class == ColumnClass::Identity) {
            return Err(ProfileError {
                message: format!(
                    "`{column}` identifies each user: a default would give every row without an email the same user"
                ),
                span: Some(k.span()),
                help: "leave the email out of {table}: a row without one is `missing-email`; map the HR column that holds the emails under [aliases]".replace("{table}", table),
            });
        }
        seen.first(table, k, column.to_owned())?;
        out.push((column.to_owned(), v.clone()));
    }
    Ok(out)
}

/// The `[[when]]` tables. One condition in two tables is an error: which set applies would be
/// the file's order. (Different conditions that meet on one row apply in the file's order,
/// the later winning: docs/profiles.md.)
fn read_when(tables: &[WhenFile]) -> Result<Vec<When>, ProfileError> {
    let mut out: Vec<When> = Vec::with_capacity(tables.len());
    for w in tables {
        let (column, value) = (header_key(w.column.get_ref()), value_key(&w.value));
        if out.iter().any(|o| o.column == column && o.value == value) {
            return Err(ProfileError {
                message: format!(
                    "two [[when]] tables for `{}` = `{}` (columns match case-insensitively, values too, spaces trimmed)",
                    w.column.get_ref(),
                    w.value
                ),
                span: Some(w.column.span()),
                help: "write one [[when]] table for the condition, with every column it sets".to_owned(),
            });
        }
        out.push(When {
            column,
            column_span: w.column.span(),
            value,
            written: w.value.clone(),
            set: column_values(&w.set, "[[when]] set")?,
        });
    }
    Ok(out)
}

/// With a `[catalogue]` of package headers, the package columns are those headers only: every
/// package the value map assigns needs one (without it, its users would get no TRUE anywhere
/// and become removals), and two packages cannot share one (one would take the other's users).
fn catalogue_covers_the_map(profile: &Profile, file: &File) -> Result<(), ProfileError> {
    let (Some(map), Some(catalogue)) = (&profile.packages, &file.catalogue) else { return Ok(()) };
    if profile.package_headers.is_empty() {
        return Ok(());
    }
    let span = catalogue.keys().next().map(Spanned::span);
    let span_of =
        |id: &str| catalogue.keys().find(|k| k.get_ref().trim() == id).map(Spanned::span).or(span.clone());
    for id in map.values.values().filter(|id| id.as_str() != REMOVE) {
        if !profile.package_headers.contains_key(id) {
            return Err(ProfileError {
                message: format!("the value map assigns `{id}`, but [catalogue] gives it no header"),
                span,
                help: format!(
                    "add `{id} = \"<its header in the org's export>\"` under [catalogue]: with a [catalogue], only its headers are package columns"
                ),
            });
        }
    }
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (id, header) in &profile.package_headers {
        if let Some(first) = seen.insert(super::header_key(header), id) {
            return Err(ProfileError {
                message: format!("[catalogue] gives `{first}` and `{id}` the same header `{header}`"),
                span: span_of(id),
                help: "each package has a column of its own: give each its header from the org's export"
                    .to_owned(),
            });
        }
    }
    Ok(())
}

/// `[catalogue]`: `basic`, and each package's header and flags.
fn read_catalogue(profile: &mut Profile, file: &File, catalogue: &Catalogue) -> Result<(), ProfileError> {
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in file.catalogue.iter().flatten() {
        // TOML keeps `" webex_voice "` and `webex_voice` apart; hubcsv reads both as one id,
        // and the second would silently replace the first.
        if !seen.insert(key.get_ref().trim()) {
            return Err(ProfileError {
                message: format!("[catalogue] names `{}` twice", key.get_ref().trim()),
                span: Some(key.span()),
                help: "keep one entry for each package (and one `basic`)".to_owned(),
            });
        }
        let entry = match (key.get_ref().as_str(), value) {
            ("basic", CatalogueValue::Many(headers)) => {
                profile.basic_headers = Some(headers.clone());
                continue;
            }
            (_, CatalogueValue::One(header)) => PackageEntry { header: Some(header.clone()), ..PackageEntry::default() },
            (id, CatalogueValue::Table(entry)) if id != "basic" => entry.clone(),
            _ => {
                return Err(ProfileError {
                    message: format!("`{}` is not a package id with a header", key.get_ref()),
                    span: Some(key.span()),
                    help: "write `package_id = \"Header [Sub...]\"` or `package_id = { header = \"Header [Sub...]\", calling = true, meetings = false }`, or `basic = [\"Basic Messaging\", ...]`".to_owned(),
                })
            }
        };
        let package = catalogue_package(catalogue, key)?;
        if let Some(header) = &entry.header {
            profile.package_headers.insert(package.id.to_owned(), header.trim().to_owned());
        }
        let flags = PackageFlags { calling: entry.calling, meetings: entry.meetings };
        if flags == PackageFlags::default() {
            continue;
        }
        if !package.user {
            return Err(ProfileError {
                message: format!(
                    "`{}` is not a user package: no user fields are checked for it, so `calling` and `meetings` would change nothing",
                    package.id
                ),
                span: Some(key.span()),
                help: "leave its flags out; give them to the user packages (webex_calling, webex_voice, ...)".to_owned(),
            });
        }
        profile.package_flags.insert(package.id.to_owned(), flags);
    }
    Ok(())
}

/// The built-in package a `[catalogue]` key names. A profile sets the headers and flags of
/// the built-in packages; it does not add one (docs/design.md, Profiles).
fn catalogue_package<'c>(
    catalogue: &'c Catalogue,
    key: &Spanned<String>,
) -> Result<&'c Package, ProfileError> {
    let id = key.get_ref().trim();
    catalogue.packages.iter().find(|p| p.id == id).ok_or_else(|| ProfileError {
        message: format!(
            "`{id}` is not a package id: a profile's [catalogue] sets the headers and flags of hubcsv's packages, it does not add packages"
        ),
        span: Some(key.span()),
        help: format!(
            "use one of: {}, or `basic = [...]`; a column of another service with a `[Sub...]` suffix is already carried through as a license column",
            catalogue.packages.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// A `[catalogue]` header's name is a pattern of its package (`Profile::customize`), so it
/// must not be a Control Hub column, a basic license, or another package's name: the column
/// would be that, or the first package's, and the users of one package would get another.
fn headers_name_their_package(
    profile: &Profile,
    file: &File,
    catalogue: &Catalogue,
) -> Result<(), ProfileError> {
    let span_of = |id: &str| {
        file.catalogue.iter().flatten().find(|(k, _)| k.get_ref().trim() == id).map(|(k, _)| k.span())
    };
    let mut named: BTreeMap<String, &str> = BTreeMap::new();
    for (id, header) in &profile.package_headers {
        let key = header_key(header);
        let name = super::packages::split_license_header(&key).name.to_owned();
        let clash = if let Some(column) = canonical_column(header) {
            Some(format!("`{column}`, a Control Hub column"))
        } else {
            match catalogue.classify(&name) {
                Some(super::LicenseKind::Package(p)) => {
                    catalogue.package(p).filter(|p| p.id != id).map(|p| format!("`{}`", p.id))
                }
                Some(super::LicenseKind::Basic) => Some("a basic license".to_owned()),
                None => None,
            }
        }
        .or_else(|| named.get(&name).filter(|other| **other != id).map(|other| format!("`{other}`")));
        if let Some(clash) = clash {
            return Err(ProfileError {
                message: format!("[catalogue] gives `{id}` the header `{header}`, whose name is that of {clash}"),
                span: span_of(id),
                help: "a package column is recognised by its name (the header without `[...]` and `(Suspended)`): give each package a header from the org's export whose name is its own".to_owned(),
            });
        }
        named.insert(name, id);
    }
    Ok(())
}

/// Built-in aliases for common English and French HR headers (header keys -> canonical),
/// with Workday's `Legal First Name` and Active Directory's attribute names (`givenName`,
/// `displayName`, `telephoneNumber`).
pub const BUILTIN_ALIASES: &[(&str, &str)] = &[
    ("email", "User ID/Email (Required)"),
    ("e-mail", "User ID/Email (Required)"),
    ("email address", "User ID/Email (Required)"),
    ("work email", "User ID/Email (Required)"),
    ("courriel", "User ID/Email (Required)"),
    ("adresse e-mail", "User ID/Email (Required)"),
    ("adresse email", "User ID/Email (Required)"),
    ("mail", "User ID/Email (Required)"),
    ("given name", "First Name"),
    ("givenname", "First Name"),
    ("legal first name", "First Name"),
    ("firstname", "First Name"),
    ("prénom", "First Name"),
    ("prenom", "First Name"),
    ("surname", "Last Name"),
    ("family name", "Last Name"),
    ("legal last name", "Last Name"),
    ("lastname", "Last Name"),
    ("nom", "Last Name"),
    ("nom de famille", "Last Name"),
    ("full name", "Display Name"),
    ("displayname", "Display Name"),
    ("nom complet", "Display Name"),
    ("job title", "Title"),
    ("fonction", "Title"),
    ("poste occupé", "Title"),
    ("service", "Department"),
    ("département", "Department"),
    ("phone", "Phone Number"),
    ("telephone", "Phone Number"),
    ("téléphone", "Phone Number"),
    ("work phone", "Phone Number"),
    ("business phone", "Phone Number"),
    ("office phone", "Phone Number"),
    ("telephonenumber", "Phone Number"),
    ("numéro", "Phone Number"),
    ("ext", "Extension"),
    ("ext.", "Extension"),
    ("poste", "Extension"),
    ("extension téléphonique", "Extension"),
    ("site", "Location"),
    ("office", "Location"),
    ("bureau", "Location"),
    ("webex site", "Preferred Webex Site"),
    ("site webex", "Preferred Webex Site"),
];

/// What to add to the message refusing region code `code`: `UK` is what admins type for the
/// United Kingdom, whose ISO code (the one `phonenumber` takes) is `GB`.
#[must_use]
pub fn region_hint(code: &str) -> &'static str {
    if code.trim().eq_ignore_ascii_case("uk") {
        " (the United Kingdom's is GB)"
    } else {
        ""
    }
}

/// How an HR value is matched (value-map keys, `[[when]]` values): trimmed, lower-case,
/// accents composed (NFC: `Réunions` typed on macOS is `e` + U+0301).
#[must_use]
pub fn value_key(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    value.trim().nfc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::LicenseKind;

    #[test]
    fn parses_a_profile() {
        let text = r#"
region = "fr"
[aliases]
"Matricule" = "title"
[packages]
column = "Offre"
values = { "Voix" = "webex_voice", "Départ" = "remove" }
[defaults]
"Preferred Webex Site" = "acme.webex.com"
[[when]]
column = "Pays"
value = "Belgique"
set = { "Location" = "Bruxelles" }
"#;
        let p = Profile::parse(text, &Catalogue::default()).unwrap();
        assert_eq!(p.region, Some(phonenumber::country::Id::FR));
        assert_eq!(p.aliases.get("matricule").map(String::as_str), Some("Title"));
        assert_eq!(p.packages.as_ref().unwrap().values.get("voix").map(String::as_str), Some("webex_voice"));
        assert_eq!(p.when[0].set, vec![("Location".to_owned(), "Bruxelles".to_owned())]);
        assert_eq!(p.package_columns(&Catalogue::default()), vec!["Webex Voice"]);
    }

    #[test]
    fn errors_point_at_the_text() {
        let text = "[aliases]\n\"Courriel\" = \"Emial\"\n";
        let e = Profile::parse(text, &Catalogue::default()).unwrap_err();
        assert!(e.message.contains("Emial"));
        assert_eq!(&text[e.span.unwrap()], "\"Emial\"");
        let e = Profile::parse("region = \n", &Catalogue::default()).unwrap_err();
        assert!(e.span.is_some());
        let e = Profile::parse(
            "[packages]\ncolumn = \"Offre\"\nvalues = { \"X\" = \"webex_voix\" }\n",
            &Catalogue::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("webex_voix"), "{e:?}");
    }

    #[test]
    fn a_package_written_by_its_column_name_points_at_its_id() {
        // HR writes the package as Control Hub's column names it; the id is what a value map
        // takes, and the help says which.
        let text = "[packages]\ncolumn = \"Offre\"\nvalues = { \"Calling\" = \"Webex Calling\" }\n";
        let e = Profile::parse(text, &Catalogue::default()).unwrap_err();
        assert!(e.message.contains("`Webex Calling` is not a package id"), "{e:?}");
        assert!(
            e.help.starts_with("`Webex Calling` is the column of `webex_calling`: write its id"),
            "{e:?}"
        );
        // The ids listed are those a value map takes: the user packages.
        let text = "[packages]\ncolumn = \"Offre\"\nvalues = { \"X\" = \"voice\" }\n";
        let e = Profile::parse(text, &Catalogue::default()).unwrap_err();
        assert!(e.help.contains("webex_voice") && !e.help.contains("common_area_calling"), "{e:?}");
    }

    #[test]
    fn value_keys_that_differ_only_in_case_are_an_error() {
        let text = "[packages]\ncolumn = \"Offre\"\nvalues = { \"Voix\" = \"webex_voice\", \"voix \" = \"remove\" }\n";
        let e = Profile::parse(text, &Catalogue::default()).unwrap_err();
        assert!(e.message.contains("`Voix`") && e.message.contains("`voix `"), "{e:?}");
        assert!(e.span.is_some());
        let text = "[aliases]\n\"Matricule\" = \"Title\"\n\"MATRICULE\" = \"Department\"\n";
        let e = Profile::parse(text, &Catalogue::default()).unwrap_err();
        assert!(e.message.contains("Matricule") && e.message.contains("MATRICULE"), "{e:?}");
        // Two defaults for one column, in [defaults] or a [[when]] set.
        for text in [
            "[defaults]\n\"Location\" = \"HQ\"\n\"location\" = \"Paris\"\n",
            "[[when]]\ncolumn = \"Pays\"\nvalue = \"Belgique\"\nset = { \"Location\" = \"A\", \"location\" = \"B\" }\n",
        ] {
            let e = Profile::parse(text, &Catalogue::default()).unwrap_err();
            assert!(e.message.contains("are the same key") && e.span.is_some(), "{text}: {e:?}");
        }
    }
    #[test]
    fn catalogue_tables_set_headers_and_flags() {
        let c = Catalogue::default();
        // The string form and a table with only `header` are one thing.
        let one = Profile::parse("[catalogue]\nwebex_voice = \"Webex Voice [Sub1]\"\n", &c).unwrap();
        let table = Profile::parse("[catalogue.webex_voice]\nheader = \"Webex Voice [Sub1]\"\n", &c).unwrap();
        assert_eq!(one.package_headers, table.package_headers);
        assert!(one.package_flags.is_empty() && table.package_flags.is_empty());
        // Flags alone name no header: the package columns stay those without [catalogue].
        let text = "[packages]\ncolumn = \"Offre\"\nvalues = { \"Voix\" = \"webex_voice\" }\n[catalogue]\nwebex_voice = { calling = false }\nwebex_calling = { meetings = true }\n";
        let p = Profile::parse(text, &c).unwrap();
        assert!(p.package_headers.is_empty());
        assert_eq!(p.package_columns(&c), vec!["Webex Voice"]);
        let mut custom = c.clone();
        p.customize(&mut custom);
        let flags = |id: &str| custom.packages.iter().find(|p| p.id == id).map(|p| (p.calling, p.meetings));
        assert_eq!(flags("webex_voice"), Some((false, false)));
        assert_eq!(flags("webex_calling"), Some((true, true)));
        assert_eq!(flags("webex_suite"), Some((true, true)), "untouched");
    }

    #[test]
    fn a_catalogue_header_is_a_pattern_of_its_package() {
        let c = Catalogue::default();
        let p = Profile::parse("[catalogue]\nwebex_voice = \"Téléphonie Cloud [Sub1] (Suspended)\"\n", &c)
            .unwrap();
        let mut custom = c.clone();
        p.customize(&mut custom);
        let voice = custom.packages.iter().position(|p| p.id == "webex_voice");
        assert_eq!(
            custom.classify("téléphonie cloud").map(|k| k == LicenseKind::Package(voice.unwrap())),
            Some(true)
        );
        assert_eq!(custom.display_name("téléphonie cloud"), None, "the org's spelling is as written");
        // A built-in name is not repeated.
        let p = Profile::parse("[catalogue]\nwebex_voice = \"Webex Voice [Sub1]\"\n", &c).unwrap();
        let mut custom = c.clone();
        p.customize(&mut custom);
        assert_eq!(custom.packages, c.packages);
    }

    #[test]
    fn a_catalogue_id_written_twice_is_refused() {
        let c = Catalogue::default();
        let text =
            "[catalogue]\nwebex_voice = \"Webex Voice [Sub1]\"\n\" webex_voice \" = \"Webex Voice [Sub2]\"\n";
        let e = Profile::parse(text, &c).unwrap_err();
        assert!(e.message.contains("names `webex_voice` twice"), "{}", e.message);
    }

    #[test]
    fn catalogue_table_mistakes_name_the_key() {
        let c = Catalogue::default();
        for (text, says) in [
            ("[catalogue.webex_calling]\nmeeting = true\n", "unknown field `meeting`"),
            ("[catalogue]\nwebex_calling = { headers = [\"A\"] }\n", "unknown field `headers`"),
            ("[catalogue]\nwebex_calling = { calling = \"yes\" }\n", "expected a boolean"),
            ("[catalogue.basic]\ncalling = true\n", "`basic` is not a package id with a header"),
            ("[catalogue]\nwebex_voice = [\"A\"]\n", "`webex_voice` is not a package id with a header"),
            ("[catalogue.voice]\ncalling = true\n", "`voice` is not a package id"),
            ("[catalogue]\nwebex_voice = \"Location\"\n", "that of `Location`, a Control Hub column"),
            ("[catalogue]\nwebex_voice = \"Basic Messaging [S]\"\n", "that of a basic license"),
            (
                "[catalogue]\nwebex_voice = \"Cloud [S1]\"\nwebex_suite = \"Cloud [S2]\"\n",
                "that of `webex_suite`",
            ),
        ] {
            let e = Profile::parse(text, &c).unwrap_err();
            assert!(e.message.contains(says), "{text}: {e:?}");
            assert!(e.span.is_some(), "{text}");
        }
    }
}
