use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use threadlens_model::Reject;
use threadlens_model::{Post, PostKind};

use crate::atomic::write_atomically;
use crate::post_set::EncodedRun;
use crate::rejects::{append_rejects, count_rejects};
use crate::row_groups::{RowGroupEncoder, RowGroupWriter};
use crate::table::{
    Columns, PostBatch, THREAD_COLUMNS, TextBatch, batch_from_frame, from_frame, posts_from_frame,
    texts_from_frame, to_frame,
};
use crate::{Error, PostSet, Result};

/// The posts table's file name inside a store folder.
pub const POSTS_FILE: &str = "posts.parquet";
/// The rejects file's name inside a store folder.
pub const REJECTS_FILE: &str = "rejects.jsonl";

/// Rows converted to posts at a time when loading.
const LOAD_BATCH_ROWS: usize = 32_768;
/// Posts encoded at a time by one thread when loading.
const ENCODE_RUN_ROWS: usize = 4_096;
/// Posts per batch (and Parquet row group) when writing.
const WRITE_BATCH_ROWS: usize = 8_192;

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
    pub fn load(&self) -> Result<PostSet> {
        self.load_into(PostSet::new())
    }

    /// [`PostStore::load`], holding at most about `budget` bytes of posts
    /// in memory and the rest in a temporary file in the store's folder
    /// ([`PostSet::spill_to`]); for imports of any size.
    pub fn load_within(&self, budget: usize) -> Result<PostSet> {
        let mut set = PostSet::new();
        set.spill_to(&self.dir, budget);
        self.load_into(set)
    }

    /// One thread reads and decodes the table's slices. Each slice's posts
    /// are encoded on the rayon pool while the slice before is added to
    /// `set` in order, on this thread's turn of the pool; at most two
    /// slices wait to be encoded.
    fn load_into(&self, mut set: PostSet) -> Result<PostSet> {
        let path = self.posts_path();
        let slices = self.read_slices(LOAD_BATCH_ROWS, None)?;
        std::thread::scope(|scope| {
            let (send, read) = std::sync::mpsc::sync_channel(2);
            scope.spawn(move || {
                for slice in slices {
                    if send.send(slice).is_err() {
                        return;
                    }
                }
            });
            let mut encoded: Option<(DataFrame, Vec<EncodedRun>)> = None;
            // The set's source ids as the encoding threads see them, copied
            // again only when a slice brings new ones.
            let mut sources = set.source_ids().clone();
            for slice in read {
                let slice = slice?;
                if let Ok(names) = slice.column("source").and_then(|c| c.str())
                    && set.register_sources(names.iter().flatten())
                {
                    sources = set.source_ids().clone();
                }
                let before = encoded.take();
                let (runs, added) = rayon::join(
                    || encode_slice(&slice, &path, &sources),
                    || match &before {
                        Some((df, runs)) => add_slice(&mut set, df, &path, runs),
                        None => Ok(()),
                    },
                );
                added?;
                encoded = Some((slice, runs?));
            }
            if let Some((df, runs)) = &encoded {
                add_slice(&mut set, df, &path, runs)?;
            }
            Ok(set)
        })
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
        Ok(self
            .read_slices(rows, None)?
            .map(move |df| from_frame(&df?, &path)))
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
        Ok(self
            .read_slices(rows, Some(columns))?
            .map(move |df| posts_from_frame(&df?, &path, true)))
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
        Ok(self
            .read_slices(rows, Some(columns))?
            .map(move |df| batch_from_frame(&df?, &path)))
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
            .map(move |df| texts_from_frame(&df?, &path, keep)))
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

    /// The table in slices of at most `rows`, with only `columns` if given.
    /// The file is opened and its footer read once: every slice comes from
    /// that one file, even if a commit replaces it meanwhile, and a large
    /// table's footer (a few hundred bytes per row group) is not parsed
    /// again for each slice.
    pub(crate) fn read_slices(
        &self,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> Result<impl Iterator<Item = Result<DataFrame>> + use<>> {
        let path = self.posts_path();
        let rows = rows.max(1);
        let io_err = |path: &Path, source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let parquet_err = |path: &Path, source| Error::Parquet {
            path: path.to_owned(),
            source,
        };
        let table = match File::open(&path) {
            Ok(file) => {
                let mut reader =
                    ParquetReader::new(file.try_clone().map_err(|e| io_err(&path, e))?);
                let metadata = reader
                    .get_metadata()
                    .map_err(|e| parquet_err(&path, e))?
                    .clone();
                Some((file, metadata))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io_err(&path, e)),
        };
        let total = table.as_ref().map_or(0, |(_, metadata)| metadata.num_rows);
        Ok((0..total).step_by(rows).filter_map(move |offset| {
            let (file, metadata) = table.as_ref()?;
            let slice = file
                .try_clone()
                .map_err(|e| io_err(&path, e))
                .and_then(|file| {
                    let mut reader = ParquetReader::new(file);
                    reader.set_metadata(metadata.clone());
                    reader
                        .with_columns(columns.clone())
                        .with_slice(Some((offset, rows)))
                        .finish()
                        .map_err(|e| parquet_err(&path, e))
                });
            Some(slice)
        }))
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
        if !posts.is_changed() && self.posts_path().exists() {
            return Ok(false);
        }
        let path = self.posts_path();
        write_atomically(&path, |out| write_parquet(posts, out, &path))?;
        Ok(true)
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

/// Encode the posts of `slice` (of the table at `path`) in runs of
/// [`ENCODE_RUN_ROWS`], on the rayon pool.
fn encode_slice(
    slice: &DataFrame,
    path: &Path,
    sources: &FxHashMap<String, u32>,
) -> Result<Vec<EncodedRun>> {
    let columns = Columns::of(slice, path, false)?;
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
fn add_slice(set: &mut PostSet, slice: &DataFrame, path: &Path, runs: &[EncodedRun]) -> Result<()> {
    // Only a post that is not simply new is read again, so most slices
    // never need their columns here.
    let columns = std::cell::OnceCell::new();
    for (n, run) in runs.iter().enumerate() {
        let first = n * ENCODE_RUN_ROWS;
        set.add_encoded(run, |i| {
            let columns = match columns.get() {
                Some(columns) => columns,
                None => {
                    let read = Columns::of(slice, path, false)?;
                    columns.get_or_init(|| read)
                }
            };
            columns.row(first + i)
        })?;
    }
    Ok(())
}

/// Write the set's posts, sorted, as a §1 Parquet table to `out`, a row
/// group per batch; `path` names it in errors. A pipeline of three
/// threads: one reads the posts in place and builds each batch's columns,
/// the next encodes and compresses them (columns in parallel,
/// [`RowGroupEncoder`]), and this one writes the batches in order; at
/// most five batches are held at a time.
pub(crate) fn write_parquet(
    set: &PostSet,
    out: &mut (impl std::io::Write + Send),
    path: &Path,
) -> Result<()> {
    let polars_err = |source| Error::Parquet {
        path: path.to_owned(),
        source,
    };
    let schema = to_frame(&[]).map_err(polars_err)?.schema().clone();
    let encoder = RowGroupEncoder::new(&schema).map_err(polars_err)?;
    let mut writer = RowGroupWriter::new(out, &schema).map_err(polars_err)?;
    std::thread::scope(|scope| {
        let (frames, built) = std::sync::mpsc::sync_channel::<PolarsResult<DataFrame>>(1);
        let (groups, encoded) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            for batch in set.sorted_batches(WRITE_BATCH_ROWS) {
                let frame = batch
                    .as_ref()
                    .and_then(|b| b.views(set.sources()))
                    .map_or_else(
                        || Err(PolarsError::ComputeError("posts could not be read back from the temporary file beside the store (see the log)".into())),
                        |views| to_frame(&views),
                    );
                if frames.send(frame).is_err() {
                    return;
                }
            }
        });
        let encoder = &encoder;
        scope.spawn(move || {
            for frame in built {
                if groups.send(frame.and_then(|f| encoder.encode(&f))).is_err() {
                    return;
                }
            }
        });
        for batch in encoded {
            for group in batch.map_err(polars_err)? {
                writer.write(&group).map_err(polars_err)?;
            }
        }
        Ok::<_, Error>(())
    })?;
    writer.finish().map_err(polars_err)
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
            write_parquet(&bigger, &mut failing, &path)
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
}
