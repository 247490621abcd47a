//! `threadlens score`: store → post_scores table + manifest.json.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{SecondsFormat, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use threadlens_model::PostKind;
use threadlens_process::{Lexicon, score_columns};
use threadlens_report::{
    InputFile, LexiconInfo, Manifest, OutputFile, SCORING_SPEC, ScoredBatch, TableFormat,
    file_sha256, write_post_scores,
};
use threadlens_store::{POSTS_FILE, PostStore};

use crate::UsageError;
use crate::cli::{GlobalArgs, ScoreArgs};
use crate::prefetch::prefetch;

/// Posts read, scored and written at a time: memory stays flat in the
/// size of the store.
pub(crate) const BATCH_ROWS: usize = 65_536;
/// Stores with more posts than this get a progress bar.
const PROGRESS_MIN_POSTS: u64 = 200_000;

/// `n` and `noun`, plural unless `n` is 1.
pub(crate) fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Open a store that must already hold posts (exit 2 if it does not).
pub(crate) fn existing_store(dir: &Path) -> Result<PostStore> {
    if !dir.join(POSTS_FILE).is_file() {
        return Err(UsageError(format!(
            "{} has no {POSTS_FILE}: import posts first (threadlens import --data {} FILE...)",
            dir.display(),
            dir.display()
        ))
        .into());
    }
    PostStore::open(dir).with_context(|| format!("cannot read the store {}", dir.display()))
}

/// The kinds of post that are scored: reposts only when asked for (a
/// repost repeats its original's text).
pub(crate) fn scored_kinds(include_reposts: bool) -> fn(PostKind) -> bool {
    match include_reposts {
        true => |_| true,
        false => |kind| kind != PostKind::Repost,
    }
}

/// The lexicon as the manifest records it.
pub(crate) fn lexicon_info(lexicon: &Lexicon, path: &Path) -> Result<LexiconInfo> {
    Ok(LexiconInfo {
        name: lexicon.name.clone(),
        version: lexicon.version.clone(),
        path: path.to_owned(),
        sha256: file_sha256(path)?,
        themes: lexicon.themes.iter().map(|t| t.id.clone()).collect(),
        format: lexicon.format.name().to_owned(),
        skipped: lexicon.skipped.iter().map(ToString::to_string).collect(),
    })
}

/// A file's SHA-256 (for the manifest), computed on a thread of its own
/// while the posts are read, instead of before.
pub(crate) struct BackgroundSha256 {
    path: PathBuf,
    hashing: std::thread::JoinHandle<threadlens_report::Result<String>>,
}

impl BackgroundSha256 {
    /// Start hashing `path`.
    pub(crate) fn start(path: PathBuf) -> Self {
        let file = path.clone();
        BackgroundSha256 {
            path,
            hashing: std::thread::spawn(move || file_sha256(&file)),
        }
    }

    /// The hash, once computed.
    pub(crate) fn finish(self) -> Result<String> {
        let hashed = self
            .hashing
            .join()
            .map_err(|_| anyhow::anyhow!("hashing {} panicked", self.path.display()))?;
        Ok(hashed?)
    }
}

pub(crate) fn progress_bar(global: &GlobalArgs, posts: u64) -> ProgressBar {
    if global.quiet || posts < PROGRESS_MIN_POSTS || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(posts), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "scoring [{bar:30}] {human_pos}/{human_len} posts {per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// Run `threadlens score`.
pub(crate) fn run(args: &ScoreArgs, global: &GlobalArgs) -> Result<ExitCode> {
    let started_at = Utc::now();
    let clock = Instant::now();
    let mut formats: Vec<TableFormat> = args.format.iter().map(|&f| f.into()).collect();
    formats.dedup();
    let lexicon = crate::lexicon::load(&args.lexicon)?;
    let store = existing_store(&args.data)?;
    let out_dir = args.out.clone().unwrap_or_else(|| args.data.join("scores"));
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create the output folder {}", out_dir.display()))?;

    let stored = store.count()? as u64;
    let posts_path = store.posts_path();
    let posts_sha256 = BackgroundSha256::start(posts_path.clone());
    let themes: Vec<String> = lexicon.themes.iter().map(|t| t.id.clone()).collect();
    let bar = progress_bar(global, stored);
    let texts = store.read_texts(BATCH_ROWS, scored_kinds(args.include_reposts))?;
    let batches = prefetch(texts, 2).map(|batch| {
        let posts = batch?;
        let read = posts.rows_read as u64;
        let scores = score_columns(&lexicon, &posts.text.to_slices());
        bar.inc(read);
        Ok(ScoredBatch {
            post_id: posts.post_id,
            platform: posts.platform,
            scores,
        })
    });
    let written = write_post_scores(&out_dir, &formats, &themes, batches)?;
    bar.finish_and_clear();
    let seconds = clock.elapsed().as_secs_f64();
    tracing::info!(
        "scored {} posts in {seconds:.2} s ({:.0} posts/s)",
        written.rows,
        written.rows as f64 / seconds.max(1e-9)
    );

    let manifest = Manifest {
        tool: "threadlens".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scoring_spec: SCORING_SPEC.into(),
        formats_spec: threadlens_report::FORMATS_SPEC.into(),
        command: std::env::args().collect(),
        started_at: started_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        finished_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        lexicon: Some(lexicon_info(&lexicon, &args.lexicon.path)?),
        inputs: vec![InputFile {
            path: posts_path,
            sha256: posts_sha256.finish()?,
            rows: stored,
        }],
        rejects: store.rejects_count()?,
        include_reposts: args.include_reposts,
        posts_left_out: stored - written.rows,
        outputs: written
            .files
            .iter()
            .map(|path| OutputFile {
                path: path.clone(),
                rows: written.rows,
            })
            .collect(),
        period: None,
        timezone: None,
        intervals: None,
        network: None,
    };
    let manifest_path = manifest.write(&out_dir)?;

    let mut out = std::io::stdout().lock();
    let left_out = stored - written.rows;
    writeln!(
        out,
        "scored {} posts against {} themes of lexicon {} {}{}",
        written.rows,
        themes.len(),
        lexicon.name,
        lexicon.version,
        match (left_out, args.include_reposts) {
            (0, _) => String::new(),
            (n, false) => format!(
                " ({} left out; --include-reposts to score them)",
                count(n, "repost")
            ),
            (n, true) => format!(" ({n} posts left out)"),
        }
    )?;
    for path in written.files.iter().chain([&manifest_path]) {
        writeln!(out, "  wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
