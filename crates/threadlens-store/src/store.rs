use std::collections::VecDeque;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use threadlens_model::Reject;
use threadlens_model::{Post, PostKind};

use crate::atomic::write_atomically;
use crate::codec::StrList;
use crate::post_set::{EncodedRun, SortedKeys};
use crate::rejects::{append_rejects, count_rejects};
use crate::row_groups::{EncodedRowGroup, RowGroupEncoder, RowGroupWriter, empty_table_footer};
use crate::stored::{self, MergedFrames};
use crate::table::{
    Columns, PostBatch, THREAD_COLUMNS, TextBatch, batch_from_frame, from_frame, posts_from_frame,
    texts_from_frame, to_frame,
};
use crate::table_file::TableFile;
use crate::writeback::with_early_syncs;
use crate::{Error, PostSet, Result};

/// The posts table's file name inside a store folder.
pub const POSTS_FILE: &str = "posts.parquet";
/// The rejects file's name inside a store folder.
pub const REJECTS_FILE: &str = "rejects.jsonl";

/// Rows converted to posts at a time when loading.
pub(crate) const LOAD_BATCH_ROWS: usize = 32_768;
/// Posts encoded at a time by one thread when loading.
const ENCODE_RUN_ROWS: usize = 4_096;
/// Posts per batch (and Parquet row group) when writing.
const WRITE_BATCH_ROWS: usize = 8_192;
/// Row groups being encoded at once when writing (see [`encode_in_order`]).
const GROUPS_IN_FLIGHT: usize = 3;

/// A store folder: `posts.parquet` and `rejects.jsonl`.
#[derive(Debug, Clone)]
pub struct PostStore {
    dir: PathBuf,
}

impl PostStore {
    /// Open (creating if needed) the store in `dir`.
    pub fn open(dir: impl AsRef<Path>) -> Result<PostStore> {
        let dir = dir.as_ref().to_owned();
        std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(PostStore { dir })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of `posts.parquet`.
    pub fn posts_path(&self) -> PathBuf {
        self.dir.join(POSTS_FILE)
    }

    /// Path of `rejects.jsonl`.
    pub fn rejects_path(&self) -> PathBuf {
        self.dir.join(REJECTS_FILE)
    }

    /// All stored posts (an empty set when there is no table yet).
    ///
    /// Only each row's key, time and thread fields are read; the posts
    /// stay in the table, open until the set is dropped, and are read
    /// when a post added is merged with one or follows one, or at the
    /// commit (see `stored.rs`). A table whose rows are not in the stored
    /// order, or where two rows of one platform share a key hash (a key
    /// repeated), is loaded whole.
    pub fn load(&self) -> Result<PostSet> {
        self.load_into(PostSet::new)
    }

    /// [`PostStore::load`], holding at most about `budget` bytes of posts
    /// in memory and the rest in a temporary file in the store's folder
    /// ([`PostSet::spill_to`]); for imports of any size.
    pub fn load_within(&self, budget: usize) -> Result<PostSet> {
        self.load_into(|| {
            let mut set = PostSet::new();
            set.spill_to(&self.dir, budget);
            set
        })
    }

    /// Load into a set made by `new_set`: by keys, or whole when the rows
    /// cannot be held by their keys.
    fn load_into(&self, new_set: impl Fn() -> PostSet) -> Result<PostSet> {
        let path = self.posts_path();
        let Some(table) = TableFile::open(&path)? else {
            return Ok(new_set());
        };
        let mut set = new_set();
        if stored::load_keys(&mut set, &table)? {
            if !set.is_empty() {
                set.set_stored(table);
            }
            return Ok(set);
        }
        tracing::debug!(
            "{}: rows out of order, or a key hash repeated on one platform; loaded whole",
            path.display()
        );
        let mut set = new_set();
        encode_slices(
            &mut set,
            table.into_slices(LOAD_BATCH_ROWS, None),
            &path,
            |set, slice, first_row, runs| add_slice(set, slice, &path, first_row, runs),
        )?;
        Ok(set)
    }

    /// All stored posts, in stored order.
    pub fn read_posts(&self) -> Result<Vec<Post>> {
        let mut posts = Vec::new();
        for batch in self.read_batches(LOAD_BATCH_ROWS)? {
            posts.extend(batch?);
        }
        Ok(posts)
    }

    /// The stored posts in batches of at most `rows`, read a slice of the
    /// file at a time, so a large table never sits in memory whole.
    pub fn read_batches(
        &self,
        rows: usize,
    ) -> Result<impl Iterator<Item = Result<Vec<Post>>> + use<>> {
        let path = self.posts_path();
        Ok(self.read_slices(rows, None)?.map(move |slice| {
            let (first_row, df) = slice?;
            from_frame(&df, &path, first_row)
        }))
    }

    /// The stored posts with only their thread fields ([`THREAD_COLUMNS`]:
    /// ids, author, time, kind, what they answer, quote or mention) and,
    /// `with_text`, their text, in batches of at most `rows`: what networks
    /// need, at a fraction of the cost. See [`PostStore::read_columns`].
    ///
    /// [`THREAD_COLUMNS`]: crate::THREAD_COLUMNS
    pub fn read_threads(
        &self,
        rows: usize,
        with_text: bool,
    ) -> Result<impl Iterator<Item = Result<Vec<Post>>> + use<>> {
        let mut columns = THREAD_COLUMNS.to_vec();
        if with_text {
            columns.push("text");
        }
        self.read_columns(rows, &columns)
    }

    /// The stored posts with only the fields named in `columns` (§1 column
    /// names) read and decoded, in batches of at most `rows`; every other
    /// field is empty (text `""`, no URL, no counts, `collected_at` the
    /// Unix epoch). For readers that need a few fields of every post.
    pub fn read_columns(
        &self,
        rows: usize,
        columns: &[&str],
    ) -> Result<impl Iterator<Item = Result<Vec<Post>>> + use<>> {
        let path = self.posts_path();
        let mut columns: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        columns.sort();
        columns.dedup();
        Ok(self.read_slices(rows, Some(columns))?.map(move |slice| {
            let (first_row, df) = slice?;
            posts_from_frame(&df, &path, true, first_row)
        }))
    }

    /// What reports read of the stored posts ([`BATCH_COLUMNS`]), in
    /// batches of at most `rows`, as columns: no [`Post`] is built.
    ///
    /// [`BATCH_COLUMNS`]: crate::BATCH_COLUMNS
    pub fn read_post_batches(
        &self,
        rows: usize,
    ) -> Result<impl Iterator<Item = Result<PostBatch>> + use<>> {
        let path = self.posts_path();
        let columns = crate::BATCH_COLUMNS.map(str::to_owned).to_vec();
        Ok(self.read_slices(rows, Some(columns))?.map(move |slice| {
            let (first_row, df) = slice?;
            batch_from_frame(&df, &path, first_row)
        }))
    }

    /// What scoring needs of the stored posts (key, kind, text), in batches
    /// of at most `rows` stored rows: only those columns are read and
    /// decoded, and only the posts whose kind `keep` accepts are copied out.
    pub fn read_texts(
        &self,
        rows: usize,
        keep: fn(PostKind) -> bool,
    ) -> Result<impl Iterator<Item = Result<TextBatch>> + use<>> {
        let path = self.posts_path();
        let columns = ["platform", "post_id", "kind", "text"].map(str::to_owned);
        Ok(self
            .read_slices(rows, Some(columns.to_vec()))?
            .map(move |slice| {
                let (first_row, df) = slice?;
                texts_from_frame(&df, &path, keep, first_row)
            }))
    }

    /// How many posts are stored.
    pub fn count(&self) -> Result<usize> {
        match self.open_table()? {
            Some(mut reader) => reader.num_rows().map_err(|source| Error::Parquet {
                path: self.posts_path(),
                source,
            }),
            None => Ok(0),
        }
    }

    /// The table in slices of at most `rows`, with only `columns` if given,
    /// all from one open file ([`TableFile`]), each with the table row of
    /// its first row.
    pub(crate) fn read_slices(
        &self,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> Result<impl Iterator<Item = Result<(usize, DataFrame)>> + use<>> {
        let table = TableFile::open(&self.posts_path())?;
        Ok(table
            .into_iter()
            .flat_map(move |table| table.into_slices(rows, columns.clone())))
    }

    /// A reader of `posts.parquet`, `None` when there is no table yet.
    fn open_table(&self) -> Result<Option<ParquetReader<File>>> {
        let path = self.posts_path();
        match File::open(&path) {
            Ok(file) => Ok(Some(ParquetReader::new(file))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Write `posts` as the new `posts.parquet`, atomically. Does nothing
    /// when the set is unchanged since it was loaded, so a repeated import
    /// leaves the file (and its modification time) as it was.
    pub fn commit(&self, posts: &PostSet) -> Result<bool> {
        if let Some(e) = posts.unreadable() {
            return Err(Error::Unread {
                path: self.posts_path(),
                why: e.to_string(),
            });
        }
        if !posts.is_changed() && self.posts_path().exists() {
            return Ok(false);
        }
        let path = self.posts_path();
        write_atomically(&path, |out| {
            with_early_syncs(out, |out| write_parquet(posts, out, &path)).map(drop)
        })?;
        Ok(true)
    }

    /// [`PostStore::commit`] for a set that is not used after it: the
    /// set's key index (17 bytes a slot: 272 MiB for 10M posts) is
    /// freed before the posts are sorted and written, so the commit's own
    /// memory takes its place instead of adding to it.
    pub fn commit_owned(&self, mut posts: PostSet) -> Result<bool> {
        posts.forget_keys();
        self.commit(&posts)
    }

    /// How many rejects `rejects.jsonl` records.
    pub fn rejects_count(&self) -> Result<u64> {
        count_rejects(&self.rejects_path())
    }

    /// Record rejects in `rejects.jsonl`, skipping ones already there.
    /// Returns how many were new.
    pub fn append_rejects(&self, rejects: &[Reject]) -> Result<usize> {
        append_rejects(&self.rejects_path(), rejects)
    }
}

/// Encode the posts of each of `slices` (of the table at `path`) on the
/// rayon pool while the slice before is handed to `add` (with the table
/// row of its first post) on this thread's turn of the pool; one thread
/// reads and decodes the slices, and at most two wait to be encoded.
pub(crate) fn encode_slices(
    set: &mut PostSet,
    slices: impl Iterator<Item = Result<(usize, DataFrame)>> + Send,
    path: &Path,
    mut add: impl FnMut(&mut PostSet, &DataFrame, usize, &[EncodedRun]) -> Result<()> + Send,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (send, read) = sync_channel(2);
        scope.spawn(move || {
            for slice in slices {
                if send.send(slice).is_err() {
                    return;
                }
            }
        });
        let mut encoded: Option<(DataFrame, usize, Vec<EncodedRun>)> = None;
        // The set's source ids as the encoding threads see them, copied
        // again only when a slice brings new ones.
        let mut sources = set.source_ids().clone();
        for slice in read {
            let (first_row, slice) = slice?;
            if let Ok(names) = slice.column("source").and_then(|c| c.str())
                && set.register_sources(names.iter().flatten())
            {
                sources = set.source_ids().clone();
            }
            let before = encoded.take();
            let (runs, added) = rayon::join(
                || encode_slice(&slice, path, first_row, &sources),
                || match &before {
                    Some((df, first_row, runs)) => add(set, df, *first_row, runs),
                    None => Ok(()),
                },
            );
            added?;
            encoded = Some((slice, first_row, runs?));
        }
        if let Some((df, first_row, runs)) = &encoded {
            add(set, df, *first_row, runs)?;
        }
        Ok(())
    })
}

/// Encode the posts of `slice` (of the table at `path`) in runs of
/// [`ENCODE_RUN_ROWS`], on the rayon pool.
fn encode_slice(
    slice: &DataFrame,
    path: &Path,
    first_row: usize,
    sources: &FxHashMap<String, u32>,
) -> Result<Vec<EncodedRun>> {
    let columns = Columns::of(slice, path, false, first_row)?;
    let rows = columns.len();
    let firsts: Vec<usize> = (0..rows).step_by(ENCODE_RUN_ROWS).collect();
    let runs: Vec<Result<EncodedRun>> = firsts
        .into_par_iter()
        .map(|first| {
            let last = (first + ENCODE_RUN_ROWS).min(rows);
            EncodedRun::of(sources, (first..last).map(|row| columns.row(row)))
        })
        .collect();
    // In order, so that the error is the first bad row's, whichever run
    // failed first.
    runs.into_iter().collect()
}

/// Add the runs [`encode_slice`] made of `slice` to `set`, in order.
fn add_slice(
    set: &mut PostSet,
    slice: &DataFrame,
    path: &Path,
    first_row: usize,
    runs: &[EncodedRun],
) -> Result<()> {
    // Only a post that is not simply new is read again, so most slices
    // never need their columns here.
    let columns = std::cell::OnceCell::new();
    for (n, run) in runs.iter().enumerate() {
        let first = n * ENCODE_RUN_ROWS;
        set.add_encoded(run, |i| {
            let columns = match columns.get() {
                Some(columns) => columns,
                None => {
                    let read = Columns::of(slice, path, false, first_row)?;
                    columns.get_or_init(|| read)
                }
            };
            columns.row(first + i)
        })?;
    }
    Ok(())
}

/// Write the set's posts, sorted, as a §1 Parquet table to `out`, a row
/// group per [`WRITE_BATCH_ROWS`] posts; `path` names it in errors. A
/// pipeline of three threads: one reads the posts in place and builds
/// each batch's columns, the next encodes and compresses them (columns in
/// parallel, [`RowGroupEncoder`]), and this one writes the batches in
/// order; at most five batches are held at a time. Posts still only in
/// the stored table are read from it a slice at a time and written in
/// order beside those added ([`MergedFrames`]); its first row groups, when
/// nothing is added or changed among or before their rows, are copied as
/// they are ([`copy_row_groups`]). Returns how many rows were copied so.
pub(crate) fn write_parquet(
    set: &PostSet,
    out: &mut (impl std::io::Write + Send),
    path: &Path,
) -> Result<usize> {
    let polars_err = |source| Error::Parquet {
        path: path.to_owned(),
        source,
    };
    let schema = to_frame::<StrList<'_>>(&[])
        .map_err(polars_err)?
        .schema()
        .clone();
    let encoder = RowGroupEncoder::new(&schema).map_err(polars_err)?;
    let mut writer = RowGroupWriter::new(out, &schema).map_err(polars_err)?;
    // The stored table, if its rows are still only there, and the posts
    // added to it in the stored order.
    let merge = set.stored().map(|table| (table, set.sorted_keys()));
    let copied = match &merge {
        Some((table, added)) => copy_row_groups(set, table, added, &schema, &mut writer)?,
        None => 0,
    };
    std::thread::scope(|scope| {
        let (frames, built) = sync_channel::<Result<DataFrame>>(1);
        let (groups, encoded) = sync_channel(1);
        // The stored table's slices, read ahead on a thread of their own.
        let (slices, read) = sync_channel::<Result<(usize, DataFrame)>>(1);
        if let Some((table, _)) = &merge {
            let stored = table.slices(copied, LOAD_BATCH_ROWS, None);
            scope.spawn(move || match stored {
                Ok(stored) => {
                    for slice in stored {
                        if slices.send(slice).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => drop(slices.send(Err(e))),
            });
        }
        scope.spawn(move || {
            let sent = match merge {
                Some((table, added)) => {
                    MergedFrames::of(set, table, read.into_iter(), added, WRITE_BATCH_ROWS)
                        .and_then(|merged| send_row_groups(merged, WRITE_BATCH_ROWS, path, &frames))
                }
                None => {
                    let batches = set.sorted_batches(WRITE_BATCH_ROWS).map(|batch| {
                        batch
                            .as_ref()
                            .and_then(|b| b.to_frame(set.sources()))
                            .ok_or_else(|| stored::read_back_error(path))?
                            .map_err(polars_err)
                    });
                    send_row_groups(batches, WRITE_BATCH_ROWS, path, &frames)
                }
            };
            if let Err(e) = sent {
                let _ = frames.send(Err(e));
            }
        });
        let encoder = &encoder;
        scope.spawn(move || encode_in_order(built, &groups, encoder, path));
        for batch in encoded {
            for group in batch? {
                writer.write(&group).map_err(polars_err)?;
            }
        }
        Ok::<_, Error>(())
    })?;
    writer.finish().map_err(polars_err)?;
    Ok(copied)
}

/// Encode each frame of `frames` into row groups on the rayon pool, up to
/// [`GROUPS_IN_FLIGHT`] frames at once, and send them to `groups` in the
/// order the frames came. One frame at a time would leave a core idle: a
/// row group's text column is compressed as one page, on one thread,
/// which takes longer than all its other columns on the other.
fn encode_in_order(
    frames: Receiver<Result<DataFrame>>,
    groups: &SyncSender<Result<Vec<EncodedRowGroup>>>,
    encoder: &RowGroupEncoder,
    path: &Path,
) {
    let encode = |frame: Result<DataFrame>| {
        frame.and_then(|f| {
            encoder.encode(&f).map_err(|source| Error::Parquet {
                path: path.to_owned(),
                source,
            })
        })
    };
    rayon::in_place_scope(|scope| {
        let mut pending = VecDeque::with_capacity(GROUPS_IN_FLIGHT);
        // The oldest frame's row groups, once encoded, to `groups`; false
        // when nothing more should be sent (the writer stopped, or a job
        // panicked, which the scope raises again when it ends).
        let forward_oldest = |pending: &mut VecDeque<Receiver<_>>| {
            pending
                .pop_front()
                .and_then(|encoded| encoded.recv().ok())
                .is_some_and(|group| groups.send(group).is_ok())
        };
        for frame in frames {
            let (done, encoded) = sync_channel(1);
            scope.spawn(move |_| drop(done.send(encode(frame))));
            pending.push_back(encoded);
            if pending.len() == GROUPS_IN_FLIGHT && !forward_oldest(&mut pending) {
                return;
            }
        }
        while !pending.is_empty() {
            if !forward_oldest(&mut pending) {
                return;
            }
        }
    });
}

/// Write the stored table's first row groups to `writer` as they are in
/// its file, as many as hold only rows that stay where they are
/// ([`PostSet::rows_in_place`]), hold [`WRITE_BATCH_ROWS`] rows each and
/// were written as a table of `schema` is now
/// ([`TableFile::groups_written_alike`]); the rows they hold. Their pages
/// and the footer's entries for them are those that encoding their rows
/// again would make, so the file is the same, made without decoding,
/// encoding or compressing them.
fn copy_row_groups(
    set: &PostSet,
    table: &TableFile,
    added: &SortedKeys,
    schema: &Schema,
    writer: &mut RowGroupWriter<impl std::io::Write>,
) -> Result<usize> {
    let polars_err = |source| Error::Parquet {
        path: table.path().to_owned(),
        source,
    };
    let first_added = (added.len() > 0).then(|| {
        let (created_ms, platform, _) = added.key(0);
        (created_ms, platform)
    });
    let in_place = set.rows_in_place(first_added) / WRITE_BATCH_ROWS;
    if in_place == 0 {
        return Ok(0);
    }
    let reference = empty_table_footer(schema).map_err(polars_err)?;
    let groups = table
        .groups_written_alike(&reference, WRITE_BATCH_ROWS)
        .min(in_place);
    let copied = table.copy_row_groups(groups, |group| writer.write(group).map_err(polars_err))?;
    tracing::debug!(
        "copied {copied} row groups of {} as they are",
        table.path().display()
    );
    Ok(copied * WRITE_BATCH_ROWS)
}

/// Send `frames` to `out` cut into frames of exactly `rows` rows, each in
/// one piece (one row group), but the last. A frame that is already one
/// whole row group goes as it is.
fn send_row_groups(
    frames: impl Iterator<Item = Result<DataFrame>>,
    rows: usize,
    path: &Path,
    out: &SyncSender<Result<DataFrame>>,
) -> Result<()> {
    let polars_err = |source| Error::Parquet {
        path: path.to_owned(),
        source,
    };
    let mut carry: Option<DataFrame> = None;
    let send = |frame: DataFrame| out.send(Ok(frame)).is_ok();
    for frame in frames {
        let frame = frame?;
        let mut held = match carry.take() {
            None => frame,
            Some(mut held) => {
                held.vstack_mut(&frame).map_err(polars_err)?;
                held
            }
        };
        while held.height() >= rows {
            let mut head = held.slice(0, rows);
            if head.first_col_n_chunks() > 1 {
                head.rechunk_mut();
            }
            held = held.slice(rows as i64, held.height() - rows);
            if !send(head) {
                return Ok(());
            }
        }
        if held.height() > 0 {
            carry = Some(held);
        }
    }
    if let Some(mut last) = carry {
        if last.first_col_n_chunks() > 1 {
            last.rechunk_mut();
        }
        send(last);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use threadlens_model::{Platform, Post, parse_timestamp};

    use super::*;

    /// A writer that fails after `budget` bytes, like a full disk or a
    /// process killed mid-write.
    struct FailingWriter<'a, W: Write> {
        inner: &'a mut W,
        budget: usize,
    }

    impl<W: Write> Write for FailingWriter<'_, W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.budget == 0 {
                return Err(std::io::Error::other("simulated crash"));
            }
            let n = buf.len().min(self.budget);
            self.budget -= n;
            self.inner.write(&buf[..n])
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.inner.flush()
        }
    }

    fn set_of(n: usize) -> PostSet {
        let mut set = PostSet::new();
        for i in 0..n {
            let mut p = Post::minimal(
                Platform::X,
                format!("{}", 1_440_000_000_000_000_000u64 + i as u64),
                parse_timestamp("2021-09-22T16:00:00Z").unwrap(),
            );
            p.text = format!("post number {i} with some text to make the file larger");
            set.insert(&p);
        }
        set
    }

    /// Posts numbered `ids`, at `second_of` their number on one day, with
    /// texts of about 330 bytes, two hashtags and some a mention.
    fn posts_at(ids: std::ops::Range<u64>, second_of: impl Fn(u64) -> i64) -> Vec<Post> {
        let start = parse_timestamp("2022-06-28T00:00:00Z").unwrap();
        ids.map(|i| {
            let mut p = Post::minimal(
                Platform::X,
                format!("{}", 1_440_000_000_000_000_000u64 + i),
                start + chrono::Duration::seconds(second_of(i)),
            );
            // Long enough that a row group's texts fill several pages.
            p.text = format!("post {i} of the day {}", "and more words ".repeat(20));
            p.hashtags = vec!["solvingtogether".into(), format!("tag{}", i % 7)];
            if i % 3 == 0 {
                p.mentions = vec![format!("user{}", i % 100)];
            }
            p
        })
        .collect()
    }

    /// `stored` committed, loaded, `added` inserted: the rows the commit
    /// copied and the bytes it wrote. `change` rewrites the table between.
    fn commit_onto(stored: &[Post], added: &[Post], change: impl Fn(&Path)) -> (usize, Vec<u8>) {
        let dir = tempfile::tempdir().unwrap();
        let store = PostStore::open(dir.path()).unwrap();
        let mut set = PostSet::new();
        for p in stored {
            set.insert(p);
        }
        store.commit(&set).unwrap();
        change(&store.posts_path());
        let mut set = store.load().unwrap();
        assert!(set.stored().is_some(), "loaded by its keys");
        for p in added {
            set.insert(p);
        }
        let mut out = Vec::new();
        let copied = write_parquet(&set, &mut out, &store.posts_path()).unwrap();
        (copied, out)
    }

    /// The bytes one set of `stored` and then `added` writes.
    fn one_set(stored: &[Post], added: &[Post]) -> Vec<u8> {
        let mut set = PostSet::new();
        for p in stored.iter().chain(added) {
            set.insert(p);
        }
        let mut out = Vec::new();
        assert_eq!(write_parquet(&set, &mut out, Path::new("one")).unwrap(), 0);
        out
    }

    /// The stored table's first row groups are copied as they are when
    /// nothing is added or changed among or before their rows, and the
    /// file is byte for byte the one a set of every post writes; a row
    /// group with a row added, changed or tied before its end, or a table
    /// written otherwise, is encoded again.
    #[test]
    fn unchanged_row_groups_are_copied_and_the_file_is_the_same() {
        // 20,000 rows: two whole row groups and 3,616 rows.
        let mut stored = posts_at(0..20_000, |i| i as i64);
        // A copy that is matched where the stored post was not: the row changes.
        stored[12_000].matched = false;
        let mut changed = stored[12_000].clone();
        changed.matched = true;
        let tied = posts_at(30_000..30_001, |_| 16_383);
        let cases: [(&str, Vec<Post>, usize); 6] = [
            ("all after", posts_at(30_000..30_010, |i| i as i64), 16_384),
            ("none", Vec::new(), 16_384),
            (
                "one in the second group",
                posts_at(30_000..30_001, |_| 9_000),
                8_192,
            ),
            ("a copy changed", vec![changed], 8_192),
            ("tied with the last row of a group", tied, 8_192),
            ("one before all", posts_at(30_000..30_001, |_| -1), 0),
        ];
        for (case, added, rows) in cases {
            let (copied, bytes) = commit_onto(&stored, &added, |_| ());
            assert_eq!(copied, rows, "{case}");
            assert!(bytes == one_set(&stored, &added), "{case}: bytes differ");
        }
        // Row groups of another size: nothing copied.
        let regrouped = |path: &Path| {
            let mut frame = ParquetReader::new(File::open(path).unwrap())
                .finish()
                .unwrap();
            ParquetWriter::new(File::create(path).unwrap())
                .with_row_group_size(Some(5_000))
                .with_statistics(StatisticsOptions::full())
                .finish(&mut frame)
                .unwrap();
        };
        let after = posts_at(30_000..30_010, |i| i as i64);
        let (copied, bytes) = commit_onto(&stored, &after, regrouped);
        assert_eq!(copied, 0, "row groups of 5,000 rows");
        assert!(bytes == one_set(&stored, &after));
    }

    /// A row group whose list column fills more than one page (whose
    /// pages do not say their rows) is encoded again, not copied.
    #[test]
    fn a_list_column_over_several_pages_is_encoded_again() {
        let mut stored = posts_at(0..9_000, |i| i as i64);
        for (i, post) in stored.iter_mut().enumerate() {
            post.urls = (0..3)
                .map(|k| format!("https://example.org/{i}/{k}/{}", "a-long-path/".repeat(4)))
                .collect();
        }
        let added = posts_at(30_000..30_010, |i| i as i64);
        let (copied, bytes) = commit_onto(&stored, &added, |_| ());
        assert_eq!(copied, 0);
        assert!(bytes == one_set(&stored, &added));
    }

    /// Copies of stored posts from a few blocks of rows, arriving mixed
    /// (as a collection that overlaps the last one's does), are answered
    /// from the blocks kept: the stored posts are not all read, so the
    /// unchanged row groups are still copied.
    #[test]
    fn copies_from_a_few_blocks_keep_the_row_groups_copied() {
        let stored = posts_at(0..20_000, |i| i as i64);
        // Five blocks of 4,096 rows, one after another, eight times over.
        let mut added: Vec<Post> = (0..40)
            .map(|k| stored[(k % 5) * 4_096 + k].clone())
            .collect();
        added.extend(posts_at(30_000..30_010, |i| i as i64));
        let (copied, bytes) = commit_onto(&stored, &added, |_| ());
        assert_eq!(copied, 16_384);
        assert!(bytes == one_set(&stored, &added));
    }

    #[test]
    fn a_crash_mid_write_leaves_the_old_table_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = PostStore::open(dir.path()).unwrap();
        store.commit(&set_of(3)).unwrap();
        let before = std::fs::read(store.posts_path()).unwrap();

        let bigger = set_of(5000);
        let path = store.posts_path();
        let result = write_atomically(&path, |out| {
            let mut failing = FailingWriter {
                inner: out,
                budget: 4096,
            };
            write_parquet(&bigger, &mut failing, &path).map(drop)
        });
        assert!(
            result.is_err(),
            "the simulated crash must surface as an error"
        );

        assert_eq!(
            std::fs::read(store.posts_path()).unwrap(),
            before,
            "old table untouched"
        );
        assert_eq!(store.read_posts().unwrap().len(), 3, "and still readable");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != POSTS_FILE)
            .collect();
        assert!(
            leftovers.is_empty(),
            "no temporary files left behind: {leftovers:?}"
        );
    }

    #[test]
    fn row_groups_encoded_at_once_come_out_in_the_frames_order() {
        let schema = to_frame::<StrList<'_>>(&[]).unwrap().schema().clone();
        let encoder = RowGroupEncoder::new(&schema).unwrap();
        // Eight frames (not a multiple of the groups in flight) of
        // different sizes, a big one first so that the smaller ones
        // spawned after it can finish before it, and a failed frame fifth,
        // which must come out in its place.
        let sizes = [4_000, 3, 700, 1, 2_500, 40, 9];
        let (frames, built) = sync_channel(sizes.len() + 1);
        for (i, &n) in sizes.iter().enumerate() {
            if i == 4 {
                frames
                    .send(Err(Error::Unread {
                        path: PathBuf::from("spilled"),
                        why: "the fifth frame".to_owned(),
                    }))
                    .unwrap();
            }
            let posts = posts_at(0..n as u64, |i| i as i64);
            let views: Vec<_> = posts.iter().map(crate::codec::PostView::of).collect();
            let frame = to_frame(&views);
            frames
                .send(frame.map_err(|source| Error::Parquet {
                    path: PathBuf::from("frame"),
                    source,
                }))
                .unwrap();
        }
        drop(frames);
        let (groups, encoded) = sync_channel(sizes.len() + 1);
        encode_in_order(built, &groups, &encoder, Path::new("out"));
        drop(groups);
        let came: Vec<Option<usize>> = encoded
            .into_iter()
            .map(|g| g.ok().map(|g| g.iter().map(EncodedRowGroup::rows).sum()))
            .collect();
        let mut expected: Vec<Option<usize>> = sizes.iter().map(|&n| Some(n)).collect();
        expected.insert(4, None);
        assert_eq!(came, expected);
    }
}
