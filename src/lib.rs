//! lyncpair: audit Lync Server 2010/2013 backup registrar relationships against the 2013+ pairing
//! rules. Pipeline: [`import`] → [`estate`] (model) → [`rules`] → renderers ([`render`]).
//! See ARCHITECTURE.md for the map and its invariants.

// Only the binary prints; the library returns text and data.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod accept;
pub mod audit;
pub mod cli;
pub mod diff;
pub mod estate;
pub mod i18n;
pub mod import;
pub mod limits;
pub mod model;
pub mod output;
pub mod plan;
pub mod progress;
pub mod render;
pub mod rules;
// Benchmark and test support (a synthetic topology of any size); not part of the interface.
#[doc(hidden)]
pub mod synth;
pub mod text;
