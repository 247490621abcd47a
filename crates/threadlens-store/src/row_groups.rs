//! A Parquet file written a row group at a time, each row group encoded
//! and compressed with its columns in parallel before it reaches the
//! writer. polars' batched writer encodes columns in parallel but
//! compresses every page on the thread that writes the file; here that
//! work is done where the row group is built, so the writing thread only
//! copies bytes. Each thread keeps one zstd context for all its pages,
//! where polars makes one per page; list-of-text columns are encoded by
//! [`list_of_text_page`], float columns go straight to the plain
//! encoding polars ends up with ([`written_plain_anyway`]), and a text
//! column's dictionary, when polars' estimate calls for one, is built by
//! [`text_encoding`]. The file is the one polars' writer makes with the
//! same options, byte for byte.
//!
//! A row group of a table written this way can also be taken from that
//! table's file as its compressed pages ([`EncodedRowGroup::from_stored`])
//! and written again unchanged: the pages and the footer's entry for them
//! come out as encoding the same rows again would make them.

use std::cell::RefCell;
use std::io::{Cursor, Write};

use polars::io::parquet::write::{BatchedWriter, ParquetWriter, StatisticsOptions, get_encodings};
use polars::prelude::*;
use polars_arrow::array::{Array, ArrayRef};
use polars_arrow::datatypes::ArrowDataType;
use polars_buffer::Buffer;
use polars_parquet::parquet::CowBuffer;
use polars_parquet::parquet::compression::Compression;
use polars_parquet::parquet::metadata::{FileMetadata, RowGroupMetadata};
use polars_parquet::parquet::page::{CompressedDictPage, DataPageHeader};
use polars_parquet::parquet::read::{PageReader, read_metadata};
use polars_parquet::write::{
    CompressedDataPage, CompressedPage, CompressionOptions, Encoding, Page, ParquetType, Version,
    WriteOptions, array_to_columns, compress, to_parquet_schema,
};
use rayon::prelude::*;

use crate::list_pages::list_of_text_page;
use crate::text_dictionary::{TextEncoding, text_encoding};

/// One row group, encoded and compressed: its pages, column by column.
pub struct EncodedRowGroup {
    rows: usize,
    columns: Vec<Vec<CompressedPage>>,
}

impl EncodedRowGroup {
    /// The rows the group holds.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Row group `group` of a table file as its compressed pages, from
    /// `bytes`, the file's bytes from `offset` on, which hold the group's
    /// column chunks. `None` when it cannot be written again as it is: a
    /// nested column (a list) in more than one data page, whose pages do
    /// not say how many rows each holds.
    pub fn from_stored(
        group: &RowGroupMetadata,
        bytes: &Buffer<u8>,
        offset: u64,
    ) -> PolarsResult<Option<Self>> {
        let rows = group.num_rows();
        let mut columns = Vec::with_capacity(group.n_columns());
        for chunk in group.parquet_columns() {
            let range = chunk.byte_range();
            let within = |at: u64| {
                at.checked_sub(offset)
                    .and_then(|at| usize::try_from(at).ok())
                    .filter(|&at| at <= bytes.len())
            };
            let (Some(start), Some(end)) = (within(range.start), within(range.end)) else {
                return Err(polars_err!(ComputeError: "a column chunk lies outside its row group"));
            };
            if start > end {
                return Err(polars_err!(ComputeError: "a column chunk ends before it starts"));
            }
            let nested = chunk.descriptor().descriptor.max_rep_level > 0;
            let cursor = Cursor::new(bytes.clone().sliced(start..end));
            let mut pages = Vec::new();
            let mut data_pages = 0;
            for page in PageReader::new(cursor, chunk, Vec::new(), end - start) {
                let mut page = page?;
                if let CompressedPage::Data(data) = &mut page {
                    data_pages += 1;
                    // The writer needs each page's rows (for the offset
                    // index); a flat column has a value, null or not, per row.
                    data.num_rows = Some(if nested { rows } else { data.num_values() });
                }
                pages.push(page);
            }
            if nested && data_pages > 1 {
                return Ok(None);
            }
            columns.push(pages);
        }
        Ok(Some(EncodedRowGroup { rows, columns }))
    }
}

/// The footer [`RowGroupWriter`] writes for a table of `schema` with no
/// rows: what a stored table's footer must match (schema, metadata, the
/// writer's name) for its row groups to be written again as they are.
pub(crate) fn empty_table_footer(schema: &Schema) -> PolarsResult<FileMetadata> {
    let mut bytes = Vec::new();
    RowGroupWriter::new(&mut bytes, schema)?.finish()?;
    Ok(read_metadata(&mut Cursor::new(bytes))?)
}

/// Whether a table whose footer is `stored` was written as one of
/// `reference`'s schema is now: same schema, same key-value metadata (the
/// Arrow schema) and the same writer. polars names itself without its
/// version, so another polars with the same schema passes too.
pub(crate) fn written_alike(stored: &FileMetadata, reference: &FileMetadata) -> bool {
    stored.version == reference.version
        && stored.created_by == reference.created_by
        && stored.key_value_metadata == reference.key_value_metadata
        && stored.schema_descr.fields() == reference.schema_descr.fields()
}

/// Encodes and compresses frames of one schema into row groups; shared by
/// reference between threads.
pub struct RowGroupEncoder {
    fields: Vec<ParquetType>,
    encodings: Vec<Vec<Encoding>>,
    options: WriteOptions,
}

/// What both the encoder and the writer use: zstd at polars' default
/// level and full statistics, as the store has always been written.
pub(crate) fn write_options() -> WriteOptions {
    WriteOptions {
        statistics: StatisticsOptions::full(),
        compression: CompressionOptions::Zstd(None),
        version: Version::V1,
        data_page_size: None,
    }
}

impl RowGroupEncoder {
    /// An encoder of frames with `schema`.
    pub fn new(schema: &Schema) -> PolarsResult<Self> {
        let arrow = schema.to_arrow(CompatLevel::newest());
        let parquet = to_parquet_schema(&arrow)?;
        Ok(RowGroupEncoder {
            fields: parquet.fields().to_vec(),
            encodings: get_encodings(&arrow).iter().cloned().collect(),
            options: write_options(),
        })
    }

    /// `frame` as row groups (one per aligned chunk; a frame built in one
    /// piece is one row group), its columns encoded and compressed in
    /// parallel.
    pub fn encode(&self, frame: &DataFrame) -> PolarsResult<Vec<EncodedRowGroup>> {
        let mut frame = frame.clone();
        if frame.should_rechunk() {
            frame.rechunk_mut();
        }
        frame
            .iter_chunks(CompatLevel::newest(), false)
            .filter(|batch| !batch.is_empty())
            .map(|batch| {
                let per_field = batch
                    .columns()
                    .par_iter()
                    .zip(&self.fields)
                    .zip(&self.encodings)
                    .map(|((array, field), encodings)| self.encode_column(array, field, encodings))
                    .collect::<PolarsResult<Vec<_>>>()?;
                Ok(EncodedRowGroup {
                    rows: batch.len(),
                    columns: per_field.into_iter().flatten().collect(),
                })
            })
            .collect()
    }

    /// One column of a row group: the compressed pages of each of its leaf
    /// columns, made as polars' writer makes them (see the module doc).
    fn encode_column(
        &self,
        array: &ArrayRef,
        field: &ParquetType,
        encodings: &[Encoding],
    ) -> PolarsResult<Vec<Vec<CompressedPage>>> {
        const PLAIN: &[Encoding] = &[Encoding::Plain];
        if let Some(page) = list_of_text_page(array.as_ref(), field, self.options)? {
            return Ok(vec![self.compress(std::iter::once(Ok(page)))?]);
        }
        if written_plain_anyway(array.as_ref()) {
            return self.leaf_columns(array, field, PLAIN);
        }
        if encodings == [Encoding::RleDictionary] {
            match text_encoding(array.as_ref())? {
                Some(TextEncoding::Plain) => return self.leaf_columns(array, field, PLAIN),
                Some(TextEncoding::Dictionary(dictionary)) => {
                    return self.leaf_columns(dictionary.boxed(), field, encodings);
                }
                None => {}
            }
        }
        self.leaf_columns(array, field, encodings)
    }

    /// `array`'s pages with `encodings`, compressed, per leaf column.
    fn leaf_columns(
        &self,
        array: impl AsRef<dyn Array> + Send + Sync,
        field: &ParquetType,
        encodings: &[Encoding],
    ) -> PolarsResult<Vec<Vec<CompressedPage>>> {
        array_to_columns(array, field.clone(), self.options, encodings)?
            .into_iter()
            .map(|pages| self.compress(pages))
            .collect()
    }

    /// The pages of one leaf column, compressed.
    fn compress(
        &self,
        pages: impl Iterator<Item = PolarsResult<Page>>,
    ) -> PolarsResult<Vec<CompressedPage>> {
        pages.map(|page| self.compress_page(page?)).collect()
    }

    /// One page compressed as polars compresses it; with zstd at its
    /// default level (the store's), by this thread's own context.
    fn compress_page(&self, page: Page) -> PolarsResult<CompressedPage> {
        let by_polars = |page| Ok(compress(page, Vec::new(), self.options.compression)?);
        if self.options.compression != CompressionOptions::Zstd(None) {
            return by_polars(page);
        }
        match page {
            Page::Data(data) => {
                let (DataPageHeader::V1(_), Some(rows)) = (data.header(), data.num_rows) else {
                    return by_polars(Page::Data(data));
                };
                let compressed = zstd_default_level(data.buffer())?;
                Ok(CompressedPage::Data(CompressedDataPage::new(
                    data.header().clone(),
                    CowBuffer::Owned(compressed),
                    Compression::Zstd,
                    data.buffer().len(),
                    data.descriptor.clone(),
                    rows,
                )))
            }
            Page::Dict(dict) => {
                let compressed = zstd_default_level(&dict.buffer)?;
                Ok(CompressedPage::Dict(CompressedDictPage::new(
                    CowBuffer::Owned(compressed),
                    Compression::Zstd,
                    dict.buffer.len(),
                    dict.num_values,
                    dict.is_sorted,
                )))
            }
        }
    }
}

/// Whether polars' writer, told to dictionary-encode `array` (the
/// encoding it gives number, text and binary columns), ends up writing it
/// plain: it estimates a float column's distinct values (a HyperLogLog
/// pass over every value) and then writes it plain whatever the estimate,
/// because above 128 rows a high one rules a dictionary out and otherwise
/// its cast to a dictionary fails, having none for floats. Such a column
/// is asked for the plain encoding at once, and the estimate skipped. An
/// empty column is left to polars, which writes an empty dictionary.
fn written_plain_anyway(array: &dyn Array) -> bool {
    let float = matches!(
        array.dtype(),
        ArrowDataType::Float32 | ArrowDataType::Float64
    );
    float && !array.is_empty()
}

thread_local! {
    /// This thread's zstd context, kept from page to page: polars makes a
    /// new one for every page, whose tables are cleared each time.
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

/// `bytes` compressed by zstd at its default level, as polars' writer
/// does (level 0 means zstd's default); the same bytes whatever the
/// context compressed before.
fn zstd_default_level(bytes: &[u8]) -> PolarsResult<Vec<u8>> {
    ZSTD.with(|context| {
        let mut context = context.borrow_mut();
        let compressor = match context.as_mut() {
            Some(compressor) => compressor,
            None => context.insert(zstd::bulk::Compressor::new(0)?),
        };
        Ok(compressor.compress(bytes)?)
    })
}

/// The file being written: row groups in the order given, then the footer.
pub struct RowGroupWriter<W: Write> {
    inner: BatchedWriter<W>,
}

impl<W: Write> RowGroupWriter<W> {
    /// Start a file of frames with `schema` on `out`.
    pub fn new(out: W, schema: &Schema) -> PolarsResult<Self> {
        let inner = ParquetWriter::new(out)
            .with_statistics(StatisticsOptions::full())
            .batched(schema)?;
        Ok(RowGroupWriter { inner })
    }

    /// Append an encoded row group.
    pub fn write(&mut self, group: &EncodedRowGroup) -> PolarsResult<()> {
        self.inner
            .write_row_group(group.rows as u64, &group.columns)
    }

    /// Write the footer.
    pub fn finish(self) -> PolarsResult<()> {
        self.inner.finish().map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame with text, optional text, counts, a list, a flag and
    /// floats, some of each null or empty, in `chunks` pieces.
    fn frame(rows: usize, chunks: usize) -> DataFrame {
        let piece = |from: usize, to: usize| {
            let mut tags = ListStringChunkedBuilder::new("tags".into(), to - from, to - from);
            for i in from..to {
                tags.append_values_iter((0..i % 3).map(|k| ["one", "two", "three"][k]));
            }
            DataFrame::new(
                to - from,
                vec![
                    Column::new(
                        "text".into(),
                        (from..to)
                            .map(|i| format!("post {i} #tag{}", i % 7))
                            .collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "lang".into(),
                        (from..to)
                            .map(|i| (i % 4 != 0).then_some(["en", "cy", "fr"][i % 3]))
                            .collect::<Vec<_>>(),
                    ),
                    Column::new(
                        "likes".into(),
                        (from..to)
                            .map(|i| (i % 5 != 0).then_some(i as u64 * 31))
                            .collect::<Vec<_>>(),
                    ),
                    tags.finish().into_series().into_column(),
                    Column::new(
                        "matched".into(),
                        (from..to).map(|i| i % 2 == 0).collect::<Vec<_>>(),
                    ),
                    // Few distinct values (a dictionary would be worth it),
                    // among them -0.0 beside 0.0 and NaN.
                    Column::new(
                        "score".into(),
                        (from..to)
                            .map(|i| [0.0, 12.5, -0.0, f64::NAN, 100.0 / 3.0][i % 5])
                            .collect::<Vec<_>>(),
                    ),
                    // Every value distinct, some null.
                    Column::new(
                        "ratio".into(),
                        (from..to)
                            .map(|i| (i % 6 != 0).then_some(i as f32 / 7.0))
                            .collect::<Vec<_>>(),
                    ),
                ],
            )
            .unwrap()
        };
        let step = rows.div_ceil(chunks.max(1)).max(1);
        let mut whole = piece(0, step.min(rows));
        let mut from = step;
        while from < rows {
            whole
                .vstack_mut(&piece(from, (from + step).min(rows)))
                .unwrap();
            from += step;
        }
        whole
    }

    /// The file polars' own batched writer makes of `frames`.
    fn written_by_polars(frames: &[DataFrame]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = ParquetWriter::new(&mut out)
            .with_statistics(StatisticsOptions::full())
            .batched(frames[0].schema())
            .unwrap();
        for f in frames {
            writer.write_batch(f).unwrap();
        }
        writer.finish().unwrap();
        out
    }

    /// The file this module makes of `frames`.
    fn written_here(frames: &[DataFrame]) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = RowGroupEncoder::new(frames[0].schema()).unwrap();
        let mut writer = RowGroupWriter::new(&mut out, frames[0].schema()).unwrap();
        for f in frames {
            for group in encoder.encode(f).unwrap() {
                writer.write(&group).unwrap();
            }
        }
        writer.finish().unwrap();
        out
    }

    #[test]
    fn a_kept_zstd_context_compresses_as_a_new_one() {
        // Pages of every size in a row, each after a different one, as a
        // thread compresses a row group's columns.
        let mut state = 7u64;
        let mut noise = |n: usize| -> Vec<u8> {
            (0..n)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (state >> 56) as u8
                })
                .collect()
        };
        let pages = [
            b"post 1 #tag".repeat(5_000),
            Vec::new(),
            noise(300_000),
            b"x".to_vec(),
            b"a longer page, with text repeated".repeat(40_000),
            noise(17),
            b"post 1 #tag".repeat(5_000),
        ];
        for page in pages {
            let fresh = zstd::bulk::compress(&page, 0).unwrap();
            assert_eq!(
                zstd_default_level(&page).unwrap(),
                fresh,
                "{} bytes",
                page.len()
            );
        }
    }

    /// Each page of `array`'s column encoded with `encodings`: its kind,
    /// header and bytes.
    fn pages(array: &dyn Array, encodings: &[Encoding]) -> Vec<(String, Vec<u8>)> {
        let dtype = match array.dtype() {
            ArrowDataType::Float64 => DataType::Float64,
            ArrowDataType::Float32 => DataType::Float32,
            // Text, and the dictionaries built of text.
            ArrowDataType::Utf8View | ArrowDataType::Dictionary(..) => DataType::String,
            _ => DataType::UInt32,
        };
        let schema = Schema::from_iter([Field::new("x".into(), dtype)]);
        let encoder = RowGroupEncoder::new(&schema).unwrap();
        let field = encoder.fields[0].clone();
        array_to_columns(array, field, encoder.options, encodings)
            .unwrap()
            .into_iter()
            .flatten()
            .map(|page| match page.unwrap() {
                Page::Data(data) => (format!("{:?}", data.header()), data.buffer().to_vec()),
                Page::Dict(dict) => (
                    format!("dictionary of {}", dict.num_values),
                    dict.buffer.to_vec(),
                ),
            })
            .collect()
    }

    #[test]
    fn floats_told_plain_get_the_pages_polars_falls_back_to() {
        let arrays: Vec<Box<dyn Array>> = vec![
            Box::new(polars_arrow::array::PrimitiveArray::<f64>::from_vec(vec![])),
            Box::new(polars_arrow::array::PrimitiveArray::<f64>::from_vec(vec![
                0.0,
                12.5,
                0.0,
                -0.0,
                f64::NAN,
            ])),
            Box::new(polars_arrow::array::PrimitiveArray::<f32>::from(
                (0..300)
                    .map(|i| (i % 7 != 0).then_some(i as f32 / 3.0))
                    .collect::<Vec<_>>(),
            )),
            Box::new(polars_arrow::array::PrimitiveArray::<u32>::from_vec(vec![
                1, 1, 2,
            ])),
        ];
        for array in arrays {
            let told = if written_plain_anyway(array.as_ref()) {
                Encoding::Plain
            } else {
                Encoding::RleDictionary
            };
            assert_eq!(
                pages(array.as_ref(), &[told]),
                pages(array.as_ref(), &[Encoding::RleDictionary]),
                "{:?}",
                array.dtype()
            );
        }
    }

    /// The pages of a text column as [`RowGroupEncoder`] has it encoded:
    /// plain, or from the dictionary built by [`text_encoding`].
    fn text_pages(array: &dyn Array) -> Vec<(String, Vec<u8>)> {
        match text_encoding(array).unwrap() {
            Some(TextEncoding::Plain) => pages(array, &[Encoding::Plain]),
            Some(TextEncoding::Dictionary(dictionary)) => {
                pages(&dictionary, &[Encoding::RleDictionary])
            }
            None => panic!("{:?} left to polars", array.dtype()),
        }
    }

    /// A text column from `cells`.
    fn texts<S: AsRef<str>>(cells: &[Option<S>]) -> polars_arrow::array::Utf8ViewArray {
        polars_arrow::array::Utf8ViewArray::from_slice(cells)
    }

    #[test]
    fn text_columns_get_the_pages_polars_makes() {
        let long = "a text longer than twelve bytes, held in a buffer";
        let cases: Vec<Vec<Option<String>>> = vec![
            vec![Some("x".into())],
            vec![None],
            vec![None, None, None],
            // Values first seen out of sorted order; repeats apart and in runs.
            ["mastodon", "x", "x", "bluesky", "x", "mastodon"]
                .iter()
                .map(|s| Some(s.to_string()))
                .collect(),
            // Nulls among them; short and long texts; one long text that
            // is an earlier one's prefix; an empty text.
            (0..300)
                .map(|i| {
                    (i % 5 != 0).then(|| match i % 4 {
                        0 => format!("{long} {}", i % 3),
                        1 => long.to_owned(),
                        2 => String::new(),
                        _ => format!("u{}", i % 11),
                    })
                })
                .collect(),
            // Mostly distinct: plain above 128 rows, a dictionary up to it.
            (0..128).map(|i| Some(format!("post {i}"))).collect(),
            (0..129).map(|i| Some(format!("post {i}"))).collect(),
            (0..1_000).map(|i| Some(format!("post {i}"))).collect(),
            // Near the estimate's limit of three distinct values in four.
            (0..1_000)
                .map(|i| Some(format!("post {}", i * 3 / 4)))
                .collect(),
            (0..1_000)
                .map(|i| Some(format!("post {}", i * 7 / 10)))
                .collect(),
            (0..1_000)
                .map(|i| Some(format!("post {}", i * 8 / 10)))
                .collect(),
            vec![
                Some("ŵ".into()),
                Some("w".into()),
                Some("🇬🇧".into()),
                Some("ŵ".into()),
            ],
        ];
        let mut plain = 0;
        for cells in &cases {
            let array = texts(cells);
            assert_eq!(
                text_pages(&array),
                pages(&array, &[Encoding::RleDictionary]),
                "{cells:?}"
            );
            plain += usize::from(matches!(
                text_encoding(&array).unwrap(),
                Some(TextEncoding::Plain)
            ));
        }
        // Both ways were taken.
        assert!(plain > 0 && plain < cases.len(), "{plain} plain");
    }

    proptest::proptest! {
        #[test]
        fn any_text_column_gets_the_pages_polars_makes(
            cells in proptest::collection::vec(
                proptest::option::of(proptest::sample::select(vec![
                    "", "a", "x", "twelve bytes", "thirteen byte", "a longer text than the views hold",
                    "a longer text than the views hold!", "ŵ", "🇬🇧🇬🇧🇬🇧🇬🇧",
                ])),
                1..400,
            ),
        ) {
            let array = texts(&cells);
            proptest::prop_assert_eq!(text_pages(&array), pages(&array, &[Encoding::RleDictionary]));
        }
    }

    #[test]
    fn the_file_is_the_one_polars_writes() {
        let cases = [
            vec![frame(1, 1)],
            vec![frame(300, 1), frame(5, 1), frame(1_000, 1)],
            // Up to 128 rows polars tries a dictionary whatever its
            // estimate of the distinct values; above, only when it is low.
            vec![frame(128, 1), frame(129, 1)],
            // A frame that is not in one piece: one row group per piece.
            vec![frame(90, 3)],
            // No rows at all: the schema and no row groups.
            vec![frame(3, 1).head(Some(0))],
        ];
        for frames in cases {
            let ours = written_here(&frames);
            assert_eq!(ours, written_by_polars(&frames));
            let read = ParquetReader::new(std::io::Cursor::new(ours))
                .finish()
                .unwrap();
            let rows: usize = frames.iter().map(DataFrame::height).sum();
            assert_eq!(read.height(), rows);
        }
    }
}
