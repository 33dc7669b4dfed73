//! Renderers: format an [`crate::audit::Audit`] (and later a plan). They never compute findings.

pub mod human;
pub mod json;

/// Whether to colour terminal output: only on a terminal, and never with `NO_COLOR` set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
