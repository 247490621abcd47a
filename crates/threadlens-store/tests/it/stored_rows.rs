//! A loaded store keeps its posts in `posts.parquet` until they are
//! needed. Whatever is imported next, the table committed must be the one
//! that merging every post into one set, in the same order, writes.

use polars::prelude::{DataFrame, ParquetReader, ParquetWriter, SerReader};
use proptest::collection::vec;
use proptest::prelude::*;
use threadlens_model::{Platform, Post, parse_timestamp};
use threadlens_store::{PostSet, PostStore};

/// A post from a small space of keys, times and thread fields: keys
/// repeat (duplicates, across platforms too), times tie, replies find
/// their parent or miss it, and Mastodon replies name parents by a local
/// id that another status was served under. Ids are 19 digits when
/// `long`; short ids make posts of different platforms share key hashes
/// (XXH3 of up to three bytes moves with the seed), which loading keeps
/// apart by key. Ids are numbered from `first_id`; with `plain`, posts
/// are of X or Bluesky and each has a conversation or replies to nothing,
/// so that resolving needs no other post.
fn post(long: bool, first_id: u32, plain: bool) -> impl Strategy<Value = Post> {
    let id_of = move |n: u32| {
        if long {
            format!("14407149015388{n:05}")
        } else {
            format!("{n:03}")
        }
    };
    let platforms: usize = if plain { 2 } else { 3 };
    let threads = if plain {
        vec![0, 2, 3]
    } else {
        vec![0, 1, 2, 3]
    };
    (
        0..platforms,
        first_id..first_id + 24,
        0..5i64,
        proptest::sample::select(threads),
        any::<bool>(),
        0..3u64,
    )
        .prop_map(move |(platform, id, minute, thread, matched, likes)| {
            let platform = [Platform::X, Platform::Bluesky, Platform::Mastodon][platform];
            let time = parse_timestamp("2022-06-28T09:00:00Z").unwrap()
                + chrono::Duration::minutes(minute);
            let mut p = Post::minimal(platform, id_of(id), time);
            let parent = id_of(id / 2);
            if platform == Platform::Mastodon {
                p.local_ref = Some(format!("a.example/{id}"));
            }
            match thread {
                0 => {}
                1 if platform == Platform::Mastodon => {
                    p.reply_to_post_id = Some(format!("a.example/{}", id / 2));
                }
                1 => p.reply_to_post_id = Some(parent),
                2 => p.conversation_id = Some(id_of(0)),
                _ => {
                    p.reply_to_post_id = Some(parent);
                    p.conversation_id = Some(id_of(0));
                }
            }
            p.matched = matched;
            p.likes = Some(likes);
            p.text = format!("post {id} at {minute} ({likes})");
            p
        })
}

/// Two imports' posts, with ids of one length.
fn two_lists() -> impl Strategy<Value = (Vec<Post>, Vec<Post>)> {
    any::<bool>().prop_flat_map(|long| {
        (
            vec(post(long, 0, false), 0..40),
            vec(post(long, 0, false), 0..40),
        )
    })
}

/// Two imports' posts where the second's are all new and need no stored
/// post to resolve: the commit reads the stored posts only to write them
/// beside those added.
fn stored_and_added() -> impl Strategy<Value = (Vec<Post>, Vec<Post>)> {
    any::<bool>().prop_flat_map(|long| {
        (
            vec(post(long, 0, true), 0..40),
            vec(post(long, 24, true), 1..40),
        )
    })
}

/// Import `posts` into `set` as the CLI does: insert, then resolve.
fn import(set: &mut PostSet, posts: &[Post]) {
    for post in posts {
        set.insert(post);
    }
    set.resolve_references();
}

/// The bytes of `store`'s table.
fn table(store: &PostStore) -> Vec<u8> {
    std::fs::read(store.posts_path()).unwrap_or_default()
}

/// `first` imported and committed, then `second` imported into the
/// loaded store and committed as `threadlens import` does, the set given
/// up to the commit ([`PostStore::commit_owned`]); with the table after
/// `first` rewritten by `change` in between.
fn two_imports(first: &[Post], second: &[Post], change: impl Fn(&PostStore)) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = store.load().unwrap();
    import(&mut set, first);
    store.commit(&set).unwrap();
    change(&store);
    let mut set = store.load().unwrap();
    import(&mut set, second);
    store.commit_owned(set).unwrap();
    table(&store)
}

/// `first` and `second` imported into one set, resolved after each.
fn one_set(first: &[Post], second: &[Post]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    import(&mut set, first);
    import(&mut set, second);
    store.commit(&set).unwrap();
    table(&store)
}

/// The table rewritten by polars without `seen_on` and `local_ref` (as
/// stores made before those columns were added), so that the commit reads
/// it row by row.
fn without_later_columns(store: &PostStore) {
    let Ok(file) = std::fs::File::open(store.posts_path()) else {
        return;
    };
    let frame: DataFrame = ParquetReader::new(file).finish().unwrap();
    let mut frame = frame.drop_many(["seen_on", "local_ref"]);
    let file = std::fs::File::create(store.posts_path()).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

/// `first` committed and its table rewritten without the later columns,
/// then `second` imported into the loaded store: the table written, and
/// that of one set of the stored posts (as they read back) and `second`;
/// `None` when the second commit had nothing to write.
fn onto_an_older_table(first: &[Post], second: &[Post]) -> Option<(Vec<u8>, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = store.load().unwrap();
    import(&mut set, first);
    store.commit(&set).unwrap();
    without_later_columns(&store);
    let stored = store.read_posts().unwrap();
    let mut set = store.load().unwrap();
    import(&mut set, second);
    store
        .commit(&set)
        .unwrap()
        .then(|| (table(&store), one_set(&stored, second)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// In both arrival orders, whether the posts added are new, copies
    /// of stored ones, or follow stored ones.
    #[test]
    fn a_commit_after_loading_writes_the_table_of_one_set((first, second) in two_lists()) {
        for (stored, added) in [(&first, &second), (&second, &first)] {
            let (two, one) = (two_imports(stored, added, |_| ()), one_set(stored, added));
            prop_assert!(two == one, "tables differ ({} and {} bytes)", two.len(), one.len());
        }
    }

    /// Posts added beside stored ones, times tied, are written in order
    /// among them, whether the table is read as columns or row by row.
    #[test]
    fn posts_added_are_written_in_order_among_stored_ones((first, second) in stored_and_added()) {
        let (two, one) = (two_imports(&first, &second, |_| ()), one_set(&first, &second));
        prop_assert!(two == one, "tables differ ({} and {} bytes)", two.len(), one.len());
        let written = onto_an_older_table(&first, &second);
        prop_assert!(written.is_some(), "the posts added were written");
        if let Some((two, one)) = written {
            prop_assert!(two == one, "tables differ ({} and {} bytes)", two.len(), one.len());
        }
    }

    /// A table without the columns added after v1 is read row by row:
    /// the table written is that of one set of its posts (as they read
    /// back) and the posts added.
    #[test]
    fn an_older_table_is_merged_row_by_row((first, second) in two_lists()) {
        if let Some((two, one)) = onto_an_older_table(&first, &second) {
            prop_assert!(two == one, "tables differ ({} and {} bytes)", two.len(), one.len());
        }
    }
}

/// Posts numbered `ids` on one day, at `second_of` their number, with
/// ids of 19 digits.
fn day_posts(ids: std::ops::Range<u64>, second_of: impl Fn(u64) -> i64) -> Vec<Post> {
    let start = parse_timestamp("2022-06-28T00:00:00Z").unwrap();
    ids.map(|i| {
        let mut p = Post::minimal(
            Platform::X,
            format!("{}", 1_440_000_000_000_000_000 + i),
            start + chrono::Duration::seconds(second_of(i)),
        );
        p.text = format!("post {i}");
        p
    })
    .collect()
}

/// Over several slices of the table and row groups of the file: posts
/// added before, among and after 70,000 stored ones are written where
/// one set would write them.
#[test]
fn posts_added_across_slices_and_row_groups_are_written_in_order() {
    let stored = day_posts(0..70_000, |i| (i / 3) as i64);
    // Scattered by a multiplicative step: some before the first stored
    // post, some tied with stored ones, some after the last.
    let added = day_posts(100_000..103_000, |i| ((i * 7_919) % 25_000) as i64 - 10);
    assert!(two_imports(&stored, &added, |_| ()) == one_set(&stored, &added));
}

/// The table is read from the file opened when the set was loaded: a
/// table committed by someone else meanwhile does not change what this
/// commit writes.
#[test]
fn a_commit_writes_the_table_that_was_loaded() {
    let first = day_posts(0..50, |i| i as i64);
    let added = day_posts(100..120, |i| (i - 100) as i64 * 3);
    let dir = tempfile::tempdir().unwrap();
    let store = PostStore::open(dir.path()).unwrap();
    let mut set = PostSet::new();
    import(&mut set, &first);
    store.commit(&set).unwrap();
    let mut loaded = store.load().unwrap();
    // Another import replaces the table after this one loaded it.
    let mut other = PostSet::new();
    import(&mut other, &day_posts(500..510, |i| i as i64));
    store.commit(&other).unwrap();
    import(&mut loaded, &added);
    store.commit(&loaded).unwrap();
    assert!(table(&store) == one_set(&first, &added));
}

/// Copies of stored posts, some changing them, spread over the table: the
/// first few are read a block of stored posts at a time; past a few
/// blocks, all stored posts are read at once, the ones already merged
/// kept as merged.
#[test]
fn copies_of_stored_posts_merge_whether_read_by_block_or_all_at_once() {
    let stored = day_posts(0..70_000, |i| (i / 3) as i64);
    let mut copies: Vec<Post> = stored.iter().step_by(997).cloned().collect();
    for (n, copy) in copies.iter_mut().enumerate() {
        match n % 3 {
            0 => copy.matched = true,
            1 => copy.likes = Some(n as u64),
            _ => {}
        }
    }
    let new = day_posts(200_000..200_050, |i| (i % 30_000) as i64);
    for added in [
        &copies[..3],
        &copies[..],
        &[&copies[..], &new[..]].concat()[..],
    ] {
        assert!(two_imports(&stored, added, |_| ()) == one_set(&stored, added));
    }
}
