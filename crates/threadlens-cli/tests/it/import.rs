//! `threadlens import`.

use threadlens_model::{Platform, Reject};
use threadlens_store::PostStore;

use crate::{data, text, threadlens};

fn out_dir(dir: &tempfile::TempDir) -> String {
    dir.path().join("store").display().to_string()
}

#[test]
fn import_prints_a_summary_per_file_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let out = out_dir(&dir);
    let twarc = data("twarc2_pages.jsonl");
    let first = threadlens(&[
        "import",
        "--out",
        &out,
        &twarc,
        &data("bluesky_search.json"),
    ]);
    let (stdout, stderr) = text(&first);
    assert!(first.status.success(), "{stderr}");
    assert!(
        stdout.contains(
            "twarc2_pages.jsonl (detected twarc2): read 9, imported 6, duplicates 0, rejected 3"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "bluesky_search.json (detected bluesky): read 3, imported 2, duplicates 0, rejected 1"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("posts.parquet: 8 posts (8 new)"),
        "{stdout}"
    );
    assert!(stdout.contains("4 records rejected"), "{stdout}");
    // Each reject is named on stderr with file, line and reason.
    assert!(
        stderr.contains("twarc2_pages.jsonl:5: missing field `created_at`"),
        "{stderr}"
    );
    assert!(stderr.contains("bluesky_search.json:"), "{stderr}");

    let store = PostStore::open(&out).unwrap();
    let table = std::fs::read(store.posts_path()).unwrap();
    let modified = std::fs::metadata(store.posts_path())
        .unwrap()
        .modified()
        .unwrap();
    let rejects = std::fs::read(store.rejects_path()).unwrap();

    let again = threadlens(&[
        "import",
        "--out",
        &out,
        &twarc,
        &data("bluesky_search.json"),
    ]);
    let (stdout, _) = text(&again);
    assert!(again.status.success());
    assert!(
        stdout.contains("read 9, imported 0, duplicates 6, rejected 3"),
        "{stdout}"
    );
    assert!(
        stdout.contains("posts.parquet: 8 posts (unchanged)"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read(store.posts_path()).unwrap(),
        table,
        "the table is byte for byte the same"
    );
    assert_eq!(
        std::fs::metadata(store.posts_path())
            .unwrap()
            .modified()
            .unwrap(),
        modified,
        "and not rewritten"
    );
    assert_eq!(
        std::fs::read(store.rejects_path()).unwrap(),
        rejects,
        "rejects are not recorded twice"
    );
}

#[test]
fn rejects_file_names_file_line_reason_and_raw_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = out_dir(&dir);
    let output = threadlens(&[
        "import",
        "--format",
        "jsonl",
        "--out",
        &out,
        &data("generic.jsonl"),
    ]);
    assert!(output.status.success());
    let text = std::fs::read_to_string(PostStore::open(&out).unwrap().rejects_path()).unwrap();
    let rejects: Vec<Reject> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rejects.len(), 4);
    assert!(rejects[0].file.ends_with("generic.jsonl"));
    assert_eq!(
        (rejects[0].line, rejects[0].reason.as_str()),
        (4, "missing field `created_at`")
    );
    assert_eq!(
        rejects[0].raw,
        r#"{"id": "a-3", "text": "no timestamp", "author": "someone"}"#
    );
}

#[test]
fn a_missing_file_is_a_usage_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = out_dir(&dir);
    let output = threadlens(&[
        "import",
        "--out",
        &out,
        &data("twarc2_pages.jsonl"),
        "/no/such/file.jsonl",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/no/such/file.jsonl"), "{stderr}");
    assert!(
        !std::path::Path::new(&out).exists(),
        "the store was not even created"
    );
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = threadlens(&[
        "import",
        "--format",
        "myspace",
        "--out",
        &out_dir(&dir),
        &data("generic.jsonl"),
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("myspace") && stderr.contains("twarc2"),
        "{stderr}"
    );
}

#[test]
fn a_csv_map_naming_a_missing_column_fails_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = out_dir(&dir);
    let map = "id=tweet_id,created_at=posted,author=user,text=content";
    let output = threadlens(&[
        "import",
        "--map",
        map,
        "--out",
        &out,
        &data("generic.csv"),
        &data("twarc2_pages.jsonl"),
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("generic.csv: not imported"), "{stdout}");
    assert!(
        stderr.contains("generic.csv:1")
            && stderr.contains("field `text`")
            && stderr.contains("\"content\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 2 files could not be imported; the other one was imported"),
        "{stderr}"
    );
    assert_eq!(
        PostStore::open(&out).unwrap().read_posts().unwrap().len(),
        6,
        "the good file is kept"
    );
}

#[test]
fn nineteen_digit_ids_survive_csv_jsonl_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let out = out_dir(&dir);
    let map = "id=tweet_id,created_at=posted,author=user,text=body,likes=likes_n,hashtags=tags";
    let csv = threadlens(&[
        "import",
        "--format",
        "csv",
        "--map",
        map,
        "--out",
        &out,
        &data("generic.csv"),
    ]);
    assert!(csv.status.success(), "{}", text(&csv).1);
    let jsonl = threadlens(&[
        "import",
        "--format",
        "jsonl",
        "--out",
        &out,
        &data("generic.jsonl"),
    ]);
    assert!(jsonl.status.success());
    let posts = PostStore::open(&out).unwrap().read_posts().unwrap();
    let ids: Vec<(&Platform, &str)> = posts
        .iter()
        .map(|p| (&p.platform, p.post_id.as_str()))
        .collect();
    for id in ["1440714901538803715", "1440714901538803716"] {
        assert!(
            ids.contains(&(&Platform::Import, id)),
            "csv id {id} in {ids:?}"
        );
    }
    // The jsonl file gives 1440714901538803715 as a bare JSON integer (> 2^53).
    assert!(
        ids.contains(&(&Platform::X, "1440714901538803715")),
        "{ids:?}"
    );
}

#[test]
fn mastodon_replies_resolve_when_the_parent_arrives_later() {
    let dir = tempfile::tempdir().unwrap();
    let out = out_dir(&dir);
    let reply = dir.path().join("reply.jsonl");
    let parent = dir.path().join("parent.jsonl");
    std::fs::write(
        &reply,
        r#"{"id":"20","uri":"https://remote.example/notes/r","created_at":"2022-06-28T09:05:00Z","in_reply_to_id":"10","in_reply_to_account_id":"1","content":"<p>reply</p>","account":{"id":"7","acct":"zed@remote.example","url":"https://remote.example/zed"},"mentions":[]}"#,
    )
    .unwrap();
    std::fs::write(
        &parent,
        r#"{"id":"10","uri":"https://home.example/users/a/statuses/10","created_at":"2022-06-28T09:00:00Z","content":"<p>root</p>","account":{"id":"1","acct":"a","url":"https://home.example/@a"},"mentions":[]}"#,
    )
    .unwrap();
    let reply_path = reply.display().to_string();
    let parent_path = parent.display().to_string();
    let first = threadlens(&[
        "import",
        "--format",
        "mastodon",
        "--instance",
        "home.example",
        "--out",
        &out,
        &reply_path,
    ]);
    assert!(first.status.success());
    let posts = PostStore::open(&out).unwrap().read_posts().unwrap();
    assert_eq!(
        posts[0].reply_to_post_id.as_deref(),
        Some("home.example/10"),
        "kept as <host>/<local id>"
    );
    let second = threadlens(&[
        "import",
        "--format",
        "mastodon",
        "--out",
        &out,
        &parent_path,
    ]);
    assert!(second.status.success());
    let posts = PostStore::open(&out).unwrap().read_posts().unwrap();
    let reply = posts
        .iter()
        .find(|p| p.post_id == "https://remote.example/notes/r")
        .unwrap();
    assert_eq!(
        reply.reply_to_post_id.as_deref(),
        Some("https://home.example/users/a/statuses/10")
    );
    assert_eq!(
        reply.conversation_id.as_deref(),
        Some("https://home.example/users/a/statuses/10")
    );
}

#[test]
fn help_teaches_and_version_answers() {
    let help = threadlens(&["import", "--help"]);
    let (stdout, _) = text(&help);
    assert!(help.status.success());
    for needle in [
        "Examples:",
        "x-archive",
        "--map",
        "rejects.jsonl",
        "Importing\nthe same file twice changes nothing",
    ] {
        assert!(stdout.contains(needle), "--help lacks {needle:?}");
    }
    let version = threadlens(&["--version"]);
    assert!(text(&version).0.starts_with("threadlens "));
    let top = threadlens(&["--help"]);
    assert!(text(&top).0.contains("Exit codes"));
}

/// One page of a Mastodon tag timeline as `threadlens collect` archives it.
fn raw_mastodon_page(instance: &str, retrieved_at: &str, statuses: serde_json::Value) -> String {
    serde_json::json!({
        "threadlens_raw": 1, "platform": "mastodon", "source": format!("tag-{instance}"),
        "instance": instance, "matched": true,
        "request": format!("https://{instance}/api/v1/timelines/tag/SolvingTogether"),
        "status": 200, "retrieved_at": retrieved_at, "body": statuses,
    })
    .to_string()
        + "\n"
}

fn status(local_id: &str, uri: &str, reply_to: Option<&str>, text: &str) -> serde_json::Value {
    serde_json::json!({
        "id": local_id, "created_at": "2022-06-28T09:00:00.000Z", "uri": uri, "url": uri,
        "in_reply_to_id": reply_to, "in_reply_to_account_id": reply_to.map(|_| "1"),
        "content": format!("<p>{text}</p>"), "reblog": null, "language": "en",
        "replies_count": 1, "reblogs_count": 0, "favourites_count": 2,
        "account": {"id": "1", "username": "host", "acct": "host@origin.example", "display_name": "Host"},
        "mentions": [], "tags": [],
    })
}

/// formats.md §1, end to end: a status served by two instances (same
/// `uri`, different local ids; the second instance's copy archived two
/// seconds earlier) is one row that records both instances, and a reply
/// that only the second instance served resolves to the parent's `uri`,
/// whichever page is imported first.
#[test]
fn a_status_seen_on_two_instances_keeps_both_in_either_import_order() {
    let uri = "https://origin.example/users/host/statuses/1";
    let dir = tempfile::tempdir().unwrap();
    let first_instance = dir.path().join("one.jsonl");
    std::fs::write(
        &first_instance,
        raw_mastodon_page(
            "one.example",
            "2022-06-28T12:00:02Z",
            serde_json::json!([status("100", uri, None, "Welcome #SolvingTogether")]),
        ),
    )
    .unwrap();
    let second_instance = dir.path().join("two.jsonl");
    std::fs::write(
        &second_instance,
        raw_mastodon_page(
            "two.example",
            "2022-06-28T12:00:00Z",
            serde_json::json!([
                status("9000", uri, None, "Welcome #SolvingTogether"),
                status(
                    "9001",
                    "https://two.example/users/guest/statuses/9001",
                    Some("9000"),
                    "Thanks!"
                ),
            ]),
        ),
    )
    .unwrap();
    let mut stores = Vec::new();
    for (order, files) in [
        ("newer first", [&first_instance, &second_instance]),
        ("older first", [&second_instance, &first_instance]),
    ] {
        let store = dir.path().join(order.replace(' ', "-"));
        for file in files {
            let output = threadlens(&[
                "import",
                "--data",
                store.to_str().unwrap(),
                file.to_str().unwrap(),
            ]);
            assert!(output.status.success(), "{order}: {:?}", text(&output));
        }
        let mut posts = PostStore::open(&store).unwrap().read_posts().unwrap();
        posts.sort_by(|a, b| a.post_id.cmp(&b.post_id));
        let parent = posts.iter().find(|p| p.post_id == uri).unwrap();
        assert_eq!(
            parent.seen_on,
            ["one.example/100", "two.example/9000"],
            "{order}"
        );
        assert_eq!(
            parent.local_ref.as_deref(),
            Some("one.example/100"),
            "{order}"
        );
        let reply = posts.iter().find(|p| p.post_id != uri).unwrap();
        assert_eq!(reply.reply_to_post_id.as_deref(), Some(uri), "{order}");
        assert_eq!(reply.conversation_id.as_deref(), Some(uri), "{order}");
        for p in &mut posts {
            p.source.clear(); // the file that brought it differs by order
        }
        stores.push(posts);
    }
    assert_eq!(stores[0], stores[1], "both orders give the same rows");
}
