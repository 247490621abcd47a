//! Checking TOML files people write (job files, collect configs,
//! lexicons, schedules) so that one run reports every problem, each with its
//! line, and a "did you mean" for a misspelt key or value.
//!
//! A file is parsed once into a table that remembers where each key and
//! value is ([`TomlFile`]). Readers check each table against the keys it
//! may hold ([`Key`]: name, kind, required), then check values, recording
//! [`Problem`]s instead of stopping at the first; [`Problems`] is the error
//! that lists them all.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// `true` or `false`.
    Bool,
    /// An array of strings.
    Strs,
    /// A table (`[name]`).
    Table,
    /// An array of tables (`[[name]]`).
    Tables,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Str => "a string",
            Kind::Int => "an integer",
            Kind::Bool => "true or false",
            Kind::Strs => "an array of strings",
            Kind::Table => "a table",
            Kind::Tables => "an array of tables",
        }
    }

    fn accepts(self, value: &DeValue<'_>) -> bool {
        match (self, value) {
            (Kind::Str, DeValue::String(_))
            | (Kind::Int, DeValue::Integer(_))
            | (Kind::Bool, DeValue::Boolean(_))
            | (Kind::Table, DeValue::Table(_)) => true,
            (Kind::Strs, DeValue::Array(items)) => items
                .iter()
                .all(|v| matches!(v.get_ref(), DeValue::String(_))),
            (Kind::Tables, DeValue::Array(items)) => items
                .iter()
                .all(|v| matches!(v.get_ref(), DeValue::Table(_))),
            _ => false,
        }
    }
}

/// A key a table may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether the table must have it.
    pub required: bool,
}

impl Key {
    /// A key the table must have.
    pub const fn required(name: &'static str, kind: Kind) -> Key {
        Key {
            name,
            kind,
            required: true,
        }
    }

    /// A key the table may leave out.
    pub const fn optional(name: &'static str, kind: Kind) -> Key {
        Key {
            name,
            kind,
            required: false,
        }
    }
}

/// One thing wrong in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The line (from 1), when known.
    pub line: Option<usize>,
    /// Where in the file, as a reader would say it (`[report] keep`).
    pub place: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

/// Every problem found in one file: the error of the readers that use
/// this module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems {
    /// The file.
    pub path: PathBuf,
    /// The problems, in line order.
    pub list: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one = |f: &mut fmt::Formatter<'_>, p: &Problem| {
            write!(f, "{}", self.path.display())?;
            if let Some(line) = p.line {
                write!(f, ":{line}")?;
            }
            if !p.place.is_empty() {
                write!(f, ": {}", p.place)?;
            }
            write!(f, ": {}", p.message)
        };
        match self.list.as_slice() {
            [only] => one(f, only),
            list => {
                write!(f, "{}: {} problems", self.path.display(), list.len())?;
                for p in list {
                    f.write_str("\n  ")?;
                    one(f, p)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Problems {}

/// A parsed TOML file, with where everything is, and the problems found
/// in it so far.
pub struct TomlFile<'t> {
    path: PathBuf,
    text: &'t str,
    root: Spanned<DeTable<'t>>,
    problems: Vec<Problem>,
}

impl<'t> TomlFile<'t> {
    /// Parse `text` (the content of `path`); every syntax error is a
    /// problem, and with any the file is refused at once (what follows a
    /// syntax error cannot be trusted).
    pub fn parse(path: &Path, text: &'t str) -> Result<TomlFile<'t>, Problems> {
        let (root, errors) = DeTable::parse_recoverable(text);
        let mut file = TomlFile {
            path: path.to_owned(),
            text,
            root,
            problems: Vec::new(),
        };
        if errors.is_empty() {
            return Ok(file);
        }
        for error in errors {
            let line = error.span().map(|s| file.line(s.start));
            file.problems.push(Problem {
                line,
                place: String::new(),
                message: format!("not valid TOML: {}", error.message().trim_end()),
            });
        }
        Err(file.into_problems())
    }

    /// The top-level table.
    pub fn root(&self) -> &DeTable<'t> {
        self.root.get_ref()
    }

    /// The line (from 1) of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        line_of(self.text, offset)
    }

    /// Record a problem at `span` (a byte range of the text).
    pub fn problem(&mut self, span: Option<Range<usize>>, place: &str, message: impl Into<String>) {
        let line = span.map(|s| self.line(s.start));
        self.problems.push(Problem {
            line,
            place: place.to_owned(),
            message: message.into(),
        });
    }

    /// Check `table` (found at `span`, named `place` in messages) against
    /// the keys it may hold: every unknown key (with the closest known one),
    /// every key of the wrong kind, every required key that is missing.
    /// Whether the table passed.
    pub fn check_keys(
        &mut self,
        table: &DeTable<'_>,
        span: Range<usize>,
        place: &str,
        keys: &[Key],
    ) -> bool {
        let before = self.problems.len();
        let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
        for (key, value) in table.iter() {
            let name: &str = key.get_ref();
            let at = join(place, name);
            match keys.iter().find(|k| k.name == name) {
                None => {
                    let hint = did_you_mean(name, &names)
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_else(|| format!(" (known: {})", names.join(", ")));
                    self.problem(
                        Some(key.span()),
                        place,
                        format!("unknown key `{name}`{hint}"),
                    );
                }
                Some(k) if !k.kind.accepts(value.get_ref()) => {
                    self.problem(
                        Some(value.span()),
                        &at,
                        format!("must be {}", k.kind.describe()),
                    );
                }
                Some(_) => {}
            }
        }
        for key in keys.iter().filter(|k| k.required) {
            if !table.contains_key(key.name) {
                self.problem(
                    Some(span.clone()),
                    place,
                    format!("`{}` is missing ({})", key.name, key.kind.describe()),
                );
            }
        }
        self.problems.len() == before
    }

    /// How many problems were found so far.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// Whether problems were found.
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// The problems found, as an error (sorted by line).
    pub fn into_problems(mut self) -> Problems {
        self.problems.sort_by_key(|p| p.line.unwrap_or(0));
        Problems {
            path: self.path,
            list: self.problems,
        }
    }

    /// `Ok(())` when nothing was found, else every problem.
    pub fn finish(self) -> Result<(), Problems> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.into_problems())
        }
    }
}

/// `[place] key`, or `key` at the top level.
fn join(place: &str, key: &str) -> String {
    if place.is_empty() {
        format!("`{key}`")
    } else {
        format!("{place} {key}")
    }
}

/// The value of `key` in `table`, with its span.
pub fn get<'a, 't>(table: &'a DeTable<'t>, key: &str) -> Option<&'a Spanned<DeValue<'t>>> {
    table.get(key)
}

/// "unknown WHAT `name`", with the closest of `known` or the whole list.
pub fn unknown_value(what: &str, name: &str, known: &[&str]) -> String {
    match did_you_mean(name, known) {
        Some(close) => format!("unknown {what} `{name}`; did you mean `{close}`?"),
        None => format!("unknown {what} `{name}` (known: {})", known.join(", ")),
    }
}

/// The line (from 1) of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The known word closest to `word`, if it is close enough to be what was
/// meant: at most a third of its letters off (at least one), ignoring case.
pub fn did_you_mean<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (edit_distance(&word, &k.to_lowercase()), *k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance in characters, with a swap of two neighbours
/// counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [Key; 3] = [
        Key::required("name", Kind::Str),
        Key::optional("keep", Kind::Int),
        Key::optional("formats", Kind::Strs),
    ];

    #[test]
    fn every_problem_of_a_table_at_once_with_lines() {
        let text = "[report]\nkeeep = 3\nformats = [\"csv\", 1]\n";
        let mut file = TomlFile::parse(Path::new("job.toml"), text).unwrap();
        let report = get(file.root(), "report").unwrap().clone();
        let DeValue::Table(table) = report.get_ref() else {
            panic!("a table")
        };
        assert!(!file.check_keys(table, report.span(), "[report]", &KEYS));
        let problems = file.into_problems();
        assert_eq!(
            problems.to_string(),
            "job.toml: 3 problems\n  \
             job.toml:1: [report]: `name` is missing (a string)\n  \
             job.toml:2: [report]: unknown key `keeep`; did you mean `keep`?\n  \
             job.toml:3: [report] formats: must be an array of strings"
        );
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let err = TomlFile::parse(Path::new("x.toml"), "a = 1\nb = \n")
            .err()
            .unwrap();
        assert_eq!(err.list.len(), 1);
        assert_eq!(err.list[0].line, Some(2), "{err}");
        assert!(
            err.to_string().starts_with("x.toml:2: not valid TOML"),
            "{err}"
        );
    }

    #[test]
    fn suggestions_only_when_close() {
        let known = ["formats", "period", "timezone", "keep"];
        assert_eq!(did_you_mean("fromats", &known), Some("formats"));
        assert_eq!(did_you_mean("Period", &known), Some("period"));
        assert_eq!(did_you_mean("timzone", &known), Some("timezone"));
        assert_eq!(did_you_mean("colour", &known), None);
        assert_eq!(did_you_mean("kep", &known), Some("keep"));
        assert_eq!(line_of("a\nb\nc", 4), 3);
    }
}
