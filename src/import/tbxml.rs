//! Topology Builder documents (`.tbxml`, FORMATS.md §4): one streaming pass into a [`TopologyDoc`],
//! then the same D1–D8 reading as published topologies ([`resolve`]).
//!
//! A `.tbxml` keys clusters, SQL instances and services by GUID `UniqueId` and nests clusters in
//! their site. The reader maps that onto the published reader's [`TopologyDoc`]: keys are the
//! lowercased GUIDs, a cluster's site is the site element it sits in, and `Service/@InstalledOn`
//! becomes a cluster or SQL-instance placement once the whole part is read (nothing forces a
//! service to come after the cluster it names).
//!
//! `NewTopology` is audited. An `OldTopology` beside it \[G\] is read too, only to report what the two
//! disagree on. The root's `FileName` attribute is never read: it leaks the author's local path.

use std::collections::{BTreeMap, BTreeSet};

use quick_xml::events::{BytesStart, Event};

use super::InputError;
use super::resolve::resolve;
use super::topology::{
    DocBackup, DocCluster, DocDependency, DocService, DocSite, DocSqlInstance, Placement,
    RegistrarAttrs, TopologyDoc, read_topology_body, service_key,
};
use super::xml::{
    NS_SERVICE_ROLES, NS_TOPOLOGY, NS_TOPOLOGY_BUILDER, NS_WRITABLE_TOPOLOGY, XmlError, XmlReader,
    parse_bool,
};
use crate::i18n::Message;
use crate::model::{
    Format, Input, InputRecords, Note, PendingChange, PoolRecord, SiteKind, Source,
};
use crate::text::Decoded;

/// Read a `.tbxml` whose root the dispatcher has recognised as `TopologyBuilder`.
pub fn read(decoded: &Decoded, display: &str) -> Result<InputRecords, InputError> {
    let parsed = parse(&decoded.text).map_err(|e| InputError::from_xml(display, e))?;
    let input = Input {
        path: display.to_owned(),
        format: Format::Tbxml,
        encoding: decoded.encoding.label().to_owned(),
    };
    let Some(new) = parsed.new else {
        return Err(InputError {
            line: Some(parsed.root_line),
            column: None,
            ..InputError::new(
                display,
                "this Topology Builder document holds no NewTopology with a PartialTopology, so there is \
                 no topology to audit; open it in Topology Builder and save it again, or export the \
                 published topology with (Get-CsTopology -AsXml).ToString()",
            )
        });
    };
    let note = |(message, line): (String, u32)| Note {
        message: message.into(),
        source: Source::new(display, Some(line)),
    };
    let mut records = InputRecords::new(input.clone());
    resolve(&new.doc, &mut records);
    records.notes.extend(new.notes.into_iter().map(note));
    records.notes.extend(parsed.notes.into_iter().map(note));
    match parsed.old {
        None => {}
        Some(Ok(old)) => {
            let mut old_records = InputRecords::new(input);
            resolve(&old.doc, &mut old_records);
            records.pending_changes = compare(&records, &old_records);
        }
        // The old part is only compared, never audited: its inconsistency must not hide NewTopology.
        Some(Err(e)) => records.notes.push(Note {
            message: format!(
                "OldTopology was not compared with NewTopology: {}",
                e.message
            )
            .into(),
            source: Source::new(display, e.line.or(Some(parsed.root_line))),
        }),
    }
    Ok(records)
}

/// One topology part of the file, read and checked for dangling references.
#[derive(Debug)]
struct PartDoc {
    doc: TopologyDoc,
    /// (message, line) of things kept but not understood.
    notes: Vec<(String, u32)>,
}

#[derive(Debug)]
struct Parsed {
    new: Option<PartDoc>,
    old: Option<Result<PartDoc, XmlError>>,
    notes: Vec<(String, u32)>,
    root_line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    New,
    Old,
}

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::New => "NewTopology",
            Part::Old => "OldTopology",
        }
    }
}

/// The elements the reader descends into; everything else is skipped unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Builder,
    Wrapper(Part),
    Partial,
    CentralSites,
    /// A `CentralSite`, or any site-like element under `RemoteSites` (a branch site, D3).
    Site,
    RemoteSites,
    Clusters,
    Cluster,
    Machines,
    SqlInstances,
    Services,
    Service,
    DependsOn,
    /// A `Backup` of a Registrar service (D1).
    Backup,
}

/// What to do with an element's content once its start tag is handled.
enum Next {
    Read(Frame),
    Skip,
    /// The handler read the element, end tag included.
    Consumed,
}

/// A start tag `<x>` (content and an end tag follow) or an empty element `<x/>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Start,
    Empty,
}

/// The element whose start tag is being handled.
struct Element<'e, 'a> {
    ns: &'e str,
    local: &'e str,
    start: &'e BytesStart<'a>,
    line: u32,
    tag: Tag,
}

impl Element<'_, '_> {
    /// In the namespace of the writable topology, which holds most of a `.tbxml`.
    fn is_writable(&self) -> bool {
        self.ns == NS_WRITABLE_TOPOLOGY
    }
}

/// A GUID reference to check once the part is complete.
#[derive(Debug)]
struct Reference {
    /// Lowercased, for lookup.
    guid: String,
    /// As in the file, for the message.
    written: String,
    /// Byte offset of the attribute, for line:column in the error.
    offset: usize,
    from: String,
    kind: RefKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefKind {
    InstalledOn,
    Dependency,
}

#[derive(Debug)]
struct OpenSite {
    site: DocSite,
    clusters: usize,
}

#[derive(Debug)]
struct OpenCluster {
    cluster: DocCluster,
    unnamed_machines: usize,
}

/// The `PartialTopology` being read.
#[derive(Debug, Default)]
struct PartBuilder {
    doc: TopologyDoc,
    sites: Vec<OpenSite>,
    cluster: Option<OpenCluster>,
    service: Option<DocService>,
    refs: Vec<Reference>,
    notes: Vec<(String, u32)>,
}

struct State<'t> {
    text: &'t str,
    frames: Vec<(Frame, String, u32)>,
    part: PartBuilder,
    new: Option<PartDoc>,
    old: Option<Result<PartDoc, XmlError>>,
    notes: Vec<(String, u32)>,
}

/// `{A0…}` and `a0…` name the same GUID.
fn guid(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// Byte offset of attribute `name` in the start tag beginning at `tag_start`, or the tag itself.
fn attr_offset(text: &str, tag_start: usize, name: &str) -> usize {
    let Some(tag) = text.get(tag_start..) else {
        return tag_start;
    };
    let end = tag.find('>').unwrap_or(tag.len());
    let tag = &tag[..end];
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let after = tag[at + name.len()..].trim_start();
        if at > 0 && tag.as_bytes()[at - 1].is_ascii_whitespace() && after.starts_with('=') {
            return tag_start + at;
        }
        from = at + name.len();
    }
    tag_start
}

/// Read up to the root element, which must be a non-empty `TopologyBuilder`.
fn read_root(r: &mut XmlReader<'_>) -> Result<(), XmlError> {
    loop {
        let (ns, event) = r.next_event()?;
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                if ns == NS_TOPOLOGY_BUILDER && local == "TopologyBuilder" {
                    return Ok(());
                }
                return Err(r.error_here(wrong_root(&ns, &local)));
            }
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_owned();
                if ns == NS_TOPOLOGY_BUILDER && local == "TopologyBuilder" {
                    return Err(r.error_here(
                        "the TopologyBuilder element is empty: the document holds no NewTopology to audit",
                    ));
                }
                return Err(r.error_here(wrong_root(&ns, &local)));
            }
            Event::Eof => {
                return Err(XmlError::whole_file(
                    "no XML element found: this is not a Topology Builder document",
                ));
            }
            _ => {}
        }
    }
}

fn parse(text: &str) -> Result<Parsed, XmlError> {
    let mut r = XmlReader::new(text);
    read_root(&mut r)?;
    let root_line = r.line();
    let mut st = State {
        text,
        frames: vec![(Frame::Builder, "TopologyBuilder".to_owned(), root_line)],
        part: PartBuilder::default(),
        new: None,
        old: None,
        notes: Vec::new(),
    };
    loop {
        let (ns, event) = r.next_event()?;
        match event {
            Event::Start(e) => st.element(&mut r, &ns, &e, Tag::Start)?,
            Event::Empty(e) => st.element(&mut r, &ns, &e, Tag::Empty)?,
            Event::End(_) => {
                let Some((frame, _, line)) = st.frames.pop() else {
                    break;
                };
                st.close(frame, line)?;
                if st.frames.is_empty() {
                    break;
                }
            }
            Event::Eof => {
                let (_, name, line) = st.frames.last().cloned().unwrap_or((
                    Frame::Builder,
                    "TopologyBuilder".to_owned(),
                    root_line,
                ));
                return Err(r.error_here(format!(
                    "the file ends inside <{name}> opened at line {line}: the document is truncated; \
                     copy it again or save it again in Topology Builder"
                )));
            }
            _ => {}
        }
    }
    Ok(Parsed {
        new: st.new,
        old: st.old,
        notes: st.notes,
        root_line,
    })
}

fn wrong_root(ns: &str, local: &str) -> String {
    let ns = if ns.is_empty() { "no namespace" } else { ns };
    format!(
        "root element is <{local}> ({ns}), expected <TopologyBuilder> ({NS_TOPOLOGY_BUILDER}): \
         not a Topology Builder document"
    )
}

/// Site names are in the Topology.2008 namespace in every sample; the writable one is accepted too.
fn is_name(ns: &str, local: &str) -> bool {
    local == "Name" && (ns == NS_TOPOLOGY || ns == NS_WRITABLE_TOPOLOGY)
}

impl State<'_> {
    fn top(&self) -> Option<Frame> {
        self.frames.last().map(|f| f.0)
    }

    /// An element starts or is empty: open it, then read its content in a new frame, skip it, or
    /// (when it is empty) close it at once.
    fn element<'a>(
        &mut self,
        r: &mut XmlReader<'a>,
        ns: &str,
        e: &BytesStart<'a>,
        tag: Tag,
    ) -> Result<(), XmlError> {
        let line = r.line();
        let local = e.local_name().as_ref().to_owned();
        let el = Element {
            ns,
            local: &local,
            start: e,
            line,
            tag,
        };
        match (self.open(r, &el)?, tag) {
            (Next::Read(frame), Tag::Start) => self.frames.push((frame, local, line)),
            (Next::Read(frame), Tag::Empty) => self.close(frame, line)?,
            (Next::Skip, Tag::Start) => r.skip(e)?,
            _ => {}
        }
        Ok(())
    }

    /// Handle the start tag of an element inside the frame on top, and say what to do with its
    /// content.
    fn open<'a>(&mut self, r: &mut XmlReader<'a>, el: &Element<'_, 'a>) -> Result<Next, XmlError> {
        let Some(top) = self.top() else {
            return Ok(Next::Skip);
        };
        let next = match top {
            Frame::Builder | Frame::Wrapper(_) | Frame::Partial => {
                self.open_in_document(r, top, el)?
            }
            Frame::CentralSites
            | Frame::Site
            | Frame::RemoteSites
            | Frame::Clusters
            | Frame::Cluster
            | Frame::Machines
            | Frame::SqlInstances => self.open_in_sites(r, top, el)?,
            Frame::Services | Frame::Service | Frame::Backup | Frame::DependsOn => {
                self.open_in_services(r, top, el)?
            }
        };
        Ok(if el.tag == Tag::Empty && !matches!(next, Next::Read(_)) {
            Next::Consumed
        } else {
            next
        })
    }

    /// The wrappers: `NewTopology`/`OldTopology`, the `PartialTopology` in them, or a published
    /// topology in their place.
    fn open_in_document<'a>(
        &mut self,
        r: &mut XmlReader<'a>,
        top: Frame,
        el: &Element<'_, 'a>,
    ) -> Result<Next, XmlError> {
        let (ns, wt) = (el.ns, el.is_writable());
        Ok(match (top, el.local) {
            (Frame::Builder, "NewTopology") if ns == NS_TOPOLOGY_BUILDER => {
                Next::Read(Frame::Wrapper(Part::New))
            }
            (Frame::Builder, "OldTopology") if ns == NS_TOPOLOGY_BUILDER => {
                Next::Read(Frame::Wrapper(Part::Old))
            }
            (Frame::Wrapper(_), "PartialTopology") if wt => {
                self.part = PartBuilder::default();
                Next::Read(Frame::Partial)
            }
            // A published topology inside the wrapper [G]: read it as the published reader does.
            (Frame::Wrapper(part), "Topology") if ns == NS_TOPOLOGY && el.tag == Tag::Start => {
                let doc = read_topology_body(r)?;
                let doc = PartDoc {
                    doc,
                    notes: Vec::new(),
                };
                self.store(part, Ok(doc), el.line)?;
                Next::Consumed
            }
            (Frame::Partial, "CentralSites") if wt => Next::Read(Frame::CentralSites),
            (Frame::Partial, "Services") if wt => Next::Read(Frame::Services),
            _ => Next::Skip,
        })
    }

    /// Sites, their clusters, and the machines and SQL instances of a cluster.
    fn open_in_sites<'a>(
        &mut self,
        r: &mut XmlReader<'a>,
        top: Frame,
        el: &Element<'_, 'a>,
    ) -> Result<Next, XmlError> {
        let (e, line, wt) = (el.start, el.line, el.is_writable());
        Ok(match (top, el.local) {
            (Frame::CentralSites, "CentralSite") if wt => {
                self.open_site(r, e, line, SiteKind::Central, None)?;
                Next::Read(Frame::Site)
            }
            (Frame::Site, local) if is_name(el.ns, local) && el.tag == Tag::Start => {
                let name = r.text_content()?;
                if let Some(s) = self.part.sites.last_mut() {
                    s.site.name = Some(name);
                }
                Next::Consumed
            }
            (Frame::Site, "Clusters") if wt => Next::Read(Frame::Clusters),
            // D3: only a central site holds branch sites.
            (Frame::Site, "RemoteSites") if wt && self.in_central_site() => {
                Next::Read(Frame::RemoteSites)
            }
            // The element name of a branch site is not known [G]: any child of RemoteSites is one.
            (Frame::RemoteSites, _) => {
                let parent = self.part.sites.last().map(|s| s.site.id.clone());
                self.open_site(r, e, line, SiteKind::Branch, parent)?;
                Next::Read(Frame::Site)
            }
            (Frame::Clusters, "Cluster") if wt => {
                self.open_cluster(r, e, line)?;
                Next::Read(Frame::Cluster)
            }
            (Frame::Cluster, "Machines") if wt => Next::Read(Frame::Machines),
            (Frame::Cluster, "SqlInstances") if wt => Next::Read(Frame::SqlInstances),
            (Frame::Machines, "Machine") if wt => {
                self.add_machine(r, e)?;
                Next::Skip
            }
            (Frame::SqlInstances, "SqlInstance") if wt => {
                self.add_sql_instance(r, e, line)?;
                Next::Skip
            }
            _ => Next::Skip,
        })
    }

    /// Services: their role elements, backups and dependencies.
    fn open_in_services<'a>(
        &mut self,
        r: &mut XmlReader<'a>,
        top: Frame,
        el: &Element<'_, 'a>,
    ) -> Result<Next, XmlError> {
        let (ns, e, line, wt) = (el.ns, el.start, el.line, el.is_writable());
        Ok(match (top, el.local) {
            (Frame::Services, "Service") if wt => {
                self.open_service(r, e, line)?;
                Next::Read(Frame::Service)
            }
            (Frame::Service, "DependsOn") if wt => Next::Read(Frame::DependsOn),
            (Frame::Service, "RegistrarService") if ns == NS_SERVICE_ROLES => {
                let attrs = RegistrarAttrs {
                    is_director: r.attr(e, "IsDirector")?,
                    line,
                };
                if let Some(s) = self.part.service.as_mut() {
                    s.registrar = Some(attrs);
                }
                Next::Skip
            }
            (Frame::Service, "CentralMgmtService") if ns == NS_SERVICE_ROLES => {
                let active = r.attr(e, "IsActive")?;
                if let Some(s) = self.part.service.as_mut() {
                    s.cms_active = active;
                }
                Next::Skip
            }
            // D1 [I]: no genuine .tbxml with a backup is known. Its element is expected in either of
            // the two namespaces a .tbxml uses for service content, naming the partner the way
            // this document names services: by ServiceUniqueId.
            (Frame::Service, "Backup") if wt || ns == NS_TOPOLOGY => {
                self.open_backup(r, e, line)?;
                Next::Read(Frame::Backup)
            }
            (Frame::Backup, "ServiceId" | "ServiceUniqueId") => {
                self.set_backup_target(r, e, el.tag)?;
                match el.tag {
                    Tag::Empty => Next::Skip,
                    Tag::Start => Next::Consumed,
                }
            }
            (Frame::DependsOn, "Dependency") if wt => {
                self.add_dependency(r, e, line)?;
                Next::Skip
            }
            _ => Next::Skip,
        })
    }

    /// Whether the site being read is a central site (only those hold branch sites, D3).
    fn in_central_site(&self) -> bool {
        self.part
            .sites
            .last()
            .is_some_and(|s| s.site.kind == SiteKind::Central)
    }

    /// A `Machine` of the cluster being read: its FQDN, or one more machine without a name.
    fn add_machine<'a>(&mut self, r: &XmlReader<'a>, e: &BytesStart<'a>) -> Result<(), XmlError> {
        let fqdn = r.attr(e, "Fqdn")?.filter(|f| !f.trim().is_empty());
        if let Some(c) = self.part.cluster.as_mut() {
            match fqdn {
                Some(f) => c.cluster.machines.push(f),
                None => c.unnamed_machines += 1,
            }
        }
        Ok(())
    }

    /// A `SqlInstance` of the cluster being read, keyed by its `UniqueId` (noted when it has none).
    fn add_sql_instance<'a>(
        &mut self,
        r: &XmlReader<'a>,
        e: &BytesStart<'a>,
        line: u32,
    ) -> Result<(), XmlError> {
        let key = r.attr(e, "UniqueId")?.map(|g| guid(&g));
        let name = r.attr(e, "Name")?.unwrap_or_default();
        if let (Some(c), Some(key)) = (self.part.cluster.as_ref(), key) {
            self.part.doc.sql_instances.push(DocSqlInstance {
                key,
                cluster: c.cluster.key.clone(),
                name,
            });
        } else {
            self.part.notes.push((
                "a SqlInstance has no UniqueId; no service can be placed on it".to_owned(),
                line,
            ));
        }
        Ok(())
    }

    /// A `Backup` of the service being read, with its failover attributes; its partner may be
    /// named by an attribute here or by a child element.
    fn open_backup<'a>(
        &mut self,
        r: &XmlReader<'a>,
        e: &BytesStart<'a>,
        line: u32,
    ) -> Result<(), XmlError> {
        let target = r
            .attr(e, "ServiceUniqueId")?
            .filter(|g| !g.trim().is_empty())
            .map(|g| guid(&g));
        let backup = DocBackup {
            target,
            enable_failover: r.attr(e, "EnableAutomaticFailover")?,
            failure_detection: r.attr(e, "FailureDetectionInterval")?,
            failback: r.attr(e, "FailbackDetectionInterval")?,
            line,
        };
        if let Some(s) = self.part.service.as_mut() {
            s.backups.push(backup);
        }
        Ok(())
    }

    /// A `ServiceId`/`ServiceUniqueId` child of a `Backup` names its partner, unless the `Backup`
    /// already did.
    fn set_backup_target<'a>(
        &mut self,
        r: &mut XmlReader<'a>,
        e: &BytesStart<'a>,
        tag: Tag,
    ) -> Result<(), XmlError> {
        let reference = self.backup_reference(r, e, tag)?;
        if let Some(b) = self
            .part
            .service
            .as_mut()
            .and_then(|s| s.backups.last_mut())
            && b.target.is_none()
        {
            b.target = reference;
        }
        Ok(())
    }

    fn open_site<'a>(
        &mut self,
        r: &XmlReader<'a>,
        e: &BytesStart<'a>,
        line: u32,
        kind: SiteKind,
        parent_id: Option<String>,
    ) -> Result<(), XmlError> {
        // A site without SiteId still needs a key of its own for its clusters.
        let id = r
            .attr(e, "SiteId")?
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format!("(line {line})"));
        self.part.sites.push(OpenSite {
            site: DocSite {
                id,
                name: None,
                kind,
                parent_id,
                line,
            },
            clusters: 0,
        });
        Ok(())
    }

    fn open_cluster<'a>(
        &mut self,
        r: &XmlReader<'a>,
        e: &BytesStart<'a>,
        line: u32,
    ) -> Result<(), XmlError> {
        let site_id = match self.part.sites.last_mut() {
            Some(s) => {
                s.clusters += 1;
                s.site.id.clone()
            }
            None => String::new(),
        };
        let key = match r.attr(e, "UniqueId")? {
            Some(g) if !g.trim().is_empty() => guid(&g),
            _ => {
                self.part.notes.push((
                    "a Cluster has no UniqueId; no service can be placed on it".to_owned(),
                    line,
                ));
                format!("(cluster at line {line})")
            }
        };
        let single_machine = match r.attr(e, "IsSingleMachineOnly")? {
            None => None,
            Some(raw) => {
                let v = parse_bool(&raw);
                if v.is_none() {
                    self.part.notes.push((
                        format!(
                            "cluster {key}: IsSingleMachineOnly=\"{raw}\" is neither true nor false; \
                             its edition is read from where its user store is"
                        ),
                        line,
                    ));
                }
                v
            }
        };
        self.part.cluster = Some(OpenCluster {
            cluster: DocCluster {
                key,
                site_id,
                fqdn: r.attr(e, "Fqdn")?.unwrap_or_default(),
                machines: Vec::new(),
                single_machine,
                line,
            },
            unnamed_machines: 0,
        });
        Ok(())
    }

    fn open_service<'a>(
        &mut self,
        r: &XmlReader<'a>,
        e: &BytesStart<'a>,
        line: u32,
    ) -> Result<(), XmlError> {
        let role = r.attr(e, "RoleName")?.unwrap_or_default();
        let (key, written) = match r.attr(e, "UniqueId")? {
            Some(g) if !g.trim().is_empty() => (guid(&g), g.trim().to_owned()),
            _ => {
                let none = format!("(service at line {line})");
                (none.clone(), none)
            }
        };
        // The GUID as written is what a person searches the file for.
        let display = format!(
            "{} service {written}",
            if role.is_empty() { "?" } else { &role }
        );
        let installed_on = match r.attr(e, "InstalledOn")? {
            Some(g) if !g.trim().is_empty() => {
                let target = guid(&g);
                self.part.refs.push(Reference {
                    guid: target.clone(),
                    written: g.trim().to_owned(),
                    offset: attr_offset(self.text, r.event_start, "InstalledOn"),
                    from: display.clone(),
                    kind: RefKind::InstalledOn,
                });
                // Cluster or SQL instance is decided when the part is complete.
                Placement::Cluster(target)
            }
            _ => Placement::Missing,
        };
        self.part.service = Some(DocService {
            key,
            display: Some(display),
            role,
            service_version: r.attr(e, "ServiceVersion")?,
            installed_on,
            dependencies: Vec::new(),
            registrar: None,
            backups: Vec::new(),
            cms_active: None,
            line,
        });
        Ok(())
    }

    /// The service a `ServiceId`/`ServiceUniqueId` child of `Backup` names, and the role it states:
    /// a GUID in a `ServiceUniqueId` or `UniqueId` attribute or as the text, else a published-style
    /// `SiteId`/`RoleName`/`Instance` key (which no .tbxml service carries: it stays unknown).
    fn backup_reference<'a>(
        &mut self,
        r: &mut XmlReader<'a>,
        e: &BytesStart<'a>,
        tag: Tag,
    ) -> Result<Option<String>, XmlError> {
        let [unique, unique_id, site, role, instance] = r.attrs(
            e,
            [
                "ServiceUniqueId",
                "UniqueId",
                "SiteId",
                "RoleName",
                "Instance",
            ],
        )?;
        let role = role.map(|r| r.into_owned());
        if let Some(g) = unique.or(unique_id).filter(|g| !g.trim().is_empty()) {
            if tag == Tag::Start {
                r.skip(e)?;
            }
            return Ok(Some(guid(&g)));
        }
        let text = match tag {
            Tag::Empty => String::new(),
            Tag::Start => r.text_content()?,
        };
        if !text.trim().is_empty() {
            return Ok(Some(guid(&text)));
        }
        match (site, &role, instance) {
            (Some(site), Some(rn), Some(instance))
                if !site.trim().is_empty()
                    && !rn.trim().is_empty()
                    && !instance.trim().is_empty() =>
            {
                Ok(Some(service_key(&site, rn, &instance)))
            }
            _ => Ok(None),
        }
    }

    fn add_dependency<'a>(
        &mut self,
        r: &XmlReader<'a>,
        e: &BytesStart<'a>,
        line: u32,
    ) -> Result<(), XmlError> {
        let Some(service) = self.part.service.as_mut() else {
            return Ok(());
        };
        let Some(written) = r
            .attr(e, "ServiceUniqueId")?
            .filter(|g| !g.trim().is_empty())
        else {
            self.part.notes.push((
                format!(
                    "a dependency of {} names no ServiceUniqueId; it is ignored",
                    service.display()
                ),
                line,
            ));
            return Ok(());
        };
        let target = guid(&written);
        self.part.refs.push(Reference {
            guid: target.clone(),
            written: written.trim().to_owned(),
            offset: attr_offset(self.text, r.event_start, "ServiceUniqueId"),
            from: service.display().to_owned(),
            kind: RefKind::Dependency,
        });
        service.dependencies.push(DocDependency {
            target,
            usage: r.attr(e, "Usage")?.unwrap_or_default(),
            line,
        });
        Ok(())
    }

    fn close(&mut self, frame: Frame, line: u32) -> Result<(), XmlError> {
        match frame {
            Frame::Site => {
                if let Some(open) = self.part.sites.pop() {
                    if open.site.name.is_some() || open.clusters > 0 {
                        self.part.doc.sites.push(open.site);
                    } else if open.site.kind == SiteKind::Branch {
                        self.part.notes.push((
                            "an element under RemoteSites has neither a <Name> nor clusters; it is not \
                             read as a branch site"
                                .to_owned(),
                            line,
                        ));
                    } else {
                        // A central site without a name still exists; resolve names it by its id.
                        self.part.doc.sites.push(open.site);
                    }
                }
            }
            Frame::Cluster => {
                if let Some(mut open) = self.part.cluster.take() {
                    if open.unnamed_machines > 0 {
                        // FORMATS.md §4.1: a single-machine cluster's one machine carries no Fqdn.
                        if open.cluster.single_machine != Some(true) {
                            self.part.notes.push((
                                format!(
                                    "cluster {} has {} machine(s) without Fqdn although it is not \
                                     single-machine; they are counted under the cluster FQDN",
                                    open.cluster.fqdn, open.unnamed_machines
                                ),
                                open.cluster.line,
                            ));
                        }
                        for _ in 0..open.unnamed_machines {
                            open.cluster.machines.push(open.cluster.fqdn.clone());
                        }
                    }
                    self.part.doc.clusters.push(open.cluster);
                }
            }
            Frame::Service => self.part.doc.services.extend(self.part.service.take()),
            Frame::Partial => {
                let Some((Frame::Wrapper(part), _, _)) = self.frames.last().cloned() else {
                    return Ok(());
                };
                let builder = std::mem::take(&mut self.part);
                let done = builder.finish(self.text);
                self.store(part, done, line)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Keep the first part of each kind. A dangling reference in NewTopology fails the file;
    /// in OldTopology it only stops the comparison.
    fn store(
        &mut self,
        part: Part,
        done: Result<PartDoc, XmlError>,
        line: u32,
    ) -> Result<(), XmlError> {
        let taken = match part {
            Part::New => self.new.is_some(),
            Part::Old => self.old.is_some(),
        };
        if taken {
            self.notes.push((
                format!(
                    "a second {} starts here; only the first one is read",
                    part.label()
                ),
                line,
            ));
            return Ok(());
        }
        match part {
            Part::New => self.new = Some(done?),
            Part::Old => self.old = Some(done),
        }
        Ok(())
    }
}

impl PartBuilder {
    /// Decide placements and check every GUID reference.
    ///
    /// A reference to a GUID that no element of the part carries is an input error for the whole
    /// file, not a note: the document is internally inconsistent (Topology Builder never writes one,
    /// so it was hand-edited or damaged), and any pool the dangling service belongs to, or any
    /// backup it names, would be a guess. The user gets the GUID and its line:column; the other
    /// files of the estate are still audited.
    fn finish(mut self, text: &str) -> Result<PartDoc, XmlError> {
        let clusters: BTreeSet<String> = self.doc.clusters.iter().map(|c| c.key.clone()).collect();
        let sqls: BTreeSet<String> = self
            .doc
            .sql_instances
            .iter()
            .map(|i| i.key.clone())
            .collect();
        let services: BTreeSet<&str> = self.doc.services.iter().map(|s| s.key.as_str()).collect();
        let mut dangling = self.refs.iter().filter(|r| match r.kind {
            RefKind::InstalledOn => !clusters.contains(&r.guid) && !sqls.contains(&r.guid),
            RefKind::Dependency => !services.contains(r.guid.as_str()),
        });
        if let Some(first) = dangling.next() {
            let more = dangling.count();
            let what = match first.kind {
                RefKind::InstalledOn => format!(
                    "{} is installed on {}, but no Cluster or SqlInstance in this topology has that UniqueId",
                    first.from, first.written
                ),
                RefKind::Dependency => format!(
                    "{} depends on service {}, but no Service in this topology has that UniqueId",
                    first.from, first.written
                ),
            };
            let more = match more {
                0 => String::new(),
                n => format!(" ({n} more reference(s) to missing GUIDs follow)"),
            };
            return Err(XmlError::at(
                text,
                first.offset,
                format!(
                    "{what}{more}: the document is internally inconsistent; open it in Topology Builder \
                     and save it again"
                ),
            ));
        }
        for s in &mut self.doc.services {
            if let Placement::Cluster(g) = &s.installed_on
                && sqls.contains(g)
            {
                s.installed_on = Placement::SqlInstance(g.clone());
            }
        }
        Ok(PartDoc {
            doc: self.doc,
            notes: self.notes,
        })
    }
}

/// What NewTopology changes against OldTopology, pool by pool (rule `topology-unpublished-change`).
fn compare(new: &InputRecords, old: &InputRecords) -> Vec<PendingChange> {
    let path = new.input.path.as_str();
    let source = |p: &PoolRecord| p.source.clone().unwrap_or(Source::new(path, None));
    let new_pools = pools_by_fqdn(new);
    let old_pools = pools_by_fqdn(old);
    let fqdns: BTreeSet<&str> = new_pools.keys().chain(old_pools.keys()).copied().collect();
    let mut changes = Vec::new();
    for fqdn in fqdns {
        match (new_pools.get(fqdn), old_pools.get(fqdn)) {
            (Some(n), None) => changes.push(PendingChange {
                pool: fqdn.to_owned(),
                message: Message::new("msg.pending.adds").arg("pool", fqdn),
                source: source(n),
            }),
            (None, Some(o)) => changes.push(PendingChange {
                pool: fqdn.to_owned(),
                message: Message::new("msg.pending.drops").arg("pool", fqdn),
                source: source(o),
            }),
            (Some(n), Some(o)) => {
                for ((fact, now), (_, before)) in
                    compared_facts(n).into_iter().zip(compared_facts(o))
                {
                    if now != before {
                        changes.push(PendingChange {
                            pool: fqdn.to_owned(),
                            message: Message::new("msg.pending.changes")
                                .arg("pool", fqdn)
                                .label("fact", format!("fact.{fact}"))
                                .msg("now", now)
                                .msg("before", before),
                            source: source(n),
                        });
                    }
                }
            }
            (None, None) => {}
        }
    }
    changes
}

/// The pools of a part by FQDN (the first record of each).
fn pools_by_fqdn(records: &InputRecords) -> BTreeMap<&str, &PoolRecord> {
    let mut map = BTreeMap::new();
    for p in &records.pools {
        map.entry(p.fqdn.as_str()).or_insert(p);
    }
    map
}

/// The facts of a pool that a pending change names, as the words a message shows.
fn compared_facts(p: &PoolRecord) -> [(&'static str, Message); 5] {
    let or = |v: Option<&str>, none: &'static str| {
        v.map_or_else(|| Message::new(none), Message::verbatim)
    };
    let backups: Vec<&str> = p.backups.iter().map(|b| b.value.as_str()).collect();
    [
        (
            "site",
            or(p.site.as_ref().map(|s| s.value.as_str()), "value.none"),
        ),
        (
            "role",
            or(p.role.as_ref().map(|r| r.value.label()), "value.unknown"),
        ),
        (
            "edition",
            or(p.edition.as_ref().map(|e| e.value.label()), "value.unknown"),
        ),
        (
            "version",
            or(p.version.as_ref().map(|v| v.value.label()), "value.unknown"),
        ),
        (
            "backup",
            if backups.is_empty() {
                Message::new("value.none")
            } else {
                Message::verbatim(backups.join(", "))
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::model::{Edition, Failover, Role, Version};
    use crate::text;

    fn import(bytes: &[u8], display: &str) -> Result<InputRecords, InputError> {
        read(&text::decode(bytes).expect("test input decodes"), display)
    }

    fn file(relative: &str) -> Vec<u8> {
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)).expect(relative)
    }

    /// The genuine exports, when the shared folder is there (never copied into the repository).
    /// A skip is printed so that a run without the samples does not pass silently.
    #[allow(clippy::print_stderr)]
    fn real_sample(name: &str) -> Option<Vec<u8>> {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let candidates = [
            manifest.parent().map(|p| p.join("shared/samples/real")),
            Some(PathBuf::from("/work/shared/samples/real")),
        ];
        match candidates.into_iter().flatten().find(|d| d.is_dir()) {
            Some(dir) => Some(std::fs::read(dir.join(name)).expect(name)),
            None => {
                eprintln!("skipped: shared/samples/real not found, {name} not checked");
                None
            }
        }
    }

    fn pool<'r>(r: &'r InputRecords, fqdn: &str) -> &'r PoolRecord {
        r.pools
            .iter()
            .find(|p| p.fqdn == fqdn)
            .unwrap_or_else(|| panic!("no pool {fqdn} in {:?}", fqdns(r)))
    }

    fn fqdns(r: &InputRecords) -> Vec<&str> {
        let mut v: Vec<&str> = r.pools.iter().map(|p| p.fqdn.as_str()).collect();
        v.sort();
        v
    }

    fn backups(p: &PoolRecord) -> Vec<&str> {
        p.backups.iter().map(|b| b.value.as_str()).collect()
    }

    /// FORMATS.md §4.2, with the services placed before the sites that hold their cluster.
    const FORMATS_EXAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<TopologyBuilder IsFreeFromChanges="true" FileName="C:\Temp\lab.tbxml" xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008">
  <NewTopology>
    <PartialTopology IsPublished="false" Signature="00000000-0000-0000-0000-000000000000" xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008">
      <Services>
        <Service UniqueId="b0000000-0000-4000-8000-000000000001" RoleName="UserServices" RoleVersion="2" InstalledOn="a0000000-0000-4000-8000-000000000001" ServiceVersion="8" />
        <Service UniqueId="b0000000-0000-4000-8000-000000000002" RoleName="Registrar" RoleVersion="2" InstalledOn="a0000000-0000-4000-8000-000000000001" ServiceVersion="8">
          <DependsOn><Dependency ServiceUniqueId="b0000000-0000-4000-8000-000000000001" Usage="Default" /></DependsOn>
        </Service>
      </Services>
      <CentralSites>
        <CentralSite SiteId="1">
          <Name xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">Lab</Name>
          <Clusters>
            <Cluster IsSingleMachineOnly="true" UniqueId="a0000000-0000-4000-8000-000000000001" Fqdn="se1.fabrikam.test">
              <Machines><Machine /></Machines>
            </Cluster>
          </Clusters>
          <RemoteSites />
        </CentralSite>
      </CentralSites>
    </PartialTopology>
  </NewTopology>
</TopologyBuilder>"#;

    #[test]
    fn formats_example_is_one_standard_2019_pool_named_by_its_cluster() {
        let r = import(FORMATS_EXAMPLE.as_bytes(), "lab.tbxml").unwrap();
        assert_eq!(r.input.format, Format::Tbxml);
        assert_eq!(r.input.encoding, "ascii");
        assert_eq!(fqdns(&r), ["se1.fabrikam.test"]);
        let p = pool(&r, "se1.fabrikam.test");
        assert_eq!(p.role.as_ref().unwrap().value, Role::FrontEnd);
        assert_eq!(p.edition.as_ref().unwrap().value, Edition::Standard);
        assert_eq!(p.version.as_ref().unwrap().value, Version::V2019);
        assert_eq!(p.servers.as_ref().unwrap().value, 1);
        assert_eq!(p.machines, ["se1.fabrikam.test"]);
        assert_eq!(p.site.as_ref().unwrap().value, "Lab");
        assert_eq!(p.source, Some(Source::new("lab.tbxml", Some(15))));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn real_contoso_enterprise_pool_and_edge() {
        let Some(bytes) = real_sample("contoso-ee-2015.tbxml") else {
            return;
        };
        let r = import(&bytes, "contoso-ee-2015.tbxml").unwrap();
        assert_eq!(r.input.encoding, "utf-8-bom");
        let fe = pool(&r, "frontendpool.contoso.com");
        assert_eq!(fe.role.as_ref().unwrap().value, Role::FrontEnd);
        assert_eq!(fe.edition.as_ref().unwrap().value, Edition::Enterprise);
        assert_eq!(fe.version.as_ref().unwrap().value, Version::V2015);
        assert_eq!(fe.servers.as_ref().unwrap().value, 4);
        assert_eq!(fe.site.as_ref().unwrap().value, "Contoso");
        // Registrar -> EdgeServer and Mediation -> Registrar are next hops, not backups.
        assert!(fe.backups.is_empty(), "{:?}", backups(fe));
        let edge = pool(&r, "edgepool.contoso.com");
        assert_eq!(edge.role.as_ref().unwrap().value, Role::Edge);
        assert_eq!(edge.edition, None);
        assert_eq!(edge.servers.as_ref().unwrap().value, 3);
        // The SQL server only hosts stores on its instance: not a pool.
        assert!(!fqdns(&r).contains(&"xsql1.contoso.com"));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn real_otc_standard_2019_server() {
        let Some(bytes) = real_sample("otc-se-2019.tbxml") else {
            return;
        };
        let r = import(&bytes, "otc-se-2019.tbxml").unwrap();
        assert_eq!(fqdns(&r), ["oct-exh-002.otc.lab"]);
        let p = pool(&r, "oct-exh-002.otc.lab");
        assert_eq!(p.role.as_ref().unwrap().value, Role::FrontEnd);
        assert_eq!(p.edition.as_ref().unwrap().value, Edition::Standard);
        assert_eq!(p.version.as_ref().unwrap().value, Version::V2019);
        assert_eq!(p.servers.as_ref().unwrap().value, 1);
        // The machine has no Fqdn: it is the cluster's, as written (lowercased by D7).
        assert_eq!(p.machines, ["oct-exh-002.otc.lab"]);
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn fabrikam_pair_branch_site_and_failover() {
        let r = import(
            &file("fixtures/importers/fabrikam-tbxml/fabrikam-two-sites.tbxml"),
            "fabrikam.tbxml",
        )
        .unwrap();
        assert_eq!(
            fqdns(&r),
            [
                "pool-ham.fabrikam.test",
                "pool-vie.fabrikam.test",
                "sba-linz.fabrikam.test"
            ]
        );
        let ham = pool(&r, "pool-ham.fabrikam.test");
        let vie = pool(&r, "pool-vie.fabrikam.test");
        let sba = pool(&r, "sba-linz.fabrikam.test");
        assert_eq!(backups(ham), ["pool-vie.fabrikam.test"]);
        assert_eq!(backups(vie), ["pool-ham.fabrikam.test"]);
        assert_eq!(backups(sba), ["pool-vie.fabrikam.test"]);
        assert_eq!(ham.edition.as_ref().unwrap().value, Edition::Enterprise);
        assert_eq!(ham.servers.as_ref().unwrap().value, 2);
        assert_eq!(vie.servers.as_ref().unwrap().value, 3);
        assert_eq!(sba.role.as_ref().unwrap().value, Role::Branch);
        assert_eq!(sba.site.as_ref().unwrap().value, "Linz");
        assert_eq!(
            ham.failover.as_ref().unwrap().value,
            Failover {
                enabled: Some(true),
                failure_detection_s: Some(120),
                failback_s: Some(240)
            }
        );
        // The short xs:duration forms are read too (D2), and a child element names the partner.
        assert_eq!(vie.failover.as_ref().unwrap().value.failback_s, Some(240));
        assert_eq!(
            vie.failover.as_ref().unwrap().value.failure_detection_s,
            Some(120)
        );
        assert_eq!(sba.failover.as_ref().unwrap().value.failback_s, Some(600));

        let sites: Vec<(&str, SiteKind, Option<&str>)> = r
            .sites
            .iter()
            .map(|s| (s.site.name.as_str(), s.site.kind, s.site.parent.as_deref()))
            .collect();
        assert_eq!(
            sites,
            [
                ("Hamburg", SiteKind::Central, None),
                ("Linz", SiteKind::Branch, Some("Wien")),
                ("Wien", SiteKind::Central, None),
            ]
        );
    }

    #[test]
    fn old_topology_differences_become_pending_changes() {
        let r = import(
            &file("fixtures/importers/fabrikam-tbxml/fabrikam-two-sites.tbxml"),
            "fabrikam.tbxml",
        )
        .unwrap();
        let mut changes: Vec<(String, Option<u32>)> = r
            .pending_changes
            .iter()
            .map(|n| (n.message.render(crate::i18n::Lang::En), n.source.line))
            .collect();
        changes.sort();
        let expected = [
            (
                "NewTopology adds pool sba-linz.fabrikam.test, which OldTopology does not have",
                62,
            ),
            (
                "NewTopology changes pool pool-ham.fabrikam.test: backup is pool-vie.fabrikam.test, was none in OldTopology",
                13,
            ),
            (
                "NewTopology changes pool pool-ham.fabrikam.test: version is 2015, was 2013 in OldTopology",
                13,
            ),
            (
                "NewTopology changes pool pool-vie.fabrikam.test: version is 2015, was 2013 in OldTopology",
                39,
            ),
            (
                "NewTopology drops pool pool-legacy.fabrikam.test, which OldTopology has",
                139,
            ),
        ];
        let expected: Vec<(String, Option<u32>)> = expected
            .iter()
            .map(|(m, l)| ((*m).to_owned(), Some(*l)))
            .collect();
        assert_eq!(changes, expected);
        // The old topology is compared, never audited.
        assert!(!fqdns(&r).contains(&"pool-legacy.fabrikam.test"));
    }

    #[test]
    fn branch_site_element_name_is_not_assumed() {
        let text = FORMATS_EXAMPLE.replace(
            "<RemoteSites />",
            r#"<RemoteSites>
            <RemoteSite SiteId="7"><Name xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">Graz</Name></RemoteSite>
            <Placeholder />
          </RemoteSites>"#,
        );
        let r = import(text.as_bytes(), "lab.tbxml").unwrap();
        let graz = r.sites.iter().find(|s| s.site.name == "Graz").unwrap();
        assert_eq!(graz.site.kind, SiteKind::Branch);
        assert_eq!(graz.site.parent.as_deref(), Some("Lab"));
        assert_eq!(r.sites.len(), 2);
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0]
                .message
                .render(crate::i18n::Lang::En)
                .contains("neither a <Name> nor clusters")
        );
        assert_eq!(r.notes[0].source.line, Some(21));
    }

    /// The text at the error's line:column, for checking that it points at the reference.
    fn at(text: &str, e: &InputError) -> String {
        let line = text.lines().nth(e.line.unwrap() as usize - 1).unwrap();
        line.chars().skip(e.column.unwrap() as usize - 1).collect()
    }

    #[test]
    fn dependency_on_a_missing_guid_is_an_error_at_the_reference() {
        let bytes = file("tests/data/importers/tbxml-missing-guid.tbxml");
        let e = import(&bytes, "x.tbxml").unwrap_err();
        assert_eq!(e.path, "x.tbxml");
        assert!(
            e.message.starts_with(
                "Registrar service b0000000-0000-4000-8000-000000000002 depends on service \
                 b0000000-0000-4000-8000-0000000000ff, but no Service"
            ),
            "{}",
            e.message
        );
        assert_eq!(e.line, Some(21));
        assert!(
            at(&String::from_utf8(bytes).unwrap(), &e)
                .starts_with("ServiceUniqueId=\"b0000000-0000-4000-8000-0000000000ff\"")
        );
    }

    /// FORMATS_EXAMPLE's Registrar with a `Backup` element put in.
    fn with_backup(backup: &str) -> String {
        FORMATS_EXAMPLE.replace(
            "</DependsOn>\n        </Service>",
            &format!("</DependsOn>\n          {backup}\n        </Service>"),
        )
    }

    #[test]
    fn a_backup_naming_a_missing_guid_is_an_unknown_pool_not_an_error() {
        let text = with_backup(
            r#"<Backup EnableAutomaticFailover="false" FailureDetectionInterval="PT5M" FailbackDetectionInterval="PT10M" ServiceUniqueId="{B0000000-0000-4000-8000-0000000000FF}" />"#,
        );
        let r = import(text.as_bytes(), "lab.tbxml").unwrap();
        let p = pool(&r, "se1.fabrikam.test");
        // The reference as written, lowercased: the audit raises backup-unknown-pool for it.
        assert_eq!(backups(p), ["b0000000-0000-4000-8000-0000000000ff"]);
        assert_eq!(
            p.failover.as_ref().unwrap().value,
            Failover {
                enabled: Some(false),
                failure_detection_s: Some(300),
                failback_s: Some(600)
            }
        );
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn a_backup_child_may_hold_the_guid_as_text_and_a_second_backup_is_a_note() {
        let text = with_backup(
            r#"<Backup><ServiceUniqueId>b0000000-0000-4000-8000-000000000002</ServiceUniqueId></Backup>
          <Backup ServiceUniqueId="b0000000-0000-4000-8000-000000000001" />"#,
        );
        let r = import(text.as_bytes(), "lab.tbxml").unwrap();
        let p = pool(&r, "se1.fabrikam.test");
        // Its own Registrar: backup-self in the audit.
        assert_eq!(backups(p), ["se1.fabrikam.test"]);
        assert_eq!(p.failover, None);
        let messages: Vec<String> = r
            .notes
            .iter()
            .map(|n| n.message.render(crate::i18n::Lang::En))
            .collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].contains("has 2 Backup elements") && messages[0].contains("first"),
            "{}",
            messages[0]
        );
    }

    #[test]
    fn installed_on_a_missing_guid_is_an_error_at_the_reference() {
        let bytes = file("tests/data/importers/tbxml-missing-cluster-guid.tbxml");
        let e = import(&bytes, "x.tbxml").unwrap_err();
        assert!(
            e.message.contains(
                "is installed on A0000000-0000-4000-8000-0000000000EE, but no Cluster or SqlInstance"
            ),
            "{}",
            e.message
        );
        assert_eq!(e.line, Some(18));
        assert!(at(&String::from_utf8(bytes).unwrap(), &e).starts_with("InstalledOn=\"A0000000"));
    }

    #[test]
    fn without_new_topology_there_is_nothing_to_audit() {
        let e = import(
            &file("tests/data/importers/tbxml-no-newtopology.tbxml"),
            "x.tbxml",
        )
        .unwrap_err();
        assert!(e.message.contains("holds no NewTopology"), "{}", e.message);
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn truncated_document_names_the_open_element() {
        let e = import(
            &file("tests/data/importers/tbxml-truncated.tbxml"),
            "x.tbxml",
        )
        .unwrap_err();
        assert!(
            e.message
                .starts_with("the file ends inside <PartialTopology> opened at line 4"),
            "{}",
            e.message
        );
        assert_eq!((e.line, e.column), (Some(24), Some(1)));
    }

    #[test]
    fn the_authors_local_path_is_never_echoed() {
        let inputs = [
            "fixtures/importers/fabrikam-tbxml/fabrikam-two-sites.tbxml",
            "tests/data/importers/tbxml-missing-guid.tbxml",
            "tests/data/importers/tbxml-missing-cluster-guid.tbxml",
            "tests/data/importers/tbxml-no-newtopology.tbxml",
            "tests/data/importers/tbxml-truncated.tbxml",
        ];
        for input in inputs {
            let said: Vec<String> = match import(&file(input), "x.tbxml") {
                Ok(r) => r
                    .notes
                    .iter()
                    .map(|n| n.message.render(crate::i18n::Lang::En))
                    .collect(),
                Err(e) => vec![e.message],
            };
            for s in said {
                assert!(!s.contains("jdoe") && !s.contains(r"C:\"), "{input}: {s}");
            }
        }
    }

    #[test]
    fn inconsistent_old_topology_only_stops_the_comparison() {
        let old = r#"<OldTopology>
    <PartialTopology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008">
      <Services>
        <Service UniqueId="b0000000-0000-4000-8000-000000000009" RoleName="Registrar" InstalledOn="a0000000-0000-4000-8000-000000000009" ServiceVersion="6" />
      </Services>
    </PartialTopology>
  </OldTopology>
</TopologyBuilder>"#;
        let text = FORMATS_EXAMPLE.replace("</TopologyBuilder>", old);
        let r = import(text.as_bytes(), "lab.tbxml").unwrap();
        assert_eq!(fqdns(&r), ["se1.fabrikam.test"]);
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0]
                .message
                .render(crate::i18n::Lang::En)
                .starts_with("OldTopology was not compared with NewTopology: Registrar service"),
            "{:?}",
            r.notes[0].message
        );
        assert_eq!(r.notes[0].source.line, Some(27));
    }

    #[test]
    fn old_topology_in_published_form_is_compared_too() {
        let old = r#"<OldTopology>
    <Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
      <Sites><CentralSite SiteId="1"><Name>Lab</Name></CentralSite></Sites>
      <Clusters>
        <Cluster Fqdn="se1.fabrikam.test"><ClusterId SiteId="1" Number="1" /><Machine OrdinalInCluster="1" Fqdn="se1.fabrikam.test" /></Cluster>
      </Clusters>
      <Services>
        <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="UserServices" Instance="1" /><InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn></Service>
        <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="Registrar" Instance="1" /><InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn></Service>
      </Services>
    </Topology>
  </OldTopology>
</TopologyBuilder>"#;
        let text = FORMATS_EXAMPLE.replace("</TopologyBuilder>", old);
        let r = import(text.as_bytes(), "lab.tbxml").unwrap();
        let messages: Vec<String> = r
            .pending_changes
            .iter()
            .map(|n| n.message.render(crate::i18n::Lang::En))
            .collect();
        // The published form has no edition flag and no user store here: edition unknown there.
        assert_eq!(
            messages,
            [
                "NewTopology changes pool se1.fabrikam.test: edition is standard, was unknown in OldTopology",
                "NewTopology changes pool se1.fabrikam.test: version is 2019, was 2013 in OldTopology",
            ]
        );
    }

    #[test]
    fn a_second_new_topology_is_noted_not_read() {
        let start = FORMATS_EXAMPLE.find("  <NewTopology>").unwrap();
        let end = FORMATS_EXAMPLE.find("</TopologyBuilder>").unwrap();
        let second = FORMATS_EXAMPLE[start..end].replace("se1.fabrikam.test", "se2.fabrikam.test");
        let text =
            FORMATS_EXAMPLE.replace("</TopologyBuilder>", &format!("{second}</TopologyBuilder>"));
        let r = import(text.as_bytes(), "lab.tbxml").unwrap();
        assert_eq!(fqdns(&r), ["se1.fabrikam.test"]);
        let messages: Vec<String> = r
            .notes
            .iter()
            .map(|n| n.message.render(crate::i18n::Lang::En))
            .collect();
        assert_eq!(
            messages,
            ["a second NewTopology starts here; only the first one is read"]
        );
    }

    #[test]
    fn a_published_topology_is_not_a_topology_builder_document() {
        let e = import(
            br#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"/>"#,
            "x.tbxml",
        )
        .unwrap_err();
        assert!(
            e.message.starts_with("root element is <Topology>"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_document_cut_anywhere_is_an_error_never_a_panic() {
        let bytes = file("fixtures/importers/fabrikam-tbxml/fabrikam-two-sites.tbxml");
        // Every cut before the root's final '>' is a truncation; cuts inside a UTF-8 sequence fail
        // to decode, an error as well.
        let complete = bytes.iter().rposition(|&b| b == b'>').unwrap();
        for cut in (1..=complete).step_by(17) {
            let result = text::decode(&bytes[..cut]).map(|d| read(&d, "x.tbxml"));
            assert!(
                !matches!(result, Ok(Ok(_))),
                "accepted a document cut at byte {cut}"
            );
        }
    }

    #[test]
    fn guids_compare_without_case_or_braces() {
        assert_eq!(
            guid(" {A0000000-0000-4000-8000-0000000000EE} "),
            "a0000000-0000-4000-8000-0000000000ee"
        );
    }
}
