//! Branch registrars (SBA/SBS): what backs them, and the disaster recovery their users lack.
//! Sources: DOMAIN.md §3 and §6 (S1, S6, S9, S13, S19, S-Assoc).

use super::{Code, Finding, Severity};
use crate::i18n::Message;
use crate::model::{Estate, Fact, Role, SiteKind};

pub fn check(estate: &Estate, out: &mut Vec<Finding>) {
    for b in estate.pools.iter().filter(|p| p.role == Role::Branch) {
        let Some(target) = b.backup.as_deref() else {
            out.push(Finding::new(
                Code::BranchBackupMissing,
                Severity::Warning,
                vec![b.fqdn.clone()],
                Message::new("msg.branch_backup_missing").arg("pool", &b.fqdn),
                b.sources_of(Fact::Pool),
            ));
            continue;
        };
        // A branch registrar backed by itself or by a pool not in the estate gets backup-self or
        // backup-unknown-pool from the backup rules, nothing here.
        if target == b.fqdn {
            continue;
        }
        let Some(q) = estate.pool(target) else {
            continue;
        };
        let in_branch_site = q
            .site
            .as_deref()
            .and_then(|s| estate.site(s))
            .is_some_and(|s| s.kind == SiteKind::Branch);
        if q.role != Role::FrontEnd || in_branch_site {
            let what = if q.role != Role::FrontEnd {
                Message::new("msg.branch.role").label("role", format!("role.{}", q.role.label()))
            } else {
                Message::new("msg.branch.in_branch_site")
            };
            out.push(Finding::new(
                Code::BranchBackupInvalid,
                Severity::Error,
                vec![b.fqdn.clone(), q.fqdn.clone()],
                Message::new("msg.branch_backup_invalid")
                    .arg("pool", &b.fqdn)
                    .arg("target", &q.fqdn)
                    .msg("what", what),
                [b.sources_of(Fact::Backup), q.sources_of(Fact::Pool)].concat(),
            ));
            continue;
        }
        // Backed as it should be: what remains is the disaster recovery its users never get.
        out.push(Finding::new(
            Code::BranchNoDr,
            Severity::Info,
            vec![b.fqdn.clone(), q.fqdn.clone()],
            Message::new("msg.branch_no_dr")
                .arg("pool", &b.fqdn)
                .arg("target", &q.fqdn),
            [b.sources_of(Fact::Pool), b.sources_of(Fact::Backup)].concat(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{codes, estate, fe};
    use super::*;
    use crate::model::Pool;

    fn branch(fqdn: &str, backup: Option<&str>) -> Pool {
        let mut p = fe(fqdn, "branch-linz", backup);
        p.role = Role::Branch;
        p.edition = None;
        p
    }

    fn run(pools: Vec<Pool>) -> Vec<Finding> {
        let mut out = Vec::new();
        check(&estate(pools), &mut out);
        out
    }

    #[test]
    fn backed_by_central_front_end_is_only_informational() {
        let f = run(vec![
            fe("pool.t", "central", None),
            branch("sba.t", Some("pool.t")),
        ]);
        assert_eq!(codes(&f), ["branch-no-dr"]);
        assert_eq!(f[0].pools, ["sba.t", "pool.t"]);
    }

    #[test]
    fn missing_backup() {
        let f = run(vec![branch("sba.t", None)]);
        assert_eq!(codes(&f), ["branch-backup-missing"]);
    }

    #[test]
    fn backed_by_director_or_branch_site_pool_is_invalid() {
        let mut dir = fe("dir.t", "central", None);
        dir.role = Role::Director;
        let f = run(vec![dir, branch("sba.t", Some("dir.t"))]);
        assert_eq!(codes(&f), ["branch-backup-invalid"]);
        assert_eq!(f[0].pools, ["sba.t", "dir.t"]);
        let f = run(vec![
            fe("fe.t", "branch-x", None),
            branch("sba.t", Some("fe.t")),
        ]);
        assert_eq!(codes(&f), ["branch-backup-invalid"]);
        assert_eq!(f[0].pools, ["sba.t", "fe.t"]);
        assert!(f[0].message.contains("branch site"));
    }

    #[test]
    fn self_and_unknown_backups_are_left_to_the_backup_rules() {
        assert!(run(vec![branch("sba.t", Some("sba.t"))]).is_empty());
        assert!(run(vec![branch("sba.t", Some("gone.t"))]).is_empty());
        let all = super::super::check(&estate(vec![branch("sba.t", Some("gone.t"))]));
        assert_eq!(codes(&all), ["backup-unknown-pool"]);
    }
}
