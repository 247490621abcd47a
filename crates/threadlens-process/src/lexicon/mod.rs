//! Lexicons (formats.md §3, text-processing.md §7): parsed from TOML,
//! validated with the file, theme and entry named, and compiled through the
//! same normalisation, forms and stems as posts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use threadlens_model::config::{Key, Kind, Problems, TomlFile};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::classes::{is_letter, is_lmn};
use crate::forms::word_form;
use crate::index::Index;
use crate::normalize;
use crate::stem::stem;
use crate::tokenize::{TokenKind, tokenize};

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
    /// The file breaks rules of text-processing.md §7: every problem found,
    /// each with its line, theme and entry.
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

/// A validated, compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// `[lexicon] name`.
    pub name: String,
    /// `[lexicon] version`.
    pub version: String,
    /// The Snowball algorithm: `english` (the only one in v1).
    pub language: String,
    /// Themes in file order.
    pub themes: Vec<Theme>,
    /// Warnings (an entry given twice in a theme), for the caller to show.
    pub warnings: Vec<String>,
    /// The themes compiled for scoring.
    pub(crate) index: Index,
}

/// Two lexicons are equal when they say the same; the compiled index
/// follows from the themes.
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
    /// Read and compile the lexicon file at `path`.
    pub fn from_file(path: &Path) -> Result<Lexicon, LexiconError> {
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            path: path.to_owned(),
            source,
        })?;
        Lexicon::parse(&text, path)
    }

    /// Compile a lexicon from its TOML text; `path` names it in errors.
    /// Every problem is reported at once, each with its line.
    pub fn parse(text: &str, path: &Path) -> Result<Lexicon, LexiconError> {
        let mut toml = TomlFile::parse(path, text).map_err(LexiconError::Invalid)?;
        let root = toml.root().clone();
        toml.check_keys(&root, 0..0, "", &TOP_KEYS);
        let header = match root.get("lexicon") {
            Some(value) => match value.get_ref() {
                DeValue::Table(t) => {
                    toml.check_keys(t, value.span(), "[lexicon]", &HEADER_KEYS);
                    Some(t.clone())
                }
                _ => None,
            },
            None => {
                toml.problem(None, "", "the [lexicon] table is missing");
                None
            }
        };
        let text_of = |table: &DeTable<'_>, key: &str| {
            table
                .get(key)
                .and_then(|v| v.get_ref().as_str().map(str::to_owned))
        };
        let name = header
            .as_ref()
            .and_then(|h| text_of(h, "name"))
            .unwrap_or_default();
        let version = header
            .as_ref()
            .and_then(|h| text_of(h, "version"))
            .unwrap_or_default();
        let language = header.as_ref().and_then(|h| h.get("language")).map_or_else(
            || "english".to_owned(),
            |v| {
                let given = v.get_ref().as_str().unwrap_or_default();
                if given != "english" {
                    toml.problem(
                        Some(v.span()),
                        "[lexicon] language",
                        format!("must be \"english\" (the only one in v1), not {given:?}"),
                    );
                }
                given.to_owned()
            },
        );
        let theme_values: Vec<Spanned<DeValue<'_>>> = match root.get("theme").map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => items.iter().cloned().collect(),
            _ => Vec::new(),
        };
        if theme_values.is_empty() && !toml.has_problems() {
            toml.problem(None, "", "there are no themes ([[theme]] tables)");
        }
        let mut seen_ids = HashSet::new();
        let mut themes = Vec::new();
        let mut warnings = Vec::new();
        for (n, value) in theme_values.iter().enumerate() {
            let DeValue::Table(t) = value.get_ref() else {
                continue;
            };
            let id = text_of(t, "id").unwrap_or_default();
            let place = if id.is_empty() {
                format!("theme {}", n + 1)
            } else {
                format!("theme `{id}`")
            };
            toml.check_keys(t, value.span(), &place, &THEME_KEYS);
            let id_span = t.get("id").map(|v| v.span());
            if t.get("id").is_some_and(|v| v.get_ref().is_str()) {
                let valid = !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !valid {
                    toml.problem(id_span.clone(), &place, "the id must match [a-z0-9_]+");
                } else if !seen_ids.insert(id.clone()) {
                    toml.problem(id_span.clone(), &place, "the id is used by another theme");
                }
            }
            let entry_values: Vec<Spanned<DeValue<'_>>> = match t.get("entries") {
                Some(v) => match v.get_ref() {
                    DeValue::Array(items) if items.is_empty() => {
                        toml.problem(Some(v.span()), &place, "the theme has no entries");
                        Vec::new()
                    }
                    DeValue::Array(items) => items.iter().cloned().collect(),
                    _ => Vec::new(),
                },
                None => Vec::new(),
            };
            let mut entries: Vec<Entry> = Vec::new();
            let mut seen_elements: HashSet<Vec<String>> = HashSet::new();
            for raw in &entry_values {
                let Some(text) = raw.get_ref().as_str() else {
                    continue;
                };
                let elements: Vec<String> = normalize(text)
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect();
                let pattern = match compile_entry(&elements) {
                    Ok(pattern) => pattern,
                    Err(reason) => {
                        toml.problem(
                            Some(raw.span()),
                            &format!("{place}, entry {text:?}"),
                            reason,
                        );
                        continue;
                    }
                };
                if !seen_elements.insert(elements) {
                    warnings.push(format!(
                        "{}:{}: theme `{id}`, entry {text:?} is given twice; it counts once",
                        path.display(),
                        toml.line(raw.span().start)
                    ));
                    continue;
                }
                entries.push(Entry {
                    text: text.to_owned(),
                    pattern,
                });
            }
            let optional = |key: &str| text_of(t, key);
            themes.push(Theme {
                id,
                label: optional("label"),
                description: optional("description"),
                entries,
            });
        }
        toml.finish().map_err(LexiconError::Invalid)?;
        Ok(Lexicon {
            name,
            version,
            language,
            index: Index::build(&themes),
            themes,
            warnings,
        })
    }
}

/// The keys of a lexicon file's tables (formats.md §3).
const TOP_KEYS: [Key; 2] = [
    Key::optional("lexicon", Kind::Table),
    Key::optional("theme", Kind::Tables),
];
const HEADER_KEYS: [Key; 3] = [
    Key::required("name", Kind::Str),
    Key::required("version", Kind::Str),
    Key::optional("language", Kind::Str),
];
const THEME_KEYS: [Key; 4] = [
    Key::required("id", Kind::Str),
    Key::optional("label", Kind::Str),
    Key::optional("description", Kind::Str),
    Key::required("entries", Kind::Strs),
];

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
