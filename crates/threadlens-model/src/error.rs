/// What can go wrong when turning strings into model values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A platform name that is not one of `x`, `mastodon`, `bluesky`, `import`.
    #[error("unknown platform {0:?} (expected x, mastodon, bluesky or import)")]
    UnknownPlatform(String),
    /// A post kind that is not one of `original`, `reply`, `quote`, `repost`.
    #[error("unknown post kind {0:?} (expected original, reply, quote or repost)")]
    UnknownKind(String),
    /// A timestamp in none of the accepted forms.
    #[error("cannot read {0:?} as a timestamp (expected RFC 3339, e.g. 2022-06-28T09:00:00Z)")]
    BadTimestamp(String),
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
