use serde::{Deserialize, Serialize};

/// A record that could not be turned into a post: one line of `rejects.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reject {
    /// The input file, as named on the command line.
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    /// Why it was refused, naming the field where there is one.
    pub reason: String,
    /// The record as it was read (lossy UTF-8 if it was not UTF-8).
    pub raw: String,
}
