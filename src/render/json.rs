//! `lyncpair/audit/v1` (CONTRACT.md "JSON"), documented in `docs/audit-schema.md`.
//!
//! View structs keep the field order of the contract; the model's own types never leak a field the
//! contract does not name, apart from `notes` (see the schema document).

use serde::Serialize;

use crate::accept::Acceptance;
use crate::audit::{Audit, AuditedEstate, Summary};
use crate::import::InputError;
use crate::model::{CmsRole, Edition, Failover, Format, Note, Role, SiteKind, Source, Version};
use crate::rules::{Code, Severity};

/// The schema name of the audit document.
pub const AUDIT_SCHEMA: &str = "lyncpair/audit/v1";

/// The whole document as one value: `document` writes its fields in this order from the
/// estates' parts, and the tests compare the two byte for byte.
#[cfg(test)]
#[derive(Serialize)]
pub(crate) struct AuditJson<'a> {
    pub schema: &'static str,
    pub tool_version: &'static str,
    pub estates: Vec<EstateJson<'a>>,
    pub errors: &'a [InputError],
    pub summary: Summary,
}

#[derive(Serialize)]
pub(crate) struct EstateJson<'a> {
    pub name: &'a str,
    pub inputs: Vec<InputJson<'a>>,
    pub sites: Vec<SiteJson<'a>>,
    pub pools: Vec<PoolJson<'a>>,
    pub findings: Vec<FindingJson<'a>>,
    /// What the importers kept but did not understand (lyncpair addition to audit/v1).
    pub notes: Vec<NoteJson<'a>>,
}

#[derive(Serialize)]
pub(crate) struct InputJson<'a> {
    pub path: &'a str,
    pub format: Format,
    pub encoding: &'a str,
}

#[derive(Serialize)]
pub(crate) struct SiteJson<'a> {
    pub name: &'a str,
    pub kind: SiteKind,
    pub parent: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct PoolJson<'a> {
    pub fqdn: &'a str,
    pub site: Option<&'a str>,
    pub role: Role,
    pub edition: Option<Edition>,
    pub version: Option<Version>,
    pub servers: u32,
    pub users: Option<u64>,
    #[serde(rename = "virtual")]
    pub virtual_machine: Option<bool>,
    pub os: Option<&'a str>,
    pub backup: Option<&'a str>,
    pub failover: Option<Failover>,
    /// Additive (2026-11-27): the pool whose BackupService this pool's syncs with.
    pub backup_service: Option<&'a str>,
    /// Additive (2026-11-27): "active" or "standby" Central Management store.
    pub cms: Option<CmsRole>,
}

#[derive(Serialize)]
pub(crate) struct FindingJson<'a> {
    pub code: Code,
    pub severity: Severity,
    pub pools: &'a [String],
    pub message: &'a str,
    pub sources: &'a [Source],
    /// What to do (additive field, 2026-11-27).
    pub fix: &'a str,
    /// Set when an `--accept` entry accepts the finding (additive, issue 13).
    pub accepted: Option<&'a Acceptance>,
}

#[derive(Serialize)]
pub(crate) struct NoteJson<'a> {
    /// English: scripts read audit.json.
    pub message: String,
    pub path: &'a str,
    pub line: Option<u32>,
}

#[cfg(test)]
impl<'a> AuditJson<'a> {
    pub(crate) fn new(audit: &'a Audit) -> AuditJson<'a> {
        AuditJson {
            schema: AUDIT_SCHEMA,
            tool_version: env!("CARGO_PKG_VERSION"),
            estates: audit.estates.iter().map(EstateJson::new).collect(),
            errors: &audit.errors,
            summary: audit.summary(),
        }
    }
}

impl<'a> EstateJson<'a> {
    fn new(a: &'a AuditedEstate) -> EstateJson<'a> {
        let e = &a.estate;
        EstateJson {
            name: &e.name,
            inputs: e
                .inputs
                .iter()
                .map(|i| InputJson {
                    path: &i.path,
                    format: i.format,
                    encoding: &i.encoding,
                })
                .collect(),
            sites: e
                .sites
                .iter()
                .map(|s| SiteJson {
                    name: &s.name,
                    kind: s.kind,
                    parent: s.parent.as_deref(),
                })
                .collect(),
            pools: e
                .pools
                .iter()
                .map(|p| PoolJson {
                    fqdn: &p.fqdn,
                    site: p.site.as_deref(),
                    role: p.role,
                    edition: p.edition,
                    version: p.version,
                    servers: p.servers,
                    users: p.users,
                    virtual_machine: p.virtual_machine,
                    os: p.os.as_deref(),
                    backup: p.backup.as_deref(),
                    failover: p.failover,
                    backup_service: p.backup_service.as_deref(),
                    cms: p.cms,
                })
                .collect(),
            findings: a
                .findings
                .iter()
                .map(|f| FindingJson {
                    code: f.code,
                    severity: f.severity,
                    pools: &f.pools,
                    message: &f.message,
                    sources: &f.sources,
                    fix: &f.fix,
                    accepted: f.accepted.as_ref(),
                })
                .collect(),
            notes: e.notes.iter().map(note).collect(),
        }
    }
}

fn note(n: &Note) -> NoteJson<'_> {
    NoteJson {
        message: n.message.render(crate::i18n::Lang::En),
        path: &n.source.path,
        line: n.source.line,
    }
}

/// The `lyncpair/audit/v1` document of `audit` (docs/audit-schema.md).
pub fn render(audit: &Audit) -> String {
    let parts = estate_parts(&audit.estates);
    let parts: Vec<&EstatePart> = parts.iter().collect();
    document(&parts, &audit.errors)
}

/// One estate's object in the `estates` array of an audit document, written as the whole
/// document's serialisation writes it there (two levels deep), and its open findings' counts.
///
/// Why in parts: a batch of 500 estates wrote its document in one serde_json call on one thread
/// while the other cores waited; the parts are written in parallel and joined (the main thread's
/// share of that batch: 82 M → 37 M instructions). `audit --out` writes each part twice, in the
/// run's `audit.json` and in the estate's own, from one rendering (`render::report`).
pub(crate) struct EstatePart {
    json: Vec<u8>,
    summary: Summary,
}

/// The parts of `estates`, in their order, written in parallel (rayon).
pub(crate) fn estate_parts(estates: &[AuditedEstate]) -> Vec<EstatePart> {
    use rayon::prelude::*;
    estates.par_iter().map(estate_part).collect()
}

/// The part of one estate.
pub(crate) fn estate_part(a: &AuditedEstate) -> EstatePart {
    let mut json = Vec::new();
    // Inside the document's object (depth 1) and its `estates` array (depth 2).
    serialize_at(&mut json, 2, &EstateJson::new(a));
    EstatePart {
        json,
        summary: Summary {
            errors: a.count(Severity::Error),
            warnings: a.count(Severity::Warning),
            infos: a.count(Severity::Info),
        },
    }
}

/// The document of some estates of the run (all of them, or one for its own `audit.json` in a
/// batch), from their parts in order: byte for byte what serialising `AuditJson` whole writes
/// (tested). The errors are the run's, as an unreadable file belongs to no estate; the summary
/// counts the given estates.
pub(crate) fn document(parts: &[&EstatePart], errors: &[InputError]) -> String {
    let summary = Summary {
        errors: parts.iter().map(|p| p.summary.errors).sum(),
        warnings: parts.iter().map(|p| p.summary.warnings).sum(),
        infos: parts.iter().map(|p| p.summary.infos).sum(),
    };
    let estates_len: usize = parts.iter().map(|p| p.json.len() + 6).sum();
    let mut out = Vec::with_capacity(estates_len + 1024);
    // The fields of `AuditJson`, in its order, each as its serialisation writes it at depth 1.
    out.extend_from_slice(b"{\n  \"schema\": ");
    serialize_at(&mut out, 1, &AUDIT_SCHEMA);
    out.extend_from_slice(b",\n  \"tool_version\": ");
    serialize_at(&mut out, 1, &env!("CARGO_PKG_VERSION"));
    out.extend_from_slice(b",\n  \"estates\": [");
    for (k, part) in parts.iter().enumerate() {
        out.extend_from_slice(if k == 0 { b"\n    " } else { b",\n    " });
        out.extend_from_slice(&part.json);
    }
    if !parts.is_empty() {
        out.extend_from_slice(b"\n  ");
    }
    out.extend_from_slice(b"],\n  \"errors\": ");
    serialize_at(&mut out, 1, &errors);
    out.extend_from_slice(b",\n  \"summary\": ");
    serialize_at(&mut out, 1, &summary);
    out.extend_from_slice(b"\n}\n");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// `value` as serde_json's pretty printer writes it `depth` levels deep in a document.
fn serialize_at(out: &mut Vec<u8>, depth: usize, value: &impl Serialize) {
    let formatter = Indented {
        depth,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value
        .serialize(&mut serializer)
        .expect("audit JSON serialises");
}

/// serde_json's `PrettyFormatter` (two spaces a level) with each line break and its indentation
/// written at once: the pretty formatter writes the indentation one level at a time, which was a
/// fifth of the instructions of writing a large audit. The bytes are the same (tested).
#[derive(Default)]
struct Indented {
    depth: usize,
    has_value: bool,
}

/// A comma, a line break and the indentation of up to 32 levels, sliced for each line.
const LINE_BREAKS: &[u8; 66] =
    b",\n                                                                ";

impl Indented {
    /// A line break (after a comma unless `first`) and the indentation of the current depth.
    fn new_line<W: ?Sized + std::io::Write>(
        &self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        let start = usize::from(first);
        match LINE_BREAKS.get(start..2 + 2 * self.depth) {
            Some(line) => writer.write_all(line),
            None => {
                writer.write_all(&LINE_BREAKS[start..2])?;
                (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
            }
        }
    }

    /// An opening bracket: one level deeper, no value yet.
    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// The line break and indentation before a closing bracket, if the array or object had values.
    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer, true)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(writer, first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        _writer: &mut W,
    ) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Every key path of a JSON value, arrays written as `[]`: the schema documents' sync tests
/// (audit/v1 here, diff/v1 in `render::diff`) compare these with the documented fields.
#[cfg(test)]
pub(crate) fn paths(
    prefix: &str,
    v: &serde_json::Value,
    out: &mut std::collections::BTreeSet<String>,
) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                paths(&p, child, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(&format!("{prefix}[]"), item, out);
            }
        }
        _ => {}
    }
}

/// Fails unless the key paths of `json` are exactly the fields `doc` (a file under `docs/`) lists
/// in its table rows (`| \`path\` | …`): keeps each schema document true to the output.
#[cfg(test)]
pub(crate) fn assert_schema_doc_matches(json: &serde_json::Value, doc: &str) {
    let mut produced = std::collections::BTreeSet::new();
    paths("", json, &mut produced);
    let text =
        std::fs::read_to_string(format!("{}/docs/{doc}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let documented: std::collections::BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(p, _)| p.to_owned()))
        .collect();
    assert_eq!(
        produced, documented,
        "docs/{doc} and the JSON output disagree"
    );
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::audit::AuditedEstate;
    use crate::model::{Estate, Input, Pool, Site};
    use crate::rules::Finding;

    fn full_audit() -> Audit {
        let src = Source::new("t.xml", Some(3));
        let estate = Estate {
            name: "e".into(),
            inputs: vec![Input {
                path: "t.xml".into(),
                format: Format::TopologyXml,
                encoding: "utf-8".into(),
            }],
            sites: vec![Site {
                name: "s".into(),
                kind: SiteKind::Central,
                parent: None,
            }],
            pools: vec![Pool {
                fqdn: "a.t".into(),
                site: Some("s".into()),
                role: Role::FrontEnd,
                edition: Some(Edition::Standard),
                version: Some(Version::V2013),
                servers: 1,
                machines: vec![],
                users: Some(1),
                virtual_machine: Some(true),
                os: Some("x".into()),
                backup: Some("b.t".into()),
                extra_backups: vec![],
                failover: Some(Failover::default()),
                backup_service: Some("b.t".into()),
                cms: Some(CmsRole::Standby),
                planned: false,
                provenance: BTreeMap::new(),
            }],
            notes: vec![Note {
                message: "n".into(),
                source: src.clone(),
            }],
            ..Estate::default()
        };
        let finding = Finding::new(
            Code::BackupSelf,
            Severity::Error,
            vec!["a.t".into()],
            "m".into(),
            vec![src],
        );
        let mut accepted = Finding::new(
            Code::PairSameSite,
            Severity::Warning,
            vec!["a.t".into(), "b.t".into()],
            "m".into(),
            vec![],
        );
        accepted.accepted = Some(crate::accept::Acceptance {
            reason: "r".into(),
            until: crate::accept::Date::parse("2027-01-31").unwrap(),
            by: Some("me".into()),
        });
        Audit {
            estates: vec![AuditedEstate {
                estate,
                findings: vec![finding, accepted],
            }],
            errors: vec![InputError::new("bad.xml", "broken")],
        }
    }

    /// The estate of `full_audit` and a second one with fewer findings.
    fn two_estates() -> Audit {
        let mut audit = full_audit();
        let mut second = full_audit().estates.remove(0);
        second.estate.name = "f".into();
        second.findings.pop();
        audit.estates.push(second);
        audit
    }

    #[test]
    fn the_document_is_written_as_serde_json_writes_it_pretty() {
        let mut none = full_audit();
        none.estates.clear();
        let mut no_errors = two_estates();
        no_errors.errors.clear();
        for audit in [&full_audit(), &two_estates(), &none, &no_errors] {
            let mut expected = serde_json::to_string_pretty(&AuditJson::new(audit)).unwrap();
            expected.push('\n');
            assert_eq!(render(audit), expected);
        }
        // An estate's own document (`audit --out` in a batch) from its part.
        let two = two_estates();
        let parts = estate_parts(&two.estates);
        let mut alone = two_estates();
        alone.estates.remove(0);
        let mut expected = serde_json::to_string_pretty(&AuditJson::new(&alone)).unwrap();
        expected.push('\n');
        assert_eq!(document(&[&parts[1]], &two.errors), expected);
        // Deeper than the indentation written at once, and empty containers.
        let deep = (0..40).fold(
            serde_json::json!([{}, []]),
            |v, i| serde_json::json!({ "k": [v, i] }),
        );
        let mut out = Vec::new();
        deep.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            Indented::default(),
        ))
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(&deep).unwrap()
        );
    }

    #[test]
    fn schema_doc_lists_every_field() {
        let json: serde_json::Value = serde_json::from_str(&render(&full_audit())).unwrap();
        assert_schema_doc_matches(&json, "audit-schema.md");
    }

    #[test]
    fn json_has_the_contract_schema_name_and_summary() {
        let json: serde_json::Value = serde_json::from_str(&render(&full_audit())).unwrap();
        assert_eq!(json["schema"], "lyncpair/audit/v1");
        assert_eq!(json["summary"]["errors"], 1);
        // The accepted warning is in the document, not in the counts.
        assert_eq!(json["summary"]["warnings"], 0);
        assert_eq!(
            json["estates"][0]["findings"][1]["accepted"]["until"],
            "2027-01-31"
        );
        assert_eq!(
            json["estates"][0]["findings"][0]["accepted"],
            serde_json::Value::Null
        );
        assert_eq!(json["estates"][0]["pools"][0]["virtual"], true);
        assert_eq!(json["errors"][0]["line"], serde_json::Value::Null);
    }
}
