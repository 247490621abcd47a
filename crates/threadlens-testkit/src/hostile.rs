//! Hostile inputs for the parsers, structure-aware where it matters: a
//! real record from a fixture with some of its values replaced by what
//! strangers and broken servers send (huge strings, deep nesting, numbers
//! past `u64`, ids with NUL, lone surrogates in `\u` escapes), files with
//! a BOM, CRLF, bytes that are not UTF-8 and truncated tails, and arbitrary
//! bytes and text.

use proptest::collection::vec;
use proptest::prelude::*;

/// JSON text of one hostile value (not always valid JSON: a lone surrogate
/// escape or a bare huge number is what a parser must refuse cleanly).
pub fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_map(|s| json_string(&s)),
        Just("\"\"".to_owned()),
        (1usize..200_000, any::<char>()).prop_map(|(n, c)| json_string(&c.to_string().repeat(n))),
        Just("\"id\\u0000with-nul\"".to_owned()),
        Just("\"\\ud800 lone surrogate\"".to_owned()),
        Just("\"\\udc00\\ud800 reversed pair\"".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("123456789012345678901234567890".to_owned()),
        Just("0.5".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        (1usize..100_000).prop_map(|depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth))),
        (1usize..5_000).prop_map(|depth| format!(
            "{}1{}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        )),
        Just("\"2022-06-28T09:00:00Z\"".to_owned()),
        Just("\"2022-13-45T99:99:99Z\"".to_owned()),
        Just("\"Wed Oct 19 20:07:25 +0000 2022\"".to_owned()),
        Just("\"=HYPERLINK(\\\"http://x\\\")\"".to_owned()),
    ]
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Replace some values of `record` (JSON text) by hostile ones: the
/// `n`th leaf (strings, numbers, booleans, nulls, in document order)
/// for each `(n, value)`.
pub fn mutate_record(record: &str, changes: &[(usize, String)]) -> String {
    let leaves = leaf_spans(record);
    if leaves.is_empty() {
        return record.to_owned();
    }
    let mut chosen: Vec<(usize, &str)> = changes
        .iter()
        .map(|(n, v)| (n % leaves.len(), v.as_str()))
        .collect();
    chosen.sort_by_key(|c| c.0);
    chosen.dedup_by_key(|c| c.0);
    let mut out = String::with_capacity(record.len());
    let mut at = 0;
    for (n, value) in chosen {
        let (start, end) = leaves[n];
        out.push_str(&record[at..start]);
        out.push_str(value);
        at = end;
    }
    out.push_str(&record[at..]);
    out
}

/// Byte spans of the leaf values of JSON text (string values, not keys;
/// numbers; `true`, `false`, `null`), found by a small scanner that never
/// fails: on text that is not JSON it finds what it can.
fn leaf_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                // A key is followed by ':'.
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) != Some(&b':') {
                    spans.push((start, i));
                }
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let start = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r')
                {
                    i += 1;
                }
                spans.push((start, i));
            }
            _ => i += 1,
        }
    }
    spans
}

/// A file made of `records` (JSON texts, one per line) with hostile
/// framing: a BOM or not, LF or CRLF, stray junk lines, bytes that are not
/// UTF-8, and perhaps a truncated tail.
pub fn hostile_file(records: Vec<String>) -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        any::<bool>(),
        vec((any::<u16>(), vec(any::<u8>(), 0..40)), 0..3),
        any::<Option<u16>>(),
        vec((any::<u16>(), hostile_value()), 0..6),
    )
        .prop_map(move |(bom, crlf, junk, cut, changes)| {
            let mut lines: Vec<Vec<u8>> = records
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mine: Vec<(usize, String)> = changes
                        .iter()
                        .filter(|(at, _)| usize::from(*at) % records.len().max(1) == i)
                        .map(|(at, v)| (usize::from(*at) / records.len().max(1), v.clone()))
                        .collect();
                    mutate_record(r, &mine).into_bytes()
                })
                .collect();
            for (at, bytes) in junk {
                let at = usize::from(at) % (lines.len() + 1);
                lines.insert(at, bytes);
            }
            let mut out = Vec::new();
            if bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            for line in lines {
                out.extend_from_slice(&line);
                out.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            if let Some(cut) = cut {
                let keep = usize::from(cut) % (out.len() + 1);
                out.truncate(keep);
            }
            out
        })
}

/// Changes to a text file's lines (see [`edit_lines`]): what to do, where,
/// and the text for a replacement.
pub fn line_edits() -> impl Strategy<Value = Vec<(u8, u16, String)>> {
    vec((0u8..4, any::<u16>(), any::<String>()), 0..8)
}

/// `text` with `edits` applied to its lines: delete one, repeat one,
/// replace one by arbitrary text, or cut the file short in the middle of
/// one.
pub fn edit_lines(text: &str, edits: &[(u8, u16, String)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (op, at, with) in edits {
        if lines.is_empty() {
            lines.push(with.clone());
            continue;
        }
        let i = usize::from(*at) % lines.len();
        match op {
            0 => {
                lines.remove(i);
            }
            1 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            2 => lines[i].clone_from(with),
            _ => {
                let keep = lines[i].chars().count() / 2;
                lines[i] = lines[i].chars().take(keep).collect();
                lines.truncate(i + 1);
            }
        }
    }
    lines.join("\n")
}

/// Arbitrary bytes, and arbitrary text (as bytes), up to `max` long.
pub fn any_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..max),
        vec(any::<char>(), 0..max).prop_map(|cs| cs.into_iter().collect::<String>().into_bytes()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_are_values_not_keys() {
        let record = r#"{"id": "1", "n": 2, "ok": true, "x": null, "a": ["s", -3.5]}"#;
        let spans: Vec<&str> = leaf_spans(record)
            .iter()
            .map(|&(a, b)| &record[a..b])
            .collect();
        assert_eq!(spans, ["\"1\"", "2", "true", "null", "\"s\"", "-3.5"]);
        let mutated = mutate_record(record, &[(1, "1e400".into()), (11, "\"\\ud800\"".into())]);
        assert_eq!(
            mutated,
            r#"{"id": "1", "n": 1e400, "ok": true, "x": null, "a": ["s", "\ud800"]}"#
        );
    }
}
