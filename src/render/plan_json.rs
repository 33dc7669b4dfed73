//! `lyncpair/plan/v1` (CONTRACT.md "Plan"): exactly the contract's fields, in its order. Pairs are
//! sorted by pools, unpaired pools by FQDN (the planner's order).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::CmsRole;

use crate::plan::{Objective, PairingPlan};

pub const PLAN_SCHEMA: &str = "lyncpair/plan/v1";

#[derive(Serialize)]
pub struct PlanJson<'a> {
    pub schema: &'static str,
    pub estates: Vec<EstatePlanJson<'a>>,
}

#[derive(Serialize)]
pub struct EstatePlanJson<'a> {
    pub name: &'a str,
    pub pairs: Vec<PairJson<'a>>,
    pub unpaired: Vec<UnpairedJson<'a>>,
    pub objective: Objective,
}

#[derive(Serialize)]
pub struct PairJson<'a> {
    pub pools: [&'a str; 2],
    pub kept: bool,
    pub cross_site: bool,
    /// Additive: pool to "active"/"standby" when the pair holds the Central Management store;
    /// absent otherwise.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub cms: BTreeMap<&'a str, CmsRole>,
}

#[derive(Serialize)]
pub struct UnpairedJson<'a> {
    pub pool: &'a str,
    pub reason: &'a str,
}

impl<'a> PlanJson<'a> {
    pub fn new(plans: &'a [PairingPlan]) -> PlanJson<'a> {
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
                            cms: pair.cms().into_iter().collect(),
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
                })
                .collect(),
        }
    }
}

pub fn render(plans: &[PairingPlan]) -> String {
    let mut s = serde_json::to_string_pretty(&PlanJson::new(plans)).expect("plan JSON serialises");
    s.push('\n');
    s
}
