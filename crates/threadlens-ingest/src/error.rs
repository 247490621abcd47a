use std::path::PathBuf;

/// Why a whole input file could not be read. Problems with single records
/// are not errors: they become [`crate::Reject`]s and the import goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: {source}")]
    Io {
        /// The input file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// `--format auto` could not tell what the file holds.
    #[error("{path}: cannot detect the format ({why}); name it with --format")]
    Undetected {
        /// The input file.
        path: PathBuf,
        /// What was seen instead.
        why: String,
    },
    /// A format name that threadlens does not know.
    #[error("unknown format {0:?} (expected one of: {formats})", formats = crate::Format::ALL.map(crate::Format::name).join(", "))]
    UnknownFormat(String),
    /// A `--map` argument that is not `column=source,...` with known columns.
    #[error("bad column map {map:?}: {why}")]
    BadColumnMap {
        /// The map as given.
        map: String,
        /// What is wrong with it.
        why: String,
    },
    /// The CSV header lacks a column the map names.
    #[error(
        "{path}:1: the column map names {column:?} for field `{field}`, but the header has no such column (it has: {header})"
    )]
    MissingCsvColumn {
        /// The input file.
        path: PathBuf,
        /// The post field being mapped.
        field: String,
        /// The CSV column the map asked for.
        column: String,
        /// The columns the header does have.
        header: String,
    },
    /// A whole-JSON document (read in memory) is larger than the limit.
    #[error(
        "{path}: the document is larger than {limit} (read in memory as one JSON value); nothing of it was imported. Split it, or raise the limit with --max-document-mb"
    )]
    DocumentTooLarge {
        /// The input file.
        path: PathBuf,
        /// The limit, as people read it (`2048 MB`).
        limit: String,
    },
    /// The CSV cannot be read at all (no header, not UTF-8 in the header).
    #[error("{path}:{line}: {why}")]
    BadCsv {
        /// The input file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        why: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
