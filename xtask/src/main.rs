//! Project automation (`cargo xtask <task>`), kept small: see matklad/cargo-xtask.

mod browser_check;
mod fixtures;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let result = match task {
        "ci" => ci(),
        "bench" => bench(&args[1..]),
        "fixtures" => fixtures::run(),
        "browser-check" => match browser_check::run(&args[1..]) {
            0 => Ok(()),
            code => return ExitCode::from(code.clamp(1, 255) as u8),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 ci         format check, clippy with warnings denied, all tests\n  \
                 bench      run the benchmarks (cargo bench)\n  \
                 fixtures   write the committed xlsx inventory fixtures\n  \
                 browser-check\n             render the HTML reports in headless Chromium, screenshot them,\n             \
                 fail on console errors or an empty diagram"
            );
            return if task == "help" {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Run a cargo command from the workspace root, failing with the command line on a non-zero exit.
fn cargo(args: &[&str]) -> Result<(), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace");
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace"])
}

fn bench(extra: &[String]) -> Result<(), String> {
    let mut args = vec!["bench", "--package", "lyncpair"];
    args.extend(extra.iter().map(String::as_str));
    cargo(&args)
}
