//! The file formats a table can be written in.

use std::fmt;
use std::str::FromStr;

/// A format tables are written in (formats.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TableFormat {
    /// UTF-8 CSV with a header row, RFC 4180 quoting, ids as text, text
    /// cells guarded against formula injection.
    Csv,
    /// Parquet, typed columns (ids as strings).
    Parquet,
    /// JSON: an array of records, one object per row.
    Json,
    /// Markdown: one file, `report.md`, a section per table.
    Md,
    /// Excel: one workbook, `report.xlsx`, a sheet per table.
    Xlsx,
    /// One self-contained page, `report.html`, with charts.
    Html,
}

impl TableFormat {
    /// Every format, in the order files are written.
    pub const ALL: [TableFormat; 6] = [
        TableFormat::Csv,
        TableFormat::Parquet,
        TableFormat::Json,
        TableFormat::Md,
        TableFormat::Xlsx,
        TableFormat::Html,
    ];

    /// Its name on the command line, which is also the file extension.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    /// What is written, in a line (for `--help`).
    pub fn description(self) -> &'static str {
        match self {
            TableFormat::Csv => {
                "a .csv per table: UTF-8, ids as text, cells guarded against formulas"
            }
            TableFormat::Parquet => "a .parquet per table, typed columns",
            TableFormat::Json => "a .json per table: an array of records",
            TableFormat::Md => "report.md: every table but post_scores, a section each",
            TableFormat::Xlsx => "report.xlsx: every table but post_scores, a sheet each",
            TableFormat::Html => "report.html: one self-contained page to share, with charts",
        }
    }

    /// Its name on the command line, which is also the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
            TableFormat::Json => "json",
            TableFormat::Md => "md",
            TableFormat::Xlsx => "xlsx",
            TableFormat::Html => "html",
        }
    }

    /// Parse a comma-separated list (`csv,parquet`), duplicates removed, in
    /// the order given.
    pub fn parse_list(list: &str) -> Result<Vec<TableFormat>, UnknownFormat> {
        let mut formats = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let format = name.parse()?;
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        Ok(formats)
    }
}

impl fmt::Display for TableFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`TableFormat::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown table format `{0}` (known: csv, parquet, json, md, xlsx, html)")]
pub struct UnknownFormat(pub String);

impl FromStr for TableFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TableFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_parse_in_order_without_duplicates() {
        assert_eq!(
            TableFormat::parse_list("parquet, csv,parquet").unwrap(),
            [TableFormat::Parquet, TableFormat::Csv]
        );
        assert_eq!(
            TableFormat::parse_list("csv,pdf").unwrap_err().to_string(),
            "unknown table format `pdf` (known: csv, parquet, json, md, xlsx, html)"
        );
    }
}
