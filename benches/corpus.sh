# Sourced by benches/speed.sh and benches/peers.sh, with `posts` and `work`
# set: builds the release binaries, writes (once) the gen-posts corpus of
# that many posts into $work, and defines `timed`.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$work"
cd "$root"
cargo build --release -q -p threadlens-cli
cargo build --release -q -p threadlens-bench --bin gen-posts
corpus=$work/posts-$posts.jsonl
[ -f "$corpus" ] || target/release/gen-posts "$posts" "$corpus"

# timed NAME COMMAND...: prints "NAME wall_seconds peak_MB" of one run.
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "${@:2}" >/dev/null
  read -r seconds max_kb < "$work/time.txt"
  echo "$1 $seconds $((max_kb / 1024))"
}
