//! The backup graph: many-to-one, reciprocity, self, unknown and invalid targets, missing backups.
//! Sources: DOMAIN.md §3 (S1, S3, S4, S13, S39).

use std::collections::BTreeMap;

use super::{Code, Finding, Severity};
use crate::i18n::Message;
use crate::model::{Estate, Fact, Pool, Role};

pub fn check(estate: &Estate, out: &mut Vec<Finding>) {
    // Hub -> front-end pools naming it (branch registrars do not count, DOMAIN.md §3).
    let mut named_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &estate.pools {
        let backups: Vec<&str> = p.all_backups().collect();
        if p.role == Role::FrontEnd && backups.is_empty() {
            out.push(backup_missing(p));
        }
        for target in backups {
            match check_backup(estate, p, target) {
                Backup::Broken(finding) => out.push(finding),
                Backup::FrontEnd(q, not_reciprocal) => {
                    named_by.entry(&q.fqdn).or_default().push(&p.fqdn);
                    out.extend(not_reciprocal);
                }
                Backup::NotAudited => {}
            }
        }
    }
    for (hub, namers) in named_by {
        out.extend(many_to_one(estate, hub, namers));
    }
}

/// A front-end pool that names no backup; a planned pool is not running yet: it lacks nothing
/// today, the plan gives it a partner.
fn backup_missing(p: &Pool) -> Finding {
    let (severity, message) = if p.planned {
        (
            Severity::Info,
            Message::new("msg.backup_missing.planned").arg("pool", &p.fqdn),
        )
    } else {
        (
            Severity::Warning,
            Message::new("msg.backup_missing").arg("pool", &p.fqdn),
        )
    };
    Finding::new(
        Code::BackupMissing,
        severity,
        vec![p.fqdn.clone()],
        message,
        p.sources_of(Fact::Pool),
    )
}

/// What one backup a pool names amounts to.
enum Backup<'e> {
    /// It names the pool itself, no pool of the estate, or a pool that is no front end.
    Broken(Finding),
    /// A front-end pool naming a front-end pool, with the finding when that one does not name it back.
    FrontEnd(&'e Pool, Option<Finding>),
    /// A branch registrar's or another role's backup: branch.rs checks branch registrars, other
    /// roles have no 2013 rule.
    NotAudited,
}

fn check_backup<'e>(estate: &'e Estate, p: &Pool, target: &str) -> Backup<'e> {
    if target == p.fqdn {
        return Backup::Broken(Finding::new(
            Code::BackupSelf,
            Severity::Error,
            vec![p.fqdn.clone()],
            Message::new("msg.backup_self").arg("pool", &p.fqdn),
            p.sources_of(Fact::Backup),
        ));
    }
    let Some(q) = estate.pool(target) else {
        return Backup::Broken(Finding::new(
            Code::BackupUnknownPool,
            Severity::Error,
            vec![p.fqdn.clone()],
            Message::new("msg.backup_unknown_pool")
                .arg("pool", &p.fqdn)
                .arg("target", target),
            p.sources_of(Fact::Backup),
        ));
    };
    if p.role != Role::FrontEnd {
        return Backup::NotAudited;
    }
    if q.role != Role::FrontEnd {
        return Backup::Broken(Finding::new(
            Code::BackupInvalidTarget,
            Severity::Error,
            vec![p.fqdn.clone(), q.fqdn.clone()],
            Message::new("msg.backup_invalid_target")
                .arg("pool", &p.fqdn)
                .arg("target", &q.fqdn)
                .label("role", format!("role.{}", q.role.label())),
            [p.sources_of(Fact::Backup), q.sources_of(Fact::Pool)].concat(),
        ));
    }
    Backup::FrontEnd(q, not_reciprocal(p, q))
}

/// `p` names `q`, but `q` does not name `p`.
fn not_reciprocal(p: &Pool, q: &Pool) -> Option<Finding> {
    if q.all_backups().any(|b| b == p.fqdn) {
        return None;
    }
    let what_q_names = match q.backup.as_deref() {
        None => Message::new("msg.names_no_backup"),
        Some(other) => Message::new("msg.names_other").arg("other", other),
    };
    Some(Finding::new(
        Code::BackupNotReciprocal,
        Severity::Error,
        vec![p.fqdn.clone(), q.fqdn.clone()],
        Message::new("msg.backup_not_reciprocal")
            .arg("pool", &p.fqdn)
            .arg("target", &q.fqdn)
            .msg("what", what_q_names),
        [p.sources_of(Fact::Backup), q.sources_of(Fact::Backup)].concat(),
    ))
}

/// Two or more front-end pools name `hub` as their backup.
fn many_to_one(estate: &Estate, hub: &str, mut namers: Vec<&str>) -> Option<Finding> {
    namers.sort_unstable();
    namers.dedup();
    if namers.len() < 2 {
        return None;
    }
    let sources = namers
        .iter()
        .filter_map(|n| estate.pool(n))
        .flat_map(|n| n.sources_of(Fact::Backup))
        .collect();
    let mut pools = vec![hub.to_owned()];
    pools.extend(namers.iter().map(|n| (*n).to_owned()));
    Some(Finding::new(
        Code::BackupManyToOne,
        Severity::Error,
        pools,
        Message::new("msg.backup_many_to_one")
            .arg("hub", hub)
            .arg("count", namers.len().to_string())
            .arg("pools", namers.join(", ")),
        sources,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::check as check_all;
    use super::super::test_support::{codes, estate, fe};
    use super::*;

    fn run(pools: Vec<crate::model::Pool>) -> Vec<Finding> {
        let mut out = Vec::new();
        check(&estate(pools), &mut out);
        out.sort_by_key(|f| (f.severity, f.code.as_str()));
        out
    }

    #[test]
    fn reciprocal_pair_is_clean() {
        let f = run(vec![
            fe("a.t", "s1", Some("b.t")),
            fe("b.t", "s2", Some("a.t")),
        ]);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn many_to_one_names_hub_first() {
        let f = run(vec![
            fe("hub.t", "s1", Some("a.t")),
            fe("a.t", "s2", Some("hub.t")),
            fe("b.t", "s3", Some("hub.t")),
        ]);
        let m: Vec<_> = f
            .iter()
            .filter(|f| f.code == Code::BackupManyToOne)
            .collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].pools, ["hub.t", "a.t", "b.t"]);
        // b names hub but hub names a: not reciprocal for b only.
        let nr: Vec<_> = f
            .iter()
            .filter(|f| f.code == Code::BackupNotReciprocal)
            .collect();
        assert_eq!(nr.len(), 1);
        assert_eq!(nr[0].pools, ["b.t", "hub.t"]);
    }

    #[test]
    fn one_way_backup_is_not_reciprocal() {
        let f = run(vec![fe("a.t", "s1", Some("b.t")), fe("b.t", "s2", None)]);
        assert_eq!(codes(&f), ["backup-not-reciprocal", "backup-missing"]);
        assert!(f[0].message.contains("names no backup"));
        assert_eq!(f[1].pools, ["b.t"]);
    }

    #[test]
    fn self_unknown_and_missing() {
        let f = run(vec![
            fe("a.t", "s1", Some("a.t")),
            fe("b.t", "s1", Some("gone.t")),
            fe("c.t", "s1", None),
        ]);
        assert_eq!(
            codes(&f),
            ["backup-self", "backup-unknown-pool", "backup-missing"]
        );
        assert_eq!(f[1].pools, ["b.t"]);
        assert!(f[1].message.contains("gone.t"));
    }

    #[test]
    fn a_planned_pool_without_backup_is_only_informational() {
        let mut planned = fe("new.t", "s1", None);
        planned.planned = true;
        let f = run(vec![planned, fe("old.t", "s1", None)]);
        let severities: Vec<(&str, Severity)> = f
            .iter()
            .map(|f| (f.pools[0].as_str(), f.severity))
            .collect();
        assert_eq!(
            severities,
            [("old.t", Severity::Warning), ("new.t", Severity::Info)]
        );
        assert!(f[1].message.contains("planned"));
    }

    #[test]
    fn self_and_unknown_apply_to_directors_and_branches_too() {
        let mut dir = fe("dir.t", "s1", Some("dir.t"));
        dir.role = Role::Director;
        let mut sba = fe("sba.t", "branch1", Some("9-Registrar-1"));
        sba.role = Role::Branch;
        let f = run(vec![dir, sba]);
        assert_eq!(codes(&f), ["backup-self", "backup-unknown-pool"]);
        assert_eq!(f[0].pools, ["dir.t"]);
        assert_eq!(f[1].pools, ["sba.t"]);
        assert!(f[1].message.contains("9-Registrar-1"));
    }

    #[test]
    fn director_as_backup_is_invalid_target() {
        let mut dir = fe("dir.t", "s2", None);
        dir.role = Role::Director;
        let f = run(vec![fe("a.t", "s1", Some("dir.t")), dir]);
        assert_eq!(codes(&f), ["backup-invalid-target"]);
        assert_eq!(f[0].pools, ["a.t", "dir.t"]);
    }

    #[test]
    fn extra_backups_are_audited() {
        let mut a = fe("a.t", "s1", Some("b.t"));
        a.extra_backups.push("c.t".into());
        let f = check_all(&estate(vec![
            a,
            fe("b.t", "s2", Some("a.t")),
            fe("c.t", "s3", Some("a.t")),
        ]));
        // a's extra backup c is reciprocal from c's side; c is named only by a, so no many-to-one;
        // but a is named by b and c: a is the hub of two pools.
        assert!(codes(&f).contains(&"backup-many-to-one"), "{f:?}");
    }
}
