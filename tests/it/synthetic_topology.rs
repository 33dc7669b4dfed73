//! The synthetic topology of the benchmarks (`lyncpair::synth`) is a valid published topology, and
//! an audit finds in it exactly what the generator says it wrote. The benchmark numbers mean
//! something only if the audit does its full work on that document.

use std::collections::BTreeMap;

use lyncpair::import::{ImportOptions, import_bytes};
use lyncpair::model::Role;
use lyncpair::synth::{FRONT_END_POOLS_PER_REGION, POOLS_PER_REGION, published_topology};
use lyncpair::{estate, rules};

#[test]
fn an_audit_finds_what_the_generator_wrote() {
    // More regions than central site pairs, so later regions add pools to existing sites.
    let synth = published_topology(2_500_000);
    assert!(synth.text.len() >= 2_500_000);
    assert!(synth.regions > 25, "{} regions", synth.regions);

    let records = import_bytes(
        synth.text.as_bytes(),
        "synthetic.xml",
        &ImportOptions::default(),
    )
    .expect("the synthetic topology is a valid published topology");
    assert_eq!(
        records.notes,
        Vec::new(),
        "nothing the importer did not understand"
    );
    let estate = estate::build(estate::EstateInputs {
        name: "synthetic".into(),
        records: vec![records],
    });
    assert_eq!(estate.pools.len(), synth.pools);
    assert_eq!(synth.pools, synth.regions * POOLS_PER_REGION);
    let mut roles: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &estate.pools {
        *roles.entry(p.role.label()).or_default() += 1;
    }
    let per_region = |n: usize| n * synth.regions;
    assert_eq!(
        roles,
        BTreeMap::from([
            ("branch", per_region(1)),
            ("director", per_region(1)),
            ("edge", per_region(1)),
            ("front-end", per_region(FRONT_END_POOLS_PER_REGION)),
            ("other", per_region(2)),
        ])
    );
    assert_eq!(
        estate
            .pools
            .iter()
            .filter(|p| p.role == Role::FrontEnd)
            .count(),
        synth.front_end_pools
    );
    let (a, b) = &synth.last_pair;
    assert_eq!(estate.pool(a).unwrap().backup.as_deref(), Some(b.as_str()));
    assert_eq!(estate.pool(b).unwrap().backup.as_deref(), Some(a.as_str()));

    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    for f in rules::check(&estate) {
        *codes.entry(f.code.as_str()).or_default() += 1;
    }
    // Per region: B1 named by A1 and A3, A3 not backed in return, B3 without backup, the 2010-style
    // A3 paired with the 2013 B1, and the SBA whose users get no pool disaster recovery.
    assert_eq!(
        codes,
        BTreeMap::from([
            ("backup-many-to-one", synth.many_to_one),
            ("backup-missing", synth.missing_backup),
            ("backup-not-reciprocal", synth.not_reciprocal),
            ("branch-no-dr", per_region(1)),
            ("pair-version-mismatch", per_region(1)),
        ])
    );
}
