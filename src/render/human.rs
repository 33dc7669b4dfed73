//! Terminal output: per estate the pools by site with their backup, then findings by severity with
//! the file:line they come from. Colour only when asked for (see [`super::use_color`]).

use std::fmt::Write;

use crate::audit::{Audit, AuditedEstate};
use crate::model::{Pool, SiteKind};
use crate::rules::Severity;

struct Style {
    color: bool,
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
}

pub fn render(audit: &Audit, color: bool) -> String {
    let st = Style { color };
    let mut out = String::new();
    for e in &audit.estates {
        estate(&mut out, e, &st);
    }
    if !audit.errors.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            st.severity(Severity::Error, "Inputs that could not be read")
        );
        for err in &audit.errors {
            let _ = writeln!(out, "  {err}");
        }
        out.push('\n');
    }
    let s = audit.summary();
    let _ = writeln!(
        out,
        "{} {} error(s), {} warning(s), {} info(s) in {} estate(s); {} input(s) could not be read",
        st.bold("Summary:"),
        s.errors,
        s.warnings,
        s.infos,
        audit.estates.len(),
        audit.errors.len()
    );
    out
}

fn pool_line(p: &Pool) -> String {
    let mut facts = vec![p.role.label().to_owned()];
    facts.extend(p.edition.map(|e| e.label().to_owned()));
    facts.extend(p.version.map(|v| v.label().to_owned()));
    facts.push(format!("{} server(s)", p.servers));
    if let Some(u) = p.users {
        facts.push(format!("{u} users"));
    }
    if p.planned {
        facts.push("planned".to_owned());
    }
    let backup = match p.backup.as_deref() {
        Some(b) => format!("backup {b}"),
        None => "no backup".to_owned(),
    };
    format!("{}  [{}]  {}", p.fqdn, facts.join(", "), backup)
}

fn estate(out: &mut String, a: &AuditedEstate, st: &Style) {
    let e = &a.estate;
    let _ = writeln!(out, "{} {}", st.bold("Estate"), st.bold(&e.name));
    for i in &e.inputs {
        let _ = writeln!(
            out,
            "  {} {} ({}, {})",
            st.dim("input"),
            i.path,
            i.format.label(),
            i.encoding
        );
    }
    for site in &e.sites {
        let kind = match (&site.kind, &site.parent) {
            (SiteKind::Central, _) => "central site".to_owned(),
            (SiteKind::Branch, Some(parent)) => format!("branch site of {parent}"),
            (SiteKind::Branch, None) => "branch site".to_owned(),
        };
        let _ = writeln!(out, "  {} ({kind})", st.bold(&site.name));
        for p in e
            .pools
            .iter()
            .filter(|p| p.site.as_deref() == Some(site.name.as_str()))
        {
            let _ = writeln!(out, "    {}", pool_line(p));
        }
    }
    let homeless: Vec<&Pool> = e.pools.iter().filter(|p| p.site.is_none()).collect();
    if !homeless.is_empty() {
        let _ = writeln!(out, "  {}", st.bold("(no site)"));
        for p in homeless {
            let _ = writeln!(out, "    {}", pool_line(p));
        }
    }
    let _ = writeln!(
        out,
        "  Findings: {} error(s), {} warning(s), {} info(s)",
        a.count(Severity::Error),
        a.count(Severity::Warning),
        a.count(Severity::Info)
    );
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
            Severity::Error => "Errors",
            Severity::Warning => "Warnings",
            Severity::Info => "Information",
        };
        let _ = writeln!(out, "  {}", st.severity(severity, title));
        for f in group {
            let _ = writeln!(
                out,
                "    {} {}",
                st.severity(severity, f.code.as_str()),
                f.pools.join(", ")
            );
            let _ = writeln!(out, "      {}", f.message);
            if !f.sources.is_empty() {
                let at: Vec<String> = f.sources.iter().map(ToString::to_string).collect();
                let _ = writeln!(out, "      {} {}", st.dim("at"), at.join(", "));
            }
        }
    }
    if !e.notes.is_empty() {
        let _ = writeln!(out, "  {}", st.bold("Notes (kept, not understood)"));
        for n in &e.notes {
            let _ = writeln!(out, "    {}: {}", n.source, n.message);
        }
    }
    out.push('\n');
}
