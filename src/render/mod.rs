//! Renderers: format an [`crate::audit::Audit`] or a [`crate::plan::PairingPlan`]. They never compute
//! findings or plans.

pub mod csv;
pub mod diff;
pub mod human;
pub mod json;
pub mod plan_human;
pub mod plan_json;
pub mod report;
pub mod runbook;
mod sample;
pub mod style;
pub mod templates;
pub mod terminal;
pub mod view;
