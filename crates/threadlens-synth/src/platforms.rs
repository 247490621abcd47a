//! The made-up posts in each platform's own shapes: only the fields the
//! real APIs send that importers read, in a fixed field order (structs,
//! not maps), so the same seed gives the same bytes.

use std::io::{self, Write};

use serde::Serialize;

use crate::corpus::{Kind, Parent, SynthPost, line};

/// The instance every synthetic Mastodon account lives on.
const INSTANCE: &str = "synth.example";

fn time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// A stable number for a handle (FNV-1a), for user ids and DIDs.
fn user_number(handle: &str) -> u64 {
    handle.bytes().fold(0xcbf2_9ce4_8422_2325, |h: u64, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) >> 4
}

fn x_id(n: u64) -> String {
    (1_540_000_000_000_000_000 + n).to_string()
}

#[derive(Serialize)]
struct XPage<'a> {
    data: Vec<Tweet>,
    includes: XIncludes,
    meta: XMeta,
    #[serde(rename = "__twarc", skip_serializing_if = "Option::is_none")]
    twarc: Option<Twarc<'a>>,
}

#[derive(Serialize)]
struct Twarc<'a> {
    url: &'a str,
    version: &'a str,
    retrieved_at: &'a str,
}

#[derive(Serialize)]
struct XIncludes {
    users: Vec<XUser>,
}

#[derive(Serialize)]
struct XUser {
    id: String,
    username: String,
    name: String,
}

#[derive(Serialize)]
struct XMeta {
    result_count: usize,
    newest_id: String,
    oldest_id: String,
}

#[derive(Serialize)]
struct Tweet {
    id: String,
    text: String,
    author_id: String,
    created_at: String,
    conversation_id: String,
    lang: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_reply_to_user_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    referenced_tweets: Vec<Reference>,
    public_metrics: Metrics,
    entities: Entities,
}

#[derive(Serialize)]
struct Reference {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
}

#[derive(Serialize)]
struct Metrics {
    retweet_count: u64,
    reply_count: u64,
    like_count: u64,
    quote_count: u64,
}

#[derive(Serialize)]
struct Entities {
    hashtags: Vec<TagEntity>,
}

#[derive(Serialize)]
struct TagEntity {
    tag: String,
}

/// One X API v2 search response page (with `__twarc` for twarc2).
pub(crate) fn x_page(posts: &[SynthPost], twarc: bool, out: &mut impl Write) -> io::Result<()> {
    let mut users: Vec<XUser> = Vec::new();
    let mut data = Vec::with_capacity(posts.len());
    for p in posts {
        if !users.iter().any(|u| u.username == p.author) {
            users.push(XUser {
                id: user_number(&p.author).to_string(),
                username: p.author.clone(),
                name: display_name(&p.author),
            });
        }
        let (text, reference) = match (&p.kind, &p.parent) {
            (Kind::Repost, Some(parent)) => (
                format!("RT @{}: {}", parent.author, parent.text),
                Some(("retweeted", parent)),
            ),
            (Kind::Reply, Some(parent)) => (
                format!("@{} {}", parent.author, p.text),
                Some(("replied_to", parent)),
            ),
            (Kind::Quote, Some(parent)) => (p.text.clone(), Some(("quoted", parent))),
            _ => (p.text.clone(), None),
        };
        data.push(Tweet {
            id: x_id(p.n),
            text,
            author_id: user_number(&p.author).to_string(),
            created_at: time(p.created_ms),
            conversation_id: x_id(p.root),
            lang: p.lang,
            in_reply_to_user_id: match (&p.kind, &p.parent) {
                (Kind::Reply, Some(parent)) => Some(user_number(&parent.author).to_string()),
                _ => None,
            },
            referenced_tweets: reference
                .map(|(kind, parent)| Reference {
                    kind,
                    id: x_id(parent.n),
                })
                .into_iter()
                .collect(),
            public_metrics: Metrics {
                retweet_count: p.reposts,
                reply_count: p.replies,
                like_count: p.likes,
                quote_count: 0,
            },
            entities: Entities {
                hashtags: p
                    .hashtags
                    .iter()
                    .map(|t| TagEntity { tag: t.clone() })
                    .collect(),
            },
        });
    }
    let page = XPage {
        meta: XMeta {
            result_count: data.len(),
            newest_id: data.last().map(|t| t.id.clone()).unwrap_or_default(),
            oldest_id: data.first().map(|t| t.id.clone()).unwrap_or_default(),
        },
        data,
        includes: XIncludes { users },
        twarc: twarc.then_some(Twarc {
            url: "https://api.twitter.com/2/tweets/search/recent?query=%23SolvingTogether",
            version: "2.14.0",
            retrieved_at: "2022-06-29T07:00:00+00:00",
        }),
    };
    line(&page, out)
}

fn display_name(handle: &str) -> String {
    format!("{} (synthetic)", handle.replace('_', " "))
}

#[derive(Serialize)]
struct Status {
    id: String,
    uri: String,
    url: String,
    created_at: String,
    in_reply_to_id: Option<String>,
    in_reply_to_account_id: Option<String>,
    language: &'static str,
    content: String,
    account: MastodonAccount,
    reblog: Option<Box<Status>>,
    replies_count: u64,
    reblogs_count: u64,
    favourites_count: u64,
    tags: Vec<MastodonTag>,
}

#[derive(Serialize)]
struct MastodonAccount {
    id: String,
    username: String,
    acct: String,
    display_name: String,
    url: String,
}

#[derive(Serialize)]
struct MastodonTag {
    name: String,
}

fn mastodon_id(n: u64) -> String {
    (108_500_000_000_000_000 + n).to_string()
}

fn mastodon_account(handle: &str) -> MastodonAccount {
    MastodonAccount {
        id: user_number(handle).to_string(),
        username: handle.to_owned(),
        acct: handle.to_owned(),
        display_name: display_name(handle),
        url: format!("https://{INSTANCE}/@{handle}"),
    }
}

/// Text as Mastodon's HTML `content`.
fn html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<p>{escaped}</p>")
}

/// Who said what, when: the part of a status every kind shares.
struct Said<'a> {
    n: u64,
    author: &'a str,
    created_ms: i64,
    text: &'a str,
    lang: &'static str,
}

fn status(
    said: Said<'_>,
    parent: Option<&Parent>,
    counts: (u64, u64, u64),
    tags: &[String],
) -> Status {
    let Said {
        n,
        author,
        created_ms,
        text,
        lang,
    } = said;
    let id = mastodon_id(n);
    Status {
        uri: format!("https://{INSTANCE}/users/{author}/statuses/{id}"),
        url: format!("https://{INSTANCE}/@{author}/{id}"),
        id,
        created_at: time(created_ms),
        in_reply_to_id: parent.map(|p| mastodon_id(p.n)),
        in_reply_to_account_id: parent.map(|p| user_number(&p.author).to_string()),
        language: lang,
        content: html(text),
        account: mastodon_account(author),
        reblog: None,
        replies_count: counts.0,
        reblogs_count: counts.1,
        favourites_count: counts.2,
        tags: tags
            .iter()
            .map(|t| MastodonTag {
                name: t.to_lowercase(),
            })
            .collect(),
    }
}

/// One Mastodon status (a boost wraps the boosted status).
pub(crate) fn mastodon(p: &SynthPost, out: &mut impl Write) -> io::Result<()> {
    let counts = (p.replies, p.reposts, p.likes);
    let said = |text| Said {
        n: p.n,
        author: &p.author,
        created_ms: p.created_ms,
        text,
        lang: p.lang,
    };
    let value = match (&p.kind, &p.parent) {
        (Kind::Repost, Some(parent)) => {
            let mut boost = status(said(""), None, (0, 0, 0), &[]);
            let original = Said {
                n: parent.n,
                author: &parent.author,
                created_ms: parent.created_ms,
                text: &parent.text,
                lang: p.lang,
            };
            boost.reblog = Some(Box::new(status(original, None, (0, 0, 0), &[])));
            boost
        }
        (Kind::Reply, Some(parent)) => {
            let text = format!("@{} {}", parent.author, p.text);
            status(said(&text), Some(parent), counts, &p.hashtags)
        }
        _ => status(said(&p.text), None, counts, &p.hashtags),
    };
    line(&value, out)
}

#[derive(Serialize)]
struct FeedItem {
    post: PostView,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Reason>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PostView {
    uri: String,
    cid: String,
    author: BskyAuthor,
    record: Record,
    reply_count: u64,
    repost_count: u64,
    like_count: u64,
    quote_count: u64,
    indexed_at: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BskyAuthor {
    did: String,
    handle: String,
    display_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    #[serde(rename = "$type")]
    kind: &'static str,
    text: String,
    created_at: String,
    langs: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<ReplyRef>,
}

#[derive(Serialize)]
struct ReplyRef {
    root: StrongRef,
    parent: StrongRef,
}

#[derive(Serialize)]
struct StrongRef {
    uri: String,
    cid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reason {
    #[serde(rename = "$type")]
    kind: &'static str,
    by: BskyAuthor,
    indexed_at: String,
}

fn bsky_author(handle: &str) -> BskyAuthor {
    BskyAuthor {
        did: format!("did:plc:synth{:x}", user_number(handle)),
        handle: format!("{}.{INSTANCE}", handle.replace('_', "-")),
        display_name: display_name(handle),
    }
}

fn bsky_ref(n: u64, author: &str) -> StrongRef {
    StrongRef {
        uri: format!(
            "at://{}/app.bsky.feed.post/3synth{n:09}",
            bsky_author(author).did
        ),
        cid: format!("bafysynth{n}"),
    }
}

fn post_view(
    n: u64,
    author: &str,
    created_ms: i64,
    text: &str,
    lang: &'static str,
    reply: Option<ReplyRef>,
    counts: (u64, u64, u64),
) -> PostView {
    let r = bsky_ref(n, author);
    PostView {
        uri: r.uri,
        cid: r.cid,
        author: bsky_author(author),
        record: Record {
            kind: "app.bsky.feed.post",
            text: text.to_owned(),
            created_at: time(created_ms),
            langs: vec![lang],
            reply,
        },
        reply_count: counts.0,
        repost_count: counts.1,
        like_count: counts.2,
        quote_count: 0,
        indexed_at: time(created_ms + 1_000),
    }
}

/// One Bluesky feed item: a post, or a repost with the reposted post.
pub(crate) fn bluesky(p: &SynthPost, out: &mut impl Write) -> io::Result<()> {
    let item = match (&p.kind, &p.parent) {
        (Kind::Repost, Some(parent)) => FeedItem {
            post: post_view(
                parent.n,
                &parent.author,
                parent.created_ms,
                &parent.text,
                p.lang,
                None,
                (0, 0, 0),
            ),
            reason: Some(Reason {
                kind: "app.bsky.feed.defs#reasonRepost",
                by: bsky_author(&p.author),
                indexed_at: time(p.created_ms),
            }),
        },
        (Kind::Reply, Some(parent)) => {
            let root_author = if parent.root == parent.n {
                &parent.author
            } else {
                &p.author
            };
            FeedItem {
                post: post_view(
                    p.n,
                    &p.author,
                    p.created_ms,
                    &p.text,
                    p.lang,
                    Some(ReplyRef {
                        root: bsky_ref(parent.root, root_author),
                        parent: bsky_ref(parent.n, &parent.author),
                    }),
                    (p.replies, p.reposts, p.likes),
                ),
                reason: None,
            }
        }
        _ => FeedItem {
            post: post_view(
                p.n,
                &p.author,
                p.created_ms,
                &p.text,
                p.lang,
                None,
                (p.replies, p.reposts, p.likes),
            ),
            reason: None,
        },
    };
    line(&item, out)
}

#[derive(Serialize)]
struct Generic<'a> {
    id: String,
    platform: &'static str,
    text: &'a str,
    created_at: String,
    author: &'a str,
    lang: &'static str,
    kind: &'static str,
    conversation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_to_post_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    referenced_post_id: Option<String>,
    likes: u64,
    reposts: u64,
    replies: u64,
    hashtags: &'a [String],
}

/// One record of threadlens' generic JSONL.
pub(crate) fn generic(p: &SynthPost, out: &mut impl Write) -> io::Result<()> {
    let id = |n: u64| format!("synth-{n}");
    let parent = p.parent.as_ref().map(|q| id(q.n));
    line(
        &Generic {
            id: id(p.n),
            platform: "import",
            text: &p.text,
            created_at: time(p.created_ms),
            author: &p.author,
            lang: p.lang,
            kind: match p.kind {
                Kind::Original => "original",
                Kind::Reply => "reply",
                Kind::Quote => "quote",
                Kind::Repost => "repost",
            },
            conversation_id: id(p.root),
            reply_to_post_id: (p.kind == Kind::Reply).then(|| parent.clone()).flatten(),
            referenced_post_id: matches!(p.kind, Kind::Quote | Kind::Repost)
                .then_some(parent)
                .flatten(),
            likes: p.likes,
            reposts: p.reposts,
            replies: p.replies,
            hashtags: &p.hashtags,
        },
        out,
    )
}
