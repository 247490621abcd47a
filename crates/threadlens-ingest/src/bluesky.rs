//! Bluesky (AT Protocol): `searchPosts` responses, `PostView` arrays,
//! feeds of `FeedViewPost` (with reposts), `getPostThread` trees, and raw
//! `app.bsky.feed.post` records (`listRecords`).

use serde::Deserialize;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};

use crate::context::Context;
use crate::de::{null_default, opt_count};
use crate::reader::{Doc, DocumentParser};
use crate::reject::{Outcome, missing};

/// Reads Bluesky payloads.
pub(crate) struct BlueskyParser {
    pub ctx: Context,
}

/// Every top-level shape, told apart by which keys are present.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    #[serde(default, deserialize_with = "null_default")]
    posts: Vec<PostView>,
    #[serde(default, deserialize_with = "null_default")]
    feed: Vec<FeedViewPost>,
    #[serde(default)]
    thread: Option<ThreadNode>,
    #[serde(default, deserialize_with = "null_default")]
    records: Vec<RecordEntry>,
    #[serde(default, deserialize_with = "null_default")]
    post_records: Vec<RecordEntry>,
    #[serde(default)]
    account_meta: Option<AccountMeta>,
    // A bare FeedViewPost or record entry:
    #[serde(default)]
    post: Option<PostView>,
    #[serde(default)]
    reason: Option<Reason>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    value: Option<PostRecord>,
    // A bare PostView (an element of a PostView array), read in the same
    // pass: serde(flatten) would buffer every other field, and reading the
    // text again as a PostView would scan it twice.
    #[serde(default)]
    author: Option<Author>,
    #[serde(default)]
    record: Option<PostRecord>,
    #[serde(default)]
    indexed_at: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    reply_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    repost_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    quote_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostView {
    uri: String,
    author: Author,
    record: PostRecord,
    #[serde(default)]
    indexed_at: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    reply_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    repost_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    like_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    quote_count: Option<u64>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Author {
    did: String,
    #[serde(default)]
    handle: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "opt_count")]
    followers_count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PostRecord {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    langs: Vec<String>,
    #[serde(default)]
    reply: Option<ReplyRef>,
    #[serde(default)]
    embed: Option<Embed>,
    #[serde(default, deserialize_with = "null_default")]
    facets: Vec<Facet>,
    #[serde(default, deserialize_with = "null_default")]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct ReplyRef {
    #[serde(default)]
    root: Option<StrongRef>,
    #[serde(default)]
    parent: Option<StrongRef>,
}

#[derive(Deserialize)]
struct StrongRef {
    #[serde(default)]
    uri: Option<String>,
    /// `recordWithMedia` nests the strong ref one level deeper.
    #[serde(default)]
    record: Option<Box<StrongRef>>,
}

#[derive(Deserialize)]
struct Embed {
    #[serde(rename = "$type", default)]
    kind: Option<String>,
    #[serde(default)]
    record: Option<StrongRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Facet {
    #[serde(default)]
    index: Option<ByteSlice>,
    #[serde(default, deserialize_with = "null_default")]
    features: Vec<Feature>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ByteSlice {
    byte_start: usize,
    byte_end: usize,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(rename = "$type", default)]
    kind: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    #[serde(default)]
    did: Option<String>,
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
struct FeedViewPost {
    post: PostView,
    #[serde(default)]
    reason: Option<Reason>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reason {
    #[serde(rename = "$type", default)]
    kind: Option<String>,
    #[serde(default)]
    by: Option<Author>,
    #[serde(default)]
    indexed_at: Option<String>,
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
struct ThreadNode {
    #[serde(default)]
    post: Option<PostView>,
    #[serde(default)]
    parent: Option<Box<ThreadNode>>,
    #[serde(default, deserialize_with = "null_default")]
    replies: Vec<ThreadNode>,
}

#[derive(Deserialize)]
struct RecordEntry {
    uri: String,
    value: PostRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AccountMeta {
    #[serde(default)]
    identity: Option<Identity>,
    #[serde(default, deserialize_with = "opt_count")]
    followers_count: Option<u64>,
    #[serde(default)]
    profile: Option<Profile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Identity {
    #[serde(rename = "DID", default)]
    did: Option<String>,
    #[serde(default)]
    handle: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Profile {
    #[serde(default)]
    display_name: Option<String>,
}

const REPOST_REASON: &str = "app.bsky.feed.defs#reasonRepost";

/// `post` with its author set: the handle falls back to the DID, and the
/// bsky.app link is made from it.
fn with_author(
    mut post: Post,
    did: &str,
    handle: Option<&str>,
    name: Option<&str>,
    followers: Option<u64>,
) -> Post {
    post.author_id = did.to_owned();
    post.author_handle = handle.unwrap_or(did).to_owned();
    post.url = Some(web_url(&post.author_handle, &post.post_id));
    post.author_name = name.filter(|n| !n.is_empty()).map(str::to_owned);
    post.author_followers = followers;
    post
}

/// The bsky.app address of the post at `uri` by `handle` (or DID).
fn web_url(handle: &str, uri: &str) -> String {
    let rkey = uri.rsplit('/').next().unwrap_or_default();
    format!("https://bsky.app/profile/{handle}/post/{rkey}")
}

/// The DID of the repository an `at://` URI points into.
fn did_of(uri: &str) -> Option<&str> {
    uri.strip_prefix("at://")?
        .split('/')
        .next()
        .filter(|d| !d.is_empty())
}

impl DocumentParser for BlueskyParser {
    fn parse_value(&self, doc: &Doc<'_>) -> Vec<Outcome> {
        let d: Document = match serde_json::from_str(doc.text) {
            Ok(d) => d,
            Err(e) => return vec![Err(doc.json_error(&e))],
        };
        let mut out = Vec::new();
        for view in &d.posts {
            out.push(self.view(doc, view, true));
        }
        for item in &d.feed {
            self.feed_item(doc, &item.post, item.reason.as_ref(), &mut out);
        }
        if let Some(thread) = &d.thread {
            self.thread(doc, thread, true, true, &mut out);
        }
        let owner = d.account_meta.as_ref();
        for entry in d.records.iter().chain(&d.post_records) {
            out.push(self.raw_record(doc, &entry.uri, &entry.value, owner));
        }
        let has_collection = !d.posts.is_empty()
            || !d.feed.is_empty()
            || d.thread.is_some()
            || !d.records.is_empty()
            || !d.post_records.is_empty();
        if has_collection {
            return out;
        }
        match (d.uri, d.author, d.record, d.value, d.post) {
            (_, _, _, _, Some(post)) => self.feed_item(doc, &post, d.reason.as_ref(), &mut out),
            (Some(uri), Some(author), Some(record), _, _) => {
                let view = PostView {
                    uri,
                    author,
                    record,
                    indexed_at: d.indexed_at,
                    reply_count: d.reply_count,
                    repost_count: d.repost_count,
                    like_count: d.like_count,
                    quote_count: d.quote_count,
                };
                out.push(self.view(doc, &view, true));
            }
            (Some(uri), None, None, Some(value), _) => out.push(self.raw_record(doc, &uri, &value, None)),
            (Some(_), None, _, _, _) => out.push(Err(doc.error(missing("author")))),
            (Some(_), Some(_), None, _, _) => out.push(Err(doc.error(missing("record")))),
            // An empty page (`{"posts": []}`) or an unknown object.
            _ if doc.text.contains("\"posts\"") || doc.text.contains("\"feed\"") => {}
            _ => out.push(Err(doc.error(
                "not a Bluesky post: expected a searchPosts response, a feed, a thread, a PostView or a record",
            ))),
        }
        out
    }
}

impl BlueskyParser {
    fn feed_item(
        &self,
        doc: &Doc<'_>,
        post: &PostView,
        reason: Option<&Reason>,
        out: &mut Vec<Outcome>,
    ) {
        let repost = reason.filter(|r| r.kind.as_deref() == Some(REPOST_REASON));
        let Some(reason) = repost else {
            out.push(self.view(doc, post, true));
            return;
        };
        // The feed item is the repost; the reposted post came with it as context.
        out.push(self.repost(doc, post, reason));
        out.push(self.view(doc, post, false));
    }

    fn thread(
        &self,
        doc: &Doc<'_>,
        node: &ThreadNode,
        anchor: bool,
        up: bool,
        out: &mut Vec<Outcome>,
    ) {
        // notFoundPost and blockedPost nodes carry no post: nothing to import.
        if let Some(post) = &node.post {
            out.push(self.view(doc, post, anchor));
        }
        if up && let Some(parent) = &node.parent {
            self.thread(doc, parent, false, true, out);
        }
        if anchor || !up {
            for reply in &node.replies {
                self.thread(doc, reply, false, false, out);
            }
        }
    }

    fn repost(&self, doc: &Doc<'_>, post: &PostView, reason: &Reason) -> Outcome {
        let by = reason
            .by
            .as_ref()
            .ok_or_else(|| doc.error(missing("reason.by")))?;
        let when = reason
            .indexed_at
            .as_deref()
            .ok_or_else(|| doc.error(missing("reason.indexedAt")))?;
        let created_at = parse_timestamp(when)
            .map_err(|e| doc.error(format!("field `reason.indexedAt`: {e}")))?;
        // Older AppViews do not give the repost record's own URI: name it by
        // who reposted what, which is unique (one repost per account and post).
        let post_id = reason
            .uri
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| {
                format!("at://{}/app.bsky.feed.repost/?subject={}", by.did, post.uri)
            });
        let mut repost = Post::minimal(Platform::Bluesky, post_id, created_at);
        repost.author_id = by.did.clone();
        repost.author_handle = by.handle.clone().unwrap_or_else(|| by.did.clone());
        repost.author_name = by.display_name.clone().filter(|n| !n.is_empty());
        repost.author_followers = by.followers_count;
        repost.kind = PostKind::Repost;
        repost.referenced_post_id = Some(post.uri.clone());
        repost.source = self.ctx.source.clone();
        repost.collected_at = self.ctx.collected_at;
        Ok(repost)
    }

    fn view(&self, doc: &Doc<'_>, view: &PostView, matched: bool) -> Outcome {
        let post = self.record(doc, &view.uri, &view.record, view.indexed_at.as_deref())?;
        let a = &view.author;
        let mut post = with_author(
            post,
            &a.did,
            a.handle.as_deref(),
            a.display_name.as_deref(),
            a.followers_count,
        );
        post.replies = view.reply_count;
        post.reposts = view.repost_count;
        post.likes = view.like_count;
        post.quotes = view.quote_count;
        post.matched = matched;
        Ok(post)
    }

    fn raw_record(
        &self,
        doc: &Doc<'_>,
        uri: &str,
        record: &PostRecord,
        owner: Option<&AccountMeta>,
    ) -> Outcome {
        let post = self.record(doc, uri, record, None)?;
        let did = did_of(uri).unwrap_or_default();
        // The capture's account is the records' author when the DIDs agree.
        let owner =
            owner.filter(|o| o.identity.as_ref().and_then(|i| i.did.as_deref()) == Some(did));
        let handle = owner.and_then(|o| o.identity.as_ref()?.handle.as_deref());
        let name = owner.and_then(|o| o.profile.as_ref()?.display_name.as_deref());
        Ok(with_author(
            post,
            did,
            handle,
            name,
            owner.and_then(|o| o.followers_count),
        ))
    }

    /// The parts of a post that its record alone gives.
    fn record(
        &self,
        doc: &Doc<'_>,
        uri: &str,
        r: &PostRecord,
        indexed_at: Option<&str>,
    ) -> Outcome {
        if uri.trim().is_empty() {
            return Err(
                doc.error("field `uri`: empty (a post is named by its at:// URI)".to_owned())
            );
        }
        let created = r
            .created_at
            .as_deref()
            .or(indexed_at)
            .ok_or_else(|| doc.error(missing("record.createdAt")))?;
        let created_at = parse_timestamp(created)
            .map_err(|e| doc.error(format!("field `record.createdAt`: {e}")))?;
        let text = r
            .text
            .clone()
            .ok_or_else(|| doc.error(missing("record.text")))?;
        let parent = r
            .reply
            .as_ref()
            .and_then(|x| x.parent.as_ref()?.uri.clone());
        let root = r.reply.as_ref().and_then(|x| x.root.as_ref()?.uri.clone());
        let quoted = r.embed.as_ref().and_then(|e| {
            let kind = e.kind.as_deref().unwrap_or_default();
            let record = e.record.as_ref()?;
            match kind {
                "app.bsky.embed.record" => record.uri.clone(),
                "app.bsky.embed.recordWithMedia" => record.record.as_ref()?.uri.clone(),
                _ => None,
            }
        });
        let mut hashtags = Vec::new();
        let mut mentions = Vec::new();
        let mut urls = Vec::new();
        for facet in &r.facets {
            for feature in &facet.features {
                match feature.kind.as_deref().unwrap_or_default() {
                    "app.bsky.richtext.facet#tag" => {
                        hashtags.extend(feature.tag.as_deref().map(str::to_lowercase))
                    }
                    "app.bsky.richtext.facet#link" => urls.extend(feature.uri.clone()),
                    "app.bsky.richtext.facet#mention" => {
                        // Facet indices are UTF-8 byte offsets into the text.
                        let shown = facet
                            .index
                            .as_ref()
                            .and_then(|i| text.get(i.byte_start..i.byte_end))
                            .map(|s| s.trim_start_matches('@').to_owned());
                        mentions.extend(shown.or_else(|| feature.did.clone()));
                    }
                    _ => {}
                }
            }
        }
        for tag in &r.tags {
            let tag = tag.to_lowercase();
            if !hashtags.contains(&tag) {
                hashtags.push(tag);
            }
        }
        let mut post = Post::minimal(Platform::Bluesky, uri, created_at);
        post.text = text;
        post.lang = r.langs.first().cloned();
        post.kind = PostKind::classify(false, parent.is_some(), quoted.is_some());
        post.conversation_id = Some(root.unwrap_or_else(|| uri.to_owned()));
        post.reply_to_author_id = parent.as_deref().and_then(did_of).map(str::to_owned);
        post.reply_to_post_id = parent;
        post.referenced_post_id = quoted;
        post.hashtags = hashtags;
        post.mentions = mentions;
        post.urls = urls;
        post.source = self.ctx.source.clone();
        post.collected_at = self.ctx.collected_at;
        Ok(post)
    }
}
