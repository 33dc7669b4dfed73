//! `--accept FILE` on audit and plan: active, expired, unused and malformed entries, and what they do
//! to the exit code, the summary and the reports.

use crate::common;

use std::fs;
use std::path::Path;

use common::{findings, run};
use serde_json::Value;

const ESTATE: &str = "fixtures/mixed-after";

/// Accepts every warning of fixtures/mixed-after (backup-missing, branch-backup-missing,
/// export-lossy), one of them by its pools.
const ALL_WARNINGS: &str = "code,pools,reason,until,by\r\n\
    backup-missing,*,2010 pools are migrated in Q1,2027-03-31,\r\n\
    branch-backup-missing,sba-bsl.fabrikam.test,Basel closes in spring,2027-03-31,jdoe\r\n\
    export-lossy,*,\"Sao Paulo site name, ASCII export\",2027-03-31,jdoe\r\n";

fn write(dir: &Path, text: &str) -> String {
    let path = dir.join("accept.csv");
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn audit(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    all.push(ESTATE);
    let r = run(&all);
    (r.code, r.json(), r.stderr)
}

#[test]
fn without_acceptances_the_warnings_fail() {
    let (code, doc, _) = audit(&["--fail-on", "warning"]);
    assert_eq!(code, 1);
    assert_eq!(doc["summary"]["warnings"], 9);
    assert!(
        doc["estates"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["accepted"].is_null())
    );
}

#[test]
fn active_entries_accept_and_stop_counting() {
    let tmp = tempfile::tempdir().unwrap();
    let accept = write(tmp.path(), ALL_WARNINGS);
    // The last day an entry holds is its `until` day.
    let (code, doc, stderr) = audit(&[
        "--fail-on",
        "warning",
        "--accept",
        &accept,
        "--today",
        "2027-03-31",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(doc["summary"]["warnings"], 0);
    assert_eq!(
        doc["summary"]["infos"], 2,
        "infos are not accepted, still counted"
    );
    let e = &doc["estates"][0];
    let bsl = &findings(e, "branch-backup-missing")[0];
    assert_eq!(
        bsl["accepted"],
        serde_json::json!({"reason": "Basel closes in spring", "until": "2027-03-31", "by": "jdoe"})
    );
    assert_eq!(
        findings(e, "backup-missing").len(),
        7,
        "accepted findings stay in the document"
    );
    assert_eq!(
        findings(e, "backup-missing")[0]["accepted"]["by"],
        Value::Null
    );
    assert!(findings(e, "acceptance-unused").is_empty());
    // --fail-on info still sees the infos.
    let (code, _, _) = audit(&[
        "--fail-on",
        "info",
        "--accept",
        &accept,
        "--today",
        "2027-03-31",
    ]);
    assert_eq!(code, 1);

    // The terminal and the reports show them in their own section with reason and date.
    let human = run([
        "audit",
        "--accept",
        &accept,
        "--today",
        "2027-03-31",
        ESTATE,
    ]);
    let section = human
        .stdout
        .split("Accepted (shown, not counted; --accept)")
        .nth(1)
        .expect("an Accepted section");
    assert!(
        section.contains("branch-backup-missing sba-bsl.fabrikam.test (warning)"),
        "{}",
        human.stdout
    );
    assert!(
        section.contains("accepted until 2027-03-31 by jdoe: Basel closes in spring"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("Summary: 0 error(s), 0 warning(s), 2 info(s) in 1 estate(s)"),
        "{}",
        human.stdout
    );
    let md = run([
        "audit",
        "--format",
        "md",
        "--accept",
        &accept,
        "--today",
        "2027-03-31",
        ESTATE,
    ])
    .stdout;
    let accepted_md = md
        .split("### Accepted findings")
        .nth(1)
        .expect("an Accepted section in Markdown");
    assert!(
        accepted_md.contains("| Sao Paulo site name, ASCII export | 2027-03-31 | jdoe |"),
        "{md}"
    );
    let html = run([
        "audit",
        "--format",
        "html",
        "--accept",
        &accept,
        "--today",
        "2027-03-31",
        ESTATE,
    ])
    .stdout;
    assert!(html.contains("<h3>Accepted findings</h3>"));
    assert!(
        html.contains("<td>Basel closes in spring</td><td>2027-03-31</td><td>jdoe</td>"),
        "{html}"
    );
}

#[test]
fn expired_entries_no_longer_hide_and_warn() {
    let tmp = tempfile::tempdir().unwrap();
    let accept = write(tmp.path(), ALL_WARNINGS);
    let (code, doc, _) = audit(&[
        "--fail-on",
        "warning",
        "--accept",
        &accept,
        "--today",
        "2027-04-01",
    ]);
    assert_eq!(code, 1);
    let e = &doc["estates"][0];
    assert!(
        e["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["accepted"].is_null())
    );
    let expired = findings(e, "acceptance-expired");
    // One per finding an expired entry matched: 7 backup-missing, 1 branch-backup-missing, 1 export-lossy.
    assert_eq!(expired.len(), 9);
    assert!(expired.iter().all(|f| f["severity"] == "warning"));
    let bsl = expired
        .iter()
        .find(|f| f["pools"] == serde_json::json!(["sba-bsl.fabrikam.test"]))
        .unwrap();
    assert_eq!(bsl["sources"][0]["path"], accept.as_str());
    assert_eq!(bsl["sources"][0]["line"], 3);
    assert!(
        bsl["message"]
            .as_str()
            .unwrap()
            .contains("ended on 2027-03-31")
    );
    assert_eq!(doc["summary"]["warnings"], 18);
}

#[test]
fn unused_entries_are_infos() {
    let tmp = tempfile::tempdir().unwrap();
    let accept = write(
        tmp.path(),
        &format!(
            "{ALL_WARNINGS}pair-same-site,pool-sao15a.fabrikam.test;pool-sao15b.fabrikam.test,fixed by the re-pairing,2027-03-31,\r\n"
        ),
    );
    let (code, doc, _) = audit(&[
        "--fail-on",
        "warning",
        "--accept",
        &accept,
        "--today",
        "2026-12-01",
    ]);
    assert_eq!(code, 0, "an unused entry is an info, not a failure");
    let unused = findings(&doc["estates"][0], "acceptance-unused");
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0]["severity"], "info");
    assert_eq!(
        unused[0]["pools"],
        serde_json::json!(["pool-sao15a.fabrikam.test", "pool-sao15b.fabrikam.test"])
    );
    assert_eq!(unused[0]["sources"][0]["line"], 5);
    let (code, _, _) = audit(&[
        "--fail-on",
        "info",
        "--accept",
        &accept,
        "--today",
        "2026-12-01",
    ]);
    assert_eq!(code, 1);
}

#[test]
fn malformed_entries_are_input_errors_and_the_others_still_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let accept = write(
        tmp.path(),
        "code,pools,reason,until,by\n\
         backup-missng,*,typo in the code,2027-03-31,\n\
         branch-backup-missing,sba-bsl.fabrikam.test,Basel closes in spring,2027-03-31,jdoe\n\
         export-lossy,*,,2027-03-31,\n\
         backup-missing,*,2010 pools,31.03.2027,\n",
    );
    let (code, doc, stderr) = audit(&[
        "--fail-on",
        "never",
        "--accept",
        &accept,
        "--today",
        "2026-12-01",
    ]);
    assert_eq!(code, 2, "bad entries are input errors");
    let errors: Vec<(u64, &str)> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].0, 2);
    assert!(errors[0].1.contains("unknown rule code \"backup-missng\""));
    assert_eq!(errors[1].0, 4);
    assert!(errors[1].1.contains("no reason"));
    assert_eq!(errors[2].0, 5);
    assert!(errors[2].1.contains("31.03.2027"));
    assert!(stderr.contains(&format!("{accept}:2")), "{stderr}");
    // The good entry still applies.
    let bsl = &findings(&doc["estates"][0], "branch-backup-missing")[0];
    assert_eq!(bsl["accepted"]["reason"], "Basel closes in spring");
    assert_eq!(doc["summary"]["warnings"], 8);

    // The same on plan, whose exit code otherwise ignores findings.
    let r = run(["plan", "--accept", &accept, "--today", "2026-12-01", ESTATE]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown rule code"), "{}", r.stderr);
    let missing = tmp.path().join("missing.csv");
    let r = run(["plan", "--accept", missing.to_str().unwrap(), ESTATE]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read the acceptance file"),
        "{}",
        r.stderr
    );
}

#[test]
fn excel_files_with_semicolons_and_a_bom_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    // What a German Excel saves as "CSV UTF-8": BOM, `;` as the delimiter, pools quoted.
    let text = "\u{feff}code;pools;reason;until;by\r\n\
                branch-backup-missing;sba-bsl.fabrikam.test;Basel schließt im Frühjahr;2027-03-31;jdoe\r\n";
    let accept = write(tmp.path(), text);
    let (code, doc, stderr) = audit(&[
        "--fail-on",
        "never",
        "--accept",
        &accept,
        "--today",
        "2026-12-01",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let bsl = &findings(&doc["estates"][0], "branch-backup-missing")[0];
    assert_eq!(bsl["accepted"]["reason"], "Basel schließt im Frühjahr");
}

#[test]
fn today_is_hidden_from_help() {
    let help = run(["audit", "--help"]).stdout;
    assert!(help.contains("--accept <FILE>"), "{help}");
    assert!(!help.contains("--today"), "{help}");
    let r = run(["audit", "--today", "2027-02-30", ESTATE]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("2027-02-30"), "{}", r.stderr);
}
