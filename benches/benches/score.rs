//! Criterion benches for the analyzer and the scorer, on 100,000 synthetic
//! tweet-like texts (`threadlens-synth`, seed 2022) scored against the bundled
//! `nhs-improvement` lexicon (9 themes). Throughput is reported in posts
//! (`Elements`) and in bytes of text. Each bench checks that every post was
//! scored and that the themes were hit, so a broken scorer cannot look fast.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use threadlens_process::{Lexicon, Scorer, analyze, score_columns, score_texts};
use threadlens_synth::TextGenerator;

const POSTS: usize = 100_000;

fn lexicon() -> Lexicon {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/lexicons/nhs-improvement.toml");
    Lexicon::from_file(&path).unwrap()
}

fn scoring(c: &mut Criterion) {
    let texts: Vec<String> = TextGenerator::new(2022).take(POSTS).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let lexicon = lexicon();

    let mut group = c.benchmark_group("analyze");
    group.sample_size(10);
    group.throughput(Throughput::Elements(POSTS as u64));
    group.bench_function(BenchmarkId::new("posts", POSTS), |b| {
        b.iter(|| {
            let words: usize = texts.iter().map(|t| analyze(t).word_count()).sum();
            assert!(words > POSTS * 5);
            words
        })
    });
    group.finish();

    // One core, one scorer: the per-core speed.
    let mut group = c.benchmark_group("scorer_one_thread");
    group.sample_size(10);
    group.throughput(Throughput::Elements(POSTS as u64));
    group.bench_function(BenchmarkId::new("posts", POSTS), |b| {
        b.iter(|| {
            let mut scorer = Scorer::new(&lexicon);
            let hits: usize = texts.iter().map(|t| scorer.scan(t).matches.len()).sum();
            assert!(hits > POSTS / 10, "themes are hit: {hits}");
            hits
        })
    });
    group.finish();

    // What `threadlens score` does: counts per post as columns, both cores.
    for (unit, throughput) in [
        ("posts", Throughput::Elements(POSTS as u64)),
        ("bytes", Throughput::Bytes(bytes as u64)),
    ] {
        let mut group = c.benchmark_group("score_columns");
        group.sample_size(20);
        group.throughput(throughput);
        group.bench_function(BenchmarkId::new(unit, POSTS), |b| {
            b.iter(|| {
                let columns = score_columns(&lexicon, &texts);
                assert_eq!(columns.len(), POSTS);
                let hits: u64 = columns.hits.iter().flatten().map(|&h| u64::from(h)).sum();
                assert!(hits > POSTS as u64 / 10, "themes are hit: {hits}");
                hits
            })
        });
        group.finish();
    }

    // Every match with its span, as `lexicon explain` and `kwic` need.
    let mut group = c.benchmark_group("score_texts");
    group.sample_size(10);
    group.throughput(Throughput::Elements(POSTS as u64));
    group.bench_function(BenchmarkId::new("posts", POSTS), |b| {
        b.iter(|| {
            let scores = score_texts(&lexicon, &texts);
            assert_eq!(scores.len(), POSTS);
            let hits: usize = scores.iter().flat_map(|s| &s.themes).map(|t| t.hits).sum();
            assert!(hits > POSTS / 10, "themes are hit: {hits}");
            hits
        })
    });
    group.finish();
}

criterion_group!(benches, scoring);
criterion_main!(benches);
