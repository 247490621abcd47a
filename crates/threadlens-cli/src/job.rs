//! The job file of `threadlens run` (formats.md §6): parsed, resolved
//! against its folder and checked completely before anything runs.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use threadlens_ingest::Format;
use threadlens_ingest::live::SourceConfig;
use threadlens_report::{Period, Schedule, TableFormat};

/// A job file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobFile {
    version: u32,
    job: JobSection,
    #[serde(rename = "source", default)]
    sources: Vec<SourceConfig>,
    process: ProcessSection,
    #[serde(default)]
    report: ReportSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JobSection {
    name: String,
    data_dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcessSection {
    lexicon: PathBuf,
    #[serde(default)]
    include_reposts: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportSection {
    #[serde(default)]
    schedule: Option<PathBuf>,
    #[serde(default = "default_formats")]
    formats: Vec<String>,
    #[serde(default = "default_period")]
    period: String,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default = "default_out_dir")]
    out_dir: String,
    #[serde(default = "default_keep")]
    keep: usize,
}

impl Default for ReportSection {
    fn default() -> Self {
        ReportSection {
            schedule: None,
            formats: default_formats(),
            period: default_period(),
            timezone: None,
            out_dir: default_out_dir(),
            keep: default_keep(),
        }
    }
}

fn default_formats() -> Vec<String> {
    ["csv", "parquet", "html", "md"].map(String::from).to_vec()
}
fn default_period() -> String {
    "day".into()
}
fn default_out_dir() -> String {
    "reports/{job}/{date}".into()
}
fn default_keep() -> usize {
    30
}

/// A checked job, every path resolved.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    /// `[a-z0-9_-]+`: names the lock and the reports.
    pub name: String,
    /// The job file.
    pub file: PathBuf,
    /// The store.
    pub data_dir: PathBuf,
    /// Live sources (x, mastodon, bluesky).
    pub live: Vec<SourceConfig>,
    /// File sources: (paths after glob expansion, format, source name).
    pub files: Vec<FileSource>,
    /// The lexicon.
    pub lexicon: PathBuf,
    /// Score reposts too.
    pub include_reposts: bool,
    /// The takeover schedule.
    pub schedule: Option<PathBuf>,
    /// Report formats, comma-separated.
    pub formats: String,
    /// hour, day or week.
    pub period: String,
    /// Reporting timezone.
    pub timezone: Option<String>,
    /// The report folder of a run on `date` (`YYYY-MM-DD`).
    out_dir: String,
    /// Report runs kept.
    pub keep: usize,
}

/// A `platform = "file"` source, resolved.
#[derive(Debug, Clone)]
pub(crate) struct FileSource {
    /// The patterns as written (relative to the job file).
    pub patterns: Vec<PathBuf>,
    /// The format name.
    pub format: String,
    /// The `source` column, when named.
    pub name: Option<String>,
}

impl FileSource {
    /// The files the patterns match now, sorted; a pattern without glob
    /// characters names a file that must exist.
    pub(crate) fn files(&self) -> Result<Vec<PathBuf>, String> {
        let mut out = Vec::new();
        for pattern in &self.patterns {
            let text = pattern.display().to_string();
            if !text.contains(['*', '?', '[']) {
                out.push(pattern.clone());
                continue;
            }
            let paths = glob::glob(&text).map_err(|e| format!("{text}: {e}"))?;
            for path in paths {
                out.push(path.map_err(|e| e.to_string())?);
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

impl Job {
    /// Read and check `path`. The error names the file, the key and why.
    pub(crate) fn load(path: &Path) -> Result<Job, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: JobFile = toml::from_str(&text)
            .map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let at = |key: &str, why: String| format!("{}: {key}: {why}", path.display());
        if file.version != 1 {
            return Err(at(
                "version",
                format!(
                    "{} is not supported (this threadlens reads version 1)",
                    file.version
                ),
            ));
        }
        let name = file.job.name;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(at(
                "[job] name",
                format!("{name:?} must be lowercase letters, digits, - and _"),
            ));
        }
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_owned()
            } else {
                base.join(p)
            }
        };
        let mut live = Vec::new();
        let mut files = Vec::new();
        for (i, source) in file.sources.into_iter().enumerate() {
            let key = format!("[[source]] {}", i + 1);
            source.validate().map_err(|why| at(&key, why))?;
            match source {
                SourceConfig::File(f) => {
                    let format = f.format.unwrap_or_else(|| "auto".into());
                    Format::from_str(&format)
                        .map_err(|e| at(&format!("{key} format"), e.to_string()))?;
                    files.push(FileSource {
                        patterns: f.paths.iter().map(|p| resolve(Path::new(p))).collect(),
                        format,
                        name: f.name,
                    });
                }
                other => live.push(other),
            }
        }
        if live.is_empty() && files.is_empty() {
            return Err(at("[[source]]", "the job has no sources".into()));
        }
        let lexicon = resolve(&file.process.lexicon);
        threadlens_process::Lexicon::from_file(&lexicon)
            .map_err(|e| at("[process] lexicon", e.to_string()))?;
        let report = file.report;
        let schedule = report.schedule.as_deref().map(resolve);
        if let Some(s) = &schedule {
            Schedule::from_file(s).map_err(|e| at("[report] schedule", e.to_string()))?;
        }
        let formats = report.formats.join(",");
        if TableFormat::parse_list(&formats)
            .map_err(|e| at("[report] formats", e.to_string()))?
            .is_empty()
        {
            return Err(at("[report] formats", "lists no format".into()));
        }
        Period::from_str(&report.period).map_err(|e| at("[report] period", e))?;
        if let Some(tz) = &report.timezone {
            chrono_tz::Tz::from_str(tz).map_err(|_| {
                at(
                    "[report] timezone",
                    format!("{tz:?} is not an IANA timezone name"),
                )
            })?;
        }
        check_template(&report.out_dir).map_err(|why| at("[report] out_dir", why))?;
        if report.keep == 0 {
            return Err(at("[report] keep", "must be at least 1".into()));
        }
        Ok(Job {
            data_dir: resolve(&file.job.data_dir),
            out_dir: resolve(Path::new(&report.out_dir)).display().to_string(),
            name,
            file: path.to_owned(),
            live,
            files,
            lexicon,
            include_reposts: file.process.include_reposts,
            schedule,
            formats,
            period: report.period,
            timezone: report.timezone,
            keep: report.keep,
        })
    }

    /// The report folder for a run on `date`.
    pub(crate) fn report_dir(&self, date: &str) -> PathBuf {
        PathBuf::from(
            self.out_dir
                .replace("{job}", &self.name)
                .replace("{date}", date),
        )
    }
}

/// `{date}` must be the last component (so runs are siblings that sort by
/// date, for retention); `{job}` may appear anywhere; nothing else in braces.
fn check_template(template: &str) -> Result<(), String> {
    let rest = template.replace("{job}", "").replace("{date}", "");
    if rest.contains(['{', '}']) {
        return Err(format!(
            "{template:?}: only {{job}} and {{date}} may be used"
        ));
    }
    let last = Path::new(template)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    if last.as_deref() != Some("{date}") {
        return Err(format!(
            "{template:?}: the last folder must be {{date}} (runs are kept side by side and pruned by date)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEXICON: &str = "[lexicon]\nname = \"t\"\nversion = \"1\"\nlanguage = \"english\"\n\n[[theme]]\nid = \"candour\"\nlabel = \"Candour\"\ndescription = \"d\"\nentries = [\"candour\", \"honest\"]\n\n[[theme]]\nid = \"conversation\"\nlabel = \"Conversation\"\ndescription = \"d\"\nentries = [\"conversation\"]\n";

    fn write(dir: &Path, job: &str) -> PathBuf {
        std::fs::write(dir.join("lexicon.toml"), LEXICON).unwrap();
        let path = dir.join("job.toml");
        std::fs::write(&path, job).unwrap();
        path
    }

    const GOOD: &str = "version = 1\n[job]\nname = \"nightly\"\ndata_dir = \"data\"\n[[source]]\nplatform = \"file\"\npaths = [\"in/*.jsonl\"]\nformat = \"jsonl\"\n[process]\nlexicon = \"lexicon.toml\"\n";

    #[test]
    fn resolves_paths_against_the_job_folder() {
        let dir = tempfile::tempdir().unwrap();
        let job = Job::load(&write(dir.path(), GOOD)).unwrap();
        assert_eq!(job.data_dir, dir.path().join("data"));
        assert_eq!(
            job.report_dir("2026-11-22"),
            dir.path().join("reports/nightly/2026-11-22")
        );
        assert_eq!(job.files[0].patterns[0], dir.path().join("in/*.jsonl"));
        assert_eq!(
            (job.keep, job.formats.as_str(), job.period.as_str()),
            (30, "csv,parquet,html,md", "day")
        );
    }

    #[test]
    fn refuses_each_bad_value_naming_its_key() {
        let cases: [(&str, &str, &str); 10] = [
            ("name = \"nightly\"", "name = \"Night ly\"", "[job] name"),
            ("version = 1", "version = 2", "version: 2 is not supported"),
            (
                "data_dir = \"data\"",
                "data_dir = \"data\"\ncolour = \"red\"",
                "unknown field `colour`",
            ),
            (
                "format = \"jsonl\"",
                "format = \"pdf\"",
                "[[source]] 1 format",
            ),
            (
                "paths = [\"in/*.jsonl\"]",
                "paths = []",
                "[[source]] 1: `paths` is empty",
            ),
            (
                "lexicon = \"lexicon.toml\"",
                "lexicon = \"missing.toml\"",
                "[process] lexicon",
            ),
            (
                "lexicon = \"lexicon.toml\"\n",
                "lexicon = \"lexicon.toml\"\n[report]\nformats = [\"pdf\"]\n",
                "[report] formats",
            ),
            (
                "lexicon = \"lexicon.toml\"\n",
                "lexicon = \"lexicon.toml\"\n[report]\nperiod = \"fortnight\"\n",
                "[report] period",
            ),
            (
                "lexicon = \"lexicon.toml\"\n",
                "lexicon = \"lexicon.toml\"\n[report]\nout_dir = \"reports/{date}/x\"\n",
                "[report] out_dir",
            ),
            (
                "lexicon = \"lexicon.toml\"\n",
                "lexicon = \"lexicon.toml\"\n[report]\nkeep = 0\n",
                "[report] keep",
            ),
        ];
        for (from, to, expected) in cases {
            let dir = tempfile::tempdir().unwrap();
            assert!(GOOD.contains(from), "{from}");
            let err = Job::load(&write(dir.path(), &GOOD.replace(from, to))).unwrap_err();
            assert!(
                err.contains("job.toml") && err.contains(expected),
                "{to:?}: {err}"
            );
        }
    }
}
