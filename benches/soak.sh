#!/usr/bin/env bash
# The fault soak of live collection (crates/threadlens-cli/tests/it/soak/)
# for longer than the test suite's 60 seconds: X, Mastodon and Bluesky
# loopback servers throw seeded faults at a third of requests while the
# collector is killed and restarted at random; at the end every post is in
# the store exactly once. Prints the figures (also in target/soak/figures.md).
#
#   benches/soak.sh [MINUTES] [SEED]      (default 10 minutes, seed 20261130)
set -euo pipefail
minutes=${1:-10}
seed=${2:-20261130}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export THREADLENS_SOAK_SECONDS=$(( minutes * 60 ))
export THREADLENS_SOAK_SEED=$seed
rm -f target/soak/figures.md
cargo test -q -p threadlens-cli --test it soak:: -- --nocapture
