//! What the three fuzz targets share: how one fuzz input is cut into parts, how parts are wrapped
//! into the container formats lyncpair reads, and the whole pipeline with its oracles.
//!
//! The input layouts are documented in docs/fuzzing.md; `cargo xtask fuzz` writes seeds in them.

use std::io::{Cursor, Write};

use lyncpair::audit::{Audit, AuditedEstate};
use lyncpair::estate::{self, EstateInputs};
use lyncpair::i18n::Lang;
use lyncpair::import::{self, ImportOptions, InputError};
use lyncpair::plan::{self, PairingPlan, PlanError, PlanRequest};
use lyncpair::render::{self, document, report, templates::Templates};
use lyncpair::rules;

/// Separates the parts of one fuzz input. Text a person can read in a seed, and in fuzz/dicts so
/// the fuzzer finds it when it mutates.
pub const PART_SEPARATOR: &[u8] = b"\n--lyncpair-part--\n";

/// At most `max` parts: the last one keeps any further separators.
pub fn split_parts(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() + 1 < max {
        match find(rest, PART_SEPARATOR) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + PART_SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every importer must name the file in its error (or an entry of it, as `file!entry` for
/// archives), and count lines and columns from 1.
pub fn check_input_error(e: &InputError, display: &str) {
    let entry = e
        .path
        .strip_prefix(display)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('!'));
    assert!(entry, "an input error must name the file {display}: {e}");
    assert!(e.line != Some(0), "lines are counted from 1: {e}");
    assert!(e.column != Some(0), "columns are counted from 1: {e}");
    assert!(
        !e.message.trim().is_empty(),
        "an input error must say something: {e:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Containers

/// The container kinds the `containers` target builds (the low bits of its first byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// Export-CsConfiguration zip: parts = [DocItemSet.xml].
    ConfigZip,
    /// xlsx: parts = [xl/worksheets/sheet1.xml, xl/sharedStrings.xml, xl/workbook.xml].
    Xlsx,
    /// ods: parts = [content.xml].
    Ods,
    /// Legacy xls: parts = [the BIFF8 `Workbook` stream], in an OLE compound file.
    Xls,
}

impl Container {
    pub const ALL: [Container; 4] = [
        Container::ConfigZip,
        Container::Xlsx,
        Container::Ods,
        Container::Xls,
    ];

    /// How many parts are content; one part more is the patch list (see [`apply_patches`]).
    pub fn content_parts(self) -> usize {
        match self {
            Container::ConfigZip | Container::Ods | Container::Xls => 1,
            Container::Xlsx => 3,
        }
    }
}

const CONTENT_TYPES_XLSX: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// Used when the fuzz input has no workbook part: one sheet, so the fuzzed sheet is read.
pub const DEFAULT_WORKBOOK_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Pools" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

pub const DEFAULT_SHARED_STRINGS_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>"#;

const ODS_MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// Build a container from `parts` (`deflate` picks the zip compression), then apply the patch list
/// that follows the content parts, so damage to the container itself is fuzzed too.
pub fn build_container(kind: Container, deflate: bool, parts: &[&[u8]]) -> Vec<u8> {
    let part = |i: usize| parts.get(i).copied();
    let mut bytes = match kind {
        Container::ConfigZip => zip_of(
            deflate,
            &[
                (
                    "[Content_Types].xml",
                    br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="text/xml" /></Types>"#,
                ),
                ("DocItemSet.xml", part(0).unwrap_or_default()),
            ],
        ),
        Container::Xlsx => zip_of(
            deflate,
            &[
                ("[Content_Types].xml", CONTENT_TYPES_XLSX.as_bytes()),
                ("_rels/.rels", ROOT_RELS.as_bytes()),
                (
                    "xl/workbook.xml",
                    part(2).unwrap_or(DEFAULT_WORKBOOK_XML.as_bytes()),
                ),
                ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
                (
                    "xl/sharedStrings.xml",
                    part(1).unwrap_or(DEFAULT_SHARED_STRINGS_XML.as_bytes()),
                ),
                ("xl/worksheets/sheet1.xml", part(0).unwrap_or_default()),
            ],
        ),
        Container::Ods => zip_of(
            deflate,
            &[
                // The OpenDocument rule: `mimetype` first and stored (zip_of stores it).
                ("mimetype", ODS_MIMETYPE.as_bytes()),
                ("META-INF/manifest.xml", ODS_MANIFEST.as_bytes()),
                ("content.xml", part(0).unwrap_or_default()),
            ],
        ),
        Container::Xls => compound_file(part(0).unwrap_or_default()),
    };
    if let Some(patches) = part(kind.content_parts()) {
        apply_patches(&mut bytes, patches);
    }
    bytes
}

fn zip_of(deflate: bool, entries: &[(&str, &[u8])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if deflate && *name != "mimetype" {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default());
        zip.start_file(*name, options).expect("in-memory zip entry");
        zip.write_all(data).expect("in-memory zip write");
    }
    zip.finish().expect("in-memory zip").into_inner()
}

fn compound_file(workbook: &[u8]) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("in-memory cfb");
    {
        let mut stream = cfb
            .create_stream("/Workbook")
            .expect("in-memory cfb stream");
        stream.write_all(workbook).expect("in-memory cfb write");
    }
    cfb.flush().expect("in-memory cfb flush");
    cfb.into_inner().into_inner()
}

/// Patches of three bytes each: a little-endian u16 offset (modulo the container's length) and a
/// byte XORed there. At most 64, so a patch list cannot make an input slow.
pub fn apply_patches(bytes: &mut [u8], patches: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    for patch in patches.chunks_exact(3).take(64) {
        let offset = usize::from(u16::from_le_bytes([patch[0], patch[1]])) % bytes.len();
        bytes[offset] ^= patch[2];
    }
}

// ---------------------------------------------------------------------------------------------
// The whole pipeline

thread_local! {
    // Parsing the templates takes longer than a whole small audit: once per process and language.
    static TEMPLATES: [Templates; 2] = [
        Templates::load(None, Lang::En).expect("built-in templates load"),
        Templates::load(None, Lang::De).expect("built-in templates load"),
    ];
}

/// Every text the pipeline produced for one input, in a fixed order (compared across two runs).
pub type Outputs = Vec<(String, Vec<u8>)>;

/// Import `inputs` as one estate, check the rules, plan, and render everything `audit --out` and
/// `plan --out` write and every stdout format. Panics when an oracle fails.
pub fn run_pipeline(inputs: &[&[u8]], lang: Lang, colour: render::Colour, pin: bool) -> Outputs {
    let opts = ImportOptions::default();
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (i, bytes) in inputs.iter().enumerate() {
        let display = format!("fuzz/input-{}", i + 1);
        match import::import_bytes(bytes, &display, &opts) {
            Ok(r) => records.push(r),
            Err(e) => {
                check_input_error(&e, &display);
                errors.push(e);
            }
        }
    }
    errors.sort();
    let mut estates = Vec::new();
    if !records.is_empty() {
        let estate = estate::build(EstateInputs {
            name: "fuzz".to_owned(),
            records,
        });
        let findings = rules::check(&estate);
        estates.push(AuditedEstate { estate, findings });
    }
    let audit = Audit { estates, errors };

    let mut out: Outputs = Vec::new();
    let mut put = |name: &str, text: String| out.push((name.to_owned(), text.into_bytes()));

    let audit_json = render::json::render(&audit);
    serde_json::from_str::<serde_json::Value>(&audit_json).expect("audit JSON is valid JSON");
    put("audit.json", audit_json);
    put("human", render::human::render(&audit, colour, lang));
    let all: Vec<&AuditedEstate> = audit.estates.iter().collect();
    put("findings.csv", render::csv::render(&all, lang));

    let run = report::RunInfo {
        lang,
        generated: report::iso_utc(0),
        tool_version: "fuzz",
        paths: vec!["fuzz".to_owned()],
    };
    let estate_refs: Vec<&lyncpair::model::Estate> =
        audit.estates.iter().map(|a| &a.estate).collect();
    // Without pins or forbids, the only plan a valid estate can be refused is one whose inventory
    // declares a successor that cannot host its pools (CONTRACT: exit 2); that estate's report then
    // goes without a plan section, as with `lyncpair audit --out`.
    let suggested: Vec<Option<PairingPlan>> = estate_refs
        .iter()
        .map(|e| match plan::plan(&[*e], &PlanRequest::default()) {
            Ok(mut plans) => plans.pop(),
            Err(problems) => {
                assert!(
                    problems.iter().all(PlanError::is_successor),
                    "a plan without pins or forbids fails only on a declared successor: {problems:?}"
                );
                None
            }
        })
        .collect();

    TEMPLATES.with(|all_templates| {
        let templates = &all_templates[usize::from(lang == Lang::De)];
        for f in document::audit_files(&run, &audit, templates, &suggested)
            .expect("built-in report templates render")
        {
            let name = format!("{}/{}", f.folder.as_deref().unwrap_or("."), f.name);
            put(
                &name,
                String::from_utf8(f.bytes).expect("reports are UTF-8"),
            );
        }

        // A pin of the first two pools exercises the constraint checks of the planner; it may be
        // refused (not eligible, same pool), which is an answer, not a failure.
        let mut request = PlanRequest::default();
        if pin {
            if let Some(e) = estate_refs.first() {
                let mut names = e.pools.iter().map(|p| p.fqdn.clone());
                if let (Some(a), Some(b)) = (names.next(), names.next()) {
                    request.pins.push((a, b));
                }
            }
        }
        let plans: Vec<PairingPlan> = match plan::plan(&estate_refs, &request) {
            Ok(plans) => plans,
            Err(problems) => {
                assert!(!problems.is_empty(), "a refused plan says why");
                let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
                put("plan-problems", text.join("\n"));
                suggested.iter().flatten().cloned().collect()
            }
        };
        let plan_json = render::plan_json::render(&plans);
        serde_json::from_str::<serde_json::Value>(&plan_json).expect("plan JSON is valid JSON");
        put("plan.json", plan_json);
        put(
            "plan-human",
            render::plan_human::render(&plans, audit.errors.len(), colour, lang),
        );
        for name in ["plan.md.tera", "plan.html.tera"] {
            put(
                name,
                document::plan_report(templates, name, &run, &audit, &plans, "pairing-runbook.ps1")
                    .expect("built-in plan templates render"),
            );
        }
        put("pairing-runbook.ps1", render::runbook::render(&plans));
    });
    out
}
