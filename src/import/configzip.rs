//! `Export-CsConfiguration` archives (FORMATS.md §5): read in memory, never extracted to disk.
//!
//! The archive's `DocItemSet.xml` entry (any folder, any letter case) is decoded like any export and
//! scanned in one streaming pass; every `Topology` element of the Topology.2008 namespace, at any
//! depth, is read by the published-topology reader and resolved by D1–D8. Provenance points inside
//! the archive: `export.zip!DocItemSet.xml:42`.
//!
//! Archives come from other people, so their sizes are not trusted: the declared sizes are checked
//! before anything is decompressed, and the one entry that is read is cut off at the same bound
//! while it is decompressed (a lying header cannot get past that).

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use super::InputError;
use super::resolve::resolve;
use super::topology::read_topology_body;
use super::xml::{NS_TOPOLOGY, XmlReader};
use crate::model::{Format, Input, InputRecords, Note, Source};
use crate::text;

/// The entry holding the configuration documents.
pub const DOC_ITEM_SET: &str = "DocItemSet.xml";

/// Bounds that no real configuration export comes near (a real one is a few MB).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub entries: usize,
    /// Uncompressed bytes of any one entry.
    pub entry_bytes: u64,
    /// Uncompressed bytes of all entries together, as declared.
    pub total_bytes: u64,
}

pub const LIMITS: Limits = Limits {
    entries: 10_000,
    entry_bytes: 512 << 20,
    total_bytes: 512 << 20,
};

/// Whether the archive has a `DocItemSet.xml` entry, i.e. is a configuration export.
pub fn is_config_zip(bytes: &[u8]) -> bool {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive
            .file_names()
            .any(|n| n.is_ok_and(|n| is_doc_item_set(&n))),
        Err(_) => false,
    }
}

/// Read a ZIP archive as a configuration export; one without `DocItemSet.xml` is an error that
/// lists its entries (the dispatcher sends spreadsheets elsewhere).
pub fn read(bytes: &[u8], display: &str) -> Result<InputRecords, InputError> {
    read_with(bytes, display, LIMITS)
}

fn is_doc_item_set(name: &str) -> bool {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    file.eq_ignore_ascii_case(DOC_ITEM_SET)
}

/// At most this many entry names are listed in an error message.
const LISTED: usize = 12;

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    let mut shown: Vec<&str> = names.iter().take(LISTED).map(String::as_str).collect();
    let rest = names.len().saturating_sub(LISTED);
    let more = format!("and {rest} more");
    if rest > 0 {
        shown.push(&more);
    }
    shown.join(", ")
}

fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// [`read`] with the bounds as a parameter, so tests can exceed them cheaply.
fn read_with(bytes: &[u8], display: &str, limits: Limits) -> Result<InputRecords, InputError> {
    let mut archive = open_archive(bytes, display, limits)?;
    let entries = list_entries(&mut archive, display, limits)?;
    let Some((index, entry_name)) = entries.doc_item_sets.first().cloned() else {
        return Err(InputError::new(
            display,
            format!(
                "this ZIP archive has no {DOC_ITEM_SET} entry, so it is neither an Export-CsConfiguration \
                 export nor a spreadsheet lyncpair reads; its entries: {}",
                list(&entries.names)
            ),
        ));
    };
    let inner = format!("{display}!{entry_name}");
    let data = read_entry(&mut archive, index, &inner, limits)?;
    if data.len() as u64 > limits.entry_bytes {
        return Err(bomb(
            display,
            &entry_name,
            data.len() as u64,
            limits.entry_bytes,
            "expands to",
        ));
    }

    let decoded = text::decode(&data).map_err(|e| InputError::new(&inner, e.message))?;
    let scan = scan(&decoded.text).map_err(|e| InputError::from_xml(&inner, e))?;
    if scan.topologies.is_empty() {
        return Err(no_topology(&inner, &entry_name, &scan, &entries.names));
    }

    let mut records = InputRecords::new(Input {
        path: inner.clone(),
        format: Format::ConfigZip,
        encoding: decoded.encoding.label().to_owned(),
    });
    for doc in &scan.topologies {
        resolve(doc, &mut records);
    }
    for (message, line) in scan.notes {
        records.notes.push(Note {
            message,
            source: Source::new(&inner, Some(line)),
        });
    }
    for (_, other) in entries.doc_item_sets.iter().skip(1) {
        records.notes.push(Note {
            message: crate::i18n::Message::new("note.zip.further_doc_item_set")
                .arg("other", other.as_str())
                .arg("read", entry_name.as_str()),
            source: Source::new(display, None),
        });
    }
    // The input is the archive; the facts keep pointing inside it.
    records.input.path = display.to_owned();
    Ok(records)
}

type Archive<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

/// Open the archive's central directory, refusing more entries than a configuration export has.
fn open_archive<'b>(
    bytes: &'b [u8],
    display: &str,
    limits: Limits,
) -> Result<Archive<'b>, InputError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        InputError::new(
            display,
            format!(
                "this ZIP archive cannot be read ({e}): it is damaged or incomplete; copy it again or \
                 export it again with Export-CsConfiguration"
            ),
        )
    })?;
    if archive.len() > limits.entries {
        return Err(InputError::new(
            display,
            format!(
                "this ZIP archive has {} entries, more than the {} lyncpair accepts; a configuration \
                 export has a handful, so it was not read",
                archive.len(),
                limits.entries
            ),
        ));
    }
    Ok(archive)
}

/// The entries of an archive, by the sizes they declare (nothing is decompressed yet).
struct Entries {
    /// Every entry's name, in archive order (listed in messages).
    names: Vec<String>,
    /// Index and name of each `DocItemSet.xml`; the first is read.
    doc_item_sets: Vec<(usize, String)>,
}

/// List the entries, refusing any whose declared size is above the bounds, alone or together.
fn list_entries(
    archive: &mut Archive<'_>,
    display: &str,
    limits: Limits,
) -> Result<Entries, InputError> {
    let mut names = Vec::with_capacity(archive.len());
    let mut total: u64 = 0;
    let mut doc_item_sets = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index_data(i).map_err(|e| {
            InputError::new(
                display,
                format!(
                    "entry {} of this ZIP archive cannot be read ({e}): the archive is damaged",
                    i + 1
                ),
            )
        })?;
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned());
        if entry.size() > limits.entry_bytes {
            return Err(bomb(
                display,
                &name,
                entry.size(),
                limits.entry_bytes,
                "declares",
            ));
        }
        total = total.saturating_add(entry.size());
        if total > limits.total_bytes {
            return Err(InputError::new(
                display,
                format!(
                    "the entries of this ZIP archive declare more than {} MiB together once \
                     decompressed, above the {} MiB lyncpair accepts: a damaged or malicious archive \
                     (zip bomb), so it was not read",
                    mib(total),
                    mib(limits.total_bytes)
                ),
            ));
        }
        if !entry.is_dir() && is_doc_item_set(&name) {
            doc_item_sets.push((i, name.clone()));
        }
        names.push(name);
    }
    Ok(Entries {
        names,
        doc_item_sets,
    })
}

/// Decompress entry `index` (named `inner` in errors), at most one byte beyond the entry bound.
fn read_entry(
    archive: &mut Archive<'_>,
    index: usize,
    inner: &str,
    limits: Limits,
) -> Result<Vec<u8>, InputError> {
    let entry = archive.by_index(index).map_err(|e| {
        InputError::new(
            inner,
            format!(
                "the entry cannot be opened ({e}); encrypted or unusually compressed archives are \
                 not read: export again with Export-CsConfiguration"
            ),
        )
    })?;
    // One byte beyond the bound tells an entry that is exactly at it from one that is larger.
    // The zip crate also stops an entry that outgrows its declared size (a forged header).
    let mut data = Vec::new();
    entry
        .take(limits.entry_bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            InputError::new(
                inner,
                format!(
                    "the entry cannot be decompressed ({e}): the archive is damaged, or its sizes are \
                     forged (a zip bomb); copy it again or export it again with Export-CsConfiguration"
                ),
            )
        })?;
    Ok(data)
}

/// `DocItemSet.xml` holds no topology: say what it holds instead, and how to export one.
fn no_topology(inner: &str, entry_name: &str, scan: &Scan, names: &[String]) -> InputError {
    let escaped = if scan.escaped_topology {
        " It mentions the topology namespace only inside text (escaped XML), which lyncpair does \
         not read; export the topology with (Get-CsTopology -AsXml).ToString() instead."
    } else {
        ""
    };
    InputError::new(
        inner,
        format!(
            "no <Topology> element ({NS_TOPOLOGY}) in {entry_name}, so there is no topology to audit; \
             its DocItems: {}; the archive's entries: {}.{escaped}",
            list(&scan.doc_items),
            list(names)
        ),
    )
}

fn bomb(display: &str, entry: &str, size: u64, limit: u64, verb: &str) -> InputError {
    InputError::new(
        display,
        format!(
            "entry {entry} {verb} more than {} MiB once decompressed, above the {} MiB lyncpair accepts \
             for one entry: a damaged or malicious archive (zip bomb), so it was not read",
            mib(size).max(1),
            mib(limit)
        ),
    )
}

#[derive(Debug, Default)]
struct Scan {
    topologies: Vec<super::topology::TopologyDoc>,
    /// `DocItem/@Name` values, for the error when no topology is found.
    doc_items: Vec<String>,
    escaped_topology: bool,
    notes: Vec<(crate::i18n::Message, u32)>,
}

/// One pass over the entry: every Topology.2008 `Topology` element, wherever it is.
fn scan(text: &str) -> Result<Scan, super::xml::XmlError> {
    let mut r = XmlReader::new(text);
    let mut out = Scan::default();
    // Open elements outside the topologies, with the line of the innermost: a truncated entry must
    // not pass for a complete one.
    let mut open: Vec<u32> = Vec::new();
    loop {
        let (ns, event) = r.next_event()?;
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                if ns == NS_TOPOLOGY && local.as_ref() == "Topology" {
                    let signature = r.attr(&e, "Signature")?.map(|s| (s, r.line()));
                    let mut doc = read_topology_body(&mut r)?;
                    doc.signature = signature;
                    out.topologies.push(doc);
                    continue;
                }
                open.push(r.line());
                if local.as_ref() == "DocItem"
                    && let Some(name) = r.attr(&e, "Name")?
                {
                    out.doc_items.push(name);
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Empty(e) => {
                let local = e.local_name();
                if ns == NS_TOPOLOGY && local.as_ref() == "Topology" {
                    let line = r.line();
                    out.notes
                        .push((crate::i18n::Message::new("note.zip.empty_topology"), line));
                } else if local.as_ref() == "DocItem"
                    && let Some(name) = r.attr(&e, "Name")?
                {
                    out.doc_items.push(name);
                }
            }
            Event::Text(t) if !out.escaped_topology => {
                out.escaped_topology = t.as_ref().contains(NS_TOPOLOGY);
            }
            Event::CData(c) if !out.escaped_topology => {
                out.escaped_topology = c.as_ref().contains(NS_TOPOLOGY);
            }
            Event::Eof => {
                return match open.last() {
                    None => Ok(out),
                    Some(line) => Err(r.error_here(format!(
                        "the entry ends inside an element opened at line {line}: it is truncated; \
                         copy the archive again"
                    ))),
                };
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use std::io::Write;

    use zip::CompressionMethod;
    use zip::write::SimpleFileOptions;

    use super::*;
    use crate::model::{Edition, Role, Version};

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types" />"#;

    /// One Enterprise front-end pool, 2013, in site Hamburg.
    const TOPOLOGY: &str = r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
        <Sites><CentralSite SiteId="1"><Name>Hamburg</Name></CentralSite></Sites>
        <Clusters>
          <Cluster Fqdn="pool-ham.fabrikam.test">
            <ClusterId SiteId="1" Number="1" />
            <Machine OrdinalInCluster="1" Fqdn="ham-fe1.fabrikam.test" />
          </Cluster>
          <Cluster Fqdn="sql-ham.fabrikam.test"><ClusterId SiteId="1" Number="2" /></Cluster>
        </Clusters>
        <SqlInstances><SqlInstance><SqlInstanceId Name=""><ClusterId SiteId="1" Number="2" /></SqlInstanceId></SqlInstance></SqlInstances>
        <Services>
          <Service ServiceVersion="6">
            <ServiceId SiteId="1" RoleName="UserServices" Instance="1" />
            <DependsOn><Dependency Usage="Default"><ServiceId SiteId="1" RoleName="UserStore" Instance="1" /></Dependency></DependsOn>
            <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
          </Service>
          <Service ServiceVersion="6">
            <ServiceId SiteId="1" RoleName="Registrar" Instance="1" />
            <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
          </Service>
          <Service ServiceVersion="6">
            <ServiceId SiteId="1" RoleName="UserStore" Instance="1" />
            <InstalledOn><SqlInstanceId Name=""><ClusterId SiteId="1" Number="2" /></SqlInstanceId></InstalledOn>
          </Service>
        </Services>
      </Topology>"#;

    fn doc_item_set(topologies: &[&str]) -> String {
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DocItemSet>\n");
        for (i, t) in topologies.iter().enumerate() {
            let _ = write!(
                s,
                "  <DocItem Name=\"item{i}\">\n    <Data>\n      {t}\n    </Data>\n  </DocItem>\n"
            );
        }
        s.push_str("</DocItemSet>\n");
        s
    }

    fn small(entry_bytes: u64) -> Limits {
        Limits {
            entries: 10,
            entry_bytes,
            total_bytes: 4 * entry_bytes,
        }
    }

    #[test]
    fn topology_inside_doc_item_set_is_read_with_provenance_inside_the_archive() {
        let xml = doc_item_set(&[TOPOLOGY]);
        let bytes = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("DocItemSet.xml", xml.as_bytes()),
        ]);
        assert!(is_config_zip(&bytes));
        let r = read(&bytes, "export.zip").unwrap();
        assert_eq!(r.input.path, "export.zip");
        assert_eq!(r.input.format, Format::ConfigZip);
        assert_eq!(r.input.encoding, "ascii");
        let [p] = r.pools.as_slice() else {
            panic!("one pool expected: {:?}", r.pools);
        };
        assert_eq!(p.fqdn, "pool-ham.fabrikam.test");
        assert_eq!(p.role.as_ref().unwrap().value, Role::FrontEnd);
        assert_eq!(p.edition.as_ref().unwrap().value, Edition::Enterprise);
        assert_eq!(p.version.as_ref().unwrap().value, Version::V2013);
        assert_eq!(p.site.as_ref().unwrap().value, "Hamburg");
        // The Cluster element is on line 8 of the entry (line 6 of TOPOLOGY, which starts on line 5).
        assert_eq!(
            p.source,
            Some(Source::new("export.zip!DocItemSet.xml", Some(8)))
        );
    }

    #[test]
    fn every_topology_is_read_and_the_entry_is_found_in_any_folder_and_case() {
        let second = TOPOLOGY
            .replace("pool-ham", "pool-vie")
            .replace("Hamburg", "Wien");
        let xml = doc_item_set(&[TOPOLOGY, &second]);
        // UTF-16LE with BOM, as Windows tools like to write XML.
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in xml.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let bytes = zip_of(&[
            ("export/", b""),
            ("export/docitemset.XML", &utf16),
            ("[Content_Types].xml", CONTENT_TYPES),
        ]);
        assert!(is_config_zip(&bytes));
        let r = read(&bytes, "x.zip").unwrap();
        assert_eq!(r.input.encoding, "utf-16le");
        let fqdns: Vec<&str> = r.pools.iter().map(|p| p.fqdn.as_str()).collect();
        assert_eq!(fqdns, ["pool-ham.fabrikam.test", "pool-vie.fabrikam.test"]);
        assert_eq!(
            &*r.pools[1].source.as_ref().unwrap().path,
            "x.zip!export/docitemset.XML"
        );
    }

    #[test]
    fn archive_without_doc_item_set_lists_its_entries() {
        let bytes = zip_of(&[("pools.txt", b"pool-ham"), ("notes/readme.md", b"hi")]);
        assert!(!is_config_zip(&bytes));
        let e = read(&bytes, "x.zip").unwrap_err();
        assert_eq!(e.path, "x.zip");
        assert!(
            e.message.contains("has no DocItemSet.xml entry")
                && e.message
                    .ends_with("its entries: pools.txt, notes/readme.md"),
            "{}",
            e.message
        );
    }

    #[test]
    fn doc_item_set_without_topology_names_what_it_holds() {
        let xml = r#"<DocItemSet><DocItem Name="urn:xds:VoicePolicy"><Data><VoicePolicy Identity="Global" /></Data></DocItem></DocItemSet>"#;
        let bytes = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("DocItemSet.xml", xml.as_bytes()),
        ]);
        let e = read(&bytes, "x.zip").unwrap_err();
        assert_eq!(e.path, "x.zip!DocItemSet.xml");
        assert!(
            e.message.starts_with("no <Topology> element"),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("its DocItems: urn:xds:VoicePolicy; the archive's entries: [Content_Types].xml, DocItemSet.xml."),
            "{}",
            e.message
        );
        assert!(!e.message.contains("escaped"), "{}", e.message);
    }

    #[test]
    fn escaped_topology_is_reported_not_guessed() {
        let xml = r#"<DocItemSet><DocItem Name="t"><Data>&lt;Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"/&gt;</Data></DocItem></DocItemSet>"#;
        let bytes = zip_of(&[("DocItemSet.xml", xml.as_bytes())]);
        let e = read(&bytes, "x.zip").unwrap_err();
        assert!(
            e.message.contains("only inside text (escaped XML)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn truncated_doc_item_set_is_an_error_with_its_line() {
        let xml = doc_item_set(&[TOPOLOGY]);
        let cut = &xml[..xml.find("    </Data>").unwrap()];
        let bytes = zip_of(&[("DocItemSet.xml", cut.as_bytes())]);
        let e = read(&bytes, "x.zip").unwrap_err();
        assert_eq!(e.path, "x.zip!DocItemSet.xml");
        assert!(e.message.contains("truncated"), "{}", e.message);
        assert!(e.line.is_some());
    }

    #[test]
    fn damaged_archives_are_errors_not_panics() {
        let xml = doc_item_set(&[TOPOLOGY]);
        let bytes = zip_of(&[("DocItemSet.xml", xml.as_bytes())]);
        // Cut off: no central directory.
        let e = read(&bytes[..bytes.len() / 2], "x.zip").unwrap_err();
        assert!(
            e.message.starts_with("this ZIP archive cannot be read"),
            "{}",
            e.message
        );
        // Compressed data overwritten: the directory is fine, the entry is not.
        let mut broken = bytes.clone();
        let data_start = 30 + "DocItemSet.xml".len();
        for b in &mut broken[data_start + 10..data_start + 60] {
            *b = 0xFF;
        }
        let e = read(&broken, "x.zip").unwrap_err();
        assert_eq!(e.path, "x.zip!DocItemSet.xml");
        assert!(
            e.message.starts_with("the entry cannot be decompressed"),
            "{}",
            e.message
        );
    }

    #[test]
    fn entries_declaring_too_much_are_refused_before_reading() {
        let zeros = vec![0u8; 64 * 1024];
        let bytes = zip_of(&[("DocItemSet.xml", &zeros)]);
        let e = read_with(&bytes, "x.zip", small(16 * 1024)).unwrap_err();
        assert!(
            e.message
                .contains("entry DocItemSet.xml declares more than")
                && e.message.contains("zip bomb"),
            "{}",
            e.message
        );
        // Together too: four entries within the per-entry bound, above the total.
        let bytes = zip_of(&[
            ("a.bin", &zeros),
            ("b.bin", &zeros),
            ("c.bin", &zeros),
            ("DocItemSet.xml", &zeros),
            ("d.bin", &zeros),
        ]);
        let e = read_with(&bytes, "x.zip", small(64 * 1024)).unwrap_err();
        assert!(e.message.contains("declare more than"), "{}", e.message);
    }

    /// Overwrite the uncompressed size of every entry, in local and central headers alike.
    fn lie_about_sizes(bytes: &mut [u8], size: u32) {
        let mut i = 0;
        while i + 30 <= bytes.len() {
            match &bytes[i..i + 4] {
                b"PK\x03\x04" => bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
                b"PK\x01\x02" => bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
                _ => {}
            }
            i += 1;
        }
    }

    #[test]
    fn an_entry_that_expands_beyond_its_declared_size_is_refused() {
        let zeros = vec![0u8; 256 * 1024];
        let mut bytes = zip_of(&[("DocItemSet.xml", &zeros)]);
        lie_about_sizes(&mut bytes, 100);
        let e = read_with(&bytes, "x.zip", small(16 * 1024)).unwrap_err();
        assert_eq!(e.path, "x.zip!DocItemSet.xml");
        assert!(
            e.message
                .contains("larger than its declared uncompressed size")
                && e.message.contains("zip bomb"),
            "{}",
            e.message
        );
    }

    #[test]
    fn reading_stops_at_the_bound_whatever_the_header_says() {
        // Honest header, just above the bound: the declared check is what refuses it ...
        let zeros = vec![0u8; 16 * 1024 + 1];
        let bytes = zip_of(&[("DocItemSet.xml", &zeros)]);
        let e = read_with(&bytes, "x.zip", small(16 * 1024)).unwrap_err();
        assert!(e.message.contains("declares more than"), "{}", e.message);
        // ... and exactly at the bound it is read (and found not to be a topology).
        let zeros = vec![b' '; 16 * 1024];
        let bytes = zip_of(&[("DocItemSet.xml", &zeros)]);
        let e = read_with(&bytes, "x.zip", small(16 * 1024)).unwrap_err();
        assert!(
            e.message.starts_with("no XML element") || e.message.starts_with("no <Topology>"),
            "{}",
            e.message
        );
    }

    #[test]
    fn the_real_bound_refuses_a_declared_giant() {
        let mut bytes = zip_of(&[("DocItemSet.xml", b"<DocItemSet/>")]);
        lie_about_sizes(&mut bytes, 3 << 30);
        let e = read(&bytes, "x.zip").unwrap_err();
        assert!(
            e.message.contains("more than 3072 MiB") && e.message.contains("above the 512 MiB"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_archive_cut_anywhere_is_an_error_never_a_panic() {
        let xml = doc_item_set(&[TOPOLOGY]);
        let bytes = zip_of(&[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("DocItemSet.xml", xml.as_bytes()),
        ]);
        assert!(read(&bytes, "x.zip").is_ok());
        for cut in 0..bytes.len() {
            assert!(read(&bytes[..cut], "x.zip").is_err(), "accepted at {cut}");
        }
    }

    #[test]
    fn too_many_entries_are_refused() {
        let names: Vec<String> = (0..11).map(|i| format!("f{i}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
        let e = read_with(&zip_of(&entries), "x.zip", small(1024)).unwrap_err();
        assert!(e.message.contains("has 11 entries"), "{}", e.message);
    }
}
