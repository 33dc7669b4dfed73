//! The integration tests, one crate (issue 14): each file was its own test crate, linked on its own
//! against the library and every dev-dependency; as modules of one crate they link once.
//! Snapshots live in `tests/it/snapshots/`, named `it__<module>__<name>.snap`.

// A test reads top to bottom as one scenario with its checks next to each step; cutting a long one
// into helpers hides what is checked where. The 100-line limit (Cargo.toml) is for the product code.
#![allow(clippy::too_many_lines)]

mod common;

mod accept_cli;
mod audit_fixtures;
mod bad_input;
mod cli_docs;
mod diff_cli;
mod fuzz_regressions;
mod german;
mod hostile;
mod importers_complete;
mod importers_tabular;
mod importers_xml;
mod parallel_batches;
mod plan_cli;
mod plan_migration;
mod powershell_export;
mod powershell_parse;
mod real_samples;
mod render_modules;
mod report;
mod rules_cli;
mod synthetic_topology;
mod terminal;
mod walk;
