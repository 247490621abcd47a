//! Unicode character classes (`\p{...}`) as sorted ranges, taken from the
//! Unicode tables of `regex-syntax` so they follow one Unicode version.

use regex_syntax::hir::{Class, HirKind};

/// A set of characters given by a regex class such as `\p{Extended_Pictographic}`.
#[derive(Debug, Clone, Default)]
pub(crate) struct CharClass {
    ranges: Vec<(char, char)>,
}

impl CharClass {
    /// The class of a regex character-class pattern. A pattern that is not
    /// one gives the empty class; the tests below parse every pattern used.
    pub(crate) fn new(pattern: &str) -> CharClass {
        let ranges = match regex_syntax::parse(pattern).map(|hir| hir.into_kind()) {
            Ok(HirKind::Class(Class::Unicode(class))) => class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            _ => Vec::new(),
        };
        CharClass { ranges }
    }

    /// Whether `c` is in the class.
    pub(crate) fn contains(&self, c: char) -> bool {
        let i = self.ranges.partition_point(|&(_, end)| end < c);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= c)
    }

    /// The code points of the class from `first` to `last` (inclusive), as
    /// `(first, last)` ranges in increasing order.
    pub(crate) fn within(&self, first: u32, last: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let from = self
            .ranges
            .partition_point(|&(_, end)| (end as u32) < first);
        self.ranges[from..]
            .iter()
            .take_while(move |&&(start, _)| start as u32 <= last)
            .map(move |&(start, end)| ((start as u32).max(first), (end as u32).min(last)))
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_parse_and_answer() {
        let pict = CharClass::new(r"\p{Extended_Pictographic}");
        assert!(!pict.is_empty());
        assert!(pict.contains('❤') && pict.contains('😺') && pict.contains('©'));
        assert!(!pict.contains('a') && !pict.contains('1') && !pict.contains('#'));
        assert!(CharClass::new("not a class").is_empty());
    }
}
