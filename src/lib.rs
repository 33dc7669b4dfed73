//! lyncpair: audit Lync Server 2010/2013 backup registrar relationships against the 2013+ pairing
//! rules, and plan 1:1 pairs.
//!
//! The command line lives in the binary; this library is what it calls, and what a program that
//! wants the same results calls:
//!
//! - [`audit::run`] imports exports (files or folders), merges them into one [`model::Estate`] per
//!   estate and checks the [`rules`]: an [`audit::Audit`] with its findings and input errors.
//! - [`plan::plan`] makes the pairing plan of estates; [`diff::compare`] compares two audits;
//!   [`accept::apply`] marks accepted findings.
//! - [`model`] is the read-only view of what was imported; [`rules::CATALOGUE`] lists every rule.
//! - [`render`] formats audits and plans: terminal text, JSON, CSV, HTML/Markdown reports, the
//!   PowerShell runbook. [`output`] writes report files atomically.
//! - [`import::ImportOptions`] and [`import::InputError`] are the options and the per-file errors
//!   of the importers; an input error never stops a run.
//!
//! Pipeline: [`import`] → [`estate`] (model) → [`rules`] and [`plan`] → renderers ([`render`]).
//! See ARCHITECTURE.md for the map and its invariants.
//!
//! Cargo features (neither is an interface; both are for this repository's own tools):
//! `synth` adds the generator of synthetic topologies of any size (benchmarks, huge-document
//! tests); `internals` makes the importers' building blocks public for the fuzz crate and
//! white-box tests, hidden from the documentation.

// Only the binary prints; the library returns text and data.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod accept;
pub mod audit;
pub mod diff;
pub mod estate;
pub mod i18n;
pub mod import;
pub(crate) mod limits;
pub mod model;
pub mod output;
pub mod plan;
pub mod progress;
pub mod render;
pub mod rules;
// Benchmark and test support (a synthetic topology of any size); not part of the interface.
#[cfg(feature = "synth")]
#[doc(hidden)]
pub mod synth;
// Bytes to text; public only for the fuzz targets and benchmarks (feature `internals`).
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod text;
#[cfg(not(feature = "internals"))]
pub(crate) mod text;
