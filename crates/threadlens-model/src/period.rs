//! Periods of `theme_by_period`: hours, days or ISO weeks (Monday first) of
//! local time in a chosen timezone.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDateTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// How long a period of `theme_by_period` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// Clock hours.
    Hour,
    /// Calendar days (the default).
    #[default]
    Day,
    /// ISO weeks, from Monday 00:00.
    Week,
}

impl Period {
    /// Every period length, shortest first.
    pub const ALL: [Period; 3] = [Period::Hour, Period::Day, Period::Week];

    /// Its name on the command line and in job files.
    pub fn name(self) -> &'static str {
        match self {
            Period::Hour => "hour",
            Period::Day => "day",
            Period::Week => "week",
        }
    }

    /// What a period is, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Period::Hour => "clock hours (the hour the clocks go back is two periods)",
            Period::Day => "calendar days (23 or 25 hours across a clock change)",
            Period::Week => "ISO weeks, from Monday 00:00",
        }
    }

    /// The period holding `at`: the hour, day or ISO week of local time in
    /// `tz` that contains it, as a real interval of time (formats.md §5).
    /// The hour the clocks go back is two periods; a local start the clocks
    /// skip moves to the first local time after the gap.
    pub fn of(self, at: DateTime<Utc>, tz: Tz) -> PeriodStart {
        let local: NaiveDateTime = at.with_timezone(&tz).naive_local();
        let naive = match self {
            Period::Hour => local.date().and_hms_opt(local.hour(), 0, 0),
            Period::Day => local.date().and_hms_opt(0, 0, 0),
            Period::Week => {
                let monday = local.date()
                    - Duration::days(i64::from(local.weekday().num_days_from_monday()));
                monday.and_hms_opt(0, 0, 0)
            }
        }
        .unwrap_or(local);
        PeriodStart {
            utc: first_instant(naive, at, tz, self == Period::Hour),
            tz,
        }
    }
}

/// The first instant of a period: a UTC instant shown in its timezone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodStart {
    /// The instant.
    pub utc: DateTime<Utc>,
    /// The timezone the period is cut in.
    pub tz: Tz,
}

impl PeriodStart {
    /// Local time with its UTC offset, `YYYY-MM-DDTHH:MM±HH:MM`
    /// (`period_start`).
    pub fn local_label(&self) -> String {
        self.utc
            .with_timezone(&self.tz)
            .format("%Y-%m-%dT%H:%M%:z")
            .to_string()
    }

    /// The instant in UTC, `YYYY-MM-DDTHH:MM:SSZ` (`period_start_utc`).
    pub fn utc_label(&self) -> String {
        self.utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

/// The instant local time `naive` names in `tz`, for a period holding
/// `at`. Of two instants (the clocks went back), the first, unless hours
/// are `split`: then the later one when `at` is in the repeated hour. Of
/// none (a time the clocks skip), the end of the gap.
fn first_instant(naive: NaiveDateTime, at: DateTime<Utc>, tz: Tz, split: bool) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(early, late) => {
            let late = late.with_timezone(&Utc);
            if split && late <= at {
                late
            } else {
                early.with_timezone(&Utc)
            }
        }
        LocalResult::None => {
            // Gaps are whole minutes and shorter than a day: find the first
            // minute after `naive` that exists, no later than `at`.
            let mut minute = naive;
            for _ in 0..(24 * 60) {
                minute += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&minute).earliest() {
                    return t.with_timezone(&Utc).min(at);
                }
            }
            at
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| format!("unknown period `{s}` (hour, day or week)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn periods_start_in_local_time() {
        let at = utc("2022-06-28T23:30:00Z");
        let london: Tz = "Europe/London".parse().unwrap();
        let label = |p: Period, tz: Tz| p.of(at, tz).local_label();
        assert_eq!(label(Period::Hour, london), "2022-06-29T00:00+01:00", "BST");
        assert_eq!(label(Period::Day, london), "2022-06-29T00:00+01:00");
        assert_eq!(label(Period::Day, Tz::UTC), "2022-06-28T00:00+00:00");
        assert_eq!(
            label(Period::Week, london),
            "2022-06-27T00:00+01:00",
            "Monday"
        );
        assert_eq!(
            Period::Day.of(at, london).utc_label(),
            "2022-06-28T23:00:00Z"
        );
        assert_eq!("week".parse::<Period>(), Ok(Period::Week));
        assert!("month".parse::<Period>().is_err());
    }

    #[test]
    fn the_hour_the_clocks_go_back_is_two_periods() {
        let london: Tz = "Europe/London".parse().unwrap();
        // 01:00-02:00 BST is 00:00-01:00 UTC; 01:00-02:00 GMT is 01:00-02:00 UTC.
        let bst = Period::Hour.of(utc("2022-10-30T00:30:00Z"), london);
        let gmt = Period::Hour.of(utc("2022-10-30T01:30:00Z"), london);
        assert_eq!(bst.local_label(), "2022-10-30T01:00+01:00");
        assert_eq!(gmt.local_label(), "2022-10-30T01:00+00:00");
        assert_eq!(bst.utc_label(), "2022-10-30T00:00:00Z");
        assert_eq!(gmt.utc_label(), "2022-10-30T01:00:00Z");
        assert!(bst.utc < gmt.utc);
        // The day holds both: it starts at midnight BST and lasts 25 hours.
        let day = Period::Day.of(utc("2022-10-30T23:30:00Z"), london);
        assert_eq!(day.local_label(), "2022-10-30T00:00+01:00");
        assert_eq!(day, Period::Day.of(utc("2022-10-29T23:00:00Z"), london));
    }

    #[test]
    fn the_skipped_hour_has_no_period_and_gaps_at_midnight_move_the_start() {
        let london: Tz = "Europe/London".parse().unwrap();
        // 27 March 2022: 01:00 GMT becomes 02:00 BST.
        let before = Period::Hour.of(utc("2022-03-27T00:59:00Z"), london);
        let after = Period::Hour.of(utc("2022-03-27T01:00:00Z"), london);
        assert_eq!(before.local_label(), "2022-03-27T00:00+00:00");
        assert_eq!(after.local_label(), "2022-03-27T02:00+01:00");
        // São Paulo skipped midnight on 4 November 2018 (00:00 became 01:00).
        let sao_paulo: Tz = "America/Sao_Paulo".parse().unwrap();
        let day = Period::Day.of(utc("2018-11-04T12:00:00Z"), sao_paulo);
        assert_eq!(day.local_label(), "2018-11-04T01:00-02:00");
        assert_eq!(day.utc_label(), "2018-11-04T03:00:00Z");
    }
}
