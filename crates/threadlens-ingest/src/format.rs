use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::{Error, Result};

/// An input format (formats.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// X API v2 search responses, one per file or one per line.
    XV2,
    /// twarc2 JSONL: raw response pages, or `twarc2 flatten` tweets.
    Twarc2,
    /// The X account archive's `tweets.js`.
    XArchive,
    /// Mastodon `Status` arrays, single statuses, or one per line.
    Mastodon,
    /// Bluesky searchPosts responses, PostView arrays, feeds, threads, records.
    Bluesky,
    /// Generic JSONL: `id`, `text`, `created_at`, `author` and optional §1 columns.
    Jsonl,
    /// Generic CSV with a column map.
    Csv,
    /// threadlens's raw archive of API pages (`DIR/raw/<source>/*.jsonl`).
    Raw,
    /// Detect from the content.
    Auto,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 9] = [
        Format::Auto,
        Format::XV2,
        Format::Twarc2,
        Format::XArchive,
        Format::Mastodon,
        Format::Bluesky,
        Format::Jsonl,
        Format::Csv,
        Format::Raw,
    ];

    /// The name used on the command line and in job files.
    pub fn name(self) -> &'static str {
        match self {
            Format::XV2 => "x-v2",
            Format::Twarc2 => "twarc2",
            Format::XArchive => "x-archive",
            Format::Mastodon => "mastodon",
            Format::Bluesky => "bluesky",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Raw => "raw",
            Format::Auto => "auto",
        }
    }

    /// What the format is, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Format::Auto => "detect each file's format from its content, and say what was found",
            Format::XV2 => {
                "X API v2 search responses {data, includes, meta}, one per file or per line"
            }
            Format::Twarc2 => "twarc2 JSONL: raw response pages, or `twarc2 flatten` output",
            Format::XArchive => {
                "the X account archive's data/tweets.js (reads account.js beside it)"
            }
            Format::Mastodon => {
                "Mastodon Status arrays, single statuses, one per line, or /context responses"
            }
            Format::Bluesky => {
                "searchPosts responses, PostView arrays, feeds, getPostThread trees, records"
            }
            Format::Jsonl => {
                "one object per line: id, text, created_at (RFC 3339), author; other columns optional"
            }
            Format::Csv => {
                "CSV with a header and --map FIELD=COLUMN; twarc-csv output needs no map"
            }
            Format::Raw => "the raw archive `threadlens collect` writes (DIR/raw)",
        }
    }

    /// Tell the format of a file from its first bytes (and, for a single
    /// JSON document of up to 64 MiB, its whole content).
    pub fn detect(path: &Path) -> Result<Format> {
        let io = |source| Error::Io {
            path: path.to_owned(),
            source,
        };
        let mut head = Vec::new();
        crate::input::open(path)
            .and_then(|input| input.reader.take(1 << 20).read_to_end(&mut head))
            .map_err(io)?;
        let text = String::from_utf8_lossy(&head);
        let body = text.trim_start_matches('\u{feff}').trim_start();
        let undetected = |why: &str| Error::Undetected {
            path: path.to_owned(),
            why: why.to_owned(),
        };
        if body.is_empty() {
            return Err(undetected("the file is empty"));
        }
        if body.starts_with("window.YTD.") {
            return Ok(Format::XArchive);
        }
        if !body.starts_with(['{', '[']) {
            let first_line = body.lines().next().unwrap_or_default();
            let csv_name = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            return if csv_name || first_line.contains(',') {
                Ok(Format::Csv)
            } else {
                Err(undetected("it is neither JSON nor CSV"))
            };
        }
        let first_line = body.lines().next().unwrap_or_default();
        let value = serde_json::from_str::<Value>(first_line).ok().or_else(|| {
            crate::input::read_at_most(path, 64 << 20)
                .ok()
                .flatten()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        });
        match value {
            Some(value) => {
                classify(&value).ok_or_else(|| undetected("its JSON matches no known shape"))
            }
            None => sniff_keys(body).ok_or_else(|| undetected("its JSON could not be read")),
        }
    }
}

fn classify(value: &Value) -> Option<Format> {
    match value {
        Value::Array(items) => match items.first()? {
            Value::Object(o) if o.contains_key("tweet") => Some(Format::XArchive),
            first => classify(first),
        },
        Value::Object(o) => classify_object(o),
        _ => None,
    }
}

fn classify_object(o: &Map<String, Value>) -> Option<Format> {
    let has = |k: &str| o.contains_key(k);
    if has(crate::live::RAW_MARKER) {
        return Some(Format::Raw);
    }
    if has("data") || has("includes") || (has("meta") && has("errors")) {
        return Some(if has("__twarc") {
            Format::Twarc2
        } else {
            Format::XV2
        });
    }
    if has("__twarc")
        || (has("id") && has("text") && (has("author_id") || has("edit_history_tweet_ids")))
    {
        return Some(Format::Twarc2);
    }
    if has("ancestors") || has("descendants") || (has("uri") && has("content") && has("account")) {
        return Some(Format::Mastodon);
    }
    let bluesky_collection = ["posts", "feed", "thread", "records", "postRecords"]
        .iter()
        .any(|k| has(k));
    // A feed item is {post, reason?}, its post a PostView with an at:// uri.
    let feed_item = o
        .get("post")
        .and_then(|p| p.get("uri"))
        .and_then(Value::as_str)
        .is_some_and(|uri| uri.starts_with("at://"));
    if bluesky_collection
        || (has("uri") && (has("record") || has("value")))
        || (has("post") && has("reason"))
        || feed_item
    {
        return Some(Format::Bluesky);
    }
    if (has("id") || has("post_id"))
        && has("text")
        && has("created_at")
        && (has("author") || has("author_handle"))
    {
        return Some(Format::Jsonl);
    }
    if has("tweet") {
        return Some(Format::XArchive);
    }
    None
}

/// Last resort for a head that is not complete JSON: tell-tale keys.
fn sniff_keys(head: &str) -> Option<Format> {
    let has = |k: &str| head.contains(k);
    if head.trim_start().starts_with("{\"threadlens_raw\"") {
        Some(Format::Raw)
    } else if has("\"__twarc\"") {
        Some(Format::Twarc2)
    } else if has("\"includes\"") || has("\"edit_history_tweet_ids\"") {
        Some(Format::XV2)
    } else if has("\"account\"") && has("\"content\"") {
        Some(Format::Mastodon)
    } else if has("app.bsky.feed") {
        Some(Format::Bluesky)
    } else {
        None
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == wanted)
            .ok_or_else(|| Error::UnknownFormat(s.to_owned()))
    }
}
