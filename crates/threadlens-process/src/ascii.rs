//! A byte search the scanner runs over every post: where the ASCII ends.

/// Every byte's high bit, eight bytes at a time.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

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

#[cfg(test)]
mod tests {
    use super::*;

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
