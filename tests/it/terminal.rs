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

/// `--color`: `always` writes ANSI codes even into a pipe, `never` none, and `auto` (the default)
/// none into a pipe, as assert_cmd's stdout is. The lync2010 fixture has error findings to colour.
#[test]
fn color_flag_decides_the_escape_codes_of_audit_and_plan() {
    const ESC: char = '\u{1b}';
    for command in ["audit", "plan"] {
        let shown = |color: Option<&str>| {
            let mut cmd = common::lyncpair();
            cmd.env_remove("NO_COLOR")
                .env_remove("CLICOLOR_FORCE")
                .env_remove("CLICOLOR")
                .arg(command);
            if let Some(color) = color {
                cmd.args(["--color", color]);
            }
            let out = cmd.arg("fixtures/lync2010").output().unwrap();
            String::from_utf8(out.stdout).unwrap()
        };
        let always = shown(Some("always"));
        assert!(always.contains("\u{1b}[1m"), "{command}: {always}");
        let never = shown(Some("never"));
        assert!(!never.contains(ESC), "{command}: {never}");
        assert!(!shown(None).contains(ESC), "{command}");
        assert!(!shown(Some("auto")).contains(ESC), "{command}");
        // The text is the same, only coloured.
        assert_eq!(anstream::adapter::strip_str(&always).to_string(), never);
    }
}

#[test]
fn no_color_is_overridden_only_by_color_always() {
    let shown = |color: &str| {
        let out = common::lyncpair()
            .env("NO_COLOR", "1")
            .args(["audit", "--color", color, "fixtures/lync2010"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(!shown("auto").contains('\u{1b}'));
    assert!(shown("always").contains('\u{1b}'));
}

/// A diff prints pool names from both snapshots, and an `audit.json` side is read back as it is:
/// its names must not reach the terminal raw.
#[test]
fn a_diff_escapes_control_characters_of_the_inputs() {
    let audit = run(["audit", "--format", "json", "fixtures/clean2013"]);
    let mut doc: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    doc["estates"][0]["pools"][0]["fqdn"] = "evil\u{1b}[2J\u{7}.fabrikam.test".into();
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("audit.json");
    std::fs::write(&old, doc.to_string()).unwrap();
    let r = run([
        "diff",
        old.to_str().unwrap(),
        "fixtures/clean2013",
        "--fail-on",
        "never",
    ]);
    assert!(
        !r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{7}'),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("evil\\u{1b}[2J"), "{}", r.stdout);
}
