/// A record-level failure before the file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordError {
    pub line: u64,
    pub reason: String,
    pub raw: String,
}

/// What one record of an input became.
pub(crate) type Outcome = Result<threadlens_model::Post, RecordError>;

/// The reason for a required field that is absent.
pub(crate) fn missing(field: &str) -> String {
    format!("missing field `{field}`")
}

/// Receives what a reader produces, in file order.
pub(crate) trait Emit {
    /// One record's outcome.
    fn outcome(&mut self, outcome: Outcome);
    /// One record's outcome, lent: what a reader that frees its outcomes
    /// elsewhere calls.
    fn lent_outcome(&mut self, outcome: &Outcome);
    /// Bytes of the file consumed so far.
    fn progress(&mut self, bytes: u64);
}
