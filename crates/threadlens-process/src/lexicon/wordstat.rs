//! WordStat's `.cat`: categories and entries one per line, nested by
//! leading tabs; an entry ends with its weight in parentheses,
//! `ABANDON* (1)`, a category line has none. Nested categories become
//! `parent_child` theme ids, as quanteda flattens them. Weights other than
//! 1 are refused (threadlens counts each match once).

use std::path::Path;

use threadlens_model::config::Problem;

use super::{Draft, DraftTheme, foreign_entry, leaf_themes, theme_id};

/// Read a `.cat` file into a draft.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut draft = Draft::foreign(path);
    let mut themes: Vec<DraftTheme> = Vec::new();
    // The open categories: (depth, index into `themes`).
    let mut open: Vec<(usize, usize)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let depth = raw.len() - raw.trim_start_matches('\t').len();
        let line = raw.trim();
        while open.last().is_some_and(|&(d, _)| d >= depth) {
            open.pop();
        }
        if let Some((entry, weight)) = entry_and_weight(line) {
            let Some(&(_, theme)) = open.last() else {
                draft.problems.push(Problem {
                    line: Some(number),
                    place: String::new(),
                    message: format!("{line:?} comes before any category"),
                });
                continue;
            };
            if weight != "1" {
                draft.problems.push(Problem {
                    line: Some(number),
                    place: String::new(),
                    message: format!(
                        "{entry:?} has weight {weight}: weighted entries are not read (threadlens counts each match once)"
                    ),
                });
                continue;
            }
            themes[theme]
                .entries
                .push(foreign_entry(&entry.to_lowercase(), number));
            continue;
        }
        let id = match open.last() {
            Some(&(_, parent)) => format!("{}_{}", themes[parent].id, theme_id(line)),
            None => theme_id(line),
        };
        open.push((depth, themes.len()));
        themes.push(DraftTheme {
            id,
            line: Some(number),
            label: Some(line.to_owned()),
            ..DraftTheme::default()
        });
    }
    draft.themes = leaf_themes(themes);
    draft
}

/// `ENTRY (w)` as the entry and its weight.
fn entry_and_weight(line: &str) -> Option<(&str, &str)> {
    let body = line.strip_suffix(')')?;
    let open = body.rfind(" (")?;
    let weight = &body[open + 2..];
    weight
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        .then(|| (body[..open].trim(), weight))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_categories_and_weighted_entries() {
        let d = read(
            "ECONOMY\n\tTAXES\n\t\tTAX* (1)\n\t\tLEVY (1)\n\tJOBS\n\t\tJOBLESS (1)\n\t\tWORK (2)\nCULTURE\n\tART* (1)\n",
            Path::new("rid.cat"),
        );
        let ids: Vec<&str> = d.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["economy_taxes", "economy_jobs", "culture"]);
        let texts: Vec<&str> = d.themes[0]
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(texts, ["tax*", "=levy"]);
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].line, Some(7));
        assert!(d.problems[0].message.contains("weight 2"));
    }
}
