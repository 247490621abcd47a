//! X API v2: recent or full-archive search, then each conversation.

use reqwest::Url;
use serde::Deserialize;
use threadlens_model::Platform;

use super::LiveError;
use super::archive::PageOrigin;
use super::config::{XConfig, XEndpoint};
use super::http::{ApiRequest, join};
use super::run::{SourceRun, newer_id, parse_page};
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

#[derive(Deserialize, Default)]
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
    #[serde(default)]
    public_metrics: Option<Metrics>,
}

#[derive(Deserialize)]
struct Metrics {
    #[serde(default)]
    quote_count: u64,
    #[serde(default)]
    reply_count: u64,
}

/// The prefix of a pending key that asks for a tweet's quotes.
const QUOTES: &str = "quotes:";

/// What one paged query asks X for.
#[derive(Clone, Copy)]
enum Query<'a> {
    /// A search (`query`, paged by `next_token`, bounded by `since_id`).
    Search(&'a str),
    /// The quote tweets of one tweet (paged by `pagination_token`).
    Quotes(&'a str),
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    next_token: Option<String>,
    #[serde(default)]
    newest_id: Option<String>,
}

impl XSource {
    /// The API server.
    fn base(&self) -> Result<Url, LiveError> {
        let base = self.config.base_url.as_deref().unwrap_or(X_API);
        Url::parse(base).map_err(|e| LiveError::Config(format!("base_url {base:?}: {e}")))
    }

    /// The search endpoint.
    fn endpoint(&self) -> Result<Url, LiveError> {
        let path = match self.config.endpoint {
            XEndpoint::Recent => "2/tweets/search/recent",
            XEndpoint::All => "2/tweets/search/all",
        };
        join(&self.base()?, path)
    }

    /// Run the search, then expand the conversations it found.
    pub async fn collect(&self, run: &mut SourceRun) -> Result<(), LiveError> {
        let endpoint = self.endpoint()?;
        let query = self.config.query.clone();
        self.search(
            run,
            &endpoint,
            Query::Search(&query),
            &format!("search:{query}"),
            true,
        )
        .await?;
        if !self.config.threads {
            return Ok(());
        }
        while run.can_continue() {
            let Some(key) = run.checkpoint.pending_threads.keys().next().cloned() else {
                break;
            };
            let finished = match key.strip_prefix(QUOTES) {
                Some(id) => {
                    self.search(run, &endpoint, Query::Quotes(id), &key, false)
                        .await?
                }
                None => {
                    let query = format!("conversation_id:{key}");
                    self.search(run, &endpoint, Query::Search(&query), &query, false)
                        .await?
                }
            };
            if !finished {
                break;
            }
            run.checkpoint.thread_done(&key);
            run.save()?;
        }
        Ok(())
    }

    /// Page through one query; `true` when its pass finished.
    async fn search(
        &self,
        run: &mut SourceRun,
        endpoint: &Url,
        query: Query<'_>,
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
            let mut url = match query {
                Query::Search(_) => endpoint.clone(),
                Query::Quotes(id) => join(&self.base()?, &format!("2/tweets/{id}/quote_tweets"))?,
            };
            {
                let mut q = url.query_pairs_mut();
                let per_page = match query {
                    Query::Search(text) => {
                        q.append_pair("query", text);
                        self.config.max_results
                    }
                    Query::Quotes(_) => self.config.max_results.min(100),
                };
                q.append_pair("max_results", &per_page.to_string())
                    .append_pair("tweet.fields", TWEET_FIELDS)
                    .append_pair("user.fields", USER_FIELDS)
                    .append_pair("expansions", EXPANSIONS);
                if let (Query::Search(_), Some(since)) = (query, &state.pass_since) {
                    q.append_pair("since_id", since);
                }
                if let Some(token) = &state.cursor {
                    let name = match query {
                        Query::Search(_) => "next_token",
                        Query::Quotes(_) => "pagination_token",
                    };
                    q.append_pair(name, token);
                }
            }
            let request = ApiRequest::get(url, Some(self.token.clone()));
            let Some(page) = run.fetch(&request).await? else {
                return Ok(false);
            };
            let parsed: SearchPage = parse_page(&page);
            run.archive(&page, &origin, parsed.data.len() as u64)?;
            if matched && self.config.threads {
                for tweet in &parsed.data {
                    let conversation = tweet.conversation_id.as_deref().unwrap_or(&tweet.id);
                    let replies = tweet.public_metrics.as_ref().map_or(0, |m| m.reply_count);
                    // A root nobody answered has no thread to fetch (yet).
                    if conversation != tweet.id || replies > 0 {
                        run.checkpoint.queue_thread(conversation.to_owned());
                    }
                    let quotes = tweet.public_metrics.as_ref().map_or(0, |m| m.quote_count);
                    if self.config.quotes && quotes > 0 {
                        run.checkpoint
                            .want_thread(format!("{QUOTES}{}", tweet.id), quotes);
                    }
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
