//! Command line: clap arguments, then the pipeline, then exit codes (CONTRACT.md).
//!
//! Exit codes: 0 nothing at or above `--fail-on`; 1 findings at or above it; 2 usage error or at
//! least one input that could not be read (everything readable is still audited and reported).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::audit::{self, Audit};
use crate::render;
use crate::rules::{CATALOGUE, Severity};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE_OR_INPUT: i32 = 2;

/// Audit Lync Server 2010/2013 backup registrar relationships against the Lync 2013+ pairing rules.
#[derive(Parser, Debug)]
#[command(name = "lyncpair", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Import topology exports, check them against the 2013 backup rules, and report.
    Audit(AuditArgs),
    /// Print the rule catalogue: code, severity, summary and source.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Output format (printed to standard output).
    #[arg(long, value_enum, default_value_t = AuditFormat::Human)]
    pub format: AuditFormat,
    /// Exit with 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Export files (one estate together) or folders (walked; each folder holding a topology is an estate).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    Human,
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// Exit code for an audit under `--fail-on` (CONTRACT.md).
pub fn exit_code(audit: &Audit, fail_on: FailOn) -> i32 {
    if !audit.errors.is_empty() {
        return EXIT_USAGE_OR_INPUT;
    }
    match (fail_on.threshold(), audit.worst()) {
        (Some(threshold), Some(worst)) if worst <= threshold => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                EXIT_USAGE_OR_INPUT
            } else {
                EXIT_OK
            };
        }
    };
    match cli.command {
        Command::Audit(args) => run_audit(args),
        Command::Rules { format } => run_rules(format),
    }
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth reporting.
fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

fn run_audit(args: AuditArgs) -> i32 {
    let audit = audit::run(&args.paths);
    let text = match args.format {
        AuditFormat::Json => render::json::render(&audit),
        AuditFormat::Human => {
            render::human::render(&audit, render::use_color(std::io::stdout().is_terminal()))
        }
    };
    emit(&text);
    if args.format != AuditFormat::Human && !audit.errors.is_empty() {
        // Machine formats carry the errors in-band; say it on stderr too so a person sees it.
        let mut err = std::io::stderr().lock();
        for e in &audit.errors {
            let _ = writeln!(err, "lyncpair: {e}");
        }
    }
    exit_code(&audit, args.fail_on)
}

fn run_rules(format: RulesFormat) -> i32 {
    let text = match format {
        RulesFormat::Json => {
            let mut s = serde_json::to_string_pretty(CATALOGUE).expect("catalogue serialises");
            s.push('\n');
            s
        }
        RulesFormat::Human => {
            let mut s = String::new();
            for r in CATALOGUE {
                s.push_str(&format!(
                    "{:<24} {:<14} {}\n",
                    r.code, r.severity, r.summary
                ));
                s.push_str(&format!("{:<24} {:<14} source: {}\n", "", "", r.source));
                if !r.url.is_empty() {
                    s.push_str(&format!("{:<24} {:<14} {}\n", "", "", r.url));
                }
            }
            s
        }
    };
    emit(&text);
    EXIT_OK
}
