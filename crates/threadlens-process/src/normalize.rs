//! text-processing.md §3: normalisation before tokenising (case kept).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use crate::ascii::first_non_ascii;
use crate::classes::is_nfkc_plain;

/// Step 2: characters deleted after NFKC.
fn is_deleted(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{20E3}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{E0020}'..='\u{E007F}')
}

/// Step 3: apostrophes and hyphens mapped to their ASCII forms. En and em
/// dashes and the minus sign are not hyphens and stay as they are.
fn mapped(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{FF07}' => '\'',
        '\u{2010}' | '\u{2011}' => '-',
        _ => c,
    }
}

/// Normalise `text` (text-processing.md §3): Unicode NFKC once, then delete
/// soft hyphens, zero-width characters, the keycap mark, variation
/// selectors and tag characters, then map curly apostrophes to `'` and
/// Unicode hyphens to `-`. Nothing is normalised again afterwards.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    normalize_into(text, &mut out);
    out
}

/// [`normalize`] into a reused buffer (cleared first).
///
/// ASCII is copied as it is; only the pieces around non-ASCII characters
/// are normalised. A cut before an ASCII character is safe: no ASCII
/// character composes with what precedes it, and as a starter it ends any
/// reordering, so normalising the pieces and joining them equals
/// normalising the whole. A piece starts at the ASCII character before a
/// non-ASCII run (a combining mark may compose with it) and ends before the
/// next ASCII character.
pub(crate) fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    let bytes = text.as_bytes();
    let mut copied_to = 0;
    while let Some(offset) = first_non_ascii(&bytes[copied_to..]) {
        let run = copied_to + offset;
        let start = if run > copied_to { run - 1 } else { run };
        let end = bytes[run..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |n| run + n);
        out.push_str(&text[copied_to..start]);
        push_normalized_piece(&text[start..end], out);
        copied_to = end;
    }
    out.push_str(&text[copied_to..]);
}

/// How a piece of text normalises.
enum Piece {
    /// Already NFKC, and nothing in it deleted or mapped: it stays as it is.
    Kept,
    /// Already NFKC by the table, but characters are deleted or mapped.
    Plain,
    /// The table cannot tell: the NFKC quick check decides.
    Unknown,
}

/// What [`Piece`] `piece` is, in one pass over its characters.
fn piece_kind(piece: &str) -> Piece {
    let mut kind = Piece::Kept;
    for c in piece.chars().filter(|c| !c.is_ascii()) {
        if !is_nfkc_plain(c) {
            return Piece::Unknown;
        }
        if is_deleted(c) || mapped(c) != c {
            kind = Piece::Plain;
        }
    }
    kind
}

/// Append `piece` normalised: NFKC only when the quick check cannot tell
/// it is already normal, then steps 2 and 3.
fn push_normalized_piece(piece: &str, out: &mut String) {
    let normal = match piece_kind(piece) {
        Piece::Kept => {
            out.push_str(piece);
            return;
        }
        Piece::Plain => true,
        Piece::Unknown => is_nfkc_quick(piece.chars()) == IsNormalized::Yes,
    };
    if normal {
        out.extend(piece.chars().filter(|&c| !is_deleted(c)).map(mapped));
    } else {
        out.extend(piece.nfkc().filter(|&c| !is_deleted(c)).map(mapped));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_letters_fold_to_plain_ones() {
        assert_eq!(normalize("𝐂𝐚𝐧𝐝𝐨𝐮𝐫 and 𝕺𝖑𝖉"), "Candour and Old");
        assert_eq!(normalize("ﬁne"), "fine", "ligatures decompose");
    }

    #[test]
    fn invisible_characters_are_deleted() {
        assert_eq!(
            normalize("co\u{00AD}pro\u{200B}duc\u{200C}tion\u{200D}\u{2060}\u{FEFF}"),
            "coproduction"
        );
        assert_eq!(normalize("❤\u{FE0F}"), "❤");
        assert_eq!(
            normalize("1\u{FE0F}\u{20E3}"),
            "1",
            "a keycap leaves its digit"
        );
        assert_eq!(
            normalize("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}"),
            "🏴",
            "tag characters"
        );
        assert_eq!(normalize("a\u{E0100}b"), "ab");
    }

    #[test]
    fn apostrophes_and_hyphens_map_but_dashes_do_not() {
        assert_eq!(
            normalize("NHS\u{2019}s \u{2018}q\u{2019} don\u{02BC}t it\u{FF07}s"),
            "NHS's 'q' don't it's"
        );
        assert_eq!(
            normalize("co\u{2010}design co\u{2011}production"),
            "co-design co-production"
        );
        assert_eq!(
            normalize("a\u{2013}b c\u{2014}d e\u{2212}f"),
            "a\u{2013}b c\u{2014}d e\u{2212}f"
        );
    }

    #[test]
    fn the_quick_path_agrees_with_the_full_one() {
        for text in [
            "café déjà",
            "Ünïcödé ok",
            "e\u{0301}",
            "ﬁ",
            "x\u{200B}y",
            "it’s",
            "中文 🙌",
        ] {
            let full: String = text
                .nfkc()
                .filter(|&c| !is_deleted(c))
                .map(mapped)
                .collect();
            assert_eq!(normalize(text), full, "{text:?}");
        }
        assert_eq!(
            normalize("cafe\u{0301} ok e\u{0301}\u{0327}x"),
            "café ok ȩ\u{0301}x"
        );
    }

    proptest::proptest! {
        #[test]
        fn normalising_in_pieces_equals_normalising_the_whole(
            text in crate::test_strategies::tricky_text()
        ) {
            let whole: String = text
                .nfkc()
                .filter(|&c| !is_deleted(c))
                .map(mapped)
                .collect();
            proptest::prop_assert_eq!(normalize(&text), whole);
        }
    }

    #[test]
    fn case_is_kept_and_ascii_passes_through() {
        let text = "Co-Production @HorizonsNHS https://t.co/x #SolvingTogether";
        assert_eq!(normalize(text), text);
    }
}
