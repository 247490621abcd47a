//! End-to-end tests: run the `threadlens` binary that Cargo built for this
//! test run (`CARGO_BIN_EXE_threadlens`, so it is never a stale one) as
//! users do, and check what it prints, what it writes and how it exits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic

mod browser;
mod cli;
mod collect;
mod demo;
mod deploy;
mod engine;
mod faults;
mod guides;
mod import;
mod kwic;
mod lexicon;
mod network;
mod report;
mod report_page;
mod run;
mod score;
mod soak;
mod sql;
mod store;
mod synth;
mod validate;
mod workbook;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `threadlens` binary Cargo built for this test run.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_threadlens"))
}

/// A path inside the repository (`relative` to its root).
pub fn repo(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

/// Fail unless `threadlens-sql` is beside the binary under test:
/// `cargo test --workspace` builds it; testing this crate alone needs
/// `cargo build -p threadlens-sql` first.
pub fn threadlens_sql_is_built() {
    let beside = bin().with_file_name(format!("threadlens-sql{}", std::env::consts::EXE_SUFFIX));
    assert!(
        beside.is_file(),
        "{} is missing: `cargo test --workspace` builds it; alone, run `cargo build -p threadlens-sql` first",
        beside.display()
    );
}

/// Run threadlens with `args`.
pub fn threadlens(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// stdout and stderr as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A file of the importers' own test data.
pub fn data(name: &str) -> String {
    repo("crates/threadlens-ingest/tests/data")
        .join(name)
        .display()
        .to_string()
}

/// The lexicon of text-processing.md §9, as the scorer's tests use it.
pub const CONTRACT_LEXICON: &str =
    include_str!("../../../threadlens-process/tests/data/contract-examples.toml");

/// Write `content` as `lexicon.toml` in `dir`; its path.
pub fn lexicon_file(dir: &tempfile::TempDir, content: &str) -> String {
    let path = dir.path().join("lexicon.toml");
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

/// The texts of text-processing.md §9's table, ids 1 to 6.
pub const CONTRACT_TEXTS: [&str; 6] = [
    "Co-production and honesty matter",
    "#LivedExperience partners were involved",
    "Honest, candid conversations #DutyOfCandour",
    "@HorizonsNHS https://t.co/x #CoDesign",
    "❤️ candour ❤️ jane.doe@nhs.net",
    "@HorizonsNHS's #NHS’s lived  🙌  experience",
];

/// A store in `dir/store` holding the §9 texts (ids 1-6), a repost (id 7),
/// a post with no words whose id looks like a formula (`=2+5`), and one
/// line that is rejected. Returns the store's path.
pub fn contract_store(dir: &tempfile::TempDir) -> String {
    let mut lines: Vec<String> = CONTRACT_TEXTS
        .iter()
        .enumerate()
        .map(|(i, text)| {
            serde_json::json!({
                "id": (i + 1).to_string(), "text": text, "platform": "x",
                "created_at": "2022-06-28T09:00:00Z", "author": "someone",
            })
            .to_string()
        })
        .collect();
    lines.push(
        serde_json::json!({"id": "7", "text": "honest candour", "kind": "repost", "platform": "x",
            "created_at": "2022-06-28T09:05:00Z", "author": "someone"})
        .to_string(),
    );
    lines.push(
        serde_json::json!({"id": "=2+5", "text": "@x https://t.co/y", "platform": "x",
            "created_at": "2022-06-28T09:06:00Z", "author": "someone"})
        .to_string(),
    );
    lines.push(r#"{"id": "9", "text": "no time"}"#.to_owned());
    let input = dir.path().join("posts.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let store = dir.path().join("store");
    let output = threadlens(&[
        "import",
        "--format",
        "jsonl",
        "--out",
        store.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    assert!(text(&output).0.contains("rejected 1"), "{output:?}");
    store.display().to_string()
}

/// `threadlens import --format jsonl --data STORE FILE`.
pub fn import_jsonl(store: &std::path::Path, file: &std::path::Path) -> Output {
    threadlens(&[
        "import",
        "--format",
        "jsonl",
        "--data",
        store.to_str().unwrap(),
        file.to_str().unwrap(),
    ])
}

/// The hand-built fixture day (`crates/threadlens-report/tests/data/
/// fixture-day/posts.jsonl`, 22 posts) imported into `dir/store`; the
/// store's folder.
pub fn fixture_day_store(dir: &std::path::Path) -> PathBuf {
    let store = dir.join("store");
    let output = import_jsonl(
        &store,
        &repo("crates/threadlens-report/tests/data/fixture-day/posts.jsonl"),
    );
    assert!(output.status.success(), "{output:?}");
    store
}
