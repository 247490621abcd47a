use std::path::PathBuf;

/// What can go wrong reading or writing the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder of the store could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// polars could not read or write the table.
    #[error("{path}: {source}")]
    Parquet {
        /// The table file.
        path: PathBuf,
        /// What polars said.
        source: polars::error::PolarsError,
    },
    /// `posts.parquet` lacks a column or has one of the wrong type.
    #[error("{path}: column `{column}`: {why}")]
    Schema {
        /// The table file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What is wrong with it.
        why: String,
    },
    /// A row of `posts.parquet` breaks the post contract.
    #[error("{path}: row {row}, column `{column}`: {why}")]
    Row {
        /// The table file.
        path: PathBuf,
        /// 0-based row.
        row: usize,
        /// The column.
        column: String,
        /// What is wrong with it.
        why: String,
    },
    /// The stored posts were needed (to merge a post added with one, or to
    /// follow a conversation) and could not be read; nothing was written.
    #[error(
        "{path}: the stored posts could not be read when they were needed, so nothing was written: {why}"
    )]
    Unread {
        /// The table file.
        path: PathBuf,
        /// What went wrong reading it.
        why: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
