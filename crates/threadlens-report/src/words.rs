//! Numbers and times as a reader expects them on the page: thousands
//! separators, percentages, minutes, and local times such as `09:30–10:10`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage: one decimal below 10%, whole numbers above.
pub(crate) fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 9.95 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// A share's interval, `19–27%`.
pub(crate) fn percent_range((low, high): (f64, f64)) -> String {
    let (low, high) = (percent(low), percent(high));
    format!("{}–{high}", low.trim_end_matches('%'))
}

/// Minutes as `4.5 min`, or `1 h 05 min` from an hour.
pub(crate) fn minutes(m: f64) -> String {
    if m < 60.0 {
        let text = format!("{m:.1}");
        format!("{} min", text.trim_end_matches(".0"))
    } else {
        let whole = m.round() as u64;
        format!("{} h {:02} min", whole / 60, whole % 60)
    }
}

/// A number with up to one decimal and thousands separators: `12.3`, `1,204`.
pub(crate) fn decimal(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    let whole = thousands(rounded.trunc() as u64);
    let tenth = ((rounded.fract()) * 10.0).round() as u64;
    if tenth == 0 {
        whole
    } else {
        format!("{whole}.{tenth}")
    }
}

/// A slot's times in `tz`: `09:30–10:10`, with the day when `with_day`
/// (`Sat 29 Oct 23:30–00:30`).
pub(crate) fn time_range(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: Tz,
    with_day: bool,
) -> String {
    let (start, end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let times = format!("{}–{}", start.format("%H:%M"), end.format("%H:%M"));
    if with_day {
        format!("{} {times}", start.format("%a %-d %b"))
    } else {
        times
    }
}

/// Whether the clocks change in `[start, end)` in `tz`.
pub(crate) fn clocks_change(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> bool {
    use chrono::Offset as _;
    let offset = |t: DateTime<Utc>| t.with_timezone(&tz).offset().fix();
    offset(start) != offset(end)
}

/// The zone's abbreviations seen in `[start, end]`: `BST`, or `BST/GMT`
/// across a change.
pub(crate) fn zone_abbreviations(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    let (a, b) = (
        start.with_timezone(&tz).format("%Z").to_string(),
        end.with_timezone(&tz).format("%Z").to_string(),
    );
    if a == b { a } else { format!("{a}/{b}") }
}

/// The local dates `[start, end]` covers: `Tuesday 28 June 2022`, or
/// `29–30 October 2022`, or `28 June – 3 July 2022`.
pub(crate) fn date_span(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> String {
    let (start, end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let (a, b) = (start.date_naive(), end.date_naive());
    if a == b {
        start.format("%A %-d %B %Y").to_string()
    } else if a.format("%Y-%m").to_string() == b.format("%Y-%m").to_string() {
        format!("{}–{}", a.format("%-d"), b.format("%-d %B %Y"))
    } else if a.format("%Y").to_string() == b.format("%Y").to_string() {
        format!("{} – {}", a.format("%-d %B"), b.format("%-d %B %Y"))
    } else {
        format!("{} – {}", a.format("%-d %B %Y"), b.format("%-d %B %Y"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.04567), "4.6%");
        assert_eq!(percent(0.2349), "23%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(percent_range((0.19, 0.271)), "19–27%");
        assert_eq!(minutes(4.0), "4 min");
        assert_eq!(minutes(4.25), "4.2 min");
        assert_eq!(minutes(65.2), "1 h 05 min");
        assert_eq!(decimal(8.6667), "8.7");
        assert_eq!(decimal(1204.0), "1,204");
    }

    #[test]
    fn times_are_local_and_name_the_change() {
        let london: Tz = "Europe/London".parse().unwrap();
        let (a, b) = (at("2022-06-28T08:30:00Z"), at("2022-06-28T09:10:00Z"));
        assert_eq!(time_range(a, b, london, false), "09:30–10:10");
        assert_eq!(date_span(a, b, london), "Tuesday 28 June 2022");
        assert_eq!(zone_abbreviations(a, b, london), "BST");
        // 00:30 BST to 02:30 GMT is three hours.
        let (a, b) = (at("2022-10-29T23:30:00Z"), at("2022-10-30T02:30:00Z"));
        assert_eq!(time_range(a, b, london, true), "Sun 30 Oct 00:30–02:30");
        assert!(clocks_change(a, b, london));
        assert_eq!(zone_abbreviations(a, b, london), "BST/GMT");
        assert_eq!(
            date_span(at("2022-10-29T20:00:00Z"), b, london),
            "29–30 October 2022"
        );
    }
}
