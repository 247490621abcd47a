//! Byte passes the scanner runs over posts, eight bytes at a time: where
//! the ASCII ends, and how many characters some UTF-8 holds.

/// Every byte's high bit, eight bytes at a time.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Each byte of a word set to `b`.
pub(crate) const fn bytes_of(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The high bit of each byte of `word` (all bytes below 0x80) that is at
/// least `lo` (at most 0x80): adding `0x80 - lo` carries into a byte's
/// high bit exactly then, and never into the next byte.
#[inline]
pub(crate) fn at_least(word: u64, lo: u8) -> u64 {
    word.wrapping_add(bytes_of(0x80 - lo)) & HIGH_BITS
}

/// The high bit of each byte of `word` (all bytes below 0x80) equal to `b`.
#[inline]
pub(crate) fn equal_to(word: u64, b: u8) -> u64 {
    !(word ^ bytes_of(b)).wrapping_add(bytes_of(0x7F)) & HIGH_BITS
}

/// The high bit of each byte of `word` (any bytes) that is an ASCII letter
/// or digit.
#[inline]
pub(crate) fn ascii_alphanumeric(word: u64) -> u64 {
    ascii_letters(word) | ascii_digits(word)
}

/// The high bit of each byte of `word` (any bytes) that is an ASCII letter.
#[inline]
pub(crate) fn ascii_letters(word: u64) -> u64 {
    let folded = word & !HIGH_BITS | bytes_of(0x20);
    at_least(folded, b'a') & !at_least(folded, b'z' + 1) & !word
}

/// The high bit of each byte of `word` (any bytes) that is an ASCII digit.
#[inline]
pub(crate) fn ascii_digits(word: u64) -> u64 {
    let low = word & !HIGH_BITS;
    at_least(low, b'0') & !at_least(low, b'9' + 1) & !word
}

/// The high bit of each byte of `word` (any bytes) that is ASCII white
/// space: tab, line feed, vertical tab, form feed, carriage return, space.
#[inline]
pub(crate) fn ascii_white_space(word: u64) -> u64 {
    let low = word & !HIGH_BITS;
    let controls = at_least(low, 0x09) & !at_least(low, 0x0E);
    (controls | equal_to(low, b' ')) & !word
}

/// An eight-byte little-endian word from `bytes` at `at`, if eight bytes
/// are there.
#[inline]
pub(crate) fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let eight = bytes.get(at..at.checked_add(8)?)?;
    let mut word = [0; 8];
    word.copy_from_slice(eight);
    Some(u64::from_le_bytes(word))
}

/// The offset of the first byte of `bytes` that is not ASCII, testing
/// eight bytes at a time.
#[inline]
pub(crate) fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let high = u64::from_le_bytes(word) & HIGH_BITS;
        if high != 0 {
            // Little-endian: the lowest set bit is the earliest byte.
            return Some(offset + high.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .map(|n| offset + n)
}

/// The number of characters in UTF-8 `bytes`: every byte but a
/// continuation byte (`10xxxxxx`) starts one.
pub(crate) fn count_chars(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut continuations = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte's high bit set and, shifted up beside it, its next bit clear.
        continuations += (word & !(word << 1) & HIGH_BITS).count_ones() as usize;
    }
    let rest = chunks.remainder();
    continuations += rest.iter().filter(|&&b| b & 0xC0 == 0x80).count();
    bytes.len() - continuations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_is_classed_in_every_place() {
        for b in 0..=255u8 {
            for place in 0..8 {
                let mut bytes = [b'.'; 8];
                bytes[place] = b;
                let word = u64::from_le_bytes(bytes);
                let high = |yes: bool| u64::from(yes) << (8 * place + 7);
                assert_eq!(
                    ascii_alphanumeric(word),
                    high(b.is_ascii_alphanumeric()),
                    "{b:#x} at {place}"
                );
                assert_eq!(ascii_letters(word), high(b.is_ascii_alphabetic()));
                assert_eq!(ascii_digits(word), high(b.is_ascii_digit()));
                let white = b.is_ascii() && char::from(b).is_whitespace();
                assert_eq!(ascii_white_space(word), high(white), "{b:#x} at {place}");
                // The others are `.`, below every `lo` and unequal to every probe.
                if b.is_ascii() {
                    for (lo, probe) in [(b'0', b'#'), (b'a', b'@'), (b'~', b'_')] {
                        assert_eq!(at_least(word, lo), high(b >= lo), "{b:#x} >= {lo:#x}");
                        assert_eq!(
                            equal_to(word, probe),
                            high(b == probe),
                            "{b:#x} = {probe:#x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn counts_the_characters_of_any_text() {
        for text in [
            "",
            "a",
            "é",
            "aé€🙌 x\u{0301}",
            "ééééééééé",
            "12345678é🙌🙌🙌🙌",
        ] {
            for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
                let piece = &text[..end];
                assert_eq!(
                    count_chars(piece.as_bytes()),
                    piece.chars().count(),
                    "{piece:?}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn counts_like_chars(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(count_chars(text.as_bytes()), text.chars().count());
        }
    }

    #[test]
    fn finds_the_first_non_ascii_byte_at_every_place() {
        for len in 0..40 {
            let mut bytes = vec![b'a'; len];
            assert_eq!(first_non_ascii(&bytes), None);
            for at in (0..len).rev() {
                bytes[at] = 0xC3;
                assert_eq!(first_non_ascii(&bytes), Some(at), "{len} bytes, {at}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_byte_by_byte_search(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            proptest::prop_assert_eq!(first_non_ascii(&bytes), bytes.iter().position(|b| !b.is_ascii()));
        }
    }
}
