#!/usr/bin/env bash
# Fuzz hubcsv (a long job, not part of CI). Usage: fuzz/run.sh [SECONDS] [TARGET...]
# (default 600 seconds per target, every target, one after the other).
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# it use the sanitizer flags. Seeds come from fixtures/; crashes land in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check_csv read_sheet fix_csv profile current)
mkdir -p corpus/check_csv corpus/read_sheet corpus/fix_csv corpus/profile corpus/current
csvs=(../fixtures/rules/*.csv ../fixtures/example/*.csv ../fixtures/input/*.csv ../fixtures/bad/*.csv)
cp "${csvs[@]}" corpus/check_csv/
cp "${csvs[@]}" ../fixtures/profiles/*.csv corpus/fix_csv/
cp ../fixtures/input/*.xlsx ../fixtures/input/*.xlsb ../fixtures/input/*.ods ../fixtures/input/*.xls ../fixtures/rules/*.xlsx \
   ../fixtures/profiles/*.xlsx ../fixtures/bad/*.xlsx ../fixtures/bad/*.xlsb ../fixtures/bad/*.xls ../fixtures/bad/*.ods corpus/read_sheet/
cp ../fixtures/profiles/*.toml corpus/profile/
cp ../fixtures/current/export*.csv ../fixtures/current/template*.csv ../fixtures/current/rules-export.csv corpus/current/
# And the three inputs of the current target apart (export, template, locations list, split
# by two 0xFF bytes; see fuzz_targets/current.rs).
for export in ../fixtures/current/export*.csv ../fixtures/locations/export.csv; do
  for list in ../fixtures/locations/locations.csv ../fixtures/locations/names.txt; do
    seed="corpus/current/split-$(basename "$export" .csv)-$(basename "$list")"
    { cat "$export"; printf '\377\377'; cat ../fixtures/current/template-suspended.csv; printf '\377\377'; cat "$list"; } >"$seed"
  done
done
for target in "${targets[@]}"; do
  # -timeout: a run over 10 s is a hang; -rss_limit_mb: a run over 2 GiB is out of memory.
  # -detect_leaks=0: a sheet reader's thread outlives its reader until its next send fails,
  # so LeakSanitizer now and then reports that thread's 32-byte TLS destructor entry (glibc's
  # __cxa_thread_atexit_impl) as a leak; it does not reproduce on the saved input.
  # -jobs=1: one fuzzing process (its output goes to fuzz/fuzz-0.log).
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -jobs=1 \
    -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 -max_len=262144
done
