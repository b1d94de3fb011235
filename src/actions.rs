//! What the upload will do with each row (contract §4): add, modify, remove, unchanged or
//! invalid, and the evidence that decided it.

use serde::Serialize;

use crate::rules::RowOutcome;

/// The effect of uploading a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new user gets a package.
    Add,
    /// An existing user changes.
    Modify,
    /// Every package is FALSE: the user loses their package.
    Remove,
    /// An existing user with nothing writable changed (only with a current export).
    Unchanged,
    /// The row has an error and must not be uploaded.
    Invalid,
}

impl Action {
    /// Every action, in report order.
    pub const ALL: [Action; 5] =
        [Action::Add, Action::Modify, Action::Remove, Action::Unchanged, Action::Invalid];

    /// The lower-case name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Modify => "modify",
            Action::Remove => "remove",
            Action::Unchanged => "unchanged",
            Action::Invalid => "invalid",
        }
    }
}

/// What decided whether a user exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Evidence {
    /// The read-only `User Status` cell: filled means the row came from an export.
    UserStatus,
    /// A current export of the org (`--current`).
    CurrentExport,
}

impl Evidence {
    /// The kebab-case name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::UserStatus => "user-status",
            Evidence::CurrentExport => "current-export",
        }
    }
}

/// Infers the action from a row's findings and cells, without a current export.
#[must_use]
pub fn infer(row: &RowOutcome, all_false: bool) -> Action {
    if row.has_error() {
        Action::Invalid
    } else if all_false {
        Action::Remove
    } else if row.has_status {
        Action::Modify
    } else {
        Action::Add
    }
}
