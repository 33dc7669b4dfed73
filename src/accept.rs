//! Accepted findings (`--accept FILE`, docs/accept.md): a CSV file of known findings that are
//! accepted for a while, each with a reason and a date until which it holds.
//!
//! [`parse`] turns the file's text into entries with their file:line; bad entries are input errors,
//! the others still apply. [`apply`] marks the findings an active entry matches, raises
//! `acceptance-expired` for an entry whose date has passed and `acceptance-unused` for an entry that
//! matches nothing. The date is an argument: nothing here reads the clock.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::audit::Audit;
use crate::i18n::Message;
use crate::import::InputError;
use crate::model::{Source, normalize_fqdn};
use crate::rules::{self, CATALOGUE, Code, Finding, Severity};

/// A calendar day (proleptic Gregorian), compared in order; written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year.
    pub year: u16,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, from 1.
    pub day: u8,
}

impl Date {
    /// Strictly `YYYY-MM-DD` with a day that exists (2027-02-29 does not).
    pub fn parse(raw: &str) -> Option<Date> {
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let s = &raw[r];
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse().ok())
                .flatten()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        // Both were checked against 1..=12 and 1..=31 above, so they fit a u8.
        let (month, day) = (u8::try_from(month).ok()?, u8::try_from(day).ok()?);
        (year >= 1 && (1..=u8::try_from(days).ok()?).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// The UTC day of seconds since 1970-01-01.
    pub fn from_unix(secs: u64) -> Date {
        let iso = crate::render::view::iso_utc(secs);
        Date::parse(&iso[..10]).expect("iso_utc writes a valid date")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why and until when a finding is accepted: what audit/v1 shows as `accepted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acceptance {
    /// Why the finding is accepted.
    pub reason: String,
    /// The last day the acceptance holds.
    pub until: Date,
    /// Who accepted it, when stated.
    pub by: Option<String>,
}

/// One line of the acceptance file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The rule code the entry accepts.
    pub code: Code,
    /// The finding's pools as a set (normalised FQDNs, sorted); `None` for `*`, any pools.
    pub pools: Option<Vec<String>>,
    /// Why, until when and by whom.
    pub acceptance: Acceptance,
    /// The file and line of the entry.
    pub source: Source,
}

impl Entry {
    fn matches(&self, f: &Finding) -> bool {
        f.code == self.code
            && self.pools.as_ref().is_none_or(|pools| {
                let mut theirs: Vec<String> = f.pools.iter().map(|p| normalize_fqdn(p)).collect();
                theirs.sort();
                theirs.dedup();
                &theirs == pools
            })
    }

    fn pools_text(&self) -> String {
        self.pools
            .as_ref()
            .map_or_else(|| "*".to_owned(), |p| p.join("; "))
    }
}

/// The entries of an acceptance file, and the lines that could not be used.
#[derive(Debug, Default)]
pub struct Accepted {
    /// The usable entries.
    pub entries: Vec<Entry>,
    /// The lines that could not be used.
    pub errors: Vec<InputError>,
}

const COLUMNS: [&str; 5] = ["code", "pools", "reason", "until", "by"];

fn error_at(path: &str, line: u32, message: String) -> InputError {
    InputError {
        path: path.to_owned(),
        message,
        line: Some(line),
        column: None,
    }
}

/// Read the acceptance file `path` (any encoding lyncpair reads: Excel writes UTF-8 with a BOM,
/// Windows-1252 or UTF-16). A file that cannot be read is one input error.
pub fn read(path: &Path) -> Accepted {
    let shown = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Accepted {
                entries: Vec::new(),
                errors: vec![InputError::new(
                    &shown,
                    format!("cannot read the acceptance file: {e}"),
                )],
            };
        }
    };
    match crate::text::decode(&bytes) {
        Ok(decoded) => parse(&shown, &decoded.text),
        Err(e) => Accepted {
            entries: Vec::new(),
            errors: vec![InputError::new(
                &shown,
                format!("cannot read the acceptance file: {}", e.message),
            )],
        },
    }
}

/// Parse the CSV text of an acceptance file (docs/accept.md): a header naming the columns `code`,
/// `pools`, `reason`, `until` and optionally `by`, in any order; `,`, `;` or tab as the delimiter.
pub fn parse(path: &str, text: &str) -> Accepted {
    let mut out = Accepted::default();
    let table = match crate::import::csv::parse(text) {
        Ok(t) => t,
        Err(e) => {
            out.errors.push(InputError {
                path: path.to_owned(),
                message: e.message,
                line: Some(e.line),
                column: Some(e.column),
            });
            return out;
        }
    };
    let records = table.records;
    let Some((header, rows)) = records.split_first() else {
        // An empty file accepts nothing; that is not an error.
        return out;
    };
    let names: Vec<String> = header
        .fields
        .iter()
        .map(|f| f.text.trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| names.iter().position(|n| n == name);
    let missing: Vec<&str> = COLUMNS[..4]
        .iter()
        .copied()
        .filter(|c| column(c).is_none())
        .collect();
    if !missing.is_empty() {
        out.errors.push(error_at(
            path,
            header.line,
            format!(
                "the header must name the columns {}; missing: {} (see docs/accept.md)",
                COLUMNS.join(", "),
                missing.join(", ")
            ),
        ));
        return out;
    }
    let shared: Arc<str> = Arc::from(path);
    for row in rows {
        let cells = COLUMNS.map(|name| {
            column(name)
                .and_then(|i| row.fields.get(i))
                .map_or("", |f| f.text.trim())
        });
        match entry(cells) {
            Ok((code, pools, acceptance)) => out.entries.push(Entry {
                code,
                pools,
                acceptance,
                source: Source::in_file(&shared, Some(row.line)),
            }),
            Err(message) => out.errors.push(error_at(path, row.line, message)),
        }
    }
    out
}

type Parsed = (Code, Option<Vec<String>>, Acceptance);

/// One row's cells in the order of [`COLUMNS`].
fn entry(cells: [&str; 5]) -> Result<Parsed, String> {
    let [raw_code, raw_pools, reason, raw_until, by] = cells;
    let code = CATALOGUE
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(raw_code))
        .map(|r| r.id)
        .ok_or_else(|| {
            format!("unknown rule code \"{raw_code}\"; `lyncpair rules` lists the codes")
        })?;
    if matches!(code, Code::AcceptanceExpired | Code::AcceptanceUnused) {
        return Err(format!(
            "{raw_code} is about this file itself and cannot be accepted; renew or remove the entry it names"
        ));
    }
    let pools = if raw_pools == "*" {
        None
    } else {
        let mut pools: Vec<String> = raw_pools
            .split([';', ' ', '\t'])
            .map(normalize_fqdn)
            .filter(|p| !p.is_empty())
            .collect();
        if pools.is_empty() {
            return Err(
                "no pools: name the finding's pools separated by \";\", or \"*\" for any pools"
                    .to_owned(),
            );
        }
        pools.sort();
        pools.dedup();
        Some(pools)
    };
    if reason.is_empty() {
        return Err("no reason: say why the finding is accepted".to_owned());
    }
    let until = Date::parse(raw_until).ok_or_else(|| {
        format!("until \"{raw_until}\" is not a date written YYYY-MM-DD (for example 2027-03-31)")
    })?;
    let by = Some(by).filter(|b| !b.is_empty()).map(str::to_owned);
    Ok((
        code,
        pools,
        Acceptance {
            reason: reason.to_owned(),
            until,
            by,
        },
    ))
}

/// Mark the findings of `audit` that an entry accepts on `today`, and add `acceptance-expired` and
/// `acceptance-unused` findings. An entry holds through its `until` day. Applying again first undoes
/// an earlier application (an `audit.json` read back may carry one).
pub fn apply(audit: &mut Audit, entries: &[Entry], today: Date) {
    let mut used = vec![false; entries.len()];
    for a in &mut audit.estates {
        a.findings
            .retain(|f| !matches!(f.code, Code::AcceptanceExpired | Code::AcceptanceUnused));
        let mut raised = Vec::new();
        for f in &mut a.findings {
            f.accepted = None;
            let matching: Vec<usize> = (0..entries.len())
                .filter(|&i| entries[i].matches(f))
                .collect();
            for &i in &matching {
                used[i] = true;
            }
            let active = matching
                .iter()
                .find(|&&i| entries[i].acceptance.until >= today);
            match active {
                Some(&i) => f.accepted = Some(entries[i].acceptance.clone()),
                None => {
                    for &i in &matching {
                        raised.push(expired(&entries[i], f));
                    }
                }
            }
        }
        a.findings.extend(raised);
    }
    for (entry, _) in entries.iter().zip(&used).filter(|(_, used)| !**used) {
        // Shown with the estate that holds one of its pools, else with the first estate.
        let home = audit
            .estates
            .iter()
            .position(|a| {
                entry
                    .pools
                    .iter()
                    .flatten()
                    .any(|p| a.estate.pool(p).is_some())
            })
            .unwrap_or(0);
        if let Some(a) = audit.estates.get_mut(home) {
            a.findings.push(Finding::new(
                Code::AcceptanceUnused,
                Severity::Info,
                entry.pools.clone().unwrap_or_default(),
                Message::new("msg.acceptance_unused")
                    .arg("code", entry.code.as_str())
                    .arg("pools", entry.pools_text())
                    .arg("reason", entry.acceptance.reason.clone())
                    .arg("until", entry.acceptance.until.to_string()),
                vec![entry.source.clone()],
            ));
        }
    }
    for a in &mut audit.estates {
        rules::sort(&mut a.findings);
        for f in a.findings.iter_mut().filter(|f| f.fix.is_empty()) {
            let fix = rules::fix::fix_for(f, &a.estate);
            f.set_fix(fix);
        }
    }
}

fn expired(entry: &Entry, f: &Finding) -> Finding {
    let mut sources = vec![entry.source.clone()];
    sources.extend(f.sources.iter().cloned());
    Finding::new(
        Code::AcceptanceExpired,
        Severity::Warning,
        f.pools.clone(),
        Message::new("msg.acceptance_expired")
            .arg("code", f.code.as_str())
            .arg("pools", f.pools.join(", "))
            .arg("reason", entry.acceptance.reason.clone())
            .arg("until", entry.acceptance.until.to_string()),
        sources,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditedEstate;
    use crate::rules::test_support::{estate, fe};

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn finding(code: Code, severity: Severity, pools: &[&str]) -> Finding {
        Finding::new(
            code,
            severity,
            pools.iter().map(|p| (*p).to_owned()).collect(),
            "m".into(),
            vec![],
        )
    }

    fn audit() -> Audit {
        Audit {
            estates: vec![AuditedEstate {
                estate: estate(vec![
                    fe("a.fabrikam.test", "Hamburg", Some("b.fabrikam.test")),
                    fe("b.fabrikam.test", "Hamburg", Some("a.fabrikam.test")),
                ]),
                findings: vec![
                    finding(
                        Code::PairSameSite,
                        Severity::Warning,
                        &["a.fabrikam.test", "b.fabrikam.test"],
                    ),
                    finding(Code::BackupSelf, Severity::Error, &["c.fabrikam.test"]),
                ],
            }],
            errors: vec![],
        }
    }

    const FILE: &str = "code,pools,reason,until,by\n\
        pair-same-site,B.fabrikam.test;a.fabrikam.test,second datacenter in 2027,2027-03-31,jdoe\n";

    #[test]
    fn dates_are_strict() {
        assert_eq!(day("2028-02-29").to_string(), "2028-02-29");
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-1-01",
            "31.03.2027",
            "",
            "2027-04-31",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(day("2027-03-31") < day("2027-04-01"));
        assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
    }

    #[test]
    fn an_active_entry_accepts_and_stops_counting() {
        let parsed = parse("accept.csv", FILE);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut a = audit();
        assert_eq!(a.summary().warnings, 1);
        apply(&mut a, &parsed.entries, day("2027-03-31"));
        let f = &a.estates[0].findings;
        let same_site = f.iter().find(|f| f.code == Code::PairSameSite).unwrap();
        let acc = same_site.accepted.as_ref().expect("accepted");
        assert_eq!(acc.reason, "second datacenter in 2027");
        assert_eq!(acc.by.as_deref(), Some("jdoe"));
        assert_eq!(a.summary().warnings, 0);
        assert_eq!(a.summary().errors, 1);
        assert_eq!(f.len(), 2, "no acceptance finding: {f:?}");
    }

    #[test]
    fn an_expired_entry_no_longer_hides_and_warns() {
        let parsed = parse("accept.csv", FILE);
        let mut a = audit();
        apply(&mut a, &parsed.entries, day("2027-04-01"));
        let f = &a.estates[0].findings;
        assert!(f.iter().all(|f| f.accepted.is_none()));
        let exp = f
            .iter()
            .find(|f| f.code == Code::AcceptanceExpired)
            .expect("acceptance-expired");
        assert_eq!(exp.severity, Severity::Warning);
        assert_eq!(exp.sources[0].to_string(), "accept.csv:2");
        assert!(exp.message.contains("2027-03-31"), "{}", exp.message);
        assert_eq!(a.summary().warnings, 2);
    }

    #[test]
    fn an_unused_entry_is_an_info_and_a_star_matches_any_pools() {
        let text = "code;pools;reason;until\nbackup-self;*;old pool goes away;2027-01-01\n\
                    pair-capacity;x.fabrikam.test;fixed long ago;2027-01-01\n";
        let parsed = parse("a.csv", text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut a = audit();
        apply(&mut a, &parsed.entries, day("2026-12-01"));
        let f = &a.estates[0].findings;
        assert!(
            f.iter()
                .find(|f| f.code == Code::BackupSelf)
                .unwrap()
                .accepted
                .is_some()
        );
        let unused: Vec<_> = f
            .iter()
            .filter(|f| f.code == Code::AcceptanceUnused)
            .collect();
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].pools, ["x.fabrikam.test"]);
        assert_eq!(unused[0].sources[0].to_string(), "a.csv:3");
        // Applying again gives the same findings, not a second set of acceptance findings.
        let before = a.estates[0].findings.clone();
        apply(&mut a, &parsed.entries, day("2026-12-01"));
        assert_eq!(a.estates[0].findings, before);
    }

    #[test]
    fn bad_entries_are_errors_with_their_line_and_the_others_apply() {
        let text = "code,pools,reason,until\n\
                    no-such-rule,a.fabrikam.test,r,2027-01-01\n\
                    backup-self,c.fabrikam.test,,2027-01-01\n\
                    backup-self,c.fabrikam.test,r,31.12.2027\n\
                    acceptance-unused,*,r,2027-01-01\n\
                    backup-self,c.fabrikam.test,r,2027-01-01\n";
        let parsed = parse("a.csv", text);
        let lines: Vec<Option<u32>> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4), Some(5)]);
        assert!(parsed.errors[0].message.contains("no-such-rule"));
        assert!(parsed.errors[1].message.contains("reason"));
        assert!(parsed.errors[2].message.contains("31.12.2027"));
        assert_eq!(parsed.entries.len(), 1);
        assert_eq!(parsed.entries[0].source.line, Some(6));
    }

    #[test]
    fn a_header_without_the_columns_is_one_error() {
        let parsed = parse("a.csv", "rule,pool\nbackup-self,a\n");
        assert_eq!(parsed.errors.len(), 1);
        assert!(
            parsed.errors[0]
                .message
                .contains("missing: code, pools, reason, until")
        );
    }
}
