#!/usr/bin/env bash
# Issue 14's nightly imports: a store of POSTS gen-posts posts (one day,
# the corpus of speed.sh), then, into a fresh copy of it each time:
#   later    NEW posts made after every stored one (the corpus's first NEW
#            lines moved a day on, with new ids): the nightly case;
#   overlap  the stored posts of the day's last half hour again, then the
#            NEW later posts (a collection overlapping the last one);
#   one      one new post in the middle of the stored day.
# Every import RUNS times: wall time and peak RSS. The stored table after
# each is compared with `cmp` against the first run's, which is kept as
# target/speed/nightly-CASE-BUILD.parquet (BUILD: a hash of the binary's
# path), so two builds' tables can be compared too.
#
#   benches/nightly.sh [POSTS] [NEW] [RUNS]   (default 1000000, 10000, 3)
#   THREADLENS_BIN=path/to/threadlens benches/nightly.sh   (another build, for "before")
set -euo pipefail
posts=${1:-1000000}
new=${2:-10000}
runs=${3:-3}
work=$(cd "$(dirname "$0")/.." && pwd)/target/speed
source "$(dirname "$0")/corpus.sh"
bin=${THREADLENS_BIN:-target/release/threadlens}

store=$work/nightly-store
if [ ! -f "$store/posts.parquet" ]; then
  rm -rf "$store"
  $bin import -q --format jsonl --out "$store" "$corpus" >/dev/null
fi
later=$work/nightly-later.jsonl
overlap=$work/nightly-overlap.jsonl
one=$work/nightly-one.jsonl
# Made once: a post without `collected_at` takes its file's modification
# time, so builds compared must read the same files.
if [ ! -f "$later" ] || [ "$(wc -l < "$later")" != "$new" ]; then
  head -n "$new" "$corpus" |
    sed -e 's/"created_at":"2022-06-28/"created_at":"2022-06-29/' -e 's/"id":"1/"id":"9/' > "$later"
  { grep '"created_at":"2022-06-28T23:[3-5]' "$corpus"; cat "$later"; } > "$overlap"
  echo '{"author":"user_0","created_at":"2022-06-28T12:00:00Z","id":"9000000000000000001","kind":"original","platform":"x","text":"one new post #SolvingTogether"}' > "$one"
  rm -f "$work"/nightly-*-*.parquet
fi

echo "store: $posts posts; later: $new posts; overlap: $(wc -l < "$overlap") posts; $(nproc) cores"
printf "%-8s %-4s %8s %8s %s\n" case run wall "peak MB" table
for run in $(seq 1 "$runs"); do
  for case in later overlap one; do
    input=$work/nightly-$case.jsonl
    rm -rf "$work/nightly-work"
    cp -r "$store" "$work/nightly-work"
    read -r _ s mb < <(timed "$case" $bin import -q --format jsonl --out "$work/nightly-work" "$input")
    table=$work/nightly-$case-$(echo "$bin" | md5sum | cut -c1-8).parquet
    if [ "$run" = 1 ]; then
      cp "$work/nightly-work/posts.parquet" "$table"
      same=first
    elif cmp -s "$work/nightly-work/posts.parquet" "$table"; then
      same=same
    else
      same=DIFFERS
    fi
    printf "%-8s %-4s %8s %8s %s\n" "$case" "$run" "$s" "$mb" "$same"
  done
done
rm -rf "$work/nightly-work"
