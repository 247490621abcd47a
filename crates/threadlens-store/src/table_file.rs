//! `posts.parquet` opened once: the file and its footer, read in slices.
//! Every slice comes from that one open file, even if a commit renames
//! another over it meanwhile, and a large table's footer (a few hundred
//! bytes per row group) is parsed once, not once per slice.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::io::parquet::metadata::FileMetadataRef;
use polars::prelude::*;
use polars_buffer::Buffer;
use polars_parquet::parquet::metadata::FileMetadata;

use crate::row_groups::{EncodedRowGroup, written_alike};
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
        self.into_slices_from(0, rows, columns)
    }

    /// [`TableFile::into_slices`] from row `first` on.
    fn into_slices_from(
        self,
        first: usize,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> impl Iterator<Item = Result<(usize, DataFrame)>> + use<> {
        let rows = rows.max(1);
        (first..self.rows()).step_by(rows).map(move |offset| {
            let slice = self.slice(offset, rows, columns.clone())?;
            Ok((offset, slice))
        })
    }

    /// [`TableFile::into_slices`] of this table, which stays open, from row
    /// `first` on.
    pub fn slices(
        &self,
        first: usize,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> Result<impl Iterator<Item = Result<(usize, DataFrame)>> + use<>> {
        let copy = TableFile {
            path: self.path.clone(),
            file: self.file.try_clone().map_err(|e| self.io_error(e))?,
            metadata: self.metadata.clone(),
        };
        Ok(copy.into_slices_from(first, rows, columns))
    }

    /// How many of the table's first row groups hold `rows` rows each and
    /// were written as a table like `reference` is (see
    /// [`written_alike`]): those that can be written again as they are.
    pub fn groups_written_alike(&self, reference: &FileMetadata, rows: usize) -> usize {
        if !written_alike(&self.metadata, reference) {
            return 0;
        }
        self.metadata
            .row_groups
            .iter()
            .take_while(|group| group.num_rows() == rows)
            .count()
    }

    /// Hand the first `groups` row groups to `write` in turn, each as its
    /// compressed pages ([`EncodedRowGroup::from_stored`]), read into one
    /// buffer reused from group to group; stops before a group that cannot
    /// be written again as it is. Returns how many were written.
    pub fn copy_row_groups(
        &self,
        groups: usize,
        mut write: impl FnMut(&EncodedRowGroup) -> Result<()>,
    ) -> Result<usize> {
        let file_len = self.file.metadata().map_err(|e| self.io_error(e))?.len();
        let mut bytes = Vec::new();
        for (i, meta) in self.metadata.row_groups.iter().take(groups).enumerate() {
            let range = meta.full_byte_range();
            if range.start > range.end || range.end > file_len {
                return Err(Error::Unread {
                    path: self.path.clone(),
                    why: format!("its footer puts row group {i} outside the file"),
                });
            }
            bytes.resize((range.end - range.start) as usize, 0);
            read_at(&self.file, range.start, &mut bytes).map_err(|e| self.io_error(e))?;
            let buffer = Buffer::from_vec(std::mem::take(&mut bytes));
            let group =
                EncodedRowGroup::from_stored(meta, &buffer, range.start).map_err(|source| {
                    Error::Parquet {
                        path: self.path.clone(),
                        source,
                    }
                })?;
            match group {
                Some(group) => write(&group)?,
                None => return Ok(i),
            }
            // The group's pages are gone: the buffer is this one's again.
            bytes = buffer.to_vec();
        }
        Ok(groups.min(self.metadata.row_groups.len()))
    }

    /// `source`, an error reading this file, naming it.
    fn io_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            source,
        }
    }

    /// Rows `offset..offset + rows`, with only `columns` if given.
    pub fn slice(
        &self,
        offset: usize,
        rows: usize,
        columns: Option<Vec<String>>,
    ) -> Result<DataFrame> {
        let file = self.file.try_clone().map_err(|e| self.io_error(e))?;
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

/// Fill `buf` from `file` at byte `offset`, without moving the position
/// the file's other handles share.
#[cfg(unix)]
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Fill `buf` from `file` at byte `offset`, moving the shared position:
/// row groups are copied before any slice is read.
#[cfg(not(unix))]
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::try_clone(file)?;
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}
