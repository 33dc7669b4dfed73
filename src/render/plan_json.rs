//! `lyncpair/plan/v1` (CONTRACT.md "Plan"): the contract's fields in its order, then the additive
//! fields of the migration plan (issue 10): per pair `sites`, `users`, `capacity_checked`; per
//! estate `successors`, `branch_moves`, `changes`. Pairs are sorted by pools, unpaired pools by
//! FQDN (the planner's order).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::CmsRole;

use crate::plan::{Objective, PairingPlan};

/// The schema name of the plan document.
pub const PLAN_SCHEMA: &str = "lyncpair/plan/v1";

#[derive(Serialize)]
pub(crate) struct PlanJson<'a> {
    pub schema: &'static str,
    pub estates: Vec<EstatePlanJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct EstatePlanJson<'a> {
    pub name: &'a str,
    pub pairs: Vec<PairJson<'a>>,
    pub unpaired: Vec<UnpairedJson<'a>>,
    pub objective: Objective,
    pub successors: Vec<SuccessorJson<'a>>,
    pub branch_moves: Vec<BranchMoveJson<'a>>,
    pub changes: Vec<ChangeJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct PairJson<'a> {
    pub pools: [&'a str; 2],
    pub kept: bool,
    pub cross_site: bool,
    /// Sites of `pools`, in the same order; null when unknown.
    pub sites: [Option<&'a str>; 2],
    /// Users each side carries after the migration and the branch moves.
    pub users: [Option<u64>; 2],
    pub capacity_checked: bool,
    /// Additive: forced by `--pin` (the HTML tags it).
    pub pinned: bool,
    /// Additive: the pair must be set up in Topology Builder (not already paired both ways); the
    /// HTML's "To set up" tile counts these.
    pub needs_setup: bool,
    /// Additive: pool to "active"/"standby" when the pair holds the Central Management store;
    /// absent otherwise.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub cms: BTreeMap<&'a str, CmsRole>,
    /// Additive: what the audit would warn about the pair (a pinned pair in one site); absent
    /// when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<PairWarningJson>,
}

#[derive(Serialize)]
pub(crate) struct PairWarningJson {
    pub code: crate::rules::Code,
    /// English: scripts read plan.json.
    pub message: String,
}

#[derive(Serialize)]
pub(crate) struct UnpairedJson<'a> {
    pub pool: &'a str,
    pub reason: &'a str,
}

#[derive(Serialize)]
pub(crate) struct SuccessorJson<'a> {
    pub replaces: &'a [String],
    pub pool: &'a str,
    pub declared: bool,
    pub users: Option<u64>,
}

#[derive(Serialize)]
pub(crate) struct BranchMoveJson<'a> {
    pub branch: &'a str,
    pub from: Option<&'a str>,
    /// Null only when the plan pairs no pool at all.
    pub to: Option<&'a str>,
    /// English: scripts read plan.json.
    pub reason: String,
}

#[derive(Serialize)]
pub(crate) struct ChangeJson<'a> {
    pub kind: &'static str,
    pub pools: [&'a str; 2],
    /// English: scripts read plan.json.
    pub reason: String,
}

impl<'a> PlanJson<'a> {
    pub(crate) fn new(plans: &'a [PairingPlan]) -> PlanJson<'a> {
        PlanJson {
            schema: PLAN_SCHEMA,
            estates: plans
                .iter()
                .map(|p| EstatePlanJson {
                    name: &p.estate,
                    pairs: p
                        .pairs
                        .iter()
                        .map(|pair| PairJson {
                            pools: pair.pools(),
                            kept: pair.kept,
                            cross_site: pair.cross_site,
                            sites: pair.sides.each_ref().map(|s| s.site.as_deref()),
                            users: pair.users,
                            capacity_checked: pair.capacity_checked,
                            pinned: pair.pinned,
                            needs_setup: pair.needs_setup(),
                            cms: pair.cms().into_iter().collect(),
                            warnings: pair
                                .warnings
                                .iter()
                                .map(|w| PairWarningJson {
                                    code: w.code,
                                    message: w.message.render(crate::i18n::Lang::En),
                                })
                                .collect(),
                        })
                        .collect(),
                    unpaired: p
                        .unpaired
                        .iter()
                        .map(|u| UnpairedJson {
                            pool: &u.pool,
                            reason: &u.reason,
                        })
                        .collect(),
                    objective: p.objective,
                    successors: p
                        .successors
                        .iter()
                        .map(|s| SuccessorJson {
                            replaces: &s.replaces,
                            pool: &s.pool,
                            declared: s.declared,
                            users: s.users,
                        })
                        .collect(),
                    branch_moves: p
                        .branch_moves
                        .iter()
                        .map(|m| BranchMoveJson {
                            branch: &m.branch,
                            from: m.from.as_deref(),
                            to: m.to.as_deref(),
                            reason: m.why.render(crate::i18n::Lang::En),
                        })
                        .collect(),
                    changes: p
                        .changes
                        .iter()
                        .map(|c| ChangeJson {
                            kind: c.kind(),
                            pools: c.pools(),
                            reason: c.reason(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The `lyncpair/plan/v1` document of `plans`.
pub fn render(plans: &[PairingPlan]) -> String {
    let mut s = serde_json::to_string_pretty(&PlanJson::new(plans)).expect("plan JSON serialises");
    s.push('\n');
    s
}
