#!/usr/bin/env bash
# Benchmark (not a test): `hubcsv check` of a 100,000-row xlsx vs. the same data as CSV.
# Usage: scripts/bench_xlsx.sh [ROWS]   (needs: pip install openpyxl). Medians of 3.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release --quiet
python3 scripts/gen_upload.py "$rows" > "$dir/upload.csv"
python3 - "$dir/upload.csv" "$dir/upload.xlsx" <<'PY'
import csv, sys, openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet('Users')
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    for i, row in enumerate(csv.reader(f)):
        # Phones and extensions as numbers, license cells as booleans: what Excel stores.
        out = []
        for v in row:
            if i and v in ('TRUE', 'FALSE'):
                out.append(v == 'TRUE')
            elif i and v.isdigit() and len(v) < 15:
                out.append(int(v))
            else:
                out.append(v)
        ws.append(out)
wb.save(sys.argv[2])
PY
bin=target/release/hubcsv
median() { sort -n | sed -n 2p; }
run3() { for _ in 1 2 3; do /usr/bin/time -f "%e %M" "$@" > /dev/null 2> "$dir/t" || true; tail -1 "$dir/t"; done | median; }
csv=$(run3 $bin check -q --format jsonl "$dir/upload.csv")
xlsx=$(run3 $bin check -q --format jsonl "$dir/upload.xlsx")
echo "rows: $rows, $(nproc) cores; csv $(du -h "$dir/upload.csv" | cut -f1), xlsx $(du -h "$dir/upload.xlsx" | cut -f1)"
echo "check csv:  ${csv% *} s  (peak RSS ${csv#* } KiB)"
echo "check xlsx: ${xlsx% *} s  (peak RSS ${xlsx#* } KiB)"
