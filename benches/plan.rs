//! Planning speed: one estate of 400 eligible front-end pools (and 100 for scale), with a 2010-style
//! backup graph, mixed versions, editions, platforms and sites, and known users so capacity is checked.
//! Run with `cargo bench --bench plan` (or `cargo xtask bench`).

use std::collections::BTreeMap;

use lyncpair::model::{Edition, Estate, Fact, Pool, Role, Site, SiteKind, Source, Version};
use lyncpair::plan::{PlanRequest, plan};

fn main() {
    divan::main();
}

/// A deterministic pseudo-random sequence (64-bit LCG), so every run plans the same estate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn estate(pools: usize) -> Estate {
    let mut rng = Lcg(0x5eed);
    let sites = 12;
    let fqdn = |i: usize| format!("pool{i:04}.contoso.test");
    let mut provenance = BTreeMap::new();
    provenance.insert(Fact::Pool, vec![Source::new("bench.xml", Some(1))]);
    let list: Vec<Pool> = (0..pools)
        .map(|i| {
            let edition = if rng.next(10) == 0 {
                Edition::Standard
            } else {
                Edition::Enterprise
            };
            let servers = 2 + u32::try_from(rng.next(11)).expect("below 11");
            Pool {
                fqdn: fqdn(i),
                site: Some(format!("Site {}", rng.next(sites))),
                role: Role::FrontEnd,
                edition: Some(edition),
                version: Some(if rng.next(4) == 0 {
                    Version::V2015
                } else {
                    Version::V2013
                }),
                servers,
                machines: (1..=servers)
                    .map(|m| format!("fe{m}.{}", fqdn(i)))
                    .collect(),
                users: Some(match edition {
                    Edition::Standard => rng.next(2_500),
                    Edition::Enterprise => rng.next(40_000),
                }),
                virtual_machine: Some(rng.next(3) == 0),
                os: Some("Windows Server 2012 R2 Datacenter".to_owned()),
                // 2010-style: many pools name a few hubs.
                backup: (rng.next(3) != 0).then(|| {
                    fqdn(usize::try_from(rng.next(pools as u64 / 4 + 1)).expect("below pools"))
                }),
                extra_backups: Vec::new(),
                failover: None,
                backup_service: None,
                cms: None,
                planned: false,
                provenance: provenance.clone(),
            }
        })
        .collect();
    Estate {
        name: "bench".to_owned(),
        sites: (0..sites)
            .map(|s| Site {
                name: format!("Site {s}"),
                kind: SiteKind::Central,
                parent: None,
            })
            .collect(),
        pools: list,
        ..Estate::default()
    }
}

#[divan::bench(args = [100, 400])]
fn plan_estate(bencher: divan::Bencher, pools: usize) {
    let e = estate(pools);
    let request = PlanRequest::default();
    bencher.bench(|| plan(divan::black_box(&[&e]), &request).expect("no pins to refuse"));
}
