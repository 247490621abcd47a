//! Text analysis and theme scoring: normalisation, tokens, stems, lexicons
//! and the parallel scorer of `../shared/spec/text-processing.md`.
//!
//! Not built yet: issue 3 fills this crate. It is part of the workspace now
//! so the layout and dependency directions are fixed from the start; it
//! exports nothing, so nothing can depend on it by accident.
