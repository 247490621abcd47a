//! `threadlens store export --partition-by`: the store as a folder of
//! Parquet files, one subfolder per month or day of `created_at` (UTC) in
//! the hive style (`posts/month=2022-06/part-00000.parquet`), which
//! DataFusion, Ballista, DuckDB, pyarrow and polars read as one dataset
//! with the partition as a text column. Each file keeps the store's columns
//! and order. The folder is written beside its final name and swapped in
//! whole, so readers see the old export or the new one.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::{Error, PostStore, Result};

/// Rows read at a time.
const EXPORT_BATCH_ROWS: usize = 64 * 1024;

/// How an export is partitioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionBy {
    /// `month=YYYY-MM`.
    Month,
    /// `day=YYYY-MM-DD`.
    Day,
}

impl PartitionBy {
    /// The partition column's name.
    pub fn column(self) -> &'static str {
        match self {
            PartitionBy::Month => "month",
            PartitionBy::Day => "day",
        }
    }

    /// The partition of an instant (Unix milliseconds, UTC).
    fn key(self, millis: i64) -> String {
        let at = chrono::DateTime::from_timestamp_millis(millis).unwrap_or_default();
        match self {
            PartitionBy::Month => at.format("%Y-%m").to_string(),
            PartitionBy::Day => at.format("%Y-%m-%d").to_string(),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// The dataset folder (`OUT/posts`).
    pub folder: PathBuf,
    /// Its files, in order.
    pub files: Vec<PathBuf>,
    /// Posts written.
    pub rows: u64,
}

/// The partition being written.
struct Open {
    key: String,
    path: PathBuf,
    writer: BatchedWriter<File>,
}

impl PostStore {
    /// Write the store as `out/posts/<column>=<key>/part-00000.parquet`,
    /// replacing an earlier export there.
    pub fn export_partitioned(&self, out: &Path, by: PartitionBy) -> Result<Exported> {
        let folder = out.join("posts");
        let partial = out.join("posts.partial");
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Io { path, source }
        };
        if partial.exists() {
            std::fs::remove_dir_all(&partial).map_err(io(&partial))?;
        }
        std::fs::create_dir_all(&partial).map_err(io(&partial))?;
        let posts_path = self.posts_path();
        let polars_err = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Parquet { path, source }
        };
        let mut exported = Exported {
            folder: folder.clone(),
            ..Exported::default()
        };
        let mut open: Option<Open> = None;
        for frame in self.read_slices(EXPORT_BATCH_ROWS, None)? {
            let (_, frame) = frame?;
            let millis: Vec<i64> = {
                let column = frame
                    .column("created_at")
                    .and_then(|c| c.cast(&DataType::Int64))
                    .map_err(polars_err(&posts_path))?;
                let values = column.i64().map_err(polars_err(&posts_path))?;
                (0..values.len())
                    .map(|i| values.get(i).unwrap_or(0))
                    .collect()
            };
            let mut start = 0;
            while start < millis.len() {
                let key = by.key(millis[start]);
                let end = (start..millis.len())
                    .find(|&i| by.key(millis[i]) != key)
                    .unwrap_or(millis.len());
                if open.as_ref().is_none_or(|o| o.key != key) {
                    if let Some(done) = open.take() {
                        done.writer.finish().map_err(polars_err(&done.path))?;
                    }
                    let dir = partial.join(format!("{}={key}", by.column()));
                    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
                    let path = dir.join("part-00000.parquet");
                    let file = File::create(&path).map_err(io(&path))?;
                    let writer = ParquetWriter::new(file)
                        .with_statistics(StatisticsOptions::full())
                        .batched(frame.schema())
                        .map_err(polars_err(&path))?;
                    exported
                        .files
                        .push(folder.join(path.strip_prefix(&partial).unwrap_or(&path)));
                    open = Some(Open { key, path, writer });
                }
                if let Some(o) = open.as_mut() {
                    let part = frame.slice(start as i64, end - start);
                    o.writer.write_batch(&part).map_err(polars_err(&o.path))?;
                }
                exported.rows += (end - start) as u64;
                start = end;
            }
        }
        if let Some(done) = open.take() {
            done.writer.finish().map_err(polars_err(&done.path))?;
        }
        let old = out.join("posts.old");
        if folder.exists() {
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(io(&old))?;
            }
            std::fs::rename(&folder, &old).map_err(io(&folder))?;
        }
        std::fs::rename(&partial, &folder).map_err(io(&partial))?;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        tracing::info!(rows = exported.rows, files = exported.files.len(), folder = %folder.display(), "exported");
        Ok(exported)
    }
}
