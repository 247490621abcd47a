//! Criterion benches: throughput of each importer in bytes of input per
//! second, on corpora built from the repo's own fixtures (so the benches run
//! on a fresh clone) and, for twarc2, from the real brexit page in
//! `../shared/fixtures` when it is there. Each bench asserts the number of
//! posts it read, so a broken importer cannot look fast.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use threadlens_ingest::{ColumnMap, Format, ImportOptions, Sink, import_file};
use threadlens_model::{Post, Reject};

/// Counts what an import sends, and keeps nothing.
#[derive(Default)]
struct Count {
    posts: u64,
    rejects: u64,
}

impl Sink for Count {
    fn post(&mut self, post: &Post) {
        std::hint::black_box(post);
        self.posts += 1;
    }
    fn reject(&mut self, _: Reject) {
        self.rejects += 1;
    }
}

fn own(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/threadlens-ingest/tests/data")
        .join(name)
}

/// Lines of a JSONL file that parse as JSON (the fixtures have bad ones on purpose).
fn good_lines(path: &Path) -> Vec<Value> {
    std::fs::read(path)
        .unwrap()
        .split(|&b| b == b'\n')
        .filter_map(|l| serde_json::from_slice(l).ok())
        .collect()
}

/// Write `copies` renumbered copies of `templates` as JSONL.
fn corpus(dir: &Path, name: &str, templates: &[Value], copies: u64) -> PathBuf {
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    threadlens_bench::write_jsonl_corpus(templates, copies, &mut out).unwrap();
    drop(out);
    path
}

fn bench_file(
    c: &mut Criterion,
    name: &str,
    path: &Path,
    options: &ImportOptions,
    expected_posts: u64,
) {
    let bytes = std::fs::metadata(path).unwrap().len();
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter(|| {
            let mut count = Count::default();
            import_file(path, options, &mut count).unwrap();
            assert_eq!(count.posts, expected_posts, "{name}");
            count.posts
        })
    });
    group.finish();
}

fn options(format: Format) -> ImportOptions {
    ImportOptions {
        format,
        ..ImportOptions::default()
    }
}

fn importers(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();

    // twarc2: the real brexit page (100 tweets + 59 included, 350 KB per
    // line) when ../shared is there, else the repo's own pages.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/x/twitter_v2_search_recent_hashtag_brexit_page.twarc2.jsonl");
    let (template, per_copy) = if shared.is_file() {
        (good_lines(&shared), 159)
    } else {
        (good_lines(&own("twarc2_pages.jsonl")), 6)
    };
    let copies = 300;
    let path = corpus(dir.path(), "twarc2.jsonl", &template, copies);
    bench_file(
        c,
        "twarc2",
        &path,
        &options(Format::Twarc2),
        per_copy * copies,
    );

    let path = corpus(
        dir.path(),
        "x_v2.jsonl",
        &[serde_json::from_slice(&std::fs::read(own("x_v2_response.json")).unwrap()).unwrap()],
        20_000,
    );
    bench_file(c, "x-v2", &path, &options(Format::XV2), 2 * 20_000);

    let mastodon: Value =
        serde_json::from_slice(&std::fs::read(own("mastodon_statuses.json")).unwrap()).unwrap();
    let statuses: Vec<Value> = mastodon.as_array().unwrap()[..3].to_vec();
    let path = corpus(dir.path(), "mastodon.jsonl", &statuses, 20_000);
    bench_file(c, "mastodon", &path, &options(Format::Mastodon), 4 * 20_000);

    let bluesky: Value =
        serde_json::from_slice(&std::fs::read(own("bluesky_search.json")).unwrap()).unwrap();
    let views: Vec<Value> = bluesky["posts"].as_array().unwrap()[..2].to_vec();
    let path = corpus(dir.path(), "bluesky.jsonl", &views, 30_000);
    bench_file(c, "bluesky", &path, &options(Format::Bluesky), 2 * 30_000);

    let path = corpus(
        dir.path(),
        "generic.jsonl",
        &good_lines(&own("generic.jsonl"))[..2],
        50_000,
    );
    bench_file(c, "jsonl", &path, &options(Format::Jsonl), 2 * 50_000);

    // x-archive: one tweets.js with many elements.
    let archive_text = std::fs::read_to_string(own("archive/tweets.js")).unwrap();
    let elements: Value =
        serde_json::from_str(&archive_text[archive_text.find('[').unwrap()..]).unwrap();
    let good: Vec<Value> = elements.as_array().unwrap()[..2].to_vec();
    let many: Vec<Value> = (0..20_000)
        .flat_map(|i| good.iter().map(move |e| threadlens_bench::renumber(e, i)))
        .collect();
    let archive_dir = dir.path().join("archive");
    std::fs::create_dir_all(&archive_dir).unwrap();
    let path = archive_dir.join("tweets.js");
    std::fs::write(
        &path,
        format!(
            "window.YTD.tweets.part0 = {}",
            serde_json::to_string_pretty(&many).unwrap()
        ),
    )
    .unwrap();
    bench_file(c, "x-archive", &path, &options(Format::XArchive), 40_000);

    // csv: the repo's CSV rows, repeated with fresh ids.
    let mut csv = String::from("tweet_id,posted,user,body,likes_n,tags\n");
    for i in 0..50_000u64 {
        csv.push_str(&format!("{},2022-06-28T09:00:00Z,analyst,\"Line one\nline two, with a comma\",3,\"#NHS #Candour\"\n", 1_440_714_901_538_803_715 + i));
    }
    let path = dir.path().join("generic.csv");
    std::fs::write(&path, csv).unwrap();
    let map = ColumnMap::parse(
        "id=tweet_id,created_at=posted,author=user,text=body,likes=likes_n,hashtags=tags",
    )
    .unwrap();
    bench_file(
        c,
        "csv",
        &path,
        &ImportOptions {
            format: Format::Csv,
            column_map: map,
            ..ImportOptions::default()
        },
        50_000,
    );
}

criterion_group!(benches, importers);
criterion_main!(benches);
