//! What can go wrong, naming the file or the query.

use std::path::PathBuf;

/// An error of the SQL layer.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The lexicon was refused.
    #[error(transparent)]
    Lexicon(#[from] threadlens_process::LexiconError),
    /// The data folder or a table named on the command line is unusable.
    #[error("{0}")]
    Table(String),
    /// A plan (or a lexicon in one) could not be read.
    #[error("{0}")]
    Plan(String),
    /// DataFusion or Ballista refused or failed the query.
    #[error("{0}")]
    Query(String),
    /// Writing the result failed.
    #[error("writing the result: {0}")]
    Output(String),
}

impl SqlError {
    /// Whether the error is in what was asked for (a missing folder or
    /// table, a refused lexicon), found before any work.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            SqlError::Table(_) | SqlError::Lexicon(_) | SqlError::Io { .. }
        )
    }
}

impl From<datafusion::error::DataFusionError> for SqlError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        SqlError::Query(crate::explain_missing_functions(&e.to_string()))
    }
}
