//! `lyncpair diff OLD NEW`: what changed between two snapshots of the same estates.
//!
//! [`compare`] is pure: two [`Audit`]s (and optionally the pairs of a plan) in, a [`Diff`] out. It
//! compares the merged model, not the files, so what does not change a pool fact (element order,
//! `Signature`, ports, a user move that leaves every pool's user count as it was) cannot show up.
//! [`read_side`] turns one command-line argument into an `Audit`: exports are audited as `audit`
//! does; an `audit.json` written by `lyncpair audit` is read back into the same model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::audit::{self, Audit, AuditedEstate};
use crate::i18n::Message;
use crate::import::{ImportOptions, InputError};
use crate::model::{
    CmsRole, Edition, Estate, Failover, Format, Input, Note, Pool, Role, Site, SiteKind, Source,
    Version,
};
use crate::rules::{CATALOGUE, Finding, Severity};

/// The schema name of the diff document.
pub const DIFF_SCHEMA: &str = "lyncpair/diff/v1";

/// One pool fact that differs: values spelled as audit/v1 spells them, `None` = not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChange {
    /// The pool.
    pub pool: String,
    /// The fact, as audit/v1 names it (`site`, `edition`, `backup`, ...).
    pub fact: &'static str,
    /// Its value in the old snapshot.
    pub old: Option<String>,
    /// Its value in the new snapshot.
    pub new: Option<String>,
}

/// A backup relationship: `from` names `to` as its backup.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Relation {
    /// The pool that names the backup.
    pub from: String,
    /// The backup it names.
    pub to: String,
}

/// Progress against a plan (`--plan plan.json`), on the new snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Plan pairs whose two pools name each other as backup.
    pub set_up: Vec<[String; 2]>,
    /// Plan pairs not (yet) set up.
    pub to_do: Vec<[String; 2]>,
    /// Backup relationships between front-end pools that no plan pair covers.
    pub not_in_plan: Vec<Relation>,
}

/// What changed in one estate. An estate only one side has lists everything as added or removed.
#[derive(Debug)]
pub struct EstateDiff<'a> {
    /// The estate's name relative to its side's common folder ; shown.
    pub name: String,
    /// The estate in the old snapshot, if there.
    pub old: Option<&'a AuditedEstate>,
    /// The estate in the new snapshot, if there.
    pub new: Option<&'a AuditedEstate>,
    /// Pools only the new snapshot has.
    pub pools_added: Vec<String>,
    /// Pools only the old snapshot has.
    pub pools_removed: Vec<String>,
    /// Pool facts that differ.
    pub facts_changed: Vec<FactChange>,
    /// Backup relationships only the new snapshot has.
    pub backups_added: Vec<Relation>,
    /// Backup relationships only the old snapshot has.
    pub backups_removed: Vec<Relation>,
    /// On the new side, not on the old (matched by code and pools).
    pub findings_new: Vec<&'a Finding>,
    /// On the old side, gone from the new.
    pub findings_resolved: Vec<&'a Finding>,
    /// On both sides; the new side's finding.
    pub findings_unchanged: Vec<&'a Finding>,
    /// Progress against the plan, when one was given.
    pub progress: Option<Progress>,
}

impl EstateDiff<'_> {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.pools_added.is_empty()
            && self.pools_removed.is_empty()
            && self.facts_changed.is_empty()
            && self.backups_added.is_empty()
            && self.backups_removed.is_empty()
            && self.findings_new.is_empty()
            && self.findings_resolved.is_empty()
    }
}

/// What changed between two audits, estate by estate.
#[derive(Debug)]
pub struct Diff<'a> {
    /// The estates of either side, matched by name.
    pub estates: Vec<EstateDiff<'a>>,
}

impl Diff<'_> {
    /// The most severe new finding that is not accepted: what `--fail-on` looks at.
    pub fn worst_new(&self) -> Option<Severity> {
        self.estates
            .iter()
            .flat_map(|e| e.findings_new.iter())
            .filter(|f| f.accepted.is_none())
            .map(|f| f.severity)
            .min()
    }
}

/// A plan's pairs per estate, as `plan --format json` writes them.
#[derive(Debug, Clone, Default)]
pub struct PlanPairs {
    /// Each estate's name with its planned pairs.
    pub estates: Vec<(String, Vec<[String; 2]>)>,
}

/// Keys that match estates across snapshots: each estate's name with the folder all of one side's
/// estates share removed (`2026-10/wien` and `2026-11/wien` are both `wien`). A side with one estate
/// gets the key "", so one estate is always compared with one estate, whatever its folder is called.
pub(crate) fn estate_keys(names: &[&str]) -> Vec<String> {
    let parts: Vec<Vec<&str>> = names
        .iter()
        .map(|n| {
            n.split(['/', '\\'])
                .filter(|c| !c.is_empty() && *c != ".")
                .collect()
        })
        .collect();
    if parts.len() <= 1 {
        return vec![String::new(); parts.len()];
    }
    let shortest = parts.iter().map(Vec::len).min().unwrap_or(0);
    let common = (0..shortest)
        .take_while(|&i| parts.iter().all(|p| p[i] == parts[0][i]))
        .count();
    parts.iter().map(|p| p[common..].join("/")).collect()
}

/// Compare two snapshots. Estates are matched by their names below the folder each side shares; `plan` adds progress.
pub fn compare<'a>(old: &'a Audit, new: &'a Audit, plan: Option<&PlanPairs>) -> Diff<'a> {
    let keyed = |audit: &'a Audit| -> BTreeMap<String, &'a AuditedEstate> {
        let names: Vec<&str> = audit
            .estates
            .iter()
            .map(|a| a.estate.name.as_str())
            .collect();
        estate_keys(&names)
            .into_iter()
            .zip(audit.estates.iter())
            .collect()
    };
    let (olds, news) = (keyed(old), keyed(new));
    let plan_keyed: BTreeMap<String, &Vec<[String; 2]>> = plan
        .map(|p| {
            let names: Vec<&str> = p.estates.iter().map(|(n, _)| n.as_str()).collect();
            estate_keys(&names)
                .into_iter()
                .zip(p.estates.iter().map(|(_, pairs)| pairs))
                .collect()
        })
        .unwrap_or_default();
    let keys: BTreeSet<&String> = olds.keys().chain(news.keys()).collect();
    let estates = keys
        .into_iter()
        .map(|key| {
            let (o, n) = (olds.get(key).copied(), news.get(key).copied());
            let name = if key.is_empty() {
                n.or(o).map(|a| a.estate.name.clone()).unwrap_or_default()
            } else {
                key.clone()
            };
            let progress =
                plan.map(|_| progress(n.map(|a| &a.estate), plan_keyed.get(key).copied()));
            estate_diff(name, o, n, progress)
        })
        .collect();
    Diff { estates }
}

fn estate_diff<'a>(
    name: String,
    old: Option<&'a AuditedEstate>,
    new: Option<&'a AuditedEstate>,
    progress: Option<Progress>,
) -> EstateDiff<'a> {
    let pools = |a: Option<&'a AuditedEstate>| -> BTreeMap<&'a str, &'a Pool> {
        a.map(|a| {
            a.estate
                .pools
                .iter()
                .map(|p| (p.fqdn.as_str(), p))
                .collect()
        })
        .unwrap_or_default()
    };
    let (op, np) = (pools(old), pools(new));
    let pools_added = np
        .keys()
        .filter(|k| !op.contains_key(*k))
        .map(|k| (*k).to_owned())
        .collect();
    let pools_removed = op
        .keys()
        .filter(|k| !np.contains_key(*k))
        .map(|k| (*k).to_owned())
        .collect();
    let mut facts_changed = Vec::new();
    for (fqdn, o) in &op {
        let Some(n) = np.get(fqdn) else { continue };
        for ((fact, ov), (_, nv)) in facts(o).into_iter().zip(facts(n)) {
            if ov != nv {
                facts_changed.push(FactChange {
                    pool: (*fqdn).to_owned(),
                    fact,
                    old: ov,
                    new: nv,
                });
            }
        }
    }
    let relations = |m: &BTreeMap<&str, &Pool>| -> BTreeSet<Relation> {
        m.values()
            .flat_map(|p| {
                p.all_backups().map(|b| Relation {
                    from: p.fqdn.clone(),
                    to: b.to_owned(),
                })
            })
            .collect()
    };
    let (or, nr) = (relations(&op), relations(&np));
    let (findings_new, findings_resolved, findings_unchanged) = match_findings(
        old.map_or(&[][..], |a| &a.findings),
        new.map_or(&[][..], |a| &a.findings),
    );
    EstateDiff {
        name,
        old,
        new,
        pools_added,
        pools_removed,
        facts_changed,
        backups_added: nr.difference(&or).cloned().collect(),
        backups_removed: or.difference(&nr).cloned().collect(),
        findings_new,
        findings_resolved,
        findings_unchanged,
        progress,
    }
}

/// The facts a diff compares, in the order they are shown, spelled as audit/v1 spells them.
pub(crate) fn facts(p: &Pool) -> Vec<(&'static str, Option<String>)> {
    let f = p.failover.unwrap_or_default();
    vec![
        ("site", p.site.clone()),
        ("role", Some(p.role.label().to_owned())),
        ("edition", p.edition.map(|e| e.label().to_owned())),
        ("version", p.version.map(|v| v.label().to_owned())),
        ("servers", Some(p.servers.to_string())),
        ("users", p.users.map(|u| u.to_string())),
        ("virtual", p.virtual_machine.map(|v| v.to_string())),
        ("os", p.os.clone()),
        ("backup", p.backup.clone()),
        ("failover.enabled", f.enabled.map(|v| v.to_string())),
        (
            "failover.failure_detection_s",
            f.failure_detection_s.map(|v| v.to_string()),
        ),
        ("failover.failback_s", f.failback_s.map(|v| v.to_string())),
        ("backup_service", p.backup_service.clone()),
        ("cms", p.cms.map(|c| c.label().to_owned())),
    ]
}

/// The key findings are matched by: code and the set of pools.
fn finding_key(f: &Finding) -> (&'static str, Vec<&str>) {
    let mut pools: Vec<&str> = f.pools.iter().map(String::as_str).collect();
    pools.sort_unstable();
    pools.dedup();
    (f.code.as_str(), pools)
}

type Matched<'a> = (Vec<&'a Finding>, Vec<&'a Finding>, Vec<&'a Finding>);

/// New, resolved and unchanged findings; each old finding matches at most one new one.
fn match_findings<'a>(old: &'a [Finding], new: &'a [Finding]) -> Matched<'a> {
    let mut unmatched: Vec<Option<&Finding>> = old.iter().map(Some).collect();
    let (mut added, mut unchanged) = (Vec::new(), Vec::new());
    for f in new {
        let key = finding_key(f);
        let hit = unmatched
            .iter_mut()
            .find(|o| o.is_some_and(|o| finding_key(o) == key));
        match hit {
            Some(slot) => {
                *slot = None;
                unchanged.push(f);
            }
            None => added.push(f),
        }
    }
    (added, unmatched.into_iter().flatten().collect(), unchanged)
}

fn sorted_pair(a: &str, b: &str) -> [String; 2] {
    if a <= b {
        [a.to_owned(), b.to_owned()]
    } else {
        [b.to_owned(), a.to_owned()]
    }
}

fn progress(new: Option<&Estate>, pairs: Option<&Vec<[String; 2]>>) -> Progress {
    let pairs = pairs.cloned().unwrap_or_default();
    let backup_of = |fqdn: &str| {
        new.and_then(|e| e.pool(fqdn))
            .and_then(|p| p.backup.clone())
    };
    let (mut set_up, mut to_do) = (Vec::new(), Vec::new());
    let planned: BTreeSet<[String; 2]> = pairs.iter().map(|[a, b]| sorted_pair(a, b)).collect();
    for pair in &planned {
        let [a, b] = pair;
        if backup_of(a).as_deref() == Some(b.as_str())
            && backup_of(b).as_deref() == Some(a.as_str())
        {
            set_up.push(pair.clone());
        } else {
            to_do.push(pair.clone());
        }
    }
    let mut not_in_plan = Vec::new();
    if let Some(e) = new {
        for p in e.pools.iter().filter(|p| p.role == Role::FrontEnd) {
            let Some(b) = &p.backup else { continue };
            let front_end = e.pool(b).is_some_and(|q| q.role == Role::FrontEnd);
            if front_end && !planned.contains(&sorted_pair(&p.fqdn, b)) {
                not_in_plan.push(Relation {
                    from: p.fqdn.clone(),
                    to: b.clone(),
                });
            }
        }
    }
    not_in_plan.sort();
    Progress {
        set_up,
        to_do,
        not_in_plan,
    }
}

/// One side of the diff: an `audit.json` (a `.json` file) read back, else exports audited as
/// `lyncpair audit PATH` would.
pub fn read_side(path: &Path, opts: &ImportOptions) -> Audit {
    let is_json = path.is_file()
        && path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"));
    if !is_json {
        return audit::run(&[path.to_path_buf()], opts);
    }
    let shown = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => match crate::text::decode(&bytes) {
            Ok(d) => d.text.into_owned(),
            Err(e) => return failed(&shown, e.message),
        },
        Err(e) => return failed(&shown, format!("cannot read: {e}")),
    };
    match from_audit_json(&shown, &text) {
        Ok(audit) => audit,
        Err(e) => Audit {
            estates: Vec::new(),
            errors: vec![e],
        },
    }
}

fn failed(path: &str, message: String) -> Audit {
    Audit {
        estates: Vec::new(),
        errors: vec![InputError::new(path, message)],
    }
}

/// An `audit.json` (`lyncpair/audit/v1`) back into the model: the estates, their pools with the
/// facts audit/v1 holds, and their findings. What the document does not hold (provenance, which
/// input stated a fact) stays empty; the errors of the run that wrote it are not carried over.
pub(crate) fn from_audit_json(path: &str, text: &str) -> Result<Audit, InputError> {
    let doc = parse_json(path, text)?;
    let schema = doc["schema"].as_str().unwrap_or("");
    if schema != crate::render::json::AUDIT_SCHEMA {
        return Err(InputError::new(
            path,
            format!(
                "a .json side of `lyncpair diff` must be an audit.json written by `lyncpair audit --format json` or `--out` (schema {}), this has schema \"{schema}\"",
                crate::render::json::AUDIT_SCHEMA
            ),
        ));
    }
    let document: Arc<str> = Arc::from(path);
    let mut estates: Vec<AuditedEstate> = items(&doc["estates"])
        .map(|e| estate_from_json(e, &document))
        .collect();
    estates.sort_by(|a, b| a.estate.name.cmp(&b.estate.name));
    Ok(Audit {
        estates,
        errors: Vec::new(),
    })
}

/// A JSON document, or the parser's error at its line and column.
fn parse_json(path: &str, text: &str) -> Result<Value, InputError> {
    serde_json::from_str(text).map_err(|e| InputError {
        path: path.to_owned(),
        message: format!("not JSON: {e}"),
        line: u32::try_from(e.line()).ok(),
        column: u32::try_from(e.column()).ok(),
    })
}

/// The elements of a JSON array; nothing when the value is missing or no array.
fn items(v: &Value) -> impl Iterator<Item = &Value> {
    v.as_array().into_iter().flatten()
}

fn str_of(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn line_of(v: &Value) -> Option<u32> {
    v.as_u64().and_then(|l| u32::try_from(l).ok())
}

/// One estate of an audit.json. `document` is the audit.json itself: a finding whose code this
/// version does not know becomes a note pointing at it.
fn estate_from_json(e: &Value, document: &Arc<str>) -> AuditedEstate {
    let mut notes = Vec::new();
    let mut findings = Vec::new();
    for f in items(&e["findings"]) {
        match finding_from_json(f, document) {
            Ok(finding) => findings.push(finding),
            Err(unknown_code) => notes.push(unknown_code),
        }
    }
    notes.extend(items(&e["notes"]).filter_map(note_from_json));
    AuditedEstate {
        estate: Estate {
            name: str_of(&e["name"]).unwrap_or_default(),
            inputs: items(&e["inputs"]).filter_map(input_from_json).collect(),
            sites: items(&e["sites"]).filter_map(site_from_json).collect(),
            pools: items(&e["pools"]).filter_map(pool_from_json).collect(),
            notes,
            ..Estate::default()
        },
        findings,
    }
}

fn input_from_json(i: &Value) -> Option<Input> {
    let format = [
        Format::TopologyXml,
        Format::Tbxml,
        Format::ConfigZip,
        Format::CmdletCsv,
        Format::Inventory,
    ]
    .into_iter()
    .find(|f| Some(f.label()) == i["format"].as_str())?;
    Some(Input {
        path: str_of(&i["path"])?,
        format,
        encoding: str_of(&i["encoding"]).unwrap_or_default(),
    })
}

fn site_from_json(s: &Value) -> Option<Site> {
    Some(Site {
        name: str_of(&s["name"])?,
        kind: if s["kind"] == "branch" {
            SiteKind::Branch
        } else {
            SiteKind::Central
        },
        parent: str_of(&s["parent"]),
    })
}

/// A finding as audit/v1 wrote it, or the note that its code is unknown to this version.
fn finding_from_json(f: &Value, document: &Arc<str>) -> Result<Finding, Note> {
    let raw = f["code"].as_str().unwrap_or("");
    let Some(info) = CATALOGUE.iter().find(|r| r.code == raw) else {
        return Err(Note {
            message: format!(
                "finding code \"{raw}\" is unknown to this version of lyncpair; that finding is not compared"
            )
            .into(),
            source: Source::in_file(document, None),
        });
    };
    let severity = match f["severity"].as_str() {
        Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        _ => Severity::Info,
    };
    let sources = items(&f["sources"])
        .filter_map(|s| Some(Source::new(s["path"].as_str()?, line_of(&s["line"]))))
        .collect();
    let mut finding = Finding::new(
        info.id,
        severity,
        items(&f["pools"]).filter_map(str_of).collect(),
        // Read back from an audit.json, which carries English only: shown as written.
        Message::verbatim(str_of(&f["message"]).unwrap_or_default()),
        sources,
    );
    finding.accepted = acceptance_from_json(&f["accepted"]);
    Ok(finding)
}

/// An acceptance needs its reason and a readable day; without either the finding is open.
fn acceptance_from_json(acc: &Value) -> Option<crate::accept::Acceptance> {
    Some(crate::accept::Acceptance {
        reason: str_of(&acc["reason"])?,
        until: acc["until"].as_str().and_then(crate::accept::Date::parse)?,
        by: str_of(&acc["by"]),
    })
}

fn note_from_json(n: &Value) -> Option<Note> {
    Some(Note {
        message: n["message"].as_str()?.to_owned().into(),
        source: Source::new(n["path"].as_str()?, line_of(&n["line"])),
    })
}

fn pool_from_json(p: &Value) -> Option<Pool> {
    let role = [
        Role::FrontEnd,
        Role::Director,
        Role::Branch,
        Role::Edge,
        Role::Mediation,
        Role::Other,
    ]
    .into_iter()
    .find(|r| Some(r.label()) == p["role"].as_str())
    .unwrap_or(Role::Other);
    let failover = p["failover"].is_object().then(|| Failover {
        enabled: p["failover"]["enabled"].as_bool(),
        failure_detection_s: p["failover"]["failure_detection_s"].as_i64(),
        failback_s: p["failover"]["failback_s"].as_i64(),
    });
    Some(Pool {
        fqdn: str_of(&p["fqdn"])?,
        site: str_of(&p["site"]),
        role,
        edition: p["edition"].as_str().and_then(Edition::from_label),
        version: p["version"].as_str().and_then(Version::from_label),
        servers: p["servers"]
            .as_u64()
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0),
        machines: Vec::new(),
        users: p["users"].as_u64(),
        virtual_machine: p["virtual"].as_bool(),
        os: str_of(&p["os"]),
        backup: str_of(&p["backup"]),
        extra_backups: Vec::new(),
        failover,
        backup_service: str_of(&p["backup_service"]),
        cms: p["cms"].as_str().and_then(CmsRole::from_label),
        planned: false,
        provenance: BTreeMap::new(),
    })
}

/// The pairs of a `plan.json` (`lyncpair/plan/v1`).
pub fn read_plan(path: &Path) -> Result<PlanPairs, InputError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError::new(&shown, format!("cannot read the plan: {e}")))?;
    let doc = parse_json(&shown, &text)?;
    if doc["schema"] != "lyncpair/plan/v1" {
        return Err(InputError::new(
            &shown,
            "--plan needs a plan.json written by `lyncpair plan --format json` or `--out` (schema lyncpair/plan/v1)",
        ));
    }
    let estates = doc["estates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let pairs = e["pairs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| match p["pools"].as_array()?.as_slice() {
                    [a, b] => Some(sorted_pair(
                        &crate::model::normalize_fqdn(a.as_str()?),
                        &crate::model::normalize_fqdn(b.as_str()?),
                    )),
                    _ => None,
                })
                .collect();
            (e["name"].as_str().unwrap_or("").to_owned(), pairs)
        })
        .collect();
    Ok(PlanPairs { estates })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Code;
    use crate::rules::test_support::{estate, fe};

    fn audited(name: &str, pools: Vec<Pool>) -> AuditedEstate {
        let mut e = estate(pools);
        e.name = name.to_owned();
        let findings = crate::rules::check(&e);
        AuditedEstate {
            estate: e,
            findings,
        }
    }

    fn one(a: AuditedEstate) -> Audit {
        Audit {
            estates: vec![a],
            errors: vec![],
        }
    }

    #[test]
    fn keys_drop_the_shared_folder() {
        assert_eq!(estate_keys(&["snap/2026-10"]), [""]);
        assert_eq!(
            estate_keys(&["a/2026-10/hamburg", "a/2026-10/wien", "a/2026-10"]),
            ["hamburg", "wien", ""]
        );
        assert_eq!(estate_keys(&["x\\hh", "x\\vie"]), ["hh", "vie"]);
    }

    #[test]
    fn a_repaired_pair_shows_as_relations_facts_and_findings() {
        let old = one(audited(
            "2026-10",
            vec![
                fe("a.fabrikam.test", "Hamburg", Some("b.fabrikam.test")),
                fe("b.fabrikam.test", "Hamburg", None),
            ],
        ));
        let new = one(audited(
            "2026-11",
            vec![
                fe("a.fabrikam.test", "Hamburg", Some("b.fabrikam.test")),
                fe("b.fabrikam.test", "Wien", Some("a.fabrikam.test")),
                fe("c.fabrikam.test", "Wien", None),
            ],
        ));
        let d = compare(&old, &new, None);
        assert_eq!(d.estates.len(), 1);
        let e = &d.estates[0];
        assert_eq!(e.pools_added, ["c.fabrikam.test"]);
        assert!(e.pools_removed.is_empty());
        let changes: Vec<(&str, &str, Option<&str>, Option<&str>)> = e
            .facts_changed
            .iter()
            .map(|c| (c.pool.as_str(), c.fact, c.old.as_deref(), c.new.as_deref()))
            .collect();
        assert_eq!(
            changes,
            [
                ("b.fabrikam.test", "site", Some("Hamburg"), Some("Wien")),
                ("b.fabrikam.test", "backup", None, Some("a.fabrikam.test")),
            ]
        );
        assert_eq!(
            e.backups_added,
            [Relation {
                from: "b.fabrikam.test".into(),
                to: "a.fabrikam.test".into()
            }]
        );
        let codes = |v: &[&Finding]| v.iter().map(|f| f.code).collect::<Vec<_>>();
        assert_eq!(
            codes(&e.findings_resolved),
            // b moved to Wien: the pair is no longer in one site.
            [
                Code::BackupNotReciprocal,
                Code::BackupMissing,
                Code::PairSameSite
            ]
        );
        assert_eq!(codes(&e.findings_new), [Code::BackupMissing]);
        assert_eq!(e.findings_new[0].pools, ["c.fabrikam.test"]);
        assert_eq!(d.worst_new(), Some(Severity::Warning));
    }

    #[test]
    fn the_same_estate_gives_an_empty_diff() {
        let pools = vec![
            fe("a.fabrikam.test", "Hamburg", Some("b.fabrikam.test")),
            fe("b.fabrikam.test", "Wien", Some("a.fabrikam.test")),
        ];
        let (old, new) = (
            one(audited("x", pools.clone())),
            one(audited("y", pools.into_iter().rev().collect())),
        );
        let d = compare(&old, &new, None);
        assert!(d.estates[0].is_empty(), "{:?}", d.estates[0]);
        assert_eq!(d.estates[0].findings_unchanged.len(), 0);
        assert_eq!(d.worst_new(), None);
    }

    #[test]
    fn progress_against_a_plan() {
        let new = one(audited(
            "e",
            vec![
                fe("a.fabrikam.test", "Hamburg", Some("b.fabrikam.test")),
                fe("b.fabrikam.test", "Wien", Some("a.fabrikam.test")),
                fe("c.fabrikam.test", "Hamburg", Some("d.fabrikam.test")),
                fe("d.fabrikam.test", "Wien", Some("c.fabrikam.test")),
                fe("e.fabrikam.test", "Wien", None),
                fe("f.fabrikam.test", "Hamburg", None),
            ],
        ));
        let plan = PlanPairs {
            estates: vec![(
                "plan-estate".into(),
                vec![
                    sorted_pair("b.fabrikam.test", "a.fabrikam.test"),
                    sorted_pair("e.fabrikam.test", "f.fabrikam.test"),
                ],
            )],
        };
        let d = compare(&new, &new, Some(&plan));
        let p = d.estates[0].progress.as_ref().unwrap();
        assert_eq!(
            p.set_up,
            [sorted_pair("a.fabrikam.test", "b.fabrikam.test")]
        );
        assert_eq!(p.to_do, [sorted_pair("e.fabrikam.test", "f.fabrikam.test")]);
        let not: Vec<(&str, &str)> = p
            .not_in_plan
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(
            not,
            [
                ("c.fabrikam.test", "d.fabrikam.test"),
                ("d.fabrikam.test", "c.fabrikam.test")
            ]
        );
    }

    #[test]
    fn an_audit_json_reads_back_into_the_same_diff() {
        let a = one(audited(
            "e",
            vec![
                fe("a.fabrikam.test", "Hamburg", Some("b.fabrikam.test")),
                fe("b.fabrikam.test", "Hamburg", Some("a.fabrikam.test")),
            ],
        ));
        let json = crate::render::json::render(&a);
        let back = from_audit_json("audit.json", &json).unwrap();
        let d = compare(&back, &a, None);
        assert!(d.estates[0].is_empty(), "{:?}", d.estates[0]);
        assert_eq!(
            d.estates[0].findings_unchanged.len(),
            a.estates[0].findings.len()
        );
        assert!(!a.estates[0].findings.is_empty());
        let err = from_audit_json("p.json", r#"{"schema":"lyncpair/plan/v1"}"#).unwrap_err();
        assert!(err.message.contains("lyncpair/plan/v1"), "{}", err.message);
    }
}
