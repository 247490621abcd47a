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
}

/// Why the lock was not taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another live process holds it; what it wrote about itself.
    Held { path: PathBuf, holder: String },
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
    Ok(JobLock { file })
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
}
