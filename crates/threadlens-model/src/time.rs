use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

use crate::{Error, Result};

/// A UTC instant at millisecond precision, as stored in `created_at` and
/// `collected_at` (`datetime[ms, UTC]`).
pub type Timestamp = DateTime<Utc>;

/// Milliseconds since the Unix epoch of Twitter's snowflake epoch (2010-11-04).
const TWITTER_EPOCH_MS: i64 = 1_288_834_974_657;

/// Parse a timestamp in any form the platforms write, truncated to milliseconds.
///
/// Accepted: RFC 3339 (`2021-09-22T16:37:29.000Z`, `…+00:00`, with or without
/// fractional seconds, `T` or a space between date and time) and the
/// Twitter v1.1 / archive form (`Wed Oct 19 20:07:25 +0000 2022`). A time
/// without an offset is refused: guessing a timezone would shift every post.
pub fn parse_timestamp(text: &str) -> Result<Timestamp> {
    let s = text.trim();
    let parsed = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z"))
        .or_else(|_| DateTime::parse_from_str(s, "%a %b %d %H:%M:%S %z %Y"));
    match parsed {
        Ok(t) => Ok(t.with_timezone(&Utc).trunc_subsecs(3)),
        // `Z` after a space-separated time (`2021-01-01 10:00:00Z`) is still UTC.
        Err(_) => s
            .strip_suffix('Z')
            .and_then(|naive| NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S%.f").ok())
            .map(|n| n.and_utc().trunc_subsecs(3))
            .ok_or_else(|| Error::BadTimestamp(text.to_owned())),
    }
}

/// The creation time encoded in a Twitter/X snowflake id, when the id is one.
///
/// Every X post id since November 2010 carries its creation time in
/// milliseconds (`(id >> 22) + 1288834974657`); importers use it only when a
/// payload leaves `created_at` out (responses requested with default fields).
pub fn snowflake_timestamp(id: &str) -> Option<Timestamp> {
    let id: u64 = id.parse().ok()?;
    let millis = i64::try_from(id >> 22)
        .ok()?
        .checked_add(TWITTER_EPOCH_MS)?;
    // Ids before snowflakes (small sequential numbers) would decode to 2010-11-04.
    (id >> 22 > 0)
        .then(|| timestamp_from_millis(millis))
        .flatten()
}

/// The timestamp `millis` milliseconds after the Unix epoch.
pub fn timestamp_from_millis(millis: i64) -> Option<Timestamp> {
    DateTime::from_timestamp_millis(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(t: Timestamp) -> i64 {
        t.timestamp_millis()
    }

    #[test]
    fn rfc3339_forms_agree() {
        let a = parse_timestamp("2021-09-22T16:37:29.000Z").unwrap();
        let b = parse_timestamp("2021-09-22T17:37:29+01:00").unwrap();
        let c = parse_timestamp("2021-09-22 16:37:29Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(ms(a), 1_632_328_649_000);
    }

    #[test]
    fn microseconds_are_truncated_to_milliseconds() {
        let t = parse_timestamp("2024-02-22T19:58:13.903293+00:00").unwrap();
        assert_eq!(ms(t) % 1000, 903);
        assert_eq!(t.timestamp_subsec_micros(), 903_000);
    }

    #[test]
    fn twitter_v1_form() {
        let t = parse_timestamp("Wed Oct 19 20:07:25 +0000 2022").unwrap();
        assert_eq!(t, parse_timestamp("2022-10-19T20:07:25Z").unwrap());
    }

    #[test]
    fn refuses_times_without_offset_and_garbage() {
        assert!(parse_timestamp("2022-06-28T09:00").is_err());
        assert!(parse_timestamp("yesterday").is_err());
        assert!(parse_timestamp("").is_err());
    }

    #[test]
    fn snowflake_decodes_to_created_at() {
        // Tweet 1440716895355764743 was created at 2021-09-22T16:37:29.000Z
        // (its created_at in the brexit fixture); the snowflake keeps the ms.
        let t = snowflake_timestamp("1440716895355764743").unwrap();
        assert_eq!(
            t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "2021-09-22T16:37:29"
        );
        assert!(snowflake_timestamp("20").is_none());
        assert!(snowflake_timestamp("abc").is_none());
    }
}
