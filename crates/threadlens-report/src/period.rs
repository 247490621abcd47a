//! Periods of `theme_by_period`: hours, days or ISO weeks (Monday first) of
//! local time in a chosen timezone.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Timelike, Utc};
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
    /// The local start of the period holding `at`, as `YYYY-MM-DDTHH:MM`.
    pub fn start_label(self, at: DateTime<Utc>, tz: Tz) -> String {
        let local: NaiveDateTime = at.with_timezone(&tz).naive_local();
        let start = match self {
            Period::Hour => local.date().and_hms_opt(local.hour(), 0, 0),
            Period::Day => local.date().and_hms_opt(0, 0, 0),
            Period::Week => {
                let monday = local.date()
                    - Duration::days(i64::from(local.weekday().num_days_from_monday()));
                monday.and_hms_opt(0, 0, 0)
            }
        };
        start.unwrap_or(local).format("%Y-%m-%dT%H:%M").to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Period::Hour => "hour",
            Period::Day => "day",
            Period::Week => "week",
        })
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "hour" => Ok(Period::Hour),
            "day" => Ok(Period::Day),
            "week" => Ok(Period::Week),
            other => Err(format!("unknown period `{other}` (hour, day or week)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_in_local_time() {
        let at = DateTime::parse_from_rfc3339("2022-06-28T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let london: Tz = "Europe/London".parse().unwrap();
        assert_eq!(
            Period::Hour.start_label(at, london),
            "2022-06-29T00:00",
            "BST"
        );
        assert_eq!(Period::Day.start_label(at, london), "2022-06-29T00:00");
        assert_eq!(Period::Day.start_label(at, Tz::UTC), "2022-06-28T00:00");
        assert_eq!(
            Period::Week.start_label(at, london),
            "2022-06-27T00:00",
            "Monday"
        );
        assert_eq!("week".parse::<Period>(), Ok(Period::Week));
        assert!("month".parse::<Period>().is_err());
    }
}
