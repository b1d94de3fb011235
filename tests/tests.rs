//! One integration binary (faster to link): each module drives the real `hubcsv` binary.
// Test helpers panic on purpose: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod bad;
mod check;
mod current;
mod docs;
mod explain;
mod fix;
mod header;
mod human;
mod input;
mod json;
mod library;
mod locations;
mod profile;
mod props;
mod rules;
mod side_inputs;
