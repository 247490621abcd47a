//! `threadlens synth`: every format imports with no rejects, and the same
//! seed gives the same bytes.

use std::path::Path;

use crate::{text, threadlens};

fn schedule() -> String {
    crate::repo("crates/threadlens-report/tests/data/fixture-day/schedule.toml")
        .display()
        .to_string()
}

fn synth(dir: &Path, format: &str, seed: &str, name: &str) -> String {
    let out = dir.join(name).display().to_string();
    let schedule = schedule();
    let args = [
        "synth",
        "--seed",
        seed,
        "--posts",
        "1500",
        "--format",
        format,
        "--schedule",
        &schedule,
        "--out",
        &out,
    ];
    let output = threadlens(&args);
    assert!(output.status.success(), "{output:?}");
    out
}

#[test]
fn every_format_imports_with_no_rejects() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["twarc2", "x-v2", "mastodon", "bluesky", "jsonl"] {
        let file = synth(dir.path(), format, "7", &format!("{format}.jsonl"));
        let store = dir.path().join(format!("store-{format}"));
        let output = threadlens(&["import", "--out", store.to_str().unwrap(), &file]);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{format}: {stderr}");
        assert!(
            stdout.contains(&format!("(detected {format})")),
            "{format}: {stdout}"
        );
        assert!(stdout.contains("rejected 0"), "{format}: {stdout}");
        let imported: u64 = stdout
            .split("imported ")
            .nth(1)
            .and_then(|s| s.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        // Bluesky counts one repost per account and post, so a second
        // repost of the same post by the same made-up account merges.
        if format == "bluesky" {
            assert!((1400..=1500).contains(&imported), "{format}: {imported}");
        } else {
            assert_eq!(imported, 1500, "{format}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let read = |p: &str| std::fs::read(p).unwrap();
    let a = synth(dir.path(), "twarc2", "3", "a.jsonl");
    let b = synth(dir.path(), "twarc2", "3", "b.jsonl");
    let c = synth(dir.path(), "twarc2", "4", "c.jsonl");
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
}
