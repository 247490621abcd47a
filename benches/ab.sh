#!/usr/bin/env bash
# Two builds of threadlens on the same command, runs alternating so that
# the VM's drift falls on both alike: the median wall time, user CPU time
# and peak RSS of each (/usr/bin/time). What BENCHMARKS.md's "before ->
# after" rows of issue 14's second part come from.
#
#   benches/ab.sh RUNS 'ARGS' OLD_BINARY NEW_BINARY
#   e.g. benches/ab.sh 4 'report -q --data target/speed/store
#          --lexicon datasets/lexicons/nhs-improvement.toml
#          --format csv,parquet,html,md --out OUT' /tmp/threadlens-old target/release/threadlens
#
# OUT in ARGS is replaced by a fresh temporary folder for every run.
set -euo pipefail
runs=$1
args=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for run in $(seq 1 "$runs"); do
  i=0
  for bin in "$@"; do
    i=$((i + 1))
    out="$work/out"
    rm -rf "$out"
    # shellcheck disable=SC2086 # ARGS is split into words on purpose
    /usr/bin/time -f "%e %U %M" -a -o "$work/times.$i" "$bin" ${args//OUT/$out} >/dev/null 2>&1
  done
done
i=0
for bin in "$@"; do
  i=$((i + 1))
  python3 - "$bin" "$work/times.$i" <<'EOF'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[2])]
wall, user, rss = (statistics.median(r[k] for r in rows) for k in range(3))
print(f"{sys.argv[1]}: wall {wall:.2f} s (min {min(r[0] for r in rows):.2f}), "
      f"user {user:.2f} s, peak {rss / 1024:.0f} MB, {len(rows)} runs")
EOF
done
