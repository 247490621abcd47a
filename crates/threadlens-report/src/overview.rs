//! What a report says before its tables, whichever file it goes in: the
//! event line (dates, time zone, account, hashtags), the headline figures
//! and the slot that drew most engagement. The page and the workbook's
//! Summary sheet both show these.

use chrono_tz::Tz;

use crate::schedule::Schedule;
use crate::summary::{EventPage, PageData};
use crate::takeover::EngagementRow;
use crate::words::{date_span, zone_abbreviations};

/// The report's front matter, for the page and the workbook.
#[derive(Debug, Clone, Copy)]
pub struct Overview<'a> {
    /// The title (the event's name, or the lexicon's).
    pub title: &'a str,
    /// The headline figures, the slot cards' lines and the charts' series
    /// ([`Summary::page`](crate::Summary::page)).
    pub page: &'a PageData,
    /// The schedule, for the slots.
    pub schedule: Option<&'a Schedule>,
    /// The timezone times are shown in (the schedule's, when there is one).
    pub timezone: Tz,
}

/// How a headline figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A count.
    Count,
    /// Minutes.
    Minutes,
}

/// One headline figure.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    /// What it is, in a few words.
    pub label: &'static str,
    /// Its value (`None`: nothing to measure).
    pub value: Option<f64>,
    /// How it reads.
    pub unit: Unit,
    /// What it counts, in a sentence.
    pub explain: &'static str,
}

impl Overview<'_> {
    /// The event in a few parts: its dates, the time zone, the account and
    /// hashtags (for the line under the title).
    pub(crate) fn event_line(&self) -> Vec<String> {
        let tz = self.timezone;
        let span = match self.schedule {
            Some(s) => s
                .slots
                .first()
                .zip(s.slots.iter().map(|slot| slot.end).max())
                .map(|(first, end)| (first.start, end)),
            None => self
                .page
                .over_time
                .first()
                .zip(self.page.over_time.last())
                .map(|(a, b)| (a.start, b.start)),
        };
        let mut parts = Vec::new();
        if let Some((from, to)) = span {
            parts.push(date_span(from, to, tz));
            parts.push(format!(
                "times in {} ({})",
                tz.name(),
                zone_abbreviations(from, to, tz)
            ));
        }
        if let Some(s) = self.schedule {
            parts.push(format!("@{}", s.account));
            parts.extend(
                s.hashtags
                    .iter()
                    .map(|h| format!("#{}", h.trim_start_matches('#'))),
            );
        }
        parts
    }

    /// The headline figures: with a schedule the takeover's, else the
    /// corpus's.
    pub(crate) fn figures(&self) -> Vec<Figure> {
        let page = self.page;
        let count = |label, value: u64, explain| Figure {
            label,
            value: Some(value as f64),
            unit: Unit::Count,
            explain,
        };
        let mut figures = vec![
            count("posts", page.posts, "Posts scored (reposts are left out)"),
            count(
                "participants",
                page.participants,
                "Distinct authors of the posts scored, hosts and the account included",
            ),
        ];
        match (&page.event, self.schedule) {
            (Some(event), Some(_)) => figures.extend([
                count(
                    "new participants",
                    event.new_participants,
                    "People other than hosts and the account whose first post in a slot came in that slot, summed over the slots",
                ),
                count(
                    "host posts",
                    event.host_posts,
                    "Posts by each slot's hosts inside their slot",
                ),
                count(
                    "replies to hosts",
                    event.replies_received,
                    "Posts by others in conversations started by a host post, summed over the slots",
                ),
                Figure {
                    label: "median time to first reply",
                    value: event.median_first_reply_min,
                    unit: Unit::Minutes,
                    explain: "Over every host post that drew a reply: minutes to the first direct reply by someone else",
                },
            ]),
            _ => figures.push(count(
                "replies",
                page.replies,
                "Posts scored that reply to another post",
            )),
        }
        figures
    }
}

/// The slot with the most engagement per host post (the first of a tie;
/// none when no slot drew any).
pub(crate) fn best_slot(event: &EventPage) -> Option<(usize, &EngagementRow)> {
    let slots = &event.rows[..event.rows.len().saturating_sub(1)];
    slots
        .iter()
        .enumerate()
        .filter(|(_, r)| r.engagement_per_host_post.is_some_and(|e| e > 0.0))
        .fold(
            None,
            |best: Option<(usize, &EngagementRow)>, (i, r)| match best {
                Some((_, b)) if b.engagement_per_host_post >= r.engagement_per_host_post => best,
                _ => Some((i, r)),
            },
        )
}

/// Whether the event's slots fall on more than one local date.
pub(crate) fn multi_day(schedule: &Schedule) -> bool {
    let day = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&schedule.timezone).date_naive();
    let Some(first) = schedule.slots.first() else {
        return false;
    };
    schedule.slots.iter().any(|s| {
        day(s.start) != day(first.start)
            || day(s.end - chrono::Duration::seconds(1)) != day(s.start)
    })
}
