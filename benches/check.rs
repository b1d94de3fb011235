//! Library benchmarks (criterion): `check` and `fix` of a generated upload held in memory,
//! against the csv crate's own parse of the same bytes; the phone fast path against the
//! `phonenumber` crate. The whole binary is measured by `scripts/bench.py`.
//!
//! ```sh
//! cargo bench --bench check
//! ```
//! Inputs come from `scripts/gen_upload.py` (needs python3), cached under `target/bench-data/`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::io;
use std::path::PathBuf;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hubcsv::report::JsonLines;
use hubcsv::rules::RowOutcome;
use hubcsv::schema::Schema;
use hubcsv::{Diagnostic, FixOptions, InputInfo, Options, Record, Sink, Source, Summary};

/// The binary's allocator (src/main.rs), so that the library is timed as the binary runs it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn upload(rows: usize) -> Vec<u8> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-data");
    let path = dir.join(format!("upload-{rows}.csv"));
    if !path.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let out = Command::new("python3")
            .arg(root.join("scripts/gen_upload.py"))
            .arg(rows.to_string())
            .output()
            .expect("python3 runs scripts/gen_upload.py");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        std::fs::write(&path, out.stdout).unwrap();
    }
    std::fs::read(path).unwrap()
}

/// A sink that keeps nothing: what `check` costs without a report.
struct Discard;

impl Sink for Discard {
    fn begin(&mut self, _: &InputInfo, _: &Schema) -> io::Result<()> {
        Ok(())
    }
    fn header(&mut self, _: &[Diagnostic], _: Record<'_>) -> io::Result<()> {
        Ok(())
    }
    fn row(&mut self, row: &RowOutcome, _: Record<'_>) -> io::Result<()> {
        black_box(row);
        Ok(())
    }
    fn end(&mut self, _: &InputInfo, _: &Summary) -> io::Result<()> {
        Ok(())
    }
}

fn source(data: &[u8]) -> Source {
    Source::Bytes { name: "upload.csv".to_owned(), data: data.to_vec() }
}

fn pipeline(c: &mut Criterion) {
    let data = upload(20_000);
    let opts = Options::default();
    let mut g = c.benchmark_group("20000 rows");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("csv crate: parse (ByteRecord)", |b| {
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&data[..]);
            let mut record = csv::ByteRecord::new();
            let mut n = 0u64;
            while r.read_byte_record(&mut record).unwrap() {
                n += 1;
            }
            black_box(n)
        });
    });
    g.bench_function("check, no report (a sink that keeps nothing)", |b| {
        b.iter(|| hubcsv::check(&source(&data), &opts, &mut Discard).unwrap());
    });
    g.bench_function("check, JSON Lines report", |b| {
        b.iter(|| hubcsv::check(&source(&data), &opts, &mut JsonLines::new(io::sink())).unwrap());
    });
    let dir = tempfile::tempdir().unwrap();
    g.bench_function("fix, JSON Lines report", |b| {
        b.iter(|| {
            let fix = FixOptions {
                out: dir.path().join("fixed.csv"),
                force: true,
                max_rows: hubcsv::CONTROL_HUB_MAX_ROWS,
                ..FixOptions::default()
            };
            hubcsv::fix(&source(&data), &opts, fix, &mut JsonLines::new(io::sink())).unwrap()
        });
    });
    g.finish();
}

fn phone(c: &mut Criterion) {
    // Numbers of the generator's six countries, and some that are not valid.
    let numbers: Vec<String> = (0..1000u64)
        .map(|i| match i % 7 {
            0 => format!("+1408{}{:04}", 200 + i % 700, i),
            1 => format!("+44207{:07}", i * 7919),
            2 => format!("+3314{:07}", i * 104_729),
            3 => format!("+4930{}", 1_000_000 + i * 31),
            4 => format!("+813{}", 10_000_000 + i * 977),
            5 => format!("+6129{:07}", i * 13),
            _ => format!("+1408{i}"),
        })
        .collect();
    let mut g = c.benchmark_group("1000 E.164 numbers");
    g.throughput(Throughput::Elements(numbers.len() as u64));
    g.bench_function("fast path", |b| {
        b.iter(|| {
            numbers.iter().filter(|n| hubcsv::rules::phone_fast::is_valid_e164(n) == Some(true)).count()
        });
    });
    g.bench_function("phonenumber crate: parse + is_valid", |b| {
        b.iter(|| {
            numbers
                .iter()
                .filter(|n| phonenumber::parse(None, n).is_ok_and(|p| phonenumber::is_valid(&p)))
                .count()
        });
    });
    g.finish();
}

criterion_group!(benches, pipeline, phone);
criterion_main!(benches);
