//! Proptest strategies for the crate's unit tests: text that mixes ASCII
//! with the characters the contract's rules care about, so properties meet
//! combining marks, joiners and emoji far more often than uniform Unicode
//! would give them.

use proptest::prelude::*;

/// One character, often a tricky one.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::sample::select(vec![' ', '#', '@', '-', '\'', '_', '.', '\r', '\n', 'A', 'Z', '1']),
        2 => prop::char::range('\u{0300}', '\u{036F}'),
        2 => prop::sample::select(vec![
            '\u{FE0F}', '\u{200D}', '\u{20E3}', '\u{200B}', '\u{00AD}', '\u{2019}', '\u{2011}',
            '\u{0600}', '\u{1100}', '\u{1161}', '\u{AC00}', '\u{1F1EC}', '\u{1F1E7}', '\u{1F3FD}',
            '❤', '🙌', '👩', '©', 'ﬁ', '𝐂', 'é', 'Σ', 'İ', '\u{0B47}', '\u{0B3E}', '\u{E0067}',
        ]),
        1 => any::<char>(),
    ]
}

/// A string of up to 40 such characters.
pub(crate) fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..40).prop_map(|cs| cs.into_iter().collect())
}
