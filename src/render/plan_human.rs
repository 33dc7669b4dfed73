//! Terminal output of a plan: per estate the pairs with their sites, the unpaired pools and why, the
//! Lync 2010 pools to migrate first, the pools never paired, the changes from today and the branch
//! registrars to re-associate. Colour only when asked for (see [`super::use_color`]).

use std::fmt::Write;

use crate::plan::{BranchMove, Change, PairingPlan, PlannedPair};
use crate::render::runbook::branch_steps;

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// `unreadable`: how many inputs could not be read (the command lists them on standard error).
pub fn render(plans: &[PairingPlan], unreadable: usize, color: bool) -> String {
    let bold = |t: &str| paint(color, "1", t);
    let mut out = String::new();
    for plan in plans {
        estate(&mut out, plan, &bold);
    }
    let (pairs, unpaired): (usize, usize) = plans.iter().fold((0, 0), |(p, u), plan| {
        (p + plan.pairs.len(), u + plan.unpaired.len())
    });
    let _ = writeln!(
        out,
        "{} {pairs} pair(s), {unpaired} pool(s) unpaired in {} estate(s); {}",
        bold("Summary:"),
        plans.len(),
        if unreadable == 0 {
            "every input was read".to_owned()
        } else {
            paint(
                color,
                "1;31",
                &format!("{unreadable} input(s) could not be read (listed on standard error)"),
            )
        }
    );
    out
}

fn with_site(fqdn: &str, site: Option<&str>) -> String {
    format!("{fqdn} ({})", site.unwrap_or("site unknown"))
}

fn pair_line(p: &PlannedPair) -> String {
    let [a, b] = &p.sides;
    let mut notes = Vec::new();
    notes.push(if p.cross_site {
        "cross-site"
    } else {
        "same or unknown site"
    });
    if p.kept {
        notes.push("kept");
    }
    if p.pinned {
        notes.push("pinned");
    }
    notes.push(if p.reciprocal_today {
        "already paired"
    } else if p.is_repair() {
        "re-pair"
    } else {
        "to set up"
    });
    format!(
        "{} <-> {}  [{}]",
        with_site(&a.fqdn, a.site.as_deref()),
        with_site(&b.fqdn, b.site.as_deref()),
        notes.join(", ")
    )
}

fn estate(out: &mut String, plan: &PairingPlan, bold: &dyn Fn(&str) -> String) {
    let o = plan.objective;
    let _ = writeln!(out, "{} {}", bold("Plan for estate"), bold(&plan.estate));
    let _ = writeln!(
        out,
        "  {} {} pair(s), {} cross-site, {} kept",
        bold("Objective:"),
        o.pairs,
        o.cross_site,
        o.kept
    );
    let _ = writeln!(out, "  {}", bold("Pairs"));
    if plan.pairs.is_empty() {
        let _ = writeln!(out, "    (none)");
    }
    for p in &plan.pairs {
        let _ = writeln!(out, "    {}", pair_line(p));
    }
    if !plan.unpaired.is_empty() {
        let _ = writeln!(out, "  {}", bold("Unpaired"));
        for u in &plan.unpaired {
            let _ = writeln!(out, "    {}: {}", u.pool, u.reason);
        }
    }
    if !plan.migrate_first.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            bold("Migrate first (Lync 2010 front-end pools, never paired)")
        );
        for m in &plan.migrate_first {
            let _ = writeln!(
                out,
                "    {}: {}",
                with_site(&m.pool, m.site.as_deref()),
                crate::plan::today(m)
            );
        }
    }
    if !plan.not_planned.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            bold(
                "Not planned (directors, branch registrars, Edge and other pools are never paired)"
            )
        );
        for n in &plan.not_planned {
            let _ = writeln!(
                out,
                "    {}: {}",
                with_site(&n.pool, n.site.as_deref()),
                n.role.label()
            );
        }
    }
    let _ = writeln!(out, "  {}", bold("Changes from today"));
    if plan.changes.is_empty() {
        let _ = writeln!(out, "    (none)");
    }
    for c in &plan.changes {
        let line = match c {
            Change::Remove { from, to, why } => {
                format!("remove  {from} -> {to} (backup today): {why}")
            }
            Change::Add { pools, repair } => format!(
                "add     {} <-> {}{}",
                pools[0],
                pools[1],
                if *repair {
                    " (re-pair: clear the former partner's data)"
                } else {
                    ""
                }
            ),
            Change::Keep {
                pools,
                reciprocal,
                repair,
            } => format!(
                "keep    {} <-> {}{}{}",
                pools[0],
                pools[1],
                if *reciprocal {
                    " (already reciprocal, nothing to do)"
                } else {
                    " (one side names the other today; pairing in Topology Builder sets both)"
                },
                if *repair && !*reciprocal {
                    " (re-pair: clear the former partner's data)"
                } else {
                    ""
                }
            ),
        };
        let _ = writeln!(out, "    {line}");
    }
    if !plan.branch_moves.is_empty() {
        let _ = writeln!(out, "  {}", bold("Branch registrars to re-associate"));
        for m in &plan.branch_moves {
            branch_move(out, m);
        }
    }
    out.push('\n');
}

fn branch_move(out: &mut String, m: &BranchMove) {
    let users = m.users.map(|u| format!(", {u} users")).unwrap_or_default();
    let _ = writeln!(
        out,
        "    {} ({}{users}): {}",
        m.branch,
        m.site.as_deref().unwrap_or("site unknown"),
        m.why
    );
    if m.candidates.is_empty() {
        let _ = writeln!(
            out,
            "      new backing pool: a central-site front-end pool of Lync 2013 or later (none is in this estate yet)"
        );
    } else {
        let _ = writeln!(
            out,
            "      new backing pool: one of {} (its users then count toward that pool's capacity)",
            m.candidates.join(", ")
        );
    }
    for (i, step) in branch_steps(m.procedure).iter().enumerate() {
        let _ = writeln!(out, "      {}. {step}", i + 1);
    }
}
