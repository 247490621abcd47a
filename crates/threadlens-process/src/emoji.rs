//! text-processing.md §2: the emoji count.

use std::sync::LazyLock;

use unicode_segmentation::UnicodeSegmentation;

use crate::char_class::CharClass;

static EXTENDED_PICTOGRAPHIC: LazyLock<CharClass> =
    LazyLock::new(|| CharClass::new(r"\p{Extended_Pictographic}"));

/// The keycap combining mark: `1️⃣` is an emoji by it.
const KEYCAP: char = '\u{20E3}';

fn is_emoji_char(c: char) -> bool {
    let regional_indicator = ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    !c.is_ascii() && (c == KEYCAP || regional_indicator || EXTENDED_PICTOGRAPHIC.contains(c))
}

/// The number of extended grapheme clusters (UAX #29) of `text`, exactly as
/// given (before normalisation), that contain an `Extended_Pictographic`
/// code point, a `Regional_Indicator` or U+20E3 (text-processing.md §2).
pub fn emoji_count(text: &str) -> usize {
    if text.is_ascii() {
        return 0;
    }
    text.graphemes(true)
        .filter(|g| g.chars().any(is_emoji_char))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_row_5_hearts_with_variation_selectors() {
        assert_eq!(emoji_count("❤️ candour ❤️ jane.doe@nhs.net"), 2);
    }

    #[test]
    fn clusters_count_once() {
        assert_eq!(emoji_count("👩‍👩‍👧"), 1, "a ZWJ family is one cluster");
        assert_eq!(
            emoji_count("🇬🇧🇺🇸"),
            2,
            "two flags, each a pair of regional indicators"
        );
        assert_eq!(emoji_count("👍🏽"), 1, "a skin tone modifier joins its base");
        assert_eq!(emoji_count("1️⃣ and #️⃣"), 2, "keycaps");
        assert_eq!(emoji_count("🙌🙌"), 2);
    }

    #[test]
    fn no_emoji() {
        assert_eq!(emoji_count(""), 0);
        assert_eq!(emoji_count("plain 123 #tag @user"), 0);
        assert_eq!(emoji_count("café naïve"), 0);
    }
}
