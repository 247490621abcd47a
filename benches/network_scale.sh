#!/usr/bin/env bash
# The conversation network at scale: POSTS synthetic posts of a takeover
# day (`threadlens synth`: replies, quotes, reposts and mentions among
# POSTS/12 Zipfian participants) imported into a store, then
#   1. `threadlens network` (all edge kinds, Parquet tables),
#   2. `threadlens report` (csv, parquet, html, md) without and with
#      `--network`,
# each with wall time and peak RSS.
#
#   benches/network_scale.sh [POSTS]      (default 1000000)
set -euo pipefail
posts=${1:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/target/network-scale
mkdir -p "$work"
cd "$root"
cargo build --release -q -p threadlens-cli
tl=target/release/threadlens
corpus=$work/synth-$posts.jsonl
[ -f "$corpus" ] || $tl synth --seed 1 --posts "$posts" --format twarc2 --out "$corpus" >/dev/null
store=$work/store-$posts
[ -f "$store/posts.parquet" ] || $tl import -q --format twarc2 --out "$store" "$corpus" >/dev/null
lexicon=datasets/lexicons/nhs-improvement.toml

run() {
  local label=$1
  shift
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/stdout.txt"
  read -r seconds max_kb <"$work/time.txt"
  awk -v l="$label" -v s="$seconds" -v kb="$max_kb" 'BEGIN { printf "%s: %.2f s wall, peak RSS %.0f MB\n", l, s, kb / 1024 }'
}

run "network (all edges, parquet)" $tl network --data "$store" --out "$work/out" --format parquet
sed -n '1,4p' "$work/stdout.txt"
run "report" $tl report -q --data "$store" --lexicon "$lexicon" --out "$work/out"
run "report --network" $tl report -q --data "$store" --lexicon "$lexicon" --out "$work/out" --network
