//! Terminal output: per estate a summary line and the findings by severity with the file:line they
//! come from, then the notes (identical ones once, with a count). The pool inventory and the inputs
//! only with `--verbose`; in a large estate (more than [`ALL_FINDINGS_UP_TO`] findings) the first
//! [`EXAMPLES_PER_CODE`] findings of each rule, and how many more (issue 11: a 200-pool audit fits
//! on two screens). Colour only when asked for (see [`super::use_color`]).

use std::fmt::Write;

use crate::audit::{Audit, AuditedEstate};
use crate::i18n::{self, Lang};
use crate::model::{Pool, SiteKind};
use crate::rules::Severity;

/// Sources listed per finding on the terminal.
const MAX_SOURCES_SHOWN: usize = 4;
/// Up to this many findings in an estate, every one is printed.
const ALL_FINDINGS_UP_TO: usize = 25;
/// Above it, findings printed per rule without `--verbose`.
const EXAMPLES_PER_CODE: usize = 2;

struct Style {
    color: bool,
    lang: Lang,
    verbose: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    fn severity(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tf(self.lang, key, args)
    }
}

/// The terminal text without `--verbose`.
pub fn render(audit: &Audit, color: bool, lang: Lang) -> String {
    render_with(audit, color, lang, false)
}

/// `verbose`: also the inputs and the pools by site, and every finding.
pub fn render_with(audit: &Audit, color: bool, lang: Lang, verbose: bool) -> String {
    let st = Style {
        color,
        lang,
        verbose,
    };
    let mut out = String::new();
    for e in &audit.estates {
        estate(&mut out, e, &st);
    }
    if !audit.errors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            st.severity(Severity::Error, st.t("human.unreadable"))
        );
        for err in &audit.errors {
            let _ = writeln!(out, "  {err}");
        }
        out.push('\n');
    }
    let s = audit.summary();
    let _ = writeln!(
        out,
        "{} {}",
        st.bold(st.t("human.summary")),
        st.tf(
            "human.summary_line",
            &[
                ("e", &s.errors.to_string()),
                ("w", &s.warnings.to_string()),
                ("i", &s.infos.to_string()),
                ("n", &audit.estates.len().to_string()),
                ("u", &audit.errors.len().to_string()),
            ]
        )
    );
    out
}

fn pool_line(p: &Pool, st: &Style) -> String {
    let mut facts = vec![st.t(&format!("role.{}", p.role.label())).to_owned()];
    facts.extend(
        p.edition
            .map(|e| st.t(&format!("edition.{}", e.label())).to_owned()),
    );
    facts.extend(p.version.map(|v| v.label().to_owned()));
    facts.push(st.tf("human.servers", &[("n", &p.servers.to_string())]));
    if let Some(u) = p.users {
        facts.push(st.tf("human.users", &[("n", &u.to_string())]));
    }
    if p.planned {
        facts.push(st.t("value.planned").to_owned());
    }
    let backup = match p.backup.as_deref() {
        Some(b) => st.tf("human.backup", &[("pool", b)]),
        None => st.t("human.no_backup").to_owned(),
    };
    format!("{}  [{}]  {}", p.fqdn, facts.join(", "), backup)
}

fn estate(out: &mut String, a: &AuditedEstate, st: &Style) {
    let e = &a.estate;
    let _ = writeln!(
        out,
        "{} {}  {}",
        st.bold(st.t("human.estate")),
        st.bold(&e.name),
        st.dim(&st.tf(
            "human.estate_size",
            &[
                ("pools", &e.pools.len().to_string()),
                ("sites", &e.sites.len().to_string()),
                ("inputs", &e.inputs.len().to_string()),
            ]
        ))
    );
    let _ = writeln!(
        out,
        "  {}",
        st.tf(
            "human.findings",
            &[
                ("e", &a.count(Severity::Error).to_string()),
                ("w", &a.count(Severity::Warning).to_string()),
                ("i", &a.count(Severity::Info).to_string()),
            ]
        )
    );
    findings(out, a, st);
    notes(out, a, st);
    if st.verbose {
        inventory(out, a, st);
    }
    out.push('\n');
}

fn findings(out: &mut String, a: &AuditedEstate, st: &Style) {
    let all = st.verbose || a.findings.len() <= ALL_FINDINGS_UP_TO;
    let mut cut = false;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let title = match severity {
            Severity::Error => st.t("human.errors"),
            Severity::Warning => st.t("human.warnings"),
            Severity::Info => st.t("human.infos"),
        };
        let _ = writeln!(out, "  {}", st.severity(severity, title));
        // Findings come sorted by severity, then code: each rule's run is contiguous.
        let mut shown_of_code = 0;
        for (i, f) in group.iter().enumerate() {
            if i > 0 && group[i - 1].code != f.code {
                shown_of_code = 0;
            }
            shown_of_code += 1;
            if !all && shown_of_code > EXAMPLES_PER_CODE {
                let last_of_code = group.get(i + 1).is_none_or(|n| n.code != f.code);
                if last_of_code {
                    let more = (shown_of_code - EXAMPLES_PER_CODE).to_string();
                    let _ = writeln!(
                        out,
                        "    {} {}",
                        st.severity(severity, f.code.as_str()),
                        st.dim(&st.tf("human.more_findings", &[("n", &more)]))
                    );
                    cut = true;
                }
                continue;
            }
            // A finding about an input (export-lossy) names no pool: no trailing list.
            let _ = writeln!(
                out,
                "    {}{}",
                st.severity(severity, f.code.as_str()),
                if f.pools.is_empty() {
                    String::new()
                } else {
                    format!(" {}", f.pools.join(", "))
                }
            );
            let _ = writeln!(out, "      {}", f.message);
            if !f.sources.is_empty() {
                // A fact stated by many inputs would bury the finding under file names; the
                // JSON and the reports keep every source.
                let mut at: Vec<String> = f
                    .sources
                    .iter()
                    .take(MAX_SOURCES_SHOWN)
                    .map(ToString::to_string)
                    .collect();
                if f.sources.len() > MAX_SOURCES_SHOWN {
                    let more = (f.sources.len() - MAX_SOURCES_SHOWN).to_string();
                    at.push(st.tf("human.more_sources", &[("n", &more)]));
                }
                let _ = writeln!(out, "      {} {}", st.dim(st.t("human.at")), at.join(", "));
            }
        }
    }
    if cut {
        let _ = writeln!(out, "  {}", st.dim(st.t("human.verbose_hint")));
    }
}

/// Notes, each distinct message once: with its source when only one input says it, otherwise
/// with how many places say it and the first of them.
fn notes(out: &mut String, a: &AuditedEstate, st: &Style) {
    let e = &a.estate;
    if e.notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {}", st.bold(st.t("human.notes")));
    let mut seen: Vec<(&str, Vec<String>)> = Vec::new();
    for n in &e.notes {
        match seen.iter_mut().find(|(m, _)| *m == n.message) {
            Some((_, sources)) => sources.push(n.source.to_string()),
            None => seen.push((&n.message, vec![n.source.to_string()])),
        }
    }
    for (message, sources) in seen {
        if sources.len() == 1 || st.verbose {
            for s in &sources {
                let _ = writeln!(out, "    {s}: {message}");
            }
        } else {
            let _ = writeln!(
                out,
                "    {} {message}",
                st.tf(
                    "human.note_count",
                    &[("n", &sources.len().to_string()), ("first", &sources[0])]
                )
            );
        }
    }
}

/// The inputs and the pools by site (`--verbose`).
fn inventory(out: &mut String, a: &AuditedEstate, st: &Style) {
    let e = &a.estate;
    for i in &e.inputs {
        let _ = writeln!(
            out,
            "  {} {} ({}, {})",
            st.dim(st.t("human.input")),
            i.path,
            i.format.label(),
            i.encoding
        );
    }
    for site in &e.sites {
        let kind = match (&site.kind, &site.parent) {
            (SiteKind::Central, _) => st.t("site.central").to_owned(),
            (SiteKind::Branch, Some(parent)) => st.tf("site.branch_of", &[("parent", parent)]),
            (SiteKind::Branch, None) => st.t("site.branch").to_owned(),
        };
        let _ = writeln!(out, "  {} ({kind})", st.bold(&site.name));
        for p in e
            .pools
            .iter()
            .filter(|p| p.site.as_deref() == Some(site.name.as_str()))
        {
            let _ = writeln!(out, "    {}", pool_line(p, st));
        }
    }
    let homeless: Vec<&Pool> = e.pools.iter().filter(|p| p.site.is_none()).collect();
    if !homeless.is_empty() {
        let _ = writeln!(out, "  {}", st.bold(st.t("site.none")));
        for p in homeless {
            let _ = writeln!(out, "    {}", pool_line(p, st));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditedEstate;
    use crate::model::{Estate, Source};
    use crate::rules::{Code, Finding};

    fn audit_with_sources(n: u32) -> Audit {
        let sources = (1..=n).map(|l| Source::new("t.xml", Some(l))).collect();
        let finding = Finding::new(
            Code::BackupSelf,
            Severity::Error,
            vec!["a.t".into()],
            "m".into(),
            sources,
        );
        Audit {
            estates: vec![AuditedEstate {
                estate: Estate {
                    name: "e".into(),
                    ..Estate::default()
                },
                findings: vec![finding],
            }],
            errors: vec![],
        }
    }

    #[test]
    fn long_source_lists_are_cut_on_the_terminal() {
        let text = render(&audit_with_sources(6), false, Lang::En);
        assert!(
            text.contains("at t.xml:1, t.xml:2, t.xml:3, t.xml:4, and 2 more (see --format json)"),
            "{text}"
        );
        assert!(!text.contains("t.xml:5"));
        let text = render(&audit_with_sources(4), false, Lang::De);
        assert!(
            text.contains("in t.xml:1, t.xml:2, t.xml:3, t.xml:4\n"),
            "{text}"
        );
        assert!(!text.contains("weitere"));
    }

    fn finding(code: Code, pool: &str) -> Finding {
        Finding::new(
            code,
            Severity::Error,
            vec![pool.into()],
            format!("m {pool}"),
            vec![Source::new("t.xml", Some(1))],
        )
    }

    #[test]
    fn a_large_estate_prints_a_few_findings_per_rule_and_every_one_with_verbose() {
        let mut findings: Vec<Finding> = (0..30)
            .map(|i| finding(Code::BackupMissing, &format!("p{i:02}.t")))
            .collect();
        findings.insert(0, finding(Code::BackupSelf, "s.t"));
        let audit = Audit {
            estates: vec![AuditedEstate {
                estate: Estate {
                    name: "e".into(),
                    ..Estate::default()
                },
                findings,
            }],
            errors: vec![],
        };
        let short = render(&audit, false, Lang::En);
        assert!(
            short.contains("m s.t") && short.contains("m p01.t"),
            "{short}"
        );
        assert!(!short.contains("m p02.t"), "{short}");
        assert!(short.contains("backup-missing … and 28 more"), "{short}");
        let long = render_with(&audit, false, Lang::En, true);
        assert!(long.contains("m p29.t") && !long.contains("more"), "{long}");
    }

    #[test]
    fn a_finding_without_pools_prints_no_empty_pool_list() {
        let mut f = finding(Code::ExportLossy, "x");
        f.pools.clear();
        let audit = Audit {
            estates: vec![AuditedEstate {
                estate: Estate {
                    name: "e".into(),
                    ..Estate::default()
                },
                findings: vec![f],
            }],
            errors: vec![],
        };
        let text = render(&audit, false, Lang::En);
        assert!(text.contains("    export-lossy\n"), "{text:?}");
    }

    #[test]
    fn identical_notes_are_printed_once_with_a_count() {
        use crate::model::Note;
        let note = |line| Note {
            source: Source::new("t.xml", Some(line)),
            message: "unknown Usage".into(),
        };
        let audit = Audit {
            estates: vec![AuditedEstate {
                estate: Estate {
                    name: "e".into(),
                    notes: vec![note(3), note(9), note(12)],
                    ..Estate::default()
                },
                findings: vec![],
            }],
            errors: vec![],
        };
        let text = render(&audit, false, Lang::En);
        assert_eq!(text.matches("unknown Usage").count(), 1, "{text}");
        assert!(
            text.contains("3× (first at t.xml:3): unknown Usage"),
            "{text}"
        );
    }
}
