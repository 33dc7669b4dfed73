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
    let mut estates: Vec<AuditedEstate> = discovered
        .estates
        .into_iter()
        .map(|inputs| {
            let estate = estate::build(inputs);
            let findings = rules::check(&estate);
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
                message,
                source: crate::model::Source::new(&path.display().to_string(), None),
            });
        }
    }
    estates.sort_by(|a, b| a.estate.name.cmp(&b.estate.name));
    Audit { estates, errors }
}
