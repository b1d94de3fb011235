//! Files an admin hands hubcsv by mistake: Control Hub's *other* CSVs and the Webex Meetings
//! site's own user export. Their headers tell them apart from a user CSV, so the message
//! can say which file it looks like and what to export instead (control-hub-csv.md §8.2).

use super::header_key;

/// A file that is not Control Hub's user CSV, as its headers show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Foreign {
    /// Which file.
    pub kind: Kind,
    /// What the file looks like.
    pub what: &'static str,
    /// What to give hubcsv instead.
    pub instead: &'static str,
}

/// The files told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The Webex Meetings site's user CSV: it has an `Email` column, which a built-in alias
    /// maps, so it reads as a user CSV with unknown columns.
    MeetingsSite,
    /// Control Hub's locations CSV (the `--locations` list).
    Locations,
    /// Webex Calling's *Manage User Calling Data* CSV (`User Email`).
    UserCallingData,
    /// A list of the org's numbers.
    Numbers,
}

/// Columns only the Meetings site CSV has: one of them, beside another Meetings column
/// ([`MEETINGS_SHARED`] or these), tells it (`UserID` and `UserName` alone may be an HR
/// export's).
const MEETINGS_ONLY: &[&str] = &[
    "hostprivilege",
    "mc",
    "ec",
    "tc",
    "sc",
    "meeting center",
    "event center",
    "training center",
    "support center",
    "personal room url",
    "personal room id",
    "tsp account",
];

/// The Meetings site CSV's other columns (the classic site-admin names, and Control Hub's
/// Meetings CSV names), which an HR export may have too: none is a column of Control Hub's
/// user CSV.
const MEETINGS_SHARED: &[&str] = &["userid", "username", "account type"];
/// A location's address columns, as Control Hub's locations CSV (and `--locations`) has them.
const LOCATION: &[&str] = &[
    "address 1",
    "address line 1",
    "city",
    "state/province",
    "zip/postal code",
    "postal code",
    "country",
    "main number",
    "emergency callback number",
];
/// A numbers list's columns: what a number is and whom it is assigned to.
const NUMBERS: &[&str] =
    &["number type", "assigned to", "assignment", "number state", "number status", "main number"];

const USER_CSV: &str = "export the user CSV from Control Hub (Users > Manage users > Export) and check that, or map an HR export with a profile (docs/profiles.md)";

impl Foreign {
    /// The help line: which file the headers show, and what to give instead.
    #[must_use]
    pub fn help(&self) -> String {
        format!("these headers are those of {}: {}", self.what, self.instead)
    }
}

/// Which foreign file `headers` look like, if any.
#[must_use]
pub fn foreign_file(headers: &[String]) -> Option<Foreign> {
    let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
    let has = |k: &str| keys.iter().any(|h| h == k);
    let count = |set: &[&str]| set.iter().filter(|k| has(k)).count();
    let only = count(MEETINGS_ONLY);
    if only >= 1 && only + count(MEETINGS_SHARED) >= 2 {
        return Some(Foreign {
            kind: Kind::MeetingsSite,
            what: "the Webex Meetings site's user CSV (UTF-16, tab-separated), which sets meeting privileges, not Control Hub's user CSV",
            instead: USER_CSV,
        });
    }
    if has("location name") && count(LOCATION) >= 1 {
        return Some(Foreign {
            kind: Kind::Locations,
            what: "Control Hub's locations CSV, not a user CSV",
            instead: "give it as the list of the org's locations (--locations FILE) beside the user CSV; the users are in the user CSV (Users > Manage users > Export)",
        });
    }
    if has("user email") {
        return Some(Foreign {
            kind: Kind::UserCallingData,
            what: "Webex Calling's Manage User Calling Data CSV, which Control Hub imports separately (Calling > Service Settings), not the user CSV",
            instead: USER_CSV,
        });
    }
    if (has("phone number") || has("number")) && count(NUMBERS) >= 1 {
        return Some(Foreign {
            kind: Kind::Numbers,
            what: "Control Hub's numbers list (Calling > Numbers), not a user CSV",
            instead: "the numbers are set per user in the user CSV: export it (Users > Manage users > Export); to check numbers already in use, give the user export as --current FILE",
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(headers: &[&str]) -> Option<&'static str> {
        foreign_file(&headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()).map(|f| f.what)
    }

    #[test]
    fn foreign_files_are_told_by_their_headers() {
        assert!(of(&["UserID", "Active", "FirstName", "LastName", "Email", "MC", "EC"])
            .unwrap()
            .contains("Meetings"));
        assert!(of(&["Location Name", "Address 1", "City"]).unwrap().contains("locations"));
        assert!(of(&["User Email", "Location", "Extension"]).unwrap().contains("User Calling Data"));
        assert!(of(&["Phone Number", "Location", "Number Type"]).unwrap().contains("numbers"));
        // Control Hub's user CSV and HR exports are none of them.
        assert_eq!(of(&["User ID/Email (Required)", "Location", "Phone Number", "Time zone"]), None);
        assert_eq!(of(&["Matricule", "Nom", "Prénom", "Site", "Pays"]), None);
        assert_eq!(of(&["First Name", "Login"]), None);
        assert_eq!(of(&["UserID", "UserName", "Email"]), None, "an HR export's ids");
    }
}
