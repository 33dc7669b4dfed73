//! A small made-up estate that touches every branch of the report templates (findings, a plan, an
//! unreadable input, a note), used to check templates when they are loaded.

use std::collections::BTreeMap;

use super::report::{
    self, IndexView, ObjectiveView, PlanPairView, PlanView, ReportView, RunInfo, UnpairedView,
};
use crate::audit::{Audit, AuditedEstate};
use crate::i18n::Lang;
use crate::import::InputError;
use crate::model::{
    Edition, Estate, Failover, Format, Input, Note, Pool, Role, Site, SiteKind, Source, Version,
};
use crate::rules::{Code, Finding, Severity};

fn pool(fqdn: &str, site: &str, role: Role, backup: Option<&str>) -> Pool {
    let mut provenance = BTreeMap::new();
    provenance.insert("pool", vec![Source::new("sample.xml", Some(1))]);
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
        planned: false,
        provenance,
    }
}

pub fn views(lang: Lang) -> (ReportView, IndexView) {
    let estate = Estate {
        name: "sample".to_owned(),
        inputs: vec![Input {
            path: "sample.xml".to_owned(),
            format: Format::TopologyXml,
            encoding: "utf-8".to_owned(),
        }],
        sites: vec![
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
        ],
        pools: vec![
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
                Some("a.sample.test"),
            ),
        ],
        notes: vec![Note {
            message: "sample note".to_owned(),
            source: Source::new("sample.xml", Some(2)),
        }],
        ..Estate::default()
    };
    let findings = vec![Finding::new(
        Code::BackupUnknownPool,
        Severity::Error,
        vec!["a.sample.test".to_owned()],
        "sample finding".to_owned(),
        vec![Source::new("sample.xml", Some(3))],
    )];
    let audit = Audit {
        estates: vec![AuditedEstate { estate, findings }],
        errors: vec![InputError {
            path: "broken.xml".to_owned(),
            message: "sample error".to_owned(),
            line: Some(1),
            column: Some(1),
        }],
    };
    let run = RunInfo {
        lang,
        generated: report::iso_utc(0),
        tool_version: env!("CARGO_PKG_VERSION"),
        paths: vec!["sample.xml".to_owned()],
    };
    let plan = PlanView {
        pairs: vec![PlanPairView {
            pools: ["a.sample.test".to_owned(), "b.sample.test".to_owned()],
            kept: false,
            cross_site: false,
        }],
        unpaired: vec![UnpairedView {
            pool: "c.sample.test".to_owned(),
            reason: "sample reason".to_owned(),
        }],
        objective: ObjectiveView {
            pairs: 1,
            cross_site: 0,
            kept: 0,
        },
    };
    let a = &audit.estates[0];
    let report = report::report_view(
        &run,
        &audit,
        &[(a, "sample")],
        &|_| Some(plan.clone()),
        Some("../index.html".to_owned()),
    );
    let index = report::index_view(&run, &audit, &["sample".to_owned()]);
    (report, index)
}
