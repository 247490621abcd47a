//! `threadlens collect` against loopback servers: archive, import,
//! coverage, exit codes, and secrets kept out of everything written.

use std::process::Command;

use threadlens_testkit::{Reply, Seen, TestServer};

use crate::{bin, text};

const TOKEN: &str = "e2e-bearer-token-789";

/// A tiny X: 12 hashtag tweets on 2 pages; tweet 100 has 2 replies of
/// which the conversation search finds 1.
fn fake_x(req: &Seen) -> Reply {
    if req.header("authorization") != Some(&*format!("Bearer {TOKEN}")) {
        return Reply::status(401, r#"{"title":"Unauthorized"}"#);
    }
    let tweet = |id: u64, reply_to: Option<u64>, replies: u64| {
        let mut t = serde_json::json!({
            "id": id.to_string(), "text": format!("takeover {id} #SolvingTogether"), "author_id": "9",
            "conversation_id": reply_to.unwrap_or(id).to_string(),
            "created_at": "2026-11-21T10:00:00.000Z",
            "public_metrics": {"reply_count": replies, "retweet_count": 0, "like_count": 0, "quote_count": 0},
        });
        if let Some(p) = reply_to {
            t["referenced_tweets"] =
                serde_json::json!([{"type": "replied_to", "id": p.to_string()}]);
            t["text"] = serde_json::json!(format!("a reply {id}"));
        }
        t
    };
    let query = req.param("query").unwrap_or_default();
    if req.param("since_id").is_some() {
        return Reply::ok(r#"{"meta":{"result_count":0}}"#);
    }
    let body = if let Some(c) = query.strip_prefix("conversation_id:") {
        let c: u64 = c.parse().unwrap();
        let mut data = vec![tweet(c, None, if c == 100 { 2 } else { 0 })];
        if c == 100 {
            data.push(tweet(150, Some(100), 0));
        }
        serde_json::json!({"data": data, "meta": {"result_count": data.len(), "newest_id": "150"}})
    } else if req.param("next_token") == Some("p2") {
        let data: Vec<_> = (106..112).map(|id| tweet(id, None, 0)).collect();
        serde_json::json!({"data": data, "meta": {"result_count": 6, "newest_id": "111"}})
    } else {
        let data: Vec<_> = (100..106)
            .map(|id| tweet(id, None, if id == 100 { 2 } else { 0 }))
            .collect();
        serde_json::json!({"data": data, "meta": {"result_count": 6, "newest_id": "105", "next_token": "p2"}})
    };
    Reply::ok(body.to_string())
}

fn collect(args: &[&str], token: Option<&str>) -> std::process::Output {
    let mut command = Command::new(bin());
    command
        .arg("collect")
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("X_BEARER_TOKEN");
    if let Some(t) = token {
        command.env("X_BEARER_TOKEN", t);
    }
    command.output().unwrap()
}

#[test]
fn collects_imports_and_audits_threads_without_leaking_the_token() {
    let server = TestServer::start(fake_x);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let data_s = data.display().to_string();
    let output = collect(
        &[
            "--data",
            &data_s,
            "--base-url",
            &server.base,
            "-v",
            "x",
            "--query",
            "#SolvingTogether",
        ],
        Some(TOKEN),
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("reads") && stdout.contains("monthly post cap"),
        "cost note first: {stdout}"
    );
    // 2 search pages + the one conversation with replies.
    assert!(
        stdout.contains("x:#SolvingTogether: 3 pages, 14 posts, 3 requests, 0 threads pending"),
        "{stdout}"
    );
    assert!(
        stdout.contains("posts.parquet: 13 posts (13 new)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("threads: 1 of 2 replies collected (50%): 1 threads incomplete"),
        "{stdout}"
    );
    let coverage = std::fs::read_to_string(data.join("coverage.csv")).unwrap();
    assert!(
        coverage.contains("x,100,100,2026-11-21T10:00:00.000Z,2,1,1"),
        "{coverage}"
    );
    let posts = threadlens_store::PostStore::open(&data)
        .unwrap()
        .read_posts()
        .unwrap();
    assert_eq!(posts.iter().filter(|p| p.matched).count(), 12);
    let reply = posts.iter().find(|p| p.post_id == "150").unwrap();
    assert!(
        !reply.matched && reply.source == "x:#SolvingTogether",
        "{reply:?}"
    );
    assert_eq!(server.requests().len(), 3);

    // The raw archive re-imports into the same posts.
    let again = dir.path().join("again");
    let raw = data.join("raw").display().to_string();
    let output = crate::threadlens(&["import", "--out", &again.display().to_string(), &raw]);
    let (stdout, _) = text(&output);
    assert!(
        output.status.success() && stdout.contains("13 posts (13 new)"),
        "{stdout}"
    );

    // A second run asks only for newer posts and adds nothing.
    let output = collect(
        &[
            "--data",
            &data_s,
            "--base-url",
            &server.base,
            "x",
            "--query",
            "#SolvingTogether",
        ],
        Some(TOKEN),
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 pages, 0 posts"), "{stdout}");
    assert!(stdout.contains("13 posts (unchanged)"), "{stdout}");
    assert_eq!(
        server.requests().last().unwrap().param("since_id"),
        Some("111")
    );

    for entry in walk(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(TOKEN),
            "token in {}",
            entry.display()
        );
    }
    assert!(!stderr.contains(TOKEN));
}

#[test]
fn a_missing_token_is_a_configuration_error_before_any_request() {
    let server = TestServer::start(fake_x);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let output = collect(
        &[
            "--data",
            &data,
            "--base-url",
            &server.base,
            "x",
            "--query",
            "#SolvingTogether",
        ],
        None,
    );
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("X_BEARER_TOKEN is not set"), "{stderr}");
    assert!(server.requests().is_empty());

    let output = collect(
        &[
            "--data",
            &data,
            "--base-url",
            &server.base,
            "--dry-run",
            "x",
            "--query",
            "#SolvingTogether",
        ],
        None,
    );
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    assert!(
        stdout.contains("would send GET ") && stdout.contains("query=%23SolvingTogether"),
        "{stdout}"
    );
    assert!(server.requests().is_empty(), "a dry run sends nothing");
}

#[test]
fn one_failing_source_gives_exit_code_3_and_the_others_finish() {
    let x = TestServer::start(fake_x);
    let refusing =
        TestServer::start(|_| Reply::status(403, r#"{"error":"This action is not allowed"}"#));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("collect.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nplatform = \"x\"\nquery = \"#SolvingTogether\"\nbase_url = \"{}\"\n\n[[source]]\nplatform = \"mastodon\"\ninstances = [\"{}\"]\nhashtags = [\"SolvingTogether\"]\n",
            x.base, refusing.base
        ),
    )
    .unwrap();
    let data = dir.path().join("store").display().to_string();
    let output = collect(
        &["--config", &config.display().to_string(), "--data", &data],
        Some(TOKEN),
    );
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("stopped: mastodon:#SolvingTogether@127.0.0.1: HTTP 403"),
        "{stdout}"
    );
    assert!(stdout.contains("posts.parquet: 13 posts"), "{stdout}");

    std::fs::write(
        &config,
        "[[source]]\nplatform = \"x\"\nquery = \"a\"\nmax_results = 5000\n",
    )
    .unwrap();
    let output = collect(
        &["--config", &config.display().to_string(), "--data", &data],
        Some(TOKEN),
    );
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("collect.toml:1: [[source]] 1: `max_results` = 5000 must be 10..=500"),
        "{stderr}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// SIGTERM while the second of three pages is in flight: that page is
/// archived and checkpointed, no third request goes out, the command says
/// so and exits 143; run again, it resumes at the third page and every
/// post is stored once. (SIGINT is the same with 130.)
#[test]
fn sigterm_finishes_the_page_in_hand_and_the_next_run_resumes() {
    use std::sync::Arc;
    use std::time::Duration;

    use threadlens_testkit::Gate;

    let gate = Arc::new(Gate::new());
    let held = gate.clone();
    let server = TestServer::start(move |req: &Seen| {
        let page = |ids: std::ops::Range<u64>, next: Option<&str>| {
            let data: Vec<_> = ids
                .map(|id| serde_json::json!({"id": id.to_string(), "text": format!("post {id}"), "author_id": "9", "created_at": "2026-11-21T10:00:00.000Z"}))
                .collect();
            let mut meta = serde_json::json!({"result_count": data.len(), "newest_id": "300"});
            if let Some(n) = next {
                meta["next_token"] = serde_json::json!(n);
            }
            Reply::ok(serde_json::json!({"data": data, "meta": meta}).to_string())
        };
        match req.param("next_token") {
            None if req.param("since_id").is_some() => Reply::ok(r#"{"meta":{"result_count":0}}"#),
            None => page(100..106, Some("p2")),
            Some("p2") => {
                held.stop_here(Duration::from_secs(60));
                page(200..206, Some("p3"))
            }
            _ => page(300..306, None),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let data_s = data.display().to_string();
    let args = [
        "collect",
        "--data",
        &data_s,
        "--base-url",
        &server.base,
        "x",
        "--query",
        "#SolvingTogether",
    ];
    let child = Command::new(bin())
        .args(args)
        .env("X_BEARER_TOKEN", TOKEN)
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    assert!(
        gate.wait_reached(Duration::from_secs(60)),
        "page 2 requested"
    );
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    std::thread::sleep(Duration::from_millis(300));
    gate.open();
    let output = child.wait_with_output().unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(143), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("stopped by SIGTERM: the pages collected are archived"),
        "{stdout}"
    );
    assert!(stdout.contains("2 pages, 12 posts, 2 requests"), "{stdout}");
    let searches = |server: &TestServer| {
        server
            .requests()
            .iter()
            .filter(|r| r.param("query").is_some_and(|q| q.starts_with('#')))
            .count()
    };
    assert_eq!(searches(&server), 2, "no request after the signal");
    let checkpoint = walk(&data.join("checkpoints"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("imported.json"))
        .expect("a checkpoint");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&checkpoint).unwrap()).unwrap();
    assert!(
        saved.to_string().contains("p3"),
        "the cursor of page 3: {saved}"
    );

    // The next run resumes at page 3 and imports everything once.
    let output = collect(&args[1..], Some(TOKEN));
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("posts.parquet: 18 posts (18 new)"),
        "{stdout}"
    );
    let third: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.param("next_token") == Some("p3"))
        .collect();
    assert_eq!(third.len(), 1, "page 3 asked once, by the second run");
}
