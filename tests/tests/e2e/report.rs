//! `threadlens report` on the hand-built fixture day
//! (`crates/threadlens-report/tests/data/fixture-day/`): every table as CSV
//! and the Markdown report are snapshots, reviewed by hand when first
//! written; the takeover table's numbers are worked out in
//! `crates/threadlens-report/tests/it/takeover_day.rs`.

use std::path::{Path, PathBuf};

use crate::{text, threadlens};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/threadlens-report/tests/data/fixture-day")
        .join(name)
        .display()
        .to_string()
}

/// Import the day and write its report; the report folder.
fn report(dir: &tempfile::TempDir, extra: &[&str]) -> PathBuf {
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let import = threadlens(&[
        "import",
        "--format",
        "jsonl",
        "--out",
        store,
        &fixture("posts.jsonl"),
    ]);
    assert!(import.status.success(), "{import:?}");
    let out = dir.path().join("report");
    let lexicon = fixture("lexicon.toml");
    let mut args = vec![
        "report",
        "--data",
        store,
        "--lexicon",
        &lexicon,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = threadlens(&args);
    assert!(output.status.success(), "{output:?}");
    out
}

const TABLES: [&str; 9] = [
    "post_scores",
    "theme_summary",
    "theme_by_period",
    "theme_by_slot",
    "takeover_engagement",
    "top_contributors",
    "top_hashtags",
    "top_terms",
    "theme_cooccurrence",
];

#[test]
fn every_table_of_the_fixture_day() {
    let dir = tempfile::tempdir().unwrap();
    let schedule = fixture("schedule.toml");
    let out = report(
        &dir,
        &[
            "--schedule",
            &schedule,
            "--period",
            "hour",
            "--format",
            "csv,parquet,json,md,xlsx",
        ],
    );
    for table in TABLES.iter().chain(&["kwic"]) {
        let csv = std::fs::read_to_string(out.join(format!("{table}.csv"))).unwrap();
        insta::assert_snapshot!(format!("fixture_day_{table}_csv"), csv);
        assert!(
            out.join(format!("{table}.parquet")).is_file(),
            "{table}.parquet"
        );
    }
    for table in &TABLES[1..] {
        assert!(out.join(format!("{table}.json")).is_file(), "{table}.json");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    insta::assert_snapshot!("fixture_day_report_md", md);
    assert!(out.join("report.xlsx").is_file());

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["period"], "hour");
    assert_eq!(manifest["timezone"], "Europe/London");
    assert_eq!(manifest["inputs"][1]["rows"], 3, "the schedule's slots");
    assert_eq!(manifest["posts_left_out"], 1, "the repost");
}

#[test]
fn text_that_looks_like_code_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(&dir, &["--format", "csv,md"]);
    let kwic = std::fs::read_to_string(out.join("kwic.csv")).unwrap();
    assert!(
        kwic.contains("21,candour,honest,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\") \",honest,"),
        "{kwic}"
    );
    let contributors = std::fs::read_to_string(out.join("top_contributors.csv")).unwrap();
    assert!(contributors.contains("x,'=cmd,1,0,"), "{contributors}");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(!md.contains("<script>"));
    assert!(
        !out.join("takeover_engagement.csv").exists(),
        "no schedule, no slot tables"
    );
}

#[test]
fn bad_schedules_and_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    assert!(
        threadlens(&[
            "import",
            "--format",
            "jsonl",
            "--out",
            store,
            &fixture("posts.jsonl")
        ])
        .status
        .success()
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(fixture("schedule.toml"))
            .unwrap()
            .replace("10:20", "09:50"),
    )
    .unwrap();
    let lexicon = fixture("lexicon.toml");
    let output = threadlens(&[
        "report",
        "--data",
        store,
        "--lexicon",
        &lexicon,
        "--schedule",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output)
            .1
            .contains("slot `spread`: overlaps slot `equity`"),
        "{output:?}"
    );
    let output = threadlens(&[
        "report",
        "--data",
        store,
        "--lexicon",
        &lexicon,
        "--timezone",
        "Mars/Olympus",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).1.contains("not an IANA timezone name"),
        "{output:?}"
    );
}
