//! A small made-up estate that touches every branch of the report and plan templates (findings, a
//! plan with every kind of pair, change and branch move, an unreadable input, a note), used to check
//! templates when they are loaded.

use std::collections::BTreeMap;

use super::view::{self, IndexView, PlanDocView, ReportView, RunInfo};
use crate::audit::{Audit, AuditedEstate};
use crate::i18n::Lang;
use crate::import::InputError;
use crate::model::{
    CmsRole, Edition, Estate, Fact, Failover, Format, Input, Note, Pool, Role, Site, SiteKind,
    Source, Version,
};
use crate::plan::{
    BranchMove, BranchProcedure, Change, MigrateFirst, NotPlanned, Objective, PairSide,
    PairingPlan, PlannedPair, Successor, Unpaired,
};
use crate::rules::{Code, Finding, Severity};

fn pool(fqdn: &str, site: &str, role: Role, backup: Option<&str>) -> Pool {
    let mut provenance = BTreeMap::new();
    provenance.insert(Fact::Pool, vec![Source::new("sample.xml", Some(1))]);
    Pool {
        fqdn: fqdn.to_owned(),
        site: Some(site.to_owned()),
        role,
        edition: Some(Edition::Enterprise),
        version: Some(Version::V2013),
        servers: 3,
        machines: Vec::new(),
        users: Some(1000),
        virtual_machine: Some(false),
        os: Some("Windows Server 2012 R2".to_owned()),
        backup: backup.map(str::to_owned),
        extra_backups: Vec::new(),
        failover: Some(Failover {
            enabled: Some(true),
            failure_detection_s: Some(120),
            failback_s: Some(240),
        }),
        backup_service: None,
        cms: None,
        planned: false,
        provenance,
    }
}

/// The sample views of every page template.
pub struct Samples {
    pub report: ReportView,
    pub index: IndexView,
    pub plan: PlanDocView,
}

fn side(fqdn: &str, site: &str, planned: bool, former: &[&str]) -> PairSide {
    PairSide {
        fqdn: fqdn.to_owned(),
        site: Some(site.to_owned()),
        version: Version::V2013,
        edition: Some(Edition::Enterprise),
        machines: vec![format!("fe1.{fqdn}")],
        servers: 1,
        planned,
        proposed: planned && fqdn.starts_with("successor-of-"),
        failover: None,
        former_partners: former.iter().map(|f| (*f).to_owned()).collect(),
        // One pair holds the Central Management store, so the templates show that too.
        cms: match fqdn {
            "d.sample.test" => Some(CmsRole::Active),
            "e.sample.test" => Some(CmsRole::Standby),
            _ => None,
        },
    }
}

/// A plan of the sample estate with every kind of pair, change and branch move. Made by hand, not
/// by the planner: it must reach every branch of the templates, which no real estate does at once.
pub(crate) fn sample_plan() -> PairingPlan {
    PairingPlan {
        estate: "sample".to_owned(),
        inputs: owned(&["sample.xml"]),
        pairs: sample_pairs(),
        unpaired: vec![Unpaired::new(
            "c.sample.test".to_owned(),
            "sample reason".into(),
        )],
        objective: Objective {
            pairs: 3,
            cross_site: 2,
            kept: 2,
        },
        migrate_first: sample_migrate_first(),
        not_planned: vec![
            NotPlanned {
                pool: "sba.sample.test".to_owned(),
                site: Some("Beta".to_owned()),
                role: Role::Branch,
            },
            NotPlanned {
                pool: "dir.sample.test".to_owned(),
                site: None,
                role: Role::Director,
            },
        ],
        changes: sample_changes(),
        branch_moves: sample_branch_moves(),
        successors: sample_successors(),
        target_version: Version::V2013,
    }
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// A pinned pair with a pool not deployed yet, a kept pair paired both ways today, and a kept pair
/// paired one way whose users are unknown.
fn sample_pairs() -> Vec<PlannedPair> {
    vec![
        PlannedPair {
            sides: [
                side("a.sample.test", "Alpha", false, &["c.sample.test"]),
                side("b.sample.test", "Alpha", true, &[]),
            ],
            kept: false,
            cross_site: false,
            pinned: true,
            reciprocal_today: false,
            users: [Some(1_000), None],
            capacity_checked: false,
            warnings: Vec::new(),
        },
        PlannedPair {
            sides: [
                side("d.sample.test", "Alpha", false, &[]),
                side("e.sample.test", "Gamma", false, &[]),
            ],
            kept: true,
            cross_site: true,
            pinned: false,
            reciprocal_today: true,
            users: [Some(2_000), Some(3_000)],
            capacity_checked: true,
            warnings: Vec::new(),
        },
        PlannedPair {
            sides: [
                side("f.sample.test", "Alpha", false, &[]),
                side("g.sample.test", "Gamma", false, &[]),
            ],
            kept: true,
            cross_site: true,
            pinned: false,
            reciprocal_today: false,
            users: [None, None],
            capacity_checked: false,
            warnings: Vec::new(),
        },
    ]
}

/// A Lync 2010 pool with a proposed successor and one whose successor is declared.
fn sample_migrate_first() -> Vec<MigrateFirst> {
    vec![
        MigrateFirst {
            pool: "old.sample.test".to_owned(),
            site: Some("Alpha".to_owned()),
            backup: Some("old2.sample.test".to_owned()),
            backup_of: owned(&["old2.sample.test"]),
            branches: owned(&["sba.sample.test"]),
            successor: "successor-of-old.sample.test".to_owned(),
            successor_partner: Some("b.sample.test".to_owned()),
            users: Some(900),
        },
        MigrateFirst {
            pool: "old2.sample.test".to_owned(),
            site: None,
            backup: None,
            backup_of: Vec::new(),
            branches: Vec::new(),
            successor: "b.sample.test".to_owned(),
            successor_partner: None,
            users: None,
        },
    ]
}

/// A backup to remove, a pair to add, a pair kept as it is and a one-sided pair to repair.
fn sample_changes() -> Vec<Change> {
    vec![
        Change::Remove {
            from: "a.sample.test".to_owned(),
            to: "c.sample.test".to_owned(),
            why: "sample removal".into(),
        },
        Change::Add {
            pools: ["a.sample.test".to_owned(), "b.sample.test".to_owned()],
            repair: true,
            why: "sample addition".into(),
        },
        Change::Keep {
            pools: ["d.sample.test".to_owned(), "e.sample.test".to_owned()],
            reciprocal: true,
            repair: false,
            why: "sample keep".into(),
        },
        Change::Keep {
            pools: ["f.sample.test".to_owned(), "g.sample.test".to_owned()],
            reciprocal: false,
            repair: true,
            why: "sample keep".into(),
        },
    ]
}

/// A Lync 2010 branch appliance to move, and a branch registrar with no backup and no candidate.
fn sample_branch_moves() -> Vec<BranchMove> {
    vec![
        BranchMove {
            branch: "sba.sample.test".to_owned(),
            site: Some("Beta".to_owned()),
            from: Some("old.sample.test".to_owned()),
            to: Some("b.sample.test".to_owned()),
            why: "sample move".into(),
            users: Some(50),
            procedure: BranchProcedure::Lync2010Sba,
        },
        BranchMove {
            branch: "sbs.sample.test".to_owned(),
            site: None,
            from: None,
            to: None,
            why: "sample move".into(),
            users: None,
            procedure: BranchProcedure::Reassociate,
        },
    ]
}

/// A declared successor and a proposed one.
fn sample_successors() -> Vec<Successor> {
    vec![
        Successor {
            pool: "b.sample.test".to_owned(),
            replaces: owned(&["old2.sample.test"]),
            declared: true,
            users: None,
            site: Some("Alpha".to_owned()),
        },
        Successor {
            pool: "successor-of-old.sample.test".to_owned(),
            replaces: owned(&["old.sample.test"]),
            declared: false,
            users: Some(950),
            site: Some("Alpha".to_owned()),
        },
    ]
}

/// The sample views of every page template, in `lang`.
pub fn views(lang: Lang) -> Samples {
    let audit = sample_audit();
    let run = RunInfo {
        lang,
        generated: view::iso_utc(0),
        tool_version: env!("CARGO_PKG_VERSION"),
        paths: vec!["sample.xml".to_owned()],
    };
    let plan = sample_plan();
    let a = &audit.estates[0];
    let report = view::report_view(
        &run,
        &audit,
        &[(a, "sample")],
        &|_| Some(view::plan_view(lang, &plan)),
        Some("../index.html".to_owned()),
    );
    let index = view::index_view(&run, &audit, &["sample".to_owned()]);
    let plan = view::plan_doc_view(&run, &audit, &[plan], "pairing-runbook.ps1");
    Samples {
        report,
        index,
        plan,
    }
}

/// The sample estate with one finding, and an input that could not be read.
fn sample_audit() -> Audit {
    let estate = Estate {
        name: "sample".to_owned(),
        inputs: vec![Input {
            path: "sample.xml".to_owned(),
            format: Format::TopologyXml,
            encoding: "utf-8".to_owned(),
        }],
        sites: sample_sites(),
        pools: sample_pools(),
        notes: vec![Note {
            message: "sample note".into(),
            source: Source::new("sample.xml", Some(2)),
        }],
        ..Estate::default()
    };
    let findings = vec![Finding::new(
        Code::BackupUnknownPool,
        Severity::Error,
        vec!["a.sample.test".to_owned()],
        "sample finding".into(),
        vec![Source::new("sample.xml", Some(3))],
    )];
    Audit {
        estates: vec![AuditedEstate { estate, findings }],
        errors: vec![InputError {
            path: "broken.xml".to_owned(),
            message: "sample error".to_owned(),
            line: Some(1),
            column: Some(1),
        }],
    }
}

/// Two central sites, one with a branch site.
fn sample_sites() -> Vec<Site> {
    vec![
        Site {
            name: "Alpha".to_owned(),
            kind: SiteKind::Central,
            parent: None,
        },
        Site {
            name: "Beta".to_owned(),
            kind: SiteKind::Branch,
            parent: Some("Alpha".to_owned()),
        },
        Site {
            name: "Gamma".to_owned(),
            kind: SiteKind::Central,
            parent: None,
        },
    ]
}

/// The pools of the sample plan's pairs, a branch appliance and two Lync 2010 pools (one without
/// a site).
fn sample_pools() -> Vec<Pool> {
    vec![
        pool(
            "a.sample.test",
            "Alpha",
            Role::FrontEnd,
            Some("c.sample.test"),
        ),
        pool(
            "b.sample.test",
            "Alpha",
            Role::FrontEnd,
            Some("c.sample.test"),
        ),
        pool(
            "sba.sample.test",
            "Beta",
            Role::Branch,
            Some("old.sample.test"),
        ),
        pool(
            "d.sample.test",
            "Alpha",
            Role::FrontEnd,
            Some("e.sample.test"),
        ),
        pool(
            "e.sample.test",
            "Gamma",
            Role::FrontEnd,
            Some("d.sample.test"),
        ),
        pool(
            "f.sample.test",
            "Alpha",
            Role::FrontEnd,
            Some("g.sample.test"),
        ),
        pool("g.sample.test", "Gamma", Role::FrontEnd, None),
        Pool {
            version: Some(Version::V2010),
            ..pool(
                "old.sample.test",
                "Alpha",
                Role::FrontEnd,
                Some("old2.sample.test"),
            )
        },
        Pool {
            version: Some(Version::V2010),
            site: None,
            ..pool("old2.sample.test", "Alpha", Role::FrontEnd, None)
        },
    ]
}
