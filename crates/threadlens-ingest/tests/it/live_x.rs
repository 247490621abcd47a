//! X API v2 collection against a loopback server that pages like X.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use threadlens_ingest::live::{Budget, SourceConfig, XConfig, XEndpoint};

use crate::live_support::{all_bytes, archived, collect, start_time};
use threadlens_testkit::{Reply, Seen, TestServer};

const QUERY: &str = "#SolvingTogether -is:retweet";
const BASE_ID: u64 = 1_540_000_000_000_000_000;

#[derive(Clone)]
struct Tweet {
    id: u64,
    conversation: u64,
    parent: Option<u64>,
    hashtag: bool,
    replies: u64,
    /// The tweet this one quotes.
    quoted: Option<u64>,
    quotes: u64,
}

/// A fake X: tweets, paging by `next_token`, `since_id`, and a queue of
/// faults served before the next real answers.
struct FakeX {
    tweets: Mutex<Vec<Tweet>>,
    /// Served in order, one per request; `None` answers normally.
    faults: Mutex<VecDeque<Option<Reply>>>,
}

impl FakeX {
    /// 25 hashtag tweets; tweets 0, 5 and 10 start threads of 3 replies
    /// without the hashtag; tweet 7 is quoted twice (quotes without it).
    fn new() -> Arc<FakeX> {
        let mut tweets = Vec::new();
        for n in 0..25 {
            let id = BASE_ID + n * 10;
            let replies = if n.is_multiple_of(5) && n <= 10 { 3 } else { 0 };
            tweets.push(Tweet {
                id,
                conversation: id,
                parent: None,
                hashtag: true,
                replies,
                quoted: None,
                quotes: if n == 7 { 2 } else { 0 },
            });
            if n == 7 {
                for q in 1..=2 {
                    tweets.push(Tweet {
                        id: id + q,
                        conversation: id + q,
                        parent: None,
                        hashtag: false,
                        replies: 0,
                        quoted: Some(id),
                        quotes: 0,
                    });
                }
            }
            for r in 1..=replies {
                tweets.push(Tweet {
                    id: id + r,
                    conversation: id,
                    parent: Some(id),
                    hashtag: false,
                    replies: 0,
                    quoted: None,
                    quotes: 0,
                });
            }
        }
        Arc::new(FakeX {
            tweets: Mutex::new(tweets),
            faults: Mutex::new(VecDeque::new()),
        })
    }

    fn add(&self, tweet: Tweet) {
        self.tweets.lock().unwrap().push(tweet);
    }

    fn answer(&self, req: &Seen) -> Reply {
        if let Some(Some(fault)) = self.faults.lock().unwrap().pop_front() {
            return fault;
        }
        if req.header("authorization") != Some("Bearer x-secret-token-123") {
            return Reply::status(
                401,
                r#"{"title":"Unauthorized","detail":"Unauthorized","status":401}"#,
            );
        }
        if let Some(id) = req
            .path
            .strip_prefix("/2/tweets/")
            .and_then(|p| p.strip_suffix("/quote_tweets"))
        {
            let id: u64 = id.parse().unwrap();
            let quotes: Vec<Tweet> = self
                .tweets
                .lock()
                .unwrap()
                .iter()
                .filter(|t| t.quoted == Some(id))
                .cloned()
                .collect();
            return page_of(&quotes, req, "pagination_token");
        }
        if req.path != "/2/tweets/search/recent" {
            return Reply::status(404, r#"{"title":"Not Found"}"#);
        }
        for field in ["tweet.fields", "expansions", "user.fields"] {
            assert!(req.param(field).is_some(), "{field} missing");
        }
        let query = req.param("query").unwrap();
        let since: u64 = req.param("since_id").map_or(0, |s| s.parse().unwrap());
        let hits: Vec<Tweet> = self
            .tweets
            .lock()
            .unwrap()
            .iter()
            .filter(|t| t.id > since)
            .filter(|t| match query.strip_prefix("conversation_id:") {
                Some(c) => t.conversation.to_string() == c,
                None => {
                    assert_eq!(query, QUERY);
                    t.hashtag
                }
            })
            .cloned()
            .collect();
        page_of(&hits, req, "next_token")
    }
}

/// One page of `hits`, newest first, `max_results` long, paged by `token_param`.
fn page_of(hits: &[Tweet], req: &Seen, token_param: &str) -> Reply {
    let mut hits = hits.to_vec();
    hits.sort_by_key(|t| std::cmp::Reverse(t.id));
    let size: usize = req.param("max_results").unwrap().parse().unwrap();
    let offset: usize = req
        .param(token_param)
        .map_or(0, |t| t.trim_start_matches('t').parse().unwrap());
    let page: Vec<&Tweet> = hits.iter().skip(offset).take(size).collect();
    let mut meta = json!({"result_count": page.len()});
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        meta["newest_id"] = json!(first.id.to_string());
        meta["oldest_id"] = json!(last.id.to_string());
    }
    if offset + size < hits.len() {
        meta["next_token"] = json!(format!("t{}", offset + size));
    }
    let data: Vec<_> = page.iter().map(|t| tweet_json(t)).collect();
    let mut body = json!({"meta": meta});
    if !data.is_empty() {
        body["data"] = json!(data);
        body["includes"] =
            json!({"users": [{"id": "42", "username": "host_equity", "name": "Host"}]});
    }
    Reply::ok(body.to_string())
        .with_header("x-rate-limit-limit", "450")
        .with_header("x-rate-limit-remaining", "400")
        .with_header(
            "x-rate-limit-reset",
            &(start_time().timestamp() + 900).to_string(),
        )
}

fn tweet_json(t: &Tweet) -> serde_json::Value {
    let text = if t.hashtag {
        format!("Day of takeovers {} #SolvingTogether", t.id)
    } else {
        format!("A reply {}", t.id)
    };
    let created = start_time() - chrono::TimeDelta::hours(2)
        + chrono::TimeDelta::seconds((t.id - BASE_ID) as i64);
    let mut v = json!({
        "id": t.id.to_string(),
        "text": text,
        "author_id": "42",
        "conversation_id": t.conversation.to_string(),
        "created_at": created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "public_metrics": {"reply_count": t.replies, "retweet_count": 0, "like_count": 1, "quote_count": t.quotes},
    });
    if let Some(q) = t.quoted {
        v["referenced_tweets"] = json!([{"type": "quoted", "id": q.to_string()}]);
    }
    if let Some(p) = t.parent {
        v["referenced_tweets"] = json!([{"type": "replied_to", "id": p.to_string()}]);
        v["in_reply_to_user_id"] = json!("42");
    }
    v
}

fn source(server: &TestServer) -> Vec<SourceConfig> {
    vec![SourceConfig::X(XConfig {
        name: None,
        query: QUERY.into(),
        threads: true,
        quotes: true,
        endpoint: XEndpoint::Recent,
        max_results: 10,
        base_url: Some(server.base.clone()),
        token_env: None,
    })]
}

fn expected(fake: &FakeX) -> BTreeMap<String, bool> {
    fake.tweets
        .lock()
        .unwrap()
        .iter()
        .map(|t| (t.id.to_string(), t.hashtag))
        .collect()
}

#[test]
fn collects_every_tweet_and_each_conversation_once() {
    let fake = FakeX::new();
    let server = {
        let fake = fake.clone();
        TestServer::start(move |r| fake.answer(r))
    };
    let dir = tempfile::tempdir().unwrap();
    let (reports, clock) = collect(dir.path(), &source(&server), Budget::default());
    let report = &reports[0];
    assert!(report.error.is_none(), "{:?}", report.error);
    let (posts, _) = archived(dir.path());
    assert_eq!(
        posts,
        expected(&fake),
        "hashtag tweets matched, thread replies not"
    );
    assert_eq!(posts.len(), 36);
    // 3 search pages, one page per conversation with replies (3), one of quotes:
    // the 22 roots nobody answered cost no request.
    assert_eq!(server.requests().len(), 3 + 3 + 1);
    assert_eq!(report.requests, 7);
    assert_eq!(report.pages, 7);
    assert!(
        clock.sleeps().is_empty(),
        "no waits without limits: {:?}",
        clock.sleeps()
    );
    let quotes: Vec<Seen> = server
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/quote_tweets"))
        .collect();
    assert_eq!(quotes.len(), 1);
    assert_eq!(
        quotes[0].path,
        format!("/2/tweets/{}/quote_tweets", BASE_ID + 70)
    );
    // The second search page asked for the first page's next_token.
    assert_eq!(server.requests()[1].param("next_token"), Some("t10"));

    // A second run asks only for what is newer: one new tweet, one new reply.
    fake.add(Tweet {
        id: BASE_ID + 500,
        conversation: BASE_ID + 500,
        parent: None,
        hashtag: true,
        replies: 1,
        quoted: None,
        quotes: 0,
    });
    fake.add(Tweet {
        id: BASE_ID + 501,
        conversation: BASE_ID + 500,
        parent: Some(BASE_ID + 500),
        hashtag: false,
        replies: 0,
        quoted: None,
        quotes: 0,
    });
    let before = server.requests().len();
    let (reports, _) = collect(dir.path(), &source(&server), Budget::default());
    assert!(reports[0].error.is_none());
    let second: Vec<Seen> = server.requests()[before..].to_vec();
    assert_eq!(second.len(), 2, "one search page and one conversation");
    assert_eq!(
        second[0].param("since_id"),
        Some(&*(BASE_ID + 240).to_string())
    );
    assert_eq!(
        second[1].param("query"),
        Some(&*format!("conversation_id:{}", BASE_ID + 500))
    );
    let (posts, _) = archived(dir.path());
    assert_eq!(posts, expected(&fake));

    // The token is in no file written.
    for (path, bytes) in all_bytes(dir.path()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("x-secret-token-123"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn faults_are_retried_and_rate_limits_waited_out() {
    let fake = FakeX::new();
    let reset = start_time().timestamp() + 120;
    let ok = || None;
    fake.faults.lock().unwrap().extend([
        Some(
            Reply::status(429, r#"{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}"#)
                .with_header("x-rate-limit-remaining", "0")
                .with_header("x-rate-limit-reset", &reset.to_string()),
        ),
        ok(),
        Some(Reply::status(503, r#"{"title":"Service Unavailable"}"#)),
        Some(Reply::status(503, r#"{"title":"Service Unavailable"}"#)),
        ok(),
        Some(Reply::Drop),
        ok(),
        Some(Reply::Truncated(r#"{"data":[{"id":"1","text":"cut"}],"meta":{"result_count":1}}"#.into())),
        ok(),
        Some(Reply::Slow(Duration::from_secs(60), Box::new(Reply::ok("{}")))),
    ]);
    let server = {
        let fake = fake.clone();
        TestServer::start(move |r| fake.answer(r))
    };
    let dir = tempfile::tempdir().unwrap();
    let (reports, clock) = collect(dir.path(), &source(&server), Budget::default());
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    let (posts, _) = archived(dir.path());
    assert_eq!(posts, expected(&fake));
    assert_eq!(
        server.requests().len(),
        7 + 6,
        "each fault costs exactly one request"
    );
    let sleeps = clock.sleeps();
    assert_eq!(
        sleeps[0],
        Duration::from_secs(120),
        "the 429 waits until x-rate-limit-reset"
    );
    // Then one backoff per failure, doubling for the same request's second
    // failure (the two 503s), drawn from [cap/2, cap].
    let caps = [1, 2, 1, 1, 1].map(Duration::from_secs);
    assert_eq!(sleeps.len(), 1 + caps.len(), "{sleeps:?}");
    for (s, cap) in sleeps[1..].iter().zip(caps) {
        assert!(
            *s >= cap / 2 && *s <= cap,
            "backoff {s:?} not in [{:?}, {cap:?}]",
            cap / 2
        );
    }
}

#[test]
fn gives_up_after_max_attempts_and_stops_on_bad_token() {
    let fake = FakeX::new();
    fake.faults
        .lock()
        .unwrap()
        .extend((0..4).map(|_| Some(Reply::status(502, "bad gateway"))));
    let server = {
        let fake = fake.clone();
        TestServer::start(move |r| fake.answer(r))
    };
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&server), Budget::default());
    let err = reports[0].error.as_ref().expect("gave up").to_string();
    assert!(
        err.contains("gave up") && err.contains("after 4 attempts") && err.contains("HTTP 502"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 4);

    let refusing = TestServer::start(|_| Reply::status(401, r#"{"title":"Unauthorized"}"#));
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&refusing), Budget::default());
    let err = reports[0].error.as_ref().unwrap().to_string();
    assert!(
        err.contains("HTTP 401") && err.contains("token was refused"),
        "{err}"
    );
    assert!(!err.contains("x-secret-token-123"));
    assert_eq!(refusing.requests().len(), 1, "401 is not retried");

    let capped = TestServer::start(|_| {
        Reply::status(
            429,
            r#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}"#,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&capped), Budget::default());
    assert!(
        reports[0]
            .error
            .as_ref()
            .unwrap()
            .to_string()
            .contains("UsageCapExceeded")
    );
    assert_eq!(capped.requests().len(), 1);
}

#[test]
fn a_reset_beyond_max_wait_stops_the_source_with_its_time() {
    let reset = start_time().timestamp() + 3600;
    let server = TestServer::start(move |_| {
        Reply::status(429, "{}")
            .with_header("x-rate-limit-remaining", "0")
            .with_header("x-rate-limit-reset", &reset.to_string())
    });
    let dir = tempfile::tempdir().unwrap();
    let (reports, clock) = collect(dir.path(), &source(&server), Budget::default());
    let err = reports[0].error.as_ref().unwrap().to_string();
    assert!(
        err.contains("rate limited until 2026-11-22 01:00:00") && err.contains("3600 s away"),
        "{err}"
    );
    assert!(clock.sleeps().is_empty());
}

/// Stop after every page boundary — cleanly (a budget), and as a kill
/// between archiving a page and checkpointing it — then run again: the
/// posts are exactly those of an uninterrupted run.
#[test]
fn resumes_after_a_stop_at_every_page_boundary() {
    let fake = FakeX::new();
    let server = {
        let fake = fake.clone();
        TestServer::start(move |r| fake.answer(r))
    };
    let total_pages = 7;
    for k in 1..total_pages {
        // Clean stop after k pages.
        let dir = tempfile::tempdir().unwrap();
        let (r, _) = collect(
            dir.path(),
            &source(&server),
            Budget {
                max_pages: Some(k),
                max_posts: None,
            },
        );
        assert!(r[0].stopped_by_budget && r[0].pages == k);
        let (r, _) = collect(dir.path(), &source(&server), Budget::default());
        // Once the 3 search pages are done, a new run first asks for
        // anything newer (one empty page) before the conversations.
        assert_eq!(
            r[0].pages,
            total_pages - k + u64::from(k >= 3),
            "resumed at page {k}"
        );
        assert_eq!(
            archived(dir.path()).0,
            expected(&fake),
            "after a stop at page {k}"
        );

        // Killed after archiving page k but before its checkpoint.
        let dir = tempfile::tempdir().unwrap();
        let checkpoint = dir
            .path()
            .join("checkpoints")
            .join("x-solvingtogether-is-retweet.json");
        collect(
            dir.path(),
            &source(&server),
            Budget {
                max_pages: Some(k - 1),
                max_posts: None,
            },
        );
        let saved = std::fs::read(&checkpoint).ok();
        collect(
            dir.path(),
            &source(&server),
            Budget {
                max_pages: Some(1),
                max_posts: None,
            },
        );
        match saved {
            Some(bytes) => std::fs::write(&checkpoint, bytes).unwrap(),
            None => std::fs::remove_file(&checkpoint).unwrap(),
        }
        collect(dir.path(), &source(&server), Budget::default());
        assert_eq!(
            archived(dir.path()).0,
            expected(&fake),
            "after a kill at page {k}"
        );
    }
}

#[test]
fn a_token_never_follows_a_redirect_elsewhere_nor_goes_over_plain_http() {
    let elsewhere = TestServer::start(|_| Reply::ok(r#"{"meta":{"result_count":0}}"#));
    let target = format!("{}/2/tweets/search/recent", elsewhere.base);
    let redirecting =
        TestServer::start(move |_| Reply::status(302, "").with_header("location", &target));
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&redirecting), Budget::default());
    let err = reports[0].error.as_ref().expect("refused").to_string();
    assert!(
        err.contains("HTTP 302") && err.contains("not followed"),
        "{err}"
    );
    assert!(
        elsewhere.requests().is_empty(),
        "the other port got nothing"
    );
    assert_eq!(redirecting.requests().len(), 1);

    // A redirect within the same server is followed, with the token.
    let fake = FakeX::new();
    let same = {
        let fake = fake.clone();
        TestServer::start(move |r| {
            if r.path == "/old/2/tweets/search/recent" {
                let query = r
                    .query
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{k}={}",
                            url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("&");
                return Reply::status(301, "")
                    .with_header("location", &format!("/2/tweets/search/recent?{query}"));
            }
            fake.answer(r)
        })
    };
    let mut config = source(&same);
    if let SourceConfig::X(x) = &mut config[0] {
        x.base_url = Some(format!("{}/old", same.base));
        x.threads = false;
    }
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &config, Budget::default());
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    assert_eq!(archived(dir.path()).0.len(), 25);

    // Plain HTTP to a non-loopback host: refused before connecting.
    let mut config = source(&same);
    if let SourceConfig::X(x) = &mut config[0] {
        x.base_url = Some("http://api.example.invalid".into());
    }
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &config, Budget::default());
    let err = reports[0].error.as_ref().unwrap().to_string();
    assert!(
        err.contains("refusing to send a token over plain HTTP to api.example.invalid"),
        "{err}"
    );
}
