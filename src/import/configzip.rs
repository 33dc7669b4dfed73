//! `Export-CsConfiguration` archives. Not implemented yet (issue 3).

use super::InputError;
use crate::model::InputRecords;

pub fn read(_bytes: &[u8], display: &str) -> Result<InputRecords, InputError> {
    Err(InputError::new(
        display,
        "this is a ZIP archive; reading Export-CsConfiguration archives is not supported yet",
    ))
}
