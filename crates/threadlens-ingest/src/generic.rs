//! The generic formats' shared record: named §1 columns, text verbatim.
//! `jsonl` deserialises it directly; `csv` fills it through a column map.

use serde::Deserialize;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};

use crate::context::Context;
use crate::de::{opt_count, opt_id};
use crate::reader::{Doc, DocumentParser};
use crate::reject::{Outcome, missing};

/// One generic record. `id`/`post_id`, `text`, `created_at` and
/// `author`/`author_handle` are required; every other formats.md §1 column
/// is optional and taken as given.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct GenericRecord {
    #[serde(default, alias = "post_id", deserialize_with = "opt_id")]
    pub id: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default, alias = "author_handle")]
    pub author: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub author_id: Option<String>,
    #[serde(default)]
    pub author_name: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    pub author_followers: Option<u64>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub conversation_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub reply_to_post_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub reply_to_author_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    pub referenced_post_id: Option<String>,
    /// Not a §1 column: the reposted post (twarc-csv's `referenced_tweets.retweeted.id`).
    #[serde(default, deserialize_with = "opt_id")]
    pub reposted_post_id: Option<String>,
    /// Not a §1 column: the quoted post (twarc-csv's `referenced_tweets.quoted.id`).
    #[serde(default, deserialize_with = "opt_id")]
    pub quoted_post_id: Option<String>,
    #[serde(default)]
    pub hashtags: Option<Vec<String>>,
    #[serde(default)]
    pub mentions: Option<Vec<String>>,
    #[serde(default)]
    pub urls: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_count")]
    pub replies: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    pub reposts: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    pub likes: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    pub quotes: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    pub impressions: Option<u64>,
    #[serde(default)]
    pub matched: Option<bool>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub collected_at: Option<String>,
}

impl GenericRecord {
    /// The post, or the reason (naming the field) it cannot be one.
    pub(crate) fn into_post(self, ctx: &Context) -> Result<Post, String> {
        let post_id = self.id.ok_or_else(|| missing("id"))?;
        let text = self.text.ok_or_else(|| missing("text"))?;
        let created = self
            .created_at
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| missing("created_at"))?;
        let created_at =
            parse_timestamp(&created).map_err(|e| format!("field `created_at`: {e}"))?;
        let handle = self
            .author
            .filter(|a| !a.is_empty())
            .ok_or_else(|| missing("author"))?;
        let handle = handle.trim_start_matches('@').to_owned();
        let platform = match self.platform.filter(|p| !p.is_empty()) {
            Some(p) => p
                .parse::<Platform>()
                .map_err(|e| format!("field `platform`: {e}"))?,
            None => Platform::Import,
        };
        let referenced = self
            .referenced_post_id
            .or(self.reposted_post_id.clone())
            .or(self.quoted_post_id.clone());
        let kind = match self.kind.filter(|k| !k.is_empty()) {
            Some(k) => k
                .parse::<PostKind>()
                .map_err(|e| format!("field `kind`: {e}"))?,
            None => PostKind::classify(
                self.reposted_post_id.is_some(),
                // A reply names its parent, or sits in another post's
                // conversation (formats.md §1).
                self.reply_to_post_id.is_some()
                    || self
                        .conversation_id
                        .as_ref()
                        .is_some_and(|root| *root != post_id),
                self.quoted_post_id.is_some()
                    || (self.reposted_post_id.is_none() && referenced.is_some()),
            ),
        };
        let collected_at = match self.collected_at.filter(|c| !c.trim().is_empty()) {
            Some(c) => parse_timestamp(&c).map_err(|e| format!("field `collected_at`: {e}"))?,
            None => ctx.collected_at,
        };
        let strip = |list: Option<Vec<String>>, sigil: char, lower: bool| -> Vec<String> {
            list.unwrap_or_default()
                .into_iter()
                .map(|s| {
                    let s = s.trim().trim_start_matches(sigil);
                    if lower {
                        s.to_lowercase()
                    } else {
                        s.to_owned()
                    }
                })
                .filter(|s| !s.is_empty())
                .collect()
        };
        Ok(Post {
            platform,
            url: self.url.filter(|u| !u.is_empty()),
            created_at,
            author_id: self.author_id.unwrap_or_else(|| handle.clone()),
            author_handle: handle,
            author_name: self.author_name.filter(|n| !n.is_empty()),
            author_followers: self.author_followers,
            text,
            lang: self.lang.filter(|l| !l.is_empty()),
            kind,
            conversation_id: self.conversation_id,
            reply_to_post_id: self.reply_to_post_id,
            reply_to_author_id: self.reply_to_author_id.filter(|_| kind == PostKind::Reply),
            referenced_post_id: referenced,
            hashtags: strip(self.hashtags, '#', true),
            mentions: strip(self.mentions, '@', false),
            urls: strip(self.urls, ' ', false),
            replies: self.replies,
            reposts: self.reposts,
            likes: self.likes,
            quotes: self.quotes,
            impressions: self.impressions,
            matched: self.matched.unwrap_or(true),
            source: self
                .source
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| ctx.source.clone()),
            collected_at,
            local_ref: None,
            seen_on: Vec::new(),
            post_id,
        })
    }
}

/// Reads the generic `jsonl` format.
pub(crate) struct JsonlParser {
    pub ctx: Context,
}

impl DocumentParser for JsonlParser {
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        let record: GenericRecord = match serde_json::from_str(doc.text) {
            Ok(r) => r,
            Err(e) => return vec![Err(doc.json_error(&e))],
        };
        vec![
            record
                .into_post(&self.ctx)
                .map_err(|reason| doc.error(reason)),
        ]
    }
}
