//! Write-then-rename, so readers only ever see a whole file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::{Error, Result};

/// Write `target` atomically: `write` fills a temporary file in the same
/// folder, which is synced and renamed over `target` only if `write`
/// succeeds. On any failure the temporary file is removed and `target` is
/// untouched.
pub(crate) fn write_atomically<F>(target: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let temp = tempfile::Builder::new()
        .prefix(".threadlens-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    // Temporary files are private (0600); the table should read like any
    // file the user writes: keep the old file's mode, else the usual 0644.
    let mode = std::fs::metadata(target)
        .map(|m| m.permissions())
        .ok()
        .or_else(default_permissions);
    if let Some(mode) = mode {
        std::fs::set_permissions(temp.path(), mode).map_err(io(temp.path()))?;
    }
    let mut out = BufWriter::new(temp.reopen().map_err(io(temp.path()))?);
    write(&mut out)?;
    out.flush().map_err(io(temp.path()))?;
    let file = out.into_inner().map_err(|e| Error::Io {
        path: temp.path().to_owned(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(io(temp.path()))?;
    drop(file);
    temp.persist(target).map_err(|e| Error::Io {
        path: target.to_owned(),
        source: e.error,
    })?;
    // Make the rename itself durable.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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
