//! The job file of `threadlens run` (docs/spec/formats.md §6): parsed,
//! resolved against its folder and checked completely before anything
//! runs, every problem reported at once with its line.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use threadlens_ingest::Format;
use threadlens_ingest::live::SourceConfig;
use threadlens_model::config::{Key, Kind, Problem, Problems, TomlFile, unknown_value};
use threadlens_report::{Period, Schedule, TableFormat};
use toml::de::{DeTable, DeValue};

/// The keys of each table of a job file (the `[[source]]` tables' are
/// [`SourceConfig::keys`]).
const TOP_KEYS: [Key; 5] = [
    Key::required("version", Kind::Int),
    Key::required("job", Kind::Table),
    Key::optional("source", Kind::Tables),
    Key::required("process", Kind::Table),
    Key::optional("report", Kind::Table),
];
const JOB_KEYS: [Key; 2] = [
    Key::required("name", Kind::Str),
    Key::required("data_dir", Kind::Str),
];
const PROCESS_KEYS: [Key; 3] = [
    Key::required("lexicon", Kind::Str),
    Key::optional("include_reposts", Kind::Bool),
    Key::optional("skip_invalid", Kind::Bool),
];
const REPORT_KEYS: [Key; 6] = [
    Key::optional("schedule", Kind::Str),
    Key::optional("formats", Kind::Strs),
    Key::optional("period", Kind::Str),
    Key::optional("timezone", Kind::Str),
    Key::optional("out_dir", Kind::Str),
    Key::optional("keep", Kind::Int),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[job]`.
struct JobSection {
    name: String,
    data_dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[process]`.
struct ProcessSection {
    lexicon: PathBuf,
    #[serde(default)]
    include_reposts: bool,
    #[serde(default)]
    skip_invalid: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
/// `[report]`.
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
    /// Leave out lexicon entries threadlens cannot express.
    pub skip_invalid: bool,
    /// The takeover schedule.
    pub schedule: Option<PathBuf>,
    /// Report formats.
    pub formats: Vec<TableFormat>,
    /// `theme_by_period`'s period.
    pub period: Period,
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
    /// The format.
    pub format: Format,
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
    /// Read and check `path`: every problem in it, each with its line, in
    /// one pass (a table whose keys are wrong is not read further, the
    /// others are).
    pub(crate) fn load(path: &Path) -> Result<Job, Problems> {
        let text = std::fs::read_to_string(path).map_err(|e| Problems {
            path: path.to_owned(),
            list: vec![Problem {
                line: None,
                place: String::new(),
                message: e.to_string(),
            }],
        })?;
        let mut toml = TomlFile::parse(path, &text)?;
        let root = toml.root().clone();
        let plain: toml::Table = toml::from_str(&text).unwrap_or_default();
        toml.check_keys(&root, 0..0, "", &TOP_KEYS);
        let job: Option<JobSection> = section(&mut toml, &root, &plain, "job", &JOB_KEYS);
        let process: Option<ProcessSection> =
            section(&mut toml, &root, &plain, "process", &PROCESS_KEYS);
        let report: ReportSection = if root.contains_key("report") {
            section(&mut toml, &root, &plain, "report", &REPORT_KEYS).unwrap_or_default()
        } else {
            ReportSection::default()
        };
        let span = |section: &str, key: &str| value_span(&root, section, None, key);

        let version = root.get("version").and_then(|v| v.get_ref().as_integer());
        if let Some(version) = version.map(|v| v.as_str()).filter(|v| *v != "1") {
            toml.problem(
                span("", "version"),
                "version",
                format!("{version} is not supported (this threadlens reads version 1)"),
            );
        }
        let name = job.as_ref().map(|j| j.name.clone()).unwrap_or_default();
        if job.is_some()
            && (name.is_empty()
                || !name.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
                }))
        {
            toml.problem(
                span("job", "name"),
                "[job] name",
                format!("{name:?} must be lowercase letters, digits, - and _"),
            );
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
        let source_values = root.get("source").cloned();
        let passed = match &source_values {
            Some(sources) => SourceConfig::check_tables(&mut toml, sources),
            None => Vec::new(),
        };
        if passed.is_empty() {
            toml.problem(None, "[[source]]", "the job has no sources");
        }
        let plain_sources = plain.get("source").and_then(|s| s.as_array());
        for (i, ok) in passed.into_iter().enumerate() {
            let place = format!("[[source]] {}", i + 1);
            let at = |key: &str| value_span(&root, "source", Some(i), key);
            let Some(value) = plain_sources.and_then(|s| s.get(i)).filter(|_| ok) else {
                continue;
            };
            let source: SourceConfig = match value.clone().try_into() {
                Ok(source) => source,
                Err(e) => {
                    toml.problem(at("platform"), &place, e.message().to_owned());
                    continue;
                }
            };
            if let Err(why) = source.validate() {
                toml.problem(at("platform"), &place, why);
            }
            match source {
                SourceConfig::File(f) => {
                    let name = f.format.unwrap_or_else(|| "auto".into());
                    let format = Format::from_str(&name).unwrap_or_else(|_| {
                        let names = Format::ALL.map(Format::name);
                        toml.problem(
                            at("format"),
                            &format!("{place} format"),
                            unknown_value("format", &name, &names),
                        );
                        Format::Auto
                    });
                    files.push(FileSource {
                        patterns: f.paths.iter().map(|p| resolve(Path::new(p))).collect(),
                        format,
                        name: f.name,
                    });
                }
                other => live.push(other),
            }
        }

        let lexicon = process.as_ref().map(|p| resolve(&p.lexicon));
        let skip_invalid = process.as_ref().is_some_and(|p| p.skip_invalid);
        let options = threadlens_process::ReadOptions {
            format: None,
            skip_invalid,
        };
        if let Some(lexicon) = &lexicon
            && let Err(e) = threadlens_process::Lexicon::read(lexicon, options)
        {
            toml.problem(
                span("process", "lexicon"),
                "[process] lexicon",
                e.to_string(),
            );
        }
        let schedule = report.schedule.as_deref().map(resolve);
        if let Some(s) = &schedule
            && let Err(e) = Schedule::from_file(s)
        {
            toml.problem(
                span("report", "schedule"),
                "[report] schedule",
                e.to_string(),
            );
        }
        let mut formats = Vec::new();
        for name in &report.formats {
            match TableFormat::from_str(name) {
                Ok(format) if !formats.contains(&format) => formats.push(format),
                Ok(_) => {}
                Err(_) => {
                    let names = TableFormat::ALL.map(TableFormat::name);
                    toml.problem(
                        span("report", "formats"),
                        "[report] formats",
                        unknown_value("format", name, &names),
                    );
                }
            }
        }
        if report.formats.is_empty() {
            toml.problem(
                span("report", "formats"),
                "[report] formats",
                "lists no format",
            );
        }
        let period = Period::from_str(&report.period).unwrap_or_else(|_| {
            let names = Period::ALL.map(Period::name);
            toml.problem(
                span("report", "period"),
                "[report] period",
                unknown_value("period", &report.period, &names),
            );
            Period::Day
        });
        if let Some(tz) = &report.timezone
            && let Err(why) = crate::values::timezone(tz)
        {
            toml.problem(span("report", "timezone"), "[report] timezone", why);
        }
        if let Err(why) = check_template(&report.out_dir) {
            toml.problem(span("report", "out_dir"), "[report] out_dir", why);
        }
        if report.keep == 0 {
            toml.problem(
                span("report", "keep"),
                "[report] keep",
                "must be at least 1",
            );
        }
        let (Some(job), Some(process), Some(lexicon)) = (job, process, lexicon) else {
            // A missing or unreadable [job] or [process] is a problem already.
            return Err(toml.into_problems());
        };
        toml.finish()?;
        Ok(Job {
            data_dir: resolve(&job.data_dir),
            out_dir: resolve(Path::new(&report.out_dir)).display().to_string(),
            name,
            file: path.to_owned(),
            live,
            files,
            lexicon,
            include_reposts: process.include_reposts,
            skip_invalid,
            schedule,
            formats,
            period,
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

/// Read the table `[name]`: its keys checked against `keys`, then its
/// values typed; `None` (with the problems recorded) when it is missing or
/// wrong.
fn section<T: serde::de::DeserializeOwned>(
    toml: &mut TomlFile<'_>,
    root: &DeTable<'_>,
    plain: &toml::Table,
    name: &str,
    keys: &[Key],
) -> Option<T> {
    let value = root.get(name)?;
    let DeValue::Table(table) = value.get_ref() else {
        return None;
    };
    let place = format!("[{name}]");
    if !toml.check_keys(table, value.span(), &place, keys) {
        return None;
    }
    match plain.get(name)?.clone().try_into() {
        Ok(section) => Some(section),
        Err(e) => {
            toml.problem(Some(value.span()), &place, e.message().to_owned());
            None
        }
    }
}

/// Where the value of `key` is: in the top level (`section` empty), in a
/// table, or in the `index`th table of an array of tables.
fn value_span(
    root: &DeTable<'_>,
    section: &str,
    index: Option<usize>,
    key: &str,
) -> Option<Range<usize>> {
    let table = if section.is_empty() {
        root
    } else {
        let value = root.get(section)?;
        match (value.get_ref(), index) {
            (DeValue::Table(t), None) => t,
            (DeValue::Array(items), Some(i)) => match items.get(i)?.get_ref() {
                DeValue::Table(t) => t,
                _ => return None,
            },
            _ => return None,
        }
    };
    table.get(key).map(|v| v.span())
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
        assert_eq!((job.keep, job.period), (30, Period::Day));
        assert_eq!(
            job.formats,
            [
                TableFormat::Csv,
                TableFormat::Parquet,
                TableFormat::Html,
                TableFormat::Md
            ]
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
                "unknown key `colour`",
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
            let err = Job::load(&write(dir.path(), &GOOD.replace(from, to)))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("job.toml") && err.contains(expected),
                "{to:?}: {err}"
            );
        }
    }

    #[test]
    fn every_mistake_is_reported_in_one_pass_with_lines_and_suggestions() {
        let dir = tempfile::tempdir().unwrap();
        let bad = "version = 1\n[job]\nname = \"nightly\"\ndata_dir = \"data\"\n[[source]]\nplatform = \"file\"\npaths = [\"in/*.jsonl\"]\nfromat = \"jsonl\"\n[process]\nlexicon = \"lexicon.toml\"\n[report]\nperiod = \"hour\"\nkeep = \"3\"\ntimezone = \"Europe/London\"\nformat = [\"csv\"]\n";
        let err = Job::load(&write(dir.path(), bad)).unwrap_err();
        let lines: Vec<(Option<usize>, &str)> = err
            .list
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (Some(8), "unknown key `fromat`; did you mean `format`?"),
                (Some(13), "must be an integer"),
                (Some(15), "unknown key `format`; did you mean `formats`?"),
            ],
            "{err}"
        );
        // Values, checked once the shape is right, are all reported too.
        let bad = GOOD.replace("format = \"jsonl\"", "format = \"jsnol\"")
            + "[report]\nformats = [\"csv\", \"htlm\"]\nperiod = \"hours\"\ntimezone = \"Europe/Londno\"\nkeep = 0\n";
        let err = Job::load(&write(dir.path(), &bad)).unwrap_err();
        let messages: Vec<&str> = err.list.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown format `jsnol`; did you mean `jsonl`?",
                "unknown format `htlm`; did you mean `html`?",
                "unknown period `hours`; did you mean `hour`?",
                "\"Europe/Londno\" is not an IANA timezone name; did you mean \"Europe/London\"?",
                "must be at least 1",
            ],
            "{err}"
        );
        assert!(err.list.iter().all(|p| p.line.is_some()), "{err}");
    }

    /// Fuzz target: the repository's job files with lines deleted,
    /// repeated, replaced by arbitrary text or cut short, and arbitrary
    /// text: loaded or refused with every problem naming the file, never a
    /// panic.
    #[test]
    fn fuzz_job_files() {
        use proptest::prelude::*;
        let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/deploy");
        let seeds: Vec<String> = [GOOD.to_owned()]
            .into_iter()
            .chain(
                ["nightly.toml", "files-job.toml"]
                    .iter()
                    .map(|f| std::fs::read_to_string(deploy.join(f)).unwrap()),
            )
            .collect();
        let dir = tempfile::tempdir().unwrap();
        threadlens_testkit::fuzz::fuzz(
            "job_files",
            (
                0..seeds.len(),
                threadlens_testkit::hostile::line_edits(),
                any::<bool>(),
                any::<String>(),
            ),
            |(s, edits, arbitrary, text)| {
                let source = if arbitrary {
                    text
                } else {
                    threadlens_testkit::hostile::edit_lines(&seeds[s], &edits)
                };
                let path = write(dir.path(), &source);
                if let Err(problems) = Job::load(&path) {
                    let said = problems.to_string();
                    prop_assert!(said.contains("job.toml"), "{}", said);
                }
                Ok(())
            },
        );
    }
}
