//! `lyncpair plan` end to end on tests/data/plan/contoso/topology.xml: five Enterprise pools of Lync
//! 2013 in Berlin, Paris and Madrid (pool-ber1 <-> pool-par1 reciprocal, pool-ber2 -> pool-par1
//! many-to-one, pool-mad1 -> pool-ber2 and pool-par2 -> pool-mad2 one-sided), a Standard Edition pool,
//! a director, a Lync 2010 pool and a Lync 2010 SBA the 2010 pool backs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn topology() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/plan/contoso/topology.xml")
}

fn lyncpair() -> Command {
    Command::cargo_bin("lyncpair").unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = lyncpair().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn plan_json(extra: &[&str]) -> Value {
    let topo = topology();
    let mut args = vec!["plan", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(topo.to_str().unwrap());
    let r = run(&args);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

fn pairs(v: &Value) -> Vec<(String, String, bool, bool)> {
    v["estates"][0]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["pools"][0].as_str().unwrap().to_owned(),
                p["pools"][1].as_str().unwrap().to_owned(),
                p["kept"].as_bool().unwrap(),
                p["cross_site"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

fn has_pair(v: &Value, a: &str, b: &str) -> bool {
    pairs(v).iter().any(|p| p.0 == a && p.1 == b)
}

#[test]
fn json_is_the_contract_shape_with_the_optimal_plan() {
    let v = plan_json(&[]);
    assert_eq!(keys(&v), ["estates", "schema"]);
    assert_eq!(v["schema"], "lyncpair/plan/v1");
    let estates = v["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1);
    let e = &estates[0];
    assert_eq!(keys(e), ["name", "objective", "pairs", "unpaired"]);
    assert!(e["name"].as_str().unwrap().ends_with("topology.xml"));
    // Three cross-site pairs keeping three of today's relationships: the unique optimum.
    let b = |s: &str| format!("pool-{s}.contoso.test");
    assert_eq!(
        pairs(&v),
        [
            (b("ber1"), b("par1"), true, true),
            (b("ber2"), b("mad1"), true, true),
            (b("mad2"), b("par2"), true, true),
        ]
    );
    assert_eq!(keys(&e["pairs"][0]), ["cross_site", "kept", "pools"]);
    assert_eq!(
        e["objective"],
        serde_json::json!({"pairs": 3, "cross_site": 3, "kept": 3})
    );
    let unpaired = e["unpaired"].as_array().unwrap();
    let pools: Vec<&str> = unpaired
        .iter()
        .map(|u| u["pool"].as_str().unwrap())
        .collect();
    assert_eq!(pools, [b("old").as_str(), b("se-mad").as_str()]);
    let old = unpaired[0]["reason"].as_str().unwrap();
    assert!(
        old.starts_with("not eligible: Lync 2010, migrate first")
            && old.contains("sba-lyon.contoso.test"),
        "{old}"
    );
    let se = unpaired[1]["reason"].as_str().unwrap();
    assert!(
        se.starts_with(
            "no compatible partner: differs in edition (standard vs enterprise) with pool-ber1"
        ),
        "{se}"
    );
    // Directors and branch registrars are not listed at all.
    let text = v.to_string();
    assert!(!text.contains("dir-ber") && !text.contains("\"sba-lyon"));
}

#[test]
fn json_field_order_is_the_contracts() {
    let topo = topology();
    let r = run(&["plan", "--format", "json", topo.to_str().unwrap()]);
    let at = |needle: &str| r.stdout.find(needle).unwrap();
    assert!(at("\"schema\"") < at("\"estates\""));
    assert!(at("\"name\"") < at("\"pairs\""));
    assert!(at("\"pairs\"") < at("\"unpaired\""));
    assert!(at("\"unpaired\"") < at("\"objective\""));
    assert!(at("\"pools\"") < at("\"kept\"") && at("\"kept\"") < at("\"cross_site\""));
}

#[test]
fn pins_are_honoured() {
    let v = plan_json(&["--pin", "Pool-Ber1.contoso.test.=pool-mad2.contoso.test"]);
    assert!(has_pair(
        &v,
        "pool-ber1.contoso.test",
        "pool-mad2.contoso.test"
    ));
    assert!(!has_pair(
        &v,
        "pool-ber1.contoso.test",
        "pool-par1.contoso.test"
    ));
    assert_eq!(v["estates"][0]["objective"]["pairs"], 3);
}

#[test]
fn forbids_are_honoured() {
    let v = plan_json(&["--forbid", "pool-par1.contoso.test=pool-ber1.contoso.test"]);
    assert!(!has_pair(
        &v,
        "pool-ber1.contoso.test",
        "pool-par1.contoso.test"
    ));
    assert_eq!(v["estates"][0]["objective"]["pairs"], 3);
}

#[test]
fn a_pin_that_breaks_a_constraint_is_refused_with_exit_2() {
    let topo = topology();
    let r = run(&[
        "plan",
        "--format",
        "json",
        "--pin",
        "pool-se-mad.contoso.test=pool-mad1.contoso.test",
        topo.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty(), "no plan without the pin: {}", r.stdout);
    assert!(
        r.stderr.contains(
            "--pin pool-se-mad.contoso.test=pool-mad1.contoso.test: these pools cannot be paired: \
             pool-mad1.contoso.test and pool-se-mad.contoso.test differ in edition (enterprise vs standard)"
        ),
        "{}",
        r.stderr
    );

    let r = run(&[
        "plan",
        "--pin",
        "pool-old.contoso.test=pool-par1.contoso.test",
        topo.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot pin pool-old.contoso.test: it is a Lync 2010 pool"),
        "{}",
        r.stderr
    );

    let r = run(&[
        "plan",
        "--pin",
        "pool-nowhere.contoso.test=pool-par1.contoso.test",
        topo.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("pool-nowhere.contoso.test is not a pool of the inputs"),
        "{}",
        r.stderr
    );
}

#[test]
fn out_writes_plan_and_runbook_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("reports").join("plan");
    let topo = topology();
    for _ in 0..2 {
        // The second run replaces the files of the first.
        let r = run(&[
            "plan",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
            topo.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["pairing-runbook.ps1", "plan.json"],
            "no temporary file is left"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("plan.json")).unwrap(),
            r.stdout
        );
    }
    let runbook = std::fs::read_to_string(out.join("pairing-runbook.ps1")).unwrap();
    assert!(runbook.contains("[CmdletBinding(SupportsShouldProcess = $true)]"));
    // Only the two pairs that change get steps; ber1–par1 is reciprocal today.
    assert!(runbook.contains(
        "pool-ber1.contoso.test <-> pool-par1.contoso.test: already paired both ways today"
    ));
    for m in [
        "ber2-fe1", "ber2-fe2", "ber2-fe3", "mad1-fe1", "mad1-fe2", "mad1-fe3", "mad2-fe1",
        "mad2-fe2", "par2-fe1", "par2-fe2", "par2-fe3",
    ] {
        assert_eq!(
            runbook
                .matches(&format!("Invoke-Command -ComputerName '{m}.contoso.test'"))
                .count(),
            1,
            "{m}"
        );
    }
    assert_eq!(runbook.matches("Invoke-Command -ComputerName").count(), 11);
    // pool-ber2 leaves pool-par1: the only re-pair.
    assert_eq!(
        runbook
            .matches("Remove-CsUserStoreBackupData -PoolFqdn")
            .count(),
        1
    );
    assert!(runbook.contains("Remove-CsUserStoreBackupData -PoolFqdn 'pool-ber2.contoso.test'"));
    // The 2010 SBA is re-associated by hand.
    assert!(runbook.contains(
        "# ---- Branch registrar sba-lyon.contoso.test (Lyon): re-associate (manual) ----"
    ));
}

#[test]
fn a_bad_out_path_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("plan.json");
    std::fs::write(&file, "keep me").unwrap();
    // The input does not exist either: the --out error comes first, alone.
    let r = run(&["plan", "--out", file.to_str().unwrap(), "missing.xml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is a file; name a folder"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("missing.xml"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

#[test]
fn unreadable_inputs_exit_2_and_the_rest_is_still_planned() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("gone.xml");
    let topo = topology();
    let r = run(&[
        "plan",
        "--format",
        "json",
        missing.to_str().unwrap(),
        topo.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("gone.xml"), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["estates"][0]["objective"]["pairs"], 3);
}

#[test]
fn human_output_names_sites_reasons_changes_and_branch_moves() {
    let topo = topology();
    let r = run(&["plan", topo.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.stdout;
    assert!(t.contains(
        "pool-ber2.contoso.test (Berlin) <-> pool-mad1.contoso.test (Madrid)  [cross-site, kept, re-pair]"
    ), "{t}");
    assert!(t.contains("Migrate first (Lync 2010 front-end pools, never paired)"));
    assert!(t.contains("dir-ber.contoso.test (Berlin): director"));
    assert!(t.contains("remove  pool-ber2.contoso.test -> pool-par1.contoso.test (backup today)"));
    assert!(t.contains(
        "sba-lyon.contoso.test (Lyon): its backup pool-old.contoso.test is a Lync 2010 pool"
    ));
    assert!(t.contains("new backing pool: one of pool-par1.contoso.test, pool-par2.contoso.test"));
}

#[test]
fn md_and_html_are_not_implemented_yet() {
    let topo = topology();
    for format in ["md", "html"] {
        let r = run(&["plan", "--format", format, topo.to_str().unwrap()]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("not implemented yet"), "{}", r.stderr);
    }
}
