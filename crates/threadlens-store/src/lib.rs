//! The posts store: one folder holding `posts.parquet` (the deduplicated
//! posts, formats.md §1) and `rejects.jsonl` (what could not be read).
//!
//! Writes are atomic: the new table is written to a temporary file in the
//! same folder, synced, then renamed over the old one, so a crash at any
//! point leaves the previous `posts.parquet` whole. Merging follows
//! docs/spec/formats.md §1 ([`Post::merge_duplicate`]), and
//! [`PostSet::resolve_references`] turns Mastodon local parents into URIs
//! and fills conversation roots on every platform. polars stays inside this
//! crate: callers see [`Post`]s. The one exception is the Parquet writer
//! the table is written with ([`RowGroupEncoder`], [`RowGroupWriter`]),
//! which the report crate writes `post_scores.parquet` with.
//!
//! Start reading at [`PostStore`] (load, commit, rejects), then [`PostSet`]
//! (the deduplicated posts in memory).
//!
//! ```no_run
//! use threadlens_store::PostStore;
//!
//! let store = PostStore::open("data/solvingtogether")?;
//! let mut posts = store.load()?;
//! // ... posts.insert(&post) for each imported post ...
//! posts.resolve_references();
//! store.commit(&posts)?;
//! # Ok::<(), threadlens_store::Error>(())
//! ```
//!
//! [`Post`]: threadlens_model::Post
//! [`Post::merge_duplicate`]: threadlens_model::Post::merge_duplicate

mod arena;
mod atomic;
mod codec;
mod coverage;
mod error;
mod export;
mod list_pages;
mod post_set;
mod rejects;
mod row_groups;
mod store;
mod stored;
mod strings;
mod table;
mod table_file;
mod text_dictionary;
mod texts;
mod verify;
mod writeback;

pub use atomic::{AtomicFile, write_atomically};
pub use coverage::{COVERAGE_FILE, Coverage, CoverageRow, X_RECENT_WINDOW_DAYS};
pub use error::{Error, Result};
pub use export::{Exported, PartitionBy};
pub use post_set::{Inserted, PostSet};
pub use row_groups::{EncodedRowGroup, RowGroupEncoder, RowGroupWriter};
pub use store::{POSTS_FILE, PostStore, REJECTS_FILE};
pub use strings::{OptStrColumn, StrColumn};
pub use table::{BATCH_COLUMNS, PostBatch, THREAD_COLUMNS, TextBatch};
pub use texts::TextColumn;
pub use verify::Verification;
