//! The X account archive's `data/tweets.js`: JavaScript that assigns an
//! array of `{"tweet": {...}}` (v1.1-shaped, every number a string).

use std::path::Path;

use serde::Deserialize;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};

use crate::context::Context;
use crate::de::{null_default, opt_count, opt_id};
use crate::reader::{Doc, DocumentParser};
use crate::reject::{Outcome, missing};
use crate::text::decode_entities;

/// The archive owner, read from `account.js` beside `tweets.js`: the
/// archive's tweets do not name their author.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ArchiveAccount {
    pub id: String,
    pub username: String,
    pub name: Option<String>,
}

impl ArchiveAccount {
    /// Read `account.js` in the folder of `tweets_js`, if it is there and readable.
    pub(crate) fn beside(tweets_js: &Path) -> Option<ArchiveAccount> {
        #[derive(Deserialize)]
        struct Entry {
            account: Account,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Account {
            #[serde(default, deserialize_with = "opt_id")]
            account_id: Option<String>,
            username: String,
            #[serde(default)]
            account_display_name: Option<String>,
        }
        let text = std::fs::read_to_string(tweets_js.parent()?.join("account.js")).ok()?;
        let json = &text[text.find('[')?..];
        let entries: Vec<Entry> = serde_json::from_str(json).ok()?;
        let account = entries.into_iter().next()?.account;
        Some(ArchiveAccount {
            id: account.account_id.unwrap_or_default(),
            username: account.username,
            name: account.account_display_name,
        })
    }
}

/// Reads `tweets.js`.
pub(crate) struct ArchiveParser {
    pub ctx: Context,
    pub account: Option<ArchiveAccount>,
}

#[derive(Deserialize)]
struct Element {
    #[serde(default)]
    tweet: Option<ArchiveTweet>,
}

#[derive(Deserialize)]
struct ArchiveTweet {
    #[serde(default, deserialize_with = "opt_id")]
    id_str: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    id: Option<String>,
    #[serde(default)]
    full_text: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    in_reply_to_status_id_str: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    in_reply_to_user_id_str: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    quoted_status_id_str: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    favorite_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    retweet_count: Option<u64>,
    #[serde(default)]
    entities: Option<ArchiveEntities>,
}

#[derive(Deserialize, Default)]
struct ArchiveEntities {
    #[serde(default, deserialize_with = "null_default")]
    hashtags: Vec<Named>,
    #[serde(default, deserialize_with = "null_default")]
    user_mentions: Vec<Named>,
    #[serde(default, deserialize_with = "null_default")]
    urls: Vec<Named>,
}

#[derive(Deserialize)]
struct Named {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    screen_name: Option<String>,
    #[serde(default)]
    expanded_url: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

impl DocumentParser for ArchiveParser {
    fn json_start(&self, text: &str) -> usize {
        text.find('[').unwrap_or(text.len())
    }

    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        // The reader splits the top-level array: `doc` is one element.
        vec![self.element(doc)]
    }
}

impl ArchiveParser {
    fn element(&self, doc: &Doc<'_>) -> Outcome {
        let element: Element = serde_json::from_str(doc.text).map_err(|e| doc.json_error(&e))?;
        let t = match element.tweet {
            Some(t) => t,
            None => serde_json::from_str(doc.text).map_err(|e| doc.json_error(&e))?,
        };
        let id = t
            .id_str
            .or(t.id)
            .ok_or_else(|| doc.error(missing("id_str")))?;
        let text = decode_entities(
            &t.full_text
                .or(t.text)
                .ok_or_else(|| doc.error(missing("full_text")))?,
        );
        let created = t
            .created_at
            .ok_or_else(|| doc.error(missing("created_at")))?;
        let created_at =
            parse_timestamp(&created).map_err(|e| doc.error(format!("field `created_at`: {e}")))?;
        // The archive marks retweets only by their text.
        let is_retweet = text.starts_with("RT @");
        let kind = PostKind::classify(
            is_retweet,
            t.in_reply_to_status_id_str.is_some(),
            t.quoted_status_id_str.is_some(),
        );
        let account = self.account.clone().unwrap_or_default();
        let entities = t.entities.unwrap_or_default();
        let url = if account.username.is_empty() {
            format!("https://x.com/i/web/status/{id}")
        } else {
            format!("https://x.com/{}/status/{id}", account.username)
        };
        Ok(Post {
            platform: Platform::X,
            url: Some(url),
            created_at,
            author_id: account.id,
            author_handle: account.username,
            author_name: account.name,
            author_followers: None,
            text,
            lang: t.lang,
            kind,
            // The archive has no conversation ids; a tweet that replies to
            // nothing is the root of its own conversation.
            conversation_id: t.in_reply_to_status_id_str.is_none().then(|| id.clone()),
            reply_to_post_id: t.in_reply_to_status_id_str,
            // A leading @mention without a parent status is not a reply.
            reply_to_author_id: t
                .in_reply_to_user_id_str
                .filter(|_| kind == PostKind::Reply),
            referenced_post_id: t.quoted_status_id_str,
            hashtags: entities
                .hashtags
                .iter()
                .filter_map(|h| h.text.as_deref())
                .map(str::to_lowercase)
                .collect(),
            mentions: entities
                .user_mentions
                .iter()
                .filter_map(|m| m.screen_name.clone())
                .collect(),
            urls: entities
                .urls
                .iter()
                .filter_map(|u| u.expanded_url.clone().or_else(|| u.url.clone()))
                .collect(),
            replies: None,
            reposts: t.retweet_count,
            likes: t.favorite_count,
            quotes: None,
            impressions: None,
            matched: true,
            source: self.ctx.source.clone(),
            collected_at: self.ctx.collected_at,
            local_ref: None,
            seen_on: Vec::new(),
            post_id: id,
        })
    }
}
