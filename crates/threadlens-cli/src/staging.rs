//! A report is written into a hidden folder inside its output folder, then
//! moved into place file by file (a rename each, which needs no space) only
//! once every file is written: a failure half-way (a full disk) leaves the
//! folder's earlier report as it was, and the hidden folder is removed.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Names of staging folders start with this.
const PREFIX: &str = ".threadlens-staging-";

/// A hidden folder a report is written into before it is published.
pub(crate) struct Staging {
    final_dir: PathBuf,
    dir: PathBuf,
    published: bool,
}

impl Staging {
    /// Create `final_dir` if needed, remove staging folders a killed run
    /// left there, and make a fresh one.
    pub(crate) fn new(final_dir: &Path) -> Result<Staging> {
        std::fs::create_dir_all(final_dir)
            .with_context(|| format!("cannot create the output folder {}", final_dir.display()))?;
        if let Ok(entries) = std::fs::read_dir(final_dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(PREFIX) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = final_dir.join(format!("{PREFIX}{}", std::process::id()));
        std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            final_dir: final_dir.to_owned(),
            dir,
            published: false,
        })
    }

    /// Where the files are written until they are published.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a file written into the staging folder ends up.
    pub(crate) fn final_path(&self, staged: &Path) -> PathBuf {
        match staged.strip_prefix(&self.dir) {
            Ok(relative) => self.final_dir.join(relative),
            Err(_) => staged.to_owned(),
        }
    }

    /// Move every file into the output folder, replacing the old ones.
    pub(crate) fn publish(mut self) -> Result<()> {
        for entry in std::fs::read_dir(&self.dir)
            .with_context(|| format!("cannot list {}", self.dir.display()))?
        {
            let entry = entry?;
            let target = self.final_dir.join(entry.file_name());
            std::fs::rename(entry.path(), &target)
                .with_context(|| format!("cannot move the report into {}", target.display()))?;
        }
        std::fs::remove_dir(&self.dir)
            .with_context(|| format!("cannot remove {}", self.dir.display()))?;
        self.published = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
