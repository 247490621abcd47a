//! The stored table's rows in a [`PostSet`] without their posts.
//!
//! Loading a store reads each row's key, time and thread fields only
//! ([`load_keys`]); the posts stay in `posts.parquet`, open since the load.
//! They are read into the set, all of them, only when a post added must be
//! merged with one of them or a conversation followed through them
//! ([`promote`]). Otherwise the commit reads them a slice at a time and
//! writes them in order beside the posts added ([`MergedFrames`]): the
//! same table as if they had been loaded whole, at the cost of reading
//! the table once instead of encoding every post into the set and back.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use threadlens_model::{Platform, Post, timestamp_from_millis};

use crate::codec::{EitherList, PostView, StrList, Strs};
use crate::post_set::{PostSet, SortedKeys, StoredRow};
use crate::store::{LOAD_BATCH_ROWS, encode_slices};
use crate::table::{Columns, KEY_COLUMNS, StoredKey, from_frame, stored_keys, to_frame};
use crate::table_file::TableFile;
use crate::{Error, Result};

/// Add the rows of `table` to the empty `set` by their keys, times and
/// thread fields ([`stored_keys`]). Returns false when the rows cannot be
/// held that way: two of one platform share a key hash (most likely a
/// key repeated), or they are not in the stored order; `set` must then be
/// loaded whole instead. One thread reads, decodes and checks the slices
/// while this one adds the slice before.
pub(crate) fn load_keys(set: &mut PostSet, table: &TableFile) -> Result<bool> {
    let columns = KEY_COLUMNS.map(str::to_owned).to_vec();
    let slices = table.slices(0, LOAD_BATCH_ROWS, Some(columns))?;
    let path = table.path();
    set.reserve(table.rows());
    std::thread::scope(|scope| {
        let (send, read) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for slice in slices {
                let rows = slice.and_then(|(first_row, slice)| {
                    let rows = StoredSlice::of(&slice, path, first_row)?;
                    Ok((slice, rows))
                });
                if send.send(rows).is_err() {
                    return;
                }
            }
        });
        let mut last: Option<SortKey> = None;
        let mut first_row = 0;
        for slice in read {
            let (frame, slice) = slice?;
            let in_order = slice.in_order
                && match (&last, &slice.first) {
                    (Some(last), Some(first)) => last < first,
                    _ => true,
                };
            if !in_order {
                return Ok(false);
            }
            // Only a row whose key hash another row has needs its id here.
            let id = |i: usize| {
                let ids = frame.column("post_id").and_then(|c| c.str()).ok()?;
                ids.get(i).map(str::to_owned)
            };
            for (i, &row) in slice.rows.iter().enumerate() {
                if !set.push_stored(first_row + i, row, || id(i)) {
                    return Ok(false);
                }
            }
            first_row += slice.rows.len();
            if slice.last.is_some() {
                last = slice.last;
            }
        }
        Ok(true)
    })
}

/// The order of the stored table of a [`StoredKey`].
fn key_order<'a>(key: &StoredKey<'a>) -> (i64, Platform, &'a [u8]) {
    (key.created_ms, key.platform, key.post_id.as_bytes())
}

/// A sort key, owned: time, platform, id.
type SortKey = (i64, Platform, Vec<u8>);

/// One slice of the table as [`load_keys`] adds it.
struct StoredSlice {
    rows: Vec<StoredRow>,
    /// Whether its rows are in the stored order.
    in_order: bool,
    /// Its first and last rows' keys.
    first: Option<SortKey>,
    last: Option<SortKey>,
}

impl StoredSlice {
    /// The rows of `slice` (its first row `first_row` of the table at
    /// `path`), checked.
    fn of(slice: &DataFrame, path: &Path, first_row: usize) -> Result<Self> {
        let keys = stored_keys(slice, path, first_row)?;
        let owned = |k: &StoredKey<'_>| (k.created_ms, k.platform, k.post_id.as_bytes().to_vec());
        Ok(StoredSlice {
            in_order: keys.windows(2).all(|w| key_order(&w[0]) < key_order(&w[1])),
            first: keys.first().map(owned),
            last: keys.last().map(owned),
            rows: keys.iter().map(StoredRow::of).collect(),
        })
    }
}

/// Read the posts of the set's stored table into the set, in place of
/// their stored entries.
pub(crate) fn promote(set: &mut PostSet) -> Result<()> {
    let Some(table) = set.take_stored() else {
        return Ok(());
    };
    let path = table.path().to_owned();
    let started = std::time::Instant::now();
    encode_slices(
        set,
        table.into_slices(LOAD_BATCH_ROWS, None),
        &path,
        |set, _, first_row, runs| {
            let mut row = first_row;
            for run in runs {
                if !set.place_stored(row, run) {
                    return Err(Error::Row {
                        path: path.clone(),
                        row,
                        column: "post_id".to_owned(),
                        why: "the table changed while it was open".to_owned(),
                    });
                }
                row += run.len();
            }
            Ok(())
        },
    )?;
    tracing::debug!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "stored posts read into the set"
    );
    Ok(())
}

/// Stored posts read a block of rows at a time, the blocks read kept: how
/// a set answers the few hits on stored keys an import of new posts makes
/// (posts collected twice, most often the last ones stored), without
/// reading every stored post.
#[derive(Debug, Default)]
pub(crate) struct StoredBlocks {
    read: std::sync::Mutex<Blocks>,
}

/// The blocks of stored posts read, and how many reads there were.
#[derive(Debug, Default)]
struct Blocks {
    /// `(first row, posts)` of each block kept, oldest first.
    kept: Vec<(usize, Vec<Post>)>,
    reads: usize,
}

/// Rows of a block of [`StoredBlocks`].
const BLOCK_ROWS: usize = 4_096;
/// Blocks [`StoredBlocks`] keeps (about 4 MB each of tweet-length posts,
/// estimated from a `Post`'s 536 bytes and its strings); past that,
/// the block read first makes room. A set reads all its stored posts
/// instead once this many blocks were read, so every block read is kept.
pub(crate) const BLOCKS_KEPT: usize = 8;

impl StoredBlocks {
    /// Row `row` of `table` as a post.
    pub(crate) fn post(&self, table: &TableFile, row: usize) -> Result<Post> {
        let unread = |why: &str| Error::Unread {
            path: table.path().to_owned(),
            why: why.to_owned(),
        };
        let mut blocks = self
            .read
            .lock()
            .map_err(|_| unread("a thread reading it panicked"))?;
        let first_row = row / BLOCK_ROWS * BLOCK_ROWS;
        let at = match blocks
            .kept
            .iter()
            .position(|(first, _)| *first == first_row)
        {
            Some(at) => at,
            None => {
                blocks.reads += 1;
                let posts = table
                    .slice(first_row, BLOCK_ROWS, None)
                    .and_then(|df| from_frame(&df, table.path(), first_row))?;
                if blocks.kept.len() >= BLOCKS_KEPT {
                    blocks.kept.remove(0);
                }
                blocks.kept.push((first_row, posts));
                blocks.kept.len() - 1
            }
        };
        blocks.kept[at]
            .1
            .get(row - first_row)
            .cloned()
            .ok_or_else(|| unread(&format!("row {row} is not in the table")))
    }

    /// How many blocks were read.
    pub(crate) fn reads(&self) -> usize {
        self.read.lock().map_or(usize::MAX, |blocks| blocks.reads)
    }
}

/// The order of the stored table: time, platform, then the id's bytes.
fn sort_key<'a, L: Strs<'a>>(post: &PostView<'a, L>) -> (i64, Platform, &'a [u8]) {
    (
        post.created_at.get(),
        post.platform,
        post.post_id.as_bytes(),
    )
}

/// What a commit writes of a set whose stored rows are still only in its
/// table: each frame is one slice of the table with the posts added that
/// sort before its last row, in order; after the last slice, the posts
/// added after it, `rows` at a time. The frames are not row groups: the
/// writer cuts them.
pub(crate) struct MergedFrames<'s, I> {
    set: &'s PostSet,
    path: PathBuf,
    slices: I,
    added: SortedKeys,
    next_added: usize,
    rows: usize,
    /// The schema the writer writes, which a slice passed on as columns
    /// must have.
    schema: Schema,
}

impl<'s, I: Iterator<Item = Result<(usize, DataFrame)>>> MergedFrames<'s, I> {
    /// The frames of `set`, whose stored rows are `slices` of `table`
    /// ([`TableFile::slices`]), with the posts `added` ([`PostSet::sorted_keys`])
    /// that sort after the row before the first slice, at most `rows` in
    /// each frame after the table's last row.
    pub(crate) fn of(
        set: &'s PostSet,
        table: &TableFile,
        slices: I,
        added: SortedKeys,
        rows: usize,
    ) -> Result<Self> {
        Ok(MergedFrames {
            set,
            path: table.path().to_owned(),
            slices,
            added,
            next_added: 0,
            rows: rows.max(1),
            schema: to_frame::<StrList<'_>>(&[])
                .map_err(|source| Error::Parquet {
                    path: table.path().to_owned(),
                    source,
                })?
                .schema()
                .as_ref()
                .clone(),
        })
    }
}

impl<I: Iterator<Item = Result<(usize, DataFrame)>>> MergedFrames<'_, I> {
    /// The stored rows of `slice` (but those merged or changed since the
    /// load, whose posts are among those added) and the posts added that
    /// sort before its last row, in order. A slice of the table's own
    /// schema whose required cells are all there is merged as columns
    /// (its rows taken in turn with the posts added, or passed on whole
    /// when nothing changes in it); any other is read row by row, as
    /// loading it whole would, so a bad cell fails the commit naming its
    /// row. `first_row` is the slice's first row in the table.
    fn merge_slice(&mut self, slice: &DataFrame, first_row: usize) -> Result<DataFrame> {
        let kept = |r: usize| self.set.row_is_stored(first_row + r);
        if slice.schema().as_ref() != &self.schema || !required_cells_present(slice) {
            return self.merge_rows(slice, first_row);
        }
        let polars_err = |source| Error::Parquet {
            path: self.path.clone(),
            source,
        };
        let keys = ColumnKeys::of(slice).map_err(polars_err)?;
        let rows = slice.height();
        let from = self.next_added;
        if let Some(last) = rows.checked_sub(1).and_then(|r| keys.at(r)) {
            while self.next_added < self.added.len() && self.added.key(self.next_added) < last {
                self.next_added += 1;
            }
        }
        let all_kept = (0..rows).all(kept);
        if from == self.next_added && all_kept {
            return Ok(slice.clone());
        }
        let batch = self.added_batch(from..self.next_added)?;
        let views = batch
            .views(self.set.sources())
            .ok_or_else(|| read_back_error(&self.path))?;
        let added = to_frame(&views).map_err(polars_err)?;
        // Rows of `slice` then `added`, taken in the merged order.
        let mut order: Vec<IdxSize> = Vec::with_capacity(rows + views.len());
        let mut stored = 0;
        for (j, view) in views.iter().enumerate() {
            let key = sort_key(view);
            // Keys are unique: no stored row equals an added one.
            let before = partition_point(stored, rows, |r| keys.at(r).is_some_and(|k| k < key));
            order.extend((stored..before).filter(|&r| kept(r)).map(|r| r as IdxSize));
            order.push((rows + j) as IdxSize);
            stored = before;
        }
        order.extend((stored..rows).filter(|&r| kept(r)).map(|r| r as IdxSize));
        let both = slice.vstack(&added).map_err(polars_err)?;
        both.take(&IdxCa::from_vec("order".into(), order))
            .map_err(polars_err)
    }

    /// [`MergedFrames::merge_slice`] a row at a time, `first_row` being
    /// the slice's first row in the table.
    fn merge_rows(&mut self, slice: &DataFrame, first_row: usize) -> Result<DataFrame> {
        let columns = Columns::of(slice, &self.path, false, first_row)?;
        let stored = (0..columns.len())
            .filter(|&i| self.set.row_is_stored(first_row + i))
            .map(|i| columns.row(i))
            .collect::<Result<Vec<_>>>()?;
        let from = self.next_added;
        if let Some(last) = stored.last().map(sort_key) {
            while self.next_added < self.added.len() && self.added.key(self.next_added) < last {
                self.next_added += 1;
            }
        }
        let batch = self.added_batch(from..self.next_added)?;
        let added = batch
            .views(self.set.sources())
            .ok_or_else(|| read_back_error(&self.path))?;
        let mut merged = Vec::with_capacity(stored.len() + added.len());
        let mut stored = stored.into_iter().peekable();
        let mut added = added.into_iter().peekable();
        loop {
            let take_added = match (stored.peek(), added.peek()) {
                (Some(s), Some(a)) => sort_key(a).cmp(&sort_key(s)) == Ordering::Less,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            let next = if take_added {
                added.next().map(|a| a.with_lists(EitherList::Encoded))
            } else {
                stored.next().map(|s| s.with_lists(EitherList::Cells))
            };
            match next {
                Some(post) => merged.push(post),
                None => break,
            }
        }
        to_frame(&merged).map_err(|source| Error::Parquet {
            path: self.path.clone(),
            source,
        })
    }

    /// The posts added at `range` of the stored order.
    fn added_batch(&self, range: std::ops::Range<usize>) -> Result<crate::post_set::Batch> {
        self.set
            .gather(range.map(|i| self.added.entry(i)))
            .ok_or_else(|| read_back_error(&self.path))
    }
}

impl<I: Iterator<Item = Result<(usize, DataFrame)>>> Iterator for MergedFrames<'_, I> {
    type Item = Result<DataFrame>;

    fn next(&mut self) -> Option<Result<DataFrame>> {
        if let Some(slice) = self.slices.next() {
            return Some(slice.and_then(|(first_row, slice)| self.merge_slice(&slice, first_row)));
        }
        if self.next_added >= self.added.len() {
            return None;
        }
        let from = self.next_added;
        self.next_added = (from + self.rows).min(self.added.len());
        let frame = self.added_batch(from..self.next_added).and_then(|batch| {
            batch
                .to_frame(self.set.sources())
                .ok_or_else(|| read_back_error(&self.path))?
                .map_err(|source| Error::Parquet {
                    path: self.path.clone(),
                    source,
                })
        });
        Some(frame)
    }
}

/// The error of posts that could not be read back from the temporary file.
pub(crate) fn read_back_error(path: &Path) -> Error {
    Error::Io {
        path: path.to_owned(),
        source: std::io::Error::other(
            "posts could not be read back from the temporary file beside the store (see the log)",
        ),
    }
}

/// The columns a row must have (formats.md §1), all of them present in
/// every row of `slice`, and its `collected_at` times in range (the other
/// required cells, platform, id, time and kind, were checked when the set
/// was loaded).
fn required_cells_present(slice: &DataFrame) -> bool {
    const REQUIRED: [&str; 10] = [
        "platform",
        "post_id",
        "created_at",
        "author_id",
        "author_handle",
        "text",
        "kind",
        "matched",
        "source",
        "collected_at",
    ];
    let present = REQUIRED.iter().all(|name| {
        slice
            .column(name)
            .is_ok_and(|column| column.null_count() == 0)
    });
    let in_range = |ms: Option<i64>| ms.is_none_or(|ms| timestamp_from_millis(ms).is_some());
    present
        && slice
            .column("collected_at")
            .and_then(|c| c.datetime().map(|t| t.physical().clone()))
            .is_ok_and(|ms| in_range(ms.min()) && in_range(ms.max()))
}

/// The sort keys of a slice's rows, read from its columns.
struct ColumnKeys<'a> {
    created: &'a Int64Chunked,
    platform: &'a StringChunked,
    post_id: &'a StringChunked,
}

impl<'a> ColumnKeys<'a> {
    fn of(slice: &'a DataFrame) -> PolarsResult<Self> {
        Ok(ColumnKeys {
            created: slice.column("created_at")?.datetime()?.physical(),
            platform: slice.column("platform")?.str()?,
            post_id: slice.column("post_id")?.str()?,
        })
    }

    /// Row `row`'s key; `None` if a cell cannot be read (checked when the
    /// set was loaded, so not expected).
    fn at(&self, row: usize) -> Option<(i64, Platform, &'a [u8])> {
        let platform: Platform = self.platform.get(row)?.parse().ok()?;
        Some((
            self.created.get(row)?,
            platform,
            self.post_id.get(row)?.as_bytes(),
        ))
    }
}

/// The first of `from..to` for which `before` is false, `before` being
/// true up to some point and false after it.
fn partition_point(mut from: usize, mut to: usize, before: impl Fn(usize) -> bool) -> usize {
    while from < to {
        let mid = from + (to - from) / 2;
        if before(mid) {
            from = mid + 1;
        } else {
            to = mid;
        }
    }
    from
}
