//! LIWC's `.dic`: a category table between two `%` lines (`id<TAB>name`),
//! then one line per entry, `entry<TAB>id id ...`. An entry ending in `*`
//! is a prefix, any other an exact form; an entry of several words is a
//! phrase. Category ids may be numbers or the categories' names.
//! LIWC2007's conditional categories (`(02 134)125/464`: one category if
//! the word before is in another, else a third) depend on the word before,
//! which threadlens does not express: such an entry is refused, naming its
//! line.

use std::collections::HashMap;
use std::path::Path;

use threadlens_model::config::Problem;

use super::{Draft, DraftTheme, Skipped, foreign_entry, theme_id, unique_ids};

/// Read a `.dic` file into a draft.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut draft = Draft::foreign(path);
    let problem = |draft: &mut Draft, line: usize, message: String| {
        draft.problems.push(Problem {
            line: Some(line),
            place: String::new(),
            message,
        });
    };
    // Which part of the file a line is in: 0 before the table, 1 in it, 2 after.
    let mut part = 0;
    let mut themes: Vec<DraftTheme> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line == "%" {
            part += 1;
            continue;
        }
        match part {
            0 => problem(
                &mut draft,
                number,
                "a LIWC dictionary starts with a `%` line, then its category table".into(),
            ),
            1 => {
                let mut fields = line.split_whitespace();
                let (Some(id), Some(_)) = (fields.next(), fields.clone().next()) else {
                    problem(
                        &mut draft,
                        number,
                        format!("{line:?} is not `id<TAB>category name`"),
                    );
                    continue;
                };
                let name = fields.collect::<Vec<_>>().join(" ");
                let key = id.trim_start_matches('0');
                if ids.contains_key(key) {
                    problem(
                        &mut draft,
                        number,
                        format!("category id {id} is defined twice"),
                    );
                    continue;
                }
                ids.insert(key.to_owned(), themes.len());
                ids.entry(name.clone()).or_insert(themes.len());
                themes.push(DraftTheme {
                    id: theme_id(&name),
                    line: Some(number),
                    label: Some(name),
                    ..DraftTheme::default()
                });
            }
            _ => {
                let (entry, categories) = split_entry(line, &ids);
                if entry.is_empty() {
                    problem(
                        &mut draft,
                        number,
                        format!("{line:?} has no entry before its categories"),
                    );
                    continue;
                }
                if line.contains("<of>") {
                    draft.refused.push(Skipped {
                        line: Some(number),
                        theme: String::new(),
                        entry: entry.to_owned(),
                        reason: "an `<of>` entry depends on the words around it, which threadlens cannot express".into(),
                    });
                    continue;
                }
                // LIWC2007's conditional groups (`02 134)125/464`): every
                // category up to the last such token is conditional.
                let conditional = categories
                    .iter()
                    .rposition(|c| c.contains(['(', ')', '/']))
                    .map_or(0, |last| last + 1);
                if conditional > 0 {
                    draft.refused.push(Skipped {
                        line: Some(number),
                        theme: String::new(),
                        entry: entry.to_owned(),
                        reason: format!(
                            "the conditional categories `{}` (LIWC2007: one category if the word before is in another) depend on the word before, which threadlens cannot express; its plain categories are read",
                            categories[..conditional].join(" ")
                        ),
                    });
                }
                let categories = &categories[conditional..];
                if categories.is_empty() {
                    problem(&mut draft, number, format!("{entry:?} names no category"));
                }
                for category in categories {
                    match ids
                        .get(category.trim_start_matches('0'))
                        .or_else(|| ids.get(*category))
                    {
                        Some(&t) => themes[t].entries.push(foreign_entry(entry, number)),
                        None => problem(
                            &mut draft,
                            number,
                            format!("{entry:?}: category {category} is not in the category table"),
                        ),
                    }
                }
            }
        }
    }
    if part < 2 && draft.problems.is_empty() {
        draft.problems.push(Problem {
            line: None,
            place: String::new(),
            message: "the category table is not closed by a second `%` line".into(),
        });
    }
    unique_ids(&mut themes);
    draft.themes = themes;
    draft
}

/// An entry line's entry and its category ids: fields after the first tab
/// are categories; without tabs, the trailing words that name categories.
fn split_entry<'l>(line: &'l str, ids: &HashMap<String, usize>) -> (&'l str, Vec<&'l str>) {
    if let Some((entry, rest)) = line.split_once('\t') {
        return (entry.trim(), rest.split_whitespace().collect());
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let is_category = |w: &str| {
        ids.contains_key(w.trim_start_matches('0'))
            || ids.contains_key(w)
            || w.contains(['(', ')', '/'])
            || w.bytes().all(|b| b.is_ascii_digit())
    };
    let split = words
        .iter()
        .rposition(|w| !is_category(w))
        .map_or(0, |p| p + 1);
    let entry_end = if split == 0 {
        0
    } else {
        let last = words[split - 1];
        let offset = last.as_ptr() as usize - line.as_ptr() as usize;
        offset + last.len()
    };
    (line[..entry_end].trim(), words[split..].to_vec())
}

/// Write `themes` as a `.dic`: categories numbered from 1 in order (named
/// by their labels), each entry once with all its categories, in order of
/// first appearance.
pub(super) fn write(themes: &[(String, String, Vec<String>)]) -> String {
    let mut out = String::from("%\n");
    for (n, (id, label, _)) in themes.iter().enumerate() {
        let name = if label.trim().is_empty() { id } else { label };
        out.push_str(&format!("{}\t{}\n", n + 1, name.replace(['\t', '\n'], " ")));
    }
    out.push_str("%\n");
    let mut order: Vec<&str> = Vec::new();
    let mut categories: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, (_, _, entries)) in themes.iter().enumerate() {
        for entry in entries {
            let list = categories.entry(entry.as_str()).or_default();
            if list.is_empty() {
                order.push(entry);
            }
            if !list.contains(&(n + 1)) {
                list.push(n + 1);
            }
        }
    }
    for entry in order {
        let ids: Vec<String> = categories[entry].iter().map(ToString::to_string).collect();
        out.push_str(&format!("{entry}\t{}\n", ids.join("\t")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(text: &str) -> Draft {
        read(text, Path::new("test.dic"))
    }

    #[test]
    fn reads_categories_entries_prefixes_and_phrases() {
        let d = draft("%\n1\tPosEmo\n02\tNeg Emo\n%\nhappy\t1\nabandon*\t2\nkind of\t1 2\nsad 2\n");
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        let ids: Vec<&str> = d.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["posemo", "neg_emo"]);
        assert_eq!(d.themes[1].label.as_deref(), Some("Neg Emo"));
        let texts = |t: usize| -> Vec<String> {
            d.themes[t].entries.iter().map(|e| e.text.clone()).collect()
        };
        assert_eq!(texts(0), ["=happy", "=kind =of"]);
        assert_eq!(texts(1), ["abandon*", "=kind =of", "=sad"]);
        assert_eq!(d.themes[1].entries[0].line, Some(6));
    }

    #[test]
    fn named_category_ids_are_read() {
        let d = draft("%\n1\tcare\n2\tharm\n%\nsafe*\tcare\nhurt\tharm care\n");
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        assert_eq!(d.themes[0].entries.len(), 2);
    }

    #[test]
    fn conditional_and_unknown_categories_are_refused_naming_the_line() {
        let d = draft("%\n1\tfunct\n2\tverb\n%\nlike\t02 134)125/464 (02 134)126\t1\nwalk\t9\n");
        assert_eq!(d.refused.len(), 1);
        assert_eq!(d.refused[0].line, Some(5));
        assert!(
            d.refused[0].reason.contains("`02 134)125/464 (02 134)126`"),
            "{:?}",
            d.refused
        );
        // The plain category after the conditional groups is read.
        assert_eq!(d.themes[0].entries[0].text, "=like");
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].line, Some(6));
        assert!(
            d.problems[0]
                .message
                .contains("category 9 is not in the category table")
        );
    }

    #[test]
    fn wildcards_inside_a_word_cannot_be_expressed() {
        let d = draft("%\n1\ta\n%\nco*design\t1\n");
        let entry = &d.themes[0].entries[0];
        assert!(
            entry
                .refused
                .as_deref()
                .unwrap_or_default()
                .contains("cannot be expressed")
        );
    }

    #[test]
    fn writes_what_it_reads() {
        let themes = vec![
            (
                "posemo".to_owned(),
                "PosEmo".to_owned(),
                vec!["happy".to_owned(), "kind of".to_owned()],
            ),
            (
                "negemo".to_owned(),
                String::new(),
                vec!["abandon*".to_owned(), "kind of".to_owned()],
            ),
        ];
        let text = write(&themes);
        assert_eq!(
            text,
            "%\n1\tPosEmo\n2\tnegemo\n%\nhappy\t1\nkind of\t1\t2\nabandon*\t2\n"
        );
        let d = draft(&text);
        assert!(d.problems.is_empty());
        assert_eq!(d.themes[1].entries.len(), 2);
    }
}
