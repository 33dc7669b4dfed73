//! Renderers: format an [`crate::audit::Audit`], a [`crate::plan::PairingPlan`] or a
//! [`crate::diff::Diff`]. They never compute findings or plans.
//!
//! Terminal text ([`human`], [`plan_human`], [`diff`]), the JSON documents ([`json`],
//! [`plan_json`], [`diff`]), `findings.csv` ([`csv`]), the PowerShell runbook ([`runbook`]), and the
//! HTML/Markdown reports: [`report`] makes the views and the files `--out` writes, [`templates`]
//! renders them. Terminal text is coloured or plain as the caller says ([`Colour`]).

pub mod csv;
pub mod diff;
pub mod document;
pub mod human;
pub mod json;
pub mod plan_human;
pub mod plan_json;
pub mod report;
pub mod runbook;
pub(crate) mod sample;
pub(crate) mod style;
pub mod templates;
pub mod terminal;
pub(crate) mod view;

pub use style::Colour;
