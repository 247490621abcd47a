//! threadlens's own lexicon format (formats.md §3): TOML with a
//! `[lexicon]` table and `[[theme]]` tables whose entries are already in
//! threadlens's syntax.

use std::path::Path;

use threadlens_model::config::{Key, Kind, TomlFile};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Draft, DraftEntry, DraftTheme};

/// The keys of a lexicon file's tables.
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

/// Read a TOML lexicon into a draft; structural problems (syntax, unknown
/// keys, wrong types, a missing table) are the draft's problems.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut toml = match TomlFile::parse(path, text) {
        Ok(toml) => toml,
        Err(problems) => {
            return Draft {
                problems: problems.list,
                ..Draft::default()
            };
        }
    };
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
    let mut themes = Vec::new();
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
        let line = Some(toml.line(t.get("id").map_or(value.span(), |v| v.span()).start));
        let entries_value = t.get("entries");
        let entries = match entries_value.map(|v| v.get_ref()) {
            Some(DeValue::Array(items)) => items
                .iter()
                .filter_map(|raw| {
                    let text = raw.get_ref().as_str()?;
                    Some(DraftEntry {
                        text: text.to_owned(),
                        written: None,
                        line: Some(toml.line(raw.span().start)),
                        refused: None,
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        themes.push(DraftTheme {
            // A theme whose id is not a string is a problem already.
            id: if t.get("id").is_some_and(|v| v.get_ref().is_str()) {
                id
            } else {
                String::new()
            },
            line,
            entries_line: entries_value.map(|v| toml.line(v.span().start)),
            label: text_of(t, "label"),
            description: text_of(t, "description"),
            entries,
            has_entries_key: entries_value.is_some(),
        });
    }
    Draft {
        name,
        version,
        language,
        themes,
        problems: toml.into_problems().list,
        refused: Vec::new(),
    }
}
