//! Which files form an estate (discovery), and how their records merge into one [`Estate`].

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::import::{self, ImportOptions, InputError};
use crate::model::site_key;
use crate::model::{
    Conflict, Estate, Fact, Failover, Format, InputRecords, Pool, PoolRecord, Role, Site, SiteKind,
    Source, Stated,
};
use crate::rules::pair::base_os;

/// The inputs of one estate, before merging.
#[derive(Debug)]
pub struct EstateInputs {
    /// The estate's name.
    pub name: String,
    /// What each of its inputs contributed.
    pub records: Vec<InputRecords>,
}

/// The estates found among the paths, and the paths that could not be read.
#[derive(Debug, Default)]
pub struct Discovered {
    /// The estates, in path order.
    pub estates: Vec<EstateInputs>,
    /// Paths that could not be read or are not inputs.
    pub errors: Vec<InputError>,
    /// Files in walked folders that are no input (path, why): notes of the nearest estate.
    pub skipped: Vec<(PathBuf, String)>,
}

/// The file `--out` keeps in an output folder (see [`crate::output`]); a walk skips a folder
/// holding one.
pub const MANIFEST: &str = ".lyncpair-manifest.json";

/// Files named on the command line form one estate; each folder is walked (CONTRACT.md "Estates").
///
/// Files are imported in parallel (rayon); results are gathered in the order the files were found,
/// so estates and their records do not depend on the number of threads.
pub fn discover(paths: &[PathBuf], opts: &ImportOptions) -> Discovered {
    let mut out = Discovered::default();
    let mut named_paths: Vec<&Path> = Vec::new();
    for path in paths {
        let display = path.display().to_string();
        match std::fs::metadata(path) {
            Err(e) => out
                .errors
                .push(InputError::new(&display, import::io_message(&e))),
            Ok(m) if m.is_dir() => walk(path, opts, &mut out),
            Ok(_) => named_paths.push(path),
        }
    }
    let mut named: Vec<InputRecords> = Vec::new();
    for result in import_all(named_paths.iter().copied(), opts) {
        match result {
            Ok(r) => named.push(r),
            Err(e) => out.errors.push(e),
        }
    }
    if !named.is_empty() {
        out.estates.insert(
            0,
            EstateInputs {
                name: name_for_files(&named_paths),
                records: named,
            },
        );
    }
    out
}

/// Import files in parallel; the results in the order of `paths`.
fn import_all<'p>(
    paths: impl Iterator<Item = &'p Path>,
    opts: &ImportOptions,
) -> Vec<Result<InputRecords, InputError>> {
    use rayon::prelude::*;
    let paths: Vec<&Path> = paths.collect();
    crate::progress::files_found(paths.len());
    paths
        .par_iter()
        // One file per task: a run is a few large topologies or many small estates.
        .with_max_len(1)
        .map(|path| import::import_path(path, &path.display().to_string(), opts))
        .collect()
}

/// One file: its own path; several in one folder: the folder; otherwise "command line".
fn name_for_files(paths: &[&Path]) -> String {
    if let [one] = paths {
        return one.display().to_string();
    }
    let parents: BTreeSet<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    match parents.into_iter().collect::<Vec<_>>().as_slice() {
        [p] if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => "command line".to_owned(),
    }
}

/// Walk a folder: find its inputs, import them, and group their records into estates.
fn walk(root: &Path, opts: &ImportOptions, out: &mut Discovered) {
    let found = find_inputs(root, opts, out);
    // Files are imported in parallel; results come back in walk order.
    let imported = import_all(found.iter().map(|(p, _)| p.as_path()), opts);
    let mut by_folder = ByFolder::default();
    let mut seen_any = false;
    for ((path, kind), result) in found.iter().zip(imported) {
        match result {
            Ok(r) => {
                seen_any = true;
                by_folder.add(path.parent().unwrap_or(root), [r]);
            }
            Err(e)
                if *kind == import::Walked::Maybe
                    && !import::looks_like_topology(&import::head(path)) =>
            {
                out.skipped.push((
                    path.to_path_buf(),
                    format!("{NOT_AN_INPUT} ({})", e.message),
                ));
            }
            Err(e) => {
                seen_any = true;
                out.errors.push(e);
            }
        }
    }
    if !seen_any {
        out.errors.push(InputError::new(
            &root.display().to_string(),
            "the folder holds no file lyncpair can import (.xml, .tbxml, .zip, .csv, .xlsx, .xls, .ods)",
        ));
        return;
    }
    for (folder, records) in group_into_estates(by_folder.into_sorted()) {
        out.estates.push(EstateInputs {
            name: folder.display().to_string(),
            records,
        });
    }
}

/// The files under `root` that may be inputs, in walk order (by file name), with their kind.
/// Hidden entries and output folders are not entered; unreadable entries become errors and files
/// that are no input are listed as skipped in `out`.
fn find_inputs(
    root: &Path,
    opts: &ImportOptions,
    out: &mut Discovered,
) -> Vec<(PathBuf, import::Walked)> {
    let out_dir = opts.out_dir.as_ref().and_then(|d| d.canonicalize().ok());
    // The output folder of this run, and any folder lyncpair wrote reports into, hold reports,
    // not inputs (unless it is the folder the user named).
    let is_output_folder = |e: &walkdir::DirEntry| {
        e.depth() > 0
            && e.file_type().is_dir()
            && (e.path().join(MANIFEST).is_file()
                || out_dir
                    .as_ref()
                    .is_some_and(|o| e.path().canonicalize().is_ok_and(|p| &p == o)))
    };
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_name().to_string_lossy().starts_with('.') || is_output_folder(e))
        });
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let where_ = e
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                let message = e
                    .io_error()
                    .map_or_else(|| e.to_string(), import::io_message);
                out.errors.push(InputError::new(&where_, message));
                continue;
            }
        };
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    // Outputs of an earlier run are neither inputs nor clutter worth a note. Telling them opens
    // and reads the start of every file, so it runs in parallel (rayon) like the imports rather
    // than on the one thread that walks.
    let own_output: Vec<bool> = {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|path| import::is_own_output(&import::head(path)))
            .collect()
    };
    let mut found: Vec<(PathBuf, import::Walked)> = Vec::new();
    for (path, own) in files.into_iter().zip(own_output) {
        if own {
            continue;
        }
        let kind = import::walked_kind(&path);
        if kind == import::Walked::Other {
            out.skipped.push((path, NOT_AN_INPUT.to_owned()));
            continue;
        }
        found.push((path, kind));
    }
    found
}

/// One estate per folder holding a topology; inventory and cmdlet files without a topology beside
/// them join the nearest ancestor estate (or form their own).
fn group_into_estates(
    by_folder: Vec<(PathBuf, Vec<InputRecords>)>,
) -> Vec<(PathBuf, Vec<InputRecords>)> {
    let estate_folders: HashSet<&Path> = by_folder
        .iter()
        .filter(|(_, recs)| recs.iter().any(|r| r.input.format.is_topology()))
        .map(|(f, _)| f.as_path())
        .collect();
    let homes: Vec<PathBuf> = by_folder
        .iter()
        .map(|(folder, _)| {
            folder
                .ancestors()
                .find(|a| estate_folders.contains(a))
                .unwrap_or(folder)
                .to_path_buf()
        })
        .collect();
    let mut estates = ByFolder::default();
    for ((_, recs), home) in by_folder.into_iter().zip(homes) {
        estates.add(&home, recs);
    }
    estates.into_sorted()
}

/// Records grouped by folder, each folder once, in the order of the folders' paths in the end.
///
/// A list with a hash index, sorted once at the end, rather than a `BTreeMap` keyed by the paths:
/// that compared whole paths component by component on every insert and look-up (a batch of 500
/// estate folders: 18.7 M instructions, half of what its JSON run still did on the one thread the
/// others wait for). Folders come in walk order, which is nearly their sorted order, so the sort
/// compares few of them.
#[derive(Default)]
struct ByFolder {
    index: HashMap<PathBuf, usize>,
    groups: Vec<(PathBuf, Vec<InputRecords>)>,
}

impl ByFolder {
    /// `records` appended to those of `folder`.
    fn add(&mut self, folder: &Path, records: impl IntoIterator<Item = InputRecords>) {
        let k = match self.index.get(folder) {
            Some(&k) => k,
            None => {
                self.index.insert(folder.to_path_buf(), self.groups.len());
                self.groups.push((folder.to_path_buf(), Vec::new()));
                self.groups.len() - 1
            }
        };
        self.groups[k].1.extend(records);
    }

    /// The groups in the order of their folders' paths, as a `BTreeMap` keyed by them would hold them.
    fn into_sorted(self) -> Vec<(PathBuf, Vec<InputRecords>)> {
        let mut groups = self.groups;
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        groups
    }
}

const NOT_AN_INPUT: &str = "skipped: not a topology export, cmdlet CSV or inventory";

/// Merge the records of one estate. Facts come from the most authoritative input that states them.
pub fn build(inputs: EstateInputs) -> Estate {
    let mut records = inputs.records;
    records.sort_by(|a, b| {
        (a.input.format.authority(), &a.input.path)
            .cmp(&(b.input.format.authority(), &b.input.path))
    });
    let mut estate = Estate {
        name: inputs.name,
        ..Estate::default()
    };
    let mut sites: BTreeMap<String, Site> = BTreeMap::new();
    let mut by_fqdn: BTreeMap<&str, Stating> = BTreeMap::new();
    for (record, r) in records.iter().enumerate() {
        estate.inputs.push(r.input.clone());
        estate.notes.extend(r.notes.iter().cloned());
        estate.lossy.extend(r.lossy.iter().cloned());
        estate
            .pending_changes
            .extend(r.pending_changes.iter().cloned());
        for s in &r.sites {
            add_site(&mut sites, &s.site);
        }
        for (pool, p) in r.pools.iter().enumerate() {
            estate
                .declared_successors
                .extend(p.replaces.iter().map(|r| crate::model::DeclaredSuccessor {
                    successor: p.fqdn.clone(),
                    replaces: r.value.clone(),
                    source: r.source.clone(),
                }));
            let stating = by_fqdn.entry(p.fqdn.as_str()).or_default();
            stating.recs.push((p, r.input.format));
            if stating.machines.is_none() && !p.machines.is_empty() {
                stating.machines = Some(MachinesAt {
                    record,
                    pool,
                    count: p.machines.len(),
                });
            }
        }
    }
    estate.inputs.sort_by(|a, b| a.path.cmp(&b.path));
    signature_notes(&records, &mut estate.notes);
    let machines_at = merge_pools(&by_fqdn, &mut sites, &mut estate);
    // The machines move out of the records, which are dropped here: copying them was a tenth of
    // merging a large topology.
    for (pool, at) in estate.pools.iter_mut().zip(machines_at) {
        if let Some(at) = at {
            pool.machines = std::mem::take(&mut records[at.record].pools[at.pool].machines);
        }
    }
    estate.sites = sites.into_values().collect();
    sort_estate(&mut estate);
    estate
}

/// The records naming one pool, by authority, with the format of the input each comes from; and
/// where the machines of the pool are: the first record that lists any.
#[derive(Default)]
struct Stating<'r> {
    recs: Vec<(&'r PoolRecord, Format)>,
    machines: Option<MachinesAt>,
}

/// The pool record whose machines the merged pool gets (`build` moves them in), and how many.
#[derive(Clone, Copy)]
struct MachinesAt {
    record: usize,
    pool: usize,
    count: usize,
}

/// A site as one input states it: the first statement gives it; a parent or a branch kind from a
/// later one is added.
fn add_site(sites: &mut BTreeMap<String, Site>, site: &Site) {
    let entry = sites
        .entry(site.name.clone())
        .or_insert_with(|| site.clone());
    if entry.parent.is_none() {
        entry.parent = site.parent.clone();
    }
    if site.kind == SiteKind::Branch {
        entry.kind = SiteKind::Branch;
    }
}

/// Merge each pool's records into `estate.pools`, in the site spelling the estate already knows.
/// The pools get no machines here: returns, for each pool in the order of `estate.pools`, where its
/// machines are, for `build` to move them in.
fn merge_pools(
    by_fqdn: &BTreeMap<&str, Stating<'_>>,
    sites: &mut BTreeMap<String, Site>,
    estate: &mut Estate,
) -> Vec<Option<MachinesAt>> {
    let mut machines_at = Vec::with_capacity(by_fqdn.len());
    estate.pools.reserve(by_fqdn.len());
    // Site names compare trimmed, whitespace-collapsed and case-insensitively: a pool row saying
    // "berlin" is in the topology's "Berlin".
    let mut spelling: BTreeMap<String, String> = sites
        .keys()
        .map(|name| (site_key(name), name.clone()))
        .collect();
    for (fqdn, stating) in by_fqdn {
        let mut pool = merge_pool(fqdn, stating, &mut estate.conflicts);
        machines_at.push(stating.machines);
        if let Some(site) = &mut pool.site {
            let known = spelling
                .entry(site_key(site))
                .or_insert_with(|| site.clone());
            // Most pools spell their site as the estate does: no copy then.
            if *known != *site {
                site.clone_from(known);
            }
            // A site known only from a pool row (inventory, CSV) still appears in the site list.
            if !sites.contains_key(site.as_str()) {
                sites.insert(
                    site.clone(),
                    Site {
                        name: site.clone(),
                        kind: SiteKind::Central,
                        parent: None,
                    },
                );
            }
        }
        estate.pools.push(pool);
    }
    machines_at
}

/// Put what the estate lists in its stable order, without repeats.
fn sort_estate(estate: &mut Estate) {
    // By site, then FQDN: the pools come merged in FQDN order (one per FQDN), so a stable sort by
    // site alone gives that order without comparing the FQDNs of every pair in a site again.
    debug_assert!(estate.pools.windows(2).all(|w| w[0].fqdn < w[1].fqdn));
    estate
        .pools
        .sort_by(|a, b| (a.site.is_none(), &a.site).cmp(&(b.site.is_none(), &b.site)));
    estate.notes.sort();
    estate.notes.dedup();
    estate.lossy.sort();
    estate.lossy.dedup();
    estate.pending_changes.sort();
    estate.declared_successors.sort();
    estate
        .declared_successors
        .dedup_by(|a, b| a.successor == b.successor && a.replaces == b.replaces);
    estate
        .conflicts
        .sort_by(|a, b| (&a.pool, a.fact).cmp(&(&b.pool, b.fact)));
}

/// Published topologies carry the `Signature` of the topology they were exported from: two different
/// ones in one estate are two deployments, or two snapshots of one, read as one estate.
fn signature_notes(records: &[InputRecords], notes: &mut Vec<crate::model::Note>) {
    let mut first: Option<(&str, &str)> = None;
    let mut paths: Vec<&InputRecords> = records.iter().filter(|r| r.signature.is_some()).collect();
    paths.sort_by(|a, b| a.input.path.cmp(&b.input.path));
    for r in paths {
        let Some((signature, line)) = &r.signature else {
            continue;
        };
        match first {
            None => first = Some((&r.input.path, signature)),
            Some((path, seen)) if seen != signature => notes.push(crate::model::Note {
                message: format!(
                    "{path} and {} are published topologies with different Signatures ({seen} and \
                     {signature}): two deployments or two snapshots are audited as one estate; put \
                     each snapshot in a folder of its own",
                    r.input.path
                )
                .into(),
                source: Source::new(&r.input.path, Some(*line)),
            }),
            Some(_) => {}
        }
    }
}

/// Whether inputs that state a fact differently are reported as a `source-conflict`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Disagreement {
    Reported,
    /// Facts whose inputs legitimately differ (e.g. the role a cmdlet can only guess).
    Ignored,
}

/// Pick the first stated value (records are sorted by authority) and record disagreements.
/// Values are borrowed from the records; only the sources kept as provenance are copied.
fn pick<'r, T: PartialEq + std::fmt::Display>(
    pool: &str,
    fact: Fact,
    stated: impl Iterator<Item = (T, &'r Source)>,
    conflicts: &mut Vec<Conflict>,
    provenance: &mut BTreeMap<Fact, Vec<Source>>,
    disagreement: Disagreement,
) -> Option<T> {
    pick_with(
        pool,
        fact,
        stated,
        conflicts,
        provenance,
        (disagreement == Disagreement::Reported).then_some(|a: &T, b: &T| a == b),
    )
}

/// [`pick`] with the comparison that decides whether two values disagree (`None`: they never do).
fn pick_with<'r, T: std::fmt::Display>(
    pool: &str,
    fact: Fact,
    stated: impl Iterator<Item = (T, &'r Source)>,
    conflicts: &mut Vec<Conflict>,
    provenance: &mut BTreeMap<Fact, Vec<Source>>,
    same: Option<impl Fn(&T, &T) -> bool>,
) -> Option<T> {
    let mut used: Option<(T, &Source)> = None;
    let mut sources = Vec::new();
    for (value, source) in stated {
        // Room for exactly one at first: most facts are stated by one input (see `add_sources`).
        if sources.is_empty() {
            sources.reserve_exact(1);
        }
        sources.push(source.clone());
        match &used {
            None => used = Some((value, source)),
            Some((u, used_source)) if same.as_ref().is_some_and(|same| !same(u, &value)) => {
                conflicts.push(Conflict {
                    pool: pool.to_owned(),
                    fact,
                    used: u.to_string(),
                    used_source: (*used_source).clone(),
                    other: value.to_string(),
                    other_source: source.clone(),
                })
            }
            Some(_) => {}
        }
    }
    add_sources(provenance, fact, sources);
    used.map(|(value, _)| value)
}

/// Record where a fact was stated. The caller makes the list with room for the usual one source:
/// every stated fact of every pool gets a list, and growing each from empty (room for four) was a
/// third of merging.
fn add_sources(provenance: &mut BTreeMap<Fact, Vec<Source>>, fact: Fact, sources: Vec<Source>) {
    if sources.is_empty() {
        return;
    }
    match provenance.entry(fact) {
        Entry::Vacant(entry) => {
            entry.insert(sources);
        }
        Entry::Occupied(entry) => entry.into_mut().extend(sources),
    }
}

/// A stated fact as (value, source), borrowed.
fn by_ref<T>(s: &Stated<T>) -> (&T, &Source) {
    (&s.value, &s.source)
}

/// One pool's records being merged: each fact is picked from them, with its provenance and the
/// conflicts between them.
struct PoolMerge<'r, 'c> {
    fqdn: &'r str,
    /// The records naming the pool, by authority, with the format of the input each comes from.
    recs: &'r [(&'r PoolRecord, Format)],
    conflicts: &'c mut Vec<Conflict>,
    provenance: BTreeMap<Fact, Vec<Source>>,
}

impl<'r, 'c> PoolMerge<'r, 'c> {
    /// Every record that defines the pool is a source of it.
    fn new(
        fqdn: &'r str,
        recs: &'r [(&'r PoolRecord, Format)],
        conflicts: &'c mut Vec<Conflict>,
    ) -> Self {
        let mut provenance: BTreeMap<Fact, Vec<Source>> = BTreeMap::new();
        let defined = recs.iter().filter_map(|(r, _)| r.source.clone()).collect();
        add_sources(&mut provenance, Fact::Pool, defined);
        PoolMerge {
            fqdn,
            recs,
            conflicts,
            provenance,
        }
    }

    /// [`pick`] a fact from the `field` of each record.
    fn pick<T: PartialEq + std::fmt::Display>(
        &mut self,
        fact: Fact,
        field: impl Fn(&'r PoolRecord) -> Option<&'r Stated<T>>,
        disagreement: Disagreement,
    ) -> Option<&'r T> {
        let recs = self.recs;
        let stated = recs.iter().filter_map(|(r, _)| field(r).map(by_ref));
        pick(
            self.fqdn,
            fact,
            stated,
            self.conflicts,
            &mut self.provenance,
            disagreement,
        )
    }

    /// [`pick_with`] a fact from the `field` of each record: values disagree unless `same`.
    fn pick_with<T: std::fmt::Display>(
        &mut self,
        fact: Fact,
        field: impl Fn(&'r PoolRecord) -> Option<&'r Stated<T>>,
        same: impl Fn(&&'r T, &&'r T) -> bool,
    ) -> Option<&'r T> {
        let recs = self.recs;
        let stated = recs.iter().filter_map(|(r, _)| field(r).map(by_ref));
        pick_with(
            self.fqdn,
            fact,
            stated,
            self.conflicts,
            &mut self.provenance,
            Some(same),
        )
    }

    /// The backups the first record naming any gives beyond its first (which [`Self::pick`] takes).
    fn extra_backups(&self) -> Vec<String> {
        self.recs
            .iter()
            .find(|(r, _)| !r.backups.is_empty())
            .map(|(r, _)| r.backups.iter().skip(1).map(|b| b.value.clone()).collect())
            .unwrap_or_default()
    }

    /// The failover settings of the first record that has them, never mixed across records.
    fn failover(&mut self) -> Option<Failover> {
        let f = self.recs.iter().find_map(|(r, _)| r.failover.as_ref())?;
        add_sources(&mut self.provenance, Fact::Failover, vec![f.source.clone()]);
        Some(f.value)
    }

    /// Only inventories name it: a pool still to be built.
    fn planned(&self) -> bool {
        self.recs
            .iter()
            .all(|(_, format)| *format == Format::Inventory)
    }
}

fn merge_pool(fqdn: &str, stating: &Stating<'_>, conflicts: &mut Vec<Conflict>) -> Pool {
    use Disagreement::{Ignored, Reported};
    let mut m = PoolMerge::new(fqdn, &stating.recs, conflicts);
    // Berlin and " berlin " are one site; the most authoritative spelling (the topology's) is kept.
    let site = m
        .pick_with(
            Fact::Site,
            |r| r.site.as_ref(),
            |a, b| site_key(a) == site_key(b),
        )
        .cloned();
    let role = m.pick(Fact::Role, |r| r.role.as_ref(), Ignored).copied();
    let edition = m
        .pick(Fact::Edition, |r| r.edition.as_ref(), Reported)
        .copied();
    let version = m
        .pick(Fact::Version, |r| r.version.as_ref(), Reported)
        .copied();
    let servers = m
        .pick(Fact::Servers, |r| r.servers.as_ref(), Ignored)
        .copied();
    let users = m.pick(Fact::Users, |r| r.users.as_ref(), Reported).copied();
    let virtual_machine = m
        .pick(Fact::Virtual, |r| r.virtual_machine.as_ref(), Reported)
        .copied();
    // "Windows Server 2012 R2 Datacenter" and "Windows Server 2012 R2" are one base OS (DOMAIN.md).
    let os = m
        .pick_with(Fact::Os, |r| r.os.as_ref(), |a, b| base_os(a) == base_os(b))
        .cloned();
    let backup = m
        .pick(Fact::Backup, |r| r.backups.first(), Reported)
        .cloned();
    // Extra backups and failover come from the input that gave the backup (or the first that has them).
    let extra_backups = m.extra_backups();
    let failover = m.failover();
    let backup_service = m
        .pick(Fact::BackupService, |r| r.backup_service.as_ref(), Ignored)
        .cloned();
    let cms = m.pick(Fact::Cms, |r| r.cms.as_ref(), Ignored).copied();
    let machine_count = stating.machines.map_or(0, |at| at.count);
    Pool {
        fqdn: fqdn.to_owned(),
        site,
        role: role.unwrap_or(Role::Other),
        edition,
        version,
        servers: servers.unwrap_or(u32::try_from(machine_count).unwrap_or(u32::MAX)),
        // Moved in from the record by `build`.
        machines: Vec::new(),
        users,
        virtual_machine,
        os,
        backup,
        extra_backups,
        failover,
        backup_service,
        cms,
        planned: m.planned(),
        provenance: m.provenance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Input, Note};

    fn records(path: &str, format: Format, signature: Option<&str>) -> InputRecords {
        let mut r = InputRecords::new(Input {
            path: path.into(),
            format,
            encoding: "utf-8".into(),
        });
        r.signature = signature.map(|s| (s.to_owned(), 1));
        r
    }

    fn pool_record(path: &str, site: &str, os: &str) -> PoolRecord {
        let src = Source::new(path, Some(2));
        PoolRecord {
            fqdn: "pool.t".into(),
            source: Some(src.clone()),
            site: Some(Stated::new(site.to_owned(), src.clone())),
            os: Some(Stated::new(os.to_owned(), src)),
            ..PoolRecord::default()
        }
    }

    fn notes(e: &Estate) -> Vec<&Note> {
        e.notes.iter().collect()
    }

    #[test]
    fn published_topologies_with_different_signatures_are_a_note_naming_both() {
        let e = build(EstateInputs {
            name: "e".into(),
            records: vec![
                records("b/topology.xml", Format::TopologyXml, Some("sig-2")),
                records("a/topology.xml", Format::TopologyXml, Some("sig-1")),
                records("c/config.zip", Format::ConfigZip, Some("sig-1")),
            ],
        });
        let n = notes(&e);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(
            n[0].message
                .render(crate::i18n::Lang::En)
                .contains("a/topology.xml and b/topology.xml")
                && n[0]
                    .message
                    .render(crate::i18n::Lang::En)
                    .contains("folder of its own"),
            "{:?}",
            n[0].message
        );
        assert_eq!(n[0].source.path.as_ref(), "b/topology.xml");
        let same = build(EstateInputs {
            name: "e".into(),
            records: vec![
                records("a.xml", Format::TopologyXml, Some("sig-1")),
                records("b.xml", Format::TopologyXml, Some("sig-1")),
            ],
        });
        assert!(same.notes.is_empty());
    }

    #[test]
    fn site_spelling_and_os_edition_are_no_conflict() {
        let mut topo = records("t.xml", Format::TopologyXml, None);
        topo.pools.push(pool_record(
            "t.xml",
            "Berlin",
            "Windows Server 2012 R2 Datacenter",
        ));
        topo.sites.push(crate::model::SiteRecord {
            site: Site {
                name: "Berlin".into(),
                kind: SiteKind::Central,
                parent: None,
            },
            source: Source::new("t.xml", Some(1)),
        });
        let mut inventory = records("inv.csv", Format::Inventory, None);
        inventory.pools.push(pool_record(
            "inv.csv",
            " berlin ",
            "Microsoft Windows Server 2012 R2 Standard (64-bit)",
        ));
        let mut other = records("other.csv", Format::Inventory, None);
        let mut p = pool_record("other.csv", "  BERLIN  ", "Windows Server 2012 R2");
        p.fqdn = "new.t".into();
        other.pools.push(p);
        let e = build(EstateInputs {
            name: "e".into(),
            records: vec![inventory, topo, other],
        });
        assert!(e.conflicts.is_empty(), "{:?}", e.conflicts);
        // The topology's spelling is used, and an inventory-only pool joins that site.
        assert_eq!(e.pool("pool.t").unwrap().site.as_deref(), Some("Berlin"));
        assert_eq!(e.pool("new.t").unwrap().site.as_deref(), Some("Berlin"));
        assert_eq!(e.sites.len(), 1, "{:?}", e.sites);
    }
}
