//! The pairing planner (issue 4): per estate, the optimal set of 1:1 reciprocal pairs of front-end
//! pools of Lync 2013 or later, why every other pool stays unpaired, and what changes from today.
//!
//! Objective and constraints are CONTRACT.md "Plan"; the exact solution is in [`matching`], the hard
//! constraints in [`constraints`]. Pure: no IO, and the same plan whatever the order of the inputs.

pub mod constraints;
pub mod matching;
pub mod migration;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{CmsRole, Edition, Estate, Failover, Pool, Role, Version};
use crate::rules::pair::{
    ENTERPRISE_MAX_USERS, MAX_FRONT_ENDS, STANDARD_MAX_USERS, USERS_PER_FRONT_END, base_os,
    carried_users,
};
use constraints::{Blocker, Forbidden, blockers_with_os, describe_pair, describe_partner, ordered};
use matching::{Candidate, best_matching};
pub use migration::{Migration, PlanError, Successor, SuccessorProblem, migrate};

/// What the user asked for on the command line: `--pin A=B` and `--forbid A=B`, FQDNs normalised,
/// and `--target`, the version of proposed successors.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub pins: Vec<(String, String)>,
    pub forbids: Vec<(String, String)>,
    pub target: Version,
}

impl Default for PlanRequest {
    fn default() -> PlanRequest {
        PlanRequest {
            pins: Vec::new(),
            forbids: Vec::new(),
            target: Version::V2013,
        }
    }
}

/// The objective, compared lexicographically in field order (CONTRACT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Objective {
    pub pairs: usize,
    pub cross_site: usize,
    pub kept: usize,
}

/// One pool of a planned pair, with what the runbook needs to set the pairing up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairSide {
    pub fqdn: String,
    pub site: Option<String>,
    pub version: Version,
    pub edition: Option<Edition>,
    /// Front End servers, for Bootstrapper and the Backup Service.
    pub machines: Vec<String>,
    /// How many Front End servers the merged estate counts (an inventory may give a count without
    /// naming the machines, so this can exceed `machines.len()`).
    pub servers: u32,
    /// Only an inventory names the pool: it is not deployed yet (also true of a proposed successor).
    pub planned: bool,
    /// A successor the plan proposes (`successor-of-…`): no input names it.
    pub proposed: bool,
    pub failover: Option<Failover>,
    /// Pools this one is paired with today other than its new partner, whose users' data its
    /// Backup Service may still hold (a re-pair: `Remove-CsUserStoreBackupData`).
    pub former_partners: Vec<String>,
    /// Whether the pool holds the active or a standby Central Management store.
    pub cms: Option<CmsRole>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPair {
    /// Sorted by FQDN.
    pub sides: [PairSide; 2],
    /// Either pool's backup already names the other today.
    pub kept: bool,
    /// Both sites are known and differ.
    pub cross_site: bool,
    /// Forced by `--pin`.
    pub pinned: bool,
    /// Both pools already name each other: nothing to set up.
    pub reciprocal_today: bool,
    /// Users each side carries after the migration and the branch moves (its own, those of the
    /// Lync 2010 pools it replaces, and those of the branch registrars it backs); sides in order.
    pub users: [Option<u64>; 2],
    /// Both sides' users are known, so capacity was checked.
    pub capacity_checked: bool,
}

impl PlannedPair {
    pub fn pools(&self) -> [&str; 2] {
        [self.sides[0].fqdn.as_str(), self.sides[1].fqdn.as_str()]
    }

    /// The pools of the pair that hold a Central Management store, and which copy: a pair holding
    /// the CMS needs care when it is broken up or failed over (`Invoke-CsManagementServerFailover`).
    pub fn cms(&self) -> Vec<(&str, CmsRole)> {
        self.sides
            .iter()
            .filter_map(|s| s.cms.map(|c| (s.fqdn.as_str(), c)))
            .collect()
    }

    /// Topology Builder and the Backup Service steps are needed.
    pub fn needs_setup(&self) -> bool {
        !self.reciprocal_today
    }

    /// A pool of the pair leaves a former partner.
    pub fn is_repair(&self) -> bool {
        self.sides.iter().any(|s| !s.former_partners.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unpaired {
    pub pool: String,
    pub reason: String,
}

/// A Lync 2010 front-end pool: never paired; migrate its users to a 2013+ pool first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateFirst {
    pub pool: String,
    pub site: Option<String>,
    pub backup: Option<String>,
    /// Front-end pools naming it as backup today.
    pub backup_of: Vec<String>,
    /// Branch registrars it backs today.
    pub branches: Vec<String>,
    /// Where its users go: its successor (declared or proposed).
    pub successor: String,
    /// The successor's partner in the plan, when it is paired.
    pub successor_partner: Option<String>,
    /// Users homed on it today, when known.
    pub users: Option<u64>,
}

/// A pool of a role the plan never pairs (director, branch registrar, Edge, Mediation, other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPlanned {
    pub pool: String,
    pub site: Option<String>,
    pub role: Role,
}

/// How a backup relationship of today compares with the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `from` names `to` as backup today; the plan drops it.
    Remove {
        from: String,
        to: String,
        why: String,
    },
    /// A pair that does not exist today in either direction.
    Add {
        pools: [String; 2],
        repair: bool,
        why: String,
    },
    /// A pair one or both pools already name today.
    Keep {
        pools: [String; 2],
        reciprocal: bool,
        repair: bool,
        why: String,
    },
}

impl Change {
    /// `add`, `remove` or `keep` (plan/v1 `changes[].kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Remove { .. } => "remove",
            Change::Add { .. } => "add",
            Change::Keep { .. } => "keep",
        }
    }

    /// The pools: `[from, to]` of a removed backup, the two pools of a pair.
    pub fn pools(&self) -> [&str; 2] {
        match self {
            Change::Remove { from, to, .. } => [from, to],
            Change::Add { pools, .. } | Change::Keep { pools, .. } => [&pools[0], &pools[1]],
        }
    }

    /// The planner's explanation (English).
    pub fn reason(&self) -> &str {
        match self {
            Change::Remove { why, .. } | Change::Add { why, .. } | Change::Keep { why, .. } => why,
        }
    }
}

/// How a branch registrar gets a new backing pool (DOMAIN.md §6 and §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchProcedure {
    /// A 2013+ SBA/SBS: move its users off, stop it, change Resiliency in TB, publish, restart, move back.
    Reassociate,
    /// A Lync 2010 SBA: re-create it under the branch site's Lync Server 2010 node of the 2013 topology.
    Lync2010Sba,
}

/// A branch registrar whose backup is a Lync 2010 pool, is invalid or is missing, and the paired
/// pool the plan recommends instead (DOMAIN.md §6 and §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchMove {
    pub branch: String,
    pub site: Option<String>,
    /// Its backup today, if any.
    pub from: Option<String>,
    /// The recommended backup: a pool paired in the plan; `None` only when the plan pairs no pool.
    pub to: Option<String>,
    /// Why it moves and why there (English).
    pub why: String,
    pub users: Option<u64>,
    pub procedure: BranchProcedure,
}

/// The plan of one estate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingPlan {
    pub estate: String,
    /// Input paths of the estate, for the runbook header.
    pub inputs: Vec<String>,
    /// Sorted by pools.
    pub pairs: Vec<PlannedPair>,
    /// Eligible pools left unpaired, and Lync 2010 or version-unknown front-end pools; sorted by pool.
    pub unpaired: Vec<Unpaired>,
    pub objective: Objective,
    pub migrate_first: Vec<MigrateFirst>,
    pub not_planned: Vec<NotPlanned>,
    /// Removals first (by `from`, `to`), then additions and kept pairs (by pools).
    pub changes: Vec<Change>,
    pub branch_moves: Vec<BranchMove>,
    /// Successors of the Lync 2010 front-end pools, declared and proposed; sorted by pool.
    pub successors: Vec<Successor>,
    /// The version of proposed successors (`--target`).
    pub target_version: Version,
}

impl PairingPlan {
    /// The successor `fqdn` is one the plan proposes (no input names it).
    pub fn is_proposed(&self, fqdn: &str) -> bool {
        self.successors
            .iter()
            .any(|s| !s.declared && s.pool == fqdn)
    }
}

/// Why a pool is never paired, or `None` when it is plan-eligible (front end, 2013 or later).
pub fn ineligibility(pool: &Pool) -> Option<String> {
    match (pool.role, pool.version) {
        (Role::FrontEnd, Some(v)) if v >= Version::V2013 => None,
        (Role::FrontEnd, Some(_)) => {
            Some("it is a Lync 2010 pool, which has no pool pairing; migrate it first".to_owned())
        }
        (Role::FrontEnd, None) => Some(
            "its version is unknown; state it (topology ServiceVersion, the cmdlet Version column or \
             the inventory) so it can be planned"
                .to_owned(),
        ),
        (Role::Branch, _) => Some(
            "it is a branch registrar (SBA/SBS): it is backed by a pool but never paired".to_owned(),
        ),
        (role, _) => Some(format!(
            "it is a {} pool; only front-end pools are paired",
            role.label()
        )),
    }
}

fn is_eligible(pool: &Pool) -> bool {
    ineligibility(pool).is_none()
}

/// Plan every estate. First each estate's Lync 2010 front-end pools get their successors
/// ([`migrate`]); a declared successor that cannot host its pools is an error. Pins and forbids
/// apply to each estate that holds both of their pools (successors included, by their
/// `successor-of-…` name); one that no estate holds, or a pin that breaks a hard constraint, is an
/// error. All errors are returned and no plan is made: a plan without what the user asked for
/// would be silently wrong.
pub fn plan(
    estates: &[&Estate],
    request: &PlanRequest,
) -> Result<Vec<PairingPlan>, Vec<PlanError>> {
    let several = estates.len() > 1;
    let in_estate = |estate: &Estate, e: PlanError| {
        if several {
            PlanError::InEstate {
                estate: estate.name.clone(),
                error: Box::new(e),
            }
        } else {
            e
        }
    };
    let mut errors = Vec::new();
    let mut migrations = Vec::new();
    for estate in estates {
        match migrate(estate, request.target) {
            Ok(m) => migrations.push(m),
            Err(errs) => errors.extend(errs.into_iter().map(|e| in_estate(estate, e))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let targets: Vec<&Estate> = migrations.iter().map(|m| &m.target).collect();
    let mut pins: Vec<Vec<Pin>> = vec![Vec::new(); estates.len()];
    let mut forbids: Vec<Forbidden> = vec![Forbidden::default(); estates.len()];
    for (flag, list) in [("--pin", &request.pins), ("--forbid", &request.forbids)] {
        // The same pair given twice (or as B=A) counts once; shown as first typed.
        let mut unique: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
        for (a, b) in list {
            unique
                .entry(ordered(a, b))
                .or_insert_with(|| (a.clone(), b.clone()));
        }
        for (a, b) in unique.into_values() {
            if a == b {
                // A pool cannot back itself up: that pin would be a backup-self the plan made.
                errors.push(PlanError::Request(format!(
                    "{flag} {a}={b}: a pool cannot be paired with itself; name two different pools"
                )));
                continue;
            }
            let holders: Vec<usize> = (0..targets.len())
                .filter(|&i| targets[i].pool(&a).is_some() && targets[i].pool(&b).is_some())
                .collect();
            if holders.is_empty() {
                errors.push(PlanError::Request(not_in_any_estate(
                    flag, &a, &b, &targets,
                )));
            }
            for i in holders {
                if flag == "--pin" {
                    pins[i].push(Pin {
                        a: a.clone(),
                        b: b.clone(),
                    });
                } else {
                    forbids[i].insert(&a, &b);
                }
            }
        }
    }
    let mut plans = Vec::new();
    for (i, estate) in estates.iter().enumerate() {
        match plan_estate(
            estate,
            &migrations[i],
            &pins[i],
            &forbids[i],
            request.target,
        ) {
            Ok(p) => plans.push(p),
            Err(errs) => errors.extend(
                errs.into_iter()
                    .map(|e| in_estate(estate, PlanError::Request(e))),
            ),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

#[derive(Debug, Clone)]
struct Pin {
    a: String,
    b: String,
}

fn not_in_any_estate(flag: &str, a: &str, b: &str, estates: &[&Estate]) -> String {
    let whereabouts = |fqdn: &str| -> Vec<&str> {
        estates
            .iter()
            .filter(|e| e.pool(fqdn).is_some())
            .map(|e| e.name.as_str())
            .collect()
    };
    let (in_a, in_b) = (whereabouts(a), whereabouts(b));
    let detail = if in_a.is_empty() && in_b.is_empty() {
        format!("neither {a} nor {b} is a pool of the inputs")
    } else if in_a.is_empty() || in_b.is_empty() {
        let missing = if in_a.is_empty() { a } else { b };
        format!("{missing} is not a pool of the inputs")
    } else {
        format!(
            "{a} and {b} are in different estates ({} and {})",
            in_a.join(", "),
            in_b.join(", ")
        )
    };
    format!("{flag} {a}={b}: {detail}; check the FQDNs")
}

/// Plan one estate with the pins and forbids that apply to it (both pools are in its target).
fn plan_estate(
    estate: &Estate,
    migration: &Migration,
    pins: &[Pin],
    forbidden: &Forbidden,
    target_version: Version,
) -> Result<PairingPlan, Vec<String>> {
    let target = &migration.target;
    // `capacity_problem` reads only the branch registrars of the estate it is given (their users
    // count toward the pool backing them); a view holding just those keeps n² checks cheap.
    let branch_view = Estate {
        pools: target
            .pools
            .iter()
            .filter(|p| p.role == Role::Branch)
            .cloned()
            .collect(),
        ..Estate::default()
    };
    let mut eligible: Vec<&Pool> = target.pools.iter().filter(|p| is_eligible(p)).collect();
    eligible.sort_by(|a, b| a.fqdn.cmp(&b.fqdn));
    eligible.dedup_by(|a, b| a.fqdn == b.fqdn);
    let n = eligible.len();
    let index: BTreeMap<&str, usize> = eligible
        .iter()
        .enumerate()
        .map(|(i, p)| (p.fqdn.as_str(), i))
        .collect();
    let table = BlockerTable::new(&branch_view, &eligible, forbidden);

    // Pins: validated, then taken out of the graph.
    let mut errors = Vec::new();
    let mut partner: BTreeMap<usize, usize> = BTreeMap::new();
    let mut pinned: BTreeSet<(usize, usize)> = BTreeSet::new();
    for pin in pins {
        let shown = format!("--pin {}={}", pin.a, pin.b);
        let mut sides = Vec::new();
        for fqdn in [&pin.a, &pin.b] {
            match index.get(fqdn.as_str()) {
                Some(&i) => sides.push(i),
                None => {
                    let pool = target
                        .pool(fqdn)
                        .expect("plan() checked the estate holds it");
                    let mut why = ineligibility(pool).unwrap_or_default();
                    if let Some(succ) = migration.successor_of.get(fqdn.as_str()) {
                        let _ = write!(why, " (its users move to {succ}: pin that instead)");
                    }
                    errors.push(format!("{shown}: cannot pin {fqdn}: {why}"));
                }
            }
        }
        let [i, j] = sides[..] else { continue };
        let mut twice = false;
        for k in [i, j] {
            if let Some(&other) = partner.get(&k) {
                twice = true;
                errors.push(format!(
                    "{shown}: {} is already pinned to {}; a pool has one partner",
                    eligible[k].fqdn, eligible[other].fqdn
                ));
            }
        }
        if twice {
            continue;
        }
        let list = table.get(i, j);
        if !list.is_empty() {
            errors.push(format!(
                "{shown}: these pools cannot be paired: {}",
                describe_pair(eligible[i.min(j)], eligible[i.max(j)], &list)
            ));
            continue;
        }
        partner.insert(i, j);
        partner.insert(j, i);
        pinned.insert((i.min(j), i.max(j)));
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // The rest: one maximum-weight matching over the free pools (FQDN order, as `eligible`).
    let free: Vec<usize> = (0..n).filter(|i| !partner.contains_key(i)).collect();
    let mut candidates = Vec::new();
    for (fa, &i) in free.iter().enumerate() {
        for (fb, &j) in free.iter().enumerate().skip(fa + 1) {
            if table.compatible(i, j) {
                candidates.push(Candidate {
                    a: fa,
                    b: fb,
                    cross_site: cross_site(eligible[i], eligible[j]),
                    kept: kept(eligible[i], eligible[j]),
                });
            }
        }
    }
    let mut chosen: Vec<(usize, usize, bool)> = best_matching(free.len(), &candidates)
        .into_iter()
        .map(|(a, b)| (free[a], free[b], false))
        .collect();
    chosen.extend(pinned.iter().map(|&(i, j)| (i, j, true)));
    chosen.sort_unstable();
    for &(i, j, _) in &chosen {
        partner.insert(i, j);
        partner.insert(j, i);
    }

    let mut pairs: Vec<PlannedPair> = chosen
        .iter()
        .map(|&(i, j, is_pinned)| planned_pair(migration, eligible[i], eligible[j], is_pinned))
        .collect();
    let objective = Objective {
        pairs: pairs.len(),
        cross_site: pairs.iter().filter(|p| p.cross_site).count(),
        kept: pairs.iter().filter(|p| p.kept).count(),
    };
    let partner_of: BTreeMap<&str, &str> = pairs
        .iter()
        .flat_map(|p| {
            let [a, b] = p.pools();
            [(a, b), (b, a)]
        })
        .collect();

    let mut unpaired: Vec<Unpaired> = (0..n)
        .filter(|i| !partner.contains_key(i))
        .map(|u| Unpaired {
            pool: eligible[u].fqdn.clone(),
            reason: unpaired_reason(u, &eligible, &partner, &pinned, &table),
        })
        .collect();
    let mut migrate_first = Vec::new();
    let mut not_planned = Vec::new();
    for p in &estate.pools {
        match (p.role, p.version) {
            (Role::FrontEnd, Some(Version::V2010)) => {
                let m = migrate_entry(estate, migration, &partner_of, p);
                unpaired.push(Unpaired {
                    pool: p.fqdn.clone(),
                    reason: format!(
                        "not eligible: Lync 2010, migrate first to {} ({})",
                        m.successor,
                        today(&m)
                    ),
                });
                migrate_first.push(m);
            }
            (Role::FrontEnd, None) => unpaired.push(Unpaired {
                pool: p.fqdn.clone(),
                reason: format!("not eligible: {}", ineligibility(p).unwrap_or_default()),
            }),
            (Role::FrontEnd, Some(_)) => {}
            (role, _) => not_planned.push(NotPlanned {
                pool: p.fqdn.clone(),
                site: p.site.clone(),
                role,
            }),
        }
    }
    unpaired.sort_by(|a, b| a.pool.cmp(&b.pool));
    unpaired.dedup_by(|a, b| a.pool == b.pool);
    // Migration order: grouped by successor, those whose successor is paired first (their users
    // can move as soon as the pair is built), then by pool.
    migrate_first.sort_by(|a, b| {
        (a.successor_partner.is_none(), &a.successor, &a.pool).cmp(&(
            b.successor_partner.is_none(),
            &b.successor,
            &b.pool,
        ))
    });
    not_planned.sort_by(|a, b| a.pool.cmp(&b.pool));

    let changes = changes(estate, migration, &pairs);
    let (branch_moves, after) = branch_moves(estate, migration, &pairs);
    for pair in &mut pairs {
        let users = pair
            .sides
            .each_ref()
            .map(|s| after.pool(&s.fqdn).and_then(|p| carried_users(&after, p)));
        pair.capacity_checked = users.iter().all(Option::is_some);
        pair.users = users;
    }
    Ok(PairingPlan {
        estate: estate.name.clone(),
        inputs: estate.inputs.iter().map(|i| i.path.clone()).collect(),
        pairs,
        unpaired,
        objective,
        migrate_first,
        not_planned,
        changes,
        branch_moves,
        successors: migration.successors.clone(),
        target_version,
    })
}

/// The hard-constraint check of pairs of eligible pools, worked out when asked: a table of every
/// pair held n² lists (gigabytes at a few thousand pools), and most pairs are only ever asked once.
struct BlockerTable<'e> {
    branch_view: &'e Estate,
    eligible: &'e [&'e Pool],
    base: Vec<Option<String>>,
    forbidden: &'e Forbidden,
}

impl<'e> BlockerTable<'e> {
    fn new(
        branch_view: &'e Estate,
        eligible: &'e [&'e Pool],
        forbidden: &'e Forbidden,
    ) -> BlockerTable<'e> {
        let base = eligible
            .iter()
            .map(|p| p.os.as_deref().map(base_os))
            .collect();
        BlockerTable {
            branch_view,
            eligible,
            base,
            forbidden,
        }
    }

    /// What blocks the pair of eligible pools `i` and `j` (either order); values in FQDN order.
    fn get(&self, i: usize, j: usize) -> Vec<Blocker> {
        let (i, j) = (i.min(j), i.max(j));
        blockers_with_os(
            self.branch_view,
            self.eligible[i],
            self.eligible[j],
            [self.base[i].as_deref(), self.base[j].as_deref()],
            self.forbidden,
        )
    }

    /// Nothing blocks the pair. Pools of another version or edition are ruled out before the
    /// other constraints are worked out: that is most pairs of a large estate.
    fn compatible(&self, i: usize, j: usize) -> bool {
        let (a, b) = (self.eligible[i], self.eligible[j]);
        a.version == b.version
            && a.edition.is_some()
            && a.edition == b.edition
            && self.get(i, j).is_empty()
    }
}

fn cross_site(a: &Pool, b: &Pool) -> bool {
    matches!((&a.site, &b.site), (Some(x), Some(y)) if x != y)
}

fn kept(a: &Pool, b: &Pool) -> bool {
    a.backup.as_deref() == Some(b.fqdn.as_str()) || b.backup.as_deref() == Some(a.fqdn.as_str())
}

/// At most this many pools are named in one reason; the rest are counted.
const NAMED_IN_REASON: usize = 8;

fn unpaired_reason(
    u: usize,
    eligible: &[&Pool],
    partner: &BTreeMap<usize, usize>,
    pinned: &BTreeSet<(usize, usize)>,
    table: &BlockerTable,
) -> String {
    let pool = eligible[u];
    if pool.edition.is_none() {
        return "no compatible partner: its edition is unknown and pools pair only with the same edition; \
                state it (Standard or Enterprise) in an inventory or cmdlet export"
            .to_owned();
    }
    let others: Vec<usize> = (0..eligible.len()).filter(|&v| v != u).collect();
    if others.is_empty() {
        return "no compatible partner: it is the only front-end pool of Lync 2013 or later in the estate"
            .to_owned();
    }
    let compatible: Vec<usize> = others
        .iter()
        .copied()
        .filter(|&v| table.compatible(u, v))
        .collect();
    if compatible.is_empty() {
        // Partners blocked the same way are named together, in FQDN order of first appearance.
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        for &v in &others {
            let why = describe_partner(&table.get(u, v), u < v);
            match groups.iter_mut().find(|(w, _)| *w == why) {
                Some((_, names)) => names.push(&eligible[v].fqdn),
                None => groups.push((why, vec![&eligible[v].fqdn])),
            }
        }
        let parts: Vec<String> = groups
            .iter()
            .map(|(why, names)| format!("{why} with {}", name_list(names)))
            .collect();
        return format!("no compatible partner: {}", parts.join("; "));
    }
    let taken: Vec<String> = compatible
        .iter()
        .map(|&v| match partner.get(&v) {
            Some(&w) => {
                let how = if pinned.contains(&(v.min(w), v.max(w))) {
                    " by --pin"
                } else {
                    ""
                };
                format!("{} with {}{how}", eligible[v].fqdn, eligible[w].fqdn)
            }
            // Unreachable for a maximum matching; said plainly rather than hidden.
            None => format!("{} (unpaired)", eligible[v].fqdn),
        })
        .collect();
    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
    format!(
        "odd one out: every compatible partner is paired with another pool ({})",
        name_list(&taken)
    )
}

/// "a, b, c" with at most [`NAMED_IN_REASON`] names, then "and N more".
fn name_list(names: &[&str]) -> String {
    let mut text = names
        .iter()
        .take(NAMED_IN_REASON)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMED_IN_REASON {
        let _ = write!(text, " and {} more", names.len() - NAMED_IN_REASON);
    }
    text
}

fn planned_pair(migration: &Migration, a: &Pool, b: &Pool, pinned: bool) -> PlannedPair {
    let estate = &migration.target;
    let side = |p: &Pool, new_partner: &Pool| PairSide {
        fqdn: p.fqdn.clone(),
        site: p.site.clone(),
        version: p.version.expect("eligible pools have a version"),
        edition: p.edition,
        machines: p.machines.clone(),
        servers: p
            .servers
            .max(u32::try_from(p.machines.len()).unwrap_or(u32::MAX)),
        planned: p.planned,
        proposed: migration.is_proposed(&p.fqdn),
        failover: p.failover,
        former_partners: former_partners(estate, p, new_partner),
        cms: p.cms,
    };
    PlannedPair {
        sides: [side(a, b), side(b, a)],
        kept: kept(a, b),
        cross_site: cross_site(a, b),
        pinned,
        reciprocal_today: a.backup.as_deref() == Some(b.fqdn.as_str())
            && b.backup.as_deref() == Some(a.fqdn.as_str()),
        // Filled in once the branch registrars have moved.
        users: [None, None],
        capacity_checked: false,
    }
}

/// Pools `p` is paired with today (either side names the other) besides `new_partner`, leaving out
/// those that cannot have had a Backup Service with it (Lync 2010 pools, other roles).
fn former_partners(estate: &Estate, p: &Pool, new_partner: &Pool) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    out.extend(p.backup.iter().cloned());
    out.extend(
        estate
            .pools
            .iter()
            .filter(|q| q.role == Role::FrontEnd && q.backup.as_deref() == Some(p.fqdn.as_str()))
            .map(|q| q.fqdn.clone()),
    );
    out.remove(&p.fqdn);
    out.remove(&new_partner.fqdn);
    out.retain(|f| {
        estate.pool(f).is_none_or(|q| {
            q.role == Role::FrontEnd && q.version.is_none_or(|v| v >= Version::V2013)
        })
    });
    out.into_iter().collect()
}

fn migrate_entry(
    estate: &Estate,
    migration: &Migration,
    partner_of: &BTreeMap<&str, &str>,
    p: &Pool,
) -> MigrateFirst {
    let named_by = |role: Role| -> Vec<String> {
        let mut v: Vec<String> = estate
            .pools
            .iter()
            .filter(|q| q.role == role && q.backup.as_deref() == Some(p.fqdn.as_str()))
            .map(|q| q.fqdn.clone())
            .collect();
        v.sort();
        v
    };
    let successor = migration
        .successor_of
        .get(&p.fqdn)
        .cloned()
        .expect("migrate() gives every Lync 2010 front-end pool a successor");
    MigrateFirst {
        pool: p.fqdn.clone(),
        site: p.site.clone(),
        backup: p.backup.clone(),
        backup_of: named_by(Role::FrontEnd),
        branches: named_by(Role::Branch),
        successor_partner: partner_of.get(successor.as_str()).map(|s| (*s).to_owned()),
        successor,
        users: p.users,
    }
}

/// The backup relationships of a Lync 2010 pool today, for its "migrate first" reason.
pub fn today(m: &MigrateFirst) -> String {
    let mut parts = vec![match &m.backup {
        Some(b) => format!("backup today: {b}"),
        None => "no backup today".to_owned(),
    }];
    if !m.backup_of.is_empty() {
        parts.push(format!("backup of {}", m.backup_of.join(", ")));
    }
    if !m.branches.is_empty() {
        parts.push(format!("backs branch registrars {}", m.branches.join(", ")));
    }
    parts.join("; ")
}

fn changes(estate: &Estate, migration: &Migration, pairs: &[PlannedPair]) -> Vec<Change> {
    let planned_partner: BTreeMap<&str, &str> = pairs
        .iter()
        .flat_map(|p| {
            let [a, b] = p.pools();
            [(a, b), (b, a)]
        })
        .collect();
    let fate = |x: &str| match planned_partner.get(x) {
        Some(other) => format!("{x} is paired with {other}"),
        None => format!("{x} stays unpaired"),
    };
    let mut removed = Vec::new();
    for p in estate.pools.iter().filter(|p| p.role == Role::FrontEnd) {
        let Some(to) = p.backup.as_deref() else {
            continue;
        };
        if planned_partner.get(p.fqdn.as_str()) == Some(&to) {
            continue;
        }
        let target = estate.pool(to);
        let retired = |x: &Pool| match migration.successor_of.get(&x.fqdn) {
            Some(succ) => format!(
                "{} is a Lync 2010 pool, retired by the migration: its users move to {succ} ({})",
                x.fqdn,
                fate(succ)
            ),
            None => format!("{} is of unknown version and not planned", x.fqdn),
        };
        let why = match target {
            _ if to == p.fqdn => "it names itself".to_owned(),
            None => format!("{to} is not a pool of the estate"),
            _ if !is_eligible(p) => retired(p),
            Some(t) if t.role != Role::FrontEnd => {
                format!("{to} is a {} pool, not a front-end pool", t.role.label())
            }
            Some(t) if !is_eligible(t) => retired(t),
            Some(t) => format!("{}; {}", fate(&p.fqdn), fate(&t.fqdn)),
        };
        removed.push(Change::Remove {
            from: p.fqdn.clone(),
            to: to.to_owned(),
            why,
        });
    }
    removed.sort_by(|a, b| a.pools().cmp(&b.pools()));
    let mut out = removed;
    for pair in pairs {
        let pools = pair.pools().map(str::to_owned);
        let mut why = Vec::new();
        if pair.reciprocal_today {
            why.push("already paired both ways today".to_owned());
        } else if pair.kept {
            why.push("one pool names the other today; made reciprocal".to_owned());
        } else {
            why.push("a new pair".to_owned());
        }
        for side in &pair.sides {
            for former in &side.former_partners {
                why.push(format!("{} leaves its former partner {former}", side.fqdn));
            }
            let replaced: Vec<&str> = migration
                .successor_of
                .iter()
                .filter(|(_, s)| **s == side.fqdn)
                .map(|(old, _)| old.as_str())
                .collect();
            if !replaced.is_empty() {
                why.push(format!(
                    "{} is the {} successor of {}",
                    side.fqdn,
                    if side.proposed {
                        "proposed"
                    } else {
                        "declared"
                    },
                    replaced.join(", ")
                ));
            } else if side.planned {
                why.push(format!("{} is not deployed yet", side.fqdn));
            }
        }
        let why = why.join("; ");
        out.push(if pair.kept {
            Change::Keep {
                pools,
                reciprocal: pair.reciprocal_today,
                repair: pair.is_repair(),
                why,
            }
        } else {
            Change::Add {
                pools,
                repair: pair.is_repair(),
                why,
            }
        });
    }
    out
}

/// Users a paired pool can still take before its pair is over capacity (pair-capacity): the
/// smaller edition limit, and for an Enterprise pool with a known server count the users its front
/// ends carry, less both pools' users. `None` when either side's users are unknown.
fn spare(after: &Estate, pair: &[&Pool; 2]) -> Option<i128> {
    let combined = carried_users(after, pair[0])? + carried_users(after, pair[1])?;
    let limit = pair
        .iter()
        .filter_map(|p| match p.edition {
            Some(Edition::Enterprise) if p.servers > 0 && u64::from(p.servers) < MAX_FRONT_ENDS => {
                Some(ENTERPRISE_MAX_USERS.min(u64::from(p.servers) * USERS_PER_FRONT_END))
            }
            Some(Edition::Enterprise) => Some(ENTERPRISE_MAX_USERS),
            Some(Edition::Standard) => Some(STANDARD_MAX_USERS),
            None => None,
        })
        .min()
        .unwrap_or(u64::MAX);
    Some(i128::from(limit) - i128::from(combined))
}

/// Why a branch registrar's backup must change, or `None` when it is a plan-eligible pool.
fn move_cause(estate: &Estate, b: &Pool) -> Option<String> {
    let Some(backup) = b.backup.as_deref() else {
        return Some("it has no backup Registrar".to_owned());
    };
    if backup == b.fqdn {
        return Some("it names itself as backup".to_owned());
    }
    match estate.pool(backup) {
        None => Some(format!("its backup {backup} is not a pool of the estate")),
        Some(t) if t.role == Role::FrontEnd && t.version == Some(Version::V2010) => Some(format!(
            "its backup {backup} is a Lync 2010 pool, retired by the migration"
        )),
        Some(t) => ineligibility(t).map(|why| format!("its backup {backup} cannot back it: {why}")),
    }
}

/// The recommended backup of every branch registrar whose backup is a Lync 2010 pool, is invalid
/// or is missing: the successor of its backup when that is paired; else a paired pool of its
/// parent central site with room for its users; else the paired pool with the most spare capacity.
/// Returns the moves (by branch) and the estate after them, whose branch users count toward the
/// pools now backing them.
fn branch_moves(
    estate: &Estate,
    migration: &Migration,
    pairs: &[PlannedPair],
) -> (Vec<BranchMove>, Estate) {
    let mut after = migration.target.clone();
    after.pool_index = std::sync::OnceLock::new();
    let partner_of: BTreeMap<String, String> = pairs
        .iter()
        .flat_map(|p| {
            let [a, b] = p.pools().map(str::to_owned);
            [(a.clone(), b.clone()), (b, a)]
        })
        .collect();
    let mut branches: Vec<&Pool> = estate
        .pools
        .iter()
        .filter(|p| p.role == Role::Branch)
        .collect();
    branches.sort_by(|a, b| a.fqdn.cmp(&b.fqdn));
    let mut out = Vec::new();
    for b in branches {
        let Some(cause) = move_cause(estate, b) else {
            continue;
        };
        let successor = b
            .backup
            .as_deref()
            .and_then(|old| migration.successor_of.get(old));
        let (to, why) = match successor.and_then(|s| partner_of.get(s).map(|p| (s, p))) {
            Some((succ, partner)) => (
                Some(succ.clone()),
                format!("{cause}; its successor {succ} is paired with {partner}"),
            ),
            None => {
                // Not counted on an unpaired successor any more.
                set_backup(&mut after, &b.fqdn, None);
                let choice = choose_backup(estate, &after, &partner_of, b);
                let why = match (&choice, successor) {
                    (None, _) => format!(
                        "{cause}; the plan pairs no pool, so there is nothing to recommend yet"
                    ),
                    (Some((_, how)), Some(succ)) => {
                        format!("{cause}; its successor {succ} is not paired; {how}")
                    }
                    (Some((_, how)), None) => format!("{cause}; {how}"),
                };
                let to = choice.map(|(pool, _)| pool);
                set_backup(&mut after, &b.fqdn, to.clone());
                (to, why)
            }
        };
        out.push(BranchMove {
            branch: b.fqdn.clone(),
            site: b.site.clone(),
            from: b.backup.clone(),
            to,
            why,
            users: b.users,
            procedure: if b.version == Some(Version::V2010) {
                BranchProcedure::Lync2010Sba
            } else {
                BranchProcedure::Reassociate
            },
        });
    }
    (out, after)
}

fn set_backup(after: &mut Estate, branch: &str, to: Option<String>) {
    for p in after.pools.iter_mut().filter(|p| p.fqdn == branch) {
        p.backup = to.clone();
    }
}

/// A paired pool for branch `b` and the words for why: its parent central site's paired pool with
/// room for its users first, else the paired pool with the most spare capacity.
fn choose_backup(
    estate: &Estate,
    after: &Estate,
    partner_of: &BTreeMap<String, String>,
    b: &Pool,
) -> Option<(String, String)> {
    let users = i128::from(b.users.unwrap_or(0));
    let parent = b
        .site
        .as_deref()
        .and_then(|s| estate.site(s))
        .and_then(|s| s.parent.clone());
    // (fits, spare, pool) for every paired pool, best first.
    let mut ranked: Vec<(bool, Option<i128>, &str)> = partner_of
        .iter()
        .filter_map(|(pool, partner)| {
            let pair = [after.pool(pool)?, after.pool(partner)?];
            let spare = spare(after, &pair);
            Some((spare.is_none_or(|s| s >= users), spare, pool.as_str()))
        })
        .collect();
    ranked.sort_by(|x, y| {
        // Fitting first, then known spare, then more spare; ties by name.
        (y.0, y.1.is_some(), y.1, x.2).cmp(&(x.0, x.1.is_some(), x.1, y.2))
    });
    let spare_words = |spare: Option<i128>| match spare {
        Some(s) if s >= users => format!("{s} users of spare capacity before"),
        Some(s) => format!(
            "only {s} users of spare capacity, so its pair goes over capacity by {}",
            users - s
        ),
        None => "capacity not checked: users unknown".to_owned(),
    };
    let users_words = b.users.map_or("its users (count unknown)".to_owned(), |u| {
        format!("its {u} users")
    });
    if let Some(parent) = &parent
        && let Some((_, spare, pool)) = ranked.iter().find(|(fits, _, pool)| {
            *fits && after.pool(pool).and_then(|p| p.site.as_deref()) == Some(parent.as_str())
        })
    {
        return Some((
            (*pool).to_owned(),
            format!(
                "{pool} is a paired pool of its parent central site {parent} ({}; {users_words} count toward it)",
                spare_words(*spare)
            ),
        ));
    }
    let (_, spare, pool) = ranked.first()?;
    let where_ = match &parent {
        Some(parent) => format!("no paired pool of its parent central site {parent} has room; "),
        None => String::new(),
    };
    Some((
        (*pool).to_owned(),
        format!(
            "{where_}{pool} is the paired pool with the most spare capacity ({}; {users_words} count toward it)",
            spare_words(*spare)
        ),
    ))
}

#[cfg(test)]
mod tests;
