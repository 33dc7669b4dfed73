//! `lyncpair/plan/v1` (CONTRACT.md "Plan"): the contract's fields in its order, then the additive
//! fields of the migration plan (issue 10): per pair `sites`, `users`, `capacity_checked`; per
//! estate `successors`, `branch_moves`, `changes`; then what the HTML plan shows beyond them
//! (issue 11): per pair `today`, `action`, `action_text`, `former_partners`, `not_deployed`,
//! `proposed`; per estate `target_version`, `to_set_up`, `migrate_first`, `not_planned`; `site` of
//! successors; `site`, `users`, `procedure` of branch moves; `mutual`, `repair`, `reciprocal` of
//! changes. Every value comes from the same [`PairingPlan`] methods the reports' views call, so the
//! two cannot disagree. Pairs are sorted by pools, unpaired pools by FQDN (the planner's order).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::i18n::Lang;
use crate::model::CmsRole;

use crate::plan::{BranchMove, Change, MigrateFirst, Objective, PairingPlan, PlannedPair};

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
    /// Additive (issue 11): the `--target` version of proposed successors.
    pub target_version: &'static str,
    /// Additive: pairs that need setting up (`needs_setup`), the HTML's "To set up" tile.
    pub to_set_up: usize,
    /// Additive: Lync 2010 front-end pools, in migration order.
    pub migrate_first: Vec<MigrateFirstJson<'a>>,
    /// Additive: pools of a role the plan never pairs.
    pub not_planned: Vec<NotPlannedJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct MigrateFirstJson<'a> {
    pub pool: &'a str,
    pub site: Option<&'a str>,
    pub backup: Option<&'a str>,
    pub backup_of: &'a [String],
    pub branches: &'a [String],
    pub successor: &'a str,
    pub successor_proposed: bool,
    pub successor_partner: Option<&'a str>,
    pub users: Option<u64>,
}

#[derive(Serialize)]
pub(crate) struct NotPlannedJson<'a> {
    pub pool: &'a str,
    pub site: Option<&'a str>,
    /// The reason it is never paired: its role (audit/v1 role codes).
    pub role: &'static str,
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
    /// Additive (issue 11): `paired`, `kept` or `new`, the HTML's "Today" column.
    pub today: &'static str,
    /// Additive: `none`, `set-up` or `re-pair`, the HTML's "What to do" column.
    pub action: &'static str,
    /// Additive: `action` in words (English: scripts read plan.json).
    pub action_text: String,
    /// Additive: pool to the former partners it leaves (a re-pair); absent otherwise.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub former_partners: BTreeMap<&'a str, &'a [String]>,
    /// Additive: pools only an inventory names (not deployed yet); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_deployed: Vec<&'a str>,
    /// Additive: successors the plan proposes (they do not exist yet); absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proposed: Vec<&'a str>,
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
    /// Additive (issue 11).
    pub site: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct BranchMoveJson<'a> {
    pub branch: &'a str,
    pub from: Option<&'a str>,
    /// Null only when the plan pairs no pool at all.
    pub to: Option<&'a str>,
    /// English: scripts read plan.json.
    pub reason: String,
    /// Additive (issue 11).
    pub site: Option<&'a str>,
    pub users: Option<u64>,
    /// `reassociate` (SBA/SBS of 2013 or later) or `lync2010-sba` (re-created in the 2013 topology).
    pub procedure: &'static str,
}

#[derive(Serialize)]
pub(crate) struct ChangeJson<'a> {
    pub kind: &'static str,
    pub pools: [&'a str; 2],
    /// English: scripts read plan.json.
    pub reason: String,
    /// Additive (issue 11): a pair (⇄), not a one-way relationship (→).
    pub mutual: bool,
    /// Additive: a pool of the pair leaves a former partner.
    pub repair: bool,
    /// Additive: a kept pair already named both ways.
    pub reciprocal: bool,
}

impl<'a> PlanJson<'a> {
    pub(crate) fn new(plans: &'a [PairingPlan]) -> PlanJson<'a> {
        PlanJson {
            schema: PLAN_SCHEMA,
            estates: plans.iter().map(EstatePlanJson::new).collect(),
        }
    }
}

impl<'a> EstatePlanJson<'a> {
    fn new(p: &'a PairingPlan) -> EstatePlanJson<'a> {
        EstatePlanJson {
            name: &p.estate,
            pairs: p.pairs.iter().map(PairJson::new).collect(),
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
                    site: s.site.as_deref(),
                })
                .collect(),
            branch_moves: p.branch_moves.iter().map(BranchMoveJson::new).collect(),
            changes: p.changes.iter().map(ChangeJson::new).collect(),
            target_version: p.target_version.label(),
            to_set_up: p.to_set_up(),
            migrate_first: p
                .migrate_first
                .iter()
                .map(|m| MigrateFirstJson::new(p, m))
                .collect(),
            not_planned: p
                .not_planned
                .iter()
                .map(|n| NotPlannedJson {
                    pool: &n.pool,
                    site: n.site.as_deref(),
                    role: n.role.label(),
                })
                .collect(),
        }
    }
}

impl<'a> PairJson<'a> {
    fn new(pair: &'a PlannedPair) -> PairJson<'a> {
        PairJson {
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
                    message: w.message.render(Lang::En),
                })
                .collect(),
            today: pair.today().code(),
            action: pair.action().code(),
            action_text: pair.action_message().render(Lang::En),
            former_partners: pair
                .sides
                .iter()
                .filter(|s| !s.former_partners.is_empty())
                .map(|s| (s.fqdn.as_str(), s.former_partners.as_slice()))
                .collect(),
            not_deployed: pair.not_deployed(),
            proposed: pair.proposed(),
        }
    }
}

impl<'a> BranchMoveJson<'a> {
    fn new(m: &'a BranchMove) -> BranchMoveJson<'a> {
        BranchMoveJson {
            branch: &m.branch,
            from: m.from.as_deref(),
            to: m.to.as_deref(),
            reason: m.why.render(Lang::En),
            site: m.site.as_deref(),
            users: m.users,
            procedure: m.procedure.code(),
        }
    }
}

impl<'a> ChangeJson<'a> {
    fn new(c: &'a Change) -> ChangeJson<'a> {
        ChangeJson {
            kind: c.kind(),
            pools: c.pools(),
            reason: c.reason(),
            mutual: c.mutual(),
            repair: c.repair(),
            reciprocal: c.reciprocal(),
        }
    }
}

impl<'a> MigrateFirstJson<'a> {
    /// `successor_proposed` is the plan's to say.
    fn new(plan: &PairingPlan, m: &'a MigrateFirst) -> MigrateFirstJson<'a> {
        MigrateFirstJson {
            pool: &m.pool,
            site: m.site.as_deref(),
            backup: m.backup.as_deref(),
            backup_of: &m.backup_of,
            branches: &m.branches,
            successor: &m.successor,
            successor_proposed: plan.is_proposed(&m.successor),
            successor_partner: m.successor_partner.as_deref(),
            users: m.users,
        }
    }
}

/// The `lyncpair/plan/v1` document of `plans`.
pub fn render(plans: &[PairingPlan]) -> String {
    let mut s = serde_json::to_string_pretty(&PlanJson::new(plans)).expect("plan JSON serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PairWarning;
    use crate::rules::Code;

    /// The sample plan of the templates, plus what it lacks: a proposed successor in a pair and a
    /// warning, so every optional field is present.
    fn full_plan() -> PairingPlan {
        let mut plan = crate::render::sample::sample_plan();
        let proposed = &mut plan.pairs[2].sides[1];
        proposed.fqdn = "successor-of-old.sample.test".to_owned();
        proposed.planned = true;
        proposed.proposed = true;
        plan.pairs[0].warnings.push(PairWarning {
            code: Code::PairSameSite,
            message: "sample warning".into(),
        });
        plan
    }

    /// Every key path of the output, with the pool names that key `cms` and `former_partners`
    /// left out (the document describes those maps, not their keys).
    fn documented_shape(json: &serde_json::Value) -> serde_json::Value {
        let mut json = json.clone();
        for pair in json["estates"][0]["pairs"].as_array_mut().unwrap() {
            for map in ["cms", "former_partners"] {
                if pair.get(map).is_some() {
                    pair[map] = serde_json::json!({});
                }
            }
        }
        json
    }

    #[test]
    fn schema_doc_lists_every_field() {
        let json: serde_json::Value = serde_json::from_str(&render(&[full_plan()])).unwrap();
        let pairs = json["estates"][0]["pairs"].as_array().unwrap();
        for optional in [
            "cms",
            "former_partners",
            "not_deployed",
            "proposed",
            "warnings",
        ] {
            assert!(
                pairs.iter().any(|p| p.get(optional).is_some()),
                "no pair has {optional}"
            );
        }
        // The document names arrays with `[]` (`estates[]`); the key paths name them bare.
        let mut produced = std::collections::BTreeSet::new();
        crate::render::json::paths("", &documented_shape(&json), &mut produced);
        let text = include_str!("../../docs/plan-schema.md");
        let documented: std::collections::BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(p, _)| p.strip_suffix("[]").unwrap_or(p).to_owned())
            .collect();
        assert_eq!(
            produced, documented,
            "docs/plan-schema.md and plan.json disagree"
        );
    }

    #[test]
    fn json_carries_what_the_reports_show_from_the_same_computation() {
        let plan = full_plan();
        let json: serde_json::Value =
            serde_json::from_str(&render(std::slice::from_ref(&plan))).unwrap();
        let view = crate::render::report::plan_view(Lang::En, &plan);
        let e = &json["estates"][0];
        for (pj, pv) in e["pairs"].as_array().unwrap().iter().zip(&view.pairs) {
            assert_eq!(pj["today"], pv.today);
            assert_eq!(pj["action"], pv.action);
            assert_eq!(pj["action_text"], pv.action_label.as_str());
            assert_eq!(
                pj["not_deployed"].as_array().map_or(0, Vec::len),
                pv.planned.len()
            );
            assert_eq!(
                pj["proposed"].as_array().map_or(0, Vec::len),
                pv.proposed.len()
            );
        }
        assert_eq!(e["to_set_up"], view.to_set_up);
        assert_eq!(e["target_version"], view.target_version);
        assert_eq!(
            e["migrate_first"].as_array().unwrap().len(),
            view.migrate_first.len()
        );
        for (mj, mv) in e["migrate_first"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&view.migrate_first)
        {
            assert_eq!(mj["pool"], mv.pool.as_str());
            assert_eq!(mj["successor_proposed"], mv.successor_proposed);
        }
        for (nj, nv) in e["not_planned"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&view.not_planned)
        {
            assert_eq!(nj["role"], nv.role);
        }
        for (bj, bv) in e["branch_moves"]
            .as_array()
            .unwrap()
            .iter()
            .zip(&view.branch_moves)
        {
            assert_eq!(bj["procedure"], bv.procedure);
        }
        for (cj, cv) in e["changes"].as_array().unwrap().iter().zip(&view.changes) {
            assert_eq!(cj["mutual"], cv.mutual);
        }
        // The sample has a re-pair: its words name the partner it leaves.
        assert_eq!(e["pairs"][0]["action"], "re-pair");
        assert!(
            e["pairs"][0]["action_text"]
                .as_str()
                .unwrap()
                .contains("a.sample.test leaves c.sample.test"),
            "{}",
            e["pairs"][0]["action_text"]
        );
    }
}
