//! quanteda's YAML dictionaries: a mapping from keys to lists of patterns
//! (globs), keys nesting into keys (`parent_child` theme ids, as quanteda
//! flattens them). A pattern ending in `*` is a prefix, one without
//! wildcards an exact form, several words a phrase; `?` and a `*` anywhere
//! else have no faithful meaning in threadlens and are refused naming the
//! key.

use std::path::Path;

use threadlens_model::config::Problem;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use super::write::quote;
use super::{Draft, DraftEntry, DraftTheme, foreign_entry, theme_id, unique_ids};

/// Read a quanteda YAML dictionary into a draft.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut draft = Draft::foreign(path);
    let mut events: Vec<(Event, Marker)> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok(event) => events.push(event),
            Err(e) => {
                draft.problems.push(Problem {
                    line: Some(e.marker().line()),
                    place: String::new(),
                    message: format!("not valid YAML: {}", e.info()),
                });
                return draft;
            }
        }
    }
    let mut walk = Walk {
        events: &events,
        at: 0,
        themes: Vec::new(),
        problems: Vec::new(),
    };
    walk.document();
    let mut themes = walk.themes;
    draft.problems.extend(walk.problems);
    unique_ids(&mut themes);
    draft.themes = themes;
    draft
}

/// A walk over the parser's events.
struct Walk<'e> {
    events: &'e [(Event, Marker)],
    at: usize,
    themes: Vec<DraftTheme>,
    problems: Vec<Problem>,
}

impl Walk<'_> {
    fn next(&mut self) -> Option<&(Event, Marker)> {
        let event = self.events.get(self.at);
        self.at += 1;
        event
    }

    fn problem(&mut self, line: usize, place: &str, message: String) {
        self.problems.push(Problem {
            line: Some(line),
            place: place.to_owned(),
            message,
        });
    }

    fn document(&mut self) {
        while let Some((event, mark)) = self.next().cloned() {
            match event {
                Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {}
                Event::MappingStart(..) => self.mapping(""),
                _ => {
                    self.problem(
                        mark.line(),
                        "",
                        "a quanteda dictionary is a mapping from keys to lists of patterns".into(),
                    );
                    return;
                }
            }
        }
    }

    /// The entries of a mapping whose key path so far is `parent`.
    fn mapping(&mut self, parent: &str) {
        loop {
            let Some((event, mark)) = self.next().cloned() else {
                return;
            };
            let key = match event {
                Event::MappingEnd => return,
                Event::Scalar(key, ..) => key,
                _ => {
                    self.problem(mark.line(), parent, "a key must be a plain string".into());
                    self.skip_value();
                    continue;
                }
            };
            let id = if parent.is_empty() {
                theme_id(&key)
            } else {
                format!("{parent}_{}", theme_id(&key))
            };
            let place = format!("key `{key}`");
            let Some((value, value_mark)) = self.next().cloned() else {
                return;
            };
            match value {
                Event::MappingStart(..) => self.mapping(&id),
                Event::SequenceStart(..) => {
                    let entries = self.patterns(&place);
                    self.themes.push(DraftTheme {
                        id,
                        line: Some(mark.line()),
                        label: Some(key),
                        entries,
                        ..DraftTheme::default()
                    });
                }
                Event::Scalar(pattern, ..) => {
                    let entries = vec![pattern_entry(&pattern, value_mark.line())];
                    self.themes.push(DraftTheme {
                        id,
                        line: Some(mark.line()),
                        label: Some(key),
                        entries,
                        ..DraftTheme::default()
                    });
                }
                _ => self.problem(value_mark.line(), &place, "an alias cannot be read".into()),
            }
        }
    }

    /// The patterns of a sequence, to its end.
    fn patterns(&mut self, place: &str) -> Vec<DraftEntry> {
        let mut entries = Vec::new();
        while let Some((event, mark)) = self.next().cloned() {
            match event {
                Event::SequenceEnd => break,
                Event::Scalar(pattern, ..) => entries.push(pattern_entry(&pattern, mark.line())),
                _ => {
                    self.problem(
                        mark.line(),
                        place,
                        "a pattern must be a plain string".into(),
                    );
                    self.skip_nested();
                }
            }
        }
        entries
    }

    /// Skip one value (scalar, sequence or mapping).
    fn skip_value(&mut self) {
        if let Some((Event::SequenceStart(..) | Event::MappingStart(..), _)) = self.next() {
            self.skip_nested();
        }
    }

    /// Skip to the end of the sequence or mapping just opened.
    fn skip_nested(&mut self) {
        let mut depth = 1;
        while depth > 0 {
            match self.next().map(|(e, _)| e) {
                Some(Event::SequenceStart(..) | Event::MappingStart(..)) => depth += 1,
                Some(Event::SequenceEnd | Event::MappingEnd) => depth -= 1,
                Some(_) => {}
                None => return,
            }
        }
    }
}

/// One glob pattern as an entry (lowercased: quanteda matches case-insensitively).
fn pattern_entry(pattern: &str, line: usize) -> DraftEntry {
    foreign_entry(&pattern.to_lowercase(), line)
}

/// Write `themes` as a quanteda YAML dictionary (flat: one key per theme).
pub(super) fn write(themes: &[(String, String, Vec<String>)]) -> String {
    let mut out = String::new();
    for (id, _, entries) in themes {
        out.push_str(&format!("{}:\n", quote(id)));
        for entry in entries {
            out.push_str(&format!("  - {}\n", quote(entry)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_keys_globs_and_refuses_what_cannot_be_expressed() {
        let d = read(
            "economy:\n  taxes:\n    - tax*\n    - Public Spending\n  jobs: [jobless]\nculture:\n  - art\n  - colo?r\n  - '*art'\n",
            Path::new("d.yml"),
        );
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        let ids: Vec<&str> = d.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["economy_taxes", "economy_jobs", "culture"]);
        let texts: Vec<&str> = d.themes[0]
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(texts, ["tax*", "=public =spending"]);
        assert_eq!(d.themes[0].entries[1].line, Some(4));
        let culture = &d.themes[2].entries;
        assert!(culture[0].refused.is_none());
        assert!(culture[1].refused.is_some() && culture[2].refused.is_some());
    }

    #[test]
    fn writes_what_it_reads() {
        let themes = vec![(
            "a".to_owned(),
            String::new(),
            vec!["tax*".to_owned(), "say \"no\"".to_owned()],
        )];
        let text = write(&themes);
        assert_eq!(text, "\"a\":\n  - \"tax*\"\n  - \"say \\\"no\\\"\"\n");
        let d = read(&text, Path::new("d.yml"));
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.themes[0].entries.len(), 2);
    }
}
