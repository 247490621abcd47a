//! Takeover schedules (formats.md §4): the event, its account and its
//! slots, each a half-open interval of local time in the event's timezone,
//! turned into UTC instants with the timezone's own rules (BST and GMT
//! included).

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

/// Why a schedule was refused: the file, and the slot where there is one.
#[derive(Debug, thiserror::Error)]
#[error("{path}{where_}: {reason}", where_ = slot.as_deref().map(|s| format!(": slot `{s}`")).unwrap_or_default())]
pub struct ScheduleError {
    /// The schedule file.
    pub path: PathBuf,
    /// The slot, when the problem is in one.
    pub slot: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// A validated schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// `[event] name`.
    pub name: String,
    /// `[event] timezone`, an IANA name.
    pub timezone: Tz,
    /// The account taken over, without `@`, lowercase.
    pub account: String,
    /// `[event] hashtags`, as written.
    pub hashtags: Vec<String>,
    /// Slots in start order.
    pub slots: Vec<Slot>,
}

/// One takeover slot: `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    /// Its id, unique in the schedule.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The hosts' handles, without `@`, lowercase.
    pub hosts: Vec<String>,
    /// First instant in the slot.
    pub start: DateTime<Utc>,
    /// First instant after it.
    pub end: DateTime<Utc>,
}

impl Slot {
    /// Whether `at` falls in `[start, end)`.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    event: RawEvent,
    #[serde(default)]
    slot: Vec<RawSlot>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    name: String,
    timezone: String,
    account: String,
    #[serde(default)]
    hashtags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSlot {
    id: String,
    title: String,
    #[serde(default)]
    hosts: Vec<String>,
    start: String,
    end: String,
}

pub use threadlens_model::handle_key;

impl Schedule {
    /// Read and validate the schedule at `path`.
    pub fn from_file(path: &Path) -> Result<Schedule, ScheduleError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScheduleError {
            path: path.to_owned(),
            slot: None,
            reason: e.to_string(),
        })?;
        Schedule::parse(&text, path)
    }

    /// Validate a schedule's TOML text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Schedule, ScheduleError> {
        let error = |slot: Option<&str>, reason: String| ScheduleError {
            path: path.to_owned(),
            slot: slot.map(str::to_owned),
            reason,
        };
        let raw: RawSchedule =
            toml::from_str(text).map_err(|e| error(None, format!("not a valid schedule: {e}")))?;
        let timezone = Tz::from_str(raw.event.timezone.trim()).map_err(|_| {
            error(
                None,
                format!(
                    "`timezone` {:?} is not an IANA timezone name (e.g. \"Europe/London\")",
                    raw.event.timezone
                ),
            )
        })?;
        if raw.slot.is_empty() {
            return Err(error(None, "there are no slots ([[slot]] tables)".into()));
        }
        let mut slots: Vec<Slot> = Vec::with_capacity(raw.slot.len());
        for s in raw.slot {
            let id = s.id.trim().to_owned();
            if id.is_empty() {
                return Err(error(None, format!("slot {:?} has an empty `id`", s.title)));
            }
            if slots.iter().any(|other| other.id == id) {
                return Err(error(Some(&id), "the id is used by another slot".into()));
            }
            let at = |field: &str, value: &str| {
                local_instant(timezone, value)
                    .map_err(|why| error(Some(&id), format!("`{field}` {value:?}: {why}")))
            };
            let start = at("start", &s.start)?;
            let end = at("end", &s.end)?;
            if end <= start {
                return Err(error(
                    Some(&id),
                    format!("`end` ({}) must be after `start` ({})", s.end, s.start),
                ));
            }
            slots.push(Slot {
                id,
                title: s.title,
                hosts: s.hosts.iter().map(|h| handle_key(h)).collect(),
                start,
                end,
            });
        }
        slots.sort_by_key(|s| s.start);
        for pair in slots.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(error(
                    Some(&pair[1].id),
                    format!(
                        "overlaps slot `{}` (slots are [start, end) and must not overlap; touching is fine)",
                        pair[0].id
                    ),
                ));
            }
        }
        Ok(Schedule {
            name: raw.event.name,
            timezone,
            account: handle_key(&raw.event.account),
            hashtags: raw.event.hashtags,
            slots,
        })
    }

    /// The slot `at` falls in, if any.
    pub fn slot_at(&self, at: DateTime<Utc>) -> Option<usize> {
        self.slots.iter().position(|s| s.contains(at))
    }
}

/// A local date and time (`YYYY-MM-DDTHH:MM`, seconds optional) in `tz`
/// as a UTC instant. A time the clocks skip, or one they pass twice, is
/// refused rather than guessed.
fn local_instant(tz: Tz, value: &str) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| "expected local time as YYYY-MM-DDTHH:MM".to_owned())?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Err(format!(
            "happens twice in {tz} (clocks go back: {} or {}); choose a time outside that hour",
            a.to_rfc3339(),
            b.to_rfc3339()
        )),
        LocalResult::None => Err(format!(
            "does not exist in {tz} (clocks go forward over it)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        Schedule::parse(text, Path::new("day.toml"))
    }

    fn day(slots: &str) -> String {
        format!(
            "[event]\nname = \"Day\"\ntimezone = \"Europe/London\"\naccount = \"@HorizonsNHS\"\n{slots}"
        )
    }

    fn slot(id: &str, start: &str, end: &str) -> String {
        format!(
            "[[slot]]\nid = \"{id}\"\ntitle = \"T {id}\"\nstart = \"{start}\"\nend = \"{end}\"\n"
        )
    }

    #[test]
    fn local_times_follow_bst_and_gmt() {
        let s = parse(&day(&(slot(
            "summer",
            "2022-06-28T09:00",
            "2022-06-28T09:20",
        ) + &slot(
            "winter",
            "2022-12-01T09:00",
            "2022-12-01T09:20",
        ))))
        .unwrap();
        assert_eq!(s.account, "horizonsnhs");
        assert_eq!(
            s.slots[0].start.to_rfc3339(),
            "2022-06-28T08:00:00+00:00",
            "BST is UTC+1"
        );
        assert_eq!(
            s.slots[1].start.to_rfc3339(),
            "2022-12-01T09:00:00+00:00",
            "GMT is UTC"
        );
        // 2022-03-27: clocks go forward at 01:00 GMT to 02:00 BST.
        let s = parse(&day(&slot(
            "change",
            "2022-03-27T00:30",
            "2022-03-27T03:00",
        )))
        .unwrap();
        assert_eq!(s.slots[0].start.to_rfc3339(), "2022-03-27T00:30:00+00:00");
        assert_eq!(
            s.slots[0].end.to_rfc3339(),
            "2022-03-27T02:00:00+00:00",
            "03:00 BST"
        );
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc);
        assert_eq!(s.slot_at(at("2022-03-27T01:59:59Z")), Some(0));
        assert_eq!(s.slot_at(at("2022-03-27T02:00:00Z")), None, "half-open");
    }

    #[test]
    fn bad_schedules_are_refused_naming_the_slot() {
        let cases = [
            (
                day(&(slot("a", "2022-06-28T09:00", "2022-06-28T10:00")
                    + &slot("b", "2022-06-28T09:30", "2022-06-28T11:00"))),
                "day.toml: slot `b`: overlaps slot `a`",
            ),
            (
                day(&slot("a", "2022-06-28T10:00", "2022-06-28T10:00")),
                "day.toml: slot `a`: `end` (2022-06-28T10:00) must be after `start`",
            ),
            (
                day(&slot("a", "2022-03-27T01:30", "2022-03-27T03:00")),
                "day.toml: slot `a`: `start` \"2022-03-27T01:30\": does not exist in Europe/London",
            ),
            (
                day(&slot("a", "2022-10-30T01:30", "2022-10-30T03:00")),
                "day.toml: slot `a`: `start` \"2022-10-30T01:30\": happens twice in Europe/London",
            ),
            (
                day(&slot("a", "28/06/2022 09:00", "2022-06-28T10:00")),
                "expected local time as YYYY-MM-DDTHH:MM",
            ),
            (
                day(&(slot("a", "2022-06-28T09:00", "2022-06-28T10:00")
                    + &slot("a", "2022-06-28T10:00", "2022-06-28T11:00"))),
                "day.toml: slot `a`: the id is used by another slot",
            ),
            (day(""), "day.toml: there are no slots"),
            (
                day(&slot("a", "2022-06-28T09:00", "2022-06-28T10:00"))
                    .replace("Europe/London", "Europe/Londres"),
                "is not an IANA timezone name",
            ),
            (
                day(&slot("a", "2022-06-28T09:00", "2022-06-28T10:00")).replace("title", "titel"),
                "unknown field `titel`",
            ),
        ];
        for (text, needle) in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}\n  got: {err}");
        }
        let touching = day(&(slot("a", "2022-06-28T09:00", "2022-06-28T10:00")
            + &slot("b", "2022-06-28T10:00", "2022-06-28T11:00")));
        assert_eq!(
            parse(&touching).unwrap().slots.len(),
            2,
            "touching slots are fine"
        );
    }
}
