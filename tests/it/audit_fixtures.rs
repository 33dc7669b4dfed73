//! `lyncpair audit` on the bundled fixture estates: JSON snapshots (the reviewed reference output)
//! plus facts checked independently of the snapshots, exit codes, folder walking and determinism.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::ordered_json::OrderedJson;
use common::{audit_json, estate, findings, pool, pools_of, run};
use serde_json::Value;

const LYNC2010: &str = "fixtures/lync2010";
const CLEAN2013: &str = "fixtures/clean2013";
const MIXED: &str = "fixtures/mixed";

/// Snapshot the audit JSON of one fixture estate, keys in the order the document writes them. The
/// tool version is redacted (after checking it is this build's) so a release does not invalidate
/// every snapshot.
fn assert_audit_snapshot(name: &str, stdout: &str) {
    let doc = OrderedJson::parse(stdout);
    insta::assert_json_snapshot!(name, doc, {
        ".tool_version" => insta::dynamic_redaction(|value, _| {
            assert_eq!(value.as_str(), Some(env!("CARGO_PKG_VERSION")), "tool_version");
            "[version]"
        }),
    });
}

fn audit_folder(folder: &str, flags: &[&str]) -> common::Run {
    audit_json(flags, &[Path::new(folder)])
}

fn codes(estate: &Value) -> BTreeSet<String> {
    estate["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| f["code"].as_str().expect("code is a string").to_owned())
        .collect()
}

#[test]
fn lync2010_snapshot() {
    let r = audit_folder(LYNC2010, &[]);
    assert_eq!(
        r.code, 1,
        "errors-level findings and the default --fail-on error"
    );
    assert_audit_snapshot("lync2010", &r.stdout);
}

#[test]
fn clean2013_snapshot() {
    let r = audit_folder(CLEAN2013, &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_audit_snapshot("clean2013", &r.stdout);
}

#[test]
fn mixed_snapshot() {
    let r = audit_folder(MIXED, &[]);
    assert_eq!(r.code, 1);
    assert_audit_snapshot("mixed", &r.stdout);
}

#[test]
fn lync2010_reads_utf16_sites_roles_and_backups() {
    let doc = audit_folder(LYNC2010, &[]).json();
    assert_eq!(doc["schema"], "lyncpair/audit/v1");
    assert_eq!(doc["errors"], serde_json::json!([]));
    let e = estate(&doc, LYNC2010);
    assert_eq!(
        e["inputs"],
        serde_json::json!([{"path": "fixtures/lync2010/topology.xml", "format": "topology-xml", "encoding": "utf-16le"}])
    );

    let sites = e["sites"].as_array().unwrap();
    let central: Vec<&str> = sites
        .iter()
        .filter(|s| s["kind"] == "central")
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        central,
        ["Dallas", "London", "München", "Singapore", "Toronto"],
        "non-ASCII names survive UTF-16"
    );
    let branches: Vec<(&str, &str)> = sites
        .iter()
        .filter(|s| s["kind"] == "branch")
        .map(|s| (s["name"].as_str().unwrap(), s["parent"].as_str().unwrap()))
        .collect();
    assert_eq!(
        branches,
        [
            ("Austin", "Dallas"),
            ("Leeds", "London"),
            ("Penang", "Singapore")
        ]
    );

    // Every pool is Lync 2010 (ServiceVersion 5).
    for p in e["pools"].as_array().unwrap() {
        assert_eq!(p["version"], "2010", "{p}");
    }
    let dal = pool(e, "pool-dal.fabrikam.test");
    assert_eq!(
        (&dal["role"], &dal["edition"], &dal["servers"], &dal["site"]),
        (
            &Value::from("front-end"),
            &Value::from("enterprise"),
            &Value::from(4),
            &Value::from("Dallas")
        )
    );
    assert_eq!(pool(e, "dir-dal.fabrikam.test")["role"], "director");
    assert_eq!(pool(e, "edge-dal.fabrikam.test")["role"], "edge");
    assert_eq!(pool(e, "med-dal.fabrikam.test")["role"], "mediation");
    // SBAs: Austin through Registrar -> Registrar, Leeds through Registrar -> UserServices only
    // (the D1 fallback), Penang through both.
    for (sba, backup, site) in [
        ("sba-aus.fabrikam.test", "pool-dal.fabrikam.test", "Austin"),
        ("sba-lds.fabrikam.test", "pool-lon.fabrikam.test", "Leeds"),
        ("sba-pen.fabrikam.test", "pool-sin.fabrikam.test", "Penang"),
    ] {
        let p = pool(e, sba);
        assert_eq!(p["role"], "branch", "{sba}");
        assert_eq!(p["backup"], backup, "{sba}");
        assert_eq!(p["site"], site, "{sba}");
        assert_eq!(p["edition"], Value::Null, "{sba} homes no UserServices");
    }
    // Timers as integers and as TimeSpans (D2); absent attributes give no failover object.
    let timers =
        serde_json::json!({"enabled": true, "failure_detection_s": 120, "failback_s": 240});
    assert_eq!(dal["failover"], timers);
    assert_eq!(pool(e, "pool-lon.fabrikam.test")["failover"], timers);
    assert_eq!(pool(e, "pool-tor.fabrikam.test")["failover"], Value::Null);
}

#[test]
fn lync2010_many_to_one_names_the_hub_first_and_one_way_backups_are_flagged() {
    let doc = audit_folder(LYNC2010, &[]).json();
    let e = estate(&doc, LYNC2010);
    let m = findings(e, "backup-many-to-one");
    assert_eq!(m.len(), 1);
    assert_eq!(
        pools_of(m[0]),
        [
            "pool-dal.fabrikam.test",
            "pool-lon.fabrikam.test",
            "pool-tor.fabrikam.test"
        ]
    );
    assert_eq!(m[0]["severity"], "error");

    let nr: Vec<Vec<&str>> = findings(e, "backup-not-reciprocal")
        .into_iter()
        .map(pools_of)
        .collect();
    assert_eq!(
        nr,
        [
            ["pool-sin.fabrikam.test", "pool-muc.fabrikam.test"],
            ["pool-tor.fabrikam.test", "pool-dal.fabrikam.test"]
        ]
    );
    let one_way = &findings(e, "backup-not-reciprocal")[0];
    assert!(
        one_way["message"]
            .as_str()
            .unwrap()
            .contains("pool-muc.fabrikam.test names no backup"),
        "{one_way}"
    );
    assert_eq!(
        pools_of(findings(e, "backup-missing")[0]),
        ["pool-muc.fabrikam.test"]
    );
    // Branch appliances backed by central front-end pools only raise the information finding.
    assert_eq!(findings(e, "branch-no-dr").len(), 3);
    assert_eq!(
        codes(e),
        [
            "backup-many-to-one",
            "backup-missing",
            "backup-not-reciprocal",
            "branch-no-dr"
        ]
        .map(String::from)
        .into()
    );
    // Findings point at the Backup elements (1-based, CRLF counted once).
    let sources = m[0]["sources"].as_array().unwrap();
    assert!(!sources.is_empty());
    let text = read_fixture_text("fixtures/lync2010/topology.xml");
    for s in sources {
        assert_eq!(s["path"], "fixtures/lync2010/topology.xml");
        let line = usize::try_from(s["line"].as_u64().unwrap()).unwrap();
        let at = text.lines().nth(line - 1).unwrap();
        assert!(at.trim_start().starts_with("<Backup"), "line {line}: {at}");
    }
}

/// A fixture as text, decoding the UTF-16LE one by hand (a test must not rely on the code it checks).
fn read_fixture_text(path: &str) -> String {
    let bytes = std::fs::read(common::repo_root().join(path)).unwrap();
    match bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some(rest) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        }
        None => String::from_utf8(bytes).unwrap(),
    }
}

#[test]
fn clean2013_has_only_reciprocal_cross_site_enterprise_pairs() {
    let r = audit_folder(CLEAN2013, &[]);
    let doc = r.json();
    assert_eq!(
        doc["summary"],
        serde_json::json!({"errors": 0, "warnings": 0, "infos": 1})
    );
    let e = estate(&doc, CLEAN2013);
    assert_eq!(e["inputs"][0]["encoding"], "utf-8-bom");
    assert_eq!(codes(e), ["branch-no-dr".to_owned()].into());

    let pools = e["pools"].as_array().unwrap();
    let front_ends: Vec<&Value> = pools.iter().filter(|p| p["role"] == "front-end").collect();
    assert_eq!(front_ends.len(), 4);
    for p in front_ends {
        let partner = pool(
            e,
            p["backup"].as_str().expect("every front end has a backup"),
        );
        assert_eq!(partner["backup"], p["fqdn"], "reciprocal");
        assert_ne!(partner["site"], p["site"], "cross-site");
        assert_eq!(
            (&p["edition"], &p["version"]),
            (&Value::from("enterprise"), &Value::from("2013"))
        );
        assert_eq!(
            p["failover"],
            serde_json::json!({"enabled": true, "failure_detection_s": 120, "failback_s": 240})
        );
    }
    assert_eq!(pool(e, "dir-sea.contoso.test")["role"], "director");
    assert_eq!(
        pool(e, "sba-pdx.contoso.test")["backup"],
        "pool-sea.contoso.test"
    );
}

#[test]
fn clean2013_exit_codes_follow_fail_on() {
    for (fail_on, expected) in [("error", 0), ("warning", 0), ("info", 1), ("never", 0)] {
        let r = audit_folder(CLEAN2013, &["--fail-on", fail_on]);
        assert_eq!(r.code, expected, "--fail-on {fail_on}");
    }
}

/// Every rule of issue 2 that needs only a topology.
const TOPOLOGY_RULES: &[&str] = &[
    "backup-many-to-one",
    "backup-not-reciprocal",
    "backup-self",
    "backup-unknown-pool",
    "backup-invalid-target",
    "backup-missing",
    "pair-edition-mismatch",
    "pair-version-mismatch",
    "pair-same-site",
    "branch-backup-invalid",
    "branch-backup-missing",
    "branch-no-dr",
    "timer-out-of-range",
    "timer-below-recommended",
    "timer-order",
    "export-lossy",
];

#[test]
fn mixed_triggers_every_topology_rule() {
    let doc = audit_folder(MIXED, &[]).json();
    let e = estate(&doc, MIXED);
    let expected: BTreeSet<String> = TOPOLOGY_RULES.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(codes(e), expected);
    assert_eq!(e["inputs"][0]["encoding"], "utf-8");

    // pair-version-mismatch in both severities: an error with a 2010 side, a warning for 2013/2015.
    let versions: Vec<(&str, Vec<&str>)> = findings(e, "pair-version-mismatch")
        .into_iter()
        .map(|f| (f["severity"].as_str().unwrap(), pools_of(f)))
        .collect();
    assert_eq!(
        versions,
        [
            (
                "error",
                vec!["pool-vie10.fabrikam.test", "pool-zrh15.fabrikam.test"]
            ),
            (
                "warning",
                vec!["pool-ber15.fabrikam.test", "pool-osl13.fabrikam.test"]
            ),
        ]
    );

    // Each rule fires on the pools the fixture README says it does.
    let first = |code: &str| pools_of(findings(e, code)[0]);
    assert_eq!(
        first("backup-many-to-one"),
        [
            "pool-ber13.fabrikam.test",
            "pool-vie13.fabrikam.test",
            "pool-zrh13.fabrikam.test"
        ]
    );
    assert_eq!(first("backup-self"), ["se-zrh15.fabrikam.test"]);
    assert_eq!(first("backup-unknown-pool"), ["pool-vie15.fabrikam.test"]);
    assert!(
        findings(e, "backup-unknown-pool")[0]["message"]
            .as_str()
            .unwrap()
            .contains("12-Registrar-1")
    );
    assert_eq!(
        first("backup-invalid-target"),
        ["pool-osl10.fabrikam.test", "dir-ber13.fabrikam.test"]
    );
    assert_eq!(first("backup-missing"), ["se-osl10.fabrikam.test"]);
    assert_eq!(
        first("pair-edition-mismatch"),
        ["pool-sao13.fabrikam.test", "se-ber13.fabrikam.test"]
    );
    assert_eq!(
        first("pair-same-site"),
        ["pool-sao15a.fabrikam.test", "pool-sao15b.fabrikam.test"]
    );
    assert_eq!(
        first("branch-backup-invalid"),
        ["sba-lnz.fabrikam.test", "sba-grz.fabrikam.test"]
    );
    assert_eq!(first("branch-backup-missing"), ["sba-bsl.fabrikam.test"]);
    assert_eq!(first("timer-out-of-range"), ["pool-vie10.fabrikam.test"]);
    assert_eq!(
        first("timer-below-recommended"),
        ["pool-vie13.fabrikam.test"]
    );
    assert_eq!(first("timer-order"), ["pool-zrh13.fabrikam.test"]);
    assert!(
        findings(e, "export-lossy")[0]["message"]
            .as_str()
            .unwrap()
            .contains("S?o Paulo")
    );

    // Editions by where the user store lives (D6), and the non-ASCII UTF-8 name read intact.
    assert_eq!(pool(e, "se-ber13.fabrikam.test")["edition"], "standard");
    assert_eq!(pool(e, "pool-ber13.fabrikam.test")["edition"], "enterprise");
    assert_eq!(pool(e, "pool-zrh13.fabrikam.test")["site"], "Zürich");

    // What was kept but not understood is surfaced: the unknown Usage and the second Backup.
    // Neither changes pool-ber15's backup: dependencies never are backups, and the first Backup counts.
    let notes: Vec<&str> = e["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes.iter().any(|n| n.contains("Usage=\"Backup\"")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("has 2 Backup elements")),
        "{notes:?}"
    );
    assert_eq!(
        pool(e, "pool-ber15.fabrikam.test")["backup"],
        "pool-osl13.fabrikam.test"
    );
    // Only the SBA backed by a central front-end pool lacks disaster recovery; the invalid and
    // the missing backups have findings of their own.
    assert_eq!(
        first("branch-no-dr"),
        ["sba-grz.fabrikam.test", "pool-vie13.fabrikam.test"]
    );
    assert_eq!(findings(e, "branch-no-dr").len(), 1);
}

#[test]
fn mixed_exit_codes_follow_fail_on() {
    assert_eq!(audit_folder(MIXED, &[]).code, 1);
    assert_eq!(audit_folder(MIXED, &["--fail-on", "error"]).code, 1);
    assert_eq!(audit_folder(MIXED, &["--fail-on", "never"]).code, 0);
    assert_eq!(audit_folder(LYNC2010, &["--fail-on", "never"]).code, 0);
}

#[test]
fn the_fixtures_folder_walks_into_every_estate_sorted_by_name() {
    let r = audit_folder("fixtures", &[]);
    assert_eq!(r.code, 1, "findings, but no unreadable input: {}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["errors"], serde_json::json!([]));
    let names: Vec<&str> = doc["estates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for core in [CLEAN2013, LYNC2010, MIXED] {
        assert!(names.contains(&core), "{core} missing from {names:?}");
    }
    // Walking the parent gives each estate exactly what auditing its folder alone gives.
    for name in names {
        let alone = audit_folder(name, &[]).json();
        assert_eq!(estate(&doc, name), estate(&alone, name), "{name}");
    }
}

#[test]
fn output_does_not_depend_on_argument_order() {
    let forward = audit_json(
        &[],
        &[Path::new(CLEAN2013), Path::new(LYNC2010), Path::new(MIXED)],
    );
    let backward = audit_json(
        &[],
        &[Path::new(MIXED), Path::new(LYNC2010), Path::new(CLEAN2013)],
    );
    assert_eq!(forward.stdout, backward.stdout);

    // Files named together form one estate, whatever their order.
    let a = Path::new("fixtures/lync2010/topology.xml");
    let b = Path::new("fixtures/mixed/topology.xml");
    let ab = audit_json(&[], &[a, b]);
    let ba = audit_json(&[], &[b, a]);
    assert_eq!(ab.stdout, ba.stdout);
    let doc = ab.json();
    assert_eq!(doc["estates"].as_array().unwrap().len(), 1);
    assert_eq!(doc["estates"][0]["inputs"].as_array().unwrap().len(), 2);
}

#[test]
fn human_output_is_plain_text_when_not_on_a_terminal() {
    let r = run(["audit", MIXED]);
    assert_eq!(r.code, 1);
    assert!(!r.stdout.contains('\u{1b}'), "no colour codes into a pipe");
    assert!(r.stdout.contains("backup-many-to-one"));
    assert!(r.stdout.contains("fixtures/mixed/topology.xml:"));
}
