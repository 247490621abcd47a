//! The live sources fed the platforms' real payloads (`../shared/fixtures/`)
//! through a loopback server: what they archive imports to exactly the
//! posts the importer reads from the same payloads.

use std::collections::BTreeMap;

use serde_json::Value;
use threadlens_ingest::Format;
use threadlens_ingest::live::{Budget, MastodonConfig, SourceConfig, XConfig, XEndpoint};
use threadlens_testkit::{Reply, TestServer};

use crate::conformance::{fixtures, import_values, read_json};
use crate::live_support::{archived, collect};

fn merged(values: &[&Value], format: Format) -> BTreeMap<String, bool> {
    import_values(values, format)
        .unique()
        .into_iter()
        .map(|p| (p.post_id, p.matched))
        .collect()
}

#[test]
fn x_follows_a_real_next_token_chain() {
    let Some(dir) = fixtures() else { return };
    let text =
        std::fs::read_to_string(dir.join(
            "x/twitter_v2_search_recent_snow_toronto_last2pages_next_token_chain.twarc2.jsonl",
        ))
        .unwrap();
    let pages: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let first_token = pages[0]["meta"]["next_token"].as_str().unwrap().to_owned();
    assert!(
        pages[1]["meta"].get("next_token").is_none(),
        "the chain ends on its second page"
    );
    let served = pages.clone();
    let server = TestServer::start(move |req| {
        let strip = |v: &Value| {
            let mut v = v.clone();
            v.as_object_mut().unwrap().remove("__twarc");
            v.to_string()
        };
        match req.param("next_token") {
            None => Reply::ok(strip(&served[0])),
            Some(t) if t == first_token => Reply::ok(strip(&served[1])),
            Some(other) => Reply::status(400, format!("unexpected next_token {other}")),
        }
    });
    let sources = vec![SourceConfig::X(XConfig {
        name: None,
        query: "snow toronto".into(),
        threads: false,
        quotes: false,
        endpoint: XEndpoint::Recent,
        max_results: 100,
        base_url: Some(server.base.clone()),
        token_env: None,
    })];
    let tmp = tempfile::tempdir().unwrap();
    let (reports, _) = collect(tmp.path(), &sources, Budget::default());
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    assert_eq!(server.requests().len(), 2);
    let (got, _) = archived(tmp.path());
    assert_eq!(
        got,
        merged(&pages.iter().collect::<Vec<_>>(), Format::Twarc2)
    );
    assert!(got.len() > 100, "{} posts", got.len());
}

#[test]
fn mastodon_reads_real_link_and_rate_limit_headers() {
    let Some(dir) = fixtures() else { return };
    let cassette = read_json(
        &dir.join("mastodon/mastodon_timeline_tag_response_with_link_and_ratelimit_headers.json"),
    );
    let link = cassette["headers"]["link"][0].as_str().unwrap().to_owned();
    let reset = cassette["headers"]["x-ratelimit-reset"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let remaining = cassette["headers"]["x-ratelimit-remaining"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let body = cassette["body"].clone();
    let next_max_id = link
        .split("max_id=")
        .nth(1)
        .unwrap()
        .split(['>', '&'])
        .next()
        .unwrap()
        .to_owned();
    let served = body.clone();
    let server = TestServer::start(move |req| {
        assert_eq!(req.path, "/api/v1/timelines/tag/hoot");
        match req.param("max_id") {
            None => Reply::ok(served.to_string())
                .with_header("link", &link)
                .with_header("x-ratelimit-remaining", &remaining)
                .with_header("x-ratelimit-reset", &reset),
            Some(_) => Reply::ok("[]"),
        }
    });
    let sources = vec![SourceConfig::Mastodon(MastodonConfig {
        name: None,
        instances: vec![server.base.clone()],
        hashtags: vec!["hoot".into()],
        threads: false,
        token_env: None,
    })];
    let tmp = tempfile::tempdir().unwrap();
    let (reports, clock) = collect(tmp.path(), &sources, Budget::default());
    assert!(reports[0].error.is_none(), "{:?}", reports[0].error);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].param("max_id"),
        Some(&*next_max_id),
        "the max_id of the real Link header"
    );
    assert!(clock.sleeps().is_empty(), "299 requests left: no wait");
    let (got, _) = archived(tmp.path());
    assert_eq!(got, merged(&[&body], Format::Mastodon));
    assert!(!got.is_empty());
}
