//! `threadlens network`: who talks to whom in a store, written as tables
//! and as GraphML and GEXF for Gephi and NetworkX.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{SecondsFormat, Utc};
use threadlens_model::{Post, PostKind, Timestamp, parse_timestamp};
use threadlens_network::{EdgeKind, MeasureOptions, NetworkBuilder, measure};
use threadlens_process::{Lexicon, map_scans};
use threadlens_report::{
    Attribution, FORMATS_SPEC, GraphFormat, InputFile, Manifest, MeasuredNetwork, NetworkRecord,
    OutputFile, SCORING_SPEC, Schedule, Table, TableFormat, attribute_posts, file_sha256,
    first_slots, network_slots_table, schedule_hosts, slot_network, write_network, write_tables,
};

use crate::UsageError;
use crate::cli::{GlobalArgs, NetworkArgs};
use crate::prefetch::prefetch;
use crate::score::{BATCH_ROWS, existing_store, lexicon_info, progress_bar};

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

/// Hits per theme of each post (none for reposts, whose text is the
/// original's, as the report leaves them out).
pub(crate) fn post_hits(lexicon: &Lexicon, posts: &[Post]) -> Vec<Vec<u32>> {
    let themes = lexicon.themes.len();
    let texts: Vec<&str> = posts
        .iter()
        .map(|p| {
            if p.kind == PostKind::Repost {
                ""
            } else {
                p.text.as_str()
            }
        })
        .collect();
    map_scans(lexicon, &texts, |_, scan| {
        scan.hits(themes).into_iter().map(|h| h as u32).collect()
    })
}

/// The slot with this id, or a usage error listing the ids.
fn slot_index(schedule: &Schedule, id: &str) -> Result<usize> {
    schedule
        .slots
        .iter()
        .position(|s| s.id == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = schedule.slots.iter().map(|s| s.id.as_str()).collect();
            UsageError(format!(
                "--slot {id:?} is not a slot of {:?}; its slots are {}",
                schedule.name,
                ids.join(", ")
            ))
            .into()
        })
}

/// Build the network of the store's posts, measure it and write it.
pub(crate) fn run(args: &NetworkArgs, global: &GlobalArgs) -> Result<ExitCode> {
    let started_at = Utc::now();
    let started = std::time::Instant::now();
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
    let lexicon = args
        .lexicon
        .as_deref()
        .map(crate::lexicon::load_path)
        .transpose()?;
    let themes: Vec<String> = lexicon
        .as_ref()
        .map(|l| l.themes.iter().map(|t| t.id.clone()).collect())
        .unwrap_or_default();
    let schedule = match &args.schedule {
        Some(path) => Some(
            Schedule::from_file(path)
                .map_err(|e| anyhow::Error::from(UsageError(e.to_string())))?,
        ),
        None => None,
    };
    let slot = match (&schedule, &args.slot) {
        (Some(schedule), Some(id)) => Some(slot_index(schedule, id)?),
        _ => None,
    };
    let options = MeasureOptions {
        seed: args.seed,
        exact_max_nodes: args.betweenness_exact_max,
        ..MeasureOptions::default()
    };
    let store = existing_store(&args.data)?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| args.data.join("network"));
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create the output folder {}", out_dir.display()))?;

    let stored = store.count()? as u64;
    let bar = progress_bar(global, stored);
    let in_window = |post: &Post| {
        since.is_none_or(|t| post.created_at >= t) && until.is_none_or(|t| post.created_at < t)
    };
    let mut builder = NetworkBuilder::only(&kinds);
    // With a schedule every post is kept: slots are attributed by thread.
    let mut kept: Vec<Post> = Vec::new();
    let mut posts_read = 0u64;
    // Only the thread fields (and the text, to score) are read.
    for batch in prefetch(store.read_threads(BATCH_ROWS, lexicon.is_some())?, 2) {
        let mut posts = batch?;
        bar.inc(posts.len() as u64);
        posts.retain(in_window);
        posts_read += posts.len() as u64;
        if schedule.is_some() {
            kept.append(&mut posts);
            continue;
        }
        let hits = lexicon.as_ref().map(|l| post_hits(l, &posts));
        for (i, post) in posts.iter().enumerate() {
            builder.add_scored(post, hits.as_ref().map_or(&[][..], |h| h[i].as_slice()));
        }
    }
    bar.finish_and_clear();
    tracing::debug!(
        "network: {posts_read} posts read after {:.2?}",
        started.elapsed()
    );

    let mut slot_tables = Vec::new();
    let mut first_slot = None;
    let (network, measures) = match &schedule {
        None => {
            let network = builder.finish();
            let measures = measure(&network, &options);
            (network, measures)
        }
        Some(schedule) => {
            let hits = lexicon
                .as_ref()
                .map(|l| post_hits(l, &kept))
                .unwrap_or_default();
            let attribution = attribute_posts(schedule, &kept);
            let slot_network =
                |s: usize| slot_network(schedule, &kept, &hits, &attribution, s, &kinds, &options);
            let (network, measures) = match slot {
                Some(s) => {
                    posts_read = attribution
                        .iter()
                        .filter(|&&a| a == Attribution::Slot(s))
                        .count() as u64;
                    let one = slot_network(s);
                    (one.network, one.measures)
                }
                None => {
                    for (i, post) in kept.iter().enumerate() {
                        builder.add_scored(post, hits.get(i).map_or(&[][..], Vec::as_slice));
                    }
                    let mut network = builder.finish();
                    network.mark_hosts(schedule_hosts(schedule));
                    let measures = measure(&network, &options);
                    let slots: Vec<_> = (0..schedule.slots.len()).map(slot_network).collect();
                    slot_tables.push(Table {
                        name: "network_slots",
                        frame: network_slots_table(schedule, &slots)
                            .context("cannot build the table network_slots")?,
                    });
                    (network, measures)
                }
            };
            first_slot = Some(first_slots(schedule, &kept, &attribution, &network));
            (network, measures)
        }
    };
    tracing::debug!(
        "network: built and measured after {:.2?}",
        started.elapsed()
    );
    let measured = MeasuredNetwork {
        network: &network,
        measures: &measures,
        themes: &themes,
        first_slot: first_slot.as_deref(),
    };
    let mut written = write_network(&out_dir, &measured, &formats)?;
    let table_formats: Vec<TableFormat> = formats
        .iter()
        .filter_map(|f| match f {
            GraphFormat::Csv => Some(TableFormat::Csv),
            GraphFormat::Parquet => Some(TableFormat::Parquet),
            _ => None,
        })
        .collect();
    written.extend(write_tables(&out_dir, &slot_tables, &table_formats, None)?);

    let posts_path = store.posts_path();
    let inputs = crate::report::manifest_inputs(
        InputFile {
            sha256: file_sha256(&posts_path)?,
            path: posts_path,
            rows: stored,
        },
        args.schedule.as_deref().zip(schedule.as_ref()),
    )?;
    let lexicon_file = match (&lexicon, &args.lexicon) {
        (Some(l), Some(path)) => Some(lexicon_info(l, path)?),
        _ => None,
    };
    // A table file's rows, by its name (0 for the graph files).
    let table_rows = |path: &std::path::Path| -> u64 {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        match stem {
            "network_accounts" => network.accounts.len() as u64,
            "network_edges" => network.edges.len() as u64,
            "network_communities" => measures.communities.len() as u64,
            "network_slots" => schedule.as_ref().map_or(0, |s| s.slots.len() as u64),
            _ => 0,
        }
    };
    let manifest = Manifest {
        tool: "threadlens".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scoring_spec: SCORING_SPEC.into(),
        formats_spec: FORMATS_SPEC.into(),
        command: std::env::args().collect(),
        started_at: started_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        finished_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        lexicon: lexicon_file,
        inputs,
        rejects: store.rejects_count()?,
        include_reposts: false,
        posts_left_out: 0,
        outputs: written
            .iter()
            .map(|path| OutputFile {
                path: path.clone(),
                rows: table_rows(path),
            })
            .collect(),
        period: None,
        timezone: None,
        intervals: None,
        network: Some(NetworkRecord::new(
            &network,
            &measures,
            &kinds,
            slot.and_then(|s| schedule.as_ref().map(|sc| sc.slots[s].id.clone())),
        )),
    };
    let manifest_path = manifest.write(&out_dir)?;
    tracing::debug!("network: files written after {:.2?}", started.elapsed());

    let count = |kind: EdgeKind| network.edges.iter().filter(|e| e.kind == kind).count();
    let by_kind: Vec<String> = kinds
        .iter()
        .map(|&k| format!("{} {}", k.name(), count(k)))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "network of {} posts{}: {} accounts, {} edges ({}), {} self-loops",
        posts_read,
        match (slot, &schedule) {
            (Some(s), Some(schedule)) => format!(" attributed to slot {}", schedule.slots[s].id),
            _ => String::new(),
        },
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
    let groups = measures
        .communities
        .iter()
        .filter(|c| c.members.len() > 1)
        .count();
    writeln!(
        out,
        "  {} communities of 2 or more accounts, modularity {:.3} (Louvain, seed {}); betweenness {}",
        groups,
        measures.modularity,
        options.seed,
        measures.betweenness.describe()
    )?;
    let bridges: Vec<&str> = measures
        .bridges(5)
        .into_iter()
        .map(|a| network.accounts[a].handle.as_str())
        .collect();
    if !bridges.is_empty() {
        writeln!(out, "  top bridges: {}", bridges.join(", "))?;
    }
    for path in written {
        writeln!(out, "  {}", path.display())?;
    }
    writeln!(out, "  {}", manifest_path.display())?;
    Ok(ExitCode::SUCCESS)
}
