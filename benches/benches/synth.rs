//! Criterion bench for the corpus generator: MB per second written, per
//! format, 20,000 posts around the default day into memory. Each run
//! checks the post count it reports.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use threadlens_synth::{CorpusFormat, SynthEvent, write_corpus};

const POSTS: u64 = 20_000;

fn generator(c: &mut Criterion) {
    let mut group = c.benchmark_group("synth");
    group.sample_size(10);
    for name in CorpusFormat::ALL.map(CorpusFormat::name) {
        let format: CorpusFormat = name.parse().unwrap();
        let mut sink = Vec::new();
        let size = write_corpus(1, POSTS, SynthEvent::default_day(), format, &mut sink)
            .unwrap()
            .bytes;
        group.throughput(Throughput::Bytes(size));
        group.bench_function(BenchmarkId::new(name, POSTS), |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(size as usize);
                let written =
                    write_corpus(1, POSTS, SynthEvent::default_day(), format, &mut out).unwrap();
                assert_eq!((written.posts, written.bytes), (POSTS, size));
                out.len()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, generator);
criterion_main!(benches);
