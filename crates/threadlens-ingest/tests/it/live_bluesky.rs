//! Bluesky collection against a loopback PDS: app-password session cached
//! on disk, an access token that expires mid-run, search paging, threads.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;

use serde_json::json;
use threadlens_ingest::live::{BlueskyConfig, Budget, SourceConfig};

use crate::live_support::{all_bytes, archived, collect};
use threadlens_testkit::{Reply, Seen, TestServer};

struct FakePds {
    /// Access token generation: `access-N` is valid, older ones expired.
    generation: Mutex<u32>,
    creates: Mutex<u32>,
    refreshes: Mutex<u32>,
    /// Searches answered before the current access token expires.
    expire_after: Mutex<Option<u32>>,
    posts: Mutex<Vec<u64>>,
}

fn post_uri(n: u64) -> String {
    format!("at://did:plc:host{}/app.bsky.feed.post/3k{n:06}", n % 3)
}

fn view(n: u64, reply_to: Option<u64>) -> serde_json::Value {
    let mut record = json!({
        "$type": "app.bsky.feed.post",
        "text": if reply_to.is_some() { format!("reply {n}") } else { format!("post {n} #SolvingTogether") },
        "createdAt": format!("2026-11-21T10:{:02}:{:02}.000Z", n / 60 % 60, n % 60),
        "langs": ["en"],
    });
    if let Some(p) = reply_to {
        record["reply"] = json!({
            "root": {"uri": post_uri(p), "cid": "bafyroot"},
            "parent": {"uri": post_uri(p), "cid": "bafyparent"},
        });
    }
    json!({
        "uri": post_uri(n),
        "cid": format!("bafy{n}"),
        "author": {"did": format!("did:plc:host{}", n % 3), "handle": format!("host{}.example", n % 3), "displayName": "Host"},
        "record": record,
        "replyCount": if reply_to.is_none() && n.is_multiple_of(5) { 2 } else { 0 },
        "repostCount": 0,
        "likeCount": 1,
        "indexedAt": format!("2026-11-21T10:{:02}:{:02}.500Z", n / 60 % 60, n % 60),
    })
}

impl FakePds {
    fn new() -> Arc<FakePds> {
        Arc::new(FakePds {
            generation: Mutex::new(0),
            creates: Mutex::new(0),
            refreshes: Mutex::new(0),
            expire_after: Mutex::new(None),
            posts: Mutex::new((1..=25).collect()),
        })
    }

    fn answer(&self, req: &Seen) -> Reply {
        let tokens = |g: u32| json!({"accessJwt": format!("access-{g}"), "refreshJwt": format!("refresh-{g}"), "did": "did:plc:tester", "handle": "tester.example"});
        match req.path.as_str() {
            "/xrpc/com.atproto.server.createSession" => {
                assert_eq!(req.method, "POST");
                let body: serde_json::Value = serde_json::from_str(&req.body).unwrap();
                if body["identifier"] != "tester.example"
                    || body["password"] != "app-pass-secret-456"
                {
                    return Reply::status(
                        401,
                        r#"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#,
                    );
                }
                *self.creates.lock().unwrap() += 1;
                let mut g = self.generation.lock().unwrap();
                *g += 1;
                Reply::ok(tokens(*g).to_string())
            }
            "/xrpc/com.atproto.server.refreshSession" => {
                let mut g = self.generation.lock().unwrap();
                assert_eq!(
                    req.header("authorization"),
                    Some(&*format!("Bearer refresh-{g}"))
                );
                *self.refreshes.lock().unwrap() += 1;
                *g += 1;
                Reply::ok(tokens(*g).to_string())
            }
            path => {
                let g = *self.generation.lock().unwrap();
                if req.header("authorization") != Some(&*format!("Bearer access-{g}")) {
                    return Reply::status(
                        400,
                        r#"{"error":"ExpiredToken","message":"Token has expired"}"#,
                    );
                }
                if path == "/xrpc/app.bsky.feed.searchPosts" {
                    let mut expire = self.expire_after.lock().unwrap();
                    if let Some(left) = expire.as_mut() {
                        if *left == 0 {
                            // This token has expired: the client must refresh.
                            *expire = None;
                            return Reply::status(
                                400,
                                r#"{"error":"ExpiredToken","message":"Token has expired"}"#,
                            );
                        }
                        *left -= 1;
                    }
                    return self.search(req);
                }
                assert_eq!(path, "/xrpc/app.bsky.feed.getPostThread");
                let uri = req.param("uri").unwrap();
                let n = self
                    .posts
                    .lock()
                    .unwrap()
                    .iter()
                    .copied()
                    .find(|n| post_uri(*n) == uri)
                    .unwrap();
                let replies: Vec<_> = (1..=2)
                    .map(|r| json!({"$type": "app.bsky.feed.defs#threadViewPost", "post": view(1000 + n * 10 + r, Some(n)), "replies": []}))
                    .collect();
                Reply::ok(json!({"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": view(n, None), "replies": replies}}).to_string())
            }
        }
    }

    fn search(&self, req: &Seen) -> Reply {
        assert_eq!(req.param("q"), Some("#SolvingTogether"));
        let since = req.param("since").map(str::to_owned);
        let mut posts: Vec<u64> = self
            .posts
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|n| {
                since
                    .as_deref()
                    .is_none_or(|s| view(*n, None)["indexedAt"].as_str().unwrap() >= s)
            })
            .collect();
        posts.sort_by_key(|n| std::cmp::Reverse(*n));
        let offset: usize = req.param("cursor").map_or(0, |c| c.parse().unwrap());
        let page: Vec<_> = posts
            .iter()
            .skip(offset)
            .take(10)
            .map(|n| view(*n, None))
            .collect();
        let mut body = json!({"posts": page});
        if offset + 10 < posts.len() {
            body["cursor"] = json!((offset + 10).to_string());
        }
        Reply::ok(body.to_string())
            .with_header("RateLimit-Limit", "3000")
            .with_header("RateLimit-Remaining", "2999")
            .with_header("RateLimit-Reset", "1795000000")
    }
}

fn source(server: &TestServer) -> Vec<SourceConfig> {
    vec![SourceConfig::Bluesky(BlueskyConfig {
        name: None,
        query: "#SolvingTogether".into(),
        threads: true,
        since: None,
        until: None,
        slice_days: None,
        base_url: Some(server.base.clone()),
        handle_env: None,
        password_env: None,
    })]
}

#[test]
fn searches_refreshes_an_expired_token_and_fetches_threads() {
    let pds = FakePds::new();
    *pds.expire_after.lock().unwrap() = Some(1);
    let server = {
        let pds = pds.clone();
        TestServer::start(move |r| pds.answer(r))
    };
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&server), Budget::default());
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    let mut expected = BTreeMap::new();
    for n in 1..=25u64 {
        expected.insert(post_uri(n), true);
        if n.is_multiple_of(5) {
            for r in 1..=2 {
                expected.insert(post_uri(1000 + n * 10 + r), false);
            }
        }
    }
    assert_eq!(archived(dir.path()).0, expected);
    assert_eq!(*pds.creates.lock().unwrap(), 1);
    assert_eq!(
        *pds.refreshes.lock().unwrap(),
        1,
        "the expired token was refreshed, not re-created"
    );
    let searches = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("searchPosts"))
        .count();
    assert_eq!(
        searches,
        3 + 1,
        "three pages and the one refused as expired"
    );
    let threads = server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("getPostThread"))
        .count();
    assert_eq!(threads, 5);
    // 25 found by search, then 3 posts (root and two replies) per thread.
    assert_eq!(reports[0].posts, 25 + 5 * 3);

    // The session is cached owner-only and reused by the next run.
    let session = dir
        .path()
        .join("checkpoints")
        .join("bluesky-solvingtogether.session.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&session).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    pds.posts.lock().unwrap().push(26);
    let (reports, _) = collect(dir.path(), &source(&server), Budget::default());
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    assert_eq!(*pds.creates.lock().unwrap(), 1, "no new createSession");
    let last_search = server
        .requests()
        .into_iter()
        .rfind(|r| r.path.ends_with("searchPosts"))
        .unwrap();
    assert_eq!(last_search.param("since"), Some("2026-11-21T10:00:25.500Z"));
    assert!(archived(dir.path()).0.contains_key(&post_uri(26)));

    // No password or JWT in the archive, checkpoints other than the session, or errors.
    for (path, bytes) in all_bytes(dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("app-pass-secret-456"), "{}", path.display());
        if path != session {
            assert!(
                !text.contains("access-") && !text.contains("refresh-"),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn a_wrong_app_password_says_which_variables_to_check() {
    let server = TestServer::start(|_| {
        Reply::status(
            401,
            r#"{"error":"AuthenticationRequired","message":"Invalid identifier or password"}"#,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&server), Budget::default());
    let err = reports[0].error.as_ref().unwrap().to_string();
    assert!(
        err.contains("BLUESKY_HANDLE") && err.contains("BLUESKY_APP_PASSWORD"),
        "{err}"
    );
    assert!(!err.contains("app-pass-secret-456"));
}
