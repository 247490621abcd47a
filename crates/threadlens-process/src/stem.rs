//! §5 stems: Snowball English (Porter2) as `rust-stemmers` 1.2 gives it.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The stem of a form (already lowercased, hyphens removed).
pub fn stem(form: &str) -> String {
    ENGLISH.stem(form).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowball_2_english() {
        assert_eq!(stem("honesty"), "honesti", "the contract's row 1 note");
        assert_eq!(stem("honest"), "honest");
        assert_eq!(stem("involved"), "involv");
        assert_eq!(stem("conversations"), "convers");
        assert_eq!(stem("coproduction"), "coproduct");
    }
}
