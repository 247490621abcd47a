//! Small pieces for inline SVG charts whose text never collides: an
//! estimate of a label's width, labels placed in rows so they do not
//! overlap, time ticks thinned to what fits, and `<svg>` with a text
//! alternative.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use unicode_width::UnicodeWidthChar;

use super::escape_html;

/// Font size of chart text, in viewBox units.
pub(super) const FONT: f64 = 12.0;

/// Colours for themes, in lexicon order: the Okabe-Ito palette, which
/// readers with any common colour-vision deficiency can tell apart.
pub(super) const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442",
];

/// A generous estimate of how wide `text` is at `size`: wide characters
/// (CJK, most emoji) count double, and every character as a wide glyph of
/// the sans-serif fonts browsers pick, so a label estimated to fit does.
pub(super) fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| match c.width() {
            Some(0) => 0.0,
            Some(2) => 1.15,
            _ if c.is_ascii_digit() || c == ':' || c == '.' || c == ' ' => 0.6,
            _ if c.is_uppercase() => 0.75,
            _ => 0.62,
        })
        .sum::<f64>()
        * size
}

/// `text` cut to at most `width` at `size`, with `…` when cut (after a
/// right-to-left title, a right-to-left mark keeps the `…` at its end,
/// on the left).
pub(super) fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if text_width(&out, size) + text_width("…", size) > width {
            out.pop();
            break;
        }
    }
    let ellipsis = if starts_right_to_left(text) {
        "…\u{200F}"
    } else {
        "…"
    };
    out.trim_end().to_owned() + ellipsis
}

/// Whether the first letter of `text` is Hebrew or Arabic script (the
/// right-to-left scripts a title is likely to be in).
fn starts_right_to_left(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

/// Place labels (centre `x`, width) in up to `rows` rows so that no two in
/// a row overlap; the row of each, or `None` for one that fits in none.
pub(super) fn stagger(labels: &[(f64, f64)], rows: usize, gap: f64) -> Vec<Option<usize>> {
    let mut ends = vec![f64::NEG_INFINITY; rows];
    labels
        .iter()
        .map(|&(x, width)| {
            let start = x - width / 2.0;
            let row = ends.iter().position(|&end| end + gap <= start)?;
            ends[row] = x + width / 2.0;
            Some(row)
        })
        .collect()
}

/// An `<svg>` of `w` by `h` with its text alternative: `title` names the
/// chart, `desc` says what it shows in words.
pub(super) fn open(id: &str, w: f64, h: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape_html(title),
        escape_html(desc)
    )
}

/// A `<text>` element.
pub(super) fn text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, content: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>",
        escape_html(content)
    );
}

/// Ticks for a time axis from `from` to `to` shown in `tz`, `width` wide:
/// the finest of the usual steps whose labels fit, at round local times
/// (`09:00`; `28 Jun` over days; `Jun 2022` over a year), then thinned so
/// no two labels are closer than a label's width; each tick's instant and
/// label.
pub(super) fn time_ticks(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: Tz,
    width: f64,
) -> Vec<(DateTime<Utc>, String)> {
    const DAY: i64 = 1440;
    const STEPS: [i64; 15] = [
        5,
        10,
        15,
        30,
        60,
        120,
        180,
        360,
        720,
        DAY,
        2 * DAY,
        7 * DAY,
        30 * DAY,
        91 * DAY,
        365 * DAY,
    ];
    let span = to - from;
    let days = span.num_hours() > 36;
    let years = span.num_days() > 300;
    let pattern = if years {
        "%b %Y"
    } else if days {
        "%-d %b"
    } else {
        "%H:%M"
    };
    let label_width = text_width(
        if years {
            "Jun 2022"
        } else if days {
            "28 Jun"
        } else {
            "00:00"
        },
        FONT,
    ) + 14.0;
    let fits = (width / label_width).floor().max(2.0) as i64;
    let minutes = span.num_minutes().max(1);
    let step = STEPS
        .into_iter()
        .filter(|&s| !days || s >= DAY)
        .find(|&s| minutes / s < fits)
        .unwrap_or(365 * DAY);
    let local_from: NaiveDateTime = from.with_timezone(&tz).naive_local();
    let midnight = local_from.date().and_hms_opt(0, 0, 0).unwrap_or(local_from);
    // The first round local time at or after `from`.
    let mut at = if step >= DAY {
        midnight
    } else {
        let minute = i64::from(local_from.hour()) * 60 + i64::from(local_from.minute());
        midnight + Duration::minutes(minute - minute.rem_euclid(step))
    };
    // Steps of a month or more start on the first of a month (of a
    // quarter, of a year) and move by calendar months.
    let months = match step {
        s if s >= 365 * DAY => 12,
        s if s >= 91 * DAY => 3,
        s if s >= 30 * DAY => 1,
        _ => 0,
    };
    if months > 0 {
        let mut month = local_from.date().with_day(1).unwrap_or(local_from.date());
        while month < local_from.date() || !month.month0().is_multiple_of(months) {
            month = month + Months::new(1);
        }
        at = month.and_hms_opt(0, 0, 0).unwrap_or(at);
    }
    let seconds = span.num_seconds().max(1) as f64;
    let mut ticks: Vec<(DateTime<Utc>, String)> = Vec::new();
    let mut last_x = f64::NEG_INFINITY;
    for _ in 0..2000 {
        if let Some(instant) = tz.from_local_datetime(&at).earliest() {
            let utc = instant.with_timezone(&Utc);
            if utc > to {
                break;
            }
            let label = instant.format(pattern).to_string();
            let x = (utc - from).num_seconds() as f64 / seconds * width;
            // The hour the clocks go back names one local time twice, and
            // months and years are not all the same length.
            let repeated = ticks.last().is_some_and(|t| t.1 == label);
            if utc >= from && !repeated && x - last_x >= label_width {
                last_x = x;
                ticks.push((utc, label));
            }
        }
        at = if months > 0 {
            at + Months::new(months)
        } else {
            at + Duration::minutes(step)
        };
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staggered_labels_never_overlap_in_a_row() {
        let rows = stagger(
            &[(10.0, 30.0), (20.0, 30.0), (30.0, 30.0), (100.0, 10.0)],
            2,
            2.0,
        );
        assert_eq!(rows, [Some(0), Some(1), None, Some(0)]);
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        let cut = fit(
            "What is needed to help people spread innovation and improvement?",
            100.0,
            12.0,
        );
        assert!(
            cut.ends_with('…') && text_width(&cut, 12.0) <= 100.0,
            "{cut}"
        );
        assert_eq!(fit("Welcome", 100.0, 12.0), "Welcome");
        assert!(text_width("🙂", 12.0) > text_width("a", 12.0));
        let arabic = fit("مرحبا بكم: التحسين المستمر في الرعاية الصحية", 100.0, 12.0);
        assert!(arabic.ends_with("…\u{200F}"), "{arabic}");
    }

    #[test]
    fn ticks_thin_to_fit_and_use_local_time() {
        let london: Tz = "Europe/London".parse().unwrap();
        let from = DateTime::parse_from_rfc3339("2022-06-28T07:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let to = from + Duration::hours(11);
        let ticks = time_ticks(from, to, london, 1000.0);
        assert_eq!(ticks.first().map(|t| t.1.as_str()), Some("08:00"), "BST");
        assert!(ticks.len() <= 20, "{}", ticks.len());
        let narrow = time_ticks(from, to, london, 200.0);
        assert!(narrow.len() < ticks.len() && narrow.len() >= 2);
        // Across the autumn change no label repeats.
        let from = DateTime::parse_from_rfc3339("2022-10-29T22:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let ticks = time_ticks(from, from + Duration::hours(8), london, 1000.0);
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        let mut unique = labels.clone();
        unique.dedup();
        assert_eq!(labels, unique);
        // Days: dates.
        let ticks = time_ticks(from, from + Duration::days(10), london, 1000.0);
        assert!(ticks[0].1.contains("Oct"), "{ticks:?}");
        // Three years on a narrow axis: months and years, never closer
        // than a label's width.
        let (width, to) = (600.0, from + Duration::days(3 * 365));
        let ticks = time_ticks(from, to, london, width);
        assert_eq!(
            ticks.iter().map(|t| t.1.as_str()).collect::<Vec<_>>(),
            ["Jan 2023", "Jan 2024", "Jan 2025"]
        );
        let span = (to - from).num_seconds() as f64;
        let xs: Vec<f64> = ticks
            .iter()
            .map(|t| (t.0 - from).num_seconds() as f64 / span * width)
            .collect();
        let label = text_width("Jun 2022", FONT) + 14.0;
        assert!(xs.windows(2).all(|w| w[1] - w[0] >= label), "{ticks:?}");
    }
}
