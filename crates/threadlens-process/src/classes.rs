//! The Unicode classes the contract names, built once.

use std::sync::LazyLock;

use crate::char_class::CharClass;

static LETTER: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{L}"));
static MARK: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{M}"));
static NUMBER: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{N}"));
static UPPER_OR_TITLE: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"[\p{Lu}\p{Lt}]"));
static WHITE_SPACE: LazyLock<CharClass> = LazyLock::new(|| CharClass::new(r"\p{White_Space}"));

/// `\p{L}`.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        LETTER.contains(c)
    }
}

/// `\p{M}`.
pub(crate) fn is_mark(c: char) -> bool {
    !c.is_ascii() && MARK.contains(c)
}

/// `\p{N}`.
pub(crate) fn is_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        NUMBER.contains(c)
    }
}

/// `\p{Lu}` or `\p{Lt}`.
pub(crate) fn is_upper_or_title(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        UPPER_OR_TITLE.contains(c)
    }
}

/// `White_Space`.
pub(crate) fn is_white_space(c: char) -> bool {
    WHITE_SPACE.contains(c)
}

/// `[\p{L}\p{N}]`.
pub(crate) fn is_letter_or_number(c: char) -> bool {
    is_letter(c) || is_number(c)
}

/// `[\p{L}\p{M}\p{N}]`.
pub(crate) fn is_lmn(c: char) -> bool {
    is_letter(c) || is_number(c) || is_mark(c)
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
    }
}
