//! The page of a list-of-text column (`hashtags`, `mentions`, `urls`,
//! `seen_on`) for one row group, made here instead of by polars' general
//! nested writer, which walks every row three times through a generic
//! level iterator: on a store whose lists are mostly empty that walk was a
//! tenth of a commit's work. The page is the one polars makes, byte for
//! byte; whatever this module does not handle (null lists, a column
//! polars would split over several pages, another nesting) is left to
//! polars.
//!
//! A list of optional text in an optional list column has, per row,
//! repetition and definition levels (Parquet's Dremel encoding): a row
//! with no items is one level pair, (0, 1); each item is one, repetition
//! 0 for a row's first item and 1 for the others, definition 3 for text
//! and 2 for a null. The items themselves and their statistics are what
//! polars writes for a flat column of them.

use polars::prelude::{PolarsResult, polars_err};
use polars_arrow::array::{Array, ListArray, Utf8ViewArray};
use polars_parquet::parquet::CowBuffer;
use polars_parquet::parquet::encoding::hybrid_rle;
use polars_parquet::parquet::page::{DataPage, DataPageHeader, DataPageHeaderV1};
use polars_parquet::parquet::schema::Repetition;
use polars_parquet::parquet::schema::types::PrimitiveType;
use polars_parquet::parquet::statistics::{BinaryStatistics, ParquetStatistics};
use polars_parquet::write::{
    Descriptor, Encoding, Page, ParquetType, Version, WriteOptions, array_to_columns,
};

/// The page size polars aims for when it cuts a column chunk into pages
/// (its default, used when the options give none).
const DEFAULT_PAGE_BYTES: usize = 1024 * 1024;

/// Definition level of a row whose list is there and empty.
const EMPTY_LIST: u32 = 1;
/// Definition level of an item that is null.
const NULL_ITEM: u32 = 2;
/// Definition level of an item with text.
const TEXT_ITEM: u32 = 3;

/// The one page polars would write for `array`, a column of `field` in a
/// row group, or `None` when the column is not a list of text with no
/// null list, in an optional list of optional items, that fits one page:
/// then the caller asks polars.
pub(crate) fn list_of_text_page(
    array: &dyn Array,
    field: &ParquetType,
    options: WriteOptions,
) -> PolarsResult<Option<Page>> {
    let Some(list) = array.as_any().downcast_ref::<ListArray<i64>>() else {
        return Ok(None);
    };
    let Some(values) = list.values().as_any().downcast_ref::<Utf8ViewArray>() else {
        return Ok(None);
    };
    let Some(item) = optional_items_of_optional_list(field) else {
        return Ok(None);
    };
    if list.is_empty()
        || list.null_count() > 0
        || options.version != Version::V1
        || !fits_one_page(list.len(), values.total_bytes_len(), options)
    {
        return Ok(None);
    }
    let offsets = list.offsets();
    let (first, last) = (offsets.first().to_owned(), offsets.last().to_owned());
    let (Ok(first), Ok(last)) = (usize::try_from(first), usize::try_from(last)) else {
        return Ok(None);
    };
    let items = values.clone().sliced(first, last - first);

    let mut repetitions = Vec::with_capacity(list.len() + items.len());
    let mut definitions = Vec::with_capacity(list.len() + items.len());
    let mut item_definitions = items
        .iter()
        .map(|text| if text.is_some() { TEXT_ITEM } else { NULL_ITEM });
    for n in list.offsets().lengths() {
        if n == 0 {
            repetitions.push(0);
            definitions.push(EMPTY_LIST);
        } else {
            repetitions.push(0);
            repetitions.extend(std::iter::repeat_n(1, n - 1));
            definitions.extend(item_definitions.by_ref().take(n));
        }
    }
    let Ok(num_values) = i32::try_from(definitions.len()) else {
        return Ok(None);
    };
    let mut buffer = Vec::new();
    write_levels(&mut buffer, 1, repetitions.into_iter())?;
    write_levels(&mut buffer, 2, definitions.into_iter())?;
    let Some(statistics) = append_items(&items, item, options, &mut buffer)? else {
        return Ok(None);
    };

    let header = DataPageHeader::V1(DataPageHeaderV1 {
        num_values,
        encoding: Encoding::Plain.into(),
        definition_level_encoding: Encoding::Rle.into(),
        repetition_level_encoding: Encoding::Rle.into(),
        statistics,
    });
    let descriptor = Descriptor {
        primitive_type: item.clone(),
        max_def_level: 0,
        max_rep_level: 0,
    };
    Ok(Some(Page::Data(DataPage::new(
        header,
        CowBuffer::Owned(buffer),
        descriptor,
        list.len(),
    ))))
}

/// The item type of `field` when it is an optional list (a group with one
/// repeated group) of optional items of a primitive type.
fn optional_items_of_optional_list(field: &ParquetType) -> Option<&PrimitiveType> {
    let ParquetType::GroupType {
        field_info, fields, ..
    } = field
    else {
        return None;
    };
    let [
        ParquetType::GroupType {
            field_info: repeated,
            fields: items,
            ..
        },
    ] = fields.as_slice()
    else {
        return None;
    };
    let [ParquetType::PrimitiveType(item)] = items.as_slice() else {
        return None;
    };
    (field_info.repetition == Repetition::Optional
        && repeated.repetition == Repetition::Repeated
        && item.field_info.repetition == Repetition::Optional)
        .then_some(item)
}

/// Whether polars writes `rows` rows of a column whose items hold `bytes`
/// bytes of text as one page: it cuts pages of the rows that, at the
/// column's mean bytes per row, fill the page size.
fn fits_one_page(rows: usize, bytes: usize, options: WriteOptions) -> bool {
    let page_bytes = options.data_page_size.unwrap_or(DEFAULT_PAGE_BYTES);
    let bytes_per_row = (bytes as f64 / rows as f64) as usize;
    (page_bytes / (bytes_per_row + 1)).max(1) >= rows
}

/// `levels` hybrid-RLE encoded at `bits` bits each, after their length in
/// four bytes (data page V1).
fn write_levels(
    buffer: &mut Vec<u8>,
    bits: u32,
    levels: impl Iterator<Item = u32>,
) -> PolarsResult<()> {
    let start = buffer.len();
    buffer.extend_from_slice(&[0; 4]);
    hybrid_rle::encode::<u32, _, _>(buffer, levels, bits)?;
    let length = i32::try_from(buffer.len() - start - 4)
        .map_err(|_| polars_err!(ComputeError: "list levels over 2 GB"))?;
    buffer[start..start + 4].copy_from_slice(&length.to_le_bytes());
    Ok(())
}

/// Append the plain-encoded bytes of `items` to `buffer` and give their
/// statistics, as polars writes both in the one page of a flat column of
/// `item` (the page of a list column holds the same after its levels).
/// `None` when polars would write them as more than one page.
fn append_items(
    items: &Utf8ViewArray,
    item: &PrimitiveType,
    options: WriteOptions,
    buffer: &mut Vec<u8>,
) -> PolarsResult<Option<Option<ParquetStatistics>>> {
    if items.is_empty() {
        // polars writes no page for a flat column of no rows; the
        // statistics of no items are their null count, nothing else.
        let statistics = options.has_statistics().then(|| {
            BinaryStatistics {
                primitive_type: item.clone(),
                null_count: options.statistics.null_count.then_some(0),
                distinct_count: None,
                max_value: None,
                min_value: None,
            }
            .serialize()
        });
        return Ok(Some(statistics));
    }
    let columns = array_to_columns(
        items.clone().boxed(),
        ParquetType::PrimitiveType(item.clone()),
        options,
        &[Encoding::Plain],
    )?;
    let mut pages = Vec::new();
    for column in columns {
        for page in column {
            pages.push(page?);
        }
    }
    let [Page::Data(page)] = pages.as_slice() else {
        return Ok(None);
    };
    let DataPageHeader::V1(header) = page.header() else {
        return Ok(None);
    };
    // The flat page starts with the items' definition levels, after their
    // length in four bytes.
    let bytes = page.buffer();
    let Some(length) = bytes.get(..4) else {
        return Ok(None);
    };
    let mut four = [0; 4];
    four.copy_from_slice(length);
    let values_at = usize::try_from(u32::from_le_bytes(four))
        .ok()
        .and_then(|n| n.checked_add(4));
    let Some(values) = values_at.and_then(|at| bytes.get(at..)) else {
        return Ok(None);
    };
    buffer.extend_from_slice(values);
    Ok(Some(header.statistics.clone()))
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;
    use polars_parquet::write::to_parquet_schema;

    use super::*;
    use crate::row_groups::write_options;

    /// A list-of-text column of `rows` rows; `items(row)` gives each row's
    /// items, `None` for a null item.
    fn list_column(rows: usize, items: impl Fn(usize) -> Vec<Option<String>>) -> Series {
        let mut builder = ListStringChunkedBuilder::new("tags".into(), rows, rows);
        for row in 0..rows {
            let row_items = items(row);
            let series = Series::new("".into(), row_items);
            builder.append_series(&series).unwrap();
        }
        builder.finish().into_series()
    }

    /// The pages polars makes of `series` and those made here, the first
    /// `None` when this module leaves the column to polars.
    fn both_pages(series: &Series) -> (Option<Vec<u8>>, Vec<u8>) {
        let frame = DataFrame::new(series.len(), vec![series.clone().into_column()]).unwrap();
        let arrow = frame.schema().to_arrow(CompatLevel::newest());
        let field = to_parquet_schema(&arrow).unwrap().fields()[0].clone();
        let array = series.rechunk().to_arrow(0, CompatLevel::newest());
        let options = write_options();
        let theirs: Vec<Page> = array_to_columns(
            array.as_ref(),
            field.clone(),
            options,
            &[Encoding::RleDictionary],
        )
        .unwrap()
        .into_iter()
        .flatten()
        .map(|p| p.unwrap())
        .collect();
        let ours = list_of_text_page(array.as_ref(), &field, options).unwrap();
        (
            ours.map(|p| page_bytes(&p)),
            theirs.iter().flat_map(page_bytes).collect(),
        )
    }

    /// A page's header fields that reach the file, and its bytes.
    fn page_bytes(page: &Page) -> Vec<u8> {
        let Page::Data(data) = page else {
            return b"a dictionary page".to_vec();
        };
        let mut out = format!("{:?} rows {:?}|", data.header(), data.num_rows).into_bytes();
        out.extend_from_slice(data.buffer());
        out
    }

    #[test]
    fn the_page_is_the_one_polars_makes() {
        let word = |i: usize| ["nhs", "qi", "coproduction", "café", "🇬🇧", ""][i % 6].to_owned();
        let long = |i: usize| format!("{}{}", "x".repeat(90), i);
        let cases: Vec<(&str, Series)> = vec![
            ("all empty", list_column(8192, |_| vec![])),
            ("one empty row", list_column(1, |_| vec![])),
            ("one item", list_column(1, |_| vec![Some("nhs".into())])),
            (
                "mixed lengths",
                list_column(5000, |r| (0..r % 4).map(|i| Some(word(r + i))).collect()),
            ),
            (
                "null items",
                list_column(700, |r| {
                    (0..r % 3)
                        .map(|i| ((r + i) % 5 != 0).then(|| word(i)))
                        .collect()
                }),
            ),
            ("only null items", list_column(40, |r| vec![None; r % 2])),
            (
                "long items (statistics truncated)",
                list_column(300, |r| vec![Some(long(r)), Some(word(r))]),
            ),
            (
                "runs of empty rows between items",
                list_column(3000, |r| {
                    if r % 97 == 0 {
                        vec![Some(word(r))]
                    } else {
                        vec![]
                    }
                }),
            ),
        ];
        for (name, series) in cases {
            let (ours, theirs) = both_pages(&series);
            let ours = ours.unwrap_or_else(|| panic!("{name}: left to polars"));
            assert_eq!(ours, theirs, "{name}");
        }
    }

    #[test]
    fn what_it_does_not_handle_is_left_to_polars() {
        // Rows over polars' page size: several pages.
        let big = list_column(300, |r| vec![Some(format!("{r}{}", "y".repeat(5000)))]);
        assert!(both_pages(&big).0.is_none());
        // A null list.
        let mut builder = ListStringChunkedBuilder::new("tags".into(), 3, 3);
        builder.append_values_iter(["a"].into_iter());
        builder.append_null();
        builder.append_values_iter(std::iter::empty());
        assert!(both_pages(&builder.finish().into_series()).0.is_none());
        // Not a list of text.
        let numbers = Series::new("n".into(), [1u64, 2, 3]);
        assert!(both_pages(&numbers).0.is_none());
    }
}
