//! Cmdlet CSVs and inventories end to end: detection, encodings, merging with a topology, the
//! pair rules they feed, and broken inputs that must not stop the rest of the estate.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures/importers").join(rel)
}

fn broken(rel: &str) -> PathBuf {
    root().join("tests/data/importers").join(rel)
}

/// Run `lyncpair audit --format json` with extra arguments; returns (exit code, JSON).
fn audit(args: &[&str], paths: &[&Path]) -> (i32, Value) {
    let out = Command::cargo_bin("lyncpair")
        .unwrap()
        .arg("audit")
        .arg("--format")
        .arg("json")
        .args(args)
        .args(paths)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

fn pool<'a>(estate: &'a Value, fqdn: &str) -> &'a Value {
    estate["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["fqdn"] == fqdn)
        .unwrap_or_else(|| panic!("no pool {fqdn} in {estate:#}"))
}

fn findings<'a>(estate: &'a Value, code: &str) -> Vec<&'a Value> {
    estate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn only_estate(json: &Value) -> &Value {
    let estates = json["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1, "{json:#}");
    &estates[0]
}

#[test]
fn topology_cmdlet_csvs_and_xlsx_merge_into_one_estate() {
    let (code, json) = audit(&[], &[&fixture("fabrikam")]);
    assert_eq!(code, 1, "errors among the findings: {json:#}");
    assert_eq!(json["errors"], serde_json::json!([]));
    let e = only_estate(&json);

    let inputs: Vec<(String, String, String)> = e["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let name = Path::new(i["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (
                name,
                i["format"].as_str().unwrap().to_owned(),
                i["encoding"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |n: &str, f: &str, enc: &str| (n.to_owned(), f.to_owned(), enc.to_owned());
    assert_eq!(
        inputs,
        [
            expect("inventory.xlsx", "inventory", "xlsx"),
            expect("pools-object-array.csv", "cmdlet-csv", "utf-8-bom"),
            expect("registrars.csv", "cmdlet-csv", "utf-8-bom"),
            expect("topology.xml", "topology-xml", "utf-8-bom"),
            expect("userpoolinfo-ascii.csv", "cmdlet-csv", "ascii"),
            expect("users-utf16le.csv", "cmdlet-csv", "utf-16le"),
        ]
    );

    // Topology facts win; users come from the user exports, platform and OS from the inventory.
    let ham = pool(e, "pool-ham.fabrikam.test");
    assert_eq!(ham["role"], "front-end");
    assert_eq!(ham["edition"], "enterprise");
    assert_eq!(ham["servers"], 3);
    assert_eq!(ham["users"], 3);
    assert_eq!(ham["virtual"], false);
    assert_eq!(ham["os"], "Windows Server 2012 R2 Datacenter");
    let vie = pool(e, "pool-vie.fabrikam.test");
    assert_eq!(
        vie["edition"], "enterprise",
        "the topology beats the inventory"
    );
    assert_eq!(vie["virtual"], true);
    let sba = pool(e, "sba-linz.fabrikam.test");
    assert_eq!(sba["role"], "branch");
    assert_eq!(sba["users"], 2, "users homed on the SBA, from Get-CsUser");

    // Planned pools exist only in the inventory: merged site, text number, cached formula, target version.
    let ham19 = pool(e, "pool-ham19.fabrikam.test");
    assert_eq!(ham19["site"], "Hamburg", "merged site cell carried down");
    assert_eq!(
        ham19["users"], 12000,
        "number stored as text with a separator"
    );
    assert_eq!(ham19["version"], "2019", "target version of a planned pool");
    assert_eq!(ham19["servers"], 4);
    let vie19 = pool(e, "pool-vie19.fabrikam.test");
    assert_eq!(vie19["users"], 12000, "cached formula result");
    assert!(
        e["pools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["fqdn"] != "total"),
        "the totals row is not a pool"
    );

    let conflict = findings(e, "source-conflict");
    assert_eq!(conflict.len(), 1, "{conflict:#?}");
    assert_eq!(
        conflict[0]["pools"],
        serde_json::json!(["pool-vie.fabrikam.test"])
    );
    let msg = conflict[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("\"standard\"") && msg.contains("\"enterprise\" is used"),
        "{msg}"
    );
    let inventory_line = conflict[0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["path"].as_str().unwrap().ends_with("inventory.xlsx"))
        .expect("the inventory is named");
    assert_eq!(inventory_line["line"], 7, "Excel row of pool-vie");

    assert_eq!(findings(e, "pair-platform-mismatch").len(), 1);
    assert_eq!(findings(e, "pair-os-mismatch").len(), 1);
    let lossy: Vec<&str> = findings(e, "export-lossy")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(lossy.len(), 3, "{lossy:#?}");
    assert!(
        lossy
            .iter()
            .any(|m| m.contains("\"Computers\"") && m.contains("System.Object[]"))
    );
    assert!(lossy.iter().any(|m| m.contains("DependentServiceList")));

    let notes: Vec<&str> = e["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("not used") && n.contains("Owner")),
        "unmapped columns are listed: {notes:#?}"
    );
}

#[test]
fn german_excel_csv_in_windows_1252() {
    let (code, json) = audit(&[], &[&fixture("muenchen")]);
    assert_eq!(code, 1);
    let e = only_estate(&json);
    assert_eq!(e["inputs"][0]["format"], "inventory");
    assert_eq!(e["inputs"][0]["encoding"], "windows-1252");
    let muc = pool(e, "pool-muc.fabrikam.test");
    assert_eq!(muc["site"], "München");
    assert_eq!(muc["users"], 12000);
    assert_eq!(muc["virtual"], false);
    assert_eq!(pool(e, "pool-alt.fabrikam.test")["version"], "2010");
    let hub = findings(e, "backup-many-to-one");
    assert_eq!(hub.len(), 1);
    assert_eq!(hub[0]["pools"][0], "pool-muc.fabrikam.test");
    let version = findings(e, "pair-version-mismatch");
    assert_eq!(version[0]["severity"], "error", "a 2010 partner");
    // A 2010 relationship is never carried into a 2013 topology: its edition, platform and OS
    // differences are not pair findings (CONTRACT.md, Semantics).
    for code in [
        "pair-edition-mismatch",
        "pair-platform-mismatch",
        "pair-os-mismatch",
    ] {
        assert_eq!(findings(e, code).len(), 0, "{code}");
    }
}

#[test]
fn sheet_option_picks_the_german_sheet_and_unknown_sheets_are_named() {
    let xlsx = fixture("fabrikam/inventory.xlsx");
    let (_, json) = audit(&["--sheet", "Standorte"], &[&xlsx]);
    let e = only_estate(&json);
    assert_eq!(pool(e, "pool-ham.fabrikam.test")["users"], 30000);
    assert_eq!(e["pools"].as_array().unwrap().len(), 2);

    let (code, json) = audit(&["--sheet", "Inventar"], &[&xlsx]);
    assert_eq!(code, 2);
    let err = &json["errors"][0];
    assert!(err["path"].as_str().unwrap().ends_with("inventory.xlsx"));
    let msg = err["message"].as_str().unwrap();
    assert!(
        msg.contains("\"Inventar\"") && msg.contains("\"Pools\", \"Standorte\""),
        "{msg}"
    );
}

#[test]
fn broken_inputs_are_errors_and_the_rest_is_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["topology.xml", "registrars.csv", "inventory.xlsx"] {
        std::fs::copy(fixture("fabrikam").join(f), dir.path().join(f)).unwrap();
    }
    for f in ["ragged-row.csv", "unknown-header.csv", "no-header.xlsx"] {
        std::fs::copy(broken(f), dir.path().join(f)).unwrap();
    }
    let (code, json) = audit(&[], &[dir.path()]);
    assert_eq!(code, 2, "unreadable inputs give exit 2");
    let errors = json["errors"].as_array().unwrap();
    let error = |name: &str| {
        errors
            .iter()
            .find(|e| e["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no error for {name}: {errors:#?}"))
    };
    let ragged = error("ragged-row.csv");
    assert_eq!(
        (ragged["line"].as_u64(), ragged["column"].as_u64()),
        (Some(3), Some(44))
    );
    assert!(
        ragged["message"]
            .as_str()
            .unwrap()
            .contains("3 fields but the header")
    );
    let unknown = error("unknown-header.csv");
    assert_eq!(unknown["line"], 1);
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("\"Hostname\", \"Owner\", \"Rack\"")
    );
    let no_header = error("no-header.xlsx");
    assert!(
        no_header["message"]
            .as_str()
            .unwrap()
            .contains("no sheet has a recognisable inventory header")
    );
    assert_eq!(errors.len(), 3);

    let e = only_estate(&json);
    assert_eq!(e["inputs"].as_array().unwrap().len(), 3);
    assert_eq!(pool(e, "pool-vie.fabrikam.test")["virtual"], true);
    assert!(!findings(e, "pair-platform-mismatch").is_empty());
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn branch_users_from_get_csuser_count_against_the_backing_pool() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = write(
        dir.path(),
        "inventory.csv",
        "Pool;Site;Role;Edition;Servers;Users;Backup Pool;Version\n\
pool-a.contoso.test;Berlin;Front End;Enterprise;12;40.000;pool-b.contoso.test;2015\n\
pool-b.contoso.test;Paris;Front End;Enterprise;12;39.999;pool-a.contoso.test;2015\n\
sba-lyon.contoso.test;Lyon;SBA;;1;;pool-a.contoso.test;2015\n",
    );
    // Exactly 80,000 front-end users with 12 servers each: within capacity.
    let (_, json) = audit(&[], &[&inventory]);
    assert!(
        findings(only_estate(&json), "pair-capacity").is_empty(),
        "{json:#}"
    );

    let users = write(
        dir.path(),
        "users.csv",
        "#TYPE Selected.Microsoft.Rtc.Management.ADConnect.Schema.OCSADUser\n\
\"SipAddress\",\"RegistrarPool\"\n\
\"sip:a@contoso.test\",\"sba-lyon.contoso.test\"\n\
\"sip:b@contoso.test\",\"sba-lyon.contoso.test\"\n",
    );
    let (_, json) = audit(&[], &[&inventory, &users]);
    let e = only_estate(&json);
    assert_eq!(pool(e, "sba-lyon.contoso.test")["users"], 2);
    let capacity = findings(e, "pair-capacity");
    assert_eq!(capacity.len(), 1, "{e:#}");
    let msg = capacity[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("80001"),
        "two SBA users tip the pair over 80,000: {msg}"
    );
}

#[test]
fn cmdlet_users_win_over_inventory_users_with_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = write(
        dir.path(),
        "inventory.csv",
        "Pool,Users,Virtual,OS\npool-a.contoso.test,500,yes,Windows Server 2016\n",
    );
    let users = write(
        dir.path(),
        "users.csv",
        "\"SipAddress\",\"RegistrarPool\"\n\"sip:a@contoso.test\",\"pool-a.contoso.test\"\n",
    );
    let (_, json) = audit(&[], &[&inventory, &users]);
    let e = only_estate(&json);
    let a = pool(e, "pool-a.contoso.test");
    assert_eq!(a["users"], 1);
    assert_eq!(
        a["virtual"], true,
        "a fact only the inventory states is used"
    );
    let conflict = findings(e, "source-conflict");
    assert_eq!(conflict.len(), 1);
    assert!(
        conflict[0]["message"]
            .as_str()
            .unwrap()
            .contains("users is \"1\"")
    );
}

#[test]
fn output_does_not_depend_on_argument_order() {
    let files = [
        fixture("fabrikam/topology.xml"),
        fixture("fabrikam/users-utf16le.csv"),
        fixture("fabrikam/inventory.xlsx"),
        fixture("fabrikam/registrars.csv"),
    ];
    let run = |paths: Vec<&PathBuf>| {
        Command::cargo_bin("lyncpair")
            .unwrap()
            .args(["audit", "--format", "json"])
            .args(paths)
            .output()
            .unwrap()
            .stdout
    };
    let forward = run(files.iter().collect());
    let backward = run(files.iter().rev().collect());
    assert_eq!(
        String::from_utf8(forward).unwrap(),
        String::from_utf8(backward).unwrap()
    );
}

#[test]
fn legacy_xls_and_opendocument_workbooks() {
    for (file, encoding) in [("legacy/contoso.xls", "xls"), ("legacy/contoso.ods", "ods")] {
        let (code, json) = audit(&[], &[&fixture(file)]);
        assert_eq!(code, 1, "{file}: {json:#}");
        let e = only_estate(&json);
        assert_eq!(e["inputs"][0]["format"], "inventory", "{file}");
        assert_eq!(e["inputs"][0]["encoding"], encoding, "{file}");
        let fra = pool(e, "pool-fra.contoso.test");
        // In the .xls the site is a merged cell over two rows; the .ods states it on each row.
        assert_eq!(fra["site"], "Berlin", "{file}");
        assert_eq!(
            fra["users"], 9500,
            "{file}: text with a thousands separator"
        );
        assert_eq!(fra["version"], "2015", "{file}: dotted build 6.0.x");
        let ber = pool(e, "pool-ber.contoso.test");
        assert_eq!(ber["users"], 21000, "{file}: a float cell");
        assert_eq!(ber["servers"], 4, "{file}");
        assert_eq!(ber["backup"], "pool-par.contoso.test", "{file}");
        assert_eq!(findings(e, "backup-many-to-one").len(), 1, "{file}");
        assert_eq!(findings(e, "pair-platform-mismatch").len(), 2, "{file}");
    }
}
