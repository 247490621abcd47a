//! Posts' texts read where the store's reader decoded them: scoring takes
//! them as `&str`s, so they are not copied out first.

use polars::prelude::*;

/// A batch's texts: the decoded column and which of its rows are kept.
#[derive(Debug, Clone)]
pub struct TextColumn {
    column: StringChunked,
    /// Per row of `column`, whether the batch keeps it.
    kept: Vec<bool>,
    len: usize,
}

impl TextColumn {
    /// The rows of `column` whose `kept` flag is set (`kept` has one flag
    /// per row). A null row reads as `""`: callers check for them first.
    pub(crate) fn new(column: StringChunked, kept: Vec<bool>) -> Self {
        let len = kept.iter().filter(|&&k| k).count();
        TextColumn { column, kept, len }
    }

    /// How many texts.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The texts in order, borrowed from the column.
    pub fn to_slices(&self) -> Vec<&str> {
        let mut texts = Vec::with_capacity(self.len);
        let values = self.column.downcast_iter().flat_map(|a| a.values_iter());
        for (text, &kept) in values.zip(&self.kept) {
            if kept {
                texts.push(text);
            }
        }
        texts
    }
}

impl Default for TextColumn {
    fn default() -> Self {
        TextColumn::new(
            StringChunked::from_slice(PlSmallStr::EMPTY, &[] as &[&str]),
            Vec::new(),
        )
    }
}

impl PartialEq for TextColumn {
    fn eq(&self, other: &Self) -> bool {
        self.to_slices() == other.to_slices()
    }
}

impl Eq for TextColumn {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_rows_come_back_in_order_across_chunks() {
        let mut column = StringChunked::from_slice("text".into(), &["a", "", "héllo"]);
        column
            .append(&StringChunked::from_slice(
                "text".into(),
                &["🙌", "a text longer than twelve bytes"],
            ))
            .unwrap();
        assert_eq!(column.chunks().len(), 2);
        let texts = TextColumn::new(column, vec![true, false, true, true, true]);
        assert_eq!(texts.len(), 4);
        assert_eq!(
            texts.to_slices(),
            ["a", "héllo", "🙌", "a text longer than twelve bytes"]
        );
        assert!(TextColumn::default().is_empty());
    }
}
