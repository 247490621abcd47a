//! `threadlens import`: files → store.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use threadlens_ingest::{ColumnMap, Format, ImportOptions, Sink, import_file};
use threadlens_model::{Post, Reject};
use threadlens_store::{Inserted, PostSet, PostStore};

use crate::UsageError;
use crate::cli::{GlobalArgs, ImportArgs};

/// The default of `--held-posts-mb`: with it, importing 10 million posts
/// peaks near 1.1 GB (985–1,135 MB in BENCHMARKS.md, seventeenth part).
pub(crate) const HELD_POSTS_MB: u64 = 128;

/// Inputs larger than this get a progress bar.
const PROGRESS_MIN_BYTES: u64 = 4 << 20;
/// Rejects shown on stderr per file; the rest are only in rejects.jsonl.
const REJECTS_SHOWN: u64 = 3;

/// Counts for one file's summary line.
#[derive(Debug, Default)]
struct FileCounts {
    new: u64,
    duplicates: u64,
    rejected: u64,
}

/// Merges posts into the store's set as they are read.
struct StoreSink<'a> {
    posts: &'a mut PostSet,
    rejects: &'a mut Vec<Reject>,
    counts: FileCounts,
    bar: &'a ProgressBar,
}

impl Sink for StoreSink<'_> {
    fn post(&mut self, post: &Post) {
        match self.posts.insert(post) {
            Inserted::New => self.counts.new += 1,
            Inserted::Duplicate { .. } => self.counts.duplicates += 1,
        }
    }

    fn reject(&mut self, reject: Reject) {
        self.counts.rejected += 1;
        if self.counts.rejected <= REJECTS_SHOWN {
            // Suspend the bar so the warning is not drawn over.
            self.bar
                .suspend(|| tracing::warn!("{}:{}: {}", reject.file, reject.line, reject.reason));
        }
        self.rejects.push(reject);
    }

    fn progress(&mut self, bytes: u64) {
        self.bar.set_position(bytes);
    }
}

/// Check everything that can be checked before touching the store.
fn options(args: &ImportArgs) -> Result<ImportOptions> {
    let format: Format = args.format.0;
    let column_map = match &args.map {
        Some(map) => {
            if !matches!(format, Format::Csv | Format::Auto) {
                return Err(
                    UsageError(format!("--map applies to --format csv, not {format}")).into(),
                );
            }
            ColumnMap::parse(map).map_err(|e| UsageError(e.to_string()))?
        }
        None => ColumnMap::default(),
    };
    for file in &args.files {
        let meta =
            std::fs::metadata(file).map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(UsageError(format!("{}: not a file or folder", file.display())).into());
        }
    }
    Ok(ImportOptions {
        format,
        source: args.source.clone(),
        column_map,
        instance: args.instance.clone(),
        max_record_bytes: args.max_record_mb.saturating_mul(1 << 20),
        max_document_bytes: args.max_document_mb.saturating_mul(1 << 20),
    })
}

fn progress_bar(global: &GlobalArgs, len: u64, name: &str) -> ProgressBar {
    if global.quiet || len < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(name.to_owned());
    bar
}

/// Every file under `dir`, recursively, skipping hidden names (`.x`).
pub(crate) fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Run `threadlens import`.
pub(crate) fn run(args: &ImportArgs, global: &GlobalArgs) -> Result<ExitCode> {
    run_to(args, global, &mut std::io::stdout().lock())
}

/// Run `threadlens import`, writing its summary to `out`.
pub(crate) fn run_to(
    args: &ImportArgs,
    global: &GlobalArgs,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let options = options(args)?;
    let store = PostStore::open(&args.data)
        .with_context(|| format!("cannot use {} as a store", args.data.display()))?;
    let started = std::time::Instant::now();
    let mut posts = store
        .load_within(
            usize::try_from(args.held_posts_mb.saturating_mul(1 << 20)).unwrap_or(usize::MAX),
        )
        .context("cannot read the existing posts")?;
    tracing::info!(
        posts = posts.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "loaded the store"
    );
    let before = posts.len();
    let mut rejects = Vec::new();
    let mut failed_files = 0usize;

    let mut files = Vec::new();
    for path in &args.files {
        if path.is_dir() {
            let before = files.len();
            files_under(path, &mut files);
            files[before..].sort();
        } else {
            files.push(path.clone());
        }
    }
    for file in &files {
        let name = file.display().to_string();
        let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let bar = progress_bar(global, len, &name);
        let mut sink = StoreSink {
            posts: &mut posts,
            rejects: &mut rejects,
            counts: FileCounts::default(),
            bar: &bar,
        };
        let file_started = std::time::Instant::now();
        let result = import_file(file, &options, &mut sink);
        tracing::info!(file = %name, elapsed_ms = file_started.elapsed().as_millis() as u64, "read");
        let counts = std::mem::take(&mut sink.counts);
        bar.finish_and_clear();
        match result {
            Ok(read) => {
                let detected = if options.format == Format::Auto {
                    "detected "
                } else {
                    ""
                };
                let twarc = if read.twarc_csv {
                    ", twarc-csv columns"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{name} ({detected}{format}{twarc}): read {read_n}, imported {new}, duplicates {dup}, rejected {rej}",
                    format = read.format,
                    read_n = read.posts + read.rejected,
                    new = counts.new,
                    dup = counts.duplicates,
                    rej = counts.rejected,
                )?;
                if counts.rejected > REJECTS_SHOWN {
                    tracing::warn!(
                        "{name}: {} more rejected (all are in rejects.jsonl)",
                        counts.rejected - REJECTS_SHOWN
                    );
                }
            }
            Err(e) => {
                failed_files += 1;
                tracing::error!("{e}");
                writeln!(out, "{name}: not imported (the error above says why)")?;
            }
        }
    }

    let commit_started = std::time::Instant::now();
    tracing::debug!(
        posts = posts.len(),
        held_mb = posts.held_bytes() >> 20,
        spilled_mb = posts.spilled_bytes() >> 20,
        "post set in memory"
    );
    posts.resolve_references();
    tracing::debug!(
        elapsed_ms = commit_started.elapsed().as_millis() as u64,
        "references resolved"
    );
    crate::pause::point("import:commit");
    let total = posts.len();
    let written = store
        .commit_owned(posts)
        .with_context(|| format!("cannot write {}", store.posts_path().display()))?;
    tracing::info!(
        written,
        elapsed_ms = commit_started.elapsed().as_millis() as u64,
        "committed"
    );
    let new_rejects = store
        .append_rejects(&rejects)
        .with_context(|| format!("cannot write {}", store.rejects_path().display()))?;
    let table = store.posts_path();
    let change = if written {
        format!("{} new", total - before)
    } else {
        "unchanged".to_owned()
    };
    writeln!(out, "{}: {} posts ({change})", table.display(), total)?;
    if !rejects.is_empty() {
        writeln!(
            out,
            "{}: {} records rejected ({new_rejects} not seen before); see the file for line and reason",
            store.rejects_path().display(),
            rejects.len()
        )?;
    }
    if failed_files > 0 {
        let others = match files.len() - failed_files {
            0 => String::new(),
            1 => "; the other one was imported".to_owned(),
            n => format!("; the other {n} were imported"),
        };
        anyhow::bail!(
            "{failed_files} of {} files could not be imported{others}",
            files.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
