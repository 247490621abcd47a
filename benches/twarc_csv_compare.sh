#!/usr/bin/env bash
# Compare `threadlens import` with twarc-csv (the tool people use to turn
# twarc2 JSONL into a table) on the same twarc2 file.
#
#   benches/twarc_csv_compare.sh [SIZE_MB]        (default 200)
#
# The file is SIZE_MB of copies of the real brexit search page from
# ../shared/fixtures (ids renumbered, so every copy holds new posts). Both
# sides convert every row: twarc-csv runs with --allow-duplicates. twarc-csv
# 0.7.2 needs pandas 2.1.x (it calls DataFrame.applymap, removed in 2.2+);
# they are installed into a virtualenv under target/.
set -euo pipefail
size_mb=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/target/twarc-csv-compare
fixture=${FIXTURE:-$root/../shared/fixtures/x/twitter_v2_search_recent_hashtag_brexit_page.twarc2.jsonl}
mkdir -p "$work"

venv=$work/venv
if [ ! -x "$venv/bin/twarc2" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "twarc==2.14.0" "twarc-csv==0.7.2" "pandas==2.1.4" "numpy<2"
fi

cd "$root"
cargo build --release -q -p threadlens-cli
cargo build --release -q -p threadlens-bench --bin gen-corpus
corpus=$work/corpus-${size_mb}mb.jsonl
[ -f "$corpus" ] || target/release/gen-corpus "$fixture" "$corpus" "$size_mb"

rm -rf "$work/store" "$work/out.csv"
python3 - "$corpus" "$work" "$venv" <<'PY'
import os, subprocess, sys, time
corpus, work, venv = sys.argv[1:4]
size = os.path.getsize(corpus)

def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start

threadlens = timed(["target/release/threadlens", "import", "-q", "--format", "twarc2", "--out", f"{work}/store", corpus])
twarc_csv = timed([f"{venv}/bin/twarc2", "--bearer-token", "unused", "csv", "--allow-duplicates",
                   "--hide-progress", "--hide-stats", corpus, f"{work}/out.csv"])
import csv
with open(f"{work}/out.csv", encoding="utf-8", newline="") as f:
    rows = sum(1 for _ in csv.reader(f)) - 1
mb = size / 1e6
print(f"input: {mb:.0f} MB of twarc2 JSONL")
print(f"threadlens import: {threadlens:7.2f} s  {mb / threadlens:7.1f} MB/s  (posts.parquet, data + includes.tweets)")
print(f"twarc-csv 0.7.2:   {twarc_csv:7.2f} s  {mb / twarc_csv:7.1f} MB/s  ({rows} CSV rows)")
print(f"speed-up: {twarc_csv / threadlens:.1f}x")
PY
