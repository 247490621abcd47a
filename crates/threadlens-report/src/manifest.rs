//! `manifest.json` (formats.md §5): what produced a set of outputs, so a
//! reader can tell whether two runs are comparable and reproduce one.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use threadlens_store::write_atomically;

use crate::{Error, Result};

/// The file name.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The version of `docs/spec/text-processing.md` that scores follow.
pub const SCORING_SPEC: &str = "v1.1";

/// The version of `docs/spec/formats.md` that the files written follow.
pub const FORMATS_SPEC: &str = "v1.3";

/// Everything the manifest records.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// `threadlens` and its version.
    pub tool: String,
    /// The tool's version.
    pub tool_version: String,
    /// The scoring contract's version ([`SCORING_SPEC`]).
    pub scoring_spec: String,
    /// The file contract's version ([`FORMATS_SPEC`]).
    pub formats_spec: String,
    /// The command that wrote the outputs.
    pub command: Vec<String>,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
    /// The lexicon scores were computed with (`None`: nothing was scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lexicon: Option<LexiconInfo>,
    /// The files read.
    pub inputs: Vec<InputFile>,
    /// Records refused at import (`rejects.jsonl` of the store).
    pub rejects: u64,
    /// Whether reposts were scored (by default they are left out).
    pub include_reposts: bool,
    /// Posts in the store that were not scored (reposts, unless included).
    pub posts_left_out: u64,
    /// The files written, each with its rows.
    pub outputs: Vec<OutputFile>,
    /// `theme_by_period`'s period (reports only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// The timezone periods and slot times are shown in (reports only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// How the intervals of shares were computed (reports only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intervals: Option<Intervals>,
    /// How the conversation network was built and measured (`threadlens
    /// network`, `report --network`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkRecord>,
}

/// How a network was built and measured (formats.md §5).
#[derive(Debug, Clone, Serialize)]
pub struct NetworkRecord {
    /// The kinds of edge kept.
    pub edges: Vec<String>,
    /// The slot whose network it is, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    /// Accounts (nodes).
    pub accounts: u64,
    /// Edges (source × target × kind).
    pub edge_count: u64,
    /// The seed of Louvain's visiting order and of betweenness's sample.
    pub seed: u64,
    /// `exact`, or how betweenness was sampled.
    pub betweenness: String,
    /// Betweenness is exact up to this many accounts.
    pub betweenness_exact_max: u64,
    /// PageRank's damping factor.
    pub pagerank_alpha: f64,
    /// Louvain's resolution.
    pub resolution: f64,
    /// The modularity of the communities found.
    pub modularity: f64,
    /// Communities found (of any size).
    pub communities: u64,
}

impl NetworkRecord {
    /// The record of `measures` over `network`.
    pub fn new(
        network: &threadlens_network::Network,
        measures: &threadlens_network::Measures,
        kinds: &[threadlens_network::EdgeKind],
        slot: Option<String>,
    ) -> NetworkRecord {
        NetworkRecord {
            edges: kinds.iter().map(|k| k.name().to_owned()).collect(),
            slot,
            accounts: network.accounts.len() as u64,
            edge_count: network.edges.len() as u64,
            seed: measures.options.seed,
            betweenness: measures.betweenness.describe(),
            betweenness_exact_max: measures.options.exact_max_nodes as u64,
            pagerank_alpha: threadlens_network::ALPHA,
            resolution: measures.options.resolution,
            modularity: measures.modularity,
            communities: measures.communities.len() as u64,
        }
    }
}

/// How a report's intervals were computed (formats.md §5).
#[derive(Debug, Clone, Serialize)]
pub struct Intervals {
    /// `wilson` (every share).
    pub method: String,
    /// The confidence level, 0.95.
    pub level: f64,
    /// The conversation-clustered bootstrap, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<BootstrapRecord>,
}

/// The bootstrap as the manifest records it.
#[derive(Debug, Clone, Serialize)]
pub struct BootstrapRecord {
    /// Resamples per group.
    pub resamples: u32,
    /// The seed.
    pub seed: u64,
    /// What is drawn: `conversation`.
    pub cluster: String,
}

/// The lexicon: as named in its file, and the file's hash.
#[derive(Debug, Clone, Serialize)]
pub struct LexiconInfo {
    /// `[lexicon] name`.
    pub name: String,
    /// `[lexicon] version`.
    pub version: String,
    /// The file read.
    pub path: PathBuf,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Theme ids, in order (the order of the table's columns).
    pub themes: Vec<String>,
    /// The file's format (`toml`, `liwc`, ...).
    pub format: String,
    /// Entries left out because threadlens cannot express them
    /// (`--skip-invalid`), each with its line and why.
    pub skipped: Vec<String>,
}

/// An input file.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// Its path as given.
    pub path: PathBuf,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Rows (posts) in it.
    pub rows: u64,
}

/// An output file.
#[derive(Debug, Clone, Serialize)]
pub struct OutputFile {
    /// Its path.
    pub path: PathBuf,
    /// Rows written.
    pub rows: u64,
}

impl Manifest {
    /// Write the manifest as pretty JSON to `dir/manifest.json`, atomically.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let path = dir.join(MANIFEST_FILE);
        write_atomically(&path, |out| {
            serde_json::to_writer_pretty(&mut *out, self).map_err(|source| Error::Json {
                path: path.clone(),
                source,
            })?;
            std::io::Write::write_all(out, b"\n").map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })
        })?;
        Ok(path)
    }
}

/// SHA-256 of the file at `path`, lowercase hex, read in 1 MiB blocks.
pub fn file_sha256(path: &Path) -> Result<String> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc.txt");
        std::fs::write(&path, "abc").unwrap();
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            file_sha256(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let missing = file_sha256(&dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().contains("nope"), "{missing}");
    }
}
