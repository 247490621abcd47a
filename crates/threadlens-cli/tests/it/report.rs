//! `threadlens report` on the hand-built fixture day
//! (`crates/threadlens-report/tests/data/fixture-day/`): every table as CSV
//! and the Markdown report are snapshots, reviewed by hand when first
//! written; the takeover table's numbers are worked out in
//! `crates/threadlens-report/tests/it/takeover_day.rs`.

use std::path::PathBuf;

use crate::browser::{chromium, headless};

use crate::{text, threadlens};

fn fixture(name: &str) -> String {
    crate::repo("crates/threadlens-report/tests/data/fixture-day")
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

#[test]
fn the_html_report_renders_in_a_real_browser() {
    let Some(chromium) = chromium("the HTML report in a browser") else {
        return;
    };
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
            "html,csv",
        ],
    );
    let page = out.join("report.html");
    let source = std::fs::read_to_string(&page).unwrap();
    // Nothing that could fetch or run: no src, href, url(), link, import
    // or script (post text mentioning a URL is just text).
    for fetch in [
        "src=", "href=", "url(", "<link", "@import", "<script", "<iframe",
    ] {
        assert!(
            !source.contains(fetch),
            "the page must be self-contained: {fetch}"
        );
    }

    let dom = headless(
        &chromium,
        &dir.path().join("profile"),
        &["--dump-dom"],
        &page,
    );
    for heading in [
        "At a glance",
        "Engagement per slot",
        "Activity over the event",
        "Theme share per slot",
        "Theme frequency over time",
        "Slot by slot",
        "Themes",
        "Top contributors",
        "Entries that matched most",
        "Keyword in context",
        "Methods",
    ] {
        assert!(
            dom.contains(&format!("<h2>{heading}")),
            "{heading} is missing"
        );
    }
    assert_eq!(dom.matches("<svg").count(), 3, "three charts");
    assert_eq!(
        dom.matches("class=\"slot\"").count(),
        3,
        "the three slots are shaded"
    );
    assert_eq!(dom.matches("class=\"card\"").count(), 3, "a card per slot");
    // The headline, the engagement table, each card's themes, and four
    // data tables.
    assert_eq!(dom.matches("<table").count(), 1 + 1 + 3 + 4, "tables");
    // Slot `welcome` (09:00-09:30 BST): 3 host posts drawing 26
    // engagements (takeover_day.rs works them out), shown to one decimal.
    assert!(
        dom.contains("<bdi>Welcome</bdi>") && dom.contains("<td class=\"time\">09:00–09:30"),
        "engagement rows in local time"
    );
    assert!(dom.contains(">8.7</td>"), "engagement per host post");
    // The post `<script>alert(1)</script> candour` is in the kwic sample as text.
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!dom.contains("<script"), "no live script");
    crate::browser::screenshot(
        &chromium,
        dir.path(),
        &page,
        1000,
        2400,
        "report-fixture-day.png",
    );
}

/// `--bootstrap N --seed S`: every share gains conversation-clustered
/// intervals, the same for the same seed, and the manifest says how.
#[test]
fn bootstrap_intervals_are_reproducible_by_seed() {
    let schedule = fixture("schedule.toml");
    let run = |seed: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = report(
            &dir,
            &[
                "--schedule",
                &schedule,
                "--format",
                "csv",
                "--bootstrap",
                "400",
                "--seed",
                seed,
            ],
        );
        let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
        let tables: Vec<String> = [
            "theme_summary.csv",
            "theme_by_period.csv",
            "theme_by_slot.csv",
            "takeover_engagement.csv",
        ]
        .iter()
        .map(|n| read(n))
        .collect();
        let manifest: serde_json::Value = serde_json::from_str(&read("manifest.json")).unwrap();
        (tables, manifest, dir)
    };
    let (first, manifest, _a) = run("7");
    let (again, _, _b) = run("7");
    let (other, _, _c) = run("8");
    assert_eq!(first, again, "the same seed gives the same bytes");
    assert_ne!(first, other, "another seed draws otherwise");
    assert!(
        first[0]
            .lines()
            .next()
            .unwrap()
            .ends_with("share_of_posts_boot_low,share_of_posts_boot_high")
    );
    assert!(
        first[3]
            .lines()
            .next()
            .unwrap()
            .contains("candour_share_boot_low,candour_share_boot_high")
    );
    assert_eq!(
        manifest["intervals"],
        serde_json::json!({"method": "wilson", "level": 0.95,
            "bootstrap": {"resamples": 400, "seed": 7, "cluster": "conversation"}})
    );
    // Every bootstrap interval holds its share.
    for line in first[0].lines().skip(1) {
        let cells: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|c| c.parse().unwrap())
            .collect();
        let (share, low, high) = (cells[4], cells[7], cells[8]);
        assert!(low <= share && share <= high, "{line}");
    }
}
