//! text-processing.md §5: the forms units are compared by.

use crate::ascii::{HIGH_BITS, at_least, equal_to};
use crate::classes::{is_mark, is_number, is_upper_or_title};

/// A word's form: full Unicode lowercasing, then every `-` deleted
/// (`Co-Production` → `coproduction`; `don't` stays `don't`).
pub fn word_form(word: &str) -> String {
    word.to_lowercase().replace('-', "")
}

/// A hashtag's tag: the body (no `#`, no possessive) lowercased as a whole.
pub fn hashtag_tag(body: &str) -> String {
    body.to_lowercase()
}

/// A segment of a hashtag: its lowercased form and where its characters
/// start and end within the body (character offsets, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Lowercased part.
    pub form: String,
    /// First character, counted from the start of the body.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
}

/// The class of a cell of a hashtag part (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellClass {
    Upper,
    Lower,
    Digit,
}

/// Split a hashtag body (original case) into its segments (§5): `_`
/// separates parts; within a part, characters grouped with their following
/// marks form cells classed U (`Lu`, `Lt`), D (`N`) or L (anything else, and
/// a mark that starts a part); a split falls between cells `a`,`b` when
/// `a`=L and `b`=U, when exactly one is D, or when `a`=U, `b`=U and the cell
/// after `b` is L. Each part is lowercased on its own; empty parts are
/// dropped.
pub fn segments(body: &[char]) -> Vec<Segment> {
    let mut bounds = Vec::new();
    segment_bounds(body, &mut Vec::new(), &mut bounds);
    bounds
        .into_iter()
        .map(|(start, end)| {
            let mut form = String::new();
            push_lowercase(&body[start..end], &mut form);
            Segment { form, start, end }
        })
        .collect()
}

/// Reused space for [`segment_bounds`].
pub(crate) type Cells = Vec<(usize, CellClass)>;

/// The `(start, end)` of each segment of `body`, appended to `out`;
/// `cells` is scratch space.
pub(crate) fn segment_bounds(body: &[char], cells: &mut Cells, out: &mut Vec<(usize, usize)>) {
    let mut part_start = 0;
    for (i, c) in body.iter().copied().enumerate().chain([(body.len(), '_')]) {
        if c == '_' {
            split_part(body, part_start, i, cells, out);
            part_start = i + 1;
        }
    }
}

fn split_part(
    body: &[char],
    start: usize,
    end: usize,
    cells: &mut Cells,
    out: &mut Vec<(usize, usize)>,
) {
    // Cells: (first char index, class).
    cells.clear();
    for (i, &c) in body.iter().enumerate().take(end).skip(start) {
        if is_mark(c) && i > start {
            continue; // joins the cell before it
        }
        let class = if is_mark(c) {
            CellClass::Lower
        } else if is_upper_or_title(c) {
            CellClass::Upper
        } else if is_number(c) {
            CellClass::Digit
        } else {
            CellClass::Lower
        };
        cells.push((i, class));
    }
    split_cells(cells, start, end, out);
}

/// Whether a split falls between cells of classes `a` and `b`, `after`
/// being the class of the cell after `b` (§5).
#[inline]
fn splits(a: CellClass, b: CellClass, after: Option<CellClass>) -> bool {
    (a == CellClass::Lower && b == CellClass::Upper)
        || ((a == CellClass::Digit) != (b == CellClass::Digit))
        || (a == CellClass::Upper && b == CellClass::Upper && after == Some(CellClass::Lower))
}

/// [`segment_bounds`] for an ASCII body, read as bytes: every character
/// is a cell of its own, classed without the Unicode tables. A body of up
/// to 64 bytes is split by masks in one pass; a longer one part by part.
pub(crate) fn segment_bounds_ascii(body: &[u8], out: &mut Vec<(usize, usize)>) {
    if body.len() <= 64 {
        split_by_masks(body, 0, out);
        return;
    }
    let mut part_start = 0;
    for part in body.split(|&b| b == b'_') {
        if part.len() <= 64 {
            split_by_masks(part, part_start, out);
        } else {
            split_ascii_part(part, part_start, out);
        }
        part_start += part.len() + 1;
    }
}

/// The class of an ASCII character of a hashtag body.
fn ascii_class(b: u8) -> CellClass {
    if b.is_ascii_uppercase() {
        CellClass::Upper
    } else if b.is_ascii_digit() {
        CellClass::Digit
    } else {
        CellClass::Lower
    }
}

/// [`split_cells`] for an ASCII part (no `_`) starting at `offset` in its
/// body, byte by byte.
fn split_ascii_part(part: &[u8], offset: usize, out: &mut Vec<(usize, usize)>) {
    if part.is_empty() {
        return;
    }
    let mut segment_start = 0;
    let mut classes = part.iter().map(|&c| ascii_class(c));
    let mut a = classes.next();
    let mut b = classes.next();
    for k in 1..part.len() {
        let after = classes.next();
        if let (Some(a), Some(b)) = (a, b)
            && splits(a, b, after)
        {
            out.push((offset + segment_start, offset + k));
            segment_start = k;
        }
        (a, b) = (b, after);
    }
    out.push((offset + segment_start, offset + part.len()));
}

/// The high bits of a word's bytes gathered into eight bits, byte `j`'s
/// into bit `j`.
fn gather_high_bits(word: u64) -> u64 {
    ((word & HIGH_BITS) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit `j` set when ASCII byte `j` of `word` is an upper-case letter, a
/// digit, `_`: the three tested in all eight bytes at once.
fn ascii_classes(word: u64) -> (u64, u64, u64) {
    let upper = at_least(word, b'A') & !at_least(word, b'Z' + 1);
    let digit = at_least(word, b'0') & !at_least(word, b'9' + 1);
    let underscore = equal_to(word, b'_');
    (
        gather_high_bits(upper),
        gather_high_bits(digit),
        gather_high_bits(underscore),
    )
}

/// The bits below bit `n` (`n` up to 64).
fn bits_below(n: usize) -> u64 {
    u64::MAX.checked_shr(64 - n as u32).unwrap_or(0)
}

/// The segments of an ASCII body (or part) of at most 64 bytes starting
/// at `offset`, all positions at once: bit `k` of each mask says what byte
/// `k` is, and [`splits`] becomes three mask expressions (a mask shifted
/// up by one holds, at bit `k`, what byte `k - 1` is; shifted down, what
/// byte `k + 1` is). `_` ends a part and is in no segment.
fn split_by_masks(body: &[u8], offset: usize, out: &mut Vec<(usize, usize)>) {
    let (mut upper, mut digit, mut underscore) = (0u64, 0u64, 0u64);
    for (at, chunk) in (0..).step_by(8).zip(body.chunks(8)) {
        // The last chunk padded with NUL, which is none of the three.
        let mut word = [0; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        let (u, d, s) = ascii_classes(u64::from_le_bytes(word));
        upper |= u << at;
        digit |= d << at;
        underscore |= s << at;
    }
    let len = body.len();
    let all = bits_below(len);
    let lower = all & !(upper | digit | underscore);
    // A split falls before byte k when k and k - 1 are in one part.
    let inside = all & !underscore & !(underscore << 1) & !1;
    let mut split = inside
        & (((lower << 1) & upper) | ((digit << 1) ^ digit) | ((upper << 1) & upper & (lower >> 1)));
    let mut part_start = 0;
    while part_start < len {
        let part_end = match underscore >> part_start {
            0 => len,
            rest => part_start + rest.trailing_zeros() as usize,
        };
        if part_end > part_start {
            let mut segment_start = part_start;
            let mut in_part = split & bits_below(part_end);
            split &= !in_part;
            while in_part != 0 {
                let k = in_part.trailing_zeros() as usize;
                out.push((offset + segment_start, offset + k));
                segment_start = k;
                in_part &= in_part - 1;
            }
            out.push((offset + segment_start, offset + part_end));
        }
        part_start = part_end + 1;
    }
}

/// The segments of the part `start..end` whose cells are `cells`, appended
/// to `out`; nothing when the part is empty.
fn split_cells(cells: &Cells, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    if start >= end {
        return;
    }
    let mut segment_start = start;
    for k in 1..cells.len() {
        let after = cells.get(k + 1).map(|cell| cell.1);
        if splits(cells[k - 1].1, cells[k].1, after) {
            out.push((segment_start, cells[k].0));
            segment_start = cells[k].0;
        }
    }
    out.push((segment_start, end));
}

/// Append [`word_form`] of `word` to `out`, without building a string when
/// `word` holds no `Σ` (the one character whose lowercase depends on its
/// neighbours in `str::to_lowercase`).
pub(crate) fn push_word_form(word: &str, out: &mut String) {
    if word.contains('Σ') {
        out.push_str(&word_form(word));
    } else {
        for c in word.chars().filter(|&c| c != '-') {
            out.extend(c.to_lowercase());
        }
    }
}

/// Append the full Unicode lowercasing of `chars` to `out` (ASCII without
/// building a string first; anything else through `str::to_lowercase`, so
/// context rules such as final sigma apply).
pub(crate) fn push_lowercase(chars: &[char], out: &mut String) {
    if chars.iter().all(char::is_ascii) {
        out.extend(chars.iter().map(char::to_ascii_lowercase));
    } else {
        out.push_str(&chars.iter().collect::<String>().to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn word_forms_pushed_equal_word_form(word in crate::test_strategies::tricky_text()) {
            let mut out = String::from("x");
            push_word_form(&word, &mut out);
            proptest::prop_assert_eq!(&out[1..], word_form(&word));
        }
    }

    #[test]
    fn word_forms_pushed_keep_final_sigma() {
        for word in ["ΟΔΟΣ", "ΣΑ-Σ", "İstanbul", "Co-Production"] {
            let mut out = String::new();
            push_word_form(word, &mut out);
            assert_eq!(out, word_form(word), "{word}");
        }
    }

    fn forms(tag: &str) -> Vec<String> {
        let chars: Vec<char> = tag.chars().collect();
        segments(&chars).into_iter().map(|s| s.form).collect()
    }

    #[test]
    fn the_contract_examples() {
        assert_eq!(word_form("Co-Production"), "coproduction");
        assert_eq!(word_form("don't"), "don't");
        assert_eq!(hashtag_tag("SolvingTogether"), "solvingtogether");
        assert_eq!(forms("SolvingTogether"), ["solving", "together"]);
        assert_eq!(forms("NHSEngland"), ["nhs", "england"]);
        assert_eq!(forms("3Cs"), ["3", "cs"]);
        assert_eq!(forms("co_production"), ["co", "production"]);
        assert_eq!(forms("candour"), ["candour"]);
        assert_eq!(forms("COVID19"), ["covid", "19"]);
        assert_eq!(forms("NHSapp"), ["nh", "sapp"], "the known limit");
    }

    #[test]
    fn underscores_marks_and_offsets() {
        assert_eq!(forms("__a__b_"), ["a", "b"], "empty parts are dropped");
        let chars: Vec<char> = "LivedExperience".chars().collect();
        let segs = segments(&chars);
        assert_eq!((segs[1].start, segs[1].end), (5, 15));
        // A mark joins the cell before it; at the start of a part it is an L cell.
        assert_eq!(forms("Cafe\u{0301}Day"), ["cafe\u{0301}", "day"]);
        assert_eq!(forms("a_\u{0301}Bc"), ["a", "\u{0301}", "bc"]);
    }

    #[test]
    fn the_quick_forms_agree_with_the_definitions() {
        for text in ["Co-Production", "ΟΔΟΣ", "don't", "İstanbul", "-x-", "ABC"] {
            let chars: Vec<char> = text.chars().collect();
            let mut lower = String::new();
            push_lowercase(&chars, &mut lower);
            assert_eq!(lower, text.to_lowercase(), "{text}");
        }
    }

    /// Segments as `(start, end)`.
    type Bounds = Vec<(usize, usize)>;

    /// The segments of an ASCII `body` split as bytes, and as characters.
    fn both_splits(body: &str) -> (Bounds, Bounds) {
        let chars: Vec<char> = body.chars().collect();
        let (mut by_bytes, mut by_chars) = (Vec::new(), Vec::new());
        segment_bounds_ascii(body.as_bytes(), &mut by_bytes);
        segment_bounds(&chars, &mut Vec::new(), &mut by_chars);
        (by_bytes, by_chars)
    }

    proptest::proptest! {
        #[test]
        fn ascii_bodies_split_as_characters_do(body in "[A-Za-z0-9_]{0,24}") {
            let (by_bytes, by_chars) = both_splits(&body);
            proptest::prop_assert_eq!(by_bytes, by_chars);
        }

        #[test]
        fn long_ascii_parts_split_as_characters_do(
            body in "([A-Z]{0,3}[a-z]{0,4}[0-9]{0,2}_{0,2}){0,24}",
        ) {
            // Bodies and parts up to 64 bytes are split by masks, longer
            // parts byte by byte.
            let (by_bytes, by_chars) = both_splits(&body);
            proptest::prop_assert_eq!(by_bytes, by_chars);
        }
    }

    #[test]
    fn every_ascii_byte_is_classed_in_every_place() {
        for b in 0..128u8 {
            for place in 0..8 {
                let mut word = [b'a'; 8];
                word[place] = b;
                let (upper, digit, underscore) = ascii_classes(u64::from_le_bytes(word));
                let bit = |yes: bool| u64::from(yes) << place;
                assert_eq!(upper, bit(b.is_ascii_uppercase()), "{b:#x} at {place}");
                assert_eq!(digit, bit(b.is_ascii_digit()), "{b:#x} at {place}");
                assert_eq!(underscore, bit(b == b'_'), "{b:#x} at {place}");
            }
        }
    }

    #[test]
    fn parts_either_side_of_64_bytes_split_alike() {
        for (len, pattern) in [63, 64, 65, 130]
            .into_iter()
            .flat_map(|len| [(len, "NHSEngland3Cs"), (len, "Co_PRODUCTION__x9")])
        {
            let body: String = pattern.chars().cycle().take(len).collect();
            let (by_bytes, by_chars) = both_splits(&body);
            assert_eq!(by_bytes, by_chars, "{body}");
        }
    }

    #[test]
    fn each_part_is_lowercased_on_its_own() {
        // Final sigma: a part ending in Σ lowercases to ς, though inside the
        // whole tag the same letter is σ.
        assert_eq!(forms("ΟΔΟΣTest"), ["οδος", "test"]);
        assert_eq!(hashtag_tag("ΟΔΟΣTest"), "οδοσtest");
    }
}
