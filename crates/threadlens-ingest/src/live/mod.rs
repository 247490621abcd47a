//! Live collection from the platforms' APIs (X API v2, Mastodon, Bluesky).
//!
//! A source pages through its query; every page goes first to the raw
//! archive (`DIR/raw/<source>/<date>.jsonl`, flushed and synced), then the
//! source's checkpoint moves past it (`DIR/checkpoints/<source>.json`,
//! replaced atomically). A run killed at any instant resumes from the
//! checkpoint; a page archived twice imports as the same posts, which the
//! store merges. The archive is imported like any other file
//! ([`crate::Format::Raw`]).
//!
//! Politeness: one connection pool; rate-limit headers and 429s are waited
//! out (bounded by [`HttpPolicy::max_wait`]); timeouts, connection errors,
//! 5xx and cut-short bodies are retried with exponential backoff and jitter.
//! Tokens come from the environment as [`Secret`]s, never logged, never sent
//! over plain HTTP except to loopback, never forwarded on a redirect.

mod archive;
mod bluesky;
mod checkpoint;
mod clock;
mod collect;
mod config;
mod error;
mod http;
mod limits;
mod mastodon;
mod run;
mod secret;
mod x;

pub use archive::{PageOrigin, RAW_MARKER, RawArchive, RawRecord};
pub use bluesky::{BLUESKY_API, BlueskySource};
pub use checkpoint::{Checkpoint, CheckpointFile, QueryState, ThreadState};
pub use clock::{Clock, FakeClock, Sleep, SystemClock};
pub use collect::{Collecting, Collector, SecretLookup, Source, SourceReport, environment};
pub use config::{
    BlueskyConfig, CollectConfig, FileConfig, MastodonConfig, SourceConfig, XConfig, XEndpoint,
    slug,
};
pub use error::LiveError;
pub use http::{ApiRequest, Fetcher, HttpPolicy, Page, WaitHook, http_client, redact_url};
pub use mastodon::MastodonSource;
pub use run::{Budget, NoProgress, Progress, SourceRun};
pub use secret::Secret;
pub use x::{X_API, XSource};
