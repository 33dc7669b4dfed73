//! Compatibility of the two pools of each front-end backup edge (once per unordered pair).
//! Sources: DOMAIN.md §3 and §4 (S2, S3, S7, S13, S14). Unknown facts never raise a mismatch.

use std::collections::BTreeSet;

use super::{Code, Finding, Severity};
use crate::i18n::Message;
use crate::model::{Edition, Estate, Fact, Pool, Role, Source, Version, site_key};

/// Users one Enterprise pool carries at most (2013+), and one Standard Edition server.
pub const ENTERPRISE_MAX_USERS: u64 = 80_000;
pub const STANDARD_MAX_USERS: u64 = 5_000;
/// One front end per this many users, up to [`MAX_FRONT_ENDS`].
pub const USERS_PER_FRONT_END: u64 = 6_660;
pub const MAX_FRONT_ENDS: u64 = 12;

pub fn check(estate: &Estate, out: &mut Vec<Finding>) {
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for p in estate.pools.iter().filter(|p| p.role == Role::FrontEnd) {
        for target in p.all_backups() {
            let Some(q) = estate.pool(target) else {
                continue;
            };
            if q.role != Role::FrontEnd || q.fqdn == p.fqdn {
                continue;
            }
            let key = if p.fqdn < q.fqdn {
                (p.fqdn.as_str(), q.fqdn.as_str())
            } else {
                (q.fqdn.as_str(), p.fqdn.as_str())
            };
            if !seen.insert(key) {
                continue;
            }
            let (a, b) = if p.fqdn <= q.fqdn { (p, q) } else { (q, p) };
            check_pair(estate, a, b, out);
        }
    }
}

fn pools(a: &Pool, b: &Pool) -> Vec<String> {
    vec![a.fqdn.clone(), b.fqdn.clone()]
}

fn check_pair(estate: &Estate, a: &Pool, b: &Pool, out: &mut Vec<Finding>) {
    out.extend(version_mismatch(a, b));
    // The other rules judge a 2013+ pair. A Lync 2010 relationship is never carried into a 2013
    // topology, so its edition, platform, OS, site and capacity do not matter (CONTRACT.md).
    let both_2013_or_later = [a.version, b.version]
        .iter()
        .all(|v| v.is_some_and(|v| v >= Version::V2013));
    if !both_2013_or_later {
        return;
    }
    out.extend(edition_mismatch(a, b));
    out.extend(same_site(a, b));
    out.extend(platform_mismatch(a, b));
    out.extend(os_mismatch(a, b));
    out.extend(capacity(estate, a, b));
}

/// Where the backup relationship of the pair was read: the evidence of every pair finding.
fn edge_sources(a: &Pool, b: &Pool) -> Vec<Source> {
    [a.sources_of(Fact::Backup), b.sources_of(Fact::Backup)].concat()
}

/// `pair-version-mismatch`: versions differ; an error when one is 2010 or 2019, a warning in
/// the 2013/2015 upgrade window.
fn version_mismatch(a: &Pool, b: &Pool) -> Option<Finding> {
    if let (Some(va), Some(vb)) = (a.version, b.version)
        && va != vb
    {
        // 2010 has no pairing at all, and 2019 pairs only with 2019; 2013 with 2015 is the
        // in-place upgrade window.
        let severity = if va == Version::V2010
            || vb == Version::V2010
            || va == Version::V2019
            || vb == Version::V2019
        {
            Severity::Error
        } else {
            Severity::Warning
        };
        let why = if va == Version::V2010 || vb == Version::V2010 {
            "msg.version.lync2010"
        } else if severity == Severity::Error {
            "msg.version.2019"
        } else {
            "msg.version.upgrade"
        };
        return Some(Finding::new(
            Code::PairVersionMismatch,
            severity,
            pools(a, b),
            Message::new("msg.pair_version_mismatch")
                .arg("a", &a.fqdn)
                .arg("va", va.label())
                .arg("b", &b.fqdn)
                .arg("vb", vb.label())
                .label("why", why),
            [
                edge_sources(a, b),
                a.sources_of(Fact::Version),
                b.sources_of(Fact::Version),
            ]
            .concat(),
        ));
    }
    None
}

/// `pair-edition-mismatch`: the two pools' editions differ.
fn edition_mismatch(a: &Pool, b: &Pool) -> Option<Finding> {
    if let (Some(ea), Some(eb)) = (a.edition, b.edition)
        && ea != eb
    {
        return Some(Finding::new(
            Code::PairEditionMismatch,
            Severity::Error,
            pools(a, b),
            Message::new("msg.pair_mismatch")
                .arg("a", &a.fqdn)
                .label("va", format!("edition.{}", ea.label()))
                .arg("b", &b.fqdn)
                .label("vb", format!("edition.{}", eb.label())),
            [
                edge_sources(a, b),
                a.sources_of(Fact::Edition),
                b.sources_of(Fact::Edition),
            ]
            .concat(),
        ));
    }
    None
}

/// `pair-same-site`: both pools are in one site.
fn same_site(a: &Pool, b: &Pool) -> Option<Finding> {
    if let (Some(sa), Some(sb)) = (&a.site, &b.site)
        && site_key(sa) == site_key(sb)
    {
        return Some(Finding::new(
            Code::PairSameSite,
            Severity::Warning,
            pools(a, b),
            Message::new("msg.pair_same_site")
                .arg("a", &a.fqdn)
                .arg("b", &b.fqdn)
                .arg("site", sa),
            edge_sources(a, b),
        ));
    }
    None
}

/// `pair-platform-mismatch`: one pool is virtual, the other physical.
fn platform_mismatch(a: &Pool, b: &Pool) -> Option<Finding> {
    if let (Some(va), Some(vb)) = (a.virtual_machine, b.virtual_machine)
        && va != vb
    {
        let kind = |v: bool| if v { "value.virtual" } else { "value.physical" };
        return Some(Finding::new(
            Code::PairPlatformMismatch,
            Severity::Error,
            pools(a, b),
            Message::new("msg.pair_mismatch")
                .arg("a", &a.fqdn)
                .label("va", kind(va))
                .arg("b", &b.fqdn)
                .label("vb", kind(vb)),
            [
                edge_sources(a, b),
                a.sources_of(Fact::Virtual),
                b.sources_of(Fact::Virtual),
            ]
            .concat(),
        ));
    }
    None
}

/// `pair-os-mismatch`: the pools' base operating systems differ.
fn os_mismatch(a: &Pool, b: &Pool) -> Option<Finding> {
    if let (Some(oa), Some(ob)) = (&a.os, &b.os)
        && base_os(oa) != base_os(ob)
    {
        return Some(Finding::new(
            Code::PairOsMismatch,
            Severity::Error,
            pools(a, b),
            Message::new("msg.pair_os_mismatch")
                .arg("a", &a.fqdn)
                .arg("oa", oa)
                .arg("b", &b.fqdn)
                .arg("ob", ob),
            [
                edge_sources(a, b),
                a.sources_of(Fact::Os),
                b.sources_of(Fact::Os),
            ]
            .concat(),
        ));
    }
    None
}

/// `pair-capacity`: one pool could not carry the users of both.
fn capacity(estate: &Estate, a: &Pool, b: &Pool) -> Option<Finding> {
    if let Some(problem) = capacity_problem(estate, a, b) {
        // The counted branch users are part of the evidence: name where they were read too.
        let branch_sources = backed_branches(estate, a)
            .chain(backed_branches(estate, b))
            .filter(|br| br.users.is_some())
            .flat_map(|br| br.sources_of(Fact::Users));
        return Some(Finding::new(
            Code::PairCapacity,
            Severity::Warning,
            pools(a, b),
            problem,
            [
                edge_sources(a, b),
                a.sources_of(Fact::Users),
                b.sources_of(Fact::Users),
            ]
            .concat()
            .into_iter()
            .chain(branch_sources)
            .collect(),
        ));
    }
    None
}

/// The base operating system (CONTRACT.md): the Windows Server year plus "R2" where present;
/// "Microsoft", the edition and the bitness are ignored, so "Microsoft Windows Server 2012 R2
/// Datacenter (64-bit)" and "Windows Server 2012 R2 Standard" are one base, "2012 r2".
pub fn base_os(os: &str) -> String {
    let lower = os.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(i) = words
        .iter()
        .position(|w| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))
    {
        let r2 = words.get(i + 1).is_some_and(|w| *w == "r2");
        return format!("{}{}", words[i], if r2 { " r2" } else { "" });
    }
    words
        .into_iter()
        .filter(|w| *w != "microsoft" && !w.ends_with("-bit"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Users a pool must carry: its own plus those of the branch registrars it backs (DOMAIN.md §6).
/// `None` when its own users are unknown.
pub fn carried_users(estate: &Estate, pool: &Pool) -> Option<u64> {
    carried_users_by(pool, estate.pools.iter().map(|b| (b, b.backup.as_deref())))
}

/// [`carried_users`] with each pool's backup as `backups` gives it (the planner's, once branch
/// registrars have moved) instead of the one its estate names.
pub fn carried_users_by<'e>(
    pool: &Pool,
    backups: impl Iterator<Item = (&'e Pool, Option<&'e str>)>,
) -> Option<u64> {
    let own = pool.users?;
    let backed = backups
        .filter(|(b, backup)| b.role == Role::Branch && *backup == Some(pool.fqdn.as_str()))
        .map(|(b, _)| b);
    Some(own.saturating_add(branch_users(backed)))
}

/// The users of `branches` that are known, summed. Saturating: a count above any limit must still
/// raise `pair-capacity`, never wrap to zero (and a saturating sum of counts is the same in any
/// order, which [`CarriedUsers`] relies on).
fn branch_users<'e>(branches: impl Iterator<Item = &'e Pool>) -> u64 {
    branches
        .filter_map(|b| b.users)
        .fold(0, u64::saturating_add)
}

/// [`carried_users`] of every pool of an estate, for callers that ask for many pools (the planner
/// checks n² pairs): the branch registrars are summed by the pool they back in one pass, instead
/// of one pass over the estate per pool.
pub struct CarriedUsers<'e> {
    branch_users: std::collections::HashMap<&'e str, u64>,
}

impl<'e> CarriedUsers<'e> {
    pub fn of(estate: &'e Estate) -> CarriedUsers<'e> {
        CarriedUsers::by(estate.pools.iter().map(|b| (b, b.backup.as_deref())))
    }

    /// [`CarriedUsers::of`] with each pool's backup as `backups` gives it (see
    /// [`carried_users_by`]).
    pub fn by(backups: impl Iterator<Item = (&'e Pool, Option<&'e str>)>) -> CarriedUsers<'e> {
        let mut by_backup: std::collections::HashMap<&'e str, Vec<&'e Pool>> =
            std::collections::HashMap::new();
        for (b, backup) in backups.filter(|(b, _)| b.role == Role::Branch) {
            if let Some(backup) = backup {
                by_backup.entry(backup).or_default().push(b);
            }
        }
        CarriedUsers {
            branch_users: by_backup
                .into_iter()
                .map(|(backup, branches)| (backup, branch_users(branches.into_iter())))
                .collect(),
        }
    }

    /// [`carried_users`] of `pool`, a pool of the estate this was made of.
    pub fn of_pool(&self, pool: &Pool) -> Option<u64> {
        let own = pool.users?;
        let branch = self.branch_users.get(pool.fqdn.as_str()).copied();
        Some(own.saturating_add(branch.unwrap_or(0)))
    }
}

/// The branch registrars whose backup is `pool`.
fn backed_branches<'e>(estate: &'e Estate, pool: &'e Pool) -> impl Iterator<Item = &'e Pool> {
    estate
        .pools
        .iter()
        .filter(|b| b.role == Role::Branch && b.backup.as_deref() == Some(pool.fqdn.as_str()))
}

/// Whether one of two pools could not carry both pools' users; the reason, for the finding and the planner.
pub fn capacity_problem(estate: &Estate, a: &Pool, b: &Pool) -> Option<Message> {
    capacity_problem_of(
        [a, b],
        [carried_users(estate, a)?, carried_users(estate, b)?],
    )
}

/// [`capacity_problem`] of two pools that carry `carried` users each (see [`carried_users`]).
pub fn capacity_problem_of(pools: [&Pool; 2], carried: [u64; 2]) -> Option<Message> {
    let combined = carried[0].saturating_add(carried[1]);
    let problems: Vec<Message> = pools
        .iter()
        .filter_map(|p| broken_limit(p, combined))
        .map(Limit::message)
        .collect();
    if problems.is_empty() {
        None
    } else {
        Some(
            Message::new("msg.pair_capacity")
                .arg("users", combined.to_string())
                .join("problems", problems, "; "),
        )
    }
}

/// The most users a pair can carry before it breaks a limit of `p` (`u64::MAX` when its edition is
/// unknown): `broken_limit(p, combined)` is `None` exactly when `combined` is at most this, so two
/// pools fit together when their combined users are at most the smaller of their two numbers
/// ([`capacity_problem_of`] without its words). Worked out once per pool for the planner, which
/// checks n² pairs.
pub fn most_users(p: &Pool) -> u64 {
    match p.edition {
        // `broken_limit` asks for more front ends than the pool has from `servers` ×
        // USERS_PER_FRONT_END + 1 users on, but never for more than MAX_FRONT_ENDS.
        Some(Edition::Enterprise) if p.servers > 0 && u64::from(p.servers) < MAX_FRONT_ENDS => {
            ENTERPRISE_MAX_USERS.min(u64::from(p.servers) * USERS_PER_FRONT_END)
        }
        Some(Edition::Enterprise) => ENTERPRISE_MAX_USERS,
        Some(Edition::Standard) => STANDARD_MAX_USERS,
        None => u64::MAX,
    }
}

/// A limit of one pool that carrying `combined` users breaks.
enum Limit<'p> {
    EnterpriseMax(&'p Pool),
    Servers { pool: &'p Pool, needed: u64 },
    StandardMax(&'p Pool),
}

fn broken_limit(p: &Pool, combined: u64) -> Option<Limit<'_>> {
    match p.edition {
        Some(Edition::Enterprise) if combined > ENTERPRISE_MAX_USERS => {
            Some(Limit::EnterpriseMax(p))
        }
        Some(Edition::Enterprise) => {
            let needed = combined.div_ceil(USERS_PER_FRONT_END).min(MAX_FRONT_ENDS);
            // No pool has 0 servers: 0 means no input counted them (an inventory without
            // a server column), and unknown facts never raise a finding.
            (p.servers > 0 && u64::from(p.servers) < needed)
                .then_some(Limit::Servers { pool: p, needed })
        }
        Some(Edition::Standard) if combined > STANDARD_MAX_USERS => Some(Limit::StandardMax(p)),
        _ => None,
    }
}

impl Limit<'_> {
    fn message(self) -> Message {
        match self {
            Limit::EnterpriseMax(p) => Message::new("msg.capacity.enterprise_max")
                .arg("pool", &p.fqdn)
                .arg("max", ENTERPRISE_MAX_USERS.to_string()),
            Limit::Servers { pool, needed } => Message::new("msg.capacity.servers")
                .arg("pool", &pool.fqdn)
                .arg("servers", pool.servers.to_string())
                .arg("needed", needed.to_string()),
            Limit::StandardMax(p) => Message::new("msg.capacity.standard_max")
                .arg("pool", &p.fqdn)
                .arg("max", STANDARD_MAX_USERS.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{codes, estate, fe};
    use super::*;
    use crate::model::Source;

    fn run(pools: Vec<Pool>) -> Vec<Finding> {
        let mut out = Vec::new();
        check(&estate(pools), &mut out);
        out
    }

    fn pair() -> (Pool, Pool) {
        (fe("a.t", "s1", Some("b.t")), fe("b.t", "s2", Some("a.t")))
    }

    #[test]
    fn compatible_pair_is_clean_and_checked_once() {
        let (a, b) = pair();
        assert!(run(vec![a, b]).is_empty());
    }

    #[test]
    fn edition_platform_os_mismatches() {
        let (mut a, mut b) = pair();
        b.edition = Some(Edition::Standard);
        a.virtual_machine = Some(true);
        b.virtual_machine = Some(false);
        a.os = Some("Windows Server 2012 R2 Datacenter".into());
        b.os = Some("Windows Server 2016 Standard".into());
        let f = run(vec![a, b]);
        assert_eq!(
            codes(&f),
            [
                "pair-edition-mismatch",
                "pair-platform-mismatch",
                "pair-os-mismatch"
            ]
        );
        assert_eq!(f[0].pools, ["a.t", "b.t"]);
    }

    #[test]
    fn same_base_os_is_not_a_mismatch() {
        assert_eq!(
            base_os("Windows Server 2012 R2 Datacenter"),
            base_os("windows server 2012 r2 standard")
        );
        assert_ne!(
            base_os("Windows Server 2012"),
            base_os("Windows Server 2012 R2")
        );
        assert_eq!(
            base_os("Microsoft Windows Server 2012 R2 Datacenter (64-bit)"),
            "2012 r2"
        );
    }

    #[test]
    fn unknown_facts_raise_nothing() {
        let (mut a, b) = pair();
        a.edition = None;
        a.version = None;
        a.os = Some("Windows Server 2019".into());
        assert!(run(vec![a, b]).is_empty());
    }

    #[test]
    fn version_mismatch_severity_depends_on_2010_and_2019() {
        let cases = [
            (Version::V2013, Version::V2015, Severity::Warning),
            (Version::V2010, Version::V2013, Severity::Error),
            (Version::V2015, Version::V2019, Severity::Error),
            (Version::V2019, Version::V2013, Severity::Error),
        ];
        for (va, vb, severity) in cases {
            let (mut a, mut b) = pair();
            a.version = Some(va);
            b.version = Some(vb);
            let f = run(vec![a, b]);
            assert_eq!(codes(&f), ["pair-version-mismatch"], "{va:?} {vb:?}");
            assert_eq!(f[0].severity, severity, "{va:?} {vb:?}");
        }
    }

    #[test]
    fn a_pair_with_a_2010_side_is_only_checked_for_its_version() {
        let (mut a, mut b) = pair();
        a.version = Some(Version::V2010);
        b.site = Some("s1".into());
        b.edition = Some(Edition::Standard);
        a.users = Some(90_000);
        b.users = Some(1);
        assert_eq!(
            codes(&run(vec![a.clone(), b.clone()])),
            ["pair-version-mismatch"]
        );
        // Two 2010 pools: nothing from the pair rules at all.
        b.version = Some(Version::V2010);
        assert!(run(vec![a, b]).is_empty());
    }

    #[test]
    fn same_site_is_a_warning() {
        let (a, mut b) = pair();
        b.site = Some("s1".into());
        assert_eq!(codes(&run(vec![a.clone(), b.clone()])), ["pair-same-site"]);
        // Sites compare trimmed, whitespace-collapsed and case-insensitively.
        b.site = Some("  S1 ".into());
        let f = run(vec![a, b]);
        assert_eq!(codes(&f), ["pair-same-site"]);
        assert!(f[0].message.contains("(s1)"), "{}", f[0].message);
    }

    #[test]
    fn user_counts_saturate_and_still_raise_capacity() {
        // 0.1.0 wrapped u64::MAX + 1 to 0 in release builds, and the finding was lost.
        let (mut a, mut b) = pair();
        a.users = Some(u64::MAX);
        b.users = Some(1);
        let mut sba = fe("sba.t", "branch1", Some("a.t"));
        sba.role = Role::Branch;
        sba.users = Some(u64::MAX);
        let e = estate(vec![a.clone(), b.clone(), sba]);
        assert_eq!(carried_users(&e, e.pool("a.t").unwrap()), Some(u64::MAX));
        assert_eq!(codes(&run(vec![a, b])), ["pair-capacity"]);
    }

    #[test]
    fn capacity_counts_branch_users_and_servers() {
        let (mut a, mut b) = pair();
        a.users = Some(40_000);
        b.users = Some(40_000);
        a.servers = 12;
        b.servers = 12;
        // Exactly 80,000 with 12 servers each is within capacity (DOMAIN.md §3).
        assert!(run(vec![a.clone(), b.clone()]).is_empty());
        let mut sba = fe("sba.t", "branch1", Some("a.t"));
        sba.role = Role::Branch;
        sba.users = Some(1);
        let users_csv = Source::new("users.csv", None);
        sba.provenance.insert(Fact::Users, vec![users_csv.clone()]);
        let f = run(vec![a.clone(), b.clone(), sba]);
        assert_eq!(codes(&f), ["pair-capacity"]);
        assert!(f[0].message.contains("80001"), "{}", f[0].message);
        assert!(
            f[0].sources.contains(&users_csv),
            "the counted branch users are cited: {:?}",
            f[0].sources
        );
        // Enough users but too few servers.
        a.users = Some(10_000);
        b.users = Some(10_000);
        a.servers = 2;
        let f = run(vec![a, b]);
        assert!(
            f[0].message
                .contains("a.t has 2 front-end servers but needs 4"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn unknown_server_count_is_not_too_few() {
        let (mut a, mut b) = pair();
        a.users = Some(10_000);
        b.users = Some(10_000);
        a.servers = 0;
        b.servers = 0;
        assert!(run(vec![a.clone(), b.clone()]).is_empty());
        b.servers = 2;
        assert_eq!(codes(&run(vec![a, b])), ["pair-capacity"]);
    }

    #[test]
    fn most_users_is_where_a_limit_breaks() {
        let (mut p, _) = pair();
        for edition in [Some(Edition::Enterprise), Some(Edition::Standard), None] {
            for servers in 0..=14 {
                p.edition = edition;
                p.servers = servers;
                let most = most_users(&p);
                let around = |n: u64| [n.saturating_sub(1), n, n.saturating_add(1)];
                let counts = [0, 1, STANDARD_MAX_USERS, ENTERPRISE_MAX_USERS, u64::MAX]
                    .into_iter()
                    .chain((1..=MAX_FRONT_ENDS + 1).map(|k| k * USERS_PER_FRONT_END))
                    .flat_map(around);
                for combined in counts {
                    assert_eq!(
                        broken_limit(&p, combined).is_none(),
                        combined <= most,
                        "{edition:?}, {servers} servers, {combined} users"
                    );
                }
            }
        }
    }

    #[test]
    fn standard_capacity() {
        let (mut a, mut b) = pair();
        a.edition = Some(Edition::Standard);
        b.edition = Some(Edition::Standard);
        a.users = Some(2_500);
        b.users = Some(2_500);
        assert!(run(vec![a.clone(), b.clone()]).is_empty());
        b.users = Some(2_501);
        assert_eq!(codes(&run(vec![a, b])), ["pair-capacity"]);
    }
}
