use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Utc};

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
    if let Some(t) = utc_rfc3339(s) {
        return Ok(t);
    }
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

/// The form nearly every platform writes, `YYYY-MM-DDTHH:MM:SSZ` with
/// none or 1 to 9 digits of fractional seconds, read field by field and
/// truncated to milliseconds, as [`DateTime::parse_from_rfc3339`] reads it
/// but without its general parser; `None` for anything else, a leap
/// second and an impossible date or time among it, which the general
/// parsers then take.
fn utc_rfc3339(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b.last() == Some(&b'Z');
    if !shape {
        return None;
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            number(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&b[0..4])?).ok()?,
        number(&b[5..7])?,
        number(&b[8..10])?,
    )?;
    // Refuses a second of 60, which chrono reads as a leap second.
    let time = NaiveTime::from_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos - nanos % 1_000_000,
    )?;
    Some(date.and_time(time).and_utc())
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

    /// What [`parse_timestamp`] did for RFC 3339 before [`utc_rfc3339`].
    fn by_chrono(s: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc).trunc_subsecs(3))
    }

    #[test]
    fn the_common_form_is_read_as_chrono_reads_it() {
        for s in [
            "2022-06-28T09:00:03Z",
            "2022-06-28T09:00:03.000Z",
            "2022-06-28T09:00:03.9Z",
            "2022-06-28T09:00:03.123456789Z",
            "2024-02-29T23:59:59.999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
        ] {
            assert_eq!(utc_rfc3339(s), by_chrono(s), "{s}");
            assert!(utc_rfc3339(s).is_some(), "{s} should take the fast path");
        }
        for s in [
            "2023-02-29T00:00:00Z",
            "2022-13-01T00:00:00Z",
            "2022-06-28T24:00:00Z",
            "2022-06-28T09:60:00Z",
            "2016-12-31T23:59:60Z",
            "2022-06-28T09:00:03.Z",
            "2022-06-28T09:00:03.1234567890Z",
            "2022-06-28t09:00:03Z",
            "2022-06-28T09:00:03z",
            "2022-06-28T09:00:03+00:00",
            "+2022-06-28T09:00:03Z",
            "2022-06-28T09:00:0٣Z",
        ] {
            assert_eq!(utc_rfc3339(s), None, "{s}");
            assert_eq!(
                parse_timestamp(s).ok(),
                by_chrono(s).or_else(|| parse_timestamp_by_chrono(s)),
                "{s}"
            );
        }
    }

    /// The general parsers alone, as [`parse_timestamp`] runs them.
    fn parse_timestamp_by_chrono(s: &str) -> Option<Timestamp> {
        DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z")
            .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z"))
            .or_else(|_| DateTime::parse_from_str(s, "%a %b %d %H:%M:%S %z %Y"))
            .ok()
            .map(|t| t.with_timezone(&Utc).trunc_subsecs(3))
            .or_else(|| {
                s.strip_suffix('Z')
                    .and_then(|n| NaiveDateTime::parse_from_str(n, "%Y-%m-%d %H:%M:%S%.f").ok())
                    .map(|n| n.and_utc().trunc_subsecs(3))
            })
    }

    proptest::proptest! {
        /// Strings of the common form's shape, their fields any digits (or
        /// sometimes not digits), agree with chrono wherever the fast path
        /// answers, and it answers for every valid one.
        #[test]
        fn the_fast_path_agrees_with_chrono(
            year in 0u32..10_000,
            month in 0u32..14,
            day in 0u32..33,
            hour in 0u32..26,
            minute in 0u32..62,
            second in 0u32..62,
            fraction in proptest::option::of("[0-9]{0,11}"),
            junk in proptest::option::of((0usize..24, proptest::char::any())),
        ) {
            let mut s = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}");
            if let Some(f) = &fraction {
                s.push('.');
                s.push_str(f);
            }
            s.push('Z');
            if let Some((at, c)) = junk {
                let at = s.char_indices().nth(at % s.chars().count()).map_or(0, |(i, _)| i);
                s.replace_range(at..at + s[at..].chars().next().map_or(0, char::len_utf8), &c.to_string());
            }
            let fast = utc_rfc3339(&s);
            let chrono = by_chrono(&s);
            if fast.is_some() {
                proptest::prop_assert_eq!(fast, chrono, "{}", s);
            }
            let valid_fraction = fraction.as_ref().is_none_or(|f| (1..=9).contains(&f.len()));
            if chrono.is_some() && junk.is_none() && second < 60 && valid_fraction {
                proptest::prop_assert!(fast.is_some(), "{} left to chrono", s);
            }
        }
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
