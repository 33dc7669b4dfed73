//! Terminal output: per estate a summary line and the findings by severity with the file:line they
//! come from, then the notes (identical ones once, with a count). The pool inventory and the inputs
//! only with `--verbose`; in a large estate (more than `ALL_FINDINGS_UP_TO` findings) the first
//! `EXAMPLES_PER_CODE` findings of each rule, and how many more (issue 11: a 200-pool audit fits
//! on two screens). Colour only when asked for (`--color`; see `style.rs`).

use std::fmt::Write;

use crate::audit::{Audit, AuditedEstate};
use crate::i18n::{self, Lang};
use crate::model::{Pool, Role, SiteKind};
use crate::rules::Severity;

use super::style::{self, Colour};
use super::terminal::{safe, safe_join};

/// Sources listed per finding on the terminal.
const MAX_SOURCES_SHOWN: usize = 4;
/// Up to this many findings in an estate, every one is printed.
const ALL_FINDINGS_UP_TO: usize = 25;
/// Above it, findings printed per rule without `--verbose`.
const EXAMPLES_PER_CODE: usize = 2;

struct Style {
    colour: Colour,
    lang: Lang,
    detail: Detail,
}

impl Style {
    fn bold(&self, text: &str) -> String {
        self.colour.paint(style::BOLD, text)
    }

    fn severity(&self, s: Severity, text: &str) -> String {
        self.colour.paint(style::severity(s), text)
    }

    fn dim(&self, text: &str) -> String {
        self.colour.paint(style::DIM, text)
    }

    fn everything(&self) -> bool {
        self.detail == Detail::Everything
    }

    fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::tf(self.lang, key, args)
    }
}

/// How much of an estate the terminal text shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The summary and the findings (grouped by rule in a large estate): the default.
    Summary,
    /// `--verbose`: also the inputs and the pools by site, and every finding.
    Everything,
}

/// The terminal text without `--verbose`.
pub fn render(audit: &Audit, colour: Colour, lang: Lang) -> String {
    render_with(audit, colour, lang, Detail::Summary)
}

/// The terminal text with the chosen [`Detail`].
pub fn render_with(audit: &Audit, colour: Colour, lang: Lang, detail: Detail) -> String {
    let st = Style {
        colour,
        lang,
        detail,
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
            let _ = writeln!(out, "  {}", safe(&err.to_string()));
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
    if let Some(cms) = p.cms {
        facts.push(st.t(&format!("cms.{}", cms.label())).to_owned());
    }
    let mut backup = Vec::new();
    match p.backup.as_deref() {
        Some(b) => backup.push(st.tf("human.backup", &[("pool", &safe(b))])),
        // Only a Registrar pool can have a backup: for Edge, Mediation and other pools it does not apply.
        None if matches!(p.role, Role::FrontEnd | Role::Director | Role::Branch) => {
            backup.push(st.t("human.no_backup").to_owned());
        }
        None => {}
    }
    if let Some(partner) = p.backup_service.as_deref() {
        backup.push(st.tf("human.backup_service", &[("pool", &safe(partner))]));
    }
    let line = format!(
        "{}  [{}]  {}",
        safe(&p.fqdn),
        facts.join(", "),
        backup.join("; ")
    );
    line.trim_end().to_owned()
}

fn estate(out: &mut String, a: &AuditedEstate, st: &Style) {
    let e = &a.estate;
    let _ = writeln!(
        out,
        "{} {}  {}",
        st.bold(st.t("human.estate")),
        st.bold(&safe(&e.name)),
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
    accepted(out, a, st);
    notes(out, a, st);
    if st.everything() {
        inventory(out, a, st);
    }
    out.push('\n');
}

fn findings(out: &mut String, a: &AuditedEstate, st: &Style) {
    let all = st.everything() || a.open_findings().count() <= ALL_FINDINGS_UP_TO;
    let mut cut = false;
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<_> = a
            .open_findings()
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
                    format!(" {}", safe_join(&f.pools, ", "))
                }
            );
            let _ = writeln!(out, "      {}", safe(&f.message_in(st.lang)));
            let fix = f.fix_in(st.lang);
            if !fix.is_empty() {
                let _ = writeln!(out, "      {} {}", st.t("human.fix"), safe(&fix));
            }
            if !f.sources.is_empty() {
                // A fact stated by many inputs would bury the finding under file names; the
                // JSON and the reports keep every source.
                let mut at: Vec<String> = f
                    .sources
                    .iter()
                    .take(MAX_SOURCES_SHOWN)
                    .map(|s| safe(&s.to_string()).into_owned())
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

/// Findings an `--accept` entry accepts: shown with the reason and the date, never counted.
fn accepted(out: &mut String, a: &AuditedEstate, st: &Style) {
    let accepted: Vec<_> = a.accepted_findings().collect();
    if !accepted.is_empty() {
        let _ = writeln!(out, "  {}", st.bold(st.t("human.accepted")));
        for f in accepted {
            let Some(acc) = &f.accepted else { continue };
            let _ = writeln!(
                out,
                "    {} {} ({})",
                f.code.as_str(),
                safe_join(&f.pools, ", "),
                st.t(&format!("severity.{}", f.severity.label()))
            );
            let _ = writeln!(out, "      {}", safe(&f.message_in(st.lang)));
            let until = acc.until.to_string();
            let line = match &acc.by {
                Some(by) => st.tf(
                    "accepted.line_by",
                    &[
                        ("until", &until),
                        ("reason", &safe(&acc.reason)),
                        ("by", &safe(by)),
                    ],
                ),
                None => st.tf(
                    "accepted.line",
                    &[("until", &until), ("reason", &safe(&acc.reason))],
                ),
            };
            let _ = writeln!(out, "      {}", st.dim(&line));
        }
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
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for n in &e.notes {
        let message = n.message.render(st.lang);
        match seen.iter_mut().find(|(m, _)| *m == message) {
            Some((_, sources)) => sources.push(n.source.to_string()),
            None => seen.push((message, vec![n.source.to_string()])),
        }
    }
    for (message, sources) in seen {
        if sources.len() == 1 || st.everything() {
            for s in &sources {
                let _ = writeln!(out, "    {}: {}", safe(s), safe(&message));
            }
        } else {
            let _ = writeln!(
                out,
                "    {} {}",
                st.tf(
                    "human.note_count",
                    &[
                        ("n", &sources.len().to_string()),
                        ("first", &safe(&sources[0]))
                    ]
                ),
                safe(&message)
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
            safe(&i.path),
            i.format.label(),
            safe(&i.encoding)
        );
    }
    for site in &e.sites {
        let kind = match (&site.kind, &site.parent) {
            (SiteKind::Central, _) => st.t("site.central").to_owned(),
            (SiteKind::Branch, Some(parent)) => {
                st.tf("site.branch_of", &[("parent", &safe(parent))])
            }
            (SiteKind::Branch, None) => st.t("site.branch").to_owned(),
        };
        let _ = writeln!(out, "  {} ({kind})", st.bold(&safe(&site.name)));
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

    /// `text` without the colours `Colour::paint` writes.
    fn uncoloured(text: &str) -> String {
        let mut rest = text.to_owned();
        for s in [
            style::ERROR,
            style::WARNING,
            style::INFO,
            style::BOLD,
            style::DIM,
        ] {
            rest = rest
                .replace(&s.render().to_string(), "")
                .replace(&s.render_reset().to_string(), "");
        }
        rest
    }

    /// What a terminal acts on in `text`, other than line breaks and the colours `paint` writes.
    fn acting(text: &str) -> Vec<String> {
        uncoloured(text)
            .chars()
            .filter(|c| *c != '\n' && c.is_control())
            .map(|c| c.escape_default().to_string())
            .collect()
    }

    #[test]
    fn names_and_messages_cannot_drive_the_terminal() {
        let evil =
            "Hamburg\u{1b}[2K\r\u{1b}[1A\u{1b}]0;pwned\u{7}\u{9b}8m\u{7f}\nSummary: 0 error(s)";
        let mut a = audit_with_sources(1);
        let e = &mut a.estates[0];
        e.estate.name = evil.into();
        e.estate.sites = vec![crate::model::Site {
            name: evil.into(),
            kind: SiteKind::Branch,
            parent: Some(evil.into()),
        }];
        let mut pool = crate::rules::test_support::fe(&format!("p.{evil}"), evil, Some(evil));
        pool.site = Some(evil.into());
        e.estate.pools = vec![pool];
        e.estate.inputs = vec![crate::model::Input {
            path: evil.into(),
            format: crate::model::Format::TopologyXml,
            encoding: "utf-8".into(),
        }];
        e.estate.notes = vec![crate::model::Note {
            message: evil.into(),
            source: Source::new(evil, Some(1)),
        }];
        e.findings[0].message = evil.into();
        e.findings[0].text = evil.into();
        e.findings[0].pools = vec![evil.into()];
        e.findings[0].sources = vec![Source::new(evil, Some(2))];
        for colour in [Colour::Plain, Colour::Styled] {
            let text = render(&a, colour, Lang::En);
            assert_eq!(acting(&text), Vec::<String>::new(), "{text}");
            assert!(text.contains("Hamburg\\u{1b}[2K\\r\\u{1b}[1A"), "{text}");
            // The fake summary stays on the line of the name it came with.
            assert_eq!(
                uncoloured(&text).matches("\nSummary: ").count(),
                1,
                "{text}"
            );
        }
    }

    #[test]
    fn the_terminal_check_sees_raw_escapes() {
        assert_eq!(acting("a\x1b[1mb\x1b[0m\n"), Vec::<String>::new());
        assert_eq!(acting("a\x1b[1m\x1b[31mb\x1b[0m\n"), Vec::<String>::new());
        assert_eq!(acting("a\x1b[8mb\r"), ["\\u{1b}", "\\r"]);
    }

    #[test]
    fn no_backup_is_said_only_where_a_backup_applies() {
        let st = Style {
            colour: Colour::Plain,
            lang: Lang::En,
            detail: Detail::Summary,
        };
        let mut p = crate::rules::test_support::fe("pool.t", "s", None);
        p.backup_service = Some("other.t".into());
        p.cms = Some(crate::model::CmsRole::Standby);
        let line = pool_line(&p, &st);
        assert!(
            line.ends_with("no backup; Backup Service syncs with other.t"),
            "{line}"
        );
        assert!(line.contains("standby Central Management store"), "{line}");
        for role in [Role::Edge, Role::Mediation, Role::Other] {
            let mut p = crate::rules::test_support::fe("edge.t", "s", None);
            p.role = role;
            let line = pool_line(&p, &st);
            assert!(!line.contains("backup"), "{line}");
        }
    }

    #[test]
    fn long_source_lists_are_cut_on_the_terminal() {
        let text = render(&audit_with_sources(6), Colour::Plain, Lang::En);
        assert!(
            text.contains("at t.xml:1, t.xml:2, t.xml:3, t.xml:4, and 2 more (see --format json)"),
            "{text}"
        );
        assert!(!text.contains("t.xml:5"));
        let text = render(&audit_with_sources(4), Colour::Plain, Lang::De);
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
            format!("m {pool}").into(),
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
        let short = render(&audit, Colour::Plain, Lang::En);
        assert!(
            short.contains("m s.t") && short.contains("m p01.t"),
            "{short}"
        );
        assert!(!short.contains("m p02.t"), "{short}");
        assert!(short.contains("backup-missing … and 28 more"), "{short}");
        let long = render_with(&audit, Colour::Plain, Lang::En, Detail::Everything);
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
        let text = render(&audit, Colour::Plain, Lang::En);
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
        let text = render(&audit, Colour::Plain, Lang::En);
        assert_eq!(text.matches("unknown Usage").count(), 1, "{text}");
        assert!(
            text.contains("3× (first at t.xml:3): unknown Usage"),
            "{text}"
        );
    }
}
