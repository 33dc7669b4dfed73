//! Cmdlet `Export-Csv` files and CSV inventories. Not implemented yet (issue 3).

use super::{ImportOptions, InputError};
use crate::model::InputRecords;
use crate::text::Decoded;

pub fn read(
    _decoded: &Decoded,
    display: &str,
    _opts: &ImportOptions,
) -> Result<InputRecords, InputError> {
    Err(InputError::new(
        display,
        "not a topology export: the file holds no XML element (CSV and spreadsheet inputs are not supported yet)",
    ))
}
