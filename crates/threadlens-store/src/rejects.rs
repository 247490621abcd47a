//! `rejects.jsonl`: one JSON object per line (file, line, reason, raw).

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use threadlens_model::Reject;

use crate::atomic::write_atomically;
use crate::{Error, Result};

/// Add `rejects` to the file at `path`, skipping those already recorded
/// (so importing the same bad file twice records its rejects once).
/// Returns how many were added.
/// How many rejects `path` records (its non-empty lines); 0 when there is
/// no file.
pub(crate) fn count_rejects(path: &Path) -> Result<u64> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    match std::fs::File::open(path) {
        Ok(file) => {
            let mut count = 0;
            for line in BufReader::new(file).lines() {
                if !line.map_err(io)?.trim().is_empty() {
                    count += 1;
                }
            }
            Ok(count)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io(e)),
    }
}

pub(crate) fn append_rejects(path: &Path, rejects: &[Reject]) -> Result<usize> {
    if rejects.is_empty() {
        return Ok(0);
    }
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut existing_lines = Vec::new();
    let mut seen = HashSet::new();
    match std::fs::File::open(path) {
        Ok(file) => {
            for line in BufReader::new(file).lines() {
                let line = line.map_err(io)?;
                if let Ok(reject) = serde_json::from_str::<Reject>(&line) {
                    seen.insert(reject);
                }
                existing_lines.push(line);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let fresh: Vec<&Reject> = rejects
        .iter()
        .filter(|r| seen.insert((*r).clone()))
        .collect();
    if fresh.is_empty() {
        return Ok(0);
    }
    write_atomically(path, |out| {
        for line in &existing_lines {
            writeln!(out, "{line}").map_err(io)?;
        }
        for reject in &fresh {
            let line = serde_json::to_string(reject).map_err(|e| io(e.into()))?;
            writeln!(out, "{line}").map_err(io)?;
        }
        Ok(())
    })?;
    Ok(fresh.len())
}
