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
pub(crate) fn out_files(
    run: &RunInfo,
    audit: &Audit,
    templates: &Templates,
    plan_for: &dyn Fn(&AuditedEstate) -> Option<PlanView>,
) -> Result<Vec<OutFile>, TemplateError> {
    let names: Vec<&str> = audit
        .estates
        .iter()
        .map(|a| a.estate.name.as_str())
        .collect();
    let slugs = estate_slugs(&names);
    let all: Vec<&AuditedEstate> = audit.estates.iter().collect();
    let mut files = Vec::new();
    let top = |name: &'static str, bytes: Vec<u8>| OutFile {
        folder: None,
        name,
        bytes,
    };
    files.push(top("audit.json", json::render(audit).into_bytes()));
    files.push(top(
        "findings.csv",
        csv::render(&all, run.lang).into_bytes(),
    ));
    if audit.estates.len() <= 1 {
        let pairs: Vec<(&AuditedEstate, &str)> = all
            .iter()
            .copied()
            .zip(slugs.iter().map(String::as_str))
            .collect();
        let view = report_view(run, audit, &pairs, plan_for, None);
        files.push(top(
            "report.html",
            templates.render("report.html.tera", &view)?.into_bytes(),
        ));
        files.push(top(
            "report.md",
            templates.render("report.md.tera", &view)?.into_bytes(),
        ));
        return Ok(files);
    }
    let index = index_view(run, audit, &slugs);
    files.push(top(
        "index.html",
        templates.render("index.html.tera", &index)?.into_bytes(),
    ));
    files.push(top(
        "index.md",
        templates.render("index.md.tera", &index)?.into_bytes(),
    ));
    for (a, slug) in audit.estates.iter().zip(&slugs) {
        let view = report_view(
            run,
            audit,
            &[(a, slug.as_str())],
            plan_for,
            Some("../index.html".to_owned()),
        );
        let sub = |name: &'static str, bytes: Vec<u8>| OutFile {
            folder: Some(slug.clone()),
            name,
            bytes,
        };
        files.push(sub(
            "report.html",
            templates.render("report.html.tera", &view)?.into_bytes(),
        ));
        files.push(sub(
            "report.md",
            templates.render("report.md.tera", &view)?.into_bytes(),
        ));
        files.push(sub(
            "findings.csv",
            csv::render(&[a], run.lang).into_bytes(),
        ));
        files.push(sub(
            "audit.json",
            json::render_estates(&[a], &audit.errors).into_bytes(),
        ));
    }
    Ok(files)
}
