//! Renderers: format an [`crate::audit::Audit`] or a [`crate::plan::PairingPlan`]. They never compute
//! findings or plans.

pub mod csv;
pub mod diagram;
pub mod diff;
pub mod human;
pub mod json;
pub mod plan_human;
pub mod plan_json;
pub mod report;
pub mod runbook;
mod sample;
pub mod templates;
pub mod terminal;

/// Whether to colour terminal output: only on a terminal, and never with `NO_COLOR` set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
