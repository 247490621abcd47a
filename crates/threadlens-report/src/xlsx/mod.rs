//! `report.xlsx`: with a report's [`Overview`], a first sheet "Summary"
//! with the headline figures and native Excel charts (`summary.rs`); then
//! one sheet per table, each an Excel table (banded rows, filter buttons)
//! with number formats (thousands separators, percentages for shares,
//! minutes for reply times), timestamps as real date cells in the time
//! they are written in, and ids and other text as text cells (Excel would
//! turn a 19-digit id into a rounded number), guarded against formulas
//! like CSV.

mod summary;

use std::path::Path;

use chrono::{DateTime, NaiveDateTime, Timelike};
use polars::prelude::*;
use rust_xlsxwriter::{
    ExcelDateTime, Format, Table as ExcelTable, TableStyle, Workbook, Worksheet, XlsxError,
};

use crate::overview::Overview;
use crate::{Error, Result, Table, guard_cell};

/// The workbook's file name.
pub const XLSX_FILE: &str = "report.xlsx";

/// Widest column, in characters.
const MAX_WIDTH: usize = 60;

/// Number formats, by what a cell holds.
pub(crate) mod number_format {
    /// Whole numbers: `1,234`.
    pub const COUNT: &str = "#,##0";
    /// Shares: `23.4%`.
    pub const SHARE: &str = "0.0%";
    /// Minutes: `4.5 min`.
    pub const MINUTES: &str = "0.0 \"min\"";
    /// Other fractions.
    pub const DECIMAL: &str = "#,##0.000";
    /// Local date and time.
    pub const DATETIME: &str = "yyyy-mm-dd hh:mm";
}

/// The sheet name Excel allows for a table (at most 31 characters).
fn sheet_name(name: &str) -> String {
    name.chars().take(31).collect()
}

/// Write `tables` as the sheets of `path`, atomically; with `overview`,
/// a "Summary" sheet with charts first.
pub fn write_xlsx(path: &Path, tables: &[Table], overview: Option<&Overview<'_>>) -> Result<()> {
    let xlsx_err = |e: XlsxError| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut workbook = Workbook::new();
    let chart_data = match overview {
        Some(overview) => {
            let (summary, data) = summary::sheets(overview).map_err(xlsx_err)?;
            workbook.push_worksheet(summary);
            data
        }
        None => None,
    };
    for table in tables {
        workbook.push_worksheet(table_sheet(table).map_err(xlsx_err)?);
    }
    if let Some(data) = chart_data {
        workbook.push_worksheet(data);
    }
    let bytes = workbook.save_to_buffer().map_err(xlsx_err)?;
    threadlens_store::write_atomically(path, |out| {
        std::io::Write::write_all(out, &bytes).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    })
}

/// What a column holds, for its cells' type and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Text (ids included).
    Text,
    /// Every value a timestamp: written as date cells.
    DateTime,
    /// Whole numbers.
    Count,
    /// A share or rate: a percentage.
    Share,
    /// Minutes.
    Minutes,
    /// Other numbers.
    Decimal,
    /// True or false.
    Boolean,
}

/// A timestamp as the tables write them, as the local date and time it
/// names: `2022-06-28T09:00` (local), `2022-06-28T09:00+01:00` (local, with
/// its offset) or `2022-06-28T08:00:00Z` (UTC).
fn timestamp(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .ok()
        .or_else(|| {
            DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z")
                .ok()
                .map(|t| t.naive_local())
        })
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.naive_local())
        })
}

/// The date cell for a local date and time.
pub(crate) fn excel_datetime(t: NaiveDateTime) -> std::result::Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(t.year()).unwrap_or(1900),
        t.month() as u8,
        t.day() as u8,
    )?
    .and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

fn kind_of(column: &Column) -> Kind {
    let name = column.name().as_str();
    let dtype = column.dtype();
    if dtype == &DataType::Boolean {
        Kind::Boolean
    } else if dtype.is_integer() {
        Kind::Count
    } else if dtype.is_float() {
        let rate = ["share", "precision", "recall", "f1"]
            .iter()
            .any(|r| name.contains(r));
        if rate {
            Kind::Share
        } else if name.ends_with("_min") {
            Kind::Minutes
        } else {
            Kind::Decimal
        }
    } else if let Ok(strings) = column.str()
        && strings.iter().flatten().next().is_some()
        && strings.iter().flatten().all(|s| timestamp(s).is_some())
    {
        Kind::DateTime
    } else {
        Kind::Text
    }
}

/// One table as a sheet: an Excel table over its rows, formats per
/// column, the header frozen.
fn table_sheet(table: &Table) -> std::result::Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(sheet_name(table.name))?;
    let frame = &table.frame;
    let bold = Format::new().set_bold();
    let formats = |kind: Kind| match kind {
        Kind::Count => Some(Format::new().set_num_format(number_format::COUNT)),
        Kind::Share => Some(Format::new().set_num_format(number_format::SHARE)),
        Kind::Minutes => Some(Format::new().set_num_format(number_format::MINUTES)),
        Kind::Decimal => Some(Format::new().set_num_format(number_format::DECIMAL)),
        Kind::DateTime => Some(Format::new().set_num_format(number_format::DATETIME)),
        Kind::Text | Kind::Boolean => None,
    };
    for (c, column) in frame.columns().iter().enumerate() {
        let col = c as u16;
        let name = column.name().as_str();
        sheet.write_string_with_format(0, col, name, &bold)?;
        let kind = kind_of(column);
        let format = formats(kind);
        let mut width = name.chars().count();
        for row in 0..frame.height() {
            let r = (row + 1) as u32;
            match column.get(row).unwrap_or(AnyValue::Null) {
                AnyValue::Null => {}
                AnyValue::String(s) => match (kind, timestamp(s), &format) {
                    (Kind::DateTime, Some(t), Some(f)) => {
                        width = width.max(16);
                        sheet.write_datetime_with_format(r, col, &excel_datetime(t)?, f)?;
                    }
                    _ => {
                        width = width.max(s.chars().count());
                        sheet.write_string(r, col, guard_cell(s))?;
                    }
                },
                AnyValue::Boolean(b) => {
                    sheet.write_boolean(r, col, b)?;
                }
                value => match value.extract::<f64>() {
                    Some(x) => {
                        width = width.max(x.to_string().len().min(12));
                        match &format {
                            Some(f) => sheet.write_number_with_format(r, col, x, f)?,
                            None => sheet.write_number(r, col, x)?,
                        };
                    }
                    None => {
                        let text = value.to_string();
                        width = width.max(text.chars().count());
                        sheet.write_string(r, col, guard_cell(&text))?;
                    }
                },
            }
        }
        sheet.set_column_width(col, (width.min(MAX_WIDTH) + 3) as f64)?;
    }
    if frame.height() > 0 && frame.width() > 0 {
        let excel_table = ExcelTable::new()
            .set_name(table.name)
            .set_style(TableStyle::Medium2);
        sheet.add_table(
            0,
            0,
            frame.height() as u32,
            (frame.width() - 1) as u16,
            &excel_table,
        )?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(sheet)
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// The text of one part of the workbook (it is a zip of XML files).
    pub(crate) fn part(path: &Path, name: &str) -> String {
        let mut archive = ::zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn sheets_ids_as_text_guarded_and_frozen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(XLSX_FILE);
        let table = Table {
            name: "top_contributors",
            frame: df!(
                "post_id" => ["1440714901538803715", "=HYPERLINK(\"http://x\",\"y\")"],
                "posts" => [3u64, 1],
            )
            .unwrap(),
        };
        write_xlsx(&path, &[table], None).unwrap();
        let workbook = part(&path, "xl/workbook.xml");
        assert!(workbook.contains("name=\"top_contributors\""), "{workbook}");
        let strings = part(&path, "xl/sharedStrings.xml");
        assert!(
            strings.contains("<t>1440714901538803715</t>"),
            "the id is a string: {strings}"
        );
        assert!(strings.contains("<t>'=HYPERLINK"), "guarded: {strings}");
        let sheet = part(&path, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains("<pane ySplit=\"1\""),
            "header frozen: {sheet}"
        );
        assert!(sheet.contains("<v>3</v>"), "counts are numbers");
        assert!(!sheet.contains("<f>"), "no formulas");
        let table = part(&path, "xl/tables/table1.xml");
        assert!(
            table.contains("name=\"top_contributors\"")
                && table.contains("ref=\"A1:B3\"")
                && table.contains("<autoFilter")
                && table.contains("showRowStripes=\"1\""),
            "an Excel table with filters and bands: {table}"
        );
    }

    #[test]
    fn timestamps_become_dates_and_numbers_get_formats() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(XLSX_FILE);
        let table = Table {
            name: "theme_by_period",
            frame: df!(
                "period_start" => ["2022-10-30T01:00+01:00", "2022-10-30T01:00+00:00"],
                "period_start_utc" => ["2022-10-30T00:00:00Z", "2022-10-30T01:00:00Z"],
                "posts" => [1234u64, 5],
                "share_of_posts" => [0.25, 0.5],
                "median_first_reply_min" => [4.5, 1.0],
            )
            .unwrap(),
        };
        write_xlsx(&path, &[table], None).unwrap();
        let styles = part(&path, "xl/styles.xml");
        for format in ["yyyy-mm-dd hh:mm", "#,##0", "0.0%", "0.0 &quot;min&quot;"] {
            assert!(styles.contains(format), "{format}: {styles}");
        }
        let sheet = part(&path, "xl/worksheets/sheet1.xml");
        // 2022-10-30 01:00 local, both times (the clocks went back): Excel
        // serial 44864 + 1/24; the UTC column's 00:00 and 01:00.
        assert_eq!(
            sheet.matches("<v>44864.041666666664</v>").count(),
            3,
            "{sheet}"
        );
        assert!(sheet.contains("<v>44864</v>"));
        let strings = part(&path, "xl/sharedStrings.xml");
        assert!(
            !strings.contains("2022-10-30T"),
            "no dates as text: {strings}"
        );
    }

    #[test]
    fn without_a_schedule_the_summary_has_figures_and_themes_over_time() {
        use chrono::{TimeZone, Utc};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(XLSX_FILE);
        let start = |h| Utc.with_ymd_and_hms(2022, 6, 28, h, 0, 0).unwrap();
        let page = crate::PageData {
            posts: 1234,
            participants: 56,
            replies: 7,
            themes: vec![crate::ThemeShare {
                id: "candour".into(),
                label: "=Candour".into(),
                share: Some(0.25),
                interval: Some((0.2, 0.3)),
            }],
            event: None,
            over_time: vec![
                crate::PeriodHits {
                    start: start(8),
                    posts: 10,
                    hits: vec![3],
                },
                crate::PeriodHits {
                    start: start(9),
                    posts: 20,
                    hits: vec![5],
                },
            ],
            period: crate::Period::Hour,
            activity: Vec::new(),
        };
        let overview = Overview {
            title: "Corpus",
            page: &page,
            schedule: None,
            timezone: "Europe/London".parse().unwrap(),
        };
        write_xlsx(&path, &[], Some(&overview)).unwrap();
        let workbook = part(&path, "xl/workbook.xml");
        assert!(
            workbook.find("name=\"Summary\"") < workbook.find("name=\"chart_data\""),
            "{workbook}"
        );
        let chart = part(&path, "xl/charts/chart1.xml");
        assert!(chart.contains("<c:lineChart>") && chart.contains("hits per hour"));
        assert!(
            ::zip::ZipArchive::new(std::fs::File::open(&path).unwrap())
                .unwrap()
                .by_name("xl/charts/chart2.xml")
                .is_err(),
            "no slot charts without a schedule"
        );
        let summary = part(&path, "xl/worksheets/sheet1.xml");
        assert!(
            summary.contains("<v>1234</v>") && summary.contains("<v>7</v>"),
            "{summary}"
        );
        let strings = part(&path, "xl/sharedStrings.xml");
        assert!(strings.contains("Replies") && !strings.contains("New participants"));
        assert!(strings.contains("'=Candour"), "guarded: {strings}");
        // 09:00 BST is 08:00 UTC: the periods are local date cells.
        let data = part(&path, "xl/worksheets/sheet2.xml");
        assert!(data.contains("<v>44740.375</v>"), "{data}");
    }
}
