//! Issue 9: every hostile input of `tests/data/hostile/` (copied from `../shared/hostile/`, whose
//! README says what each does) runs through the binary under a 1 GiB address-space limit on Linux,
//! together with a good estate in the same run. Each must end as an input error naming the file (or
//! a clean result where the README says so), never as a panic, an abort or a hang, and the good
//! estate must still be audited and reported.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

/// A good estate audited beside every hostile input.
const GOOD: &str = "fixtures/clean2013";
const HOSTILE: &str = "tests/data/hostile";

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}); stderr:\n{}\nstdout:\n{}",
                self.stderr, self.stdout
            )
        })
    }

    /// Errors whose path lies under `place` (a file or a folder).
    fn errors_for(&self, place: &str) -> Vec<Value> {
        self.json()["errors"]
            .as_array()
            .expect("errors[]")
            .iter()
            .filter(|e| e["path"].as_str().unwrap_or("").starts_with(place))
            .cloned()
            .collect()
    }
}

/// Run the binary with a 1 GiB address-space limit (Linux), from the repository root.
fn run_bounded(args: &[&str]) -> Outcome {
    let bin = assert_cmd::cargo::cargo_bin!("lyncpair");
    let mut cmd = if cfg!(target_os = "linux") {
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
            .arg(bin);
        sh
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .current_dir(common::repo_root())
        .env("NO_COLOR", "1")
        // Reports stamp the time; a fixed one makes runs comparable byte for byte.
        .env("SOURCE_DATE_EPOCH", "1714564800")
        .env_remove("RUST_BACKTRACE");
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("the binary runs");
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The checks every hostile case shares; returns the run for case-specific ones.
fn audit_beside_good(hostile: &str, codes: &[i32]) -> Outcome {
    let path = format!("{HOSTILE}/{hostile}");
    assert!(
        Path::new(&common::repo_root().join(&path)).exists(),
        "{path}"
    );
    let o = run_bounded(&["audit", "--format", "json", &path, GOOD]);
    assert!(
        o.code.is_some_and(|c| codes.contains(&c)),
        "{hostile}: exit {:?}, expected one of {codes:?} (a signal means an abort or the memory limit)\nstderr:\n{}",
        o.code,
        o.stderr
    );
    for panic_text in [
        "panicked",
        "RUST_BACKTRACE",
        "stack backtrace",
        "memory allocation",
    ] {
        assert!(
            !o.stderr.contains(panic_text),
            "{hostile}: {panic_text:?} on stderr:\n{}",
            o.stderr
        );
    }
    let json = o.json();
    let good = json["estates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == GOOD)
        .unwrap_or_else(|| panic!("{hostile}: the good estate was not reported: {json}"));
    assert!(
        good["pools"].as_array().is_some_and(|p| p.len() >= 4),
        "{hostile}: the good estate lost its pools"
    );
    if codes == [2] {
        let errors = o.errors_for(&path);
        assert!(
            !errors.is_empty(),
            "{hostile}: no error names it: {}",
            json["errors"]
        );
        // The person running the tool sees it on stderr as well.
        assert!(o.stderr.contains(&path), "{hostile}: stderr:\n{}", o.stderr);
    }
    o
}

/// Every `(path, line)` of the errors under `place`.
fn error_lines(o: &Outcome, place: &str) -> Vec<(String, Option<u64>)> {
    let mut v: Vec<(String, Option<u64>)> = o
        .errors_for(place)
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_owned(), e["line"].as_u64()))
        .collect();
    v.sort();
    v
}

/// Everything the run says about estates (not the errors, which quote refused values).
fn estates_text(o: &Outcome) -> String {
    o.json()["estates"].to_string()
}

#[test]
fn spreadsheet_far_beyond_an_inventory_is_refused_before_it_is_built() {
    let o = audit_beside_good("corner-XFD1048576.xlsx", &[2]);
    let e = &o.errors_for("tests/data/hostile/corner-XFD1048576.xlsx")[0];
    assert!(e["message"].as_str().unwrap().contains("XFD1048576"), "{e}");
}

#[test]
fn values_only_in_column_xfd_are_refused_without_padding_rows() {
    let o = audit_beside_good("xfd-column-20k.xlsx", &[2]);
    let e = &o.errors_for("tests/data/hostile/xfd-column-20k.xlsx")[0];
    assert!(
        e["message"].as_str().unwrap().contains("512 columns"),
        "{e}"
    );
}

#[test]
fn a_merge_down_to_row_40000_in_column_xfd_is_clamped() {
    let o = audit_beside_good("merge-xfd.xlsx", &[0, 1]);
    assert!(o.errors_for("tests/data/hostile/merge-xfd.xlsx").is_empty());
    let inputs = o.json()["estates"].to_string();
    assert!(inputs.contains("merge-xfd.xlsx"), "the workbook was read");
}

#[test]
fn ods_repeat_bomb_is_refused() {
    let o = audit_beside_good("bomb.ods", &[2]);
    let e = &o.errors_for("tests/data/hostile/bomb.ods")[0];
    assert!(
        e["message"].as_str().unwrap().contains("not an inventory"),
        "{e}"
    );
}

#[test]
fn damaged_xls_containers_are_input_errors() {
    for xls in [
        "xls-utils-assert-panic.xls",
        "xls-utils-assert-panic-2.xls",
        "xls-cfb-panic-orig.xls",
        "xls-cfb-loop-oom.xls",
    ] {
        let o = audit_beside_good(xls, &[2]);
        let e = &o.errors_for(&format!("{HOSTILE}/{xls}"))[0];
        assert!(
            e["message"].as_str().unwrap().contains("xls workbook"),
            "{xls}: {e}"
        );
    }
}

/// Shapes calamine reads in quadratic time, refused before it reads them (made for issue 14 with a
/// small generator; calamine's time grows with the square of the count, the files stay small):
/// - 1,000 BOUNDSHEET records at one offset: calamine walks the same records once per sheet
///   (0.3 s here; 4,000 sheets in 54 KB took 8 s, 20,000 in 260 KB would take minutes);
/// - 20,000 empty CONTINUE records after an SST: calamine takes each from the front of a vector
///   (fast at this count; 250,000 in 1 MB took 13 s).
#[test]
fn xls_shapes_calamine_reads_in_quadratic_time_are_refused() {
    for (xls, says) in [
        (
            "xls-overlapping-sheets.xls",
            "the xls workbook is damaged (sheet 1 runs on into the records of another sheet",
        ),
        (
            "xls-many-continue-records.xls",
            "the workbook globals of this xls continue their records over 20000 CONTINUE records",
        ),
    ] {
        let o = audit_beside_good(xls, &[2]);
        let e = &o.errors_for(&format!("{HOSTILE}/{xls}"))[0];
        let message = e["message"].as_str().unwrap();
        assert!(message.starts_with(says), "{xls}: {e}");
        assert!(
            message.ends_with("open it in Excel and save it again as .xlsx"),
            "{xls}: {e}"
        );
    }
}

#[test]
fn a_formula_and_semicolons_in_a_pool_name_are_refused_as_fqdns() {
    let o = audit_beside_good("csv-semicolon", &[2]);
    let topo = "tests/data/hostile/csv-semicolon/topology.xml";
    assert_eq!(
        error_lines(&o, topo),
        [(topo.to_owned(), Some(11)), (topo.to_owned(), Some(19))]
    );
    // Fix texts may hold a `;` of their own: look for the refused name, not the character.
    assert!(
        !estates_text(&o).contains("calc"),
        "a refused name reached the audit"
    );
}

#[test]
fn a_user_count_past_u64_is_an_input_error_and_the_other_row_is_read() {
    let o = audit_beside_good("overflow-users", &[2]);
    let inv = "tests/data/hostile/overflow-users/inv.csv";
    assert_eq!(error_lines(&o, inv), [(inv.to_owned(), Some(2))]);
    assert!(
        o.errors_for(inv)[0]["message"]
            .as_str()
            .unwrap()
            .contains("user count")
    );
    let json = o.json();
    let estate = json["estates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "tests/data/hostile/overflow-users")
        .expect("the inventory is still an estate");
    let pools: Vec<&str> = estate["pools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["fqdn"].as_str().unwrap())
        .collect();
    assert_eq!(pools, ["pool-b.t"], "the rest of the file is still read");
}

#[test]
fn a_powershell_payload_in_an_inventory_backup_is_refused() {
    let o = audit_beside_good("ps1-cp1252-inventory", &[2]);
    let inv = "tests/data/hostile/ps1-cp1252-inventory/inventory.csv";
    assert_eq!(error_lines(&o, inv), [(inv.to_owned(), Some(2))]);
    assert!(!estates_text(&o).contains("calc"));
    // The topology beside it is still audited.
    assert!(estates_text(&o).contains("pool-b.fabrikam.test"));
}

#[test]
fn a_powershell_payload_in_a_backup_service_id_is_refused() {
    // The payload sits in the SiteId of the Registrar's <Backup> element: no service id has that
    // form, so the pool naming it is refused with the line of the reference.
    let o = audit_beside_good("ps1-cp1252-topology", &[2]);
    let topo = "tests/data/hostile/ps1-cp1252-topology/topology.xml";
    assert_eq!(error_lines(&o, topo), [(topo.to_owned(), Some(44))]);
    assert!(!estates_text(&o).contains("calc"), "{}", estates_text(&o));
    assert!(
        estates_text(&o).contains("pool-b.fabrikam.test"),
        "the rest is read"
    );
}

#[test]
fn escape_sequences_in_a_site_name_are_refused_and_never_printed_raw() {
    let o = audit_beside_good("terminal-escape", &[2]);
    let topo = "tests/data/hostile/terminal-escape/topology.xml";
    assert_eq!(
        error_lines(&o, topo),
        [(topo.to_owned(), Some(7)), (topo.to_owned(), Some(11))]
    );
    // The terminal output quotes the refused name with its control characters escaped.
    let human = run_bounded(&["audit", &format!("{HOSTILE}/terminal-escape"), GOOD]);
    assert_eq!(human.code, Some(2));
    for text in [&human.stdout, &human.stderr, &o.stdout, &o.stderr] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
    }
    assert!(human.stdout.contains("\\u{1b}") || human.stderr.contains("\\u{1b}"));
}

#[test]
fn a_name_with_braces_is_refused_and_output_is_byte_identical() {
    let o = audit_beside_good("nondeterministic-labels", &[2]);
    let dir = "tests/data/hostile/nondeterministic-labels";
    assert_eq!(
        error_lines(&o, dir),
        [
            (format!("{dir}/inventory.csv"), Some(2)),
            (format!("{dir}/topology.xml"), Some(11)),
        ]
    );
    let again = audit_beside_good("nondeterministic-labels", &[2]);
    assert_eq!(o.stdout, again.stdout);
    let md = |_: ()| run_bounded(&["audit", "--format", "md", dir]).stdout;
    assert_eq!(md(()), md(()));
}

#[test]
fn a_huge_single_line_csv_is_refused_within_the_memory_limit() {
    // 0.1.0 took 6.1 GB for a 100 MB line; 20 MB is enough to pass the 1 GiB limit at that rate.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("one-line.csv");
    let mut text = String::from("Pool,Site\n");
    text.push_str(&"a,".repeat(10 << 20));
    text.push('\n');
    std::fs::write(&path, text).unwrap();
    let o = run_bounded(&["audit", "--format", "json", path.to_str().unwrap(), GOOD]);
    assert_eq!(o.code, Some(2), "{}", o.stderr);
    let errors = o.errors_for(path.to_str().unwrap());
    assert_eq!(errors[0]["line"], 2, "{errors:?}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than")
    );
}
