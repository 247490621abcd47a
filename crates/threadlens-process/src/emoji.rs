//! text-processing.md §2: the emoji count.

use unicode_segmentation::UnicodeSegmentation;

use crate::ascii::first_non_ascii;
use crate::classes::is_pictographic;

/// The keycap combining mark: `1️⃣` is an emoji by it.
const KEYCAP: char = '\u{20E3}';

fn is_emoji_char(c: char) -> bool {
    let regional_indicator = ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    !c.is_ascii() && (c == KEYCAP || regional_indicator || is_pictographic(c))
}

/// The number of extended grapheme clusters (UAX #29) of `text`, exactly as
/// given (before normalisation), that contain an `Extended_Pictographic`
/// code point, a `Regional_Indicator` or U+20E3 (text-processing.md §2).
pub fn emoji_count(text: &str) -> usize {
    // Between two ASCII characters (other than CR LF) there is always a
    // cluster boundary, and no rule looks back across one. So only the
    // pieces of text around non-ASCII runs, cut at such boundaries, are
    // segmented, and only when they hold an emoji character.
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut from = 0;
    while let Some(offset) = first_non_ascii(&bytes[from..]) {
        let run = from + offset;
        let mut start = run;
        while start > from && !is_cut(bytes, start) {
            start -= 1;
        }
        let mut end = run + 1;
        while end < bytes.len() && !is_cut(bytes, end) {
            end += 1;
        }
        count += clusters_with_emoji(&text[start..end]);
        from = end;
    }
    count
}

/// Whether a cluster boundary certainly falls before `bytes[r]`: both it and
/// the byte before are ASCII, and they are not CR LF.
fn is_cut(bytes: &[u8], r: usize) -> bool {
    let (before, here) = (bytes[r - 1], bytes[r]);
    here.is_ascii() && before.is_ascii() && !(before == b'\r' && here == b'\n')
}

fn clusters_with_emoji(piece: &str) -> usize {
    let mut emoji_chars = piece.chars().filter(|&c| is_emoji_char(c));
    match (emoji_chars.next(), emoji_chars.next()) {
        (None, _) => 0,
        // Clusters do not overlap, so a lone emoji character is in exactly
        // one of them, whatever it joins.
        (Some(_), None) => 1,
        _ => piece
            .graphemes(true)
            .filter(|g| g.chars().any(is_emoji_char))
            .count(),
    }
}

/// §2 read literally: every cluster of the whole text, for tests.
#[cfg(test)]
pub(crate) fn emoji_count_reference(text: &str) -> usize {
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
    fn cutting_between_ascii_characters_changes_nothing() {
        for text in [
            " \u{20E3}x",
            "a\u{200D}🙌",
            "🇬🇧🇺🇸🇫",
            "x 🇬 🇧",
            "\r\n🙌\r\n",
            "ab👩‍👩‍👧cd 1️⃣2️⃣ #️⃣#",
            "\u{0600} 🙌",
            "e\u{0301}🙌🏽\u{200D}",
        ] {
            assert_eq!(emoji_count(text), emoji_count_reference(text), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn counting_in_pieces_equals_counting_the_whole(
            text in crate::test_strategies::tricky_text()
        ) {
            proptest::prop_assert_eq!(emoji_count(&text), emoji_count_reference(&text));
        }
    }

    #[test]
    fn no_emoji() {
        assert_eq!(emoji_count(""), 0);
        assert_eq!(emoji_count("plain 123 #tag @user"), 0);
        assert_eq!(emoji_count("café naïve"), 0);
    }
}
