//! X API v2: recent or full-archive search, then each conversation.

use reqwest::Url;
use serde::Deserialize;
use threadlens_model::Platform;

use super::LiveError;
use super::archive::PageOrigin;
use super::config::{XConfig, XEndpoint};
use super::http::ApiRequest;
use super::run::{SourceRun, newer_id};
use super::secret::Secret;

/// Every field the importer maps (formats.md §1), requested on each page.
const TWEET_FIELDS: &str = "attachments,author_id,conversation_id,created_at,entities,id,in_reply_to_user_id,lang,public_metrics,referenced_tweets,text";
const USER_FIELDS: &str = "created_at,id,name,public_metrics,username,verified";
const EXPANSIONS: &str = "author_id,referenced_tweets.id,referenced_tweets.id.author_id,in_reply_to_user_id,entities.mentions.username";

/// The default API server.
pub const X_API: &str = "https://api.x.com";

/// An X search source.
#[derive(Debug, Clone)]
pub struct XSource {
    /// The configuration.
    pub config: XConfig,
    /// The `source` column of its posts.
    pub name: String,
    /// The bearer token.
    pub token: Secret,
}

#[derive(Deserialize)]
struct SearchPage {
    #[serde(default)]
    data: Vec<TweetIds>,
    #[serde(default)]
    meta: Meta,
}

#[derive(Deserialize)]
struct TweetIds {
    id: String,
    #[serde(default)]
    conversation_id: Option<String>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    next_token: Option<String>,
    #[serde(default)]
    newest_id: Option<String>,
}

impl XSource {
    /// The search endpoint.
    fn endpoint(&self) -> Result<Url, LiveError> {
        let base = self.config.base_url.as_deref().unwrap_or(X_API);
        let path = match self.config.endpoint {
            XEndpoint::Recent => "2/tweets/search/recent",
            XEndpoint::All => "2/tweets/search/all",
        };
        let base =
            Url::parse(base).map_err(|e| LiveError::Config(format!("base_url {base:?}: {e}")))?;
        join(&base, path)
    }

    /// Run the search, then expand the conversations it found.
    pub async fn collect(&self, run: &mut SourceRun) -> Result<(), LiveError> {
        let endpoint = self.endpoint()?;
        let query = self.config.query.clone();
        self.search(run, &endpoint, &query, &format!("search:{query}"), true)
            .await?;
        if !self.config.threads {
            return Ok(());
        }
        while run.can_continue() {
            let Some(conversation) = run.checkpoint.pending_threads.keys().next().cloned() else {
                break;
            };
            let query = format!("conversation_id:{conversation}");
            let finished = self.search(run, &endpoint, &query, &query, false).await?;
            if !finished {
                break;
            }
            run.checkpoint.thread_done(&conversation);
            run.save()?;
        }
        Ok(())
    }

    /// Page through one query; `true` when its pass finished.
    async fn search(
        &self,
        run: &mut SourceRun,
        endpoint: &Url,
        query: &str,
        key: &str,
        matched: bool,
    ) -> Result<bool, LiveError> {
        let origin = PageOrigin {
            platform: Platform::X,
            source: self.name.clone(),
            instance: None,
            matched,
        };
        let mut state = run.checkpoint.queries.get(key).cloned().unwrap_or_default();
        state.begin_pass();
        loop {
            let mut url = endpoint.clone();
            {
                let mut q = url.query_pairs_mut();
                q.append_pair("query", query)
                    .append_pair("max_results", &self.config.max_results.to_string())
                    .append_pair("tweet.fields", TWEET_FIELDS)
                    .append_pair("user.fields", USER_FIELDS)
                    .append_pair("expansions", EXPANSIONS);
                if let Some(since) = &state.pass_since {
                    q.append_pair("since_id", since);
                }
                if let Some(token) = &state.cursor {
                    q.append_pair("next_token", token);
                }
            }
            let request = ApiRequest::get(url, Some(self.token.clone()));
            let Some(page) = run.fetch(&request).await? else {
                return Ok(false);
            };
            let parsed: SearchPage = serde_json::from_str(page.body.get()).unwrap_or(SearchPage {
                data: Vec::new(),
                meta: Meta::default(),
            });
            run.archive(&page, &origin, parsed.data.len() as u64)?;
            if matched && self.config.threads {
                for tweet in &parsed.data {
                    let conversation = tweet.conversation_id.as_deref().unwrap_or(&tweet.id);
                    run.checkpoint.queue_thread(conversation.to_owned());
                }
            }
            // An empty page ends the pass whatever its meta says.
            let next = if parsed.data.is_empty() {
                None
            } else {
                parsed.meta.next_token
            };
            state.advance(next, parsed.meta.newest_id, newer_id);
            run.checkpoint.queries.insert(key.to_owned(), state.clone());
            run.save()?;
            if !state.in_pass() {
                return Ok(true);
            }
        }
    }
}

/// `base` + `path`, keeping any path prefix of `base` (a proxy's `/x/`).
pub(crate) fn join(base: &Url, path: &str) -> Result<Url, LiveError> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    base.join(path)
        .map_err(|e| LiveError::Config(format!("{base}{path}: {e}")))
}
