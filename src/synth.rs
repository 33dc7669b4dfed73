//! A synthetic published topology (`Get-CsTopology -AsXml`, FORMATS.md §3) of a chosen size, for the
//! audit benchmark, `cargo xtask bench` and the huge-document test.
//!
//! The estate is built from identical regions, so that what an audit must find is known from the
//! count of regions. Each region has two paired central sites and one branch site:
//!
//! - site A: front-end pools A1, A2 (2013) and A3 (2010-style), a SQL cluster, a file store, a
//!   Director and an Edge pool (its next hop is the Director, which is not a backup);
//! - site B: front-end pools B1, B2, B3 (2013), a SQL cluster and a file store;
//! - a branch site under A with an SBA (Registrar and Mediation Server, no UserServices).
//!
//! Backups (D1, `Registrar` → `Registrar` on another cluster): A1 ↔ B1 and A2 ↔ B2 are reciprocal;
//! A3 names B1 as well, so B1 is named by two pools (`backup-many-to-one`) and A3 is not backed in
//! return (`backup-not-reciprocal`); B3 names none (`backup-missing`); the SBA is backed by A1.
//! Front-end services carry the `Ports` and `WebComponents` noise of real exports.
//!
//! Only `std` is used: xtask includes this file with `#[path]` rather than building lyncpair.

use std::fmt::Write as _;

const NS_TOPOLOGY: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";
const NS_SERVICE_ROLES: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";
const NS_WEB_SERVICES: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.WebServices.2011";

/// Central sites are reused by later regions (each region adds pools to them); real estates have
/// a few dozen central sites and, in retail-like estates, many branch sites.
const CENTRAL_SITE_PAIRS: usize = 25;

/// Pools per region the audit reports: six front-end, two file stores (other), a Director, an
/// Edge and a branch registrar. SQL clusters host only stores, so they are not pools.
pub const POOLS_PER_REGION: usize = 11;
pub const FRONT_END_POOLS_PER_REGION: usize = 6;

/// A generated document and what an audit of it must report.
#[derive(Debug, Clone)]
pub struct SyntheticTopology {
    pub text: String,
    pub regions: usize,
    /// Pools the audit must report (`POOLS_PER_REGION` per region).
    pub pools: usize,
    pub front_end_pools: usize,
    /// One of each per region: B1 named by A1 and A3; A3 not backed by B1; B3 without backup.
    pub many_to_one: usize,
    pub not_reciprocal: usize,
    pub missing_backup: usize,
    /// The last reciprocal pair written (A1, B1 of the last region): an audit that reads the
    /// whole file reports each as the other's backup.
    pub last_pair: (String, String),
}

const CITIES: [&str; 10] = [
    "Hamburg", "Wien", "Zürich", "Berlin", "Graz", "München", "Basel", "Köln", "Linz", "Bern",
];

/// A published topology of at least `min_bytes` bytes (UTF-8, CRLF line ends, no BOM).
pub fn published_topology(min_bytes: usize) -> SyntheticTopology {
    let mut w = Writer::default();
    let mut regions = 0;
    // The skeleton outside the four lists is a few hundred bytes; central sites add a few KB.
    while w.len() < min_bytes.max(1) {
        w.region(regions);
        regions += 1;
    }
    let central: usize = regions.min(CENTRAL_SITE_PAIRS) * 2;
    let mut sites = String::new();
    for id in 1..=central {
        let city = CITIES[(id - 1) % CITIES.len()];
        let _ = write!(
            sites,
            "    <CentralSite SiteId=\"{id}\">\r\n      <Name>{city} {id:02}</Name>\r\n      \
             <Location City=\"{city}\" CountryCode=\"DEU\" />\r\n    </CentralSite>\r\n"
        );
    }
    sites.push_str(&w.branch_sites);
    let mut text = String::with_capacity(w.len() + sites.len() + 1024);
    let _ = write!(
        text,
        "<Topology xmlns=\"{NS_TOPOLOGY}\" Signature=\"0f0f0f0f-0000-4000-8000-000000000042\">\r\n  \
         <InternalDomains AllowAllDomains=\"false\" DefaultDomain=\"fabrikam.test\">\r\n    \
         <InternalDomain Name=\"fabrikam.test\" Authoritative=\"false\" AllowSubDomains=\"false\" />\r\n  \
         </InternalDomains>\r\n  <Sites>\r\n{sites}  </Sites>\r\n  <Clusters>\r\n{}  </Clusters>\r\n  \
         <SqlInstances>\r\n{}  </SqlInstances>\r\n  <Services>\r\n{}  </Services>\r\n</Topology>\r\n",
        w.clusters, w.sql, w.services
    );
    let last = regions - 1;
    let (a, b, slot) = central_sites(last);
    SyntheticTopology {
        text,
        regions,
        pools: regions * POOLS_PER_REGION,
        front_end_pools: regions * FRONT_END_POOLS_PER_REGION,
        many_to_one: regions,
        not_reciprocal: regions,
        missing_backup: regions,
        last_pair: (pool_fqdn(a, slot, 1), pool_fqdn(b, slot, 1)),
    }
}

/// Central sites A and B of a region, and the region's slot in them (its cluster numbers).
fn central_sites(region: usize) -> (usize, usize, usize) {
    let pair = region % CENTRAL_SITE_PAIRS;
    (2 * pair + 1, 2 * pair + 2, region / CENTRAL_SITE_PAIRS)
}

/// Clusters of a region in a central site are numbered `slot * 8 + k`.
fn number(slot: usize, k: usize) -> usize {
    slot * 8 + k
}

fn pool_fqdn(site: usize, slot: usize, k: usize) -> String {
    format!("pool{site}-{}.fabrikam.test", number(slot, k))
}

#[derive(Default)]
struct Writer {
    branch_sites: String,
    clusters: String,
    sql: String,
    services: String,
}

/// How a Registrar's failover is configured (D2); the 2010-style pool has no timers.
#[derive(Clone, Copy)]
enum Failover {
    Timers,
    None,
}

impl Writer {
    fn len(&self) -> usize {
        self.branch_sites.len() + self.clusters.len() + self.sql.len() + self.services.len()
    }

    fn region(&mut self, region: usize) {
        let (a, b, slot) = central_sites(region);
        let branch = 2 * CENTRAL_SITE_PAIRS + region + 1;
        let n = |k| number(slot, k);
        let _ = write!(
            self.branch_sites,
            "    <BranchSite SiteId=\"{branch}\" ParentSiteId=\"{a}\">\r\n      <Name>Filiale {region:05}</Name>\r\n      \
             <Location City=\"{}\" CountryCode=\"DEU\" />\r\n    </BranchSite>\r\n",
            CITIES[region % CITIES.len()]
        );
        for site in [a, b] {
            for k in 1..=3 {
                self.cluster(site, n(k), &pool_fqdn(site, slot, k), 3);
            }
            self.cluster(site, n(4), &format!("sql{site}-{}.fabrikam.test", n(4)), 1);
            self.cluster(site, n(5), &format!("fs{site}-{}.fabrikam.test", n(5)), 1);
            self.sql_instance(site, n(4));
            self.file_store(site, n(5));
        }
        self.cluster(a, n(6), &format!("dir{a}-{}.fabrikam.test", n(6)), 2);
        self.cluster(a, n(7), &format!("edge{a}-{}.fabrikam.test", n(7)), 2);
        self.cluster(branch, 1, &format!("sba{branch}.fabrikam.test"), 1);

        let fe = |site: usize, k: usize| (site, n(k));
        self.front_end(fe(a, 1), n(5), "6", Some(fe(b, 1)), Failover::Timers);
        self.front_end(fe(b, 1), n(5), "6", Some(fe(a, 1)), Failover::Timers);
        self.front_end(fe(a, 2), n(5), "6", Some(fe(b, 2)), Failover::Timers);
        self.front_end(fe(b, 2), n(5), "6", Some(fe(a, 2)), Failover::Timers);
        self.front_end(fe(a, 3), n(5), "5", Some(fe(b, 1)), Failover::None);
        self.front_end(fe(b, 3), n(5), "6", None, Failover::Timers);
        self.backup_service_pair(fe(a, 1), fe(b, 1));
        self.backup_service_pair(fe(a, 2), fe(b, 2));
        self.director(a, n(6));
        self.edge(a, n(7), n(6));
        self.branch_appliance(branch, fe(a, 1));
    }

    fn cluster(&mut self, site: usize, number: usize, fqdn: &str, machines: usize) {
        let c = &mut self.clusters;
        let _ = write!(
            c,
            "    <Cluster RequiresReplication=\"{r}\" RequiresSetup=\"{r}\" Fqdn=\"{fqdn}\">\r\n      \
             <ClusterId SiteId=\"{site}\" Number=\"{number}\" />\r\n",
            r = machines > 1
        );
        let host = fqdn.split_once('.').map_or(fqdn, |(h, _)| h);
        for m in 1..=machines {
            let machine = if machines == 1 {
                fqdn.to_owned()
            } else {
                format!("{host}-{m:02}.fabrikam.test")
            };
            let _ = write!(
                c,
                "      <Machine OrdinalInCluster=\"{m}\" Fqdn=\"{machine}\" FaultDomain=\"{machine}\" \
                 UpgradeDomain=\"{machine}\">\r\n        \
                 <NetInterface InterfaceSide=\"Primary\" InterfaceNumber=\"1\" IPAddress=\"0.0.0.0\" />\r\n      \
                 </Machine>\r\n"
            );
        }
        c.push_str("    </Cluster>\r\n");
    }

    fn sql_instance(&mut self, site: usize, number: usize) {
        let _ = write!(
            self.sql,
            "    <SqlInstance>\r\n      <SqlInstanceId Name=\"\">\r\n        \
             <ClusterId SiteId=\"{site}\" Number=\"{number}\" />\r\n      </SqlInstanceId>\r\n    </SqlInstance>\r\n"
        );
    }

    /// One `<Service>`: `deps` are (site, role, instance) of the services it depends on.
    fn service(
        &mut self,
        (site, role, instance): (usize, &str, usize),
        version: &str,
        kind: &str,
        deps: &[(usize, &str, usize)],
        installed_on: &str,
        role_specific: &str,
    ) {
        let s = &mut self.services;
        let type_attr = if kind.is_empty() {
            String::new()
        } else {
            format!(" Type=\"Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.{kind}\"")
        };
        let _ = write!(
            s,
            "    <Service RoleVersion=\"1\" ServiceVersion=\"{version}\"{type_attr}>\r\n      \
             <ServiceId SiteId=\"{site}\" RoleName=\"{role}\" Instance=\"{instance}\" />\r\n"
        );
        if deps.is_empty() {
            s.push_str("      <DependsOn />\r\n");
        } else {
            s.push_str("      <DependsOn>\r\n");
            for (site, role, instance) in deps {
                let _ = write!(
                    s,
                    "        <Dependency Usage=\"Default\">\r\n          \
                     <ServiceId SiteId=\"{site}\" RoleName=\"{role}\" Instance=\"{instance}\" />\r\n        \
                     </Dependency>\r\n"
                );
            }
            s.push_str("      </DependsOn>\r\n");
        }
        let _ = write!(
            s,
            "      <InstalledOn>\r\n        {installed_on}\r\n      </InstalledOn>\r\n{role_specific}    </Service>\r\n"
        );
    }

    fn file_store(&mut self, site: usize, number: usize) {
        let specific = format!(
            "      <Ports xmlns=\"{NS_SERVICE_ROLES}\" />\r\n      \
             <FileStoreService xmlns=\"{NS_SERVICE_ROLES}\" ShareName=\"lyncshare{number}\" />\r\n"
        );
        self.service(
            (site, "FileStore", number),
            "6",
            "FileStoreService",
            &[],
            &on_cluster(site, number),
            &specific,
        );
    }

    /// A front-end pool's UserServices, Registrar, WebServices and UserStore; `backup` is the
    /// (site, number) of the pool whose Registrar this one depends on.
    fn front_end(
        &mut self,
        (site, number): (usize, usize),
        file_store: usize,
        version: &str,
        backup: Option<(usize, usize)>,
        failover: Failover,
    ) {
        let sql = number - number % 8 + 4;
        self.service(
            (site, "UserServices", number),
            version,
            "",
            &[(site, "UserStore", number), (site, "FileStore", file_store)],
            &on_cluster(site, number),
            &ports("UserServices", 6),
        );
        let deps = [
            (site, "UserServices", number),
            (site, "WebServices", number),
        ];
        // D1/D2: the backup and its timers are a Backup element after InstalledOn, as in the
        // genuine paired export; without a backup there is nowhere to put timers.
        let timers = match failover {
            Failover::Timers => {
                " EnableAutomaticFailover=\"true\" FailbackDetectionInterval=\"P0Y0M0DT0H4M0S\" FailureDetectionInterval=\"P0Y0M0DT0H2M0S\""
            }
            Failover::None => "",
        };
        let backup = backup.map_or(String::new(), |(s, n)| backup_element(timers, s, n));
        let registrar = format!(
            "{backup}{}      <RegistrarService xmlns=\"{NS_SERVICE_ROLES}\" IsDirector=\"false\" />\r\n",
            ports("Registrar", 16)
        );
        self.service(
            (site, "Registrar", number),
            version,
            "RegistrarService",
            &deps,
            &on_cluster(site, number),
            &registrar,
        );
        self.web_services(site, number, version, &[(site, "FileStore", file_store)]);
        self.service(
            (site, "UserStore", number),
            version,
            "",
            &[],
            &format!(
                "<SqlInstanceId Name=\"\">\r\n          <ClusterId SiteId=\"{site}\" Number=\"{sql}\" />\r\n        </SqlInstanceId>"
            ),
            &format!("      <Ports xmlns=\"{NS_SERVICE_ROLES}\" />\r\n"),
        );
    }

    fn web_services(
        &mut self,
        site: usize,
        number: usize,
        version: &str,
        deps: &[(usize, &str, usize)],
    ) {
        let mut specific = ports("WebServices", 8);
        let _ = write!(
            specific,
            "      <WebService xmlns=\"{NS_SERVICE_ROLES}\">\r\n        \
             <ExternalSettings Host=\"web{site}-{number}.fabrikam.test\">\r\n          <OverrideUrls />\r\n        \
             </ExternalSettings>\r\n        <WebComponents xmlns=\"{NS_WEB_SERVICES}\">\r\n"
        );
        for component in WEB_COMPONENTS {
            let _ = write!(
                specific,
                "          <Component ComponentName=\"{component}\" />\r\n"
            );
        }
        specific.push_str("        </WebComponents>\r\n      </WebService>\r\n");
        self.service(
            (site, "WebServices", number),
            version,
            "WebService",
            deps,
            &on_cluster(site, number),
            &specific,
        );
    }

    /// The BackupService of each pool of a 2013 pair, each depending on the other's (FORMATS.md §3.8).
    fn backup_service_pair(&mut self, a: (usize, usize), b: (usize, usize)) {
        let specific = format!(
            "{}      <BackupService xmlns=\"{NS_SERVICE_ROLES}\">\r\n        <Modules>\r\n          \
             <Module RoleName=\"UserServices\" ComponentName=\"PresenceFocus\" />\r\n        </Modules>\r\n      \
             </BackupService>\r\n",
            ports("BackupService", 1)
        );
        for ((site, number), (other_site, other_number)) in [(a, b), (b, a)] {
            self.service(
                (site, "BackupService", number),
                "6",
                "BackupService",
                &[(other_site, "BackupService", other_number)],
                &on_cluster(site, number),
                &specific,
            );
        }
    }

    fn director(&mut self, site: usize, number: usize) {
        let registrar = format!(
            "{}      <RegistrarService xmlns=\"{NS_SERVICE_ROLES}\" IsDirector=\"true\" />\r\n",
            ports("Registrar", 8)
        );
        self.service(
            (site, "Registrar", number),
            "6",
            "RegistrarService",
            &[(site, "WebServices", number)],
            &on_cluster(site, number),
            &registrar,
        );
        self.web_services(site, number, "6", &[]);
    }

    /// An Edge pool depends on the Director's Registrar: its next hop, not a backup (FORMATS.md §3.4).
    fn edge(&mut self, site: usize, number: usize, director: usize) {
        self.service(
            (site, "EdgeServer", number),
            "6",
            "EdgeService",
            &[(site, "Registrar", director)],
            &on_cluster(site, number),
            &ports("EdgeServer", 12),
        );
    }

    /// An SBA: Registrar backed by a central front-end pool, and a Mediation Server, no UserServices.
    fn branch_appliance(&mut self, site: usize, (backup_site, backup_number): (usize, usize)) {
        let registrar = format!(
            "{}{}      <RegistrarService xmlns=\"{NS_SERVICE_ROLES}\" IsDirector=\"false\" />\r\n",
            backup_element(
                " EnableAutomaticFailover=\"true\" FailbackDetectionInterval=\"P0Y0M0DT0H10M0S\" FailureDetectionInterval=\"P0Y0M0DT0H5M0S\"",
                backup_site,
                backup_number
            ),
            ports("Registrar", 2)
        );
        self.service(
            (site, "Registrar", 1),
            "6",
            "RegistrarService",
            &[],
            &on_cluster(site, 1),
            &registrar,
        );
        self.service(
            (site, "MediationServer", 1),
            "6",
            "MediationService",
            &[(site, "Registrar", 1)],
            &on_cluster(site, 1),
            &ports("MediationServer", 2),
        );
    }
}

/// The `Backup` child of a Registrar naming Registrar `(site, number)`, with failover attributes.
fn backup_element(attributes: &str, site: usize, number: usize) -> String {
    format!(
        "      <Backup{attributes}>\r\n        \
         <ServiceId SiteId=\"{site}\" RoleName=\"Registrar\" Instance=\"{number}\" />\r\n      </Backup>\r\n"
    )
}

fn on_cluster(site: usize, number: usize) -> String {
    format!("<ClusterId SiteId=\"{site}\" Number=\"{number}\" />")
}

/// The `<Ports>` noise of a service: `count` ports, as real exports list them.
fn ports(owner: &str, count: usize) -> String {
    let mut s = format!("      <Ports xmlns=\"{NS_SERVICE_ROLES}\">\r\n");
    for i in 0..count {
        let (usage, protocol, path) = PORT_KINDS[i % PORT_KINDS.len()];
        let _ = write!(
            s,
            "        <Port Owner=\"urn:component:{owner}\" Usage=\"{usage}\" InterfaceSide=\"Primary\" \
             InterfaceNumber=\"1\" Port=\"{}\" Protocol=\"{protocol}\" UrlPath=\"{path}\" AuthorizesRequests=\"{}\" />\r\n",
            5060 + i,
            i % 3 == 0
        );
    }
    s.push_str("      </Ports>\r\n");
    s
}

const PORT_KINDS: [(&str, &str, &str); 4] = [
    ("SipServer", "Mtls", "/"),
    ("WebServer", "Mtls", "/LiveServer/Focus/"),
    ("WinFab", "Tcp", "/"),
    ("AppSharingCommunication", "TcpOrUdp", "/"),
];

const WEB_COMPONENTS: [&str; 24] = [
    "ABHandler",
    "ABFiles",
    "AutodiscoverService",
    "CAHandler",
    "CAHandlerAnon",
    "CollabContent",
    "Cscp",
    "DataCollabWeb",
    "DeviceUpdateDownload",
    "DeviceUpdateStore",
    "Dialin",
    "DLExpansion",
    "LIService",
    "Lwa",
    "McxService",
    "Meet",
    "OnlineAuth",
    "PowerShell",
    "Reach",
    "RgsAgentService",
    "StoreWeb",
    "UcwaService",
    "WebScheduler",
    "WebTicket",
];
