//! Issue 3 "Done when": one folder holding every input kind of one estate (published topology,
//! `.tbxml`, `Export-CsConfiguration` zip, cmdlet CSVs, xlsx inventory) audits as ONE merged estate
//! whose pools carry users, platform and OS from the right sources, whose inputs list every file,
//! and whose findings hold the conflicts and the capacity/platform/OS mismatches; the planner then
//! pairs the planned pool. The estate is described in fixtures/importers/README.md ("complete/").

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{audit_json, estate, findings, pool, pools_of, repo_root, run};
use lyncpair::rules::pair::{USERS_PER_FRONT_END, base_os};
use serde_json::Value;

const COMPLETE: &str = "fixtures/importers/complete";

fn input(file: &str) -> String {
    format!("{COMPLETE}/{file}")
}

fn audit_complete() -> Value {
    let r = audit_json(&[], &[Path::new(COMPLETE)]);
    assert_eq!(
        r.code, 1,
        "error-level findings and every input readable: exit 1\n{}",
        r.stdout
    );
    r.json()
}

fn the_estate(doc: &Value) -> &Value {
    let estates = doc["estates"].as_array().expect("estates is an array");
    assert_eq!(estates.len(), 1, "one folder, one merged estate: {doc:#}");
    estate(doc, COMPLETE)
}

/// Users per `RegistrarPool` in users.csv, counted here from the bytes (UTF-16LE, `#TYPE` line,
/// all fields quoted), independently of the importer.
fn users_csv_counts() -> BTreeMap<String, u64> {
    let bytes = std::fs::read(repo_root().join(input("users.csv"))).unwrap();
    assert_eq!(&bytes[..2], b"\xff\xfe", "users.csv is UTF-16LE with a BOM");
    let units: Vec<u16> = bytes[2..]
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let mut lines = text.lines().filter(|l| !l.is_empty());
    assert!(lines.next().unwrap().starts_with("#TYPE "));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "\"RegistrarPool\"")
        .expect("a RegistrarPool column");
    let mut counts = BTreeMap::new();
    for line in lines {
        let cell = line.split(',').nth(column).unwrap().trim_matches('"');
        *counts.entry(cell.to_owned()).or_insert(0) += 1;
    }
    counts
}

fn source_paths(finding: &Value) -> Vec<&str> {
    finding["sources"]
        .as_array()
        .expect("sources is an array")
        .iter()
        .map(|s| s["path"].as_str().expect("source paths are strings"))
        .collect()
}

/// The one finding with this code about exactly these pools.
fn finding<'v>(estate: &'v Value, code: &str, pools: &[&str]) -> &'v Value {
    let mut wanted: Vec<&str> = pools.to_vec();
    wanted.sort_unstable();
    let hits: Vec<&Value> = findings(estate, code)
        .into_iter()
        .filter(|f| {
            let mut got = pools_of(f);
            got.sort_unstable();
            got == wanted
        })
        .collect();
    assert_eq!(hits.len(), 1, "one {code} for {pools:?}: {hits:#?}");
    hits[0]
}

#[test]
fn every_input_is_listed_with_its_format_and_encoding() {
    let doc = audit_complete();
    assert_eq!(doc["errors"], serde_json::json!([]), "no unreadable input");
    let e = the_estate(&doc);
    let inputs: Vec<(&str, &str, &str)> = e["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap(),
                i["format"].as_str().unwrap(),
                i["encoding"].as_str().unwrap(),
            )
        })
        .collect();
    let (zip, tbxml, inventory, registrars, topology, users) = (
        input("config.zip"),
        input("contoso.tbxml"),
        input("inventory.xlsx"),
        input("registrars.csv"),
        input("topology.xml"),
        input("users.csv"),
    );
    assert_eq!(
        inputs,
        [
            // The encoding of a config zip is that of its DocItemSet.xml entry.
            (zip.as_str(), "config-zip", "ascii"),
            (tbxml.as_str(), "tbxml", "utf-8-bom"),
            (inventory.as_str(), "inventory", "xlsx"),
            (registrars.as_str(), "cmdlet-csv", "utf-8-bom"),
            (topology.as_str(), "topology-xml", "utf-16le"),
            (users.as_str(), "cmdlet-csv", "utf-16le"),
        ]
    );

    // Every file of the folder is an input: nothing was skipped silently.
    let on_disk: BTreeSet<String> = std::fs::read_dir(repo_root().join(COMPLETE))
        .unwrap()
        .map(|d| format!("{COMPLETE}/{}", d.unwrap().file_name().to_string_lossy()))
        .collect();
    let listed: BTreeSet<String> = inputs.iter().map(|i| i.0.to_owned()).collect();
    assert_eq!(on_disk, listed);

    // Each of the five kinds is there.
    let formats: BTreeSet<&str> = inputs.iter().map(|i| i.1).collect();
    assert_eq!(
        formats,
        BTreeSet::from([
            "topology-xml",
            "tbxml",
            "config-zip",
            "cmdlet-csv",
            "inventory"
        ])
    );
}

#[test]
fn pools_carry_facts_from_the_most_authoritative_source() {
    let doc = audit_complete();
    let e = the_estate(&doc);
    let users_csv = users_csv_counts();

    // Seattle: structure from the topology, users/platform/OS only the inventory knows.
    let sea = pool(e, "pool-sea.contoso.test");
    assert_eq!(sea["role"], "front-end");
    assert_eq!(sea["site"], "Seattle");
    assert_eq!(sea["edition"], "enterprise");
    assert_eq!(sea["version"], "2015");
    assert_eq!(sea["servers"], 3, "three machines in the topology");
    assert_eq!(sea["backup"], "pool-dub.contoso.test");
    assert_eq!(sea["users"], 12000, "only the inventory counts Seattle");
    assert_eq!(sea["virtual"], false);
    assert_eq!(sea["os"], "Windows Server 2012 R2 Datacenter");
    assert_eq!(
        sea["failover"],
        serde_json::json!({"enabled": true, "failure_detection_s": 120, "failback_s": 240})
    );

    let dub = pool(e, "pool-dub.contoso.test");
    assert_eq!((&dub["servers"], &dub["users"]), (&4.into(), &7975.into()));
    assert_eq!(dub["virtual"], true);
    assert_eq!(dub["os"], "Windows Server 2016 Standard");

    // Singapore: the published topology (2015) beats the stale .tbxml (2013); Get-CsUser beats the
    // inventory's stale user count.
    let sin = pool(e, "pool-sin.contoso.test");
    assert_eq!(sin["version"], "2015");
    assert_eq!(sin["users"], users_csv["pool-sin.contoso.test"]);
    assert_ne!(sin["users"], 30, "the inventory's count is not used");
    assert_eq!(
        (&sin["virtual"], &sin["os"]),
        (&false.into(), &"Windows Server 2012 R2 Standard".into())
    );

    // Branch appliances: role and site from the topology, users from Get-CsUser.
    for (sba, site, parent, backing) in [
        (
            "sba-red.contoso.test",
            "Redmond",
            "Seattle",
            "pool-sea.contoso.test",
        ),
        (
            "sba-cork.contoso.test",
            "Cork",
            "Dublin",
            "pool-dub.contoso.test",
        ),
    ] {
        let p = pool(e, sba);
        assert_eq!(p["role"], "branch", "{sba}");
        assert_eq!(p["site"], site);
        assert_eq!(p["backup"], backing);
        assert_eq!(p["users"], users_csv[sba], "{sba}: users homed on the SBA");
        assert_eq!(p["virtual"], false, "{sba}: an appliance");
        let s = e["sites"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == site)
            .unwrap();
        assert_eq!(
            (&s["kind"], &s["parent"]),
            (&"branch".into(), &parent.into())
        );
    }

    // Sydney exists only in the inventory: a planned pool with its own site, its target version
    // standing in for the version it does not have yet.
    let syd = pool(e, "pool-syd.contoso.test");
    assert_eq!(syd["role"], "front-end");
    assert_eq!(syd["site"], "Sydney");
    assert_eq!(syd["edition"], "enterprise");
    assert_eq!(syd["version"], "2015");
    assert_eq!(syd["servers"], 4);
    assert_eq!(syd["users"], 0);
    assert_eq!(syd["virtual"], true);
    assert_eq!(syd["os"], "Windows Server 2016 Datacenter");
    assert_eq!(syd["backup"], Value::Null);
    assert_eq!(syd["failover"], Value::Null);
    assert!(
        e["sites"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Sydney" && s["kind"] == "central"),
        "a site named only by the inventory is listed"
    );

    // Every pool carries users, platform and OS (the SBAs have no OS in the inventory).
    for p in e["pools"].as_array().unwrap() {
        assert!(p["users"].is_u64(), "{p}");
        assert!(p["virtual"].is_boolean(), "{p}");
        if p["role"] == "front-end" {
            assert!(p["os"].is_string(), "{p}");
        }
    }
    assert_eq!(e["pools"].as_array().unwrap().len(), 6);
}

#[test]
fn conflicts_between_inputs_name_both_sources() {
    let doc = audit_complete();
    let e = the_estate(&doc);
    let conflicts = findings(e, "source-conflict");
    for c in &conflicts {
        assert_eq!(c["severity"], "warning");
        assert_eq!(c["sources"].as_array().unwrap().len(), 2, "{c}");
    }

    // Version: the stale .tbxml against the published topology inside the config zip (first of
    // the equally authoritative topology inputs by path; topology.xml says the same).
    let version = conflicts
        .iter()
        .find(|c| c["message"].as_str().unwrap().contains(": version is"))
        .expect("a version conflict");
    assert_eq!(pools_of(version), ["pool-sin.contoso.test"]);
    let paths = source_paths(version);
    assert!(
        paths.contains(&input("contoso.tbxml").as_str()),
        "{paths:?}"
    );
    let zip_entry = format!("{}!DocItemSet.xml", input("config.zip"));
    assert!(paths.contains(&zip_entry.as_str()), "{paths:?}");
    let message = version["message"].as_str().unwrap();
    assert!(message.contains("\"2013\""), "{message}");
    assert!(message.ends_with("\"2015\" is used"), "{message}");

    // Users: Get-CsUser against the inventory; the cmdlet CSV wins.
    let users = conflicts
        .iter()
        .find(|c| c["message"].as_str().unwrap().contains(": users is"))
        .expect("a users conflict");
    assert_eq!(pools_of(users), ["pool-sin.contoso.test"]);
    let mut paths = source_paths(users);
    paths.sort_unstable();
    assert_eq!(paths, [input("inventory.xlsx"), input("users.csv")]);
    let counted = users_csv_counts()["pool-sin.contoso.test"];
    assert!(
        users["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("\"{counted}\" is used")),
        "{users}"
    );

    assert_eq!(
        conflicts.len(),
        2,
        "no other fact disagrees: {conflicts:#?}"
    );
}

#[test]
fn pair_rules_use_users_platform_and_os_from_the_other_inputs() {
    let doc = audit_complete();
    let e = the_estate(&doc);
    let pair = ["pool-dub.contoso.test", "pool-sea.contoso.test"];

    let platform = finding(e, "pair-platform-mismatch", &pair);
    assert_eq!(platform["severity"], "error");
    let os = finding(e, "pair-os-mismatch", &pair);
    assert_eq!(os["severity"], "error");
    // The facts come from the inventory, and the finding says so.
    for f in [platform, os] {
        assert!(
            source_paths(f).contains(&input("inventory.xlsx").as_str()),
            "{f}"
        );
    }

    // Capacity counts the users of the SBAs each pool backs. The data sits on the edge: the two
    // pools' own users fit into Seattle's 3 front ends, the branch users tip it over.
    let capacity = finding(e, "pair-capacity", &pair);
    assert_eq!(capacity["severity"], "warning");
    let users = |fqdn: &str| pool(e, fqdn)["users"].as_u64().unwrap();
    let own = users(pair[0]) + users(pair[1]);
    let branch: u64 = e["pools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["role"] == "branch" && pair.contains(&p["backup"].as_str().unwrap_or("")))
        .map(|p| p["users"].as_u64().unwrap())
        .sum();
    assert!(branch > 0);
    let sea_servers = pool(e, "pool-sea.contoso.test")["servers"]
        .as_u64()
        .unwrap();
    assert!(
        own <= sea_servers * USERS_PER_FRONT_END,
        "own users alone fit"
    );
    assert!(own + branch > sea_servers * USERS_PER_FRONT_END);
    let message = capacity["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("carries {} users", own + branch)),
        "{message}"
    );
    assert!(
        message.contains("pool-sea.contoso.test has 3 front-end servers"),
        "{message}"
    );
    // Evidence: the inventory for the pools' users, Get-CsUser for the branch users.
    let cited = source_paths(capacity);
    for file in ["inventory.xlsx", "users.csv"] {
        assert!(cited.contains(&input(file).as_str()), "{file} in {cited:?}");
    }

    // Singapore -> Seattle is compatible apart from the backup graph itself.
    let sin_sea = ["pool-sea.contoso.test", "pool-sin.contoso.test"];
    for f in e["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        if code.starts_with("pair-") {
            let mut got = pools_of(f);
            got.sort_unstable();
            assert_ne!(got, sin_sea, "{f}");
        }
    }
    assert_eq!(
        pools_of(findings(e, "backup-many-to-one")[0]),
        [
            "pool-sea.contoso.test",
            "pool-dub.contoso.test",
            "pool-sin.contoso.test"
        ]
    );
    // The planned pool has no backup yet.
    assert_eq!(
        pools_of(findings(e, "backup-missing")[0]),
        ["pool-syd.contoso.test"]
    );
}

#[test]
fn naming_the_files_in_any_order_gives_the_folder_audit() {
    let folder = audit_json(&[], &[Path::new(COMPLETE)]);
    let mut files: Vec<String> = std::fs::read_dir(repo_root().join(COMPLETE))
        .unwrap()
        .map(|d| input(&d.unwrap().file_name().to_string_lossy()))
        .collect();
    files.sort_unstable();
    files.reverse();
    let named = audit_json(&[], &files.iter().map(Path::new).collect::<Vec<_>>());
    assert_eq!(named.code, folder.code);
    assert_eq!(named.stdout, folder.stdout);
}

#[test]
fn the_plan_pairs_the_planned_pool_within_the_hard_constraints() {
    let audit = audit_complete();
    let e = the_estate(&audit);
    let r = run(["plan", "--format", "json", COMPLETE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["schema"], "lyncpair/plan/v1");
    let estates = doc["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1);
    let plan = &estates[0];
    assert_eq!(plan["name"], COMPLETE);

    let pairs: Vec<(&str, &str, bool)> = plan["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["pools"][0].as_str().unwrap(),
                p["pools"][1].as_str().unwrap(),
                p["kept"].as_bool().unwrap(),
            )
        })
        .collect();
    // Every pair keeps the hard constraints, checked against the audited facts.
    for (a, b, _) in &pairs {
        let (pa, pb) = (pool(e, a), pool(e, b));
        for fact in ["version", "edition", "virtual"] {
            assert_eq!(pa[fact], pb[fact], "{a} <-> {b}: {fact}");
        }
        assert_eq!(
            base_os(pa["os"].as_str().unwrap()),
            base_os(pb["os"].as_str().unwrap()),
            "{a} <-> {b}"
        );
    }
    // The planned Sydney pool takes Dublin (both virtual on Windows Server 2016); Seattle keeps
    // Singapore, which already names it. Nobody is left over.
    assert_eq!(
        pairs,
        [
            ("pool-dub.contoso.test", "pool-syd.contoso.test", false),
            ("pool-sea.contoso.test", "pool-sin.contoso.test", true),
        ]
    );
    assert_eq!(plan["unpaired"], serde_json::json!([]));
    assert_eq!(
        plan["objective"],
        serde_json::json!({"pairs": 2, "cross_site": 2, "kept": 1})
    );
}
