//! Text analysis and theme scoring, exactly as `../shared/spec/text-processing.md`
//! (v1) defines them. Researchers cite these numbers, so every stage is a
//! small, total function pinned by the contract's examples.
//!
//! Built so far: the emoji count (§2) and normalisation (§3). Tokens,
//! forms, units, lexicons and the scorer (§4-8) are issue 3's next steps.
//! Nothing here can fail: any string in, a value out.
//!
//! ```
//! use threadlens_process::{emoji_count, normalize};
//!
//! assert_eq!(normalize("𝐂𝐚𝐧𝐝𝐨𝐮𝐫 ’matters’"), "Candour 'matters'");
//! assert_eq!(emoji_count("❤️ candour ❤️"), 2);
//! ```

mod char_class;
mod emoji;
mod normalize;

pub use emoji::emoji_count;
pub use normalize::normalize;
