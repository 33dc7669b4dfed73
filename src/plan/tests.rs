// A test reads top to bottom as one scenario with its checks next to each step; the 100-line limit
// (Cargo.toml) is for the product code.
#![allow(clippy::too_many_lines)]

use super::constraints::blockers;
use super::*;
use crate::model::{Edition, Pool, Role, Site, SiteKind, Version};
use crate::rules::test_support::{estate, fe};

fn request(pins: &[(&str, &str)], forbids: &[(&str, &str)]) -> PlanRequest {
    let own = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    };
    PlanRequest {
        pins: own(pins),
        forbids: own(forbids),
        ..PlanRequest::default()
    }
}

fn plan_one(e: &Estate, req: &PlanRequest) -> PairingPlan {
    let mut plans = plan(&[e], req).unwrap_or_else(|errs| panic!("plan refused: {errs:?}"));
    plans.remove(0)
}

fn pair_names(p: &PairingPlan) -> Vec<[String; 2]> {
    p.pairs
        .iter()
        .map(|x| x.pools().map(str::to_owned))
        .collect()
}

fn names(list: &[[&str; 2]]) -> Vec<[String; 2]> {
    list.iter().map(|p| p.map(str::to_owned)).collect()
}

fn reason<'a>(p: &'a PairingPlan, pool: &str) -> &'a str {
    &p.unpaired
        .iter()
        .find(|u| u.pool == pool)
        .unwrap_or_else(|| panic!("{pool} is not unpaired: {:?}", p.unpaired))
        .reason
}

fn branch(fqdn: &str, site: &str, backup: &str, users: u64) -> Pool {
    let mut b = fe(fqdn, site, Some(backup));
    b.role = Role::Branch;
    b.edition = None;
    b.users = Some(users);
    b
}

/// An ordinary estate where taking the best-looking pair first fails: b–c are paired today across
/// sites (kept and cross-site), but only a–b plus c–d pairs everyone. Compatibility is a path
/// a–b–c–d: a is virtual and c, d physical; b runs Windows Server 2012 R2 and d 2016.
fn path_estate() -> Estate {
    let mut a = fe("a.contoso.test", "Berlin", None);
    let mut b = fe("b.contoso.test", "Paris", Some("c.contoso.test"));
    let mut c = fe("c.contoso.test", "Madrid", Some("b.contoso.test"));
    let mut d = fe("d.contoso.test", "Berlin", None);
    a.virtual_machine = Some(true);
    c.virtual_machine = Some(false);
    d.virtual_machine = Some(false);
    b.os = Some("Windows Server 2012 R2 Datacenter".into());
    d.os = Some("Windows Server 2016 Standard".into());
    estate(vec![a, b, c, d])
}

#[test]
fn greedy_fails_where_the_matching_finds_the_optimum() {
    let e = path_estate();
    let eligible: Vec<&Pool> = e.pools.iter().collect();
    // Greedy: best single pair first (cross-site, then kept), then whatever remains.
    let forbidden = Forbidden::default();
    let mut edges = Vec::new();
    for i in 0..eligible.len() {
        for j in (i + 1)..eligible.len() {
            if blockers(&e, eligible[i], eligible[j], &forbidden).is_empty() {
                let score = (
                    cross_site(eligible[i], eligible[j]),
                    kept(eligible[i], eligible[j]),
                );
                edges.push((score, i, j));
            }
        }
    }
    edges.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut used = BTreeSet::new();
    let mut greedy = 0;
    for (_, i, j) in edges {
        if !used.contains(&i) && !used.contains(&j) {
            used.extend([i, j]);
            greedy += 1;
        }
    }
    assert_eq!(greedy, 1, "the example must defeat greedy");

    let p = plan_one(&e, &PlanRequest::default());
    assert_eq!(
        pair_names(&p),
        names(&[
            ["a.contoso.test", "b.contoso.test"],
            ["c.contoso.test", "d.contoso.test"]
        ])
    );
    assert_eq!(
        p.objective,
        Objective {
            pairs: 2,
            cross_site: 2,
            kept: 0
        }
    );
    assert!(p.unpaired.is_empty());
    // The pair of today is broken up: both directions are removed.
    let removed: Vec<(&str, &str)> = p
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Remove { from, to, .. } => Some((from.as_str(), to.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        removed,
        [
            ("b.contoso.test", "c.contoso.test"),
            ("c.contoso.test", "b.contoso.test")
        ]
    );
    assert!(p.pairs.iter().all(PlannedPair::is_repair));
}

#[test]
fn cross_site_then_kept_decide_between_equal_counts() {
    // Four compatible pools: {a,b} kept in one site, {c,d} kept in another. Crossing the sites gives
    // two cross-site pairs and beats keeping both relationships.
    let e = estate(vec![
        fe("a.t", "s1", Some("b.t")),
        fe("b.t", "s1", Some("a.t")),
        fe("c.t", "s2", Some("d.t")),
        fe("d.t", "s2", Some("c.t")),
    ]);
    let p = plan_one(&e, &PlanRequest::default());
    assert_eq!(
        p.objective,
        Objective {
            pairs: 2,
            cross_site: 2,
            kept: 0
        }
    );
    // With sites unknown, keeping wins.
    let mut e2 = e.clone();
    for pool in &mut e2.pools {
        pool.site = None;
    }
    let p2 = plan_one(&e2, &PlanRequest::default());
    assert_eq!(pair_names(&p2), names(&[["a.t", "b.t"], ["c.t", "d.t"]]));
    assert_eq!(p2.objective.kept, 2);
    assert!(
        p2.pairs
            .iter()
            .all(|x| x.reciprocal_today && !x.needs_setup())
    );
}

#[test]
fn pins_are_forced_and_forbids_honoured() {
    let e = path_estate();
    // Pin b–c (today's pair): a and d are left without a partner.
    let p = plan_one(&e, &request(&[("c.contoso.test", "b.contoso.test")], &[]));
    assert_eq!(
        pair_names(&p),
        names(&[["b.contoso.test", "c.contoso.test"]])
    );
    assert!(p.pairs[0].pinned);
    assert_eq!(
        reason(&p, "a.contoso.test"),
        "odd one out: every compatible partner is paired with another pool \
         (b.contoso.test with c.contoso.test by --pin)"
    );
    // Forbid a–b: a has no partner left, and the matching re-pairs b with c.
    let p = plan_one(&e, &request(&[], &[("b.contoso.test", "a.contoso.test")]));
    assert_eq!(
        pair_names(&p),
        names(&[["b.contoso.test", "c.contoso.test"]])
    );
    let why = reason(&p, "a.contoso.test");
    assert!(why.starts_with("no compatible partner: "), "{why}");
    assert!(
        why.contains("forbidden (--forbid) with b.contoso.test"),
        "{why}"
    );
    assert!(
        why.contains(
            "differs in platform (virtual vs physical) with c.contoso.test, d.contoso.test"
        ),
        "{why}"
    );
}

#[test]
fn a_pin_that_breaks_a_constraint_is_refused() {
    let e = path_estate();
    let errs = plan(
        &[&e],
        &request(&[("a.contoso.test", "c.contoso.test")], &[]),
    )
    .unwrap_err()
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with("--pin a.contoso.test=c.contoso.test: these pools cannot be paired:"),
        "{}",
        errs[0]
    );
    assert!(
        errs[0].contains("platform (virtual vs physical)"),
        "{}",
        errs[0]
    );

    // A pin and a forbid of the same pair.
    let errs = plan(
        &[&e],
        &request(
            &[("a.contoso.test", "b.contoso.test")],
            &[("b.contoso.test", "a.contoso.test")],
        ),
    )
    .unwrap_err()
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>();
    assert!(errs[0].contains("forbidden"), "{errs:?}");

    // One pool pinned twice.
    let errs = plan(
        &[&e],
        &request(
            &[
                ("a.contoso.test", "b.contoso.test"),
                ("b.contoso.test", "c.contoso.test"),
            ],
            &[],
        ),
    )
    .unwrap_err()
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("is already pinned to"), "{}", errs[0]);

    // The same pin twice, either way round, is one pin.
    let p = plan_one(
        &e,
        &request(
            &[
                ("a.contoso.test", "b.contoso.test"),
                ("b.contoso.test", "a.contoso.test"),
            ],
            &[],
        ),
    );
    assert_eq!(p.objective.pairs, 2);
}

#[test]
fn pins_must_name_eligible_pools_of_an_estate() {
    let mut old = fe("old.t", "s1", None);
    old.version = Some(Version::V2010);
    let mut dir = fe("dir.t", "s1", None);
    dir.role = Role::Director;
    let e = estate(vec![fe("a.t", "s1", None), fe("b.t", "s2", None), old, dir]);
    let errs = plan(&[&e], &request(&[("a.t", "old.t")], &[]))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        errs,
        [
            "--pin a.t=old.t: cannot pin old.t: it is a Lync 2010 pool, which has no pool pairing; \
             migrate it first (its users move to successor-of-old.t: pin that instead)"
        ]
    );
    let errs = plan(&[&e], &request(&[("dir.t", "b.t")], &[]))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert!(errs[0].contains("it is a director pool"), "{errs:?}");
    let errs = plan(&[&e], &request(&[("a.t", "nowhere.t")], &[]))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        errs,
        ["--pin a.t=nowhere.t: nowhere.t is not a pool of the inputs; check the FQDNs"]
    );
    let errs = plan(&[&e], &request(&[], &[("x.t", "nowhere.t")]))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert!(
        errs[0].starts_with("--forbid x.t=nowhere.t: neither"),
        "{errs:?}"
    );
}

#[test]
fn with_several_estates_a_pin_applies_where_both_pools_are() {
    let mut e1 = estate(vec![
        fe("a.t", "s1", None),
        fe("b.t", "s2", None),
        fe("c.t", "s3", None),
    ]);
    e1.name = "one".into();
    let mut e2 = estate(vec![fe("x.t", "s1", None), fe("y.t", "s2", None)]);
    e2.name = "two".into();
    let plans = plan(&[&e1, &e2], &request(&[("a.t", "c.t")], &[])).unwrap();
    assert_eq!(pair_names(&plans[0]), names(&[["a.t", "c.t"]]));
    assert_eq!(pair_names(&plans[1]), names(&[["x.t", "y.t"]]));
    let errs = plan(&[&e1, &e2], &request(&[("a.t", "x.t")], &[]))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        errs,
        ["--pin a.t=x.t: a.t and x.t are in different estates (one and two); check the FQDNs"]
    );
    // A refused pin names its estate when there are several.
    let mut e3 = e2.clone();
    e3.pools[1].edition = Some(Edition::Standard);
    let errs = plan(&[&e1, &e3], &request(&[("x.t", "y.t")], &[]))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>();
    assert!(errs[0].ends_with("(estate two)"), "{errs:?}");
}

#[test]
fn every_unpaired_pool_has_an_actionable_reason() {
    let mut se = fe("se.t", "s1", None);
    se.edition = Some(Edition::Standard);
    let mut unknown_edition = fe("ue.t", "s1", None);
    unknown_edition.edition = None;
    let mut unknown_version = fe("uv.t", "s1", None);
    unknown_version.version = None;
    let mut big = fe("big.t", "s3", None);
    big.users = Some(70_000);
    big.servers = 12;
    let mut other = fe("other.t", "s2", None);
    other.users = Some(20_000);
    other.servers = 12;
    let e = estate(vec![se, unknown_edition, unknown_version, big, other]);
    let p = plan_one(&e, &PlanRequest::default());
    assert!(p.pairs.is_empty(), "{:?}", p.pairs);
    let big_reason = reason(&p, "big.t");
    assert!(
        big_reason.contains("over capacity (after a failover one pool carries 90000 users"),
        "{big_reason}"
    );
    assert!(big_reason.contains(") with other.t"), "{big_reason}");
    assert!(
        big_reason.contains("differs in edition (enterprise vs standard) with se.t"),
        "{big_reason}"
    );
    assert!(
        reason(&p, "ue.t").contains("its edition is unknown"),
        "{}",
        reason(&p, "ue.t")
    );
    assert!(reason(&p, "uv.t").starts_with("not eligible: its version is unknown"));
    assert_eq!(p.unpaired.len(), 5);
    let pools: Vec<&str> = p.unpaired.iter().map(|u| u.pool.as_str()).collect();
    assert_eq!(pools, ["big.t", "other.t", "se.t", "ue.t", "uv.t"]);

    let alone = plan_one(
        &estate(vec![fe("a.t", "s1", None)]),
        &PlanRequest::default(),
    );
    assert_eq!(
        reason(&alone, "a.t"),
        "no compatible partner: it is the only front-end pool of Lync 2013 or later in the estate"
    );
}

#[test]
fn capacity_counts_the_branch_users_a_pool_backs() {
    let mut a = fe("a.t", "s1", None);
    let mut b = fe("b.t", "s2", None);
    a.users = Some(40_000);
    b.users = Some(40_000);
    a.servers = 12;
    b.servers = 12;
    let within = estate(vec![a.clone(), b.clone()]);
    assert_eq!(
        plan_one(&within, &PlanRequest::default()).objective.pairs,
        1
    );
    let over = estate(vec![a, b, branch("sba.t", "branch1", "a.t", 1)]);
    let p = plan_one(&over, &PlanRequest::default());
    assert_eq!(p.objective.pairs, 0);
    assert!(reason(&p, "a.t").contains("80001"), "{}", reason(&p, "a.t"));
}

#[test]
fn lync_2010_pools_migrate_first_and_their_branches_move() {
    let mut old = fe("old.t", "central", Some("old2.t"));
    old.version = Some(Version::V2010);
    let mut old2 = fe("old2.t", "central", Some("a.t"));
    old2.version = Some(Version::V2010);
    let mut sba = branch("sba.t", "branch1", "old.t", 120);
    sba.version = Some(Version::V2010);
    let sbs = branch("sbs.t", "branch1", "a.t", 900);
    let mut dir = fe("dir.t", "central", None);
    dir.role = Role::Director;
    let mut e = estate(vec![
        fe("a.t", "central", Some("old.t")),
        fe("b.t", "other", None),
        fe("c.t", "central", None),
        old,
        old2,
        sba,
        sbs,
        dir,
    ]);
    for s in &mut e.sites {
        if s.name == "branch1" {
            s.parent = Some("central".into());
        }
    }
    let p = plan_one(&e, &PlanRequest::default());
    // Eligible: a, b, c and the proposed successors of old and old2 (all but b in "central").
    // Two pairs at most, one cross-site at most (b); among the plans with (2, 1, 0) closeness in
    // FQDN order picks a–b and c–successor-of-old (each adjacent), over a–b and the two successors
    // only by the solver's tie order, so the test pins the pair count levels and the branch rule.
    assert_eq!(
        p.objective,
        Objective {
            pairs: 2,
            cross_site: 1,
            kept: 0
        }
    );
    assert_eq!(
        pair_names(&p),
        names(&[["a.t", "b.t"], ["c.t", "successor-of-old.t"]])
    );
    assert!(p.pairs[1].sides[1].proposed && p.pairs[1].sides[1].planned);
    assert!(!p.pairs[1].sides[0].proposed);
    assert_eq!(p.migrate_first.len(), 2);
    assert_eq!(
        p.migrate_first[0],
        MigrateFirst {
            pool: "old.t".into(),
            site: Some("central".into()),
            backup: Some("old2.t".into()),
            backup_of: vec!["a.t".into()],
            branches: vec!["sba.t".into()],
            successor: "successor-of-old.t".into(),
            successor_partner: Some("c.t".into()),
            users: None,
        }
    );
    // Paired successors first in the migration order.
    assert_eq!(p.migrate_first[1].pool, "old2.t");
    assert_eq!(p.migrate_first[1].successor_partner, None);
    assert_eq!(
        reason(&p, "old.t"),
        "not eligible: Lync 2010, migrate first to successor-of-old.t (backup today: old2.t; backup of a.t; backs branch registrars sba.t)"
    );
    assert_eq!(
        reason(&p, "successor-of-old2.t"),
        "odd one out: every compatible partner is paired with another pool (a.t with b.t, b.t with a.t, c.t with successor-of-old.t, successor-of-old.t with c.t)"
    );
    let not_planned: Vec<(&str, Role)> = p
        .not_planned
        .iter()
        .map(|n| (n.pool.as_str(), n.role))
        .collect();
    assert_eq!(
        not_planned,
        [
            ("dir.t", Role::Director),
            ("sba.t", Role::Branch),
            ("sbs.t", Role::Branch)
        ]
    );
    // Only the SBA behind the 2010 pool moves, to that pool's successor, which is paired.
    assert_eq!(p.branch_moves.len(), 1);
    let m = &p.branch_moves[0];
    assert_eq!(m.branch, "sba.t");
    assert_eq!(m.procedure, BranchProcedure::Lync2010Sba);
    assert_eq!(m.from.as_deref(), Some("old.t"));
    assert_eq!(m.to.as_deref(), Some("successor-of-old.t"));
    assert_eq!(
        m.why.render(Lang::En),
        "its backup old.t is a Lync 2010 pool, retired by the migration; its successor successor-of-old.t is paired with c.t"
    );
    // Every relationship with a Lync 2010 pool is removed: the migration retires them.
    let removed: Vec<(&str, &str)> = p
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Remove { from, to, .. } => Some((from.as_str(), to.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        removed,
        [("a.t", "old.t"), ("old.t", "old2.t"), ("old2.t", "a.t")]
    );
    // A 2010 partner held no Backup Service data: not a re-pair.
    assert!(!p.pairs.iter().any(PlannedPair::is_repair));
    // The successors: proposed, in the sites of the pools they replace; users unknown.
    assert_eq!(
        p.successors,
        [
            Successor {
                pool: "successor-of-old.t".into(),
                replaces: vec!["old.t".into()],
                declared: false,
                users: None,
                site: Some("central".into()),
            },
            Successor {
                pool: "successor-of-old2.t".into(),
                replaces: vec!["old2.t".into()],
                declared: false,
                users: None,
                site: Some("central".into()),
            },
        ]
    );
    // Users unknown on both sides of c–successor-of-old: said, not guessed.
    assert!(!p.pairs[1].capacity_checked);
}

#[test]
fn former_partners_make_a_re_pair() {
    // a and b are paired today; the plan must pair a with c (b is forbidden with a), and b with d.
    let e = estate(vec![
        fe("a.t", "s1", Some("b.t")),
        fe("b.t", "s2", Some("a.t")),
        fe("c.t", "s2", None),
        fe("d.t", "s1", None),
    ]);
    let p = plan_one(&e, &request(&[], &[("a.t", "b.t")]));
    assert_eq!(pair_names(&p), names(&[["a.t", "c.t"], ["b.t", "d.t"]]));
    assert_eq!(p.pairs[0].sides[0].former_partners, ["b.t"]);
    assert!(p.pairs[0].sides[1].former_partners.is_empty());
    assert_eq!(p.pairs[1].sides[0].former_partners, ["a.t"]);
    assert!(p.changes.iter().any(|c| matches!(c,
        Change::Add { pools, repair: true, why }
            if pools == &["a.t".to_owned(), "c.t".to_owned()]
            && why.render(Lang::En) == "a new pair; a.t leaves its former partner b.t")));
}

#[test]
fn sites_of_planned_pools_only_known_from_an_inventory_still_count() {
    let mut planned = fe("new.t", "s2", None);
    planned.planned = true;
    let e = estate(vec![fe("a.t", "s1", None), planned]);
    let p = plan_one(&e, &PlanRequest::default());
    assert_eq!(p.objective.cross_site, 1);
    assert!(p.pairs[0].sides[1].planned);
}

#[test]
fn estate_sites_are_not_needed_to_plan() {
    let mut e = estate(vec![fe("a.t", "s1", None), fe("b.t", "s2", None)]);
    e.sites = vec![Site {
        name: "s1".into(),
        kind: SiteKind::Central,
        parent: None,
    }];
    assert_eq!(plan_one(&e, &PlanRequest::default()).objective.pairs, 1);
}

mod property {
    //! The planner against exhaustive search on random small estates.

    use proptest::prelude::*;

    use super::*;

    const OSES: [&str; 3] = [
        "Windows Server 2012 R2 Datacenter",
        "Windows Server 2012 R2 Standard",
        "Windows Server 2016 Standard",
    ];

    #[derive(Debug, Clone)]
    struct PoolSpec {
        version: u8,
        edition: u8,
        site: u8,
        virtual_machine: u8,
        os: u8,
        users: Option<u64>,
        servers: u32,
        backup: Option<usize>,
    }

    fn pool_spec() -> impl Strategy<Value = PoolSpec> {
        (
            0u8..3,
            0u8..8,
            0u8..4,
            0u8..3,
            0u8..4,
            prop::option::weighted(0.5, 0u64..45_000),
            1u32..13,
            prop::option::of(0usize..12),
        )
            .prop_map(
                |(version, edition, site, virtual_machine, os, users, servers, backup)| PoolSpec {
                    version,
                    edition,
                    site,
                    virtual_machine,
                    os,
                    users,
                    servers,
                    backup,
                },
            )
    }

    fn build(specs: &[PoolSpec], branch_users: &[(usize, u64)]) -> Vec<Pool> {
        let fqdn = |i: usize| format!("pool{i:02}.contoso.test");
        let mut pools: Vec<Pool> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut p = fe(&fqdn(i), "s", None);
                p.version =
                    Some([Version::V2013, Version::V2015, Version::V2013][s.version as usize]);
                p.edition = match s.edition {
                    0 => None,
                    1 | 2 => Some(Edition::Standard),
                    _ => Some(Edition::Enterprise),
                };
                p.site =
                    [None, Some("s1"), Some("s2"), Some("s3")][s.site as usize].map(str::to_owned);
                p.virtual_machine = [None, Some(false), Some(true)][s.virtual_machine as usize];
                p.os = [None, Some(OSES[0]), Some(OSES[1]), Some(OSES[2])][s.os as usize]
                    .map(str::to_owned);
                // Standard Edition pools are small.
                p.users = s.users.map(|u| {
                    if p.edition == Some(Edition::Standard) {
                        u / 10
                    } else {
                        u
                    }
                });
                p.servers = s.servers;
                p.backup = s.backup.filter(|&b| b < specs.len()).map(fqdn);
                p
            })
            .collect();
        for (k, &(backed, users)) in branch_users.iter().enumerate() {
            if backed < specs.len() {
                pools.push(branch(
                    &format!("sba{k}.contoso.test"),
                    "branch",
                    &fqdn(backed),
                    users,
                ));
            }
        }
        pools
    }

    /// The contract's hard constraints, written again here from CONTRACT.md and DOMAIN.md §3/§4.
    fn compatible(pools: &[Pool], a: &Pool, b: &Pool, forbids: &[(String, String)]) -> bool {
        let carried = |p: &Pool| -> Option<u64> {
            let branch: u64 = pools
                .iter()
                .filter(|x| x.role == Role::Branch && x.backup.as_deref() == Some(p.fqdn.as_str()))
                .filter_map(|x| x.users)
                .sum();
            p.users.map(|u| u + branch)
        };
        let capacity_ok = match (carried(a), carried(b)) {
            (Some(x), Some(y)) => {
                let combined = x + y;
                [a, b].iter().all(|p| match p.edition {
                    Some(Edition::Enterprise) => {
                        combined <= 80_000
                            && (p.servers == 0
                                || u64::from(p.servers) >= combined.div_ceil(6_660).min(12))
                    }
                    Some(Edition::Standard) => combined <= 5_000,
                    None => true,
                })
            }
            _ => true,
        };
        let base = |os: &str| if os.contains("2016") { 2016 } else { 2012 };
        let forbidden = forbids
            .iter()
            .any(|(x, y)| (x == &a.fqdn && y == &b.fqdn) || (x == &b.fqdn && y == &a.fqdn));
        a.version == b.version
            && a.edition.is_some()
            && a.edition == b.edition
            && !matches!((a.virtual_machine, b.virtual_machine), (Some(x), Some(y)) if x != y)
            && !matches!((&a.os, &b.os), (Some(x), Some(y)) if base(x) != base(y))
            && capacity_ok
            && !forbidden
    }

    fn score(a: &Pool, b: &Pool) -> (usize, usize) {
        let cross = matches!((&a.site, &b.site), (Some(x), Some(y)) if x != y);
        let kept = a.backup.as_deref() == Some(b.fqdn.as_str())
            || b.backup.as_deref() == Some(a.fqdn.as_str());
        (usize::from(cross), usize::from(kept))
    }

    /// Best (pairs, cross-site, kept) over every matching of `eligible`, by recursion on the first pool.
    fn exhaustive(
        adj: &[Vec<Option<(usize, usize)>>],
        free: &mut Vec<bool>,
        from: usize,
    ) -> (usize, usize, usize) {
        let Some(i) = (from..free.len()).find(|&i| free[i]) else {
            return (0, 0, 0);
        };
        free[i] = false;
        let mut best = exhaustive(adj, free, i + 1);
        for j in (i + 1)..free.len() {
            if let (true, Some((cross, kept))) = (free[j], adj[i][j]) {
                free[j] = false;
                let (p, c, k) = exhaustive(adj, free, i + 1);
                best = best.max((p + 1, c + cross, k + kept));
                free[j] = true;
            }
        }
        free[i] = true;
        best
    }

    /// Pools, branch registrars (backed pool, users), forbidden pairs, and an order to shuffle into.
    type Case = (
        Vec<PoolSpec>,
        Vec<(usize, u64)>,
        Vec<(usize, usize)>,
        Vec<usize>,
    );

    fn estate_case() -> impl Strategy<Value = Case> {
        prop::collection::vec(pool_spec(), 0..=12).prop_flat_map(|specs| {
            let n = specs.len().max(1);
            (
                Just(specs.clone()),
                prop::collection::vec((0..n, 0u64..20_000), 0..3),
                prop::collection::vec((0..n, 0..n), 0..4),
                Just((0..specs.len() + 3).collect::<Vec<usize>>()).prop_shuffle(),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn the_plan_is_optimal_valid_and_order_independent(
            (specs, branch_users, forbid_idx, order) in estate_case()
        ) {
            let pools = build(&specs, &branch_users);
            let fqdn = |i: usize| format!("pool{i:02}.contoso.test");
            let forbids: Vec<(String, String)> = forbid_idx
                .iter()
                .filter(|(a, b)| a != b && *a < specs.len() && *b < specs.len())
                .map(|&(a, b)| (fqdn(a), fqdn(b)))
                .collect();
            let req = PlanRequest { forbids: forbids.clone(), ..PlanRequest::default() };
            let e = estate(pools.clone());
            let p = plan_one(&e, &req);

            // Optimal: the same objective as exhaustive search.
            let eligible: Vec<&Pool> = pools.iter().filter(|p| p.role == Role::FrontEnd).collect();
            let adj: Vec<Vec<Option<(usize, usize)>>> = eligible
                .iter()
                .map(|a| {
                    eligible
                        .iter()
                        .map(|b| (a.fqdn != b.fqdn && compatible(&pools, a, b, &forbids)).then(|| score(a, b)))
                        .collect()
                })
                .collect();
            let best = exhaustive(&adj, &mut vec![true; eligible.len()], 0);
            prop_assert_eq!(
                (p.objective.pairs, p.objective.cross_site, p.objective.kept),
                best
            );

            // Valid: every pair meets every hard constraint, no pool twice, the objective adds up.
            let mut seen = BTreeSet::new();
            let (mut cross, mut kept_n) = (0, 0);
            for pair in &p.pairs {
                let [a, b] = pair.pools();
                prop_assert!(a < b);
                prop_assert!(seen.insert(a) && seen.insert(b));
                let (pa, pb) = (e.pool(a).unwrap(), e.pool(b).unwrap());
                prop_assert!(compatible(&pools, pa, pb, &forbids), "{} {} break a constraint", a, b);
                let (c, k) = score(pa, pb);
                prop_assert_eq!((c == 1, k == 1), (pair.cross_site, pair.kept));
                cross += c;
                kept_n += k;
            }
            prop_assert_eq!((p.pairs.len(), cross, kept_n), (p.objective.pairs, p.objective.cross_site, p.objective.kept));
            // Every eligible pool is paired or explained.
            for pool in &eligible {
                prop_assert!(seen.contains(pool.fqdn.as_str()) || p.unpaired.iter().any(|u| u.pool == pool.fqdn && !u.reason.is_empty()));
            }

            // Order-independent: shuffled pools and forbids written the other way round plan the same.
            let shuffled: Vec<Pool> = order.iter().filter_map(|&i| pools.get(i).cloned()).collect();
            let reversed: Vec<(String, String)> = forbids.iter().rev().map(|(a, b)| (b.clone(), a.clone())).collect();
            let p2 = plan_one(&estate(shuffled), &PlanRequest { forbids: reversed, ..PlanRequest::default() });
            prop_assert_eq!(p, p2);
        }
    }

    /// A Lync 2010 front-end pool: (edition Standard?, site, users).
    type OldSpec = (bool, u8, Option<u64>);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// With Lync 2010 pools, the plan is still the exact optimum over deployed 2013+ pools and
        /// the proposed successors (built again here from the words), and every branch
        /// registrar whose backup is a 2010 pool or missing moves to a pool paired in the plan.
        #[test]
        fn with_successors_the_plan_is_still_optimal_and_branches_land_on_paired_pools(
            specs in prop::collection::vec(pool_spec(), 0..=5),
            olds in prop::collection::vec((any::<bool>(), 0u8..4, prop::option::weighted(0.7, 0u64..45_000)), 1..=5),
            branches in prop::collection::vec((prop::option::of(0usize..10), 0u64..5_000), 0..4),
        ) {
            let mut pools = build(&specs, &[]);
            let old_name = |i: usize| format!("old{i:02}.contoso.test");
            let olds: Vec<OldSpec> = olds;
            for (i, &(standard, site, users)) in olds.iter().enumerate() {
                let mut p = fe(&old_name(i), ["s1", "s2", "s3", "s4"][site as usize], None);
                p.version = Some(Version::V2010);
                p.edition = Some(if standard { Edition::Standard } else { Edition::Enterprise });
                p.users = users.map(|u| if standard { u / 10 } else { u });
                pools.push(p);
            }
            // A branch backed by a 2010 pool (index < olds), a 2013 pool (next indices) or nothing.
            let n13 = specs.len();
            for (k, &(backup, users)) in branches.iter().enumerate() {
                let target = backup.and_then(|b| {
                    if b < olds.len() {
                        Some(old_name(b))
                    } else if b - olds.len() < n13 {
                        Some(format!("pool{:02}.contoso.test", b - olds.len()))
                    } else {
                        None
                    }
                });
                let mut b = fe(&format!("sba{k}.contoso.test"), "branch", target.as_deref());
                b.role = Role::Branch;
                b.edition = None;
                b.version = Some(Version::V2010);
                b.users = Some(users);
                pools.push(b);
            }
            let e = estate(pools.clone());
            let p = plan_one(&e, &PlanRequest::default());

            // The reference target: proposed successors as the issue defines them, branches behind
            // a 2010 pool counted on its successor.
            let mut target: Vec<Pool> = pools
                .iter()
                .filter(|x| x.version != Some(Version::V2010) || x.role == Role::Branch)
                .cloned()
                .collect();
            for (i, &(standard, site, users)) in olds.iter().enumerate() {
                let mut succ = fe(&format!("successor-of-{}", old_name(i)), ["s1", "s2", "s3", "s4"][site as usize], None);
                succ.edition = Some(if standard { Edition::Standard } else { Edition::Enterprise });
                succ.users = users.map(|u| if standard { u / 10 } else { u });
                succ.servers = 0;
                succ.planned = true;
                target.push(succ);
            }
            for b in target.iter_mut().filter(|x| x.role == Role::Branch) {
                if let Some(old) = b.backup.clone().filter(|x| x.starts_with("old")) {
                    b.backup = Some(format!("successor-of-{old}"));
                }
            }
            let eligible: Vec<&Pool> = target.iter().filter(|x| x.role == Role::FrontEnd).collect();
            let adj: Vec<Vec<Option<(usize, usize)>>> = eligible
                .iter()
                .map(|a| {
                    eligible
                        .iter()
                        .map(|b| (a.fqdn != b.fqdn && compatible(&target, a, b, &[])).then(|| score(a, b)))
                        .collect()
                })
                .collect();
            let best = exhaustive(&adj, &mut vec![true; eligible.len()], 0);
            prop_assert_eq!((p.objective.pairs, p.objective.cross_site, p.objective.kept), best);
            prop_assert_eq!(p.successors.len(), olds.len());
            prop_assert!(p.successors.iter().all(|s| !s.declared && s.pool.starts_with("successor-of-old")));

            // Every branch move points at a pool paired in the plan; exactly the branches behind a
            // 2010 pool or without backup move.
            let paired: BTreeSet<&str> = p.pairs.iter().flat_map(|x| x.pools()).collect();
            for m in &p.branch_moves {
                match &m.to {
                    Some(to) => prop_assert!(paired.contains(to.as_str()), "{} -> {}", m.branch, to),
                    None => prop_assert!(p.pairs.is_empty()),
                }
            }
            let moving: BTreeSet<&str> = pools
                .iter()
                .filter(|x| x.role == Role::Branch)
                .filter(|x| x.backup.as_deref().is_none_or(|b| b.starts_with("old")))
                .map(|x| x.fqdn.as_str())
                .collect();
            let moved: BTreeSet<&str> = p.branch_moves.iter().map(|m| m.branch.as_str()).collect();
            prop_assert_eq!(moving, moved);
        }
    }
}

#[test]
fn a_pin_of_a_pool_with_itself_is_refused() {
    let e = path_estate();
    let errs = plan(
        &[&e],
        &request(&[("a.contoso.test", "a.contoso.test")], &[]),
    )
    .unwrap_err()
    .iter()
    .map(ToString::to_string)
    .collect::<Vec<_>>();
    assert_eq!(
        errs,
        [
            "--pin a.contoso.test=a.contoso.test: a pool cannot be paired with itself; name two different pools"
        ]
    );
}

#[test]
fn declared_successors_carry_their_pools_and_bad_ones_are_typed_errors() {
    use crate::model::{DeclaredSuccessor, Source};
    let old = |f: &str, users: u64| {
        let mut p = fe(f, "s1", None);
        p.version = Some(Version::V2010);
        p.users = Some(users);
        p
    };
    let declare = |successor: &str, replaces: &str| DeclaredSuccessor {
        successor: successor.into(),
        replaces: replaces.into(),
        source: Source::new("inventory.csv", Some(2)),
    };
    let mut new = fe("new.t", "s2", None);
    new.planned = true;
    new.servers = 12;
    let mut e = estate(vec![old("o1.t", 20_000), old("o2.t", 10_000), new.clone()]);
    e.declared_successors = vec![declare("new.t", "o1.t"), declare("new.t", "o2.t")];
    let p = plan_one(&e, &PlanRequest::default());
    assert_eq!(
        p.successors,
        [Successor {
            pool: "new.t".into(),
            replaces: vec!["o1.t".into(), "o2.t".into()],
            declared: true,
            users: Some(30_000),
            site: Some("s2".into()),
        }]
    );
    assert!(p.migrate_first.iter().all(|m| m.successor == "new.t"));

    // A Standard Edition successor for 30,000 users; a successor of a pool that is no 2010 pool;
    // one that names a pool nobody defines; a 2010 pool claimed by two successors.
    let mut se = new.clone();
    se.edition = Some(Edition::Standard);
    let mut e = estate(vec![
        old("o1.t", 20_000),
        old("o2.t", 10_000),
        se,
        fe("b.t", "s1", None),
    ]);
    let mut other = fe("other.t", "s3", None);
    other.planned = true;
    e.pools.push(other);
    e.declared_successors = vec![
        declare("new.t", "o1.t"),
        declare("new.t", "o2.t"),
        declare("other.t", "b.t"),
        declare("other.t", "ghost.t"),
        declare("other.t", "o1.t"),
    ];
    let errs = plan(&[&e], &PlanRequest::default()).unwrap_err();
    let problems: Vec<&SuccessorProblem> = errs
        .iter()
        .map(|e| match e {
            PlanError::Successor { problem, .. } => problem,
            other => panic!("not a successor error: {other}"),
        })
        .collect();
    assert_eq!(
        problems,
        [
            &SuccessorProblem::Users {
                users: 30_000,
                edition: Edition::Standard,
                limit: 5_000
            },
            &SuccessorProblem::NotLync2010("b.t".into()),
            &SuccessorProblem::UnknownPool("ghost.t".into()),
            &SuccessorProblem::ClaimedTwice {
                pool: "o1.t".into(),
                other: "new.t".into()
            },
        ]
    );
    assert_eq!(
        errs[0].to_string(),
        "new.t cannot replace o1.t, o2.t: it would home 30000 users, but a Standard Edition pool \
         carries at most 5000 (replaces column at inventory.csv:2)"
    );
    assert!(errs.iter().all(PlanError::is_successor));
}

fn refused(e: &Estate, pins: &[(&str, &str)], forbids: &[(&str, &str)]) -> Vec<String> {
    plan(&[e], &request(pins, forbids))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_pin_conflict_names_the_pin_that_came_first() {
    // Typed c=b after a=b: the later pin is refused and the earlier one named, as typed, even
    // though a=b sorts after b=c.
    let mut e = path_estate();
    for p in &mut e.pools {
        p.version = Some(Version::V2013);
    }
    let errs = refused(
        &e,
        &[
            ("c.contoso.test", "b.contoso.test"),
            ("a.contoso.test", "b.contoso.test"),
        ],
        &[],
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].starts_with(
            "--pin a.contoso.test=b.contoso.test: b.contoso.test is already pinned to c.contoso.test \
             by --pin c.contoso.test=b.contoso.test;"
        ),
        "{}",
        errs[0]
    );
}

#[test]
fn a_mistyped_pool_gets_a_suggestion() {
    let e = path_estate();
    let errs = refused(&e, &[("a.contoso.tset", "b.contoso.test")], &[]);
    assert!(
        errs[0]
            .contains("a.contoso.tset is not a pool of the inputs (did you mean a.contoso.test?)"),
        "{errs:?}"
    );
    let errs = refused(&e, &[], &[("A.contoso.tes", "zzz.example.org")]);
    assert!(
        errs[0].contains("A.contoso.tes (did you mean a.contoso.test?) nor zzz.example.org is"),
        "{errs:?}"
    );
    // Successor names are pools of the target too.
    let mut old = fe("old.t", "s1", None);
    old.version = Some(Version::V2010);
    let e = estate(vec![old, fe("x.t", "s2", None)]);
    let errs = refused(&e, &[("successor-of-old.tt", "x.t")], &[]);
    assert!(
        errs[0].contains("(did you mean successor-of-old.t?)"),
        "{errs:?}"
    );
}

#[test]
fn a_pinned_pair_in_one_site_gets_the_same_site_warning() {
    let e = estate(vec![
        fe("a.t", "Berlin", None),
        fe("b.t", "Berlin", None),
        fe("c.t", "Paris", None),
        fe("d.t", "Paris", None),
    ]);
    let p = plan_one(&e, &request(&[("a.t", "b.t")], &[]));
    let pinned = p.pairs.iter().find(|x| x.pinned).expect("the pin holds");
    assert_eq!(pinned.pools(), ["a.t", "b.t"]);
    assert_eq!(pinned.warnings.len(), 1, "{:?}", pinned.warnings);
    assert_eq!(pinned.warnings[0].code, crate::rules::Code::PairSameSite);
    assert_eq!(
        pinned.warnings[0].message.render(Lang::En),
        "a.t and b.t back each other up from the same site (Berlin)"
    );
    // The unpinned pair c–d is in one site too, but the planner had no other choice left.
    assert!(
        p.pairs
            .iter()
            .filter(|x| !x.pinned)
            .all(|x| x.warnings.is_empty())
    );
    // Without the pin the planner pairs across sites: no warning at all.
    let p = plan_one(&e, &request(&[], &[]));
    assert!(
        p.pairs
            .iter()
            .all(|x| x.warnings.is_empty() && x.cross_site)
    );
}

/// Each pin and forbid error carries its option as typed, its pools and its reason, and reads in
/// full as it did when the planner wrote the text itself.
#[test]
fn pin_and_forbid_errors_are_typed_and_read_as_before() {
    let e = estate(vec![
        fe("alpha.contoso.test", "s1", None),
        fe("beta.contoso.test", "s2", None),
        fe("gamma.contoso.test", "s3", None),
    ]);
    let pin = |a: &str, b: &str| RequestedPair {
        option: PairOption::Pin,
        a: a.to_owned(),
        b: b.to_owned(),
    };
    let one_error = |pins: &[(&str, &str)], forbids: &[(&str, &str)]| {
        let mut errs = plan(&[&e], &request(pins, forbids)).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        let err = errs.remove(0);
        let text = err.to_string();
        (err, text)
    };

    let (err, text) = one_error(&[], &[("zeta.example.org", "nowhere.example.org")]);
    assert_eq!(
        err,
        PlanError::NotInOneEstate {
            pair: RequestedPair {
                option: PairOption::Forbid,
                a: "zeta.example.org".into(),
                b: "nowhere.example.org".into(),
            },
            why: NotTogether::NeitherKnown {
                a_near: None,
                b_near: None
            },
        }
    );
    assert_eq!(
        text,
        "--forbid zeta.example.org=nowhere.example.org: neither zeta.example.org nor \
         nowhere.example.org is a pool of the inputs; check the FQDNs"
    );

    let (err, text) = one_error(
        &[
            ("alpha.contoso.test", "beta.contoso.test"),
            ("gamma.contoso.test", "alpha.contoso.test"),
        ],
        &[],
    );
    assert_eq!(
        err,
        PlanError::PinnedTwice {
            pin: pin("gamma.contoso.test", "alpha.contoso.test"),
            pool: "alpha.contoso.test".into(),
            partner: "beta.contoso.test".into(),
            earlier: pin("alpha.contoso.test", "beta.contoso.test"),
        }
    );
    assert_eq!(
        text,
        "--pin gamma.contoso.test=alpha.contoso.test: alpha.contoso.test is already pinned to \
         beta.contoso.test by --pin alpha.contoso.test=beta.contoso.test; a pool has one partner, \
         so keep one of the two pins"
    );

    let (err, text) = one_error(
        &[("gamma.contoso.test", "beta.contoso.test")],
        &[("beta.contoso.test", "gamma.contoso.test")],
    );
    assert_eq!(
        err,
        PlanError::PinBlocked {
            pin: pin("gamma.contoso.test", "beta.contoso.test"),
            pools: [
                "beta.contoso.test".to_owned(),
                "gamma.contoso.test".to_owned()
            ],
            blockers: vec![Blocker::Forbidden],
        }
    );
    assert_eq!(
        text,
        "--pin gamma.contoso.test=beta.contoso.test: these pools cannot be paired: the pair is \
         also forbidden (--forbid beta.contoso.test=gamma.contoso.test)"
    );

    // With several estates, the error of one names it.
    let mut other = estate(vec![fe("x.t", "s1", None), fe("y.t", "s2", None)]);
    other.name = "two".into();
    let errs = plan(&[&e, &other], &request(&[("x.t", "x.t")], &[])).unwrap_err();
    assert_eq!(
        errs,
        [PlanError::SamePool {
            pair: pin("x.t", "x.t")
        }]
    );
    let errs = plan(
        &[&e, &other],
        &request(&[("x.t", "y.t")], &[("y.t", "x.t")]),
    )
    .unwrap_err();
    let [PlanError::InEstate { estate, error }] = &errs[..] else {
        panic!("{errs:?}");
    };
    assert_eq!(estate, "two");
    assert!(matches!(**error, PlanError::PinBlocked { .. }), "{error:?}");
    assert_eq!(
        errs[0].to_string(),
        "--pin x.t=y.t: these pools cannot be paired: the pair is also forbidden \
         (--forbid x.t=y.t) (estate two)"
    );
}
