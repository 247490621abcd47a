//! The generic formats' shared record: named §1 columns, text verbatim.
//! `jsonl` deserialises it directly; `csv` fills it through a column map.

use std::borrow::Cow;

use serde::Deserialize;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};

use crate::context::Context;
use crate::de::{opt_count, opt_id_borrowed, opt_str};
use crate::reader::{Doc, DocumentParser};
use crate::reject::{Outcome, missing};

/// One generic record. `id`/`post_id`, `text`, `created_at` and
/// `author`/`author_handle` are required; every other formats.md §1 column
/// is optional and taken as given. Strings are borrowed from the input
/// where they have no escapes ([`opt_str`]: serde's own `Option<Cow<str>>`
/// would copy them all), so a post's strings are allocated once, as the
/// post's own.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct GenericRecord<'a> {
    #[serde(
        default,
        borrow,
        alias = "post_id",
        deserialize_with = "opt_id_borrowed"
    )]
    pub id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub text: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub created_at: Option<Cow<'a, str>>,
    #[serde(default, borrow, alias = "author_handle", deserialize_with = "opt_str")]
    pub author: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub platform: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub url: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub author_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub author_name: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "opt_count")]
    pub author_followers: Option<u64>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub lang: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub conversation_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub reply_to_post_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub reply_to_author_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub referenced_post_id: Option<Cow<'a, str>>,
    /// Not a §1 column: the reposted post (twarc-csv's `referenced_tweets.retweeted.id`).
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub reposted_post_id: Option<Cow<'a, str>>,
    /// Not a §1 column: the quoted post (twarc-csv's `referenced_tweets.quoted.id`).
    #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
    pub quoted_post_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub hashtags: Option<Vec<Item<'a>>>,
    #[serde(default, borrow)]
    pub mentions: Option<Vec<Item<'a>>>,
    #[serde(default, borrow)]
    pub urls: Option<Vec<Item<'a>>>,
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
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub source: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    pub collected_at: Option<Cow<'a, str>>,
}

/// One string of a list field, borrowed where the input has no escapes.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(crate) struct Item<'a>(#[serde(borrow)] pub Cow<'a, str>);

impl GenericRecord<'_> {
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
        let platform = match self.platform.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => p
                .parse::<Platform>()
                .map_err(|e| format!("field `platform`: {e}"))?,
            None => Platform::Import,
        };
        let referenced = self
            .referenced_post_id
            .or(self.reposted_post_id.clone())
            .or(self.quoted_post_id.clone())
            .map(Cow::into_owned);
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
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
        let strip = |list: Option<Vec<Item<'_>>>, sigil: char, lower: bool| -> Vec<String> {
            list.unwrap_or_default()
                .into_iter()
                .map(|Item(s)| {
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
            url: owned(self.url.filter(|u| !u.is_empty())),
            created_at,
            author_id: owned(self.author_id).unwrap_or_else(|| handle.clone()),
            author_handle: handle,
            author_name: owned(self.author_name.filter(|n| !n.is_empty())),
            author_followers: self.author_followers,
            text: text.into_owned(),
            lang: owned(self.lang.filter(|l| !l.is_empty())),
            kind,
            conversation_id: owned(self.conversation_id),
            reply_to_post_id: owned(self.reply_to_post_id),
            reply_to_author_id: owned(self.reply_to_author_id.filter(|_| kind == PostKind::Reply)),
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
            source: match self.source.filter(|s| !s.is_empty()) {
                Some(source) => source.into_owned(),
                None => ctx.source.clone(),
            },
            collected_at,
            local_ref: None,
            seen_on: Vec::new(),
            post_id: post_id.into_owned(),
        })
    }
}

/// An optional string, owned.
fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

/// Reads the generic `jsonl` format.
pub(crate) struct JsonlParser {
    pub ctx: Context,
}

impl JsonlParser {
    fn parse(&self, doc: &Doc<'_>) -> Outcome {
        let record: GenericRecord<'_> =
            serde_json::from_str(doc.text).map_err(|e| doc.json_error(&e))?;
        record
            .into_post(&self.ctx)
            .map_err(|reason| doc.error(reason))
    }
}

impl DocumentParser for JsonlParser {
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        vec![self.parse(doc)]
    }

    fn parse_value_into(&self, doc: &Doc<'_>, out: &mut Vec<Outcome>) {
        out.push(self.parse(doc));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlens_model::parse_timestamp;

    fn parse(line: &str) -> Outcome {
        let parser = JsonlParser {
            ctx: Context {
                source: "posts.jsonl".to_owned(),
                collected_at: parse_timestamp("2022-06-29T00:00:00Z").unwrap(),
                instance: None,
            },
        };
        let mut out = Vec::new();
        parser.parse_value_into(&Doc::on_line(line, 1), &mut out);
        assert_eq!(out.len(), 1);
        out.remove(0)
    }

    #[test]
    fn escaped_fields_read_as_their_unescaped_text() {
        // Fields borrowed from the line where they have no escapes must
        // still read escaped ones (\u0040 is @, \u0023 is #, \u0078 is x).
        let plain = r##"{"id":"1","text":"hi","created_at":"2022-06-28T09:00:00Z","author":"@ann","platform":"x","kind":"reply","hashtags":["#NHS"," QI"],"mentions":["@bob"],"source":"s","collected_at":"2022-06-28T10:00:00Z"}"##;
        let escaped = r##"{"id":"1","text":"hi","created_at":"2022-06-28T09:00:00\u005a","author":"\u0040ann","platform":"\u0078","kind":"repl\u0079","hashtags":["\u0023NHS"," Q\u0049"],"mentions":["\u0040bob"],"source":"\u0073","collected_at":"2022-06-28T10:00:00\u005a"}"##;
        let plain = parse(plain).unwrap();
        assert_eq!(plain.author_handle, "ann");
        assert_eq!(plain.hashtags, vec!["nhs", "qi"]);
        assert_eq!(plain.mentions, vec!["bob"]);
        assert_eq!(plain.kind, PostKind::Reply);
        assert_eq!(plain.platform, Platform::X);
        assert_eq!(plain.source, "s");
        assert_eq!(parse(escaped).unwrap(), plain);
    }

    #[test]
    fn a_record_without_an_author_names_the_field() {
        let reject =
            parse(r#"{"id":"1","text":"hi","created_at":"2022-06-28T09:00:00Z"}"#).unwrap_err();
        assert_eq!(reject.reason, "missing field `author`");
    }
}
