//! The Unicode classes the contract names, built once.

use std::sync::LazyLock;

use crate::char_class::CharClass;

static LETTER: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{L}"));
static MARK: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{M}"));
static NUMBER: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{N}"));
static UPPER_OR_TITLE: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"[\p{Lu}\p{Lt}]"));
static WHITE_SPACE: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{White_Space}"));

// Each test answers ASCII inline and leaves the table search for other
// characters out of line, so the tokenizer's loops stay tight.

/// `\p{L}`.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_class(&LETTER, c)
    }
}

/// `\p{M}`.
#[inline]
pub(crate) fn is_mark(c: char) -> bool {
    !c.is_ascii() && in_class(&MARK, c)
}

/// `\p{N}`.
#[inline]
pub(crate) fn is_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_class(&NUMBER, c)
    }
}

/// `[\p{Lu}\p{Lt}]`.
#[inline]
pub(crate) fn is_upper_or_title(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        in_class(&UPPER_OR_TITLE, c)
    }
}

/// `\p{White_Space}`.
#[inline]
pub(crate) fn is_white_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '\t'..='\r' | ' ')
    } else {
        in_class(&WHITE_SPACE, c)
    }
}

/// `[\p{L}\p{N}]`.
#[inline]
pub(crate) fn is_letter_or_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_class(&LETTER, c) || in_class(&NUMBER, c)
    }
}

/// `[\p{L}\p{M}\p{N}]`.
#[inline]
pub(crate) fn is_lmn(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        in_class(&LETTER, c) || in_class(&NUMBER, c) || in_class(&MARK, c)
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
}
