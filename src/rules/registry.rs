//! The rule registry: one table with every rule's stable name, code, severity and doc page.
//!
//! Names and codes are a public interface (contract §3): a code is never reused, and a
//! retired rule keeps its entry and page, marked "no longer emitted".

use serde::{Serialize, Serializer};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// hubcsv corrected the value in the `fix` output (reported by `check` as a preview).
    Fixed,
    /// Control Hub accepts the row, but the result is likely wrong later.
    Warning,
    /// Control Hub would reject the row, or the result would be wrong.
    Error,
    /// The input cannot be read at all (exit code 2).
    Fatal,
}

impl Severity {
    /// The lower-case name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Fixed => "fixed",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Fatal => "fatal",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = $code:literal, $name:literal, $sev:ident, $summary:literal; )*) => {
        /// A rule of the catalogue. The kebab-case name and the `HC` code are stable.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $(
                #[doc = $summary]
                $variant,
            )*
        }

        /// Every rule, in code order.
        pub const ALL: &[Rule] = &[$(Rule::$variant,)*];

        impl Rule {
            /// The stable kebab-case name, e.g. `missing-location`.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }
            /// The stable code, e.g. `HC014`.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(Rule::$variant => $code,)* }
            }
            /// The rule's usual severity (a repairable case may be reported as `fixed`).
            #[must_use]
            pub fn severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$sev,)* }
            }
            /// One line saying when the rule fires.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
            /// The rule's documentation page (Markdown), as `hubcsv explain` prints it.
            #[must_use]
            pub fn doc(self) -> &'static str {
                match self {
                    $(Rule::$variant => include_str!(concat!("../../docs/rules/", $code, "-", $name, ".md")),)*
                }
            }
        }
    };
}

rules! {
    UnreadableFile = "HC001", "unreadable-file", Fatal, "The input is not a readable CSV or spreadsheet.";
    UnclosedQuote = "HC002", "unclosed-quote", Error, "A quote opens a field and never closes, swallowing line breaks or rows.";
    RaggedRow = "HC003", "ragged-row", Error, "A row has more or fewer fields than the header.";
    DuplicateHeader = "HC004", "duplicate-header", Error, "Two columns resolve to the same canonical header.";
    MissingEmailColumn = "HC005", "missing-email-column", Fatal, "No `User ID/Email (Required)` column.";
    UnknownColumn = "HC006", "unknown-column", Warning, "A header matches no known Control Hub column.";
    MissingEmail = "HC007", "missing-email", Error, "The `User ID/Email (Required)` cell is empty.";
    InvalidEmail = "HC008", "invalid-email", Error, "The user ID is not a plausible email address.";
    DuplicateUser = "HC009", "duplicate-user", Error, "The same email (case-insensitive) is on two rows.";
    InvalidBoolean = "HC010", "invalid-boolean", Error, "A license cell holds something other than TRUE, FALSE, blank or a known alias.";
    NonCanonicalBoolean = "HC011", "non-canonical-boolean", Fixed, "A license cell spells TRUE/FALSE another way (`true`, `1`, `VRAI`, ...).";
    MultiplePackages = "HC012", "multiple-packages", Error, "More than one wholesale package is TRUE on one row.";
    NoPackage = "HC013", "no-package", Warning, "No wholesale package is TRUE and not all user packages are FALSE: nothing to assign.";
    MissingLocation = "HC014", "missing-location", Error, "A calling-capable package without a Location.";
    MissingNumberOrExtension = "HC015", "missing-number-or-extension", Error, "A calling-capable package with neither Phone Number nor Extension.";
    InvalidPhoneNumber = "HC016", "invalid-phone-number", Error, "A phone number that is not a valid E.164 number.";
    PhoneMissingPlus = "HC017", "phone-missing-plus", Fixed, "Digits that form a valid E.164 number once the `+` is restored.";
    PhoneScientificNotation = "HC018", "phone-scientific-notation", Error, "A phone number in scientific notation (`4.0855E+10`): digits were lost.";
    InvalidExtension = "HC019", "invalid-extension", Error, "An extension that is not 2-10 digits, or is an emergency number.";
    DuplicateExtension = "HC020", "duplicate-extension", Error, "The same extension twice in one location.";
    DuplicatePhoneNumber = "HC021", "duplicate-phone-number", Error, "The same phone number on two users.";
    MissingPreferredSite = "HC022", "missing-preferred-site", Warning, "A meetings-capable package without a Preferred Webex Site.";
    InvalidPreferredSite = "HC023", "invalid-preferred-site", Warning, "A Preferred Webex Site that is not a host name such as `acme.webex.com`.";
    SuspendedServiceAssigned = "HC024", "suspended-service-assigned", Error, "TRUE in a column marked `(Suspended)`: Control Hub refuses the whole file.";
    CommonAreaPackageOnUser = "HC025", "common-area-package-on-user", Warning, "Common Area Calling TRUE on a user row (it is a workspace package).";
    RenamedColumn = "HC026", "renamed-column", Fixed, "An old header for a renamed column, when a template says which name the org uses.";
    InvalidName = "HC027", "invalid-name", Warning, "A calling user's first or last name is over 30 characters or holds `% # < > \\ / \"`.";
    BasicLicenseWithPackage = "HC028", "basic-license-with-package", Fixed, "A basic license TRUE beside a wholesale package.";
    ReadOnlyModified = "HC029", "read-only-modified", Warning, "A read-only column differs from the current export.";
    RemoveUnknownUser = "HC030", "remove-unknown-user", Warning, "Removal of a user absent from the current export.";
    FormulaInjection = "HC031", "formula-injection", Error, "A text cell starts with `=`, `+`, `-` or `@` (phone columns excepted).";
    TooManyRows = "HC032", "too-many-rows", Warning, "More than 20,000 users: the upload must be split.";
    Whitespace = "HC033", "whitespace", Fixed, "Leading/trailing spaces, non-breaking spaces or zero-width characters.";
    EmailCase = "HC034", "email-case", Fixed, "An email with upper-case letters; Control Hub matches users case-insensitively.";
    PhoneFormat = "HC035", "phone-format", Fixed, "A valid number written with spaces, dashes, dots or parentheses, or with a national prefix after the country code (`+44 (0)20`).";
    CellError = "HC036", "cell-error", Error, "A spreadsheet error cell (`#N/A`, `#REF!`, `#VALUE!`, ...) where a value belongs.";
    ExtensionStoredAsNumber = "HC037", "extension-stored-as-number", Warning, "A spreadsheet stored the Extension as a number: leading zeros may be lost.";
    TemplateColumnMissing = "HC038", "template-column-missing", Warning, "A column of the org's export (`--template`) is missing from the upload.";
    ColumnNotInTemplate = "HC039", "column-not-in-template", Warning, "An upload column the org's export (`--template`) does not have.";
    UnmappedValue = "HC040", "unmapped-value", Error, "A profile's package column holds a value its value map does not know.";
    NoRows = "HC041", "no-rows", Error, "The file has a header but no user rows.";
    CellTooLong = "HC042", "cell-too-long", Error, "A cell longer than 1,000 characters: no Control Hub field holds that much.";
    InvalidProfile = "HC043", "invalid-profile", Fatal, "The `--profile` is not valid, or names a column the input does not have.";
    CallingLocationChange = "HC044", "calling-location-change", Error, "An existing calling user's Location changes: the CSV cannot move calling users (needs `--current`).";
    NumberInUse = "HC045", "number-in-use", Warning, "The Phone Number or Extension belongs to another user in the current export (needs `--current`).";
    PackageColumnMissing = "HC046", "package-column-missing", Error, "An existing user's package has no column in the upload, so the upload cannot take it away (needs `--current`).";
    BasicLicenseColumnsMissing = "HC047", "basic-license-columns-missing", Warning, "Package columns but no basic license column: the default basic licenses cannot be set FALSE.";
    ReplacementCharacter = "HC048", "replacement-character", Warning, "A cell holds U+FFFD: a letter was lost to a wrong encoding before hubcsv read the file.";
    AddOnWithoutPackage = "HC049", "add-on-without-package", Error, "An add-on (Attendant Console) TRUE for a user without a calling package.";
    LineBreakInValue = "HC050", "line-break-in-value", Warning, "A Control Hub field holds a line break (a stray quote may have swallowed a row).";
    StatusUserNotInExport = "HC051", "status-user-not-in-export", Warning, "A row with a User Status, as rows copied from an export have, whose user is not in the current export: the upload adds them (needs `--current`).";
    LocationCase = "HC052", "location-case", Fixed, "A Location the org writes in another case (`hq` for `HQ`): fix writes the org's spelling (needs `--locations` or `--current`).";
    UnknownLocation = "HC053", "unknown-location", Error, "A Location that is not in the `--locations` list of the org's locations.";
    InvalidManager = "HC054", "invalid-manager", Warning, "A `Manager` that is not an email address: Control Hub's Manager column takes the manager's email.";
    ControlCharacter = "HC055", "control-character", Fixed, "A cell holds a control character (a tab inside a value, an escape code, a C1 control): fix removes it.";
}

impl Rule {
    /// Finds a rule by its name or code (case-insensitive), e.g. `HC014` or `missing-location`.
    ///
    /// # Examples
    ///
    /// ```
    /// use hubcsv::{Rule, Severity};
    ///
    /// let rule = Rule::lookup("hc014").unwrap();
    /// assert_eq!(rule, Rule::MissingLocation);
    /// assert_eq!((rule.name(), rule.code(), rule.severity()), ("missing-location", "HC014", Severity::Error));
    /// assert_eq!(Rule::lookup("missing-location"), Some(rule));
    /// assert!(Rule::lookup("HC999").is_none());
    /// // Every rule, in code order:
    /// assert_eq!(hubcsv::rules::ALL.first(), Some(&Rule::lookup("HC001").unwrap()));
    /// ```
    #[must_use]
    pub fn lookup(key: &str) -> Option<Rule> {
        let key = key.trim();
        ALL.iter().copied().find(|r| r.code().eq_ignore_ascii_case(key) || r.name().eq_ignore_ascii_case(key))
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        for pair in ALL.windows(2) {
            assert!(pair[0].code() < pair[1].code(), "{} !< {}", pair[0].code(), pair[1].code());
        }
    }

    #[test]
    fn lookup_by_name_and_code() {
        assert_eq!(Rule::lookup("hc014"), Some(Rule::MissingLocation));
        assert_eq!(Rule::lookup("missing-location"), Some(Rule::MissingLocation));
        assert_eq!(Rule::lookup("nope"), None);
    }

    #[test]
    fn every_page_names_its_code_and_rule() {
        for rule in ALL {
            let doc = rule.doc();
            assert!(doc.contains(rule.code()), "{} page lacks its code", rule.name());
            assert!(doc.contains(rule.name()), "{} page lacks its name", rule.name());
        }
    }
}
