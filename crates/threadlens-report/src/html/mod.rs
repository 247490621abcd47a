//! `report.html`: one self-contained page (inline CSS and SVG, no scripts,
//! no fetches) an analyst can hand to a board: the event and its headline
//! figures first, the engagement table, the charts, a card per slot, then
//! the data tables and a methods box. It prints to A4. Every piece of text
//! from the data is HTML-escaped.
//!
//! `event.rs` writes the headline, the engagement table and the slot
//! cards; `charts.rs` the SVG charts from the pieces in `svg.rs`;
//! `words.rs` formats numbers and local times.

mod charts;
mod event;
mod network;
mod svg;

use std::fmt::Write as _;

use polars::prelude::*;

use crate::bootstrap::ThemeIntervals;
use crate::overview::Overview;
use crate::summary::{ACTIVITY_BUCKET_MIN, Table};

/// The page's file name.
pub const HTML_FILE: &str = "report.html";

/// What the methods box says.
#[derive(Debug, Clone)]
pub struct Methods {
    /// `threadlens <version>`.
    pub tool: String,
    /// The scoring contract's version.
    pub scoring_spec: String,
    /// Lexicon name and version.
    pub lexicon: String,
    /// The lexicon file's SHA-256.
    pub lexicon_sha256: String,
    /// Posts scored.
    pub posts: u64,
    /// Posts left out (reposts).
    pub left_out: u64,
    /// Records rejected at import.
    pub rejects: u64,
    /// When the report was made (RFC 3339).
    pub generated_at: String,
    /// How the intervals were computed, in a sentence.
    pub intervals: String,
}

/// Everything the page shows.
#[derive(Debug, Clone)]
pub struct HtmlReport<'a> {
    /// The title, headline figures, schedule and series.
    pub overview: Overview<'a>,
    /// The summary tables, by name.
    pub tables: &'a [Table],
    /// The methods box.
    pub methods: Methods,
    /// The lexicon audit's findings, rendered (`report --audit`).
    pub audit: Option<String>,
    /// The conversation network and its measures (`report --network`).
    pub network: Option<crate::MeasuredNetwork<'a>>,
}

/// Render the page and write it to `path`, atomically.
pub fn write_html(path: &std::path::Path, report: &HtmlReport<'_>) -> crate::Result<()> {
    let page = render_html(report);
    threadlens_store::write_atomically(path, |out| {
        std::io::Write::write_all(out, page.as_bytes()).map_err(|source| crate::Error::Io {
            path: path.to_owned(),
            source,
        })
    })
}

/// `text` with `& < > " '` as entities.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style sheet: screen, phone (under 640 px) and print (A4).
const STYLE: &str = include_str!("style.css");

/// Render the page.
pub fn render_html(report: &HtmlReport<'_>) -> String {
    let overview = &report.overview;
    let (page, schedule, tz) = (overview.page, overview.schedule, overview.timezone);
    let title = escape_html(overview.title);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>\n<header><h1>{title}</h1>{}</header>\n",
        event::subtitle(overview)
    );
    let table = |name: &str| report.tables.iter().find(|t| t.name == name);
    section(
        &mut out,
        "glance",
        "At a glance",
        &event::headline(overview),
    );
    let event = page.event.as_ref().zip(schedule);
    if let Some((event, schedule)) = event {
        section(
            &mut out,
            "engagement",
            "Engagement per slot",
            &event::engagement_table(event, schedule),
        );
        if !page.activity.is_empty() {
            section(
                &mut out,
                "activity",
                "Activity over the event",
                &(chart(&charts::activity(&page.activity, schedule, tz))
                    + &event::slot_key(schedule)
                    + &format!(
                        "<p>Posts per {ACTIVITY_BUCKET_MIN} minutes from an hour before the first slot to two hours after the last, reposts left out; the shaded bands are the slots, numbered as in the key.</p>"
                    )),
            );
        }
        let boot = table("theme_by_slot").and_then(|t| boot_by_slot(&t.frame, page.themes.len()));
        section(
            &mut out,
            "share-per-slot",
            "Theme share per slot",
            &(chart(&charts::share_per_slot(
                &event.rows,
                schedule,
                &page.themes,
                boot.as_deref(),
            )) + &charts::legend(&page.themes)
                + if boot.is_some() {
                    "<p>The share of each slot's posts with at least one hit for the theme; the line across each bar is its 95% bootstrap interval.</p>"
                } else {
                    "<p>The share of each slot's posts with at least one hit for the theme; the line across each bar is its 95% Wilson interval.</p>"
                }),
        );
    }
    if !page.over_time.is_empty() {
        section(
            &mut out,
            "over-time",
            "Theme frequency over time",
            &(chart(&charts::over_time(
                &page.over_time,
                &page.themes,
                page.period,
                tz,
            )) + &charts::legend(&page.themes)
                + &format!(
                    "<p>Hits per {} for each theme, at the start of each {} in local time (the table theme_by_period).</p>",
                    page.period.name(),
                    page.period.name()
                )),
        );
    }
    if let Some((event, schedule)) = event {
        section(
            &mut out,
            "slots",
            "Slot by slot",
            &event::slot_cards(event, schedule, &page.themes),
        );
    }
    if let Some(measured) = &report.network {
        section(
            &mut out,
            "network",
            "Who talks to whom",
            &network::section(measured),
        );
    }
    for (name, id, heading) in [
        ("theme_summary", "themes", "Themes"),
        ("top_contributors", "contributors", "Top contributors"),
        ("top_terms", "entries", "Entries that matched most"),
    ] {
        if let Some(t) = table(name) {
            section(&mut out, id, heading, &html_table(&t.frame, "data"));
        }
    }
    if let Some(t) = table("kwic") {
        section(
            &mut out,
            "kwic",
            "Keyword in context (a sample per theme)",
            &html_table(&t.frame, "data kwic"),
        );
    }
    if let Some(t) = table("validation") {
        section(
            &mut out,
            "validation",
            "Validation by hand coding",
            &(html_table(&t.frame, "data")
                + "<p>Precision: relevant among coded hits, with its 95% Wilson interval. Recall: estimated from coded posts with and without a hit, each stratum weighted by its size; its interval and F1's combine the strata's 97.5% Wilson intervals.</p>"),
        );
    }
    if let Some(audit) = &report.audit {
        let mut body = audit.clone();
        if let Some(t) = table("audit_near_misses") {
            body.push_str(&html_table(&t.frame, "data"));
        }
        section(&mut out, "audit", "Lexicon audit", &body);
    }
    section(&mut out, "methods", "Methods", &methods(&report.methods));
    out.push_str("</main></body></html>\n");
    out
}

/// A section: `keep` ones are not split across printed pages.
fn section(page: &mut String, id: &str, heading: &str, body: &str) {
    let keep = matches!(
        id,
        "glance" | "engagement" | "activity" | "share-per-slot" | "over-time" | "methods"
    );
    let _ = write!(
        page,
        "<section id=\"{id}\"{}><h2>{}</h2>\n{body}</section>\n",
        if keep { " class=\"keep\"" } else { "" },
        escape_html(heading)
    );
}

/// A chart in a box that scrolls sideways on a phone.
fn chart(svg: &str) -> String {
    format!("<div class=\"chart-wrap\">{svg}</div>")
}

/// With a bootstrap, `theme_by_slot`'s intervals per group (slots, then
/// `outside`) per theme; rows are group-major, themes in lexicon order.
fn boot_by_slot(frame: &DataFrame, themes: usize) -> Option<Vec<ThemeIntervals>> {
    let column = |name: &str| -> Option<Vec<Option<f64>>> {
        Some(frame.column(name).ok()?.f64().ok()?.iter().collect())
    };
    let (low, high) = (
        column("share_of_posts_boot_low")?,
        column("share_of_posts_boot_high")?,
    );
    let pairs: Vec<Option<(f64, f64)>> = low.into_iter().zip(high).map(|(l, h)| l.zip(h)).collect();
    Some(pairs.chunks(themes.max(1)).map(<[_]>::to_vec).collect())
}

/// A table as HTML, every cell escaped: whole numbers with thousands
/// separators, shares as percentages, other fractions to three places,
/// numbers right-aligned.
fn html_table(frame: &DataFrame, class: &str) -> String {
    let mut out = format!("<div class=\"scroll\"><table class=\"{class}\"><thead><tr>");
    for column in frame.columns() {
        let numeric = column.dtype().is_primitive_numeric();
        let _ = write!(
            out,
            "<th{}>{}</th>",
            if numeric { " class=\"n\"" } else { "" },
            escape_html(column.name())
        );
    }
    out.push_str("</tr></thead><tbody>");
    for row in 0..frame.height() {
        out.push_str("<tr>");
        for column in frame.columns() {
            let name = column.name().as_str();
            let value = column.get(row).unwrap_or(AnyValue::Null);
            let text = match value {
                AnyValue::Null => String::new(),
                AnyValue::String(s) => s.to_owned(),
                AnyValue::Float64(x) if name.contains("share") => crate::words::percent(x),
                AnyValue::Float64(x) => format!("{x:.3}")
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_owned(),
                AnyValue::UInt64(n) => crate::words::thousands(n),
                AnyValue::UInt32(n) => crate::words::thousands(u64::from(n)),
                AnyValue::Int64(n) if n >= 0 => crate::words::thousands(n as u64),
                other => other.to_string(),
            };
            let cell_class = match (column.dtype().is_primitive_numeric(), name) {
                (true, _) => " class=\"n\"",
                (_, "left") if class.contains("kwic") => " class=\"l\"",
                (_, "match") if class.contains("kwic") => " class=\"m\"",
                _ => "",
            };
            let _ = write!(out, "<td{cell_class}>{}</td>", escape_html(&text));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

fn methods(m: &Methods) -> String {
    let rows = [
        ("Tool", m.tool.clone()),
        (
            "Scoring contract",
            format!("text-processing.md {}", m.scoring_spec),
        ),
        ("Lexicon", m.lexicon.clone()),
        ("Lexicon SHA-256", m.lexicon_sha256.clone()),
        ("Posts scored", m.posts.to_string()),
        ("Reposts left out", m.left_out.to_string()),
        ("Records rejected at import", m.rejects.to_string()),
        ("Generated", m.generated_at.clone()),
        ("Intervals", m.intervals.clone()),
    ];
    let mut out = String::from("<dl class=\"methods\">");
    for (k, v) in rows {
        let _ = write!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            escape_html(k),
            escape_html(&v)
        );
    }
    out.push_str("</dl><p>A post's score for a theme is 100 × hits / words; hits are counted as text-processing.md defines them. Reposts are not scored.</p>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape_html("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn the_page_escapes_every_cell_and_fetches_nothing() {
        let tables = vec![Table {
            name: "kwic",
            frame: df!(
                "post_id" => ["1"],
                "theme" => ["candour"],
                "entry" => ["honest"],
                "left" => ["<script>alert(1)</script> "],
                "match" => ["honest"],
                "right" => [" <img src=x onerror=alert(2)>"],
            )
            .unwrap(),
        }];
        let data = crate::PageData {
            posts: 1,
            participants: 1,
            replies: 0,
            themes: vec![crate::ThemeShare {
                id: "candour".into(),
                label: "Candour <i>".into(),
                share: Some(1.0),
                interval: Some((0.2, 1.0)),
            }],
            event: None,
            over_time: Vec::new(),
            period: crate::Period::Day,
            activity: Vec::new(),
        };
        // A network whose handles and theme are markup.
        let at = threadlens_model::parse_timestamp("2022-06-28T09:00:00Z").unwrap();
        let mut builder = threadlens_network::NetworkBuilder::new();
        for (id, author, mention) in [
            ("1", "<script>x", "<img onerror=y>"),
            ("2", "<img onerror=y>", "<script>x"),
        ] {
            let mut post = threadlens_model::Post::minimal(threadlens_model::Platform::X, id, at);
            post.author_handle = author.into();
            post.mentions = vec![mention.into()];
            builder.add_scored(&post, &[1]);
        }
        let mut network = builder.finish();
        network.mark_hosts(["<script>x"]);
        let measures = threadlens_network::measure(&network, &Default::default());
        let themes = ["<i>".to_owned()];
        let page = render_html(&HtmlReport {
            network: Some(crate::MeasuredNetwork {
                network: &network,
                measures: &measures,
                themes: &themes,
                first_slot: None,
            }),
            overview: Overview {
                title: "Day <b>",
                page: &data,
                schedule: None,
                timezone: chrono_tz::Tz::UTC,
            },
            tables: &tables,
            audit: Some("<li>an <b>escaped</b> finding</li>".replace('<', "&lt;")),
            methods: Methods {
                tool: "threadlens 0.1.0".into(),
                scoring_spec: "v1".into(),
                lexicon: "l 1".into(),
                lexicon_sha256: "ab".into(),
                posts: 1,
                left_out: 0,
                rejects: 0,
                generated_at: "now".into(),
                intervals: "Wilson".into(),
            },
        });
        assert!(
            !page.contains("<script>") && !page.contains("<img"),
            "{page}"
        );
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        // The network's labels, table cells and titles are escaped too.
        assert!(page.contains("<section id=\"network\""), "{page}");
        assert!(page.contains("<title>&lt;script&gt;x</title>"), "{page}");
        assert!(page.contains("&lt;i&gt; 100%"), "{page}");
        assert!(page.contains("<title>Day &lt;b&gt;</title>"));
        assert!(page.contains("Candour &lt;i&gt;") && !page.contains("<i>"));
        for fetch in ["http://", "https://", "src=", "<link", "@import"] {
            assert!(!page.replace("src=x", "").contains(fetch), "{fetch}");
        }
    }
}
