//! Speed of `lyncpair audit --format json` on a large published topology against a bare quick-xml
//! tokenizing pass over the same file.
//!
//! Target (issue 2): the end-to-end audit takes at most 1.5x the bare pass, for 100 MB.
//! `LYNCPAIR_BENCH_MB` sets the document size (default 20 MB here; `cargo xtask bench` uses 100).
//!
//! - `cargo bench --bench audit`: divan statistics for both.
//! - `cargo bench --bench audit -- --ratio`: alternate the two several times and print the medians,
//!   their ratio and the time of each phase of the audit as `key value` lines (read by
//!   `cargo xtask bench`).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use lyncpair::import::ImportOptions;
use lyncpair::synth::published_topology;

fn main() {
    if std::env::args().any(|a| a == "--ratio") {
        ratio();
    } else {
        divan::main();
    }
}

fn megabytes() -> usize {
    std::env::var("LYNCPAIR_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

/// The synthetic topology, written once per run to Cargo's scratch folder for benches.
fn document() -> &'static Path {
    static DOC: OnceLock<PathBuf> = OnceLock::new();
    DOC.get_or_init(|| {
        let mb = megabytes();
        let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("synthetic-{mb}mb.xml"));
        let synth = published_topology(mb * 1_000_000);
        std::fs::write(&path, &synth.text).expect("the bench scratch folder is writable");
        path
    })
}

/// The floor: read the file and let quick-xml tokenize every event, doing nothing with it.
fn bare_quick_xml_tokenize(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("the document was written");
    let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("{e}"),
        }
    }
}

/// What `lyncpair audit --format json <file>` does besides printing: read, decode, parse,
/// resolve, merge, check, render.
fn audit_end_to_end(path: &Path) -> usize {
    let audit = lyncpair::audit::run(&[path.to_path_buf()], &ImportOptions::default());
    assert!(audit.errors.is_empty(), "{:?}", audit.errors);
    lyncpair::render::json::render(&audit).len()
}

#[divan::bench(name = "bare_quick_xml_tokenize", sample_count = 10)]
fn bench_bare(bencher: divan::Bencher) {
    let path = document();
    bencher
        .counter(divan::counter::BytesCount::new(file_len(path)))
        .bench(|| bare_quick_xml_tokenize(path));
}

#[divan::bench(name = "audit_end_to_end", sample_count = 10)]
fn bench_audit(bencher: divan::Bencher) {
    let path = document();
    bencher
        .counter(divan::counter::BytesCount::new(file_len(path)))
        .bench(|| audit_end_to_end(path));
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Alternating runs, so that load from other processes hits both sides alike; medians.
fn ratio() {
    let path = document();
    let runs = 7;
    let mut bare = Vec::with_capacity(runs);
    let mut audit = Vec::with_capacity(runs);
    let mut phases: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); PHASES.len()];
    // One untimed run of each warms the page cache and the allocator.
    divan::black_box(bare_quick_xml_tokenize(path));
    divan::black_box(audit_end_to_end(path));
    for _ in 0..runs {
        bare.push(time(|| bare_quick_xml_tokenize(path)));
        audit.push(time(|| audit_end_to_end(path)));
        for (all, one) in phases.iter_mut().zip(audit_in_phases(path)) {
            all.push(one);
        }
    }
    let (bare, audit) = (median(bare), median(audit));
    println!("bytes {}", file_len(path));
    println!("runs {runs}");
    println!("bare-quick-xml-tokenize-s {:.4}", bare.as_secs_f64());
    println!("audit-end-to-end-s {:.4}", audit.as_secs_f64());
    for (name, times) in PHASES.iter().zip(phases) {
        println!("  phase-{name}-s {:.4}", median(times).as_secs_f64());
    }
    println!(
        "end-to-end-over-bare {:.2}",
        audit.as_secs_f64() / bare.as_secs_f64()
    );
}

const PHASES: [&str; 8] = [
    "read-file",
    "decode",
    "parse-topology",
    "resolve",
    "merge-estate",
    "check-rules",
    "render-json",
    "free-memory",
];

/// The audit of one topology step by step (what `audit_end_to_end` does, minus file discovery),
/// timing each step: where the time goes.
fn audit_in_phases(path: &Path) -> [Duration; 8] {
    use lyncpair::audit::{Audit, AuditedEstate};
    use lyncpair::import::{resolve, topology};
    use lyncpair::model::{Format, Input, InputRecords};

    let mut t = Instant::now();
    let mut lap = move || {
        let now = Instant::now();
        std::mem::replace(&mut t, now).elapsed()
    };
    let bytes = std::fs::read(path).expect("the document was written");
    let read = lap();
    let decoded = lyncpair::text::decode(&bytes).expect("UTF-8");
    let decode = lap();
    let doc = topology::read_published(&decoded.text).expect("a valid topology");
    let parse = lap();
    let mut records = InputRecords::new(Input {
        path: path.display().to_string(),
        format: Format::TopologyXml,
        encoding: decoded.encoding.label().to_owned(),
    });
    resolve::resolve(&doc, &mut records);
    let resolved = lap();
    let estate = lyncpair::estate::build(lyncpair::estate::EstateInputs {
        name: path.display().to_string(),
        records: vec![records],
    });
    let merge = lap();
    let findings = lyncpair::rules::check(&estate);
    let check = lap();
    let audit = Audit {
        estates: vec![AuditedEstate { estate, findings }],
        errors: Vec::new(),
    };
    divan::black_box(lyncpair::render::json::render(&audit).len());
    let render = lap();
    drop(audit);
    drop(doc);
    drop(decoded);
    drop(bytes);
    let free = lap();
    [read, decode, parse, resolved, merge, check, render, free]
}

fn time(f: impl FnOnce() -> usize) -> Duration {
    let start = Instant::now();
    divan::black_box(f());
    start.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
