//! Speed of the published-topology audit against a bare quick-xml tokenizing pass over the same bytes.
//!
//! Target (issue 2): an end-to-end audit of a large topology takes at most 1.5x the bare pass.
//! `LYNCPAIR_BENCH_MB` sets the document size (default 20 MB; the target is stated for 100 MB).

use std::sync::OnceLock;

use lyncpair::import::{ImportOptions, import_bytes};
use lyncpair::{estate, rules};

fn main() {
    divan::main();
}

/// A realistic published topology of about `mb` megabytes: paired front-end pools with ports noise.
fn topology(mb: usize) -> String {
    let mut clusters = String::new();
    let mut services = String::new();
    let mut pool = 0usize;
    let ports: String = (0..12)
        .map(|i| {
            format!(
                "        <Port Owner=\"urn:component:Registrar\" Usage=\"SipServer\" InterfaceSide=\"Primary\" \
                 InterfaceNumber=\"1\" Port=\"{}\" Protocol=\"Mtls\" UrlPath=\"/\" AuthorizesRequests=\"false\" />\r\n",
                5060 + i
            )
        })
        .collect();
    while clusters.len() + services.len() < mb * 1_000_000 {
        pool += 1;
        let site = pool % 10 + 1;
        let partner = if pool % 2 == 1 { pool + 1 } else { pool - 1 };
        let partner_site = partner % 10 + 1;
        clusters.push_str(&format!(
            "    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"pool{pool}.fabrikam.test\">\r\n\
             \x20     <ClusterId SiteId=\"{site}\" Number=\"{pool}\" />\r\n\
             \x20     <Machine OrdinalInCluster=\"1\" Fqdn=\"fe{pool}a.fabrikam.test\" />\r\n\
             \x20     <Machine OrdinalInCluster=\"2\" Fqdn=\"fe{pool}b.fabrikam.test\" />\r\n\
             \x20   </Cluster>\r\n"
        ));
        services.push_str(&format!(
            "    <Service RoleVersion=\"2\" ServiceVersion=\"6\">\r\n\
             \x20     <ServiceId SiteId=\"{site}\" RoleName=\"UserServices\" Instance=\"{pool}\" />\r\n\
             \x20     <DependsOn />\r\n\
             \x20     <InstalledOn><ClusterId SiteId=\"{site}\" Number=\"{pool}\" /></InstalledOn>\r\n\
             \x20     <Ports xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\">\r\n{ports}      </Ports>\r\n\
             \x20   </Service>\r\n\
             \x20   <Service RoleVersion=\"2\" ServiceVersion=\"6\" Type=\"Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService\">\r\n\
             \x20     <ServiceId SiteId=\"{site}\" RoleName=\"Registrar\" Instance=\"{pool}\" />\r\n\
             \x20     <DependsOn>\r\n\
             \x20       <Dependency Usage=\"Default\"><ServiceId SiteId=\"{site}\" RoleName=\"UserServices\" Instance=\"{pool}\" /></Dependency>\r\n\
             \x20       <Dependency Usage=\"Default\"><ServiceId SiteId=\"{partner_site}\" RoleName=\"Registrar\" Instance=\"{partner}\" /></Dependency>\r\n\
             \x20     </DependsOn>\r\n\
             \x20     <InstalledOn><ClusterId SiteId=\"{site}\" Number=\"{pool}\" /></InstalledOn>\r\n\
             \x20     <Ports xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\">\r\n{ports}      </Ports>\r\n\
             \x20     <RegistrarService xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\" IsDirector=\"false\" \
             EnableAutomaticFailover=\"true\" FailureDetectionInterval=\"120\" FailbackDetectionInterval=\"240\" />\r\n\
             \x20   </Service>\r\n"
        ));
    }
    let sites: String = (1..=10)
        .map(|s| format!("    <CentralSite SiteId=\"{s}\"><Name>Site {s}</Name><Location /></CentralSite>\r\n"))
        .collect();
    format!(
        "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\" Signature=\"0\">\r\n\
         \x20 <Sites>\r\n{sites}  </Sites>\r\n  <Clusters>\r\n{clusters}  </Clusters>\r\n\
         \x20 <Services>\r\n{services}  </Services>\r\n</Topology>\r\n"
    )
}

fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mb = std::env::var("LYNCPAIR_BENCH_MB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20);
        topology(mb)
    })
}

/// The floor: quick-xml tokenizing every event, doing nothing with it.
#[divan::bench(sample_count = 10)]
fn bare_quick_xml_tokenize(bencher: divan::Bencher) {
    let doc = document();
    bencher
        .counter(divan::counter::BytesCount::new(doc.len()))
        .bench(|| {
            let mut reader = quick_xml::Reader::from_str(doc);
            let mut events = 0usize;
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => events += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            events
        });
}

/// Everything `lyncpair audit` does for one file: decode, parse, resolve, merge, check.
#[divan::bench(sample_count = 10)]
fn audit_end_to_end(bencher: divan::Bencher) {
    let doc = document();
    bencher
        .counter(divan::counter::BytesCount::new(doc.len()))
        .bench(|| {
            let records = import_bytes(doc.as_bytes(), "bench.xml", &ImportOptions::default())
                .expect("valid topology");
            let estate = estate::build(estate::EstateInputs {
                name: "bench".into(),
                records: vec![records],
            });
            rules::check(&estate).len()
        });
}
