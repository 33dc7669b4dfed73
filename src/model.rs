//! The normalized estate: what every importer feeds and every rule, planner and renderer reads.
//!
//! Importers produce [`InputRecords`] (statements of one file, with provenance); [`crate::estate`]
//! merges the records of one estate into an [`Estate`]. Nothing here does IO.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use crate::i18n::{Lang, Message};

/// Where a fact was read: the file as the user named it, and the 1-based line when the format has lines.
///
/// The path is shared: every fact of a file carries one, so a large topology would otherwise copy
/// its path hundreds of thousands of times.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    /// The input file, as shown to the user.
    #[serde(serialize_with = "serialize_str")]
    pub path: Arc<str>,
    /// The line, counted from 1, when the fact has one.
    pub line: Option<u32>,
}

impl Source {
    /// A fact of `path` at `line`.
    pub fn new(path: &str, line: Option<u32>) -> Source {
        Source {
            path: Arc::from(path),
            line,
        }
    }

    /// A source in a file whose path is already shared (see [`Source::path`]).
    pub fn in_file(path: &Arc<str>, line: Option<u32>) -> Source {
        Source {
            path: Arc::clone(path),
            line,
        }
    }
}

fn serialize_str<S: serde::Serializer>(s: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(s)
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path, line),
            None => f.write_str(&self.path),
        }
    }
}

/// Contract `inputs[].format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A published topology (`Get-CsTopology -AsXml`).
    TopologyXml,
    /// A Topology Builder document (`.tbxml`).
    Tbxml,
    /// An `Export-CsConfiguration` zip.
    ConfigZip,
    /// A cmdlet's `Export-Csv` output.
    CmdletCsv,
    /// An inventory: CSV or spreadsheet.
    Inventory,
}

impl Format {
    /// The name in the contract (`topology-xml`, `tbxml`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Format::TopologyXml => "topology-xml",
            Format::Tbxml => "tbxml",
            Format::ConfigZip => "config-zip",
            Format::CmdletCsv => "cmdlet-csv",
            Format::Inventory => "inventory",
        }
    }

    /// Which source wins when two disagree: topology over cmdlet CSV over inventory (lower is stronger).
    /// Among topologies, the published one (also inside a configuration export) is what is deployed;
    /// a Topology Builder file may hold changes nobody published yet, so it ranks just below.
    pub fn authority(self) -> u8 {
        match self {
            Format::TopologyXml | Format::ConfigZip => 0,
            Format::Tbxml => 1,
            Format::CmdletCsv => 2,
            Format::Inventory => 3,
        }
    }

    /// Whether files of this format define an estate of their own (FORMATS.md §9 "Estates").
    pub fn is_topology(self) -> bool {
        matches!(
            self,
            Format::TopologyXml | Format::ConfigZip | Format::Tbxml
        )
    }
}

/// One input file of an estate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Input {
    /// The path as shown to the user.
    pub path: String,
    /// What kind of export it is.
    pub format: Format,
    /// The text encoding it was read in (`utf-8`, `utf-16le`, `windows-1252`, ...).
    pub encoding: String,
}

/// Whether a site is a central site or a branch site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteKind {
    /// A central site: holds pools.
    Central,
    /// A branch site: holds branch registrars, backed by a central site's pool.
    Branch,
}

/// A site of the topology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// The name as the topology writes it.
    pub name: String,
    /// Central or branch.
    pub kind: SiteKind,
    /// The central site a branch site belongs to, when stated.
    pub parent: Option<String>,
}

/// D4: roles by service composition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A Front End pool (Registrar with user services).
    FrontEnd,
    /// A Director pool.
    Director,
    /// A branch registrar: Survivable Branch Appliance or Server.
    Branch,
    /// An Edge pool.
    Edge,
    /// A stand-alone Mediation pool.
    Mediation,
    /// Any other role (kept and shown, never checked).
    Other,
}

impl fmt::Display for Role {
    /// The label, as conflicts and messages name the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Role {
    /// The name in the contract (`front-end`, `director`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Role::FrontEnd => "front-end",
            Role::Director => "director",
            Role::Branch => "branch",
            Role::Edge => "edge",
            Role::Mediation => "mediation",
            Role::Other => "other",
        }
    }
}

/// The edition of a Front End pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Edition {
    /// Enterprise Edition: a pool of Front End servers with a back-end SQL store.
    Enterprise,
    /// Standard Edition: one server with a local store.
    Standard,
}

impl fmt::Display for Edition {
    /// The label, as conflicts and messages name the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Edition {
    /// The name in the contract (`enterprise`, `standard`).
    pub fn label(self) -> &'static str {
        match self {
            Edition::Enterprise => "enterprise",
            Edition::Standard => "standard",
        }
    }

    /// The edition named by [`Edition::label`], if any.
    pub fn from_label(label: &str) -> Option<Edition> {
        [Edition::Enterprise, Edition::Standard]
            .into_iter()
            .find(|e| e.label() == label)
    }
}

/// Product version (D5). Ordered, so `>= Version::V2013` means "has pool pairing".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// Lync Server 2010.
    V2010,
    /// Lync Server 2013.
    V2013,
    /// Skype for Business Server 2015.
    V2015,
    /// Skype for Business Server 2019.
    V2019,
}

impl fmt::Display for Version {
    /// The label, as conflicts and messages name the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Version {
    /// The name in the contract (`2010`, `2013`, `2015`, `2019`).
    pub fn label(self) -> &'static str {
        match self {
            Version::V2010 => "2010",
            Version::V2013 => "2013",
            Version::V2015 => "2015",
            Version::V2019 => "2019",
        }
    }

    /// The version named by [`Version::label`], if any.
    pub fn from_label(label: &str) -> Option<Version> {
        [
            Version::V2010,
            Version::V2013,
            Version::V2015,
            Version::V2019,
        ]
        .into_iter()
        .find(|v| v.label() == label)
    }

    /// D5: `ServiceVersion` (and the cmdlet `Version` column) 5/6/7/8.
    pub fn from_service_version(v: &str) -> Option<Version> {
        match v.trim() {
            "5" => Some(Version::V2010),
            "6" => Some(Version::V2013),
            "7" => Some(Version::V2015),
            "8" => Some(Version::V2019),
            _ => None,
        }
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// D2: the voice resiliency settings of a Registrar. Intervals in seconds, signed and wide: a value
/// as written (`-5`, `5000000000`) must reach the rules as out of range, not be lost in a conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Failover {
    /// `EnableAutomaticFailover`, when stated.
    pub enabled: Option<bool>,
    /// Failure detection interval in seconds, as written.
    pub failure_detection_s: Option<i64>,
    /// Failback interval in seconds, as written.
    pub failback_s: Option<i64>,
}

/// Which copy of the Central Management store a pool holds (FORMATS.md §3.8): the active one, or
/// the standby that a pairing places on the partner pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CmsRole {
    /// The active Central Management store.
    Active,
    /// The standby copy on the partner of the active pool.
    Standby,
}

impl fmt::Display for CmsRole {
    /// The label, as conflicts and messages name the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl CmsRole {
    /// The name in the contract (`active`, `standby`).
    pub fn label(self) -> &'static str {
        match self {
            CmsRole::Active => "active",
            CmsRole::Standby => "standby",
        }
    }

    /// The role named by [`CmsRole::label`], if any.
    pub fn from_label(label: &str) -> Option<CmsRole> {
        [CmsRole::Active, CmsRole::Standby]
            .into_iter()
            .find(|c| c.label() == label)
    }
}

/// A pool fact as one input states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stated<T> {
    /// The value the input states.
    pub value: T,
    /// Where it states it.
    pub source: Source,
}

impl<T> Stated<T> {
    /// `value` as stated at `source`.
    pub fn new(value: T, source: Source) -> Stated<T> {
        Stated { value, source }
    }
}

/// Everything one input says about one pool. Every field is optional: inputs state what they know.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoolRecord {
    /// Lowercase, no trailing dot (D7).
    pub fqdn: String,
    /// Where the pool itself is defined (cluster element, CSV row).
    pub source: Option<Source>,
    /// The site the input puts the pool in.
    pub site: Option<Stated<String>>,
    /// The pool's role.
    pub role: Option<Stated<Role>>,
    /// Its edition.
    pub edition: Option<Stated<Edition>>,
    /// Its product version.
    pub version: Option<Stated<Version>>,
    /// Number of servers (Front End or Director machines).
    pub servers: Option<Stated<u32>>,
    /// FQDNs of the servers (machines) of the pool, for the runbook.
    pub machines: Vec<String>,
    /// Users homed on the pool.
    pub users: Option<Stated<u64>>,
    /// Whether the pool's servers are virtual machines.
    pub virtual_machine: Option<Stated<bool>>,
    /// The servers' operating system as written.
    pub os: Option<Stated<String>>,
    /// Every backup the input names for this pool, in document order. More than one is surfaced as a note.
    pub backups: Vec<Stated<String>>,
    /// The voice failover settings of its Registrar.
    pub failover: Option<Stated<Failover>>,
    /// The pool whose `BackupService` this pool's `BackupService` syncs with (D1, 2013+).
    pub backup_service: Option<Stated<String>>,
    /// Whether the pool hosts the active or a standby Central Management store.
    pub cms: Option<Stated<CmsRole>>,
    /// Lync 2010 pools this (planned) pool replaces: an inventory's `replaces` column (issue 10).
    pub replaces: Vec<Stated<String>>,
}

/// A site as one input states it.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRecord {
    /// The site.
    pub site: Site,
    /// Where the input states it.
    pub source: Source,
}

/// Something an input held that lyncpair did not understand or that was lossy: kept and shown, never dropped.
/// The message is rendered in the reader's language at output time (English in JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// What was not understood, in words.
    pub message: Message,
    /// Where.
    pub source: Source,
}

/// Evidence that an export lost information (`export-lossy`).
#[derive(Debug, Clone)]
pub struct Lossy {
    /// The pool concerned, when the loss is in a pool's row or name.
    pub pool: Option<String>,
    /// What was lost, in words.
    pub what: Message,
    /// Where the loss shows.
    pub source: Source,
}

/// A change a Topology Builder document holds but has not published: its NewTopology differs from
/// its OldTopology (`topology-unpublished-change`).
#[derive(Debug, Clone)]
pub struct PendingChange {
    /// The pool the change concerns.
    pub pool: String,
    /// What changes, in words.
    pub message: Message,
    /// Where in the document.
    pub source: Source,
}

/// Notes, losses and pending changes are sorted and de-duplicated by their English text, as when
/// they were plain English strings: the output order does not depend on how a message is built.
macro_rules! ordered_by_english_text {
    ($ty:ty, |$x:ident| $key:expr) => {
        impl Ord for $ty {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                fn key<'a>($x: &'a $ty) -> impl Ord + 'a {
                    $key
                }
                key(self).cmp(&key(other))
            }
        }
        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.cmp(other).is_eq()
            }
        }
        impl Eq for $ty {}
    };
}

ordered_by_english_text!(Note, |n| (n.message.render(Lang::En), &n.source));
ordered_by_english_text!(Lossy, |l| (&l.pool, l.what.render(Lang::En), &l.source));
ordered_by_english_text!(PendingChange, |c| (
    &c.pool,
    c.message.render(Lang::En),
    &c.source
));

/// What one input file contributed.
#[derive(Debug, Clone)]
pub struct InputRecords {
    /// The input file.
    pub input: Input,
    /// The sites it states.
    pub sites: Vec<SiteRecord>,
    /// The pools it states.
    pub pools: Vec<PoolRecord>,
    /// What it held that was not understood.
    pub notes: Vec<Note>,
    /// Evidence that the export lost information.
    pub lossy: Vec<Lossy>,
    /// Unpublished Topology Builder changes.
    pub pending_changes: Vec<PendingChange>,
    /// A published topology's `Signature` and the line of its root: two different ones in one
    /// estate are two snapshots or two deployments mixed up.
    pub signature: Option<(String, u32)>,
    /// Records refused by the limits on identifiers and counts (`limits::validate`): the input is still audited without them, and
    /// each is reported in `errors[]` (one file may report several).
    pub errors: Vec<crate::import::InputError>,
}

impl InputRecords {
    /// An empty set of records of `input`.
    pub fn new(input: Input) -> InputRecords {
        InputRecords {
            input,
            sites: Vec::new(),
            pools: Vec::new(),
            notes: Vec::new(),
            lossy: Vec::new(),
            pending_changes: Vec::new(),
            signature: None,
            errors: Vec::new(),
        }
    }
}

/// A pool of the merged estate. Values are the ones used; `provenance` says where each came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// Lowercase, no trailing dot (D7).
    pub fqdn: String,
    /// The site it is in, when known.
    pub site: Option<String>,
    /// Its role (from the most authoritative input).
    pub role: Role,
    /// Its edition, when known.
    pub edition: Option<Edition>,
    /// Its product version, when known.
    pub version: Option<Version>,
    /// Number of servers.
    pub servers: u32,
    /// The machine FQDNs of the pool.
    pub machines: Vec<String>,
    /// Users homed on the pool, when known.
    pub users: Option<u64>,
    /// Whether its servers are virtual machines, when known.
    pub virtual_machine: Option<bool>,
    /// The servers' operating system as written, when known.
    pub os: Option<String>,
    /// The backup used for the audit (from the most authoritative input).
    pub backup: Option<String>,
    /// Every further backup the same input named: kept so it is surfaced, never dropped.
    pub extra_backups: Vec<String>,
    /// The voice failover settings of its Registrar, when stated.
    pub failover: Option<Failover>,
    /// The pool whose `BackupService` this pool's syncs with.
    pub backup_service: Option<String>,
    /// Whether the pool holds the active or a standby Central Management store.
    pub cms: Option<CmsRole>,
    /// Only inventories name it: a pool still to be built.
    pub planned: bool,
    /// The inputs that stated each fact.
    pub provenance: BTreeMap<Fact, Vec<Source>>,
}

impl Pool {
    /// Where a fact came from; falls back to where the pool is defined.
    pub fn sources_of(&self, fact: Fact) -> Vec<Source> {
        self.provenance
            .get(&fact)
            .or_else(|| self.provenance.get(&Fact::Pool))
            .cloned()
            .unwrap_or_default()
    }

    /// Backups named for this pool, the used one first.
    pub fn all_backups(&self) -> impl Iterator<Item = &str> {
        self.backup
            .iter()
            .chain(self.extra_backups.iter())
            .map(String::as_str)
    }
}

/// What inputs state about a pool: the key of [`Pool::provenance`] and the subject of a [`Conflict`].
///
/// Declared in the order of their labels, so that conflicts sorted by fact come out in the order
/// they always had (by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fact {
    /// The backup pool it names (the first, when it names several).
    Backup,
    /// The partner of its Backup Service.
    BackupService,
    /// The copy of the Central Management store it holds.
    Cms,
    /// Enterprise or Standard Edition.
    Edition,
    /// The voice failover timers.
    Failover,
    /// The operating system of its servers.
    Os,
    /// Where the pool itself is defined: the source of every fact no input states on its own.
    Pool,
    /// What kind of pool it is.
    Role,
    /// How many Front End (or other) servers it has.
    Servers,
    /// The site it belongs to.
    Site,
    /// How many users are homed on it.
    Users,
    /// The Lync or Skype for Business version.
    Version,
    /// Whether its servers are virtual machines.
    Virtual,
}

impl Fact {
    /// Every fact, in order.
    pub const ALL: [Fact; 13] = [
        Fact::Backup,
        Fact::BackupService,
        Fact::Cms,
        Fact::Edition,
        Fact::Failover,
        Fact::Os,
        Fact::Pool,
        Fact::Role,
        Fact::Servers,
        Fact::Site,
        Fact::Users,
        Fact::Version,
        Fact::Virtual,
    ];

    /// The name a `source-conflict` message gives the fact.
    pub fn label(self) -> &'static str {
        match self {
            Fact::Backup => "backup",
            Fact::BackupService => "backup_service",
            Fact::Cms => "cms",
            Fact::Edition => "edition",
            Fact::Failover => "failover",
            Fact::Os => "os",
            Fact::Pool => "pool",
            Fact::Role => "role",
            Fact::Servers => "servers",
            Fact::Site => "site",
            Fact::Users => "users",
            Fact::Version => "version",
            Fact::Virtual => "virtual",
        }
    }
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Two inputs disagree on one fact of one pool (`source-conflict`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The pool.
    pub pool: String,
    /// The fact the inputs disagree on.
    pub fact: Fact,
    /// The value used (from the more authoritative input).
    pub used: String,
    /// Where the used value comes from.
    pub used_source: Source,
    /// The value the other input states.
    pub other: String,
    /// Where the other value comes from.
    pub other_source: Source,
}

/// An inventory says: pool `successor` replaces the Lync 2010 pool `replaces`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredSuccessor {
    /// The pool that replaces.
    pub successor: String,
    /// The Lync 2010 pool it replaces.
    pub replaces: String,
    /// The inventory row that says so.
    pub source: Source,
}

/// One audited estate: the inputs of one folder (or of the command line), merged.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    /// The estate's name: its folder, or the files' common folder.
    pub name: String,
    /// Its input files, in path order.
    pub inputs: Vec<Input>,
    /// Sorted by name.
    pub sites: Vec<Site>,
    /// Sorted by site, then FQDN.
    pub pools: Vec<Pool>,
    /// Facts two inputs disagree on.
    pub conflicts: Vec<Conflict>,
    /// Evidence that an export lost information.
    pub lossy: Vec<Lossy>,
    /// What the inputs held that was not understood.
    pub notes: Vec<Note>,
    /// Unpublished Topology Builder changes.
    pub pending_changes: Vec<PendingChange>,
    /// Successors an inventory declares (`replaces` column), sorted; the planner checks them.
    pub declared_successors: Vec<DeclaredSuccessor>,
    /// FQDN to index in `pools`, built on first lookup: rules look pools up per backup edge, and a
    /// linear scan made large estates quadratic. Estates are not changed after they are built.
    /// foldhash rather than std's SipHash, which was most of building and using it (random seeds,
    /// as std's).
    pub pool_index: OnceLock<foldhash::HashMap<String, usize>>,
}

impl Estate {
    /// The pool with this FQDN (lowercase, as in [`Pool::fqdn`]).
    pub fn pool(&self, fqdn: &str) -> Option<&Pool> {
        let index = self.pool_index.get_or_init(|| {
            self.pools
                .iter()
                .enumerate()
                .map(|(i, p)| (p.fqdn.clone(), i))
                .collect()
        });
        index.get(fqdn).map(|&i| &self.pools[i])
    }

    /// The site with this name.
    pub fn site(&self, name: &str) -> Option<&Site> {
        // `estate::build` leaves the sites sorted by name, so rules that look a site up for every
        // pool stay O(n log n). An estate put together in another order is still searched whole.
        match self.sites.binary_search_by(|s| s.name.as_str().cmp(name)) {
            Ok(i) => Some(&self.sites[i]),
            Err(_) => self.sites.iter().find(|s| s.name == name),
        }
    }
}

/// D7: FQDNs compare case-insensitively, print lowercase, lose a trailing dot; `Registrar:x` becomes `x`.
pub fn normalize_fqdn(raw: &str) -> String {
    // Most names of an export are already normal: lowercase letters, digits, hyphens and dots, no
    // trailing dot. One pass over the bytes says so, and the name is copied as it is.
    if !raw.ends_with('.')
        && raw
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.'))
    {
        return raw.to_owned();
    }
    let raw = raw.trim();
    // Byte searches rather than `split_once` and `contains`: this runs for every pool, machine and
    // backup of a topology, and `str`'s pattern machinery cost more than the names are long.
    let raw = match raw.bytes().position(|b| b == b':') {
        Some(colon) if !raw.as_bytes()[..colon].contains(&b'.') && colon + 1 < raw.len() => {
            &raw[colon + 1..]
        }
        _ => raw,
    };
    let raw = raw.trim().trim_end_matches('.');
    // The same letters as `to_lowercase` for ASCII, without its per-character Unicode mapping.
    if raw.is_ascii() {
        raw.to_ascii_lowercase()
    } else {
        raw.to_lowercase()
    }
}

/// Sites compare trimmed, with runs of whitespace as one space and case-insensitively (CONTRACT.md
/// "source-conflict"): `Berlin` and ` berlin ` are one site. The key is for comparing, never for printing.
pub fn site_key(name: &str) -> String {
    // Built in one string for ASCII names (every site of an export in practice): the general way
    // collects the words, joins them and lowercases a copy, for each pool merged and each pair.
    if name.is_ascii() {
        let mut key = String::with_capacity(name.len());
        for word in name.split_whitespace() {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(word);
        }
        key.make_ascii_lowercase();
        return key;
    }
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// D8: `Site:Name` becomes `Name`.
pub fn normalize_site(raw: &str) -> String {
    let raw = raw.trim();
    match raw.split_once(':') {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("site") => rest.trim().to_owned(),
        _ => raw.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_ordered_by_their_labels() {
        // Conflicts are sorted by fact; their order in every output must not change.
        let labels: Vec<&str> = Fact::ALL.iter().map(|f| f.label()).collect();
        let mut sorted = labels.clone();
        sorted.sort_unstable();
        assert_eq!(labels, sorted);
        assert!(Fact::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn fqdns_are_normalized() {
        assert_eq!(
            normalize_fqdn("Pool-HAM.Fabrikam.Test."),
            "pool-ham.fabrikam.test"
        );
        assert_eq!(
            normalize_fqdn("Registrar:pool-vie.fabrikam.test"),
            "pool-vie.fabrikam.test"
        );
        assert_eq!(normalize_fqdn(" sba1 "), "sba1");
    }

    #[test]
    fn sites_are_normalized() {
        assert_eq!(normalize_site("Site:Hamburg"), "Hamburg");
        assert_eq!(normalize_site("Wien"), "Wien");
    }

    #[test]
    fn ascii_names_are_keyed_and_normalised_as_any_other() {
        // The ASCII shortcuts of `site_key` and `normalize_fqdn` against the general way.
        let general_key = |n: &str| {
            n.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        let general_fqdn = |raw: &str| {
            let raw = raw.trim();
            let raw = match raw.split_once(':') {
                Some((prefix, rest)) if !prefix.contains('.') && !rest.is_empty() => rest,
                _ => raw,
            };
            raw.trim().trim_end_matches('.').to_lowercase()
        };
        for name in [
            "",
            " ",
            "Berlin",
            "  Berlin \t Mitte\r\n",
            "A\u{b}B\u{c}c",
            "x:",
            ":x",
            "a.b:c",
            "Registrar:Pool.T.",
            " Site:X ",
            "a:b:c",
            "POOL..",
            "Ab:\u{b} C. ",
            "münchen:Ü",
            "pool-1.fabrikam.test",
            "pool.t.",
            "a..b",
            ".",
            "-",
        ] {
            assert_eq!(site_key(name), general_key(name), "{name:?}");
            assert_eq!(normalize_fqdn(name), general_fqdn(name), "{name:?}");
        }
    }

    #[test]
    fn site_keys_ignore_case_and_spacing() {
        assert_eq!(site_key("  Berlin  Mitte "), site_key("berlin mitte"));
        assert_ne!(site_key("Berlin"), site_key("Bern"));
        assert_eq!(site_key("MÜNCHEN"), site_key("münchen"));
    }

    #[test]
    fn versions_are_ordered() {
        assert!(Version::V2010 < Version::V2013 && Version::V2015 < Version::V2019);
        assert_eq!(Version::from_service_version("7"), Some(Version::V2015));
        assert_eq!(Version::from_service_version("9"), None);
    }
}
