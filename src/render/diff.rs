//! Renderers of `lyncpair diff`: terminal text, `lyncpair/diff/v1` JSON (docs/diff-schema.md), and
//! the view the `diff.html.tera` / `diff.md.tera` templates see. They format a [`Diff`]; they
//! compute nothing of it.

use std::fmt::Write;

use serde::Serialize;

use crate::accept::Acceptance;
use crate::diff::{DIFF_SCHEMA, Diff, EstateDiff, Progress, Relation};
use crate::i18n::{self, Lang};
use crate::import::InputError;
use crate::rules::{Code, Finding, Severity};

use super::view::diagram::{self, DiagramView};
use super::view::{ErrorView, RunInfo, errors_view, estate_slugs, severity_label};

// ---------------------------------------------------------------- JSON (lyncpair/diff/v1)

#[derive(Serialize)]
pub(crate) struct DiffJson<'a> {
    pub schema: &'static str,
    pub tool_version: &'static str,
    pub old: &'a str,
    pub new: &'a str,
    pub estates: Vec<EstateJson<'a>>,
    pub errors: &'a [InputError],
    pub summary: SummaryJson,
}

#[derive(Serialize)]
pub(crate) struct EstateJson<'a> {
    pub name: &'a str,
    pub old_name: Option<&'a str>,
    pub new_name: Option<&'a str>,
    pub pools_added: &'a [String],
    pub pools_removed: &'a [String],
    pub facts_changed: Vec<FactJson<'a>>,
    pub backups_added: &'a [Relation],
    pub backups_removed: &'a [Relation],
    pub findings: FindingsJson<'a>,
    pub progress: Option<ProgressJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct FactJson<'a> {
    pub pool: &'a str,
    pub fact: &'static str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct FindingsJson<'a> {
    pub new: Vec<FindingJson<'a>>,
    pub resolved: Vec<FindingJson<'a>>,
    pub unchanged: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    pub code: Code,
    pub severity: Severity,
    pub pools: &'a [String],
    pub message: &'a str,
    pub accepted: Option<&'a Acceptance>,
}

#[derive(Serialize)]
pub(crate) struct ProgressJson<'a> {
    pub set_up: &'a [[String; 2]],
    pub to_do: &'a [[String; 2]],
    pub not_in_plan: &'a [Relation],
}

#[derive(Serialize, Default, Clone, Copy, Debug)]
pub(crate) struct SummaryJson {
    /// New findings that count (not accepted), by severity.
    pub new: Counts,
    pub resolved: usize,
    pub unchanged: usize,
    /// Findings of the new snapshot that an `--accept` entry accepts (new or unchanged).
    pub accepted: usize,
}

#[derive(Serialize, Default, Clone, Copy, Debug)]
pub(crate) struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

fn finding_json(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        code: f.code,
        severity: f.severity,
        pools: &f.pools,
        message: &f.message,
        accepted: f.accepted.as_ref(),
    }
}

pub(crate) fn summary(diff: &Diff) -> SummaryJson {
    let mut s = SummaryJson::default();
    for e in &diff.estates {
        for f in e.findings_new.iter().filter(|f| f.accepted.is_none()) {
            match f.severity {
                Severity::Error => s.new.errors += 1,
                Severity::Warning => s.new.warnings += 1,
                Severity::Info => s.new.infos += 1,
            }
        }
        s.resolved += e.findings_resolved.len();
        s.unchanged += e.findings_unchanged.len();
        s.accepted += e
            .findings_new
            .iter()
            .chain(&e.findings_unchanged)
            .filter(|f| f.accepted.is_some())
            .count();
    }
    s
}

/// The `lyncpair/diff/v1` document (docs/diff-schema.md) of `diff` between the snapshots `old` and
/// `new`, with the inputs that could not be read.
pub fn render_json(diff: &Diff, old: &str, new: &str, errors: &[InputError]) -> String {
    let doc = DiffJson {
        schema: DIFF_SCHEMA,
        tool_version: env!("CARGO_PKG_VERSION"),
        old,
        new,
        estates: diff
            .estates
            .iter()
            .map(|e| EstateJson {
                name: &e.name,
                old_name: e.old.map(|a| a.estate.name.as_str()),
                new_name: e.new.map(|a| a.estate.name.as_str()),
                pools_added: &e.pools_added,
                pools_removed: &e.pools_removed,
                facts_changed: e
                    .facts_changed
                    .iter()
                    .map(|c| FactJson {
                        pool: &c.pool,
                        fact: c.fact,
                        old: c.old.as_deref(),
                        new: c.new.as_deref(),
                    })
                    .collect(),
                backups_added: &e.backups_added,
                backups_removed: &e.backups_removed,
                findings: FindingsJson {
                    new: e.findings_new.iter().map(|f| finding_json(f)).collect(),
                    resolved: e
                        .findings_resolved
                        .iter()
                        .map(|f| finding_json(f))
                        .collect(),
                    unchanged: e
                        .findings_unchanged
                        .iter()
                        .map(|f| finding_json(f))
                        .collect(),
                },
                progress: e.progress.as_ref().map(|p| ProgressJson {
                    set_up: &p.set_up,
                    to_do: &p.to_do,
                    not_in_plan: &p.not_in_plan,
                }),
            })
            .collect(),
        errors,
        summary: summary(diff),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("diff JSON serialises");
    s.push('\n');
    s
}

// ---------------------------------------------------------------- terminal

/// A fact's value for a person: a missing backup is "none", any other missing fact "unknown".
fn value(lang: Lang, fact: &str, v: Option<&str>) -> String {
    let missing = if fact == "backup" {
        "value.none"
    } else {
        "value.unknown"
    };
    v.map_or_else(|| i18n::t(lang, missing).to_owned(), str::to_owned)
}

fn pair_text(p: &[String; 2]) -> String {
    format!("{} <-> {}", p[0], p[1])
}

/// The terminal text of a diff. Every line goes through `terminal::safe`: the values come from the
/// inputs (pool and site names, messages) and must not drive the terminal.
pub fn render_human(diff: &Diff, errors: &[InputError], lang: Lang) -> String {
    let mut out = String::new();
    for line in render_human_raw(diff, errors, lang).split_inclusive('\n') {
        match line.strip_suffix('\n') {
            Some(text) => {
                out.push_str(&crate::render::terminal::safe(text));
                out.push('\n');
            }
            None => out.push_str(&crate::render::terminal::safe(line)),
        }
    }
    out
}

fn render_human_raw(diff: &Diff, errors: &[InputError], lang: Lang) -> String {
    let t = |k: &str| i18n::t(lang, k);
    let mut out = String::new();
    if diff.estates.is_empty() {
        let _ = writeln!(out, "{}\n", t("diff.no_estate"));
    }
    for e in &diff.estates {
        estate_human(&mut out, e, lang);
    }
    if !errors.is_empty() {
        let _ = writeln!(out, "{}", t("human.unreadable"));
        for err in errors {
            let _ = writeln!(out, "  {err}");
        }
        out.push('\n');
    }
    let s = summary(diff);
    let _ = writeln!(
        out,
        "{} {}",
        t("human.summary"),
        i18n::tf(
            lang,
            "diff.summary_line",
            &[
                ("e", &s.new.errors.to_string()),
                ("w", &s.new.warnings.to_string()),
                ("i", &s.new.infos.to_string()),
                ("r", &s.resolved.to_string()),
                ("u", &s.unchanged.to_string()),
                ("a", &s.accepted.to_string()),
                ("n", &diff.estates.len().to_string()),
            ]
        )
    );
    out
}

fn estate_human(out: &mut String, e: &EstateDiff, lang: Lang) {
    let t = |k: &str| i18n::t(lang, k);
    let _ = writeln!(
        out,
        "{} {} ({})",
        t("human.estate"),
        e.name,
        sides_human(e, lang)
    );
    if e.is_empty() {
        let _ = writeln!(out, "  {}", t("diff.no_change"));
    }
    list_human(out, t("diff.pools_added"), &e.pools_added);
    list_human(out, t("diff.pools_removed"), &e.pools_removed);
    facts_human(out, e, lang);
    let relations = |r: &[Relation]| -> Vec<String> {
        r.iter()
            .map(|r| format!("{} -> {}", r.from, r.to))
            .collect()
    };
    list_human(out, t("diff.backups_added"), &relations(&e.backups_added));
    list_human(
        out,
        t("diff.backups_removed"),
        &relations(&e.backups_removed),
    );
    findings_human(out, t("diff.findings_new"), &e.findings_new, lang);
    findings_human(out, t("diff.findings_resolved"), &e.findings_resolved, lang);
    if !e.findings_unchanged.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            i18n::tf(
                lang,
                "diff.findings_unchanged",
                &[("n", &e.findings_unchanged.len().to_string())]
            )
        );
    }
    accepted_human(out, e, lang);
    if let Some(p) = &e.progress {
        progress_human(out, p, lang);
    }
    out.push('\n');
}

/// Which snapshots hold the estate, and under which names.
fn sides_human(e: &EstateDiff, lang: Lang) -> String {
    let t = |k: &str| i18n::t(lang, k);
    match (e.old, e.new) {
        (Some(o), Some(n)) => format!(
            "{}: {}, {}: {}",
            t("diff.old"),
            o.estate.name,
            t("diff.new"),
            n.estate.name
        ),
        (Some(_), None) => t("diff.only_old").to_owned(),
        _ => t("diff.only_new").to_owned(),
    }
}

/// A heading and one line per item; nothing when there is no item.
fn list_human(out: &mut String, heading: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {heading}");
    for i in items {
        let _ = writeln!(out, "    {i}");
    }
}

fn facts_human(out: &mut String, e: &EstateDiff, lang: Lang) {
    if e.facts_changed.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {}", i18n::t(lang, "diff.facts"));
    for c in &e.facts_changed {
        let _ = writeln!(
            out,
            "    {}  {}: {} -> {}",
            c.pool,
            c.fact,
            value(lang, c.fact, c.old.as_deref()),
            value(lang, c.fact, c.new.as_deref())
        );
    }
}

/// The findings that are not accepted, with their message; accepted ones have their own section.
fn findings_human(out: &mut String, heading: &str, findings: &[&Finding], lang: Lang) {
    let open: Vec<&&Finding> = findings.iter().filter(|f| f.accepted.is_none()).collect();
    if open.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {heading}");
    for f in open {
        let _ = writeln!(
            out,
            "    {} {} {}",
            severity_label(lang, f.severity),
            f.code.as_str(),
            f.pools.join(", ")
        );
        let _ = writeln!(out, "      {}", f.message);
    }
}

fn accepted_human(out: &mut String, e: &EstateDiff, lang: Lang) {
    let accepted = accepted_of(e);
    if accepted.is_empty() {
        return;
    }
    let _ = writeln!(out, "  {}", i18n::t(lang, "human.accepted"));
    for (status, f, acc) in accepted {
        let _ = writeln!(
            out,
            "    {} {} ({})",
            f.code.as_str(),
            f.pools.join(", "),
            i18n::t(lang, &format!("diff.status.{status}"))
        );
        let until = acc.until.to_string();
        let line = match &acc.by {
            Some(by) => i18n::tf(
                lang,
                "accepted.line_by",
                &[("until", &until), ("reason", &acc.reason), ("by", by)],
            ),
            None => i18n::tf(
                lang,
                "accepted.line",
                &[("until", &until), ("reason", &acc.reason)],
            ),
        };
        let _ = writeln!(out, "      {line}");
    }
}

/// Progress against the plan: pairs set up, pairs still to do, relations the plan does not hold.
fn progress_human(out: &mut String, p: &Progress, lang: Lang) {
    let t = |k: &str| i18n::t(lang, k);
    let _ = writeln!(out, "  {}", t("diff.progress"));
    for (key, pairs) in [("diff.set_up", &p.set_up), ("diff.to_do", &p.to_do)] {
        let _ = writeln!(out, "    {}: {}", t(key), pairs.len());
        for pair in pairs {
            let _ = writeln!(out, "      {}", pair_text(pair));
        }
    }
    let _ = writeln!(
        out,
        "    {}: {}",
        t("diff.not_in_plan"),
        p.not_in_plan.len()
    );
    for r in &p.not_in_plan {
        let _ = writeln!(out, "      {} -> {}", r.from, r.to);
    }
}

/// Accepted findings of the new snapshot, with "new" or "unchanged".
fn accepted_of<'a>(e: &EstateDiff<'a>) -> Vec<(&'static str, &'a Finding, &'a Acceptance)> {
    let tagged = e
        .findings_new
        .iter()
        .map(|f| ("new", *f))
        .chain(e.findings_unchanged.iter().map(|f| ("unchanged", *f)));
    tagged
        .filter_map(|(s, f)| Some((s, f, f.accepted.as_ref()?)))
        .collect()
}

// ---------------------------------------------------------------- templates

/// Context of `diff.html.tera` and `diff.md.tera`.
#[derive(Debug, Serialize)]
pub(crate) struct DiffView {
    pub lang: &'static str,
    pub generated: String,
    pub tool_version: &'static str,
    pub old: String,
    pub new: String,
    pub estates: Vec<EstateDiffView>,
    pub errors: Vec<ErrorView>,
    pub summary: SummaryJson,
}

#[derive(Debug, Serialize)]
pub(crate) struct EstateDiffView {
    pub name: String,
    pub slug: String,
    pub old_name: Option<String>,
    pub new_name: Option<String>,
    pub unchanged: bool,
    pub pools_added: Vec<String>,
    pub pools_removed: Vec<String>,
    pub facts_changed: Vec<FactView>,
    pub backups_added: Vec<RelationView>,
    pub backups_removed: Vec<RelationView>,
    /// Whether any backup relationship was added or removed (the Markdown draws diagrams only then).
    pub backups_changed: bool,
    pub findings_new: Vec<DiffFindingView>,
    pub findings_resolved: Vec<DiffFindingView>,
    pub findings_unchanged: Vec<DiffFindingView>,
    pub accepted: Vec<DiffAcceptedView>,
    pub progress: Option<ProgressView>,
    /// The backup diagram of each side that has the estate (drawn by `render::diagram`).
    pub diagram_before: Option<DiagramView>,
    pub diagram_after: Option<DiagramView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FactView {
    pub pool: String,
    pub fact: &'static str,
    /// The value, or "unknown" in the report's language.
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct RelationView {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DiffFindingView {
    pub code: &'static str,
    pub severity: Severity,
    pub severity_label: &'static str,
    pub pools: Vec<String>,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct DiffAcceptedView {
    pub code: &'static str,
    pub severity: Severity,
    pub severity_label: &'static str,
    pub pools: Vec<String>,
    pub message: String,
    /// "new" or "unchanged", and its label.
    pub status: &'static str,
    pub status_label: &'static str,
    pub reason: String,
    pub until: String,
    pub by: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ProgressView {
    pub set_up: Vec<[String; 2]>,
    pub to_do: Vec<[String; 2]>,
    pub not_in_plan: Vec<RelationView>,
}

fn finding_view(lang: Lang, f: &Finding) -> DiffFindingView {
    DiffFindingView {
        code: f.code.as_str(),
        severity: f.severity,
        severity_label: severity_label(lang, f.severity),
        pools: f.pools.clone(),
        message: f.message.clone(),
    }
}

fn relation_views(r: &[Relation]) -> Vec<RelationView> {
    r.iter()
        .map(|r| RelationView {
            from: r.from.clone(),
            to: r.to.clone(),
        })
        .collect()
}

fn open_views(lang: Lang, fs: &[&Finding]) -> Vec<DiffFindingView> {
    fs.iter()
        .filter(|f| f.accepted.is_none())
        .map(|f| finding_view(lang, f))
        .collect()
}

pub(crate) fn view(
    run: &RunInfo,
    diff: &Diff,
    old: &str,
    new: &str,
    errors: &[InputError],
) -> DiffView {
    let lang = run.lang;
    let names: Vec<&str> = diff.estates.iter().map(|e| e.name.as_str()).collect();
    let slugs = estate_slugs(&names);
    let diagram_of = |a: Option<&crate::audit::AuditedEstate>, id: String| {
        a.map(|a| {
            let open: Vec<Finding> = a.open_findings().cloned().collect();
            diagram::current(&a.estate, &open, lang, &id)
        })
    };
    let estates = diff
        .estates
        .iter()
        .zip(&slugs)
        .map(|(e, slug)| EstateDiffView {
            name: e.name.clone(),
            slug: slug.clone(),
            old_name: e.old.map(|a| a.estate.name.clone()),
            new_name: e.new.map(|a| a.estate.name.clone()),
            unchanged: e.is_empty(),
            pools_added: e.pools_added.clone(),
            pools_removed: e.pools_removed.clone(),
            facts_changed: e
                .facts_changed
                .iter()
                .map(|c| FactView {
                    pool: c.pool.clone(),
                    fact: c.fact,
                    old: value(lang, c.fact, c.old.as_deref()),
                    new: value(lang, c.fact, c.new.as_deref()),
                })
                .collect(),
            backups_added: relation_views(&e.backups_added),
            backups_removed: relation_views(&e.backups_removed),
            backups_changed: !e.backups_added.is_empty() || !e.backups_removed.is_empty(),
            findings_new: open_views(lang, &e.findings_new),
            findings_resolved: open_views(lang, &e.findings_resolved),
            findings_unchanged: open_views(lang, &e.findings_unchanged),
            accepted: accepted_of(e)
                .into_iter()
                .map(|(status, f, acc)| DiffAcceptedView {
                    code: f.code.as_str(),
                    severity: f.severity,
                    severity_label: severity_label(lang, f.severity),
                    pools: f.pools.clone(),
                    message: f.message.clone(),
                    status,
                    status_label: i18n::t(lang, &format!("diff.status.{status}")),
                    reason: acc.reason.clone(),
                    until: acc.until.to_string(),
                    by: acc.by.clone(),
                })
                .collect(),
            progress: e.progress.as_ref().map(|p| ProgressView {
                set_up: p.set_up.clone(),
                to_do: p.to_do.clone(),
                not_in_plan: relation_views(&p.not_in_plan),
            }),
            diagram_before: diagram_of(e.old, format!("{slug}-before")),
            diagram_after: diagram_of(e.new, format!("{slug}-after")),
        })
        .collect();
    DiffView {
        lang: lang.code(),
        generated: run.generated.clone(),
        tool_version: run.tool_version,
        old: old.to_owned(),
        new: new.to_owned(),
        estates,
        errors: errors_view(errors),
        summary: summary(diff),
    }
}

/// Sample data for checking the diff templates at start-up (see `render::templates`).
pub(crate) fn sample(lang: Lang) -> DiffView {
    let (old, new, plan) = sample_sides();
    let diff = crate::diff::compare(&old, &new, Some(&plan));
    let run = RunInfo {
        lang,
        generated: "1970-01-01T00:00:00Z".to_owned(),
        tool_version: env!("CARGO_PKG_VERSION"),
        paths: vec!["old".to_owned(), "new".to_owned()],
    };
    view(
        &run,
        &diff,
        "old",
        "new",
        &[InputError::new("broken.xml", "sample error")],
    )
}

fn sample_sides() -> (
    crate::audit::Audit,
    crate::audit::Audit,
    crate::diff::PlanPairs,
) {
    use crate::audit::{Audit, AuditedEstate};
    use crate::model::{Edition, Estate, Pool, Role, Site, SiteKind, Version};
    let pool = |fqdn: &str, site: &str, backup: Option<&str>| Pool {
        fqdn: fqdn.to_owned(),
        site: Some(site.to_owned()),
        role: Role::FrontEnd,
        edition: Some(Edition::Enterprise),
        version: Some(Version::V2013),
        servers: 2,
        machines: Vec::new(),
        users: Some(1000),
        virtual_machine: None,
        os: None,
        backup: backup.map(str::to_owned),
        extra_backups: Vec::new(),
        failover: None,
        backup_service: None,
        cms: None,
        planned: false,
        provenance: Default::default(),
    };
    let side = |pools: Vec<Pool>| {
        let estate = Estate {
            name: "sample".to_owned(),
            sites: ["Alpha", "Beta"]
                .iter()
                .map(|n| Site {
                    name: (*n).to_owned(),
                    kind: SiteKind::Central,
                    parent: None,
                })
                .collect(),
            pools,
            ..Estate::default()
        };
        let mut findings = crate::rules::check(&estate);
        for f in findings.iter_mut().filter(|f| {
            f.pools
                .iter()
                .any(|p| ["b.sample.test", "f.sample.test", "g.sample.test"].contains(&p.as_str()))
        }) {
            f.accepted = Some(Acceptance {
                reason: "sample".to_owned(),
                until: crate::accept::Date::parse("2030-01-01").expect("valid date"),
                by: Some("sample".to_owned()),
            });
        }
        Audit {
            estates: vec![AuditedEstate { estate, findings }],
            errors: Vec::new(),
        }
    };
    // Every part of a diff appears: pools added and removed, one moved, relations added and removed,
    // findings new, resolved and unchanged (f has no backup on both sides), each also accepted
    // (those naming b, f or g), plan progress with a pair set up and one not in the plan (c, d).
    let old = side(vec![
        pool("a.sample.test", "Alpha", Some("b.sample.test")),
        pool("b.sample.test", "Alpha", None),
        pool("e.sample.test", "Alpha", Some("a.sample.test")),
        pool("f.sample.test", "Alpha", None),
    ]);
    let new = side(vec![
        pool("a.sample.test", "Alpha", Some("b.sample.test")),
        pool("b.sample.test", "Beta", Some("a.sample.test")),
        pool("c.sample.test", "Beta", Some("d.sample.test")),
        pool("d.sample.test", "Beta", Some("c.sample.test")),
        pool("f.sample.test", "Alpha", None),
        pool("g.sample.test", "Beta", None),
    ]);
    let plan = crate::diff::PlanPairs {
        estates: vec![(
            "sample".to_owned(),
            vec![["a.sample.test".to_owned(), "b.sample.test".to_owned()]],
        )],
    };
    (old, new, plan)
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn schema_doc_lists_every_field() {
        let (old, new, plan) = sample_sides();
        let diff = crate::diff::compare(&old, &new, Some(&plan));
        let json: serde_json::Value = serde_json::from_str(&render_json(
            &diff,
            "old",
            "new",
            &[InputError::new("x", "y")],
        ))
        .unwrap();
        assert_eq!(json["schema"], DIFF_SCHEMA);
        crate::render::json::assert_schema_doc_matches(&json, "diff-schema.md");
    }

    #[test]
    fn the_sample_shows_every_part_of_a_diff() {
        let (old, new, plan) = sample_sides();
        let diff = crate::diff::compare(&old, &new, Some(&plan));
        let e = &diff.estates[0];
        assert!(!e.findings_new.is_empty());
        assert!(!e.findings_resolved.is_empty());
        assert!(!e.findings_unchanged.is_empty());
        assert!(!e.pools_added.is_empty() && !e.pools_removed.is_empty());
        let text = render_human(&diff, &[], Lang::En);
        assert!(
            text.contains("b.sample.test  site: Alpha -> Beta"),
            "{text}"
        );
        assert!(text.contains("backup: none -> a.sample.test"), "{text}");
        assert!(
            text.contains("Pairs set up: 1\n      a.sample.test <-> b.sample.test"),
            "{text}"
        );
    }
}
