//! `threadlens store verify`: whether `posts.parquet` is what the file
//! contract says (formats.md §1) — readable, every column present with its
//! type, no null where a value is required, rows in the stored order, no
//! post twice — and how many references point outside the store.

use std::collections::HashSet;

use threadlens_model::{Platform, PostKind};

use crate::{Error, PostStore, Result};

/// Rows read at a time while verifying.
const VERIFY_BATCH_ROWS: usize = 65_536;

/// Problems listed in full; past this many of one kind, only counted.
const LISTED: usize = 20;

/// What verifying a store found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Rows the file says it holds (0 when it cannot be read).
    pub rows: u64,
    /// Rows read back.
    pub read: u64,
    /// What is wrong, each naming the file and, where there is one, the
    /// row and column. Empty: the store is sound.
    pub problems: Vec<String>,
    /// Replies whose parent is not in the store (normal for a partial
    /// collection; not a problem).
    pub unresolved_replies: u64,
    /// Quotes and reposts whose original is not in the store.
    pub unresolved_originals: u64,
}

impl Verification {
    /// Whether nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }
}

impl PostStore {
    /// Read the whole table and check it. `Err` only when the store's
    /// folder holds no `posts.parquet`; everything wrong with the file is
    /// a problem in the result.
    pub fn verify(&self) -> Result<Verification> {
        let path = self.posts_path();
        if !path.is_file() {
            return Err(Error::Io {
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no posts.parquet here: not a store, or nothing imported yet",
                ),
            });
        }
        let mut found = Verification::default();
        let file = path.display().to_string();
        match self.count() {
            Ok(rows) => found.rows = rows as u64,
            Err(e) => {
                found
                    .problems
                    .push(format!("not a readable Parquet table: {e}"));
                return Ok(found);
            }
        }
        let batches = match self.read_batches(VERIFY_BATCH_ROWS) {
            Ok(batches) => batches,
            Err(e) => {
                found.problems.push(e.to_string());
                return Ok(found);
            }
        };
        let mut seen: HashSet<(Platform, String)> = HashSet::new();
        let mut previous: Option<(i64, Platform, String)> = None;
        let mut disorder = 0u64;
        let mut duplicates = 0u64;
        let mut wanted: Vec<(Platform, String, bool)> = Vec::new();
        for batch in batches {
            let posts = match batch {
                Ok(posts) => posts,
                Err(e) => {
                    found.problems.push(e.to_string());
                    break;
                }
            };
            for post in posts {
                let row = found.read;
                found.read += 1;
                let key = (
                    post.created_at.timestamp_millis(),
                    post.platform,
                    post.post_id.clone(),
                );
                if previous.as_ref().is_some_and(|p| *p > key) {
                    disorder += 1;
                    if disorder <= LISTED as u64 {
                        found.problems.push(format!(
                            "{file}: row {row}: out of the stored order (created_at, platform, post_id): post {} comes after a later one",
                            post.post_id
                        ));
                    }
                }
                previous = Some(key);
                if !seen.insert((post.platform, post.post_id.clone())) {
                    duplicates += 1;
                    if duplicates <= LISTED as u64 {
                        found.problems.push(format!(
                            "{file}: row {row}: post {} of {} is stored twice",
                            post.post_id,
                            post.platform.as_str()
                        ));
                    }
                }
                if let Some(parent) = &post.reply_to_post_id
                    && post.kind == PostKind::Reply
                {
                    wanted.push((post.platform, parent.clone(), true));
                }
                if let Some(original) = &post.referenced_post_id
                    && matches!(post.kind, PostKind::Quote | PostKind::Repost)
                {
                    wanted.push((post.platform, original.clone(), false));
                }
            }
        }
        for (what, n) in [
            ("rows out of order", disorder),
            ("duplicate posts", duplicates),
        ] {
            if n > LISTED as u64 {
                found.problems.push(format!(
                    "{file}: {n} {what} in all (the first {LISTED} listed)"
                ));
            }
        }
        if found.problems.is_empty() && found.read != found.rows {
            found.problems.push(format!(
                "{file}: the file says it holds {} rows, {} were read",
                found.rows, found.read
            ));
        }
        for (platform, id, reply) in wanted {
            if !seen.contains(&(platform, id)) {
                if reply {
                    found.unresolved_replies += 1;
                } else {
                    found.unresolved_originals += 1;
                }
            }
        }
        Ok(found)
    }
}
