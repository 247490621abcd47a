#!/usr/bin/env bash
# Every fuzz target (tests named fuzz_*, see crates/threadlens-testkit/src/fuzz.rs)
# for longer than the test suite gives them, in an optimised build, one at a
# time: MINUTES in all, split evenly. A failure prints the smallest failing
# input; make it a regression test beside the target.
#
#   benches/fuzz.sh [MINUTES] [SEED]      (default 10 minutes, seed 1)
set -euo pipefail
minutes=${1:-10}
seed=${2:-1}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
targets=17
export THREADLENS_FUZZ_SECONDS=$(( minutes * 60 / targets ))
export THREADLENS_FUZZ_SEED=$seed
mkdir -p target/fuzz
: > target/fuzz/inputs.txt
rm -f target/fuzz/hang.txt
if ! cargo test --release -q --workspace fuzz_ -- --test-threads 1; then
  [ -f target/fuzz/hang.txt ] && cat target/fuzz/hang.txt
  exit 1
fi
echo "inputs tried per target (seed $seed, ${THREADLENS_FUZZ_SECONDS} s each):"
sort target/fuzz/inputs.txt | awk '{ printf "  %-24s %10d inputs in %5.1f s\n", $1, $2, $3; total += $2 } END { printf "  %-24s %10d\n", "all", total }'
