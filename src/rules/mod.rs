//! The rule catalogue: pure functions from an [`Estate`] to [`Finding`]s with stable codes.
//!
//! Rules never do IO and never see the command line; `--fail-on` and the summary are applied
//! afterwards by the caller. Codes, severities and semantics are those of CONTRACT.md and DOMAIN.md §3.

pub(crate) mod backup;
pub(crate) mod branch;
pub(crate) mod fix;
pub(crate) mod inputs;
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod pair;
#[cfg(not(feature = "internals"))]
pub(crate) mod pair;
pub(crate) mod timers;

use serde::Serialize;

use crate::accept::Acceptance;
use crate::i18n::{Lang, Message};
use crate::model::{Estate, Source};

/// How serious a finding is; ordered from the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Breaks a Lync 2013+ rule: blocks the migration until the topology changes.
    Error,
    /// Allowed, but risky or against Microsoft's recommendations.
    Warning,
    /// Needs no action.
    Info,
}

impl Severity {
    /// The name in the contract (`error`, `warning`, `info`).
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
    /// `backup-many-to-one`.
    BackupManyToOne,
    /// `backup-not-reciprocal`.
    BackupNotReciprocal,
    /// `backup-self`.
    BackupSelf,
    /// `backup-unknown-pool`.
    BackupUnknownPool,
    /// `backup-invalid-target`.
    BackupInvalidTarget,
    /// `backup-missing`.
    BackupMissing,
    /// `pair-edition-mismatch`.
    PairEditionMismatch,
    /// `pair-platform-mismatch`.
    PairPlatformMismatch,
    /// `pair-os-mismatch`.
    PairOsMismatch,
    /// `pair-version-mismatch`.
    PairVersionMismatch,
    /// `pair-same-site`.
    PairSameSite,
    /// `pair-capacity`.
    PairCapacity,
    /// `branch-backup-invalid`.
    BranchBackupInvalid,
    /// `branch-backup-missing`.
    BranchBackupMissing,
    /// `branch-no-dr`.
    BranchNoDr,
    /// `timer-out-of-range`.
    TimerOutOfRange,
    /// `timer-below-recommended`.
    TimerBelowRecommended,
    /// `timer-order`.
    TimerOrder,
    /// `source-conflict`.
    SourceConflict,
    /// `export-lossy`.
    ExportLossy,
    /// `topology-unpublished-change`.
    TopologyUnpublishedChange,
    /// `acceptance-expired`.
    AcceptanceExpired,
    /// `acceptance-unused`.
    AcceptanceUnused,
}

impl Code {
    /// The stable code (`backup-many-to-one`, ...).
    pub fn as_str(self) -> &'static str {
        self.info().code
    }

    /// The rule's entry in [`CATALOGUE`].
    pub fn info(self) -> &'static RuleInfo {
        // The catalogue is in the order of the enum (tested), so the entry is found by index: this
        // runs for every finding when findings are sorted and written.
        CATALOGUE
            .get(self as usize)
            .filter(|r| r.id == self)
            .expect("every code has its catalogue entry at its place in the enum (tested)")
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
    /// The rule's code.
    #[serde(skip)]
    pub id: Code,
    /// The rule's code as text.
    pub code: &'static str,
    /// Every severity the rule emits, most severe first; `lyncpair rules` joins them with `/`
    /// ("error/warning" when it depends on the case). A test over every fixture estate checks
    /// that a rule emits nothing else.
    #[serde(serialize_with = "serialize_severities")]
    pub severity: &'static [Severity],
    /// What the rule checks, in English.
    pub summary: &'static str,
    /// Why this is a rule: how strong the basis is (documented, inferred, recommended, project).
    pub source: &'static str,
    /// The public documents it rests on, by title and address.
    pub sources: &'static [Doc],
    /// The primary public source.
    pub url: &'static str,
}

impl RuleInfo {
    /// The severities as `lyncpair rules` prints them: "error", "warning/info", "error/warning".
    pub fn severity_label(&self) -> String {
        let labels: Vec<&str> = self.severity.iter().map(|s| s.label()).collect();
        labels.join("/")
    }
}

fn serialize_severities<S: serde::Serializer>(
    severities: &&'static [Severity],
    s: S,
) -> Result<S::Ok, S::Error> {
    let labels: Vec<&str> = severities.iter().map(|s| s.label()).collect();
    s.serialize_str(&labels.join("/"))
}

macro_rules! url {
    ($slug:literal) => {
        concat!(
            "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-",
            $slug
        )
    };
}

/// A public document a rule rests on: what a user can look up, by its title and address.
#[derive(Debug, Serialize)]
pub struct Doc {
    /// The document's title, as Microsoft publishes it.
    pub title: &'static str,
    /// Its address.
    pub url: &'static str,
}

const DOC_S1: Doc = Doc {
    title: "Backup Registrar relationships in Lync Server 2013",
    url: url!("backup-registrar-relationships"),
};
const DOC_S2: Doc = Doc {
    title: "Supported pool pairing options and best practices in Lync Server 2013",
    url: url!("supported-pool-pairing-options-and-best-practices"),
};
const DOC_S3: Doc = Doc {
    title: "Planning for Front End pool pairing in Lync Server 2013",
    url: url!("planning-for-front-end-pool-pairing"),
};
const DOC_S4: Doc = Doc {
    title: "Deploying paired Front End pools for disaster recovery in Lync Server 2013",
    url: url!("deploying-paired-front-end-pools-for-disaster-recovery"),
};
const DOC_S5: Doc = Doc {
    title: "Planning for central site voice resiliency in Lync Server 2013",
    url: url!("planning-for-central-site-voice-resiliency"),
};
const DOC_S6: Doc = Doc {
    title: "Branch-site resiliency requirements in Lync Server 2013",
    url: url!("branch-site-resiliency-requirements"),
};
const DOC_S7: Doc = Doc {
    title: "Capacity planning using the user models in Lync Server 2013",
    url: url!("capacity-planning-using-the-user-models"),
};
const DOC_S9: Doc = Doc {
    title: "Topology Builder help: Registrar settings",
    url: "https://learn.microsoft.com/en-us/skypeforbusiness/help-topics/help-topobld/registrar-settings-expander",
};
const DOC_S10: Doc = Doc {
    title: "Topology Builder help: Registrar settings for Lync Server 2010",
    url: "https://learn.microsoft.com/en-us/skypeforbusiness/help-topics/help-topobld/registrar-settings-expander-for-lync-server-for-2010",
};
const DOC_S11: Doc = Doc {
    title: "Topology Builder help: Registrar settings of a Survivable Branch Appliance",
    url: "https://learn.microsoft.com/en-us/skypeforbusiness/help-topics/help-topobld/registrar-sba-settings-expander",
};
const DOC_S12: Doc = Doc {
    title: "Set-CsRegistrar",
    url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
};
const DOC_S13: Doc = Doc {
    title: "Disaster recovery in Skype for Business Server",
    url: "https://learn.microsoft.com/en-us/skypeforbusiness/plan-your-deployment/high-availability-and-disaster-recovery/disaster-recovery",
};
const DOC_S14: Doc = Doc {
    title: "Plan to upgrade to Skype for Business Server",
    url: "https://learn.microsoft.com/en-us/skypeforbusiness/plan-your-deployment/upgrade",
};
const DOC_S19: Doc = Doc {
    title: "Define a Survivable Branch Appliance or Server in Lync Server 2013",
    url: url!("define-a-survivable-branch-appliance-or-server"),
};
const DOC_S31: Doc = Doc {
    title: "Front End pool ABC failover procedure in Lync Server 2013",
    url: url!("front-end-pool-abc-failover-procedure"),
};
const DOC_S34: Doc = Doc {
    title: "Overview of the Director in Lync Server 2013",
    url: url!("overview-of-the-director"),
};
const DOC_S35: Doc = Doc {
    title: "High availability and disaster recovery support in Lync Server 2013",
    url: url!("high-availability-and-disaster-recovery-support"),
};
const DOC_S36: Doc = Doc {
    title: "Central Site Voice Resiliency (Lync Server 2010 documentation)",
    url: "http://unifiedpeople.ru/ocs_14_itpro.en/html/52dd0c3e-cd3c-44cf-bef5-8c49ff5e4c7a.htm",
};
const DOC_S39: Doc = Doc {
    title: "Get-CsUserPoolInfo",
    url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/get-csuserpoolinfo",
};
const DOC_S_EDGE: Doc = Doc {
    title: "Edge Server disaster recovery in Lync Server 2013",
    url: url!("edge-server-disaster-recovery"),
};
const DOC_S_ASSOC: Doc = Doc {
    title: "Topology Builder help: associate a branch office appliance with a Front End pool",
    url: "https://learn.microsoft.com/en-us/skypeforbusiness/help-topics/help-topobld/associate-branch-office-appliance-with-front-end",
};

/// Every rule, in the order `lyncpair rules` prints them.
pub static CATALOGUE: &[RuleInfo] = &[
    RuleInfo {
        id: Code::BackupManyToOne,
        code: "backup-many-to-one",
        severity: &[Severity::Error],
        summary: "A front-end pool is the backup of more than one front-end pool; from Lync 2013 on, a pool has exactly one partner.",
        source: "Unsupported (new ones blocked by Topology Builder)",
        sources: &[DOC_S1, DOC_S13],
        url: url!("backup-registrar-relationships"),
    },
    RuleInfo {
        id: Code::BackupNotReciprocal,
        code: "backup-not-reciprocal",
        severity: &[Severity::Error],
        summary: "Pool P names Q as backup, but Q names nothing or another pool; 2013+ pairs are symmetric.",
        source: "Unsupported; reciprocity inferred from the pairing procedures",
        sources: &[DOC_S1, DOC_S13, DOC_S4, DOC_S31],
        url: url!("backup-registrar-relationships"),
    },
    RuleInfo {
        id: Code::BackupSelf,
        code: "backup-self",
        severity: &[Severity::Error],
        summary: "A pool names itself as its backup.",
        source: "Inferred",
        sources: &[DOC_S4],
        url: url!("deploying-paired-front-end-pools-for-disaster-recovery"),
    },
    RuleInfo {
        id: Code::BackupUnknownPool,
        code: "backup-unknown-pool",
        severity: &[Severity::Error],
        summary: "The backup names a pool (FQDN or service id) that no input of the estate defines: inputs are incomplete or stale.",
        source: "Project rule: the inputs are incomplete or stale",
        sources: &[DOC_S4],
        url: url!("deploying-paired-front-end-pools-for-disaster-recovery"),
    },
    RuleInfo {
        id: Code::BackupInvalidTarget,
        code: "backup-invalid-target",
        severity: &[Severity::Error],
        summary: "A front-end pool's backup is a Director, branch registrar, Edge or other pool; only front-end pools pair.",
        source: "Inferred",
        sources: &[DOC_S3, DOC_S4, DOC_S_EDGE, DOC_S34, DOC_S9, DOC_S19],
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::BackupMissing,
        code: "backup-missing",
        severity: &[Severity::Warning, Severity::Info],
        summary: "A front-end pool has no backup pool: no pool failover, no registrar resiliency (information only for a planned pool, which the plan gives a partner).",
        source: "Recommended",
        sources: &[DOC_S39, DOC_S3, DOC_S35],
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::PairEditionMismatch,
        code: "pair-edition-mismatch",
        severity: &[Severity::Error],
        summary: "An Enterprise Edition pool is paired with a Standard Edition server.",
        source: "Unsupported, not blocked by Topology Builder",
        sources: &[DOC_S2, DOC_S13],
        url: url!("supported-pool-pairing-options-and-best-practices"),
    },
    RuleInfo {
        id: Code::PairPlatformMismatch,
        code: "pair-platform-mismatch",
        severity: &[Severity::Error],
        summary: "A physical pool is paired with a virtual one.",
        source: "Unsupported, not blocked by Topology Builder",
        sources: &[DOC_S2, DOC_S13],
        url: url!("supported-pool-pairing-options-and-best-practices"),
    },
    RuleInfo {
        id: Code::PairOsMismatch,
        code: "pair-os-mismatch",
        severity: &[Severity::Error],
        summary: "The paired pools run different base operating systems.",
        source: "Unsupported, not blocked by Topology Builder",
        sources: &[DOC_S2, DOC_S13],
        url: url!("supported-pool-pairing-options-and-best-practices"),
    },
    RuleInfo {
        id: Code::PairVersionMismatch,
        code: "pair-version-mismatch",
        severity: &[Severity::Error, Severity::Warning],
        summary: "The paired pools run different product versions: an error when one is Lync 2010 (no pairing there) or when one is 2019 and the other not, a warning for 2013 with 2015 (the in-place upgrade window).",
        source: "Inferred",
        sources: &[DOC_S3, DOC_S39, DOC_S14],
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::PairSameSite,
        code: "pair-same-site",
        severity: &[Severity::Warning],
        summary: "Both pools of a pair are in the same site; one disaster can take out both.",
        source: "Recommended",
        sources: &[DOC_S3, DOC_S35, DOC_S5, DOC_S36],
        url: url!("planning-for-front-end-pool-pairing"),
    },
    RuleInfo {
        id: Code::PairCapacity,
        code: "pair-capacity",
        severity: &[Severity::Warning],
        summary: "After a failover one pool cannot carry both pools' users (80,000 per Enterprise pool, 5,000 per Standard server, one front end per 6,660 users up to 12).",
        source: "Recommended",
        sources: &[DOC_S2, DOC_S3, DOC_S7, DOC_S13],
        url: url!("capacity-planning-using-the-user-models"),
    },
    RuleInfo {
        id: Code::BranchBackupInvalid,
        code: "branch-backup-invalid",
        severity: &[Severity::Error],
        summary: "A branch registrar (SBA/SBS) is backed by something other than a central-site front-end pool.",
        source: "Topology Builder blocks it (inferred from its help)",
        sources: &[DOC_S9, DOC_S19, DOC_S_ASSOC],
        url: url!("define-a-survivable-branch-appliance-or-server"),
    },
    RuleInfo {
        id: Code::BranchBackupMissing,
        code: "branch-backup-missing",
        severity: &[Severity::Warning],
        summary: "A branch registrar (SBA/SBS) has no backup registrar pool.",
        source: "Recommended",
        sources: &[DOC_S19, DOC_S6],
        url: url!("branch-site-resiliency-requirements"),
    },
    RuleInfo {
        id: Code::BranchNoDr,
        code: "branch-no-dr",
        severity: &[Severity::Info],
        summary: "Users homed on a branch registrar get no pool disaster recovery: they stay in resiliency mode while their backing pool is down.",
        source: "Documented for SBAs; inferred for SBSs",
        sources: &[DOC_S1, DOC_S13],
        url: url!("backup-registrar-relationships"),
    },
    RuleInfo {
        id: Code::TimerOutOfRange,
        code: "timer-out-of-range",
        severity: &[Severity::Error],
        summary: "A failure-detection or failback interval lies outside 30..86,400 seconds.",
        source: "Documented range of the cmdlet parameters",
        sources: &[DOC_S12],
        url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
    },
    RuleInfo {
        id: Code::TimerBelowRecommended,
        code: "timer-below-recommended",
        severity: &[Severity::Warning],
        summary: "A failover interval is below 120 seconds; a briefly busy primary may trigger needless failovers.",
        source: "Recommended",
        sources: &[DOC_S9, DOC_S10, DOC_S11],
        url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
    },
    RuleInfo {
        id: Code::TimerOrder,
        code: "timer-order",
        severity: &[Severity::Warning],
        summary: "The failback interval is not longer than the failure-detection interval (Topology Builder defaults: 120 s and 240 s).",
        source: "Inferred from the Topology Builder defaults",
        sources: &[DOC_S9, DOC_S10, DOC_S11],
        url: "https://learn.microsoft.com/powershell/module/skypeforbusiness/set-csregistrar",
    },
    RuleInfo {
        id: Code::SourceConflict,
        code: "source-conflict",
        severity: &[Severity::Warning],
        summary: "Two inputs disagree on a fact of one pool (edition, version, site, backup, users, virtual, OS); the report shows the value used.",
        source: "Project rule",
        sources: &[],
        url: "",
    },
    RuleInfo {
        id: Code::ExportLossy,
        code: "export-lossy",
        severity: &[Severity::Warning],
        summary: "An export lost information: '?' replacing characters in names (ASCII export) or .NET collection type names in CSV cells.",
        source: "Project rule: an ASCII export or Export-Csv loses what it cannot write",
        sources: &[],
        url: "",
    },
    RuleInfo {
        id: Code::TopologyUnpublishedChange,
        code: "topology-unpublished-change",
        severity: &[Severity::Info],
        summary: "A Topology Builder document changes a pool against the topology it was downloaded with (NewTopology versus OldTopology); the audit is of the unpublished NewTopology.",
        source: "Project rule: a Topology Builder file holds changes nobody published yet",
        sources: &[],
        url: "",
    },
    // Raised by `--accept` (crate::accept), not by the estate's rules.
    RuleInfo {
        id: Code::AcceptanceExpired,
        code: "acceptance-expired",
        severity: &[Severity::Warning],
        summary: "An entry of the --accept file matched this finding, but its date has passed: the finding counts again until the entry is renewed or the cause is fixed.",
        source: "Project rule: an acceptance holds until its date and must match a finding",
        sources: &[],
        url: "",
    },
    RuleInfo {
        id: Code::AcceptanceUnused,
        code: "acceptance-unused",
        severity: &[Severity::Info],
        summary: "An entry of the --accept file matches no finding: the finding was fixed or the entry is mistyped; remove or correct it.",
        source: "Project rule: an acceptance holds until its date and must match a finding",
        sources: &[],
        url: "",
    },
];

/// One rule violation, pointing at the pools and the input lines it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule.
    pub code: Code,
    /// How serious.
    pub severity: Severity,
    /// The pools concerned.
    pub pools: Vec<String>,
    /// The message in English, as audit/v1 carries it (scripts read it); `text` renders it in any language.
    pub message: String,
    /// The message, to render in any language.
    #[serde(skip)]
    pub text: Message,
    /// The input lines it comes from.
    pub sources: Vec<Source>,
    /// What to do, for a person (audit/v1 `fix`, English); filled by [`check`].
    pub fix: String,
    /// What to do, to render in any language.
    #[serde(skip)]
    pub fix_text: Option<Message>,
    /// Set by an active `--accept` entry: still shown, never counted (crate::accept).
    pub accepted: Option<Acceptance>,
}

impl Finding {
    pub(crate) fn new(
        code: Code,
        severity: Severity,
        pools: Vec<String>,
        text: Message,
        sources: Vec<Source>,
    ) -> Finding {
        let mut sources = sources;
        sources.sort();
        sources.dedup();
        Finding {
            code,
            severity,
            pools,
            message: text.render(Lang::En),
            text,
            sources,
            fix: String::new(),
            fix_text: None,
            accepted: None,
        }
    }

    /// Set what to do; `fix` keeps the English text for audit/v1.
    pub(crate) fn set_fix(&mut self, fix: Message) {
        self.fix = fix.render(Lang::En);
        self.fix_text = Some(fix);
    }

    /// The message in the reader's language.
    pub fn message_in(&self, lang: Lang) -> String {
        self.text.render(lang)
    }

    /// What to do in the reader's language; empty when nothing was set.
    pub fn fix_in(&self, lang: Lang) -> String {
        match &self.fix_text {
            Some(m) => m.render(lang),
            None => self.fix.clone(),
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
    for f in &mut findings {
        let fix = fix::fix_for(f, estate);
        f.set_fix(fix);
    }
    findings
}

/// The order of every findings list: severity, code, pools, message; duplicates dropped.
pub fn sort(findings: &mut Vec<Finding>) {
    // Compared field by field, each only when the ones before are equal (a tuple of all four would
    // look every code's text up on every comparison).
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.code.as_str().cmp(b.code.as_str()))
            .then_with(|| a.pools.cmp(&b.pools))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;

    use crate::model::{Edition, Estate, Fact, Pool, Role, Site, SiteKind, Source, Version};

    /// A front-end pool in `site` with the given backup; tests change the rest.
    pub fn fe(fqdn: &str, site: &str, backup: Option<&str>) -> Pool {
        let mut provenance = BTreeMap::new();
        provenance.insert(Fact::Pool, vec![Source::new("t.xml", Some(1))]);
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
        // `Code::info` finds an entry by the code's place in the enum.
        for (i, r) in CATALOGUE.iter().enumerate() {
            assert_eq!(r.id as usize, i, "{} is out of the enum's order", r.code);
        }
    }

    #[test]
    fn sources_are_titles_and_addresses_never_internal_keys() {
        for r in CATALOGUE {
            let mut text = vec![r.source, r.summary];
            for d in r.sources {
                assert!(d.url.starts_with("http"), "{}: {}", r.code, d.url);
                text.push(d.title);
            }
            for t in text {
                assert!(
                    !t.contains("FORMATS.md") && !t.contains("DOMAIN.md"),
                    "{}: {t}",
                    r.code
                );
                let internal_key = t
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .any(|w| {
                        w.strip_prefix('S').is_some_and(|n| {
                            n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()
                                || n.starts_with('-')
                        })
                    });
                assert!(!internal_key, "{}: {t}", r.code);
            }
        }
    }

    /// Every (code, severity) a rule emits over every estate the repository holds, with `--accept`
    /// entries that expire and go unused, must be listed in the code's catalogue entry: the
    /// catalogue is what `lyncpair rules` promises (backup-missing was listed as "warning" alone
    /// while planned pools got "info").
    #[test]
    fn every_emitted_severity_is_listed_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let paths = [root.join("fixtures"), root.join("tests/data")];
        let mut audit = crate::audit::run(&paths, &crate::import::ImportOptions::default());
        assert!(
            audit.estates.len() > 5,
            "the fixture estates were not found under {}",
            root.display()
        );
        let accepted = crate::accept::parse(
            "accept.csv",
            "code,pools,reason,until\n\
             backup-missing,*,expired on purpose,2000-01-01\n\
             pair-capacity,nowhere.example.test,matches nothing,2999-12-31\n",
        );
        assert!(accepted.errors.is_empty(), "{:?}", accepted.errors);
        let today = crate::accept::Date::parse("2026-01-01").expect("a date");
        crate::accept::apply(&mut audit, &accepted.entries, today);

        let emitted: BTreeSet<(Code, Severity)> = audit
            .estates
            .iter()
            .flat_map(|a| &a.findings)
            .map(|f| (f.code, f.severity))
            .collect();
        for code in [Code::AcceptanceExpired, Code::AcceptanceUnused] {
            assert!(
                emitted.iter().any(|(c, _)| *c == code),
                "{} was not raised",
                code.as_str()
            );
        }
        let unlisted: Vec<String> = emitted
            .iter()
            .filter(|(code, severity)| !code.info().severity.contains(severity))
            .map(|(code, severity)| format!("{} as {}", code.as_str(), severity.label()))
            .collect();
        assert!(
            unlisted.is_empty(),
            "emitted with a severity the catalogue does not list: {unlisted:?}"
        );
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

#[cfg(test)]
mod message_tests {
    use super::test_support::{estate, fe};
    use super::*;
    use crate::model::{Edition, Failover, Role, Version};

    /// An estate that raises most rules at once.
    fn troubled() -> Estate {
        let mut a = fe("a.t", "s1", Some("hub.t"));
        a.failover = Some(Failover {
            enabled: Some(true),
            failure_detection_s: Some(60),
            failback_s: Some(50),
        });
        let mut b = fe("b.t", "s1", Some("hub.t"));
        b.edition = Some(Edition::Standard);
        b.users = Some(9_000);
        b.virtual_machine = Some(true);
        b.os = Some("Windows Server 2012".into());
        let mut hub = fe("hub.t", "s1", Some("b.t"));
        hub.users = Some(1_000);
        hub.virtual_machine = Some(false);
        hub.os = Some("Windows Server 2016".into());
        hub.version = Some(Version::V2015);
        let mut dir = fe("dir.t", "s2", None);
        dir.role = Role::Director;
        let mut branch = fe("br.t", "branch-x", Some("dir.t"));
        branch.role = Role::Branch;
        let c = fe("c.t", "s2", Some("dir.t"));
        let d = fe("d.t", "s2", Some("d.t"));
        let e = fe("e.t", "s2", Some("gone.t"));
        let f = fe("f.t", "s3", None);
        estate(vec![a, b, hub, dir, branch, c, d, e, f])
    }

    #[test]
    fn every_finding_and_fix_reads_in_german() {
        let findings = check(&troubled());
        assert!(findings.len() >= 10, "{findings:?}");
        for f in &findings {
            let (en, de) = (f.message_in(Lang::En), f.message_in(Lang::De));
            assert_eq!(en, f.message, "audit/v1 keeps the English message");
            assert_ne!(en, de, "{}: not translated", f.code.as_str());
            assert!(
                !de.contains('{'),
                "{}: unfilled placeholder in {de}",
                f.code.as_str()
            );
            let (fix_en, fix_de) = (f.fix_in(Lang::En), f.fix_in(Lang::De));
            assert_eq!(fix_en, f.fix);
            assert_ne!(fix_en, fix_de, "{}: fix not translated", f.code.as_str());
        }
    }
}
