//! The XML-based importers end to end: `.tbxml` and `Export-CsConfiguration` archives next to a
//! published topology, through the `lyncpair audit` binary.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn estate_dir() -> PathBuf {
    repo().join("fixtures/importers/contoso-estate")
}

/// Run `lyncpair audit --format json` in the repository and return (exit code, JSON).
fn audit_json(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("lyncpair")
        .unwrap()
        .current_dir(repo())
        .args(["audit", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap(), json)
}

fn strings<'v>(v: &'v Value, field: &str) -> Vec<&'v str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap())
        .collect()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn topology_tbxml_and_config_zip_of_one_estate_merge_into_one() {
    let (code, json) = audit_json(&["fixtures/importers/contoso-estate"]);
    assert_eq!(json["errors"], Value::Array(vec![]));
    let estates = json["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1, "{json:#}");
    let estate = &estates[0];

    let inputs: Vec<(&str, &str, &str)> = estate["inputs"]
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
    assert_eq!(
        inputs,
        [
            (
                "fixtures/importers/contoso-estate/contoso-config.zip",
                "config-zip",
                "ascii"
            ),
            (
                "fixtures/importers/contoso-estate/contoso-topology.xml",
                "topology-xml",
                "utf-16le"
            ),
            (
                "fixtures/importers/contoso-estate/contoso.tbxml",
                "tbxml",
                "utf-8-bom"
            ),
        ]
    );

    let pools = &estate["pools"];
    assert_eq!(
        strings(pools, "fqdn"),
        ["pool-dub.contoso.test", "pool-sea.contoso.test"]
    );
    assert_eq!(
        strings(pools, "backup"),
        ["pool-sea.contoso.test", "pool-dub.contoso.test"]
    );
    for pool in pools.as_array().unwrap() {
        assert_eq!(pool["role"], "front-end");
        assert_eq!(pool["edition"], "enterprise");
        assert_eq!(pool["version"], "2019");
        assert_eq!(pool["servers"], 3);
        assert_eq!(pool["failover"]["failure_detection_s"], 120);
    }
    assert_eq!(strings(&estate["sites"], "name"), ["Dublin", "Seattle"]);
    // Three inputs that agree: a reciprocal pair, no conflict, nothing to report.
    assert_eq!(estate["findings"], Value::Array(vec![]), "{json:#}");
    assert_eq!(code, 0);
}

#[test]
fn a_tbxml_that_disagrees_with_the_topology_raises_source_conflict() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["contoso-topology.xml", "contoso-config.zip"] {
        std::fs::copy(estate_dir().join(name), dir.path().join(name)).unwrap();
    }
    // Dublin's services say SfB 2015 in the Topology Builder file only.
    let tbxml = std::fs::read_to_string(estate_dir().join("contoso.tbxml")).unwrap();
    let edited = tbxml.replace(
        r#"InstalledOn="c0000000-0000-4000-8000-000000000011" ServiceVersion="8""#,
        r#"InstalledOn="c0000000-0000-4000-8000-000000000011" ServiceVersion="7""#,
    );
    assert_ne!(tbxml, edited);
    std::fs::write(dir.path().join("contoso.tbxml"), edited).unwrap();

    let (_, json) = audit_json(&[dir.path().to_str().unwrap()]);
    let findings = json["estates"][0]["findings"].as_array().unwrap();
    let conflicts: Vec<&Value> = findings
        .iter()
        .filter(|f| f["code"] == "source-conflict")
        .collect();
    assert_eq!(conflicts.len(), 1, "{findings:#?}");
    assert_eq!(
        conflicts[0]["pools"],
        Value::from(vec!["pool-dub.contoso.test"])
    );
    let sources = strings(&conflicts[0]["sources"], "path");
    assert!(
        sources.iter().any(|p| p.ends_with("contoso.tbxml")),
        "{sources:?}"
    );
}

#[test]
fn broken_exports_are_errors_and_the_rest_of_the_estate_is_still_audited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        estate_dir().join("contoso-topology.xml"),
        d.join("contoso-topology.xml"),
    )
    .unwrap();
    for name in [
        "tbxml-missing-guid.tbxml",
        "tbxml-no-newtopology.tbxml",
        "tbxml-truncated.tbxml",
    ] {
        std::fs::copy(repo().join("tests/data/importers").join(name), d.join(name)).unwrap();
    }
    std::fs::write(
        d.join("not-an-export.zip"),
        zip_of(&[("pools.txt", b"pool-sea.contoso.test")]),
    )
    .unwrap();
    // Compressing more than the real 512 MiB bound would make the test slow; the declared sizes are
    // checked first, so forge them (the unit tests cover an entry that outgrows a small bound).
    let mut bomb = zip_of(&[("DocItemSet.xml", b"<DocItemSet/>")]);
    for i in 0..bomb.len() - 4 {
        match &bomb[i..i + 4] {
            b"PK\x03\x04" => bomb[i + 22..i + 26].copy_from_slice(&(3u32 << 30).to_le_bytes()),
            b"PK\x01\x02" => bomb[i + 24..i + 28].copy_from_slice(&(3u32 << 30).to_le_bytes()),
            _ => {}
        }
    }
    std::fs::write(d.join("bomb.zip"), bomb).unwrap();

    let (code, json) = audit_json(&[d.to_str().unwrap()]);
    assert_eq!(code, 2, "an unreadable input exits 2");
    let errors = json["errors"].as_array().unwrap();
    let by_file: Vec<(String, &str, Option<u64>)> = errors
        .iter()
        .map(|e| {
            let path = Path::new(e["path"].as_str().unwrap());
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                e["message"].as_str().unwrap(),
                e["line"].as_u64(),
            )
        })
        .collect();
    let expect = [
        ("bomb.zip", "zip bomb", None),
        ("not-an-export.zip", "has no DocItemSet.xml entry", None),
        (
            "tbxml-missing-guid.tbxml",
            "b0000000-0000-4000-8000-0000000000ff",
            Some(21),
        ),
        (
            "tbxml-no-newtopology.tbxml",
            "holds no NewTopology",
            Some(2),
        ),
        ("tbxml-truncated.tbxml", "truncated", Some(24)),
    ];
    assert_eq!(by_file.len(), expect.len(), "{by_file:#?}");
    for ((file, message, line), (want_file, want_text, want_line)) in by_file.iter().zip(expect) {
        assert_eq!(file, want_file);
        assert!(message.contains(want_text), "{file}: {message}");
        assert_eq!(*line, want_line, "{file}");
    }
    // The published topology beside them is still audited.
    let estates = json["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1);
    assert_eq!(
        strings(&estates[0]["pools"], "fqdn"),
        ["pool-dub.contoso.test", "pool-sea.contoso.test"]
    );
}

#[test]
fn old_topology_changes_are_findings_and_the_local_path_stays_private() {
    let (code, json) = audit_json(&["fixtures/importers/fabrikam-tbxml"]);
    assert_eq!(code, 0, "{json:#}");
    let estate = &json["estates"][0];
    let changes: Vec<&Value> = estate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "topology-unpublished-change")
        .collect();
    assert!(changes.iter().all(|f| f["severity"] == "info"));
    let notes: Vec<&str> = changes
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        notes.contains(&"NewTopology drops pool pool-legacy.fabrikam.test, which OldTopology has"),
        "{notes:#?}"
    );
    assert!(notes.contains(
        &"NewTopology changes pool pool-ham.fabrikam.test: version is 2015, was 2013 in OldTopology"
    ));
    let sites: Vec<(&str, &str, Value)> = estate["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["kind"].as_str().unwrap(),
                s["parent"].clone(),
            )
        })
        .collect();
    assert!(
        sites.contains(&("Linz", "branch", Value::from("Wien"))),
        "{sites:?}"
    );

    for format in ["json", "human"] {
        let out = Command::cargo_bin("lyncpair")
            .unwrap()
            .current_dir(repo())
            .args([
                "audit",
                "--format",
                format,
                "fixtures/importers/fabrikam-tbxml",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("sba-linz.fabrikam.test"));
        assert!(
            !text.contains("jdoe") && !text.contains("secret-project"),
            "{format} output leaks the FileName attribute"
        );
    }
}
