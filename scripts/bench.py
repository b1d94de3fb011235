#!/usr/bin/env python3
"""Benchmark (not a test): the whole binary against the floor, in one run on one machine.

    python3 scripts/bench.py [ROWS ...]          default: 1000 20000 1000000 5000000
    python3 scripts/bench.py --xlsx [ROWS]       default: 100000 (needs: pip install openpyxl)

CSV mode. For each size a file from scripts/gen_upload.py (seeded), then RUNS runs of each
program, interleaved, and the median wall time and peak RSS of each:
  parse    examples/baseline.rs: the csv crate's ByteRecord read loop, nothing else
  rewrite  the same, writing every record back out (CRLF)
  check    hubcsv check --format jsonl (the report streamed to /dev/null)
  human    hubcsv check -q (the default, human report: the findings drawn, no row list)
  json     hubcsv check --format json (the one document, rows spooled until the summary)
  fix      hubcsv fix --format jsonl (corrected + rejects files; report to /dev/null)
Ratios are check/parse and fix/rewrite, from medians of the same run; then check's CPU time
(user + system) against the parse's, and the cores check kept busy (its CPU time over its
wall time): the wall-time ratio is about the first over the second (the parse runs
on one core).

xlsx mode. The same users as an xlsx workbook (phones and extensions as numbers, licenses as
booleans, as Excel stores them); `hubcsv check` of it against examples/xlsx_baseline.rs,
which reads it with calamine into strings the naive way (the whole sheet as a Range, then
`to_string` of every cell), and `hubcsv check` of the same data as CSV.

Wall time by time.perf_counter around each process (GNU time adds about a millisecond);
peak RSS from GNU time, CPU time from the children's rusage. RUNS (default
5; 3 past 1,000,000 rows) and BENCH_DIR (default: a temporary folder) in the environment.
"""
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, 'target/release/hubcsv')
EXAMPLES = os.path.join(ROOT, 'target/release/examples')


def run(argv):
    """(seconds, peak RSS in MiB, CPU seconds) of one run, output discarded. Peak RSS comes
    from GNU time, which forks a small process: a child forked from this Python would count
    its pages. CPU time (user + system of GNU time and the program, to the microsecond) is
    the difference in the rusage of this process's children before and after."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(['/usr/bin/time', '-f', '%x %M', *argv], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    code, kib = proc.stderr.decode(errors='replace').strip().splitlines()[-1].split()
    if code not in ('0', '1'):
        sys.exit(f'{argv} exited with {code}')
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, int(kib) / 1024, cpu


def medians(programs, runs):
    """Runs each program `runs` times, interleaved; returns
    {name: (median s, median MiB, median CPU s)}."""
    times = {name: [] for name in programs}
    for _ in range(runs):
        for name, argv in programs.items():
            times[name].append(run(argv))
    return {name: tuple(statistics.median(r[i] for r in v) for i in range(3))
            for name, v in times.items()}


def machine():
    with open('/proc/meminfo') as f:
        mem = int(f.readline().split()[1]) / 1048576
    return f'{os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}; ' \
           f'{time.strftime("%Y-%m-%d")}'


def generate(rows, path):
    with open(path, 'wb') as out:
        subprocess.run([sys.executable, os.path.join(ROOT, 'scripts/gen_upload.py'), str(rows)],
                       stdout=out, check=True)


def build(*examples):
    args = ['cargo', 'build', '--release', '--quiet', '--bin', 'hubcsv']
    for e in examples:
        args += ['--example', e]
    subprocess.run(args, cwd=ROOT, check=True)


def csv_mode(sizes, work):
    build('baseline')
    print(f'machine: {machine()}')
    print(f'{"rows":>9} {"MB":>5} | {"parse":>14} {"rewrite":>14} {"check":>14} {"human":>14} '
          f'{"json":>14} {"fix":>14} | {"check/parse":>11} {"human/parse":>11} {"fix/rewrite":>11} '
          f'| {"check µs/row":>12} | {"check CPU/parse CPU":>19} {"check cores":>11}')
    for rows in sizes:
        src = os.path.join(work, 'in.csv')
        generate(rows, src)
        runs = int(os.environ.get('RUNS', 5 if rows <= 1_000_000 else 3))
        base = os.path.join(EXAMPLES, 'baseline')
        m = medians({
            'parse': [base, 'parse', src],
            'rewrite': [base, 'rewrite', src, os.path.join(work, 'out-base.csv')],
            'check': [BIN, 'check', '-q', '--format', 'jsonl', src],
            'human': [BIN, 'check', '-q', src],
            'json': [BIN, 'check', '-q', '--format', 'json', src],
            'fix': [BIN, 'fix', '-q', '--format', 'jsonl', '--force', src, '-o',
                    os.path.join(work, 'out.csv')],
        }, runs)
        cell = lambda k: f'{m[k][0]:6.3f}s {m[k][1]:4.0f}M'
        mb = os.path.getsize(src) / 1e6
        print(f'{rows:>9} {mb:>5.0f} | {cell("parse")} {cell("rewrite")} {cell("check")} '
              f'{cell("human")} {cell("json")} {cell("fix")} | {m["check"][0] / m["parse"][0]:>10.1f}x '
              f'{m["human"][0] / m["parse"][0]:>10.1f}x {m["fix"][0] / m["rewrite"][0]:>10.1f}x '
              f'| {m["check"][0] / rows * 1e6:>12.2f} '
              f'| {m["check"][2] / m["parse"][2]:>18.1f}x {m["check"][2] / m["check"][0]:>11.2f}')


def xlsx_mode(rows, work):
    import csv
    try:
        import openpyxl
    except ImportError:
        sys.exit('the xlsx benchmark needs openpyxl: pip install openpyxl')
    build('xlsx_baseline')
    print(f'machine: {machine()}')
    src = os.path.join(work, 'in.csv')
    book = os.path.join(work, 'in.xlsx')
    generate(rows, src)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet('Users')
    with open(src, newline='', encoding='utf-8') as f:
        for i, row in enumerate(csv.reader(f)):
            out = []
            for v in row:
                if i and v in ('TRUE', 'FALSE'):
                    out.append(v == 'TRUE')
                elif i and v.isdigit() and len(v) < 15:
                    out.append(int(v))
                else:
                    out.append(v)
            ws.append(out)
    wb.save(book)
    runs = int(os.environ.get('RUNS', 5))
    m = medians({
        'calamine naive': [os.path.join(EXAMPLES, 'xlsx_baseline'), book],
        'check xlsx': [BIN, 'check', '-q', '--format', 'jsonl', book],
        'check csv': [BIN, 'check', '-q', '--format', 'jsonl', src],
    }, runs)
    print(f'{rows} rows: csv {os.path.getsize(src) / 1e6:.1f} MB, xlsx {os.path.getsize(book) / 1e6:.1f} MB; '
          f'medians of {runs}')
    for name, (secs, mib, _) in m.items():
        print(f'  {name:<15} {secs:7.3f} s  {rows / secs:>10,.0f} rows/s  {mib:5.0f} MiB')
    naive = m['calamine naive'][0]
    print(f'  check xlsx reads {naive / m["check xlsx"][0]:.2f}x the rows/s of the naive calamine read')


def main():
    args = sys.argv[1:]
    work = os.environ.get('BENCH_DIR') or tempfile.mkdtemp(prefix='hubcsv-bench-')
    if args[:1] == ['--xlsx']:
        xlsx_mode(int(args[1]) if len(args) > 1 else 100_000, work)
    else:
        csv_mode([int(a) for a in args] or [1000, 20000, 1_000_000, 5_000_000], work)


if __name__ == '__main__':
    main()
