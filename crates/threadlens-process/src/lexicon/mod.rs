//! Lexicons (formats.md §3, text-processing.md §7): read from threadlens's
//! TOML or from the dictionary formats of other tools (LIWC `.dic` and
//! `.dicx`, quanteda YAML, Lexicoder, WordStat, Yoshikoder), validated with
//! every problem's file, line, theme and entry, and compiled through the
//! same normalisation, forms and stems as posts; written back out to the
//! formats that can hold them (`write`).
//!
//! Every reader produces a [`Draft`]: themes whose entries are already in
//! threadlens's entry syntax (`=word`, `prefix*`, `word`, phrases,
//! `#tag`), each with the line it came from. [`compile`] checks and
//! compiles a draft the same way whatever the file was.

mod dicx;
mod format;
mod lexicoder;
mod liwc;
mod quanteda;
mod toml_file;
mod wordstat;
mod write;
mod yoshikoder;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use threadlens_model::config::{Problem, Problems};

use crate::classes::{is_letter, is_lmn};
use crate::forms::word_form;
use crate::index::Index;
use crate::normalize;
use crate::stem::stem;
use crate::tokenize::{TokenKind, tokenize};

pub use format::LexiconFormat;
pub use write::write_lexicon;

/// Why a lexicon was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LexiconError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The lexicon file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file breaks rules of text-processing.md §7, or holds what
    /// threadlens cannot express: every problem found, each with its line,
    /// theme and entry.
    #[error("{0}")]
    Invalid(Problems),
}

/// One element of an entry (§7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Element {
    /// `word`: a unit whose stem equals this stem.
    Stem(String),
    /// `prefix*`: a unit whose form starts with this form.
    Prefix(String),
    /// `=word`: a unit whose form equals this form.
    Exact(String),
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Element::Stem(s) => write!(f, "stem {s}"),
            Element::Prefix(p) => write!(f, "prefix {p}*"),
            Element::Exact(e) => write!(f, "exact ={e}"),
        }
    }
}

/// What an entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// One element: a term (also matches runs of hashtag segments).
    Term(Element),
    /// Two or more elements matching consecutive units.
    Phrase(Vec<Element>),
    /// `#tag`: a hashtag whose tag equals this, covering all its units.
    Hashtag(String),
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pattern::Term(e) => write!(f, "{e}"),
            Pattern::Phrase(elements) => {
                let parts: Vec<String> = elements.iter().map(ToString::to_string).collect();
                write!(f, "phrase [{}]", parts.join(", "))
            }
            Pattern::Hashtag(tag) => write!(f, "hashtag #{tag}"),
        }
    }
}

/// An entry as written and as compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The entry as written in the lexicon.
    pub text: String,
    /// What it matches.
    pub pattern: Pattern,
}

/// A theme: its id, label, description and entries in lexicon order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// `[a-z0-9_]+`, unique in the lexicon.
    pub id: String,
    /// Display label.
    pub label: Option<String>,
    /// What the theme is about.
    pub description: Option<String>,
    /// Entries, duplicates removed (the first is kept).
    pub entries: Vec<Entry>,
}

/// An entry left out because it cannot be expressed (`--skip-invalid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its line in the file, when known.
    pub line: Option<usize>,
    /// The theme (id) it belonged to.
    pub theme: String,
    /// The entry as the file wrote it.
    pub entry: String,
    /// Why it was left out.
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if !self.theme.is_empty() {
            write!(f, "theme `{}`, ", self.theme)?;
        }
        write!(f, "entry {:?}: {}", self.entry, self.reason)
    }
}

/// How a lexicon file is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The format; `None` detects it from the content and extension.
    pub format: Option<LexiconFormat>,
    /// Leave out entries that cannot be expressed (listing them in
    /// [`Lexicon::skipped`]) instead of refusing the file.
    pub skip_invalid: bool,
}

/// A validated, compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// `[lexicon] name` (for other formats, the file's name).
    pub name: String,
    /// `[lexicon] version` (for other formats, empty).
    pub version: String,
    /// The Snowball algorithm: `english` (the only one in v1).
    pub language: String,
    /// Themes in file order.
    pub themes: Vec<Theme>,
    /// Warnings (an entry given twice in a theme), for the caller to show.
    pub warnings: Vec<String>,
    /// The format it was read from.
    pub format: LexiconFormat,
    /// Entries left out because they cannot be expressed (only with
    /// [`ReadOptions::skip_invalid`]).
    pub skipped: Vec<Skipped>,
    /// The themes compiled for scoring.
    pub(crate) index: Index,
}

/// Two lexicons are equal when they say the same; the compiled index
/// follows from the themes, and where they were read from does not count.
impl PartialEq for Lexicon {
    fn eq(&self, other: &Self) -> bool {
        (
            &self.name,
            &self.version,
            &self.language,
            &self.themes,
            &self.warnings,
        ) == (
            &other.name,
            &other.version,
            &other.language,
            &other.themes,
            &other.warnings,
        )
    }
}

impl Eq for Lexicon {}

impl Lexicon {
    /// Read and compile the lexicon file at `path`, its format detected.
    pub fn from_file(path: &Path) -> Result<Lexicon, LexiconError> {
        Lexicon::read(path, ReadOptions::default())
    }

    /// Read and compile the lexicon file at `path`.
    pub fn read(path: &Path, options: ReadOptions) -> Result<Lexicon, LexiconError> {
        let bytes = std::fs::read(path).map_err(|source| LexiconError::Io {
            path: path.to_owned(),
            source,
        })?;
        Lexicon::from_bytes(&bytes, path, options)
    }

    /// Compile a lexicon from a file's bytes, as [`Lexicon::read`] would
    /// from the file; `path` names it in errors and helps detect the
    /// format. Engines that ship a lexicon to other machines read it here.
    pub fn from_bytes(
        bytes: &[u8],
        path: &Path,
        options: ReadOptions,
    ) -> Result<Lexicon, LexiconError> {
        let format = options
            .format
            .unwrap_or_else(|| LexiconFormat::detect(path, bytes));
        let text = decode(bytes);
        let draft = match format {
            LexiconFormat::Toml => toml_file::read(&text, path),
            LexiconFormat::Liwc => liwc::read(&text, path),
            LexiconFormat::Dicx => dicx::read(&text, path),
            LexiconFormat::QuantedaYaml => quanteda::read(&text, path),
            LexiconFormat::Lexicoder => lexicoder::read(&text, path),
            LexiconFormat::Wordstat => wordstat::read(&text, path),
            LexiconFormat::Yoshikoder => yoshikoder::read(&text, path),
        };
        compile(draft, path, format, options.skip_invalid)
    }

    /// Compile a lexicon from its TOML text; `path` names it in errors.
    /// Every problem is reported at once, each with its line.
    pub fn parse(text: &str, path: &Path) -> Result<Lexicon, LexiconError> {
        compile(
            toml_file::read(text, path),
            path,
            LexiconFormat::Toml,
            false,
        )
    }

    /// The one-unit entries (terms) a unit of form `form` would match, as
    /// `(theme, entry)` in lexicon order.
    pub fn term_matches(&self, form: &str) -> Vec<(usize, usize)> {
        self.index
            .term_entries(form)
            .into_iter()
            .map(|(t, e)| (t as usize, e as usize))
            .collect()
    }
}

/// A file's text: UTF-8 (a BOM dropped), else Windows-1252, which older
/// LIWC and WordStat dictionaries use.
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// One byte of Windows-1252 as a character.
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}',
        '\u{178}',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// A lexicon as a reader found it, before it is checked and compiled:
/// entries in threadlens's syntax, each with where it came from.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub name: String,
    pub version: String,
    pub language: String,
    pub themes: Vec<DraftTheme>,
    /// Problems the reader found (syntax, structure).
    pub problems: Vec<Problem>,
    /// Parts of the file that cannot be expressed outside any one theme
    /// (a LIWC2007 conditional category): problems, or with
    /// `skip_invalid` skipped and listed.
    pub refused: Vec<Skipped>,
}

impl Draft {
    /// An empty draft of another tool's dictionary at `path`: named after
    /// the file (such a dictionary has no name of its own), no version,
    /// English stemming.
    pub(crate) fn foreign(path: &Path) -> Draft {
        Draft {
            // The file's name without its extension.
            name: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            version: String::new(),
            language: "english".to_owned(),
            ..Draft::default()
        }
    }
}

/// A theme of a [`Draft`].
#[derive(Debug, Default)]
pub(crate) struct DraftTheme {
    pub id: String,
    /// Where the theme (or its id) is; `None` when the reader cannot say.
    pub line: Option<usize>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub entries: Vec<DraftEntry>,
    /// Whether the file gave the theme an entries list at all (TOML).
    pub has_entries_key: bool,
    /// Where that list is.
    pub entries_line: Option<usize>,
}

/// An entry of a [`Draft`].
#[derive(Debug, Clone)]
pub(crate) struct DraftEntry {
    /// The entry in threadlens's syntax.
    pub text: String,
    /// The entry as the file wrote it (for messages), when it differs.
    pub written: Option<String>,
    pub line: Option<usize>,
    /// Why the reader could not express it, if it could not.
    pub refused: Option<String>,
}

impl DraftEntry {
    /// An entry the reader translated.
    pub fn new(text: impl Into<String>, written: &str, line: usize) -> Self {
        let text = text.into();
        DraftEntry {
            written: (text != written).then(|| written.to_owned()),
            text,
            line: Some(line),
            refused: None,
        }
    }

    /// An entry the reader cannot express, and why.
    pub fn refused(written: &str, line: usize, reason: impl Into<String>) -> Self {
        DraftEntry {
            text: written.to_owned(),
            written: None,
            line: Some(line),
            refused: Some(reason.into()),
        }
    }

    fn as_written(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.text)
    }
}

/// A theme id from another tool's category name: lowercase letters,
/// digits and `_` (other characters become `_`, runs of them one),
/// `category` when nothing is left.
pub(crate) fn theme_id(name: &str) -> String {
    let mut id = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.ends_with('_') && !id.is_empty() {
            id.push('_');
        }
    }
    let id = id.trim_end_matches('_').to_owned();
    if id.is_empty() {
        "category".to_owned()
    } else {
        id
    }
}

/// The themes of a dictionary whose categories nest (`parent_child` ids),
/// without the categories that only hold categories, ids made unique.
pub(super) fn leaf_themes(themes: Vec<DraftTheme>) -> Vec<DraftTheme> {
    let keep: Vec<bool> = themes
        .iter()
        .map(|t| {
            let prefix = format!("{}_", t.id);
            !t.entries.is_empty() || !themes.iter().any(|o| o.id.starts_with(&prefix))
        })
        .collect();
    let mut themes: Vec<DraftTheme> = themes
        .into_iter()
        .zip(keep)
        .filter_map(|(t, keep)| keep.then_some(t))
        .collect();
    unique_ids(&mut themes);
    themes
}

/// Make each theme id unique by numbering repeats (`x`, `x_2`, ...).
pub(crate) fn unique_ids(themes: &mut [DraftTheme]) {
    let mut seen = HashSet::new();
    for theme in themes {
        let mut id = theme.id.clone();
        let mut n = 2;
        while !seen.insert(id.clone()) {
            id = format!("{}_{n}", theme.id);
            n += 1;
        }
        theme.id = id;
    }
}

/// Translate one word of another tool's dictionary (a LIWC, Lexicoder,
/// WordStat or Yoshikoder entry, a quanteda glob) into threadlens's element
/// syntax: a trailing `*` is a prefix, anything else an exact form. A `*`
/// elsewhere, a `?` or any other wildcard cannot be expressed.
pub(crate) fn foreign_element(word: &str) -> Result<String, String> {
    let body = word.strip_suffix('*').unwrap_or(word);
    if body.contains(['*', '?']) {
        return Err(format!(
            "{word:?}: a wildcard other than one `*` at the end cannot be expressed (threadlens matches prefixes only)"
        ));
    }
    if body.is_empty() {
        return Err(format!("{word:?}: a lone wildcard matches any word"));
    }
    Ok(if word.ends_with('*') {
        word.to_owned()
    } else {
        format!("={word}")
    })
}

/// Translate a whole entry of another tool (words separated by white
/// space) into threadlens's syntax.
pub(crate) fn foreign_entry(written: &str, line: usize) -> DraftEntry {
    let words: Vec<&str> = written.split_whitespace().collect();
    if words.is_empty() {
        return DraftEntry::refused(written, line, "the entry is empty");
    }
    match words
        .iter()
        .map(|w| foreign_element(w))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(elements) => DraftEntry::new(elements.join(" "), written, line),
        Err(reason) => DraftEntry::refused(written, line, reason),
    }
}

/// Check and compile `draft` read from `path`: every problem at once; with
/// `skip_invalid`, entries that cannot be expressed are left out and
/// listed instead.
pub(crate) fn compile(
    draft: Draft,
    path: &Path,
    format: LexiconFormat,
    skip_invalid: bool,
) -> Result<Lexicon, LexiconError> {
    let mut problems = draft.problems;
    let mut skipped = Vec::new();
    for refusal in draft.refused {
        if skip_invalid {
            skipped.push(refusal);
        } else {
            problems.push(Problem {
                line: refusal.line,
                place: format!("entry {:?}", refusal.entry),
                message: refusal.reason,
            });
        }
    }
    let problem =
        |problems: &mut Vec<Problem>, line: Option<usize>, place: String, message: String| {
            problems.push(Problem {
                line,
                place,
                message,
            });
        };
    if draft.themes.is_empty() && problems.is_empty() {
        problem(
            &mut problems,
            None,
            String::new(),
            "there are no themes".into(),
        );
    }
    let mut seen_ids = HashSet::new();
    let mut themes = Vec::new();
    let mut warnings = Vec::new();
    for (n, theme) in draft.themes.into_iter().enumerate() {
        let id = theme.id;
        let place = if id.is_empty() {
            format!("theme {}", n + 1)
        } else {
            format!("theme `{id}`")
        };
        if !id.is_empty() {
            let valid = id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                problem(
                    &mut problems,
                    theme.line,
                    place.clone(),
                    "the id must match [a-z0-9_]+".into(),
                );
            } else if !seen_ids.insert(id.clone()) {
                problem(
                    &mut problems,
                    theme.line,
                    place.clone(),
                    "the id is used by another theme".into(),
                );
            }
        }
        if theme.entries.is_empty() && theme.has_entries_key {
            problem(
                &mut problems,
                theme.entries_line,
                place.clone(),
                "the theme has no entries".into(),
            );
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen_elements: HashSet<Vec<String>> = HashSet::new();
        for raw in theme.entries {
            let elements: Vec<String> = normalize(&raw.text)
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            let compiled = match &raw.refused {
                Some(reason) => Err(reason.clone()),
                // Another tool's entry: say why in its own terms, not in
                // the `=`/`*` syntax it was translated into.
                None if raw.written.is_some() => compile_entry(&elements).map_err(|_| {
                    format!(
                        "{:?} is not made of words threadlens counts: each of its words must be one word under text-processing.md §4 (letters and digits, with inner `'` or `-`)",
                        raw.as_written()
                    )
                }),
                None => compile_entry(&elements),
            };
            let pattern = match compiled {
                Ok(pattern) => pattern,
                Err(reason) if skip_invalid => {
                    skipped.push(Skipped {
                        line: raw.line,
                        theme: id.clone(),
                        entry: raw.as_written().to_owned(),
                        reason,
                    });
                    continue;
                }
                Err(reason) => {
                    problem(
                        &mut problems,
                        raw.line,
                        format!("{place}, entry {:?}", raw.as_written()),
                        reason,
                    );
                    continue;
                }
            };
            if !seen_elements.insert(elements) {
                let at = raw.line.map(|l| format!(":{l}")).unwrap_or_default();
                warnings.push(format!(
                    "{}{at}: theme `{id}`, entry {:?} is given twice; it counts once",
                    path.display(),
                    raw.as_written()
                ));
                continue;
            }
            entries.push(Entry {
                text: raw.text,
                pattern,
            });
        }
        if entries.is_empty() && !theme.has_entries_key {
            // Another tool's category that holds nothing threadlens can
            // count: a column of zeros would only mislead.
            warnings.push(format!(
                "{}: category {:?} has no entries threadlens can use; it is left out",
                path.display(),
                theme.label.as_deref().unwrap_or(&id)
            ));
            continue;
        }
        themes.push(Theme {
            id,
            label: theme.label,
            description: theme.description,
            entries,
        });
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line.unwrap_or(0));
        return Err(LexiconError::Invalid(Problems {
            path: path.to_owned(),
            list: problems,
        }));
    }
    Ok(Lexicon {
        name: draft.name,
        version: draft.version,
        language: draft.language,
        index: Index::build(&themes),
        themes,
        warnings,
        format,
        skipped,
    })
}

/// Compile one entry's elements (already normalised and split).
fn compile_entry(elements: &[String]) -> Result<Pattern, String> {
    match elements {
        [] => Err("the entry is empty".into()),
        [only] if only.starts_with('#') => compile_hashtag(only),
        [only] => Ok(Pattern::Term(compile_element(only)?)),
        many => {
            if let Some(tag) = many.iter().find(|e| e.starts_with('#')) {
                return Err(format!("{tag:?}: a hashtag cannot be part of a phrase"));
            }
            Ok(Pattern::Phrase(
                many.iter()
                    .map(|e| compile_element(e))
                    .collect::<Result<_, _>>()?,
            ))
        }
    }
}

fn compile_hashtag(element: &str) -> Result<Pattern, String> {
    let body = &element[1..];
    let valid = !body.is_empty()
        && body.chars().all(|c| is_lmn(c) || c == '_')
        && body.chars().any(is_letter);
    if valid {
        Ok(Pattern::Hashtag(body.to_lowercase()))
    } else {
        Err(format!(
            "{element:?} is not a hashtag: after `#` only letters, marks, digits and `_`, with a letter (no `*`, `'s` or `-`)"
        ))
    }
}

fn compile_element(element: &str) -> Result<Element, String> {
    let (word, make): (&str, fn(String) -> Element) = if let Some(rest) = element.strip_prefix('=')
    {
        (rest, Element::Exact)
    } else if let Some(rest) = element.strip_suffix('*') {
        (rest, Element::Prefix)
    } else {
        (element, |form| Element::Stem(stem(&form)))
    };
    if !is_one_word(word) {
        return Err(format!(
            "{element:?}: after removing `=` or a trailing `*`, an element must be exactly one word"
        ));
    }
    Ok(make(word_form(word)))
}

/// Whether `text` is exactly one word token under §4.
fn is_one_word(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    matches!(tokenize(&chars).as_slice(), [t] if t.kind == TokenKind::Word && t.start == 0 && t.end == chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::parse(text, Path::new("test.toml"))
    }

    fn lexicon(entries: &str) -> String {
        format!(
            "[lexicon]\nname = \"t\"\nversion = \"1\"\n\n[[theme]]\nid = \"coproduction\"\nentries = [{entries}]\n"
        )
    }

    #[test]
    fn entries_compile_through_forms_and_stems() {
        let lex = parse(&lexicon(r##""coproduction", "co-design", "lived experience", "involv*", "=NHS", "#DutyOfCandour""##)).unwrap();
        let patterns: Vec<&Pattern> = lex.themes[0].entries.iter().map(|e| &e.pattern).collect();
        assert_eq!(
            patterns[0],
            &Pattern::Term(Element::Stem("coproduct".into()))
        );
        assert_eq!(patterns[1], &Pattern::Term(Element::Stem(stem("codesign"))));
        assert_eq!(
            patterns[2],
            &Pattern::Phrase(vec![
                Element::Stem("live".into()),
                Element::Stem("experi".into())
            ])
        );
        assert_eq!(
            patterns[3],
            &Pattern::Term(Element::Prefix("involv".into()))
        );
        assert_eq!(patterns[4], &Pattern::Term(Element::Exact("nhs".into())));
        assert_eq!(patterns[5], &Pattern::Hashtag("dutyofcandour".into()));
        assert_eq!(lex.language, "english");
    }

    #[test]
    fn bad_elements_are_refused_with_file_theme_entry_and_reason() {
        let one_word = "an element must be exactly one word";
        let not_hashtag = "is not a hashtag";
        for (bad, reason) in [
            ("n.h.s", one_word),
            ("=patients'", one_word),
            ("co*design", one_word),
            ("=word*", one_word),
            ("*", one_word),
            ("=", one_word),
            ("#tag*", not_hashtag),
            ("#tag's", not_hashtag),
            ("#co-production", not_hashtag),
            ("#1", not_hashtag),
            ("lived #experience", "a hashtag cannot be part of a phrase"),
            ("  ", "the entry is empty"),
        ] {
            let err = parse(&lexicon(&format!("{bad:?}")))
                .unwrap_err()
                .to_string();
            let place = format!("test.toml:7: theme `coproduction`, entry {bad:?}: ");
            assert!(
                err.starts_with(&place) && err.contains(reason),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn structure_is_refused_with_reasons() {
        let cases = [
            (
                "[[theme]]\nid = \"a\"\nentries = [\"x\"]\n",
                "[lexicon] table is missing",
            ),
            (
                "[lexicon]\nversion = \"1\"\n[[theme]]\nid = \"a\"\nentries = [\"x\"]\n",
                "`name` is missing",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = 1\n[[theme]]\nid = \"a\"\nentries = [\"x\"]\n",
                "[lexicon] version: must be a string",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\nlanguage = \"french\"\n[[theme]]\nid = \"a\"\nentries = [\"x\"]\n",
                "[lexicon] language: must be \"english\"",
            ),
            ("[lexicon]\nname = \"n\"\nversion = \"1\"\n", "no themes"),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"Bad-Id\"\nentries = [\"x\"]\n",
                "[a-z0-9_]+",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"a\"\nentries = [\"x\"]\n[[theme]]\nid = \"a\"\nentries = [\"y\"]\n",
                "another theme",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"a\"\nentries = []\n",
                "no entries",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"a\"\nlabel = 3\nentries = [\"x\"]\n",
                "theme `a` label: must be a string",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\n[[theme]]\nid = \"a\"\nentries = [\"x\"]\ncolour = \"red\"\n",
                "unknown key `colour`",
            ),
            (
                "[lexicon]\nname = \"n\"\nversion = \"1\"\nauthor = \"me\"\n[[theme]]\nid = \"a\"\nentries = [\"x\"]\n",
                "unknown key `author`",
            ),
            ("[lexicon\n", "not valid TOML"),
        ];
        for (text, needle) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(
                err.starts_with("test.toml") && err.contains(needle),
                "{needle}: {err}"
            );
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_line() {
        let text = "[lexicon]\nname = \"n\"\nversion = \"1\"\nauthor = \"me\"\n\n[[theme]]\nid = \"a\"\nentries = [\"ok\", \"co*design\"]\nlable = \"A\"\n\n[[theme]]\nid = \"a\"\nentries = [\"#tag*\"]\n";
        let Err(LexiconError::Invalid(problems)) = parse(text) else {
            panic!("refused")
        };
        let got: Vec<(Option<usize>, String)> = problems
            .list
            .iter()
            .map(|p| (p.line, format!("{}: {}", p.place, p.message)))
            .collect();
        let expected: [(usize, &str); 5] = [
            (
                4,
                "[lexicon]: unknown key `author` (known: name, version, language)",
            ),
            (
                8,
                "theme `a`, entry \"co*design\": \"co*design\": after removing `=` or a trailing `*`, an element must be exactly one word",
            ),
            (9, "theme `a`: unknown key `lable`; did you mean `label`?"),
            (12, "theme `a`: the id is used by another theme"),
            (
                13,
                "theme `a`, entry \"#tag*\": \"#tag*\" is not a hashtag: after `#` only letters, marks, digits and `_`, with a letter (no `*`, `'s` or `-`)",
            ),
        ];
        assert_eq!(
            got,
            expected.map(|(l, m)| (Some(l), m.to_owned())),
            "{problems}"
        );
    }

    #[test]
    fn patterns_display_what_they_match() {
        let lex = parse(&lexicon(
            r##""lived experience", "involv*", "=NHS", "#DutyOfCandour""##,
        ))
        .unwrap();
        let shown: Vec<String> = lex.themes[0]
            .entries
            .iter()
            .map(|e| e.pattern.to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "phrase [stem live, stem experi]",
                "prefix involv*",
                "exact =nhs",
                "hashtag #dutyofcandour"
            ]
        );
    }

    #[test]
    fn the_same_entry_twice_counts_once_with_a_warning() {
        let lex = parse(&lexicon(
            r#""lived experience", "lived   experience", "Lived experience""#,
        ))
        .unwrap();
        assert_eq!(
            lex.themes[0].entries.len(),
            2,
            "`Lived` is a different element from `lived`"
        );
        assert_eq!(lex.warnings.len(), 1);
        assert!(lex.warnings[0].contains("given twice"));
    }
}
