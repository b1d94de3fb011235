//! The package catalogue (contract §2, control-hub-csv.md §2 and §9): which headers are
//! wholesale package columns, which are basic licenses, and what each package needs.

/// A wholesale package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// Catalogue id, as the Wholesale API names it (`webex_calling`, ...). Static text: the
    /// catalogue is built in, and every row's outcome names its package without a copy.
    pub id: &'static str,
    /// Display names matched in headers (lower-case, spaces folded); the first is canonical.
    pub names: Vec<String>,
    /// The same names as Control Hub spells them, in the same order.
    pub display: Vec<&'static str>,
    /// Needs Location and a number or extension (calling-enabled).
    pub calling: bool,
    /// Supports meetings: a Preferred Webex Site is expected.
    pub meetings: bool,
    /// A per-user package (Common Area Calling is not).
    pub user: bool,
}

/// Whether a license column holds a package or a basic license.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseKind {
    /// Index into [`Catalogue::packages`].
    Package(usize),
    /// A basic (free) license.
    Basic,
}

/// The package and basic license catalogue. [`Catalogue::default`] is the built-in one.
#[derive(Clone, Debug)]
pub struct Catalogue {
    /// Wholesale packages.
    pub packages: Vec<Package>,
    /// Basic license names (lower-case, spaces folded).
    pub basic: Vec<String>,
    /// The same names as Control Hub spells them, in the same order.
    pub basic_display: Vec<&'static str>,
}

/// The basic licenses, as Control Hub spells their columns.
const BASIC: [&str; 5] = [
    "Basic Messaging",
    "Basic Space Meetings",
    "Free Webex Meetings",
    "Call on Webex (1:1 call, non-PSTN)",
    "Free screen share",
];

fn package(id: &'static str, names: &[&'static str], calling: bool, meetings: bool, user: bool) -> Package {
    let keys = names.iter().map(|n| super::header_key(n)).collect();
    Package { id, names: keys, display: names.to_vec(), calling, meetings, user }
}

impl Default for Catalogue {
    fn default() -> Self {
        Catalogue {
            packages: vec![
                package("webex_calling", &["Webex Calling"], true, false, true),
                package("webex_calling_standard", &["Webex Calling Standard"], true, false, true),
                package("webex_voice", &["Webex Voice"], true, false, true),
                package("webex_suite", &["Webex Suite"], true, true, true),
                package("webex_meetings", &["Webex Meetings"], false, true, true),
                package(
                    "cx_essentials",
                    &["Customer Assist", "Webex Calling Customer Assist", "Customer Experience Essentials"],
                    true,
                    false,
                    true,
                ),
                package("common_area_calling", &["Common Area Calling"], false, false, false),
            ],
            basic: BASIC.iter().map(|n| super::header_key(n)).collect(),
            basic_display: BASIC.to_vec(),
        }
    }
}

impl Catalogue {
    /// The ids of the packages users can hold (not the workspace packages), in order.
    #[must_use]
    pub fn user_package_ids(&self) -> Vec<&'static str> {
        self.packages.iter().filter(|p| p.user).map(|p| p.id).collect()
    }

    /// Classifies a license name (a header key with any `[...]` and `(Suspended)` already
    /// stripped).
    #[must_use]
    pub fn classify(&self, name: &str) -> Option<LicenseKind> {
        if let Some(i) = self.packages.iter().position(|p| p.names.iter().any(|n| n == name)) {
            return Some(LicenseKind::Package(i));
        }
        self.basic.iter().any(|b| b == name).then_some(LicenseKind::Basic)
    }

    /// How Control Hub spells a license name (a header key, as [`Catalogue::classify`] takes).
    #[must_use]
    pub fn display_name(&self, name: &str) -> Option<&'static str> {
        let packages = self.packages.iter().flat_map(|p| p.names.iter().zip(&p.display));
        let mut all = packages.chain(self.basic.iter().zip(&self.basic_display));
        all.find(|(key, _)| *key == name).map(|(_, display)| *display)
    }

    /// The package with this index.
    #[must_use]
    pub fn package(&self, index: usize) -> Option<&Package> {
        self.packages.get(index)
    }
}

/// A license header split into its parts: name, `[...]` suffix, `(Suspended)` mark.
#[derive(Debug, PartialEq, Eq)]
pub struct LicenseHeader<'a> {
    /// The name, trimmed (still in header-key form when given a key).
    pub name: &'a str,
    /// The bracketed suffix without brackets, e.g. `Sub100200`.
    pub suffix: Option<&'a str>,
    /// The column is marked `(Suspended)`.
    pub suspended: bool,
}

/// The `[Sub...]` subscription of a license header as written (normalised as
/// [`header_key`](super::header_key) does), if it has one.
#[must_use]
pub fn subscription(header: &str) -> Option<String> {
    split_license_header(&super::header_key(header)).suffix.map(str::to_owned)
}

/// Splits `<name> [<suffix>] (Suspended)` (control-hub-csv.md §2.1). Expects a header key
/// (lower-case).
#[must_use]
pub fn split_license_header(key: &str) -> LicenseHeader<'_> {
    let mut rest = key.trim();
    let mut suspended = false;
    if let Some(stripped) = rest.strip_suffix("(suspended)") {
        suspended = true;
        rest = stripped.trim_end();
    }
    let mut suffix = None;
    if rest.ends_with(']') {
        if let Some(open) = rest.rfind('[') {
            suffix = Some(rest[open + 1..rest.len() - 1].trim());
            rest = rest[..open].trim_end();
        }
    }
    LicenseHeader { name: rest, suffix, suspended }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::header_key;

    #[test]
    fn display_names_are_control_hubs_spelling() {
        let c = Catalogue::default();
        assert_eq!(c.display_name("webex calling"), Some("Webex Calling"));
        assert_eq!(c.display_name("customer experience essentials"), Some("Customer Experience Essentials"));
        assert_eq!(
            c.display_name("call on webex (1:1 call, non-pstn)"),
            Some("Call on Webex (1:1 call, non-PSTN)")
        );
        assert_eq!(c.display_name("webex calling [sub1]"), None, "a name, not a header");
        for p in &c.packages {
            let keys: Vec<String> = p.display.iter().map(|d| header_key(d)).collect();
            assert_eq!(keys, p.names, "{}", p.id);
        }
    }

    #[test]
    fn splits_suffix_and_suspended() {
        let key = header_key("Webex Voice [Sub100200] (Suspended)");
        let h = split_license_header(&key);
        assert_eq!(h, LicenseHeader { name: "webex voice", suffix: Some("sub100200"), suspended: true });
        let key = header_key("Webex Calling VAR Professional[sub]");
        assert_eq!(split_license_header(&key).name, "webex calling var professional");
    }

    #[test]
    fn classifies_packages_not_prefixes() {
        let c = Catalogue::default();
        assert_eq!(c.classify("webex calling"), Some(LicenseKind::Package(0)));
        assert_eq!(c.classify("webex calling standard"), Some(LicenseKind::Package(1)));
        assert_eq!(c.classify("call on webex (1:1 call, non-pstn)"), Some(LicenseKind::Basic));
        assert_eq!(c.classify("webex calling sp enterprise"), None);
    }
}
