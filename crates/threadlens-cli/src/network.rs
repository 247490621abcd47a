//! `threadlens network`: who talks to whom in a store, written as tables
//! and as GraphML and GEXF for Gephi and NetworkX.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use threadlens_model::{Timestamp, parse_timestamp};
use threadlens_network::{EdgeKind, NetworkBuilder};
use threadlens_report::{GraphFormat, write_network};

use crate::UsageError;
use crate::cli::{GlobalArgs, NetworkArgs};
use crate::prefetch::prefetch;
use crate::score::{BATCH_ROWS, existing_store, progress_bar};

/// `--since` or `--until` as an instant.
fn instant(flag: &str, value: Option<&String>) -> Result<Option<Timestamp>> {
    value
        .map(|v| {
            parse_timestamp(v).map_err(|_| {
                UsageError(format!(
                    "{flag} {v:?} is not a time: write it as RFC 3339, e.g. 2022-06-28T08:00:00Z"
                ))
                .into()
            })
        })
        .transpose()
}

/// Build the network of the store's posts and write it.
pub(crate) fn run(args: &NetworkArgs, global: &GlobalArgs) -> Result<ExitCode> {
    let since = instant("--since", args.since.as_ref())?;
    let until = instant("--until", args.until.as_ref())?;
    let mut kinds: Vec<EdgeKind> = Vec::new();
    for kind in &args.edges {
        if !kinds.contains(&kind.0) {
            kinds.push(kind.0);
        }
    }
    let mut formats: Vec<GraphFormat> = Vec::new();
    for format in &args.format {
        if !formats.contains(&format.0) {
            formats.push(format.0);
        }
    }
    let store = existing_store(&args.data)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| args.data.join("network"));
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create the output folder {}", out_dir.display()))?;

    let stored = store.count()? as u64;
    let bar = progress_bar(global, stored);
    let mut builder = NetworkBuilder::only(&kinds);
    let mut posts_read = 0u64;
    for batch in prefetch(store.read_batches(BATCH_ROWS)?, 2) {
        let posts = batch?;
        bar.inc(posts.len() as u64);
        for post in &posts {
            let after_since = since.is_none_or(|t| post.created_at >= t);
            let before_until = until.is_none_or(|t| post.created_at < t);
            if after_since && before_until {
                builder.add(post);
                posts_read += 1;
            }
        }
    }
    bar.finish_and_clear();
    let network = builder.finish();
    let written = write_network(&out_dir, &network, &formats)?;

    let count = |kind: EdgeKind| network.edges.iter().filter(|e| e.kind == kind).count();
    let by_kind: Vec<String> = kinds
        .iter()
        .map(|&k| format!("{} {}", k.name(), count(k)))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "network of {} posts: {} accounts, {} edges ({}), {} self-loops",
        posts_read,
        network.accounts.len(),
        network.edges.len(),
        by_kind.join(", "),
        network.edges.iter().filter(|e| e.is_self_loop()).count()
    )?;
    if !network.unresolved.is_empty() {
        let missing: Vec<String> = network
            .unresolved
            .iter()
            .map(|(k, n)| format!("{} {n}", k.name()))
            .collect();
        writeln!(
            out,
            "  targets not in the store (posts never collected): {}",
            missing.join(", ")
        )?;
    }
    for path in written {
        writeln!(out, "  {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
