//! Running a set of sources: secrets resolved up front, sources and
//! instances run concurrently (bounded) over one connection pool.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use super::LiveError;
use super::bluesky::BlueskySource;
use super::clock::Clock;
use super::config::{SourceConfig, slug};
use super::http::{Fetcher, HttpPolicy, http_client};
use super::mastodon::MastodonSource;
use super::run::{Budget, Progress, SourceRun};
use super::secret::Secret;
use super::x::XSource;

/// A boxed future of a source's collection.
pub type Collecting<'a> = Pin<Box<dyn Future<Output = Result<(), LiveError>> + Send + 'a>>;

/// One live source (an X query, a hashtag on one Mastodon instance, a
/// Bluesky search): everything platform-specific lives behind this.
pub trait Source: Send + Sync {
    /// Folder-safe name: the archive folder and checkpoint file.
    fn slug(&self) -> &str;
    /// The `source` column of its posts.
    fn name(&self) -> &str;
    /// `x`, `mastodon` or `bluesky`.
    fn platform(&self) -> &'static str;
    /// Collect, archiving and checkpointing page by page.
    fn collect<'a>(&'a self, run: &'a mut SourceRun) -> Collecting<'a>;
}

/// A configured source with its folder-safe name.
struct Named {
    slug: String,
    inner: Platform,
}

/// The platform-specific part of a [`Named`] source.
enum Platform {
    X(XSource),
    Mastodon(MastodonSource),
    Bluesky(BlueskySource),
}

impl Source for Named {
    fn slug(&self) -> &str {
        &self.slug
    }
    fn name(&self) -> &str {
        match &self.inner {
            Platform::X(s) => &s.name,
            Platform::Mastodon(s) => &s.name,
            Platform::Bluesky(s) => &s.name,
        }
    }
    fn platform(&self) -> &'static str {
        match &self.inner {
            Platform::X(_) => "x",
            Platform::Mastodon(_) => "mastodon",
            Platform::Bluesky(_) => "bluesky",
        }
    }
    fn collect<'a>(&'a self, run: &'a mut SourceRun) -> Collecting<'a> {
        match &self.inner {
            Platform::X(s) => Box::pin(s.collect(run)),
            Platform::Mastodon(s) => Box::pin(s.collect(run)),
            Platform::Bluesky(s) => Box::pin(s.collect(run)),
        }
    }
}

/// Looks up a secret by environment variable name.
pub type SecretLookup = Arc<dyn Fn(&str) -> Option<Secret> + Send + Sync>;

/// The process environment as a [`SecretLookup`].
pub fn environment() -> SecretLookup {
    Arc::new(Secret::from_env)
}

/// What one source did.
#[derive(Debug)]
pub struct SourceReport {
    /// Its folder-safe name.
    pub slug: String,
    /// Its `source` column.
    pub name: String,
    /// Its platform.
    pub platform: &'static str,
    /// Pages archived.
    pub pages: u64,
    /// Posts in those pages.
    pub posts: u64,
    /// HTTP requests sent (retries included).
    pub requests: u64,
    /// Threads still waiting to be fetched.
    pub pending_threads: usize,
    /// Whether `--max-pages`/`--max-posts` stopped it.
    pub stopped_by_budget: bool,
    /// Whether a signal stopped it (the checkpoint is saved; run again).
    pub interrupted: bool,
    /// Requests a dry run would make.
    pub planned: Vec<String>,
    /// Where its pages went.
    pub archive_dir: PathBuf,
    /// Why it stopped early, if it did.
    pub error: Option<LiveError>,
}

/// How to run a collection.
pub struct Collector {
    /// The store folder: `raw/` and `checkpoints/` go here.
    pub data_dir: PathBuf,
    /// Timeouts, retries, waits.
    pub policy: HttpPolicy,
    /// Per-source limits.
    pub budget: Budget,
    /// List the requests instead of sending them.
    pub dry_run: bool,
    /// Sources run at once.
    pub concurrency: usize,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Progress display.
    pub progress: Arc<dyn Progress>,
    /// Where secrets come from.
    pub secrets: SecretLookup,
    /// Set (by SIGINT or SIGTERM) to stop: each source finishes the page
    /// in hand, saves its checkpoint and sends nothing more.
    pub stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Collector {
    /// Turn configured sources into runnable ones, resolving secrets now so
    /// a missing token stops the run before any request. `file` sources are
    /// not live and are skipped here.
    pub fn sources(&self, configs: &[SourceConfig]) -> Result<Vec<Arc<dyn Source>>, LiveError> {
        let mut out: Vec<Arc<dyn Source>> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        let mut unique = |wanted: String| {
            let mut s = wanted.clone();
            let mut n = 2;
            while !seen.insert(s.clone()) {
                s = format!("{wanted}-{n}");
                n += 1;
            }
            s
        };
        for config in configs {
            match config {
                SourceConfig::X(c) => {
                    let name = c.name.clone().unwrap_or_else(|| format!("x:{}", c.query));
                    let var = c.token_env.as_deref().unwrap_or("X_BEARER_TOKEN");
                    let token = self.secret(&name, var, "an X API bearer token")?;
                    out.push(Arc::new(Named {
                        slug: unique(format!("x-{}", slug(c.name.as_deref().unwrap_or(&c.query)))),
                        inner: Platform::X(XSource {
                            config: c.clone(),
                            name,
                            token,
                        }),
                    }));
                }
                SourceConfig::Mastodon(c) => {
                    let var = c.token_env.as_deref().unwrap_or("MASTODON_TOKEN");
                    let token = (self.secrets)(var);
                    if c.token_env.is_some() && token.is_none() && !self.dry_run {
                        return Err(LiveError::MissingSecret {
                            source_name: format!("mastodon:{}", c.hashtags.join("+")),
                            var: var.to_owned(),
                            what: "a Mastodon access token".into(),
                        });
                    }
                    for instance in &c.instances {
                        let url = reqwest::Url::parse(instance).map_err(|e| {
                            LiveError::Config(format!("instance {instance:?}: {e}"))
                        })?;
                        let host = url.host_str().unwrap_or("instance").to_owned();
                        let tags = c
                            .hashtags
                            .iter()
                            .map(|h| h.trim_start_matches('#'))
                            .collect::<Vec<_>>()
                            .join("+");
                        let base = c
                            .name
                            .clone()
                            .unwrap_or_else(|| format!("mastodon:#{tags}"));
                        let name = format!("{base}@{host}");
                        out.push(Arc::new(Named {
                            slug: unique(format!(
                                "mastodon-{}-{}",
                                slug(c.name.as_deref().unwrap_or(&tags)),
                                slug(&host)
                            )),
                            inner: Platform::Mastodon(MastodonSource {
                                config: c.clone(),
                                instance: url,
                                name,
                                token: token.clone(),
                            }),
                        }));
                    }
                }
                SourceConfig::Bluesky(c) => {
                    let name = c
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("bluesky:{}", c.query));
                    let handle = self.secret(
                        &name,
                        c.handle_env.as_deref().unwrap_or("BLUESKY_HANDLE"),
                        "the Bluesky handle",
                    )?;
                    let password = self.secret(
                        &name,
                        c.password_env.as_deref().unwrap_or("BLUESKY_APP_PASSWORD"),
                        "a Bluesky app password (Settings → App passwords)",
                    )?;
                    let slug = unique(format!(
                        "bluesky-{}",
                        slug(c.name.as_deref().unwrap_or(&c.query))
                    ));
                    let session_file = self
                        .data_dir
                        .join("checkpoints")
                        .join(format!("{slug}.session.json"));
                    out.push(Arc::new(Named {
                        slug,
                        inner: Platform::Bluesky(BlueskySource {
                            config: c.clone(),
                            name,
                            handle,
                            password,
                            session_file,
                        }),
                    }));
                }
                SourceConfig::File(_) => {}
            }
        }
        Ok(out)
    }

    fn secret(&self, source: &str, var: &str, what: &str) -> Result<Secret, LiveError> {
        match (self.secrets)(var) {
            Some(s) => Ok(s),
            None if self.dry_run => Ok(Secret::new("")),
            None => Err(LiveError::MissingSecret {
                source_name: source.to_owned(),
                var: var.to_owned(),
                what: what.to_owned(),
            }),
        }
    }

    /// Run every source, at most `concurrency` at once; one source failing
    /// does not stop the others. Reports come back in the sources' order.
    pub async fn collect(
        &self,
        sources: Vec<Arc<dyn Source>>,
    ) -> Result<Vec<SourceReport>, LiveError> {
        let client = http_client()?;
        let limit = Arc::new(tokio::sync::Semaphore::new(self.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (index, source) in sources.into_iter().enumerate() {
            let progress = self.progress.clone();
            let waiting = progress.clone();
            let fetcher = Fetcher::new(
                client.clone(),
                self.clock.clone(),
                self.policy.clone(),
                source.name(),
            )
            .on_wait(Arc::new(move |s, until| waiting.waiting(s, until)))
            .stop_on(self.stop.clone());
            let data_dir = self.data_dir.clone();
            let (budget, dry_run) = (self.budget, self.dry_run);
            let limit = limit.clone();
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                (
                    index,
                    run_one(&data_dir, source, fetcher, budget, progress, dry_run).await,
                )
            });
        }
        let mut reports = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(report) => reports.push(report),
                Err(e) => return Err(LiveError::Config(format!("a source's task failed: {e}"))),
            }
        }
        reports.sort_by_key(|(i, _)| *i);
        Ok(reports.into_iter().map(|(_, r)| r).collect())
    }
}

async fn run_one(
    data_dir: &Path,
    source: Arc<dyn Source>,
    fetcher: Fetcher,
    budget: Budget,
    progress: Arc<dyn Progress>,
    dry_run: bool,
) -> SourceReport {
    let mut report = SourceReport {
        slug: source.slug().to_owned(),
        name: source.name().to_owned(),
        platform: source.platform(),
        pages: 0,
        posts: 0,
        requests: 0,
        pending_threads: 0,
        stopped_by_budget: false,
        interrupted: false,
        planned: Vec::new(),
        archive_dir: data_dir.join("raw").join(source.slug()),
        error: None,
    };
    let mut run = match SourceRun::open(data_dir, source.slug(), fetcher, budget, progress, dry_run)
    {
        Ok(run) => run,
        Err(e) => {
            report.error = Some(e);
            return report;
        }
    };
    let outcome = source.collect(&mut run).await;
    if let Err(e) = &outcome {
        tracing::warn!(source = %report.name, "stopped: {e}");
    }
    report.error = outcome.err();
    report.pages = run.pages();
    report.posts = run.posts();
    report.requests = run.fetcher.requests();
    report.pending_threads = run.checkpoint.pending_threads.len();
    report.stopped_by_budget = run.stopped_by_budget();
    report.interrupted =
        run.interrupted() || matches!(report.error, Some(LiveError::Interrupted { .. }));
    report.planned = std::mem::take(&mut run.planned);
    report
}
