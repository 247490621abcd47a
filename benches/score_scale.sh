#!/usr/bin/env bash
# The scoring scale benchmark: POSTS synthetic tweet-like posts
# (threadlens-synth, seed 2022, one in ten a repost) imported into a store,
# then `threadlens score` against the bundled nhs-improvement lexicon
# (9 themes), end to end from posts.parquet to post_scores.parquet, and
# again writing CSV as well. Reports wall time, posts scored per second and
# peak memory.
#
#   benches/score_scale.sh [POSTS]      (default 2000000)
set -euo pipefail
posts=${1:-2000000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/target/score-scale
mkdir -p "$work"
cd "$root"
cargo build --release -q -p threadlens-cli
cargo build --release -q -p threadlens-bench --bin gen-posts
corpus=$work/posts-$posts.jsonl
[ -f "$corpus" ] || target/release/gen-posts "$posts" "$corpus"
store=$work/store-$posts
[ -f "$store/posts.parquet" ] || target/release/threadlens import -q --format jsonl --out "$store" "$corpus" >/dev/null
lexicon=datasets/lexicons/nhs-improvement.toml
for formats in parquet csv,parquet; do
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" \
    target/release/threadlens score -q --data "$store" --lexicon "$lexicon" --format "$formats" --out "$work/out" >/dev/null
  read -r seconds max_kb < "$work/time.txt"
  scored=$(grep -o '"posts_left_out": [0-9]*' "$work/out/manifest.json" | grep -o '[0-9]*$')
  awk -v s="$seconds" -v kb="$max_kb" -v n="$posts" -v left="$scored" -v f="$formats" 'BEGIN {
    printf "%s: %d posts in store, %d scored: %.2f s wall, %.0f posts/s, peak RSS %.0f MB\n",
      f, n, n - left, s, (n - left) / s, kb / 1024 }'
done
