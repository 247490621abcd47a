//! Criterion bench for live collection when the server is not the limit:
//! pages per second through the whole path (HTTP request on loopback, JSON
//! body check, raw archive append + fsync, atomic checkpoint) for one X
//! search source paging through 200 canned pages of 100 tweets.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use threadlens_ingest::live::{
    Budget, Collector, HttpPolicy, NoProgress, Secret, SourceConfig, SystemClock, XConfig,
    XEndpoint,
};
use threadlens_testkit::{Reply, TestServer};

const PAGES: u64 = 200;

/// A page of 100 tweets; every page but the last points to the next.
fn page(n: u64) -> String {
    let data: Vec<_> = (0..100)
        .map(|i| {
            let id = 1_600_000_000_000_000_000 + n * 1000 + i;
            serde_json::json!({"id": id.to_string(), "text": format!("post {id} #SolvingTogether"),
                "author_id": "1", "conversation_id": id.to_string(), "created_at": "2026-11-21T10:00:00.000Z",
                "public_metrics": {"reply_count": 0, "retweet_count": 0, "like_count": 0, "quote_count": 0}})
        })
        .collect();
    let mut meta = serde_json::json!({"result_count": 100, "newest_id": "1"});
    if n + 1 < PAGES {
        meta["next_token"] = serde_json::json!(format!("p{}", n + 1));
    }
    serde_json::json!({"data": data, "meta": meta}).to_string()
}

fn collect(c: &mut Criterion) {
    let pages: Arc<Vec<String>> = Arc::new((0..PAGES).map(page).collect());
    let served = pages.clone();
    let server = TestServer::start(move |req| {
        let n: usize = req
            .param("next_token")
            .map_or(0, |t| t[1..].parse().unwrap());
        Reply::ok(served[n].clone())
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("collect");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PAGES));
    group.bench_function("x_search_pages", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let collector = Collector {
                data_dir: dir.path().to_owned(),
                policy: HttpPolicy::default(),
                budget: Budget::default(),
                dry_run: false,
                concurrency: 1,
                clock: Arc::new(SystemClock),
                progress: Arc::new(NoProgress),
                secrets: Arc::new(|_: &str| Some(Secret::new("bench"))),
                stop: Arc::default(),
            };
            let sources = vec![SourceConfig::X(XConfig {
                name: None,
                query: "#SolvingTogether".into(),
                threads: false,
                quotes: false,
                endpoint: XEndpoint::Recent,
                max_results: 100,
                base_url: Some(server.base.clone()),
                token_env: None,
            })];
            let units = collector.sources(&sources).unwrap();
            let reports = runtime.block_on(collector.collect(units)).unwrap();
            assert_eq!(reports[0].pages, PAGES, "{:?}", reports[0].error);
        })
    });
    group.finish();
}

criterion_group!(benches, collect);
criterion_main!(benches);
