//! From a Lync 2010 estate to the estate the plan pairs (issue 10): every Lync 2010 front-end pool
//! gets a successor (declared by an inventory's `replaces` column, or proposed here), the successor
//! carries the users of the pools it replaces, and branch registrars backed by a 2010 pool are
//! counted on that pool's successor. Pure: the target is a new [`Estate`], the input is not changed.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::error::{PlanError, SuccessorProblem};
use crate::model::{Edition, Estate, Fact, Pool, Role, SiteKind, Source, Version};
use crate::rules::pair::{
    ENTERPRISE_MAX_USERS, MAX_FRONT_ENDS, STANDARD_MAX_USERS, USERS_PER_FRONT_END,
};

/// Name of the proposed successor of a Lync 2010 pool: `successor-of-<fqdn>`.
pub const SUCCESSOR_PREFIX: &str = "successor-of-";

pub(crate) fn proposed_name(old: &str) -> String {
    format!("{SUCCESSOR_PREFIX}{old}")
}

/// The 2013+ pool that takes over the users of one or more Lync 2010 front-end pools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    /// The successor's FQDN.
    pub pool: String,
    /// The Lync 2010 pools it replaces, sorted.
    pub replaces: Vec<String>,
    /// An inventory names it (`replaces` column); otherwise the plan proposes it.
    pub declared: bool,
    /// Its own users (none yet for a pool still to be built) plus those homed on the pools it
    /// replaces; branch users are not included (they follow their branch registrar). `None` when
    /// any of these counts is unknown.
    pub users: Option<u64>,
    /// Its site, when known.
    pub site: Option<String>,
}

/// The estate the plan pairs, and the successors it holds.
#[derive(Debug, Clone)]
pub(crate) struct Migration {
    /// The estate with every successor's load, the proposed successors added, and branch
    /// registrars backed by a Lync 2010 pool backed by its successor instead. The 2010 pools stay
    /// (they are not plan-eligible) so that a pin naming one can say where its users go.
    pub target: Estate,
    pub successors: Vec<Successor>,
    /// Lync 2010 pool to its successor.
    pub successor_of: BTreeMap<String, String>,
}

impl Migration {
    pub fn is_proposed(&self, fqdn: &str) -> bool {
        self.successors
            .iter()
            .any(|s| !s.declared && s.pool == fqdn)
    }
}

/// The proposed successor of `old`: same site and edition, version `target`, its users; nothing
/// else is known of a pool still to be designed. Servers are unknown (0): a proposed pool is built
/// with the front ends its pair needs, so only the user limits of its edition constrain it.
pub(crate) fn proposed_pool(
    old: &Pool,
    name: String,
    target: Version,
    provenance: BTreeMap<Fact, Vec<Source>>,
) -> Pool {
    let mut p = without_provenance(old);
    p.fqdn = name;
    p.version = Some(target);
    p.servers = 0;
    p.machines = Vec::new();
    p.virtual_machine = None;
    p.os = None;
    p.backup = None;
    p.extra_backups = Vec::new();
    p.failover = None;
    // Deployed facts of the Lync 2010 pool (issue 8's fields) do not carry over to a pool that
    // does not exist yet: it holds no Central Management store and has no Backup Service.
    p.backup_service = None;
    p.cms = None;
    p.planned = true;
    p.provenance = provenance;
    p
}

/// A copy of `p` without the sources of its facts: nothing of the plan reads them from the target
/// (findings and reports name the audited estate's), and copying them was most of the cost of
/// copying the estate (a `BTreeMap` of lists per pool; 2.5 M instructions at 400 pools).
fn without_provenance(p: &Pool) -> Pool {
    Pool {
        fqdn: p.fqdn.clone(),
        site: p.site.clone(),
        role: p.role,
        edition: p.edition,
        version: p.version,
        servers: p.servers,
        machines: p.machines.clone(),
        users: p.users,
        virtual_machine: p.virtual_machine,
        os: p.os.clone(),
        backup: p.backup.clone(),
        extra_backups: p.extra_backups.clone(),
        failover: p.failover,
        backup_service: p.backup_service.clone(),
        cms: p.cms,
        planned: p.planned,
        provenance: BTreeMap::new(),
    }
}

fn is_lync2010_front_end(p: &Pool) -> bool {
    p.role == Role::FrontEnd && p.version == Some(Version::V2010)
}

/// Successors for every Lync 2010 front-end pool of `estate`, proposed ones of version `target`.
pub(crate) fn migrate(estate: &Estate, target: Version) -> Result<Migration, Vec<PlanError>> {
    let mut successors = declared_successors(estate)?;
    let proposed = propose_successors(estate, target, &mut successors);
    successors.list.sort_by(|a, b| a.pool.cmp(&b.pool));
    Ok(Migration {
        target: target_estate(estate, &successors, proposed),
        successors: successors.list,
        successor_of: successors.successor_of,
    })
}

/// The successors of an estate's Lync 2010 pools while they are worked out.
#[derive(Debug, Default)]
struct Successors {
    list: Vec<Successor>,
    /// Lync 2010 pool to its successor.
    successor_of: BTreeMap<String, String>,
    /// The users each declared successor carries (`None` when a count is unknown).
    loads: BTreeMap<String, Option<u64>>,
}

/// The successors the inventories declare (`replaces` column), each checked: one that cannot host
/// its pools is an error, and all errors are returned.
fn declared_successors(estate: &Estate) -> Result<Successors, Vec<PlanError>> {
    let mut declared: BTreeMap<&str, Vec<(&str, &Source)>> = BTreeMap::new();
    for d in &estate.declared_successors {
        declared
            .entry(d.successor.as_str())
            .or_default()
            .push((d.replaces.as_str(), &d.source));
    }
    let mut errors = Vec::new();
    let mut successors = Successors::default();
    for (name, list) in &declared {
        let problems = successors.declare(estate, name, list);
        // The error names the pools in the order they were declared, and the first cell.
        let replaces: Vec<String> = list.iter().map(|(r, _)| (*r).to_owned()).collect();
        let cell = list.first().map(|(_, s)| (*s).clone());
        errors.extend(problems.into_iter().map(|problem| PlanError::Successor {
            successor: (*name).to_owned(),
            replaces: replaces.clone(),
            problem,
            cell: cell.clone(),
        }));
    }
    if errors.is_empty() {
        Ok(successors)
    } else {
        Err(errors)
    }
}

impl Successors {
    /// Adds the declared successor `name` of the pools in `list`, with its load, and returns why it
    /// cannot host them (empty when it can).
    fn declare(
        &mut self,
        estate: &Estate,
        name: &str,
        list: &[(&str, &Source)],
    ) -> Vec<SuccessorProblem> {
        let Some(pool) = estate.pool(name) else {
            // Unreachable: the declaration comes from the pool's own inventory row.
            return vec![SuccessorProblem::UnknownPool(name.to_owned())];
        };
        let mut problems = successor_pool_problems(estate, pool);
        // Nobody is homed on a pool still to be built.
        let mut users = if pool.planned {
            Some(pool.users.unwrap_or(0))
        } else {
            pool.users
        };
        for (old, _) in list {
            match estate.pool(old) {
                None => problems.push(SuccessorProblem::UnknownPool((*old).to_owned())),
                Some(p) if !is_lync2010_front_end(p) => {
                    problems.push(SuccessorProblem::NotLync2010((*old).to_owned()));
                }
                Some(p) => {
                    if let Some(other) = self.successor_of.get(*old) {
                        problems.push(SuccessorProblem::ClaimedTwice {
                            pool: (*old).to_owned(),
                            other: other.clone(),
                        });
                    } else {
                        self.successor_of.insert((*old).to_owned(), name.to_owned());
                    }
                    users = users.zip(p.users).map(|(a, b)| a + b);
                }
            }
        }
        // The load is only worth checking on a successor that can be one.
        if problems.is_empty()
            && let Some(u) = users
        {
            problems.extend(load_problem(pool, u));
        }
        let mut replaces: Vec<String> = list.iter().map(|(r, _)| (*r).to_owned()).collect();
        replaces.sort();
        self.loads.insert(name.to_owned(), users);
        self.list.push(Successor {
            pool: name.to_owned(),
            replaces,
            declared: true,
            users,
            site: pool.site.clone(),
        });
        problems
    }
}

/// Why `pool` cannot be a successor at all: not a front end, not Lync 2013 or later, in a branch site.
fn successor_pool_problems(estate: &Estate, pool: &Pool) -> Vec<SuccessorProblem> {
    let mut problems = Vec::new();
    if pool.role != Role::FrontEnd {
        problems.push(SuccessorProblem::NotFrontEnd(pool.role));
    }
    if pool.version.is_none_or(|v| v < Version::V2013) {
        problems.push(SuccessorProblem::Version(pool.version));
    }
    if let Some(site) = pool.site.as_deref()
        && estate
            .site(site)
            .is_some_and(|s| s.kind == SiteKind::Branch)
    {
        problems.push(SuccessorProblem::BranchSite(site.to_owned()));
    }
    problems
}

/// Why a successor cannot carry `users` even without a partner: more than its edition carries, or
/// more than its known front-end servers do.
fn load_problem(pool: &Pool, users: u64) -> Option<SuccessorProblem> {
    match pool.edition {
        Some(Edition::Enterprise) if users > ENTERPRISE_MAX_USERS => {
            Some(SuccessorProblem::Users {
                users,
                edition: Edition::Enterprise,
                limit: ENTERPRISE_MAX_USERS,
            })
        }
        Some(Edition::Standard) if users > STANDARD_MAX_USERS => Some(SuccessorProblem::Users {
            users,
            edition: Edition::Standard,
            limit: STANDARD_MAX_USERS,
        }),
        Some(Edition::Enterprise) => {
            let needed = users.div_ceil(USERS_PER_FRONT_END).min(MAX_FRONT_ENDS);
            (pool.servers > 0 && u64::from(pool.servers) < needed).then_some(
                SuccessorProblem::Servers {
                    users,
                    servers: pool.servers,
                    needed,
                },
            )
        }
        _ => None,
    }
}

/// A proposed successor (`successor-of-…`, version `target`) for every Lync 2010 front-end pool no
/// inventory gives one: recorded in `successors`, and returned as the pools to add to the estate.
fn propose_successors(estate: &Estate, target: Version, successors: &mut Successors) -> Vec<Pool> {
    let mut proposed = Vec::new();
    for old in estate.pools.iter().filter(|p| is_lync2010_front_end(p)) {
        if successors.successor_of.contains_key(&old.fqdn) {
            continue;
        }
        let name = proposed_name(&old.fqdn);
        successors
            .successor_of
            .insert(old.fqdn.clone(), name.clone());
        successors.list.push(Successor {
            pool: name.clone(),
            replaces: vec![old.fqdn.clone()],
            declared: false,
            users: old.users,
            site: old.site.clone(),
        });
        let mut provenance = BTreeMap::new();
        for fact in [Fact::Pool, Fact::Site, Fact::Edition, Fact::Users] {
            let sources = old.sources_of(fact);
            if !sources.is_empty() {
                provenance.insert(fact, sources);
            }
        }
        proposed.push(proposed_pool(old, name, target, provenance));
    }
    proposed
}

/// `estate` as the plan pairs it: declared successors carry their loads, the `proposed` pools are
/// added, and branch registrars backed by a Lync 2010 pool are backed by its successor; pools
/// sorted by site, then FQDN.
fn target_estate(estate: &Estate, successors: &Successors, proposed: Vec<Pool>) -> Estate {
    let mut target = Estate {
        name: estate.name.clone(),
        inputs: estate.inputs.clone(),
        sites: estate.sites.clone(),
        pools: estate.pools.iter().map(without_provenance).collect(),
        conflicts: estate.conflicts.clone(),
        lossy: estate.lossy.clone(),
        notes: estate.notes.clone(),
        pending_changes: estate.pending_changes.clone(),
        declared_successors: estate.declared_successors.clone(),
        // Built on first lookup over the target's own pool list.
        pool_index: OnceLock::new(),
    };
    for p in &mut target.pools {
        if let Some(load) = successors.loads.get(&p.fqdn) {
            p.users = *load;
        }
        if p.role == Role::Branch
            && let Some(succ) = p
                .backup
                .as_ref()
                .and_then(|b| successors.successor_of.get(b))
        {
            p.backup = Some(succ.clone());
        }
    }
    target.pools.extend(proposed);
    target.pools.sort_by(|a, b| {
        (a.site.is_none(), &a.site, &a.fqdn).cmp(&(b.site.is_none(), &b.site, &b.fqdn))
    });
    target
}
