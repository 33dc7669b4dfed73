//! `cargo xtask bench [--mb N] [--callgrind-mb N] [--estates N] [--divan]`: the speed targets of
//! issue 12, measured in one alternating run.
//!
//! Builds the release binary and `examples/bare_pass.rs`, writes a synthetic N MB topology (UTF-8,
//! and the same content as UTF-16LE with BOM) and a folder of small estates under `target/bench/`,
//! then times, in rounds that alternate every command so that load from other processes falls on
//! all alike (medians of [`ROUNDS`]):
//!
//! - `lyncpair audit --format json` against `xtask/elementtree_audit.py` (target: ≥ 10x faster);
//! - the same audit against the bare quick-xml pass (target: ≤ 1.5x, and ≤ 1.5x in instructions
//!   counted by callgrind where valgrind is installed);
//! - the UTF-16 audit against the UTF-8 audit (target: ≤ 1.3x);
//! - `lyncpair plan` of an estate of about 4,000 plannable pools, the issue's size (target: < 2 s
//!   and < 500 MB), of the whole N MB estate (reported: its pool count grows with the generator)
//!   and of one of about 400 plannable pools (target: < 50 ms);
//! - `audit --out`, and the folder of small estates with one thread against all (reported);
//! - peak memory over file size (reported).
//!
//! Prints one line per row of the issue's table with the ratio and `met`/`NOT met`, and fails when
//! a checked target is missed or when lyncpair and the Python script disagree.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::synth::published_topology;
use crate::{cargo, workspace_root};

const PYTHON_TARGET: f64 = 10.0;
const BARE_PASS_TARGET: f64 = 1.5;
const UTF16_TARGET: f64 = 1.3;
const PLAN_SECONDS_TARGET: f64 = 2.0;
const PLAN_MB_TARGET: f64 = 500.0;
const PLAN_400_MS_TARGET: f64 = 50.0;
const ROUNDS: usize = 3;

struct Options {
    mb: usize,
    callgrind_mb: usize,
    estates: usize,
    divan: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        mb: 100,
        callgrind_mb: 20,
        estates: 500,
        divan: false,
    };
    let mut args = args.iter();
    let number = |v: Option<&String>, flag: &str| {
        v.and_then(|v| v.parse().ok())
            .filter(|&v: &usize| v > 0)
            .ok_or(format!("{flag} needs a positive whole number"))
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mb" => o.mb = number(args.next(), "--mb")?,
            "--callgrind-mb" => o.callgrind_mb = number(args.next(), "--callgrind-mb")?,
            "--estates" => o.estates = number(args.next(), "--estates")?,
            "--divan" => o.divan = true,
            // Kept so that older invocations still work: divan is off by default now.
            "--no-divan" => o.divan = false,
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: cargo xtask bench [--mb N] [--callgrind-mb N] \
                     [--estates N] [--divan]"
                ));
            }
        }
    }
    Ok(o)
}

/// One timed command, run once per round.
struct Timed {
    name: &'static str,
    command: Command,
    stdout: PathBuf,
    times: Vec<Duration>,
    /// User + system CPU seconds of each timed run: on a loaded machine the wall clock mostly
    /// measures the scheduler, CPU time much less so.
    cpu: Vec<f64>,
}

impl Timed {
    fn new(name: &'static str, command: Command, stdout: PathBuf) -> Timed {
        Timed {
            name,
            command,
            stdout,
            times: Vec::new(),
            cpu: Vec::new(),
        }
    }

    fn median(&self) -> f64 {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2].as_secs_f64()
    }

    fn median_cpu(&self) -> f64 {
        let mut t = self.cpu.clone();
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    let mb_env = [("LYNCPAIR_BENCH_MB", o.mb.to_string())];
    if o.divan {
        // `--bench '*'`: the [[bench]] targets only (`--benches` also runs the lib's test harness).
        cargo(&["bench", "--package", "lyncpair", "--bench", "*"], &mb_env)?;
    }
    cargo(
        &[
            "build",
            "--release",
            "--package",
            "lyncpair",
            "--bin",
            "lyncpair",
            "--example",
            "bare_pass",
        ],
        &[],
    )?;
    let root = workspace_root();
    // Where `cargo build` above put the binaries (CARGO_TARGET_DIR, when set, as cargo reads it).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |d| root.join(PathBuf::from(d)));
    let release = target.join("release");
    let binary = release.join("lyncpair");
    let bare_pass = release.join("examples").join("bare_pass");
    let dir = root.join("target").join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;

    let utf8 = dir.join(format!("topology-{}mb.xml", o.mb));
    let utf16 = dir.join(format!("topology-{}mb-utf16.xml", o.mb));
    eprintln!(
        "writing a {} MB synthetic topology to {}",
        o.mb,
        utf8.display()
    );
    let synth = published_topology(o.mb * 1_000_000);
    write(&utf8, synth.text.as_bytes())?;
    let mut bytes16 = Vec::with_capacity(synth.text.len() * 2 + 2);
    bytes16.extend_from_slice(&[0xFF, 0xFE]);
    bytes16.extend(synth.text.encode_utf16().flat_map(u16::to_le_bytes));
    write(&utf16, &bytes16)?;
    drop(bytes16);
    drop(synth);
    let estates = small_estates(&dir, o.estates)?;

    let lyncpair = |args: &[&str], file: &Path| {
        let mut c = Command::new(&binary);
        c.args(args).arg(file);
        c
    };
    let audit_json = ["audit", "--format", "json", "--fail-on", "never"];
    let out_dir = dir.join("out");
    let estates_out = dir.join("estates-out");
    let mut one_thread = lyncpair(&audit_json, &estates);
    one_thread.env("RAYON_NUM_THREADS", "1");
    let mut python = Command::new("python3");
    python
        .arg(root.join("xtask").join("elementtree_audit.py"))
        .arg(&utf8);
    let mut bare = Command::new(&bare_pass);
    bare.arg(&utf8);
    let mut commands = vec![
        Timed::new(
            "audit",
            lyncpair(&audit_json, &utf8),
            dir.join("lyncpair.json"),
        ),
        Timed::new("bare", bare, dir.join("bare.txt")),
        Timed::new("python", python, dir.join("python.json")),
        Timed::new(
            "utf16",
            lyncpair(&audit_json, &utf16),
            dir.join("utf16.json"),
        ),
        Timed::new(
            "plan",
            lyncpair(&["plan", "--format", "json"], &utf8),
            dir.join("plan.json"),
        ),
        Timed::new(
            "out",
            lyncpair(
                &[
                    "audit",
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                    "--out",
                    &out_dir.display().to_string(),
                ],
                &utf8,
            ),
            dir.join("out.json"),
        ),
        Timed::new(
            "estates",
            lyncpair(&audit_json, &estates),
            dir.join("estates.json"),
        ),
        Timed::new("estates-1", one_thread, dir.join("estates-1.json")),
        Timed::new(
            "estates-out",
            lyncpair(
                &[
                    "audit",
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                    "--out",
                    &estates_out.display().to_string(),
                ],
                &estates,
            ),
            dir.join("estates-out.json"),
        ),
    ];
    // Each `--out` run writes into a folder that does not exist yet, as a first audit does. The
    // earlier run's folder is moved aside, not deleted: deleting 2,000 files just before a run made
    // ext4 (without a journal, as here) search past every inode freed in the last minutes for each
    // file it created, which was most of the kernel time the `--out` rows measured (issue 12,
    // seventh pass C). The folders set aside are deleted once all runs are timed.
    let set_aside = dir.join("set-aside");
    clear(&set_aside);
    let mut aside = SetAside::new(&set_aside);
    aside.take(&out_dir)?;
    aside.take(&estates_out)?;
    // One untimed run of each reads the files into the page cache.
    for c in &mut commands {
        aside.take(&out_dir)?;
        aside.take(&estates_out)?;
        timed_run(&mut c.command, &c.stdout)?;
    }
    for round in 1..=ROUNDS {
        eprintln!("round {round}/{ROUNDS}");
        for c in &mut commands {
            aside.take(&out_dir)?;
            aside.take(&estates_out)?;
            let (t, cpu) = timed_run(&mut c.command, &c.stdout)?;
            c.times.push(t);
            c.cpu.push(cpu);
        }
    }
    let median = |name: &str| {
        commands
            .iter()
            .find(|c| c.name == name)
            .map_or(f64::NAN, Timed::median)
    };
    clear(&set_aside);
    let same = std::fs::read(dir.join("estates.json")).ok()
        == std::fs::read(dir.join("estates-1.json")).ok();
    if !same {
        return Err("one thread and all threads gave different JSON for the small estates".into());
    }

    // The plans of about 400 and 4,000 plannable pools: topologies cut to that share of the big one.
    let plannable = plannable_pools(&dir.join("plan.json"))?;
    let (small, small_plannable) = plan_cut(&dir, &lyncpair, o.mb, plannable, 400)?;
    let small_plan_json = dir.join("plan-400.json");
    let mut small_plan_times = Vec::new();
    for _ in 0..7 {
        small_plan_times.push(
            timed_run(
                &mut lyncpair(&["plan", "--format", "json"], &small),
                &small_plan_json,
            )?
            .0,
        );
    }
    small_plan_times.sort();
    let small_plan_ms = small_plan_times[small_plan_times.len() / 2].as_secs_f64() * 1e3;
    let (issue, issue_plannable) = plan_cut(&dir, &lyncpair, o.mb, plannable, 4_000)?;
    let mut issue_plan_times = Vec::new();
    for _ in 0..ROUNDS {
        issue_plan_times.push(
            timed_run(
                &mut lyncpair(&["plan", "--format", "json"], &issue),
                &dir.join("plan-4000.json"),
            )?
            .0,
        );
    }
    issue_plan_times.sort();
    let issue_plan_s = issue_plan_times[issue_plan_times.len() / 2].as_secs_f64();

    // Peak memory, one run each (GNU time's %M, in KB).
    let file_mb = file_len(&utf8) as f64 / 1e6;
    let file16_mb = file_len(&utf16) as f64 / 1e6;
    let rss_audit = peak_mb(&binary, &audit_json, &utf8)?;
    let rss_utf16 = peak_mb(&binary, &audit_json, &utf16)?;
    let rss_plan = peak_mb(&binary, &["plan", "--format", "json"], &utf8)?;
    let rss_issue_plan = peak_mb(&binary, &["plan", "--format", "json"], &issue)?;

    // Instructions, on a smaller file (callgrind runs about 50 times slower).
    let instructions = if valgrind_installed() {
        let cg = dir.join(format!("topology-{}mb.xml", o.callgrind_mb));
        write(
            &cg,
            published_topology(o.callgrind_mb * 1_000_000)
                .text
                .as_bytes(),
        )?;
        let audit = callgrind(
            dir.as_path(),
            Command::new(&binary).args(audit_json).arg(&cg),
        )?;
        let bare = callgrind(dir.as_path(), Command::new(&bare_pass).arg(&cg))?;
        Some((audit, bare))
    } else {
        None
    };

    let mut compare = Command::new("python3");
    compare
        .arg(root.join("xtask").join("elementtree_audit.py"))
        .arg("--compare")
        .args([dir.join("lyncpair.json"), dir.join("python.json")]);
    let agreed = compare
        .status()
        .map_err(|e| format!("cannot run python3: {e}"))?
        .success();

    let mut missed = Vec::new();
    let mut check = |met: bool, what: String| {
        if !met {
            missed.push(what);
        }
        verdict(met)
    };
    let (audit, bare, python, utf16_s) = (
        median("audit"),
        median("bare"),
        median("python"),
        median("utf16"),
    );
    println!();
    println!(
        "issue 12 speed targets, {} MB synthetic published topology, medians of {ROUNDS} alternating rounds",
        o.mb
    );
    println!("(wall-clock times depend on the load of the machine; instruction counts do not)");
    let speedup = python / audit;
    println!(
        "  audit vs Python ElementTree: {audit:.3} s vs {python:.3} s = {speedup:.1}x faster (target >= {PYTHON_TARGET}x): {}",
        check(
            speedup >= PYTHON_TARGET,
            format!("{speedup:.1}x faster than Python")
        )
    );
    let over_bare = audit / bare;
    println!(
        "  audit / bare quick-xml pass, wall: {audit:.3} s / {bare:.3} s = {over_bare:.2}x (target <= {BARE_PASS_TARGET}x): {}",
        check(
            over_bare <= BARE_PASS_TARGET,
            format!("{over_bare:.2}x the bare pass")
        )
    );
    match instructions {
        Some((a, b)) => {
            let r = a as f64 / b as f64;
            println!(
                "  audit / bare quick-xml pass, instructions ({} MB, callgrind): {} M / {} M = {r:.2}x (target <= {BARE_PASS_TARGET}x): {}",
                o.callgrind_mb,
                a / 1_000_000,
                b / 1_000_000,
                check(
                    r <= BARE_PASS_TARGET,
                    format!("{r:.2}x the bare pass in instructions")
                )
            );
        }
        None => println!(
            "  audit / bare quick-xml pass, instructions: valgrind not installed, not counted"
        ),
    }
    let u = utf16_s / audit;
    println!(
        "  UTF-16LE ({file16_mb:.0} MB) / UTF-8 audit of the same content: {utf16_s:.3} s / {audit:.3} s = {u:.2}x (target <= {UTF16_TARGET}x): {}",
        check(u <= UTF16_TARGET, format!("UTF-16 {u:.2}x the UTF-8 audit"))
    );
    println!(
        "  peak RSS / file size: UTF-8 {rss_audit:.0} MB / {file_mb:.0} MB = {:.2}x, UTF-16 {rss_utf16:.0} MB / {file16_mb:.0} MB = {:.2}x (target <= 1.2x; reported)",
        rss_audit / file_mb,
        rss_utf16 / file16_mb
    );
    println!(
        "  plan of {issue_plannable} plannable pools: {issue_plan_s:.3} s, {rss_issue_plan:.0} MB, median of {ROUNDS} (target < {PLAN_SECONDS_TARGET} s, < {PLAN_MB_TARGET} MB): {}",
        check(
            issue_plan_s < PLAN_SECONDS_TARGET && rss_issue_plan < PLAN_MB_TARGET,
            format!(
                "plan of {issue_plannable} pools took {issue_plan_s:.2} s and {rss_issue_plan:.0} MB"
            )
        )
    );
    println!(
        "  plan of the whole {} MB estate, {plannable} plannable pools: {:.3} s, {rss_plan:.0} MB (reported)",
        o.mb,
        median("plan")
    );
    println!(
        "  plan of {small_plannable} plannable pools: {small_plan_ms:.1} ms, whole process, median of 7 (target < {PLAN_400_MS_TARGET} ms): {}",
        check(
            small_plan_ms < PLAN_400_MS_TARGET,
            format!("plan of {small_plannable} pools took {small_plan_ms:.1} ms")
        )
    );
    println!(
        "  audit --out on {} MB: {:.3} s (target < 5 s; reported)",
        o.mb,
        median("out")
    );
    let (all, one) = (median("estates"), median("estates-1"));
    println!(
        "  {} small estates, JSON: {all:.3} s on all cores, {one:.3} s on one = {:.2}x (target >= 1.7x on two idle cores; reported), identical output",
        o.estates,
        one / all
    );
    println!(
        "  {} small estates with --out: {:.3} s (target < 3 s; reported)",
        o.estates,
        median("estates-out")
    );
    let cpu = |name: &str| {
        commands
            .iter()
            .find(|c| c.name == name)
            .map_or(f64::NAN, Timed::median_cpu)
    };
    println!(
        "CPU seconds (user + system, medians; less sensitive to load than the wall clock; reported):"
    );
    println!(
        "  audit {:.2}, bare pass {:.2} ({:.2}x), Python {:.2} ({:.1}x faster), UTF-16 {:.2} ({:.2}x), plan {:.2}, \
         audit --out {:.2}, small estates {:.2} on all cores / {:.2} on one, with --out {:.2}",
        cpu("audit"),
        cpu("bare"),
        cpu("audit") / cpu("bare"),
        cpu("python"),
        cpu("python") / cpu("audit"),
        cpu("utf16"),
        cpu("utf16") / cpu("audit"),
        cpu("plan"),
        cpu("out"),
        cpu("estates"),
        cpu("estates-1"),
        cpu("estates-out")
    );
    if !agreed {
        return Err("lyncpair and the Python script disagree on pools or backup findings".into());
    }
    if !missed.is_empty() {
        return Err(format!("targets missed: {}", missed.join("; ")));
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn clear(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// A folder where output folders of earlier runs are moved, to be deleted later at once.
struct SetAside<'a> {
    dir: &'a Path,
    moved: usize,
}

impl<'a> SetAside<'a> {
    fn new(dir: &'a Path) -> SetAside<'a> {
        SetAside { dir, moved: 0 }
    }

    /// Move `folder`, if it exists, out of the way (a rename: no file is deleted).
    fn take(&mut self, folder: &Path) -> Result<(), String> {
        if !folder.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        let to = self.dir.join(self.moved.to_string());
        self.moved += 1;
        std::fs::rename(folder, &to)
            .map_err(|e| format!("cannot move {} to {}: {e}", folder.display(), to.display()))
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// `count` folders of one small topology each (a few pools), as a batch run of many estates sees.
fn small_estates(dir: &Path, count: usize) -> Result<PathBuf, String> {
    let root = dir.join(format!("estates-{count}"));
    clear(&root);
    let text = published_topology(30_000).text;
    for i in 0..count {
        let folder = root.join(format!("estate{i:04}"));
        std::fs::create_dir_all(&folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        write(&folder.join("topology.xml"), text.as_bytes())?;
    }
    Ok(root)
}

/// Pools the plan paired or could not pair for a reason other than eligibility.
///
/// Read by python3 (which the bench needs anyway), not by counting keys in the text: since the plan
/// grew `changes` and `branch_moves` (issue 10), `"pools"` and `"reason"` occur outside `pairs` and
/// `unpaired` too, and a text count overstated the plannable pools.
fn plannable_pools(plan_json: &Path) -> Result<usize, String> {
    const COUNT: &str = "import json, sys\n\
        plan = json.load(open(sys.argv[1], encoding='utf-8'))\n\
        print(sum(2 * len(e['pairs']) + sum(1 for u in e['unpaired'] \
        if not u['reason'].startswith('not eligible')) for e in plan['estates']))";
    let out = Command::new("python3")
        .args(["-c", COUNT])
        .arg(plan_json)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| {
            format!(
                "cannot count the plannable pools of {}",
                plan_json.display()
            )
        })
}

/// A topology cut from the synthetic one to about `pools` plannable pools (its size scaled from
/// the `plannable` pools of the `mb` MB estate), written under `dir`, and how many it has.
fn plan_cut(
    dir: &Path,
    lyncpair: &impl Fn(&[&str], &Path) -> Command,
    mb: usize,
    plannable: usize,
    pools: usize,
) -> Result<(PathBuf, usize), String> {
    let cut_mb = (mb as f64 * pools as f64 / plannable.max(1) as f64).max(0.05);
    let cut = dir.join(format!("topology-{pools}-pools.xml"));
    write(
        &cut,
        published_topology((cut_mb * 1e6) as usize).text.as_bytes(),
    )?;
    let plan_json = dir.join(format!("plan-{pools}.json"));
    timed_run(
        &mut lyncpair(&["plan", "--format", "json"], &cut),
        &plan_json,
    )?;
    Ok((cut, plannable_pools(&plan_json)?))
}

/// Peak resident memory of one run in MB, from GNU time (`/usr/bin/time -f %M`, in KB).
fn peak_mb(binary: &Path, args: &[&str], file: &Path) -> Result<f64, String> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(binary)
        .args(args)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (GNU time is needed for memory): {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .last()
        .and_then(|l| l.trim().parse::<f64>().ok())
        .map(|kb| kb * 1024.0 / 1e6)
        .ok_or_else(|| format!("GNU time printed no peak memory: {err}"))
}

fn valgrind_installed() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Instructions executed by `command`, counted by callgrind.
fn callgrind(dir: &Path, command: &mut Command) -> Result<u64, String> {
    let shown = format!("{command:?}");
    eprintln!("  callgrind {shown}");
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!(
            "--callgrind-out-file={}",
            dir.join("callgrind.out").display()
        ))
        .arg(command.get_program())
        .args(command.get_args())
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    // `==123== Collected : 3468123456`
    err.lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, n)| n.trim().to_owned())
        })
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("callgrind printed no instruction count for {shown}:\n{err}"))
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

/// Run `command` once with stdout to `out`, under GNU time for its CPU time; its wall-clock time
/// and user + system CPU seconds. A failed run is an error: a crash must not pass for speed.
fn timed_run(command: &mut Command, out: &Path) -> Result<(Duration, f64), String> {
    let shown = format!("{command:?}");
    let stdout = File::create(out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let cpu_file = out.with_extension("cpu");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%U %S", "-o"])
        .arg(&cpu_file)
        .arg(command.get_program())
        .args(command.get_args())
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .stdout(Stdio::from(stdout));
    let start = Instant::now();
    let status = timed
        .status()
        .map_err(|e| format!("cannot run {shown} under /usr/bin/time: {e}"))?;
    let took = start.elapsed();
    if !status.success() {
        return Err(format!("{shown} failed ({status})"));
    }
    let cpu_text = std::fs::read_to_string(&cpu_file).unwrap_or_default();
    let cpu = cpu_text
        .lines()
        .last()
        .and_then(|l| {
            let (user, system) = l.split_once(' ')?;
            Some(user.parse::<f64>().ok()? + system.parse::<f64>().ok()?)
        })
        .ok_or_else(|| format!("GNU time printed no CPU time for {shown}: {cpu_text}"))?;
    eprintln!(
        "  {:.3} s wall, {cpu:.2} s CPU  {shown}",
        took.as_secs_f64()
    );
    Ok((took, cpu))
}
