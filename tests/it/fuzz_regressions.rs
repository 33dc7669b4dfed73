//! Inputs the fuzz targets (`fuzz/`, docs/fuzzing.md) found crashing lyncpair, replayed through the
//! binary on stable Rust. Each file sits in `tests/data/hostile/` beside a readable topology on the
//! command line, as a user would run it; the run must end with exit code 0, 1 or 2, without a panic,
//! within a 1 GiB address space (on Linux), name the file when it refuses it, and still report the
//! readable topology, for `audit --out` and for `plan --out` (runbook included).

use crate::common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The readable input of every replay: its pools must be in the report whatever the other file does.
const READABLE: &str = "fixtures/clean2013/topology.xml";

/// What one replayed run printed.
struct Replay {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `lyncpair ARGS` from the repository root under `ulimit -v` 1 GiB, so an unbounded allocation
/// fails here as it would on a small server instead of swapping the test machine, and `ulimit -t`
/// 120 CPU seconds, so an endless loop fails the test instead of hanging CI.
#[cfg(target_os = "linux")]
fn run_bounded(args: &[&str]) -> Replay {
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && ulimit -t 120 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_lyncpair"))
        .args(args)
        .current_dir(common::repo_root())
        .output()
        .expect("sh runs");
    finish(args, out)
}

#[cfg(not(target_os = "linux"))]
fn run_bounded(args: &[&str]) -> Replay {
    let out = Command::new(env!("CARGO_BIN_EXE_lyncpair"))
        .args(args)
        .current_dir(common::repo_root())
        .output()
        .expect("the binary runs");
    finish(args, out)
}

fn finish(args: &[&str], out: std::process::Output) -> Replay {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("lyncpair {args:?} was killed ({}):\n{stderr}", out.status));
    assert!(
        !stderr.contains("panicked") && !stderr.contains("memory allocation"),
        "lyncpair {args:?} panicked or ran out of memory:\n{stderr}"
    );
    assert!(
        matches!(code, 0..=2),
        "lyncpair {args:?} exited with {code}:\n{stderr}"
    );
    Replay {
        code,
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr,
    }
}

/// Audit and plan `files` beside [`READABLE`], writing every report, and check both runs.
fn replay(files: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let audit_dir = out.path().join("audit");
    let plan_dir = out.path().join("plan");

    let mut args = vec!["audit", "--format", "json", "--out"];
    let audit_out = audit_dir.to_str().unwrap();
    args.push(audit_out);
    args.extend_from_slice(files);
    args.push(READABLE);
    let audit = run_bounded(&args);
    let doc: Value = serde_json::from_str(&audit.stdout)
        .unwrap_or_else(|e| panic!("audit stdout is not JSON ({e}):\n{}", audit.stdout));
    let errors = doc["errors"].as_array().expect("errors is an array");
    if audit.code == 2 {
        assert!(!errors.is_empty(), "exit 2 with no error: {doc:#}");
    }
    for e in errors {
        let path = e["path"].as_str().expect("an error names a path");
        let file = path.split('!').next().unwrap_or(path);
        assert!(files.contains(&file), "an error about {path}: {e}");
        assert!(audit.stderr.contains(path), "stderr: {}", audit.stderr);
    }
    let pools: Vec<&str> = doc["estates"]
        .as_array()
        .expect("estates is an array")
        .iter()
        .flat_map(|e| e["pools"].as_array().into_iter().flatten())
        .filter_map(|p| p["fqdn"].as_str())
        .collect();
    assert!(
        pools.iter().any(|p| p.ends_with(".contoso.test")),
        "the readable topology is reported beside the hostile file: {pools:?}"
    );
    assert!(audit_dir.join("audit.json").is_file());

    let mut args = vec!["plan", "--format", "json", "--out"];
    let plan_out = plan_dir.to_str().unwrap();
    args.push(plan_out);
    args.extend_from_slice(files);
    args.push(READABLE);
    let plan = run_bounded(&args);
    let expected = if errors.is_empty() { 0 } else { 2 };
    assert_eq!(plan.code, expected, "plan exit code:\n{}", plan.stderr);
    serde_json::from_str::<Value>(&plan.stdout)
        .unwrap_or_else(|e| panic!("plan stdout is not JSON ({e}):\n{}", plan.stdout));
    assert!(Path::new(&plan_dir).join("pairing-runbook.ps1").is_file());
}

/// `import` target, 2026-11-27: a legacy .xls whose compound-file sector chain makes calamine's
/// `Sectors::get_chain` (cfb.rs:340) allocate 2 GiB (libFuzzer out-of-memory). The same class as
/// ../shared/hostile/xls-cfb-loop-oom.xls; the bounded compound-file check of issue 9 fixes it.
#[test]
fn xls_sector_chain_does_not_exhaust_memory() {
    replay(&["tests/data/hostile/fuzz-import-xls-sector-chain-oom.xls"]);
}

/// `containers` target, 2026-11-27: an ods whose `content.xml` has a wrong end tag and ends inside
/// its table. calamine 0.38's `ods::read_table` has no end-of-file arm and loops for ever (libFuzzer
/// timeout). lyncpair now refuses a `content.xml` that is not well-formed before calamine reads it.
#[test]
fn ods_with_an_unclosed_table_does_not_hang() {
    const FILE: &str = "tests/data/hostile/fuzz-containers-ods-unclosed-table.ods";
    replay(&[FILE]);
    let run = run_bounded(&["audit", FILE, READABLE]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!("{FILE}!content.xml:2:")),
        "names the entry, line and column: {}",
        run.stdout
    );
}

/// `pipeline` target, 2026-11-27: an inventory whose `Replaces` cell names a pool it cannot replace
/// (its role cell is garbled, so it is no 2010 front-end pool). Not a crash of lyncpair: the fuzz
/// harness still asserted that a plan without pins cannot fail, which stopped being true when
/// declared successors arrived. The binary must refuse the plan with exit 2, naming the cell, and
/// still write the audit reports.
#[test]
fn an_impossible_declared_successor_refuses_the_plan_not_the_audit() {
    const FILE: &str = "tests/data/hostile/fuzz-pipeline-successor-not-2010.csv";
    let out = tempfile::tempdir().unwrap();
    let audit_dir = out.path().join("audit");
    let audit = run_bounded(&[
        "audit",
        "--format",
        "json",
        "--out",
        audit_dir.to_str().unwrap(),
        FILE,
        READABLE,
    ]);
    // Line 4 holds a pool name with '<' in it: that record is refused, the rest is audited.
    assert_eq!(audit.code, 2, "{}", audit.stderr);
    assert!(
        audit.stderr.contains(&format!("{FILE}:4:")),
        "{}",
        audit.stderr
    );
    let doc: Value = serde_json::from_str(&audit.stdout).expect("audit stdout is JSON");
    let pools = doc["estates"][0]["pools"].as_array().expect("pools");
    assert!(pools.iter().any(|p| p["fqdn"] == "pool13-ham.contoso.test"));
    assert!(audit_dir.join("report.html").is_file());

    let plan = run_bounded(&["plan", FILE, READABLE]);
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    assert!(
        plan.stderr
            .contains("pool13-ham.contoso.test cannot replace"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains(&format!("{FILE}:9")),
        "{}",
        plan.stderr
    );
}

/// The same inventory as an estate of its own beside a readable one: only its report goes without
/// the plan section; the other estate's report keeps it, and stderr says which estate and why.
#[test]
fn an_impossible_declared_successor_costs_only_its_own_estate_the_plan_section() {
    let estates = tempfile::tempdir().unwrap();
    let bad = estates.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::copy(
        common::repo_root().join("tests/data/hostile/fuzz-pipeline-successor-not-2010.csv"),
        bad.join("inventory.csv"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = run_bounded(&[
        "audit",
        "--out",
        out.path().to_str().unwrap(),
        "fixtures/clean2013",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(
        run.code, 2,
        "line 4 of the inventory is refused: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("has no plan section")
            && run
                .stderr
                .contains("pool13-ham.contoso.test cannot replace"),
        "{}",
        run.stderr
    );
    let report = |folder: &str| {
        let folder = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().ends_with(folder))
            .unwrap_or_else(|| panic!("no report folder for {folder}"));
        std::fs::read_to_string(folder.join("report.html")).unwrap()
    };
    assert!(report("clean2013").contains("<h3>Suggested plan"));
    assert!(!report("bad").contains("<h3>Suggested plan"));
}

/// `import` target, 2026-11-27: a 5.6 KB legacy .xls on which calamine 0.38's
/// `Xls::parse_workbook` spends about 16 s (debug build) walking records before it finds no sheet.
/// Not a crash and not unbounded, but a slow input (libFuzzer slow-unit): its directory entry named
/// `Workbook` is a storage (type 18) whose chain loops on sector 0 and claims 256 MiB. calamine
/// picks its workbook by name, whatever the type, and reads the loop until it has the 256 MiB, then
/// walks them record by record in `Xls::parse_workbook` (16 s in a debug build). The compound-file
/// check now checks the entry calamine reads and refuses the file at once, saying why and what to
/// do (this message comes from the check, before calamine is called); the 120 CPU-second limit of
/// `run_bounded` stays as a safety net.
#[test]
fn xls_with_a_slow_workbook_parse_is_refused_before_calamine_reads_it() {
    const FILE: &str = "tests/data/hostile/fuzz-import-xls-slow-workbook-parse.xls";
    let run = run_bounded(&[
        "audit", "--sheet", "Pools", "--format", "json", FILE, READABLE,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let audit: Value = serde_json::from_str(&run.stdout).expect("audit.json");
    let errors = audit["errors"].as_array().expect("errors[]");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], FILE);
    assert_eq!(
        errors[0]["message"],
        "the xls workbook is damaged (the stream 1 chain loops); \
         open it in Excel and save it again as .xlsx"
    );
}
