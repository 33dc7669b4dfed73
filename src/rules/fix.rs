//! What to do about a finding (`fix`, an additive audit/v1 field): a short resolution for a person,
//! like the Best Practices Analyzer gives. One post-pass over every finding, so the rule modules
//! stay about detection. A finding on a Lync 2010 relationship gets no repair advice: the
//! relationship disappears with the migration, and `lyncpair plan` shows what replaces it.
//! The texts are English for now (like finding messages); labels around them are translated.

use super::{Code, Finding};
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

pub fn fix_for(finding: &Finding, estate: &Estate) -> String {
    let old = lync2010_pools(finding, estate);
    if about_a_relationship(finding.code) && !old.is_empty() {
        return format!(
            "Nothing to repair in Lync 2010: this relationship disappears with the migration, when the users \
             of {} move to a successor of Lync 2013 or later that is paired 1:1. Run `lyncpair plan` for the \
             successors, their pairs and the new backups of branch registrars.",
            old.join(", ")
        );
    }
    let planned = finding
        .pools
        .first()
        .and_then(|f| estate.pool(f))
        .is_some_and(|p| p.planned);
    let text = match finding.code {
        Code::BackupManyToOne => {
            "Give every pool one partner: pair the hub with one of the pools naming it (Topology Builder: \
             Edit Properties > Resiliency > Associated Backup Pool) and the others with other pools; \
             `lyncpair plan` suggests the pairs."
        }
        Code::BackupNotReciprocal => {
            "Make the pair mutual: set the partner's Associated Backup Pool to this pool in Topology \
             Builder (configuring one side sets both), or choose other partners for both; publish."
        }
        Code::BackupSelf => {
            "Choose another front-end pool as backup in Topology Builder (Resiliency) and publish."
        }
        Code::BackupUnknownPool => {
            "Add the export that defines the named pool to the inputs; if that pool was removed, choose \
             an existing backup pool in Topology Builder and publish."
        }
        Code::BackupInvalidTarget => {
            "Choose a front-end pool as backup: Directors, branch registrars, Edge and other pools cannot \
             be backup pools."
        }
        Code::BackupMissing if planned => {
            "Nothing to do yet: `lyncpair plan` gives this planned pool a partner."
        }
        Code::BackupMissing => {
            "Pair the pool with a compatible front-end pool in another central site (Topology Builder: \
             Resiliency > Associated Backup Pool); `lyncpair plan` suggests one."
        }
        Code::PairEditionMismatch => {
            "Pair pools of the same edition: Enterprise with Enterprise, Standard with Standard."
        }
        Code::PairPlatformMismatch => {
            "Pair physical pools with physical pools and virtual with virtual."
        }
        Code::PairOsMismatch => {
            "Bring both pools to the same Windows Server version, or pair each with a pool of its own."
        }
        Code::PairVersionMismatch => {
            "Upgrade both pools of the pair back to back, without unpairing them, or pair pools of one \
             version."
        }
        Code::PairSameSite => {
            "Pair with a pool in another central site, so that one disaster cannot take out both."
        }
        Code::PairCapacity => {
            "Add front-end servers (one per 6,660 users, up to 12), move users or branch registrars to \
             other pools, or pair with a smaller pool."
        }
        Code::BranchBackupInvalid => {
            "Associate the branch registrar with a central-site front-end pool as its backup Registrar \
             (Topology Builder: the branch's Resiliency settings)."
        }
        Code::BranchBackupMissing => {
            "Associate the branch registrar with a central-site front-end pool as its backup Registrar."
        }
        Code::BranchNoDr => {
            "Nothing to change: branch users keep voice resiliency through the backup pool but get no pool \
             failover; plan their continuity separately."
        }
        Code::TimerOutOfRange => {
            "Set both intervals between 30 and 86,400 seconds (Topology Builder: Resiliency; defaults \
             120 s and 240 s)."
        }
        Code::TimerBelowRecommended => {
            "Raise the interval to 120 seconds or more (Topology Builder defaults: 120 s failure \
             detection, 240 s failback)."
        }
        Code::TimerOrder => {
            "Set the failback interval above the failure-detection interval (defaults 120 s and 240 s)."
        }
        Code::SourceConflict => {
            "Check which input is current and correct or remove the stale one; meanwhile the more \
             authoritative input is used."
        }
        Code::ExportLossy => {
            "Export again without losing characters: Get-CsTopology -AsXml | Out-File -Encoding Unicode, \
             and Export-Csv -Encoding UTF8 with expanded properties."
        }
        Code::TopologyUnpublishedChange => {
            "Publish the Topology Builder changes (or discard them), then export the topology again."
        }
        Code::AcceptanceExpired => {
            "Fix the finding, or renew the entry in the --accept file with a new date and reason."
        }
        Code::AcceptanceUnused => {
            "Remove the entry from the --accept file, or correct its code or pools."
        }
    };
    text.to_owned()
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
            let f = Finding::new(
                r.id,
                Severity::Info,
                vec!["a.t".into()],
                String::new(),
                vec![],
            );
            let fix = fix_for(&f, &e);
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
