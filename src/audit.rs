//! The audit pipeline: discover → import → merge → rules. No printing, no exit codes.

use std::path::PathBuf;

use crate::estate;
use crate::import::{ImportOptions, InputError};
use crate::model::Estate;
use crate::rules::{self, Finding, Severity};

#[derive(Debug)]
pub struct AuditedEstate {
    pub estate: Estate,
    pub findings: Vec<Finding>,
}

impl AuditedEstate {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Everything one `lyncpair audit` run found.
#[derive(Debug)]
pub struct Audit {
    pub estates: Vec<AuditedEstate>,
    /// Inputs that could not be read; everything else was still audited.
    pub errors: Vec<InputError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Audit {
    pub fn summary(&self) -> Summary {
        let count = |s| self.estates.iter().map(|e| e.count(s)).sum();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }

    /// The most severe finding over all estates.
    pub fn worst(&self) -> Option<Severity> {
        self.estates
            .iter()
            .flat_map(|e| e.findings.iter())
            .map(|f| f.severity)
            .min()
    }
}

pub fn run(paths: &[PathBuf], opts: &ImportOptions) -> Audit {
    let discovered = estate::discover(paths, opts);
    let mut errors = discovered.errors;
    errors.sort();
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
    estates.sort_by(|a, b| a.estate.name.cmp(&b.estate.name));
    Audit { estates, errors }
}
