//! The genuine exports in `../shared/samples/real` (never copied into the repository) must always
//! import correctly. Skipped, with a message, only where that folder is absent; when it is there,
//! every file its README lists must be present and is checked.

use crate::common;

use std::path::{Path, PathBuf};

use common::{audit_json, findings, pool, pools_of, run};
use serde_json::{Value, json};

/// `<repo>/../shared/samples/real` (from /work/main) or `/work/shared/samples/real` (from a worktree).
fn samples_dir() -> Option<PathBuf> {
    let beside_repo = common::repo_root()
        .parent()
        .map(|p| p.join("shared/samples/real"));
    beside_repo
        .into_iter()
        .chain([PathBuf::from("/work/shared/samples/real")])
        .find(|p| p.is_dir())
}

/// One pool a genuine file holds, as its authors built it.
struct ExpectedPool {
    fqdn: &'static str,
    role: &'static str,
    edition: Option<&'static str>,
    version: &'static str,
    servers: u64,
    backup: Option<&'static str>,
    cms: Option<&'static str>,
}

const fn fe(
    fqdn: &'static str,
    edition: &'static str,
    version: &'static str,
    servers: u64,
    backup: Option<&'static str>,
    cms: Option<&'static str>,
) -> ExpectedPool {
    ExpectedPool {
        fqdn,
        role: "front-end",
        edition: Some(edition),
        version,
        servers,
        backup,
        cms,
    }
}

const fn plain(
    fqdn: &'static str,
    role: &'static str,
    version: &'static str,
    servers: u64,
) -> ExpectedPool {
    ExpectedPool {
        fqdn,
        role,
        edition: None,
        version,
        servers,
        backup: None,
        cms: None,
    }
}

/// Every pool of every genuine file (FORMATS.md §8 and the samples' README say what they hold).
const EXPECTED: &[(&str, &str, &[ExpectedPool])] = &[
    (
        "azs-lync2013-paired-se.xml",
        "utf-16le",
        &[
            plain("lyncedgepool.contoso.com", "edge", "2013", 1),
            fe(
                "lyncfe001.contoso.com",
                "standard",
                "2013",
                1,
                Some("lyncfe002.contoso.com"),
                Some("active"),
            ),
            fe(
                "lyncfe002.contoso.com",
                "standard",
                "2013",
                1,
                Some("lyncfe001.contoso.com"),
                Some("standby"),
            ),
            plain("lyncshare001.contoso.com", "other", "2013", 1),
        ],
    ),
    (
        "azs-lync2013-se.xml",
        "utf-16le",
        &[fe(
            "lyncfe01.contoso.com",
            "standard",
            "2013",
            1,
            None,
            Some("active"),
        )],
    ),
    (
        "azs-sfb2015-ee-edge.xml",
        "ascii",
        &[
            plain("edge.contoso.com", "edge", "2015", 2),
            plain("fs01.contoso.com", "other", "2015", 1),
            fe(
                "pool.contoso.com",
                "enterprise",
                "2015",
                3,
                None,
                Some("active"),
            ),
        ],
    ),
    (
        "azs-sfb2015-ee.xml",
        "ascii",
        &[
            plain("fs01.contoso.com", "other", "2015", 1),
            fe(
                "pool.contoso.com",
                "enterprise",
                "2015",
                3,
                None,
                Some("active"),
            ),
        ],
    ),
    (
        "contoso-ee-2015.tbxml",
        "utf-8-bom",
        &[
            plain("edgepool.contoso.com", "edge", "2015", 3),
            fe(
                "frontendpool.contoso.com",
                "enterprise",
                "2015",
                4,
                None,
                None,
            ),
            plain("xfile1.contoso.com", "other", "2015", 1),
            plain("xfile2.contoso.com", "other", "2015", 1),
            plain("xoffice1.contoso.com", "other", "2015", 1),
        ],
    ),
    (
        "otc-se-2019.tbxml",
        "utf-8-bom",
        &[fe("oct-exh-002.otc.lab", "standard", "2019", 1, None, None)],
    ),
    (
        "powershell-skype-ee-2015.xml",
        "ascii",
        &[
            fe(
                "poolfe.tenant.rlevchenko.com",
                "enterprise",
                "2015",
                1,
                None,
                Some("active"),
            ),
            plain("srv-owa-01.tenant.rlevchenko.com", "other", "2015", 1),
            plain("tenant.rlevchenko.com", "other", "2015", 1),
        ],
    ),
    (
        "sfblab-se-2015.xml",
        "utf-16le",
        &[
            plain("s4blab92-es1.contoso.com", "edge", "2015", 1),
            fe(
                "s4blab92-fe1.contoso.com",
                "standard",
                "2015",
                1,
                None,
                Some("active"),
            ),
            plain("s4blab92-wac1", "other", "2015", 1),
        ],
    ),
];

/// The sample files the folder's README lists in its tables (first cell of a row).
fn listed_in_readme(dir: &Path) -> Vec<String> {
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("samples README.md");
    let mut files: Vec<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .map(str::trim)
        .filter(|c| c.ends_with(".xml") || c.ends_with(".tbxml"))
        .map(str::to_owned)
        .collect();
    files.sort();
    files.dedup();
    files
}

#[allow(clippy::print_stderr)]
fn skipped() {
    eprintln!(
        "SKIPPED: no shared/samples/real folder beside the repository or at /work/shared/samples/real"
    );
}

#[test]
fn every_listed_sample_is_present_and_checked() {
    let Some(dir) = samples_dir() else {
        skipped();
        return;
    };
    let listed = listed_in_readme(&dir);
    assert!(listed.len() >= 8, "README lists {listed:?}");
    for name in &listed {
        assert!(
            dir.join(name).is_file(),
            "{name} is listed in the samples README but missing from {}",
            dir.display()
        );
        assert!(
            EXPECTED.iter().any(|(file, _, _)| file == name),
            "{name}: no expectations recorded for it in tests/it/real_samples.rs"
        );
    }
}

#[test]
fn every_genuine_file_reads_to_the_pools_its_authors_built() {
    let Some(dir) = samples_dir() else {
        skipped();
        return;
    };
    for (file, encoding, expected) in EXPECTED {
        let path = dir.join(file);
        assert!(path.is_file(), "{file} is missing from {}", dir.display());
        let r = audit_json(&["--fail-on", "never"], &[&path]);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        let doc = r.json();
        assert_eq!(doc["errors"], json!([]), "{file}");
        let estate = &doc["estates"][0];
        assert_eq!(estate["inputs"][0]["encoding"], *encoding, "{file}");
        assert_eq!(
            estate["notes"],
            json!([]),
            "{file}: nothing left not understood"
        );
        let fqdns: Vec<&str> = estate["pools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["fqdn"].as_str().unwrap())
            .collect();
        let mut wanted: Vec<&str> = expected.iter().map(|p| p.fqdn).collect();
        let mut got = fqdns.clone();
        wanted.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, wanted, "{file}");
        for x in *expected {
            let p = pool(estate, x.fqdn);
            let what = format!("{file}: {}", x.fqdn);
            assert_eq!(p["role"], x.role, "{what}");
            assert_eq!(p["edition"], json!(x.edition), "{what}");
            assert_eq!(p["version"], x.version, "{what}");
            assert_eq!(p["servers"], x.servers, "{what}");
            assert_eq!(p["backup"], json!(x.backup), "{what}");
            assert_eq!(p["cms"], json!(x.cms), "{what}");
        }
    }
}

#[test]
fn the_genuine_pair_is_read_as_a_pair() {
    let Some(dir) = samples_dir() else {
        skipped();
        return;
    };
    let path = dir.join("azs-lync2013-paired-se.xml");
    let doc = audit_json(&[], &[&path]).json();
    let estate = &doc["estates"][0];
    let (one, two) = ("lyncfe001.contoso.com", "lyncfe002.contoso.com");
    for (p, partner) in [(one, two), (two, one)] {
        let p = pool(estate, p);
        assert_eq!(p["backup"], partner);
        assert_eq!(p["backup_service"], partner);
        assert_eq!(
            p["failover"],
            json!({"enabled": true, "failure_detection_s": 300, "failback_s": 600})
        );
        assert_eq!(p["site"], "PrimarySite");
    }
    assert_eq!(pool(estate, one)["cms"], "active");
    assert_eq!(pool(estate, two)["cms"], "standby");
    // Both pools are in PrimarySite: that is the only thing wrong with this pair.
    let all = estate["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    let same_site = findings(estate, "pair-same-site");
    assert_eq!(pools_of(same_site[0]), [one, two]);
}

#[test]
fn the_plan_keeps_the_genuine_pair_and_the_runbook_sets_nothing_up() {
    let Some(dir) = samples_dir() else {
        skipped();
        return;
    };
    let path = dir.join("azs-lync2013-paired-se.xml");
    let path = path.to_str().unwrap();
    let r = run(["plan", "--format", "json", path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan = r.json();
    let e = &plan["estates"][0];
    assert_eq!(e["pairs"].as_array().unwrap().len(), 1, "{e:#}");
    let pair = &e["pairs"][0];
    assert_eq!(
        pair["pools"],
        json!(["lyncfe001.contoso.com", "lyncfe002.contoso.com"])
    );
    assert_eq!(pair["kept"], true);
    assert_eq!(
        pair["cms"],
        json!({"lyncfe001.contoso.com": "active", "lyncfe002.contoso.com": "standby"})
    );
    assert_eq!(e["unpaired"], json!([]));

    let out = tempfile::tempdir().unwrap();
    let r = run(["plan", "--out", out.path().to_str().unwrap(), path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let runbook = std::fs::read_to_string(out.path().join("pairing-runbook.ps1")).unwrap();
    assert!(runbook.contains("pairs to set up: none"), "{runbook}");
    assert!(
        runbook.contains("already paired both ways today; nothing to do"),
        "{runbook}"
    );
    assert!(
        runbook.contains("holds the Central Management store"),
        "{runbook}"
    );
    // Nothing is run against the pair: no Backup Service or Bootstrapper step names it.
    assert!(!runbook.contains("-PoolFqdn 'lyncfe"), "{runbook}");
}

#[test]
fn real_se_lab_has_its_edge_and_no_backup() {
    let Some(dir) = samples_dir() else {
        skipped();
        return;
    };
    let path = dir.join("sfblab-se-2015.xml");
    let doc = audit_json(&[], &[&path]).json();
    let estate = &doc["estates"][0];
    let fe = pool(estate, "s4blab92-fe1.contoso.com");
    assert_eq!(
        fe["backup"],
        Value::Null,
        "the Registrar -> EdgeServer next hop is no backup"
    );
    assert_eq!(fe["site"], "SiteA");
    // A single-site lab without backup: the only finding is the missing backup.
    let codes: Vec<&str> = estate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["backup-missing"]);
}
