//! `threadlens demo`: the bundled synthetic takeover day, end to end:
//! import, score, report, and a short summary on the terminal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use threadlens_ingest::Format;
use threadlens_report::{Period, TableFormat as TF};

use crate::cli::{GlobalArgs, ImportArgs, LexiconArgs, ReportArgs};
use crate::values::{InputFormat, PeriodArg, TableFormat};

/// The demo day, built into the binary so the demo runs from anywhere.
const FILES: [(&str, &[u8]); 4] = [
    (
        "schedule.toml",
        include_bytes!("../../../datasets/next-conversation-2022/schedule.toml"),
    ),
    (
        "posts.twarc2.jsonl",
        include_bytes!("../../../datasets/next-conversation-2022/posts.twarc2.jsonl"),
    ),
    (
        "posts.mastodon.jsonl",
        include_bytes!("../../../datasets/next-conversation-2022/posts.mastodon.jsonl"),
    ),
    (
        "three-cs.toml",
        include_bytes!("../../../datasets/lexicons/three-cs.toml"),
    ),
];

/// Run `threadlens demo`.
pub(crate) fn run(args: &crate::cli::DemoArgs, global: &GlobalArgs) -> Result<ExitCode> {
    let clock = std::time::Instant::now();
    let input = args.out.join("input");
    let store = args.out.join("store");
    let report = args.out.join("report");
    // A previous demo's store would merge with this one: start afresh.
    for dir in [&store, &report] {
        if dir.join("manifest.json").exists() || dir.join("posts.parquet").exists() {
            std::fs::remove_dir_all(dir)
                .with_context(|| format!("cannot clear the earlier demo in {}", dir.display()))?;
        }
    }
    std::fs::create_dir_all(&input)
        .with_context(|| format!("cannot create {}", input.display()))?;
    for (name, bytes) in FILES {
        let path = input.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let quiet = GlobalArgs {
        quiet: true,
        ..global.clone()
    };
    let mut silent = std::io::sink();
    crate::import::run_to(
        &ImportArgs {
            data: store.clone(),
            format: InputFormat(Format::Auto),
            map: None,
            source: None,
            instance: None,
            max_record_mb: threadlens_ingest::MAX_RECORD_BYTES >> 20,
            max_document_mb: threadlens_ingest::MAX_DOCUMENT_BYTES >> 20,
            held_posts_mb: crate::import::HELD_POSTS_MB,
            files: vec![
                input.join("posts.twarc2.jsonl"),
                input.join("posts.mastodon.jsonl"),
            ],
        },
        &quiet,
        &mut silent,
    )?;
    crate::report::run_to(
        &ReportArgs {
            data: store,
            lexicon: LexiconArgs {
                path: input.join("three-cs.toml"),
                format: None,
                skip_invalid: false,
            },
            schedule: Some(input.join("schedule.toml")),
            out: Some(report.clone()),
            format: [TF::Csv, TF::Parquet, TF::Html, TF::Md]
                .map(TableFormat)
                .to_vec(),
            period: PeriodArg(Period::Hour),
            timezone: None,
            top: 50,
            include_reposts: false,
            audit: false,
            network: true,
            bootstrap: None,
            seed: 1,
            validation: None,
            engine: None,
        },
        &quiet,
        &mut silent,
    )?;
    summary(
        &report,
        &mut std::io::stdout().lock(),
        clock.elapsed().as_secs_f64(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Rows of a CSV table the report wrote, as header → value maps.
fn read_table(path: &Path) -> Result<Vec<std::collections::HashMap<String, String>>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("cannot read {}", path.display()))?;
        rows.push(
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect(),
        );
    }
    Ok(rows)
}

fn summary(report: &Path, out: &mut dyn Write, seconds: f64) -> Result<()> {
    let engagement = read_table(&report.join("takeover_engagement.csv"))?;
    let themes = read_table(&report.join("theme_summary.csv"))?;
    let get = |row: &std::collections::HashMap<String, String>, k: &str| {
        row.get(k).cloned().unwrap_or_default()
    };
    let number = |row: &std::collections::HashMap<String, String>, k: &str| {
        row.get(k).and_then(|v| v.parse::<f64>().ok())
    };
    let posts = themes.first().map(|r| get(r, "posts")).unwrap_or_default();
    let participants: f64 = engagement
        .iter()
        .filter_map(|r| number(r, "new_participants"))
        .sum();
    writeln!(
        out,
        "The Next Conversation, 28 June 2022 (synthetic demo day): {posts} posts, \
         {participants} participants across {} takeover slots",
        engagement.len().saturating_sub(1)
    )?;
    let mut slots: Vec<_> = engagement
        .iter()
        .filter(|r| get(r, "slot") != "outside")
        .collect();
    slots.sort_by(|a, b| {
        let e = |r: &&std::collections::HashMap<String, String>| {
            number(r, "engagement_per_host_post").unwrap_or(-1.0)
        };
        e(b).total_cmp(&e(a))
    });
    writeln!(
        out,
        "\nSlots by engagement per host post (replies + reposts + likes + quotes):"
    )?;
    for (rank, row) in slots.iter().enumerate() {
        writeln!(
            out,
            "  {:>2}. {:<17} {:>6.1}  {:>4} replies  {:>3} participants  {}",
            rank + 1,
            get(row, "slot"),
            number(row, "engagement_per_host_post").unwrap_or(0.0),
            get(row, "replies_received"),
            get(row, "participants"),
            get(row, "title"),
        )?;
    }
    let shares: Vec<String> = themes
        .iter()
        .map(|r| {
            format!(
                "{} {:.1}%",
                get(r, "theme"),
                100.0 * number(r, "share_of_posts").unwrap_or(0.0)
            )
        })
        .collect();
    writeln!(out, "\nPosts with a hit, by theme: {}", shares.join(", "))?;
    let html: PathBuf = report.join("report.html");
    writeln!(
        out,
        "\nThe full report ({seconds:.1} s): {}",
        html.display()
    )?;
    Ok(())
}
