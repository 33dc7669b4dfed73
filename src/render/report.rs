//! The files `audit --out` writes, from the views in `render::view` (crate-internal) and the templates.
//!
//! The views and the functions that build them live in `render::view` (crate-internal); they are re-exported here
//! for the command line.

use super::templates::{TemplateError, Templates};
use super::{csv, json};
use crate::audit::{Audit, AuditedEstate};

pub(crate) use super::view::{
    PlanView, estate_slugs, index_view, plan_doc_view, plan_view, report_view,
};
pub use super::view::{RunInfo, iso_utc};

/// One file of `audit --out`: `folder` is None for the output folder itself.
#[derive(Debug)]
pub struct OutFile {
    /// The subfolder of the output folder (one per estate when there are several), or `None`.
    pub folder: Option<String>,
    /// The file name.
    pub name: &'static str,
    /// The contents.
    pub bytes: Vec<u8>,
}

/// Everything `audit --out DIR` writes. One estate (or none): report.html, report.md, audit.json and
/// findings.csv directly in DIR. Several: index.html and index.md linking one subfolder per estate
/// (report.html, report.md, findings.csv and that estate's audit.json), plus the whole run's
/// audit.json and findings.csv in DIR.
///
/// The files of the whole run and those of each estate are made in parallel (rayon): a batch of
/// 500 estates renders 1,000 documents. They are gathered in the order they are written and
/// named in, and the first file that fails in that order is the error, whatever the number of
/// threads.
pub(crate) fn out_files(
    run: &RunInfo,
    audit: &Audit,
    templates: &Templates,
    plan_for: &(dyn Fn(&AuditedEstate) -> Option<PlanView> + Sync),
) -> Result<Vec<OutFile>, TemplateError> {
    use rayon::prelude::*;
    let names: Vec<&str> = audit
        .estates
        .iter()
        .map(|a| a.estate.name.as_str())
        .collect();
    let slugs = estate_slugs(&names);
    let estates: Vec<(&AuditedEstate, &str)> = audit
        .estates
        .iter()
        .zip(slugs.iter().map(String::as_str))
        .collect();
    let shared: Vec<Shared> = audit
        .estates
        .par_iter()
        .map(|a| Shared {
            json: json::estate_part(a),
            csv: csv::rows(a, run.lang),
        })
        .collect();
    let (whole_run, reports) = rayon::join(
        || run_files(run, audit, templates, &slugs, &shared),
        || {
            if estates.len() <= 1 {
                vec![single_report(run, audit, templates, plan_for, &estates)]
            } else {
                estates
                    .par_iter()
                    .zip(&shared)
                    .map(|(&(a, slug), shared)| {
                        estate_files(run, audit, templates, plan_for, (a, shared), slug)
                    })
                    .collect()
            }
        },
    );
    let mut files = whole_run?;
    for report in reports {
        files.extend(report?);
    }
    Ok(files)
}

/// An estate's part of the run's audit.json and findings.csv, written once for those and for the
/// estate's own two files.
struct Shared {
    json: json::EstatePart,
    csv: String,
}

/// The files in DIR about the whole run: audit.json and findings.csv, and with several estates
/// index.html and index.md.
fn run_files(
    run: &RunInfo,
    audit: &Audit,
    templates: &Templates,
    slugs: &[String],
    shared: &[Shared],
) -> Result<Vec<OutFile>, TemplateError> {
    let parts: Vec<&json::EstatePart> = shared.iter().map(|s| &s.json).collect();
    let rows: Vec<&str> = shared.iter().map(|s| s.csv.as_str()).collect();
    let mut files = vec![
        top("audit.json", json::document(&parts, &audit.errors)),
        top("findings.csv", csv::with_header(&rows, run.lang)),
    ];
    if audit.estates.len() > 1 {
        let [html, md] = templates.render_pair(
            ["index.html.tera", "index.md.tera"],
            &index_view(run, audit, slugs),
        )?;
        files.push(top("index.html", html));
        files.push(top("index.md", md));
    }
    Ok(files)
}

/// report.html and report.md in DIR, for a run of one estate (or none).
fn single_report(
    run: &RunInfo,
    audit: &Audit,
    templates: &Templates,
    plan_for: &dyn Fn(&AuditedEstate) -> Option<PlanView>,
    estates: &[(&AuditedEstate, &str)],
) -> Result<Vec<OutFile>, TemplateError> {
    let view = report_view(run, audit, estates, plan_for, None);
    let [html, md] = templates.render_pair(["report.html.tera", "report.md.tera"], &view)?;
    Ok(vec![top("report.html", html), top("report.md", md)])
}

/// The four files of one estate of several (with its part of the JSON), in its subfolder `slug`.
fn estate_files(
    run: &RunInfo,
    audit: &Audit,
    templates: &Templates,
    plan_for: &dyn Fn(&AuditedEstate) -> Option<PlanView>,
    (a, shared): (&AuditedEstate, &Shared),
    slug: &str,
) -> Result<Vec<OutFile>, TemplateError> {
    let view = report_view(
        run,
        audit,
        &[(a, slug)],
        plan_for,
        Some("../index.html".to_owned()),
    );
    let [html, md] = templates.render_pair(["report.html.tera", "report.md.tera"], &view)?;
    let sub = |name: &'static str, text: String| OutFile {
        folder: Some(slug.to_owned()),
        name,
        bytes: text.into_bytes(),
    };
    Ok(vec![
        sub("report.html", html),
        sub("report.md", md),
        sub("findings.csv", csv::with_header(&[&shared.csv], run.lang)),
        sub("audit.json", json::document(&[&shared.json], &audit.errors)),
    ])
}

/// A file directly in the output folder.
fn top(name: &'static str, text: String) -> OutFile {
    OutFile {
        folder: None,
        name,
        bytes: text.into_bytes(),
    }
}
