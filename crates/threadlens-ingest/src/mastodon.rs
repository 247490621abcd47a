//! Mastodon `Status` entities: arrays (timelines), one per line, single
//! statuses, and `/context` responses (`{ancestors, descendants}`).

use serde::Deserialize;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};

use crate::context::{Context, url_host};
use crate::de::{null_default, opt_count, opt_id};
use crate::reader::{Doc, DocumentParser};
use crate::reject::{Outcome, missing};
use crate::text::html_to_text;

/// Reads Mastodon statuses.
pub(crate) struct MastodonParser {
    pub ctx: Context,
}

#[derive(Deserialize)]
struct ThreadContext {
    #[serde(default, deserialize_with = "null_default")]
    ancestors: Vec<Box<serde_json::value::RawValue>>,
    #[serde(default, deserialize_with = "null_default")]
    descendants: Vec<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    ancestors: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    descendants: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(default, deserialize_with = "opt_id")]
    id: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    in_reply_to_id: Option<String>,
    #[serde(default, deserialize_with = "opt_id")]
    in_reply_to_account_id: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    account: Option<Account>,
    #[serde(default)]
    reblog: Option<Box<Status>>,
    #[serde(default)]
    quote: Option<Box<Quote>>,
    #[serde(default, deserialize_with = "null_default")]
    mentions: Vec<Account>,
    #[serde(default, deserialize_with = "null_default")]
    tags: Vec<TagRef>,
    #[serde(default, deserialize_with = "opt_count")]
    replies_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    reblogs_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    favourites_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    quotes_count: Option<u64>,
}

/// Mastodon 4.5+ wraps the quoted status (`{state, quoted_status}`); some
/// forks put the quoted status itself here.
#[derive(Deserialize)]
struct Quote {
    #[serde(default)]
    quoted_status: Option<Status>,
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
struct Account {
    #[serde(default, deserialize_with = "opt_id")]
    id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    acct: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    followers_count: Option<u64>,
}

#[derive(Deserialize)]
struct TagRef {
    #[serde(default)]
    name: Option<String>,
}

impl Account {
    /// `user@host` for any account: local accounts' `acct` has no host.
    fn full_acct(&self, fallback_host: &str) -> Option<String> {
        let acct = self.acct.as_deref().or(self.username.as_deref())?;
        if acct.contains('@') {
            return Some(acct.trim_start_matches('@').to_owned());
        }
        let host = self
            .url
            .as_deref()
            .and_then(url_host)
            .unwrap_or(fallback_host);
        Some(format!("{acct}@{host}"))
    }
}

impl DocumentParser for MastodonParser {
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        let probe: Probe = match serde_json::from_str(doc.text) {
            Ok(p) => p,
            Err(e) => return vec![Err(doc.json_error(&e))],
        };
        if probe.ancestors.is_none() && probe.descendants.is_none() {
            return self.status(doc, true);
        }
        // A thread context: every status in it came as context.
        match serde_json::from_str::<ThreadContext>(doc.text) {
            Ok(c) => c
                .ancestors
                .iter()
                .chain(&c.descendants)
                .flat_map(|raw| self.status(&doc.part(raw.get()), false))
                .collect(),
            Err(e) => vec![Err(doc.json_error(&e))],
        }
    }
}

impl MastodonParser {
    fn status(&self, doc: &Doc<'_>, matched: bool) -> Vec<Outcome> {
        match serde_json::from_str::<Status>(doc.text) {
            Ok(status) => {
                let mut out = Vec::with_capacity(2);
                self.convert(doc, &status, matched, &mut out);
                out
            }
            Err(e) => vec![Err(doc.json_error(&e))],
        }
    }

    /// Push the post for `s` and, for a boost or quote, the post it carries (as context).
    fn convert(&self, doc: &Doc<'_>, s: &Status, matched: bool, out: &mut Vec<Outcome>) {
        out.push(self.post(doc, s, matched));
        if let Some(inner) = &s.reblog {
            self.convert(doc, inner, false, out);
        }
        if let Some(quoted) = s.quote.as_ref().and_then(|q| q.quoted_status.as_ref()) {
            out.push(self.post(doc, quoted, false));
        }
    }

    fn post(&self, doc: &Doc<'_>, s: &Status, matched: bool) -> Outcome {
        let uri = s
            .uri
            .clone()
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| doc.error(missing("uri")))?;
        let created = s
            .created_at
            .as_deref()
            .ok_or_else(|| doc.error(missing("created_at")))?;
        let created_at =
            parse_timestamp(created).map_err(|e| doc.error(format!("field `created_at`: {e}")))?;
        let account = s
            .account
            .as_ref()
            .ok_or_else(|| doc.error(missing("account")))?;
        // Local ids (`id`, `in_reply_to_id`) belong to the instance that served
        // the status: the one named with --instance, else the status's own host.
        let uri_host = url_host(&uri).unwrap_or_default();
        let serving = self.ctx.instance.as_deref().unwrap_or(uri_host);
        let author = account
            .full_acct(uri_host)
            .ok_or_else(|| doc.error(missing("account.acct")))?;
        let reply_to_author_id = s.in_reply_to_account_id.as_deref().map(|parent| {
            if account.id.as_deref() == Some(parent) {
                return author.clone();
            }
            s.mentions
                .iter()
                .find(|m| m.id.as_deref() == Some(parent))
                .and_then(|m| m.full_acct(serving))
                .unwrap_or_else(|| format!("{serving}/{parent}"))
        });
        let html = html_to_text(s.content.as_deref().unwrap_or_default());
        let quoted = s.quote.as_ref().and_then(|q| {
            q.quoted_status
                .as_ref()
                .and_then(|qs| qs.uri.clone())
                .or(q.uri.clone())
        });
        let reblogged = s.reblog.as_ref().and_then(|r| r.uri.clone());
        let kind = PostKind::classify(
            s.reblog.is_some(),
            s.in_reply_to_id.is_some(),
            quoted.is_some(),
        );
        Ok(Post {
            platform: Platform::Mastodon,
            url: s.url.clone().or_else(|| Some(uri.clone())),
            created_at,
            author_id: author.clone(),
            author_handle: author,
            author_name: account.display_name.clone().filter(|n| !n.is_empty()),
            author_followers: account.followers_count,
            text: html.text,
            lang: s.language.clone(),
            kind,
            // Statuses do not name their thread's root: a status that replies
            // to nothing is its own root; the store resolves the others.
            conversation_id: (s.in_reply_to_id.is_none() && s.reblog.is_none())
                .then(|| uri.clone()),
            reply_to_post_id: s
                .in_reply_to_id
                .as_ref()
                .map(|id| format!("{serving}/{id}")),
            reply_to_author_id,
            referenced_post_id: reblogged.or(quoted),
            hashtags: s
                .tags
                .iter()
                .filter_map(|t| t.name.as_deref())
                .map(str::to_lowercase)
                .collect(),
            mentions: s
                .mentions
                .iter()
                .filter_map(|m| m.full_acct(serving))
                .collect(),
            urls: html.links,
            replies: s.replies_count,
            reposts: s.reblogs_count,
            likes: s.favourites_count,
            quotes: s.quotes_count,
            impressions: None,
            matched,
            source: self.ctx.source.clone(),
            collected_at: self.ctx.collected_at,
            local_ref: s.id.as_ref().map(|id| format!("{serving}/{id}")),
            seen_on: s.id.iter().map(|id| format!("{serving}/{id}")).collect(),
            post_id: uri,
        })
    }
}

/// Files larger than this (decompressed) are not scanned for their instance.
const INFER_MAX_BYTES: u64 = 64 << 20;

/// The instance a Mastodon file was fetched from, told by its local
/// accounts: an account whose `acct` has no `@host` lives on the serving
/// instance, so its status's `uri` host is that instance. `None` when the
/// file has no local account (or is too large to scan): pass `--instance`.
pub(crate) fn infer_instance(path: &std::path::Path) -> Option<String> {
    let bytes = crate::input::read_at_most(path, INFER_MAX_BYTES).ok()??;
    let values = serde_json::Deserializer::from_slice(&bytes).into_iter::<serde_json::Value>();
    values.map_while(Result::ok).find_map(|v| local_host(&v))
}

fn local_host(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter().find_map(local_host),
        Value::Object(o) => {
            let nested = ["ancestors", "descendants"]
                .iter()
                .filter_map(|k| o.get(*k))
                .find_map(local_host);
            nested.or_else(|| {
                let acct = o.get("account")?.get("acct")?.as_str()?;
                if acct.contains('@') {
                    return o.get("reblog").and_then(local_host);
                }
                url_host(o.get("uri")?.as_str()?).map(str::to_owned)
            })
        }
        _ => None,
    }
}
