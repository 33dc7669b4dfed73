//! What to do about a finding (`fix`, an additive audit/v1 field): a short resolution for a person,
//! like the Best Practices Analyzer gives. One post-pass over every finding, so the rule modules
//! stay about detection. A finding on a Lync 2010 relationship gets no repair advice: the
//! relationship disappears with the migration, and `lyncpair plan` shows what replaces it.
//! The texts live in [`crate::i18n`] under `fix.<code>`, in English and German.

use super::{Code, Finding};
use crate::i18n::Message;
use crate::model::{Estate, Role, Version};

/// Codes about a backup relationship (or its timers), which a migration away from Lync 2010 ends.
fn about_a_relationship(code: Code) -> bool {
    !matches!(
        code,
        Code::SourceConflict | Code::ExportLossy | Code::TopologyUnpublishedChange
    )
}

/// The Lync 2010 front-end pools a finding names.
fn lync2010_pools<'e>(finding: &'e Finding, estate: &'e Estate) -> Vec<&'e str> {
    finding
        .pools
        .iter()
        .filter(|f| {
            estate
                .pool(f)
                .is_some_and(|p| p.role == Role::FrontEnd && p.version == Some(Version::V2010))
        })
        .map(String::as_str)
        .collect()
}

/// What to do about `finding`, as a message rendered in the reader's language at output time.
pub fn fix_for(finding: &Finding, estate: &Estate) -> Message {
    let old = lync2010_pools(finding, estate);
    if about_a_relationship(finding.code) && !old.is_empty() {
        return Message::new("fix.lync2010").arg("pools", old.join(", "));
    }
    let planned = finding
        .pools
        .first()
        .and_then(|f| estate.pool(f))
        .is_some_and(|p| p.planned);
    if finding.code == Code::BackupMissing && planned {
        return Message::new("fix.backup-missing.planned");
    }
    Message::new(fix_key(finding.code))
}

/// The label key of a rule's fix text: `fix.` and the code.
fn fix_key(code: Code) -> &'static str {
    match code {
        Code::BackupManyToOne => "fix.backup-many-to-one",
        Code::BackupNotReciprocal => "fix.backup-not-reciprocal",
        Code::BackupSelf => "fix.backup-self",
        Code::BackupUnknownPool => "fix.backup-unknown-pool",
        Code::BackupInvalidTarget => "fix.backup-invalid-target",
        Code::BackupMissing => "fix.backup-missing",
        Code::PairEditionMismatch => "fix.pair-edition-mismatch",
        Code::PairPlatformMismatch => "fix.pair-platform-mismatch",
        Code::PairOsMismatch => "fix.pair-os-mismatch",
        Code::PairVersionMismatch => "fix.pair-version-mismatch",
        Code::PairSameSite => "fix.pair-same-site",
        Code::PairCapacity => "fix.pair-capacity",
        Code::BranchBackupInvalid => "fix.branch-backup-invalid",
        Code::BranchBackupMissing => "fix.branch-backup-missing",
        Code::BranchNoDr => "fix.branch-no-dr",
        Code::TimerOutOfRange => "fix.timer-out-of-range",
        Code::TimerBelowRecommended => "fix.timer-below-recommended",
        Code::TimerOrder => "fix.timer-order",
        Code::SourceConflict => "fix.source-conflict",
        Code::ExportLossy => "fix.export-lossy",
        Code::TopologyUnpublishedChange => "fix.topology-unpublished-change",
        Code::AcceptanceExpired => "fix.acceptance-expired",
        Code::AcceptanceUnused => "fix.acceptance-unused",
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{estate, fe};
    use super::*;
    use crate::rules::{CATALOGUE, Severity, check};

    #[test]
    fn every_rule_has_a_fix() {
        let e = estate(vec![fe("a.t", "s1", None)]);
        for r in CATALOGUE {
            let f = Finding::new(r.id, Severity::Info, vec!["a.t".into()], "".into(), vec![]);
            let fix = fix_for(&f, &e).render(crate::i18n::Lang::En);
            assert!(fix.len() > 20, "{}: {fix}", r.code);
            assert!(!fix.contains("Lync 2010"), "{}: {fix}", r.code);
        }
    }

    #[test]
    fn a_lync_2010_relationship_points_at_the_plan() {
        let mut old = fe("old.t", "s1", Some("old2.t"));
        old.version = Some(Version::V2010);
        let mut old2 = fe("old2.t", "s2", None);
        old2.version = Some(Version::V2010);
        let findings = check(&estate(vec![old, old2]));
        let not_reciprocal = findings
            .iter()
            .find(|f| f.code == Code::BackupNotReciprocal)
            .expect("old.t -> old2.t is one-way");
        assert!(
            not_reciprocal
                .fix
                .starts_with("Nothing to repair in Lync 2010: this relationship disappears with the migration, when the users of old.t, old2.t move"),
            "{}",
            not_reciprocal.fix
        );
        assert!(not_reciprocal.fix.contains("`lyncpair plan`"));
        // The same finding among 2013 pools says how to repair it.
        let findings = check(&estate(vec![
            fe("a.t", "s1", Some("b.t")),
            fe("b.t", "s2", None),
        ]));
        let f = findings
            .iter()
            .find(|f| f.code == Code::BackupNotReciprocal)
            .unwrap();
        assert!(f.fix.starts_with("Make the pair mutual"), "{}", f.fix);
        assert!(findings.iter().all(|f| !f.fix.is_empty()));
    }
}
