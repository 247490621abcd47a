//! The parts of the page a reader comes for first: the headline figures,
//! the engagement table and a card per slot (what a host is sent after
//! their slot).

use std::fmt::Write as _;

use super::escape_html;
use super::svg::PALETTE;
use crate::overview::{Overview, Unit, best_slot, multi_day};
use crate::schedule::{Schedule, Slot};
use crate::summary::{EventPage, ThemeShare};
use crate::takeover::EngagementRow;
use crate::words::{
    clocks_change, decimal, minutes, percent, percent_range, thousands, time_range,
};

/// The line under the page title: when, where and which account.
pub(super) fn subtitle(overview: &Overview<'_>) -> String {
    let parts: Vec<String> = overview
        .event_line()
        .iter()
        .map(|p| escape_html(p))
        .collect();
    format!("<p class=\"sub\">{}</p>", parts.join(" · "))
}

/// The figures at the top: what happened, in one look.
pub(super) fn headline(overview: &Overview<'_>) -> String {
    let mut out = String::from("<div class=\"tiles\">");
    for figure in overview.figures() {
        let value = match (figure.value, figure.unit) {
            (None, _) => "–".to_owned(),
            (Some(v), Unit::Count) => thousands(v as u64),
            (Some(v), Unit::Minutes) => minutes(v),
        };
        let _ = write!(
            out,
            "<div class=\"tile\" title=\"{}\"><b>{}</b><span>{}</span></div>",
            escape_html(figure.explain),
            escape_html(&value),
            escape_html(figure.label)
        );
    }
    out.push_str("</div>");
    if let (Some(event), Some(schedule)) = (&overview.page.event, overview.schedule)
        && let Some((i, row)) = best_slot(event)
    {
        let slot = &schedule.slots[i];
        let _ = write!(
            out,
            "<p class=\"lead\">Most engagement per host post: <b>{}. <bdi>{}</bdi></b> ({}, {}), with {} (replies, reposts, likes and quotes per host post).</p>",
            i + 1,
            escape_html(&slot.title),
            hosts(slot),
            time_range(slot.start, slot.end, schedule.timezone, multi_day(schedule)),
            decimal(row.engagement_per_host_post.unwrap_or(0.0)),
        );
    }
    out.push_str(&theme_shares(&overview.page.themes));
    out
}

/// Each theme's share of posts as a bar with its interval.
fn theme_shares(themes: &[ThemeShare]) -> String {
    let mut out = String::from(
        "<h3>Share of posts per theme</h3><table class=\"shares\"><thead><tr><th>Theme</th><th class=\"bar-cell\">Share of posts</th><th class=\"n\">Share (95% interval)</th></tr></thead><tbody>",
    );
    for (t, theme) in themes.iter().enumerate() {
        let share = theme.share.unwrap_or(0.0);
        let _ = write!(
            out,
            "<tr><td><bdi>{}</bdi></td><td class=\"bar-cell\"><span class=\"track\"><span class=\"fill\" style=\"width:{:.1}%;background:{}\"></span>",
            escape_html(&theme.label),
            share * 100.0,
            PALETTE[t % PALETTE.len()]
        );
        if let Some((low, high)) = theme.interval {
            let _ = write!(
                out,
                "<span class=\"ci\" style=\"left:{:.1}%;width:{:.1}%\"></span>",
                low * 100.0,
                (high - low) * 100.0
            );
        }
        let _ = write!(
            out,
            "</span></td><td class=\"n\">{}{}</td></tr>",
            theme.share.map_or("–".into(), percent),
            theme
                .interval
                .map_or(String::new(), |i| format!(" ({})", percent_range(i)))
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// `@a, @b`, or `no host named`.
fn hosts(slot: &Slot) -> String {
    if slot.hosts.is_empty() {
        "no host named".into()
    } else {
        escape_html(
            &slot
                .hosts
                .iter()
                .map(|h| format!("@{h}"))
                .collect::<Vec<_>>()
                .join(", "),
        )
    }
}

/// A column of the engagement table: its heading, what it means, whether
/// less is better, and a row's value as a number and as text.
struct Metric {
    heading: &'static str,
    explain: &'static str,
    lower_is_better: bool,
    value: fn(&EngagementRow) -> Option<f64>,
    show: fn(f64) -> String,
}

fn count(x: f64) -> String {
    thousands(x as u64)
}

const METRICS: [Metric; 11] = [
    Metric {
        heading: "Posts",
        explain: "Posts attributed to the slot",
        lower_is_better: false,
        value: |r| Some(r.posts as f64),
        show: count,
    },
    Metric {
        heading: "Replies to hosts",
        explain: "Posts by others in conversations started by the slot's host posts",
        lower_is_better: false,
        value: |r| Some(r.replies_received as f64),
        show: count,
    },
    Metric {
        heading: "Partici&shy;pants",
        explain: "Distinct authors other than the hosts and the account",
        lower_is_better: false,
        value: |r| Some(r.participants as f64),
        show: count,
    },
    Metric {
        heading: "New",
        explain: "Participants with no post in an earlier slot",
        lower_is_better: false,
        value: |r| r.new_participants.map(|n| n as f64),
        show: count,
    },
    Metric {
        heading: "Host posts",
        explain: "Posts by the slot's hosts inside the slot",
        lower_is_better: false,
        value: |r| Some(r.host_posts as f64),
        show: count,
    },
    Metric {
        heading: "Engage&shy;ment per host post",
        explain: "(Replies + reposts + likes + quotes) / host posts",
        lower_is_better: false,
        value: |r| r.engagement_per_host_post,
        show: decimal,
    },
    Metric {
        heading: "First reply (median)",
        explain: "Median minutes from a host post to its first direct reply by someone else",
        lower_is_better: true,
        value: |r| r.median_first_reply_min,
        show: minutes,
    },
    Metric {
        heading: "Likes",
        explain: "Likes of the host posts",
        lower_is_better: false,
        value: |r| Some(r.likes as f64),
        show: count,
    },
    Metric {
        heading: "Reposts",
        explain: "Reposts of the host posts",
        lower_is_better: false,
        value: |r| Some(r.reposts as f64),
        show: count,
    },
    Metric {
        heading: "Quotes",
        explain: "Quotes of the host posts",
        lower_is_better: false,
        value: |r| Some(r.quotes as f64),
        show: count,
    },
    Metric {
        heading: "Deepest thread",
        explain: "The deepest reply among the slot's posts (1: a reply to a post)",
        lower_is_better: false,
        value: |r| Some(r.max_thread_depth as f64),
        show: count,
    },
];

/// The best value of a metric over the slots (`None` when every slot has
/// none, or the highest is 0).
fn best(metric: &Metric, slots: &[EngagementRow]) -> Option<f64> {
    let values = slots.iter().filter_map(metric.value);
    if metric.lower_is_better {
        values.reduce(f64::min)
    } else {
        values.reduce(f64::max).filter(|&v| v > 0.0)
    }
}

/// Engagement per slot: the slot and its time first, then the figures an
/// analyst compares, the best of each column shaded.
pub(super) fn engagement_table(event: &EventPage, schedule: &Schedule) -> String {
    let slots = &event.rows[..schedule.slots.len().min(event.rows.len())];
    let with_day = multi_day(schedule);
    let mut out = String::from(
        "<div class=\"scroll\"><table class=\"engagement\"><thead><tr><th class=\"slot-col\">Slot</th><th>Time</th>",
    );
    for m in &METRICS {
        let _ = write!(
            out,
            "<th class=\"n\" title=\"{}\">{}</th>",
            escape_html(m.explain),
            m.heading
        );
    }
    out.push_str("</tr></thead><tbody>");
    let bests: Vec<Option<f64>> = METRICS.iter().map(|m| best(m, slots)).collect();
    let mut changes = false;
    for (i, row) in event.rows.iter().enumerate() {
        let _ = match schedule.slots.get(i) {
            Some(slot) => {
                let change = clocks_change(slot.start, slot.end, schedule.timezone);
                changes |= change;
                write!(
                    out,
                    "<tr><th class=\"slot-col\" scope=\"row\" title=\"{}. {} ({})\"><span class=\"title\"><span class=\"num\">{}</span> <bdi>{}</bdi></span><small>{}</small></th><td class=\"time\">{}{}{}</td>",
                    i + 1,
                    escape_html(&slot.title),
                    hosts(slot),
                    i + 1,
                    escape_html(&slot.title),
                    hosts(slot),
                    time_range(slot.start, slot.end, schedule.timezone, false),
                    if change {
                        "<sup title=\"the clocks change during this slot\">†</sup>"
                    } else {
                        ""
                    },
                    if with_day {
                        format!(
                            "<small>{}</small>",
                            slot.start
                                .with_timezone(&schedule.timezone)
                                .format("%a %-d %b")
                        )
                    } else {
                        String::new()
                    },
                )
            }
            None => write!(
                out,
                "<tr class=\"outside\"><th class=\"slot-col\" scope=\"row\" title=\"Posts in no slot\"><span class=\"title\">Outside every slot</span></th><td class=\"time\"></td>"
            ),
        };
        for (m, best) in METRICS.iter().zip(&bests) {
            let value = (m.value)(row);
            let is_best = i < slots.len() && value.is_some() && value == *best;
            let _ = write!(
                out,
                "<td class=\"n{}\"{}>{}</td>",
                if is_best { " best" } else { "" },
                if is_best {
                    " title=\"the best of the day\""
                } else {
                    ""
                },
                value.map_or("–".into(), m.show)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div><p class=\"note\">Shaded: the best value of each column over the slots (the highest; for the first reply, the quickest). Hover a heading for what it counts, a slot for its full title.");
    if changes {
        out.push_str(
            " †: the clocks change during this slot; its times are local times on each side.",
        );
    }
    out.push_str("</p>");
    out
}

/// A card per slot: hosts, time, figures, themes against the day, and a
/// few lines in context.
pub(super) fn slot_cards(event: &EventPage, schedule: &Schedule, themes: &[ThemeShare]) -> String {
    let with_day = multi_day(schedule);
    let mut out = String::from("<div class=\"cards\">");
    for (i, (slot, row)) in schedule.slots.iter().zip(&event.rows).enumerate() {
        let _ = write!(
            out,
            "<article class=\"card\"><h3><span class=\"num\">{}</span> <bdi>{}</bdi></h3><p class=\"when\">{} · {}</p><dl class=\"figures\">",
            i + 1,
            escape_html(&slot.title),
            time_range(slot.start, slot.end, schedule.timezone, with_day),
            hosts(slot),
        );
        for (label, value) in [
            ("posts", thousands(row.posts)),
            ("replies to hosts", thousands(row.replies_received)),
            ("participants", thousands(row.participants)),
            ("new", row.new_participants.map_or("–".into(), thousands)),
            (
                "engagement per host post",
                row.engagement_per_host_post.map_or("–".into(), decimal),
            ),
            (
                "first reply (median)",
                row.median_first_reply_min.map_or("–".into(), minutes),
            ),
        ] {
            let _ = write!(out, "<div><dt>{label}</dt><dd>{value}</dd></div>");
        }
        out.push_str("</dl><table class=\"versus\"><caption>Share of the slot's posts per theme, against the day</caption><tbody>");
        for (t, theme) in themes.iter().enumerate() {
            let share = row.share.get(t).copied().flatten();
            let interval = row.share_interval.get(t).copied().flatten();
            let day = theme.share;
            let mark = match (interval, day) {
                (Some((low, _)), Some(d)) if low > d => {
                    "<span class=\"up\" title=\"above the day: the interval is above the day's share\">▲</span>"
                }
                (Some((_, high)), Some(d)) if high < d => {
                    "<span class=\"down\" title=\"below the day: the interval is below the day's share\">▼</span>"
                }
                _ => "",
            };
            let _ = write!(
                out,
                "<tr><th scope=\"row\"><bdi>{}</bdi></th><td class=\"bar-cell\"><span class=\"track\"><span class=\"fill\" style=\"width:{:.1}%;background:{}\"></span>{}</span></td><td class=\"n\">{} {mark}<small>day {}</small></td></tr>",
                escape_html(&theme.label),
                share.unwrap_or(0.0) * 100.0,
                PALETTE[t % PALETTE.len()],
                day.map_or(String::new(), |d| format!(
                    "<span class=\"day\" style=\"left:{:.1}%\"></span>",
                    d * 100.0
                )),
                share.map_or("–".into(), percent),
                day.map_or("–".into(), percent),
            );
        }
        out.push_str("</tbody></table>");
        let lines = event.kwic.get(i).map(Vec::as_slice).unwrap_or_default();
        if !lines.is_empty() {
            out.push_str("<ul class=\"kwic-lines\">");
            for (_, line) in lines {
                let theme = themes.get(line.theme).map_or("", |t| t.label.as_str());
                let _ = write!(
                    out,
                    "<li><small>{}</small> <bdi>…{}<mark>{}</mark>{}…</bdi></li>",
                    escape_html(theme),
                    escape_html(&line.left),
                    escape_html(&line.matched),
                    escape_html(&line.right)
                );
            }
            out.push_str("</ul>");
        }
        out.push_str("</article>");
    }
    out.push_str("</div><p class=\"note\">The bar is the slot's share, the dark tick the day's; ▲ or ▼ where the slot's 95% interval lies wholly above or below the day's share.</p>");
    out
}

/// The key to the numbered slots under the activity chart.
pub(super) fn slot_key(schedule: &Schedule) -> String {
    let with_day = multi_day(schedule);
    let mut out = String::from("<ol class=\"slot-key\">");
    for slot in &schedule.slots {
        let _ = write!(
            out,
            "<li><bdi class=\"title\">{}</bdi> <small>{} · {}</small></li>",
            escape_html(&slot.title),
            time_range(slot.start, slot.end, schedule.timezone, with_day),
            hosts(slot)
        );
    }
    out.push_str("</ol>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(posts: u64, quotes: u64, first_reply: Option<f64>) -> EngagementRow {
        EngagementRow {
            slot: "s".into(),
            posts,
            host_posts: 1,
            replies_received: 0,
            participants: 0,
            new_participants: Some(0),
            reposts: 0,
            likes: 0,
            quotes,
            engagement_per_host_post: None,
            median_first_reply_min: first_reply,
            max_thread_depth: 0,
            hits: Vec::new(),
            share: Vec::new(),
            share_interval: Vec::new(),
        }
    }

    #[test]
    fn the_best_is_the_highest_the_quickest_and_never_zero() {
        let metric = |heading: &str| METRICS.iter().find(|m| m.heading == heading).unwrap();
        let slots = [row(3, 0, Some(4.0)), row(7, 0, None), row(7, 0, Some(1.5))];
        assert_eq!(best(metric("Posts"), &slots), Some(7.0), "a tie marks both");
        assert_eq!(best(metric("First reply (median)"), &slots), Some(1.5));
        assert_eq!(
            best(metric("Quotes"), &slots),
            None,
            "all zero: none is best"
        );
        assert_eq!(best(metric("Posts"), &[]), None);
    }
}
