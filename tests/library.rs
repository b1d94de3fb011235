//! The library as a dependency uses it: no binary, options built in code.

use hubcsv::report::Collect;
use hubcsv::schema::Profile;
use hubcsv::{FixOptions, Options, Source};

fn bytes(data: &str) -> Source {
    Source::Bytes { name: "upload.csv".into(), data: data.into() }
}

/// `FixOptions::default()` once split the output into one part per user (`max_rows` 0).
#[test]
fn default_fix_options_write_one_corrected_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "User ID/Email (Required),First Name\na@example.com,A\nb@example.com,B\nc@example.com,C\n";
    let fix = FixOptions { out: dir.path().join("fixed.csv"), ..FixOptions::default() };
    let (_, written) = hubcsv::fix(&bytes(csv), &Options::default(), fix, &mut Collect::default()).unwrap();
    assert_eq!(written.corrected.len(), 1, "{written:?}");
    assert_eq!(written.corrected[0].rows, 3);
    assert_eq!(FixOptions::new("x.csv").max_rows, hubcsv::CONTROL_HUB_MAX_ROWS);
}

/// A profile's parse error is a `std::error::Error`, for `?` into a caller's error type.
#[test]
fn profile_error_is_an_error() {
    let err = Profile::parse("no_such_key = 1\n", &Options::default().catalogue).unwrap_err();
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(boxed.to_string(), err.message);
}

#[test]
fn with_profile_sets_region_unless_given() {
    let profile = || Profile::parse("region = \"FR\"\n", &Options::default().catalogue).unwrap();
    let opts = Options::default().with_profile(profile());
    assert_eq!(opts.region, Some(phonenumber::country::Id::FR));
    assert!(opts.profile.is_some());
    let us = Options { region: Some(phonenumber::country::Id::US), ..Options::default() };
    assert_eq!(us.with_profile(profile()).region, Some(phonenumber::country::Id::US));
}
