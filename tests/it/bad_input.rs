//! Inputs lyncpair cannot read: each is one clear entry in `errors` naming the file (with line:column
//! where the problem has one), exit code 2, no panic, and every readable input is still audited.

use crate::common;

use std::path::{Path, PathBuf};

use common::{NS_TOPOLOGY, Run, audit_json};
use serde_json::Value;

fn invalid(name: &str) -> PathBuf {
    PathBuf::from("tests/data/invalid").join(name)
}

/// Audit `path` alone and return its single error, after checking the run's shape.
fn only_error(path: &Path) -> Value {
    let r = audit_json(&[], &[path]);
    assert_eq!(r.code, 2, "exit code for {}: {}", path.display(), r.stdout);
    let doc = r.json();
    let errors = doc["errors"].as_array().expect("errors is an array");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        doc["estates"],
        serde_json::json!([]),
        "nothing readable, so no estate"
    );
    let e = errors[0].clone();
    assert_eq!(
        e["path"],
        path.display().to_string(),
        "the error names the file"
    );
    // Machine formats carry errors in-band and repeat them on stderr for a person.
    assert!(
        r.stderr.contains(&path.display().to_string()),
        "stderr: {}",
        r.stderr
    );
    e
}

fn message(e: &Value) -> &str {
    e["message"].as_str().expect("message is a string")
}

fn position(e: &Value) -> (Option<u64>, Option<u64>) {
    (e["line"].as_u64(), e["column"].as_u64())
}

#[test]
fn truncated_xml() {
    // An interrupted copy: the file ends inside a <Machine attribute on line 60.
    let e = only_error(&invalid("truncated.xml"));
    assert!(message(&e).contains("the export is truncated"), "{e}");
    assert_eq!(position(&e), (Some(60), Some(7)));
}

#[test]
fn truncated_between_elements_names_the_open_element() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.xml");
    let text = format!(
        "<Topology xmlns=\"{NS_TOPOLOGY}\">\r\n  <Sites>\r\n    <CentralSite SiteId=\"1\">\r\n      <Name>Seattle</Name>\r\n"
    );
    std::fs::write(&path, text).unwrap();
    let e = only_error(&path);
    assert_eq!(
        message(&e),
        "the file ends inside <CentralSite> opened at line 3: the export is truncated"
    );
    assert_eq!(e["line"], 5);
}

#[test]
fn wrong_root_element() {
    // A <Sites> fragment saved on its own, after an XML declaration: the root is on line 2.
    let e = only_error(&invalid("wrong-root.xml"));
    assert!(message(&e).contains("root element is <Sites>"), "{e}");
    assert!(
        message(&e).contains("Get-CsTopology -AsXml"),
        "says what to do: {e}"
    );
    assert_eq!(position(&e), (Some(2), Some(1)));
}

#[test]
fn non_topology_xml() {
    // Get-CsTopology | Export-Clixml: well-formed UTF-16 XML, but PowerShell's CLIXML.
    let e = only_error(&invalid("not-topology.xml"));
    assert!(
        message(&e).contains("<Objs> (http://schemas.microsoft.com/powershell/2004/04)"),
        "{e}"
    );
    assert_eq!(position(&e), (Some(1), Some(1)));
}

#[test]
fn empty_file() {
    let e = only_error(&invalid("empty.xml"));
    assert_eq!(message(&e), "the file is empty");
    assert_eq!(position(&e), (None, None));
}

#[test]
fn binary_file() {
    // A PNG screenshot saved as .xml.
    let e = only_error(&invalid("binary.xml"));
    assert!(message(&e).contains("binary file"), "{e}");
    assert_eq!(position(&e), (None, None));
}

#[test]
fn file_that_is_not_utf_anything() {
    // Saved in OEM code page 850: 0x81 (u-umlaut there) is invalid UTF-8 and undefined in Windows-1252.
    let e = only_error(&invalid("not-utf.xml"));
    assert!(
        message(&e).contains("neither UTF-8, UTF-16 nor Windows-1252"),
        "{e}"
    );
    assert!(message(&e).contains("0x81"), "{e}");
    // `      <Name>M` then the byte: line 4, column 14.
    assert_eq!(position(&e), (Some(4), Some(14)));
}

#[test]
fn entity_expansion_attack() {
    let e = only_error(&invalid("billion-laughs.xml"));
    assert!(message(&e).contains("DOCTYPE"), "{e}");
    assert_eq!(e["line"], 2);
}

#[test]
fn directory_with_nothing_importable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "# Migration notes\n").unwrap();
    std::fs::write(dir.path().join("diagram.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::create_dir(dir.path().join("empty-subfolder")).unwrap();
    let e = only_error(dir.path());
    assert!(
        message(&e).contains("holds no file lyncpair can import"),
        "{e}"
    );
}

#[test]
fn path_that_does_not_exist() {
    let e = only_error(&invalid("no-such-export.xml"));
    assert_eq!(message(&e), "no such file or folder");
}

#[test]
fn deeply_nested_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.xml");
    let depth = 100_000;
    let text = format!(
        "<Topology xmlns=\"{NS_TOPOLOGY}\">\n  <Sites>\n{}{}\n  </Sites>\n</Topology>\n",
        "<Sites>".repeat(depth),
        "</Sites>".repeat(depth)
    );
    std::fs::write(&path, text).unwrap();
    let e = only_error(&path);
    assert!(message(&e).contains("nest more than 256 levels"), "{e}");
    assert_eq!(e["line"], 3);
}

#[test]
fn a_doctype_alone_is_refused() {
    // A DOCTYPE alone is refused: no DTD is ever read.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doctype.xml");
    std::fs::write(
        &path,
        format!("<!DOCTYPE Topology SYSTEM \"http://example.test/t.dtd\">\n<Topology xmlns=\"{NS_TOPOLOGY}\" />\n"),
    )
    .unwrap();
    let e = only_error(&path);
    assert!(message(&e).contains("DOCTYPE"), "{e}");
    assert_eq!(e["line"], 1);
}

#[test]
fn huge_document_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xml");
    let synth = lyncpair::synth::published_topology(24 << 20);
    std::fs::write(&path, &synth.text).unwrap();

    let r = audit_json(&["--fail-on", "never"], &[&path]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["errors"], serde_json::json!([]));
    let estate = &doc["estates"][0];
    let pools = estate["pools"].as_array().unwrap();
    assert_eq!(pools.len(), synth.pools, "every pool of the file");
    // The last pair of the file is there with its backups: the whole file was read.
    let (a, b) = &synth.last_pair;
    let backup_of = |fqdn: &str| {
        let pool = pools.iter().find(|p| p["fqdn"] == fqdn);
        pool.unwrap_or_else(|| panic!("{fqdn} is read"))["backup"].clone()
    };
    assert_eq!(backup_of(a), b.as_str());
    assert_eq!(backup_of(b), a.as_str());
    let count = |code: &str| {
        estate["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == code)
            .count()
    };
    assert_eq!(count("backup-many-to-one"), synth.many_to_one);
    assert_eq!(count("backup-not-reciprocal"), synth.not_reciprocal);
    assert_eq!(count("backup-missing"), synth.missing_backup);
}

#[test]
fn bad_file_next_to_good_ones_still_audits_the_good_ones() {
    let good = Path::new("fixtures/clean2013");
    let alone = audit_json(&[], &[good]).json();

    let bad = invalid("truncated.xml");
    let r: Run = audit_json(&[], &[good, &bad]);
    assert_eq!(r.code, 2, "an unreadable input wins over findings");
    let doc = r.json();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "tests/data/invalid/truncated.xml");
    assert_eq!(
        doc["estates"], alone["estates"],
        "the readable estate is reported in full"
    );
    assert_eq!(doc["summary"], alone["summary"]);
}

#[test]
fn bad_file_inside_a_walked_estate_folder() {
    let dir = tempfile::tempdir().unwrap();
    let estate_dir = dir.path().join("estate");
    std::fs::create_dir(&estate_dir).unwrap();
    std::fs::copy(
        common::repo_root().join("fixtures/mixed/topology.xml"),
        estate_dir.join("topology.xml"),
    )
    .unwrap();
    std::fs::copy(
        common::repo_root().join("tests/data/invalid/binary.xml"),
        estate_dir.join("screenshot.xml"),
    )
    .unwrap();
    let r = audit_json(&[], &[dir.path()]);
    assert_eq!(r.code, 2);
    let doc = r.json();
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("screenshot.xml")
    );
    // The estate is what the topology gives alone (pools carry no paths; findings do).
    let alone = audit_json(&[], &[Path::new("fixtures/mixed")]).json();
    let estates = doc["estates"].as_array().unwrap();
    assert_eq!(estates.len(), 1);
    assert_eq!(estates[0]["pools"], alone["estates"][0]["pools"]);
    assert_eq!(doc["summary"], alone["summary"]);
}

#[test]
fn every_committed_bad_input_gives_exactly_one_error() {
    let folder = Path::new("tests/data/invalid");
    let names: Vec<String> = std::fs::read_dir(common::repo_root().join(folder))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let r = audit_json(&[], &[folder]);
    assert_eq!(r.code, 2);
    let doc = r.json();
    assert_eq!(doc["estates"], serde_json::json!([]));
    let mut paths: Vec<String> = doc["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = names
        .iter()
        .map(|n| folder.join(n).display().to_string())
        .collect();
    paths.sort();
    expected.sort();
    assert_eq!(paths, expected);
}
