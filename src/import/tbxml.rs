//! Topology Builder documents (`.tbxml`). Not implemented yet (issue 3).

use super::InputError;
use crate::model::InputRecords;
use crate::text::Decoded;

pub fn read(_decoded: &Decoded, display: &str) -> Result<InputRecords, InputError> {
    Err(InputError::new(
        display,
        "this is a Topology Builder (.tbxml) document; reading them is not supported yet",
    ))
}
