#!/usr/bin/env bash
# Issue 15's benchmark: the report's six count-based tables over POSTS
# generated posts (gen-posts, as speed.sh), on one machine (`threadlens
# report`), by DataFusion in process (`--engine local`) and by a Ballista
# cluster of one scheduler and two executors (one slot each) on 127.0.0.1
# (`--engine ballista://`), the store exported by day. Wall time and peak
# RSS of the client; the executors' peak RSS; the tables compared byte for
# byte. Loopback shares this machine's two cores: the point is that it
# works and where the time goes, not that it is faster.
#
#   benches/cluster.sh [POSTS]     (default 1000000)
set -euo pipefail
posts=${1:-1000000}
work=$(cd "$(dirname "$0")/.." && pwd)/target/cluster-bench
source "$(dirname "$0")/corpus.sh"
cargo build --release -q -p threadlens-sql
lexicon=datasets/lexicons/nhs-improvement.toml
bin=target/release/threadlens
tables="theme_summary theme_by_period top_contributors top_hashtags top_terms theme_cooccurrence"

store=$work/store-$posts
if [ ! -f "$store/posts.parquet" ]; then
  $bin import -q --format jsonl --data "$store" "$corpus"
fi
archive=$work/archive-$posts
[ -d "$archive/posts" ] || $bin store export --data "$store" --partition-by day --out "$archive" >/dev/null
echo "corpus: $posts posts, $(find "$archive/posts" -name '*.parquet' | wc -l) day partitions; $(nproc) cores"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sched=$(port)
/usr/bin/time -f "%M" -o "$work/sched.rss" $bin cluster scheduler --bind 127.0.0.1:$sched >"$work/sched.log" 2>&1 &
pids=($!)
sleep 1
for n in 1 2; do
  mkdir -p "$work/ex$n"
  /usr/bin/time -f "%M" -o "$work/ex$n.rss" $bin cluster executor --scheduler 127.0.0.1:$sched \
    --bind 127.0.0.1 --external-host 127.0.0.1 --port "$(port)" --grpc-port "$(port)" --slots 1 \
    --work-dir "$work/ex$n" >"$work/ex$n.log" 2>&1 &
  pids+=($!)
done
# /usr/bin/time reports a node's peak when the node (its child) ends.
stop() { for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; done; }
trap stop EXIT
sleep 2

printf "%-30s %8s %8s\n" engine wall "peak MB"
run() {
  local name=$1; shift
  rm -rf "$work/report-$name"
  read -r _ s mb < <(timed "$name" $bin report -q --data "$@" --lexicon "$lexicon" --format csv --out "$work/report-$name")
  printf "%-30s %8s %8s\n" "$name" "$s" "$mb"
}
run single "$store"
run local "$archive" --engine local
run cluster "$archive" --engine "ballista://127.0.0.1:$sched"
for t in $tables; do
  cmp "$work/report-single/$t.csv" "$work/report-local/$t.csv"
  cmp "$work/report-single/$t.csv" "$work/report-cluster/$t.csv"
done
echo "the six tables: identical in all three"
stop
wait 2>/dev/null || true
for n in 1 2; do echo "executor $n peak MB: $(( $(tail -n1 "$work/ex$n.rss" | tr -dc 0-9) / 1024 ))"; done
