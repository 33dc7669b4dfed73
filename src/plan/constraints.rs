//! Hard constraints of a candidate pair (CONTRACT.md "Plan"), and how to say which one blocks it.
//!
//! Same version and same edition are required (an unknown edition never matches: pairing an SE pool
//! with an EE pool by guess is the mistake the plan must not make); physical/virtual, base OS and
//! capacity only count when both sides are known, as in the audit rules.

use std::collections::{BTreeMap, BTreeSet};

use crate::i18n::{Lang, Message};
use crate::model::{Edition, Pool, Version};
use crate::rules::pair::{CarriedUsers, base_os, capacity_problem_of, most_users};

/// Why two pools cannot be a pair. Values are the two pools' own, in the order of the pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// Their versions differ (or one is unknown).
    Version(Option<Version>, Option<Version>),
    /// Their editions differ, or an edition is unknown.
    Edition(Option<Edition>, Option<Edition>),
    /// One runs on virtual machines (`true`), the other on physical servers.
    Platform(bool, bool),
    /// Their operating systems differ in base version.
    Os(String, String),
    /// Together they carry more users than a pair can.
    Capacity(Message),
    /// `--forbid` names the pair.
    Forbidden,
}

/// Unordered pool pairs the user forbade, stored smaller FQDN first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forbidden(BTreeSet<(String, String)>);

impl Forbidden {
    pub fn insert(&mut self, a: &str, b: &str) {
        self.0.insert(ordered(a, b));
    }

    pub fn contains(&self, a: &str, b: &str) -> bool {
        !self.0.is_empty() && self.0.contains(&ordered(a, b))
    }
}

pub fn ordered(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

/// What the pair checks read of an eligible pool, worked out once per pool (the planner checks n²
/// pairs): its base OS and the users it carries, and copies of the facts compared. The pair check
/// reads only these, side by side in one list: read from the pools themselves, hundreds of bytes
/// apart, they missed the cache on most of the n² pairs.
#[derive(Debug, Clone)]
pub struct PairFacts {
    /// [`carried_users`](crate::rules::pair::carried_users): its own users and those of the
    /// branch registrars it backs.
    pub carried_users: Option<u64>,
    /// [`most_users`]: the pair check compares numbers instead of working out each limit again.
    pub most_users: u64,
    version: Option<Version>,
    edition: Option<Edition>,
    virtual_machine: Option<bool>,
    /// [`base_os`] of its OS, by its rank among those of the pools listed together, so that the
    /// check compares numbers (the same base, the same rank).
    base_os: Option<usize>,
}

impl PairFacts {
    /// The facts of each of `pools`, in their order.
    pub fn all(carried: &CarriedUsers<'_>, pools: &[&Pool]) -> Vec<PairFacts> {
        let bases: Vec<Option<String>> =
            pools.iter().map(|p| p.os.as_deref().map(base_os)).collect();
        let rank = ranks(bases.iter().flatten().map(String::as_str));
        pools
            .iter()
            .zip(&bases)
            .map(|(pool, base)| PairFacts {
                carried_users: carried.of_pool(pool),
                most_users: most_users(pool),
                version: pool.version,
                edition: pool.edition,
                virtual_machine: pool.virtual_machine,
                base_os: base.as_deref().map(|b| rank[b]),
            })
            .collect()
    }
}

/// Each distinct name of `names` to its place among them in sorted order, so that checks run for
/// n² pairs compare numbers instead of names (the same name, the same rank).
pub fn ranks<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    names
        .collect::<BTreeSet<_>>()
        .into_iter()
        .enumerate()
        .map(|(rank, name)| (name, rank))
        .collect()
}

/// Every hard constraint the pair `a`–`b` breaks; empty when they can be paired.
///
/// `branches` is the estate (or any estate holding at least its branch registrars): capacity counts
/// the users of the branch registrars each pool backs. The planner asks [`blockers_with`] with the
/// [`PairFacts`] of each pool worked out once; the tests ask this.
#[cfg(test)]
pub fn blockers(
    branches: &crate::model::Estate,
    a: &Pool,
    b: &Pool,
    forbidden: &Forbidden,
) -> Vec<Blocker> {
    let carried = CarriedUsers::of(branches);
    let facts = PairFacts::all(&carried, &[a, b]);
    blockers_with([a, b], [&facts[0], &facts[1]], forbidden)
}

/// The [`PairFacts`] of the two pools of a pair, and which constraint each check reads: shared
/// by [`blockers_with`], which names what blocks a pair, and [`compatible`], which only asks
/// whether anything does.
struct Pair<'p> {
    facts: [&'p PairFacts; 2],
}

impl Pair<'_> {
    fn versions_differ(&self) -> bool {
        self.facts[0].version != self.facts[1].version
    }

    /// An unknown edition never matches.
    fn editions_differ(&self) -> bool {
        self.facts[0].edition.is_none() || self.facts[0].edition != self.facts[1].edition
    }

    /// Both platforms known and different.
    fn platforms(&self) -> Option<(bool, bool)> {
        match (self.facts[0].virtual_machine, self.facts[1].virtual_machine) {
            (Some(va), Some(vb)) if va != vb => Some((va, vb)),
            _ => None,
        }
    }

    /// Both OS known and of different base versions.
    fn base_os_differs(&self) -> bool {
        matches!(
            (self.facts[0].base_os, self.facts[1].base_os),
            (Some(ba), Some(bb)) if ba != bb
        )
    }

    /// Both carried users known.
    fn carried(&self) -> Option<[u64; 2]> {
        Some([self.facts[0].carried_users?, self.facts[1].carried_users?])
    }
}

/// Every hard constraint the pair `pools` breaks, from their [`PairFacts`]; empty when they can be
/// paired. Values in the order of `pools`.
pub fn blockers_with(
    [a, b]: [&Pool; 2],
    facts: [&PairFacts; 2],
    forbidden: &Forbidden,
) -> Vec<Blocker> {
    let pair = Pair { facts };
    let mut out = Vec::new();
    if pair.versions_differ() {
        out.push(Blocker::Version(a.version, b.version));
    }
    if pair.editions_differ() {
        out.push(Blocker::Edition(a.edition, b.edition));
    }
    if let Some((va, vb)) = pair.platforms() {
        out.push(Blocker::Platform(va, vb));
    }
    if let (Some(oa), Some(ob)) = (&a.os, &b.os)
        && pair.base_os_differs()
    {
        out.push(Blocker::Os(oa.clone(), ob.clone()));
    }
    if let Some(problem) = pair
        .carried()
        .and_then(|carried| capacity_problem_of([a, b], carried))
    {
        out.push(Blocker::Capacity(problem));
    }
    if forbidden.contains(&a.fqdn, &b.fqdn) {
        out.push(Blocker::Forbidden);
    }
    out
}

/// Whether [`blockers_with`] would be empty, without making the list: most of the n² pairs the
/// planner checks are compatible, and building an empty list and its capacity words for each was
/// a fifth of `plan` on 400 pools. Cheapest checks first.
pub fn compatible([a, b]: [&Pool; 2], facts: [&PairFacts; 2], forbidden: &Forbidden) -> bool {
    let pair = Pair { facts };
    !(pair.versions_differ()
        || pair.editions_differ()
        || pair.platforms().is_some()
        || pair.base_os_differs()
        || pair.carried().is_some_and(|[ca, cb]| {
            // `capacity_problem_of` without its words, from each pool's limit worked out once.
            ca.saturating_add(cb) > facts[0].most_users.min(facts[1].most_users)
        })
        // Few runs forbid pairs: the pools' names (in the pools, away from the facts) are read
        // only when one does.
        || (!forbidden.0.is_empty() && forbidden.contains(&a.fqdn, &b.fqdn)))
}

fn platform(virtual_machine: bool) -> &'static str {
    if virtual_machine {
        "virtual"
    } else {
        "physical"
    }
}

/// The differing facts as "version (2013 vs 2015), edition (…)", values in the order `first`, `second`.
fn differences(list: &[Blocker]) -> Vec<String> {
    difference_messages(list)
        .iter()
        .map(|m| m.render(Lang::En))
        .collect()
}

/// [`differences`] as messages, for a reason in the reader's language.
fn difference_messages(list: &[Blocker]) -> Vec<Message> {
    let version = |v: Option<Version>| match v {
        Some(v) => Message::verbatim(v.label()),
        None => Message::new("verbatim").label("text", "value.unknown"),
    };
    let label_or_unknown = |prefix: &str, v: Option<&str>| match v {
        Some(v) => Message::new("verbatim").label("text", format!("{prefix}.{v}")),
        None => Message::new("verbatim").label("text", "value.unknown"),
    };
    list.iter()
        .filter_map(|b| match b {
            Blocker::Version(x, y) => Some(
                Message::new("reason.diff.version")
                    .msg("a", version(*x))
                    .msg("b", version(*y)),
            ),
            Blocker::Edition(x, y) => Some(
                Message::new("reason.diff.edition")
                    .msg("a", label_or_unknown("edition", x.map(Edition::label)))
                    .msg("b", label_or_unknown("edition", y.map(Edition::label))),
            ),
            Blocker::Platform(x, y) => Some(
                Message::new("reason.diff.platform")
                    .label("a", format!("value.{}", platform(*x)))
                    .label("b", format!("value.{}", platform(*y))),
            ),
            Blocker::Os(x, y) => Some(Message::new("reason.diff.os").arg("a", x).arg("b", y)),
            Blocker::Capacity(_) | Blocker::Forbidden => None,
        })
        .collect()
}

/// Why `a` and `b` cannot be paired, for a refused `--pin`: every constraint they break.
pub fn describe_pair(a: &str, b: &str, list: &[Blocker]) -> String {
    let mut parts = Vec::new();
    let diffs = differences(list);
    if !diffs.is_empty() {
        parts.push(format!("{a} and {b} differ in {}", diffs.join(", ")));
    }
    for blocker in list {
        match blocker {
            Blocker::Capacity(problem) => {
                parts.push(format!("over capacity: {}", problem.render(Lang::En)))
            }
            Blocker::Forbidden => {
                parts.push(format!("the pair is also forbidden (--forbid {a}={b})"))
            }
            _ => {}
        }
    }
    parts.join("; ")
}

/// Whose values a [`Blocker`] list holds first: the pool's or its partner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValuesOrder {
    /// The pool's values first, as in a list made for (pool, partner).
    PoolFirst,
    /// The partner's values first, as in a list made for (partner, pool).
    PartnerFirst,
}

/// Why a pool cannot pair with one partner, seen from the pool, without the partner's name (so that
/// partners blocked the same way can be listed together): "differs in edition (standard vs
/// enterprise)", the pool's value first. `order` says whose values come first in `list`.
pub fn describe_partner(list: &[Blocker], order: ValuesOrder) -> Message {
    let oriented: Vec<Blocker> = list
        .iter()
        .map(|b| match b {
            _ if order == ValuesOrder::PoolFirst => b.clone(),
            Blocker::Version(x, y) => Blocker::Version(*y, *x),
            Blocker::Edition(x, y) => Blocker::Edition(*y, *x),
            Blocker::Platform(x, y) => Blocker::Platform(*y, *x),
            Blocker::Os(x, y) => Blocker::Os(y.clone(), x.clone()),
            other => other.clone(),
        })
        .collect();
    let mut parts = Vec::new();
    let diffs = difference_messages(&oriented);
    if !diffs.is_empty() {
        parts.push(Message::new("reason.differs_in").join("diffs", diffs, ", "));
    }
    for blocker in list {
        match blocker {
            Blocker::Capacity(problem) => {
                parts.push(Message::new("reason.over_capacity").msg("problem", problem.clone()))
            }
            Blocker::Forbidden => parts.push(Message::new("reason.forbidden")),
            _ => {}
        }
    }
    Message::new("verbatim").join("text", parts, ", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{estate, fe};

    #[test]
    fn equal_pools_are_compatible_and_unknowns_do_not_block() {
        let a = fe("a.t", "s1", None);
        let mut b = fe("b.t", "s2", None);
        b.virtual_machine = Some(true);
        b.os = Some("Windows Server 2012 R2".into());
        let e = estate(vec![a.clone(), b.clone()]);
        assert!(blockers(&e, &a, &b, &Forbidden::default()).is_empty());
    }

    #[test]
    fn every_broken_constraint_is_named() {
        let mut a = fe("a.t", "s1", None);
        let mut b = fe("b.t", "s2", None);
        b.version = Some(Version::V2015);
        b.edition = Some(Edition::Standard);
        a.virtual_machine = Some(false);
        b.virtual_machine = Some(true);
        a.os = Some("Windows Server 2012 R2 Datacenter".into());
        b.os = Some("Windows Server 2016".into());
        a.users = Some(4_000);
        b.users = Some(2_000);
        let mut forbidden = Forbidden::default();
        forbidden.insert("b.t", "a.t");
        let e = estate(vec![a.clone(), b.clone()]);
        let list = blockers(&e, &a, &b, &forbidden);
        assert_eq!(list.len(), 6, "{list:?}");
        let text = describe_pair(&a.fqdn, &b.fqdn, &list);
        assert!(
            text.starts_with(
                "a.t and b.t differ in version (2013 vs 2015), edition (enterprise vs standard), \
                 platform (physical vs virtual), operating system (Windows Server 2012 R2 Datacenter vs \
                 Windows Server 2016); over capacity: after a failover one pool carries 6000 users"
            ),
            "{text}"
        );
        assert!(text.ends_with("forbidden (--forbid a.t=b.t)"), "{text}");
        let seen_from_a = describe_partner(&list, ValuesOrder::PoolFirst).render(Lang::En);
        assert!(
            seen_from_a
                .starts_with("differs in version (2013 vs 2015), edition (enterprise vs standard)"),
            "{seen_from_a}"
        );
        assert!(seen_from_a.ends_with("forbidden (--forbid)"));
        let seen_from_b = describe_partner(&list, ValuesOrder::PartnerFirst).render(Lang::En);
        assert!(
            seen_from_b
                .starts_with("differs in version (2015 vs 2013), edition (standard vs enterprise)"),
            "{seen_from_b}"
        );
    }

    #[test]
    fn an_unknown_edition_never_matches() {
        let mut a = fe("a.t", "s1", None);
        let mut b = fe("b.t", "s2", None);
        a.edition = None;
        b.edition = None;
        let e = estate(vec![a.clone(), b.clone()]);
        assert_eq!(
            blockers(&e, &a, &b, &Forbidden::default()),
            [Blocker::Edition(None, None)]
        );
    }
}
