//! Strings as numbers: ids, handles and conversations compared and counted
//! as `u32`s once each string has been seen.

use rustc_hash::FxHashMap;

/// Gives each distinct string the next number, from 0.
///
/// Numbers are `u32`: 2^32 distinct strings would not fit in memory on the
/// machines this runs on, long before the numbers ran out.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    numbers: FxHashMap<Box<str>, u32>,
}

impl Interner {
    /// The number of `s`, given it now if it has none (a lookup allocates
    /// only for a string not seen before).
    pub fn number(&mut self, s: &str) -> u32 {
        if let Some(&n) = self.numbers.get(s) {
            return n;
        }
        let n = self.numbers.len() as u32;
        self.numbers.insert(s.into(), n);
        n
    }

    /// The number of `s`, if it has one.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.numbers.get(s).copied()
    }

    /// How many strings have numbers.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_a_number_and_new_ones_get_the_next() {
        let mut interner = Interner::default();
        assert_eq!(interner.number("b"), 0);
        assert_eq!(interner.number("a"), 1);
        assert_eq!(interner.number("b"), 0);
        assert_eq!(interner.number(""), 2);
        assert_eq!(interner.get("a"), Some(1));
        assert_eq!(interner.get("c"), None);
        assert_eq!(interner.len(), 3);
    }
}
