//! The Control Hub column catalogue (control-hub-csv.md §1) and column classes (contract §2).

/// The calling columns hubcsv validates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallingField {
    /// `Extension`
    Extension,
    /// `Phone Number`
    PhoneNumber,
    /// `Caller ID Number`
    CallerIdNumber,
    /// `Caller ID First Name`, `Caller ID Last Name`
    CallerIdName,
    /// `Location`
    Location,
}

/// What a column is, once its header is resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnClass {
    /// `User ID/Email (Required)`.
    Identity,
    /// `First Name`.
    FirstName,
    /// `Last Name`.
    LastName,
    /// Other profile attributes (display name, title, department, address, ...).
    Profile,
    /// `User Status`: read-only, and the evidence for existing users.
    UserStatus,
    /// Other read-only columns (`Last Service Accessed Time`, ...).
    ReadOnly,
    /// A calling column.
    Calling(CallingField),
    /// `Preferred Webex Site`.
    PreferredSite,
    /// A wholesale package column: index into the catalogue's packages.
    Package(usize),
    /// A basic (free) license column.
    BasicLicense,
    /// Another TRUE/FALSE service or license column (entitlements, `[Sub...]` licenses).
    OtherLicense,
    /// A known text column that hubcsv passes through (resource groups, ...).
    Passthrough,
    /// A header hubcsv does not know: kept as is, reported as `unknown-column`.
    Unknown,
    /// hubcsv's own `hubcsv rule` / `hubcsv message` columns of a rejects file: not
    /// checked, and dropped from the corrected output.
    Annotation,
    /// A column whose header cell is blank (trailing columns of an Excel-saved CSV, the
    /// empty columns left of a table that starts at C5): not checked, and dropped from the
    /// corrected output (Control Hub matches columns by header, and this one has none).
    Blank,
    /// A column whose header repeats the header of the column at this index
    /// (`duplicate-header`): compared cell by cell with it, and dropped from the corrected
    /// output.
    Duplicate(usize),
}

impl ColumnClass {
    /// Whether cells of this class hold TRUE/FALSE.
    #[must_use]
    pub fn is_boolean(self) -> bool {
        matches!(self, ColumnClass::Package(_) | ColumnClass::BasicLicense | ColumnClass::OtherLicense)
    }

    /// Whether the column is a Control Hub field, whose values are one line: not dropped,
    /// not a column hubcsv does not know or a profile passes through (those may hold a list
    /// over several lines).
    #[must_use]
    pub fn holds_one_line(self) -> bool {
        !self.is_dropped() && !matches!(self, ColumnClass::Unknown | ColumnClass::Passthrough)
    }

    /// Whether the column is left out of the corrected output (and its cells are not checked
    /// as values: the column is not uploaded).
    #[must_use]
    pub fn is_dropped(self) -> bool {
        matches!(self, ColumnClass::Annotation | ColumnClass::Blank | ColumnClass::Duplicate(_))
    }

    /// Whether a leading `+`/`-` is expected in this column (exempt from formula injection).
    #[must_use]
    pub fn is_phone_like(self) -> bool {
        matches!(
            self,
            ColumnClass::Calling(
                CallingField::Extension | CallingField::PhoneNumber | CallingField::CallerIdNumber
            )
        )
    }
}

/// Known columns: canonical header, accepted aliases (already in [`super::header_key`] form),
/// and class. Order follows the Control Hub export.
pub(crate) const KNOWN: &[(&str, &[&str], ColumnClass)] = &[
    ("First Name", &[], ColumnClass::FirstName),
    ("Last Name", &[], ColumnClass::LastName),
    ("Display Name", &[], ColumnClass::Profile),
    (
        "User ID/Email (Required)",
        &[
            "userid/email (required)",
            "user id/email(required)",
            "userid/email(required)",
            "user id/email",
            "userid/email",
        ],
        ColumnClass::Identity,
    ),
    ("User Status", &[], ColumnClass::UserStatus),
    ("Last Service Accessed Time", &[], ColumnClass::ReadOnly),
    ("Days since Last Service Accessed", &[], ColumnClass::ReadOnly),
    ("Directory Number", &[], ColumnClass::ReadOnly),
    ("Direct Line", &[], ColumnClass::ReadOnly),
    ("Extension", &[], ColumnClass::Calling(CallingField::Extension)),
    ("Title", &[], ColumnClass::Profile),
    ("Department", &[], ColumnClass::Profile),
    ("Manager", &[], ColumnClass::Profile),
    ("Phone Number", &[], ColumnClass::Calling(CallingField::PhoneNumber)),
    ("Caller ID Number", &[], ColumnClass::Calling(CallingField::CallerIdNumber)),
    ("Caller ID First Name", &[], ColumnClass::Calling(CallingField::CallerIdName)),
    ("Caller ID Last Name", &[], ColumnClass::Calling(CallingField::CallerIdName)),
    ("Location", &[], ColumnClass::Calling(CallingField::Location)),
    ("Preferred Language", &[], ColumnClass::Profile),
    ("Time zone", &[], ColumnClass::Profile),
    ("Address type", &[], ColumnClass::Profile),
    ("Address country", &[], ColumnClass::Profile),
    ("Address line 1", &[], ColumnClass::Profile),
    ("Address line 2", &[], ColumnClass::Profile),
    ("Address city", &[], ColumnClass::Profile),
    ("Address state", &[], ColumnClass::Profile),
    ("Address postal code", &[], ColumnClass::Profile),
    ("Preferred Webex Site", &["preferredwebexsite"], ColumnClass::PreferredSite),
    ("Hybrid Calendar Service Resource Group", &[], ColumnClass::Passthrough),
    ("Hybrid Call Service Resource Group", &[], ColumnClass::Passthrough),
    ("UC Manager Profile", &[], ColumnClass::Passthrough),
    ("Calling Behavior UC Manager Profile", &[], ColumnClass::Passthrough),
    ("Upgrade Profile", &[], ColumnClass::Passthrough),
    ("Calling Behavior", &[], ColumnClass::OtherLicense),
    ("Jabber with Webex Teams", &[], ColumnClass::OtherLicense),
    ("Jabber Calling", &[], ColumnClass::OtherLicense),
    ("Contact Migration Required", &[], ColumnClass::OtherLicense),
    ("Call Service Aware", &[], ColumnClass::OtherLicense),
    ("Call Service Connect", &[], ColumnClass::OtherLicense),
    ("Enterprise Content Management", &[], ColumnClass::OtherLicense),
    ("Hybrid Calendar Service (Exchange)", &[], ColumnClass::OtherLicense),
    ("Hybrid Calendar Service (Google)", &[], ColumnClass::OtherLicense),
    ("Hybrid Message Service", &[], ColumnClass::OtherLicense),
    ("Webex Meeting Assistant", &[], ColumnClass::OtherLicense),
    ("Attendant Console", &[], ColumnClass::OtherLicense),
    ("hubcsv rule", &[], ColumnClass::Annotation),
    ("hubcsv message", &[], ColumnClass::Annotation),
    ("Enhanced Calling", &[], ColumnClass::OtherLicense),
];
