//! What a folder walk reads (issue 11): clutter beside the exports is a note, not exit 2; the
//! output folder and lyncpair's own outputs are skipped; `--out` cleans up after itself.

use crate::common;

use std::path::Path;

use common::{repo_root, run};

fn estate_with_clutter() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let topology = std::fs::read(repo_root().join("fixtures/clean2013/topology.xml")).unwrap();
    std::fs::write(dir.path().join("topology.xml"), topology).unwrap();
    for (name, text) in [
        ("notes.txt", "call Anna about the SBA in Graz\n"),
        ("README.txt", "exported on 2024-05-01\n"),
        ("export.log", "done\n"),
        ("handbook.pdf", "%PDF-1.4\n"),
        ("Export-LyncPairingData.ps1", "Get-CsTopology\n"),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn json_of(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["audit", "--format", "json", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = run(args);
    (r.code, r.json())
}

#[test]
fn clutter_in_a_walked_folder_is_a_note_and_never_exit_2() {
    let dir = estate_with_clutter();
    let (code, doc) = json_of(dir.path(), &[]);
    assert_ne!(code, 2, "{doc:#}");
    assert_eq!(doc["errors"].as_array().unwrap().len(), 0, "{doc:#}");
    let notes = doc["estates"][0]["notes"].to_string();
    for name in [
        "notes.txt",
        "README.txt",
        "export.log",
        "handbook.pdf",
        ".ps1",
    ] {
        assert!(notes.contains(name), "{name} not noted: {notes}");
    }
    // Named on the command line, the same file is an error.
    let r = run(["audit", dir.path().join("notes.txt").to_str().unwrap()]);
    assert_eq!(r.code, 2);
}

#[test]
fn a_walk_skips_the_out_folder_and_earlier_outputs() {
    let dir = estate_with_clutter();
    let out = dir.path().join("report");
    let first = run([
        "audit",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(first.code, 2, "{}", first.stderr);
    assert!(out.join("findings.csv").is_file() && out.join(".lyncpair-manifest.json").is_file());
    // Outputs copied beside the inputs (no manifest there) are recognised by content.
    std::fs::copy(out.join("findings.csv"), dir.path().join("findings.csv")).unwrap();
    std::fs::copy(out.join("audit.json"), dir.path().join("audit.json")).unwrap();
    let (code, doc) = json_of(dir.path(), &["--out", out.to_str().unwrap()]);
    assert_ne!(code, 2, "{doc:#}");
    assert_eq!(doc["estates"].as_array().unwrap().len(), 1, "{doc:#}");
    let inputs = doc["estates"][0]["inputs"].to_string();
    assert!(
        !inputs.contains("findings.csv") && !inputs.contains("report"),
        "{inputs}"
    );
    let notes = doc["estates"][0]["notes"].to_string();
    assert!(
        !notes.contains("findings.csv") && !notes.contains("audit.json"),
        "{notes}"
    );
}

#[test]
fn a_second_run_into_the_same_folder_removes_its_stale_files_only() {
    let root = repo_root();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    std::fs::write(out.path().join("mine.txt"), "keep").unwrap();
    // Three estates: index.html and a folder per estate.
    run([
        "audit",
        root.join("fixtures/clean2013").to_str().unwrap(),
        root.join("fixtures/mixed").to_str().unwrap(),
        "--out",
        o,
    ]);
    assert!(out.path().join("index.html").is_file());
    let folders = |p: &Path| {
        std::fs::read_dir(p)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().path().is_dir())
            .count()
    };
    assert_eq!(folders(out.path()), 2);
    // One estate: report.html in the folder, and no stale index or estate folders beside it.
    run([
        "audit",
        root.join("fixtures/mixed").to_str().unwrap(),
        "--out",
        o,
    ]);
    assert!(out.path().join("report.html").is_file());
    assert!(!out.path().join("index.html").exists());
    assert_eq!(folders(out.path()), 0);
    assert!(out.path().join("mine.txt").is_file());
}
