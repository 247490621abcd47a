//! A column of strings in one buffer: one allocation per batch instead of
//! one per row.

/// Strings stored end to end, with where each one ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrColumn {
    data: String,
    ends: Vec<usize>,
}

impl StrColumn {
    /// An empty column with room for `rows` strings of `bytes` in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        StrColumn {
            data: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
        }
    }

    /// Append a string.
    pub fn push(&mut self, s: &str) {
        self.data.push_str(s);
        self.ends.push(self.data.len());
    }

    /// How many strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of all the strings together.
    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.data.get(start..end)
    }

    /// The strings in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// The strings as a vector of slices (for APIs that take `&[&str]`).
    pub fn to_slices(&self) -> Vec<&str> {
        self.iter().collect()
    }
}

/// A column of strings that may be missing: a [`StrColumn`] with an empty
/// string in each missing row, and which rows those are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptStrColumn {
    strings: StrColumn,
    present: Vec<bool>,
}

impl OptStrColumn {
    /// An empty column with room for `rows` strings of `bytes` in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Self {
        OptStrColumn {
            strings: StrColumn::with_capacity(rows, bytes),
            present: Vec::with_capacity(rows),
        }
    }

    /// Append a string, or a missing one.
    pub fn push(&mut self, s: Option<&str>) {
        self.strings.push(s.unwrap_or_default());
        self.present.push(s.is_some());
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        self.present.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.present.is_empty()
    }

    /// Row `i`'s string: `None` when it is missing or past the end.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.present.get(i) {
            Some(true) => self.strings.get(i),
            _ => None,
        }
    }
}

impl<'a> FromIterator<&'a str> for StrColumn {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut column = StrColumn::default();
        for s in iter {
            column.push(s);
        }
        column
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_as_pushed() {
        let column: StrColumn = ["a", "", "héllo", "🙌"].into_iter().collect();
        assert_eq!(column.len(), 4);
        assert_eq!(column.to_slices(), ["a", "", "héllo", "🙌"]);
        assert_eq!(column.get(2), Some("héllo"));
        assert_eq!(column.get(4), None);
        assert!(StrColumn::default().is_empty());
    }

    #[test]
    fn missing_strings_stay_missing() {
        let mut column = OptStrColumn::with_capacity(4, 8);
        for s in [Some("a"), None, Some(""), Some("héllo")] {
            column.push(s);
        }
        assert_eq!(column.len(), 4);
        let got: Vec<Option<&str>> = (0..5).map(|i| column.get(i)).collect();
        assert_eq!(got, [Some("a"), None, Some(""), Some("héllo"), None]);
        assert!(OptStrColumn::default().is_empty());
    }
}
