//! Importers and live sources: turn the files people already have, and what
//! the platforms' APIs return, into [`Post`]s.
//!
//! threadlens reads twarc2 JSONL, X API v2 responses, the X account
//! archive, Mastodon and Bluesky JSON, generic JSONL and CSV, and its own raw
//! archive (docs/spec/formats.md §2), plain or gzip-compressed. Every
//! importer streams: lines are parsed in parallel blocks, so memory does not
//! grow with the file, and a bad record becomes a [`Reject`] (file, line,
//! reason, raw text) while the rest of the file still imports. Which records
//! are duplicates is the store's business. [`live`] collects from X,
//! Mastodon and Bluesky into a raw archive with checkpoints.
//!
//! Start reading at [`import_file`] (one file to posts), then a platform's
//! module (`x.rs`, `mastodon.rs`, ...), each a `DocumentParser`; for live
//! collection, [`live::Collector`].
//!
//! ```no_run
//! use threadlens_ingest::{Format, ImportOptions, Reject, Sink, import_file};
//! use threadlens_model::Post;
//!
//! struct Collect(Vec<Post>, Vec<Reject>);
//! impl Sink for Collect {
//!     fn post(&mut self, post: &Post) { self.0.push(post.clone()) }
//!     fn reject(&mut self, reject: Reject) { self.1.push(reject) }
//! }
//!
//! let mut sink = Collect(Vec::new(), Vec::new());
//! let options = ImportOptions { format: Format::Twarc2, ..ImportOptions::default() };
//! let read = import_file("tweets.jsonl".as_ref(), &options, &mut sink)?;
//! assert_eq!(read.posts as usize, sink.0.len());
//! # Ok::<(), threadlens_ingest::Error>(())
//! ```
//!
//! [`Post`]: threadlens_model::Post

mod archive;
mod bluesky;
mod context;
mod csv_import;
mod de;
mod error;
mod format;
mod generic;
mod import;
mod input;
pub mod live;
mod mastodon;
mod raw;
mod reader;
mod reject;
mod text;
mod x;

pub use csv_import::ColumnMap;
pub use error::{Error, Result};
pub use format::Format;
pub use import::{
    FileImport, ImportOptions, MAX_DOCUMENT_BYTES, MAX_RECORD_BYTES, Sink, import_file,
};
pub use text::{HtmlText, decode_entities, html_to_text};
pub use threadlens_model::Reject;
