//! `report.html`: one self-contained page (inline CSS and SVG, no scripts,
//! no fetches) for sharing: the activity timeline with the slots shaded,
//! theme share per slot, theme frequency over time, the engagement and
//! contributor tables, keyword-in-context lines and a methods box. Every
//! piece of text from the data is HTML-escaped.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use polars::prelude::*;

use crate::schedule::Schedule;
use crate::summary::{ACTIVITY_BUCKET_MIN, Table};

/// The page's file name.
pub const HTML_FILE: &str = "report.html";

/// Colours for themes, in lexicon order (repeating after nine).
const PALETTE: [&str; 9] = [
    "#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#e07a5f", "#3d405b",
    "#81b29a",
];

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
    /// The page title (the event's name, or the lexicon's).
    pub title: String,
    /// The summary tables, by name.
    pub tables: &'a [Table],
    /// Posts per bucket over the event (empty without a schedule).
    pub activity: &'a [(DateTime<Utc>, u64)],
    /// The schedule, for shading slots.
    pub schedule: Option<&'a Schedule>,
    /// The timezone times are shown in.
    pub timezone: Tz,
    /// The methods box.
    pub methods: Methods,
    /// The lexicon audit's findings, rendered (`report --audit`).
    pub audit: Option<String>,
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

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;background:#fafafa;line-height:1.4}
main{max-width:960px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.75rem;margin:1rem 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3;position:sticky;top:0}
svg{width:100%;height:auto;display:block}svg text{font-size:11px;fill:#444}
.legend span{display:inline-block;margin-right:1rem;font-size:.85rem}
.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.kwic td.l{text-align:right}.kwic td.m{font-weight:bold}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}dt{color:#666}
@media (max-width:600px){main{padding:.5rem}th,td{padding:.2rem .3rem}}
";

/// Render the page.
pub fn render_html(report: &HtmlReport<'_>) -> String {
    let mut page = String::new();
    let title = escape_html(&report.title);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main>\n<h1>{title}</h1>\n"
    );
    let table = |name: &str| report.tables.iter().find(|t| t.name == name);
    let themes: Vec<String> = table("theme_summary")
        .map(|t| strings(&t.frame, "theme"))
        .unwrap_or_default();
    if !report.activity.is_empty() {
        section(&mut page, "Activity over the event", &timeline(report));
    }
    if let Some(t) = table("theme_by_slot") {
        section(
            &mut page,
            "Theme share per slot",
            &share_per_slot(&t.frame, &themes),
        );
    }
    if let Some(t) = table("theme_by_period") {
        section(
            &mut page,
            "Theme frequency over time",
            &over_time(&t.frame, &themes),
        );
    }
    for (name, heading) in [
        ("takeover_engagement", "Engagement per slot"),
        ("theme_summary", "Themes"),
        ("top_contributors", "Top contributors"),
        ("top_terms", "Entries that matched most"),
    ] {
        if let Some(t) = table(name) {
            section(&mut page, heading, &html_table(&t.frame, ""));
        }
    }
    if let Some(t) = table("kwic") {
        section(
            &mut page,
            "Keyword in context (a sample per theme)",
            &html_table(&t.frame, "kwic"),
        );
    }
    if let Some(t) = table("validation") {
        section(
            &mut page,
            "Validation by hand coding",
            &(html_table(&t.frame, "")
                + "<p>Precision: relevant among coded hits, with its 95% Wilson interval. Recall: estimated from coded posts with and without a hit, each stratum weighted by its size; its interval and F1's combine the strata's 97.5% Wilson intervals.</p>"),
        );
    }
    if let Some(audit) = &report.audit {
        let mut body = audit.clone();
        if let Some(t) = table("audit_near_misses") {
            body.push_str(&html_table(&t.frame, ""));
        }
        section(&mut page, "Lexicon audit", &body);
    }
    section(&mut page, "Methods", &methods(&report.methods));
    page.push_str("</main></body></html>\n");
    page
}

fn section(page: &mut String, heading: &str, body: &str) {
    let _ = write!(
        page,
        "<section><h2>{}</h2>\n{body}</section>\n",
        escape_html(heading)
    );
}

fn strings(frame: &DataFrame, name: &str) -> Vec<String> {
    frame
        .column(name)
        .ok()
        .and_then(|c| {
            c.str()
                .ok()
                .map(|s| s.iter().map(|v| v.unwrap_or("").to_owned()).collect())
        })
        .unwrap_or_default()
}

fn numbers(frame: &DataFrame, name: &str) -> Vec<f64> {
    frame
        .column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Float64).ok())
        .and_then(|c| {
            c.f64()
                .ok()
                .map(|s| s.iter().map(|v| v.unwrap_or(0.0)).collect())
        })
        .unwrap_or_default()
}

fn legend(themes: &[String]) -> String {
    let mut out = String::from("<p class=\"legend\">");
    for (t, theme) in themes.iter().enumerate() {
        let _ = write!(
            out,
            "<span><i style=\"background:{}\"></i>{}</span>",
            PALETTE[t % PALETTE.len()],
            escape_html(theme)
        );
    }
    out.push_str("</p>");
    out
}

/// Posts per bucket as bars, the slots shaded and labelled, hours marked.
fn timeline(report: &HtmlReport<'_>) -> String {
    let (w, h, left, bottom) = (800.0, 220.0, 36.0, 24.0);
    let buckets = report.activity;
    let n = buckets.len().max(1) as f64;
    let max = buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let first = buckets.first().map(|b| b.0.timestamp()).unwrap_or(0);
    let span = n * (ACTIVITY_BUCKET_MIN * 60) as f64;
    let x = |t: i64| left + (t - first) as f64 / span * (w - left);
    let plot_h = h - bottom - 16.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"posts per {ACTIVITY_BUCKET_MIN} minutes\">"
    );
    if let Some(schedule) = report.schedule {
        for (i, slot) in schedule.slots.iter().enumerate() {
            let (x0, x1) = (x(slot.start.timestamp()), x(slot.end.timestamp()));
            let fill = if i % 2 == 0 { "#e8f1f8" } else { "#f6eee0" };
            let _ = write!(
                svg,
                "<rect class=\"slot\" x=\"{x0:.1}\" y=\"0\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{}</title></rect>\
                 <text x=\"{:.1}\" y=\"11\">{}</text>",
                (x1 - x0).max(1.0),
                h - bottom,
                escape_html(&slot.title),
                x0 + 2.0,
                escape_html(&slot.id)
            );
        }
    }
    let bar_w = (w - left) / n;
    for (at, posts) in buckets {
        let bh = *posts as f64 / max * plot_h;
        let _ = write!(
            svg,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#1b6ca8\"><title>{}: {posts}</title></rect>",
            x(at.timestamp()),
            h - bottom - bh,
            (bar_w - 1.0).max(0.5),
            at.with_timezone(&report.timezone).format("%H:%M")
        );
        let local = at.with_timezone(&report.timezone);
        if local.format("%M").to_string() == "00" {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x(at.timestamp()),
                h - 6.0,
                local.format("%H:%M")
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"0\" y=\"{:.1}\">{max}</text><line x1=\"{left}\" y1=\"{:.1}\" x2=\"{w}\" y2=\"{:.1}\" stroke=\"#999\"/></svg>",
        h - bottom - plot_h + 10.0,
        h - bottom,
        h - bottom
    );
    svg.push_str(&format!(
        "<p>Posts per {ACTIVITY_BUCKET_MIN} minutes ({}); shaded: the slots.</p>",
        escape_html(report.timezone.name())
    ));
    svg
}

/// Per slot, a bar per theme: the share of its posts with a hit.
fn share_per_slot(frame: &DataFrame, themes: &[String]) -> String {
    let slots = strings(frame, "slot");
    let share = numbers(frame, "share_of_posts");
    // The whiskers: the bootstrap interval when there is one, else Wilson's.
    let (low, high) = if frame.column("share_of_posts_boot_low").is_ok() {
        (
            numbers(frame, "share_of_posts_boot_low"),
            numbers(frame, "share_of_posts_boot_high"),
        )
    } else {
        (
            numbers(frame, "share_of_posts_ci_low"),
            numbers(frame, "share_of_posts_ci_high"),
        )
    };
    let mut order: Vec<String> = Vec::new();
    for s in &slots {
        if !order.contains(s) {
            order.push(s.clone());
        }
    }
    let t = themes.len().max(1);
    let row_h = 8.0 * t as f64 + 10.0;
    let (w, left) = (800.0, 110.0);
    let h = row_h * order.len() as f64 + 20.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h:.0}\" role=\"img\" aria-label=\"theme share per slot\">"
    );
    for (r, slot) in order.iter().enumerate() {
        let y0 = r as f64 * row_h;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\">{}</text>",
            y0 + row_h / 2.0 + 3.0,
            escape_html(slot)
        );
        for (k, theme) in themes.iter().enumerate() {
            let row = slots
                .iter()
                .zip(strings(frame, "theme"))
                .position(|(s, th)| s == slot && &th == theme);
            let at = |v: &[f64]| row.and_then(|r| v.get(r).copied()).unwrap_or(0.0);
            let (value, lo, hi) = (at(&share), at(&low), at(&high));
            let scale = w - left - 60.0;
            let bw = value * scale;
            let y = y0 + 4.0 + k as f64 * 8.0;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{left}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"7\" fill=\"{}\"><title>{} · {}: {:.0}% (95% interval {:.0}–{:.0}%)</title></rect>\
                 <line class=\"whisker\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\" stroke-width=\"1\"/>",
                PALETTE[k % PALETTE.len()],
                escape_html(slot),
                escape_html(theme),
                value * 100.0,
                lo * 100.0,
                hi * 100.0,
                left + lo * scale,
                left + hi * scale,
                y + 3.5,
                y + 3.5,
            );
        }
    }
    svg.push_str("</svg>");
    svg + &legend(themes)
        + "<p>Share of each slot's posts with at least one hit; the line across each bar is its 95% interval.</p>"
}

/// Hits per period, a line per theme.
fn over_time(frame: &DataFrame, themes: &[String]) -> String {
    let periods = strings(frame, "period_start");
    let theme_of = strings(frame, "theme");
    let hits = numbers(frame, "hits");
    let mut labels: Vec<String> = Vec::new();
    for p in &periods {
        if !labels.contains(p) {
            labels.push(p.clone());
        }
    }
    let (w, h, left, bottom) = (800.0, 200.0, 36.0, 22.0);
    let max = hits.iter().copied().fold(1.0, f64::max);
    let n = labels.len().max(2) as f64 - 1.0;
    let x = |i: usize| left + i as f64 / n * (w - left - 10.0);
    let y = |v: f64| h - bottom - v / max * (h - bottom - 12.0);
    let mut svg =
        format!("<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"hits per period\">");
    for (k, theme) in themes.iter().enumerate() {
        let points: Vec<String> = labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let v = periods
                    .iter()
                    .zip(&theme_of)
                    .zip(&hits)
                    .find(|((p, t), _)| *p == label && *t == theme)
                    .map_or(0.0, |(_, v)| *v);
                format!("{:.1},{:.1}", x(i), y(v))
            })
            .collect();
        let colour = PALETTE[k % PALETTE.len()];
        let _ = write!(
            svg,
            "<polyline class=\"line\" fill=\"none\" stroke-width=\"2\" stroke=\"{colour}\" points=\"{}\"><title>{}</title></polyline>",
            points.join(" "),
            escape_html(theme)
        );
        // Dots too, so a single period still shows.
        for point in &points {
            if let Some((cx, cy)) = point.split_once(',') {
                let _ = write!(
                    svg,
                    "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"{colour}\"/>"
                );
            }
        }
    }
    let every = (labels.len() / 8).max(1);
    for (i, label) in labels.iter().enumerate().step_by(every) {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x(i) - 20.0,
            h - 6.0,
            escape_html(label)
        );
    }
    let _ = write!(svg, "<text x=\"0\" y=\"16\">{max}</text></svg>");
    svg + &legend(themes) + "<p>Hits per period (theme_by_period).</p>"
}

/// A table as HTML, every cell escaped, numbers right-aligned.
fn html_table(frame: &DataFrame, class: &str) -> String {
    let mut out = format!("<div class=\"scroll\"><table class=\"{class}\"><thead><tr>");
    for name in frame.get_column_names() {
        let _ = write!(out, "<th>{}</th>", escape_html(name));
    }
    out.push_str("</tr></thead><tbody>");
    for row in 0..frame.height() {
        out.push_str("<tr>");
        for column in frame.columns() {
            let value = column.get(row).unwrap_or(AnyValue::Null);
            let numeric = column.dtype().is_primitive_numeric();
            let text = match value {
                AnyValue::Null => String::new(),
                AnyValue::String(s) => s.to_owned(),
                AnyValue::Float64(x) => format!("{x:.3}")
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_owned(),
                other => other.to_string(),
            };
            let cell_class = match (numeric, class, column.name().as_str()) {
                (true, _, _) => " class=\"n\"",
                (_, "kwic", "left") => " class=\"l\"",
                (_, "kwic", "match") => " class=\"m\"",
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
    let mut out = String::from("<dl>");
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
        let page = render_html(&HtmlReport {
            title: "Day <b>".into(),
            tables: &tables,
            activity: &[],
            schedule: None,
            timezone: Tz::UTC,
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
        assert!(page.contains("<title>Day &lt;b&gt;</title>"));
        for fetch in ["http://", "https://", "src=", "<link", "@import"] {
            assert!(!page.replace("src=x", "").contains(fetch), "{fetch}");
        }
    }
}
