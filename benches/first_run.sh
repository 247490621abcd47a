#!/usr/bin/env bash
# The README's two commands on a fresh clone, timed as a newcomer meets
# them: an empty Cargo home (the registry is downloaded too) and no target/.
#   benches/first_run.sh [COMMIT] [DEMO COMMAND...]
# Defaults: HEAD and the README's first command. Prints wall seconds for
# each command, and keeps cargo's --timings reports in the clone's
# target/cargo-timings/. Run it on an otherwise idle machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:-HEAD}
shift || true
demo=("$@")
if [ ${#demo[@]} -eq 0 ]; then
  demo=(cargo run -p threadlens-cli --timings -- demo)
fi
work=$(mktemp -d)
git clone -q "$root" "$work/threadlens"
git -C "$work/threadlens" checkout -q "$commit"
export CARGO_HOME="$work/cargo-home"
mkdir -p "$CARGO_HOME"
cd "$work/threadlens"
start=$(date +%s)
"${demo[@]}" > "$work/demo.out"
middle=$(date +%s)
cargo test --workspace --timings > "$work/test.out" 2>&1
end=$(date +%s)
tests=$(awk '/^test result:/ { p += $4 } END { print p }' "$work/test.out")
echo "commit $(git rev-parse --short HEAD): first command $((middle - start)) s, cargo test --workspace $((end - middle)) s ($tests tests), both $((end - start)) s"
echo "timings: $work/threadlens/target/cargo-timings/"
