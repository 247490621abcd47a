//! The raw archive: every response page, as received, one JSON line each.
//!
//! `DIR/raw/<source>/<YYYY-MM-DD>.jsonl` (retrieval date, UTC). Each line is
//! a [`RawRecord`]: the body verbatim plus the request (secrets removed),
//! status, retrieval time and what the page was for. A line is flushed and
//! synced before the checkpoint that moves past its page is written, so a
//! page is never lost; a page archived twice (a kill between the two writes)
//! imports as the same posts, which the store merges.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use threadlens_model::{Platform, Timestamp};

use super::LiveError;
use super::error::io_error;
use super::http::Page;

/// The key that marks a line as a threadlens raw record (its version).
pub const RAW_MARKER: &str = "threadlens_raw";

/// One archived response page.
#[derive(Debug, Serialize, Deserialize)]
pub struct RawRecord {
    /// Format version: 1.
    pub threadlens_raw: u32,
    /// `x`, `mastodon` or `bluesky`.
    pub platform: String,
    /// The collection that asked: becomes the posts' `source`.
    pub source: String,
    /// Mastodon: the instance that served the page (owner of local ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Whether the page's posts matched the query (`false` for thread context).
    pub matched: bool,
    /// The request URL, secrets removed.
    pub request: String,
    /// The HTTP status.
    pub status: u16,
    /// When the page arrived (RFC 3339, UTC): the posts' `collected_at`.
    pub retrieved_at: String,
    /// The response body, verbatim.
    pub body: Box<RawValue>,
}

/// What a page was fetched for.
#[derive(Debug, Clone)]
pub struct PageOrigin {
    /// The platform.
    pub platform: Platform,
    /// The `source` value of its posts.
    pub source: String,
    /// Mastodon: the serving instance's host.
    pub instance: Option<String>,
    /// Search results (`true`) or thread context (`false`).
    pub matched: bool,
}

/// Appends pages to one source's folder of the raw archive.
#[derive(Debug)]
pub struct RawArchive {
    dir: PathBuf,
    open: Option<(String, File)>,
}

impl RawArchive {
    /// The archive folder `data_dir/raw/<source_slug>`.
    pub fn new(data_dir: &Path, source_slug: &str) -> RawArchive {
        RawArchive {
            dir: data_dir.join("raw").join(source_slug),
            open: None,
        }
    }

    /// Append `page` and make it durable.
    pub fn append(&mut self, page: &Page, origin: &PageOrigin) -> Result<(), LiveError> {
        let record = RawRecord {
            threadlens_raw: 1,
            platform: origin.platform.as_str().to_owned(),
            source: origin.source.clone(),
            instance: origin.instance.clone(),
            matched: origin.matched,
            request: page.url.clone(),
            status: page.status,
            retrieved_at: format_time(page.retrieved_at),
            body: page.body.clone(),
        };
        let mut line = serde_json::to_vec(&record).map_err(|e| LiveError::Config(e.to_string()))?;
        line.push(b'\n');
        let date = page.retrieved_at.format("%Y-%m-%d").to_string();
        let path = self.dir.join(format!("{date}.jsonl"));
        let file = self.file_for(&date, &path)?;
        file.write_all(&line)
            .and_then(|()| file.sync_data())
            .map_err(io_error(&path))?;
        Ok(())
    }

    fn file_for(&mut self, date: &str, path: &Path) -> Result<&mut File, LiveError> {
        if self.open.as_ref().is_none_or(|(d, _)| d != date) {
            std::fs::create_dir_all(&self.dir).map_err(io_error(&self.dir))?;
            let mut file = OpenOptions::new()
                .create(true)
                .read(true)
                .append(true)
                .open(path)
                .map_err(io_error(path))?;
            drop_partial_line(&mut file).map_err(io_error(path))?;
            self.open = Some((date.to_owned(), file));
        }
        match &mut self.open {
            Some((_, file)) => Ok(file),
            None => Err(LiveError::Config("raw archive not open".into())),
        }
    }
}

/// A run killed mid-write (or stopped by a full disk) leaves a line
/// without its newline: cut it off (its page was never checkpointed, so it
/// will be fetched again). The file is read back from its end a megabyte at
/// a time until the last newline, however long the partial line.
fn drop_partial_line(file: &mut File) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    let mut end = len;
    let mut keep = 0;
    while end > 0 {
        let start = end.saturating_sub(1 << 20);
        file.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((end - start) as usize);
        Read::by_ref(file).take(end - start).read_to_end(&mut buf)?;
        if end == len && buf.last() == Some(&b'\n') {
            return Ok(());
        }
        if let Some(i) = memchr::memrchr(b'\n', &buf) {
            keep = start + i as u64 + 1;
            break;
        }
        end = start;
    }
    if keep == len {
        return Ok(());
    }
    tracing::warn!(
        bytes = len - keep,
        "raw archive ends in a partial line from an interrupted run; dropping it"
    );
    file.set_len(keep)?;
    Ok(())
}

/// RFC 3339 with milliseconds and `Z`.
pub(crate) fn format_time(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after_drop(content: &[u8]) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("day.jsonl");
        std::fs::write(&path, content).unwrap();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .unwrap();
        drop_partial_line(&mut file).unwrap();
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn a_partial_last_line_is_cut_however_long() {
        assert_eq!(after_drop(b"a\nb\npartial"), b"a\nb\n");
        assert_eq!(after_drop(b"a\nb\n"), b"a\nb\n");
        assert_eq!(after_drop(b"only partial"), b"");
        assert_eq!(after_drop(b""), b"");
        // A partial line longer than the megabyte read at a time (a full
        // disk mid-way through a large page).
        let mut long = b"{\"whole\":1}\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', (5 << 20) / 2));
        assert_eq!(after_drop(&long), b"{\"whole\":1}\n");
        let mut exact = vec![b'y'; (1 << 20) - 1];
        exact.push(b'\n');
        exact.extend_from_slice(b"cut");
        assert_eq!(after_drop(&exact).len(), 1 << 20);
    }
}
