//! The plan's views built from a [`crate::plan::PairingPlan`], and the words about a plan that
//! every plan renderer shares (terminal, runbook, reports), so none of them imports another.

use crate::i18n::{self, Lang};
use crate::plan::{
    BranchMove, BranchProcedure, Change, MigrateFirst, NotPlanned, PairingPlan, PlannedPair,
    Successor,
};

use super::{
    BranchMoveView, ChangeView, MigrateFirstView, NotPlannedView, ObjectiveView, PlanPairView,
    PlanView, SuccessorView, UnpairedView,
};

/// Microsoft documentation the plan's procedures rest on (DOMAIN.md §11: S4, S18, S17).
pub const DOCS_PAIRING: &str = "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-deploying-paired-front-end-pools-for-disaster-recovery";
pub const DOCS_BRANCH: &str = "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-appendix-b-managing-a-survivable-branch-appliance";
pub const DOCS_SBA_2010: &str = "https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-add-lync-server-2010-survivable-branch-appliance-branch-site-to-your-topology";

/// The view of one estate's plan. Only reshapes and labels what the planner decided.
pub fn plan_view(lang: Lang, plan: &PairingPlan) -> PlanView {
    PlanView {
        pairs: plan.pairs.iter().map(|p| pair_view(lang, p)).collect(),
        unpaired: plan
            .unpaired
            .iter()
            .map(|u| UnpairedView {
                pool: u.pool.clone(),
                reason: u.reason_text.render(lang),
            })
            .collect(),
        objective: ObjectiveView {
            pairs: plan.objective.pairs,
            cross_site: plan.objective.cross_site,
            kept: plan.objective.kept,
        },
        to_set_up: plan.to_set_up(),
        migrate_first: plan
            .migrate_first
            .iter()
            .map(|m| migrate_first_view(plan, m))
            .collect(),
        not_planned: plan
            .not_planned
            .iter()
            .map(|n| not_planned_view(lang, n))
            .collect(),
        changes: plan.changes.iter().map(|c| change_view(lang, c)).collect(),
        branch_moves: plan
            .branch_moves
            .iter()
            .map(|m| branch_move_view(lang, m))
            .collect(),
        successors: plan.successors.iter().map(successor_view).collect(),
        target_version: plan.target_version.label(),
        docs_url: DOCS_PAIRING,
    }
}

fn pair_view(lang: Lang, p: &PlannedPair) -> PlanPairView {
    let [a, b] = &p.sides;
    let today = p.today();
    let action = p.action();
    PlanPairView {
        pools: [a.fqdn.clone(), b.fqdn.clone()],
        sites: [a.site.clone(), b.site.clone()],
        planned: p.not_deployed().into_iter().map(str::to_owned).collect(),
        proposed: p.proposed().into_iter().map(str::to_owned).collect(),
        users: p.users,
        capacity_checked: p.capacity_checked,
        capacity_label: capacity_label(lang, p),
        kept: p.kept,
        cross_site: p.cross_site,
        pinned: p.pinned,
        today: today.code(),
        today_label: i18n::t(lang, today.label_key()),
        action: action.code(),
        action_label: p.action_message().render(lang),
        cms_label: cms_text(p, lang),
        warnings: p.warnings.iter().map(|w| w.message.render(lang)).collect(),
    }
}

fn change_view(lang: Lang, c: &Change) -> ChangeView {
    match c {
        Change::Remove { from, to, why } => ChangeView {
            kind: "remove",
            kind_label: i18n::t(lang, "change.remove"),
            pools: [from.clone(), to.clone()],
            mutual: false,
            note: i18n::t(lang, "change.remove.note").to_owned(),
            why: Some(why.render(lang)),
        },
        Change::Add { pools, repair, why } => ChangeView {
            kind: "add",
            kind_label: i18n::t(lang, "change.add"),
            pools: pools.clone(),
            mutual: true,
            note: with_repair(lang, i18n::t(lang, "change.add.note"), *repair),
            why: pair_details(lang, why),
        },
        Change::Keep {
            pools,
            reciprocal,
            repair,
            why,
        } => ChangeView {
            kind: "keep",
            kind_label: i18n::t(lang, "change.keep"),
            pools: pools.clone(),
            mutual: true,
            note: if *reciprocal {
                i18n::t(lang, "change.keep.reciprocal").to_owned()
            } else {
                with_repair(lang, i18n::t(lang, "change.keep.one_sided"), *repair)
            },
            why: pair_details(lang, why),
        },
    }
}

fn migrate_first_view(plan: &PairingPlan, m: &MigrateFirst) -> MigrateFirstView {
    MigrateFirstView {
        pool: m.pool.clone(),
        site: m.site.clone(),
        backup: m.backup.clone(),
        backup_of: m.backup_of.clone(),
        branches: m.branches.clone(),
        successor_proposed: plan.is_proposed(&m.successor),
        successor: m.successor.clone(),
        successor_partner: m.successor_partner.clone(),
        users: m.users,
    }
}

fn not_planned_view(lang: Lang, n: &NotPlanned) -> NotPlannedView {
    NotPlannedView {
        pool: n.pool.clone(),
        site: n.site.clone(),
        role: n.role.label(),
        role_label: i18n::t(lang, &format!("role.{}", n.role.label())),
    }
}

fn branch_move_view(lang: Lang, m: &BranchMove) -> BranchMoveView {
    BranchMoveView {
        branch: m.branch.clone(),
        site: m.site.clone(),
        from: m.from.clone(),
        to: m.to.clone(),
        why: m.why.render(lang),
        users: m.users,
        procedure: m.procedure.code(),
        steps: branch_steps(m.procedure, lang),
        docs_url: match m.procedure {
            BranchProcedure::Reassociate => DOCS_BRANCH,
            BranchProcedure::Lync2010Sba => DOCS_SBA_2010,
        },
    }
}

fn successor_view(s: &Successor) -> SuccessorView {
    SuccessorView {
        pool: s.pool.clone(),
        site: s.site.clone(),
        replaces: s.replaces.clone(),
        declared: s.declared,
        users: s.users,
    }
}

/// The planner's words about a pair beyond what the change's note already says (its first clause:
/// new, kept or already paired), e.g. which successor it holds; `None` when there is nothing more.
fn pair_details(lang: Lang, why: &crate::i18n::Message) -> Option<String> {
    match why.params.first() {
        Some((_, crate::i18n::Arg::Join(parts, separator))) if parts.len() > 1 => Some(
            parts[1..]
                .iter()
                .map(|m| m.render(lang))
                .collect::<Vec<_>>()
                .join(separator),
        ),
        _ => None,
    }
}

/// Whether a pair's capacity was checked, in words: the users of both sides, or which are unknown.
pub fn capacity_label(lang: Lang, p: &PlannedPair) -> String {
    match p.users {
        [Some(a), Some(b)] => i18n::tf(
            lang,
            "plan.capacity.checked",
            &[
                ("a", &a.to_string()),
                ("b", &b.to_string()),
                ("total", &(a + b).to_string()),
            ],
        ),
        users => {
            let unknown: Vec<&str> = p
                .sides
                .iter()
                .zip(users)
                .filter(|(_, u)| u.is_none())
                .map(|(s, _)| s.fqdn.as_str())
                .collect();
            i18n::tf(
                lang,
                "plan.capacity.unchecked",
                &[("pools", &unknown.join(", "))],
            )
        }
    }
}

fn with_repair(lang: Lang, note: &str, repair: bool) -> String {
    if repair {
        format!("{note} {}", i18n::t(lang, "change.repair"))
    } else {
        note.to_owned()
    }
}

/// "holds the Central Management store (active on a, standby on b)", when it does.
pub fn cms_text(p: &PlannedPair, lang: Lang) -> Option<String> {
    let cms = p.cms();
    if cms.is_empty() {
        return None;
    }
    let which: Vec<String> = cms
        .iter()
        .map(|(pool, role)| {
            i18n::tf(
                lang,
                &format!("plan.cms.{}", role.label()),
                &[("pool", pool)],
            )
        })
        .collect();
    Some(i18n::tf(lang, "plan.cms", &[("which", &which.join(", "))]))
}

/// The documented steps giving a branch registrar a new backing pool (DOMAIN.md §6, §7), in `lang`.
pub fn branch_steps(procedure: BranchProcedure, lang: Lang) -> Vec<&'static str> {
    let (prefix, n) = match procedure {
        BranchProcedure::Reassociate => ("branch.reassociate", 5),
        BranchProcedure::Lync2010Sba => ("branch.sba2010", 4),
    };
    (1..=n)
        .map(|i| i18n::t(lang, &format!("{prefix}.{i}")))
        .collect()
}
