//! The lexicon audit as tables (`audit_entries`, `audit_forms`,
//! `audit_near_misses`) and a Markdown summary: what each entry really
//! catches, and what the corpus says that no entry catches.

use std::fmt::Write;

use polars::prelude::*;
use threadlens_process::{AuditReport, Lexicon};

use crate::Table;
use crate::html::escape_html;

/// The audit's three tables.
pub fn audit_tables(report: &AuditReport, lexicon: &Lexicon) -> PolarsResult<Vec<Table>> {
    let themes = &lexicon.themes;
    let entry_text = |t: usize, e: usize| themes[t].entries[e].text.as_str();
    let rows = &report.entries;
    let entries = df!(
        "theme" => rows.iter().map(|r| themes[r.theme].id.as_str()).collect::<Vec<_>>(),
        "entry" => rows.iter().map(|r| entry_text(r.theme, r.entry)).collect::<Vec<_>>(),
        "kind" => rows.iter().map(|r| r.kind).collect::<Vec<_>>(),
        "hits" => rows.iter().map(|r| r.hits).collect::<Vec<_>>(),
        "posts" => rows.iter().map(|r| r.posts).collect::<Vec<_>>(),
        "share_of_theme_hits" => rows.iter().map(|r| r.share_of_theme_hits).collect::<Vec<_>>(),
        "candidates" => rows.iter().map(|r| r.candidates).collect::<Vec<_>>(),
        "never_counted" => rows.iter().map(|r| r.never_counted).collect::<Vec<_>>(),
        "shared_with" => rows.iter().map(|r| {
            r.shared_with.iter().map(|&u| themes[u].id.as_str()).collect::<Vec<_>>().join(" ")
        }).collect::<Vec<_>>(),
    )?;
    let forms = &report.forms;
    let forms = df!(
        "theme" => forms.iter().map(|f| themes[f.theme].id.as_str()).collect::<Vec<_>>(),
        "entry" => forms.iter().map(|f| entry_text(f.theme, f.entry)).collect::<Vec<_>>(),
        "form" => forms.iter().map(|f| f.form.as_str()).collect::<Vec<_>>(),
        "hits" => forms.iter().map(|f| f.hits).collect::<Vec<_>>(),
    )?;
    let misses = &report.near_misses;
    let near_misses = df!(
        "form" => misses.iter().map(|n| n.form.as_str()).collect::<Vec<_>>(),
        "kind" => misses.iter().map(|n| n.kind).collect::<Vec<_>>(),
        "resembles" => misses.iter().map(|n| n.resembles.as_str()).collect::<Vec<_>>(),
        "theme" => misses.iter().map(|n| themes[n.theme].id.as_str()).collect::<Vec<_>>(),
        "entry" => misses.iter().map(|n| entry_text(n.theme, n.entry)).collect::<Vec<_>>(),
        "occurrences" => misses.iter().map(|n| n.occurrences).collect::<Vec<_>>(),
        "posts" => misses.iter().map(|n| n.posts).collect::<Vec<_>>(),
    )?;
    Ok(vec![
        Table {
            name: "audit_entries",
            frame: entries,
        },
        Table {
            name: "audit_forms",
            frame: forms,
        },
        Table {
            name: "audit_near_misses",
            frame: near_misses,
        },
    ])
}

/// The findings in a few lines each: entries that never matched, entries
/// that matched but never counted, entries shared by themes, the forms each
/// wildcard and stem entry caught (up to `forms_shown` each), and the most
/// frequent near misses.
pub struct AuditFindings {
    /// Sections, each a heading and its lines (plain text; escape for
    /// where they go).
    pub sections: Vec<(String, Vec<String>)>,
}

impl AuditFindings {
    /// Read the findings off a report.
    pub fn new(report: &AuditReport, lexicon: &Lexicon, forms_shown: usize) -> AuditFindings {
        let themes = &lexicon.themes;
        let name = |t: usize, e: usize| format!("{} `{}`", themes[t].id, themes[t].entries[e].text);
        let mut sections = Vec::new();
        let never: Vec<String> = report
            .entries
            .iter()
            .filter(|r| r.hits == 0 && r.candidates == 0)
            .map(|r| name(r.theme, r.entry))
            .collect();
        sections.push(("Entries that never matched".to_owned(), never));
        let lost: Vec<String> = report
            .entries
            .iter()
            .filter(|r| r.never_counted)
            .map(|r| {
                format!(
                    "{}: could match {} times, another entry of the theme always won",
                    name(r.theme, r.entry),
                    r.candidates
                )
            })
            .collect();
        sections.push(("Entries that matched but never counted".to_owned(), lost));
        let shared: Vec<String> = report
            .entries
            .iter()
            .filter(|r| !r.shared_with.is_empty())
            .map(|r| {
                let others: Vec<&str> = r
                    .shared_with
                    .iter()
                    .map(|&u| themes[u].id.as_str())
                    .collect();
                format!("{}: also in {}", name(r.theme, r.entry), others.join(", "))
            })
            .collect();
        sections.push(("Entries shared by themes".to_owned(), shared));
        let mut caught = Vec::new();
        for r in report
            .entries
            .iter()
            .filter(|r| matches!(r.kind, "prefix" | "stem") && r.hits > 0)
        {
            let forms: Vec<String> = report
                .forms
                .iter()
                .filter(|f| (f.theme, f.entry) == (r.theme, r.entry))
                .take(forms_shown)
                .map(|f| format!("{} {}", f.form, f.hits))
                .collect();
            let all = report
                .forms
                .iter()
                .filter(|f| (f.theme, f.entry) == (r.theme, r.entry))
                .count();
            let more = if all > forms_shown {
                format!(", and {} more", all - forms_shown)
            } else {
                String::new()
            };
            caught.push(format!(
                "{} → {}{more}",
                name(r.theme, r.entry),
                forms.join(", ")
            ));
        }
        sections.push(("Forms caught by prefix and stem entries".to_owned(), caught));
        let misses: Vec<String> = report
            .near_misses
            .iter()
            .map(|n| {
                format!(
                    "{} ({} times, {}): like `{}` of {} `{}`",
                    n.form,
                    n.occurrences,
                    n.kind.replace('_', " "),
                    n.resembles,
                    themes[n.theme].id,
                    themes[n.theme].entries[n.entry].text
                )
            })
            .collect();
        sections.push(("Near misses (no entry matches them)".to_owned(), misses));
        AuditFindings { sections }
    }

    /// As Markdown (`audit.md`), the text escaped for Markdown.
    pub fn markdown(&self, title: &str) -> String {
        let escape = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('|', "\\|")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('*', "\\*")
                .replace('_', "\\_")
        };
        let mut out = format!("# {}\n", escape(title));
        for (heading, lines) in &self.sections {
            let _ = write!(out, "\n## {heading}\n\n");
            if lines.is_empty() {
                out.push_str("None.\n");
            }
            for line in lines {
                let _ = writeln!(out, "- {}", escape(line));
            }
        }
        out
    }

    /// As HTML, for the report's page (escaped).
    pub fn html(&self) -> String {
        let mut out = String::new();
        for (heading, lines) in &self.sections {
            let _ = write!(out, "<h3>{}</h3>", escape_html(heading));
            if lines.is_empty() {
                out.push_str("<p>None.</p>");
                continue;
            }
            out.push_str("<ul>");
            for line in lines {
                let _ = write!(out, "<li>{}</li>", escape_html(line));
            }
            out.push_str("</ul>");
        }
        out
    }
}
