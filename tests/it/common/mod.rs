//! Helpers shared by the integration tests: run the built binary from the repository root, so that
//! paths in reports are the relative paths the tests pass.

#![allow(dead_code)] // Each test module uses its own subset.

use std::path::{Path, PathBuf};

use serde_json::Value;

pub mod ordered_json;

pub const NS_TOPOLOGY: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008";
pub const NS_SERVICE_ROLES: &str = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary under test, started in the repository root.
pub fn lyncpair() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("lyncpair");
    cmd.current_dir(repo_root());
    cmd
}

/// What one run printed, parsed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = lyncpair().args(args).output().expect("the binary runs");
    let run = Run {
        code: out
            .status
            .code()
            .expect("the binary exits, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{}",
        run.stderr
    );
    run
}

/// `lyncpair audit --format json <paths>` with extra flags first.
pub fn audit_json(flags: &[&str], paths: &[&Path]) -> Run {
    let mut args: Vec<&std::ffi::OsStr> = ["audit", "--format", "json"]
        .iter()
        .chain(flags)
        .map(std::ffi::OsStr::new)
        .collect();
    args.extend(paths.iter().map(|p| p.as_os_str()));
    run(args)
}

/// The estate called `name` in an audit JSON document.
pub fn estate<'v>(doc: &'v Value, name: &str) -> &'v Value {
    doc["estates"]
        .as_array()
        .expect("estates is an array")
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no estate {name} in {doc:#}"))
}

/// The pool with this FQDN in an estate.
pub fn pool<'v>(estate: &'v Value, fqdn: &str) -> &'v Value {
    estate["pools"]
        .as_array()
        .expect("pools is an array")
        .iter()
        .find(|p| p["fqdn"] == fqdn)
        .unwrap_or_else(|| panic!("no pool {fqdn} in estate {}", estate["name"]))
}

/// Findings of an estate with this code.
pub fn findings<'v>(estate: &'v Value, code: &str) -> Vec<&'v Value> {
    estate["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

/// `pools` of a finding as strings.
pub fn pools_of(finding: &Value) -> Vec<&str> {
    finding["pools"]
        .as_array()
        .expect("pools is an array")
        .iter()
        .map(|p| p.as_str().expect("pool names are strings"))
        .collect()
}

/// Insta settings for the text snapshots of reports (Markdown, HTML text), which stamp
/// "lyncpair <version>": this build's version becomes `[version]`, so a release does not change
/// every snapshot. Only this build's version is masked; any other version stays in the text and
/// fails the snapshot. Bind them around the assertions:
/// `let _version = common::version_masked().bind_to_scope();`.
pub fn version_masked() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        &format!(r"\blyncpair {}\b", regex_literal(env!("CARGO_PKG_VERSION"))),
        "lyncpair [version]",
    );
    settings
}

/// `text` as a regular expression that matches only itself: a version holds letters, digits, and
/// `.`, `-` and `+`, of which `.` and `+` mean something in a regex.
fn regex_literal(text: &str) -> String {
    text.replace('.', r"\.").replace('+', r"\+")
}
