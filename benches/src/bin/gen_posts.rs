//! Write N synthetic tweet-like posts (threadlens-synth, seed 2022) as
//! generic JSONL for `threadlens import --format jsonl`: the corpus of the
//! scoring scale benchmark. One post in ten is a repost.
//!
//! `gen-posts POSTS OUT.jsonl`

use std::io::{BufWriter, Write};

use anyhow::{Context, Result, bail};
use threadlens_synth::TextGenerator;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, posts, out] = args.as_slice() else {
        bail!("usage: gen-posts POSTS OUT.jsonl");
    };
    let posts: u64 = posts.parse().context("POSTS must be a number")?;
    let file = std::fs::File::create(out).with_context(|| format!("cannot create {out}"))?;
    let mut out = BufWriter::new(file);
    for (i, text) in TextGenerator::new(2022).take(posts as usize).enumerate() {
        let i = i as u64;
        let record = serde_json::json!({
            "id": (1_541_700_000_000_000_000u64 + i).to_string(),
            "platform": "x",
            "text": text,
            "created_at": time_of_day(i % 86_400),
            "author": format!("user_{}", i % 5_000),
            "kind": if i % 10 == 9 { "repost" } else { "original" },
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// A second of 2022-06-28 as RFC 3339 (the corpus spans one day).
fn time_of_day(of_day: u64) -> String {
    format!(
        "2022-06-28T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}
