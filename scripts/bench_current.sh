#!/usr/bin/env bash
# Benchmark (not a test): `check` of an upload alone vs. `check --current` against an export of
# the same size. Usage: scripts/bench_current.sh [ROWS] (default 1000000). Prints medians of 3.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release --quiet
python3 scripts/gen_upload.py "$rows" --seed 1 > "$dir/upload.csv"
python3 scripts/gen_upload.py "$rows" --seed 2 --faulty 0 > "$dir/export.csv"
bin=target/release/hubcsv
median() { sort -n | sed -n 2p; }
time_of() { # runs the command 3 times, prints the median wall time in seconds
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" "$@" > /dev/null 2> "$dir/t" || true
    tail -1 "$dir/t"
  done
}
echo "rows: $rows  ($(du -h "$dir/upload.csv" | cut -f1) upload, $(du -h "$dir/export.csv" | cut -f1) export), $(nproc) cores"
alone=$(time_of $bin check -q --format jsonl "$dir/upload.csv" | median)
with=$(time_of $bin check -q --format jsonl --current "$dir/export.csv" "$dir/upload.csv" | median)
echo "check alone:            ${alone% *} s  (peak RSS ${alone#* } KiB)"
echo "check --current EXPORT: ${with% *} s  (peak RSS ${with#* } KiB)"
python3 -c "print(f'ratio: {float(\"${with% *}\") / float(\"${alone% *}\"):.2f}x')"
