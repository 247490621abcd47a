//! One run per job at a time: an exclusive OS lock (`flock`) on
//! `DATA_DIR/<job>.lock`, released by the kernel however the process ends,
//! so a killed run never leaves a lock that blocks the next one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// A held job lock; released (and its file emptied) on drop.
#[derive(Debug)]
pub(crate) struct JobLock {
    file: File,
    path: PathBuf,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another live process holds it; what it wrote about itself.
    Held { path: PathBuf, holder: String },
    /// The lock file was removed or replaced while this run held it (its
    /// folder deleted, say): another run could now take a fresh lock, so
    /// this one must not write anything more.
    Lost { path: PathBuf },
    /// The lock file could not be opened or written.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held { path, holder } => write!(
                f,
                "another run of this job holds {} ({}); this run did nothing",
                path.display(),
                if holder.is_empty() {
                    "no details"
                } else {
                    holder.as_str()
                }
            ),
            LockError::Lost { path } => write!(
                f,
                "the lock file {} was removed or replaced while this run held it (was its folder deleted?); stopping before writing anything more, so two runs never write at once",
                path.display()
            ),
            LockError::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for LockError {}

/// Take the lock of job `name` in `data_dir`, at once or not at all.
pub(crate) fn acquire(data_dir: &Path, name: &str) -> Result<JobLock, LockError> {
    let path = data_dir.join(format!("{name}.lock"));
    let io = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(LockError::Held {
                path,
                holder: holder.trim().to_owned(),
            });
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    let mut previous = String::new();
    let _ = file.read_to_string(&mut previous);
    if !previous.trim().is_empty() {
        tracing::warn!(lock = %path.display(), previous = %previous.trim(), "the last run ended without finishing (killed?); taking over its lock and resuming from the checkpoints");
    }
    let me = format!(
        "pid {} since {}",
        std::process::id(),
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    file.set_len(0)
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .and_then(|_| file.write_all(me.as_bytes()))
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    Ok(JobLock { file, path })
}

impl JobLock {
    /// Whether the lock's path still names the file this run locked. A
    /// lock on a file that was unlinked (or on the old copy of one that was
    /// replaced) no longer keeps a second run out, so a run checks before
    /// each stage that writes.
    pub(crate) fn ensure_held(&self) -> Result<(), LockError> {
        let lost = || LockError::Lost {
            path: self.path.clone(),
        };
        let named = std::fs::metadata(&self.path).map_err(|_| lost())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let held = self.file.metadata().map_err(|_| lost())?;
            if held.dev() != named.dev() || held.ino() != named.ino() {
                return Err(lost());
            }
        }
        // Elsewhere only a missing lock file is noticed.
        let _ = named;
        Ok(())
    }
}

impl Drop for JobLock {
    fn drop(&mut self) {
        // An empty file tells the next run this one finished.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path(), "nightly").unwrap();
        let err = acquire(dir.path(), "nightly").unwrap_err().to_string();
        assert!(
            err.contains("nightly.lock") && err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(acquire(dir.path(), "other").is_ok(), "locks are per job");
        drop(first);
        assert!(acquire(dir.path(), "nightly").is_ok());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("nightly.lock")).unwrap(),
            ""
        );
    }

    #[test]
    fn a_lock_whose_file_was_removed_or_replaced_is_lost() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let lock = acquire(&data, "nightly").unwrap();
        lock.ensure_held().unwrap();
        // The folder vanishes: the lock no longer keeps anyone out.
        std::fs::remove_dir_all(&data).unwrap();
        let err = lock.ensure_held().unwrap_err().to_string();
        assert!(
            err.contains("nightly.lock") && err.contains("removed or replaced"),
            "{err}"
        );
        // ... and a second run can indeed take a fresh one, which the first
        // must notice even though a file of that name exists again.
        let second = acquire(&data, "nightly").unwrap();
        assert!(lock.ensure_held().is_err());
        second.ensure_held().unwrap();
    }
}
