//! The soak's world: the same growing conversation on X, Mastodon and
//! Bluesky, served by three loopback servers that throw the dice's faults,
//! and the record of every post each server delivered.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use threadlens_testkit::{Reply, Seen, TestServer};

use super::faults::{Dice, Fault, deliver, refusal};

/// The X bearer token the servers accept.
pub(super) const X_TOKEN: &str = "soak-x-token";
/// The Bluesky handle and app password the PDS accepts.
pub(super) const BSKY_HANDLE: &str = "soak.example";
pub(super) const BSKY_PASSWORD: &str = "soak-app-password";

/// Posts per page, whatever the client asks: small, so a run has many pages.
const PAGE: usize = 5;

/// One post of the world: roots carry the hashtag; every fourth root has
/// two replies, reachable only through its thread.
#[derive(Debug, Clone, Copy)]
struct Item {
    id: u64,
    root: u64,
    replies: u64,
}

impl Item {
    fn is_root(&self) -> bool {
        self.id == self.root
    }

    /// The word that names this post on `platform` (`x`, `m`, `b`) in its text.
    fn marker(&self, platform: char) -> String {
        format!("soak{platform}{}", self.id)
    }
}

/// The id of the `n`th root; its replies are the next ids.
fn root_id(n: u64) -> u64 {
    1_000_000 + n * 10
}

/// What the servers saw and did.
pub(super) struct Tally {
    /// Requests per platform.
    pub(super) requests: std::collections::BTreeMap<&'static str, u64>,
    /// Faults thrown, by name.
    pub(super) faults: std::collections::BTreeMap<String, u64>,
    /// Posts delivered, counting repeats.
    pub(super) deliveries: u64,
    /// Bluesky sessions created or refreshed.
    pub(super) sessions: u64,
}

/// Shared state of the three servers.
pub(super) struct World {
    state: Mutex<State>,
}

struct State {
    roots: u64,
    dice: Dice,
    /// Markers of the posts a server delivered in a complete answer.
    served: BTreeSet<String>,
    /// Posts delivered, counting every repeat.
    deliveries: u64,
    /// The Bluesky session generation, and whether its access token has expired.
    generation: u64,
    access_expired: bool,
    mastodon_base: String,
}

impl World {
    pub(super) fn new(roots: u64, seed: u64) -> Arc<World> {
        Arc::new(World {
            state: Mutex::new(State {
                roots,
                dice: Dice::new(seed),
                served: BTreeSet::new(),
                deliveries: 0,
                generation: 0,
                access_expired: false,
                mastodon_base: String::new(),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `n` more roots (with their replies) on every platform.
    pub(super) fn grow(&self, n: u64) {
        self.lock().roots += n;
    }

    /// Draw below `n` from the world's dice.
    pub(super) fn below(&self, n: u64) -> u64 {
        self.lock().dice.below(n)
    }

    /// Throw faults or not.
    pub(super) fn faults(&self, on: bool) {
        self.lock().dice.on = on;
    }

    /// Every post's marker on every platform.
    pub(super) fn markers(&self) -> BTreeSet<String> {
        let state = self.lock();
        let items = items(state.roots);
        ['x', 'm', 'b']
            .iter()
            .flat_map(|p| items.iter().map(|i| i.marker(*p)))
            .collect()
    }

    /// Markers of every post delivered so far.
    pub(super) fn served(&self) -> BTreeSet<String> {
        self.lock().served.clone()
    }

    /// What the servers saw and did so far.
    pub(super) fn tally(&self) -> Tally {
        let state = self.lock();
        Tally {
            requests: state.dice.requests.clone(),
            faults: state.dice.thrown.clone(),
            deliveries: state.deliveries,
            sessions: state.generation,
        }
    }

    /// Start the three servers: (X, Mastodon, Bluesky).
    pub(super) fn serve(self: &Arc<World>) -> (TestServer, TestServer, TestServer) {
        let w = self.clone();
        let x = TestServer::start(move |r| w.x(r));
        let w = self.clone();
        let mastodon = TestServer::start(move |r| w.mastodon(r));
        self.lock().mastodon_base = mastodon.base.clone();
        let w = self.clone();
        let bluesky = TestServer::start(move |r| w.bluesky(r));
        (x, mastodon, bluesky)
    }

    /// Send `page`'s items (as `render` makes them) through `fault`,
    /// recording what is delivered.
    fn send(
        &self,
        state: &mut State,
        fault: Fault,
        platform: char,
        delivered: &[Item],
        body: Value,
        limit: &[(String, String)],
    ) -> Reply {
        if fault.delivers() {
            state.deliveries += delivered.len() as u64;
            state
                .served
                .extend(delivered.iter().map(|i| i.marker(platform)));
        }
        deliver(fault, body.to_string(), limit)
    }

    fn x(&self, req: &Seen) -> Reply {
        let mut state = self.lock();
        let search = req.path == "/2/tweets/search/recent";
        let fault = state.dice.roll("x", search, false);
        let limit = vec![
            ("x-rate-limit-remaining".to_owned(), "0".to_owned()),
            ("x-rate-limit-reset".to_owned(), (epoch() + 1).to_string()),
        ];
        if let Some(reply) = refusal(fault, &limit) {
            return reply;
        }
        if req.header("authorization") != Some(&*format!("Bearer {X_TOKEN}")) {
            return Reply::status(401, r#"{"title":"Unauthorized"}"#);
        }
        assert!(search, "unexpected X request {}", req.path);
        let query = req.param("query").unwrap_or_default();
        let all = items(state.roots);
        let candidates: Vec<Item> = match query.strip_prefix("conversation_id:") {
            Some(c) => {
                let c: u64 = c.parse().unwrap();
                all.into_iter()
                    .filter(|i| i.root == c && !i.is_root())
                    .collect()
            }
            None => {
                assert_eq!(query, "#Soak");
                all.into_iter().filter(Item::is_root).collect()
            }
        };
        let since: u64 = req.param("since_id").map_or(0, |s| s.parse().unwrap());
        let cursor = req.param("next_token").map(cursor_id);
        let (mut page, more) = newest_first(&candidates, since, cursor);
        let mut next = more.then(|| format!("lt:{}", page.last().map_or(0, |i| i.id)));
        if fault == Fault::RepeatedPage && !page.is_empty() {
            next = Some(format!("lt:{}", cursor.unwrap_or(u64::MAX)));
        }
        let newest = page.first().map(|i| i.id.to_string());
        if fault == Fault::ReorderedPage {
            state.dice.shuffle(&mut page);
        }
        let data: Vec<Value> = page.iter().map(tweet).collect();
        let mut meta = json!({"result_count": data.len()});
        if let Some(n) = newest {
            meta["newest_id"] = json!(n);
        }
        if let Some(t) = next {
            meta["next_token"] = json!(t);
        }
        let mut body = json!({"meta": meta});
        if !data.is_empty() {
            body["data"] = json!(data);
        }
        self.send(&mut state, fault, 'x', &page, body, &limit)
    }

    fn mastodon(&self, req: &Seen) -> Reply {
        let mut state = self.lock();
        let timeline = req.path == "/api/v1/timelines/tag/Soak";
        let fault = state.dice.roll("mastodon", timeline, false);
        let reset = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
        let limit = vec![
            ("x-ratelimit-remaining".to_owned(), "0".to_owned()),
            (
                "x-ratelimit-reset".to_owned(),
                reset.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
        ];
        if let Some(reply) = refusal(fault, &limit) {
            return reply;
        }
        let all = items(state.roots);
        if let Some(rest) = req.path.strip_prefix("/api/v1/statuses/") {
            let id: u64 = rest.trim_end_matches("/context").parse().unwrap();
            let descendants: Vec<Item> = all
                .into_iter()
                .filter(|i| i.root == id && !i.is_root())
                .collect();
            let body = json!({
                "ancestors": [],
                "descendants": descendants.iter().map(status).collect::<Vec<_>>(),
            });
            return self.send(&mut state, fault, 'm', &descendants, body, &limit);
        }
        assert!(timeline, "unexpected Mastodon request {}", req.path);
        let roots: Vec<Item> = all.into_iter().filter(Item::is_root).collect();
        let mut page = match (req.param("max_id"), req.param("min_id")) {
            (Some(max), _) => newest_first(&roots, 0, Some(max.parse().unwrap())).0,
            (None, Some(min)) => oldest_above(&roots, min.parse().unwrap()),
            (None, None) => newest_first(&roots, 0, None).0,
        };
        let base = format!("{}/api/v1/timelines/tag/Soak?limit=40", state.mastodon_base);
        let mut link = match (page.first(), page.last()) {
            (Some(newest), Some(oldest)) => Some(format!(
                "<{base}&max_id={}>; rel=\"next\", <{base}&min_id={}>; rel=\"prev\"",
                oldest.id, newest.id
            )),
            _ => None,
        };
        if fault == Fault::RepeatedPage && !page.is_empty() {
            // Both links lead back to where this page was asked from.
            let again = match (req.param("max_id"), req.param("min_id")) {
                (Some(max), _) => format!("max_id={max}"),
                (None, Some(min)) => format!("min_id={min}"),
                (None, None) => format!("max_id={}", u64::MAX),
            };
            link = Some(format!(
                "<{base}&{again}>; rel=\"next\", <{base}&{again}>; rel=\"prev\""
            ));
        }
        if fault == Fault::ReorderedPage {
            state.dice.shuffle(&mut page);
        }
        let body = json!(page.iter().map(status).collect::<Vec<_>>());
        let mut reply = self.send(&mut state, fault, 'm', &page, body, &limit);
        if let Some(link) = link {
            reply = reply.with_header("link", &link);
        }
        reply
    }

    fn bluesky(&self, req: &Seen) -> Reply {
        let mut state = self.lock();
        let (session_call, paged) = match req.path.as_str() {
            "/xrpc/com.atproto.server.createSession" => (true, false),
            "/xrpc/com.atproto.server.refreshSession" => (true, false),
            "/xrpc/app.bsky.feed.searchPosts" => (false, true),
            "/xrpc/app.bsky.feed.getPostThread" => (false, false),
            other => panic!("unexpected Bluesky request {other}"),
        };
        let fault = state.dice.roll(
            "bluesky",
            paged,
            req.path != "/xrpc/com.atproto.server.createSession",
        );
        let limit = vec![
            ("ratelimit-remaining".to_owned(), "0".to_owned()),
            ("ratelimit-reset".to_owned(), (epoch() + 1).to_string()),
        ];
        if let Some(reply) = refusal(fault, &limit) {
            return reply;
        }
        let expired = || {
            Reply::status(
                400,
                r#"{"error":"ExpiredToken","message":"Token has expired"}"#,
            )
        };
        let bearer = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        if session_call {
            if req.path.ends_with("refreshSession")
                && (bearer != format!("refresh-{}", state.generation)
                    || fault == Fault::ExpiredSession)
            {
                return expired();
            }
            if req.path.ends_with("createSession") {
                let body: Value = serde_json::from_str(&req.body).unwrap_or_default();
                if body["identifier"] != BSKY_HANDLE || body["password"] != BSKY_PASSWORD {
                    return Reply::status(401, r#"{"error":"AuthenticationRequired"}"#);
                }
            }
            state.generation += 1;
            state.access_expired = false;
            let g = state.generation;
            let body = json!({"accessJwt": format!("access-{g}"), "refreshJwt": format!("refresh-{g}"), "did": "did:plc:soak", "handle": BSKY_HANDLE});
            return deliver(fault, body.to_string(), &limit);
        }
        if fault == Fault::ExpiredSession {
            state.access_expired = true;
        }
        if bearer != format!("access-{}", state.generation) || state.access_expired {
            return expired();
        }
        let all = items(state.roots);
        if req.path.ends_with("getPostThread") {
            let uri = req.param("uri").unwrap_or_default();
            let root: u64 = uri.rsplit('/').next().unwrap_or_default().parse().unwrap();
            let replies: Vec<Item> = all
                .into_iter()
                .filter(|i| i.root == root && !i.is_root())
                .collect();
            let root_item = Item {
                id: root,
                root,
                replies: replies.len() as u64,
            };
            let body = json!({"thread": {
                "post": view(&root_item),
                "replies": replies.iter().map(|r| json!({"post": view(r), "replies": []})).collect::<Vec<_>>(),
            }});
            let mut delivered = replies;
            delivered.push(root_item);
            return self.send(&mut state, fault, 'b', &delivered, body, &limit);
        }
        let roots: Vec<Item> = all
            .into_iter()
            .filter(Item::is_root)
            .filter(|i| {
                // `since` is inclusive, as on the real service.
                req.param("since")
                    .is_none_or(|s| created_at(i.id).as_str() >= s)
            })
            .collect();
        let cursor = req.param("cursor").map(cursor_id);
        let (mut page, more) = newest_first(&roots, 0, cursor);
        let mut next = more.then(|| format!("lt:{}", page.last().map_or(0, |i| i.id)));
        if fault == Fault::RepeatedPage && !page.is_empty() {
            next = Some(format!("lt:{}", cursor.unwrap_or(u64::MAX)));
        }
        if fault == Fault::ReorderedPage {
            state.dice.shuffle(&mut page);
        }
        let mut body = json!({"posts": page.iter().map(view).collect::<Vec<_>>()});
        if let Some(c) = next {
            body["cursor"] = json!(c);
        }
        self.send(&mut state, fault, 'b', &page, body, &limit)
    }
}

/// Every post of a world with `roots` roots, oldest first.
fn items(roots: u64) -> Vec<Item> {
    let mut out = Vec::new();
    for n in 1..=roots {
        let root = root_id(n);
        let replies = if n.is_multiple_of(4) { 2 } else { 0 };
        out.push(Item {
            id: root,
            root,
            replies,
        });
        for r in 1..=replies {
            out.push(Item {
                id: root + r,
                root,
                replies: 0,
            });
        }
    }
    out
}

/// The id in an `lt:<id>` cursor.
fn cursor_id(cursor: &str) -> u64 {
    cursor
        .strip_prefix("lt:")
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("a cursor this server never gave: {cursor:?}"))
}

/// Up to a page of `items` newer than `since` and older than `before`,
/// newest first; and whether more remain below it.
fn newest_first(items: &[Item], since: u64, before: Option<u64>) -> (Vec<Item>, bool) {
    let mut picked: Vec<Item> = items
        .iter()
        .filter(|i| i.id > since && before.is_none_or(|b| i.id < b))
        .copied()
        .collect();
    picked.sort_by_key(|i| std::cmp::Reverse(i.id));
    let more = picked.len() > PAGE;
    picked.truncate(PAGE);
    (picked, more)
}

/// The page of `items` just above `min` (Mastodon's `min_id`), newest first.
fn oldest_above(items: &[Item], min: u64) -> Vec<Item> {
    let mut picked: Vec<Item> = items.iter().filter(|i| i.id > min).copied().collect();
    picked.sort_by_key(|i| i.id);
    picked.truncate(PAGE);
    picked.reverse();
    picked
}

fn epoch() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A time for each id, a second apart (also its Bluesky `indexedAt`).
fn created_at(id: u64) -> String {
    let t = chrono::DateTime::from_timestamp(1_790_000_000 + (id as i64 - 1_000_000), 0).unwrap();
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn text(item: &Item, platform: char) -> String {
    if item.is_root() {
        format!("takeover {} #Soak", item.marker(platform))
    } else {
        format!("a reply {}", item.marker(platform))
    }
}

fn tweet(item: &Item) -> Value {
    let mut t = json!({
        "id": item.id.to_string(),
        "text": text(item, 'x'),
        "author_id": (item.id % 7).to_string(),
        "conversation_id": item.root.to_string(),
        "created_at": created_at(item.id),
        "public_metrics": {"reply_count": item.replies, "retweet_count": 0, "like_count": 0, "quote_count": 0},
    });
    if !item.is_root() {
        t["referenced_tweets"] = json!([{"type": "replied_to", "id": item.root.to_string()}]);
    }
    t
}

fn status(item: &Item) -> Value {
    json!({
        "id": item.id.to_string(),
        "uri": format!("https://origin.example/statuses/{}", item.id),
        "url": format!("https://origin.example/@u/{}", item.id),
        "created_at": created_at(item.id),
        "content": format!("<p>{}</p>", text(item, 'm')),
        "account": {"id": "7", "username": "u", "acct": "u@origin.example", "display_name": "U", "url": "https://origin.example/@u"},
        "in_reply_to_id": (!item.is_root()).then(|| item.root.to_string()),
        "in_reply_to_account_id": (!item.is_root()).then_some("7"),
        "reblog": null,
        "tags": if item.is_root() { json!([{"name": "soak"}]) } else { json!([]) },
        "mentions": [],
        "replies_count": item.replies,
        "reblogs_count": 0,
        "favourites_count": 0,
        "visibility": "public",
        "language": "en",
    })
}

fn bsky_uri(id: u64) -> String {
    format!("at://did:plc:soak/app.bsky.feed.post/{id}")
}

fn view(item: &Item) -> Value {
    let mut record = json!({
        "$type": "app.bsky.feed.post",
        "text": text(item, 'b'),
        "createdAt": created_at(item.id),
        "langs": ["en"],
    });
    if !item.is_root() {
        let root = json!({"uri": bsky_uri(item.root), "cid": format!("bafy{}", item.root)});
        record["reply"] = json!({"root": root, "parent": root});
    }
    json!({
        "uri": bsky_uri(item.id),
        "cid": format!("bafy{}", item.id),
        "author": {"did": "did:plc:soak", "handle": BSKY_HANDLE, "displayName": "Soak"},
        "record": record,
        "replyCount": item.replies,
        "repostCount": 0,
        "likeCount": 0,
        "indexedAt": created_at(item.id),
    })
}
