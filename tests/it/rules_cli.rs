//! `lyncpair rules`: the catalogue in both formats, equal to the contract's rule codes.

use crate::common;

use std::collections::BTreeSet;

use common::run;

/// CONTRACT.md "Rule codes".
const CONTRACT_CODES: &[&str] = &[
    "backup-many-to-one",
    "backup-not-reciprocal",
    "backup-self",
    "backup-unknown-pool",
    "backup-invalid-target",
    "pair-edition-mismatch",
    "pair-platform-mismatch",
    "pair-os-mismatch",
    "pair-version-mismatch",
    "branch-backup-invalid",
    "timer-out-of-range",
    "backup-missing",
    "pair-same-site",
    "pair-capacity",
    "branch-backup-missing",
    "timer-below-recommended",
    "timer-order",
    "source-conflict",
    "export-lossy",
    "branch-no-dr",
    // Added for issue 3's OldTopology differences (a deliberate contract addition).
    "topology-unpublished-change",
    "acceptance-expired",
    "acceptance-unused",
];

#[test]
fn json_catalogue_lists_every_contract_code_once() {
    let r = run(["rules", "--format", "json"]);
    assert_eq!(r.code, 0);
    let entries = r.json();
    let entries = entries.as_array().expect("a JSON array");
    let codes: Vec<&str> = entries
        .iter()
        .map(|e| e["code"].as_str().expect("code"))
        .collect();
    let unique: BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "duplicate codes: {codes:?}");
    assert_eq!(unique, CONTRACT_CODES.iter().copied().collect());
    for e in entries {
        for field in ["severity", "summary", "source"] {
            assert!(
                e[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} of {e}"
            );
        }
        assert!(
            ["error", "warning", "info", "error/warning", "warning/info"]
                .contains(&e["severity"].as_str().unwrap()),
            "{e}"
        );
    }
}

#[test]
fn human_catalogue_names_every_code_of_the_json_one() {
    let json = run(["rules", "--format", "json"]).json();
    let human = run(["rules"]);
    assert_eq!(human.code, 0);
    // Each code starts a line of its own, in catalogue order.
    let starts: Vec<&str> = human
        .stdout
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(starts, codes);
}

#[test]
fn sources_are_cited_by_title_and_address() {
    let r = run(["rules"]);
    assert_eq!(r.code, 0);
    let text = &r.stdout;
    assert!(
        text.contains("source: \"Set-CsRegistrar\", https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar"),
        "{text}"
    );
    // Keys of the project's notes mean nothing to a user who does not have them.
    for word in text.split(|c: char| !c.is_ascii_alphanumeric() && c != '.') {
        assert!(
            !(word.starts_with('S')
                && word.len() > 1
                && word[1..].chars().all(|c| c.is_ascii_digit())),
            "internal source key {word} in\n{text}"
        );
    }
    assert!(
        !text.contains("FORMATS.md") && !text.contains("DOMAIN.md"),
        "{text}"
    );
}
