//! The normalised post and the small shared types every threadlens crate speaks.
//!
//! Importers and live sources (`threadlens-ingest`) produce [`Post`]s, the
//! store (`threadlens-store`) keeps them in `posts.parquet`, and the
//! processing and report crates read them back. This crate holds only the
//! types and their rules (how a kind is decided, how duplicates merge, how
//! timestamps parse, how a spreadsheet cell is guarded), never I/O, so every stage agrees on them, and
//! [`config`], the checking every TOML file people write goes through (every
//! problem at once, with its line and a "did you mean").
//!
//! Start reading at [`Post`] (the row of docs/spec/formats.md §1) and
//! [`Post::merge_duplicate`] (the merge rule).
//!
//! ```
//! use threadlens_model::{Platform, PostKind};
//!
//! assert_eq!("mastodon".parse::<Platform>().unwrap(), Platform::Mastodon);
//! // A boost that also replies is still a repost: the first rule wins.
//! assert_eq!(PostKind::classify(true, true, false), PostKind::Repost);
//! ```

pub mod config;
mod error;
mod guard;
mod kind;
mod period;
mod platform;
mod post;
mod reject;
mod rng;
mod time;

pub use error::{Error, Result};
pub use guard::guard_cell;
pub use kind::PostKind;
pub use period::{Period, PeriodStart};
pub use platform::{Platform, handle_key, push_handle_key};
pub use post::{MergeOutcome, Post, PostKey};
pub use reject::Reject;
pub use rng::SplitMix64;
pub use time::{Timestamp, parse_timestamp, snowflake_timestamp, timestamp_from_millis};
