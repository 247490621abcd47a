//! The Unicode classes the contract names, built once, and answered from
//! tables per block of characters built on first use.

use std::sync::{LazyLock, OnceLock};

use crate::char_class::CharClass;

static LETTER: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{L}"));
static MARK: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{M}"));
static NUMBER: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{N}"));
static UPPER_OR_TITLE: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"[\p{Lu}\p{Lt}]"));
static WHITE_SPACE: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{White_Space}"));
static PICTOGRAPHIC: LazyLock<CharClass> =
    LazyLock::new(|| CharClass::new(r"\p{Extended_Pictographic}"));

// Each test answers ASCII inline. Characters below `TABLE_END` (the Basic
// Multilingual Plane and the next, where nearly all text and emoji are)
// are answered by one load from a table of their block, built from the same
// classes the first time a character of the block is asked about; the rest
// by a search of the class's ranges, out of line.

/// One bit per class in each byte of a block's table.
const LETTER_BIT: u8 = 1;
const MARK_BIT: u8 = 2;
const NUMBER_BIT: u8 = 4;
const UPPER_OR_TITLE_BIT: u8 = 8;
const WHITE_SPACE_BIT: u8 = 16;
const PICTOGRAPHIC_BIT: u8 = 32;
const NFKC_PLAIN_BIT: u8 = 64;

/// Characters per block of the table.
const BLOCK: usize = 256;

/// The characters the table answers for: U+0000 to U+1FFFF.
const TABLE_END: usize = 0x2_0000;

/// Per block of [`BLOCK`] characters below [`TABLE_END`], each character's
/// class bits, built on first use (a text touches a few blocks, so a run
/// never pays for the rest).
static BLOCKS: [OnceLock<Box<[u8; BLOCK]>>; TABLE_END / BLOCK] =
    [const { OnceLock::new() }; TABLE_END / BLOCK];

/// The class bits of block `block`.
#[cold]
fn build_block(block: usize) -> Box<[u8; BLOCK]> {
    let mut bits = Box::new([0u8; BLOCK]);
    let first = (block * BLOCK) as u32;
    let last = first + BLOCK as u32 - 1;
    for (class, bit) in [
        (&LETTER, LETTER_BIT),
        (&MARK, MARK_BIT),
        (&NUMBER, NUMBER_BIT),
        (&UPPER_OR_TITLE, UPPER_OR_TITLE_BIT),
        (&WHITE_SPACE, WHITE_SPACE_BIT),
        (&PICTOGRAPHIC, PICTOGRAPHIC_BIT),
    ] {
        for (start, end) in class.within(first, last) {
            for slot in &mut bits[(start - first) as usize..=(end - first) as usize] {
                *slot |= bit;
            }
        }
    }
    for (offset, slot) in bits.iter_mut().enumerate() {
        if char::from_u32(first + offset as u32).is_some_and(nfkc_plain_by_search) {
            *slot |= NFKC_PLAIN_BIT;
        }
    }
    bits
}

/// The class bits of `c`, if the table answers for it.
#[inline]
fn table_bits(c: char) -> Option<u8> {
    let code = c as usize;
    let block = BLOCKS.get(code / BLOCK)?;
    Some(block.get_or_init(|| build_block(code / BLOCK))[code % BLOCK])
}

/// Whether `c` is in the class of `bit`, whose ranges are `class`.
#[inline]
fn has(c: char, bit: u8, class: &LazyLock<CharClass>) -> bool {
    match table_bits(c) {
        Some(bits) => bits & bit != 0,
        None => in_class(class, c),
    }
}

/// Whether NFKC leaves `c` as it is wherever it stands: its quick check is
/// Yes and its canonical combining class 0, so nothing reorders or
/// composes around it. A text of such characters is in NFKC.
#[inline]
pub(crate) fn is_nfkc_plain(c: char) -> bool {
    match table_bits(c) {
        Some(bits) => bits & NFKC_PLAIN_BIT != 0,
        None => nfkc_plain_by_search(c),
    }
}

fn nfkc_plain_by_search(c: char) -> bool {
    use unicode_normalization::{IsNormalized, char::canonical_combining_class, is_nfkc_quick};
    canonical_combining_class(c) == 0 && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// `\p{Extended_Pictographic}`.
#[inline]
pub(crate) fn is_pictographic(c: char) -> bool {
    !c.is_ascii() && has(c, PICTOGRAPHIC_BIT, &PICTOGRAPHIC)
}

/// `\p{L}`.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        has(c, LETTER_BIT, &LETTER)
    }
}

/// `\p{M}`.
#[inline]
pub(crate) fn is_mark(c: char) -> bool {
    !c.is_ascii() && has(c, MARK_BIT, &MARK)
}

/// `\p{N}`.
#[inline]
pub(crate) fn is_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        has(c, NUMBER_BIT, &NUMBER)
    }
}

/// `[\p{Lu}\p{Lt}]`.
#[inline]
pub(crate) fn is_upper_or_title(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        has(c, UPPER_OR_TITLE_BIT, &UPPER_OR_TITLE)
    }
}

/// `\p{White_Space}`.
#[inline]
pub(crate) fn is_white_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '\t'..='\r' | ' ')
    } else {
        has(c, WHITE_SPACE_BIT, &WHITE_SPACE)
    }
}

/// `[\p{L}\p{N}]`.
#[inline]
pub(crate) fn is_letter_or_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        match table_bits(c) {
            Some(bits) => bits & (LETTER_BIT | NUMBER_BIT) != 0,
            None => in_class(&LETTER, c) || in_class(&NUMBER, c),
        }
    }
}

/// `[\p{L}\p{M}\p{N}]`.
#[inline]
pub(crate) fn is_lmn(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        match table_bits(c) {
            Some(bits) => bits & (LETTER_BIT | MARK_BIT | NUMBER_BIT) != 0,
            None => in_class(&LETTER, c) || in_class(&NUMBER, c) || in_class(&MARK, c),
        }
    }
}

/// The table search, kept out of line.
#[inline(never)]
fn in_class(class: &LazyLock<CharClass>, c: char) -> bool {
    class.contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_agree_with_unicode() {
        assert!(
            is_letter('é')
                && is_letter('ß')
                && is_letter('中')
                && !is_letter('1')
                && !is_letter('_')
        );
        assert!(is_mark('\u{0301}') && !is_mark('a'));
        assert!(is_number('٣') && is_number('½') && is_number('7') && !is_number('x'));
        assert!(is_upper_or_title('Ǆ') && is_upper_or_title('É') && !is_upper_or_title('é'));
        assert!(is_white_space('\u{00A0}') && is_white_space('\n') && !is_white_space('x'));
        for c in (0u8..128).map(char::from) {
            assert_eq!(is_white_space(c), WHITE_SPACE.contains(c), "{c:?}");
        }
    }

    /// The table against the range searches it stands in for, on every
    /// character it answers and a few beyond.
    #[test]
    fn the_table_answers_as_the_ranges_do() {
        let beyond = [
            '\u{20000}',
            '\u{2F800}',
            '\u{E0001}',
            '\u{E0100}',
            '\u{10FFFF}',
        ];
        for c in (0..TABLE_END as u32)
            .filter_map(char::from_u32)
            .chain(beyond)
        {
            let ranges = [
                LETTER.contains(c),
                MARK.contains(c),
                NUMBER.contains(c),
                UPPER_OR_TITLE.contains(c),
                WHITE_SPACE.contains(c),
                !c.is_ascii() && PICTOGRAPHIC.contains(c),
                nfkc_plain_by_search(c),
            ];
            let answers = [
                is_letter(c),
                is_mark(c),
                is_number(c),
                is_upper_or_title(c),
                is_white_space(c),
                is_pictographic(c),
                is_nfkc_plain(c),
            ];
            assert_eq!(answers, ranges, "{c:?}");
            assert_eq!(is_lmn(c), ranges[0] || ranges[1] || ranges[2], "{c:?}");
            assert_eq!(is_letter_or_number(c), ranges[0] || ranges[2], "{c:?}");
        }
        assert!(is_nfkc_plain('é') && is_nfkc_plain('🙌') && is_nfkc_plain('\u{2019}'));
        assert!(!is_nfkc_plain('\u{0301}') && !is_nfkc_plain('ﬁ') && !is_nfkc_plain('\u{00A0}'));
    }
}
