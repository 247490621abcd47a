//! The page's charts as inline SVG: activity over the event with the slots
//! shaded and numbered, theme share per slot with intervals and values,
//! and hits per period over time. Every chart has labelled axes or values,
//! a text alternative, and text placed so that no two labels overlap and
//! none leaves the chart (the browser test measures this).

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::escape_html;
use super::svg::{FONT, PALETTE, fit, open, stagger, text, text_width, time_ticks};

use crate::bootstrap::ThemeIntervals;
use crate::schedule::Schedule;
use crate::summary::{ACTIVITY_BUCKET_MIN, PeriodHits, ThemeShare};
use crate::takeover::EngagementRow;
use crate::words::{percent, percent_range, thousands, time_range, zone_abbreviations};
use threadlens_model::Period;

/// Width of every chart, in viewBox units.
const W: f64 = 900.0;
/// Room left of a plot for the tick labels and the rotated axis title.
const LEFT: f64 = 70.0;
/// Height of a row of labels.
const ROW: f64 = 16.0;

/// Ticks for a count axis up to at least `max`: `step` a 1, 2 or 5 times
/// a power of ten giving at most five intervals; `(top, step)`.
fn count_axis(max: f64) -> (f64, f64) {
    let max = max.max(1.0);
    let mut step = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            let s = step * m;
            if (max / s).ceil() <= 5.0 {
                return ((max / s).ceil() * s, s);
            }
        }
        step *= 10.0;
    }
}

/// A share axis up to at least `max` (at most 100%): `(top, step)`.
fn share_axis(max: f64) -> (f64, f64) {
    for (top_step, step) in [
        (0.05, 0.01),
        (0.1, 0.02),
        (0.2, 0.05),
        (0.5, 0.1),
        (1.0, 0.2),
    ] {
        if max <= top_step {
            return (((max / step).ceil() * step).max(step), step);
        }
    }
    (1.0, 0.2)
}

/// The y axis of a count: gridlines and labels from `top` of the plot down
/// to `bottom`, and the axis title written up the left edge.
fn count_ticks(out: &mut String, top: f64, bottom: f64, width: f64, max: f64, title: &str) {
    let (axis_top, step) = count_axis(max);
    let y = |v: f64| bottom - v / axis_top * (bottom - top);
    let mut v = 0.0;
    while v <= axis_top + 1e-9 {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            LEFT + width,
            y(v),
            y(v)
        );
        text(
            out,
            LEFT - 6.0,
            y(v) + 4.0,
            "end",
            "tick",
            &thousands(v as u64),
        );
        v += step;
    }
    let middle = (top + bottom) / 2.0;
    let _ = write!(
        out,
        "<text class=\"axis\" x=\"14\" y=\"{middle:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {middle:.1})\">{}</text>",
        escape_html(title)
    );
}

/// The baseline of a plot `width` wide at `y`, time ticks under it from
/// `from` to `to` mapped by `x` (labels that would leave the chart
/// dropped), and the axis title under them.
fn time_axis(
    out: &mut String,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    x: impl Fn(DateTime<Utc>) -> f64,
    (y, width): (f64, f64),
    tz: Tz,
    title: &str,
) {
    let _ = write!(
        out,
        "<line class=\"axis-line\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>",
        LEFT + width
    );
    for (at, label) in time_ticks(from, to, tz, W - LEFT - 16.0) {
        let (cx, half) = (x(at), text_width(&label, FONT) / 2.0);
        let _ = write!(
            out,
            "<line class=\"tick-mark\" x1=\"{cx:.1}\" x2=\"{cx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            y,
            y + 4.0
        );
        if cx - half >= 0.0 && cx + half <= W {
            text(out, cx, y + 21.0, "middle", "tick", &label);
        }
    }
    text(
        out,
        LEFT + (W - LEFT) / 2.0,
        y + 41.0,
        "middle",
        "axis",
        title,
    );
}

/// Posts per bucket as bars over the event, each slot a shaded band with
/// its number above (labels staggered in up to three rows; a slot too
/// narrow for any is named in the key under the chart and its tooltip).
pub(super) fn activity(activity: &[(DateTime<Utc>, u64)], schedule: &Schedule, tz: Tz) -> String {
    let Some(&(from, _)) = activity.first() else {
        return String::new();
    };
    let bucket = Duration::minutes(ACTIVITY_BUCKET_MIN);
    let to = activity.last().map_or(from, |b| b.0) + bucket;
    let plot_w = W - LEFT - 16.0;
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| LEFT + (t - from).num_seconds() as f64 / span * plot_w;

    let numbers: Vec<String> = (1..=schedule.slots.len()).map(|n| n.to_string()).collect();
    let centres: Vec<(f64, f64)> = schedule
        .slots
        .iter()
        .zip(&numbers)
        .map(|(slot, n)| {
            let centre = (x(slot.start.max(from)) + x(slot.end.min(to))) / 2.0;
            (centre, text_width(n, FONT))
        })
        .collect();
    let rows = stagger(&centres, 3, 4.0);
    let label_rows = rows.iter().flatten().max().map_or(0, |r| r + 1);
    let top = label_rows as f64 * ROW + 8.0;
    let plot_h = 190.0;
    let bottom = top + plot_h;
    let h = bottom + 50.0;
    let max = activity.iter().map(|b| b.1).max().unwrap_or(0) as f64;
    let peak = activity.iter().max_by_key(|b| b.1);
    let desc = format!(
        "Posts per {ACTIVITY_BUCKET_MIN} minutes from {} to {} ({}), {} slots shaded; the busiest {ACTIVITY_BUCKET_MIN} minutes began at {} with {} posts.",
        from.with_timezone(&tz).format("%H:%M"),
        to.with_timezone(&tz).format("%H:%M"),
        tz.name(),
        schedule.slots.len(),
        peak.map_or(String::new(), |p| p
            .0
            .with_timezone(&tz)
            .format("%H:%M")
            .to_string()),
        peak.map_or(0, |p| p.1),
    );
    let mut svg = open("activity", W, h, "Activity over the event", &desc);
    for (i, slot) in schedule.slots.iter().enumerate() {
        let (x0, x1) = (x(slot.start.max(from)), x(slot.end.min(to)));
        let _ = write!(
            svg,
            "<g class=\"slot\"><title>{}. {} ({})</title><rect class=\"band band{}\" x=\"{x0:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{plot_h:.1}\"/></g>",
            i + 1,
            escape_html(&slot.title),
            time_range(slot.start, slot.end, tz, false),
            i % 2,
            (x1 - x0).max(1.0),
        );
    }
    count_ticks(
        &mut svg,
        top,
        bottom,
        plot_w,
        max,
        &format!("posts per {ACTIVITY_BUCKET_MIN} min"),
    );
    let axis_top = count_axis(max).0;
    let bar_w = plot_w / activity.len() as f64;
    for (at, posts) in activity {
        let bh = *posts as f64 / axis_top * plot_h;
        let _ = write!(
            svg,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#2b5d8a\"><title>{}: {} posts</title></rect>",
            x(*at) + 0.5,
            bottom - bh,
            (bar_w - 1.0).max(0.5),
            at.with_timezone(&tz).format("%H:%M"),
            thousands(*posts)
        );
    }
    for ((number, (centre, _)), row) in numbers.iter().zip(&centres).zip(&rows) {
        if let Some(row) = row {
            text(
                &mut svg,
                *centre,
                *row as f64 * ROW + 13.0,
                "middle",
                "label slot-number",
                number,
            );
        }
    }
    time_axis(
        &mut svg,
        (from, to),
        x,
        (bottom, plot_w),
        tz,
        &format!(
            "local time ({}, {})",
            tz.name(),
            zone_abbreviations(from, to, tz)
        ),
    );
    svg.push_str("</svg>");
    svg
}

/// Per slot, a bar per theme: the share of its posts with a hit, its
/// interval as a line across it, and the value beside it. `intervals`
/// overrides each row's Wilson intervals (the bootstrap's).
pub(super) fn share_per_slot(
    rows: &[EngagementRow],
    schedule: &Schedule,
    themes: &[ThemeShare],
    intervals: Option<&[ThemeIntervals]>,
) -> String {
    let k = themes.len().max(1);
    let (bar, pitch, gap) = (11.0, 15.0, 14.0);
    let group = k as f64 * pitch + gap;
    let label_w = 290.0;
    let left = label_w + 10.0;
    let right = 64.0;
    let top = 26.0;
    let slots = &rows[..schedule.slots.len().min(rows.len())];
    let interval = |s: usize, t: usize| -> Option<(f64, f64)> {
        match intervals {
            Some(boot) => boot.get(s).and_then(|g| g.get(t).copied().flatten()),
            None => slots[s].share_interval.get(t).copied().flatten(),
        }
    };
    let max = slots
        .iter()
        .enumerate()
        .flat_map(|(s, row)| {
            (0..k).map(move |t| {
                let share = row.share.get(t).copied().flatten().unwrap_or(0.0);
                share.max(interval(s, t).map_or(0.0, |i| i.1))
            })
        })
        .fold(0.0, f64::max);
    let (axis_top, step) = share_axis(max);
    let scale = W - left - right;
    let x = |v: f64| left + v / axis_top * scale;
    let h = top + group * slots.len() as f64 + 4.0;
    let mut svg = open(
        "share-per-slot",
        W,
        h,
        "Theme share per slot",
        &format!(
            "For each of {} slots, the share of its posts with at least one hit for each of {} themes, with 95% intervals.",
            slots.len(),
            themes.len()
        ),
    );
    let mut v = 0.0;
    while v <= axis_top + 1e-9 {
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
            x(v),
            x(v),
            top - 4.0,
            h - 4.0
        );
        text(&mut svg, x(v), top - 10.0, "middle", "tick", &percent(v));
        v += step;
    }
    for (s, (row, slot)) in slots.iter().zip(&schedule.slots).enumerate() {
        let y0 = top + s as f64 * group;
        let number = format!("{} ", s + 1);
        let _ = write!(
            svg,
            "<g class=\"slot-row\"><title>{}. {}</title>",
            s + 1,
            escape_html(&slot.title)
        );
        if s % 2 == 1 {
            let _ = write!(
                svg,
                "<rect class=\"stripe\" x=\"0\" y=\"{:.1}\" width=\"{W}\" height=\"{group:.1}\"/>",
                y0 - gap / 2.0 + 2.0
            );
        }
        let label_y = y0 + (k as f64 * pitch) / 2.0 + 4.0;
        text(
            &mut svg,
            0.0,
            label_y,
            "start",
            "label slot-number",
            &number,
        );
        let number_w = text_width(&number, FONT);
        text(
            &mut svg,
            number_w,
            label_y,
            "start",
            "label",
            &fit(&slot.title, label_w - number_w, FONT),
        );
        for (t, theme) in themes.iter().enumerate() {
            let y = y0 + t as f64 * pitch;
            let Some(share) = row.share.get(t).copied().flatten() else {
                if t == 0 {
                    text(
                        &mut svg,
                        left + 4.0,
                        y + bar - 1.0,
                        "start",
                        "value",
                        "no posts",
                    );
                }
                continue;
            };
            let range = interval(s, t);
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{left:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bar}\" fill=\"{}\"><title>{} · {}: {}{}</title></rect>",
                (x(share) - left).max(0.0),
                PALETTE[t % PALETTE.len()],
                escape_html(&slot.title),
                escape_html(&theme.label),
                percent(share),
                range.map_or(String::new(), |r| format!(
                    " (95% interval {})",
                    percent_range(r)
                )),
            );
            let mut end = x(share);
            if let Some((low, high)) = range {
                let _ = write!(
                    svg,
                    "<line class=\"whisker\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>",
                    x(low),
                    x(high),
                    y + bar / 2.0,
                    y + bar / 2.0
                );
                end = end.max(x(high));
            }
            text(
                &mut svg,
                end + 4.0,
                y + bar - 1.0,
                "start",
                "value",
                &percent(share),
            );
        }
        svg.push_str("</g>");
    }
    svg.push_str("</svg>");
    svg
}

/// Hits per period, a line per theme, on a time axis.
pub(super) fn over_time(
    periods: &[PeriodHits],
    themes: &[ThemeShare],
    period: Period,
    tz: Tz,
) -> String {
    let (Some(first), Some(last)) = (periods.first(), periods.last()) else {
        return String::new();
    };
    let (from, to) = if first.start == last.start {
        (
            first.start - Duration::hours(1),
            first.start + Duration::hours(1),
        )
    } else {
        (first.start, last.start)
    };
    let plot_w = W - LEFT - 24.0;
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| LEFT + 8.0 + (t - from).num_seconds() as f64 / span * (plot_w - 8.0);
    let (top, plot_h) = (12.0, 200.0);
    let bottom = top + plot_h;
    let h = bottom + 50.0;
    let max = periods
        .iter()
        .flat_map(|p| p.hits.iter().copied())
        .max()
        .unwrap_or(0) as f64;
    let axis_top = count_axis(max).0;
    let y = |v: f64| bottom - v / axis_top * plot_h;
    let totals: Vec<u64> = (0..themes.len())
        .map(|t| {
            periods
                .iter()
                .map(|p| p.hits.get(t).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let desc = format!(
        "Hits per {} for {} themes over {} periods from {}; in all: {}.",
        period.name(),
        themes.len(),
        periods.len(),
        first.start.with_timezone(&tz).format("%-d %b %Y %H:%M"),
        themes
            .iter()
            .zip(&totals)
            .map(|(t, n)| format!("{} {}", t.label, thousands(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut svg = open("over-time", W, h, "Theme frequency over time", &desc);
    count_ticks(
        &mut svg,
        top,
        bottom,
        plot_w,
        max,
        &format!("hits per {}", period.name()),
    );
    for (t, theme) in themes.iter().enumerate() {
        let colour = PALETTE[t % PALETTE.len()];
        let points: Vec<(f64, f64, &PeriodHits)> = periods
            .iter()
            .map(|p| (x(p.start), y(p.hits.get(t).copied().unwrap_or(0) as f64), p))
            .collect();
        let line: Vec<String> = points
            .iter()
            .map(|(px, py, _)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            svg,
            "<g class=\"series\"><title>{}</title><polyline class=\"line\" stroke=\"{colour}\" points=\"{}\"/>",
            escape_html(&theme.label),
            line.join(" ")
        );
        // Dots too, so a single period still shows.
        for (px, py, p) in &points {
            let _ = write!(
                svg,
                "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3\" fill=\"{colour}\"><title>{} from {}: {} hits in {} posts</title></circle>",
                escape_html(&theme.label),
                p.start.with_timezone(&tz).format("%-d %b %H:%M"),
                thousands(p.hits.get(t).copied().unwrap_or(0)),
                thousands(p.posts)
            );
        }
        svg.push_str("</g>");
    }
    time_axis(
        &mut svg,
        (from, to),
        x,
        (bottom, plot_w),
        tz,
        &format!(
            "start of each {}, local time ({}, {})",
            period.name(),
            tz.name(),
            zone_abbreviations(from, to, tz)
        ),
    );
    svg.push_str("</svg>");
    svg
}

/// The themes' colours and names, for under a chart.
pub(super) fn legend(themes: &[ThemeShare]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (t, theme) in themes.iter().enumerate() {
        let _ = write!(
            out,
            "<li><i style=\"background:{}\"></i>{}</li>",
            PALETTE[t % PALETTE.len()],
            escape_html(&theme.label)
        );
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(count_axis(0.0), (1.0, 1.0));
        assert_eq!(count_axis(4.0), (4.0, 1.0));
        assert_eq!(count_axis(7.0), (8.0, 2.0));
        assert_eq!(count_axis(23.0), (25.0, 5.0));
        assert_eq!(count_axis(1234.0), (1500.0, 500.0));
        assert_eq!(share_axis(0.0), (0.01, 0.01));
        let (top, step) = share_axis(0.37);
        assert!((top - 0.4).abs() < 1e-9 && (step - 0.1).abs() < 1e-9);
        assert_eq!(share_axis(0.95), (1.0, 0.2));
    }
}
