//! Reading the rate-limit headers of the three platforms.
//!
//! | platform | headers | reset given as |
//! |---|---|---|
//! | X | `x-rate-limit-remaining`, `x-rate-limit-reset` | Unix seconds |
//! | Mastodon | `x-ratelimit-remaining`, `x-ratelimit-reset` | ISO 8601 |
//! | Bluesky | `ratelimit-remaining`, `ratelimit-reset` | Unix seconds |
//! | any | `retry-after` | seconds, or an HTTP date |
//!
//! Every reset is read in every form (Unix seconds, delta seconds, RFC 3339,
//! HTTP date), so a proxy or a compatible server that mixes them still works.

use chrono::{DateTime, TimeDelta, Utc};
use reqwest::header::HeaderMap;
use threadlens_model::Timestamp;

/// What a response says about the caller's rate-limit window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RateState {
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets.
    pub reset: Option<Timestamp>,
    /// When `Retry-After` says to try again.
    pub retry_after: Option<Timestamp>,
}

impl RateState {
    /// Read the headers of a response received at `now`.
    pub(crate) fn from_headers(headers: &HeaderMap, now: Timestamp) -> RateState {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()))
                .map(str::trim)
        };
        const REMAINING: [&str; 3] = [
            "x-rate-limit-remaining",
            "x-ratelimit-remaining",
            "ratelimit-remaining",
        ];
        const RESET: [&str; 3] = ["x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"];
        RateState {
            remaining: get(&REMAINING).and_then(|v| v.parse().ok()),
            reset: get(&RESET).and_then(|v| parse_instant(v, now)),
            retry_after: get(&["retry-after"]).and_then(|v| parse_instant(v, now)),
        }
    }

    /// When a refused (429) request may be sent again: the later of
    /// `Retry-After` and the window's reset; `None` when neither is given.
    pub(crate) fn resume_after_refusal(&self) -> Option<Timestamp> {
        self.retry_after.max(self.reset)
    }

    /// When the next request may go, if this response used up the window.
    pub(crate) fn exhausted_until(&self) -> Option<Timestamp> {
        (self.remaining == Some(0)).then_some(self.reset).flatten()
    }
}

/// Unix seconds, delta seconds (small numbers), RFC 3339 or an HTTP date.
fn parse_instant(value: &str, now: Timestamp) -> Option<Timestamp> {
    if let Ok(n) = value.parse::<f64>() {
        if !n.is_finite() || n < 0.0 {
            return None;
        }
        // No window lasts 31 years: a large number is an epoch, a small one
        // a delay (the IETF RateLimit draft and Retry-After use delays).
        return if n >= 1e9 {
            DateTime::from_timestamp_millis((n * 1000.0) as i64)
        } else {
            now.checked_add_signed(TimeDelta::milliseconds((n * 1000.0) as i64))
        };
    }
    DateTime::parse_from_rfc3339(value)
        .or_else(|_| DateTime::parse_from_rfc2822(value))
        .or_else(|_| DateTime::parse_from_rfc2822(&value.replace(" UTC", " GMT")))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn at(text: &str) -> Timestamp {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn x_resets_in_unix_seconds() {
        let now = at("2022-10-07T23:07:42Z");
        let state = RateState::from_headers(
            &headers(&[
                ("x-rate-limit-limit", "450"),
                ("x-rate-limit-remaining", "0"),
                ("x-rate-limit-reset", "1665184962"),
            ]),
            now,
        );
        assert_eq!(state.remaining, Some(0));
        assert_eq!(state.exhausted_until(), Some(at("2022-10-07T23:22:42Z")));
        assert_eq!(
            state.resume_after_refusal(),
            Some(at("2022-10-07T23:22:42Z"))
        );
    }

    #[test]
    fn mastodon_resets_in_iso_8601() {
        let now = at("2026-08-01T13:55:00Z");
        let state = RateState::from_headers(
            &headers(&[
                ("x-ratelimit-remaining", "299"),
                ("x-ratelimit-reset", "2026-08-01T14:00:00.070144Z"),
            ]),
            now,
        );
        assert_eq!(state.remaining, Some(299));
        assert_eq!(state.exhausted_until(), None);
        assert_eq!(
            state.reset.map(|t| t.timestamp_millis()),
            Some(at("2026-08-01T14:00:00.070Z").timestamp_millis())
        );
    }

    #[test]
    fn bluesky_and_retry_after_forms() {
        let now = at("2025-01-23T15:00:00Z");
        let state = RateState::from_headers(
            &headers(&[
                ("RateLimit-Remaining", "0"),
                ("RateLimit-Reset", "1737648164"),
                ("Retry-After", "30"),
            ]),
            now,
        );
        assert_eq!(state.reset, Some(at("2025-01-23T16:02:44Z")));
        assert_eq!(state.retry_after, Some(at("2025-01-23T15:00:30Z")));
        assert_eq!(
            state.resume_after_refusal(),
            Some(at("2025-01-23T16:02:44Z"))
        );
        let dated = RateState::from_headers(
            &headers(&[("retry-after", "Fri, 07 Oct 2022 23:07:42 GMT")]),
            now,
        );
        assert_eq!(dated.retry_after, Some(at("2022-10-07T23:07:42Z")));
        let garbage = RateState::from_headers(&headers(&[("retry-after", "soon")]), now);
        assert_eq!(garbage.resume_after_refusal(), None);
    }

    /// Fuzz target: any header values a server sends, at any time, read
    /// without a panic; a delay in seconds is that long after now.
    #[test]
    fn fuzz_rate_limit_headers() {
        use proptest::prelude::*;
        let value = prop_oneof![
            "[ -~]{0,40}",
            (0u32..1_000_000_000).prop_map(|n| n.to_string()),
            any::<f64>().prop_map(|x| x.to_string()),
            Just("Wed, 21 Oct 2015 07:28:00 GMT".to_owned()),
            Just("2015-10-21T07:28:00Z".to_owned()),
            Just("1e309".to_owned()),
            Just("-0".to_owned()),
            Just("NaN".to_owned()),
        ];
        let names = [
            "retry-after",
            "x-rate-limit-remaining",
            "x-rate-limit-reset",
            "ratelimit-reset",
            "ratelimit-remaining",
        ];
        threadlens_testkit::fuzz::fuzz(
            "rate_limit_headers",
            (
                proptest::collection::vec((0..names.len(), value), 0..5),
                -8_000_000_000_000i64..8_000_000_000_000,
            ),
            |(pairs, now_ms)| {
                let now = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
                let mut map = HeaderMap::new();
                for (n, v) in &pairs {
                    if let Ok(v) = HeaderValue::from_str(v) {
                        map.insert(HeaderName::from_static(names[*n]), v);
                    }
                }
                let state = RateState::from_headers(&map, now);
                let _ = (state.resume_after_refusal(), state.exhausted_until());
                if let Some(delay) = map
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .filter(|&d| d < 1_000_000)
                {
                    let expected = now.checked_add_signed(TimeDelta::seconds(i64::from(delay)));
                    prop_assert_eq!(state.retry_after, expected);
                }
                Ok(())
            },
        );
    }
}
