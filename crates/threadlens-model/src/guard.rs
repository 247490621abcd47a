//! Spreadsheet formula injection (OWASP "CSV Injection"): a cell that
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return can be run as
//! a formula when the file is opened in Excel or LibreOffice. Text cells
//! get a leading `'`, which spreadsheets show as text and do not evaluate.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell`, with a `'` put in front if it starts with a formula trigger.
///
/// ```
/// use threadlens_model::guard_cell;
///
/// assert_eq!(guard_cell("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
/// assert_eq!(guard_cell("@HorizonsNHS thanks"), "'@HorizonsNHS thanks");
/// assert_eq!(guard_cell("plain text"), "plain text");
/// ```
pub fn guard_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(TRIGGERS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_neutralised_and_nothing_else_changes() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(guard_cell(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in ["", "a=b", " =1", "1-2", "'quoted", "#tag", "héllo"] {
            assert_eq!(guard_cell(cell), cell, "{cell:?}");
        }
    }
}
