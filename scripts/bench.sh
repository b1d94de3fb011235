#!/usr/bin/env bash
# Benchmark (not a test): the whole binary against the floor, in one run on one machine.
# Usage: scripts/bench.sh [ROWS...]   (default: 1000 20000 1000000). Medians of 3 runs.
#   baseline parse   - csv crate ByteRecord read loop, nothing else
#   baseline rewrite - the same, writing every record back out
#   check            - hubcsv check --format jsonl (report streamed to /dev/null)
#   fix              - hubcsv fix (corrected + rejects files)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 20000 1000000)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release --quiet --bin hubcsv --example baseline
bin=target/release/hubcsv
base=target/release/examples/baseline
median() { sort -n | sed -n 2p; }
run3() { for _ in 1 2 3; do rm -f "$dir"/out*.csv; /usr/bin/time -f "%e %M" "$@" > /dev/null 2> "$dir/t" || true; tail -1 "$dir/t"; done | median; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%F)"
printf '%10s %8s | %18s %18s %18s %18s | %s\n' rows MB "baseline parse" "baseline rewrite" check fix "check/parse fix/rewrite"
for n in "${sizes[@]}"; do
  python3 scripts/gen_upload.py "$n" > "$dir/in.csv"
  mb=$(du -m "$dir/in.csv" | cut -f1)
  p=$(run3 $base parse "$dir/in.csv")
  r=$(run3 $base rewrite "$dir/in.csv" "$dir/out-base.csv")
  c=$(run3 $bin check -q --format jsonl "$dir/in.csv")
  f=$(run3 $bin fix -q --format jsonl --force "$dir/in.csv" -o "$dir/out.csv")
  ratio=$(python3 -c "print(f'{${c% *}/max(${p% *},0.01):.1f}x {${f% *}/max(${r% *},0.01):.1f}x')")
  fmt() { echo "${1% *}s ${1#* }KiB"; }
  printf '%10s %8s | %18s %18s %18s %18s | %s\n' "$n" "$mb" "$(fmt "$p")" "$(fmt "$r")" "$(fmt "$c")" "$(fmt "$f")" "$ratio"
done
