//! [`Options`]: what a caller can tune about `check`.

use std::sync::Arc;

use crate::current::Current;
use crate::input::ReadOptions;
use crate::schema::{Catalogue, Profile, Template};

/// Control Hub's limit on users per CSV upload (control-hub-csv.md §8.1).
pub const CONTROL_HUB_MAX_ROWS: u64 = 20_000;

/// Default `--max-cells`: 100 million, 50 columns for 2,000,000 users.
pub const DEFAULT_MAX_CELLS: u64 = 100_000_000;

/// Default `--max-columns`: a Control Hub export has a few dozen.
pub const DEFAULT_MAX_COLUMNS: usize = 2_000;

/// Options for [`crate::check`] and [`crate::fix()`]: what the command line's flags set.
///
/// Start from [`Options::default`] (the CLI's defaults) and set what you need. A profile
/// changes the catalogue, which `--current` and `--template` are read against, so add it
/// first with [`Options::with_profile`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use hubcsv::{current::Current, schema::Profile, Options, Source};
///
/// let profile = Profile::parse("region = \"FR\"\n", &Options::default().catalogue)?;
/// let mut opts = Options { max_rows: 5_000, ..Options::default() }.with_profile(profile);
/// assert_eq!(opts.region, Some(hubcsv::Region::FR));
///
/// let export = "User ID/Email (Required),First Name,User Status\nana@example.com,Ana,Active\n";
/// let export = Source::Bytes { name: "export.csv".into(), data: export.into() };
/// opts.current = Some(Arc::new(Current::load(&export, &opts.catalogue)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    /// Users per upload before `too-many-rows` fires.
    pub max_rows: u64,
    /// Region for national phone numbers (`FR`), if any: see [`crate::Region`].
    pub region: Option<phonenumber::country::Id>,
    /// How to read the input (encoding, delimiter, sheet overrides).
    pub read: ReadOptions,
    /// The delimiter in use: set by `check` once the input is sniffed (rules that look at
    /// raw text need it); `read.delimiter` is the override.
    pub delimiter: u8,
    /// The input is a spreadsheet's sheet: set by `check` once the input is opened (rules
    /// word their help for a sheet, which has columns, not delimiters).
    pub sheet: bool,
    /// Resource limit: cells (rows x columns) read before giving up.
    pub max_cells: u64,
    /// Resource limit: columns in the header.
    pub max_columns: usize,
    /// Ignored: batches are sized from the input (its size, or the sheet's rows), not by
    /// the caller. Kept so that code setting it still compiles.
    #[deprecated(note = "ignored: batches are sized from the input")]
    pub batch_size: usize,
    /// The package catalogue (with a profile, as [`Profile::customize`] overrides it).
    pub catalogue: Catalogue,
    /// The org's current state (`--current`): actions and changes are decided against it.
    pub current: Option<Arc<Current>>,
    /// The org's column set (`--template`): header drift and renamed columns.
    pub template: Option<Arc<Template>>,
    /// The org's locations (`--locations`): a Location must name one of them.
    pub locations: Option<Arc<crate::locations::Locations>>,
    /// An HR export profile (`--profile`): the input is mapped onto Control Hub's format.
    pub profile: Option<Arc<Profile>>,
}

impl Options {
    /// Adds an HR export profile (`--profile`): the profile's `[catalogue]` is applied to
    /// [`Options::catalogue`], and its `region` is used unless [`Options::region`] is set.
    ///
    /// Call it before loading [`Options::current`] or [`Options::template`] with
    /// [`Options::catalogue`]: the profile's packages are theirs too.
    #[must_use]
    pub fn with_profile(mut self, profile: Profile) -> Self {
        if self.region.is_none() {
            self.region = profile.region;
        }
        profile.customize(&mut self.catalogue);
        self.profile = Some(Arc::new(profile));
        self
    }
}

#[allow(deprecated)] // sets `batch_size`, which nothing reads
impl Default for Options {
    fn default() -> Self {
        Options {
            max_rows: CONTROL_HUB_MAX_ROWS,
            region: None,
            read: ReadOptions::default(),
            delimiter: b',',
            sheet: false,
            batch_size: 8192,
            max_cells: DEFAULT_MAX_CELLS,
            max_columns: DEFAULT_MAX_COLUMNS,
            catalogue: Catalogue::default(),
            current: None,
            template: None,
            locations: None,
            profile: None,
        }
    }
}
