//! Terminal output of large estates (issue 11): summary and findings first, the pools only with
//! `--verbose`, and a 200-pool audit on two screens.

use crate::common;

use common::run;
use lyncpair::synth::{POOLS_PER_REGION, published_topology};

/// Two screens of a 50-line terminal.
const TWO_SCREENS: usize = 100;

fn two_hundred_pools() -> tempfile::TempDir {
    let one = published_topology(1);
    let per_region = one.text.len() / one.regions;
    let synth = published_topology(per_region * 200usize.div_ceil(POOLS_PER_REGION));
    assert!(synth.pools >= 200, "{} pools", synth.pools);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("topology.xml"), &synth.text).unwrap();
    dir
}

#[test]
fn a_200_pool_audit_fits_on_two_screens_and_verbose_adds_the_pools() {
    let dir = two_hundred_pools();
    let path = dir.path().to_str().unwrap();
    let short = run(["audit", path]);
    assert_eq!(short.code, 1, "{}", short.stderr);
    let lines = short.stdout.lines().count();
    assert!(lines <= TWO_SCREENS, "{lines} lines:\n{}", short.stdout);
    // The summary line comes before any finding; no pool inventory line.
    assert!(short.stdout.lines().nth(1).unwrap().contains("error(s)"));
    assert!(!short.stdout.contains("server(s)"), "{}", short.stdout);
    assert!(short.stdout.contains("--verbose"));

    let long = run(["audit", "--verbose", path]);
    assert!(
        long.stdout.lines().count() > 200,
        "every pool on its own line"
    );
    assert!(long.stdout.contains("server(s)"));
    let pools = run(["audit", "--pools", path]);
    assert_eq!(pools.stdout, long.stdout);
}
