//! The rule catalogue: pure functions from an [`Estate`] to [`Finding`]s with stable codes.
//!
//! Rules never do IO and never see the command line; `--fail-on` and the summary are applied
//! afterwards by the caller. Codes, severities and semantics are those of CONTRACT.md and DOMAIN.md §3.

mod backup;
mod branch;
mod inputs;
pub mod pair;
mod timers;

use serde::Serialize;

use crate::accept::Acceptance;
use crate::model::{Estate, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Every rule code of the contract. The string form is the public, stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    BackupManyToOne,
    BackupNotReciprocal,
    BackupSelf,
    BackupUnknownPool,
    BackupInvalidTarget,
    BackupMissing,
    PairEditionMismatch,
    PairPlatformMismatch,
    PairOsMismatch,
    PairVersionMismatch,
    PairSameSite,
    PairCapacity,
    BranchBackupInvalid,
    BranchBackupMissing,
    BranchNoDr,
    TimerOutOfRange,
    TimerBelowRecommended,
    TimerOrder,
    SourceConflict,
    ExportLossy,
    TopologyUnpublishedChange,
    AcceptanceExpired,
    AcceptanceUnused,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    pub fn info(self) -> &'static RuleInfo {
        CATALOGUE
            .iter()
            .find(|r| r.id == self)
            .expect("every code has a catalogue entry (tested)")
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One entry of `lyncpair rules`.
#[derive(Debug, Serialize)]
pub struct RuleInfo {
    #[serde(skip)]
    pub id: Code,
    pub code: &'static str,
    /// "error", "warning", "info", or "error/warning" when it depends on the case.
    pub severity: &'static str,
    pub summary: &'static str,
    /// Why this is a rule: strength and sources, keyed as in DOMAIN.md §11.
    pub source: &'static str,
    /// The primary public source.
    pub url: &'static str,
}

macro_rules! url {
    ($slug:literal) => {
        concat!(
            "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-",
            $slug
        )
    };
}

pub static CATALOGUE: &[RuleInfo] = &[
    RuleInfo {
        id: Code::BackupManyToOne,
        code: "backup-many-to-one",
        severity: "error",
        summary: "A front-end pool is the backup of more than one front-end pool; from Lync 2013 on, a pool has exactly one partner.",
        source: "Unsupported (new ones blocked by Topology Builder); S1, S13",
        url: url!("backup-registrar-relationships"),
    },
    RuleInfo {
        id: Code::BackupNotReciprocal,
        code: "backup-not-reciprocal",
        severity: "error",
        summary: "Pool P names Q as backup, but Q names nothing or another pool; 2013+ pairs are symmetric.",
        source: "Unsupported; S1, S13, inferred from S4, S31",
        url: url!("backup-registrar-relationships"),
    },
    RuleInfo {
        id: Code::BackupSelf,
        code: "backup-self",
        severity: "error",
        summary: "A pool names itself as its backup.",
        source: "Inferred; S4",
        url: url!("deploying-paired-front-end-pools-for-disaster-recovery"),
    },
    RuleInfo {
        id: Code::BackupUnknownPool,
        code: "backup-unknown-pool",
        severity: "error",
        summary: "The backup names a pool (FQDN or service id) that no input of the estate defines: inputs are incomplete or stale.",
        source: "Project; S4",
        url: url!("deploying-paired-front-end-pools-for-disaster-recovery"),
    },
    RuleInfo {
        id: Code::BackupInvalidTarget,
        code: "backup-invalid-target",
        severity: "error",
        summary: "A front-end pool's backup is a Director, branch registrar, Edge or other pool; only front-end pools pair.",
        source: "Inferred; S3, S4, S-Edge, S34, S9, S19",
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::BackupMissing,
        code: "backup-missing",
        severity: "warning",
        summary: "A front-end pool has no backup pool: no pool failover, no registrar resiliency.",
        source: "Recommended; S39, S3, S35",
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::PairEditionMismatch,
        code: "pair-edition-mismatch",
        severity: "error",
        summary: "An Enterprise Edition pool is paired with a Standard Edition server.",
        source: "Unsupported, not blocked by Topology Builder; S2, S13",
        url: url!("supported-pool-pairing-options-and-best-practices"),
    },
    RuleInfo {
        id: Code::PairPlatformMismatch,
        code: "pair-platform-mismatch",
        severity: "error",
        summary: "A physical pool is paired with a virtual one.",
        source: "Unsupported, not blocked by Topology Builder; S2, S13",
        url: url!("supported-pool-pairing-options-and-best-practices"),
    },
    RuleInfo {
        id: Code::PairOsMismatch,
        code: "pair-os-mismatch",
        severity: "error",
        summary: "The paired pools run different base operating systems.",
        source: "Unsupported, not blocked by Topology Builder; S2, S13",
        url: url!("supported-pool-pairing-options-and-best-practices"),
    },
    RuleInfo {
        id: Code::PairVersionMismatch,
        code: "pair-version-mismatch",
        severity: "error/warning",
        summary: "The paired pools run different product versions: an error when one is Lync 2010 (no pairing there), a warning when both are 2013 or later.",
        source: "Inferred; S3, S39, S14",
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::PairSameSite,
        code: "pair-same-site",
        severity: "warning",
        summary: "Both pools of a pair are in the same site; one disaster can take out both.",
        source: "Recommended; S3, S35, S5, S36",
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::PairCapacity,
        code: "pair-capacity",
        severity: "warning",
        summary: "After a failover one pool cannot carry both pools' users (80,000 per Enterprise pool, 5,000 per Standard server, one front end per 6,660 users up to 12).",
        source: "Recommended; S2, S3, S7, S13",
        url: url!("capacity-planning-using-the-user-models"),
    },
    RuleInfo {
        id: Code::BranchBackupInvalid,
        code: "branch-backup-invalid",
        severity: "error",
        summary: "A branch registrar (SBA/SBS) is backed by something other than a central-site front-end pool.",
        source: "Topology Builder blocks (inferred from help text); S9, S19, S-Assoc",
        url: url!("define-a-survivable-branch-appliance-or-server"),
    },
    RuleInfo {
        id: Code::BranchBackupMissing,
        code: "branch-backup-missing",
        severity: "warning",
        summary: "A branch registrar (SBA/SBS) has no backup registrar pool.",
        source: "Recommended; S19, S6",
        url: url!("branch-site-resiliency-requirements"),
    },
    RuleInfo {
        id: Code::BranchNoDr,
        code: "branch-no-dr",
        severity: "info",
        summary: "Users homed on a branch registrar get no pool disaster recovery: they stay in resiliency mode while their backing pool is down.",
        source: "S1, S13 (SBA); inferred for SBS",
        url: url!("backup-registrar-relationships"),
    },
    RuleInfo {
        id: Code::TimerOutOfRange,
        code: "timer-out-of-range",
        severity: "error",
        summary: "A failure-detection or failback interval lies outside 30..86,400 seconds.",
        source: "S12 (Set-CsRegistrar)",
        url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
    },
    RuleInfo {
        id: Code::TimerBelowRecommended,
        code: "timer-below-recommended",
        severity: "warning",
        summary: "A failover interval is below 120 seconds; a briefly busy primary may trigger needless failovers.",
        source: "Recommended; S9, S10, S11",
        url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
    },
    RuleInfo {
        id: Code::TimerOrder,
        code: "timer-order",
        severity: "warning",
        summary: "The failback interval is not longer than the failure-detection interval (Topology Builder defaults: 120 s and 240 s).",
        source: "Inferred from S9, S10, S11",
        url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
    },
    RuleInfo {
        id: Code::SourceConflict,
        code: "source-conflict",
        severity: "warning",
        summary: "Two inputs disagree on a fact of one pool (edition, version, site, backup, users, virtual, OS); the report shows the value used.",
        source: "Project",
        url: "",
    },
    RuleInfo {
        id: Code::ExportLossy,
        code: "export-lossy",
        severity: "warning",
        summary: "An export lost information: '?' replacing characters in names (ASCII export) or .NET collection type names in CSV cells.",
        source: "Project; FORMATS.md §2",
        url: "",
    },
    RuleInfo {
        id: Code::TopologyUnpublishedChange,
        code: "topology-unpublished-change",
        severity: "info",
        summary: "A Topology Builder document changes a pool against the topology it was downloaded with (NewTopology versus OldTopology); the audit is of the unpublished NewTopology.",
        source: "Project; FORMATS.md §4.1",
        url: "",
    },
    // Raised by `--accept` (crate::accept), not by the estate's rules.
    RuleInfo {
        id: Code::AcceptanceExpired,
        code: "acceptance-expired",
        severity: "warning",
        summary: "An entry of the --accept file matched this finding, but its date has passed: the finding counts again until the entry is renewed or the cause is fixed.",
        source: "Project; docs/accept.md",
        url: "",
    },
    RuleInfo {
        id: Code::AcceptanceUnused,
        code: "acceptance-unused",
        severity: "info",
        summary: "An entry of the --accept file matches no finding: the finding was fixed or the entry is mistyped; remove or correct it.",
        source: "Project; docs/accept.md",
        url: "",
    },
];

/// One rule violation, pointing at the pools and the input lines it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub pools: Vec<String>,
    pub message: String,
    pub sources: Vec<Source>,
    /// Set by an active `--accept` entry: still shown, never counted (crate::accept).
    pub accepted: Option<Acceptance>,
}

impl Finding {
    pub fn new(
        code: Code,
        severity: Severity,
        pools: Vec<String>,
        message: String,
        sources: Vec<Source>,
    ) -> Finding {
        let mut sources = sources;
        sources.sort();
        sources.dedup();
        Finding {
            code,
            severity,
            pools,
            message,
            sources,
            accepted: None,
        }
    }
}

/// Run every rule over the estate. Findings are sorted by severity, code, pools.
pub fn check(estate: &Estate) -> Vec<Finding> {
    let mut findings = Vec::new();
    backup::check(estate, &mut findings);
    pair::check(estate, &mut findings);
    branch::check(estate, &mut findings);
    timers::check(estate, &mut findings);
    inputs::check(estate, &mut findings);
    sort(&mut findings);
    findings
}

/// The order of every findings list: severity, code, pools, message; duplicates dropped.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (a.severity, a.code.as_str(), &a.pools, &a.message).cmp(&(
            b.severity,
            b.code.as_str(),
            &b.pools,
            &b.message,
        ))
    });
    findings.dedup();
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;

    use crate::model::{Edition, Estate, Pool, Role, Site, SiteKind, Source, Version};

    /// A front-end pool in `site` with the given backup; tests change the rest.
    pub fn fe(fqdn: &str, site: &str, backup: Option<&str>) -> Pool {
        let mut provenance = BTreeMap::new();
        provenance.insert("pool", vec![Source::new("t.xml", Some(1))]);
        Pool {
            fqdn: fqdn.to_owned(),
            site: Some(site.to_owned()),
            role: Role::FrontEnd,
            edition: Some(Edition::Enterprise),
            version: Some(Version::V2013),
            servers: 3,
            machines: Vec::new(),
            users: None,
            virtual_machine: None,
            os: None,
            backup: backup.map(str::to_owned),
            extra_backups: Vec::new(),
            failover: None,
            backup_service: None,
            cms: None,
            planned: false,
            provenance,
        }
    }

    pub fn estate(pools: Vec<Pool>) -> Estate {
        let mut sites: Vec<Site> = pools
            .iter()
            .filter_map(|p| p.site.clone())
            .map(|name| Site {
                kind: if name.starts_with("branch") {
                    SiteKind::Branch
                } else {
                    SiteKind::Central
                },
                name,
                parent: None,
            })
            .collect();
        sites.sort_by(|a, b| a.name.cmp(&b.name));
        sites.dedup();
        Estate {
            name: "test".into(),
            sites,
            pools,
            ..Estate::default()
        }
    }

    pub fn codes(findings: &[super::Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

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
        // Added by issue 3 (OldTopology differences "as findings"): a deliberate contract addition.
        "topology-unpublished-change",
        // Added by issue 13 (accepted findings).
        "acceptance-expired",
        "acceptance-unused",
    ];

    #[test]
    fn codes_are_unique_and_equal_the_contract() {
        let codes: BTreeSet<&str> = CATALOGUE.iter().map(|r| r.code).collect();
        assert_eq!(
            codes.len(),
            CATALOGUE.len(),
            "duplicate code in the catalogue"
        );
        let contract: BTreeSet<&str> = CONTRACT_CODES.iter().copied().collect();
        assert_eq!(codes, contract);
        let ids: BTreeSet<Code> = CATALOGUE.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), CATALOGUE.len(), "two entries share a Code");
    }

    #[test]
    fn codes_are_kebab_case() {
        for r in CATALOGUE {
            assert!(
                r.code.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                r.code
            );
            assert_eq!(r.id.as_str(), r.code);
        }
    }
}
