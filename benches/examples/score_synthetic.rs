//! Score N synthetic posts on one thread and print the total hits: a fixed
//! workload for `valgrind --tool=callgrind`, whose instruction counts do not
//! move with the machine's load as wall-clock timings do.
//!
//! `cargo build --release -p threadlens-bench --example score_synthetic &&
//! valgrind --tool=callgrind target/release/examples/score_synthetic 20000`
//!
//! A second argument, `ascii` or `non-ascii`, keeps only the posts whose text
//! is (or is not) ASCII, to see what each kind costs.

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
    let mut scorer = Scorer::new(&lexicon);
    let hits: usize = texts.iter().map(|t| scorer.scan(t).matches.len()).sum();
    println!("{posts} posts, {hits} hits");
}
