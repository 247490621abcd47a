//! `threadlens collect`: live sources → raw archive → store, with a
//! thread-coverage audit.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use threadlens_ingest::live::{
    BlueskyConfig, Budget, CollectConfig, Collector, HttpPolicy, LiveError, MastodonConfig,
    Progress, SourceConfig, SourceReport, SystemClock, XConfig, environment,
};
use threadlens_model::Timestamp;
use threadlens_store::{COVERAGE_FILE, Coverage, PostStore};

use crate::UsageError;
use crate::cli::{CollectArgs, GlobalArgs, ImportArgs, QuickSource};
use crate::exit::Exit;
use crate::signals::Signals;

/// Which raw files were imported, at what size: `checkpoints/imported.json`.
const IMPORTED_FILE: &str = "imported.json";

/// Run `threadlens collect`.
pub(crate) fn run(args: &CollectArgs, global: &GlobalArgs) -> Result<ExitCode> {
    let data = args.data.clone().ok_or_else(|| {
        UsageError("--data DIR is required: the store folder to collect into".into())
    })?;
    let sources = sources(args)?;
    let out = &mut std::io::stdout().lock();
    let signals = Signals::install()?;
    let reports = collect(
        &data,
        &sources,
        &CollectOptions::from(args),
        global,
        out,
        signals.stop(),
    )?;
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    if let Some((name, code)) = signals.received() {
        writeln!(
            out,
            "stopped by {name}: the pages collected are archived and every checkpoint saved; run again to resume (it imports them too)"
        )?;
        return Ok(ExitCode::from(code));
    }
    if !args.no_import {
        import_new_pages(&data, global, out)?;
        let coverage = audit(&data)?;
        if let Some(c) = coverage {
            writeln!(
                out,
                "threads: {} (per post: {})",
                c.summary(),
                data.join(COVERAGE_FILE).display()
            )?;
        }
    }
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    Ok(match failed {
        0 => ExitCode::SUCCESS,
        n if n == reports.len() => Exit::Failure.into(),
        _ => Exit::Warnings.into(),
    })
}

/// The sources: from --config, or the one quick form, with --base-url applied.
fn sources(args: &CollectArgs) -> Result<Vec<SourceConfig>> {
    let mut sources = match (&args.config, &args.quick) {
        (Some(_), Some(_)) => {
            return Err(UsageError(
                "give either --config or a source (x, mastodon, bluesky), not both".into(),
            )
            .into());
        }
        (None, None) => {
            return Err(UsageError(
                "nothing to collect: give --config FILE or a source, e.g. `threadlens collect --data DIR x --query \"#SolvingTogether\"`".into(),
            )
            .into());
        }
        (Some(path), None) => {
            CollectConfig::from_file(path)
                .map_err(|e| UsageError(e.to_string()))?
                .sources
        }
        (None, Some(quick)) => vec![quick_source(quick)],
    };
    if let Some(base) = &args.base_url {
        for source in &mut sources {
            match source {
                SourceConfig::X(c) => c.base_url = Some(base.clone()),
                SourceConfig::Bluesky(c) => c.base_url = Some(base.clone()),
                SourceConfig::Mastodon(c) => c.instances = vec![base.clone()],
                SourceConfig::File(_) => {}
            }
        }
    }
    for (i, source) in sources.iter().enumerate() {
        source
            .validate()
            .map_err(|why| UsageError(format!("source {}: {why}", i + 1)))?;
    }
    Ok(sources)
}

fn quick_source(quick: &QuickSource) -> SourceConfig {
    match quick {
        QuickSource::X {
            query,
            endpoint,
            no_threads,
        } => SourceConfig::X(XConfig {
            name: None,
            query: query.clone(),
            threads: !no_threads,
            quotes: true,
            endpoint: endpoint.0,
            max_results: 100,
            base_url: None,
            token_env: None,
        }),
        QuickSource::Mastodon {
            instances,
            hashtags,
            no_threads,
        } => SourceConfig::Mastodon(MastodonConfig {
            name: None,
            instances: instances.clone(),
            hashtags: hashtags.clone(),
            threads: !no_threads,
            token_env: None,
        }),
        QuickSource::Bluesky {
            query,
            since,
            until,
            slice_days,
            no_threads,
        } => SourceConfig::Bluesky(BlueskyConfig {
            name: None,
            query: query.clone(),
            threads: !no_threads,
            since: since.clone(),
            until: until.clone(),
            slice_days: *slice_days,
            base_url: None,
            handle_env: None,
            password_env: None,
        }),
    }
}

/// How to run a collection (from `collect`'s flags, or a job's defaults).
#[derive(Debug, Clone)]
pub(crate) struct CollectOptions {
    pub max_pages: Option<u64>,
    pub max_posts: Option<u64>,
    pub max_wait: u64,
    pub timeout: u64,
    pub retries: u32,
    pub backoff: Duration,
    pub concurrency: usize,
    pub dry_run: bool,
}

impl From<&CollectArgs> for CollectOptions {
    fn from(args: &CollectArgs) -> Self {
        CollectOptions {
            max_pages: args.max_pages,
            max_posts: args.max_posts,
            max_wait: args.max_wait,
            timeout: args.timeout,
            retries: args.retries,
            backoff: args.backoff,
            concurrency: args.concurrency,
            dry_run: args.dry_run,
        }
    }
}

/// Run the live sources among `sources` and print one line per source. A
/// missing secret or bad value is a [`UsageError`], found before any request.
pub(crate) fn collect(
    data: &Path,
    sources: &[SourceConfig],
    args: &CollectOptions,
    global: &GlobalArgs,
    out: &mut dyn Write,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Result<Vec<SourceReport>> {
    let bars = Arc::new(Bars::new(global));
    let collector = Collector {
        data_dir: data.to_owned(),
        policy: HttpPolicy {
            timeout: Duration::from_secs(args.timeout.max(1)),
            max_wait: Duration::from_secs(args.max_wait),
            max_attempts: args.retries.max(1),
            backoff_base: args.backoff,
            ..HttpPolicy::default()
        },
        budget: Budget {
            max_pages: args.max_pages,
            max_posts: args.max_posts,
        },
        dry_run: args.dry_run,
        concurrency: args.concurrency,
        clock: Arc::new(SystemClock),
        progress: bars.clone(),
        secrets: environment(),
        stop,
    };
    let units = collector.sources(sources).map_err(|e| match e {
        LiveError::MissingSecret { .. } | LiveError::Config(_) => {
            anyhow::Error::from(UsageError(e.to_string()))
        }
        other => other.into(),
    })?;
    for source in sources {
        if let SourceConfig::X(x) = source {
            writeln!(out, "{}", x_estimate(x, args.max_pages, args.max_posts))?;
        }
    }
    for unit in &units {
        bars.add(unit.name());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let reports = runtime.block_on(collector.collect(units))?;
    bars.finish();
    for r in &reports {
        if args.dry_run {
            for request in &r.planned {
                writeln!(out, "{}: would send {request}", r.name)?;
            }
            continue;
        }
        let status = match &r.error {
            None if r.stopped_by_budget => {
                "stopped by --max-pages/--max-posts; run again to continue".to_owned()
            }
            None if r.interrupted => "stopped by a signal; run again to continue".to_owned(),
            None => "done".to_owned(),
            Some(e) => format!("stopped: {e}"),
        };
        writeln!(
            out,
            "{}: {} pages, {} posts, {} requests, {} threads pending → {} ({status})",
            r.name,
            r.pages,
            r.posts,
            r.requests,
            r.pending_threads,
            r.archive_dir.display()
        )?;
    }
    Ok(reports)
}

/// What an X run may read, said before it starts (X bills and caps reads by post).
fn x_estimate(x: &XConfig, max_pages: Option<u64>, max_posts: Option<u64>) -> String {
    let per_page = u64::from(x.max_results);
    let pages_cap = max_pages.map(|p| p * per_page);
    let cap = match (pages_cap, max_posts) {
        (Some(a), Some(b)) => Some(a.min(b + per_page - 1)),
        (a, b) => a.or(b.map(|b| b + per_page - 1)),
    };
    match cap {
        Some(posts) => format!(
            "x:{}: reads at most {posts} posts ({per_page} per request) against the X plan's monthly post cap",
            x.query
        ),
        None => format!(
            "x:{}: no budget set; every matching post{} counts against the X plan's monthly post cap (cap it with --max-pages or --max-posts)",
            x.query,
            if x.threads {
                " and every reply in its conversations"
            } else {
                ""
            }
        ),
    }
}

/// Import raw files that are new or grew since the last import, then
/// record their sizes. A kill before the record means a re-import, which
/// the store's merge makes harmless.
pub(crate) fn import_new_pages(
    data: &Path,
    global: &GlobalArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let record_path = data.join("checkpoints").join(IMPORTED_FILE);
    let mut imported: BTreeMap<String, u64> = match std::fs::read(&record_path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_default(),
        Err(_) => BTreeMap::new(),
    };
    let mut files = Vec::new();
    crate::import::files_under(&data.join("raw"), &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "jsonl"));
    files.sort();
    let changed: Vec<(PathBuf, String, u64)> = files
        .into_iter()
        .filter_map(|path| {
            let size = std::fs::metadata(&path).ok()?.len();
            let key = path
                .strip_prefix(data)
                .unwrap_or(&path)
                .display()
                .to_string();
            (imported.get(&key) != Some(&size)).then_some((path, key, size))
        })
        .collect();
    if changed.is_empty() {
        writeln!(out, "no new pages to import")?;
        return Ok(());
    }
    let args = ImportArgs {
        data: data.to_owned(),
        format: crate::values::InputFormat(threadlens_ingest::Format::Raw),
        map: None,
        source: None,
        instance: None,
        max_record_mb: threadlens_ingest::MAX_RECORD_BYTES >> 20,
        max_document_mb: threadlens_ingest::MAX_DOCUMENT_BYTES >> 20,
        held_posts_mb: crate::import::HELD_POSTS_MB,
        files: changed.iter().map(|(p, _, _)| p.clone()).collect(),
    };
    crate::import::run_to(&args, global, out)?;
    for (_, key, size) in changed {
        imported.insert(key, size);
    }
    let json = serde_json::to_vec_pretty(&imported)?;
    threadlens_store::write_atomically(&record_path, |w| {
        w.write_all(&json).map_err(|e| threadlens_store::Error::Io {
            path: record_path.clone(),
            source: e,
        })
    })
    .with_context(|| format!("cannot write {}", record_path.display()))?;
    Ok(())
}

/// Write coverage.csv; the audit, or `None` when the store is still empty.
pub(crate) fn audit(data: &Path) -> Result<Option<Coverage>> {
    let store = PostStore::open(data)?;
    if !store.posts_path().exists() {
        return Ok(None);
    }
    let coverage = Coverage::of(store.read_posts()?);
    let path = data.join(COVERAGE_FILE);
    coverage
        .write_csv(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Some(coverage))
}

/// One spinner per source: pages, posts, and the wait in progress.
struct Bars {
    multi: Option<MultiProgress>,
    bars: Mutex<HashMap<String, (ProgressBar, u64, u64)>>,
}

impl Bars {
    fn new(global: &GlobalArgs) -> Bars {
        let visible = !global.quiet && std::io::stderr().is_terminal();
        Bars {
            multi: visible.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            bars: Mutex::new(HashMap::new()),
        }
    }

    fn add(&self, source: &str) {
        let Some(multi) = &self.multi else { return };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(source.to_owned());
        bar.set_message("starting");
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(source.to_owned(), (bar, 0, 0));
        }
    }

    fn finish(&self) {
        if let Ok(bars) = self.bars.lock() {
            for (bar, _, _) in bars.values() {
                bar.finish_and_clear();
            }
        }
    }
}

impl Progress for Bars {
    fn page(&self, source: &str, posts: u64) {
        if let Ok(mut bars) = self.bars.lock()
            && let Some((bar, pages, total)) = bars.get_mut(source)
        {
            *pages += 1;
            *total += posts;
            bar.set_message(format!("{pages} pages, {total} posts"));
        }
    }

    fn waiting(&self, source: &str, until: Timestamp) {
        let local = until.with_timezone(&chrono::Local).format("%H:%M:%S");
        if let Ok(bars) = self.bars.lock()
            && let Some((bar, pages, total)) = bars.get(source)
        {
            bar.set_message(format!(
                "{pages} pages, {total} posts; rate limited, resuming at {local}"
            ));
        }
    }
}
