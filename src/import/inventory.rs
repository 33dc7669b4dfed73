//! Inventory spreadsheets (xlsx, xls, ods). Not implemented yet (issue 3).

use super::{ImportOptions, InputError};
use crate::model::InputRecords;

/// Whether a ZIP archive is an xlsx/ods workbook rather than a configuration export.
pub fn is_spreadsheet_zip(_bytes: &[u8]) -> bool {
    false
}

pub fn read_spreadsheet(
    _bytes: &[u8],
    display: &str,
    _opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    Err(InputError::new(
        display,
        "this is a spreadsheet; reading inventory workbooks is not supported yet",
    ))
}
