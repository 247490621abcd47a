//! The repo's own fixtures (tests/data), one per format, each with the
//! ugly cases: entities, truncated lines, bad bytes, missing fields.

use threadlens_ingest::{ColumnMap, Format, ImportOptions, import_file};
use threadlens_model::{Platform, PostKind};

use crate::support::{Collected, Tally, data, import, import_with, temp_file, ts};

#[test]
fn twarc2_pages_flattened_lines_and_bad_lines() {
    let (read, got) = import(&data("twarc2_pages.jsonl"), Format::Twarc2);
    assert_eq!(read.posts, 6);
    let reject_lines: Vec<(u64, &str)> = got
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(reject_lines.len(), 3, "{reject_lines:?}");
    assert_eq!(reject_lines[0].0, 2);
    assert!(
        reject_lines[0].1.starts_with("truncated JSON"),
        "{}",
        reject_lines[0].1
    );
    assert_eq!(reject_lines[1], (5, "missing field `created_at`"));
    // Byte 55 of line 7 is 0xFF: the reason says where (the SIMD check
    // finds that the line is not UTF-8, std's check where).
    assert_eq!(
        reject_lines[2],
        (7, "not valid UTF-8 (byte 55 of the line)")
    );
    assert!(
        got.rejects[0]
            .raw
            .starts_with("{\"data\":[{\"id\":\"1540000000000000003\"")
    );
    assert!(
        got.rejects
            .iter()
            .all(|r| r.file.ends_with("twarc2_pages.jsonl"))
    );

    // Every column of the reply, against line 1 of the fixture.
    let reply = got.post("1540000000000000001");
    assert_eq!(reply.platform, Platform::X);
    assert_eq!(
        reply.url.as_deref(),
        Some("https://x.com/alice/status/1540000000000000001")
    );
    assert_eq!(reply.created_at, ts("2022-06-28T09:15:00Z"));
    assert_eq!(
        (reply.author_id.as_str(), reply.author_handle.as_str()),
        ("111", "alice")
    );
    assert_eq!(reply.author_name.as_deref(), Some("Alice A"));
    assert_eq!(reply.author_followers, Some(42));
    assert_eq!(
        reply.text,
        "Replying: co-production & candour matter <3 #SolvingTogether"
    );
    assert_eq!(reply.lang.as_deref(), Some("en"));
    assert_eq!(reply.kind, PostKind::Reply);
    assert_eq!(
        reply.conversation_id.as_deref(),
        Some("1540000000000000000")
    );
    assert_eq!(
        reply.reply_to_post_id.as_deref(),
        Some("1540000000000000000")
    );
    assert_eq!(reply.reply_to_author_id.as_deref(), Some("222"));
    assert_eq!(reply.referenced_post_id, None);
    assert_eq!(reply.hashtags, vec!["solvingtogether"]);
    assert!(reply.mentions.is_empty());
    assert_eq!(reply.urls, vec!["https://example.org/page"]);
    assert_eq!(
        (
            reply.replies,
            reply.reposts,
            reply.likes,
            reply.quotes,
            reply.impressions
        ),
        (Some(2), Some(1), Some(3), Some(4), Some(500))
    );
    assert!(reply.matched);
    assert!(reply.source.ends_with("twarc2_pages.jsonl"));
    assert_eq!(
        reply.collected_at,
        ts("2022-06-29T10:00:00Z"),
        "from __twarc.retrieved_at"
    );
    assert_eq!(reply.local_ref, None);

    let retweet = got.post("1540000000000000002");
    assert_eq!(retweet.kind, PostKind::Repost);
    assert_eq!(
        retweet.referenced_post_id.as_deref(),
        Some("1540000000000000000")
    );
    let context = got.post("1540000000000000000");
    assert!(!context.matched, "includes.tweets are context");
    assert_eq!(context.author_handle, "horizons");

    let flat = got.post("1540000000000000004");
    assert_eq!(flat.kind, PostKind::Quote);
    assert_eq!(
        (flat.author_handle.as_str(), flat.author_followers),
        ("carol", Some(7))
    );
    assert_eq!(
        flat.referenced_post_id.as_deref(),
        Some("1540000000000000005")
    );
    let quoted = got.post("1540000000000000005");
    assert!(!quoted.matched);
    assert_eq!(quoted.author_handle, "dan");
    assert_eq!(quoted.collected_at, ts("2022-06-29T11:00:00Z"));

    // Default-fields tweets: time from the snowflake id, author unknown.
    let bare = got.post("1540000000000000006");
    assert_eq!(
        bare.created_at.timestamp_millis(),
        (1_540_000_000_000_000_006u64 >> 22) as i64 + 1_288_834_974_657
    );
    assert_eq!(
        (bare.author_id.as_str(), bare.author_handle.as_str()),
        ("", "")
    );
    assert_eq!(
        bare.url.as_deref(),
        Some("https://x.com/i/web/status/1540000000000000006")
    );
}

#[test]
fn x_v2_pretty_printed_response() {
    let (read, got) = import(&data("x_v2_response.json"), Format::XV2);
    assert_eq!((read.posts, read.rejected), (2, 0));
    let quote = got.post("1540000000000000010");
    assert_eq!(quote.kind, PostKind::Quote);
    assert_eq!(
        quote.referenced_post_id.as_deref(),
        Some("1540000000000000000")
    );
    assert_eq!(quote.likes, Some(1));
    assert_eq!(quote.author_handle, "alice");
    assert!(!got.post("1540000000000000000").matched);
}

#[test]
fn x_archive_with_account_js() {
    let path = data("archive/tweets.js");
    let (read, got) = import(&path, Format::XArchive);
    assert_eq!((read.posts, read.rejected), (2, 1));
    let text = std::fs::read_to_string(&path).unwrap();
    let id_line = text
        .lines()
        .position(|l| l.contains("\"1550000000000000003\""))
        .unwrap() as u64
        + 1;
    assert_eq!(
        got.rejects[0].line,
        id_line - 2,
        "the line where the element starts"
    );
    assert_eq!(got.rejects[0].reason, "missing field `created_at`");

    let reply = got.post("1550000000000000001");
    assert_eq!(reply.kind, PostKind::Reply);
    assert_eq!(
        (reply.author_id.as_str(), reply.author_handle.as_str()),
        ("999", "LeighKendall")
    );
    assert_eq!(reply.author_name.as_deref(), Some("Leigh"));
    assert_eq!(
        reply.text,
        "@HorizonsNHS Yes to #NHSCandour & more https://t.co/x"
    );
    assert_eq!(reply.created_at, ts("2022-06-28T09:30:00Z"));
    assert_eq!(reply.hashtags, vec!["nhscandour"]);
    assert_eq!(reply.mentions, vec!["HorizonsNHS"]);
    assert_eq!(reply.urls, vec!["https://example.org/candour"]);
    assert_eq!((reply.likes, reply.reposts), (Some(12), Some(3)));
    assert_eq!(
        reply.reply_to_post_id.as_deref(),
        Some("1549999999999999999")
    );
    assert_eq!(reply.reply_to_author_id.as_deref(), Some("222"));
    assert_eq!(
        reply.conversation_id, None,
        "the archive does not say where a reply's thread starts"
    );

    let rt = got.post("1550000000000000002");
    assert_eq!(rt.kind, PostKind::Repost, "told by the RT @ prefix");
    assert_eq!(rt.conversation_id.as_deref(), Some("1550000000000000002"));
}

#[test]
fn x_archive_without_account_js_still_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(
        &dir,
        "tweets.js",
        std::fs::read(data("archive/tweets.js")).unwrap(),
    );
    let (_, got) = import(&path, Format::Auto);
    assert_eq!(got.posts.len(), 2);
    assert_eq!(got.posts[0].author_handle, "");
}

#[test]
fn mastodon_html_boosts_replies_and_instance() {
    let (read, got) = import(&data("mastodon_statuses.json"), Format::Mastodon);
    assert_eq!((read.posts, read.rejected), (4, 1));
    assert_eq!(got.rejects[0].reason, "missing field `created_at`");
    assert_eq!(
        got.tally(),
        Tally {
            posts: 3,
            matched: 3,
            replies: 1,
            reposts: 1,
            quotes: 0
        }
    );

    let welcome = got.post("https://mastodon.example/users/horizons/statuses/109000000000000001");
    let welcome = got
        .posts
        .iter()
        .find(|p| p.post_id == welcome.post_id && p.matched)
        .unwrap();
    assert_eq!(
        welcome.text,
        "Welcome to #SolvingTogether & the three Cs\n\nLine two\nline three https://example.org/cs"
    );
    assert_eq!(welcome.author_handle, "horizons@mastodon.example");
    assert_eq!(welcome.author_followers, Some(1200));
    assert_eq!(welcome.hashtags, vec!["solvingtogether"]);
    assert_eq!(welcome.urls, vec!["https://example.org/cs"]);
    assert_eq!(
        welcome.conversation_id.as_deref(),
        Some(welcome.post_id.as_str())
    );
    assert_eq!(
        welcome.local_ref.as_deref(),
        Some("mastodon.example/109000000000000001")
    );
    assert_eq!(
        (
            welcome.replies,
            welcome.reposts,
            welcome.likes,
            welcome.quotes
        ),
        (Some(1), Some(1), Some(4), Some(0))
    );

    // A remote reply: its parent's local id belongs to the serving instance,
    // which the file's local accounts reveal.
    let reply = got.post("https://other.example/objects/abc-123");
    assert_eq!(reply.kind, PostKind::Reply);
    assert_eq!(reply.text, "@horizons I'd say candour > spin");
    assert_eq!(reply.author_handle, "zoe@other.example");
    assert_eq!(reply.author_name, None);
    assert_eq!(
        reply.reply_to_post_id.as_deref(),
        Some("mastodon.example/109000000000000001")
    );
    assert_eq!(
        reply.reply_to_author_id.as_deref(),
        Some("horizons@mastodon.example")
    );
    assert_eq!(reply.mentions, vec!["horizons@mastodon.example"]);
    assert_eq!(reply.conversation_id, None, "resolved by the store");

    let boost = got.post("https://mastodon.example/users/sam/statuses/109000000000000003/activity");
    assert_eq!(boost.kind, PostKind::Repost);
    assert_eq!(
        boost.referenced_post_id.as_deref(),
        Some("https://mastodon.example/users/horizons/statuses/109000000000000001")
    );
    assert_eq!(
        boost.url.as_deref(),
        Some(boost.post_id.as_str()),
        "no url: the uri stands in"
    );
}

#[test]
fn mastodon_instance_option_wins() {
    let options = ImportOptions {
        format: Format::Mastodon,
        instance: Some("relay.example".into()),
        ..ImportOptions::default()
    };
    let (_, got) = import_with(&data("mastodon_statuses.json"), &options);
    let reply = got.post("https://other.example/objects/abc-123");
    assert_eq!(
        reply.reply_to_post_id.as_deref(),
        Some("relay.example/109000000000000001")
    );
}

#[test]
fn mastodon_truncated_array_keeps_what_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(data("mastodon_statuses.json")).unwrap();
    let cut = &full[..full.find("\"id\": \"109000000000000003\"").unwrap()];
    let path = temp_file(&dir, "cut.json", cut);
    let (read, got) = import(&path, Format::Mastodon);
    assert_eq!((read.posts, read.rejected), (2, 1));
    assert!(
        got.rejects[0].reason.starts_with("truncated JSON"),
        "{}",
        got.rejects[0].reason
    );
    assert!(got.rejects[0].reason.contains("after 2 complete records"));
}

#[test]
fn bluesky_search_response() {
    let (read, got) = import(&data("bluesky_search.json"), Format::Bluesky);
    assert_eq!((read.posts, read.rejected), (2, 1));
    assert_eq!(got.rejects[0].reason, "missing field `record.createdAt`");
    let alice = got.post("at://did:plc:alice/app.bsky.feed.post/3kaaaaaaaaa2a");
    assert_eq!(alice.created_at, ts("2024-02-22T19:58:13.903Z"));
    assert_eq!(
        alice.url.as_deref(),
        Some("https://bsky.app/profile/alice.bsky.social/post/3kaaaaaaaaa2a")
    );
    assert_eq!(
        (alice.author_id.as_str(), alice.author_handle.as_str()),
        ("did:plc:alice", "alice.bsky.social")
    );
    assert_eq!(alice.lang.as_deref(), Some("en"));
    assert_eq!(
        alice.hashtags,
        vec!["coproduction", "nhs", "solvingtogether"]
    );
    assert_eq!(
        alice.mentions,
        vec!["bob.bsky.social"],
        "sliced from the text by UTF-8 byte offsets"
    );
    assert_eq!(alice.urls, vec!["https://example.org"]);
    assert_eq!(
        alice.conversation_id.as_deref(),
        Some(alice.post_id.as_str())
    );
    assert_eq!(
        (alice.replies, alice.reposts, alice.likes, alice.quotes),
        (Some(1), Some(2), Some(3), Some(4))
    );
    let bob = got.post("at://did:plc:bob/app.bsky.feed.post/3kbbbbbbbbb2b");
    assert_eq!(
        bob.kind,
        PostKind::Reply,
        "a reply that also quotes is a reply"
    );
    assert_eq!(
        bob.referenced_post_id.as_deref(),
        Some("at://did:plc:carol/app.bsky.feed.post/3kccccccccc2c")
    );
    assert_eq!(bob.reply_to_author_id.as_deref(), Some("did:plc:alice"));
    assert_eq!(bob.conversation_id.as_deref(), Some(alice.post_id.as_str()));
}

#[test]
fn generic_jsonl_is_verbatim_and_rejects_name_line_and_field() {
    let (read, got) = import(&data("generic.jsonl"), Format::Jsonl);
    assert_eq!((read.posts, read.rejected), (2, 4));
    let first = got.post("1440714901538803715");
    assert_eq!(
        first.text,
        "=HYPERLINK(\"x\") looks like a formula, kept verbatim &amp; not decoded"
    );
    assert_eq!(first.platform, Platform::X);
    assert_eq!(first.author_handle, "analyst");
    assert_eq!(first.hashtags, vec!["nhs", "candour"]);
    assert_eq!(first.kind, PostKind::Reply);
    assert!(!first.matched);
    assert_eq!(first.likes, Some(5));
    assert_eq!(got.post("a-2").created_at, ts("2022-06-28T09:00:00Z"));
    assert_eq!(got.post("a-2").platform, Platform::Import);
    let rejects: Vec<(u64, String)> = got
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect();
    assert_eq!(rejects[0], (4, "missing field `created_at`".to_owned()));
    assert_eq!(rejects[1].0, 5);
    assert!(
        rejects[1]
            .1
            .starts_with("field `created_at`: cannot read \"28/06/2022\""),
        "{}",
        rejects[1].1
    );
    assert_eq!(rejects[2].0, 6);
    assert!(rejects[2].1.starts_with("invalid JSON"), "{}", rejects[2].1);
    assert_eq!(rejects[3].0, 7);
    assert!(
        rejects[3]
            .1
            .starts_with("field `platform`: unknown platform \"myspace\""),
        "{}",
        rejects[3].1
    );
}

fn csv_options(map: &str) -> ImportOptions {
    ImportOptions {
        format: Format::Csv,
        column_map: ColumnMap::parse(map).unwrap(),
        ..ImportOptions::default()
    }
}

#[test]
fn generic_csv_with_a_column_map() {
    let options = csv_options(
        "id=tweet_id,created_at=posted,author=user,text=body,likes=likes_n,hashtags=tags",
    );
    let (read, got) = import_with(&data("generic.csv"), &options);
    assert_eq!((read.posts, read.rejected), (2, 3));
    let first = got.post("1440714901538803715");
    assert_eq!(first.text, "Line one\nline two, with a comma");
    assert_eq!(first.likes, Some(3));
    assert_eq!(first.hashtags, vec!["nhs", "candour"]);
    assert_eq!(got.post("1440714901538803716").text, "+1 agreed");
    assert_eq!(got.post("1440714901538803716").likes, None);
    let rejects: Vec<(u64, &str)> = got
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(rejects[0].0, 5);
    assert!(rejects[0].1.starts_with("field `created_at`"));
    assert_eq!(rejects[1], (6, "the row has 4 fields, the header has 6"));
    assert_eq!(rejects[2], (7, "field `likes`: \"many\" is not a count"));
    assert_eq!(
        got.rejects[1].raw,
        "1440714901538803718,2022-06-28T09:06:00Z,analyst,too few fields"
    );
}

#[test]
fn csv_map_naming_a_missing_column_is_a_file_error() {
    let options = csv_options("id=tweet_id,created_at=posted,author=user,text=content");
    let err = import_file(&data("generic.csv"), &options, &mut Collected::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("generic.csv:1"), "{err}");
    assert!(
        err.contains("`text`") && err.contains("\"content\""),
        "{err}"
    );
}

#[test]
fn csv_without_a_map_says_which_field_has_no_column() {
    let options = ImportOptions {
        format: Format::Csv,
        ..ImportOptions::default()
    };
    let err = import_file(&data("generic.csv"), &options, &mut Collected::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("required field `id`") && err.contains("--map"),
        "{err}"
    );
}

#[test]
fn auto_detects_every_own_fixture() {
    let cases = [
        ("twarc2_pages.jsonl", Format::Twarc2),
        ("x_v2_response.json", Format::XV2),
        ("archive/tweets.js", Format::XArchive),
        ("mastodon_statuses.json", Format::Mastodon),
        ("bluesky_search.json", Format::Bluesky),
        ("generic.jsonl", Format::Jsonl),
        ("generic.csv", Format::Csv),
    ];
    for (name, expected) in cases {
        assert_eq!(Format::detect(&data(name)).unwrap(), expected, "{name}");
    }
    // Feed items one per line, the first not a repost (no `reason`).
    let dir = tempfile::tempdir().unwrap();
    let feed = temp_file(
        &dir,
        "feed.jsonl",
        "{\"post\": {\"uri\": \"at://did:plc:a/app.bsky.feed.post/1\", \"cid\": \"c\"}}\n",
    );
    assert_eq!(Format::detect(&feed).unwrap(), Format::Bluesky);
}

#[test]
fn undetectable_and_missing_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "notes.txt", "just some words\n");
    let err = Format::detect(&path).unwrap_err().to_string();
    assert!(
        err.contains("notes.txt") && err.contains("--format"),
        "{err}"
    );
    let err = import_file(
        &dir.path().join("nope.jsonl"),
        &ImportOptions::default(),
        &mut Collected::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("nope.jsonl"), "{err}");
}

#[test]
fn a_whole_file_that_is_not_utf8_is_one_reject_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "bad.json", b"[\n{\"a\": 1},\n{\"b\": \"\xff\"}\n]");
    let (read, got) = import(&path, Format::Mastodon);
    assert_eq!((read.posts, read.rejected), (0, 1));
    assert_eq!(got.rejects[0].line, 3);
    assert!(got.rejects[0].reason.contains("not valid UTF-8"));
}

#[test]
fn an_x_page_with_only_errors_has_no_posts_and_no_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let page = r#"{"errors":[{"title":"Not Found Error","detail":"Could not find tweet with ids: [1].","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#;
    let path = temp_file(&dir, "errors.jsonl", page);
    let (read, _) = import(&path, Format::XV2);
    assert_eq!((read.posts, read.rejected), (0, 0));
}

#[test]
fn gzipped_inputs_import_like_plain_ones() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("twarc2_pages.jsonl", Format::Twarc2),
        ("mastodon_statuses.json", Format::Mastodon),
        ("generic.csv", Format::Csv),
    ] {
        let plain = std::fs::read(data(name)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain).unwrap();
        let path = temp_file(&dir, &format!("{name}.gz"), gz.finish().unwrap());
        assert_eq!(Format::detect(&path).unwrap(), format, "{name}");
        if format == Format::Csv {
            continue; // needs a map; its reading is the same code as below
        }
        let (_, zipped) = import(&path, Format::Auto);
        let (_, original) = import(&data(name), Format::Auto);
        let strip = |c: &Collected| {
            c.posts
                .iter()
                .map(|p| (p.post_id.clone(), p.text.clone(), p.kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&zipped), strip(&original), "{name}");
        assert_eq!(zipped.rejects.len(), original.rejects.len(), "{name}");
    }
}
