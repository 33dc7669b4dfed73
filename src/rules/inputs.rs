//! Data quality of the inputs themselves: disagreements between sources, unpublished Topology Builder
//! changes and lossy exports (Project rules).

use super::{Code, Finding, Severity};
use crate::i18n::Message;
use crate::model::Estate;

pub fn check(estate: &Estate, out: &mut Vec<Finding>) {
    for c in &estate.conflicts {
        out.push(Finding::new(
            Code::SourceConflict,
            Severity::Warning,
            vec![c.pool.clone()],
            Message::new("msg.source_conflict")
                .arg("pool", &c.pool)
                .label("fact", format!("fact.{}", c.fact))
                .arg("used", c.used.to_string())
                .arg("used_source", c.used_source.to_string())
                .arg("other", c.other.to_string())
                .arg("other_source", c.other_source.to_string()),
            vec![c.used_source.clone(), c.other_source.clone()],
        ));
    }
    for c in &estate.pending_changes {
        out.push(Finding::new(
            Code::TopologyUnpublishedChange,
            Severity::Info,
            vec![c.pool.clone()],
            c.message.clone(),
            vec![c.source.clone()],
        ));
    }
    for l in &estate.lossy {
        out.push(Finding::new(
            Code::ExportLossy,
            Severity::Warning,
            l.pool.iter().cloned().collect(),
            l.what.clone(),
            vec![l.source.clone()],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{codes, estate, fe};
    use super::*;
    use crate::model::{Conflict, Fact, Lossy, PendingChange, Source};

    #[test]
    fn conflicts_and_losses_become_findings() {
        let mut e = estate(vec![fe("a.t", "s1", None)]);
        e.conflicts.push(Conflict {
            pool: "a.t".into(),
            fact: Fact::Edition,
            used: "enterprise".into(),
            used_source: Source::new("t.xml", Some(3)),
            other: "standard".into(),
            other_source: Source::new("inv.csv", Some(2)),
        });
        e.lossy.push(Lossy {
            pool: None,
            what: "site name \"M?nchen\" contains '?'".into(),
            source: Source::new("t.xml", Some(5)),
        });
        e.pending_changes.push(PendingChange {
            pool: "a.t".into(),
            message: "NewTopology adds pool a.t".into(),
            source: Source::new("t.tbxml", Some(9)),
        });
        let mut out = Vec::new();
        check(&e, &mut out);
        assert_eq!(
            codes(&out),
            [
                "source-conflict",
                "topology-unpublished-change",
                "export-lossy"
            ]
        );
        assert!(out[0].message.contains("\"enterprise\" is used"));
        assert_eq!(out[0].sources.len(), 2);
        assert_eq!(out[1].pools, ["a.t"]);
        assert!(out[2].pools.is_empty());
    }
}
