//! A text column's dictionary for one row group, built here instead of by
//! polars' cast to a dictionary array, which pushes every value through a
//! general value map. The store has a dozen text columns with few
//! distinct values (platform, authors, kind, language, references,
//! source); this one map pass, which also reuses the key of a row equal to
//! the row before, costs about 23M instructions in a 100k-post import
//! where the cast's own work was about 47M. The decision whether to use
//! a dictionary at all is polars' own (its estimate of distinct values),
//! and the dictionary array is the one the cast makes: the values in the
//! order they first appear, a key per row, nulls where the column has
//! them. So the pages written from it are polars' pages, byte for byte.

use polars::prelude::{PolarsResult, polars_err};
use polars_arrow::array::{
    Array, DictionaryArray, MutableBinaryViewArray, PrimitiveArray, Utf8ViewArray, View,
};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_compute::cardinality::estimate_cardinality;
use rustc_hash::FxHashMap;

/// Above this many rows polars' writer uses a dictionary only when its
/// estimate of distinct values is at most [`MOST_DISTINCT`] of the rows.
const ALWAYS_TRIED_ROWS: usize = 128;
/// See [`ALWAYS_TRIED_ROWS`].
const MOST_DISTINCT: f64 = 0.75;

/// How polars' writer encodes a text column it is told to
/// dictionary-encode.
pub(crate) enum TextEncoding {
    /// Plain: too many distinct values for a dictionary.
    Plain,
    /// As this dictionary array.
    Dictionary(DictionaryArray<u32>),
}

/// How polars' writer encodes `array` when told to dictionary-encode it,
/// with the dictionary built here; `None` when `array` is not a non-empty
/// text column (the caller leaves it to polars).
pub(crate) fn text_encoding(array: &dyn Array) -> PolarsResult<Option<TextEncoding>> {
    let Some(text) = array.as_any().downcast_ref::<Utf8ViewArray>() else {
        return Ok(None);
    };
    if text.is_empty() {
        return Ok(None);
    }
    let rows = text.len();
    let distinct = estimate_cardinality(text);
    if rows > ALWAYS_TRIED_ROWS && distinct as f64 / rows as f64 > MOST_DISTINCT {
        return Ok(Some(TextEncoding::Plain));
    }
    dictionary_of(text).map(|d| Some(TextEncoding::Dictionary(d)))
}

/// `text` as a dictionary array: its distinct values in the order they
/// first appear, and each row's index among them (0 under a null).
fn dictionary_of(text: &Utf8ViewArray) -> PolarsResult<DictionaryArray<u32>> {
    let nulls = text.validity().filter(|v| v.unset_bits() > 0);
    let mut index: FxHashMap<&str, u32> = FxHashMap::default();
    let mut values = MutableBinaryViewArray::<str>::new();
    let mut keys = Vec::with_capacity(text.len());
    // A row whose view equals the row before's holds the same text (the
    // same inline bytes, or the same place in the same buffer).
    let mut last: Option<(View, u32)> = None;
    for (row, view) in text.views().iter().enumerate() {
        if nulls.is_some_and(|v| !v.get_bit(row)) {
            keys.push(0);
            continue;
        }
        let key = match last {
            Some((before, key)) if before == *view => key,
            _ => {
                let value = text.value(row);
                let next = u32::try_from(index.len())
                    .map_err(|_| polars_err!(ComputeError: "more distinct texts than keys"))?;
                *index.entry(value).or_insert_with(|| {
                    values.push_value(value);
                    next
                })
            }
        };
        last = Some((*view, key));
        keys.push(key);
    }
    let keys = PrimitiveArray::new(ArrowDataType::UInt32, keys.into(), text.validity().cloned());
    let values: Utf8ViewArray = values.into();
    DictionaryArray::try_new(
        ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(ArrowDataType::Utf8View),
            false,
        ),
        keys,
        values.boxed(),
    )
}
