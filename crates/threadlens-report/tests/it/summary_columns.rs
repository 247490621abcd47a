//! `SUMMARY_COLUMNS` names every field the summary reads: posts with every
//! other field emptied give the same tables and page, with a schedule,
//! bootstrap intervals, reposts and replies; and scanning batches ahead of
//! folding them changes nothing; and reading the store's columns without
//! building posts gives the same tables and page.

use std::path::Path;

use threadlens_model::{Platform, Post, PostKind, parse_timestamp};
use threadlens_process::Lexicon;
use threadlens_report::{
    Bootstrap, SUMMARY_COLUMNS, Schedule, Summary, SummaryOptions, Table, batch_posts,
    summary_posts,
};
use threadlens_store::PostStore;

const SCHEDULE: &str = r#"
[event]
name = "Columns"
timezone = "Europe/London"
account = "acct"

[[slot]]
id = "morning"
title = "Morning"
hosts = ["host_a"]
start = "2022-06-28T09:00"
end = "2022-06-28T10:00"

[[slot]]
id = "noon"
title = "Noon"
hosts = ["host_b"]
start = "2022-06-28T12:00"
end = "2022-06-28T13:00"
"#;

const TEXTS: [&str; 6] = [
    "Co-production with lived experience #SolvingTogether",
    "Honest conversations about candour @host_a",
    "Patient safety and quality improvement #PatientSafety",
    "just lunch 🙌",
    "Listening to carers, #CoProduction and openness",
    "Transparency matters https://t.co/x",
];

/// Posts through both slots and between them, with every field filled.
fn posts() -> Vec<Post> {
    (0..24)
        .map(|i| {
            let minute = i * 17;
            let at = format!("2022-06-28T{:02}:{:02}:00Z", 7 + minute / 60, minute % 60);
            let mut p = Post::minimal(
                if i % 5 == 0 {
                    Platform::Bluesky
                } else {
                    Platform::X
                },
                format!("{}", 1000 + i),
                parse_timestamp(&at).unwrap(),
            );
            p.url = Some(format!("https://example.org/{i}"));
            p.author_id = format!("id{}", i % 4);
            p.author_handle = ["host_a", "Host_B", "carer", "nurse"][i % 4].into();
            p.author_name = Some(format!("Name {i}"));
            p.author_followers = Some(10 * i as u64);
            p.text = TEXTS[i % TEXTS.len()].into();
            p.lang = Some("en".into());
            p.kind = [PostKind::Original, PostKind::Reply, PostKind::Repost][i % 3];
            p.conversation_id = Some(format!("{}", 1000 + i - i % 4));
            p.reply_to_post_id = (i % 3 == 1).then(|| format!("{}", 1000 + i - 1));
            p.reply_to_author_id = Some("id0".into());
            p.referenced_post_id = (i % 3 == 2).then(|| "1000".into());
            p.hashtags = vec!["Stored".into()];
            p.mentions = vec!["someone".into()];
            p.urls = vec!["https://example.org".into()];
            p.replies = Some(i as u64);
            p.reposts = Some(i as u64 % 3);
            p.likes = Some(i as u64 * 2);
            p.quotes = Some(i as u64 % 2);
            p.impressions = Some(100);
            p.matched = i % 2 == 0;
            p.source = "test".into();
            p.local_ref = Some("ref".into());
            p.seen_on = vec!["hashtag:x".into()];
            p
        })
        .collect()
}

/// `post` with only the `SUMMARY_COLUMNS` fields kept and every other one
/// empty, as `PostStore::read_columns` reads it. Destructured whole, so a
/// new field of `Post` must be placed here.
fn only_summary_columns(post: &Post) -> Post {
    let kept = |column: &str| SUMMARY_COLUMNS.contains(&column);
    let Post {
        platform,
        post_id,
        url,
        created_at,
        author_id,
        author_handle,
        author_name,
        author_followers,
        text,
        lang,
        kind,
        conversation_id,
        reply_to_post_id,
        reply_to_author_id,
        referenced_post_id,
        hashtags,
        mentions,
        urls,
        replies,
        reposts,
        likes,
        quotes,
        impressions,
        matched,
        source,
        collected_at,
        local_ref,
        seen_on,
    } = post.clone();
    let epoch = parse_timestamp("1970-01-01T00:00:00Z").unwrap();
    let or_empty = |column: &str, value: String| if kept(column) { value } else { String::new() };
    let or_none = |column: &str, value: Option<String>| if kept(column) { value } else { None };
    let or_no_count = |column: &str, value: Option<u64>| if kept(column) { value } else { None };
    let or_no_list =
        |column: &str, value: Vec<String>| if kept(column) { value } else { Vec::new() };
    Post {
        platform: if kept("platform") {
            platform
        } else {
            Platform::X
        },
        post_id: or_empty("post_id", post_id),
        url: or_none("url", url),
        created_at: if kept("created_at") {
            created_at
        } else {
            epoch
        },
        author_id: or_empty("author_id", author_id),
        author_handle: or_empty("author_handle", author_handle),
        author_name: or_none("author_name", author_name),
        author_followers: or_no_count("author_followers", author_followers),
        text: or_empty("text", text),
        lang: or_none("lang", lang),
        kind: if kept("kind") {
            kind
        } else {
            PostKind::Original
        },
        conversation_id: or_none("conversation_id", conversation_id),
        reply_to_post_id: or_none("reply_to_post_id", reply_to_post_id),
        reply_to_author_id: or_none("reply_to_author_id", reply_to_author_id),
        referenced_post_id: or_none("referenced_post_id", referenced_post_id),
        hashtags: or_no_list("hashtags", hashtags),
        mentions: or_no_list("mentions", mentions),
        urls: or_no_list("urls", urls),
        replies: or_no_count("replies", replies),
        reposts: or_no_count("reposts", reposts),
        likes: or_no_count("likes", likes),
        quotes: or_no_count("quotes", quotes),
        impressions: or_no_count("impressions", impressions),
        matched: kept("matched") && matched,
        source: or_empty("source", source),
        collected_at: if kept("collected_at") {
            collected_at
        } else {
            epoch
        },
        local_ref: or_none("local_ref", local_ref),
        seen_on: or_no_list("seen_on", seen_on),
    }
}

/// Every table, and the page as text, of a summary of `posts`, in two
/// batches (the summary's state carries across them), with bootstrap
/// intervals.
fn summarize(lexicon: &Lexicon, schedule: &Schedule, posts: &[Post]) -> (Vec<Table>, String) {
    let options = SummaryOptions {
        bootstrap: Some(Bootstrap {
            resamples: 50,
            seed: 7,
        }),
        include_reposts: false,
        ..SummaryOptions::default()
    };
    let half = posts.len().div_ceil(2);
    summarize_in_batches(lexicon, schedule, options, posts, half, false)
}

/// The bundled nhs-improvement lexicon and the schedule above.
fn lexicon_and_schedule() -> (Lexicon, Schedule) {
    let lexicon = Lexicon::from_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/lexicons/nhs-improvement.toml"),
    )
    .unwrap();
    let schedule = Schedule::parse(SCHEDULE, Path::new("schedule.toml")).unwrap();
    (lexicon, schedule)
}

/// Asserts two summaries' tables are equal, table by table.
fn assert_same_tables(tables: &[Table], others: &[Table], what: &str) {
    assert_eq!(tables.len(), others.len(), "{what}");
    for (a, b) in tables.iter().zip(others) {
        assert_eq!(a.name, b.name, "{what}");
        assert!(
            a.frame.equals_missing(&b.frame),
            "{} {what}:\n{}\n{}",
            a.name,
            a.frame,
            b.frame
        );
    }
}

#[test]
fn the_summary_reads_only_its_columns() {
    let (lexicon, schedule) = lexicon_and_schedule();
    let full = posts();
    let projected: Vec<Post> = full.iter().map(only_summary_columns).collect();
    assert_ne!(full, projected, "the projection empties fields");
    let (tables, page) = summarize(&lexicon, &schedule, &full);
    let slots = tables.iter().find(|t| t.name == "theme_by_slot");
    assert!(
        slots.is_some_and(|t| t.frame.height() >= 2 * 9),
        "the schedule's tables are made: both slots, every theme"
    );
    let (projected_tables, projected_page) = summarize(&lexicon, &schedule, &projected);
    assert_same_tables(
        &tables,
        &projected_tables,
        "with only the summary's columns",
    );
    assert_eq!(page, projected_page);
}

/// Every table, and the page as text, of a summary of `posts` in batches
/// of `batch` posts: each scanned just before it is folded, or every one
/// scanned before any is folded (the furthest a scanning thread can run
/// ahead of the folding one).
fn summarize_in_batches(
    lexicon: &Lexicon,
    schedule: &Schedule,
    options: SummaryOptions,
    posts: &[Post],
    batch: usize,
    scan_all_first: bool,
) -> (Vec<Table>, String) {
    let mut summary = Summary::new(lexicon, Some(schedule), options);
    if scan_all_first {
        let scanner = summary.scanner();
        let scans: Vec<_> = posts
            .chunks(batch)
            .map(|b| scanner.scan(lexicon, &summary_posts(b)))
            .collect();
        for (b, scan) in posts.chunks(batch).zip(scans) {
            summary.fold(&summary_posts(b), scan);
        }
    } else {
        for b in posts.chunks(batch) {
            summary.add(b);
        }
    }
    (summary.tables().unwrap(), format!("{:?}", summary.page()))
}

#[test]
fn scanning_ahead_of_the_fold_changes_nothing() {
    let (lexicon, schedule) = lexicon_and_schedule();
    let posts = posts();
    // One line per theme: the keyword lines are complete after a few posts.
    let options = || SummaryOptions {
        kwic_per_theme: 1,
        ..SummaryOptions::default()
    };
    for batch in [1, 5, posts.len()] {
        let (tables, page) =
            summarize_in_batches(&lexicon, &schedule, options(), &posts, batch, false);
        let kwic = tables.iter().find(|t| t.name == "kwic").unwrap();
        assert!(
            kwic.frame.height() >= 2,
            "keyword lines are kept: {}",
            kwic.frame
        );
        let (ahead, ahead_page) =
            summarize_in_batches(&lexicon, &schedule, options(), &posts, batch, true);
        assert_same_tables(&tables, &ahead, &format!("in batches of {batch}"));
        assert_eq!(page, ahead_page, "batches of {batch}");
    }
}

#[test]
fn the_stores_columns_give_the_tables_of_whole_posts() {
    let (lexicon, schedule) = lexicon_and_schedule();
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = store.load().unwrap();
    for post in posts() {
        set.insert(&post);
    }
    set.resolve_references();
    store.commit(&set).unwrap();
    // The posts as stored (in the table's order), whole.
    let stored = store.read_posts().unwrap();
    let options = || SummaryOptions {
        bootstrap: Some(Bootstrap {
            resamples: 50,
            seed: 7,
        }),
        kwic_per_theme: 2,
        ..SummaryOptions::default()
    };
    for rows in [1, 5, stored.len()] {
        let mut whole = Summary::new(&lexicon, Some(&schedule), options());
        for b in stored.chunks(rows) {
            whole.add(b);
        }
        let mut columns = Summary::new(&lexicon, Some(&schedule), options());
        let scanner = columns.scanner();
        let mut read = 0;
        for batch in store.read_post_batches(rows).unwrap() {
            let batch = batch.unwrap();
            read += batch.len();
            let posts = batch_posts(&batch);
            let scan = scanner.scan(&lexicon, &posts);
            columns.fold(&posts, scan);
        }
        assert_eq!(read, stored.len(), "every post read in batches of {rows}");
        let (tables, other) = (whole.tables().unwrap(), columns.tables().unwrap());
        assert_same_tables(&tables, &other, &format!("batches of {rows}"));
        assert_eq!(
            format!("{:?}", whole.page()),
            format!("{:?}", columns.page()),
            "batches of {rows}"
        );
    }
}
