//! Twitter/X API v2: response pages (`x-v2`, raw `twarc2` lines) and
//! `twarc2 flatten` tweets, which inline their expansions.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp, snowflake_timestamp};

use crate::context::Context;
use crate::de::{null_default, opt_count, opt_id};
use crate::reader::{Doc, DocumentParser};
use crate::reject::{Outcome, missing};
use crate::text::decode_entities;

/// Reads X API v2 pages and flattened tweets.
pub(crate) struct XParser {
    pub ctx: Context,
}

#[derive(Deserialize, Default)]
struct Includes {
    #[serde(default, deserialize_with = "null_default")]
    users: Vec<User>,
    #[serde(default, deserialize_with = "null_default")]
    tweets: Vec<Tweet>,
}

/// A page's `data`: an array of tweets (search), or one tweet (lookup).
struct Data {
    tweets: Vec<Tweet>,
    /// `data` was a single object, not an array.
    single: bool,
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DataVisitor;
        impl<'de> serde::de::Visitor<'de> for DataVisitor {
            type Value = Data;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of tweets or one tweet")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Data, A::Error> {
                let mut tweets = Vec::with_capacity(seq.size_hint().unwrap_or(100));
                while let Some(t) = seq.next_element()? {
                    tweets.push(t);
                }
                Ok(Data {
                    tweets,
                    single: false,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Data, A::Error> {
                let tweet = Tweet::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Data {
                    tweets: vec![tweet],
                    single: true,
                })
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Data, E> {
                Ok(Data {
                    tweets: Vec::new(),
                    single: false,
                })
            }
        }
        d.deserialize_any(DataVisitor)
    }
}

#[derive(Deserialize, Default)]
struct TwarcMeta {
    #[serde(default)]
    retrieved_at: Option<String>,
}

#[derive(Deserialize, Clone)]
struct User {
    #[serde(default, deserialize_with = "opt_id")]
    id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    public_metrics: Option<UserMetrics>,
}

#[derive(Deserialize, Clone)]
struct UserMetrics {
    #[serde(default, deserialize_with = "opt_count")]
    followers_count: Option<u64>,
}

#[derive(Deserialize)]
struct Tweet {
    #[serde(default, deserialize_with = "opt_id")]
    id: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    note_tweet: Option<NoteTweet>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    author_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    conversation_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    in_reply_to_user_id: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(rename = "type", default)]
    ref_type: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    referenced_tweets: Vec<Tweet>,
    #[serde(default)]
    entities: Option<Entities>,
    #[serde(default)]
    public_metrics: Option<TweetMetrics>,
    /// `twarc2 flatten` inlines the author here.
    #[serde(default)]
    author: Option<User>,
    #[serde(rename = "__twarc", default)]
    twarc: Option<TwarcMeta>,
    // A response page is read with the same struct: one pass over a line
    // tells a page (these keys) from a flattened tweet (`id`).
    #[serde(default)]
    data: Option<Data>,
    #[serde(default)]
    includes: Option<Includes>,
    #[serde(default)]
    meta: Option<IgnoredAny>,
    /// Partial errors; a page may hold only these (every result deleted).
    #[serde(default)]
    errors: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct NoteTweet {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize, Default)]
struct Entities {
    #[serde(default, deserialize_with = "null_default")]
    hashtags: Vec<Tag>,
    #[serde(default, deserialize_with = "null_default")]
    mentions: Vec<Mention>,
    #[serde(default, deserialize_with = "null_default")]
    urls: Vec<Link>,
}

#[derive(Deserialize)]
struct Tag {
    #[serde(default)]
    tag: Option<String>,
}

#[derive(Deserialize)]
struct Mention {
    #[serde(default)]
    username: Option<String>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    expanded_url: Option<String>,
    #[serde(default)]
    unwound_url: Option<String>,
}

#[derive(Deserialize, Default)]
struct TweetMetrics {
    #[serde(default, deserialize_with = "opt_count")]
    retweet_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    reply_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    quote_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    impression_count: Option<u64>,
}

impl DocumentParser for XParser {
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        let line: Tweet = match serde_json::from_str(doc.text) {
            Ok(t) => t,
            Err(e) => return vec![Err(doc.json_error(&e))],
        };
        let retrieved = line.twarc.as_ref().and_then(|t| t.retrieved_at.as_deref());
        let is_page = line.data.is_some() || line.includes.is_some() || line.meta.is_some();
        if is_page || (line.errors.is_some() && line.id.is_none()) {
            self.page(doc, &line, retrieved)
        } else if line.id.is_some() {
            let users = HashMap::new();
            let mut out = vec![self.post(doc, &line, &users, true, retrieved, &[])];
            // Expanded referenced tweets arrive whole: import them as context.
            for (i, referenced) in line
                .referenced_tweets
                .iter()
                .enumerate()
                .filter(|(_, r)| r.text.is_some())
            {
                let path = [Step::Key("referenced_tweets"), Step::Index(i)];
                out.push(self.post(doc, referenced, &users, false, retrieved, &path));
            }
            out
        } else {
            vec![Err(doc.error(
                "neither an X API v2 response page (no `data`, `includes` or `meta`) nor a tweet (no `id`)",
            ))]
        }
    }
}

/// A step from a line's JSON to one tweet in it, to show that tweet alone
/// in a reject.
#[derive(Clone, Copy)]
enum Step {
    Key(&'static str),
    Index(usize),
}

impl XParser {
    fn page(&self, doc: &Doc<'_>, page: &Tweet, retrieved: Option<&str>) -> Vec<Outcome> {
        let empty = Includes::default();
        let includes = page.includes.as_ref().unwrap_or(&empty);
        let users: HashMap<&str, &User> = includes
            .users
            .iter()
            .filter_map(|u| Some((u.id.as_deref()?, u)))
            .collect();
        let data = page
            .data
            .as_ref()
            .map(|d| d.tweets.as_slice())
            .unwrap_or_default();
        let single = page.data.as_ref().is_some_and(|d| d.single);
        let matched = data.iter().enumerate().map(|(i, t)| {
            let path = if single {
                vec![Step::Key("data")]
            } else {
                vec![Step::Key("data"), Step::Index(i)]
            };
            (t, true, path)
        });
        let context = includes.tweets.iter().enumerate().map(|(i, t)| {
            (
                t,
                false,
                vec![Step::Key("includes"), Step::Key("tweets"), Step::Index(i)],
            )
        });
        matched
            .chain(context)
            .map(|(tweet, matched, path)| self.post(doc, tweet, &users, matched, retrieved, &path))
            .collect()
    }

    fn post(
        &self,
        doc: &Doc<'_>,
        t: &Tweet,
        users: &HashMap<&str, &User>,
        matched: bool,
        retrieved_at: Option<&str>,
        path: &[Step],
    ) -> Outcome {
        let reject = |reason: String| {
            let mut e = doc.error(reason);
            e.raw = raw_at(doc.text, path).unwrap_or(e.raw);
            e
        };
        let id = t.id.clone().ok_or_else(|| reject(missing("id")))?;
        let text = t
            .note_tweet
            .as_ref()
            .and_then(|n| n.text.as_deref())
            .or(t.text.as_deref())
            .ok_or_else(|| reject(missing("text")))?;
        let created_at = match &t.created_at {
            Some(s) => {
                parse_timestamp(s).map_err(|e| reject(format!("field `created_at`: {e}")))?
            }
            None => snowflake_timestamp(&id).ok_or_else(|| reject(missing("created_at")))?,
        };
        let author_id = t
            .author_id
            .clone()
            .or_else(|| t.author.as_ref().and_then(|a| a.id.clone()));
        let author = t
            .author
            .as_ref()
            .or_else(|| author_id.as_deref().and_then(|a| users.get(a).copied()));
        let handle = author.and_then(|a| a.username.clone()).unwrap_or_default();
        let reference = |kind: &str| {
            t.referenced_tweets
                .iter()
                .find(|r| r.ref_type.as_deref() == Some(kind))
                .and_then(|r| r.id.clone())
        };
        let (retweeted, replied_to, quoted) = (
            reference("retweeted"),
            reference("replied_to"),
            reference("quoted"),
        );
        // Responses with default fields carry no references: a retweet is
        // then known only by its `RT @` prefix, as in the archive.
        let unreferenced_retweet = t.referenced_tweets.is_empty() && text.starts_with("RT @");
        // A reply names its parent, or sits in another post's conversation
        // (its parent missing from the payload). `in_reply_to_user_id`
        // alone is a leading @mention, not a reply (formats.md §1).
        let replies =
            replied_to.is_some() || t.conversation_id.as_ref().is_some_and(|root| *root != id);
        let kind = PostKind::classify(
            retweeted.is_some() || unreferenced_retweet,
            replies,
            quoted.is_some(),
        );
        let entities = t.entities.as_ref();
        let metrics = t.public_metrics.as_ref();
        let url = if handle.is_empty() {
            format!("https://x.com/i/web/status/{id}")
        } else {
            format!("https://x.com/{handle}/status/{id}")
        };
        Ok(Post {
            platform: Platform::X,
            url: Some(url),
            created_at,
            author_id: author_id.unwrap_or_default(),
            author_handle: handle,
            author_name: author.and_then(|a| a.name.clone()),
            author_followers: author.and_then(|a| a.public_metrics.as_ref()?.followers_count),
            text: decode_entities(text),
            lang: t.lang.clone(),
            kind,
            conversation_id: t.conversation_id.clone(),
            reply_to_post_id: replied_to,
            reply_to_author_id: t
                .in_reply_to_user_id
                .clone()
                .filter(|_| kind == PostKind::Reply),
            referenced_post_id: retweeted.or(quoted),
            hashtags: entities
                .map(|e| {
                    e.hashtags
                        .iter()
                        .filter_map(|h| h.tag.as_deref())
                        .map(str::to_lowercase)
                        .collect()
                })
                .unwrap_or_default(),
            mentions: entities
                .map(|e| {
                    e.mentions
                        .iter()
                        .filter_map(|m| m.username.clone())
                        .collect()
                })
                .unwrap_or_default(),
            urls: entities
                .map(|e| {
                    e.urls
                        .iter()
                        .filter_map(|u| {
                            u.unwound_url
                                .clone()
                                .or_else(|| u.expanded_url.clone())
                                .or_else(|| u.url.clone())
                        })
                        .collect()
                })
                .unwrap_or_default(),
            replies: metrics.and_then(|m| m.reply_count),
            reposts: metrics.and_then(|m| m.retweet_count),
            likes: metrics.and_then(|m| m.like_count),
            quotes: metrics.and_then(|m| m.quote_count),
            impressions: metrics.and_then(|m| m.impression_count),
            matched,
            source: self.ctx.source.clone(),
            collected_at: self.ctx.collected_at(retrieved_at),
            local_ref: None,
            seen_on: Vec::new(),
            post_id: id,
        })
    }
}

/// The JSON text of the value at `path` in `text` (a rejected tweet inside a
/// page), found by parsing again: rejects are rare, pages are not.
fn raw_at(text: &str, path: &[Step]) -> Option<String> {
    let root: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut value = &root;
    for step in path {
        value = match *step {
            Step::Key(k) => value.get(k)?,
            Step::Index(i) => value.get(i)?,
        };
    }
    serde_json::to_string(value).ok()
}
