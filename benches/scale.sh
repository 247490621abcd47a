#!/usr/bin/env bash
# The scale benchmark: import one large twarc2 file into an empty store and
# report wall time, throughput and peak memory.
#
#   benches/scale.sh [SIZE_MB]      (default 2000)
#
# The file is SIZE_MB of copies of the real brexit search page from
# ../shared/fixtures (ids renumbered, so nothing deduplicates away).
set -euo pipefail
size_mb=${1:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/target/scale
fixture=${FIXTURE:-$root/../shared/fixtures/x/twitter_v2_search_recent_hashtag_brexit_page.twarc2.jsonl}
mkdir -p "$work"
cd "$root"
cargo build --release -q -p threadlens-cli
cargo build --release -q -p threadlens-bench --bin gen-corpus
corpus=$work/corpus-${size_mb}mb.jsonl
[ -f "$corpus" ] || target/release/gen-corpus "$fixture" "$corpus" "$size_mb"
rm -rf "$work/store"
/usr/bin/time -f "%e %M" -o "$work/time.txt" target/release/threadlens import -v --format twarc2 --out "$work/store" "$corpus"
read -r seconds max_kb < "$work/time.txt"
bytes=$(stat -c %s "$corpus")
awk -v s="$seconds" -v kb="$max_kb" -v b="$bytes" 'BEGIN {
  printf "input %.0f MB: %.2f s wall, %.1f MB/s, peak RSS %.0f MB\n", b / 1e6, s, b / 1e6 / s, kb / 1024 }'
