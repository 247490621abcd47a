use std::path::PathBuf;

/// What can go wrong writing a table or a manifest. Every variant names
/// the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// polars could not build or write a table.
    #[error("{path}: {source}")]
    Polars {
        /// The output file.
        path: PathBuf,
        /// What polars said.
        source: polars::error::PolarsError,
    },
    /// A CSV table could not be written.
    #[error("{path}: {source}")]
    Csv {
        /// The output file.
        path: PathBuf,
        /// What the CSV writer said.
        source: csv::Error,
    },
    /// The manifest could not be written as JSON.
    #[error("{path}: {source}")]
    Json {
        /// The output file.
        path: PathBuf,
        /// What the JSON writer said.
        source: serde_json::Error,
    },
    /// A coded validation sample (or its design) cannot be used.
    #[error("{path}: {message}")]
    Validation {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Reading the posts store, or committing a file, failed.
    #[error(transparent)]
    Store(#[from] threadlens_store::Error),
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
