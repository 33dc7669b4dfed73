//! `cargo xtask fuzz`: seed the cargo-fuzz corpora from the team's fixtures and the genuine samples,
//! then run each fuzz target in turn for the given minutes (docs/fuzzing.md).
//!
//! The seeds are written at run time into `fuzz/seeds/` (ignored by git), so copies of the genuine
//! samples in `../shared/samples/real` are never committed. Everything here is std only.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::workspace_root;

/// The targets of `fuzz/Cargo.toml`, in the order they run.
const TARGETS: [&str; 3] = ["import", "pipeline", "containers"];

/// Must match `lyncpair_fuzz::PART_SEPARATOR` (fuzz/src/lib.rs).
const PART_SEPARATOR: &[u8] = b"\n--lyncpair-part--\n";

/// Seed folders, relative to the workspace root. `tests/data/hostile` is left out on purpose: those
/// files are regression tests for crashes, and a seed that crashes stops libFuzzer before it starts.
const SEED_SOURCES: [&str; 3] = ["fixtures", "tests/data", "../shared/samples/real"];
const SKIPPED_SOURCE: &str = "tests/data/hostile";

const USAGE: &str = "usage: cargo xtask fuzz [--minutes N] [--target NAME]... [--seed-only]\n\n\
  --minutes N    minutes per target (default 5; the issue asks for 60 before a release)\n  \
  --target NAME  run only this target (import, pipeline, containers); repeatable\n  \
  --seed-only    write the seed corpora into fuzz/seeds/ and stop";

struct Options {
    minutes: u64,
    targets: Vec<String>,
    seed_only: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        minutes: 5,
        targets: Vec::new(),
        seed_only: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--minutes" => {
                let raw = args.next().ok_or("--minutes needs a number")?;
                options.minutes = raw
                    .parse()
                    .ok()
                    .filter(|m| *m > 0)
                    .ok_or_else(|| format!("--minutes {raw}: not a whole number of minutes"))?;
            }
            "--target" => {
                let name = args.next().ok_or("--target needs a name")?;
                if !TARGETS.contains(&name.as_str()) {
                    return Err(format!(
                        "--target {name}: no such fuzz target; the targets are {}",
                        TARGETS.join(", ")
                    ));
                }
                options.targets.push(name.clone());
            }
            "--seed-only" => options.seed_only = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = workspace_root();
    let fuzz_dir = root.join("fuzz");
    let seeds = seed(root, &fuzz_dir.join("seeds"))?;
    for (target, count) in &seeds {
        eprintln!("xtask fuzz: {count} seeds for {target} in fuzz/seeds/{target}");
    }
    if options.seed_only {
        return Ok(());
    }
    check_tools()?;

    let mut build = nightly_cargo(&fuzz_dir);
    build.args(["fuzz", "build", "--release", "--debug-assertions"]);
    run_status(&mut build, "cargo +nightly fuzz build")?;

    let mut summary = Vec::new();
    for target in &options.targets {
        summary.push(run_target(&fuzz_dir, target, options.minutes)?);
    }
    eprintln!(
        "\n| target | minutes | executions | corpus files | crashes |\n|---|---|---|---|---|"
    );
    for s in &summary {
        eprintln!(
            "| {} | {} | {} | {} | {} |",
            s.target,
            options.minutes,
            s.executions.as_deref().unwrap_or("?"),
            s.corpus,
            s.crashes.len()
        );
    }
    let crashes: Vec<&PathBuf> = summary.iter().flat_map(|s| &s.crashes).collect();
    if crashes.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} crash file(s); reproduce with `cargo +nightly fuzz run TARGET FILE` in fuzz/, then \
             add each to tests/data/hostile/ with a test in tests/it/fuzz_regressions.rs:\n  {}",
            crashes.len(),
            crashes
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("\n  ")
        ))
    }
}

/// `cargo +nightly` from PATH (the rustup proxy), without the variables `cargo xtask` itself runs
/// under, which would otherwise pin the stable toolchain for cargo-fuzz's inner builds.
fn nightly_cargo(dir: &Path) -> Command {
    let mut command = Command::new("cargo");
    command
        .arg("+nightly")
        .current_dir(dir)
        .env_remove("CARGO")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_TARGET_DIR");
    command
}

/// Fail with a message saying what to install when nightly or cargo-fuzz is missing.
fn check_tools() -> Result<(), String> {
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match nightly {
        Ok(s) if s.success() => {}
        Ok(_) => {
            return Err(
                "the nightly toolchain is missing (cargo-fuzz needs it for the \
                        sanitizers): rustup toolchain install nightly"
                    .to_owned(),
            );
        }
        Err(e) => {
            return Err(format!(
                "cannot run rustup ({e}): cargo-fuzz needs the nightly toolchain through rustup"
            ));
        }
    }
    let fuzz = nightly_cargo(workspace_root())
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match fuzz {
        Ok(s) if s.success() => Ok(()),
        _ => Err("cargo-fuzz is not installed: cargo install cargo-fuzz".to_owned()),
    }
}

fn run_status(command: &mut Command, shown: &str) -> Result<(), String> {
    eprintln!("$ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

struct TargetRun {
    target: String,
    executions: Option<String>,
    corpus: usize,
    crashes: Vec<PathBuf>,
}

fn run_target(fuzz_dir: &Path, target: &str, minutes: u64) -> Result<TargetRun, String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)
        .map_err(|e| format!("cannot create {}: {e}", corpus.display()))?;
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let before = files_in(&artifacts);
    let seconds = (minutes * 60).to_string();
    let args: Vec<String> = vec![
        "fuzz".into(),
        "run".into(),
        "--release".into(),
        "--debug-assertions".into(),
        target.into(),
        format!("corpus/{target}"),
        format!("seeds/{target}"),
        "--".into(),
        format!("-max_total_time={seconds}"),
        "-dict=lyncpair.dict".into(),
        // A real export is read in well under a second; 20 s is a hang, not a slow input.
        "-timeout=20".into(),
        // Well above what any input of a few hundred KB should need, below what the machine has.
        "-rss_limit_mb=2048".into(),
        "-print_final_stats=1".into(),
    ];
    let shown = format!("(cd fuzz && cargo +nightly {})", args.join(" "));
    eprintln!("\n$ {shown}");
    let mut child = nightly_cargo(fuzz_dir)
        .args(&args)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{shown}`: {e}"))?;
    // libFuzzer reports on stderr: pass it through and keep the execution count of its final stats.
    let mut executions = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
                executions = Some(n.trim().to_owned());
            }
            eprintln!("{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("`{shown}` did not finish: {e}"))?;
    let crashes: Vec<PathBuf> = files_in(&artifacts)
        .into_iter()
        .filter(|f| !before.contains(f))
        .collect();
    if !status.success() && crashes.is_empty() {
        return Err(format!(
            "`{shown}` failed ({status}) without leaving a crash file"
        ));
    }
    Ok(TargetRun {
        target: target.to_owned(),
        executions,
        corpus: files_in(&corpus).len(),
        crashes,
    })
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

// ---------------------------------------------------------------------------------------------
// Seeds

/// One importable file found under the seed sources.
struct SeedFile {
    /// Relative to the workspace root, with `/`.
    name: String,
    folder: PathBuf,
    ext: String,
    bytes: Vec<u8>,
}

/// Write every target's seeds into `seeds/<target>/`, replacing earlier ones. Returns the counts.
fn seed(root: &Path, seeds: &Path) -> Result<BTreeMap<&'static str, usize>, String> {
    let mut files = Vec::new();
    for source in SEED_SOURCES {
        let dir = root.join(source);
        if dir.is_dir() {
            collect(root, &dir, &mut files)?;
        } else {
            eprintln!("xtask fuzz: {source} does not exist here; seeding without it");
        }
    }
    if files.is_empty() {
        return Err("no seed files found under fixtures/ or tests/data/".to_owned());
    }
    let mut counts = BTreeMap::new();
    for target in TARGETS {
        let dir = seeds.join(target);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let inputs = match target {
            "import" => import_seeds(&files),
            "pipeline" => pipeline_seeds(&files),
            _ => container_seeds(&files),
        };
        for (name, bytes) in &inputs {
            let path = dir.join(name);
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        counts.insert(target, inputs.len());
    }
    Ok(counts)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<SeedFile>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.ends_with(SKIPPED_SOURCE) || path == root.join(SKIPPED_SOURCE) {
            continue;
        }
        if path.is_dir() {
            collect(root, &path, out)?;
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !matches!(
            ext.as_str(),
            "xml" | "tbxml" | "zip" | "csv" | "txt" | "xlsx" | "xls" | "ods"
        ) {
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let relative = path.strip_prefix(root).unwrap_or(&path);
        out.push(SeedFile {
            name: relative
                .to_string_lossy()
                .replace(['/', '\\'], "_")
                .replace("..", "up"),
            folder: path.parent().unwrap_or(root).to_path_buf(),
            ext,
            bytes,
        });
    }
    Ok(())
}

fn with_first(first: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![first];
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(PART_SEPARATOR);
        }
        out.extend_from_slice(part);
    }
    out
}

/// The layout of fuzz/fuzz_targets/import.rs: a kind byte, then the file.
fn import_seeds(files: &[SeedFile]) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for f in files {
        seeds.push((format!("sniff-{}", f.name), with_first(0, &[&f.bytes])));
        let kind = match f.ext.as_str() {
            "xml" => 1,
            "tbxml" => 2,
            "zip" => 3,
            "csv" | "txt" => 4,
            _ => 5,
        };
        seeds.push((
            format!("kind{kind}-{}", f.name),
            with_first(kind, &[&f.bytes]),
        ));
        if kind == 5 {
            seeds.push((format!("sheet-{}", f.name), with_first(6, &[&f.bytes])));
        }
    }
    seeds
}

/// The layout of fuzz/fuzz_targets/pipeline.rs: a flags byte, then two files of one folder.
fn pipeline_seeds(files: &[SeedFile]) -> Vec<(String, Vec<u8>)> {
    let mut seeds = Vec::new();
    for (i, a) in files.iter().enumerate() {
        // Each file alone, once in German with colour and a pin.
        seeds.push((format!("one-{}", a.name), with_first(0, &[&a.bytes])));
        seeds.push((format!("one-de-{}", a.name), with_first(7, &[&a.bytes])));
        for b in files.iter().skip(i + 1).filter(|b| b.folder == a.folder) {
            seeds.push((
                format!("two-{}+{}", a.name, b.name),
                with_first(4, &[&a.bytes, &b.bytes]),
            ));
        }
    }
    seeds
}

/// The layout of fuzz/fuzz_targets/containers.rs: flags (kind in bits 0-1, deflate in bit 2), then
/// the parts of the container. Built from the text fixtures, since xtask has no zip reader.
fn container_seeds(files: &[SeedFile]) -> Vec<(String, Vec<u8>)> {
    const CONFIG_ZIP: u8 = 0;
    const XLSX: u8 = 1;
    const ODS: u8 = 2;
    const XLS: u8 = 3;
    const DEFLATE: u8 = 4;
    let mut seeds = Vec::new();
    for f in files {
        match f.ext.as_str() {
            "xml" => {
                let Some(text) = utf8_text(&f.bytes) else {
                    continue;
                };
                if !text.contains("<Topology") {
                    continue;
                }
                let doc = doc_item_set(text);
                seeds.push((
                    format!("configzip-{}", f.name),
                    with_first(CONFIG_ZIP | DEFLATE, &[doc.as_bytes()]),
                ));
            }
            "csv" | "txt" => {
                let Some(text) = utf8_text(&f.bytes) else {
                    continue;
                };
                let rows = csv_rows(text);
                seeds.push((
                    format!("xlsx-{}", f.name),
                    with_first(XLSX | DEFLATE, &[xlsx_sheet(&rows).as_bytes()]),
                ));
                seeds.push((
                    format!("ods-{}", f.name),
                    with_first(ODS, &[ods_content(&rows).as_bytes()]),
                ));
            }
            "xls" => {
                if let Some(stream) = workbook_stream(&f.bytes) {
                    seeds.push((format!("xls-{}", f.name), with_first(XLS, &[&stream])));
                }
            }
            _ => {}
        }
    }
    seeds
}

/// UTF-8 text without a BOM; `None` for other encodings (the seeds need not cover them all).
fn utf8_text(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    Some(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The DocItemSet.xml of an Export-CsConfiguration zip around a published topology (FORMATS.md
/// section 5; the same wrapping as fixtures/importers/make-config-zip.py).
fn doc_item_set(topology: &str) -> String {
    let body = topology
        .trim_start()
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split_once("?>"))
        .map_or(topology, |(_, rest)| rest);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<DocItemSet>\n  <DocItem \
         Name=\"urn:xds:Microsoft.Rtc.Management.Deploy.Topology.2008:Topology\">\n    \
         <Data>\n{body}\n    </Data>\n  </DocItem>\n</DocItemSet>\n"
    )
}

/// Rows of a CSV, split naively on the separator outside quotes: only seeds, so a rare quoting
/// case read a little wrong costs nothing.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let separator = if text.lines().next().is_some_and(|l| l.contains(';')) {
        ';'
    } else {
        ','
    };
    text.lines()
        .map(|line| {
            let mut cells = vec![String::new()];
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    c if c == separator && !quoted => cells.push(String::new()),
                    c => cells.last_mut().expect("one cell").push(c),
                }
            }
            cells
        })
        .collect()
}

fn xml_escape(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Column letters of a zero-based index: 0 → A, 26 → AA.
fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// An xlsx worksheet holding `rows` as inline strings (no shared strings needed).
fn xlsx_sheet(rows: &[Vec<String>]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet \
         xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>",
    );
    for (r, row) in rows.iter().enumerate() {
        xml.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            xml.push_str(&format!(
                "<c r=\"{}{}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                column_name(c),
                r + 1,
                xml_escape(cell)
            ));
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>\n");
    xml
}

/// An OpenDocument content.xml with one table holding `rows`.
fn ods_content(rows: &[Vec<String>]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Pools\">",
    );
    for row in rows {
        xml.push_str("<table:table-row>");
        for cell in row {
            xml.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                xml_escape(cell)
            ));
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table></office:spreadsheet></office:body></office:document-content>\n");
    xml
}

/// The `Workbook` (or `Book`) stream of an OLE compound file, read just well enough for a seed:
/// FAT sectors listed in the header only, the stream in regular sectors, every chain bounded.
fn workbook_stream(file: &[u8]) -> Option<Vec<u8>> {
    let u16_at = |at: usize| Some(u16::from_le_bytes(file.get(at..at + 2)?.try_into().ok()?));
    let u32_at = |at: usize| Some(u32::from_le_bytes(file.get(at..at + 4)?.try_into().ok()?));
    let sector_size = 1usize << u16_at(0x1E)?.min(16);
    let sector = |n: u32| 512usize.max(sector_size) + n as usize * sector_size;
    let fat_sectors = u32_at(0x2C)?.min(109) as usize;
    let mut fat = Vec::new();
    for i in 0..fat_sectors {
        let start = sector(u32_at(0x4C + 4 * i)?);
        for j in 0..sector_size / 4 {
            fat.push(u32_at(start + 4 * j)?);
        }
    }
    let chain = |first: u32| {
        let mut sectors = Vec::new();
        let mut next = first;
        while (next as usize) < fat.len() && sectors.len() <= fat.len() {
            sectors.push(next);
            next = fat[next as usize];
        }
        sectors
    };
    let mut directory = Vec::new();
    for s in chain(u32_at(0x30)?) {
        directory.extend_from_slice(file.get(sector(s)..sector(s) + sector_size)?);
    }
    let mini_cutoff = u32_at(0x38)? as usize;
    for entry in directory.chunks_exact(128) {
        let name_len = usize::from(u16::from_le_bytes([entry[64], entry[65]])).min(64);
        let name: Vec<u16> = entry[..name_len.saturating_sub(2)]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let name = String::from_utf16_lossy(&name);
        if entry[66] != 2 || !(name == "Workbook" || name == "Book") {
            continue;
        }
        let first = u32::from_le_bytes(entry[116..120].try_into().ok()?);
        let size = u32::from_le_bytes(entry[120..124].try_into().ok()?) as usize;
        if size < mini_cutoff {
            return None; // in the mini stream: no fixture is that small.
        }
        let mut stream = Vec::new();
        for s in chain(first) {
            stream.extend_from_slice(file.get(sector(s)..sector(s) + sector_size)?);
        }
        stream.truncate(size);
        return Some(stream);
    }
    None
}
