#!/usr/bin/env bash
# Issue 14's memory bound: the peak RSS (`/usr/bin/time`, MB = KiB/1024)
# of importing POSTS gen-posts posts (seed 2022, generic JSONL) into an
# empty store, and of then adding 1M posts made by `threadlens synth` to
# that store (a copy of it each run, so every run adds to the same
# table). Both should stay at or under 1.5 GB for 10M posts. Every step
# runs RUNS times; the peak depends on timing (the allocator keeps freed
# memory resident for up to a second), so give more than one.
#
#   benches/memory.sh [POSTS] [RUNS]      (default 10000000 posts, 3 runs)
#   THREADLENS_BIN=path/to/threadlens benches/memory.sh   (an older build, for "before")
set -euo pipefail
posts=${1:-10000000}
runs=${2:-3}
work=$(cd "$(dirname "$0")/.." && pwd)/target/speed
source "$(dirname "$0")/corpus.sh"
bin=${THREADLENS_BIN:-target/release/threadlens}

added=$work/synth-1000000.jsonl
[ -f "$added" ] || target/release/threadlens synth -q --posts 1000000 --format jsonl --out "$added"

echo "corpus: $corpus ($(du -m "$corpus" | cut -f1) MB, $posts posts); added: $added; $(nproc) cores"
printf "%-7s %-4s %8s %8s\n" step run wall "peak MB"
for run in $(seq 1 "$runs"); do
  rm -rf "$work/memory-store" "$work/memory-added"
  read -r _ s mb < <(timed import $bin import -q --format jsonl --out "$work/memory-store" "$corpus")
  printf "%-7s %-4s %8s %8s\n" import "$run" "$s" "$mb"
  cp -r "$work/memory-store" "$work/memory-added"
  read -r _ s mb < <(timed add $bin import -q --format jsonl --out "$work/memory-added" "$added")
  printf "%-7s %-4s %8s %8s\n" add "$run" "$s" "$mb"
done
rm -rf "$work/memory-store" "$work/memory-added"
