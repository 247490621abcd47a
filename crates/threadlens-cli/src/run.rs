//! `threadlens run job.toml`: collect → import → score and report, under
//! a per-job lock, with a `run.json` summary and exit codes a scheduler can
//! alert on.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::Utc;
use serde::Serialize;

use crate::UsageError;
use crate::cli::{GlobalArgs, ImportArgs, LexiconArgs, ReportArgs, RunArgs};
use crate::collect::{CollectOptions, audit, import_new_pages};
use crate::exit::Exit;
use crate::job::Job;
use crate::lock::{JobLock, LockError, acquire};
use crate::signals::Signals;
use crate::values::{InputFormat, PeriodArg, TableFormat};

/// The `run.json` written into each report folder.
#[derive(Debug, Serialize)]
struct RunSummary {
    job: String,
    job_file: String,
    started_at: String,
    finished_at: String,
    stages: Vec<StageSummary>,
    sources: Vec<SourceSummary>,
    posts_before: usize,
    posts_after: usize,
    rejects_new: u64,
    replies_reported: Option<u64>,
    replies_collected: Option<u64>,
    warnings: Vec<String>,
    report_dir: String,
}

#[derive(Debug, Serialize)]
struct StageSummary {
    stage: &'static str,
    seconds: f64,
}

#[derive(Debug, Serialize)]
struct SourceSummary {
    name: String,
    platform: &'static str,
    pages: u64,
    posts: u64,
    requests: u64,
    error: Option<String>,
}

/// Run `threadlens run`.
pub(crate) fn run(args: &RunArgs, global: &GlobalArgs) -> Result<ExitCode> {
    let job = Job::load(&args.job).map_err(|e| UsageError(e.to_string()))?;
    let out = &mut std::io::stdout().lock();
    if args.check {
        return check(&job, out);
    }
    let lock = match acquire(&job.data_dir, &job.name) {
        Ok(lock) => lock,
        Err(held @ LockError::Held { .. }) => {
            tracing::error!(job = %job.name, "{held}");
            return Ok(Exit::Locked.into());
        }
        Err(e) => return Err(e.into()),
    };
    let signals = Signals::install()?;
    let started = Utc::now();
    let date = started.format("%Y-%m-%d").to_string();
    let mut summary = RunSummary {
        job: job.name.clone(),
        job_file: job.file.display().to_string(),
        started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        finished_at: String::new(),
        stages: Vec::new(),
        sources: Vec::new(),
        posts_before: 0,
        posts_after: 0,
        rejects_new: 0,
        replies_reported: None,
        replies_collected: None,
        warnings: Vec::new(),
        report_dir: job.report_dir(&date).display().to_string(),
    };
    let store = threadlens_store::PostStore::open(&job.data_dir)
        .with_context(|| format!("cannot use {} as a store", job.data_dir.display()))?;
    summary.posts_before = if store.posts_path().exists() {
        store.count()?
    } else {
        0
    };
    let rejects_before = rejects(&store);

    stage(&mut summary, "collect", |summary| {
        collect_stage(&job, global, summary, signals.stop())
    })?;
    if let Some(code) = stopped(&signals, "collect", out)? {
        return Ok(code);
    }
    stage(&mut summary, "import", |summary| {
        lock.ensure_held()?;
        import_stage(&job, global, summary).map_err(|e| blame_lost_lock(&lock, e))
    })?;
    if let Some(code) = stopped(&signals, "import", out)? {
        return Ok(code);
    }
    summary.posts_after = if store.posts_path().exists() {
        store.count()?
    } else {
        0
    };
    summary.rejects_new = rejects(&store).saturating_sub(rejects_before);
    if summary.rejects_new > 0 {
        summary.warnings.push(format!(
            "{} records rejected (see {})",
            summary.rejects_new,
            store.rejects_path().display()
        ));
    }
    if summary.posts_after == 0 {
        anyhow::bail!(
            "the store {} has no posts yet: nothing to report",
            job.data_dir.display()
        );
    }
    let staging = stage(&mut summary, "report", |_| {
        report_stage(&job, &date, global).map_err(|e| blame_lost_lock(&lock, e))
    })?;
    if let Some(code) = stopped(&signals, "report", out)? {
        return Ok(code);
    }
    stage(&mut summary, "publish", |summary| {
        lock.ensure_held()?;
        summary.finished_at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let path = staging.join("run.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&summary)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let final_dir = job.report_dir(&date);
        publish(&staging, &final_dir)?;
        let parent = final_dir
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        crate::pause::point("publish:latest");
        point_latest(&parent, &final_dir)?;
        crate::pause::point("publish:prune");
        prune(&parent, job.keep)
    })?;

    let seconds: f64 = summary.stages.iter().map(|s| s.seconds).sum();
    if !global.quiet {
        writeln!(
            out,
            "{}: {} posts ({:+}) in {seconds:.1} s → {}{}",
            job.name,
            summary.posts_after,
            summary.posts_after as i64 - summary.posts_before as i64,
            summary.report_dir,
            match summary.warnings.len() {
                0 => String::new(),
                n => format!(" with {n} warning(s)"),
            }
        )?;
    }
    for warning in &summary.warnings {
        tracing::warn!(job = %job.name, "{warning}");
    }
    Ok(if summary.warnings.is_empty() {
        ExitCode::SUCCESS
    } else {
        Exit::Warnings.into()
    })
}

/// A stage's error, or, when the run's lock was lost meanwhile (its folder
/// deleted and another run started), that loss: the likelier cause, and the
/// one the user must act on.
fn blame_lost_lock(lock: &JobLock, error: anyhow::Error) -> anyhow::Error {
    match lock.ensure_held() {
        Ok(()) => error,
        Err(lost) => error.context(lost.to_string()),
    }
}

/// After `stage`: if a signal asked the run to stop, say so and give the
/// exit code; the next run starts over from what was kept.
fn stopped(signals: &Signals, stage: &str, out: &mut dyn Write) -> Result<Option<ExitCode>> {
    let Some((name, code)) = signals.received() else {
        return Ok(None);
    };
    tracing::warn!(stage, "stopped by {name}");
    writeln!(
        out,
        "stopped by {name} after the {stage} stage: what was collected and imported is kept, no report was published; run again to resume"
    )?;
    Ok(Some(ExitCode::from(code)))
}

/// `--check`: the job file is valid; say what it would do.
fn check(job: &Job, out: &mut dyn Write) -> Result<ExitCode> {
    let collector_view = threadlens_ingest::live::Collector {
        data_dir: job.data_dir.clone(),
        policy: Default::default(),
        budget: Default::default(),
        dry_run: false,
        concurrency: 1,
        clock: std::sync::Arc::new(threadlens_ingest::live::SystemClock),
        progress: std::sync::Arc::new(threadlens_ingest::live::NoProgress),
        secrets: threadlens_ingest::live::environment(),
        stop: Default::default(),
    };
    collector_view
        .sources(&job.live)
        .map_err(|e| UsageError(e.to_string()))?;
    writeln!(
        out,
        "{}: ok: job {}, {} live and {} file sources, store {}, lexicon {}, reports in {} (keeping {})",
        job.file.display(),
        job.name,
        job.live.len(),
        job.files.len(),
        job.data_dir.display(),
        job.lexicon.display(),
        job.report_dir("{date}").display(),
        job.keep
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Time `work` as stage `name`, in a span every log line of it carries.
fn stage<T>(
    summary: &mut RunSummary,
    name: &'static str,
    work: impl FnOnce(&mut RunSummary) -> Result<T>,
) -> Result<T> {
    let span = tracing::info_span!("stage", stage = name);
    let _entered = span.enter();
    let started = Instant::now();
    tracing::info!(stage = name, "stage started");
    let result = work(summary);
    let seconds = started.elapsed().as_secs_f64();
    match &result {
        Ok(_) => tracing::info!(stage = name, seconds, "stage finished"),
        Err(e) => tracing::error!(stage = name, seconds, "stage failed: {e:#}"),
    }
    summary.stages.push(StageSummary {
        stage: name,
        seconds,
    });
    result
}

/// What a stage's inner command printed, as info lines of that stage.
fn log_lines(stage: &'static str, printed: &[u8]) {
    for line in String::from_utf8_lossy(printed)
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        tracing::info!(stage, "{line}");
    }
}

fn collect_stage(
    job: &Job,
    global: &GlobalArgs,
    summary: &mut RunSummary,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<()> {
    if job.live.is_empty() {
        return Ok(());
    }
    let options = CollectOptions {
        max_pages: None,
        max_posts: None,
        max_wait: 900,
        timeout: 30,
        retries: threadlens_ingest::live::HttpPolicy::default().max_attempts,
        backoff: threadlens_ingest::live::HttpPolicy::default().backoff_base,
        concurrency: 4,
        dry_run: false,
    };
    let mut printed = Vec::new();
    let reports = crate::collect::collect(
        &job.data_dir,
        &job.live,
        &options,
        global,
        &mut printed,
        stop,
    )?;
    log_lines("collect", &printed);
    for r in reports {
        if let Some(e) = &r.error {
            summary
                .warnings
                .push(format!("source {} stopped: {e}", r.name));
        }
        if r.pending_threads > 0 {
            summary.warnings.push(format!(
                "source {}: {} threads not fetched yet",
                r.name, r.pending_threads
            ));
        }
        summary.sources.push(SourceSummary {
            name: r.name,
            platform: r.platform,
            pages: r.pages,
            posts: r.posts,
            requests: r.requests,
            error: r.error.map(|e| e.to_string()),
        });
    }
    Ok(())
}

fn import_stage(job: &Job, global: &GlobalArgs, summary: &mut RunSummary) -> Result<()> {
    let quiet = GlobalArgs {
        quiet: true,
        ..global.clone()
    };
    for source in &job.files {
        let files = match source.files() {
            Ok(files) if !files.is_empty() => files,
            Ok(_) => {
                summary.warnings.push(format!(
                    "file source {:?} matched no file",
                    patterns(&source.patterns)
                ));
                continue;
            }
            Err(why) => {
                summary.warnings.push(format!(
                    "file source {:?}: {why}",
                    patterns(&source.patterns)
                ));
                continue;
            }
        };
        let args = ImportArgs {
            data: job.data_dir.clone(),
            format: InputFormat(source.format),
            map: None,
            source: source.name.clone(),
            instance: None,
            max_record_mb: threadlens_ingest::MAX_RECORD_BYTES >> 20,
            max_document_mb: threadlens_ingest::MAX_DOCUMENT_BYTES >> 20,
            held_posts_mb: crate::import::HELD_POSTS_MB,
            files,
        };
        let mut printed = Vec::new();
        let result = crate::import::run_to(&args, &quiet, &mut printed);
        log_lines("import", &printed);
        if let Err(e) = result {
            if e.chain().any(|c| c.is::<UsageError>()) {
                summary.warnings.push(format!("file source skipped: {e:#}"));
            } else {
                return Err(e);
            }
        }
    }
    if !job.live.is_empty() {
        let mut printed = Vec::new();
        import_new_pages(&job.data_dir, &quiet, &mut printed)?;
        log_lines("import", &printed);
        if let Some(coverage) = audit(&job.data_dir)? {
            tracing::info!(stage = "import", "threads: {}", coverage.summary());
            summary.replies_reported = Some(coverage.reported());
            summary.replies_collected = Some(coverage.collected());
            if coverage.incomplete_roots > 0 {
                summary
                    .warnings
                    .push(format!("threads: {}", coverage.summary()));
            }
        }
    }
    Ok(())
}

/// Score and report into a staging folder beside the final one; its path.
fn report_stage(job: &Job, date: &str, global: &GlobalArgs) -> Result<PathBuf> {
    let final_dir = job.report_dir(date);
    let parent = final_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let pid = std::process::id();
    let staging = parent.join(format!(".{date}.tmp-{pid}"));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot clear {}", staging.display()))?;
    }
    let args = ReportArgs {
        data: job.data_dir.clone(),
        lexicon: LexiconArgs {
            path: job.lexicon.clone(),
            format: None,
            skip_invalid: job.skip_invalid,
        },
        schedule: job.schedule.clone(),
        out: Some(staging.clone()),
        format: job.formats.iter().map(|&f| TableFormat(f)).collect(),
        period: PeriodArg(job.period),
        timezone: job.timezone.clone(),
        top: 50,
        include_reposts: job.include_reposts,
        audit: false,
        network: false,
        bootstrap: None,
        seed: 1,
        validation: None,
        engine: None,
    };
    let quiet = GlobalArgs {
        quiet: true,
        ..global.clone()
    };
    let mut printed = Vec::new();
    crate::report::run_to(&args, &quiet, &mut printed)?;
    log_lines("report", &printed);
    Ok(staging)
}

/// Move the finished report into place, replacing an earlier run of the same day.
fn publish(staging: &Path, final_dir: &Path) -> Result<()> {
    let old = final_dir.with_file_name(format!(
        ".{}.old-{}",
        final_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    if final_dir.exists() {
        std::fs::rename(final_dir, &old)
            .with_context(|| format!("cannot move {} aside", final_dir.display()))?;
    }
    std::fs::rename(staging, final_dir)
        .with_context(|| format!("cannot move the report into {}", final_dir.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("cannot remove {}", old.display()))?;
    }
    Ok(())
}

/// `latest` → the newest complete report (a relative symlink, replaced atomically).
fn point_latest(parent: &Path, final_dir: &Path) -> Result<()> {
    let name = final_dir
        .file_name()
        .context("the report folder has no name")?;
    let link = parent.join("latest");
    let tmp = parent.join(format!(".latest.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(name, &tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    #[cfg(not(unix))]
    std::fs::write(&tmp, name.to_string_lossy().as_bytes())
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    std::fs::rename(&tmp, &link).with_context(|| format!("cannot update {}", link.display()))?;
    Ok(())
}

/// Keep the newest `keep` report folders (names sort by date); remove the
/// rest, and leftovers of interrupted runs.
fn prune(parent: &Path, keep: usize) -> Result<()> {
    let mut runs: Vec<PathBuf> = Vec::new();
    for entry in
        std::fs::read_dir(parent).with_context(|| format!("cannot list {}", parent.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.')
            && (name.contains(".tmp-") || name.contains(".old-"))
            && path.is_dir()
        {
            if !name.ends_with(&format!("-{}", std::process::id())) {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if !name.starts_with('.') && name != "latest" && path.is_dir() && !path.is_symlink()
        {
            runs.push(path);
        }
    }
    runs.sort();
    let excess = runs.len().saturating_sub(keep);
    for old in &runs[..excess] {
        std::fs::remove_dir_all(old).with_context(|| format!("cannot remove {}", old.display()))?;
        tracing::info!(stage = "report", removed = %old.display(), "retention: removed an old report");
    }
    Ok(())
}

fn rejects(store: &threadlens_store::PostStore) -> u64 {
    store.rejects_count().unwrap_or(0)
}

fn patterns(paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.display().to_string()).collect()
}
