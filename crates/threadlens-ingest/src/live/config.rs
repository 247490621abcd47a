//! The `[[source]]` tables of a collect config or job file (formats.md §6).

use std::path::Path;

use serde::Deserialize;

use threadlens_model::config::{Key, Kind, TomlFile, unknown_value};
use toml::Spanned;
use toml::de::DeValue;

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
    /// Read and check `path`: every problem in it, each with its line.
    pub fn from_file(path: &Path) -> Result<CollectConfig, LiveError> {
        let text = std::fs::read_to_string(path).map_err(super::error::io_error(path))?;
        let problems = |p: threadlens_model::config::Problems| LiveError::Config(p.to_string());
        let mut toml = TomlFile::parse(path, &text).map_err(problems)?;
        let root = toml.root().clone();
        let keys = [
            Key::optional("version", Kind::Int),
            Key::optional("source", Kind::Tables),
        ];
        if toml.check_keys(&root, 0..0, "", &keys)
            && let Some(sources) = root.get("source")
        {
            SourceConfig::check_tables(&mut toml, sources);
        }
        if toml.has_problems() {
            return Err(problems(toml.into_problems()));
        }
        let config: CollectConfig = match toml::from_str(&text) {
            Ok(config) => config,
            Err(e) => {
                toml.problem(e.span(), "", e.message().to_owned());
                return Err(problems(toml.into_problems()));
            }
        };
        if config.version != 1 {
            let span = root.get("version").map(|v| v.span());
            toml.problem(
                span,
                "version",
                format!(
                    "{} is not supported (this threadlens reads version 1)",
                    config.version
                ),
            );
        }
        for (i, source) in config.sources.iter().enumerate() {
            if let Err(why) = source.validate() {
                let span = match root.get("source").map(|s| s.get_ref()) {
                    Some(DeValue::Array(items)) => items.get(i).map(|t| t.span()),
                    _ => None,
                };
                toml.problem(span, &format!("[[source]] {}", i + 1), why);
            }
        }
        toml.finish().map_err(problems)?;
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

    /// The platforms a `[[source]]` table may name.
    pub const PLATFORMS: [&'static str; 4] = ["x", "mastodon", "bluesky", "file"];

    /// Every key a `[[source]]` table for `platform` may hold (`platform`
    /// itself included), for checking a file before it is read
    /// ([`threadlens_model::config`]); `None` for an unknown platform.
    pub fn keys(platform: &str) -> Option<&'static [Key]> {
        use Kind::{Bool, Int, Str, Strs};
        const X: [Key; 9] = [
            Key::required("platform", Str),
            Key::optional("name", Str),
            Key::required("query", Str),
            Key::optional("threads", Bool),
            Key::optional("quotes", Bool),
            Key::optional("endpoint", Str),
            Key::optional("max_results", Int),
            Key::optional("base_url", Str),
            Key::optional("token_env", Str),
        ];
        const MASTODON: [Key; 6] = [
            Key::required("platform", Str),
            Key::optional("name", Str),
            Key::required("instances", Strs),
            Key::required("hashtags", Strs),
            Key::optional("threads", Bool),
            Key::optional("token_env", Str),
        ];
        const BLUESKY: [Key; 10] = [
            Key::required("platform", Str),
            Key::optional("name", Str),
            Key::required("query", Str),
            Key::optional("threads", Bool),
            Key::optional("since", Str),
            Key::optional("until", Str),
            Key::optional("slice_days", Int),
            Key::optional("base_url", Str),
            Key::optional("handle_env", Str),
            Key::optional("password_env", Str),
        ];
        const FILE: [Key; 4] = [
            Key::required("platform", Str),
            Key::optional("name", Str),
            Key::required("paths", Strs),
            Key::optional("format", Str),
        ];
        match platform {
            "x" => Some(&X),
            "mastodon" => Some(&MASTODON),
            "bluesky" => Some(&BLUESKY),
            "file" => Some(&FILE),
            _ => None,
        }
    }

    /// Check `[[source]]` tables (the value of `source` in a job file or
    /// collect config) before they are read: the platform of each, and its
    /// keys, recording every problem with its line in `toml`. Whether each
    /// table passed, in order.
    pub fn check_tables(toml: &mut TomlFile<'_>, sources: &Spanned<DeValue<'_>>) -> Vec<bool> {
        let DeValue::Array(sources) = sources.get_ref() else {
            return Vec::new();
        };
        let mut passed = Vec::with_capacity(sources.len());
        for (i, source) in sources.iter().enumerate() {
            let before = toml.problem_count();
            let DeValue::Table(table) = source.get_ref() else {
                passed.push(false);
                continue;
            };
            let place = format!("[[source]] {}", i + 1);
            match table.get("platform") {
                None => toml.problem(
                    Some(source.span()),
                    &place,
                    format!(
                        "`platform` is missing ({})",
                        SourceConfig::PLATFORMS.join(", ")
                    ),
                ),
                Some(platform) => match platform.get_ref().as_str() {
                    Some(name) => match SourceConfig::keys(name) {
                        Some(keys) => {
                            toml.check_keys(table, source.span(), &place, keys);
                        }
                        None => toml.problem(
                            Some(platform.span()),
                            &format!("{place} platform"),
                            unknown_value("platform", name, &SourceConfig::PLATFORMS),
                        ),
                    },
                    None => toml.problem(
                        Some(platform.span()),
                        &format!("{place} platform"),
                        "must be a string",
                    ),
                },
            }
            passed.push(toml.problem_count() == before);
        }
        passed
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

impl XEndpoint {
    /// Both endpoints.
    pub const ALL: [XEndpoint; 2] = [XEndpoint::Recent, XEndpoint::All];

    /// Its name on the command line and in configs.
    pub fn name(self) -> &'static str {
        match self {
            XEndpoint::Recent => "recent",
            XEndpoint::All => "all",
        }
    }

    /// What it searches, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            XEndpoint::Recent => "the last 7 days (/2/tweets/search/recent)",
            XEndpoint::All => "the full archive (/2/tweets/search/all; needs that access)",
        }
    }
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
        assert!(err.contains("[[source]] 1: `instances` is empty"), "{err}");
        let err = parse("[[source]]\nplatform = \"x\"\nquery = \"a\"\nbase_url = \"not a url\"\n")
            .unwrap_err();
        assert!(err.contains("`base_url`"), "{err}");
    }

    /// The key lists used to check files before reading them name exactly
    /// the keys the tables are read with: a table holding every listed key
    /// reads (deny_unknown_fields would refuse an extra one), and one
    /// missing a required key does not.
    #[test]
    fn key_lists_match_what_is_read() {
        use threadlens_model::config::Kind;
        for platform in SourceConfig::PLATFORMS {
            let keys = SourceConfig::keys(platform).unwrap();
            let value = |kind: Kind, name: &str| match (kind, name) {
                (_, "platform") => format!("{platform:?}"),
                (_, "endpoint") => "\"all\"".into(),
                (_, "base_url") => "\"https://example.org\"".into(),
                (_, "since" | "until") => "\"2022-06-28T00:00:00Z\"".into(),
                (Kind::Str, _) => "\"a\"".into(),
                (Kind::Int, _) => "20".into(),
                (Kind::Bool, _) => "true".into(),
                (Kind::Strs, _) => "[\"https://example.org\"]".into(),
                _ => unreachable!(),
            };
            let table = |skip: Option<&str>| {
                let mut text = String::from("[[source]]\n");
                for key in keys.iter().filter(|k| Some(k.name) != skip) {
                    text.push_str(&format!("{} = {}\n", key.name, value(key.kind, key.name)));
                }
                text
            };
            parse(&table(None)).unwrap_or_else(|e| panic!("{platform}: {e}"));
            for key in keys.iter().filter(|k| k.required && k.name != "platform") {
                assert!(
                    parse(&table(Some(key.name))).is_err(),
                    "{platform}: {}",
                    key.name
                );
            }
        }
        assert!(SourceConfig::keys("myspace").is_none());
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
