//! Mastodon collection from two loopback instances that federate the same
//! statuses under different local ids.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde_json::json;
use threadlens_ingest::live::{Budget, MastodonConfig, SourceConfig};

use crate::live_support::{archived, collect};
use threadlens_testkit::{Reply, Seen, TestServer};

#[derive(Clone)]
struct Status {
    local: u64,
    /// Global number: the status's URI is `https://origin.example/statuses/<n>`.
    n: u64,
    tagged: bool,
    parent_local: Option<u64>,
    replies: u64,
}

/// One instance's view: its local ids for the statuses it knows.
struct FakeInstance {
    statuses: Mutex<Vec<Status>>,
    base: Mutex<String>,
}

fn uri(n: u64) -> String {
    format!("https://origin.example/statuses/{n}")
}

impl FakeInstance {
    /// Tagged statuses numbered `tagged`, local ids from `first_local`;
    /// every tenth has two replies (untagged) on this instance.
    fn new(tagged: impl IntoIterator<Item = u64>, first_local: u64) -> Arc<FakeInstance> {
        let mut statuses = Vec::new();
        let mut local = first_local;
        for n in tagged {
            let parent = local;
            let replies = if n.is_multiple_of(10) { 2 } else { 0 };
            statuses.push(Status {
                local,
                n,
                tagged: true,
                parent_local: None,
                replies,
            });
            local += 1;
            for r in 1..=replies {
                statuses.push(Status {
                    local,
                    n: 10_000 + n * 10 + r,
                    tagged: false,
                    parent_local: Some(parent),
                    replies: 0,
                });
                local += 1;
            }
        }
        Arc::new(FakeInstance {
            statuses: Mutex::new(statuses),
            base: Mutex::new(String::new()),
        })
    }

    fn json(&self, s: &Status) -> serde_json::Value {
        json!({
            "id": s.local.to_string(),
            "uri": uri(s.n),
            "url": format!("https://origin.example/@u/{}", s.n),
            "created_at": format!("2026-11-21T{:02}:{:02}:00.000Z", (s.n / 60) % 24, s.n % 60),
            "content": if s.tagged { format!("<p>Status {} <a href=\"https://origin.example/tags/solvingtogether\" class=\"mention hashtag\">#<span>SolvingTogether</span></a></p>", s.n) } else { format!("<p>Reply {}</p>", s.n) },
            "account": {"id": "7", "username": "u", "acct": "u@origin.example", "display_name": "U", "url": "https://origin.example/@u"},
            "in_reply_to_id": s.parent_local.map(|p| p.to_string()),
            "in_reply_to_account_id": s.parent_local.map(|_| "7"),
            "reblog": null,
            "tags": if s.tagged { json!([{"name": "solvingtogether"}]) } else { json!([]) },
            "mentions": [],
            "replies_count": s.replies,
            "reblogs_count": 0,
            "favourites_count": 0,
            "visibility": "public",
            "language": "en",
        })
    }

    fn answer(&self, req: &Seen) -> Reply {
        let statuses = self.statuses.lock().unwrap().clone();
        let base = self.base.lock().unwrap().clone();
        if let Some(rest) = req.path.strip_prefix("/api/v1/statuses/") {
            let id: u64 = rest.trim_end_matches("/context").parse().unwrap();
            let descendants: Vec<_> = statuses
                .iter()
                .filter(|s| s.parent_local == Some(id))
                .map(|s| self.json(s))
                .collect();
            return Reply::ok(json!({"ancestors": [], "descendants": descendants}).to_string());
        }
        assert_eq!(req.path, "/api/v1/timelines/tag/SolvingTogether");
        assert_eq!(req.param("any[]"), Some("ImprovingTogether"));
        let limit: usize = req.param("limit").unwrap().parse().unwrap();
        let mut tagged: Vec<&Status> = statuses.iter().filter(|s| s.tagged).collect();
        tagged.sort_by_key(|s| std::cmp::Reverse(s.local));
        let page: Vec<&Status> = match (req.param("max_id"), req.param("min_id")) {
            (Some(max), _) => tagged
                .into_iter()
                .filter(|s| s.local < max.parse().unwrap())
                .take(limit)
                .collect(),
            (None, Some(min)) => {
                let mut newer: Vec<&Status> = tagged
                    .into_iter()
                    .filter(|s| s.local > min.parse().unwrap())
                    .collect();
                newer.reverse();
                newer.truncate(limit);
                newer.reverse();
                newer
            }
            (None, None) => tagged.into_iter().take(limit).collect(),
        };
        let body = json!(page.iter().map(|s| self.json(s)).collect::<Vec<_>>()).to_string();
        let mut reply = Reply::ok(body)
            .with_header("x-ratelimit-limit", "300")
            .with_header("x-ratelimit-remaining", "299")
            .with_header("x-ratelimit-reset", "2026-11-22T00:05:00.000Z");
        if let (Some(newest), Some(oldest)) = (page.first(), page.last()) {
            let link = format!(
                "<{base}/api/v1/timelines/tag/SolvingTogether?any%5B%5D=ImprovingTogether&max_id={}>; rel=\"next\", <{base}/api/v1/timelines/tag/SolvingTogether?any%5B%5D=ImprovingTogether&min_id={}>; rel=\"prev\"",
                oldest.local, newest.local
            );
            reply = reply.with_header("link", &link);
        }
        reply
    }
}

fn serve(instance: &Arc<FakeInstance>) -> TestServer {
    let i = instance.clone();
    let server = TestServer::start(move |r| i.answer(r));
    *instance.base.lock().unwrap() = server.base.clone();
    server
}

fn source(servers: &[&TestServer]) -> Vec<SourceConfig> {
    vec![SourceConfig::Mastodon(MastodonConfig {
        name: None,
        instances: servers.iter().map(|s| s.base.clone()).collect(),
        hashtags: vec!["SolvingTogether".into(), "#ImprovingTogether".into()],
        threads: true,
        token_env: None,
    })]
}

#[test]
fn merges_instances_by_uri_and_fetches_contexts() {
    // Instance A knows statuses 1..=50, B knows 41..=60: 41..=50 are the same
    // posts under other local ids.
    let a = FakeInstance::new(1..=50, 100);
    let b = FakeInstance::new(41..=60, 9000);
    let (sa, sb) = (serve(&a), serve(&b));
    let dir = tempfile::tempdir().unwrap();
    let (reports, _) = collect(dir.path(), &source(&[&sa, &sb]), Budget::default());
    for r in &reports {
        assert!(r.error.is_none(), "{:?}", r.error);
    }
    assert_eq!(reports.len(), 2, "one unit per instance");
    let (posts, collected) = archived(dir.path());
    let mut expected = BTreeMap::new();
    for n in 1..=60 {
        expected.insert(uri(n), true);
        if n.is_multiple_of(10) {
            for r in 1..=2 {
                expected.insert(uri(10_000 + n * 10 + r), false);
            }
        }
    }
    assert_eq!(posts, expected);
    // A pages 40, 10, then an empty page ends the walk; B pages 20, 0.
    let timeline = |s: &TestServer| {
        s.requests()
            .iter()
            .filter(|r| r.path.contains("timelines"))
            .count()
    };
    assert_eq!((timeline(&sa), timeline(&sb)), (3, 2));
    let contexts = |s: &TestServer| {
        s.requests()
            .iter()
            .filter(|r| r.path.ends_with("/context"))
            .count()
    };
    assert_eq!(
        (contexts(&sa), contexts(&sb)),
        (5, 2),
        "only statuses with replies"
    );
    // A status both instances served records both (and its local ids there).
    let both = collected
        .unique()
        .into_iter()
        .find(|p| p.post_id == uri(45))
        .unwrap();
    let hosts: Vec<&str> = both
        .seen_on
        .iter()
        .map(|r| r.rsplit_once('/').unwrap().0)
        .collect();
    assert_eq!(hosts.len(), 2, "{:?}", both.seen_on);
    assert!(
        hosts.contains(&sa.base.trim_start_matches("http://"))
            && hosts.contains(&sb.base.trim_start_matches("http://"))
    );
    // Replies keep their parent as `<instance host>/<local id>` for the store to resolve.
    let host_a = sa.base.trim_start_matches("http://");
    let reply = collected.post(&uri(10_000 + 10 * 10 + 1));
    // Status 10 is A's tenth status: local ids 100..=108 for 1..=9, then 109.
    assert_eq!(
        reply.reply_to_post_id.as_deref(),
        Some(&*format!("{host_a}/109"))
    );
    assert!(!reply.matched);
    assert!(reports[0].name.ends_with(host_a.split(':').next().unwrap()));

    // Incremental: a new tagged status on A is fetched with min_id.
    {
        let mut statuses = a.statuses.lock().unwrap();
        statuses.push(Status {
            local: 500,
            n: 61,
            tagged: true,
            parent_local: None,
            replies: 0,
        });
    }
    let before = sa.requests().len();
    let (reports, _) = collect(dir.path(), &source(&[&sa, &sb]), Budget::default());
    assert!(reports.iter().all(|r| r.error.is_none()));
    let new: Vec<Seen> = sa.requests()[before..].to_vec();
    assert_eq!(new.len(), 2, "the new status, then an empty page");
    assert!(new[0].param("min_id").is_some() && new[0].param("max_id").is_none());
    assert_eq!(archived(dir.path()).0.len(), expected.len() + 1);
}
