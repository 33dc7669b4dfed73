//! The views the templates and the diagrams read: serialisable structs with labels already chosen
//! for the language, and the functions that build them from the model. Not a public contract:
//! templates may use any field.
//!
//! Every renderer that needs a view reads it from here, so the arrows in `src/render/` run one way
//! (see ARCHITECTURE.md): `report.rs` (files), `templates.rs`, `sample.rs`, `diff.rs`,
//! `plan_human.rs` and `runbook.rs` import `view`; `view` imports none of them. Inside `view`, the
//! plan's views (this file) and [`Status`] come first, [`diagram`] draws from them, and
//! [`document`] and [`plan`] build the rest, calling [`diagram`].
//!
//! This file holds the plan's views ([`PlanView`] and its parts), which [`diagram`] draws the
//! after-plan diagram from and [`plan::plan_view`] builds.

pub mod diagram;
pub mod document;
pub mod plan;
mod status;

pub use document::{
    ErrorView, IndexView, PlanDocView, ReportView, RunInfo, errors_view, estate_slugs, index_view,
    iso_utc, plan_doc_view, report_view, severity_label,
};
pub use plan::{branch_steps, capacity_label, cms_text, plan_view};
pub use status::Status;

use std::collections::HashMap;

use serde::Serialize;

use crate::model::Pool;

/// The pools of each site (`None`: of no site), in the order of `pools`: the views list a site's
/// pools from this rather than by a pass over every pool for each site, which was quadratic in a
/// large estate (issue 12).
fn pools_by_site(pools: &[Pool]) -> HashMap<Option<&str>, Vec<&Pool>> {
    let mut by_site: HashMap<Option<&str>, Vec<&Pool>> = HashMap::new();
    for p in pools {
        by_site.entry(p.site.as_deref()).or_default().push(p);
    }
    by_site
}

/// The suggested plan of one estate, as the reports show it: what `lyncpair/plan/v1` holds (pairs,
/// unpaired pools, objective) and the rest of the [`crate::plan::PairingPlan`] (sites, what to do per pair, the
/// Lync 2010 pools to migrate first, the changes from today, the branch registrars to re-associate),
/// with labels already chosen for the language. Not a public contract: templates may use any field.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct PlanView {
    pub pairs: Vec<PlanPairView>,
    pub unpaired: Vec<UnpairedView>,
    pub objective: ObjectiveView,
    /// Pairs that need the Topology Builder step and the runbook (not reciprocal today).
    pub to_set_up: usize,
    pub migrate_first: Vec<MigrateFirstView>,
    pub not_planned: Vec<NotPlannedView>,
    pub changes: Vec<ChangeView>,
    pub branch_moves: Vec<BranchMoveView>,
    /// Successors of the Lync 2010 front-end pools (issue 10), sorted by pool.
    pub successors: Vec<SuccessorView>,
    /// Version of the proposed successors ("2013", "2015", "2019").
    pub target_version: &'static str,
    /// Microsoft documentation of pairing and the post-pairing steps.
    pub docs_url: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct SuccessorView {
    pub pool: String,
    pub site: Option<String>,
    pub replaces: Vec<String>,
    /// Named by an inventory; otherwise proposed by the plan.
    pub declared: bool,
    pub users: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct PlanPairView {
    /// Sorted FQDNs.
    pub pools: [String; 2],
    /// Sites of `pools`, in the same order.
    pub sites: [Option<String>; 2],
    /// Pools only an inventory names (not deployed yet).
    pub planned: Vec<String>,
    /// Successors the plan proposes (no input names them).
    pub proposed: Vec<String>,
    /// Users each side carries after the migration, in the order of `pools`.
    pub users: [Option<u64>; 2],
    pub capacity_checked: bool,
    /// "capacity checked: …" or "capacity not checked: …", in the report's language.
    pub capacity_label: String,
    pub kept: bool,
    pub cross_site: bool,
    pub pinned: bool,
    /// "paired" (both name each other today), "kept" (one does) or "new".
    pub today: &'static str,
    pub today_label: &'static str,
    /// "none", "set-up" or "re-pair".
    pub action: &'static str,
    pub action_label: String,
    /// "holds the Central Management store (…)" when one of the pools holds it.
    pub cms_label: Option<String>,
    /// Warnings on the pair (a pinned pair in one site), in the report's language.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct UnpairedView {
    pub pool: String,
    /// The planner's reason (English, like finding messages).
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub(crate) struct ObjectiveView {
    pub pairs: usize,
    pub cross_site: usize,
    pub kept: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct MigrateFirstView {
    pub pool: String,
    pub site: Option<String>,
    pub backup: Option<String>,
    /// Front-end pools naming it as backup today.
    pub backup_of: Vec<String>,
    /// Branch registrars it backs today.
    pub branches: Vec<String>,
    /// Where its users go.
    pub successor: String,
    pub successor_proposed: bool,
    pub successor_partner: Option<String>,
    pub users: Option<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct NotPlannedView {
    pub pool: String,
    pub site: Option<String>,
    pub role: &'static str,
    pub role_label: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct ChangeView {
    /// "remove", "add" or "keep".
    pub kind: &'static str,
    pub kind_label: &'static str,
    /// A removal: the pool and the backup it names today. A pair: its two pools, sorted.
    pub pools: [String; 2],
    /// A pair (drawn ⇄), not a one-way relationship (→).
    pub mutual: bool,
    /// In the report's language.
    pub note: String,
    /// Why a relationship is removed: the planner's text (English).
    pub why: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct BranchMoveView {
    pub branch: String,
    pub site: Option<String>,
    /// Its backup today, if any.
    pub from: Option<String>,
    /// The recommended backup (a pool paired in the plan).
    pub to: Option<String>,
    /// The planner's text (English).
    pub why: String,
    pub users: Option<u64>,
    /// "reassociate" (SBA/SBS of 2013 or later) or "lync2010-sba".
    pub procedure: &'static str,
    /// The documented procedure, in the report's language.
    pub steps: Vec<&'static str>,
    pub docs_url: &'static str,
}
