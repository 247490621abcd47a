//! Score N synthetic posts on one thread and print the total hits: a fixed
//! workload for `valgrind --tool=callgrind`, whose instruction counts do not
//! move with the machine's load as wall-clock timings do.
//!
//! `cargo build --release -p threadlens-bench --example score_synthetic &&
//! valgrind --tool=callgrind target/release/examples/score_synthetic 20000`
//!
//! A second argument, `ascii` or `non-ascii`, keeps only the posts whose text
//! is (or is not) ASCII, to see what each kind costs (`all` keeps every
//! post). A third, `ROUNDS`, scans the posts that many times and prints
//! the scanning's CPU time per post, for `perf stat` and A/B runs.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use threadlens_process::{Lexicon, Scorer};
use threadlens_synth::TextGenerator;

fn main() {
    let posts: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let keep = std::env::args().nth(2);
    let texts: Vec<String> = TextGenerator::new(2022)
        .filter(|t| match keep.as_deref() {
            Some("ascii") => t.is_ascii(),
            Some("non-ascii") => !t.is_ascii(),
            _ => true,
        })
        .take(posts)
        .collect();
    let lexicon = Lexicon::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/lexicons/nhs-improvement.toml"),
    )
    .unwrap();
    let rounds: usize = std::env::args()
        .nth(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let mut scorer = Scorer::new(&lexicon);
    let clock = std::time::Instant::now();
    let mut hits = 0;
    for _ in 0..rounds {
        hits = texts.iter().map(|t| scorer.scan(t).matches.len()).sum();
    }
    let per_post = clock.elapsed().as_secs_f64() / (rounds * texts.len()).max(1) as f64;
    println!(
        "{posts} posts, {hits} hits; {:.0} ns a post over {rounds} rounds",
        per_post * 1e9
    );
}
