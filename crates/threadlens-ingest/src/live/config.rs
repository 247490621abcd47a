//! The `[[source]]` tables of a collect config or job file (formats.md §6).

use std::path::Path;

use serde::Deserialize;

use super::LiveError;

/// A collect config: `collect.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectConfig {
    /// Format version: 1.
    #[serde(default = "one")]
    pub version: u32,
    /// The sources, in order.
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceConfig>,
}

fn one() -> u32 {
    1
}

impl CollectConfig {
    /// Read and check `path`.
    pub fn from_file(path: &Path) -> Result<CollectConfig, LiveError> {
        let text = std::fs::read_to_string(path).map_err(super::error::io_error(path))?;
        let config: CollectConfig = toml::from_str(&text).map_err(|e| {
            LiveError::Config(format!("{}: {}", path.display(), e.to_string().trim_end()))
        })?;
        if config.version != 1 {
            return Err(LiveError::Config(format!(
                "{}: version {} is not supported (this threadlens reads version 1)",
                path.display(),
                config.version
            )));
        }
        for (i, source) in config.sources.iter().enumerate() {
            source.validate().map_err(|why| {
                LiveError::Config(format!("{}: source {}: {why}", path.display(), i + 1))
            })?;
        }
        Ok(config)
    }
}

/// One `[[source]]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "platform", rename_all = "lowercase")]
pub enum SourceConfig {
    /// X API v2 search.
    X(XConfig),
    /// Mastodon hashtag timelines on a list of instances.
    Mastodon(MastodonConfig),
    /// Bluesky post search.
    Bluesky(BlueskyConfig),
    /// Files to import (used by `threadlens run`).
    File(FileConfig),
}

impl SourceConfig {
    /// Refuse values that parse but cannot work, naming the key.
    pub fn validate(&self) -> Result<(), String> {
        let url = |key: &str, value: &Option<String>| match value {
            Some(v) => url::Url::parse(v)
                .map(|_| ())
                .map_err(|e| format!("`{key}` = {v:?} is not a URL ({e})")),
            None => Ok(()),
        };
        match self {
            SourceConfig::X(x) => {
                if x.query.trim().is_empty() {
                    return Err("`query` is empty".into());
                }
                if !(10..=500).contains(&x.max_results) {
                    return Err(format!(
                        "`max_results` = {} must be 10..=500",
                        x.max_results
                    ));
                }
                url("base_url", &x.base_url)
            }
            SourceConfig::Mastodon(m) => {
                if m.instances.is_empty() {
                    return Err("`instances` is empty".into());
                }
                if m.hashtags.is_empty()
                    || m.hashtags
                        .iter()
                        .any(|h| h.trim_start_matches('#').is_empty())
                {
                    return Err("`hashtags` must list at least one non-empty hashtag".into());
                }
                for i in &m.instances {
                    url("instances", &Some(i.clone()))?;
                }
                Ok(())
            }
            SourceConfig::Bluesky(b) => {
                if b.query.trim().is_empty() {
                    return Err("`query` is empty".into());
                }
                url("base_url", &b.base_url)
            }
            SourceConfig::File(f) => {
                if f.paths.is_empty() {
                    return Err("`paths` is empty".into());
                }
                Ok(())
            }
        }
    }

    /// The platform name.
    pub fn platform(&self) -> &'static str {
        match self {
            SourceConfig::X(_) => "x",
            SourceConfig::Mastodon(_) => "mastodon",
            SourceConfig::Bluesky(_) => "bluesky",
            SourceConfig::File(_) => "file",
        }
    }
}

/// `platform = "x"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XConfig {
    /// A name for the archive folder and checkpoint (default from the query).
    #[serde(default)]
    pub name: Option<String>,
    /// The search query (X search syntax).
    pub query: String,
    /// Pull whole conversations (`conversation_id:` searches).
    #[serde(default = "yes")]
    pub threads: bool,
    /// With `threads`, also pull the quote tweets of matched tweets that have some.
    #[serde(default = "yes")]
    pub quotes: bool,
    /// `recent` (last 7 days) or `all` (full archive, academic/pro access).
    #[serde(default)]
    pub endpoint: XEndpoint,
    /// Posts per page (10-100 for recent, up to 500 for all).
    #[serde(default = "hundred")]
    pub max_results: u32,
    /// The API server (default `https://api.x.com`).
    #[serde(default)]
    pub base_url: Option<String>,
    /// The environment variable holding the bearer token (default `X_BEARER_TOKEN`).
    #[serde(default)]
    pub token_env: Option<String>,
}

/// Which X search endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum XEndpoint {
    /// `/2/tweets/search/recent`.
    #[default]
    Recent,
    /// `/2/tweets/search/all`.
    All,
}

/// `platform = "mastodon"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MastodonConfig {
    /// A name for the archive folders and checkpoints.
    #[serde(default)]
    pub name: Option<String>,
    /// Instance base URLs.
    pub instances: Vec<String>,
    /// Hashtags, without `#`: the first is the timeline, the rest `any[]`.
    pub hashtags: Vec<String>,
    /// Fetch each status's context (ancestors and replies).
    #[serde(default = "yes")]
    pub threads: bool,
    /// The environment variable holding an access token (default `MASTODON_TOKEN`; optional).
    #[serde(default)]
    pub token_env: Option<String>,
}

/// `platform = "bluesky"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlueskyConfig {
    /// A name for the archive folder and checkpoint.
    #[serde(default)]
    pub name: Option<String>,
    /// The search query (`#SolvingTogether` finds the tag).
    pub query: String,
    /// Fetch the thread of every post with replies.
    #[serde(default = "yes")]
    pub threads: bool,
    /// Only posts at or after this time (RFC 3339), on the first run.
    #[serde(default)]
    pub since: Option<String>,
    /// Only posts before this time (RFC 3339).
    #[serde(default)]
    pub until: Option<String>,
    /// Split `since..until` into windows of this many days, each its own
    /// query, to stay under the search's ~10,000-result cap.
    #[serde(default)]
    pub slice_days: Option<u32>,
    /// The PDS or AppView (default `https://bsky.social`).
    #[serde(default)]
    pub base_url: Option<String>,
    /// Environment variable with the handle (default `BLUESKY_HANDLE`).
    #[serde(default)]
    pub handle_env: Option<String>,
    /// Environment variable with the app password (default `BLUESKY_APP_PASSWORD`).
    #[serde(default)]
    pub password_env: Option<String>,
}

/// `platform = "file"`: files imported by `threadlens run`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// A name for the `source` column.
    #[serde(default)]
    pub name: Option<String>,
    /// Paths or glob patterns, relative to the job file.
    pub paths: Vec<String>,
    /// The format (default `auto`).
    #[serde(default)]
    pub format: Option<String>,
}

fn yes() -> bool {
    true
}

fn hundred() -> u32 {
    100
}

/// A folder-safe name: lowercase ASCII letters, digits and `-`, at most 48.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "source".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CollectConfig, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("collect.toml");
        std::fs::write(&path, text).unwrap();
        CollectConfig::from_file(&path).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_spec_example_sources() {
        let config = parse(
            r##"
[[source]]
platform = "x"
query = "#SolvingTogether -is:retweet"
threads = true

[[source]]
platform = "mastodon"
instances = ["https://mastodon.social", "https://mstdn.social"]
hashtags = ["SolvingTogether", "ImprovingTogether"]

[[source]]
platform = "file"
paths = ["exports/*.jsonl"]
format = "twarc2"
"##,
        )
        .unwrap();
        assert_eq!(config.sources.len(), 3);
        assert!(
            matches!(&config.sources[0], SourceConfig::X(x) if x.threads && x.endpoint == XEndpoint::Recent)
        );
    }

    #[test]
    fn refuses_unknown_keys_and_bad_values_naming_them() {
        let err =
            parse("[[source]]\nplatform = \"x\"\nquery = \"a\"\nqeury = \"b\"\n").unwrap_err();
        assert!(err.contains("qeury"), "{err}");
        let err = parse("[[source]]\nplatform = \"myspace\"\nquery = \"a\"\n").unwrap_err();
        assert!(err.contains("myspace"), "{err}");
        let err =
            parse("[[source]]\nplatform = \"mastodon\"\ninstances = []\nhashtags = [\"a\"]\n")
                .unwrap_err();
        assert!(err.contains("source 1: `instances` is empty"), "{err}");
        let err = parse("[[source]]\nplatform = \"x\"\nquery = \"a\"\nbase_url = \"not a url\"\n")
            .unwrap_err();
        assert!(err.contains("`base_url`"), "{err}");
    }

    #[test]
    fn slugs_are_folder_safe() {
        assert_eq!(
            slug("#SolvingTogether -is:retweet"),
            "solvingtogether-is-retweet"
        );
        assert_eq!(slug("../.."), "source");
    }
}
