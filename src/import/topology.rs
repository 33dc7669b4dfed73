//! Published topology (`Get-CsTopology -AsXml`): one streaming pass into a [`TopologyDoc`].
//!
//! The document is never held as a tree: only sites, clusters, SQL instances, services, their
//! dependencies and their `Backup` elements (D1, D2) are kept; everything else (ports, web
//! components, net interfaces) is skipped.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use super::ReadPages;
use super::xml::{NS_SERVICE_ROLES, NS_TOPOLOGY, NarrowState, Tokenizer, XmlError, XmlReader};
use crate::model::SiteKind;

/// The parts of a topology lyncpair needs, keyed the same way for published and `.tbxml` files.
#[derive(Debug, Default, Clone)]
pub struct TopologyDoc {
    /// The root's `Signature` and line (published topologies only).
    pub signature: Option<(String, u32)>,
    pub sites: Vec<DocSite>,
    pub clusters: Vec<DocCluster>,
    pub sql_instances: Vec<DocSqlInstance>,
    pub services: Vec<DocService>,
}

#[derive(Debug, Clone)]
pub struct DocSite {
    pub id: String,
    pub name: Option<String>,
    pub kind: SiteKind,
    pub parent_id: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct DocCluster {
    /// Published: `SiteId:Number`; `.tbxml`: the cluster's `UniqueId`.
    pub key: String,
    pub site_id: String,
    pub fqdn: String,
    pub machines: Vec<String>,
    /// `.tbxml` `IsSingleMachineOnly` (D6); published exports have no such flag.
    pub single_machine: Option<bool>,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct DocSqlInstance {
    pub key: String,
    pub cluster: String,
    // Read as the export states it (and shown in Debug output); no rule needs it yet.
    #[allow(dead_code)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Cluster(String),
    SqlInstance(String),
    Missing,
}

#[derive(Debug, Clone)]
pub struct DocDependency {
    pub target: String,
    pub usage: String,
    pub line: u32,
}

#[derive(Debug, Clone, Default)]
pub struct RegistrarAttrs {
    pub is_director: Option<String>,
    pub line: u32,
}

/// A `Backup` child of a Registrar `Service` (D1): the partner Registrar and the failover settings (D2).
#[derive(Debug, Clone, Default)]
pub struct DocBackup {
    /// Key of the named service, as [`DocService::key`]; `None` when the element names nothing.
    pub target: Option<String>,
    pub enable_failover: Option<String>,
    pub failure_detection: Option<String>,
    pub failback: Option<String>,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct DocService {
    /// Published: cmdlet `ServiceId` form `SiteId-RoleName-Instance`; `.tbxml`: `UniqueId`.
    pub key: String,
    /// How a person names the service, when not by its key (`.tbxml`: role and GUID); see
    /// [`DocService::display`]. Published services are named by their key (`1-Registrar-1`), which
    /// is not copied: a large topology has thousands.
    pub display: Option<String>,
    pub role: String,
    pub service_version: Option<String>,
    pub installed_on: Placement,
    pub dependencies: Vec<DocDependency>,
    pub registrar: Option<RegistrarAttrs>,
    /// Every `Backup` child in document order; more than one is noted, the first is used.
    pub backups: Vec<DocBackup>,
    /// `CentralMgmtService/@IsActive` of a `CentralMgmt` service.
    pub cms_active: Option<String>,
    pub line: u32,
}

impl DocService {
    /// How a person names the service (`1-Registrar-1`).
    pub fn display(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.key)
    }
}

impl TopologyDoc {
    /// This document's records followed by those of `rest`, which a reader read from line `line`
    /// on while counting that line as line 1 ([`read_split`]).
    fn followed_by(self, mut rest: TopologyDoc, line: u32) -> TopologyDoc {
        rest.shift_lines(line.saturating_sub(1));
        TopologyDoc {
            signature: self.signature,
            sites: joined(self.sites, rest.sites),
            clusters: joined(self.clusters, rest.clusters),
            sql_instances: joined(self.sql_instances, rest.sql_instances),
            services: joined(self.services, rest.services),
        }
    }

    /// Add `by` to every line kept. Every field of every record is named, so that a line added
    /// later must be decided on here.
    fn shift_lines(&mut self, by: u32) {
        let shift = |line: &mut u32| *line = line.saturating_add(by);
        let TopologyDoc {
            signature,
            sites,
            clusters,
            sql_instances: _,
            services,
        } = self;
        if let Some((_, line)) = signature {
            shift(line);
        }
        for DocSite {
            id: _,
            name: _,
            kind: _,
            parent_id: _,
            line,
        } in sites
        {
            shift(line);
        }
        for DocCluster {
            key: _,
            site_id: _,
            fqdn: _,
            machines: _,
            single_machine: _,
            line,
        } in clusters
        {
            shift(line);
        }
        for DocService {
            key: _,
            display: _,
            role: _,
            service_version: _,
            installed_on: _,
            dependencies,
            registrar,
            backups,
            cms_active: _,
            line,
        } in services
        {
            shift(line);
            for DocDependency {
                target: _,
                usage: _,
                line,
            } in dependencies
            {
                shift(line);
            }
            if let Some(RegistrarAttrs {
                is_director: _,
                line,
            }) = registrar
            {
                shift(line);
            }
            for DocBackup {
                target: _,
                enable_failover: _,
                failure_detection: _,
                failback: _,
                line,
            } in backups
            {
                shift(line);
            }
        }
    }
}

/// `first` followed by `second`, in a vector of exactly their length when `first` has no room:
/// `extend` alone grows it to at least twice its capacity, which is more than both need whenever
/// the first half's vector had room to spare (issue 12, peak memory: the services of a 20 MB
/// export take 2 MB, and the growth happens while both halves are alive).
fn joined<T>(mut first: Vec<T>, second: Vec<T>) -> Vec<T> {
    first.reserve_exact(second.len());
    first.extend(second);
    first
}

// Keys are joined by hand rather than with `format!`: they are built for every reference in the
// file, and the formatting machinery costs several times as much as the copy.

pub fn cluster_key(site_id: &str, number: &str) -> String {
    join(&[site_id, ":", number])
}

pub fn service_key(site_id: &str, role: &str, instance: &str) -> String {
    join(&[site_id, "-", role, "-", instance])
}

pub fn sql_key(cluster: &str, name: &str) -> String {
    join(&[cluster, "/", name])
}

fn join(parts: &[&str]) -> String {
    let mut key = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        key.push_str(part);
    }
    key
}

/// Where inside a `Service` the reader is, so nested `ServiceId`/`ClusterId` land in the right field.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum ServicePart {
    #[default]
    Own,
    Dependency,
    InstalledOn,
    InstalledOnSql,
    Backup,
}

/// Read a published topology. `root_seen` is how the caller checked the root: this reader expects
/// the `Topology` start tag (Topology.2008 namespace) as the first element.
///
/// The body is read by the narrow tokenizer first (the plain markup of every export, about half
/// the instructions of quick-xml); on anything it does not read, and on any error, the document is
/// read again with quick-xml, so that what is accepted and every error's words and line:column are
/// exactly quick-xml's. A large document is read by the narrow tokenizer on two threads first
/// ([`read_split`]), and on one if that does not succeed.
// Used by the benches, the fuzz targets and the tests (feature `internals`).
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn read_published(text: &str) -> Result<TopologyDoc, XmlError> {
    read_published_passing(text, &ReadPages::none())
}

/// Documents from this size on are read on two threads: below it a second thread gains less than
/// a millisecond, and the small files of a batch keep every core busy anyway.
pub(crate) const TWO_THREADS_FROM_BYTES: usize = 1 << 20;

/// [`read_published`] of text mapped from a file, dropping the pages the reader has passed.
pub(crate) fn read_published_passing(
    text: &str,
    pages: &ReadPages<'_>,
) -> Result<TopologyDoc, XmlError> {
    read_published_split_from(text, pages, TWO_THREADS_FROM_BYTES)
}

/// [`read_published_passing`], on two threads from `split_from` bytes on (tests read small
/// documents on two threads).
fn read_published_split_from(
    text: &str,
    pages: &ReadPages<'_>,
    split_from: usize,
) -> Result<TopologyDoc, XmlError> {
    if text.len() >= split_from
        && let Some(doc) =
            split_point(text, split_search_from(text)).and_then(|s| read_split(text, s, pages))
    {
        return Ok(doc);
    }
    read_published_with(text, Tokenizer::Narrow, pages)
        .or_else(|_| read_published_with(text, Tokenizer::QuickXml, pages))
}

/// [`read_published`] with one tokenizer for the body (the prolog and root are read by quick-xml).
fn read_published_with(
    text: &str,
    tokenizer: Tokenizer,
    pages: &ReadPages<'_>,
) -> Result<TopologyDoc, XmlError> {
    let mut r = XmlReader::new(text);
    r.drop_pages_passed(pages);
    let root = open_root(&mut r)?;
    if tokenizer == Tokenizer::Narrow {
        r.read_narrowly(&root.start, root.ns);
    }
    let mut doc = read_topology_body(&mut r)?;
    doc.signature = root.signature;
    Ok(doc)
}

/// The `Topology` start tag of a published topology, just read.
struct Root<'a> {
    start: BytesStart<'a>,
    ns: Cow<'static, str>,
    signature: Option<(String, u32)>,
}

/// Read up to the root element, which must be the `Topology` start tag.
fn open_root<'a>(r: &mut XmlReader<'a>) -> Result<Root<'a>, XmlError> {
    loop {
        let (ns, event) = r.next_event()?;
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                if ns != NS_TOPOLOGY || local != "Topology" {
                    return Err(r.error_here(wrong_root(&ns, &local)));
                }
                let signature = r.attr(&e, "Signature")?.map(|s| (s, r.line()));
                return Ok(Root {
                    start: e,
                    ns,
                    signature,
                });
            }
            Event::Empty(e) => {
                let local = e.local_name().as_ref().to_owned();
                if ns == NS_TOPOLOGY && local == "Topology" {
                    return Err(r.error_here(
                        "the Topology element is empty: the export holds no sites or pools",
                    ));
                }
                return Err(r.error_here(wrong_root(&ns, &local)));
            }
            Event::Text(t) if t.xml10_content().trim().is_empty() => {}
            Event::Text(_) => {
                return Err(r.error_here(
                    "text before the root element: this is not an XML topology export",
                ));
            }
            Event::Eof => {
                return Err(XmlError::whole_file(
                    "no XML element found: this is not a topology export",
                ));
            }
            _ => {}
        }
    }
}

/// Where a large document is cut in two for [`read_split`]: at the first `Service` start tag after
/// the middle, inside the `Services` section. That section is the larger half of an export (the
/// sections come as Sites, Clusters, SqlInstances, Services in the genuine exports and in
/// `src/synth.rs`), and between two services the reader holds no open record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Split {
    /// The offset of the `<Services` start tag.
    services: usize,
    /// The offset of the `<Service` start tag where the second thread starts.
    at: usize,
}

/// Where to look for the split: a little before the middle, so that both threads take about as
/// long. The first half holds the sections before `Services`, which are denser in records than
/// the services with their skipped ports (the bench's 20 MB topology split at the middle: 140 M
/// instructions for the first half, 128 M for the second; at 15/32, 132 M and 136 M).
fn split_search_from(text: &str) -> usize {
    text.len() / 32 * 15
}

/// The split of [`Split`] at the first `Service` start tag from offset `from` on, found by byte
/// search; `None` when the document has no such tags.
fn split_point(text: &str, from: usize) -> Option<Split> {
    let bytes = text.as_bytes();
    let services = start_tag(bytes, 0, "Services")?;
    let at = start_tag(bytes, from.max(services + 1), "Service")?;
    Some(Split { services, at })
}

/// The offset of the first `<name` at or after `from` that starts a tag of that name.
fn start_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let tag = [b"<", name.as_bytes()].concat();
    memchr::memmem::find_iter(bytes.get(from..)?, &tag)
        .map(|i| from + i)
        .find(|&i| {
            bytes
                .get(i + tag.len())
                .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        })
}

/// One part of a document read on two threads: the records it closed, the state of the reader
/// where the second part starts (the first part: where it stopped; the second: what it assumed),
/// and the line there (counted by the first part only).
struct Part {
    doc: TopologyDoc,
    state: SplitState,
    line: u32,
}

/// Everything reading on from the split depends on besides the text: the tokenizer's state, the
/// depth the handlers see, and whether a record is open (none may be: the second part starts
/// with none).
#[derive(Debug, PartialEq, Eq)]
struct SplitState {
    reader: NarrowState,
    depth: usize,
    records_idle: bool,
}

/// Read a large document on two threads (issue 12): the first reads up to the split, the second
/// from there to the end, assuming the reader stands there inside `<Services>` with no record
/// open. The result is the sequential reading's exactly when the first thread stopped at the
/// split in the state the second assumed: the same tokenizer then reads the same text from the
/// same state, and the records of both are joined in document order. `None` for anything else
/// (no split point, a half the narrow tokenizer does not read, any error, another state), and the
/// caller reads the whole document on one thread, so every error is the sequential reading's.
///
/// The second part is a task of rayon's pool (the batch path already runs files on its threads,
/// so it is stolen by an idle one rather than adding a thread), and the calling thread reads the
/// first part itself: `in_place_scope` rather than `rayon::join`, which, called from outside the
/// pool (one file: the main thread), moves both parts into the pool and wakes two of its threads
/// while the caller sleeps.
fn read_split(text: &str, split: Split, pages: &ReadPages<'_>) -> Option<TopologyDoc> {
    let (first_pages, second_pages) = pages.split_at(&text.as_bytes()[..split.at]);
    let mut second = None;
    let second_read = &mut second;
    let first = rayon::in_place_scope(|scope| {
        scope.spawn(move |_| *second_read = read_second_part(text, split, &second_pages));
        read_first_part(text, split, &first_pages)
    });
    let (first, second) = (first?, second?);
    if first.state != second.state {
        return None;
    }
    // Before the join, whose vectors are the largest allocation of the parse: the pages the two
    // sides kept (the step the split falls in, the end of the file) are not read again.
    pages.read_all();
    Some(first.doc.followed_by(second.doc, first.line))
}

/// The first part of [`read_split`]: the root and everything up to the split.
fn read_first_part(text: &str, split: Split, pages: &ReadPages<'_>) -> Option<Part> {
    let mut r = XmlReader::new(text);
    r.drop_pages_passed(pages);
    let root = open_root(&mut r).ok()?;
    r.read_narrowly(&root.start, root.ns);
    r.stop_at(split.at);
    let mut body = Body::new(&mut r);
    if body.read(&mut r).ok()? != BodyEnd::Stopped {
        return None;
    }
    body.doc.signature = root.signature;
    Some(Part {
        state: SplitState {
            reader: r.narrow_state()?,
            depth: body.open.len(),
            records_idle: body.records.is_idle(),
        },
        line: r.line(),
        doc: body.doc,
    })
}

/// The second part of [`read_split`]: from the split to the end, after reading the root (whose
/// namespace the body is read in) but nothing else before the split.
fn read_second_part(text: &str, split: Split, pages: &ReadPages<'_>) -> Option<Part> {
    let mut r = XmlReader::new(text);
    r.drop_pages_passed(pages);
    let root = open_root(&mut r).ok()?;
    r.read_narrowly(&root.start, root.ns);
    let mut body = Body::new(&mut r);
    // The name as a slice of the text, as the tokenizer keeps those of the elements it opens.
    let services = text.get(split.services + 1..)?.get(.."Services".len())?;
    r.resume_inside(services, split.at)?;
    // Its line is only ever shown in an error about a truncated file, and any error of this
    // part leads to the sequential reading, which counts its own.
    body.open.push((split.services, 0));
    let state = SplitState {
        reader: r.narrow_state()?,
        depth: body.open.len(),
        records_idle: body.records.is_idle(),
    };
    if body.read(&mut r).ok()? != BodyEnd::RootClosed {
        return None;
    }
    Some(Part {
        doc: body.doc,
        state,
        line: 1,
    })
}

pub fn wrong_root(ns: &str, local: &str) -> String {
    let ns = if ns.is_empty() {
        "no namespace".to_owned()
    } else {
        ns.to_owned()
    };
    format!(
        "root element is <{local}> ({ns}), expected <Topology> ({NS_TOPOLOGY}): not a published Lync topology; \
         export one with (Get-CsTopology -AsXml).ToString()"
    )
}

/// Body of a `Topology` element (also used for topologies nested in a configuration zip).
pub fn read_topology_body(r: &mut XmlReader<'_>) -> Result<TopologyDoc, XmlError> {
    let mut body = Body::new(r);
    match body.read(r)? {
        BodyEnd::RootClosed => Ok(body.doc),
        // Only a reader told where to stop stops there (`read_split`); any other end of the
        // input inside the root is a truncated file.
        BodyEnd::Stopped => Err(truncated(r, &body.open)),
    }
}

/// The body of a `Topology` element being read.
struct Body {
    doc: TopologyDoc,
    /// Elements descended into, as (offset of the start tag, line): the name is read back from the
    /// text only if the file turns out to be truncated, so the common path allocates nothing.
    open: Vec<(usize, u32)>,
    records: OpenRecords,
}

/// How reading a body ended, without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyEnd {
    /// At the end tag of the root.
    RootClosed,
    /// Where the reader was told to stop ([`XmlReader::stop_at`]).
    Stopped,
}

impl Body {
    /// A body whose root start tag was just read.
    fn new(r: &mut XmlReader<'_>) -> Body {
        Body {
            doc: TopologyDoc::default(),
            open: vec![(r.event_start, r.line())],
            records: OpenRecords::default(),
        }
    }

    fn read(&mut self, r: &mut XmlReader<'_>) -> Result<BodyEnd, XmlError> {
        loop {
            let (ns, event) = r.next_event()?;
            let (start, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    self.open.pop();
                    let local = local_part(e.name().0);
                    if ns == NS_TOPOLOGY && local == "Topology" && self.open.is_empty() {
                        return Ok(BodyEnd::RootClosed);
                    }
                    self.records.close(&mut self.doc, &ns, local);
                    continue;
                }
                Event::GeneralRef(_)
                | Event::Text(_)
                | Event::CData(_)
                | Event::Comment(_)
                | Event::PI(_)
                | Event::Decl(_)
                | Event::DocType(_) => continue,
                Event::Eof if r.stopped() => return Ok(BodyEnd::Stopped),
                Event::Eof => return Err(truncated(r, &self.open)),
            };
            let local = local_part(start.name().0);
            let next = handle_start(r, &ns, local, &start, self.open.len(), &mut self.records)?;
            if empty || next == Next::Consumed {
                self.records.close_self_closed(&mut self.doc, local);
                continue;
            }
            match next {
                Next::Read => self.open.push((r.event_start, r.line())),
                Next::Skip => r.skip(&start)?,
                Next::Consumed => {}
            }
        }
    }
}

/// The error for a file that ends while the elements in `open` are still open.
fn truncated(r: &XmlReader<'_>, open: &[(usize, u32)]) -> XmlError {
    let (offset, line) = open.last().copied().unwrap_or_default();
    let name = r.local_name_at(offset);
    r.error_here(format!(
        "the file ends inside <{name}> opened at line {line}: the export is truncated"
    ))
}

/// The records being read, which the start tag handlers open and fill: each is opened by its
/// start tag and closed into the document by its end tag (or at once when its element is empty).
#[derive(Default)]
struct OpenRecords {
    site: Option<DocSite>,
    cluster: Option<DocCluster>,
    sql_cluster: Option<String>,
    sql_name: Option<String>,
    service: Option<DocService>,
    part: ServicePart,
    dependency: Option<DocDependency>,
    install_sql_name: Option<String>,
}

impl OpenRecords {
    /// The end tag of an element in namespace `ns`: close the record it ends, if any.
    fn close(&mut self, doc: &mut TopologyDoc, ns: &str, local: &str) {
        if ns != NS_TOPOLOGY {
            return;
        }
        match local {
            "CentralSite" | "BranchSite" => doc.sites.extend(self.site.take()),
            "Cluster" => doc.clusters.extend(self.cluster.take()),
            // A record's end clears all it set, so that between records nothing is open
            // (`is_idle`): the values are set anew before they are read again anyway.
            "SqlInstance" => {
                let name = self.sql_name.take();
                if let Some(c) = self.sql_cluster.take() {
                    let name = name.unwrap_or_default();
                    doc.sql_instances.push(DocSqlInstance {
                        key: sql_key(&c, &name),
                        cluster: c,
                        name,
                    });
                }
            }
            "Service" => {
                doc.services.extend(self.service.take());
                self.part = ServicePart::Own;
                self.install_sql_name = None;
            }
            "Dependency" => self.close_dependency(),
            "InstalledOn" | "Backup" => self.part = ServicePart::Own,
            "SqlInstanceId" if self.part == ServicePart::InstalledOnSql => {
                self.part = ServicePart::InstalledOn;
            }
            _ => {}
        }
    }

    /// An element without content (empty, or read whole by its handler) that opened a record
    /// closes it at once.
    fn close_self_closed(&mut self, doc: &mut TopologyDoc, local: &str) {
        match local {
            "Dependency" => self.close_dependency(),
            "CentralSite" | "BranchSite" => doc.sites.extend(self.site.take()),
            "Cluster" => doc.clusters.extend(self.cluster.take()),
            "InstalledOn" | "Backup" => self.part = ServicePart::Own,
            _ => {}
        }
    }

    /// No record is open, nor any value kept for one: as at the start of the body. (Every field
    /// is named, so that one added later must be decided on here.)
    fn is_idle(&self) -> bool {
        let OpenRecords {
            site,
            cluster,
            sql_cluster,
            sql_name,
            service,
            part,
            dependency,
            install_sql_name,
        } = self;
        site.is_none()
            && cluster.is_none()
            && sql_cluster.is_none()
            && sql_name.is_none()
            && service.is_none()
            && *part == ServicePart::Own
            && dependency.is_none()
            && install_sql_name.is_none()
    }

    fn close_dependency(&mut self) {
        if let (Some(s), Some(d)) = (self.service.as_mut(), self.dependency.take()) {
            s.dependencies.push(d);
        }
        self.part = ServicePart::Own;
    }
}

/// The local part of an element name, as quick-xml's `local_name` (after the first `:`) without
/// its general character search: called for every element read.
fn local_part(name: &str) -> &str {
    match name.bytes().position(|b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// Handle one start tag and say what to do with its content: which record it opens or fills.
/// `depth` is the number of elements open around it (1 inside the root).
fn handle_start<'a>(
    r: &mut XmlReader<'a>,
    ns: &str,
    local: &str,
    e: &BytesStart<'a>,
    depth: usize,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    if ns == NS_SERVICE_ROLES {
        return read_role_settings(r, local, e, c);
    }
    if ns != NS_TOPOLOGY {
        return Ok(Next::Skip);
    }
    match local {
        "Sites" | "Clusters" | "SqlInstances" | "Services" if depth == 1 => Ok(Next::Read),
        "CentralSite" | "BranchSite" => open_site(r, local, e, c),
        "Name" if c.site.is_some() && c.cluster.is_none() => read_site_name(r, c),
        "ParentSite" if c.site.is_some() => read_parent_site(r, e, c),
        "Cluster" => open_cluster(r, e, c),
        "ClusterId" => read_cluster_id(r, e, c),
        "Machine" if c.cluster.is_some() => read_machine(r, e, c),
        "SqlInstance" if depth == 2 => {
            c.sql_cluster = None;
            c.sql_name = None;
            Ok(Next::Read)
        }
        "SqlInstanceId" if c.service.is_none() => {
            c.sql_name = Some(r.attr(e, "Name")?.unwrap_or_default());
            Ok(Next::Read)
        }
        "SqlInstanceId" if c.part == ServicePart::InstalledOn => {
            c.install_sql_name = Some(r.attr(e, "Name")?.unwrap_or_default());
            c.part = ServicePart::InstalledOnSql;
            Ok(Next::Read)
        }
        "Service" if depth == 2 => open_service(r, e, c),
        "ServiceId" if c.service.is_some() => read_service_id(r, e, c),
        "DependsOn" if c.service.is_some() => Ok(Next::Read),
        "Dependency" if c.service.is_some() => open_dependency(r, e, c),
        "InstalledOn" if c.service.is_some() => {
            c.part = ServicePart::InstalledOn;
            Ok(Next::Read)
        }
        "Backup" if c.service.is_some() && c.part == ServicePart::Own => open_backup(r, e, c),
        _ => Ok(Next::Skip),
    }
}

/// A role's own settings (ServiceRoles namespace): `IsDirector` of a Registrar, `IsActive` of a
/// Central Management store. Everything else in that namespace is skipped.
fn read_role_settings<'a>(
    r: &mut XmlReader<'a>,
    local: &str,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    match local {
        "RegistrarService" => {
            if let Some(s) = c.service.as_mut() {
                s.registrar = Some(RegistrarAttrs {
                    is_director: r.attr(e, "IsDirector")?,
                    line: r.line(),
                });
            }
        }
        "CentralMgmtService" => {
            if let Some(s) = c.service.as_mut() {
                s.cms_active = r.attr(e, "IsActive")?;
            }
        }
        _ => {}
    }
    Ok(Next::Skip)
}

/// `CentralSite` or `BranchSite` (D3): a site record, closed at its end tag.
fn open_site<'a>(
    r: &mut XmlReader<'a>,
    local: &str,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    let [id, parent_id] = r.attrs(e, ["SiteId", "ParentSiteId"])?;
    c.site = Some(DocSite {
        id: id.map(Cow::into_owned).unwrap_or_default(),
        name: None,
        kind: if local == "CentralSite" {
            SiteKind::Central
        } else {
            SiteKind::Branch
        },
        parent_id: parent_id.map(Cow::into_owned),
        line: r.line(),
    });
    Ok(Next::Read)
}

/// The site's `Name` text (D8), read here end tag included.
fn read_site_name(r: &mut XmlReader<'_>, c: &mut OpenRecords) -> Result<Next, XmlError> {
    let name = r.text_content()?;
    if let Some(s) = c.site.as_mut() {
        s.name = Some(name);
    }
    Ok(Next::Consumed)
}

/// A `ParentSite` child names a branch site's parent (D3); it wins over a `ParentSiteId` attribute.
fn read_parent_site<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    if let Some(s) = c.site.as_mut() {
        s.parent_id = r.attr(e, "SiteId")?.or(s.parent_id.take());
    }
    Ok(Next::Skip)
}

/// A `Cluster` record (a pool), closed at its end tag; its key comes from its `ClusterId`.
fn open_cluster<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    c.cluster = Some(DocCluster {
        key: String::new(),
        site_id: String::new(),
        fqdn: r.attr(e, "Fqdn")?.unwrap_or_default(),
        machines: Vec::new(),
        single_machine: None,
        line: r.line(),
    });
    Ok(Next::Read)
}

/// A `ClusterId` is the key of the cluster being read, or where the current service is installed
/// (directly or through a SQL instance), or the cluster hosting the current SQL instance.
fn read_cluster_id<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    let [site_id, number] = r.attrs(e, ["SiteId", "Number"])?;
    let (site_id, number) = (site_id.unwrap_or_default(), number.unwrap_or_default());
    let key = cluster_key(&site_id, &number);
    if let Some(cl) = c.cluster.as_mut() {
        cl.key = key;
        cl.site_id = site_id.into_owned();
    } else if let Some(s) = c.service.as_mut() {
        match c.part {
            ServicePart::InstalledOn => s.installed_on = Placement::Cluster(key),
            ServicePart::InstalledOnSql => {
                let name = c.install_sql_name.as_deref().unwrap_or_default();
                s.installed_on = Placement::SqlInstance(sql_key(&key, name));
            }
            _ => {}
        }
    } else if c.sql_name.is_some() {
        c.sql_cluster = Some(key);
    }
    Ok(Next::Skip)
}

/// A `Machine` of the cluster being read.
fn read_machine<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    if let (Some(cl), Some(fqdn)) = (c.cluster.as_mut(), r.attr(e, "Fqdn")?) {
        cl.machines.push(fqdn);
    }
    Ok(Next::Skip)
}

/// A `Service` record, closed at its end tag; its key comes from its own `ServiceId`.
fn open_service<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    c.service = Some(DocService {
        key: String::new(),
        display: None,
        role: String::new(),
        service_version: r.attr(e, "ServiceVersion")?,
        installed_on: Placement::Missing,
        dependencies: Vec::new(),
        registrar: None,
        backups: Vec::new(),
        cms_active: None,
        line: r.line(),
    });
    c.part = ServicePart::Own;
    Ok(Next::Read)
}

/// A `ServiceId` names the current service itself, the target of its dependency, or its backup
/// Registrar (D1), depending on where inside the service it stands.
fn read_service_id<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    let [site_id, role, instance] = r.attrs(e, ["SiteId", "RoleName", "Instance"])?;
    let (site_id, role, instance) = (
        site_id.unwrap_or_default(),
        role.unwrap_or_default(),
        instance.unwrap_or_default(),
    );
    let key = service_key(&site_id, &role, &instance);
    match c.part {
        ServicePart::Own => {
            if let Some(s) = c.service.as_mut() {
                s.key = key;
                s.role = role.into_owned();
            }
        }
        ServicePart::Dependency => {
            if let Some(d) = c.dependency.as_mut() {
                d.target = key;
            }
        }
        // A reference missing a part names no service: read as no backup (a note says so).
        ServicePart::Backup if site_id.is_empty() || role.is_empty() || instance.is_empty() => {}
        ServicePart::Backup => {
            if let Some(b) = c.service.as_mut().and_then(|s| s.backups.last_mut())
                && b.target.is_none()
            {
                b.target = Some(key);
            }
        }
        ServicePart::InstalledOn | ServicePart::InstalledOnSql => {}
    }
    Ok(Next::Skip)
}

/// A `Dependency` of the current service (never a backup edge, D1), closed at its end tag.
fn open_dependency<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    c.dependency = Some(DocDependency {
        target: String::new(),
        usage: r.attr(e, "Usage")?.unwrap_or_default(),
        line: r.line(),
    });
    c.part = ServicePart::Dependency;
    Ok(Next::Read)
}

/// D1/D2: a `Backup` names the backup Registrar and holds the failover settings, as in the genuine
/// paired export.
fn open_backup<'a>(
    r: &mut XmlReader<'a>,
    e: &BytesStart<'a>,
    c: &mut OpenRecords,
) -> Result<Next, XmlError> {
    let [enable_failover, failure_detection, failback] = r.attrs(
        e,
        [
            "EnableAutomaticFailover",
            "FailureDetectionInterval",
            "FailbackDetectionInterval",
        ],
    )?;
    if let Some(s) = c.service.as_mut() {
        s.backups.push(DocBackup {
            target: None,
            enable_failover: enable_failover.map(Cow::into_owned),
            failure_detection: failure_detection.map(Cow::into_owned),
            failback: failback.map(Cow::into_owned),
            line: r.line(),
        });
    }
    c.part = ServicePart::Backup;
    Ok(Next::Read)
}

/// What to do with the content of an element after its start tag was handled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Descend into it.
    Read,
    /// Skip the whole subtree unread.
    Skip,
    /// The handler already read it, end tag included.
    Consumed,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documents of the fixtures and of the synthetic generator, and damaged copies of them.
    fn documents() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = [
            "fixtures/clean2013/topology.xml",
            "fixtures/mixed/topology.xml",
            "fixtures/lync2010/topology.xml",
            "tests/data/report/topology.xml",
        ]
        .iter()
        .filter_map(|p| std::fs::read(root.join(p)).ok())
        .filter_map(|bytes| Some(crate::text::decode(&bytes).ok()?.text.into_owned()))
        .collect();
        texts.push(crate::synth::published_topology(200_000).text);
        texts
    }

    /// Damaged copies: cut at many places, and with plain markup replaced by what only quick-xml
    /// reads (both must then give the same error), or by what both read alike.
    fn damaged(texts: &[String]) -> Vec<String> {
        let mut damaged = Vec::new();
        for text in texts {
            for cut in (1..12).map(|i| text.len() * i / 12) {
                if let Some(head) = text.get(..cut) {
                    damaged.push(head.to_owned());
                }
            }
            for (from, to) in [
                ("<Name>", "<Name><!-- c -->"),
                ("<Name>", "<Name><!---->"),
                ("<Sites>", "<Sites><!-- <a> -- -->"),
                ("</Name>", "</Name >"),
                ("Usage=\"", "Usage = \""),
                ("Usage=\"", "Usage=\"&amp;"),
                ("<Sites>", "<Sites xmlns:p=\"urn:p\">"),
                ("<Services>", "<p:Services xmlns:p=\"urn:p\">"),
                ("<ClusterId", "<ClusterId\n"),
                ("</Cluster>", "</Clusters>"),
                ("<Machine", "<Machine a=\"1\" a=\"2\" xmlns=\"urn:x\""),
                ("<Ports", "<Ports xmlns=\"\""),
                ("SiteId=\"", "SiteId='"),
                ("Fqdn=\"", "Fqdn=\"a>b"),
            ] {
                damaged.push(text.replacen(from, to, 1));
                damaged.push(text.replace(from, to));
            }
        }
        damaged
    }

    /// [`documents`], one of them with a site, a cluster and a SQL instance after its services, so
    /// that every kind of record with a line can follow a split.
    fn documents_for_splits() -> Vec<String> {
        let mut texts = documents();
        let trailing = "<CentralSite SiteId=\"9\"><Name>After</Name></CentralSite>\r\n\
             <Cluster Fqdn=\"late.test\"><ClusterId SiteId=\"9\" Number=\"1\" />\
             <Machine Fqdn=\"m.late.test\" /></Cluster>\r\n\
             <SqlInstance><SqlInstanceId Name=\"late\" /><ClusterId SiteId=\"9\" Number=\"1\" /></SqlInstance>\r\n";
        let with_trailing = texts[0].replacen("</Services>", &format!("{trailing}</Services>"), 1);
        assert_ne!(with_trailing, texts[0]);
        texts.push(with_trailing);
        texts
    }

    /// `text` cut at `len` bytes or just before.
    fn cut(text: &str, len: usize) -> &str {
        let len = (0..=len)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        &text[..len]
    }

    /// Every split point of `text` (each `Service` start tag), or about `n` spread over it.
    fn splits(text: &str, n: usize) -> Vec<Split> {
        let mut all: Vec<Split> =
            std::iter::successors(split_point(text, 0), |s| split_point(text, s.at + 1)).collect();
        let step = all.len().div_ceil(n.max(1)).max(1);
        all = all.into_iter().step_by(step).collect();
        all
    }

    /// The result of reading `text` on one thread with `tokenizer`, as text to compare.
    fn one_thread(text: &str, tokenizer: Tokenizer) -> String {
        format!(
            "{:?}",
            read_published_with(text, tokenizer, &ReadPages::none())
        )
    }

    #[test]
    fn reading_on_two_threads_reads_what_one_thread_reads() {
        let one_thread = |text: &str| one_thread(text, Tokenizer::Narrow);
        let mut split_reads = 0;
        for text in documents_for_splits() {
            let want = one_thread(&text);
            let splits = splits(&text, 40);
            assert!(!splits.is_empty());
            for split in splits {
                let got = read_split(&text, split, &ReadPages::none());
                // Every split between two services of these exports is read on two threads.
                let got = got.unwrap_or_else(|| panic!("{split:?} of {}", &text[..200]));
                assert_eq!(format!("{:?}", Ok::<_, XmlError>(got)), want, "{split:?}");
                split_reads += 1;
            }
        }
        assert!(split_reads > 40, "{split_reads}");
        // The public path on a document over the size that sends it to two threads.
        let large = crate::synth::published_topology(TWO_THREADS_FROM_BYTES + 1).text;
        assert!(
            read_split(
                &large,
                split_point(&large, large.len() / 2).unwrap(),
                &ReadPages::none()
            )
            .is_some()
        );
        assert_eq!(format!("{:?}", read_published(&large)), one_thread(&large));
    }

    /// Damage around the split point, and damage anywhere: what two threads cannot read as one
    /// would is read again on one, so results and errors (words, line:column) stay the same.
    #[test]
    fn reading_on_two_threads_falls_back_on_anything_else() {
        let quick = |text: &str| one_thread(text, Tokenizer::QuickXml);
        let texts = documents_for_splits();
        let mut fell_back = 0;
        for text in &texts {
            let Some(split) = split_point(text, split_search_from(text)) else {
                continue;
            };
            let (before, after) = text.split_at(split.at);
            let before_tag = before.rfind('<').unwrap();
            let damage = [
                // A namespace declared on an element open across the split, or on the split tag.
                text.replacen("<Services>", "<Services xmlns=\"urn:other\">", 1),
                format!(
                    "{before}<Service xmlns=\"urn:other\"{}",
                    &after["<Service".len()..]
                ),
                // A record left open before the split, or a value kept for one.
                format!("{before}<Service />{after}"),
                format!("{before}<SqlInstanceId Name=\"x\" />{after}"),
                format!("{before}<CentralSite SiteId=\"7\">{after}"),
                // A comment or a skipped element across the split, an element left open.
                format!("{before}<!-- {after}"),
                format!("{before}<Ports>{after}"),
                format!("{before}<Extra>{after}"),
                format!("{}<X>{}", &before[..before_tag], &text[before_tag..]),
                // What the narrow tokenizer leaves to quick-xml, after the split; cuts after it.
                format!("{before}{}", after.replacen("Usage=\"", "Usage=\"&amp;", 1)),
                format!(
                    "{before}{}",
                    after.replacen("<Service ", "<p:Service xmlns:p=\"urn:p\" ", 1)
                ),
                format!("{before}{}", after.replacen("</Service>", "</Servic>", 1)),
                format!("{before}{}", cut(after, after.len() / 2)),
                format!("{before}{}", cut(after, after.len() - 3)),
                // No services after the split at all.
                format!("{before}</Services></Topology>"),
                // A stray root end tag before the split.
                format!("{before}</Topology>{after}"),
            ];
            for damaged in damage {
                let at =
                    split_point(&damaged, split_search_from(text)).filter(|s| s.at == split.at);
                let two = at.and_then(|s| read_split(&damaged, s, &ReadPages::none()));
                let sequential =
                    read_published_with(&damaged, Tokenizer::Narrow, &ReadPages::none());
                match two {
                    Some(doc) => assert_eq!(
                        format!("{:?}", Ok::<_, XmlError>(doc)),
                        format!("{sequential:?}")
                    ),
                    None => fell_back += 1,
                }
                assert_eq!(
                    format!(
                        "{:?}",
                        read_published_split_from(&damaged, &ReadPages::none(), 0)
                    ),
                    quick(&damaged),
                );
            }
        }
        assert!(fell_back > 10 * texts.len(), "{fell_back}");
        for text in damaged(&texts) {
            assert_eq!(
                format!(
                    "{:?}",
                    read_published_split_from(&text, &ReadPages::none(), 0)
                ),
                quick(&text),
            );
        }
    }

    #[test]
    fn the_narrow_tokenizer_reads_what_quick_xml_reads() {
        let texts = documents();
        for text in &texts {
            assert!(read_published_with(text, Tokenizer::Narrow, &ReadPages::none()).is_ok());
        }
        let mut narrow_read = 0;
        for text in texts.iter().chain(&damaged(&texts)) {
            let quick = read_published_with(text, Tokenizer::QuickXml, &ReadPages::none());
            // The narrow tokenizer may give up on anything; where it reads, it reads the same.
            if let Ok(narrow) = read_published_with(text, Tokenizer::Narrow, &ReadPages::none()) {
                narrow_read += 1;
                assert_eq!(
                    format!("{:?}", Ok::<_, XmlError>(narrow)),
                    format!("{quick:?}")
                );
            }
            assert_eq!(format!("{:?}", read_published(text)), format!("{quick:?}"));
        }
        // The undamaged documents, and damage it reads as quick-xml does (the other quote, a `>`
        // inside a value, a line break inside a tag).
        assert!(narrow_read > texts.len(), "{narrow_read}");
    }
}
