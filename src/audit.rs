//! The audit pipeline: discover → import → merge → rules. No printing, no exit codes.

use std::path::PathBuf;

use crate::estate;
use crate::import::{ImportOptions, InputError};
use crate::model::Estate;
use crate::rules::{self, Finding, Severity};

/// One estate with its findings.
#[derive(Debug)]
pub struct AuditedEstate {
    /// The merged estate.
    pub estate: Estate,
    /// Its findings, sorted; accepted ones included (marked).
    pub findings: Vec<Finding>,
}

impl AuditedEstate {
    /// Findings of `severity` that count: accepted ones (`--accept`) are shown but not counted.
    pub fn count(&self, severity: Severity) -> usize {
        self.open_findings()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The findings no `--accept` entry accepts.
    pub fn open_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.accepted.is_none())
    }

    /// The findings an `--accept` entry accepts.
    pub fn accepted_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.accepted.is_some())
    }
}

/// Everything one `lyncpair audit` run found.
#[derive(Debug)]
pub struct Audit {
    /// The estates, in path order.
    pub estates: Vec<AuditedEstate>,
    /// Inputs that could not be read; everything else was still audited.
    pub errors: Vec<InputError>,
}

/// How many open findings of each severity (accepted ones left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
}

impl Audit {
    /// The counts over every estate.
    pub fn summary(&self) -> Summary {
        let count = |s| self.estates.iter().map(|e| e.count(s)).sum();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }

    /// The most severe finding over all estates that is not accepted.
    pub fn worst(&self) -> Option<Severity> {
        self.estates
            .iter()
            .flat_map(|e| e.open_findings())
            .map(|f| f.severity)
            .min()
    }
}

/// Discover the estates among `paths` (files form one estate, folders are walked), import and merge
/// them, and check the rules. Prints nothing; unreadable inputs are [`Audit::errors`].
pub fn run(paths: &[PathBuf], opts: &ImportOptions) -> Audit {
    let mut discovered = estate::discover(paths, opts);
    let mut errors = std::mem::take(&mut discovered.errors);
    // Records refused inside a file that was otherwise read (see `limits::validate`).
    for records in discovered.estates.iter_mut().flat_map(|e| &mut e.records) {
        errors.append(&mut records.errors);
    }
    // By file, then by position in it: one file may report several refused records.
    errors.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
    });
    // Estates are merged and checked in parallel; `collect` keeps their order, and the sort below
    // makes the result independent of the number of threads anyway.
    use rayon::prelude::*;
    crate::progress::estates_found(discovered.estates.len());
    let mut estates: Vec<AuditedEstate> = discovered
        .estates
        .into_par_iter()
        .with_max_len(1)
        .map(|inputs| {
            let estate = estate::build(inputs);
            let findings = rules::check(&estate);
            crate::progress::estate_done();
            AuditedEstate { estate, findings }
        })
        .collect();
    // A file a walk skipped is a note of the estate of its folder (the nearest one above it); one
    // outside every estate's folder (a README beside the estate folders) belongs to none, so
    // walking a parent folder gives each estate what auditing its folder alone gives.
    for (path, message) in discovered.skipped {
        let home = estates
            .iter()
            .enumerate()
            .filter(|(_, a)| path.starts_with(&a.estate.name))
            .max_by_key(|(_, a)| a.estate.name.len())
            .map(|(i, _)| i);
        if let Some(a) = home.and_then(|i| estates.get_mut(i)) {
            a.estate.notes.push(crate::model::Note {
                message: message.into(),
                source: crate::model::Source::new(&path.display().to_string(), None),
            });
        }
    }
    estates.sort_by(|a, b| a.estate.name.cmp(&b.estate.name));
    Audit { estates, errors }
}
