//! Writing summary tables: one file per table for CSV, Parquet and JSON,
//! one `report.md` for Markdown. Every file is written beside its final
//! name and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use threadlens_store::write_atomically;

use crate::overview::Overview;
use crate::xlsx::{XLSX_FILE, write_xlsx};
use crate::{Error, Result, Table, TableFormat, guard_cell};

/// The Markdown report's file name.
pub const MARKDOWN_FILE: &str = "report.md";

/// Write `tables` in `formats` into `out_dir`; the paths written. HTML
/// needs more than the tables and is written by [`write_html`](crate::write_html).
pub fn write_tables(
    out_dir: &Path,
    tables: &[Table],
    formats: &[TableFormat],
    overview: Option<&Overview<'_>>,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for &format in formats {
        match format {
            TableFormat::Html => {}
            TableFormat::Xlsx => {
                let path = out_dir.join(XLSX_FILE);
                write_xlsx(&path, tables, overview)?;
                written.push(path);
            }
            TableFormat::Md => {
                let path = out_dir.join(MARKDOWN_FILE);
                write_atomically(&path, |out| {
                    markdown(out, tables).map_err(|source| Error::Io {
                        path: path.clone(),
                        source,
                    })
                })?;
                written.push(path);
            }
            _ => {
                for table in tables {
                    let path = out_dir.join(format!("{}.{format}", table.name));
                    write_table(&path, table, format)?;
                    written.push(path);
                }
            }
        }
    }
    Ok(written)
}

/// Read a table written as Parquet (for a report to show another
/// command's table).
pub fn read_parquet_table(path: &Path) -> Result<DataFrame> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    ParquetReader::new(file)
        .finish()
        .map_err(|source| Error::Polars {
            path: path.to_owned(),
            source,
        })
}

fn write_table(path: &Path, table: &Table, format: TableFormat) -> Result<()> {
    let polars_err = |source| Error::Polars {
        path: path.to_owned(),
        source,
    };
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    write_atomically(path, |out| match format {
        TableFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let csv_err = |source| Error::Csv {
                path: path.to_owned(),
                source,
            };
            w.write_record(table.frame.get_column_names().iter().map(|n| n.as_str()))
                .map_err(csv_err)?;
            for row in rows(&table.frame) {
                w.write_record(row.iter().map(|c| match c {
                    Cell::Text(s) => guard_cell(s).into_owned(),
                    other => other.to_string(),
                }))
                .map_err(csv_err)?;
            }
            w.flush().map_err(io_err)
        }
        TableFormat::Parquet => {
            let mut frame = table.frame.clone();
            ParquetWriter::new(out)
                .finish(&mut frame)
                .map_err(polars_err)?;
            Ok(())
        }
        TableFormat::Json => {
            let names = table.frame.get_column_names();
            let records: Vec<serde_json::Map<String, serde_json::Value>> = rows(&table.frame)
                .into_iter()
                .map(|row| {
                    names
                        .iter()
                        .zip(row)
                        .map(|(name, cell)| (name.to_string(), cell.to_json()))
                        .collect()
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &records).map_err(|source| Error::Json {
                path: path.to_owned(),
                source,
            })?;
            out.write_all(b"\n").map_err(io_err)
        }
        TableFormat::Md | TableFormat::Xlsx | TableFormat::Html => Ok(()),
    })
}

/// One cell, as the writers need it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Int(i128),
    Float(f64),
    Bool(bool),
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Empty => Ok(()),
            Cell::Text(s) => f.write_str(s),
            Cell::Int(n) => write!(f, "{n}"),
            Cell::Float(x) => write!(f, "{x}"),
            Cell::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl Cell {
    fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(n) => i64::try_from(*n)
                .map_or_else(|_| serde_json::Value::String(n.to_string()), Into::into),
            Cell::Float(x) => {
                serde_json::Number::from_f64(*x).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::Bool(b) => serde_json::Value::Bool(*b),
        }
    }

    fn from_any(value: AnyValue<'_>) -> Cell {
        match value {
            AnyValue::Null => Cell::Empty,
            AnyValue::String(s) => Cell::Text(s.to_owned()),
            AnyValue::StringOwned(s) => Cell::Text(s.to_string()),
            AnyValue::Boolean(b) => Cell::Bool(b),
            AnyValue::UInt8(n) => Cell::Int(n.into()),
            AnyValue::UInt16(n) => Cell::Int(n.into()),
            AnyValue::UInt32(n) => Cell::Int(n.into()),
            AnyValue::UInt64(n) => Cell::Int(n.into()),
            AnyValue::Int8(n) => Cell::Int(n.into()),
            AnyValue::Int16(n) => Cell::Int(n.into()),
            AnyValue::Int32(n) => Cell::Int(n.into()),
            AnyValue::Int64(n) => Cell::Int(n.into()),
            AnyValue::Float32(x) => Cell::Float(x.into()),
            AnyValue::Float64(x) => Cell::Float(x),
            other => Cell::Text(other.to_string()),
        }
    }
}

/// The frame's rows as cells (summary tables are small).
fn rows(frame: &DataFrame) -> Vec<Vec<Cell>> {
    let columns = frame.columns();
    (0..frame.height())
        .map(|i| {
            columns
                .iter()
                .map(|c| c.get(i).map_or(Cell::Empty, Cell::from_any))
                .collect()
        })
        .collect()
}

/// Text made safe for a Markdown table cell: no line breaks, `|` escaped,
/// and HTML's special characters as entities so a post's text can never
/// become markup where the Markdown is rendered.
fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn markdown(out: &mut impl Write, tables: &[Table]) -> std::io::Result<()> {
    writeln!(out, "# threadlens report")?;
    for table in tables {
        writeln!(out, "\n## {}\n", table.name)?;
        let names = table.frame.get_column_names();
        if table.frame.height() == 0 {
            writeln!(out, "(no rows)")?;
            continue;
        }
        let header: Vec<String> = names.iter().map(|n| markdown_cell(n)).collect();
        writeln!(out, "| {} |", header.join(" | "))?;
        let align: Vec<&str> = table
            .frame
            .columns()
            .iter()
            .map(|c| {
                if c.dtype().is_primitive_numeric() {
                    "---:"
                } else {
                    "---"
                }
            })
            .collect();
        writeln!(out, "| {} |", align.join(" | "))?;
        for row in rows(&table.frame).into_iter().take(MARKDOWN_MAX_ROWS) {
            let cells: Vec<String> = row.iter().map(|c| markdown_cell(&c.to_string())).collect();
            writeln!(out, "| {} |", cells.join(" | "))?;
        }
        if table.frame.height() > MARKDOWN_MAX_ROWS {
            writeln!(
                out,
                "\n(the first {MARKDOWN_MAX_ROWS} of {} rows; the CSV, Parquet and XLSX files have them all)",
                table.frame.height()
            )?;
        }
    }
    Ok(())
}

/// The most rows of a table `report.md` shows (a network or a long period
/// table of a large store would make a page nobody reads).
pub const MARKDOWN_MAX_ROWS: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_shows_at_most_its_row_limit() {
        let n = MARKDOWN_MAX_ROWS + 3;
        let long = Table {
            name: "long",
            frame: df!("i" => (0..n as u64).collect::<Vec<_>>()).unwrap(),
        };
        let mut out = Vec::new();
        markdown(&mut out, &[long]).unwrap();
        let text = String::from_utf8(out).unwrap();
        // The header, the alignment row, then the rows shown.
        assert_eq!(
            text.lines().filter(|l| l.starts_with("| ")).count(),
            MARKDOWN_MAX_ROWS + 2
        );
        assert!(
            text.contains(&format!("(the first {MARKDOWN_MAX_ROWS} of {n} rows;")),
            "{text}"
        );
    }

    fn table() -> Table {
        Table {
            name: "t",
            frame: df!(
                "text" => ["=HYPERLINK(\"http://x\",\"y\")", "<script>alert(1)</script> | a\nb", "plain"],
                "n" => [1u64, 2, 3],
                "share" => [Some(0.5), None, Some(1.0 / 3.0)],
            )
            .unwrap(),
        }
    }

    #[test]
    fn every_format_writes_the_rows_safely() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_tables(dir.path(), &[table()], &TableFormat::ALL, None).unwrap();
        assert!(
            !dir.path().join("report.html").exists(),
            "HTML is written on its own"
        );
        assert_eq!(written.len(), 5);
        let csv = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(
            csv,
            "text,n,share\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,0.5\n\"<script>alert(1)</script> | a\nb\",2,\nplain,3,0.3333333333333333\n"
        );
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("t.json")).unwrap()).unwrap();
        assert_eq!(json[1]["share"], serde_json::Value::Null);
        assert_eq!(
            json[0]["text"], "=HYPERLINK(\"http://x\",\"y\")",
            "JSON keeps text as it is"
        );
        assert_eq!(json[2]["n"], 3);
        let md = std::fs::read_to_string(dir.path().join(MARKDOWN_FILE)).unwrap();
        assert!(
            md.contains("| text | n | share |\n| --- | ---: | ---: |\n"),
            "{md}"
        );
        assert!(
            md.contains("| &lt;script&gt;alert(1)&lt;/script&gt; \\| a b | 2 |  |"),
            "{md}"
        );
        assert!(!md.contains("<script>"));
        let parquet = std::fs::File::open(dir.path().join("t.parquet")).unwrap();
        let back = ParquetReader::new(parquet).finish().unwrap();
        assert!(back.equals_missing(&table().frame));
    }
}
