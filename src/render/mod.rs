//! Renderers: format an [`crate::audit::Audit`] (and later a plan). They never compute findings.

pub mod csv;
pub mod diagram;
pub mod human;
pub mod json;
pub mod report;
mod sample;
pub mod templates;

/// Whether to colour terminal output: only on a terminal, and never with `NO_COLOR` set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
