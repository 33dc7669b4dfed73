//! The genuine exports in `../shared/samples/real` (never copied into the repository) must always
//! import correctly. Skipped, with a message, where that folder is absent.

mod common;

use std::path::PathBuf;

use common::audit_json;
use serde_json::Value;

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

/// What each known published-topology sample holds: its one front-end pool and how it was written.
struct Expected {
    file: &'static str,
    fqdn: &'static str,
    edition: &'static str,
    version: &'static str,
    encoding: &'static str,
}

const EXPECTED: &[Expected] = &[
    Expected {
        file: "powershell-skype-ee-2015.xml",
        fqdn: "poolfe.tenant.rlevchenko.com",
        edition: "enterprise",
        version: "2015",
        encoding: "ascii",
    },
    Expected {
        file: "sfblab-se-2015.xml",
        fqdn: "s4blab92-fe1.contoso.com",
        edition: "standard",
        version: "2015",
        encoding: "utf-16le",
    },
];

#[test]
fn real_published_topologies_import_with_the_right_front_end_pool() {
    let Some(dir) = samples_dir() else {
        eprintln!(
            "SKIPPED: no shared/samples/real folder beside the repository or at /work/shared/samples/real"
        );
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.xml in {}", dir.display());

    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let r = audit_json(&["--fail-on", "never"], &[path]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let doc = r.json();
        assert_eq!(doc["errors"], serde_json::json!([]), "{name}");
        let estate = &doc["estates"][0];
        let front_ends: Vec<&Value> = estate["pools"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["role"] == "front-end")
            .collect();
        assert!(!front_ends.is_empty(), "{name}: no front-end pool found");

        let Some(x) = EXPECTED.iter().find(|x| x.file == name) else {
            eprintln!("{name}: imported; no expectations recorded for it");
            continue;
        };
        assert_eq!(front_ends.len(), 1, "{name}: {front_ends:#?}");
        let fe = front_ends[0];
        assert_eq!(fe["fqdn"], x.fqdn, "{name}");
        assert_eq!(fe["edition"], x.edition, "{name}");
        assert_eq!(fe["version"], x.version, "{name}");
        assert_eq!(estate["inputs"][0]["format"], "topology-xml", "{name}");
        assert_eq!(estate["inputs"][0]["encoding"], x.encoding, "{name}");
    }
    for x in EXPECTED {
        assert!(
            files.iter().any(|f| f.ends_with(x.file)),
            "{} is missing from {}",
            x.file,
            dir.display()
        );
    }
}

#[test]
fn real_se_lab_has_its_edge_and_no_backup() {
    let Some(dir) = samples_dir() else {
        eprintln!("SKIPPED: no shared/samples/real folder");
        return;
    };
    let path = dir.join("sfblab-se-2015.xml");
    let doc = audit_json(&[], &[&path]).json();
    let estate = &doc["estates"][0];
    let edge = common::pool(estate, "s4blab92-es1.contoso.com");
    assert_eq!(edge["role"], "edge");
    let fe = common::pool(estate, "s4blab92-fe1.contoso.com");
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
