//! Integration tests of the posts store: round trips, merging, atomic
//! commits, rejects.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // test helpers may panic and report

use polars::prelude::{
    DataFrame, IntoColumn, IntoSeries, NamedFrom, ParquetReader, ParquetWriter, SerReader, Series,
    StringChunked,
};
use threadlens_model::Reject;
use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
use threadlens_store::{Inserted, PostSet, PostStore, TextBatch};

mod stored_rows;

fn at(t: &str) -> threadlens_model::Timestamp {
    parse_timestamp(t).unwrap()
}

/// A post using every column, with a 19-digit id above 2^53.
fn full_post() -> Post {
    let mut p = Post::minimal(
        Platform::X,
        "1440714901538803715",
        at("2021-09-22T16:29:51.123Z"),
    );
    p.url = Some("https://x.com/a/status/1440714901538803715".into());
    p.author_id = "1352661060663336960".into();
    p.author_handle = "a_handle".into();
    p.author_name = Some("Ä Name ✨".into());
    p.author_followers = Some(18_446_744_073_709_551_615);
    p.text = "line one\nline \"two\", with commas & emoji 🙌".into();
    p.lang = Some("en".into());
    p.kind = PostKind::Reply;
    p.conversation_id = Some("1440709708738748423".into());
    p.reply_to_post_id = Some("1440714041480015878".into());
    p.reply_to_author_id = Some("9007199254740993".into());
    p.referenced_post_id = None;
    p.hashtags = vec!["brexit".into(), "nhs".into()];
    p.mentions = vec!["someone".into()];
    p.urls = vec![];
    p.replies = Some(0);
    p.reposts = Some(3);
    p.likes = None;
    p.quotes = Some(1);
    p.impressions = None;
    p.matched = false;
    p.source = "brexit.jsonl".into();
    p.collected_at = at("2021-09-22T16:38:09Z");
    p
}

#[test]
fn every_column_survives_parquet_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    let original = full_post();
    let mut mastodon = Post::minimal(
        Platform::Mastodon,
        "https://a.example/users/x/statuses/1",
        at("2022-06-28T09:00:00Z"),
    );
    mastodon.local_ref = Some("a.example/1".into());
    set.insert(&original);
    set.insert(&mastodon);
    assert!(store.commit(&set).unwrap());
    let back = store.read_posts().unwrap();
    assert_eq!(
        back,
        vec![original, mastodon],
        "sorted by created_at and equal field by field"
    );
}

#[test]
fn duplicates_merge_and_a_repeated_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = store.load().unwrap();
    let first = full_post();
    assert_eq!(set.insert(&first), Inserted::New);
    let mut same_but_matched = first.clone();
    same_but_matched.matched = true;
    assert_eq!(
        set.insert(&same_but_matched),
        Inserted::Duplicate { updated: true }
    );
    assert!(store.commit(&set).unwrap());
    let bytes = std::fs::read(store.posts_path()).unwrap();

    // A second import of the same posts: nothing new, nothing rewritten.
    let mut again = store.load().unwrap();
    let mut copy = first.clone();
    copy.matched = true;
    assert_eq!(again.insert(&first), Inserted::Duplicate { updated: false });
    assert_eq!(again.insert(&copy), Inserted::Duplicate { updated: false });
    assert!(!again.is_changed());
    assert!(!store.commit(&again).unwrap());
    assert_eq!(std::fs::read(store.posts_path()).unwrap(), bytes);
    assert_eq!(store.read_posts().unwrap().len(), 1);
    assert!(store.read_posts().unwrap()[0].matched);
}

#[test]
fn the_same_posts_make_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        PostStore::open(dir.path().join("a")).unwrap(),
        PostStore::open(dir.path().join("b")).unwrap(),
    );
    let mut p2 = full_post();
    p2.post_id = "2".into();
    let mut forward = PostSet::new();
    forward.insert(&full_post());
    forward.insert(&p2);
    let mut backward = PostSet::new();
    backward.insert(&p2);
    backward.insert(&full_post());
    a.commit(&forward).unwrap();
    b.commit(&backward).unwrap();
    assert_eq!(
        std::fs::read(a.posts_path()).unwrap(),
        std::fs::read(b.posts_path()).unwrap()
    );
}

/// A store holding one post with every field filled.
fn store_of_one_full_post() -> (tempfile::TempDir, PostStore, Post) {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    let original = full_post();
    set.insert(&original);
    store.commit(&set).unwrap();
    (dir, store, original)
}

/// `post` as a partial read leaves it before any column is read: key and
/// time only, every other field empty.
fn nothing_read(post: &Post) -> Post {
    let mut empty = Post::minimal(post.platform, &post.post_id, post.created_at);
    empty.source = String::new();
    empty.matched = false;
    empty.collected_at = at("1970-01-01T00:00:00Z");
    empty
}

/// Every post of `batches`, in order.
fn all_posts(batches: impl Iterator<Item = threadlens_store::Result<Vec<Post>>>) -> Vec<Post> {
    batches.flat_map(|b| b.unwrap()).collect()
}

/// Thread reads keep exactly the thread fields (and the text when asked)
/// and leave every other field empty.
#[test]
fn thread_batches_read_only_the_thread_fields() {
    let (_dir, store, original) = store_of_one_full_post();
    let mut expected = nothing_read(&original);
    expected.author_id = original.author_id.clone();
    expected.author_handle = original.author_handle.clone();
    expected.author_followers = original.author_followers;
    expected.kind = original.kind;
    expected.conversation_id = original.conversation_id.clone();
    expected.reply_to_post_id = original.reply_to_post_id.clone();
    expected.reply_to_author_id = original.reply_to_author_id.clone();
    expected.referenced_post_id = original.referenced_post_id.clone();
    expected.mentions = original.mentions.clone();
    let read = all_posts(store.read_threads(10, false).unwrap());
    assert_eq!(read, vec![expected.clone()]);
    expected.text = original.text.clone();
    let read = all_posts(store.read_threads(10, true).unwrap());
    assert_eq!(read, vec![expected]);
}

/// A projection reads the columns named (each once, whatever the order
/// or repeats) and leaves every other field empty.
#[test]
fn column_reads_keep_only_the_columns_named() {
    let (_dir, store, original) = store_of_one_full_post();
    let mut expected = nothing_read(&original);
    expected.text = original.text.clone();
    expected.kind = original.kind;
    expected.likes = original.likes;
    let columns = [
        "text",
        "post_id",
        "platform",
        "created_at",
        "kind",
        "likes",
        "text",
    ];
    let read = all_posts(store.read_columns(10, &columns).unwrap());
    assert_eq!(read, vec![expected]);
    assert_ne!(read[0].author_handle, original.author_handle, "not read");
}

#[test]
fn batches_cover_every_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    for i in 0..25 {
        let mut p = full_post();
        p.post_id = format!("{}", 1_440_714_901_538_803_715u64 + i);
        set.insert(&p);
    }
    store.commit(&set).unwrap();
    let sizes: Vec<usize> = store
        .read_batches(10)
        .unwrap()
        .map(|b| b.unwrap().len())
        .collect();
    assert_eq!(sizes, vec![10, 10, 5]);
    let ids: std::collections::HashSet<String> = store
        .read_batches(7)
        .unwrap()
        .flat_map(|b| b.unwrap())
        .map(|p| p.post_id)
        .collect();
    assert_eq!(ids.len(), 25);
}

#[test]
fn text_batches_read_only_what_scoring_needs_in_stored_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    for i in 0..12u64 {
        let mut p = full_post();
        p.post_id = format!("{}", 1_440_714_901_538_803_715u64 + i);
        p.text = format!("post {i}");
        p.kind = if i % 3 == 0 {
            PostKind::Repost
        } else {
            PostKind::Original
        };
        set.insert(&p);
    }
    store.commit(&set).unwrap();
    assert_eq!(store.count().unwrap(), 12);
    let batches: Vec<_> = store
        .read_texts(5, |_| true)
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    assert_eq!(
        batches.iter().map(|b| b.len()).collect::<Vec<_>>(),
        [5, 5, 2]
    );
    let posts = store.read_posts().unwrap();
    let texts: Vec<&str> = batches.iter().flat_map(|b| b.text.to_slices()).collect();
    let stored: Vec<&str> = posts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, stored, "same rows, same order as read_posts");
    assert!(
        batches
            .iter()
            .flat_map(|b| &b.platform)
            .all(|&p| p == Platform::X)
    );

    assert!(batches.iter().all(|b| b.rows_read == b.len()));

    // Reposts left out while reading: the same rows in the same order
    // without them, and every stored row counted as read.
    let originals: Vec<_> = store
        .read_texts(5, |k| k != PostKind::Repost)
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    assert_eq!(
        originals.iter().map(|b| b.rows_read).collect::<Vec<_>>(),
        [5, 5, 2]
    );
    assert_eq!(
        originals.iter().map(|b| b.len()).collect::<Vec<_>>(),
        [3, 3, 2],
        "rows 0, 3, 6 and 9 are reposts"
    );
    for b in &originals {
        assert_eq!(
            (b.platform.len(), b.post_id.len(), b.text.len()),
            (b.len(), b.len(), b.len())
        );
        assert!(b.kind.iter().all(|&k| k != PostKind::Repost));
    }
    // Texts and ids: what was kept is what all the rows hold but reposts.
    let kept = |column: fn(&TextBatch) -> Vec<&str>| -> Vec<&str> {
        originals.iter().flat_map(column).collect()
    };
    let all_but_reposts = |column: fn(&TextBatch) -> Vec<&str>| -> Vec<&str> {
        batches
            .iter()
            .flat_map(|b| column(b).into_iter().zip(&b.kind))
            .filter(|(_, k)| **k != PostKind::Repost)
            .map(|(value, _)| value)
            .collect()
    };
    assert_eq!(
        kept(|b| b.text.to_slices()),
        all_but_reposts(|b| b.text.to_slices())
    );
    assert_eq!(
        kept(|b| b.post_id.to_slices()),
        all_but_reposts(|b| b.post_id.to_slices())
    );
}

#[test]
fn an_empty_store_reads_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path().join("new")).unwrap();
    assert!(store.load().unwrap().is_empty());
    assert_eq!(store.read_batches(10).unwrap().count(), 0);
}

#[test]
fn a_corrupt_table_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    std::fs::write(store.posts_path(), b"PAR1 not really").unwrap();
    let err = store.load().unwrap_err().to_string();
    assert!(err.contains("posts.parquet"), "{err}");
}

#[test]
fn rejects_are_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let reject = |line| Reject {
        file: "in.jsonl".into(),
        line,
        reason: "missing field `created_at`".into(),
        raw: "{}".into(),
    };
    assert_eq!(store.append_rejects(&[reject(2), reject(5)]).unwrap(), 2);
    assert_eq!(
        store
            .append_rejects(&[reject(2), reject(5), reject(9)])
            .unwrap(),
        1
    );
    let text = std::fs::read_to_string(store.rejects_path()).unwrap();
    let lines: Vec<Reject> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, vec![reject(2), reject(5), reject(9)]);
    assert_eq!(store.rejects_count().unwrap(), 3);
    let empty = PostStore::open(dir.path().join("none")).unwrap();
    assert_eq!(empty.rejects_count().unwrap(), 0);
}

#[test]
fn mastodon_local_references_resolve_to_uris_and_roots() {
    let mut set = PostSet::new();
    let t = at("2022-06-28T09:00:00Z");
    let mut root = Post::minimal(
        Platform::Mastodon,
        "https://h.example/users/a/statuses/10",
        t,
    );
    root.local_ref = Some("h.example/10".into());
    root.conversation_id = Some(root.post_id.clone());
    let mut reply = Post::minimal(Platform::Mastodon, "https://o.example/objects/r1", t);
    reply.local_ref = Some("h.example/11".into());
    reply.reply_to_post_id = Some("h.example/10".into());
    let mut nested = Post::minimal(
        Platform::Mastodon,
        "https://h.example/users/c/statuses/12",
        t,
    );
    nested.reply_to_post_id = Some("h.example/11".into());
    let mut orphan = Post::minimal(
        Platform::Mastodon,
        "https://h.example/users/d/statuses/13",
        t,
    );
    orphan.reply_to_post_id = Some("h.example/999".into());
    for p in [nested, orphan, reply, root] {
        set.insert(&p);
    }
    set.resolve_references();
    let get = |id: &str| set.get(Platform::Mastodon, id).unwrap();
    assert_eq!(
        get("https://o.example/objects/r1")
            .reply_to_post_id
            .as_deref(),
        Some("https://h.example/users/a/statuses/10")
    );
    assert_eq!(
        get("https://h.example/users/c/statuses/12")
            .reply_to_post_id
            .as_deref(),
        Some("https://o.example/objects/r1")
    );
    assert_eq!(
        get("https://h.example/users/c/statuses/12")
            .conversation_id
            .as_deref(),
        Some("https://h.example/users/a/statuses/10")
    );
    let orphan = get("https://h.example/users/d/statuses/13");
    assert_eq!(
        orphan.reply_to_post_id.as_deref(),
        Some("h.example/999"),
        "kept for later resolution"
    );
    assert_eq!(orphan.conversation_id, None);
}

#[cfg(unix)]
#[test]
fn the_table_is_readable_by_others_like_any_written_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    set.insert(&full_post());
    store.commit(&set).unwrap();
    let mode = std::fs::metadata(store.posts_path())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644);
}

/// A status seen on two instances keeps both local ids (`seen_on`), so a
/// reply fetched from either instance resolves, whichever copy was kept.
#[test]
fn a_status_seen_on_two_instances_resolves_replies_from_both() {
    let t = at("2022-06-28T09:00:00Z");
    let uri = "https://origin.example/statuses/1";
    let copy = |host: &str, local: &str, collected: &str| {
        let mut p = Post::minimal(Platform::Mastodon, uri, t);
        p.local_ref = Some(format!("{host}/{local}"));
        p.seen_on = vec![format!("{host}/{local}")];
        p.conversation_id = Some(uri.into());
        p.collected_at = at(collected);
        p
    };
    let reply_from = |id: &str, parent: &str| {
        let mut p = Post::minimal(Platform::Mastodon, id, t);
        p.reply_to_post_id = Some(parent.into());
        p
    };
    let mut set = PostSet::new();
    set.insert(&copy("a.example", "100", "2022-06-29T00:00:00Z"));
    set.insert(&copy("b.example", "9000", "2022-06-30T00:00:00Z"));
    set.insert(&reply_from("https://x.example/r-a", "a.example/100"));
    set.insert(&reply_from("https://x.example/r-b", "b.example/9000"));
    set.resolve_references();
    let kept = set.get(Platform::Mastodon, uri).unwrap();
    assert_eq!(kept.seen_on, ["a.example/100", "b.example/9000"]);
    assert_eq!(
        kept.local_ref.as_deref(),
        Some("b.example/9000"),
        "the latest copy's"
    );
    for r in ["https://x.example/r-a", "https://x.example/r-b"] {
        assert_eq!(
            set.get(Platform::Mastodon, r)
                .unwrap()
                .reply_to_post_id
                .as_deref(),
            Some(uri),
            "{r}"
        );
    }

    // And seen_on survives a round trip through posts.parquet.
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    store.commit(&set).unwrap();
    let back = store.load().unwrap();
    assert_eq!(
        back.get(Platform::Mastodon, uri).unwrap().seen_on,
        ["a.example/100", "b.example/9000"]
    );
}

/// formats.md §1: the merged row does not depend on which copy of a post
/// arrives first, in one import or across imports (a commit and a load in
/// between), for every field the rule combines; and a reply that names its
/// parent by the local id only the older copy carried still resolves.
#[test]
fn every_combined_field_survives_either_arrival_order() {
    let t = at("2022-06-28T09:00:00Z");
    let uri = "https://origin.example/statuses/1";
    // The second instance's copy was archived two seconds before the first's.
    let older = {
        let mut p = Post::minimal(Platform::Mastodon, uri, t);
        p.local_ref = Some("two.example/9000".into());
        p.seen_on = vec!["two.example/9000".into()];
        p.matched = false;
        p.likes = Some(4);
        p.collected_at = at("2022-06-28T10:00:00Z");
        p
    };
    let newer = {
        let mut p = Post::minimal(Platform::Mastodon, uri, t);
        p.local_ref = Some("one.example/100".into());
        p.seen_on = vec!["one.example/100".into()];
        p.matched = true;
        p.collected_at = at("2022-06-28T10:00:02Z");
        p
    };
    let reply = {
        let mut p = Post::minimal(Platform::Mastodon, "https://two.example/statuses/2", t);
        p.reply_to_post_id = Some("two.example/9000".into());
        p
    };
    let check = |set: &PostSet, how: &str| {
        let kept = set.get(Platform::Mastodon, uri).unwrap();
        assert_eq!(
            kept.seen_on,
            ["one.example/100", "two.example/9000"],
            "{how}"
        );
        assert!(kept.matched, "{how}");
        assert_eq!(
            kept.local_ref.as_deref(),
            Some("one.example/100"),
            "{how}: the newer copy's"
        );
        assert_eq!(kept.likes, Some(4), "{how}: filled from the older copy");
        assert_eq!(kept.collected_at, newer.collected_at, "{how}");
        let r = set
            .get(Platform::Mastodon, "https://two.example/statuses/2")
            .unwrap();
        assert_eq!(r.reply_to_post_id.as_deref(), Some(uri), "{how}");
        assert_eq!(r.conversation_id.as_deref(), Some(uri), "{how}");
        kept
    };
    let mut rows = Vec::new();
    for (first, second, name) in [
        (&older, &newer, "older first"),
        (&newer, &older, "newer first"),
    ] {
        // In one import.
        let mut set = PostSet::new();
        set.insert(first);
        set.insert(second);
        set.insert(&reply);
        set.resolve_references();
        rows.push(check(&set, &format!("{name}, one import")));
        // Across two imports: the first copy is stored, loaded, then merged.
        let dir = tempfile::tempdir().unwrap();
        let store = PostStore::open(dir.path()).unwrap();
        let mut set = PostSet::new();
        set.insert(first);
        set.insert(&reply);
        set.resolve_references();
        store.commit(&set).unwrap();
        let mut set = store.load().unwrap();
        assert_eq!(
            set.insert(second),
            Inserted::Duplicate { updated: true },
            "{name}"
        );
        set.resolve_references();
        store.commit(&set).unwrap();
        rows.push(check(
            &store.load().unwrap(),
            &format!("{name}, two imports"),
        ));
    }
    assert!(rows.windows(2).all(|w| w[0] == w[1]), "{rows:#?}");
}

/// formats.md §1 and §4: a reply chain without `conversation_id`, on any
/// platform, resolves to its root once the chain is complete, whatever the
/// order its links arrive in across imports.
#[test]
fn reply_chains_find_their_root_across_imports_on_every_platform() {
    for platform in [Platform::X, Platform::Bluesky, Platform::Import] {
        let t = at("2022-06-28T09:00:00Z");
        let post = |id: &str, parent: Option<&str>| {
            let mut p = Post::minimal(platform, id, t);
            p.reply_to_post_id = parent.map(str::to_owned);
            p.kind = if parent.is_some() {
                PostKind::Reply
            } else {
                PostKind::Original
            };
            p
        };
        let dir = tempfile::tempdir().unwrap();
        let store = PostStore::open(dir.path()).unwrap();
        let import = |posts: Vec<Post>| {
            let mut set = if store.posts_path().exists() {
                store.load().unwrap()
            } else {
                PostSet::new()
            };
            for p in posts {
                set.insert(&p);
            }
            set.resolve_references();
            store.commit(&set).unwrap();
            store.load().unwrap()
        };
        let root_of = |set: &PostSet, id: &str| set.get(platform, id).unwrap().conversation_id;
        // The late replies first: their chain is broken, so no root yet.
        let set = import(vec![post("d", Some("c")), post("c", Some("b"))]);
        assert_eq!(root_of(&set, "d"), None, "{platform}");
        assert_eq!(root_of(&set, "c"), None, "{platform}");
        // Then the root: still broken at b.
        let set = import(vec![post("a", None)]);
        assert_eq!(
            root_of(&set, "a").as_deref(),
            Some("a"),
            "{platform}: its own root"
        );
        assert_eq!(root_of(&set, "d"), None, "{platform}");
        // The missing link arrives: every post finds a.
        let set = import(vec![
            post("b", Some("a")),
            post("x", Some("loop")),
            post("loop", Some("x")),
        ]);
        for id in ["a", "b", "c", "d"] {
            assert_eq!(root_of(&set, id).as_deref(), Some("a"), "{platform}: {id}");
        }
        assert_eq!(root_of(&set, "x"), None, "{platform}: a loop has no root");
        // An ancestor that knows its root (X gives conversation_id) is used.
        let mut known = post("k1", Some("elsewhere"));
        known.conversation_id = Some("far-root".into());
        let set = import(vec![known, post("k2", Some("k1"))]);
        assert_eq!(
            root_of(&set, "k2").as_deref(),
            Some("far-root"),
            "{platform}"
        );
    }
}

/// Posts held in memory and posts spilled to the temporary file make the
/// same table, byte for byte (the spilled set committed as `threadlens
/// import` commits, [`PostStore::commit_owned`]): duplicates merged and
/// raised to matched, replies given their root through a chain, ties in
/// time ordered by id, after the posts have gone to disk and been read
/// back.
#[test]
fn a_spilled_set_writes_the_same_table_as_a_held_one() {
    let posts = |n: u64| {
        (0..n).map(move |i| {
            // Many posts share a second, so ids break the ties.
            let mut p = Post::minimal(
                Platform::X,
                format!("{}", 9_000_000 - i * 7 % 1_000_003),
                at(&format!(
                    "2022-06-28T{:02}:{:02}:00Z",
                    i % 24,
                    (i / 24) % 60
                )),
            );
            p.text = format!("post {i} {}", "x".repeat((i % 1_500) as usize));
            p.matched = i % 3 != 0;
            if i % 5 == 4 {
                // A reply to the post before, no conversation_id: a chain.
                p.reply_to_post_id = Some(format!("{}", 9_000_000 - (i - 1) * 7 % 1_000_003));
            }
            p
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let (held_dir, spilled_dir) = (dir.path().join("held"), dir.path().join("spilled"));
    let held_store = PostStore::open(&held_dir).unwrap();
    let spilled_store = PostStore::open(&spilled_dir).unwrap();
    let mut held = PostSet::new();
    let mut spilled = PostSet::new();
    spilled.spill_to(&spilled_dir, 0);
    for set in [&mut held, &mut spilled] {
        for p in posts(40_000) {
            set.insert(&p);
        }
        // Copies arriving later: raised to matched, and a longer text kept.
        for mut p in posts(2_000) {
            p.matched = true;
            set.insert(&p);
        }
        set.resolve_references();
    }
    assert!(spilled.spilled_bytes() > 16 << 20, "posts went to disk");
    assert_eq!(held.spilled_bytes(), 0);
    held_store.commit(&held).unwrap();
    // As `threadlens import` commits: the set given up, its index freed.
    spilled_store.commit_owned(spilled).unwrap();
    let table = |d: &std::path::Path| std::fs::read(d.join("posts.parquet")).unwrap();
    assert!(table(&held_dir) == table(&spilled_dir), "the same bytes");
    assert_eq!(
        std::fs::read_dir(&spilled_dir).unwrap().count(),
        1,
        "only posts.parquet: the temporary file has no name"
    );
    let back = spilled_store.read_posts().unwrap();
    assert_eq!(back.len(), 40_000);
    let reply = back.iter().find(|p| p.reply_to_post_id.is_some()).unwrap();
    assert!(reply.conversation_id.is_some(), "{reply:?}");
    let matched = 2_000 + (2_000..40_000u64).filter(|i| i % 3 != 0).count();
    assert_eq!(back.iter().filter(|p| p.matched).count(), matched);
}

/// Posts using every column in different ways: lists full and empty,
/// optional fields set and not, two platforms, a `seen_on`.
fn varied_posts() -> Vec<Post> {
    let mut second = full_post();
    second.post_id = "1440714901538803716".into();
    second.hashtags = vec![];
    second.mentions = vec!["a".into(), "b".into(), "ç".into()];
    second.urls = vec!["https://example.org/x".into()];
    second.url = None;
    second.lang = None;
    second.matched = true;
    second.source = "other.csv".into();
    let mut mastodon = Post::minimal(
        Platform::Mastodon,
        "https://a.example/users/x/statuses/1",
        at("2022-06-28T09:00:00Z"),
    );
    mastodon.local_ref = Some("a.example/1".into());
    mastodon.seen_on = vec!["b.example/7".into(), "c.example/9".into()];
    vec![full_post(), second, mastodon]
}

/// A store holding [`varied_posts`].
fn store_of_varied_posts() -> (tempfile::TempDir, PostStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    for post in varied_posts() {
        set.insert(&post);
    }
    assert!(store.commit(&set).unwrap());
    (dir, store)
}

#[test]
fn a_loaded_set_holds_every_post_as_it_was_committed() {
    let (_dir, store) = store_of_varied_posts();
    let stored = store.read_posts().unwrap();
    for loaded in [store.load().unwrap(), store.load_within(1).unwrap()] {
        assert_eq!(loaded.len(), stored.len());
        assert!(!loaded.is_changed(), "loading is not a change");
        for post in &stored {
            assert_eq!(
                loaded.get(post.platform, &post.post_id).as_ref(),
                Some(post)
            );
        }
        // What was loaded commits the same rows again.
        let again = tempfile::tempdir().unwrap();
        let copy = PostStore::open(again.path()).unwrap();
        let mut changed = loaded;
        changed.insert(&Post::minimal(
            Platform::X,
            "new",
            at("2020-01-01T00:00:00Z"),
        ));
        copy.commit(&changed).unwrap();
        let mut read = copy.read_posts().unwrap();
        read.retain(|p| p.post_id != "new");
        assert_eq!(read, stored);
    }
}

/// Rewrite the store's table through polars with `change` applied.
fn rewrite_table(store: &PostStore, change: impl FnOnce(DataFrame) -> DataFrame) {
    let file = std::fs::File::open(store.posts_path()).unwrap();
    let mut frame = change(ParquetReader::new(file).finish().unwrap());
    let file = std::fs::File::create(store.posts_path()).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

/// `frame` with text column `column`'s cells replaced by `cell(row, old)`.
fn with_cells(
    mut frame: DataFrame,
    column: &str,
    cell: impl for<'v> Fn(usize, Option<&'v str>) -> Option<&'v str>,
) -> DataFrame {
    let old = frame.column(column).unwrap().str().unwrap().clone();
    let new: StringChunked = old.iter().enumerate().map(|(i, v)| cell(i, v)).collect();
    frame
        .replace(
            column,
            new.with_name(column.into()).into_series().into_column(),
        )
        .unwrap();
    frame
}

#[test]
fn a_table_holding_a_key_twice_loads_it_once_merged() {
    let (_dir, store) = store_of_varied_posts();
    let stored = store.read_posts().unwrap();
    // The first row again, matched this time, after the others.
    rewrite_table(&store, |frame| {
        let mut first = frame.head(Some(1));
        first
            .replace(
                "matched",
                Series::new("matched".into(), [true]).into_column(),
            )
            .unwrap();
        frame.vstack(&first).unwrap()
    });
    let mut expected = stored[0].clone();
    let mut again = stored[0].clone();
    again.matched = true;
    expected.merge_duplicate(again);
    assert!(expected.matched);
    let loaded = store.load().unwrap();
    assert_eq!(loaded.len(), stored.len());
    assert_eq!(
        loaded.get(expected.platform, &expected.post_id),
        Some(expected)
    );
    assert_eq!(
        loaded.get(stored[2].platform, &stored[2].post_id).as_ref(),
        Some(&stored[2])
    );
}

/// The error of committing `set` (changed) to `store`, checking that the
/// table was left as it was.
fn failed_commit(store: &PostStore, set: &PostSet) -> String {
    let before = std::fs::read(store.posts_path()).unwrap();
    let err = store.commit(set).unwrap_err().to_string();
    assert_eq!(
        std::fs::read(store.posts_path()).unwrap(),
        before,
        "nothing written"
    );
    err
}

/// Loading reads only keys, times and thread fields, so a bad cell
/// elsewhere is found when the stored posts are read: by the commit,
/// beside new posts, or when a post added is merged with a stored one.
/// Either way the error names row and column and nothing is written.
#[test]
fn a_null_in_a_required_column_fails_the_commit_naming_row_and_column() {
    let (_dir, store) = store_of_varied_posts();
    let stored = store.read_posts().unwrap();
    rewrite_table(&store, |frame| {
        with_cells(frame, "author_id", |i, v| if i == 1 { None } else { v })
    });
    // A new post: the commit reads the stored posts to write them beside it.
    let mut set = store.load().unwrap();
    let new_post = Post::minimal(Platform::X, "new", at("2030-01-01T00:00:00Z"));
    assert_eq!(set.insert(&new_post), Inserted::New);
    let err = failed_commit(&store, &set);
    assert!(err.contains("row 1"), "{err}");
    assert!(err.contains("author_id"), "{err}");
    assert!(err.contains("null in a required column"), "{err}");
    // A copy of a stored post, whose block of stored posts holds the bad
    // row: it is not taken for a new post (its key would be written
    // twice), and the commit says why the stored post could not be read.
    let mut set = store.load().unwrap();
    assert!(matches!(set.insert(&stored[0]), Inserted::Duplicate { .. }));
    let before = std::fs::read(store.posts_path()).unwrap();
    let err = store.commit(&set).unwrap_err().to_string();
    assert_eq!(std::fs::read(store.posts_path()).unwrap(), before);
    assert!(err.contains("could not be read"), "{err}");
    assert!(err.contains("row 1"), "{err}");
    assert!(err.contains("author_id"), "{err}");
}

#[test]
fn a_null_text_fails_the_texts_read_naming_row_and_column() {
    let (_dir, store) = store_of_varied_posts();
    rewrite_table(&store, |frame| {
        with_cells(frame, "text", |i, v| if i == 2 { None } else { v })
    });
    let err = store
        .read_texts(100, |_| true)
        .unwrap()
        .find_map(|batch| batch.err())
        .expect("a null text is an error")
        .to_string();
    assert!(err.contains("row 2"), "{err}");
    assert!(err.contains("text"), "{err}");
    assert!(err.contains("null in a required column"), "{err}");
}

#[test]
fn a_read_in_progress_keeps_reading_the_table_it_opened() {
    let (_dir, store) = store_of_varied_posts();
    let stored = store.read_posts().unwrap();
    let mut batches = store.read_batches(1).unwrap();
    let first = batches.next().unwrap().unwrap();
    // A commit replaces the table between two slices of the read.
    let mut other = PostSet::new();
    other.insert(&Post::minimal(
        Platform::X,
        "other",
        at("2019-01-01T00:00:00Z"),
    ));
    store.commit(&other).unwrap();
    let mut read = first;
    for batch in batches {
        read.extend(batch.unwrap());
    }
    assert_eq!(read, stored);
    assert_eq!(
        store.read_posts().unwrap().len(),
        1,
        "the new table is whole"
    );
}

/// The stored order (formats.md §1: `created_at`, then platform, then id)
/// on posts arriving as several runs already in order, interleaved, with
/// ties on time and on time and platform, in either arrival order: the
/// table's rows against a sort of the same keys done here.
#[test]
fn the_stored_order_holds_whatever_runs_the_posts_arrive_in() {
    let platforms = [Platform::X, Platform::Bluesky, Platform::Mastodon];
    // Three runs, each in time order, their times overlapping.
    let mut posts = Vec::new();
    for run in 0..3u32 {
        for i in 0..40u32 {
            let second = i / 2 + run;
            let platform = platforms[((i + run) % 3) as usize];
            let id = format!("{}{}", 9 - (i % 4), run * 100 + i);
            let time = format!("2022-06-28T09:00:{:02}Z", second % 60);
            posts.push(Post::minimal(platform, &id, at(&time)));
        }
    }
    // formats.md §1: platforms in the order x, mastodon, bluesky, import;
    // ids by their bytes.
    let rank = |p: Platform| match p {
        Platform::X => 0,
        Platform::Mastodon => 1,
        Platform::Bluesky => 2,
        Platform::Import => 3,
    };
    let key = |p: &Post| {
        let time = p.created_at.timestamp_millis();
        (
            time,
            rank(p.platform),
            p.post_id.clone().into_bytes(),
            p.platform,
        )
    };
    let mut expected: Vec<_> = posts.iter().map(key).collect();
    expected.sort();
    for reversed in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let store = PostStore::open(dir.path()).unwrap();
        let mut set = PostSet::new();
        let arrival: Vec<&Post> = match reversed {
            false => posts.iter().collect(),
            true => posts.iter().rev().collect(),
        };
        for p in arrival {
            set.insert(p);
        }
        store.commit(&set).unwrap();
        let stored: Vec<_> = store.read_posts().unwrap().iter().map(key).collect();
        assert_eq!(stored, expected, "reversed: {reversed}");
    }
}

/// Loading encodes slices of the table (32,768 rows) in runs (4,096 rows)
/// on several threads and adds them in order: a table of 37,000 rows
/// holding two keys twice (the first copies in two runs of the first
/// slice, the second, marked matched, in the second run of the second
/// slice) loads every post once and merges exactly those two.
#[test]
fn a_large_table_holding_keys_twice_loads_each_once_merged() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    let posts: Vec<Post> = (0..37_000u32)
        .map(|i| {
            let time = format!(
                "2022-06-28T{:02}:{:02}:{:02}Z",
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            );
            let mut p = Post::minimal(Platform::X, format!("{i:06}"), at(&time));
            p.text = format!("post {i}");
            p.source = if i % 2 == 0 { "a.jsonl" } else { "b.jsonl" }.into();
            p
        })
        .collect();
    for p in &posts {
        set.insert(p);
    }
    store.commit(&set).unwrap();
    let stored = store.read_posts().unwrap();
    let twice = [5_000usize, 20_000];
    rewrite_table(&store, |frame| {
        let mut frame = frame;
        for &row in &twice {
            let mut copy = frame.slice(row as i64, 1);
            copy.replace(
                "matched",
                Series::new("matched".into(), [true]).into_column(),
            )
            .unwrap();
            frame = frame.vstack(&copy).unwrap();
        }
        frame
    });
    let loaded = store.load().unwrap();
    assert_eq!(loaded.len(), posts.len());
    for (row, post) in stored.iter().enumerate() {
        let mut expected = post.clone();
        if twice.contains(&row) {
            let mut again = post.clone();
            again.matched = true;
            expected.merge_duplicate(again);
            assert!(expected.matched);
        }
        assert_eq!(
            loaded.get(post.platform, &post.post_id).as_ref(),
            Some(&expected),
            "row {row}"
        );
    }
}

/// The report's batches check each row as loading does: the first bad row
/// is the error, named by row and column, whichever columns are bad later.
#[test]
fn a_bad_cell_fails_the_report_batches_naming_row_and_column() {
    let (_dir, store) = store_of_varied_posts();
    let rows = store.read_posts().unwrap().len();
    assert!(rows >= 3);
    rewrite_table(&store, |frame| {
        // Row 1: an unknown kind; row 2: no text.
        let frame = with_cells(
            frame,
            "kind",
            |i, v| if i == 1 { Some("retweet") } else { v },
        );
        with_cells(frame, "text", |i, v| if i == 2 { None } else { v })
    });
    let err = store
        .read_post_batches(rows)
        .unwrap()
        .find_map(|b| b.err())
        .expect("an error")
        .to_string();
    assert!(err.contains("row 1"), "{err}");
    assert!(err.contains("kind"), "{err}");
    assert!(
        !err.contains("text"),
        "the later row is not the error: {err}"
    );
}

/// Reading the stored posts into the set encodes runs of rows on several
/// threads; whichever fails first, the error is the first bad row's. Nulls
/// in rows 10 and 5,000 (two runs of one slice): the commit names row 10.
#[test]
fn reading_stored_posts_names_the_first_bad_row_whatever_thread_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    for i in 0..6_000u32 {
        let time = format!(
            "2022-06-28T{:02}:{:02}:{:02}Z",
            i / 3600,
            i / 60 % 60,
            i % 60
        );
        set.insert(&Post::minimal(Platform::X, format!("{i:05}"), at(&time)));
    }
    store.commit(&set).unwrap();
    rewrite_table(&store, |frame| {
        with_cells(frame, "author_id", |i, v| {
            if i == 10 || i == 5_000 { None } else { v }
        })
    });
    // A reply without a conversation: resolving it reads all stored posts
    // into the set, on several threads.
    let mut set = store.load().unwrap();
    let mut reply = Post::minimal(Platform::X, "reply", at("2022-06-28T02:00:00Z"));
    reply.reply_to_post_id = Some("00003".into());
    set.insert(&reply);
    set.resolve_references();
    let err = store.commit(&set).unwrap_err().to_string();
    assert!(err.contains("could not be read"), "{err}");
    assert!(err.contains("row 10,"), "{err}");
    assert!(err.contains("author_id"), "{err}");
}

/// Errors name rows of the table, not of the slice read: a null at row
/// 40,000 of 50,000 (in the table's second slice) is row 40000 whether
/// the posts are read back or committed beside a new one.
#[test]
fn a_bad_cell_far_into_the_table_is_named_by_its_table_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let start = at("2022-06-28T00:00:00Z");
    let mut set = PostSet::new();
    for i in 0..50_000i64 {
        let time = start + chrono::Duration::seconds(i);
        set.insert(&Post::minimal(Platform::X, format!("{i:06}"), time));
    }
    store.commit(&set).unwrap();
    rewrite_table(&store, |frame| {
        with_cells(
            frame,
            "author_id",
            |i, v| if i == 40_000 { None } else { v },
        )
    });
    let read = store.read_posts().unwrap_err().to_string();
    assert!(read.contains("row 40000,"), "{read}");
    let mut set = store.load().unwrap();
    set.insert(&Post::minimal(
        Platform::X,
        "new",
        at("2030-01-01T00:00:00Z"),
    ));
    let committed = failed_commit(&store, &set);
    assert!(committed.contains("row 40000,"), "{committed}");
}
