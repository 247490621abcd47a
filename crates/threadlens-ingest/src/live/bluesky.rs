//! Bluesky: `app.bsky.feed.searchPosts` with an app-password session, then
//! `app.bsky.feed.getPostThread` for posts with replies.

use std::path::PathBuf;

use chrono::TimeDelta;
use reqwest::{Method, Url};
use serde::{Deserialize, Serialize};
use threadlens_model::{Platform, parse_timestamp};

use super::LiveError;
use super::archive::{PageOrigin, format_time};
use super::config::BlueskyConfig;
use super::http::{ApiRequest, Page, join};
use super::run::{SourceRun, newer_time, parse_page};
use super::secret::Secret;

/// The default server: the PDS that proxies the AppView.
pub const BLUESKY_API: &str = "https://bsky.social";

/// A Bluesky search source.
#[derive(Debug, Clone)]
pub struct BlueskySource {
    /// The configuration.
    pub config: BlueskyConfig,
    /// The `source` column of its posts.
    pub name: String,
    /// The account handle.
    pub handle: Secret,
    /// The app password.
    pub password: Secret,
    /// Where the session is cached (0600).
    pub session_file: PathBuf,
}

/// The cached session: JWTs, never logged.
#[derive(Clone, Serialize, Deserialize)]
struct Session {
    #[serde(rename = "accessJwt")]
    access: String,
    #[serde(rename = "refreshJwt")]
    refresh: String,
    #[serde(default)]
    did: Option<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session(***)")
    }
}

#[derive(Deserialize, Default)]
struct SearchPage {
    #[serde(default)]
    posts: Vec<PostIds>,
    #[serde(default)]
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct PostIds {
    uri: String,
    #[serde(default, rename = "replyCount")]
    reply_count: Option<u64>,
    #[serde(default, rename = "indexedAt")]
    indexed_at: Option<String>,
}

/// A `getPostThread` response, read only to count its posts.
#[derive(Deserialize, Default)]
struct ThreadPage {
    #[serde(default)]
    thread: Option<ThreadNode>,
}

#[derive(Deserialize)]
struct ThreadNode {
    #[serde(default)]
    post: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    parent: Option<Box<ThreadNode>>,
    #[serde(default)]
    replies: Vec<ThreadNode>,
}

impl ThreadNode {
    /// Posts in this node, its ancestors and its replies.
    fn size(&self) -> u64 {
        u64::from(self.post.is_some())
            + self.parent.as_ref().map_or(0, |p| p.size())
            + self.replies.iter().map(ThreadNode::size).sum::<u64>()
    }
}

/// One search window: a query key and its fixed bounds.
struct Window {
    key: String,
    since: Option<String>,
    until: Option<String>,
}

impl BlueskySource {
    fn base(&self) -> Result<Url, LiveError> {
        let base = self.config.base_url.as_deref().unwrap_or(BLUESKY_API);
        Url::parse(base).map_err(|e| LiveError::Config(format!("base_url {base:?}: {e}")))
    }

    /// Search (window by window), then fetch threads.
    pub async fn collect(&self, run: &mut SourceRun) -> Result<(), LiveError> {
        let base = self.base()?;
        let mut session = if run.is_dry_run() {
            None
        } else {
            Some(self.session(run, &base).await?)
        };
        for window in self.windows()? {
            if !self.search(run, &base, &mut session, &window).await? {
                return Ok(());
            }
        }
        if !self.config.threads {
            return Ok(());
        }
        let origin = self.origin(false);
        while run.can_continue() {
            let Some(uri) = run.checkpoint.pending_threads.keys().next().cloned() else {
                break;
            };
            let mut url = join(&base, "xrpc/app.bsky.feed.getPostThread")?;
            url.query_pairs_mut()
                .append_pair("uri", &uri)
                .append_pair("depth", "1000");
            let Some(page) = self.fetch(run, &base, &mut session, url).await? else {
                break;
            };
            let count = parse_page::<ThreadPage>(&page)
                .thread
                .map_or(0, |t| t.size());
            run.archive(&page, &origin, count)?;
            run.checkpoint.thread_done(&uri);
            run.save()?;
        }
        Ok(())
    }

    fn origin(&self, matched: bool) -> PageOrigin {
        PageOrigin {
            platform: Platform::Bluesky,
            source: self.name.clone(),
            instance: None,
            matched,
        }
    }

    /// The windows to search: one open-ended query, or `since..until` in
    /// slices of `slice_days`.
    fn windows(&self) -> Result<Vec<Window>, LiveError> {
        let q = &self.config.query;
        let (Some(days), Some(since), Some(until)) = (
            self.config.slice_days,
            &self.config.since,
            &self.config.until,
        ) else {
            return Ok(vec![Window {
                key: format!("search:{q}"),
                since: self.config.since.clone(),
                until: self.config.until.clone(),
            }]);
        };
        let bad = |what: &str, v: &str| {
            LiveError::Config(format!("bluesky `{what}` = {v:?} is not an RFC 3339 time"))
        };
        let mut from = parse_timestamp(since).map_err(|_| bad("since", since))?;
        let end = parse_timestamp(until).map_err(|_| bad("until", until))?;
        let step = TimeDelta::days(i64::from(days.max(1)));
        let mut out = Vec::new();
        while from < end {
            let to = (from + step).min(end);
            let (a, b) = (format_time(from), format_time(to));
            out.push(Window {
                key: format!("search:{q}@{a}..{b}"),
                since: Some(a),
                until: Some(b),
            });
            from = to;
        }
        Ok(out)
    }

    /// Page one window; `false` when the run must stop (budget).
    async fn search(
        &self,
        run: &mut SourceRun,
        base: &Url,
        session: &mut Option<Session>,
        window: &Window,
    ) -> Result<bool, LiveError> {
        let origin = self.origin(true);
        let mut state = run
            .checkpoint
            .queries
            .get(&window.key)
            .cloned()
            .unwrap_or_default();
        state.begin_pass();
        loop {
            let mut url = join(base, "xrpc/app.bsky.feed.searchPosts")?;
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("q", &self.config.query)
                    .append_pair("sort", "latest")
                    .append_pair("limit", "100");
                if let Some(since) = state.pass_since.as_ref().or(window.since.as_ref()) {
                    q.append_pair("since", since);
                }
                if let Some(until) = &window.until {
                    q.append_pair("until", until);
                }
                if let Some(cursor) = &state.cursor {
                    q.append_pair("cursor", cursor);
                }
            }
            let Some(page) = self.fetch(run, base, session, url).await? else {
                return Ok(false);
            };
            let parsed: SearchPage = parse_page(&page);
            run.archive(&page, &origin, parsed.posts.len() as u64)?;
            if self.config.threads {
                for p in &parsed.posts {
                    if let Some(n) = p.reply_count.filter(|n| *n > 0) {
                        run.checkpoint.want_thread(p.uri.clone(), n);
                    }
                }
            }
            let newest = parsed
                .posts
                .iter()
                .filter_map(|p| p.indexed_at.clone())
                .reduce(|a, b| if newer_time(&b, &a) { b } else { a });
            let next = if parsed.posts.is_empty() {
                None
            } else {
                parsed.cursor
            };
            state.advance(next, newest, newer_time);
            run.checkpoint
                .queries
                .insert(window.key.clone(), state.clone());
            run.save()?;
            if !state.in_pass() {
                return Ok(true);
            }
        }
    }

    /// GET with the session's access token; on `ExpiredToken`, refresh
    /// the session once and retry.
    async fn fetch(
        &self,
        run: &mut SourceRun,
        base: &Url,
        session: &mut Option<Session>,
        url: Url,
    ) -> Result<Option<Page>, LiveError> {
        let bearer = session.as_ref().map(|s| Secret::new(s.access.clone()));
        match run.fetch(&ApiRequest::get(url.clone(), bearer)).await {
            Err(LiveError::Unauthorized {
                code: Some(code), ..
            }) if code == "ExpiredToken" || code == "InvalidToken" => {
                tracing::info!(source = %self.name, "Bluesky access token expired; refreshing the session");
                let fresh = self.refresh_or_create(run, base, session.as_ref()).await?;
                let bearer = Some(Secret::new(fresh.access.clone()));
                *session = Some(fresh);
                run.fetch(&ApiRequest::get(url, bearer)).await
            }
            other => other,
        }
    }

    /// The cached session, else a new one (createSession is limited to 30
    /// per 5 minutes, so the cache is reused across runs).
    async fn session(&self, run: &mut SourceRun, base: &Url) -> Result<Session, LiveError> {
        if let Ok(bytes) = std::fs::read(&self.session_file)
            && let Ok(session) = serde_json::from_slice::<Session>(&bytes)
        {
            return Ok(session);
        }
        self.create(run, base).await
    }

    async fn refresh_or_create(
        &self,
        run: &mut SourceRun,
        base: &Url,
        old: Option<&Session>,
    ) -> Result<Session, LiveError> {
        if let Some(old) = old {
            let url = join(base, "xrpc/com.atproto.server.refreshSession")?;
            let request = ApiRequest {
                method: Method::POST,
                url,
                bearer: Some(Secret::new(old.refresh.clone())),
                json: None,
            };
            match run.fetcher.fetch(&request).await {
                Ok(page) => return self.keep(&page),
                Err(LiveError::Unauthorized { .. }) => {
                    tracing::info!(source = %self.name, "Bluesky refresh token refused; creating a new session");
                }
                Err(e) => return Err(e),
            }
        }
        self.create(run, base).await
    }

    async fn create(&self, run: &mut SourceRun, base: &Url) -> Result<Session, LiveError> {
        let url = join(base, "xrpc/com.atproto.server.createSession")?;
        let request = ApiRequest {
            method: Method::POST,
            url,
            bearer: None,
            json: Some(serde_json::json!({
                "identifier": self.handle.expose(),
                "password": self.password.expose(),
            })),
        };
        match run.fetcher.fetch(&request).await {
            Ok(page) => self.keep(&page),
            Err(LiveError::Unauthorized { source_name, status, url, code, .. }) => Err(LiveError::Unauthorized {
                source_name,
                status,
                url,
                code,
                hint: "the handle or app password was refused: check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD (an app password, not the account password)".into(),
            }),
            Err(e) => Err(e),
        }
    }

    /// Parse a session response and cache it with owner-only permissions.
    fn keep(&self, page: &Page) -> Result<Session, LiveError> {
        let session: Session = serde_json::from_str(page.body.get()).map_err(|e| {
            LiveError::Config(format!(
                "{}: the session response has no tokens ({e})",
                self.name
            ))
        })?;
        let json = serde_json::to_vec(&session).map_err(|e| LiveError::Config(e.to_string()))?;
        super::checkpoint::write_private(&self.session_file, &json)?;
        Ok(session)
    }
}
