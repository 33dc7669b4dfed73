//! The HTML and Markdown documents of `audit`, `plan` and `diff`, and the files `audit --out`
//! writes: each made from its view (see [`super::report`]) through the run's [`Templates`].
//!
//! The views themselves stay inside the library: a caller names a template and hands over the
//! data, so a document cannot be rendered from a half-built view.

use crate::audit::{Audit, AuditedEstate};
use crate::diff::Diff;
use crate::import::InputError;
use crate::plan::PairingPlan;

use super::report::{self, OutFile, PlanView, RunInfo};
use super::templates::{TemplateError, Templates};

/// The report over every estate of `audit` from the template `name` (`report.md.tera` or
/// `report.html.tera`), as printed on standard output. `plans` are the suggested plans of
/// `audit.estates` in the same order; an estate whose entry is `None` or missing (no plan was
/// asked for, or the planner refused it) gets no plan section.
pub fn audit_report(
    templates: &Templates,
    name: &str,
    run: &RunInfo,
    audit: &Audit,
    plans: &[Option<PairingPlan>],
) -> Result<String, TemplateError> {
    let views = plan_views(run, plans);
    let plan_for = |a: &AuditedEstate| plan_for(audit, &views, a);
    let names: Vec<&str> = audit
        .estates
        .iter()
        .map(|a| a.estate.name.as_str())
        .collect();
    let slugs = report::estate_slugs(&names);
    let estates: Vec<(&AuditedEstate, &str)> = audit
        .estates
        .iter()
        .zip(slugs.iter().map(String::as_str))
        .collect();
    let view = report::report_view(run, audit, &estates, &plan_for, None);
    templates.render(name, &view)
}

/// Everything `audit --out DIR` writes (see [`OutFile`]); `plans` as for [`audit_report`].
pub fn audit_files(
    run: &RunInfo,
    audit: &Audit,
    templates: &Templates,
    plans: &[Option<PairingPlan>],
) -> Result<Vec<OutFile>, TemplateError> {
    let views = plan_views(run, plans);
    let plan_for = |a: &AuditedEstate| plan_for(audit, &views, a);
    report::out_files(run, audit, templates, &plan_for)
}

/// The plan document from the template `name` (`plan.md.tera` or `plan.html.tera`): `plans` are
/// the planner's plans of `audit.estates` in the same order, `runbook` the name of the runbook
/// file the document refers to.
pub fn plan_report(
    templates: &Templates,
    name: &str,
    run: &RunInfo,
    audit: &Audit,
    plans: &[PairingPlan],
    runbook: &'static str,
) -> Result<String, TemplateError> {
    templates.render(name, &report::plan_doc_view(run, audit, plans, runbook))
}

/// The diff document from the template `name` (`diff.md.tera` or `diff.html.tera`): `old` and
/// `new` are the two snapshots as the user named them, `errors` the inputs of either that could
/// not be read.
pub fn diff_report(
    templates: &Templates,
    name: &str,
    run: &RunInfo,
    diff: &Diff,
    old: &str,
    new: &str,
    errors: &[InputError],
) -> Result<String, TemplateError> {
    templates.render(name, &super::diff::view(run, diff, old, new, errors))
}

/// The plan views of a run's estates, made in parallel (rayon) for a batch of many estates.
fn plan_views(run: &RunInfo, plans: &[Option<PairingPlan>]) -> Vec<Option<PlanView>> {
    use rayon::prelude::*;
    plans
        .par_iter()
        .map(|p| p.as_ref().map(|p| report::plan_view(run.lang, p)))
        .collect()
}

/// The plan view of one estate of `audit`, found by position (estates and plans are in one order).
fn plan_for(audit: &Audit, views: &[Option<PlanView>], estate: &AuditedEstate) -> Option<PlanView> {
    let i = audit.estates.iter().position(|x| std::ptr::eq(x, estate))?;
    views.get(i).cloned().flatten()
}
