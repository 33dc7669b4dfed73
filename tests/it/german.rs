//! `--lang de` says everything in German (issue 11): the German audit of fixtures with findings,
//! importer notes, lossy exports and unpublished Topology Builder changes carries no English
//! sentence in the terminal, report.html, report.md or findings.csv.
//!
//! Data stays as exported (pool, site and file names, cmdlets, rule codes), and the titles of the
//! Microsoft documents a rule rests on stay as published: the check looks for English words as whole
//! words, outside code, links, German quotation marks and the "Grundlage:" (basis) lines.

use std::path::Path;

use crate::common::run;

/// Words of English sentences that are no German words and no part of an identifier.
const ENGLISH: &[&str] = &[
    "the",
    "is",
    "has",
    "have",
    "which",
    "contains",
    "does",
    "names",
    "kept",
    "ignored",
    "skipped",
    "its",
    "there",
    "are",
    "unknown",
    "none",
    "only",
    "from",
    "with",
    "and",
    "of",
    "not",
    "read",
    "used",
    "left",
    "row",
    "sheet",
    "line",
    "drops",
    "adds",
    "changes",
    "dependency",
];

/// The English words of `text`, each with its line; identifiers (`backup-unknown-pool`,
/// `successor-of-…`, paths) are one word and never match.
fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    // Text in German quotation marks is quoted as is: data, or the English name of a Topology
    // Builder field.
    let text = without(text, "„", "“");
    for line in text.lines().filter(|l| !l.contains("Grundlage:")) {
        let words = line.split(|c: char| !(c.is_alphanumeric() || "-_./\\:@$`".contains(c)));
        if let Some(w) = words.into_iter().find(|w| ENGLISH.contains(w)) {
            found.push(format!("{w:?} in: {}", line.trim()));
        }
    }
    found
}

/// `text` without the spans from each `open` to the next `close` (inclusive).
fn without(text: &str, open: &str, close: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        let after = i + open.len();
        match rest[after..].find(close) {
            Some(j) => rest = &rest[after + j + close.len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

/// The words of an HTML report a reader sees, without styles, diagrams, code and links.
fn html_text(html: &str) -> String {
    let mut s = html.to_owned();
    for (open, close) in [
        ("<style", "</style>"),
        ("<svg", "</svg>"),
        ("<code", "</code>"),
        ("<a ", "</a>"),
        ("<title>", "</title>"),
    ] {
        s = without(&s, open, close);
    }
    let s = without(&s, "<", ">");
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Markdown without code spans, Mermaid blocks and links.
fn markdown_text(md: &str) -> String {
    let s = without(md, "```mermaid", "```");
    let s = without(&s, "`", "`");
    without(&s, "](", ")")
}

fn german_outputs(fixture: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = run([
        "audit",
        "--lang",
        "de",
        "--verbose",
        "--color",
        "never",
        fixture,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.code <= 1, "{fixture}: exit {}\n{}", r.code, r.stderr);
    let mut texts = vec![(format!("{fixture}: terminal"), r.stdout)];
    collect(&out, &mut texts);
    assert!(texts.len() >= 4, "{fixture}: reports missing: {texts:?}");
    texts
}

fn collect(dir: &Path, texts: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let read = || std::fs::read_to_string(&path).unwrap();
        let text = match name.as_str() {
            _ if path.is_dir() => {
                collect(&path, texts);
                continue;
            }
            "report.html" => html_text(&read()),
            "report.md" => markdown_text(&read()),
            "findings.csv" => read(),
            _ => continue,
        };
        texts.push((path.display().to_string(), text));
    }
}

fn assert_german(fixture: &str, expected: &[&str]) {
    let texts = german_outputs(fixture);
    let mut english = Vec::new();
    for (what, text) in &texts {
        english.extend(
            english_words(text)
                .into_iter()
                .map(|e| format!("{what}: {e}")),
        );
    }
    assert!(
        english.is_empty(),
        "English in German output:\n{}",
        english.join("\n")
    );
    // The check reads the messages it is about: each fixture's importer notes are there, in German.
    let terminal = &texts[0].1;
    for e in expected {
        assert!(
            terminal.contains(e),
            "{fixture}: {e:?} missing:\n{terminal}"
        );
    }
}

#[test]
fn the_checker_finds_english() {
    assert_eq!(
        english_words("Grundlage: Supported pool pairing options\nsite name \"X\" contains '?'")
            .len(),
        1
    );
    assert!(
        english_words("backup-unknown-pool successor-of-pool-a.t Export-LyncPairingData.ps1")
            .is_empty()
    );
}

#[test]
fn mixed_is_german() {
    assert_german(
        "fixtures/mixed",
        &[
            "Standortname „S?o Paulo“ enthält '?'",
            "hat 2 Backup-Elemente",
            "bekannt ist nur \"Default\"",
        ],
    );
}

#[test]
fn lync2010_is_german() {
    assert_german("fixtures/lync2010", &[]);
}

#[test]
fn config_zip_and_tbxml_are_german() {
    assert_german("fixtures/importers/contoso-estate", &[]);
    assert_german(
        "fixtures/importers/fabrikam-tbxml",
        &[
            "NewTopology fügt den Pool",
            "NewTopology ändert den Pool",
            "Version ist 2015, war 2013",
        ],
    );
}

#[test]
fn csv_and_inventory_notes_are_german() {
    assert_german(
        "fixtures/importers/fabrikam",
        &[
            "Blatt „Pools“ Zeile 10: „Total“ ist kein Pool-FQDN",
            "Inventarspalten, die lyncpair nicht verwendet",
            "Spalte „Computers“ enthält den .NET-Typnamen",
        ],
    );
}
