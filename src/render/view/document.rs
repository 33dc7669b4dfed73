//! The views of whole documents, what `report.{html,md}.tera`, `index.{html,md}.tera` and
//! `plan.{html,md}.tera` see: the audit of each estate (sites, pools, rules, findings, inputs,
//! notes, diagrams) and the run around it, with labels already chosen for the language.
//!
//! The views carry raw codes (`role: "front-end"`, `severity: "error"`) next to the translated
//! text, so an overriding template can use either (the `t()` function translates codes too).

use serde::Serialize;

use super::diagram::{self, DiagramView, FocusView};
use super::status::FindingsByPool;
use super::{PlanView, Status, plan_view};
use crate::audit::{Audit, AuditedEstate};
use crate::i18n::{self, Lang};
use crate::import::InputError;
use crate::model::{Estate, Pool, SiteKind};
use crate::plan::PairingPlan;
use crate::rules::{Code, Finding, Severity};

/// Facts about this run stamped into every report.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The language of the labels.
    pub lang: Lang,
    /// ISO 8601 UTC, e.g. `2024-05-01T12:00:00Z`.
    pub generated: String,
    /// The version of lyncpair that made the report.
    pub tool_version: &'static str,
    /// The paths as given on the command line.
    pub paths: Vec<String>,
}

/// Context of `report.html.tera` and `report.md.tera`.
#[derive(Debug, Serialize)]
pub struct ReportView {
    pub lang: &'static str,
    pub generated: String,
    /// The version of lyncpair that made the report.
    pub tool_version: &'static str,
    pub paths: Vec<String>,
    pub estates: Vec<EstateView>,
    /// Inputs of this run that could not be read (not attributable to one estate).
    pub errors: Vec<ErrorView>,
    pub totals: Counts,
    /// Link back to the batch index, for a report in an estate's subfolder.
    pub index_href: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

#[derive(Debug, Serialize)]
pub struct EstateView {
    pub name: String,
    /// Safe for HTML ids and file names; unique within the run.
    pub slug: String,
    pub counts: Counts,
    pub pool_count: usize,
    pub site_count: usize,
    pub verdict: VerdictView,
    pub worst: Option<WorstView>,
    pub sites: Vec<SiteView>,
    pub rules: Vec<RuleView>,
    /// The whole estate, or above [`diagram::FULL_DIAGRAM_MAX_POOLS`] the site overview
    /// (`diagram.kind`), followed by `focus`.
    pub diagram: DiagramView,
    /// The focused diagrams of a large estate; empty when `diagram` draws it whole.
    pub focus: Vec<FocusView>,
    /// None until a planner provides one; the plan section and second diagram appear only then.
    pub plan: Option<PlanView>,
    pub plan_diagram: Option<DiagramView>,
    pub inputs: Vec<InputView>,
    pub notes: Vec<NoteView>,
    /// Findings an `--accept` entry accepts: shown in their own section, counted nowhere.
    pub accepted: Vec<AcceptedView>,
}

#[derive(Debug, Serialize)]
pub struct AcceptedView {
    pub code: &'static str,
    pub severity: Severity,
    pub severity_label: &'static str,
    pub pools: Vec<String>,
    pub message: String,
    pub reason: String,
    pub until: String,
    pub by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct VerdictView {
    /// "ready", "warnings" or "blocked".
    pub kind: &'static str,
    pub label: String,
    pub help: &'static str,
}

#[derive(Debug, Serialize)]
pub struct WorstView {
    pub code: &'static str,
    pub severity: Severity,
    pub severity_label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SiteView {
    pub name: String,
    /// "central", "branch" or "none".
    pub kind: &'static str,
    pub parent: Option<String>,
    /// "central site", "branch site of Wien", … in the report's language.
    pub description: String,
    pub pools: Vec<PoolView>,
}

#[derive(Debug, Serialize)]
pub struct PoolView {
    pub fqdn: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub edition: Option<&'static str>,
    pub edition_label: Option<&'static str>,
    pub version: Option<&'static str>,
    pub servers: u32,
    pub users: Option<u64>,
    pub virtual_machine: Option<bool>,
    pub os: Option<String>,
    pub backup: Option<String>,
    pub extra_backups: Vec<String>,
    pub failover: Option<String>,
    /// "Backup Service syncs with …", when the pool's BackupService has a partner.
    pub backup_service: Option<String>,
    /// "active/standby Central Management store", when the pool holds one.
    pub cms: Option<&'static str>,
    pub planned: bool,
    /// Error, warning or ok: the worst finding naming this pool.
    pub status: Status,
}

#[derive(Debug, Serialize)]
pub struct RuleView {
    pub code: &'static str,
    /// The worst severity among this rule's findings.
    pub severity: Severity,
    pub severity_label: &'static str,
    pub summary: &'static str,
    pub basis: String,
    pub url: &'static str,
    pub findings: Vec<FindingView>,
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub severity: Severity,
    pub severity_label: &'static str,
    pub pools: Vec<String>,
    pub message: String,
    pub sources: Vec<String>,
    /// What to do (English for now, like the message).
    pub fix: String,
}

#[derive(Debug, Serialize)]
pub struct InputView {
    pub path: String,
    pub format: &'static str,
    pub encoding: String,
}

#[derive(Debug, Serialize)]
pub struct NoteView {
    pub source: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct ErrorView {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// `path:line:column`, as the terminal shows it.
    pub location: String,
}

/// Context of `index.html.tera` and `index.md.tera`.
#[derive(Debug, Serialize)]
pub struct IndexView {
    pub lang: &'static str,
    pub generated: String,
    /// The version of lyncpair that made the report.
    pub tool_version: &'static str,
    pub paths: Vec<String>,
    pub estates: Vec<IndexRow>,
    pub errors: Vec<ErrorView>,
    pub totals: Counts,
    pub pool_count: usize,
}

#[derive(Debug, Serialize)]
pub struct IndexRow {
    pub name: String,
    pub folder: String,
    pub pool_count: usize,
    pub counts: Counts,
    pub worst: Option<WorstView>,
    pub verdict: VerdictView,
}

pub fn severity_label(lang: Lang, s: Severity) -> &'static str {
    i18n::t(lang, &format!("severity.{}", s.label()))
}

fn counts(findings: &[Finding]) -> Counts {
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    Counts {
        errors: n(Severity::Error),
        warnings: n(Severity::Warning),
        infos: n(Severity::Info),
    }
}

fn add(a: Counts, b: Counts) -> Counts {
    Counts {
        errors: a.errors + b.errors,
        warnings: a.warnings + b.warnings,
        infos: a.infos + b.infos,
    }
}

/// The verdict for a 2013 migration: errors block it, warnings qualify it.
pub fn verdict(lang: Lang, c: Counts) -> VerdictView {
    let kind = if c.errors > 0 {
        "blocked"
    } else if c.warnings > 0 {
        "warnings"
    } else {
        "ready"
    };
    VerdictView {
        kind,
        label: i18n::tf(
            lang,
            &format!("verdict.{kind}"),
            &[("n", &c.errors.to_string())],
        ),
        help: i18n::t(lang, &format!("verdict.{kind}.help")),
    }
}

fn worst(lang: Lang, findings: &[Finding]) -> Option<WorstView> {
    // Findings come sorted by severity, then code.
    findings.first().map(|f| WorstView {
        code: f.code.as_str(),
        severity: f.severity,
        severity_label: severity_label(lang, f.severity),
    })
}

pub fn errors_view(errors: &[InputError]) -> Vec<ErrorView> {
    errors
        .iter()
        .map(|e| ErrorView {
            path: e.path.clone(),
            line: e.line,
            column: e.column,
            message: e.message.clone(),
            location: match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", e.path),
                (Some(l), None) => format!("{}:{l}", e.path),
                _ => e.path.clone(),
            },
        })
        .collect()
}

fn failover_text(lang: Lang, p: &Pool) -> Option<String> {
    let f = p.failover?;
    let mut parts = Vec::new();
    match f.enabled {
        Some(true) => parts.push(i18n::t(lang, "failover.on").to_owned()),
        Some(false) => parts.push(i18n::t(lang, "failover.off").to_owned()),
        None => {}
    }
    let unknown = i18n::t(lang, "value.unknown");
    if f.failure_detection_s.is_some() || f.failback_s.is_some() {
        let show = |v: Option<i64>| v.map_or(unknown.to_owned(), |v| v.to_string());
        parts.push(i18n::tf(
            lang,
            "failover.timers",
            &[
                ("detect", &show(f.failure_detection_s)),
                ("back", &show(f.failback_s)),
            ],
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn pool_view(lang: Lang, p: &Pool, findings: &FindingsByPool<'_>) -> PoolView {
    let status = findings.worst(&p.fqdn, Status::Ok);
    PoolView {
        fqdn: p.fqdn.clone(),
        role: p.role.label(),
        role_label: i18n::t(lang, &format!("role.{}", p.role.label())),
        edition: p.edition.map(|e| e.label()),
        edition_label: p
            .edition
            .map(|e| i18n::t(lang, &format!("edition.{}", e.label()))),
        version: p.version.map(|v| v.label()),
        servers: p.servers,
        users: p.users,
        virtual_machine: p.virtual_machine,
        os: p.os.clone(),
        backup: p.backup.clone(),
        extra_backups: p.extra_backups.clone(),
        backup_service: p
            .backup_service
            .as_deref()
            .map(|partner| i18n::tf(lang, "human.backup_service", &[("pool", partner)])),
        cms: p.cms.map(|c| i18n::t(lang, &format!("cms.{}", c.label()))),
        failover: failover_text(lang, p),
        planned: p.planned,
        status,
    }
}

fn sites_view(lang: Lang, e: &Estate, findings: &[Finding]) -> Vec<SiteView> {
    let findings = FindingsByPool::new(findings);
    let pools_by_site = super::pools_by_site(&e.pools);
    let pool_views = |site: Option<&str>| -> Vec<PoolView> {
        pools_by_site
            .get(&site)
            .into_iter()
            .flatten()
            .map(|p| pool_view(lang, p, &findings))
            .collect()
    };
    let mut out: Vec<SiteView> = e
        .sites
        .iter()
        .map(|s| SiteView {
            name: s.name.clone(),
            kind: match s.kind {
                SiteKind::Central => "central",
                SiteKind::Branch => "branch",
            },
            parent: s.parent.clone(),
            description: match (&s.kind, &s.parent) {
                (SiteKind::Central, _) => i18n::t(lang, "site.central").to_owned(),
                (SiteKind::Branch, Some(parent)) => {
                    i18n::tf(lang, "site.branch_of", &[("parent", parent)])
                }
                (SiteKind::Branch, None) => i18n::t(lang, "site.branch").to_owned(),
            },
            pools: pool_views(Some(s.name.as_str())),
        })
        .collect();
    let homeless = pool_views(None);
    if !homeless.is_empty() {
        out.push(SiteView {
            name: i18n::t(lang, "site.none").to_owned(),
            kind: "none",
            parent: None,
            description: String::new(),
            pools: homeless,
        });
    }
    out
}

fn rules_view(lang: Lang, findings: &[Finding]) -> Vec<RuleView> {
    let mut codes: Vec<Code> = Vec::new();
    for f in findings {
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    codes
        .into_iter()
        .map(|code| {
            let info = code.info();
            let (summary, strength) = i18n::rule_text(lang, code);
            // The documents by title, so that a reader can find them without lyncpair's notes.
            let titles: Vec<&str> = info.sources.iter().map(|d| d.title).collect();
            let basis = if titles.is_empty() {
                strength.to_owned()
            } else {
                format!("{strength}; {}", titles.join("; "))
            };
            let group: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
            let severity = group
                .iter()
                .map(|f| f.severity)
                .min()
                .unwrap_or(Severity::Info);
            RuleView {
                code: info.code,
                severity,
                severity_label: severity_label(lang, severity),
                summary,
                basis,
                url: info.url,
                findings: group
                    .into_iter()
                    .map(|f| FindingView {
                        severity: f.severity,
                        severity_label: severity_label(lang, f.severity),
                        pools: f.pools.clone(),
                        message: f.message_in(lang),
                        sources: f.sources.iter().map(ToString::to_string).collect(),
                        fix: f.fix_in(lang),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The view of one estate. `plan` comes from the planner when there is one.
pub fn estate_view(
    lang: Lang,
    a: &AuditedEstate,
    slug: &str,
    plan: Option<PlanView>,
) -> EstateView {
    let e = &a.estate;
    // Accepted findings go to their own section; everything else sees only the open ones.
    let open: Vec<Finding> = a.open_findings().cloned().collect();
    let c = counts(&open);
    let plan_diagram = plan
        .as_ref()
        .map(|p| diagram::after_plan(e, p, lang, &format!("{slug}-plan")));
    EstateView {
        name: e.name.clone(),
        slug: slug.to_owned(),
        counts: c,
        pool_count: e.pools.len(),
        site_count: e.sites.len(),
        verdict: verdict(lang, c),
        worst: worst(lang, &open),
        sites: sites_view(lang, e, &open),
        rules: rules_view(lang, &open),
        diagram: diagram::current(e, &open, lang, &format!("{slug}-now")),
        focus: diagram::focus(e, &open, lang, &format!("{slug}-now")),
        plan,
        plan_diagram,
        inputs: inputs_view(e),
        notes: e
            .notes
            .iter()
            .map(|n| NoteView {
                source: n.source.to_string(),
                message: n.message.render(lang),
            })
            .collect(),
        accepted: a
            .accepted_findings()
            .filter_map(|f| {
                let acc = f.accepted.as_ref()?;
                Some(AcceptedView {
                    code: f.code.as_str(),
                    severity: f.severity,
                    severity_label: severity_label(lang, f.severity),
                    pools: f.pools.clone(),
                    message: f.message_in(lang),
                    reason: acc.reason.clone(),
                    until: acc.until.to_string(),
                    by: acc.by.clone(),
                })
            })
            .collect(),
    }
}

/// A report over `estates` (one, or all of them when printed to standard output).
pub fn report_view(
    run: &RunInfo,
    audit: &Audit,
    estates: &[(&AuditedEstate, &str)],
    plan_for: &dyn Fn(&AuditedEstate) -> Option<PlanView>,
    index_href: Option<String>,
) -> ReportView {
    let views: Vec<EstateView> = estates
        .iter()
        .map(|(a, slug)| estate_view(run.lang, a, slug, plan_for(a)))
        .collect();
    ReportView {
        lang: run.lang.code(),
        generated: run.generated.clone(),
        tool_version: run.tool_version,
        paths: run.paths.clone(),
        totals: views.iter().map(|v| v.counts).fold(Counts::default(), add),
        estates: views,
        errors: errors_view(&audit.errors),
        index_href,
    }
}

/// Context of `plan.html.tera` and `plan.md.tera`: the plan of every estate of the run.
#[derive(Debug, Serialize)]
pub struct PlanDocView {
    pub lang: &'static str,
    pub generated: String,
    /// The version of lyncpair that made the report.
    pub tool_version: &'static str,
    pub paths: Vec<String>,
    pub estates: Vec<PlanEstateView>,
    /// Inputs of this run that could not be read.
    pub errors: Vec<ErrorView>,
    /// The runbook `plan --out` writes beside the plan.
    pub runbook: &'static str,
}

#[derive(Debug, Serialize)]
pub struct PlanEstateView {
    pub name: String,
    /// Safe for HTML ids; unique within the run.
    pub slug: String,
    pub pool_count: usize,
    pub site_count: usize,
    pub plan: PlanView,
    /// Today's backup relationships, coloured by the findings (the site overview when large).
    pub diagram: DiagramView,
    /// The focused diagrams of a large estate; empty when `diagram` draws it whole.
    pub focus: Vec<FocusView>,
    /// The estate once the plan is applied.
    pub plan_diagram: DiagramView,
    pub inputs: Vec<InputView>,
}

/// The plan document: `plans` are the planner's plans of `audit.estates`, in the same order.
pub fn plan_doc_view(
    run: &RunInfo,
    audit: &Audit,
    plans: &[PairingPlan],
    runbook: &'static str,
) -> PlanDocView {
    let names: Vec<&str> = audit
        .estates
        .iter()
        .map(|a| a.estate.name.as_str())
        .collect();
    let slugs = estate_slugs(&names);
    let estates = audit
        .estates
        .iter()
        .zip(plans)
        .zip(&slugs)
        .map(|((a, plan), slug)| {
            let e = &a.estate;
            let view = plan_view(run.lang, plan);
            let open: Vec<_> = a.open_findings().cloned().collect();
            PlanEstateView {
                name: e.name.clone(),
                slug: slug.clone(),
                pool_count: e.pools.len(),
                site_count: e.sites.len(),
                diagram: diagram::current(e, &open, run.lang, &format!("{slug}-now")),
                focus: diagram::focus(e, &open, run.lang, &format!("{slug}-now")),
                plan_diagram: diagram::after_plan(e, &view, run.lang, &format!("{slug}-plan")),
                plan: view,
                inputs: inputs_view(e),
            }
        })
        .collect();
    PlanDocView {
        lang: run.lang.code(),
        generated: run.generated.clone(),
        tool_version: run.tool_version,
        paths: run.paths.clone(),
        estates,
        errors: errors_view(&audit.errors),
        runbook,
    }
}

fn inputs_view(e: &Estate) -> Vec<InputView> {
    e.inputs
        .iter()
        .map(|i| InputView {
            path: i.path.clone(),
            format: i.format.label(),
            encoding: i.encoding.clone(),
        })
        .collect()
}

pub fn index_view(run: &RunInfo, audit: &Audit, slugs: &[String]) -> IndexView {
    let rows: Vec<IndexRow> = audit
        .estates
        .iter()
        .zip(slugs)
        .map(|(a, slug)| {
            let open: Vec<Finding> = a.open_findings().cloned().collect();
            let c = counts(&open);
            IndexRow {
                name: a.estate.name.clone(),
                folder: slug.clone(),
                pool_count: a.estate.pools.len(),
                counts: c,
                worst: worst(run.lang, &open),
                verdict: verdict(run.lang, c),
            }
        })
        .collect();
    IndexView {
        lang: run.lang.code(),
        generated: run.generated.clone(),
        tool_version: run.tool_version,
        paths: run.paths.clone(),
        totals: rows.iter().map(|r| r.counts).fold(Counts::default(), add),
        pool_count: rows.iter().map(|r| r.pool_count).sum(),
        estates: rows,
        errors: errors_view(&audit.errors),
    }
}

/// Folder names for the estates: lowercase letters and digits, `-` for anything else, made
/// from the estate's path below the folder all estates share, and numbered when two collide.
pub fn estate_slugs(names: &[&str]) -> Vec<String> {
    let split = |n: &str| -> Vec<String> {
        n.split(['/', '\\'])
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_owned)
            .collect()
    };
    let parts: Vec<Vec<String>> = names.iter().map(|n| split(n)).collect();
    // Drop the components every name shares, but keep at least the last one of each.
    let mut common = 0;
    if parts.len() > 1 {
        let shortest = parts.iter().map(Vec::len).min().unwrap_or(0);
        while common + 1 < shortest && parts.iter().all(|p| p[common] == parts[0][common]) {
            common += 1;
        }
    }
    let mut out: Vec<String> = Vec::new();
    for p in &parts {
        let base = slugify(&p[common.min(p.len())..].join("-"));
        let mut slug = base.clone();
        let mut n = 2;
        while out.contains(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        out.push(slug);
    }
    out
}

fn slugify(raw: &str) -> String {
    let mut s = String::new();
    for c in raw.chars() {
        // Letters of any script stay (`export-münchen`): folder names and HTML ids take them.
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-');
    if s.is_empty() {
        "estate".to_owned()
    } else {
        s.to_owned()
    }
}

/// Seconds since the Unix epoch as ISO 8601 UTC (`1970-01-01T00:00:00Z`), without a date library.
pub fn iso_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil-from-days (H. Hinnant's algorithm), proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_utc(1_714_564_800), "2024-05-01T12:00:00Z");
        assert_eq!(iso_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn slugs_drop_the_shared_folder_and_stay_unique() {
        assert_eq!(
            estate_slugs(&["fixtures/lync2010", "fixtures/Clean 2013", "fixtures/mixed"]),
            vec!["lync2010", "clean-2013", "mixed"]
        );
        assert_eq!(estate_slugs(&["a/x", "b/x"]), vec!["a-x", "b-x"]);
        assert_eq!(
            estate_slugs(&["x/Wien", "y/wien"]),
            vec!["x-wien", "y-wien"]
        );
        assert_eq!(
            estate_slugs(&["t/Wien!", "t/wien?"]),
            vec!["wien", "wien-2"]
        );
        assert_eq!(estate_slugs(&["out", "out/sub"]), vec!["out", "out-sub"]);
        assert_eq!(estate_slugs(&["../Zürich"]), vec!["zürich"]);
        assert_eq!(
            estate_slugs(&["x/Export München", "x/Graz"]),
            vec!["export-münchen", "graz"]
        );
        assert_eq!(estate_slugs(&["<>"]), vec!["estate"]);
    }

    #[test]
    fn verdicts() {
        let c = |errors, warnings| Counts {
            errors,
            warnings,
            infos: 0,
        };
        assert_eq!(verdict(Lang::En, c(0, 0)).kind, "ready");
        assert_eq!(verdict(Lang::En, c(0, 2)).kind, "warnings");
        let v = verdict(Lang::De, c(3, 2));
        assert_eq!(
            (v.kind, v.label.as_str()),
            ("blocked", "Blockiert: 3 Fehler")
        );
    }
}
