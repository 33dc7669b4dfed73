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
                 ci         format check, clippy with warnings denied, all tests, docs, cargo-deny, typos\n  \
                 bench      check the speed targets of issue 12 in one alternating run (Python ElementTree,\n             \
                 bare quick-xml pass, UTF-16, plan, --out, batches; callgrind where installed)\n             \
                 [--mb N, default 100] [--callgrind-mb N, default 20] [--estates N, default 500] [--divan]\n  \
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
    cargo(&["test", "--workspace"], &[])?;
    // The fuzz crate is its own workspace and needs nightly only to run; type-checking it on stable
    // keeps it from rotting while the library changes under it. It shares `target/` with the
    // workspace so that it reuses the dependencies clippy has just checked: in a directory of its
    // own it checked all 113 of them again on a fresh clone, in the shared one it checks 17.
    cargo(
        &["fmt", "--manifest-path", "fuzz/Cargo.toml", "--", "--check"],
        &[],
    )?;
    cargo(
        &[
            "check",
            "--manifest-path",
            "fuzz/Cargo.toml",
            "--all-targets",
            "--target-dir",
            "target",
        ],
        &[],
    )?;
    cargo(
        &["doc", "--no-deps", "--workspace"],
        &[("RUSTDOCFLAGS", "-D warnings".to_owned())],
    )?;
    // cargo-deny and typos are installed by `.ci/run`; on a developer machine without them the
    // step is skipped with a visible line rather than failing the whole check.
    if tool_installed("cargo-deny") {
        // `--offline`: the advisory database lives outside the registries these machines reach,
        // so the offline checks run (licences, bans, sources); advisories need a networked run.
        cargo(
            &["deny", "--offline", "check", "bans", "licenses", "sources"],
            &[],
        )?;
    } else {
        eprintln!(
            "xtask ci: cargo-deny is not installed, skipping it (cargo install --locked cargo-deny)"
        );
    }
    if tool_installed("typos") {
        eprintln!("$ typos");
        let status = Command::new("typos")
            .current_dir(workspace_root())
            .status()
            .map_err(|e| format!("cannot run typos: {e}"))?;
        if !status.success() {
            return Err("typos found misspellings (fix them, or add a word to _typos.toml)".into());
        }
    } else {
        eprintln!(
            "xtask ci: typos is not installed, skipping it (cargo install --locked typos-cli)"
        );
    }
    Ok(())
}

/// Whether `name` runs (`name --version` exits 0).
fn tool_installed(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
