//! The migration plan (issue 10) end to end: `lyncpair plan` on the Lync 2010 fixture estates.
//! Every number is worked out by hand in the comments and asserted on its own; the JSON of
//! `fixtures/migration` is also pinned in a snapshot.

use crate::common;

use common::run;
use serde_json::Value;

fn plan(args: &[&str]) -> Value {
    let mut all = vec!["plan", "--format", "json"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    r.json()
}

fn estate(v: &Value) -> &Value {
    &v["estates"][0]
}

/// (pool a, pool b, users a, users b, capacity checked) of one pair.
type PairRow = (String, String, Option<u64>, Option<u64>, bool);
type PairSpec<'a> = (&'a str, &'a str, Option<u64>, Option<u64>, bool);

fn pairs(v: &Value) -> Vec<PairRow> {
    estate(v)["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["pools"][0].as_str().unwrap().to_owned(),
                p["pools"][1].as_str().unwrap().to_owned(),
                p["users"][0].as_u64(),
                p["users"][1].as_u64(),
                p["capacity_checked"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// (branch, from, to) per branch move.
fn moves(v: &Value) -> Vec<(String, Option<String>, String)> {
    estate(v)["branch_moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["branch"].as_str().unwrap().to_owned(),
                m["from"].as_str().map(str::to_owned),
                m["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn owned(list: &[PairSpec]) -> Vec<PairRow> {
    list.iter()
        .map(|&(a, b, x, y, c)| (a.to_owned(), b.to_owned(), x, y, c))
        .collect()
}

const FAB: &str = ".fabrikam.test";

fn f(name: &str) -> String {
    format!("{name}{FAB}")
}

#[test]
fn lync2010_gets_a_successor_for_every_front_end_pool_pairs_and_branch_moves() {
    let v = plan(&["fixtures/lync2010"]);
    // Five Lync 2010 front-end pools, five proposed successors in their sites (no users known).
    let successors: Vec<(String, bool, Option<u64>)> = estate(&v)["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["replaces"].as_array().unwrap().len(), 1);
            (
                s["pool"].as_str().unwrap().to_owned(),
                s["declared"].as_bool().unwrap(),
                s["users"].as_u64(),
            )
        })
        .collect();
    let expected: Vec<(String, bool, Option<u64>)> = ["dal", "lon", "muc", "sin", "tor"]
        .iter()
        .map(|s| (format!("successor-of-pool-{s}{FAB}"), false, None))
        .collect();
    assert_eq!(successors, expected);
    // All five in different central sites, all Enterprise 2013: every pair is compatible and
    // cross-site. Two pairs at most; the name tie-break pairs neighbours in FQDN order
    // (dal–lon, muc–sin) and leaves tor. Users unknown: capacity not checked.
    let s = |p: &str| format!("successor-of-pool-{p}{FAB}");
    assert_eq!(
        pairs(&v),
        owned(&[
            (&s("dal"), &s("lon"), None, None, false),
            (&s("muc"), &s("sin"), None, None, false),
        ])
    );
    assert_eq!(estate(&v)["objective"]["pairs"], 2);
    assert_eq!(estate(&v)["objective"]["cross_site"], 2);
    // Every branch registrar is re-homed to the paired successor in its parent central site
    // (Austin of Dallas, Leeds of London, Penang of Singapore).
    let m = moves(&v);
    let targets: Vec<(&str, &str)> = m
        .iter()
        .map(|(b, _, to)| (b.as_str(), to.as_str()))
        .collect();
    assert_eq!(
        targets,
        [
            (f("sba-aus").as_str(), s("dal").as_str()),
            (f("sba-lds").as_str(), s("lon").as_str()),
            (f("sba-pen").as_str(), s("sin").as_str()),
        ]
    );
    let r = run(["plan", "fixtures/lync2010"]);
    assert!(
        r.stdout.contains("capacity not checked: the users of successor-of-pool-dal.fabrikam.test, successor-of-pool-lon.fabrikam.test are unknown"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("[proposed]"), "{}", r.stdout);
}

#[test]
fn lync2010_with_users_moved_branch_users_force_a_pair_apart() {
    let v = plan(&[
        "fixtures/lync2010/topology.xml",
        "tests/data/plan/lync2010-users/registrars.csv",
        "tests/data/plan/lync2010-users/users.csv",
    ]);
    let s = |p: &str| format!("successor-of-pool-{p}{FAB}");
    // Successors carry the users of their 2010 pool (users.csv).
    let users: Vec<Option<u64>> = estate(&v)["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["users"].as_u64())
        .collect();
    assert_eq!(
        users,
        [
            Some(38_000),
            Some(39_500),
            Some(10_000),
            Some(20_000),
            Some(15_000)
        ]
    );
    // With their branch users: dal 38000 + sba-aus 3000 = 41000, lon 39500 + sba-lds 500 = 40000,
    // sin 20000 + sba-pen 200 = 20200. dal + lon = 81000 > 80000: the users that move with the
    // branches force the neighbours dal and lon apart (77500 without them would fit). Among the
    // remaining two-pair plans, all cross-site, the name tie-break (n = 5, closeness 5 - distance)
    // gives lon–muc + sin–tor (4 + 4) over dal–muc + sin–tor (3 + 4): dal stays unpaired.
    assert_eq!(
        pairs(&v),
        owned(&[
            // lon 39500 + 500 (sba-lds); muc 10000.
            (&s("lon"), &s("muc"), Some(40_000), Some(10_000), true),
            // sin 20000 + 200 (sba-pen) + 3000 (sba-aus, re-homed); tor 15000.
            (&s("sin"), &s("tor"), Some(23_200), Some(15_000), true),
        ])
    );
    let dal = estate(&v)["unpaired"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["pool"] == s("dal").as_str())
        .expect("the successor of pool-dal is unpaired");
    assert!(
        dal["reason"].as_str().unwrap().starts_with("odd one out"),
        "{dal}"
    );
    // sba-aus: its successor is unpaired and Dallas has no other paired pool; lon–muc has
    // 80000 - 50000 = 30000 spare, sin–tor 80000 - 35200 = 44800: the most spare, sin first by name.
    let m = moves(&v);
    assert_eq!(
        m,
        [
            (f("sba-aus"), Some(f("pool-dal")), s("sin")),
            (f("sba-lds"), Some(f("pool-lon")), s("lon")),
            (f("sba-pen"), Some(f("pool-sin")), s("sin")),
        ]
    );
    let aus = &estate(&v)["branch_moves"][0]["reason"];
    assert!(
        aus.as_str().unwrap().contains(
            "is the paired pool with the most spare capacity (44800 users of spare capacity before; its 3000 users count toward it)"
        ),
        "{aus}"
    );
}

#[test]
fn migration_fixture_plan_numbers() {
    let v = plan(&["fixtures/migration"]);
    let c = |p: &str| format!("{p}.contoso.test");
    let s = |p: &str| format!("successor-of-pool-{p}.contoso.test");
    // Declared: pool13-ham replaces pool-ham (30000) and pool-hh2 (12000): 0 + 30000 + 12000.
    // Proposed: ber 7000, vie 25000, zrh 9000 (inventory users of their 2010 pools).
    let successors: Vec<(String, Vec<String>, bool, Option<u64>)> = estate(&v)["successors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["pool"].as_str().unwrap().to_owned(),
                x["replaces"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
                x["declared"].as_bool().unwrap(),
                x["users"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        successors,
        [
            (
                c("pool13-ham"),
                vec![c("pool-ham"), c("pool-hh2")],
                true,
                Some(42_000)
            ),
            (s("ber"), vec![c("pool-ber")], false, Some(7_000)),
            (s("vie"), vec![c("pool-vie")], false, Some(25_000)),
            (s("zrh"), vec![c("pool-zrh")], false, Some(9_000)),
        ]
    );
    // Four eligible pools in four sites, every pair within capacity (the largest, pool13-ham +
    // vie = 42000 + 25800 = 67800, needs ceil(67800 / 6660) = 11 <= 12 servers): the name tie-break
    // pairs pool13-ham–ber and vie–zrh. sba-grz (800) follows pool-vie to its successor; sba-lub
    // (400, no backup) goes to the paired pool of its parent site Hamburg, pool13-ham.
    assert_eq!(
        pairs(&v),
        owned(&[
            (&c("pool13-ham"), &s("ber"), Some(42_400), Some(7_000), true),
            (&s("vie"), &s("zrh"), Some(25_800), Some(9_000), true),
        ])
    );
    assert_eq!(
        estate(&v)["objective"],
        serde_json::json!({"pairs": 2, "cross_site": 2, "kept": 0})
    );
    assert_eq!(
        moves(&v),
        [
            (c("sba-grz"), Some(c("pool-vie")), s("vie")),
            (c("sba-lub"), None, c("pool13-ham")),
        ]
    );
    // pool13-ham + ber = 49000 before sba-lub: 80000 - 49000 = 31000 spare.
    assert!(
        estate(&v)["branch_moves"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("31000 users of spare capacity before; its 400 users count toward it")
    );
    // Every backup of today is a 2010 relationship: five removals, then the two new pairs.
    let kinds: Vec<&str> = estate(&v)["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "remove", "remove", "remove", "remove", "remove", "add", "add"
        ]
    );
    insta::assert_json_snapshot!("migration_plan", v);
}

#[test]
fn migration_fixture_in_every_plan_output() {
    let r = run(["plan", "fixtures/migration"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needle in [
        "Target design (after the migration, successors of version 2013)",
        "pool13-ham.contoso.test (Hamburg) [declared]: replaces pool-ham.contoso.test, pool-hh2.contoso.test; 42000 users",
        "1. pool-ham.contoso.test -> pool13-ham.contoso.test (30000 users; paired with successor-of-pool-ber.contoso.test)",
        "capacity checked: 42400 + 7000 = 49400 users after a failover",
        "sba-lub.contoso.test (Lübeck, 400 users): (no backup) -> pool13-ham.contoso.test",
    ] {
        assert!(r.stdout.contains(needle), "{needle}\n{}", r.stdout);
    }
    let md = run(["plan", "--format", "md", "fixtures/migration"]);
    assert!(md.stdout.contains("### Target design"), "{}", md.stdout);
    assert!(md.stdout.contains("| successor-of-pool-vie.contoso.test | proposed | Wien | pool-vie.contoso.test | 25000 |"), "{}", md.stdout);
    let html = run(["plan", "--format", "html", "fixtures/migration"]);
    assert!(
        html.stdout.contains("class=\"pool proposed\""),
        "the after diagram draws proposed successors"
    );
    assert!(
        html.stdout
            .contains("capacity checked: 25800 + 9000 = 34800 users after a failover")
    );
    let de = run(["plan", "--lang", "de", "fixtures/migration"]);
    assert!(
        de.stdout
            .contains("Zielbild (nach der Migration, Nachfolger in Version 2013)"),
        "{}",
        de.stdout
    );
    let target = run([
        "plan",
        "--format",
        "json",
        "--target",
        "2019",
        "fixtures/migration",
    ]);
    assert_eq!(target.code, 0);
    // Proposed successors take the target version, so the 2013 pool13-ham pairs with none of them.
    assert_eq!(target.json()["estates"][0]["objective"]["pairs"], 1);
}

#[test]
fn a_declared_successor_that_cannot_host_its_pools_is_a_plan_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "fixtures/migration/topology.xml",
        dir.path().join("topology.xml"),
    )
    .unwrap();
    let inventory = std::fs::read_to_string("fixtures/migration/inventory.csv")
        .unwrap()
        .replace(
            "pool13-ham.contoso.test,Hamburg,Front End,Enterprise,2013,12,",
            "pool13-ham.contoso.test,Hamburg,Front End,Standard,2013,1,",
        );
    std::fs::write(dir.path().join("inventory.csv"), inventory).unwrap();
    let r = run(["plan", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("pool13-ham.contoso.test cannot replace pool-ham.contoso.test, pool-hh2.contoso.test: it would home 42000 users, but a Standard Edition pool carries at most 5000"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("fix the inventory's replaces column"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn pins_name_successors() {
    let s = |p: &str| format!("successor-of-pool-{p}.contoso.test");
    let pin = format!("{}={}", s("ber"), s("zrh"));
    let v = plan(&["--pin", &pin, "fixtures/migration"]);
    let names: Vec<(String, String)> = pairs(&v).into_iter().map(|p| (p.0, p.1)).collect();
    assert!(names.contains(&(s("ber"), s("zrh"))), "{names:?}");
    let r = run([
        "plan",
        "--pin",
        "pool-ber.contoso.test=pool-zrh.contoso.test",
        "fixtures/migration",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("its users move to successor-of-pool-ber.contoso.test: pin that instead"),
        "{}",
        r.stderr
    );
}
