//! Checkpoints: where each query of a source got to, written atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::LiveError;
use super::error::io_error;

/// The progress of one paged query across runs.
///
/// A *pass* pages from the newest post back to the previous pass's newest
/// (`since`). `cursor` is where an interrupted pass resumes; when a pass
/// ends, its newest id becomes the next pass's `since`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryState {
    /// Where the current pass resumes (next_token, cursor, max_id), if one is under way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The lower bound of the current pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_since: Option<String>,
    /// The newest id (or time) seen in the current pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_newest: Option<String>,
    /// The newest id (or time) of the last complete pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Pages fetched by this query, over all runs.
    #[serde(default)]
    pub pages: u64,
}

impl QueryState {
    /// Whether a pass is under way (started and not finished).
    pub fn in_pass(&self) -> bool {
        self.cursor.is_some()
    }

    /// Start a pass if none is under way: its lower bound is the last pass's newest.
    pub fn begin_pass(&mut self) {
        if !self.in_pass() {
            self.pass_since = self.since.clone();
            self.pass_newest = None;
        }
    }

    /// Record a page: where to go next (`None`: the pass is over) and the
    /// newest id it held, compared by `newer`.
    pub fn advance(
        &mut self,
        next: Option<String>,
        newest: Option<String>,
        newer: fn(&str, &str) -> bool,
    ) {
        self.pages += 1;
        if let Some(n) = newest
            && self.pass_newest.as_deref().is_none_or(|cur| newer(&n, cur))
        {
            self.pass_newest = Some(n);
        }
        self.cursor = next;
        if self.cursor.is_none() {
            if let Some(n) = self.pass_newest.take()
                && self.since.as_deref().is_none_or(|cur| newer(&n, cur))
            {
                self.since = Some(n);
            }
            self.pass_since = None;
        }
    }
}

/// A thread fetched for context, and the reply count it had then.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadState {
    /// The platform's reply count when the thread was last fetched.
    pub replies: u64,
}

/// Everything one source remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Format version: 1.
    #[serde(default = "version_one")]
    pub version: u32,
    /// Paged queries by key (the query text, with the instance where there is one).
    #[serde(default)]
    pub queries: BTreeMap<String, QueryState>,
    /// Threads waiting to be fetched (key → the platform's reply count).
    #[serde(default)]
    pub pending_threads: BTreeMap<String, u64>,
    /// Threads fetched, with their reply count at the time.
    #[serde(default)]
    pub threads: BTreeMap<String, ThreadState>,
}

fn version_one() -> u32 {
    1
}

impl Checkpoint {
    /// Queue a thread for fetching unless it was fetched with at least `replies`.
    pub fn want_thread(&mut self, key: String, replies: u64) {
        if self.threads.get(&key).is_some_and(|t| t.replies >= replies) {
            return;
        }
        let slot = self.pending_threads.entry(key).or_default();
        *slot = (*slot).max(replies);
    }

    /// Queue a thread for fetching again, whatever was fetched before (its
    /// query is incremental, so only what is new comes back).
    pub fn queue_thread(&mut self, key: String) {
        self.pending_threads.entry(key).or_default();
    }

    /// Mark a pending thread as fetched.
    pub fn thread_done(&mut self, key: &str) {
        let replies = self.pending_threads.remove(key).unwrap_or_default();
        self.threads.insert(key.to_owned(), ThreadState { replies });
    }
}

/// A source's checkpoint file, `data_dir/checkpoints/<source>.json`.
#[derive(Debug)]
pub struct CheckpointFile {
    path: PathBuf,
}

impl CheckpointFile {
    /// The checkpoint of source `slug`.
    pub fn new(data_dir: &Path, slug: &str) -> CheckpointFile {
        CheckpointFile {
            path: data_dir.join("checkpoints").join(format!("{slug}.json")),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved checkpoint, or an empty one when there is none yet.
    pub fn load(&self) -> Result<Checkpoint, LiveError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| LiveError::BadCheckpoint {
                path: self.path.clone(),
                why: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Checkpoint {
                version: 1,
                ..Checkpoint::default()
            }),
            Err(e) => Err(io_error(&self.path)(e)),
        }
    }

    /// Replace the saved checkpoint: written beside it, synced, renamed over it.
    pub fn save(&self, checkpoint: &Checkpoint) -> Result<(), LiveError> {
        let json =
            serde_json::to_vec_pretty(checkpoint).map_err(|e| LiveError::Config(e.to_string()))?;
        write_atomically(&self.path, &json)
    }
}

/// Write `bytes` to `path` so that a reader (or a run after a kill) sees
/// either the old file or the new one, never a mix.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LiveError> {
    write_replacing(path, bytes, false)
}

/// [`write_atomically`], readable by the owner only (a cached session).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), LiveError> {
    write_replacing(path, bytes, true)
}

fn write_replacing(path: &Path, bytes: &[u8], private: bool) -> Result<(), LiveError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let tmp = path.with_extension("json.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    written.map_err(io_error(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io_error(path))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_newer(a: &str, b: &str) -> bool {
        (a.len(), a) > (b.len(), b)
    }

    #[test]
    fn a_pass_moves_since_forward_only_when_it_ends() {
        let mut q = QueryState::default();
        q.begin_pass();
        q.advance(Some("p2".into()), Some("90".into()), numeric_newer);
        assert_eq!(q.since, None);
        assert!(q.in_pass());
        q.begin_pass(); // a resumed run keeps the pass under way
        assert_eq!(q.pass_newest.as_deref(), Some("90"));
        q.advance(None, Some("100".into()), numeric_newer);
        assert_eq!(q.since.as_deref(), Some("100"));
        assert!(!q.in_pass());
        q.begin_pass();
        assert_eq!(q.pass_since.as_deref(), Some("100"));
        q.advance(None, None, numeric_newer);
        assert_eq!(q.since.as_deref(), Some("100"), "an empty pass keeps since");
        assert_eq!(q.pages, 3);
    }

    #[test]
    fn threads_are_refetched_only_when_they_grew() {
        let mut c = Checkpoint::default();
        c.want_thread("a".into(), 3);
        c.thread_done("a");
        c.want_thread("a".into(), 3);
        assert!(c.pending_threads.is_empty());
        c.want_thread("a".into(), 5);
        assert_eq!(c.pending_threads.get("a"), Some(&5));
    }

    #[test]
    fn saves_atomically_and_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = CheckpointFile::new(dir.path(), "x");
        assert_eq!(file.load().unwrap().version, 1);
        let mut c = file.load().unwrap();
        c.queries.insert(
            "q".into(),
            QueryState {
                cursor: Some("t".into()),
                ..QueryState::default()
            },
        );
        file.save(&c).unwrap();
        assert_eq!(file.load().unwrap(), c);
        std::fs::write(file.path(), "{not json").unwrap();
        let err = file.load().unwrap_err().to_string();
        assert!(
            err.contains("x.json") && err.contains("not a readable checkpoint"),
            "{err}"
        );
    }
}
