//! Yoshikoder's `.ykd`: XML, a `<dictionary>` of `<cnode name="...">`
//! categories (nested ones become `parent_child` theme ids) holding
//! `<pnode name="pattern"/>` entries (`*` ends a prefix, several words make
//! a phrase).

use std::path::Path;

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use threadlens_model::config::{Problem, line_of};

use super::{Draft, DraftTheme, foreign_entry, leaf_themes, theme_id};

/// Read a `.ykd` file into a draft.
pub(super) fn read(text: &str, path: &Path) -> Draft {
    let mut draft = Draft::foreign(path);
    let mut reader = Reader::from_str(text);
    let mut themes: Vec<DraftTheme> = Vec::new();
    // The open `cnode`s, as indexes into `themes`.
    let mut open: Vec<usize> = Vec::new();
    loop {
        let at = line_of(text, reader.buffer_position() as usize);
        match reader.read_event() {
            Ok(Event::Start(node)) if node.name().as_ref() == "cnode" => {
                let name = attribute(&node, "name").unwrap_or_default();
                let id = match open.last() {
                    Some(&parent) => format!("{}_{}", themes[parent].id, theme_id(&name)),
                    None => theme_id(&name),
                };
                open.push(themes.len());
                themes.push(DraftTheme {
                    id,
                    line: Some(at),
                    label: Some(name),
                    ..DraftTheme::default()
                });
            }
            Ok(Event::End(node)) if node.name().as_ref() == "cnode" => {
                open.pop();
            }
            Ok(Event::Empty(node) | Event::Start(node)) if node.name().as_ref() == "pnode" => {
                let pattern = attribute(&node, "name").unwrap_or_default();
                match open.last() {
                    Some(&theme) => themes[theme]
                        .entries
                        .push(foreign_entry(&pattern.to_lowercase(), at)),
                    None => draft.problems.push(Problem {
                        line: Some(at),
                        place: String::new(),
                        message: format!("pattern {pattern:?} is outside any category (cnode)"),
                    }),
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                draft.problems.push(Problem {
                    line: Some(at),
                    place: String::new(),
                    message: format!("not valid XML: {e}"),
                });
                break;
            }
        }
    }
    draft.themes = leaf_themes(themes);
    draft
}

/// The unescaped value of attribute `key`.
fn attribute(node: &BytesStart<'_>, key: &str) -> Option<String> {
    node.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_cnodes_and_pnodes() {
        let d = read(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dictionary style=\"008\" name=\"t\">\n<cnode name=\"Economy\">\n<cnode name=\"Tax &amp; spend\">\n<pnode name=\"tax*\"/>\n<pnode name=\"public spending\"/>\n</cnode>\n</cnode>\n<cnode name=\"Art\"><pnode name=\"art*\"/></cnode>\n</dictionary>\n",
            Path::new("t.ykd"),
        );
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        let ids: Vec<&str> = d.themes.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["economy_tax_spend", "art"]);
        assert_eq!(d.themes[0].label.as_deref(), Some("Tax & spend"));
        let texts: Vec<&str> = d.themes[0]
            .entries
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(texts, ["tax*", "=public =spending"]);
        assert_eq!(d.themes[0].entries[1].line, Some(6));
    }
}
