//! From a Lync 2010 estate to the estate the plan pairs (issue 10): every Lync 2010 front-end pool
//! gets a successor (declared by an inventory's `replaces` column, or proposed here), the successor
//! carries the users of the pools it replaces, and branch registrars backed by a 2010 pool are
//! counted on that pool's successor. Pure: the target is a new [`Estate`], the input is not changed.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

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

/// Why a declared successor cannot host the Lync 2010 pools it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuccessorProblem {
    /// The replaced FQDN is not a pool of the estate.
    UnknownPool(String),
    /// The replaced pool is not a Lync 2010 front-end pool.
    NotLync2010(String),
    /// Two successors claim the same 2010 pool.
    ClaimedTwice {
        /// The Lync 2010 pool.
        pool: String,
        /// The other successor that claims it.
        other: String,
    },
    /// The successor is not a front-end pool.
    NotFrontEnd(Role),
    /// The successor's version is 2010 or unknown.
    Version(Option<Version>),
    /// The successor sits in a branch site, where no front-end pool belongs.
    BranchSite(String),
    /// More users than its edition carries even without a partner.
    Users {
        /// The users it would carry.
        users: u64,
        /// Its edition.
        edition: Edition,
        /// The most users that edition carries.
        limit: u64,
    },
    /// Too few front-end servers for the users (one per 6,660, up to 12).
    Servers {
        /// The users it would carry.
        users: u64,
        /// Its Front End servers.
        servers: u32,
        /// The servers those users need.
        needed: u64,
    },
}

/// A plan that cannot be made: nothing is planned for the estate, since a silently changed plan
/// would be wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// A `--pin` or `--forbid` the plan cannot honour (the text names the option).
    Request(String),
    /// A declared successor that cannot host its 2010 pools.
    Successor {
        /// The successor's FQDN.
        successor: String,
        /// The Lync 2010 pools it is declared to replace.
        replaces: Vec<String>,
        /// Why it cannot.
        problem: SuccessorProblem,
        /// Where the `replaces` cell was read.
        source: Option<Source>,
    },
    /// Either of the above in one of several estates.
    InEstate {
        /// The estate's name.
        estate: String,
        /// The error in that estate.
        error: Box<PlanError>,
    },
}

impl fmt::Display for SuccessorProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuccessorProblem::UnknownPool(p) => write!(f, "{p} is not a pool of the estate"),
            SuccessorProblem::NotLync2010(p) => write!(
                f,
                "{p} is not a Lync 2010 front-end pool; only those are replaced by a successor"
            ),
            SuccessorProblem::ClaimedTwice { pool, other } => write!(
                f,
                "{pool} is also replaced by {other}; a Lync 2010 pool moves to one successor"
            ),
            SuccessorProblem::NotFrontEnd(role) => write!(
                f,
                "it is a {} pool; only a front-end pool can home the users",
                role.label()
            ),
            SuccessorProblem::Version(v) => write!(
                f,
                "its version is {}; a successor must be Lync 2013 or later (state it in the inventory's \
                 Version or Target Version column)",
                v.map_or("unknown", Version::label)
            ),
            SuccessorProblem::BranchSite(s) => write!(
                f,
                "its site {s} is a branch site; front-end pools belong to a central site"
            ),
            SuccessorProblem::Users {
                users,
                edition,
                limit,
            } => write!(
                f,
                "it would home {users} users, but a {} pool carries at most {limit}",
                match edition {
                    Edition::Enterprise => "Enterprise Edition",
                    Edition::Standard => "Standard Edition",
                }
            ),
            SuccessorProblem::Servers {
                users,
                servers,
                needed,
            } => write!(
                f,
                "it would home {users} users on {servers} front-end servers, but needs {needed} (one per {USERS_PER_FRONT_END} users)"
            ),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Request(text) => f.write_str(text),
            PlanError::Successor {
                successor,
                replaces,
                problem,
                source,
            } => {
                write!(
                    f,
                    "{successor} cannot replace {}: {problem}",
                    replaces.join(", ")
                )?;
                if let Some(s) = source {
                    write!(f, " (replaces column at {s})")?;
                }
                Ok(())
            }
            PlanError::InEstate { estate, error } => write!(f, "{error} (estate {estate})"),
        }
    }
}

impl PlanError {
    /// The error fixed in an inventory rather than on the command line.
    pub fn is_successor(&self) -> bool {
        match self {
            PlanError::Successor { .. } => true,
            PlanError::InEstate { error, .. } => error.is_successor(),
            PlanError::Request(_) => false,
        }
    }
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
    let mut p = old.clone();
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

fn is_lync2010_front_end(p: &Pool) -> bool {
    p.role == Role::FrontEnd && p.version == Some(Version::V2010)
}

/// Successors for every Lync 2010 front-end pool of `estate`, proposed ones of version `target`.
pub(crate) fn migrate(estate: &Estate, target: Version) -> Result<Migration, Vec<PlanError>> {
    let mut errors = Vec::new();
    let mut declared: BTreeMap<&str, Vec<(&str, &Source)>> = BTreeMap::new();
    for d in &estate.declared_successors {
        declared
            .entry(d.successor.as_str())
            .or_default()
            .push((d.replaces.as_str(), &d.source));
    }
    let mut successor_of: BTreeMap<String, String> = BTreeMap::new();
    let mut loads: BTreeMap<String, Option<u64>> = BTreeMap::new();
    let mut successors = Vec::new();
    for (name, list) in &declared {
        let replaces: Vec<String> = list.iter().map(|(r, _)| (*r).to_owned()).collect();
        let source = list.first().map(|(_, s)| (*s).clone());
        let mut fail = |problem: SuccessorProblem| {
            errors.push(PlanError::Successor {
                successor: (*name).to_owned(),
                replaces: replaces.clone(),
                problem,
                source: source.clone(),
            });
        };
        let Some(pool) = estate.pool(name) else {
            // Unreachable: the declaration comes from the pool's own inventory row.
            fail(SuccessorProblem::UnknownPool((*name).to_owned()));
            continue;
        };
        let mut ok = true;
        if pool.role != Role::FrontEnd {
            fail(SuccessorProblem::NotFrontEnd(pool.role));
            ok = false;
        }
        if pool.version.is_none_or(|v| v < Version::V2013) {
            fail(SuccessorProblem::Version(pool.version));
            ok = false;
        }
        if let Some(site) = pool.site.as_deref()
            && estate
                .site(site)
                .is_some_and(|s| s.kind == SiteKind::Branch)
        {
            fail(SuccessorProblem::BranchSite(site.to_owned()));
            ok = false;
        }
        // Nobody is homed on a pool still to be built.
        let mut users = if pool.planned {
            Some(pool.users.unwrap_or(0))
        } else {
            pool.users
        };
        for (old, _) in list {
            match estate.pool(old) {
                None => {
                    fail(SuccessorProblem::UnknownPool((*old).to_owned()));
                    ok = false;
                }
                Some(p) if !is_lync2010_front_end(p) => {
                    fail(SuccessorProblem::NotLync2010((*old).to_owned()));
                    ok = false;
                }
                Some(p) => {
                    if let Some(other) = successor_of.get(*old) {
                        fail(SuccessorProblem::ClaimedTwice {
                            pool: (*old).to_owned(),
                            other: other.clone(),
                        });
                        ok = false;
                    } else {
                        successor_of.insert((*old).to_owned(), (*name).to_owned());
                    }
                    users = users.zip(p.users).map(|(a, b)| a + b);
                }
            }
        }
        if ok && let Some(u) = users {
            match pool.edition {
                Some(Edition::Enterprise) if u > ENTERPRISE_MAX_USERS => {
                    fail(SuccessorProblem::Users {
                        users: u,
                        edition: Edition::Enterprise,
                        limit: ENTERPRISE_MAX_USERS,
                    })
                }
                Some(Edition::Standard) if u > STANDARD_MAX_USERS => {
                    fail(SuccessorProblem::Users {
                        users: u,
                        edition: Edition::Standard,
                        limit: STANDARD_MAX_USERS,
                    })
                }
                Some(Edition::Enterprise) => {
                    let needed = u.div_ceil(USERS_PER_FRONT_END).min(MAX_FRONT_ENDS);
                    if pool.servers > 0 && u64::from(pool.servers) < needed {
                        fail(SuccessorProblem::Servers {
                            users: u,
                            servers: pool.servers,
                            needed,
                        });
                    }
                }
                _ => {}
            }
        }
        let mut replaces = replaces;
        replaces.sort();
        loads.insert((*name).to_owned(), users);
        successors.push(Successor {
            pool: (*name).to_owned(),
            replaces,
            declared: true,
            users,
            site: pool.site.clone(),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut proposed = Vec::new();
    for old in estate.pools.iter().filter(|p| is_lync2010_front_end(p)) {
        if successor_of.contains_key(&old.fqdn) {
            continue;
        }
        let name = proposed_name(&old.fqdn);
        successor_of.insert(old.fqdn.clone(), name.clone());
        successors.push(Successor {
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
    successors.sort_by(|a, b| a.pool.cmp(&b.pool));

    let mut target_estate = estate.clone();
    // The clone's index would point at the old pool list.
    target_estate.pool_index = OnceLock::new();
    for p in &mut target_estate.pools {
        if let Some(load) = loads.get(&p.fqdn) {
            p.users = *load;
        }
        if p.role == Role::Branch
            && let Some(succ) = p.backup.as_ref().and_then(|b| successor_of.get(b))
        {
            p.backup = Some(succ.clone());
        }
    }
    target_estate.pools.extend(proposed);
    target_estate.pools.sort_by(|a, b| {
        (a.site.is_none(), &a.site, &a.fqdn).cmp(&(b.site.is_none(), &b.site, &b.fqdn))
    });
    Ok(Migration {
        target: target_estate,
        successors,
        successor_of,
    })
}
