#!/usr/bin/env bash
# Fuzz hubcsv (a long job, not part of CI). Usage: fuzz/run.sh [SECONDS] (default 600 per target)
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# it use the sanitizer flags. Seeds come from fixtures/; crashes land in fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
mkdir -p corpus/check_csv corpus/read_sheet
cp ../fixtures/rules/*.csv ../fixtures/example/*.csv ../fixtures/input/*.csv ../fixtures/bad/*.csv corpus/check_csv/
cp ../fixtures/input/*.xlsx ../fixtures/input/*.xlsb ../fixtures/input/*.ods ../fixtures/input/*.xls ../fixtures/rules/*.xlsx \
   ../fixtures/profiles/*.xlsx ../fixtures/bad/*.xlsx ../fixtures/bad/*.xlsb ../fixtures/bad/*.xls ../fixtures/bad/*.ods corpus/read_sheet/
for target in check_csv read_sheet; do
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len=262144
done
