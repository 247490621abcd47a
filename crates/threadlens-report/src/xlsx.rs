//! `report.xlsx`: one sheet per table, header row bold and frozen, ids and
//! other text as text cells (Excel would turn a 19-digit id into a rounded
//! number), text guarded against formulas like CSV, widths from the content.

use std::path::Path;

use polars::prelude::*;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::{Error, Result, Table, guard_cell};

/// The workbook's file name.
pub const XLSX_FILE: &str = "report.xlsx";

/// Widest column, in characters.
const MAX_WIDTH: usize = 60;

/// Write `tables` as the sheets of `path`, atomically.
pub fn write_xlsx(path: &Path, tables: &[Table]) -> Result<()> {
    let xlsx_err = |e: XlsxError| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::other(e.to_string()),
    };
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for table in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(table.name).map_err(xlsx_err)?;
        let frame = &table.frame;
        for (c, column) in frame.columns().iter().enumerate() {
            let col = c as u16;
            let name = column.name().as_str();
            sheet
                .write_string_with_format(0, col, name, &bold)
                .map_err(xlsx_err)?;
            let mut width = name.chars().count();
            for row in 0..frame.height() {
                let r = (row + 1) as u32;
                match column.get(row).unwrap_or(AnyValue::Null) {
                    AnyValue::Null => {}
                    AnyValue::String(s) => {
                        width = width.max(s.chars().count());
                        sheet
                            .write_string(r, col, guard_cell(s))
                            .map_err(xlsx_err)?;
                    }
                    AnyValue::Boolean(b) => {
                        sheet.write_boolean(r, col, b).map_err(xlsx_err)?;
                    }
                    value => match value.extract::<f64>() {
                        Some(x) => {
                            width = width.max(x.to_string().len().min(12));
                            sheet.write_number(r, col, x).map_err(xlsx_err)?;
                        }
                        None => {
                            let text = value.to_string();
                            width = width.max(text.chars().count());
                            sheet
                                .write_string(r, col, guard_cell(&text))
                                .map_err(xlsx_err)?;
                        }
                    },
                }
            }
            sheet
                .set_column_width(col, (width.min(MAX_WIDTH) + 2) as f64)
                .map_err(xlsx_err)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    let bytes = workbook.save_to_buffer().map_err(xlsx_err)?;
    threadlens_store::write_atomically(path, |out| {
        std::io::Write::write_all(out, &bytes).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// The text of one part of the workbook (it is a zip of XML files).
    fn part(path: &Path, name: &str) -> String {
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
        write_xlsx(&path, &[table]).unwrap();
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
    }
}
