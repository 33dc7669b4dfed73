//! Project automation (`cargo xtask <task>`), kept small: see matklad/cargo-xtask.

mod bench;
mod browser_check;
mod fixtures;
mod fuzz;
// The generator of the synthetic topology, shared with lyncpair's bench and tests; std only, so
// xtask need not build lyncpair. xtask uses only the document, not the expected counts.
#[allow(dead_code)]
#[path = "../../src/synth.rs"]
mod synth;

use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let result = match task {
        "ci" => ci(),
        "bench" => bench::run(&args[1..]),
        "fixtures" => fixtures::run(),
        "fuzz" => fuzz::run(&args[1..]),
        "browser-check" => match browser_check::run(&args[1..]) {
            0 => Ok(()),
            code => return ExitCode::from(code.clamp(1, 255) as u8),
        },
        _ => {
            eprintln!(
                "usage: cargo xtask <task>\n\n\
                 tasks:\n  \
                 ci         format check, clippy with warnings denied, all tests\n  \
                 bench      run the benchmarks (cargo bench) and check the speed targets against a\n             \
                 bare quick-xml pass and a Python ElementTree audit [--mb N, default 100] [--no-divan]\n  \
                 fixtures   write the committed xlsx inventory fixtures\n  \
                 fuzz       seed and run the cargo-fuzz targets in turn (nightly, cargo-fuzz)\n             \
                 [--minutes N per target, default 5] [--target NAME] [--seed-only]\n  \
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

fn workspace_root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
}

fn cargo_command(args: &[&str], envs: &[(&str, String)]) -> Command {
    eprintln!("$ cargo {}", args.join(" "));
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .current_dir(workspace_root());
    command
}

/// Run a cargo command from the workspace root, failing with the command line on a non-zero exit.
fn cargo(args: &[&str], envs: &[(&str, String)]) -> Result<(), String> {
    let status = cargo_command(args, envs)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

/// Like [`cargo`], returning what the command printed on stdout (stderr still shows progress).
fn cargo_output(args: &[&str], envs: &[(&str, String)]) -> Result<String, String> {
    let out = cargo_command(args, envs)
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        String::from_utf8(out.stdout)
            .map_err(|e| format!("`cargo {}` printed non-UTF-8: {e}", args.join(" ")))
    } else {
        Err(format!(
            "`cargo {}` failed ({})",
            args.join(" "),
            out.status
        ))
    }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"], &[])?;
    cargo(
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    cargo(&["test", "--workspace"], &[])
}
