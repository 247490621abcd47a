//! Writing a lexicon in a format another tool reads (`lexicon convert`).
//! What the format cannot hold is refused, or with `skip_invalid` left out
//! and listed: LIWC, `.dicx` and quanteda match exact forms and prefixes,
//! so a stemmed word (`honest`, no `=` or `*`) and a hashtag entry have no
//! equivalent there.

use std::path::Path;

use threadlens_model::config::{Problem, Problems};

use super::{Lexicon, LexiconError, LexiconFormat, Skipped, dicx, liwc, quanteda};
use crate::normalize;

/// `lexicon` as a file of `format`, and the entries left out (only with
/// `skip_invalid`; otherwise anything the format cannot hold refuses the
/// whole conversion, every entry named). `path` names the lexicon in
/// errors.
pub fn write_lexicon(
    lexicon: &Lexicon,
    format: LexiconFormat,
    skip_invalid: bool,
    path: &Path,
) -> Result<(String, Vec<Skipped>), LexiconError> {
    if format == LexiconFormat::Toml {
        return Ok((toml(lexicon), Vec::new()));
    }
    if !format.writable() {
        return Err(LexiconError::Invalid(Problems {
            path: path.to_owned(),
            list: vec![Problem {
                line: None,
                place: String::new(),
                message: format!("threadlens reads {format} dictionaries but does not write them"),
            }],
        }));
    }
    let mut skipped = Vec::new();
    let mut themes: Vec<(String, String, Vec<String>)> = Vec::new();
    for theme in &lexicon.themes {
        let mut entries = Vec::new();
        for entry in &theme.entries {
            match foreign(&entry.text, format) {
                Ok(text) => entries.push(text),
                Err(reason) => skipped.push(Skipped {
                    line: None,
                    theme: theme.id.clone(),
                    entry: entry.text.clone(),
                    reason,
                }),
            }
        }
        themes.push((
            theme.id.clone(),
            theme.label.clone().unwrap_or_default(),
            entries,
        ));
    }
    if !skip_invalid && !skipped.is_empty() {
        return Err(LexiconError::Invalid(Problems {
            path: path.to_owned(),
            list: skipped
                .into_iter()
                .map(|s| Problem {
                    line: None,
                    place: format!("theme `{}`, entry {:?}", s.theme, s.entry),
                    message: s.reason,
                })
                .collect(),
        }));
    }
    let text = match format {
        LexiconFormat::Liwc => liwc::write(&themes),
        LexiconFormat::Dicx => dicx::write(&themes),
        _ => quanteda::write(&themes),
    };
    Ok((text, skipped))
}

/// One entry in the syntax of LIWC, `.dicx` and quanteda: exact forms as
/// words, prefixes with a trailing `*`, phrases as words separated by
/// spaces.
fn foreign(entry: &str, format: LexiconFormat) -> Result<String, String> {
    let normalized = normalize(entry);
    let mut words = Vec::new();
    for element in normalized.split_whitespace() {
        if element.starts_with('#') {
            return Err(format!("a hashtag entry has no equivalent in {format}"));
        }
        if let Some(exact) = element.strip_prefix('=') {
            words.push(exact.to_owned());
        } else if element.ends_with('*') {
            words.push(element.to_owned());
        } else {
            return Err(format!(
                "{element:?} matches by stem, which {format} cannot express (it matches exact forms and prefixes); write `={element}` or a prefix `...*` to convert it"
            ));
        }
    }
    Ok(words.join(" "))
}

/// `lexicon` as threadlens TOML (formats.md §3).
fn toml(lexicon: &Lexicon) -> String {
    let mut out = format!(
        "[lexicon]\nname = {}\nversion = {}\nlanguage = {}\n",
        quote(&lexicon.name),
        quote(&lexicon.version),
        quote(&lexicon.language)
    );
    for theme in &lexicon.themes {
        out.push_str(&format!("\n[[theme]]\nid = {}\n", quote(&theme.id)));
        if let Some(label) = &theme.label {
            out.push_str(&format!("label = {}\n", quote(label)));
        }
        if let Some(description) = &theme.description {
            out.push_str(&format!("description = {}\n", quote(description)));
        }
        out.push_str("entries = [\n");
        for entry in &theme.entries {
            out.push_str(&format!("  {},\n", quote(&entry.text)));
        }
        out.push_str("]\n");
    }
    out
}

/// A TOML basic string, which is also a YAML double-quoted scalar (both
/// read `\"`, `\\`, `\n`, `\t`, `\r` and `\uXXXX` alike).
pub(super) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
