//! The pairing planner (issue 4): per estate, the optimal set of 1:1 reciprocal pairs of front-end
//! pools of Lync 2013 or later, why every other pool stays unpaired, and what changes from today.
//!
//! Objective and constraints are CONTRACT.md "Plan"; the exact solution is in `matching.rs`, the
//! hard constraints in `constraints.rs`. Pure: no IO, and the same plan whatever the order of the inputs.

pub(crate) mod constraints;
mod error;
pub(crate) mod matching;
pub(crate) mod migration;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::i18n::{Lang, Message};
use crate::model::{CmsRole, Edition, Estate, Failover, Pool, Role, Version};
use crate::rules::pair::{CarriedUsers, carried_users_by, most_users};
pub use constraints::Blocker;
use constraints::{
    Forbidden, PairFacts, ValuesOrder, blockers_with, describe_partner, ordered, ranks,
};
pub use error::{NotTogether, PairOption, PlanError, RequestedPair, SuccessorProblem};
use matching::{Candidate, Graph, best_matching};
pub use migration::Successor;
pub(crate) use migration::{Migration, migrate};

/// What the user asked for on the command line: `--pin A=B` and `--forbid A=B`, FQDNs normalised,
/// and `--target`, the version of proposed successors.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    /// `--pin A=B`: pairs that must be in the plan.
    pub pins: Vec<(String, String)>,
    /// `--forbid A=B`: pairs that must not be.
    pub forbids: Vec<(String, String)>,
    /// `--target`: the version of the successors the plan proposes for Lync 2010 pools.
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
    /// Number of pairs (more is better).
    pub pairs: usize,
    /// Pairs whose pools are in different sites (more is better).
    pub cross_site: usize,
    /// Pairs that exist today and are kept (more is better).
    pub kept: usize,
}

impl Objective {
    /// What `pairs` reach.
    fn of(pairs: &[PlannedPair]) -> Objective {
        Objective {
            pairs: pairs.len(),
            cross_site: pairs.iter().filter(|p| p.cross_site).count(),
            kept: pairs.iter().filter(|p| p.kept).count(),
        }
    }
}

/// One pool of a planned pair, with what the runbook needs to set the pairing up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairSide {
    /// The pool's FQDN.
    pub fqdn: String,
    /// Its site, when known.
    pub site: Option<String>,
    /// Its product version.
    pub version: Version,
    /// Its edition, when known.
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
    /// The voice failover settings of its Registrar, when stated.
    pub failover: Option<Failover>,
    /// Pools this one is paired with today other than its new partner, whose users' data its
    /// Backup Service may still hold (a re-pair: `Remove-CsUserStoreBackupData`).
    pub former_partners: Vec<String>,
    /// Whether the pool holds the active or a standby Central Management store.
    pub cms: Option<CmsRole>,
}

/// Two pools the plan pairs, and what setting the pair up takes.
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
    /// What the audit would warn about this pair: a pinned pair in one site gets `pair-same-site`
    /// (the planner itself only pairs within a site when nothing else is possible).
    pub warnings: Vec<PairWarning>,
}

/// A warning on a planned pair, with the audit rule it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairWarning {
    /// The rule the warning comes from.
    pub code: crate::rules::Code,
    /// The warning, in words.
    pub message: Message,
}

impl PlannedPair {
    /// The FQDNs of the two pools, sorted.
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

    /// How the pair stands today: the reports' "Today" column and plan/v1 `pairs[].today`.
    pub fn today(&self) -> PairToday {
        if self.reciprocal_today {
            PairToday::Paired
        } else if self.kept {
            PairToday::Kept
        } else {
            PairToday::New
        }
    }

    /// What to do for the pair: the reports' "What to do" column and plan/v1 `pairs[].action`.
    pub fn action(&self) -> PairAction {
        if !self.needs_setup() {
            PairAction::None
        } else if self.is_repair() {
            PairAction::RePair
        } else {
            PairAction::SetUp
        }
    }

    /// [`PlannedPair::action`] in words, naming the former partners a re-pair leaves.
    pub fn action_message(&self) -> Message {
        match self.action() {
            PairAction::None => Message::new("plan.action.none"),
            PairAction::SetUp => Message::new("plan.action.setup"),
            PairAction::RePair => {
                let leaving = self
                    .sides
                    .iter()
                    .filter(|s| !s.former_partners.is_empty())
                    .map(|s| {
                        Message::new("plan.leaves")
                            .arg("pool", &s.fqdn)
                            .arg("formers", s.former_partners.join(", "))
                    })
                    .collect();
                Message::new("plan.action.repair").join("leaving", leaving, "; ")
            }
        }
    }

    /// Pools of the pair only an inventory names (not deployed yet), proposed successors excluded.
    pub fn not_deployed(&self) -> Vec<&str> {
        self.sides
            .iter()
            .filter(|s| s.planned && !s.proposed)
            .map(|s| s.fqdn.as_str())
            .collect()
    }

    /// Pools of the pair that are successors the plan proposes (no input names them).
    pub fn proposed(&self) -> Vec<&str> {
        self.sides
            .iter()
            .filter(|s| s.proposed)
            .map(|s| s.fqdn.as_str())
            .collect()
    }
}

/// How a planned pair stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairToday {
    /// Both pools name each other already.
    Paired,
    /// One pool names the other.
    Kept,
    /// Neither names the other.
    New,
}

impl PairToday {
    /// `paired`, `kept` or `new` (plan/v1 `pairs[].today`).
    pub fn code(self) -> &'static str {
        match self {
            PairToday::Paired => "paired",
            PairToday::Kept => "kept",
            PairToday::New => "new",
        }
    }

    /// The label of the reports' "Today" column.
    pub fn label_key(self) -> &'static str {
        match self {
            PairToday::Paired => "plan.today.paired",
            PairToday::Kept => "plan.today.kept",
            PairToday::New => "plan.today.new",
        }
    }
}

/// What a planned pair needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairAction {
    /// Paired both ways today.
    None,
    /// Pair in Topology Builder, publish, run the runbook.
    SetUp,
    /// As `SetUp`, after unpairing a pool from its former partner.
    RePair,
}

impl PairAction {
    /// `none`, `set-up` or `re-pair` (plan/v1 `pairs[].action`).
    pub fn code(self) -> &'static str {
        match self {
            PairAction::None => "none",
            PairAction::SetUp => "set-up",
            PairAction::RePair => "re-pair",
        }
    }
}

/// A pool the plan leaves unpaired, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unpaired {
    /// The pool's FQDN.
    pub pool: String,
    /// In English, as plan/v1 carries it; `reason_text` renders it in the reader's language.
    pub reason: String,
    /// The reason, to render in the reader's language.
    #[serde(skip)]
    pub reason_text: Message,
}

impl Unpaired {
    pub(crate) fn new(pool: String, reason: Message) -> Unpaired {
        Unpaired {
            pool,
            reason: reason.render(Lang::En),
            reason_text: reason,
        }
    }
}

/// A Lync 2010 front-end pool: never paired; migrate its users to a 2013+ pool first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateFirst {
    /// The pool's FQDN.
    pub pool: String,
    /// Its site, when known.
    pub site: Option<String>,
    /// Its backup today, if any.
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
    /// The pool's FQDN.
    pub pool: String,
    /// Its site, when known.
    pub site: Option<String>,
    /// Its role.
    pub role: Role,
}

/// How a backup relationship of today compares with the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `from` names `to` as backup today; the plan drops it.
    Remove {
        /// The pool that names the backup.
        from: String,
        /// The backup it names.
        to: String,
        /// Why the plan drops it.
        why: Message,
    },
    /// A pair that does not exist today in either direction.
    Add {
        /// The two pools, sorted.
        pools: [String; 2],
        /// Whether the pair replaces a relationship that breaks a rule today.
        repair: bool,
        /// Why the plan pairs them.
        why: Message,
    },
    /// A pair one or both pools already name today.
    Keep {
        /// The two pools, sorted.
        pools: [String; 2],
        /// Whether both name each other today.
        reciprocal: bool,
        /// Whether today's relationship needs a repair to become the pair.
        repair: bool,
        /// Why the plan keeps it.
        why: Message,
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

    /// The planner's explanation, rendered in the reader's language at output time.
    pub fn why(&self) -> &Message {
        match self {
            Change::Remove { why, .. } | Change::Add { why, .. } | Change::Keep { why, .. } => why,
        }
    }

    /// The planner's explanation in English (plan/v1 `changes[].reason`).
    pub fn reason(&self) -> String {
        self.why().render(Lang::En)
    }

    /// A pair (drawn ⇄), not a one-way relationship (→).
    pub fn mutual(&self) -> bool {
        !matches!(self, Change::Remove { .. })
    }

    /// A pool of the pair leaves a former partner (false for a removal).
    pub fn repair(&self) -> bool {
        match self {
            Change::Remove { .. } => false,
            Change::Add { repair, .. } | Change::Keep { repair, .. } => *repair,
        }
    }

    /// A kept pair whose pools already name each other both ways.
    pub fn reciprocal(&self) -> bool {
        matches!(
            self,
            Change::Keep {
                reciprocal: true,
                ..
            }
        )
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

impl BranchProcedure {
    /// `reassociate` or `lync2010-sba` (plan/v1 `branch_moves[].procedure`).
    pub fn code(self) -> &'static str {
        match self {
            BranchProcedure::Reassociate => "reassociate",
            BranchProcedure::Lync2010Sba => "lync2010-sba",
        }
    }
}

/// A branch registrar whose backup is a Lync 2010 pool, is invalid or is missing, and the paired
/// pool the plan recommends instead (DOMAIN.md §6 and §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchMove {
    /// The branch registrar's FQDN.
    pub branch: String,
    /// Its site, when known.
    pub site: Option<String>,
    /// Its backup today, if any.
    pub from: Option<String>,
    /// The recommended backup: a pool paired in the plan; `None` only when the plan pairs no pool.
    pub to: Option<String>,
    /// Why it moves and why there.
    pub why: Message,
    /// Users homed on the branch registrar, when known.
    pub users: Option<u64>,
    /// How the move is done.
    pub procedure: BranchProcedure,
}

/// The plan of one estate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingPlan {
    /// The estate's name.
    pub estate: String,
    /// Input paths of the estate, for the runbook header.
    pub inputs: Vec<String>,
    /// Sorted by pools.
    pub pairs: Vec<PlannedPair>,
    /// Eligible pools left unpaired, and Lync 2010 or version-unknown front-end pools; sorted by pool.
    pub unpaired: Vec<Unpaired>,
    /// The objective the plan reaches.
    pub objective: Objective,
    /// Lync 2010 front-end pools whose users move to a successor first.
    pub migrate_first: Vec<MigrateFirst>,
    /// Pools of roles the plan never pairs.
    pub not_planned: Vec<NotPlanned>,
    /// Removals first (by `from`, `to`), then additions and kept pairs (by pools).
    pub changes: Vec<Change>,
    /// Branch registrars whose backup changes.
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

    /// Pairs that need the Topology Builder step and the runbook (the reports' "To set up").
    pub fn to_set_up(&self) -> usize {
        self.pairs.iter().filter(|p| p.needs_setup()).count()
    }
}

/// Why a pool is never paired, or `None` when it is plan-eligible (front end, 2013 or later).
pub(crate) fn ineligibility(pool: &Pool) -> Option<Message> {
    match (pool.role, pool.version) {
        (Role::FrontEnd, Some(v)) if v >= Version::V2013 => None,
        (Role::FrontEnd, Some(_)) => Some(Message::new("reason.inelig.lync2010")),
        (Role::FrontEnd, None) => Some(Message::new("reason.inelig.version_unknown")),
        (Role::Branch, _) => Some(Message::new("reason.inelig.branch")),
        (role, _) => {
            Some(Message::new("reason.inelig.role").label("role", format!("role.{}", role.label())))
        }
    }
}

fn is_eligible(pool: &Pool) -> bool {
    ineligibility(pool).is_none()
}

/// Plan every estate. First each estate's Lync 2010 front-end pools get their successors
/// (`migration.rs`); a declared successor that cannot host its pools is an error. Pins and forbids
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
    let (requests, request_errors) = requests_by_estate(request, &targets);
    errors.extend(request_errors);
    let mut plans = Vec::new();
    for ((estate, migration), wanted) in estates.iter().zip(&migrations).zip(&requests) {
        match plan_estate(estate, migration, wanted, request.target) {
            Ok(p) => plans.push(p),
            Err(errs) => errors.extend(errs.into_iter().map(|e| in_estate(estate, e))),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        Err(errors)
    }
}

/// The pins and forbids that apply to one estate (both of their pools are in its target).
#[derive(Debug, Clone)]
struct EstateRequest {
    /// In the order typed, so that a conflict blames the later pin and names the earlier one.
    pins: Vec<RequestedPair>,
    forbidden: Forbidden,
}

/// The pins and forbids of `request` sorted out to the estates (by their targets) that hold both
/// of their pools, and the errors of those that name one pool twice or that no estate holds.
fn requests_by_estate(
    request: &PlanRequest,
    targets: &[&Estate],
) -> (Vec<EstateRequest>, Vec<PlanError>) {
    let mut errors = Vec::new();
    let mut out = vec![
        EstateRequest {
            pins: Vec::new(),
            forbidden: Forbidden::default(),
        };
        targets.len()
    ];
    for pair in requested_pairs(request) {
        if pair.a == pair.b {
            // A pool cannot back itself up: that pin would be a backup-self the plan made.
            errors.push(PlanError::SamePool { pair });
            continue;
        }
        let holders: Vec<usize> = (0..targets.len())
            .filter(|&i| targets[i].pool(&pair.a).is_some() && targets[i].pool(&pair.b).is_some())
            .collect();
        if holders.is_empty() {
            let why = not_together(&pair, targets);
            errors.push(PlanError::NotInOneEstate { pair, why });
            continue;
        }
        for i in holders {
            match pair.option {
                PairOption::Pin => out[i].pins.push(pair.clone()),
                PairOption::Forbid => out[i].forbidden.insert(&pair.a, &pair.b),
            }
        }
    }
    (out, errors)
}

/// Every `--pin`, then every `--forbid`, in the order typed. The same pair given twice (or as
/// B=A) with one option counts once, shown as first typed.
fn requested_pairs(request: &PlanRequest) -> Vec<RequestedPair> {
    let mut out = Vec::new();
    for (option, list) in [
        (PairOption::Pin, &request.pins),
        (PairOption::Forbid, &request.forbids),
    ] {
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        out.extend(
            list.iter()
                .filter(|(a, b)| seen.insert(ordered(a, b)))
                .map(|(a, b)| RequestedPair {
                    option,
                    a: a.clone(),
                    b: b.clone(),
                }),
        );
    }
    out
}

/// Where the pools of `pair` are, when no estate holds both.
fn not_together(pair: &RequestedPair, estates: &[&Estate]) -> NotTogether {
    let whereabouts = |fqdn: &str| -> Vec<String> {
        estates
            .iter()
            .filter(|e| e.pool(fqdn).is_some())
            .map(|e| e.name.clone())
            .collect()
    };
    let (a, b) = (pair.a.as_str(), pair.b.as_str());
    let (a_in, b_in) = (whereabouts(a), whereabouts(b));
    let near = |fqdn: &str| closest_pool(fqdn, estates).map(str::to_owned);
    if a_in.is_empty() && b_in.is_empty() {
        NotTogether::NeitherKnown {
            a_near: near(a),
            b_near: near(b),
        }
    } else if a_in.is_empty() || b_in.is_empty() {
        let missing = if a_in.is_empty() { a } else { b };
        NotTogether::OneUnknown {
            pool: missing.to_owned(),
            near: near(missing),
        }
    } else {
        NotTogether::DifferentEstates { a_in, b_in }
    }
}

/// The pool name (successors included) closest to a mistyped `fqdn`, when one is close enough to
/// be the name meant: at most a third of its characters differ. Ties go to the first by name.
fn closest_pool<'e>(fqdn: &str, estates: &[&'e Estate]) -> Option<&'e str> {
    let wanted = fqdn.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    estates
        .iter()
        .flat_map(|e| e.pools.iter())
        .map(|p| {
            (
                edit_distance(&wanted, &p.fqdn.to_lowercase()),
                p.fqdn.as_str(),
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, name)| name)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Plan one estate with the pins and forbids that apply to it (both pools are in its target).
fn plan_estate(
    estate: &Estate,
    migration: &Migration,
    request: &EstateRequest,
    target_version: Version,
) -> Result<PairingPlan, Vec<PlanError>> {
    let target = &migration.target;
    let eligible = Eligible::new(target);
    let table = BlockerTable::new(target, &eligible.pools, &request.forbidden);
    let pinned = pinned_pairs(&request.pins, &eligible, &table, migration)?;
    let chosen = choose_pairs(&eligible, &table, &pinned);
    let partner: BTreeMap<usize, usize> = chosen
        .iter()
        .flat_map(|&(i, j, _)| [(i, j), (j, i)])
        .collect();
    let target_named_by = NamedBy::new(target);
    let mut pairs: Vec<PlannedPair> = chosen
        .iter()
        .map(|&(i, j, how)| {
            planned_pair(
                migration,
                &target_named_by,
                eligible.pools[i],
                eligible.pools[j],
                how,
            )
        })
        .collect();
    let objective = Objective::of(&pairs);
    let mut unpaired: Vec<Unpaired> = (0..eligible.pools.len())
        .filter(|i| !partner.contains_key(i))
        .map(|u| {
            let why = unpaired_reason(u, &eligible.pools, &partner, &pinned, &table);
            Unpaired::new(eligible.pools[u].fqdn.clone(), why)
        })
        .collect();
    let not_paired = NotPaired::sort_out(estate, migration, &partner_of(&pairs));
    unpaired.extend(not_paired.unpaired);
    unpaired.sort_by(|a, b| a.pool.cmp(&b.pool));
    unpaired.dedup_by(|a, b| a.pool == b.pool);

    let changes = changes(estate, migration, &pairs);
    let (branch_moves, after) = branch_moves(estate, migration, &pairs);
    count_users_after_the_moves(&mut pairs, &after);
    Ok(PairingPlan {
        estate: estate.name.clone(),
        inputs: estate.inputs.iter().map(|i| i.path.clone()).collect(),
        pairs,
        unpaired,
        objective,
        migrate_first: not_paired.migrate_first,
        not_planned: not_paired.not_planned,
        changes,
        branch_moves,
        successors: migration.successors.clone(),
        target_version,
    })
}

/// The plan-eligible pools of an estate in FQDN order (one per FQDN), and each one's position.
struct Eligible<'e> {
    pools: Vec<&'e Pool>,
    index: BTreeMap<&'e str, usize>,
}

impl<'e> Eligible<'e> {
    fn new(target: &'e Estate) -> Eligible<'e> {
        let mut pools: Vec<&Pool> = target.pools.iter().filter(|p| is_eligible(p)).collect();
        pools.sort_by(|a, b| a.fqdn.cmp(&b.fqdn));
        pools.dedup_by(|a, b| a.fqdn == b.fqdn);
        let index = pools
            .iter()
            .enumerate()
            .map(|(i, p)| (p.fqdn.as_str(), i))
            .collect();
        Eligible { pools, index }
    }
}

/// How a pair came into the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ChosenBy {
    /// The maximum-weight matching chose it.
    Matching,
    /// `--pin` forced it.
    Pin,
}

/// The pairs `pins` force, by position among the eligible pools (smaller first), or why some
/// cannot be: a pinned pool the plan never pairs, a pool pinned twice, a pair that breaks a
/// hard constraint. All errors are returned.
fn pinned_pairs(
    pins: &[RequestedPair],
    eligible: &Eligible<'_>,
    table: &BlockerTable<'_>,
    migration: &Migration,
) -> Result<BTreeSet<(usize, usize)>, Vec<PlanError>> {
    let mut errors = Vec::new();
    // Each pinned pool's partner, and the pin that gave it: a conflict names that pin.
    let mut pinned_by: BTreeMap<usize, (usize, &RequestedPair)> = BTreeMap::new();
    for pin in pins {
        let [i, j] = match pinned_positions(pin, eligible, migration) {
            Ok(sides) => sides,
            Err(errs) => {
                errors.extend(errs);
                continue;
            }
        };
        let twice: Vec<PlanError> = [i, j]
            .iter()
            .filter_map(|k| {
                pinned_by
                    .get(k)
                    .map(|&(other, earlier)| PlanError::PinnedTwice {
                        pin: pin.clone(),
                        pool: eligible.pools[*k].fqdn.clone(),
                        partner: eligible.pools[other].fqdn.clone(),
                        earlier: earlier.clone(),
                    })
            })
            .collect();
        if !twice.is_empty() {
            errors.extend(twice);
            continue;
        }
        let list = table.get(i, j);
        if !list.is_empty() {
            let (a, b) = (eligible.pools[i.min(j)], eligible.pools[i.max(j)]);
            errors.push(PlanError::PinBlocked {
                pin: pin.clone(),
                pools: [a.fqdn.clone(), b.fqdn.clone()],
                blockers: list,
            });
            continue;
        }
        pinned_by.insert(i, (j, pin));
        pinned_by.insert(j, (i, pin));
    }
    if errors.is_empty() {
        Ok(pinned_by
            .iter()
            .map(|(&i, &(j, _))| (i.min(j), i.max(j)))
            .collect())
    } else {
        Err(errors)
    }
}

/// The positions of a pin's two pools among the eligible pools, or why either cannot be pinned.
fn pinned_positions(
    pin: &RequestedPair,
    eligible: &Eligible<'_>,
    migration: &Migration,
) -> Result<[usize; 2], Vec<PlanError>> {
    let mut errors = Vec::new();
    let mut sides = Vec::new();
    for fqdn in [&pin.a, &pin.b] {
        match eligible.index.get(fqdn.as_str()) {
            Some(&i) => sides.push(i),
            None => {
                let pool = migration
                    .target
                    .pool(fqdn)
                    .expect("plan() checked the estate holds it");
                errors.push(PlanError::Ineligible {
                    pin: pin.clone(),
                    pool: fqdn.clone(),
                    why: ineligibility(pool).unwrap_or_else(|| Message::verbatim("")),
                    successor: migration.successor_of.get(fqdn.as_str()).cloned(),
                });
            }
        }
    }
    match sides[..] {
        [i, j] => Ok([i, j]),
        _ => Err(errors),
    }
}

/// Every pair of the plan, by position among the eligible pools and sorted: the `pinned` ones,
/// and one maximum-weight matching over the other pools.
fn choose_pairs(
    eligible: &Eligible<'_>,
    table: &BlockerTable<'_>,
    pinned: &BTreeSet<(usize, usize)>,
) -> Vec<(usize, usize, ChosenBy)> {
    let taken: BTreeSet<usize> = pinned.iter().flat_map(|&(i, j)| [i, j]).collect();
    // FQDN order, as `eligible`.
    let free: Vec<usize> = (0..eligible.pools.len())
        .filter(|i| !taken.contains(i))
        .collect();
    let graph = FreePools::new(eligible, table, &free);
    let mut chosen: Vec<(usize, usize, ChosenBy)> = best_matching(&graph)
        .into_iter()
        .map(|(a, b)| (free[a], free[b], ChosenBy::Matching))
        .collect();
    chosen.extend(pinned.iter().map(|&(i, j)| (i, j, ChosenBy::Pin)));
    chosen.sort_unstable();
    chosen
}

/// The `free` pools as the matching's graph (vertices are positions in `free`), each pair asked
/// when the matching needs it, with `cross_site` and `kept` worked out as numbers compared rather
/// than names: each pool's site by its rank among the sites, and the eligible pool its backup names.
struct FreePools<'a> {
    table: &'a BlockerTable<'a>,
    free: &'a [usize],
    /// By position among the eligible pools.
    site_of: Vec<Option<usize>>,
    /// By position among the eligible pools.
    backup_of: Vec<Option<usize>>,
    /// Each eligible pool's position in `free`, when it is free.
    free_position: Vec<Option<usize>>,
    /// For the debug checks of `edge` against the names.
    pools: &'a [&'a Pool],
}

impl<'a> FreePools<'a> {
    fn new(
        eligible: &'a Eligible<'_>,
        table: &'a BlockerTable<'a>,
        free: &'a [usize],
    ) -> FreePools<'a> {
        let pools = &eligible.pools;
        let site_rank = ranks(pools.iter().filter_map(|p| p.site.as_deref()));
        let site_of = pools
            .iter()
            .map(|p| p.site.as_deref().map(|s| site_rank[s]))
            .collect();
        let backup_of = pools
            .iter()
            .map(|p| {
                p.backup
                    .as_deref()
                    .and_then(|b| eligible.index.get(b).copied())
            })
            .collect();
        let mut free_position = vec![None; pools.len()];
        for (f, &i) in free.iter().enumerate() {
            free_position[i] = Some(f);
        }
        FreePools {
            table,
            free,
            site_of,
            backup_of,
            free_position,
            pools,
        }
    }
}

impl Graph for FreePools<'_> {
    fn vertices(&self) -> usize {
        self.free.len()
    }

    fn edge(&self, fa: usize, fb: usize) -> Option<Candidate> {
        let (i, j) = (self.free[fa], self.free[fb]);
        if !self.table.compatible(i, j) {
            return None;
        }
        let candidate = Candidate {
            a: fa,
            b: fb,
            cross_site: matches!((self.site_of[i], self.site_of[j]), (Some(x), Some(y)) if x != y),
            kept: self.backup_of[i] == Some(j) || self.backup_of[j] == Some(i),
        };
        let (a, b) = (self.pools[i], self.pools[j]);
        debug_assert_eq!(candidate.cross_site, cross_site(a, b));
        debug_assert_eq!(candidate.kept, kept(a, b));
        Some(candidate)
    }

    fn named_partner(&self, v: usize) -> Option<usize> {
        self.backup_of[self.free[v]].and_then(|j| self.free_position[j])
    }
}

/// Each pool of a planned pair to its partner.
fn partner_of(pairs: &[PlannedPair]) -> BTreeMap<&str, &str> {
    pairs
        .iter()
        .flat_map(|p| {
            let [a, b] = p.pools();
            [(a, b), (b, a)]
        })
        .collect()
}

/// The pools of today's estate the plan never pairs, sorted: Lync 2010 front-end pools (which
/// migrate first) and front-end pools of unknown version are unpaired, other roles not planned.
struct NotPaired {
    unpaired: Vec<Unpaired>,
    /// In migration order.
    migrate_first: Vec<MigrateFirst>,
    not_planned: Vec<NotPlanned>,
}

impl NotPaired {
    fn sort_out(
        estate: &Estate,
        migration: &Migration,
        partner_of: &BTreeMap<&str, &str>,
    ) -> NotPaired {
        let mut out = NotPaired {
            unpaired: Vec::new(),
            migrate_first: Vec::new(),
            not_planned: Vec::new(),
        };
        let named_by = NamedBy::new(estate);
        for p in &estate.pools {
            match (p.role, p.version) {
                (Role::FrontEnd, Some(Version::V2010)) => {
                    let m = migrate_entry(&named_by, migration, partner_of, p);
                    out.unpaired.push(Unpaired::new(
                        p.fqdn.clone(),
                        Message::new("reason.not_eligible_2010")
                            .arg("successor", &m.successor)
                            .msg("today", today(&m)),
                    ));
                    out.migrate_first.push(m);
                }
                (Role::FrontEnd, None) => out.unpaired.push(Unpaired::new(
                    p.fqdn.clone(),
                    Message::new("reason.not_eligible").msg(
                        "why",
                        ineligibility(p).unwrap_or_else(|| Message::verbatim("")),
                    ),
                )),
                (Role::FrontEnd, Some(_)) => {}
                (role, _) => out.not_planned.push(NotPlanned {
                    pool: p.fqdn.clone(),
                    site: p.site.clone(),
                    role,
                }),
            }
        }
        // Migration order: grouped by successor, those whose successor is paired first (their
        // users can move as soon as the pair is built), then by pool.
        out.migrate_first.sort_by(|a, b| {
            (a.successor_partner.is_none(), &a.successor, &a.pool).cmp(&(
                b.successor_partner.is_none(),
                &b.successor,
                &b.pool,
            ))
        });
        out.not_planned.sort_by(|a, b| a.pool.cmp(&b.pool));
        out
    }
}

/// Each pair's users as its sides carry them once the branch registrars have moved (`after`),
/// and whether capacity could be checked.
fn count_users_after_the_moves(pairs: &mut [PlannedPair], after: &AfterMoves<'_>) {
    let carried = CarriedUsers::by(after.backups());
    for pair in pairs {
        let users = pair
            .sides
            .each_ref()
            .map(|s| after.pool(&s.fqdn).and_then(|p| carried.of_pool(p)));
        pair.capacity_checked = users.iter().all(Option::is_some);
        pair.users = users;
    }
}

/// The hard-constraint check of pairs of eligible pools, worked out when asked: a table of every
/// pair held n² lists (gigabytes at a few thousand pools), and most pairs are only ever asked once.
struct BlockerTable<'e> {
    eligible: &'e [&'e Pool],
    /// Each eligible pool's [`PairFacts`], by position.
    facts: Vec<PairFacts>,
    forbidden: &'e Forbidden,
}

impl<'e> BlockerTable<'e> {
    /// `target` holds the eligible pools and the branch registrars whose users they carry.
    fn new(
        target: &Estate,
        eligible: &'e [&'e Pool],
        forbidden: &'e Forbidden,
    ) -> BlockerTable<'e> {
        let carried = CarriedUsers::of(target);
        let facts = PairFacts::all(&carried, eligible);
        BlockerTable {
            eligible,
            facts,
            forbidden,
        }
    }

    /// What blocks the pair of eligible pools `i` and `j` (either order); values in FQDN order.
    fn get(&self, i: usize, j: usize) -> Vec<Blocker> {
        let (i, j) = (i.min(j), i.max(j));
        blockers_with(
            [self.eligible[i], self.eligible[j]],
            [&self.facts[i], &self.facts[j]],
            self.forbidden,
        )
    }

    /// Nothing blocks the pair (either order).
    fn compatible(&self, i: usize, j: usize) -> bool {
        let (i, j) = (i.min(j), i.max(j));
        constraints::compatible(
            [self.eligible[i], self.eligible[j]],
            [&self.facts[i], &self.facts[j]],
            self.forbidden,
        )
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
) -> Message {
    let pool = eligible[u];
    if pool.edition.is_none() {
        return Message::new("reason.edition_unknown");
    }
    let others: Vec<usize> = (0..eligible.len()).filter(|&v| v != u).collect();
    if others.is_empty() {
        return Message::new("reason.only_pool");
    }
    let compatible: Vec<usize> = others
        .iter()
        .copied()
        .filter(|&v| table.compatible(u, v))
        .collect();
    if compatible.is_empty() {
        return no_compatible_partner(u, &others, eligible, table);
    }
    let taken: Vec<Message> = compatible
        .iter()
        .map(|&v| match partner.get(&v) {
            Some(&w) => {
                let key = if pinned.contains(&(v.min(w), v.max(w))) {
                    "reason.taken_pin"
                } else {
                    "reason.taken"
                };
                Message::new(key)
                    .arg("pool", &eligible[v].fqdn)
                    .arg("partner", &eligible[w].fqdn)
            }
            // Unreachable for a maximum matching; said plainly rather than hidden.
            None => Message::new("reason.taken_none").arg("pool", &eligible[v].fqdn),
        })
        .collect();
    Message::new("reason.odd_one_out").msg("names", name_list(taken))
}

/// Why pool `u` has no compatible partner among `others`: partners blocked the same way are
/// named together, in FQDN order of first appearance.
fn no_compatible_partner(
    u: usize,
    others: &[usize],
    eligible: &[&Pool],
    table: &BlockerTable,
) -> Message {
    let mut groups: Vec<(Message, Vec<&str>)> = Vec::new();
    for &v in others {
        // The table keeps each pair's values in index order.
        let order = if u < v {
            ValuesOrder::PoolFirst
        } else {
            ValuesOrder::PartnerFirst
        };
        let why = describe_partner(&table.get(u, v), order);
        match groups.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(&eligible[v].fqdn),
            None => groups.push((why, vec![&eligible[v].fqdn])),
        }
    }
    let parts: Vec<Message> = groups
        .into_iter()
        .map(|(why, names)| {
            let names = names.into_iter().map(Message::verbatim).collect();
            Message::new("reason.blocked_with")
                .msg("why", why)
                .msg("names", name_list(names))
        })
        .collect();
    Message::new("reason.no_compatible").join("parts", parts, "; ")
}

/// "a, b, c" with at most [`NAMED_IN_REASON`] names, then "and N more".
fn name_list(mut names: Vec<Message>) -> Message {
    let more = names.len().saturating_sub(NAMED_IN_REASON);
    names.truncate(NAMED_IN_REASON);
    let list = Message::new("verbatim").join("text", names, ", ");
    if more > 0 {
        Message::new("reason.names_more")
            .msg("names", list)
            .arg("count", more.to_string())
    } else {
        list
    }
}

fn planned_pair(
    migration: &Migration,
    named_by: &NamedBy<'_>,
    a: &Pool,
    b: &Pool,
    chosen_by: ChosenBy,
) -> PlannedPair {
    let pinned = chosen_by == ChosenBy::Pin;
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
        former_partners: former_partners(estate, named_by, p, new_partner),
        cms: p.cms,
    };
    let mut warnings = Vec::new();
    if pinned
        && let (Some(sa), Some(sb)) = (&a.site, &b.site)
        && crate::model::site_key(sa) == crate::model::site_key(sb)
    {
        warnings.push(PairWarning {
            code: crate::rules::Code::PairSameSite,
            message: Message::new("msg.pair_same_site")
                .arg("a", &a.fqdn)
                .arg("b", &b.fqdn)
                .arg("site", sa),
        });
    }
    PlannedPair {
        sides: [side(a, b), side(b, a)],
        kept: kept(a, b),
        cross_site: cross_site(a, b),
        pinned,
        warnings,
        reciprocal_today: a.backup.as_deref() == Some(b.fqdn.as_str())
            && b.backup.as_deref() == Some(a.fqdn.as_str()),
        // Filled in once the branch registrars have moved.
        users: [None, None],
        capacity_checked: false,
    }
}

/// The pools of an estate by the backup each names, so that "which pools name this one" is a
/// lookup: it is asked for every planned pool, and a scan of the estate each time made the plan
/// quadratic in the pools (a fifth of its time at 4,000 pools). In estate order within one name.
/// foldhash rather than std's SipHash: it is only looked up, never iterated, and hashing was most
/// of building it.
struct NamedBy<'e>(foldhash::HashMap<&'e str, Vec<&'e Pool>>);

impl<'e> NamedBy<'e> {
    fn new(estate: &'e Estate) -> NamedBy<'e> {
        let mut by: foldhash::HashMap<&'e str, Vec<&'e Pool>> = foldhash::HashMap::default();
        for p in &estate.pools {
            if let Some(backup) = p.backup.as_deref() {
                by.entry(backup).or_default().push(p);
            }
        }
        NamedBy(by)
    }

    /// The pools whose backup is `fqdn`, in estate order.
    fn pools(&self, fqdn: &str) -> impl Iterator<Item = &'e Pool> + '_ {
        self.0.get(fqdn).into_iter().flatten().copied()
    }
}

/// Pools `p` is paired with today (either side names the other) besides `new_partner`, leaving out
/// those that cannot have had a Backup Service with it (Lync 2010 pools, other roles).
fn former_partners(
    estate: &Estate,
    named_by: &NamedBy<'_>,
    p: &Pool,
    new_partner: &Pool,
) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    out.extend(p.backup.iter().cloned());
    out.extend(
        named_by
            .pools(&p.fqdn)
            .filter(|q| q.role == Role::FrontEnd)
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
    named_by_all: &NamedBy<'_>,
    migration: &Migration,
    partner_of: &BTreeMap<&str, &str>,
    p: &Pool,
) -> MigrateFirst {
    let named_by = |role: Role| -> Vec<String> {
        let mut v: Vec<String> = named_by_all
            .pools(&p.fqdn)
            .filter(|q| q.role == role)
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
pub(crate) fn today(m: &MigrateFirst) -> Message {
    let mut parts = vec![match &m.backup {
        Some(b) => Message::new("reason.today.backup").arg("pool", b),
        None => Message::new("reason.today.no_backup"),
    }];
    if !m.backup_of.is_empty() {
        parts.push(Message::new("reason.today.backup_of").arg("pools", m.backup_of.join(", ")));
    }
    if !m.branches.is_empty() {
        parts.push(Message::new("reason.today.branches").arg("pools", m.branches.join(", ")));
    }
    Message::new("verbatim").join("text", parts, "; ")
}

/// How today's backup relationships compare with the plan: the removals (by `from`, `to`), then a
/// kept or added pair per planned pair (by pools).
fn changes(estate: &Estate, migration: &Migration, pairs: &[PlannedPair]) -> Vec<Change> {
    let mut out = removed_backups(estate, migration, &partner_of(pairs));
    out.extend(pairs.iter().map(|pair| pair_change(migration, pair)));
    out
}

/// The backups front-end pools name today that the plan drops, and why, sorted by `from`, `to`.
fn removed_backups(
    estate: &Estate,
    migration: &Migration,
    planned_partner: &BTreeMap<&str, &str>,
) -> Vec<Change> {
    let fate = |x: &str| match planned_partner.get(x) {
        Some(other) => Message::new("reason.fate.paired")
            .arg("pool", x)
            .arg("other", *other),
        None => Message::new("reason.fate.unpaired").arg("pool", x),
    };
    let retired = |x: &Pool| match migration.successor_of.get(&x.fqdn) {
        Some(succ) => Message::new("reason.retired")
            .arg("pool", &x.fqdn)
            .arg("successor", succ)
            .msg("fate", fate(succ)),
        None => Message::new("reason.unknown_version").arg("pool", &x.fqdn),
    };
    let mut removed = Vec::new();
    for p in estate.pools.iter().filter(|p| p.role == Role::FrontEnd) {
        let Some(to) = p.backup.as_deref() else {
            continue;
        };
        if planned_partner.get(p.fqdn.as_str()) == Some(&to) {
            continue;
        }
        let why = match estate.pool(to) {
            _ if to == p.fqdn => Message::new("reason.names_itself"),
            None => Message::new("reason.not_in_estate").arg("pool", to),
            _ if !is_eligible(p) => retired(p),
            Some(t) if t.role != Role::FrontEnd => Message::new("reason.not_front_end")
                .arg("pool", to)
                .label("role", format!("role.{}", t.role.label())),
            Some(t) if !is_eligible(t) => retired(t),
            Some(t) => {
                Message::new("verbatim").join("text", vec![fate(&p.fqdn), fate(&t.fqdn)], "; ")
            }
        };
        removed.push(Change::Remove {
            from: p.fqdn.clone(),
            to: to.to_owned(),
            why,
        });
    }
    removed.sort_by(|a, b| a.pools().cmp(&b.pools()));
    removed
}

/// A planned pair as a change: kept when either pool names the other today, else added; with why.
fn pair_change(migration: &Migration, pair: &PlannedPair) -> Change {
    let pools = pair.pools().map(str::to_owned);
    let mut why = vec![if pair.reciprocal_today {
        Message::new("reason.pair.reciprocal")
    } else if pair.kept {
        Message::new("reason.pair.kept")
    } else {
        Message::new("reason.pair.new")
    }];
    for side in &pair.sides {
        why.extend(side_reasons(migration, side));
    }
    let why = Message::new("verbatim").join("text", why, "; ");
    if pair.kept {
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
    }
}

/// What one side of a planned pair brings to its reason: the former partners it leaves, and the
/// Lync 2010 pools it replaces (or that it is not deployed yet).
fn side_reasons(migration: &Migration, side: &PairSide) -> Vec<Message> {
    let mut why: Vec<Message> = side
        .former_partners
        .iter()
        .map(|former| {
            Message::new("reason.leaves")
                .arg("pool", &side.fqdn)
                .arg("former", former)
        })
        .collect();
    let replaced: Vec<&str> = migration
        .successor_of
        .iter()
        .filter(|(_, s)| **s == side.fqdn)
        .map(|(old, _)| old.as_str())
        .collect();
    if !replaced.is_empty() {
        let key = if side.proposed {
            "reason.successor.proposed"
        } else {
            "reason.successor.declared"
        };
        why.push(
            Message::new(key)
                .arg("pool", &side.fqdn)
                .arg("pools", replaced.join(", ")),
        );
    } else if side.planned {
        why.push(Message::new("reason.not_deployed").arg("pool", &side.fqdn));
    }
    why
}

/// Users a paired pool can still take before its pair is over capacity (pair-capacity): the
/// smaller edition limit, and for an Enterprise pool with a known server count the users its front
/// ends carry, less both pools' users. `None` when either side's users are unknown.
fn spare(after: &AfterMoves<'_>, pair: &[&Pool; 2]) -> Option<i128> {
    let combined = after.carried_users(pair[0])? + after.carried_users(pair[1])?;
    let limit = pair.iter().map(|p| most_users(p)).min().unwrap_or(u64::MAX);
    Some(i128::from(limit) - i128::from(combined))
}

/// Why a branch registrar's backup must change, or `None` when it is a plan-eligible pool.
fn move_cause(estate: &Estate, b: &Pool) -> Option<Message> {
    let Some(backup) = b.backup.as_deref() else {
        return Some(Message::new("reason.move.no_backup"));
    };
    if backup == b.fqdn {
        return Some(Message::new("reason.move.self"));
    }
    match estate.pool(backup) {
        None => Some(Message::new("reason.move.unknown").arg("backup", backup)),
        Some(t) if t.role == Role::FrontEnd && t.version == Some(Version::V2010) => {
            Some(Message::new("reason.move.lync2010").arg("backup", backup))
        }
        Some(t) => ineligibility(t).map(|why| {
            Message::new("reason.move.cannot")
                .arg("backup", backup)
                .msg("why", why)
        }),
    }
}

/// The recommended backup of every branch registrar whose backup is a Lync 2010 pool, is invalid
/// or is missing: the successor of its backup when that is paired; else a paired pool of its
/// parent central site with room for its users; else the paired pool with the most spare capacity.
/// Returns the moves (by branch) and the estate after them, whose branch users count toward the
/// pools now backing them.
fn branch_moves<'m>(
    estate: &Estate,
    migration: &'m Migration,
    pairs: &[PlannedPair],
) -> (Vec<BranchMove>, AfterMoves<'m>) {
    let mut after = AfterMoves {
        target: &migration.target,
        moved: BTreeMap::new(),
    };
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
        let (to, why) = new_backup(estate, migration, &mut after, &partner_of, b, cause);
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

/// The new backup of branch registrar `b`, which must move for `cause`, and why there: the
/// successor of its backup when that is paired, else [`choose_backup`]'s pool. Records the move
/// in `after`, so the next branch sees its users counted there.
fn new_backup(
    estate: &Estate,
    migration: &Migration,
    after: &mut AfterMoves<'_>,
    partner_of: &BTreeMap<String, String>,
    b: &Pool,
    cause: Message,
) -> (Option<String>, Message) {
    let successor = b
        .backup
        .as_deref()
        .and_then(|old| migration.successor_of.get(old));
    if let Some((succ, partner)) = successor.and_then(|s| partner_of.get(s).map(|p| (s, p))) {
        let why = Message::new("reason.move.successor_paired")
            .msg("cause", cause)
            .arg("successor", succ)
            .arg("partner", partner);
        return (Some(succ.clone()), why);
    }
    // Not counted on an unpaired successor any more.
    after.set_backup(&b.fqdn, None);
    let choice = choose_backup(estate, after, partner_of, b);
    let why = match (&choice, successor) {
        (None, _) => Message::new("reason.move.nothing").msg("cause", cause),
        (Some((_, how)), Some(succ)) => Message::new("reason.move.successor_unpaired")
            .msg("cause", cause)
            .arg("successor", succ)
            .msg("how", how.clone()),
        (Some((_, how)), None) => {
            Message::new("verbatim").join("text", vec![cause, how.clone()], "; ")
        }
    };
    let to = choice.map(|(pool, _)| pool);
    after.set_backup(&b.fqdn, to.clone());
    (to, why)
}

/// The target estate as the branch moves so far leave it: each moved pool's backup is kept beside
/// the target rather than written into a clone of it, since cloning and freeing every pool of the
/// estate for a few moves was a sixth of `plan_estate` at 400 pools (5.8 M of 38 M instructions).
/// Only backups differ from the target, and callers read backups through [`AfterMoves::backups`].
struct AfterMoves<'m> {
    target: &'m Estate,
    /// A moved pool's FQDN to its backup now.
    moved: BTreeMap<String, Option<String>>,
}

impl<'m> AfterMoves<'m> {
    fn set_backup(&mut self, branch: &str, to: Option<String>) {
        self.moved.insert(branch.to_owned(), to);
    }

    /// The pool with this FQDN; its backup may have moved (see [`AfterMoves::backups`]).
    fn pool(&self, fqdn: &str) -> Option<&'m Pool> {
        self.target.pool(fqdn)
    }

    /// Every pool of the estate with its backup after the moves.
    fn backups(&self) -> impl Iterator<Item = (&Pool, Option<&str>)> {
        self.target.pools.iter().map(|p| {
            let backup = match self.moved.get(&p.fqdn) {
                Some(to) => to.as_deref(),
                None => p.backup.as_deref(),
            };
            (p, backup)
        })
    }

    fn carried_users(&self, pool: &Pool) -> Option<u64> {
        carried_users_by(pool, self.backups())
    }
}

/// `(fits, spare, pool)` for every paired pool, best first: those with room for `users` first,
/// then known spare before unknown, then more spare; ties by name.
fn ranked_by_room<'a>(
    after: &AfterMoves<'_>,
    partner_of: &'a BTreeMap<String, String>,
    users: i128,
) -> Vec<(bool, Option<i128>, &'a str)> {
    let mut ranked: Vec<(bool, Option<i128>, &str)> = partner_of
        .iter()
        .filter_map(|(pool, partner)| {
            let pair = [after.pool(pool)?, after.pool(partner)?];
            let spare = spare(after, &pair);
            Some((spare.is_none_or(|s| s >= users), spare, pool.as_str()))
        })
        .collect();
    ranked.sort_by(|x, y| (y.0, y.1.is_some(), y.1, x.2).cmp(&(x.0, x.1.is_some(), x.1, y.2)));
    ranked
}

/// A paired pool for branch `b` and the words for why: its parent central site's paired pool with
/// room for its users first, else the paired pool with the most spare capacity.
fn choose_backup(
    estate: &Estate,
    after: &AfterMoves<'_>,
    partner_of: &BTreeMap<String, String>,
    b: &Pool,
) -> Option<(String, Message)> {
    let users = i128::from(b.users.unwrap_or(0));
    let parent = b
        .site
        .as_deref()
        .and_then(|s| estate.site(s))
        .and_then(|s| s.parent.clone());
    let ranked = ranked_by_room(after, partner_of, users);
    let spare_words = |spare: Option<i128>| match spare {
        Some(s) if s >= users => Message::new("reason.spare.before").arg("spare", s.to_string()),
        Some(s) => Message::new("reason.spare.short")
            .arg("spare", s.to_string())
            .arg("over", (users - s).to_string()),
        None => Message::new("reason.spare.unknown"),
    };
    let users_words = b.users.map_or(Message::new("reason.users.unknown"), |u| {
        Message::new("reason.users").arg("users", u.to_string())
    });
    if let Some(parent) = &parent
        && let Some((_, spare, pool)) = ranked.iter().find(|(fits, _, pool)| {
            *fits && after.pool(pool).and_then(|p| p.site.as_deref()) == Some(parent.as_str())
        })
    {
        return Some((
            (*pool).to_owned(),
            Message::new("reason.parent_pool")
                .arg("pool", *pool)
                .arg("parent", parent)
                .msg("spare", spare_words(*spare))
                .msg("users", users_words),
        ));
    }
    let (_, spare, pool) = ranked.first()?;
    let most_spare = Message::new("reason.most_spare")
        .arg("pool", *pool)
        .msg("spare", spare_words(*spare))
        .msg("users", users_words);
    let why = match &parent {
        Some(parent) => Message::new("reason.parent_no_room")
            .arg("parent", parent)
            .msg("rest", most_spare),
        None => most_spare,
    };
    Some(((*pool).to_owned(), why))
}

#[cfg(test)]
pub(crate) mod tests;
