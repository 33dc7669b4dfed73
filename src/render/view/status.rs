//! The status of a box, an arrow or a table row: what colours it in the reports.

use std::collections::HashMap;

use serde::Serialize;

use crate::rules::{Finding, Severity};

/// How a pool, site or backup relationship is shown. Serialises to the CSS class the templates
/// use (`"error"`, `"warning"`, `"ok"`, …).
///
/// Statuses are ranked by concern: [`Status::Error`] above [`Status::Warning`] above all the others,
/// which rank equal (they say what a thing is, not how bad it is). [`Status::worse`] keeps the first
/// of two equal ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A pool, site or relationship no finding names.
    Ok,
    /// A pool whose role takes no part in pairing (a mediation pool, an Edge pool, …).
    Other,
    /// A backup target no input defines, and the site frame holding those.
    Unknown,
    /// After a plan: a pool the plan pairs.
    Paired,
    /// After a plan: a pool the plan leaves unpaired.
    Unpaired,
    /// After a plan: a successor the plan proposes (no input names it).
    Proposed,
    /// After a plan: a planned pair.
    Planned,
    /// The worst finding naming it is a warning.
    Warning,
    /// The worst finding naming it is an error.
    Error,
}

impl Status {
    /// The status a finding of this severity gives what it names; an info gives none.
    pub fn of_severity(severity: Severity) -> Option<Self> {
        match severity {
            Severity::Error => Some(Self::Error),
            Severity::Warning => Some(Self::Warning),
            Severity::Info => None,
        }
    }

    /// How much concern the status shows: errors above warnings above everything else.
    fn concern(self) -> u8 {
        match self {
            Self::Error => 3,
            Self::Warning => 2,
            _ => 1,
        }
    }

    /// The more concerning of the two; `self` when they are equally concerning.
    #[must_use]
    pub fn worse(self, other: Self) -> Self {
        if other.concern() > self.concern() {
            other
        } else {
            self
        }
    }
}

/// The findings naming each pool, in the findings' order. Every pool of a report is coloured by
/// the findings naming it; a pass over all findings for each pool made the report of a 100 MB
/// estate quadratic (issue 12).
pub(super) struct FindingsByPool<'f> {
    findings: &'f [Finding],
    /// Indexes into `findings`, ascending, each finding once per pool.
    by_pool: HashMap<&'f str, Vec<usize>>,
}

impl<'f> FindingsByPool<'f> {
    pub(super) fn new(findings: &'f [Finding]) -> Self {
        let mut by_pool: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            for pool in &f.pools {
                let of_pool = by_pool.entry(pool.as_str()).or_default();
                // A finding that names a pool twice counts once.
                if of_pool.last() != Some(&i) {
                    of_pool.push(i);
                }
            }
        }
        Self { findings, by_pool }
    }

    /// The findings naming `fqdn`, in their order.
    pub(super) fn naming(&self, fqdn: &str) -> impl Iterator<Item = &'f Finding> {
        let findings = self.findings;
        self.by_pool
            .get(fqdn)
            .into_iter()
            .flatten()
            .map(move |&i| &findings[i])
    }

    /// `start`, or the worst status the findings naming `fqdn` give it.
    pub(super) fn worst(&self, fqdn: &str, start: Status) -> Status {
        self.naming(fqdn)
            .filter_map(|f| Status::of_severity(f.severity))
            .fold(start, Status::worse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_outrank_warnings_outrank_the_rest_and_ties_keep_the_first() {
        assert_eq!(Status::Ok.worse(Status::Warning), Status::Warning);
        assert_eq!(Status::Warning.worse(Status::Error), Status::Error);
        assert_eq!(Status::Error.worse(Status::Warning), Status::Error);
        assert_eq!(Status::Ok.worse(Status::Planned), Status::Ok);
        assert_eq!(Status::Planned.worse(Status::Ok), Status::Planned);
        assert_eq!(Status::Other.worse(Status::Unknown), Status::Other);
    }

    #[test]
    fn serialises_to_the_css_classes_of_the_templates() {
        let all = [
            (Status::Ok, "ok"),
            (Status::Other, "other"),
            (Status::Unknown, "unknown"),
            (Status::Paired, "paired"),
            (Status::Unpaired, "unpaired"),
            (Status::Proposed, "proposed"),
            (Status::Planned, "planned"),
            (Status::Warning, "warning"),
            (Status::Error, "error"),
        ];
        for (status, class) in all {
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{class}\"")
            );
        }
    }
}
