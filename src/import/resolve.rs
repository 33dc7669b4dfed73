//! From a [`TopologyDoc`] to pool and site records, by decisions D1–D8 of FORMATS.md §9.
//!
//! Shared by the published-topology, `.tbxml` and configuration-zip readers: they differ in how they
//! key things, not in what the keys mean.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::topology::{DocCluster, DocService, Placement, TopologyDoc};
use super::xml::{parse_bool, parse_interval};
use crate::model::{
    Edition, Failover, InputRecords, Lossy, Note, PoolRecord, Role, Site, SiteRecord, Source,
    Stated, Version, normalize_fqdn,
};

/// Add the sites and pools of `doc` to `out`. Anything not understood becomes a [`Note`].
pub fn resolve(doc: &TopologyDoc, out: &mut InputRecords) {
    let path: Arc<str> = Arc::from(out.input.path.as_str());
    let src = |line: u32| Source::in_file(&path, Some(line));

    // Hash maps: they are only looked up, never iterated, so output order does not depend on them.
    let mut site_names: HashMap<&str, String> = HashMap::new();
    for s in &doc.sites {
        let name = match &s.name {
            Some(n) if !n.is_empty() => n.clone(),
            _ => {
                out.notes.push(Note {
                    message: format!(
                        "site {} has no <Name>; it is shown as \"Site {}\"",
                        s.id, s.id
                    ),
                    source: src(s.line),
                });
                format!("Site {}", s.id)
            }
        };
        site_names.insert(&s.id, name);
    }
    for s in &doc.sites {
        let name = site_names[s.id.as_str()].clone();
        if name.contains('?') {
            out.lossy.push(Lossy {
                pool: None,
                what: format!(
                    "site name \"{name}\" contains '?' (characters lost by an ASCII export)"
                ),
                source: src(s.line),
            });
        }
        let parent = s.parent_id.as_ref().map(|p| {
            site_names.get(p.as_str()).cloned().unwrap_or_else(|| {
                out.notes.push(Note {
                    message: format!(
                        "branch site \"{name}\" names parent site {p}, which is not in the file"
                    ),
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

    let clusters: HashMap<&str, &DocCluster> =
        doc.clusters.iter().map(|c| (c.key.as_str(), c)).collect();
    let sql_cluster: HashMap<&str, &str> = doc
        .sql_instances
        .iter()
        .map(|i| (i.key.as_str(), i.cluster.as_str()))
        .collect();
    let services: HashMap<&str, &DocService> =
        doc.services.iter().map(|s| (s.key.as_str(), s)).collect();

    let mut on_cluster: HashMap<&str, Vec<&DocService>> = HashMap::new();
    for s in &doc.services {
        match &s.installed_on {
            Placement::Cluster(c) if clusters.contains_key(c.as_str()) => {
                on_cluster.entry(c.as_str()).or_default().push(s);
            }
            Placement::SqlInstance(i) if sql_cluster.contains_key(i.as_str()) => {}
            other => out.notes.push(Note {
                message: format!(
                    "service {} is installed on {}, which is not in the file; it belongs to no pool",
                    s.display,
                    match other {
                        Placement::Cluster(c) => format!("cluster {c}"),
                        Placement::SqlInstance(i) => format!("SQL instance {i}"),
                        Placement::Missing => "nothing (no InstalledOn)".to_owned(),
                    }
                ),
                source: src(s.line),
            }),
        }
    }

    out.pools.reserve(on_cluster.len());
    for cluster in &doc.clusters {
        let Some(svcs) = on_cluster.get(cluster.key.as_str()) else {
            continue; // A SQL host or an unused cluster: not a pool.
        };
        let fqdn = normalize_fqdn(&cluster.fqdn);
        if fqdn.is_empty() {
            out.notes.push(Note {
                message: format!(
                    "cluster {} has no Fqdn; its services are not audited",
                    cluster.key
                ),
                source: src(cluster.line),
            });
            continue;
        }
        if fqdn.contains('?') {
            out.lossy.push(Lossy {
                pool: Some(fqdn.clone()),
                what: format!(
                    "pool FQDN \"{fqdn}\" contains '?' (characters lost by an ASCII export)"
                ),
                source: src(cluster.line),
            });
        }
        let has = |role: &str| svcs.iter().any(|s| s.role == role);
        let registrar = svcs.iter().find(|s| s.role == "Registrar");
        let user_services = svcs.iter().find(|s| s.role == "UserServices");
        let reg_attrs = registrar.and_then(|r| r.registrar.as_ref());

        let director = match reg_attrs.and_then(|a| a.is_director.as_deref()) {
            None => false,
            Some(v) => {
                match parse_bool(v) {
                    Some(b) => b,
                    None => {
                        out.notes.push(Note {
                        message: format!("{fqdn}: IsDirector=\"{v}\" is neither true nor false; read as false"),
                        source: src(reg_attrs.map_or(cluster.line, |a| a.line)),
                    });
                        false
                    }
                }
            }
        };
        // D4.
        let role = if registrar.is_some() {
            if director {
                Role::Director
            } else if user_services.is_some() {
                Role::FrontEnd
            } else {
                Role::Branch
            }
        } else if has("EdgeServer") {
            Role::Edge
        } else if has("MediationServer") && !has("UserServices") {
            Role::Mediation
        } else {
            Role::Other
        };

        // D5: the version of the pool's own Registrar or UserServices, else of any of its services.
        let version_service = registrar.or(user_services).or(svcs.first());
        let version = version_service.and_then(|s| {
            let raw = s.service_version.as_deref()?;
            let v = Version::from_service_version(raw);
            if v.is_none() {
                out.notes.push(Note {
                    message: format!(
                        "{fqdn}: ServiceVersion \"{raw}\" is not 5, 6, 7 or 8; version left unknown"
                    ),
                    source: src(s.line),
                });
            }
            v
        });

        // D6, only for pools that home users.
        let edition = if user_services.is_none() {
            None
        } else if let Some(single) = cluster.single_machine {
            Some(if single {
                Edition::Standard
            } else {
                Edition::Enterprise
            })
        } else {
            let store_cluster = user_services.and_then(|us| {
                us.dependencies
                    .iter()
                    .filter_map(|d| services.get(d.target.as_str()))
                    .find(|t| t.role == "UserStore")
                    .and_then(|t| cluster_of(t, &sql_cluster))
            });
            store_cluster.map(|c| {
                if c == cluster.key {
                    Edition::Standard
                } else {
                    Edition::Enterprise
                }
            })
        };

        let mut record = PoolRecord {
            fqdn: fqdn.clone(),
            source: Some(src(cluster.line)),
            site: site_names
                .get(cluster.site_id.as_str())
                .map(|n| Stated::new(n.clone(), src(cluster.line))),
            role: Some(Stated::new(role, src(cluster.line))),
            edition: edition.map(|e| Stated::new(e, src(cluster.line))),
            version: version
                .map(|v| Stated::new(v, src(version_service.map_or(cluster.line, |s| s.line)))),
            servers: Some(Stated::new(
                cluster.machines.len() as u32,
                src(cluster.line),
            )),
            machines: cluster.machines.iter().map(|m| normalize_fqdn(m)).collect(),
            ..PoolRecord::default()
        };
        if record.site.is_none() {
            out.notes.push(Note {
                message: format!("{fqdn}: its site {} is not in the file", cluster.site_id),
                source: src(cluster.line),
            });
        }

        // D1: backup edges.
        let mut registrar_backups: Vec<Stated<String>> = Vec::new();
        let mut user_service_backups: Vec<Stated<String>> = Vec::new();
        for s in svcs {
            let is_registrar = s.role == "Registrar";
            let is_user_services = s.role == "UserServices";
            for d in &s.dependencies {
                if !d.usage.is_empty() && d.usage != "Default" {
                    out.notes.push(Note {
                        message: format!(
                            "{fqdn}: dependency of {} on {} has Usage=\"{}\" (only \"Default\" is known); kept as is",
                            s.display, d.target, d.usage
                        ),
                        source: src(d.line),
                    });
                }
                let target = services.get(d.target.as_str());
                let target_role = target.map(|t| t.role.as_str()).or(d.target_role.as_deref());
                let target_cluster = target.and_then(|t| cluster_of(t, &sql_cluster));
                let same_cluster = target_cluster == Some(cluster.key.as_str());
                let named = || -> String {
                    match target_cluster.and_then(|c| clusters.get(c)) {
                        Some(c) => normalize_fqdn(&c.fqdn),
                        None => d.target.clone(),
                    }
                };
                match (is_registrar, is_user_services, target_role) {
                    (true, _, Some("Registrar")) => {
                        if target.is_none() {
                            out.notes.push(Note {
                                message: format!(
                                    "{fqdn}: Registrar {} depends on Registrar {}, which is not in the file; \
                                     read as a backup to an unknown pool",
                                    s.display, d.target
                                ),
                                source: src(d.line),
                            });
                        }
                        let name = if same_cluster { fqdn.clone() } else { named() };
                        registrar_backups.push(Stated::new(name, src(d.line)));
                    }
                    (true, _, Some("UserServices")) if !same_cluster && role == Role::Branch => {
                        user_service_backups.push(Stated::new(named(), src(d.line)));
                    }
                    (_, true, Some("UserServices")) if !same_cluster => {
                        registrar_backups.push(Stated::new(named(), src(d.line)));
                    }
                    (_, _, None) => out.notes.push(Note {
                        message: format!(
                            "{fqdn}: {} depends on service {}, which is not in the file; the dependency is ignored",
                            s.display, d.target
                        ),
                        source: src(d.line),
                    }),
                    (_, _, Some(_)) if target.is_none() => out.notes.push(Note {
                        message: format!(
                            "{fqdn}: {} depends on service {}, which is not in the file; the dependency is ignored",
                            s.display, d.target
                        ),
                        source: src(d.line),
                    }),
                    _ => {}
                }
            }
        }
        let mut backups = if registrar_backups.is_empty() {
            user_service_backups
        } else {
            registrar_backups
        };
        let mut seen = BTreeSet::new();
        backups.retain(|b| seen.insert(b.value.clone()));
        if backups.len() > 1 {
            let names: Vec<&str> = backups.iter().map(|b| b.value.as_str()).collect();
            out.notes.push(Note {
                message: format!(
                    "{fqdn} names {} backup pools ({}); a Registrar has one backup, so {} is used and the rest \
                     are audited as extra backups",
                    backups.len(),
                    names.join(", "),
                    names[0]
                ),
                source: backups[1].source.clone(),
            });
        }
        record.backups = backups;

        // D2.
        if let Some(a) = reg_attrs
            && (a.enable_failover.is_some()
                || a.failure_detection.is_some()
                || a.failback.is_some())
        {
            let mut failover = Failover::default();
            let mut read = |raw: &Option<String>, what: &str| -> Option<u32> {
                let raw = raw.as_deref()?;
                let v = parse_interval(raw);
                if v.is_none() {
                    out.notes.push(Note {
                        message: format!(
                            "{fqdn}: {what}=\"{raw}\" is not seconds or hh:mm:ss; left unknown"
                        ),
                        source: src(a.line),
                    });
                }
                v
            };
            failover.failure_detection_s = read(&a.failure_detection, "FailureDetectionInterval");
            failover.failback_s = read(&a.failback, "FailbackDetectionInterval");
            failover.enabled = a.enable_failover.as_deref().and_then(parse_bool);
            record.failover = Some(Stated::new(failover, src(a.line)));
        }
        out.pools.push(record);
    }
}

/// The cluster a service runs on: where it is installed, through its SQL instance for stores.
fn cluster_of<'d>(s: &'d DocService, sql_cluster: &HashMap<&str, &'d str>) -> Option<&'d str> {
    match &s.installed_on {
        Placement::Cluster(c) => Some(c),
        Placement::SqlInstance(i) => sql_cluster.get(i.as_str()).copied(),
        Placement::Missing => None,
    }
}
