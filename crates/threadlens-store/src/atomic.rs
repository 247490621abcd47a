//! Write-then-rename, so readers only ever see a whole file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::{Error, Result};

/// A file being written in place of `target`: the bytes go to a temporary
/// file in the same folder, which [`AtomicFile::commit`] syncs and renames
/// over `target`. Dropped without a commit, the temporary file is removed
/// and `target` is untouched, so a crash or an error never leaves a
/// half-written file where readers look.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: NamedTempFile,
    out: BufWriter<File>,
}

impl AtomicFile {
    /// Start writing `target`. Its folder must exist.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let dir = folder_of(target);
        let temp = tempfile::Builder::new()
            .prefix(".threadlens-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(dir))?;
        // Temporary files are private (0600); outputs should read like any
        // file the user writes: keep the old file's mode, else 0644.
        let mode = std::fs::metadata(target)
            .map(|m| m.permissions())
            .ok()
            .or_else(default_permissions);
        if let Some(mode) = mode {
            std::fs::set_permissions(temp.path(), mode).map_err(io(temp.path()))?;
        }
        let out = BufWriter::new(temp.reopen().map_err(io(temp.path()))?);
        Ok(AtomicFile {
            target: target.to_owned(),
            temp,
            out,
        })
    }

    /// Where the bytes go until the commit.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.out
    }

    /// Another handle to the temporary file, for a writer that must own
    /// its output. Flush what is written through it before the commit.
    pub fn reopen(&self) -> Result<File> {
        self.temp.reopen().map_err(io(self.temp.path()))
    }

    /// The file this will become.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file's path, to name it in errors while writing.
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// Flush, sync and rename the file into place.
    pub fn commit(self) -> Result<()> {
        let AtomicFile {
            target,
            temp,
            mut out,
        } = self;
        out.flush().map_err(io(temp.path()))?;
        let file = out.into_inner().map_err(|e| Error::Io {
            path: temp.path().to_owned(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(io(temp.path()))?;
        drop(file);
        temp.persist(&target).map_err(|e| Error::Io {
            path: target.clone(),
            source: e.error,
        })?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(folder_of(&target)) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Write `target` atomically: `write` fills an [`AtomicFile`], committed
/// only if `write` succeeds.
pub fn write_atomically<F, E>(target: &Path, write: F) -> std::result::Result<(), E>
where
    F: FnOnce(&mut BufWriter<File>) -> std::result::Result<(), E>,
    E: From<Error>,
{
    let mut file = AtomicFile::create(target)?;
    write(file.writer())?;
    file.commit()?;
    Ok(())
}

fn folder_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
    let path = path.to_owned();
    move |source| Error::Io { path, source }
}

/// Permissions for a new file: 0644 on Unix (temporary files are 0600).
fn default_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}
