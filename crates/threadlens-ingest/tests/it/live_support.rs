//! Shared pieces of the live-collection tests: running a collection
//! against a loopback server and reading back what it archived.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use threadlens_ingest::live::{
    Budget, Collector, FakeClock, HttpPolicy, NoProgress, Secret, SourceConfig, SourceReport,
};
use threadlens_ingest::{Format, ImportOptions, import_file};

use crate::support::Collected;

/// The fake clock's start: rate-limit resets are given relative to it.
pub fn start_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn policy() -> HttpPolicy {
    HttpPolicy {
        // Long enough that a loaded machine never times out a prompt reply;
        // the one slow reply a test sends takes far longer (60 s).
        timeout: std::time::Duration::from_secs(3),
        max_attempts: 4,
        backoff_base: std::time::Duration::from_secs(1),
        backoff_max: std::time::Duration::from_secs(8),
        max_wait: std::time::Duration::from_secs(15 * 60),
    }
}

/// Secrets the tests hand out instead of reading the environment.
pub fn secrets() -> threadlens_ingest::live::SecretLookup {
    Arc::new(|name: &str| match name {
        "X_BEARER_TOKEN" => Some(Secret::new("x-secret-token-123")),
        "BLUESKY_HANDLE" => Some(Secret::new("tester.example")),
        "BLUESKY_APP_PASSWORD" => Some(Secret::new("app-pass-secret-456")),
        "MASTODON_TOKEN" => None,
        _ => None,
    })
}

/// Run the sources once with a fresh fake clock.
pub fn collect(
    dir: &Path,
    sources: &[SourceConfig],
    budget: Budget,
) -> (Vec<SourceReport>, Arc<FakeClock>) {
    let clock = Arc::new(FakeClock::new(start_time()));
    let collector = Collector {
        data_dir: dir.to_owned(),
        policy: policy(),
        budget,
        dry_run: false,
        concurrency: 4,
        clock: clock.clone(),
        progress: Arc::new(NoProgress),
        secrets: secrets(),
        stop: Arc::default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let units = collector.sources(sources).unwrap();
    let reports = runtime.block_on(collector.collect(units)).unwrap();
    (reports, clock)
}

/// Every post in the raw archive under `dir/raw`, imported with
/// `--format auto` and merged as the store merges them: id → matched.
pub fn archived(dir: &Path) -> (BTreeMap<String, bool>, Collected) {
    let mut collected = Collected::default();
    let raw = dir.join("raw");
    let mut files = Vec::new();
    if raw.exists() {
        for source in std::fs::read_dir(&raw).unwrap() {
            for file in std::fs::read_dir(source.unwrap().path()).unwrap() {
                files.push(file.unwrap().path());
            }
        }
    }
    files.sort();
    for file in files {
        let read = import_file(&file, &ImportOptions::default(), &mut collected).unwrap();
        assert_eq!(read.format, Format::Raw);
    }
    assert!(collected.rejects.is_empty(), "{:?}", collected.rejects);
    let posts = collected
        .unique()
        .into_iter()
        .map(|p| (p.post_id.clone(), p.matched))
        .collect();
    (posts, collected)
}

/// Every byte written under `dir`, for secret scans.
pub fn all_bytes(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}
