//! LIWC-22's `.dicx`: CSV whose header names the categories after the
//! first column; each row is an entry (as in `.dic`: `*` ends a prefix,
//! several words make a phrase) marked `X` in the columns of its
//! categories. Weighted dictionaries (numbers instead of marks) give each
//! word a weight, which threadlens's counts do not have: they are refused.

use std::path::Path;

use threadlens_model::config::Problem;

use super::{Draft, DraftTheme, foreign_entry, theme_id, unique_ids};

/// Read a `.dicx` file into a draft.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut draft = Draft::foreign(path);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut themes: Vec<DraftTheme> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                draft.problems.push(Problem {
                    line: e.position().map(|p| p.line() as usize),
                    place: String::new(),
                    message: format!("not valid CSV: {e}"),
                });
                continue;
            }
        };
        let number = record.position().map_or(i + 1, |p| p.line() as usize);
        if i == 0 {
            for name in record.iter().skip(1) {
                themes.push(DraftTheme {
                    id: theme_id(name),
                    line: Some(1),
                    label: Some(name.trim().to_owned()),
                    ..DraftTheme::default()
                });
            }
            if themes.is_empty() {
                draft.problems.push(Problem {
                    line: Some(1),
                    place: String::new(),
                    message: "the header names no category after the entry column".into(),
                });
            }
            continue;
        }
        let entry = record.get(0).unwrap_or_default().trim();
        if entry.is_empty() {
            continue;
        }
        for (t, mark) in record.iter().skip(1).enumerate() {
            let mark = mark.trim();
            if mark.is_empty() {
                continue;
            }
            let Some(theme) = themes.get_mut(t) else {
                draft.problems.push(Problem {
                    line: Some(number),
                    place: String::new(),
                    message: format!("{entry:?} has more columns than the header"),
                });
                break;
            };
            if !matches!(mark, "X" | "x" | "1") {
                draft.problems.push(Problem {
                    line: Some(number),
                    place: format!("category {:?}", theme.label.as_deref().unwrap_or_default()),
                    message: format!(
                        "{entry:?} is marked {mark:?}: weighted dictionaries are not read (threadlens counts each match once); mark membership with X"
                    ),
                });
                continue;
            }
            theme.entries.push(foreign_entry(entry, number));
        }
    }
    unique_ids(&mut themes);
    draft.themes = themes;
    draft
}

/// Write `themes` as a `.dicx`: the header `DicTerm` and the categories'
/// labels, then one row per entry (in order of first appearance) with `X`
/// in its categories' columns.
pub(super) fn write(themes: &[(String, String, Vec<String>)]) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["DicTerm".to_owned()];
    header.extend(themes.iter().map(|(id, label, _)| {
        if label.trim().is_empty() {
            id.clone()
        } else {
            label.clone()
        }
    }));
    let _ = out.write_record(&header);
    let mut order: Vec<&str> = Vec::new();
    for (_, _, entries) in themes {
        for entry in entries {
            if !order.contains(&entry.as_str()) {
                order.push(entry);
            }
        }
    }
    for entry in order {
        let mut row = vec![entry.to_owned()];
        row.extend(themes.iter().map(|(_, _, entries)| {
            if entries.iter().any(|e| e == entry) {
                "X".to_owned()
            } else {
                String::new()
            }
        }));
        let _ = out.write_record(&row);
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_marks_and_refuses_weights() {
        let d = read(
            "DicTerm,Pos Emo,Neg\nhappy,X,\nabandon*,,X\nkind of,X,x\nmeh,0.5,\n",
            Path::new("t.dicx"),
        );
        assert_eq!(d.themes[0].id, "pos_emo");
        let texts: Vec<&str> = d.themes[0]
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(texts, ["=happy", "=kind =of"]);
        assert_eq!(d.themes[1].entries.len(), 2);
        assert_eq!(d.problems.len(), 1);
        assert_eq!(d.problems[0].line, Some(5));
        assert!(d.problems[0].message.contains("weighted"));
    }

    #[test]
    fn writes_what_it_reads() {
        let themes = vec![
            (
                "a".to_owned(),
                "A, first".to_owned(),
                vec!["x".to_owned(), "y*".to_owned()],
            ),
            ("b".to_owned(), String::new(), vec!["y*".to_owned()]),
        ];
        let text = write(&themes);
        assert_eq!(text, "DicTerm,\"A, first\",b\nx,X,\ny*,X,X\n");
        let d = read(&text, Path::new("t.dicx"));
        assert!(d.problems.is_empty());
        assert_eq!(d.themes[0].label.as_deref(), Some("A, first"));
    }
}
