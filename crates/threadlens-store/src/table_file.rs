//! `posts.parquet` opened once: the file and its footer, read in slices.
//! Every slice comes from that one open file, even if a commit renames
//! another over it meanwhile, and a large table's footer (a few hundred
//! bytes per row group) is parsed once, not once per slice.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::io::parquet::metadata::FileMetadataRef;
use polars::prelude::*;

use crate::{Error, Result};

/// An open table file and its parsed footer.
#[derive(Debug)]
pub(crate) struct TableFile {
    path: PathBuf,
    file: File,
    metadata: FileMetadataRef,
}

impl TableFile {
    /// Open the table at `path`; `None` when there is no file.
    pub fn open(path: &Path) -> Result<Option<TableFile>> {
        let io_err = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(e)),
        };
        let mut reader = ParquetReader::new(file.try_clone().map_err(io_err)?);
        let metadata = reader
            .get_metadata()
            .map_err(|source| Error::Parquet {
                path: path.to_owned(),
                source,
            })?
            .clone();
        Ok(Some(TableFile {
            path: path.to_owned(),
            file,
            metadata,
        }))
    }

    /// The file's path, for errors.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many rows the table has.
    pub fn rows(&self) -> usize {
        self.metadata.num_rows
    }

    /// The table in slices of at most `rows`, with only `columns` if given,
    /// each with the table row of its first row (for errors).
    pub fn into_slices(
        self,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> impl Iterator<Item = Result<(usize, DataFrame)>> + use<> {
        let rows = rows.max(1);
        (0..self.rows()).step_by(rows).map(move |offset| {
            let slice = self.slice(offset, rows, columns.clone())?;
            Ok((offset, slice))
        })
    }

    /// [`TableFile::into_slices`] of this table, which stays open.
    pub fn slices(
        &self,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> Result<impl Iterator<Item = Result<(usize, DataFrame)>> + use<>> {
        let copy = TableFile {
            path: self.path.clone(),
            file: self.file.try_clone().map_err(|source| Error::Io {
                path: self.path.clone(),
                source,
            })?,
            metadata: self.metadata.clone(),
        };
        Ok(copy.into_slices(rows, columns))
    }

    /// Rows `offset..offset + rows`, with only `columns` if given.
    pub fn slice(
        &self,
        offset: usize,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> Result<DataFrame> {
        let file = self.file.try_clone().map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        let mut reader = ParquetReader::new(file);
        reader.set_metadata(self.metadata.clone());
        reader
            .with_columns(columns)
            .with_slice(Some((offset, rows)))
            .finish()
            .map_err(|source| Error::Parquet {
                path: self.path.clone(),
                source,
            })
    }
}
