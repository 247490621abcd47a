//! What every source does with a page: fetch within budget, archive, checkpoint.

use std::sync::Arc;

use threadlens_model::Timestamp;

use super::LiveError;
use super::archive::{PageOrigin, RawArchive};
use super::checkpoint::{Checkpoint, CheckpointFile};
use super::http::{ApiRequest, Fetcher, Page, redact_url};

/// Limits on one source's run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget {
    /// Stop after this many pages.
    pub max_pages: Option<u64>,
    /// Stop after this many posts (counted in the pages as they arrive).
    pub max_posts: Option<u64>,
}

/// Hears about a collection as it goes (the CLI's progress display).
pub trait Progress: Send + Sync {
    /// A page of `posts` posts was archived by `source`.
    fn page(&self, source: &str, posts: u64) {
        let _ = (source, posts);
    }
    /// `source` is waiting for its rate-limit window until `until`.
    fn waiting(&self, source: &str, until: Timestamp) {
        let _ = (source, until);
    }
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// One source's working state during a run.
pub struct SourceRun {
    /// Sends the requests.
    pub fetcher: Fetcher,
    /// What the source remembers between runs.
    pub checkpoint: Checkpoint,
    checkpoint_file: CheckpointFile,
    archive: RawArchive,
    budget: Budget,
    progress: Arc<dyn Progress>,
    dry_run: bool,
    /// Requests a dry run would have made.
    pub planned: Vec<String>,
    pages: u64,
    posts: u64,
    stopped_by_budget: bool,
    interrupted: bool,
}

impl SourceRun {
    /// Open the source `slug` in `data_dir`: load its checkpoint.
    pub fn open(
        data_dir: &std::path::Path,
        slug: &str,
        fetcher: Fetcher,
        budget: Budget,
        progress: Arc<dyn Progress>,
        dry_run: bool,
    ) -> Result<SourceRun, LiveError> {
        let checkpoint_file = CheckpointFile::new(data_dir, slug);
        Ok(SourceRun {
            checkpoint: checkpoint_file.load()?,
            checkpoint_file,
            archive: RawArchive::new(data_dir, slug),
            fetcher,
            budget,
            progress,
            dry_run,
            planned: Vec::new(),
            pages: 0,
            posts: 0,
            stopped_by_budget: false,
            interrupted: false,
        })
    }

    /// Fetch `request`, or `None` when the budget is spent or this is a dry
    /// run (which records the request instead).
    pub async fn fetch(&mut self, request: &ApiRequest) -> Result<Option<Page>, LiveError> {
        if self.dry_run {
            self.planned
                .push(format!("{} {}", request.method, redact_url(&request.url)));
            return Ok(None);
        }
        if self.fetcher.is_stopped() {
            // Asked to stop: the page before this one is archived and its
            // checkpoint saved; no new request goes out.
            self.interrupted = true;
            return Ok(None);
        }
        let spent = self.budget.max_pages.is_some_and(|m| self.pages >= m)
            || self.budget.max_posts.is_some_and(|m| self.posts >= m);
        if spent {
            self.stopped_by_budget = true;
            return Ok(None);
        }
        self.fetcher.fetch(request).await.map(Some)
    }

    /// Archive `page` (durably) and count its `posts`. Call
    /// [`SourceRun::save`] after updating the checkpoint for it.
    pub fn archive(
        &mut self,
        page: &Page,
        origin: &PageOrigin,
        posts: u64,
    ) -> Result<(), LiveError> {
        blocking(|| self.archive.append(page, origin))?;
        self.pages += 1;
        self.posts += posts;
        self.progress.page(self.fetcher.source(), posts);
        Ok(())
    }

    /// Write the checkpoint.
    pub fn save(&self) -> Result<(), LiveError> {
        if self.dry_run {
            return Ok(());
        }
        blocking(|| self.checkpoint_file.save(&self.checkpoint))
    }

    /// Whether more requests may be made.
    pub fn can_continue(&self) -> bool {
        !self.stopped_by_budget && !self.interrupted
    }

    /// Whether a signal stopped the run.
    pub fn interrupted(&self) -> bool {
        self.interrupted
    }

    /// Whether this is a dry run (requests are listed, not sent).
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// Pages archived in this run.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Posts in the pages archived in this run.
    pub fn posts(&self) -> u64 {
        self.posts
    }

    /// Whether a budget stopped the run.
    pub fn stopped_by_budget(&self) -> bool {
        self.stopped_by_budget
    }
}

/// Whether numeric id `a` is newer (greater) than `b`: snowflake ids and
/// Mastodon ids grow with time; compare by length, then digits.
pub(crate) fn newer_id(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

/// Whether timestamp `a` is later than `b` (RFC 3339; text order as a fallback).
pub(crate) fn newer_time(a: &str, b: &str) -> bool {
    match (
        threadlens_model::parse_timestamp(a),
        threadlens_model::parse_timestamp(b),
    ) {
        (Ok(x), Ok(y)) => x > y,
        _ => a > b,
    }
}

/// Run blocking work (fsync, parsing a page) without stalling the async
/// runtime's other tasks: on a multi-thread runtime the worker hands its
/// tasks to another thread first.
pub(crate) fn blocking<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

/// A page's body read as `T` (the few fields a source needs to page and
/// find threads), off the runtime's hot path; `T::default()` when the body
/// has another shape (an error object, say).
pub(crate) fn parse_page<T: serde::de::DeserializeOwned + Default>(page: &Page) -> T {
    blocking(|| serde_json::from_str(page.body.get()).unwrap_or_default())
}
