//! `lyncpair diff`: two snapshots of one estate before and after its plan is applied, an
//! `audit.json` against a folder, several estates matched by name, a user move that must not show,
//! progress against a plan, exit codes, and `--out`.

use crate::common;

use std::fs;
use std::path::Path;

use common::run;
use serde_json::Value;

const BEFORE: &str = "fixtures/mixed";
const AFTER: &str = "fixtures/mixed-after";
const PLAN: &str = "tests/data/diff/mixed-plan.json";

fn diff_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["diff", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert!(r.code != 2 || args.is_empty(), "exit 2: {}", r.stderr);
    (r.code, r.json())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

fn relations(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["from"].as_str().unwrap().to_owned(),
                r["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn rel(from: &str, to: &str) -> (String, String) {
    (
        format!("{from}.fabrikam.test"),
        format!("{to}.fabrikam.test"),
    )
}

fn codes(v: &Value) -> Vec<(String, Vec<String>)> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_owned(), strings(&f["pools"])))
        .collect()
}

/// Everything of a diff estate that says something changed.
fn changes(e: &Value) -> Vec<&Value> {
    [
        &e["pools_added"],
        &e["pools_removed"],
        &e["facts_changed"],
        &e["backups_added"],
        &e["backups_removed"],
        &e["findings"]["new"],
        &e["findings"]["resolved"],
    ]
    .into_iter()
    .filter(|v| !v.as_array().expect("an array").is_empty())
    .collect()
}

#[test]
fn the_plan_applied_shows_as_new_pairs_and_full_progress() {
    let (code, doc) = diff_json(&["--plan", PLAN, BEFORE, AFTER]);
    assert_eq!(doc["schema"], "lyncpair/diff/v1");
    let estates = doc["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1, "one estate on each side is matched");
    let e = &estates[0];
    assert_eq!(e["old_name"], BEFORE);
    assert_eq!(e["new_name"], AFTER);
    assert!(strings(&e["pools_added"]).is_empty());
    assert!(strings(&e["pools_removed"]).is_empty());
    let added = relations(&e["backups_added"]);
    for (a, b) in [
        ("pool-ber15", "pool-sao15a"),
        ("pool-osl13", "pool-sao13"),
        ("pool-sao15b", "pool-vie15"),
    ] {
        assert!(
            added.contains(&rel(a, b)),
            "{a} -> {b} missing in {added:?}"
        );
        assert!(
            added.contains(&rel(b, a)),
            "{b} -> {a} missing in {added:?}"
        );
    }
    assert!(added.contains(&rel("sba-lnz", "pool-vie13")), "{added:?}");
    let progress = &e["progress"];
    let pairs =
        |v: &Value| -> Vec<Vec<String>> { v.as_array().unwrap().iter().map(strings).collect() };
    assert_eq!(pairs(&progress["set_up"]).len(), 4, "{progress:#}");
    assert!(pairs(&progress["to_do"]).is_empty(), "{progress:#}");
    assert!(relations(&progress["not_in_plan"]).is_empty());
    // The after-snapshot has no error; what is left are warnings (unpaired pools).
    assert_eq!(doc["summary"]["new"]["errors"], 0);
    assert_eq!(code, 0);
}

#[test]
fn the_plan_applied_removes_the_old_relations_and_resolves_their_findings() {
    let (_, doc) = diff_json(&[BEFORE, AFTER]);
    let e = &doc["estates"][0];
    let removed = relations(&e["backups_removed"]);
    for r in [
        rel("pool-ber15", "pool-osl13"),
        rel("pool-sao15a", "pool-sao15b"),
        rel("pool-zrh13", "pool-ber13"),
        rel("sba-lnz", "sba-grz"),
    ] {
        assert!(removed.contains(&r), "{r:?} not removed: {removed:?}");
    }
    // Kept relations are neither added nor removed.
    assert!(!relations(&e["backups_added"]).contains(&rel("pool-ber13", "pool-vie13")));
    assert!(!removed.contains(&rel("pool-ber13", "pool-vie13")));
    let resolved: Vec<String> = codes(&e["findings"]["resolved"])
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    for code in [
        "backup-many-to-one",
        "backup-not-reciprocal",
        "pair-same-site",
        "branch-backup-invalid",
        "timer-below-recommended",
    ] {
        assert!(
            resolved.iter().any(|c| c == code),
            "{code} not resolved: {resolved:?}"
        );
    }
}

#[test]
fn an_audit_json_against_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("2026-10");
    let r = run([
        "audit",
        "--fail-on",
        "never",
        "--out",
        out.to_str().unwrap(),
        AFTER,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved = out.join("audit.json");
    let saved = saved.to_str().unwrap();

    // Last month's audit.json against the same export: nothing changed, every finding unchanged.
    let (code, doc) = diff_json(&[saved, AFTER]);
    assert_eq!(code, 0);
    let e = &doc["estates"][0];
    assert!(changes(e).is_empty(), "{e:#}");
    let audit = common::audit_json(&[], &[Path::new(AFTER)]).json();
    let audited = audit["estates"][0]["findings"].as_array().unwrap().len();
    assert!(audited > 0);
    assert_eq!(
        e["findings"]["unchanged"].as_array().unwrap().len(),
        audited
    );

    // Against another export it reports what the export-against-export diff reports.
    let (_, from_json) = diff_json(&[saved, BEFORE]);
    let (_, from_files) = diff_json(&[AFTER, BEFORE]);
    for key in [
        "pools_added",
        "pools_removed",
        "facts_changed",
        "backups_added",
        "backups_removed",
    ] {
        assert_eq!(
            from_json["estates"][0][key], from_files["estates"][0][key],
            "{key} differs"
        );
    }
    assert_eq!(
        codes(&from_json["estates"][0]["findings"]["resolved"]),
        codes(&from_files["estates"][0]["findings"]["resolved"])
    );
    assert_eq!(
        codes(&from_json["estates"][0]["findings"]["new"]),
        codes(&from_files["estates"][0]["findings"]["new"])
    );
}

#[test]
fn a_json_that_is_not_an_audit_is_an_input_error() {
    let r = run(["diff", "--format", "json", PLAN, AFTER]);
    assert_eq!(r.code, 2);
    let doc = r.json();
    assert!(
        doc["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("lyncpair/audit/v1"),
        "{doc:#}"
    );
    // The readable side is still reported: every pool of it is added.
    assert!(!strings(&doc["estates"][0]["pools_added"]).is_empty());
}

fn copy_estate(from: &str, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn several_estates_are_matched_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let (old, new) = (tmp.path().join("2026-10"), tmp.path().join("2026-11"));
    copy_estate("fixtures/clean2013", &old.join("hamburg"));
    copy_estate(BEFORE, &old.join("wien"));
    copy_estate("fixtures/clean2013", &new.join("hamburg"));
    copy_estate(AFTER, &new.join("wien"));
    copy_estate("fixtures/lync2010", &new.join("graz"));
    let (_, doc) = diff_json(&[old.to_str().unwrap(), new.to_str().unwrap()]);
    let estates = doc["estates"].as_array().unwrap();
    let names: Vec<&str> = estates
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["graz", "hamburg", "wien"]);
    let (graz, hamburg, wien) = (&estates[0], &estates[1], &estates[2]);
    assert_eq!(graz["old_name"], Value::Null);
    assert!(strings(&graz["pools_added"]).contains(&"pool-dal.fabrikam.test".to_owned()));
    assert!(changes(hamburg).is_empty(), "{hamburg:#}");
    assert!(
        hamburg["old_name"]
            .as_str()
            .unwrap()
            .ends_with("2026-10/hamburg"),
        "{hamburg:#}"
    );
    assert!(relations(&wien["backups_added"]).contains(&rel("pool-ber15", "pool-sao15a")));
}

/// Two users: one on pool-ber13, one on pool-vie13.
fn users_csv(first: &str, second: &str) -> String {
    format!(
        "#TYPE Selected.Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser\r\n\
         \"DisplayName\",\"SipAddress\",\"RegistrarPool\"\r\n\
         \"Anna Berg\",\"sip:anna.berg@fabrikam.test\",\"{first}.fabrikam.test\"\r\n\
         \"Jonas Wolf\",\"sip:jonas.wolf@fabrikam.test\",\"{second}.fabrikam.test\"\r\n"
    )
}

#[test]
fn a_user_move_and_a_republished_topology_that_change_no_fact_give_no_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let topology = fs::read_to_string(format!("{AFTER}/topology.xml")).unwrap();
    let before = tmp.path().join("before");
    fs::create_dir(&before).unwrap();
    fs::write(before.join("topology.xml"), &topology).unwrap();
    fs::write(
        before.join("users.csv"),
        users_csv("pool-ber13", "pool-vie13"),
    )
    .unwrap();

    // Republished: a new Signature, another port, two clusters in the other order. And the two
    // users swapped pools, so each pool still has one user.
    let signature = topology
        .find("Signature=\"")
        .expect("the fixture has a Signature")
        + 11;
    let signature_end = signature + topology[signature..].find('"').unwrap();
    let mut republished = format!(
        "{}0f0f0f0f-0000-4000-8000-00000000beef{}",
        &topology[..signature],
        &topology[signature_end..]
    );
    assert_ne!(republished, topology, "the Signature is in the fixture");
    republished = republished.replacen("Port=\"5061\"", "Port=\"5062\"", 1);
    let start = republished
        .find("    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"pool-ber13")
        .unwrap();
    let mid = republished
        .find("    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"pool-ber15")
        .unwrap();
    let end = republished
        .find("    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"dir-ber13")
        .unwrap();
    republished = format!(
        "{}{}{}{}",
        &republished[..start],
        &republished[mid..end],
        &republished[start..mid],
        &republished[end..]
    );
    let after = tmp.path().join("after");
    fs::create_dir(&after).unwrap();
    fs::write(after.join("topology.xml"), &republished).unwrap();
    fs::write(
        after.join("users.csv"),
        users_csv("pool-vie13", "pool-ber13"),
    )
    .unwrap();

    let (code, doc) = diff_json(&[before.to_str().unwrap(), after.to_str().unwrap()]);
    assert_eq!(code, 0);
    let e = &doc["estates"][0];
    assert!(changes(e).is_empty(), "{e:#}");
    let human = run(["diff", before.to_str().unwrap(), after.to_str().unwrap()]);
    assert!(
        human
            .stdout
            .contains("No change to pools, backup relationships or findings."),
        "{}",
        human.stdout
    );

    // A move that does change the counts is reported, on both pools.
    fs::write(
        after.join("users.csv"),
        users_csv("pool-vie13", "pool-vie13"),
    )
    .unwrap();
    let (_, doc) = diff_json(&[before.to_str().unwrap(), after.to_str().unwrap()]);
    let facts: Vec<(String, String, Value, Value)> = doc["estates"][0]["facts_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["pool"].as_str().unwrap().to_owned(),
                c["fact"].as_str().unwrap().to_owned(),
                c["old"].clone(),
                c["new"].clone(),
            )
        })
        .collect();
    assert_eq!(
        facts,
        [
            (
                "pool-ber13.fabrikam.test".into(),
                "users".into(),
                "1".into(),
                Value::Null
            ),
            (
                "pool-vie13.fabrikam.test".into(),
                "users".into(),
                "1".into(),
                "2".into()
            ),
        ]
    );
}

/// The after-snapshot with pool-ber13's Backup element removed: pool-vie13 now names a pool
/// that does not name it back (error), and pool-ber13 has no backup (warning).
fn broken_pair(tmp: &Path) -> String {
    let topology = fs::read_to_string(format!("{AFTER}/topology.xml")).unwrap();
    let anchor = "<ServiceId SiteId=\"1\" RoleName=\"Registrar\" Instance=\"1\" />";
    let service = topology.find(anchor).unwrap();
    let start = service + topology[service..].find("      <Backup ").unwrap();
    let end = start + topology[start..].find("</Backup>\n").unwrap() + "</Backup>\n".len();
    let broken = format!("{}{}", &topology[..start], &topology[end..]);
    let dir = tmp.join("broken");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("topology.xml"), broken).unwrap();
    dir.to_str().unwrap().to_owned()
}

#[test]
fn exit_codes_follow_new_findings_and_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = broken_pair(tmp.path());
    let (code, doc) = diff_json(&[AFTER, &broken]);
    let e = &doc["estates"][0];
    let new = codes(&e["findings"]["new"]);
    assert!(
        new.contains(&(
            "backup-not-reciprocal".into(),
            vec![
                "pool-vie13.fabrikam.test".into(),
                "pool-ber13.fabrikam.test".into()
            ]
        )),
        "{new:?}"
    );
    assert_eq!(
        relations(&e["backups_removed"]),
        [rel("pool-ber13", "pool-vie13")]
    );
    assert_eq!(code, 1, "a new error fails the default --fail-on error");
    assert_eq!(run(["diff", "--fail-on", "never", AFTER, &broken]).code, 0);
    // The same findings on both sides are not new: nothing fails.
    assert_eq!(run(["diff", "--fail-on", "info", &broken, &broken]).code, 0);
    // The fix is reported as resolved, and is not a failure.
    let (code, doc) = diff_json(&["--fail-on", "warning", &broken, AFTER]);
    assert_eq!(code, 0);
    assert!(
        codes(&doc["estates"][0]["findings"]["resolved"])
            .iter()
            .any(|(c, _)| c == "backup-not-reciprocal")
    );

    // Accepting the new findings makes them not count.
    let accept = tmp.path().join("accept.csv");
    fs::write(
        &accept,
        "code,pools,reason,until,by\n\
         backup-not-reciprocal,pool-vie13.fabrikam.test;pool-ber13.fabrikam.test,ber13 rebuilt this week,2026-12-31,ops\n\
         backup-missing,pool-ber13.fabrikam.test,ber13 rebuilt this week,2026-12-31,ops\n",
    )
    .unwrap();
    let accept = accept.to_str().unwrap();
    let (code, doc) = diff_json(&[
        "--accept",
        accept,
        "--today",
        "2026-12-01",
        "--fail-on",
        "warning",
        AFTER,
        &broken,
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["summary"]["accepted"], 2);
    assert_eq!(doc["summary"]["new"]["errors"], 0);
    // Expired: they count again, and the expiry itself is a new warning.
    let (code, doc) = diff_json(&["--accept", accept, "--today", "2027-01-01", AFTER, &broken]);
    assert_eq!(code, 1);
    assert!(
        codes(&doc["estates"][0]["findings"]["new"])
            .iter()
            .any(|(c, _)| c == "acceptance-expired")
    );

    // An unreadable side is exit 2, whatever --fail-on says.
    let r = run([
        "diff",
        "--fail-on",
        "never",
        AFTER,
        "tests/data/diff/no-such-folder",
    ]);
    assert_eq!(r.code, 2, "{}", r.stdout);
}

#[test]
fn out_writes_the_three_documents_with_before_and_after_diagrams() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = broken_pair(tmp.path());
    let out = tmp.path().join("out");
    let r = run([
        "diff",
        "--fail-on",
        "never",
        "--plan",
        PLAN,
        "--out",
        out.to_str().unwrap(),
        AFTER,
        &broken,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json: Value =
        serde_json::from_str(&fs::read_to_string(out.join("diff.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "lyncpair/diff/v1");
    let html = fs::read_to_string(out.join("diff.html")).unwrap();
    assert_eq!(
        html.matches("<svg class=\"diagram").count(),
        2,
        "before and after diagrams"
    );
    assert!(html.contains("Backup relationships removed"));
    assert!(
        html.contains("Pairs still to do: 1"),
        "the broken pair is to do again"
    );
    let md = fs::read_to_string(out.join("diff.md")).unwrap();
    assert!(md.contains("```mermaid"), "{md}");
    assert!(
        md.contains("| pool-ber13.fabrikam.test | `backup` | pool-vie13.fabrikam.test | none |"),
        "{md}"
    );
    let leftovers: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}
