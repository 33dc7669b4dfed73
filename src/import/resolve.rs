//! From a [`TopologyDoc`] to pool and site records, by decisions D1–D8 of FORMATS.md §9.
//!
//! Shared by the published-topology, `.tbxml` and configuration-zip readers: they differ in how they
//! key things, not in what the keys mean.

use std::sync::Arc;

// foldhash rather than std's SipHash: these maps are built and looked up for every service and
// cluster of the file, and hashing the keys was most of that work. Random seeds, as std's.
use foldhash::{HashMap, HashMapExt};

use super::interval::parse_interval;
use super::topology::{DocBackup, DocCluster, DocService, Placement, TopologyDoc};
use super::xml::parse_bool;
use crate::i18n::Message;
use crate::model::{
    CmsRole, Edition, Failover, InputRecords, Lossy, Note, PoolRecord, Role, Site, SiteRecord,
    Source, Stated, Version, normalize_fqdn,
};

/// Every `RoleName` lyncpair knows (FORMATS.md §3.4 and §3.8: the roles of the genuine exports, and
/// those the cmdlets name for 2010 to 2019 \[I\]). Any other is kept and shown as a note.
pub const KNOWN_ROLES: &[&str] = &[
    "ApplicationServer",
    "ApplicationStore",
    "ArchivingServer",
    "ArchivingStore",
    "BackupService",
    "CentralMgmt",
    "CentralMgmtStore",
    "ConfServices",
    "EdgeServer",
    "ExternalServer",
    "FileStore",
    "ManagementServices",
    "MediationServer",
    "MonitoringServer",
    "MonitoringStore",
    "PersistentChatComplianceStore",
    "PersistentChatServer",
    "PersistentChatStore",
    "PstnGateway",
    "Registrar",
    "TrustedApplicationPool",
    "UserServices",
    "UserStore",
    "VideoGateway",
    "VideoInteropServer",
    "WacService",
    "WebServices",
];

/// Services that sit on pools of any role without changing what the pool is (D4): the local
/// replica agent is on Edge servers too [C: samples], so it does not make a Mediation pool "other".
const INFRASTRUCTURE_ROLES: &[&str] = &["ManagementServices"];

/// Add the sites and pools of `doc` to `out`. Anything not understood becomes a [`Note`].
pub fn resolve(doc: &TopologyDoc, out: &mut InputRecords) {
    resolve_split_from(doc, out, TWO_THREADS_FROM_POOLS);
}

/// From this many pools on, the pool records are worked out in two halves at once, the second on
/// a task of rayon's pool: on one thread they were a tenth of the audit of a 100 MB topology, with
/// the other core idle (issue 12, ninth pass).
const TWO_THREADS_FROM_POOLS: usize = 512;

/// [`resolve`], working the pool records out on two threads from `two_threads_from` pools on (tests
/// split small documents).
fn resolve_split_from(doc: &TopologyDoc, out: &mut InputRecords, two_threads_from: usize) {
    let path: Arc<str> = Arc::from(out.input.path.as_str());
    let site_names = name_sites(doc, &path, out);
    add_sites(doc, &site_names, &path, out);
    let look = Lookup::new(doc, path, site_names);
    if let Some((signature, line)) = &doc.signature
        && out.signature.is_none()
    {
        out.signature = Some((signature.clone(), *line));
    }
    note_unknown_roles(doc, &look, out);
    let on_cluster = services_by_cluster(doc, &look, out);
    // A SQL host or an unused cluster has no services: not a pool.
    let pools: Vec<(&DocCluster, &[&DocService])> = doc
        .clusters
        .iter()
        .filter_map(|c| on_cluster.get(c.key.as_str()).map(|s| (c, s.as_slice())))
        .collect();
    out.pools.reserve(pools.len());
    if pools.len() >= two_threads_from.max(2) {
        // The first half goes straight into `out`, the second into records of its own appended
        // after it: notes and lossy names then come in the order one thread gives, which goes
        // through the clusters in file order.
        let (first, second) = pools.split_at(pools.len() / 2);
        let input = out.input.clone();
        let ((), second) = rayon::join(
            || add_pool_records(first, &look, out),
            || {
                let mut half = InputRecords::new(input);
                add_pool_records(second, &look, &mut half);
                half
            },
        );
        // `pool_record` adds only to these three: anything else in the second half would be lost.
        debug_assert!(
            second.sites.is_empty()
                && second.pending_changes.is_empty()
                && second.errors.is_empty()
                && second.signature.is_none()
        );
        out.pools.extend(second.pools);
        out.notes.extend(second.notes);
        out.lossy.extend(second.lossy);
    } else {
        add_pool_records(&pools, &look, out);
    }
}

/// The records of `pools` (each cluster with the services on it) added to `out`, with the notes
/// and lossy names they give: all that [`pool_record`] adds to.
fn add_pool_records(
    pools: &[(&DocCluster, &[&DocService])],
    look: &Lookup,
    out: &mut InputRecords,
) {
    for &(cluster, svcs) in pools {
        if let Some(record) = pool_record(cluster, svcs, look, out) {
            out.pools.push(record);
        }
    }
}

/// The indexes of one document that the steps of [`resolve`] look keys up in. Hash maps: they are
/// only looked up, never iterated, so output order does not depend on them (nor on their seeds).
struct Lookup<'d> {
    path: Arc<str>,
    /// Site id to the name shown (`Site 3` for a site without a name).
    site_names: HashMap<&'d str, String>,
    clusters: HashMap<&'d str, &'d DocCluster>,
    /// SQL instance key to the cluster it runs on.
    sql_cluster: HashMap<&'d str, &'d str>,
    services: HashMap<&'d str, &'d DocService>,
    /// How many CentralMgmt services the file holds: a lone one is the active store.
    central_mgmt_count: usize,
}

impl<'d> Lookup<'d> {
    fn new(doc: &'d TopologyDoc, path: Arc<str>, site_names: HashMap<&'d str, String>) -> Self {
        Lookup {
            path,
            site_names,
            clusters: doc.clusters.iter().map(|c| (c.key.as_str(), c)).collect(),
            sql_cluster: doc
                .sql_instances
                .iter()
                .map(|i| (i.key.as_str(), i.cluster.as_str()))
                .collect(),
            services: doc.services.iter().map(|s| (s.key.as_str(), s)).collect(),
            central_mgmt_count: doc
                .services
                .iter()
                .filter(|s| s.role == "CentralMgmt")
                .count(),
        }
    }

    /// A line of this file.
    fn src(&self, line: u32) -> Source {
        Source::in_file(&self.path, Some(line))
    }
}

/// The name each site is shown by; a site without `<Name>` is "Site <id>", with a note.
fn name_sites<'d>(
    doc: &'d TopologyDoc,
    path: &Arc<str>,
    out: &mut InputRecords,
) -> HashMap<&'d str, String> {
    let mut site_names: HashMap<&str, String> = HashMap::with_capacity(doc.sites.len());
    for s in &doc.sites {
        let name = match &s.name {
            Some(n) if !n.is_empty() => n.clone(),
            _ => {
                out.notes.push(Note {
                    message: format!(
                        "site {} has no <Name>; it is shown as \"Site {}\"",
                        s.id, s.id
                    )
                    .into(),
                    source: Source::in_file(path, Some(s.line)),
                });
                format!("Site {}", s.id)
            }
        };
        site_names.insert(&s.id, name);
    }
    site_names
}

/// One site record per site, with its parent by name; a name mangled by an ASCII export is lossy.
fn add_sites(
    doc: &TopologyDoc,
    site_names: &HashMap<&str, String>,
    path: &Arc<str>,
    out: &mut InputRecords,
) {
    let src = |line: u32| Source::in_file(path, Some(line));
    for s in &doc.sites {
        let name = site_names[s.id.as_str()].clone();
        if name.contains('?') {
            out.lossy.push(Lossy {
                pool: None,
                what: crate::i18n::Message::new("msg.lossy.site_name").arg("name", &name),
                source: src(s.line),
            });
        }
        let parent = s.parent_id.as_ref().map(|p| {
            site_names.get(p.as_str()).cloned().unwrap_or_else(|| {
                out.notes.push(Note {
                    message: format!(
                        "branch site \"{name}\" names parent site {p}, which is not in the file"
                    )
                    .into(),
                    source: src(s.line),
                });
                format!("Site {p}")
            })
        });
        out.sites.push(SiteRecord {
            site: Site {
                name,
                kind: s.kind,
                parent,
            },
            source: src(s.line),
        });
    }
}

/// A note for every service whose `RoleName` is not in [`KNOWN_ROLES`].
fn note_unknown_roles(doc: &TopologyDoc, look: &Lookup, out: &mut InputRecords) {
    for s in &doc.services {
        if !s.role.is_empty() && !KNOWN_ROLES.contains(&s.role.as_str()) {
            out.notes.push(Note {
                message: format!(
                    "service {} has RoleName \"{}\", a role lyncpair does not know; it is kept but not \
                     interpreted",
                    s.display(), s.role
                ).into(),
                source: look.src(s.line),
            });
        }
    }
}

/// The services installed on each cluster of the file. A service installed on something the file
/// does not hold belongs to no pool and is noted; stores on SQL instances are no pool's service.
fn services_by_cluster<'d>(
    doc: &'d TopologyDoc,
    look: &Lookup,
    out: &mut InputRecords,
) -> HashMap<&'d str, Vec<&'d DocService>> {
    let mut on_cluster: HashMap<&str, Vec<&DocService>> =
        HashMap::with_capacity(doc.clusters.len());
    for s in &doc.services {
        match &s.installed_on {
            Placement::Cluster(c) if look.clusters.contains_key(c.as_str()) => {
                on_cluster.entry(c.as_str()).or_default().push(s);
            }
            Placement::SqlInstance(i) if look.sql_cluster.contains_key(i.as_str()) => {}
            other => out.notes.push(Note {
                message: format!(
                    "service {} is installed on {}, which is not in the file; it belongs to no pool",
                    s.display(),
                    match other {
                        Placement::Cluster(c) => format!("cluster {c}"),
                        Placement::SqlInstance(i) => format!("SQL instance {i}"),
                        Placement::Missing => "nothing (no InstalledOn)".to_owned(),
                    }
                ).into(),
                source: look.src(s.line),
            }),
        }
    }
    on_cluster
}

/// What one cluster and the services on it say about its pool; `None` for a cluster without an
/// FQDN (noted).
fn pool_record(
    cluster: &DocCluster,
    svcs: &[&DocService],
    look: &Lookup,
    out: &mut InputRecords,
) -> Option<PoolRecord> {
    let fqdn = pool_fqdn(cluster, look, out)?;
    let registrar = svcs.iter().copied().find(|s| s.role == "Registrar");
    let user_services = svcs.iter().copied().find(|s| s.role == "UserServices");
    let role = pool_role(&fqdn, cluster, svcs, registrar, user_services, look, out);
    // D5: the version of the pool's own Registrar or UserServices, else of any of its services.
    let version_service = registrar.or(user_services).or(svcs.first().copied());
    let version = version_service.and_then(|s| service_version(&fqdn, s, look, out));
    let edition = pool_edition(cluster, user_services, look);
    let at = look.src(cluster.line);
    let site = look
        .site_names
        .get(cluster.site_id.as_str())
        .map(|n| Stated::new(n.clone(), at.clone()));
    if site.is_none() {
        out.notes.push(Note {
            message: format!("{fqdn}: its site {} is not in the file", cluster.site_id).into(),
            source: at.clone(),
        });
    }
    note_dependencies(&fqdn, svcs, look, out);
    let backup = registrar.and_then(|r| the_backup_element(&fqdn, r, look, out));
    let (backups, failover) = match backup {
        Some(b) => (
            backup_target(&fqdn, b, look, out).into_iter().collect(),
            failover(&fqdn, b, look, out),
        ),
        None => (Vec::new(), None),
    };
    let cms = cms_role(&fqdn, svcs, look, out);
    // Built last, so that the FQDN moves into it rather than being copied for the notes above.
    Some(PoolRecord {
        fqdn,
        source: Some(at.clone()),
        site,
        role: Some(Stated::new(role, at.clone())),
        edition: edition.map(|e| Stated::new(e, at.clone())),
        version: version.map(|v| {
            Stated::new(
                v,
                look.src(version_service.map_or(cluster.line, |s| s.line)),
            )
        }),
        servers: Some(Stated::new(
            u32::try_from(cluster.machines.len()).unwrap_or(u32::MAX),
            at,
        )),
        machines: cluster.machines.iter().map(|m| normalize_fqdn(m)).collect(),
        backups,
        failover,
        backup_service: backup_service_partner(cluster, svcs, look),
        cms,
        ..PoolRecord::default()
    })
}

/// The pool's FQDN, normalized; `None` (noted) when the cluster has none. A name mangled by an
/// ASCII export is lossy.
fn pool_fqdn(cluster: &DocCluster, look: &Lookup, out: &mut InputRecords) -> Option<String> {
    let fqdn = normalize_fqdn(&cluster.fqdn);
    if fqdn.is_empty() {
        out.notes.push(Note {
            message: format!(
                "cluster {} has no Fqdn; its services are not audited",
                cluster.key
            )
            .into(),
            source: look.src(cluster.line),
        });
        return None;
    }
    if fqdn.contains('?') {
        out.lossy.push(Lossy {
            pool: Some(fqdn.clone()),
            what: Message::new("msg.lossy.pool_fqdn").arg("fqdn", &fqdn),
            source: look.src(cluster.line),
        });
    }
    Some(fqdn)
}

/// D4: the role by the composition of the pool's services.
fn pool_role(
    fqdn: &str,
    cluster: &DocCluster,
    svcs: &[&DocService],
    registrar: Option<&DocService>,
    user_services: Option<&DocService>,
    look: &Lookup,
    out: &mut InputRecords,
) -> Role {
    let has = |role: &str| svcs.iter().any(|s| s.role == role);
    if registrar.is_some() {
        if is_director(fqdn, cluster, registrar, look, out) {
            Role::Director
        } else if user_services.is_some() {
            Role::FrontEnd
        } else {
            Role::Branch
        }
    } else if has("EdgeServer") {
        Role::Edge
    } else if has("MediationServer")
        && svcs
            .iter()
            .all(|s| s.role == "MediationServer" || INFRASTRUCTURE_ROLES.contains(&s.role.as_str()))
    {
        // D4: mediation only when Mediation is all the pool runs; with other services it is "other".
        Role::Mediation
    } else {
        Role::Other
    }
}

/// The Registrar's `IsDirector`; a value that is neither true nor false is noted and read as false.
fn is_director(
    fqdn: &str,
    cluster: &DocCluster,
    registrar: Option<&DocService>,
    look: &Lookup,
    out: &mut InputRecords,
) -> bool {
    let reg_attrs = registrar.and_then(|r| r.registrar.as_ref());
    match reg_attrs.and_then(|a| a.is_director.as_deref()) {
        None => false,
        Some(v) => match parse_bool(v) {
            Some(b) => b,
            None => {
                out.notes.push(Note {
                    message: format!(
                        "{fqdn}: IsDirector=\"{v}\" is neither true nor false; read as false"
                    )
                    .into(),
                    source: look.src(reg_attrs.map_or(cluster.line, |a| a.line)),
                });
                false
            }
        },
    }
}

/// D5: the version a service's `ServiceVersion` stands for; an unknown one is noted.
fn service_version(
    fqdn: &str,
    s: &DocService,
    look: &Lookup,
    out: &mut InputRecords,
) -> Option<Version> {
    let raw = s.service_version.as_deref()?;
    let v = Version::from_service_version(raw);
    if v.is_none() {
        out.notes.push(Note {
            message: format!(
                "{fqdn}: ServiceVersion \"{raw}\" is not 5, 6, 7 or 8; version left unknown"
            )
            .into(),
            source: look.src(s.line),
        });
    }
    v
}

/// D6, only for pools that home users: Standard when the cluster is a single machine (or, when
/// the file does not say, when the user store runs on the pool itself), else Enterprise.
fn pool_edition(
    cluster: &DocCluster,
    user_services: Option<&DocService>,
    look: &Lookup,
) -> Option<Edition> {
    let user_services = user_services?;
    if let Some(single) = cluster.single_machine {
        return Some(if single {
            Edition::Standard
        } else {
            Edition::Enterprise
        });
    }
    let store_cluster = user_services
        .dependencies
        .iter()
        .filter_map(|d| look.services.get(d.target.as_str()))
        .find(|t| t.role == "UserStore")
        .and_then(|t| cluster_of(t, &look.sql_cluster))?;
    Some(if store_cluster == cluster.key {
        Edition::Standard
    } else {
        Edition::Enterprise
    })
}

/// D1: dependencies are never backups (FORMATS.md §3.8); they are only checked for what is not
/// understood: a `Usage` other than Default, a target the file does not hold.
fn note_dependencies(fqdn: &str, svcs: &[&DocService], look: &Lookup, out: &mut InputRecords) {
    for s in svcs {
        for d in &s.dependencies {
            if !d.usage.is_empty() && d.usage != "Default" {
                out.notes.push(Note {
                    message: Message::new("note.dependency_usage")
                        .arg("fqdn", fqdn)
                        .arg("service", s.display())
                        .arg("target", &d.target)
                        .arg("usage", &d.usage),
                    source: look.src(d.line),
                });
            }
            if !look.services.contains_key(d.target.as_str()) {
                out.notes.push(Note {
                    message: Message::new("note.dependency_missing")
                        .arg("fqdn", fqdn)
                        .arg("service", s.display())
                        .arg("target", &d.target),
                    source: look.src(d.line),
                });
            }
        }
    }
}

/// D1: the backup is the `Backup` child of the pool's Registrar; of several, the first (noted).
fn the_backup_element<'d>(
    fqdn: &str,
    registrar: &'d DocService,
    look: &Lookup,
    out: &mut InputRecords,
) -> Option<&'d DocBackup> {
    if registrar.backups.len() > 1 {
        out.notes.push(Note {
            message: Message::new("note.several_backups")
                .arg("fqdn", fqdn)
                .arg("registrar", registrar.display())
                .arg("n", registrar.backups.len().to_string())
                .arg("line", registrar.backups[0].line.to_string()),
            source: look.src(registrar.backups[1].line),
        });
    }
    registrar.backups.first()
}

/// The backup pool a `Backup` element names: the FQDN of the cluster its service runs on, or the
/// service id (or GUID) as written when the file does not hold it (for `backup-unknown-pool`).
fn backup_target(
    fqdn: &str,
    b: &DocBackup,
    look: &Lookup,
    out: &mut InputRecords,
) -> Option<Stated<String>> {
    let Some(target) = &b.target else {
        out.notes.push(Note {
            message: format!("{fqdn}: its Backup element names no service; read as no backup")
                .into(),
            source: look.src(b.line),
        });
        return None;
    };
    let named = backup_name(target, &look.services, &look.sql_cluster, &look.clusters);
    if let (Some(t), Some(pool)) = (look.services.get(target.as_str()), &named)
        && t.role != "Registrar"
    {
        out.notes.push(Note {
            message: format!(
                "{fqdn}: its Backup names {}, a {} service, not a Registrar; read as a backup to {pool}",
                t.display(), t.role
            ).into(),
            source: look.src(b.line),
        });
    }
    // Not in the file: kept as the service id (or GUID) it names, for backup-unknown-pool.
    let value = named.unwrap_or_else(|| target.clone());
    Some(Stated::new(value, look.src(b.line)))
}

/// D2: the failover settings are attributes of the same `Backup` element; `None` when it has none.
/// An unreadable value is noted and left unknown; one out of range is kept as written.
fn failover(
    fqdn: &str,
    b: &DocBackup,
    look: &Lookup,
    out: &mut InputRecords,
) -> Option<Stated<Failover>> {
    if b.enable_failover.is_none() && b.failure_detection.is_none() && b.failback.is_none() {
        return None;
    }
    let mut failover = Failover::default();
    let mut read = |raw: &Option<String>, what: &str| -> Option<i64> {
        let raw = raw.as_deref()?;
        let v = parse_interval(raw);
        if v.is_none() {
            out.notes.push(Note {
                message: format!(
                    "{fqdn}: {what}=\"{raw}\" is not an xs:duration, seconds or hh:mm:ss; left unknown"
                ).into(),
                source: look.src(b.line),
            });
        }
        v
    };
    failover.failure_detection_s = read(&b.failure_detection, "FailureDetectionInterval");
    failover.failback_s = read(&b.failback, "FailbackDetectionInterval");
    failover.enabled = match b.enable_failover.as_deref() {
        None => None,
        Some(raw) => {
            let v = parse_bool(raw);
            if v.is_none() {
                out.notes.push(Note {
                    message: format!(
                        "{fqdn}: EnableAutomaticFailover=\"{raw}\" is neither true nor false; left unknown"
                    ).into(),
                    source: look.src(b.line),
                });
            }
            v
        }
    };
    Some(Stated::new(failover, look.src(b.line)))
}

/// The pair's data sync: this pool's BackupService depends on the partner's (FORMATS.md §3.8).
fn backup_service_partner(
    cluster: &DocCluster,
    svcs: &[&DocService],
    look: &Lookup,
) -> Option<Stated<String>> {
    let bs = svcs.iter().find(|s| s.role == "BackupService")?;
    let partner = bs
        .dependencies
        .iter()
        .filter_map(|d| look.services.get(d.target.as_str()))
        .filter(|t| t.role == "BackupService")
        .filter_map(|t| cluster_of(t, &look.sql_cluster))
        .find(|c| *c != cluster.key.as_str())
        .and_then(|c| look.clusters.get(c))
        .map(|c| normalize_fqdn(&c.fqdn))?;
    Some(Stated::new(partner, look.src(bs.line)))
}

/// Central Management store: the CentralMgmt service on this pool, active or standby.
fn cms_role(
    fqdn: &str,
    svcs: &[&DocService],
    look: &Lookup,
    out: &mut InputRecords,
) -> Option<Stated<CmsRole>> {
    let cm = svcs.iter().find(|s| s.role == "CentralMgmt")?;
    let central_mgmt_count = look.central_mgmt_count;
    let cms = match cm.cms_active.as_deref().map(|v| (v, parse_bool(v))) {
        Some((_, Some(true))) => Some(CmsRole::Active),
        Some((_, Some(false))) => Some(CmsRole::Standby),
        // [I] Without the flag, a topology's only CentralMgmt is the active store.
        None if central_mgmt_count == 1 => Some(CmsRole::Active),
        None => {
            out.notes.push(Note {
                message: format!(
                    "{fqdn}: its CentralMgmt service does not say whether it is active, and the file \
                     holds {central_mgmt_count}; its Central Management role is left unknown"
                ).into(),
                source: look.src(cm.line),
            });
            None
        }
        Some((raw, None)) => {
            out.notes.push(Note {
                message: format!(
                    "{fqdn}: CentralMgmtService IsActive=\"{raw}\" is neither true nor false; its \
                     Central Management role is left unknown"
                )
                .into(),
                source: look.src(cm.line),
            });
            None
        }
    };
    cms.map(|c| Stated::new(c, look.src(cm.line)))
}

/// The pool FQDN of the cluster that service `key` runs on; `None` when it or its cluster is not in the file.
fn backup_name(
    key: &str,
    services: &HashMap<&str, &DocService>,
    sql_cluster: &HashMap<&str, &str>,
    clusters: &HashMap<&str, &DocCluster>,
) -> Option<String> {
    let service = services.get(key)?;
    let cluster = clusters.get(cluster_of(service, sql_cluster)?)?;
    Some(normalize_fqdn(&cluster.fqdn)).filter(|f| !f.is_empty())
}

/// The cluster a service runs on: where it is installed, through its SQL instance for stores.
fn cluster_of<'d>(s: &'d DocService, sql_cluster: &HashMap<&str, &'d str>) -> Option<&'d str> {
    match &s.installed_on {
        Placement::Cluster(c) => Some(c),
        Placement::SqlInstance(i) => sql_cluster.get(i.as_str()).copied(),
        Placement::Missing => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::topology::read_published;
    use super::*;
    use crate::model::{Format, Input};

    /// Two pools in one site; `backup` is put into pool 1's Registrar, `extra` is one more service on
    /// cluster 3 (a Mediation pool).
    fn topology(backup: &str, extra: &str) -> String {
        format!(
            r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="0f0f0f0f-0000-4000-8000-000000000001">
  <Sites><CentralSite SiteId="1"><Name>Hamburg</Name></CentralSite></Sites>
  <Clusters>
    <Cluster Fqdn="pool-a.fabrikam.test"><ClusterId SiteId="1" Number="1" /><Machine OrdinalInCluster="1" Fqdn="a1.fabrikam.test" /></Cluster>
    <Cluster Fqdn="pool-b.fabrikam.test"><ClusterId SiteId="1" Number="2" /><Machine OrdinalInCluster="1" Fqdn="b1.fabrikam.test" /></Cluster>
    <Cluster Fqdn="med.fabrikam.test"><ClusterId SiteId="1" Number="3" /><Machine OrdinalInCluster="1" Fqdn="med.fabrikam.test" /></Cluster>
  </Clusters>
  <Services>
    <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="UserServices" Instance="1" /><InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn></Service>
    <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="Registrar" Instance="1" />
      <DependsOn><Dependency Usage="Default"><ServiceId SiteId="1" RoleName="Registrar" Instance="2" /></Dependency></DependsOn>
      <InstalledOn><ClusterId SiteId="1" Number="1" /></InstalledOn>
      {backup}
    </Service>
    <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="UserServices" Instance="2" /><InstalledOn><ClusterId SiteId="1" Number="2" /></InstalledOn></Service>
    <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="Registrar" Instance="2" /><InstalledOn><ClusterId SiteId="1" Number="2" /></InstalledOn></Service>
    <Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="MediationServer" Instance="3" /><InstalledOn><ClusterId SiteId="1" Number="3" /></InstalledOn></Service>
    {extra}
  </Services>
</Topology>"#
        )
    }

    fn records(text: &str) -> InputRecords {
        let doc = read_published(text).unwrap();
        let mut out = InputRecords::new(Input {
            path: "t.xml".into(),
            format: Format::TopologyXml,
            encoding: "utf-8".into(),
        });
        resolve(&doc, &mut out);
        out
    }

    fn pool<'r>(r: &'r InputRecords, fqdn: &str) -> &'r PoolRecord {
        r.pools.iter().find(|p| p.fqdn == fqdn).unwrap()
    }

    fn backups(p: &PoolRecord) -> Vec<&str> {
        p.backups.iter().map(|b| b.value.as_str()).collect()
    }

    /// A topology of `n` pools, each with what makes [`pool_record`] write a note or a lossy name
    /// in turn: no site in the file, an unreadable timer, a backup outside the file, a name with '?'.
    fn many_pools(n: usize) -> String {
        use std::fmt::Write as _;
        let mut clusters = String::new();
        let mut services = String::new();
        for i in 1..=n {
            let site = if i % 4 == 1 { 7 } else { 1 };
            let name = if i % 4 == 0 { "p?ol" } else { "pool" };
            let backup = match i % 4 {
                2 => {
                    r#"<Backup FailureDetectionInterval="soon"><ServiceId SiteId="1" RoleName="Registrar" Instance="1" /></Backup>"#
                }
                3 => {
                    r#"<Backup><ServiceId SiteId="9" RoleName="Registrar" Instance="1" /></Backup>"#
                }
                _ => "",
            };
            let _ = write!(
                clusters,
                r#"<Cluster Fqdn="{name}-{i}.fabrikam.test"><ClusterId SiteId="{site}" Number="{i}" /><Machine OrdinalInCluster="1" Fqdn="m{i}.fabrikam.test" /></Cluster>"#
            );
            let _ = write!(
                services,
                r#"<Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="Registrar" Instance="{i}" /><InstalledOn><ClusterId SiteId="{site}" Number="{i}" /></InstalledOn>{backup}</Service>"#
            );
        }
        format!(
            r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"><Sites><CentralSite SiteId="1"><Name>Hamburg</Name></CentralSite></Sites><Clusters>{clusters}</Clusters><Services>{services}</Services></Topology>"#
        )
    }

    #[test]
    fn pool_records_on_two_threads_are_those_of_one() {
        for n in [2, 3, 9, 40] {
            let doc = read_published(&many_pools(n)).unwrap();
            let [one, two] = [usize::MAX, 0].map(|from| {
                let mut out = InputRecords::new(Input {
                    path: "t.xml".into(),
                    format: Format::TopologyXml,
                    encoding: "utf-8".into(),
                });
                resolve_split_from(&doc, &mut out, from);
                out
            });
            assert_eq!(one.pools, two.pools, "{n} pools");
            assert_eq!(format!("{:?}", one.notes), format!("{:?}", two.notes));
            assert_eq!(format!("{:?}", one.lossy), format!("{:?}", two.lossy));
            assert_eq!(one.pools.len(), n);
            // Every kind of note and lossy name occurred, in more than one pool from 9 pools on.
            assert!(
                one.notes.len() >= n / 2 && !one.lossy.is_empty() || n < 4,
                "{n}: {:?}",
                one.notes
            );
        }
    }

    #[test]
    fn a_dependency_between_registrars_is_not_a_backup() {
        let r = records(&topology("", ""));
        assert!(backups(pool(&r, "pool-a.fabrikam.test")).is_empty());
        assert_eq!(r.signature.as_ref().map(|s| s.1), Some(1));
    }

    #[test]
    fn the_backup_element_names_the_partner_and_holds_the_timers() {
        let r = records(&topology(
            r#"<Backup EnableAutomaticFailover="true" FailbackDetectionInterval="P0Y0M0DT0H10M0S" FailureDetectionInterval="P0Y0M0DT0H5M0S"><ServiceId SiteId="1" RoleName="Registrar" Instance="2" /></Backup>"#,
            "",
        ));
        let a = pool(&r, "pool-a.fabrikam.test");
        assert_eq!(backups(a), ["pool-b.fabrikam.test"]);
        assert_eq!(a.backups[0].source.line, Some(13));
        assert_eq!(
            a.failover.as_ref().unwrap().value,
            Failover {
                enabled: Some(true),
                failure_detection_s: Some(300),
                failback_s: Some(600)
            }
        );
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn a_backup_not_in_the_file_keeps_its_service_id() {
        let r = records(&topology(
            r#"<Backup><ServiceId SiteId="9" RoleName="Registrar" Instance="1" /></Backup>"#,
            "",
        ));
        assert_eq!(backups(pool(&r, "pool-a.fabrikam.test")), ["9-Registrar-1"]);
    }

    #[test]
    fn out_of_range_timers_are_kept_and_unreadable_ones_noted() {
        let r = records(&topology(
            r#"<Backup EnableAutomaticFailover="maybe" FailbackDetectionInterval="5000000000" FailureDetectionInterval="-5"><ServiceId SiteId="1" RoleName="Registrar" Instance="2" /></Backup>"#,
            "",
        ));
        let f = pool(&r, "pool-a.fabrikam.test")
            .failover
            .as_ref()
            .unwrap()
            .value;
        assert_eq!(
            (f.enabled, f.failure_detection_s, f.failback_s),
            (None, Some(-5), Some(5_000_000_000))
        );
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0]
                .message
                .render(crate::i18n::Lang::En)
                .contains("EnableAutomaticFailover=\"maybe\"")
        );
        let r = records(&topology(
            r#"<Backup FailureDetectionInterval="five minutes"><ServiceId SiteId="1" RoleName="Registrar" Instance="2" /></Backup>"#,
            "",
        ));
        let f = pool(&r, "pool-a.fabrikam.test")
            .failover
            .as_ref()
            .unwrap()
            .value;
        assert_eq!(f.failure_detection_s, None);
        assert!(
            r.notes[0]
                .message
                .render(crate::i18n::Lang::En)
                .contains("\"five minutes\" is not an xs:duration")
        );
    }

    #[test]
    fn mediation_with_another_service_is_other() {
        let alone = records(&topology("", ""));
        assert_eq!(
            pool(&alone, "med.fabrikam.test")
                .role
                .as_ref()
                .unwrap()
                .value,
            Role::Mediation
        );
        let r = records(&topology(
            "",
            r#"<Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="PersistentChatServer" Instance="3" /><InstalledOn><ClusterId SiteId="1" Number="3" /></InstalledOn></Service>"#,
        ));
        assert_eq!(
            pool(&r, "med.fabrikam.test").role.as_ref().unwrap().value,
            Role::Other
        );
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn an_unknown_role_is_a_note() {
        let r = records(&topology(
            "",
            r#"<Service ServiceVersion="6"><ServiceId SiteId="1" RoleName="HologramServer" Instance="3" /><InstalledOn><ClusterId SiteId="1" Number="3" /></InstalledOn></Service>"#,
        ));
        let messages: Vec<String> = r
            .notes
            .iter()
            .map(|n| n.message.render(crate::i18n::Lang::En))
            .collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("\"HologramServer\", a role lyncpair does not know"));
    }

    #[test]
    fn known_roles_are_sorted_and_hold_the_pairing_roles() {
        assert!(KNOWN_ROLES.windows(2).all(|w| w[0] < w[1]));
        for role in [
            "PstnGateway",
            "BackupService",
            "CentralMgmt",
            "CentralMgmtStore",
            "FileStore",
            "WacService",
            "PersistentChatServer",
        ] {
            assert!(KNOWN_ROLES.contains(&role), "{role}");
        }
    }
}
