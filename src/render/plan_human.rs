//! Terminal output of a plan: per estate the pairs with their sites, the unpaired pools and why, the
//! Lync 2010 pools to migrate first, the pools never paired, the changes from today and the branch
//! registrars to re-associate. Colour only when asked for (`--color`; see `style.rs`). Labels follow
//! `--lang`; the planner's reasons stay as it wrote them (English), like finding messages.

use std::fmt::Write;

use crate::i18n::{Lang, t, tf};
use crate::plan::{BranchMove, Change, MigrateFirst, PairingPlan, PlannedPair};
use crate::render::style::{self, Colour};
use crate::render::terminal::{safe, safe_join};
use crate::render::view::{branch_steps, capacity_label, cms_text};

/// `unreadable`: how many inputs could not be read (the command lists them on standard error).
pub fn render(plans: &[PairingPlan], unreadable: usize, colour: Colour, lang: Lang) -> String {
    let bold = |t: &str| colour.paint(style::BOLD, t);
    let mut out = String::new();
    for plan in plans {
        estate(&mut out, plan, &bold, lang);
    }
    let (pairs, unpaired): (usize, usize) = plans.iter().fold((0, 0), |(p, u), plan| {
        (p + plan.pairs.len(), u + plan.unpaired.len())
    });
    let inputs = if unreadable == 0 {
        t(lang, "planh.all_read").to_owned()
    } else {
        colour.paint(
            style::ERROR,
            &tf(lang, "planh.unreadable", &[("n", &unreadable.to_string())]),
        )
    };
    let _ = writeln!(
        out,
        "{} {}",
        bold(t(lang, "human.summary")),
        tf(
            lang,
            "planh.summary_line",
            &[
                ("pairs", &pairs.to_string()),
                ("unpaired", &unpaired.to_string()),
                ("n", &plans.len().to_string()),
                ("inputs", &inputs),
            ]
        )
    );
    out
}

fn with_site(fqdn: &str, site: Option<&str>, lang: Lang) -> String {
    format!(
        "{} ({})",
        safe(fqdn),
        safe(site.unwrap_or_else(|| t(lang, "planh.site_unknown")))
    )
}

/// A pool with its site, marked when the plan proposes it or it is not deployed yet.
fn side_name(s: &crate::plan::PairSide, lang: Lang) -> String {
    let mark = if s.proposed {
        format!(" [{}]", t(lang, "planh.proposed"))
    } else if s.planned {
        format!(" [{}]", t(lang, "planh.not_deployed"))
    } else {
        String::new()
    };
    format!("{}{mark}", with_site(&s.fqdn, s.site.as_deref(), lang))
}

fn pair_line(p: &PlannedPair, lang: Lang) -> String {
    let [a, b] = &p.sides;
    let mut notes = Vec::new();
    notes.push(if p.cross_site {
        t(lang, "planh.cross_site")
    } else {
        t(lang, "planh.same_site")
    });
    if p.kept {
        notes.push(t(lang, "planh.kept"));
    }
    if p.pinned {
        notes.push(t(lang, "planh.pinned"));
    }
    let cms = cms_text(p, lang);
    if let Some(text) = &cms {
        notes.push(text);
    }
    notes.push(if p.reciprocal_today {
        t(lang, "planh.already_paired")
    } else if p.is_repair() {
        t(lang, "planh.repair")
    } else {
        t(lang, "planh.to_set_up")
    });
    format!(
        "{} <-> {}  [{}]\n      {}",
        side_name(a, lang),
        side_name(b, lang),
        notes.join(", "),
        safe(&capacity_label(lang, p))
    )
}

/// The backup relationships of a Lync 2010 pool today.
fn today(m: &MigrateFirst, lang: Lang) -> String {
    let mut parts = vec![match &m.backup {
        Some(b) => tf(lang, "planh.backup_today", &[("pool", &safe(b))]),
        None => t(lang, "planh.no_backup_today").to_owned(),
    }];
    if !m.backup_of.is_empty() {
        parts.push(tf(
            lang,
            "planh.backup_of",
            &[("pools", &safe_join(&m.backup_of, ", "))],
        ));
    }
    if !m.branches.is_empty() {
        parts.push(tf(
            lang,
            "planh.backs_branches",
            &[("pools", &safe_join(&m.branches, ", "))],
        ));
    }
    parts.join("; ")
}

fn estate(out: &mut String, plan: &PairingPlan, bold: &dyn Fn(&str) -> String, lang: Lang) {
    heading(out, plan, bold, lang);
    pairs(out, plan, bold, lang);
    named_lines(
        out,
        &bold(t(lang, "planh.unpaired")),
        plan.unpaired.iter().map(|u| {
            (
                safe(&u.pool),
                safe(&u.reason_text.render(lang)).into_owned(),
            )
        }),
    );
    // The Lync 2010 pools to migrate first, with their backup relationships today.
    named_lines(
        out,
        &bold(t(lang, "planh.migrate_first")),
        plan.migrate_first
            .iter()
            .map(|m| (with_site(&m.pool, m.site.as_deref(), lang), today(m, lang))),
    );
    // The pools the planner never pairs (branch registrars, directors, ...), with their role.
    named_lines(
        out,
        &bold(t(lang, "planh.not_planned")),
        plan.not_planned.iter().map(|n| {
            (
                with_site(&n.pool, n.site.as_deref(), lang),
                t(lang, &format!("role.{}", n.role.label())),
            )
        }),
    );
    changes(out, plan, bold, lang);
    target_design(out, plan, bold, lang);
    out.push('\n');
}

/// The estate's name and what the plan reaches.
fn heading(out: &mut String, plan: &PairingPlan, bold: &dyn Fn(&str) -> String, lang: Lang) {
    let o = plan.objective;
    let _ = writeln!(
        out,
        "{} {}",
        bold(t(lang, "planh.estate")),
        bold(&safe(&plan.estate))
    );
    let _ = writeln!(
        out,
        "  {} {}",
        bold(t(lang, "planh.objective")),
        tf(
            lang,
            "planh.objective_line",
            &[
                ("pairs", &o.pairs.to_string()),
                ("cross", &o.cross_site.to_string()),
                ("kept", &o.kept.to_string()),
            ]
        )
    );
}

/// The pairs and their warnings; "none" when there is no pair.
fn pairs(out: &mut String, plan: &PairingPlan, bold: &dyn Fn(&str) -> String, lang: Lang) {
    let _ = writeln!(out, "  {}", bold(t(lang, "planh.pairs")));
    if plan.pairs.is_empty() {
        let _ = writeln!(out, "    {}", t(lang, "planh.none"));
    }
    for p in &plan.pairs {
        let _ = writeln!(out, "    {}", pair_line(p, lang));
        for w in &p.warnings {
            let _ = writeln!(
                out,
                "      {} {}: {}",
                t(lang, "severity.warning"),
                w.code.as_str(),
                safe(&w.message.render(lang))
            );
        }
    }
}

/// A heading and one "name: text" line per item; nothing when there is no item.
fn named_lines<N: std::fmt::Display, T: std::fmt::Display>(
    out: &mut String,
    heading: &str,
    lines: impl ExactSizeIterator<Item = (N, T)>,
) {
    if lines.len() == 0 {
        return;
    }
    let _ = writeln!(out, "  {heading}");
    for (name, text) in lines {
        let _ = writeln!(out, "    {name}: {text}");
    }
}

/// The changes from today, their words (remove, add, keep) in one column.
fn changes(out: &mut String, plan: &PairingPlan, bold: &dyn Fn(&str) -> String, lang: Lang) {
    let _ = writeln!(out, "  {}", bold(t(lang, "planh.changes")));
    if plan.changes.is_empty() {
        let _ = writeln!(out, "    {}", t(lang, "planh.none"));
    }
    // The change words line up in a column whatever their length in the language.
    let width = [
        t(lang, "planh.remove"),
        t(lang, "planh.add"),
        t(lang, "planh.keep"),
    ]
    .iter()
    .map(|w| w.chars().count())
    .max()
    .unwrap_or(0)
        + 2;
    for c in &plan.changes {
        let _ = writeln!(out, "    {}", change_line(c, width, lang));
    }
}

/// One change, its word padded to `width` characters.
fn change_line(c: &Change, width: usize, lang: Lang) -> String {
    let word = |key: &str| format!("{:<width$}", t(lang, key));
    match c {
        Change::Remove { from, to, why } => format!(
            "{}{} -> {} {}: {}",
            word("planh.remove"),
            safe(from),
            safe(to),
            t(lang, "planh.backup_tag"),
            safe(&why.render(lang))
        ),
        Change::Add { pools, repair, .. } => format!(
            "{}{} <-> {}{}",
            word("planh.add"),
            safe(&pools[0]),
            safe(&pools[1]),
            if *repair {
                t(lang, "planh.repair_note")
            } else {
                ""
            }
        ),
        Change::Keep {
            pools,
            reciprocal,
            repair,
            ..
        } => format!(
            "{}{} <-> {}{}{}",
            word("planh.keep"),
            safe(&pools[0]),
            safe(&pools[1]),
            if *reciprocal {
                t(lang, "planh.reciprocal_note")
            } else {
                t(lang, "planh.one_sided_note")
            },
            if *repair && !*reciprocal {
                t(lang, "planh.repair_note")
            } else {
                ""
            }
        ),
    }
}

/// After the migration: the successors, the order in which the Lync 2010 pools move and where
/// their users go, and the branch registrars' new backups.
fn target_design(out: &mut String, plan: &PairingPlan, bold: &dyn Fn(&str) -> String, lang: Lang) {
    if plan.successors.is_empty() && plan.branch_moves.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "  {}",
        bold(&tf(
            lang,
            "planh.target_design",
            &[("version", plan.target_version.label())]
        ))
    );
    if !plan.successors.is_empty() {
        let _ = writeln!(out, "    {}", bold(t(lang, "planh.successors")));
        for s in &plan.successors {
            let users = s.users.map_or_else(
                || t(lang, "planh.users_unknown").to_owned(),
                |u| tf(lang, "human.users", &[("n", &u.to_string())]),
            );
            let _ = writeln!(
                out,
                "      {} [{}]: {} {}; {users}",
                with_site(&s.pool, s.site.as_deref(), lang),
                if s.declared {
                    t(lang, "planh.declared")
                } else {
                    t(lang, "planh.proposed")
                },
                t(lang, "planh.replaces"),
                safe_join(&s.replaces, ", ")
            );
        }
    }
    if !plan.migrate_first.is_empty() {
        let _ = writeln!(out, "    {}", bold(t(lang, "planh.migration_order")));
        for (i, m) in plan.migrate_first.iter().enumerate() {
            let users = m.users.map_or_else(
                || t(lang, "planh.users_unknown").to_owned(),
                |u| tf(lang, "human.users", &[("n", &u.to_string())]),
            );
            let partner = match &m.successor_partner {
                Some(p) => tf(lang, "planh.paired_with", &[("pool", p)]),
                None => t(lang, "planh.successor_unpaired").to_owned(),
            };
            let _ = writeln!(
                out,
                "      {}. {} -> {} ({users}; {})",
                i + 1,
                safe(&m.pool),
                safe(&m.successor),
                safe(&partner)
            );
        }
    }
    if !plan.branch_moves.is_empty() {
        let _ = writeln!(out, "    {}", bold(t(lang, "planh.branch_moves")));
        for m in &plan.branch_moves {
            branch_move(out, m, lang);
        }
    }
}

fn branch_move(out: &mut String, m: &BranchMove, lang: Lang) {
    let users = m
        .users
        .map(|u| format!(", {}", tf(lang, "human.users", &[("n", &u.to_string())])))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "      {} ({}{users}): {} -> {}",
        safe(&m.branch),
        safe(
            m.site
                .as_deref()
                .unwrap_or_else(|| t(lang, "planh.site_unknown"))
        ),
        safe(
            m.from
                .as_deref()
                .unwrap_or_else(|| t(lang, "planh.no_backup"))
        ),
        safe(
            m.to.as_deref()
                .unwrap_or_else(|| t(lang, "planh.no_candidate"))
        ),
    );
    let _ = writeln!(out, "        {}", safe(&m.why.render(lang)));
    for (i, step) in branch_steps(m.procedure, lang).iter().enumerate() {
        let _ = writeln!(out, "        {}. {step}", i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Role, Version};
    use crate::plan::{BranchProcedure, NotPlanned, Objective, PairSide, Unpaired};

    const EVIL: &str = "x\u{1b}[2K\r\u{1b}]0;pwned\u{7}\u{9b}8m\u{7f}\nSummary: 0 pair(s)";

    fn side(fqdn: &str) -> PairSide {
        PairSide {
            fqdn: fqdn.to_owned(),
            site: Some(EVIL.to_owned()),
            version: Version::V2015,
            edition: None,
            machines: vec![EVIL.to_owned()],
            servers: 1,
            cms: None,
            planned: false,
            proposed: false,
            failover: None,
            former_partners: vec![EVIL.to_owned()],
        }
    }

    fn evil_plan() -> PairingPlan {
        let e = || EVIL.to_owned();
        PairingPlan {
            estate: e(),
            inputs: vec![e()],
            pairs: vec![PlannedPair {
                sides: [side(EVIL), side(&format!("b{EVIL}"))],
                kept: false,
                cross_site: true,
                pinned: false,
                reciprocal_today: false,
                users: [Some(1), None],
                capacity_checked: false,
                warnings: Vec::new(),
            }],
            unpaired: vec![Unpaired::new(e(), e().into())],
            objective: Objective::default(),
            migrate_first: vec![MigrateFirst {
                pool: e(),
                site: Some(e()),
                backup: Some(e()),
                backup_of: vec![e()],
                branches: vec![e()],
                successor: e(),
                successor_partner: Some(e()),
                users: Some(1),
            }],
            not_planned: vec![NotPlanned {
                pool: e(),
                site: Some(e()),
                role: Role::Edge,
            }],
            changes: vec![
                Change::Remove {
                    from: e(),
                    to: e(),
                    why: e().into(),
                },
                Change::Add {
                    pools: [e(), e()],
                    repair: true,
                    why: e().into(),
                },
                Change::Keep {
                    pools: [e(), e()],
                    reciprocal: false,
                    repair: false,
                    why: e().into(),
                },
            ],
            branch_moves: vec![BranchMove {
                branch: e(),
                site: Some(e()),
                from: Some(e()),
                to: Some(e()),
                why: e().into(),
                users: Some(3),
                procedure: BranchProcedure::Reassociate,
            }],
            successors: vec![crate::plan::Successor {
                pool: e(),
                replaces: vec![e()],
                declared: false,
                users: Some(1),
                site: Some(e()),
            }],
            target_version: Version::V2013,
        }
    }

    #[test]
    fn plan_names_cannot_drive_the_terminal() {
        for lang in [Lang::En, Lang::De] {
            let text = render(&[evil_plan()], 0, Colour::Plain, lang);
            let raw: Vec<char> = text
                .chars()
                .filter(|c| *c != '\n' && c.is_control())
                .collect();
            assert!(raw.is_empty(), "{raw:?} in {text}");
            assert!(
                text.contains("x\\u{1b}[2K\\r\\u{1b}]0;pwned\\u{7}"),
                "{text}"
            );
            // Every line the renderer did not write itself stays on one line: no fake summary.
            assert_eq!(text.matches("\nSummary: 0 pair(s)").count(), 0, "{text}");
        }
    }
}
