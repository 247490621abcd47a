#!/usr/bin/env bash
# Issue 14's speed table: on POSTS synthetic tweet-length posts as generic
# JSONL (gen-posts, seed 2022, one in ten a repost), the wall time of each
# step beside `wc -w` on the same file in the same run, and its peak RSS:
# import into an empty store, score (Parquet in and out, 9 themes), report
# (csv, parquet, html, md; no schedule); and `report` with the takeover
# schedule of datasets/next-conversation-2022 on an event store of POSTS
# posts made by `threadlens synth` around that day (its own `wc -w`). Every
# step RUNS times; the table gives each run's ratio to that run's `wc -w`.
#
#   benches/speed.sh [POSTS] [RUNS]      (default 1000000 posts, 3 runs)
#   THREADLENS_BIN=path/to/threadlens benches/speed.sh   (an older build, for "before")
set -euo pipefail
posts=${1:-1000000}
runs=${2:-3}
work=$(cd "$(dirname "$0")/.." && pwd)/target/speed
source "$(dirname "$0")/corpus.sh"
lexicon=datasets/lexicons/nhs-improvement.toml
bin=${THREADLENS_BIN:-target/release/threadlens}   # another build to compare

schedule=datasets/next-conversation-2022/schedule.toml
event=$work/event-$posts.jsonl
[ -f "$event" ] || $bin synth -q --posts "$posts" --format jsonl --schedule "$schedule" --out "$event"
rm -rf "$work/event-store"
$bin import -q --format jsonl --out "$work/event-store" "$event" >/dev/null

echo "corpus: $corpus ($(du -m "$corpus" | cut -f1) MB, $posts posts); $(nproc) cores"
printf "%-7s %-4s %8s %8s %8s %8s\n" step run wall "wc -w" ratio "peak MB"
for run in $(seq 1 "$runs"); do
  read -r _ wc_s _ < <(timed wc wc -w "$corpus")
  rm -rf "$work/store" "$work/scores" "$work/report"
  read -r _ s mb < <(timed import $bin import -q --format jsonl --out "$work/store" "$corpus")
  printf "%-7s %-4s %8s %8s %8.2f %8s\n" import "$run" "$s" "$wc_s" "$(echo "$s / $wc_s" | bc -l)" "$mb"
  read -r _ s mb < <(timed score $bin score -q --data "$work/store" --lexicon "$lexicon" --format parquet --out "$work/scores")
  printf "%-7s %-4s %8s %8s %8.2f %8s\n" score "$run" "$s" "$wc_s" "$(echo "$s / $wc_s" | bc -l)" "$mb"
  read -r _ s mb < <(timed report $bin report -q --data "$work/store" --lexicon "$lexicon" --format csv,parquet,html,md --out "$work/report")
  printf "%-7s %-4s %8s %8s %8.2f %8s\n" report "$run" "$s" "$wc_s" "$(echo "$s / $wc_s" | bc -l)" "$mb"
  read -r _ wc_s _ < <(timed wc wc -w "$event")
  rm -rf "$work/event-report"
  read -r _ s mb < <(timed event $bin report -q --data "$work/event-store" --lexicon "$lexicon" --schedule "$schedule" --format csv,parquet,html,md --out "$work/event-report")
  printf "%-7s %-4s %8s %8s %8.2f %8s\n" event "$run" "$s" "$wc_s" "$(echo "$s / $wc_s" | bc -l)" "$mb"
done
