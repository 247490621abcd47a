//! `gen-corpus TEMPLATE.jsonl OUT.jsonl SIZE_MB`: write a JSONL corpus of at
//! least SIZE_MB megabytes by repeating TEMPLATE's lines with renumbered ids
//! (see `threadlens_bench::renumber`). For the scale benchmark.

use std::io::{BufRead, BufReader, BufWriter, Write};

use anyhow::{Context, Result, bail};
use serde_json::Value;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [template, out, size_mb] = args.as_slice() else {
        bail!("usage: gen-corpus TEMPLATE.jsonl OUT.jsonl SIZE_MB");
    };
    let target: u64 = size_mb
        .parse::<u64>()
        .context("SIZE_MB must be a whole number")?
        * 1_000_000;
    let file = std::fs::File::open(template).with_context(|| format!("cannot open {template}"))?;
    let lines: Vec<Value> = BufReader::new(file)
        .lines()
        .map(|l| Ok(serde_json::from_str(&l?)?))
        .collect::<Result<_>>()
        .with_context(|| format!("{template} is not JSONL"))?;
    let mut sink =
        BufWriter::new(std::fs::File::create(out).with_context(|| format!("cannot create {out}"))?);
    let one_copy = threadlens_bench::write_jsonl_corpus(&lines, 1, &mut std::io::sink())?.max(1);
    let copies = target.div_ceil(one_copy);
    let written = threadlens_bench::write_jsonl_corpus(&lines, copies, &mut sink)?;
    sink.flush()?;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{out}: {copies} copies of {} lines, {written} bytes",
        lines.len()
    )?;
    Ok(())
}
