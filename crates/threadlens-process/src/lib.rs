//! Text analysis and theme scoring, exactly as `docs/spec/text-processing.md`
//! (v1.1) defines them. Researchers cite these numbers, so every stage is a
//! small, total function pinned by the contract's examples.
//!
//! The analyzer (§2-6: emoji count, normalisation, tokens, forms, hashtag
//! segments, units, word count), stems, lexicons (§7, compiled into hash
//! lookups) and the scorer (§8): a [`Scorer`] per thread with reused
//! buffers, or [`score_texts`] / [`score_columns`] in parallel with rayon.
//! The core takes text and returns plain Rust values: no Arrow or polars
//! types, so it can run inside other engines. Analysis cannot fail: any
//! string in, a value out.
//!
//! Start reading at [`analyze()`] (a text to units, for display), then
//! [`Lexicon::parse`] and [`Scorer`]; `tests/it/reference.rs` is the slow,
//! literal reading of §8 the scorer is compared with.
//!
//! ```
//! use threadlens_process::{emoji_count, normalize};
//!
//! assert_eq!(normalize("𝐂𝐚𝐧𝐝𝐨𝐮𝐫 ’matters’"), "Candour 'matters'");
//! assert_eq!(emoji_count("❤️ candour ❤️"), 2);
//!
//! let post = threadlens_process::analyze("#LivedExperience partners were involved");
//! assert_eq!(post.word_count(), 5);
//! assert_eq!(post.units[1].form, "experience");
//! ```

mod analyze;
mod ascii;
mod audit;
mod byte_tokens;
mod char_class;
mod classes;
mod emoji;
mod forms;
mod index;
mod kwic;
mod lexicon;
mod normalize;
mod score;
mod stem;
#[cfg(test)]
mod test_strategies;
mod tokenize;
mod units;

pub use analyze::{Analysis, Hashtag, Unit, analyze};
pub use audit::{
    Audit, AuditReport, EntryAudit, FormAudit, NearMiss, audit_texts, spelling_variants,
};
pub use emoji::emoji_count;
pub use forms::{Segment, hashtag_tag, segments, word_form};
pub use kwic::{KwicLine, kwic_lines, kwic_texts};
pub use lexicon::{
    Element, Entry, Lexicon, LexiconError, LexiconFormat, Pattern, ReadOptions, Skipped, Theme,
    write_lexicon,
};
pub use normalize::normalize;
pub use score::{
    Match, PostScore, Scan, ScoreColumns, Scorer, ThemeScore, fold_scans, map_scans, score_columns,
    score_text, score_texts, theme_score,
};
pub use stem::stem;
pub use tokenize::{Token, TokenKind, tokenize};
