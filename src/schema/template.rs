//! `--template EXPORT`: the exact column set of the customer's org, from a fresh export
//! (Control Hub's columns follow the org's subscriptions). Header drift is reported both
//! ways, and renamed columns are written with the org's name (contract §2).

use std::collections::HashMap;

use super::headers::column_key;
use super::packages::subscription;
use super::{Catalogue, ColumnClass, Schema};
use crate::error::Error;
use crate::input::{open_table, Evidence, Meta, Records, Source};
use crate::report::Diagnostic;
use crate::rules::Rule;

/// The columns of an org's export.
#[derive(Clone, Debug)]
pub struct Template {
    /// The export's name, for messages.
    pub path: String,
    schema: Schema,
}

/// Resolves the header of an export (`--current`) or a template, `record`, read at `header`.
/// A stray quote that swallowed the header's line breaks is named, as in the upload, rather
/// than the email column it hides.
///
/// # Errors
/// The header has no identity column.
pub(crate) fn resolve_export(
    records: &dyn Records,
    record: &csv::StringRecord,
    header: Meta,
    evidence: &Evidence,
    path: &str,
    catalogue: &Catalogue,
) -> Result<Schema, Error> {
    let headers: Vec<String> = record.iter().map(str::to_owned).collect();
    match Schema::resolve(&headers, header.line, catalogue.clone()) {
        Ok((schema, _)) => Ok(schema),
        Err(super::headers::HeaderError::MissingEmailColumn(headers)) => {
            let delimiter = evidence.delimiter.unwrap_or(b',');
            let raw = records.raw(&header);
            Err(crate::check::swallowed_header(&headers, raw, header, delimiter, path, "email column")
                .unwrap_or(Error::MissingEmailColumn { path: path.to_owned(), line: header.line, headers }))
        }
    }
}

impl Template {
    /// Reads the header row of an export.
    ///
    /// # Errors
    /// The file cannot be read, or its header has no identity column.
    pub fn load(source: &Source, catalogue: &Catalogue) -> Result<Template, Error> {
        let (records, record, header, evidence) =
            open_table(source, &crate::input::ReadOptions::default(), "the template")?;
        let path = source.display_name();
        let schema = resolve_export(&*records, &record, header, &evidence, &path, catalogue)?;
        Ok(Template { path, schema })
    }

    /// `profile` with the org's columns where it names none: with a template, the package
    /// and basic license columns a profile builds are the org's, every package column of
    /// the org (so that the rewrite sets the ones a user does not get FALSE), and its
    /// `[catalogue]`, when it has one, still wins. The package headers are taken only when
    /// the org has a column for every package the value map assigns: otherwise those users
    /// would get no TRUE anywhere, and the template's findings say which column the org
    /// lacks.
    #[must_use]
    pub fn adapt(&self, profile: &super::Profile) -> super::Profile {
        let mut adapted = profile.clone();
        let columns = || self.schema.columns.iter().filter(|c| !c.class.is_dropped());
        if let (true, Some(map)) = (profile.package_headers.is_empty(), &profile.packages) {
            let ids: std::collections::BTreeSet<&str> =
                map.values.values().map(String::as_str).filter(|v| *v != super::profile::REMOVE).collect();
            let header = |id: &str| {
                let all: Vec<_> = columns()
                    .filter(|c| match c.class {
                        ColumnClass::Package(p) => {
                            self.schema.catalogue.package(p).is_some_and(|p| p.id == id)
                        }
                        _ => false,
                    })
                    .collect();
                // An active subscription before a suspended one.
                all.iter().find(|c| !c.suspended).or(all.first()).map(|c| c.canonical.clone())
            };
            let org: std::collections::BTreeMap<String, String> = self
                .schema
                .catalogue
                .packages
                .iter()
                .filter_map(|p| header(p.id).map(|h| (p.id.to_owned(), h)))
                .collect();
            if !ids.is_empty() && ids.iter().all(|id| org.contains_key(*id)) {
                adapted.package_headers = org;
            }
        }
        if profile.basic_headers.is_none() {
            adapted.basic_headers = Some(
                columns()
                    .filter(|c| c.class == ColumnClass::BasicLicense)
                    .map(|c| c.canonical.clone())
                    .collect(),
            );
        }
        adapted
    }

    /// Matches `upload`'s columns to the template: matched columns take the template's exact
    /// spelling; an old name of a package column is `renamed-column` (fixed); the rest is
    /// reported as `column-not-in-template` and `template-column-missing`. `unknown-column`
    /// findings for columns the org does have are withdrawn.
    pub fn apply(&self, upload: &mut Schema, line: u64, diagnostics: &mut Vec<Diagnostic>) {
        let columns = &self.schema.columns;
        // A repeated template column (dropped there) is not one to match.
        let by_key: HashMap<String, usize> = columns
            .iter()
            .filter(|c| !c.class.is_dropped())
            .map(|c| (column_key(&c.canonical, c.class), c.index))
            .collect();
        let mut matched = vec![false; columns.len()];
        let mut known_here = Vec::new();
        // Exact matches first, so that an old name elsewhere in the upload cannot take the
        // template column a column of the new name matches.
        let mut left = Vec::new();
        for (i, u) in upload.columns.iter_mut().enumerate() {
            if u.class.is_dropped() {
                continue;
            }
            if let Some(&t) = by_key.get(&column_key(&u.canonical, u.class)).filter(|&&t| !matched[t]) {
                matched[t] = true;
                u.canonical.clone_from(&columns[t].canonical);
                known_here.push(u.index);
            } else {
                left.push(i);
            }
        }
        for i in left {
            let u = &mut upload.columns[i];
            let renamed = match u.class {
                ColumnClass::Package(p) => {
                    let suffix = subscription(&u.canonical);
                    columns.iter().position(|t| {
                        !matched[t.index]
                            && t.class == ColumnClass::Package(p)
                            && subscription(&t.canonical) == suffix
                    })
                }
                _ => None,
            };
            if let Some(t) = renamed {
                matched[t] = true;
                let new = columns[t].canonical.clone();
                let d = Diagnostic::new(
                    Rule::RenamedColumn,
                    line,
                    format!("`{}` is called `{new}` in this org", u.header.trim()),
                    "hubcsv fix writes the org's name; uploading the old one may fail",
                )
                .value(u.header.trim())
                .fixed(new.clone())
                .on_header(u.index, new.clone());
                diagnostics.push(d);
                u.canonical = new;
                // The org's mark decides: a subscription suspended since (or resumed) is
                // what the upload meets, and what `suspended-service-assigned` judges.
                u.suspended = columns[t].suspended;
                known_here.push(u.index);
                continue;
            }
            let d = Diagnostic::new(
                Rule::ColumnNotInTemplate,
                line,
                format!("`{}` is not a column of this org's export ({})", u.header.trim(), self.path),
                match u.class {
                    ColumnClass::Package(_) | ColumnClass::OtherLicense => {
                        "check the subscription id in brackets against a fresh export: a license column the org does not have makes the import fail"
                    }
                    ColumnClass::BasicLicense => {
                        "remove the column, or check its spelling against a fresh export: a license column the org does not have makes the import fail"
                    }
                    _ => "remove the column, or check its spelling against a fresh export of the org",
                },
            )
            .value(u.header.trim())
            .on_header(u.index, u.canonical.clone());
            diagnostics.push(d);
            known_here.push(u.index);
        }
        // The template decides what the org has: hubcsv's own unknown-column guess yields.
        diagnostics.retain(|d| {
            !(d.rule == Rule::UnknownColumn && d.col_index.is_some_and(|c| known_here.contains(&c)))
        });
        // Read-only columns (`User Status`, ...) are the export's, not the upload's: Control
        // Hub ignores them on upload, so an upload without them lacks nothing.
        let read_only = |class: ColumnClass| matches!(class, ColumnClass::UserStatus | ColumnClass::ReadOnly);
        for t in columns.iter().filter(|t| !matched[t.index] && !t.class.is_dropped() && !read_only(t.class))
        {
            let license = matches!(t.class, ColumnClass::Package(_) | ColumnClass::BasicLicense);
            let mut d = Diagnostic::new(
                Rule::TemplateColumnMissing,
                line,
                if license {
                    format!("the org has `{}` but the upload does not: hubcsv fix cannot set it FALSE, so a user who holds it keeps it", t.canonical)
                } else {
                    format!("the org has `{}` but the upload does not (blank means no change, so this is allowed)", t.canonical)
                },
                "start from a fresh export of the org so the upload has every column",
            );
            d.column = Some(t.canonical.clone());
            diagnostics.push(d);
        }
    }
}
