//! Benchmark support: corpora of any size built from one template page or
//! record, with ids rewritten so that no two copies are duplicates.
//!
//! ```
//! let page = serde_json::json!({"data": [{"id": "1440716895355764743", "text": "hi"}]});
//! let copy = threadlens_bench::renumber(&page, 3);
//! assert_eq!(copy["data"][0]["id"], "1440746895355764743");
//! ```

use serde_json::Value;

/// Ids are shifted by this much per copy: 10^13 keeps 19-digit X ids at
/// 19 digits for up to ~170,000 copies.
const ID_STRIDE: u64 = 10_000_000_000_000;

/// A copy of `template` in which every string that is a 19-digit number
/// (X post ids, conversation and reference ids) is shifted by `copy` ×
/// 10^13, so copies share no post ids but keep their internal references.
pub fn renumber(template: &Value, copy: u64) -> Value {
    match template {
        Value::String(s) if s.len() == 19 && s.bytes().all(|b| b.is_ascii_digit()) => {
            match s.parse::<u64>() {
                Ok(id) => Value::String((id + copy * ID_STRIDE).to_string()),
                Err(_) => template.clone(),
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| renumber(v, copy)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), renumber(v, copy)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Write `copies` renumbered copies of each template line (JSONL) to `out`.
/// Returns the bytes written.
pub fn write_jsonl_corpus(
    templates: &[Value],
    copies: u64,
    out: &mut impl std::io::Write,
) -> std::io::Result<u64> {
    let mut written = 0u64;
    for copy in 0..copies {
        for template in templates {
            let line = serde_json::to_string(&renumber(template, copy))?;
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            written += line.len() as u64 + 1;
        }
    }
    Ok(written)
}
