//! Lexicoder's `.lc3`: a line `+category` opens a category, and each line
//! after it, to the next `+`, is one of its entries (`*` ends a prefix,
//! several words make a phrase).

use std::path::Path;

use threadlens_model::config::Problem;

use super::{Draft, DraftTheme, foreign_entry, theme_id, unique_ids};

/// Read a `.lc3` file into a draft.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut draft = Draft::foreign(path);
    let mut themes: Vec<DraftTheme> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('+') {
            themes.push(DraftTheme {
                id: theme_id(name),
                line: Some(number),
                label: Some(name.trim().to_owned()),
                ..DraftTheme::default()
            });
            continue;
        }
        match themes.last_mut() {
            Some(theme) => theme.entries.push(foreign_entry(line, number)),
            None => draft.problems.push(Problem {
                line: Some(number),
                place: String::new(),
                message: format!("{line:?} comes before any `+category` line"),
            }),
        }
    }
    unique_ids(&mut themes);
    draft.themes = themes;
    draft
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_categories_and_their_entries() {
        let d = read(
            "+negative\nabandon*\na lie*\n\n+positive\nable\n",
            Path::new("lsd.lc3"),
        );
        assert!(d.problems.is_empty());
        let texts: Vec<&str> = d.themes[0]
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(texts, ["abandon*", "=a lie*"]);
        assert_eq!(d.themes[1].id, "positive");
        assert_eq!(d.name, "lsd");
        let d = read("orphan\n+x\n", Path::new("t.lc3"));
        assert_eq!(d.problems[0].line, Some(1));
    }
}
