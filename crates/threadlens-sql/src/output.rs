//! A query's result, written as an aligned table, CSV, JSON lines or
//! Parquet.

use std::io::Write;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::json::LineDelimitedWriter;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::arrow::util::pretty::pretty_format_batches;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use threadlens_model::guard_cell;

use crate::error::SqlError;

/// How a result is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Columns aligned in a box, for reading in a terminal.
    Table,
    /// CSV with a header; text cells guarded against spreadsheet formulas
    /// (formats.md §5), numbers and NULLs (empty) as they are.
    Csv,
    /// One JSON object per row.
    Jsonl,
    /// Parquet (zstd).
    Parquet,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "csv" => Ok(OutputFormat::Csv),
            "jsonl" | "json" => Ok(OutputFormat::Jsonl),
            "parquet" => Ok(OutputFormat::Parquet),
            other => Err(format!("`{other}`: expected table, csv, jsonl or parquet")),
        }
    }
}

/// Write `batches` (of `schema`) to `out` in `format`.
pub fn write_result(
    batches: &[RecordBatch],
    schema: &SchemaRef,
    format: OutputFormat,
    out: &mut (dyn Write + Send),
) -> Result<(), SqlError> {
    let failed = |e: &dyn std::fmt::Display| SqlError::Output(e.to_string());
    match format {
        OutputFormat::Table => {
            let table = if batches.is_empty() {
                pretty_format_batches(&[RecordBatch::new_empty(schema.clone())])
            } else {
                pretty_format_batches(batches)
            }
            .map_err(|e| failed(&e))?;
            writeln!(out, "{table}").map_err(|e| failed(&e))?;
        }
        OutputFormat::Csv => write_csv(batches, schema, out)?,
        OutputFormat::Jsonl => {
            let mut writer = LineDelimitedWriter::new(out);
            for batch in batches {
                writer.write(batch).map_err(|e| failed(&e))?;
            }
            writer.finish().map_err(|e| failed(&e))?;
        }
        OutputFormat::Parquet => {
            let properties = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .build();
            let mut writer = ArrowWriter::try_new(out, schema.clone(), Some(properties))
                .map_err(|e| failed(&e))?;
            for batch in batches {
                writer.write(batch).map_err(|e| failed(&e))?;
            }
            writer.close().map_err(|e| failed(&e))?;
        }
    }
    Ok(())
}

fn write_csv(
    batches: &[RecordBatch],
    schema: &SchemaRef,
    out: &mut (dyn Write + Send),
) -> Result<(), SqlError> {
    let failed = |e: &dyn std::fmt::Display| SqlError::Output(e.to_string());
    let mut writer = csv::Writer::from_writer(out);
    writer
        .write_record(schema.fields().iter().map(|f| f.name().as_str()))
        .map_err(|e| failed(&e))?;
    let options = FormatOptions::default().with_display_error(true);
    let is_text: Vec<bool> = schema
        .fields()
        .iter()
        .map(|f| {
            matches!(
                f.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
            )
        })
        .collect();
    let mut row = Vec::with_capacity(is_text.len());
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| failed(&e))?;
        for r in 0..batch.num_rows() {
            row.clear();
            for (c, formatter) in formatters.iter().enumerate() {
                let cell = if batch.column(c).is_null(r) {
                    String::new()
                } else {
                    formatter.value(r).to_string()
                };
                row.push(if is_text[c] {
                    guard_cell(&cell).into_owned()
                } else {
                    cell
                });
            }
            writer.write_record(&row).map_err(|e| failed(&e))?;
        }
    }
    writer.flush().map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{ArrayRef, StringArray, UInt32Array};
    use datafusion::arrow::datatypes::{Field, Schema};

    use super::*;

    fn batch() -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("text", DataType::Utf8, true),
            Field::new("n", DataType::UInt32, true),
        ]));
        let text: ArrayRef = Arc::new(StringArray::from(vec![Some("=SUM(A1)"), None, Some("a,b")]));
        let n: ArrayRef = Arc::new(UInt32Array::from(vec![Some(1), Some(2), None]));
        RecordBatch::try_new(schema, vec![text, n]).unwrap()
    }

    fn written(format: OutputFormat) -> Vec<u8> {
        let batch = batch();
        let mut out = Vec::new();
        write_result(
            std::slice::from_ref(&batch),
            &batch.schema(),
            format,
            &mut out,
        )
        .unwrap();
        out
    }

    #[test]
    fn csv_guards_text_and_leaves_nulls_empty() {
        let csv = String::from_utf8(written(OutputFormat::Csv)).unwrap();
        assert_eq!(csv, "text,n\n'=SUM(A1),1\n,2\n\"a,b\",\n");
    }

    #[test]
    fn json_lines_and_the_table_show_every_row() {
        let json = String::from_utf8(written(OutputFormat::Jsonl)).unwrap();
        assert_eq!(json.lines().count(), 3, "{json}");
        assert!(
            json.starts_with("{\"text\":\"=SUM(A1)\",\"n\":1}"),
            "JSON is never altered: {json}"
        );
        let table = String::from_utf8(written(OutputFormat::Table)).unwrap();
        assert!(table.contains("| =SUM(A1) | 1 |"), "{table}");
        let parquet = written(OutputFormat::Parquet);
        assert_eq!(&parquet[..4], b"PAR1");
    }
}
