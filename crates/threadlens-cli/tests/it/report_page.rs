//! `report.html` as an analyst sees it, in headless Chromium at 1280 px (a
//! laptop) and 390 px (a phone), on the demo day and on a hostile night
//! (`crates/threadlens-report/tests/data/hostile-day/`: eleven slots, long
//! titles, a five-minute slot, emoji, right-to-left text and markup in
//! titles, across the autumn clock change). Geometry is measured, not
//! assumed: no two texts in a chart overlap, none leaves its chart, the
//! engagement table's columns are all on screen at 1280 px, and on a phone
//! the table scrolls under a slot column that stays put. Both pages carry
//! the network drawing (`--network`), whose labels are held to the same. Screenshots and a
//! printed PDF go to `target/e2e/` for review.

use std::path::{Path, PathBuf};

use crate::browser::{Geometry, chromium, headless, measure, screenshot};
use crate::threadlens;

/// The drawings of a takeover page with `--network` (the demo turns it on).
const CHARTS: [&str; 4] = ["activity", "share-per-slot", "over-time", "network-drawing"];

/// Run `threadlens demo` in `dir`; its page.
fn demo_page(dir: &Path) -> PathBuf {
    let out = dir.join("demo");
    let output = threadlens(&["demo", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    out.join("report/report.html")
}

/// The hostile night: posts made by `synth` around its schedule, imported
/// and reported with hourly periods; its report folder.
pub fn hostile_report(dir: &Path) -> PathBuf {
    let schedule = crate::repo("crates/threadlens-report/tests/data/hostile-day/schedule.toml");
    let schedule = schedule.to_str().unwrap();
    let posts = dir.join("posts.jsonl");
    let store = dir.join("store");
    let out = dir.join("report");
    let lexicon = crate::repo("datasets/lexicons/three-cs.toml");
    for args in [
        vec![
            "synth",
            "--schedule",
            schedule,
            "--posts",
            "3000",
            "--format",
            "jsonl",
            "--out",
            posts.to_str().unwrap(),
        ],
        vec![
            "import",
            "--format",
            "jsonl",
            "--data",
            store.to_str().unwrap(),
            posts.to_str().unwrap(),
        ],
        vec![
            "report",
            "--data",
            store.to_str().unwrap(),
            "--lexicon",
            lexicon.to_str().unwrap(),
            "--schedule",
            schedule,
            "--period",
            "hour",
            "--format",
            "html,xlsx",
            "--network",
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let output = threadlens(&args);
        assert!(output.status.success(), "{args:?}: {output:?}");
    }
    out
}

/// What must hold at a laptop's width.
fn reads_on_a_laptop(g: &Geometry, first_time: &str) {
    assert_eq!(g.viewport, 1280.0, "the window is a laptop's");
    assert!(!g.page_scrolls, "the page fits the window");
    let ids: Vec<&str> = g.charts.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(ids, CHARTS);
    assert!(g.charts.iter().all(|c| c.1 > 5), "labelled: {:?}", g.charts);
    assert!(g.problems.is_empty(), "{:#?}", g.problems);
    let (scrolls, outside, _, times) = g.table.as_ref().expect("the engagement table");
    assert!(!scrolls, "the engagement table needs no sideways scroll");
    assert!(outside.is_empty(), "columns cut off: {outside:?}");
    assert_eq!(times.len(), 12, "eleven slots and outside");
    assert_eq!(times[0], first_time);
    for time in &times[..11] {
        let (a, b) = time.split_once('–').unwrap();
        for t in [a, b] {
            assert!(
                t.len() == 5 && t.as_bytes()[2] == b':',
                "local times as 09:30–10:10: {time}"
            );
        }
    }
}

/// What must hold on a phone.
fn reads_on_a_phone(g: &Geometry) {
    assert_eq!(g.viewport, 390.0, "the window is a phone's");
    assert!(
        !g.page_scrolls,
        "only the table and charts scroll, not the page"
    );
    assert!(g.problems.is_empty(), "{:#?}", g.problems);
    let (scrolls, _, position, _) = g.table.as_ref().expect("the engagement table");
    assert!(scrolls, "the table scrolls sideways in its box");
    assert_eq!(position, "sticky", "the slot column stays put");
}

/// The chart text of class `class` in the page source.
fn chart_texts(page: &str, class: &str) -> Vec<String> {
    page.split(&format!("class=\"{class}\">"))
        .skip(1)
        .filter_map(|rest| rest.split("</text>").next())
        .map(str::to_owned)
        .collect()
}

/// What the source must say whatever the day: text alternatives, local
/// tick labels, nothing fetched or run.
fn source_checks(page: &str) {
    for fetch in [
        "src=", "href=", "url(", "<link", "@import", "<script", "<iframe",
    ] {
        assert!(!page.contains(fetch), "self-contained: {fetch}");
    }
    assert_eq!(page.matches("<svg").count(), CHARTS.len());
    assert_eq!(page.matches("role=\"img\"").count(), CHARTS.len());
    for id in CHARTS {
        assert!(
            page.contains(&format!("<title id=\"{id}-t\">"))
                && page.contains(&format!("<desc id=\"{id}-d\">")),
            "{id} has a text alternative"
        );
    }
    let ticks = chart_texts(page, "tick");
    let times: Vec<&String> = ticks.iter().filter(|t| t.contains(':')).collect();
    assert!(times.len() >= 6, "{ticks:?}");
    assert!(
        times.iter().all(|t| t.len() == 5),
        "time ticks are local HH:MM, never full timestamps: {times:?}"
    );
    assert!(page.contains("@media print") && page.contains("size:A4"));
}

fn check_page(page: &Path, name: &str, first_time: &str) {
    let Some(chromium) = chromium(name) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let laptop = measure(&chromium, dir.path(), page, 1280);
    reads_on_a_laptop(&laptop, first_time);
    let phone = measure(&chromium, dir.path(), page, 390);
    reads_on_a_phone(&phone);
    screenshot(
        &chromium,
        dir.path(),
        page,
        1280,
        6000,
        &format!("{name}-1280.png"),
    );
    screenshot(
        &chromium,
        dir.path(),
        page,
        390,
        9000,
        &format!("{name}-390.png"),
    );
    // Print → Save as PDF.
    let pdf = crate::repo("target/e2e").join(format!("{name}.pdf"));
    headless(
        &chromium,
        &dir.path().join("profile-pdf"),
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        page,
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"), "a PDF");
    let pages = bytes
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    assert!(pages >= 2, "a document of several A4 pages: {pages}");
}

#[test]
fn the_demo_day_page_reads_on_a_laptop_and_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let page = demo_page(dir.path());
    let source = std::fs::read_to_string(&page).unwrap();
    source_checks(&source);
    assert!(source.contains("Tuesday 28 June 2022 · times in Europe/London (BST)"));
    check_page(&page, "report-demo", "09:00–09:20");
}

#[test]
fn a_hostile_night_page_reads_on_a_laptop_and_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let report = hostile_report(dir.path());
    let page = report.join("report.html");
    let source = std::fs::read_to_string(&page).unwrap();
    source_checks(&source);
    assert!(source.contains("29–30 October 2022 · times in Europe/London (BST/GMT)"));
    // Markup in a title is text wherever the title goes.
    assert!(!source.contains("<b>markup</b>"));
    assert!(source.contains("&lt;b&gt;markup&lt;/b&gt;"));
    // The slot across the change is marked, and lasts 00:30–02:30 local.
    assert!(
        source.contains("00:30–02:30<sup title=\"the clocks change during this slot\">†</sup>")
    );
    check_page(&page, "report-hostile", "21:00–22:00");
}

/// Without a schedule: the corpus's figures and one chart, hits per day
/// over a single day (one point in the middle of its axis), still with no
/// text colliding.
#[test]
fn without_a_schedule_the_page_has_one_chart_that_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::contract_store(&dir);
    let out = dir.path().join("report");
    let lexicon = crate::lexicon_file(&dir, crate::CONTRACT_LEXICON);
    let output = threadlens(&[
        "report",
        "--data",
        &store,
        "--lexicon",
        &lexicon,
        "--format",
        "html",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let page = out.join("report.html");
    let source = std::fs::read_to_string(&page).unwrap();
    assert_eq!(source.matches("<svg").count(), 1);
    assert!(source.contains("Tuesday 28 June 2022 · times in UTC (UTC)"));
    assert!(!source.contains("Engagement per slot"));
    let Some(chromium) = chromium("the page without a schedule") else {
        return;
    };
    for width in [1280, 390] {
        let g = measure(&chromium, dir.path(), &page, width);
        assert!(!g.page_scrolls && g.problems.is_empty(), "{width}: {g:?}");
        assert_eq!(g.charts.len(), 1);
        assert!(g.table.is_none());
    }
}
