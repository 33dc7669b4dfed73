//! `cargo xtask browser-check`: build lyncpair, write the reports and the plan document of the
//! fixtures, the diff of `fixtures/mixed` against `fixtures/mixed-after` (and the reports of a
//! generated 50-pool, 10-site estate and of a 1,000-pool estate from `src/synth.rs`, whose size and
//! rendering time are checked too), open every HTML page in
//! headless Chromium, save a PNG screenshot of each, and fail when a page logs a console error (a
//! script, a blocked resource, a CSP violation) or an SVG diagram is missing or empty: today's for
//! each estate, and the "after the plan" one for each plan section.
//!
//! Output: `target/browser-check/<run>/…` (reports) and `target/browser-check/screenshots/*.png`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn has_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

fn html_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            html_pages(&path, out);
        } else if path.extension().is_some_and(|x| x == "html") {
            out.push(path);
        }
    }
}

pub fn run(args: &[String]) -> i32 {
    if !args.is_empty() {
        eprintln!("browser-check takes no arguments");
        return 2;
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
    if !Path::new(&chromium).exists() {
        println!(
            "browser-check skipped: {chromium} is not installed (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chromium)"
        );
        return 0;
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let built = Command::new(&cargo)
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "--package",
            "lyncpair",
            "--bin",
            "lyncpair",
        ])
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("browser-check: cargo build failed");
        return 1;
    }
    let target = target_dir(&root);
    let binary = target.join("debug").join("lyncpair");
    let out = target.join("browser-check");
    let _ = std::fs::remove_dir_all(&out);
    let shots = out.join("screenshots");
    if let Err(e) = std::fs::create_dir_all(&shots) {
        eprintln!("browser-check: cannot create {}: {e}", shots.display());
        return 1;
    }

    let large_input = out.join("large-input");
    if let Err(e) = std::fs::create_dir_all(&large_input)
        .and_then(|()| std::fs::write(large_input.join("topology.xml"), large_topology()))
    {
        eprintln!("browser-check: cannot write the generated estate: {e}");
        return 1;
    }
    // Issue 11: a 1,000-pool estate from the shared generator (src/synth.rs), for the size and
    // the rendering time of its report.
    let huge_input = out.join("huge-input");
    if let Err(e) = std::fs::create_dir_all(&huge_input)
        .and_then(|()| std::fs::write(huge_input.join("topology.xml"), huge_topology(HUGE_POOLS)))
    {
        eprintln!("browser-check: cannot write the generated estate: {e}");
        return 1;
    }
    let fixtures = root.join("fixtures");
    let main_input = if has_files(&fixtures) {
        fixtures
    } else {
        root.join("tests/data/report")
    };
    let runs: [(&str, &Path, &str); 4] = [
        ("en", &main_input, "en"),
        ("de", &main_input, "de"),
        ("large", &large_input, "en"),
        ("huge", &huge_input, "en"),
    ];
    let mut failures = Vec::new();
    for (name, input, lang) in runs {
        let dir = out.join(name);
        let status = Command::new(&binary)
            .current_dir(&root)
            .arg("audit")
            .arg(input)
            .arg("--out")
            .arg(&dir)
            .args(["--lang", lang, "--format", "json"])
            .stdout(std::process::Stdio::null())
            .status();
        match status {
            // 1 = findings, 2 = some input unreadable: both still write reports.
            Ok(s) if matches!(s.code(), Some(0..=2)) => {}
            other => failures.push(format!(
                "lyncpair audit {} failed: {other:?}",
                input.display()
            )),
        }
    }

    // The plan document of the fixtures, in both languages.
    for (name, lang) in [("plan-en", "en"), ("plan-de", "de")] {
        let dir = out.join(name);
        let status = Command::new(&binary)
            .current_dir(&root)
            .arg("plan")
            .arg(&main_input)
            .arg("--out")
            .arg(&dir)
            .args(["--lang", lang, "--format", "json"])
            .stdout(std::process::Stdio::null())
            .status();
        match status {
            Ok(s) if matches!(s.code(), Some(0 | 2)) => {}
            other => failures.push(format!(
                "lyncpair plan {} failed: {other:?}",
                main_input.display()
            )),
        }
    }

    // The diff of the mixed fixture before and after its plan (diff.html: before/after diagrams).
    let before = root.join("fixtures/mixed");
    let after = root.join("fixtures/mixed-after");
    if before.is_dir() && after.is_dir() {
        for (name, lang) in [("diff-en", "en"), ("diff-de", "de")] {
            let status = Command::new(&binary)
                .current_dir(&root)
                .arg("diff")
                .arg(&before)
                .arg(&after)
                .args([
                    "--plan",
                    "tests/data/diff/mixed-plan.json",
                    "--fail-on",
                    "never",
                ])
                .arg("--out")
                .arg(out.join(name))
                .args(["--lang", lang, "--format", "json"])
                .stdout(std::process::Stdio::null())
                .status();
            if !status.as_ref().is_ok_and(|s| s.success()) {
                failures.push(format!("lyncpair diff ({name}) failed: {status:?}"));
            }
        }
    }
    let huge_report = out.join("huge").join("report.html");
    match std::fs::metadata(&huge_report) {
        Ok(m) if m.len() > HUGE_MAX_BYTES => failures.push(format!(
            "the report of {HUGE_POOLS} pools is {} bytes, more than {HUGE_MAX_BYTES}",
            m.len()
        )),
        Ok(m) => println!(
            "size  huge/report.html: {} bytes for {HUGE_POOLS} pools",
            m.len()
        ),
        Err(e) => failures.push(format!("{}: {e}", huge_report.display())),
    }
    match render_time(&chromium, &huge_report, &out) {
        Ok(t) if t > HUGE_MAX_RENDER => failures.push(format!(
            "the report of {HUGE_POOLS} pools took {t:.2?} to render, more than {HUGE_MAX_RENDER:?}"
        )),
        Ok(t) => {
            println!("time  huge/report.html rendered in {t:.2?} of CPU (beyond an empty page)")
        }
        Err(e) => failures.push(e),
    }

    // Issue 11: print to A4 PDF, as an admin would, and check that every diagram starts a page
    // of its own and prints no text below 8 pt.
    for page in [
        "en/mixed/report.html",
        "plan-en/plan.html",
        "large/report.html",
        "huge/report.html",
    ] {
        let page = out.join(page);
        if page.exists() {
            match check_print(&chromium, &page, &out.join("print")) {
                Ok(summary) => println!("print {summary}"),
                Err(e) => failures.push(format!("print {}: {e}", page.display())),
            }
        }
    }

    let mut pages = Vec::new();
    html_pages(&out, &mut pages);
    if pages.is_empty() {
        failures.push("no HTML report was written".to_owned());
    }
    for (n, page) in pages.iter().enumerate() {
        let relative = page.strip_prefix(&out).unwrap_or(page);
        let shot_name = relative
            .to_string_lossy()
            .replace(['/', '\\'], "_")
            .replace(".html", ".png");
        let shot = shots.join(&shot_name);
        match check_page(&chromium, page, &shot, n) {
            Ok(()) => println!("ok    {}  ->  {}", relative.display(), shot.display()),
            Err(e) => {
                println!("FAIL  {}: {e}", relative.display());
                failures.push(format!("{}: {e}", relative.display()));
            }
        }
    }
    if failures.is_empty() {
        println!(
            "browser-check: {} page(s) rendered cleanly; screenshots in {}",
            pages.len(),
            shots.display()
        );
        0
    } else {
        eprintln!("browser-check failed:\n  {}", failures.join("\n  "));
        1
    }
}

const HUGE_POOLS: usize = 1_000;
/// Issue 11: the HTML of a 1,000-pool estate stays under about 5 MB and renders within 3 s.
const HUGE_MAX_BYTES: u64 = 5_000_000;
const HUGE_MAX_RENDER: std::time::Duration = std::time::Duration::from_secs(3);

/// A published topology of at least `pools` pools from the shared generator.
fn huge_topology(pools: usize) -> String {
    let one = crate::synth::published_topology(1);
    let per_region = one.text.len() / one.regions.max(1);
    let regions = pools.div_ceil(crate::synth::POOLS_PER_REGION);
    crate::synth::published_topology(per_region * regions).text
}

/// CPU time (user + system) of the children this process has waited for, from `/proc/self/stat`
/// (Linux; clock ticks of 10 ms). Chromium reaps its renderer and GPU processes, so a waited-for
/// Chromium brings theirs along.
fn children_cpu() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name in parentheses; cutime and cstime are fields 16 and 17.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(std::time::Duration::from_millis(ticks * 10))
}

/// How much longer a screenshot of `page` takes than one of an empty page (Chromium's start-up
/// is the same for both): the time to load, lay out and paint the report. Counted in CPU time
/// where the system says it, because wall time on a machine shared with parallel builds says
/// more about the other builds than about the page; an idle machine with a core per Chromium
/// process takes about that long.
fn render_time(chromium: &str, page: &Path, out: &Path) -> Result<std::time::Duration, String> {
    let blank = out.join("blank.html");
    std::fs::write(&blank, "<!DOCTYPE html><title>blank</title>").map_err(|e| e.to_string())?;
    let time = |p: &Path| -> Result<std::time::Duration, String> {
        let profile =
            std::env::temp_dir().join(format!("lyncpair-browser-time-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let shot = out.join("timing.png");
        let started = std::time::Instant::now();
        let cpu_before = children_cpu();
        let run = chromium_command(chromium, &profile)
            .args(["--window-size=1280,2000"])
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", p.display()))
            .output()
            .map_err(|e| format!("cannot run {chromium}: {e}"))?;
        let took = match (cpu_before, children_cpu()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => started.elapsed(),
        };
        let _ = std::fs::remove_dir_all(&profile);
        let _ = std::fs::remove_file(&shot);
        if !run.status.success() {
            return Err(format!("chromium failed on {}", p.display()));
        }
        Ok(took)
    };
    // The faster of two runs each, against noise from the other builds on the machine.
    let base = time(&blank)?.min(time(&blank)?);
    let full = time(page)?.min(time(page)?);
    let _ = std::fs::remove_file(&blank);
    Ok(full.saturating_sub(base))
}

fn chromium_command(chromium: &str, profile: &Path) -> Command {
    let mut c = Command::new(chromium);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Console lines Chromium logs for the page (errors, CSP violations, blocked loads).
fn console_errors(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught") || l.contains("Refused to"))
        .map(str::to_owned)
        .collect()
}

/// How many SVG diagrams the DOM holds, or which one is empty (no site or no pool drawn).
fn diagrams(dom: &str) -> Result<usize, String> {
    let mut n = 0;
    let mut rest = dom;
    while let Some(start) = rest.find("<svg class=\"diagram") {
        let end = rest[start..]
            .find("</svg>")
            .map_or(rest.len(), |e| start + e);
        let svg = &rest[start..end];
        let pools = svg.matches("class=\"pool ").count();
        let sites = svg.matches("class=\"site ").count();
        n += 1;
        if pools == 0 || sites == 0 {
            return Err(format!(
                "SVG diagram {n} is empty ({sites} site(s), {pools} pool(s))"
            ));
        }
        rest = &rest[end..];
    }
    Ok(n)
}

/// Diagrams a report or plan page must show: today's for each estate, and "after the plan" for
/// each plan section.
fn expected_diagrams(dom: &str) -> usize {
    dom.matches("<article class=\"estate\"").count()
        + dom.matches("<section class=\"plan\"").count()
}

fn check_page(chromium: &str, page: &Path, shot: &Path, n: usize) -> Result<(), String> {
    let profile =
        std::env::temp_dir().join(format!("lyncpair-browser-check-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).map_err(|e| format!("temp profile: {e}"))?;
    let url = format!("file://{}", page.display());
    let result = (|| {
        let shot_run = chromium_command(chromium, &profile)
            .args([
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1280,2000",
            ])
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .map_err(|e| format!("cannot run {chromium}: {e}"))?;
        let stderr = String::from_utf8_lossy(&shot_run.stderr);
        let mut problems = String::new();
        for line in console_errors(&stderr) {
            let _ = write!(problems, "\n    console: {line}");
        }
        if !shot.exists() {
            let _ = write!(problems, "\n    no screenshot was written");
        }
        let dom_run = chromium_command(chromium, &profile)
            .args(["--dump-dom", "--virtual-time-budget=2000"])
            .arg(&url)
            .output()
            .map_err(|e| format!("cannot run {chromium}: {e}"))?;
        let dom = String::from_utf8_lossy(&dom_run.stdout);
        match diagrams(&dom) {
            Err(e) => {
                let _ = write!(problems, "\n    {e}");
            }
            Ok(n) if n < expected_diagrams(&dom) => {
                let _ = write!(
                    problems,
                    "\n    {n} SVG diagram(s), expected {} (today's per estate, and one after each plan)",
                    expected_diagrams(&dom)
                );
            }
            Ok(_) => {}
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    })();
    let _ = std::fs::remove_dir_all(&profile);
    result
}

/// Printable widths of a portrait and a landscape A4 page with the margin of the reports'
/// `@page` rule, in CSS px.
fn a4_content_widths_px(css: &str) -> Result<(f64, f64), String> {
    // The last unnamed rule is the one the cascade applies.
    let (_, rule) = css
        .rsplit_once("@page {")
        .ok_or("the print CSS has no @page rule")?;
    let rule = &rule[..rule.find('}').unwrap_or(rule.len())];
    if !rule.contains("A4") {
        return Err("the @page rule does not ask for A4".to_owned());
    }
    let margin_mm: f64 = rule
        .split("margin:")
        .nth(1)
        .and_then(|m| m.trim().split("mm").next())
        .and_then(|m| m.trim().parse().ok())
        .ok_or("the @page rule gives no margin in mm")?;
    let px = |mm: f64| (mm - 2.0 * margin_mm) / 25.4 * 96.0;
    Ok((px(210.0), px(297.0)))
}

/// The smallest `font-size` in px of the diagrams' text (`.lp-svg` rules).
fn smallest_diagram_font_px(css: &str) -> Option<f64> {
    css.lines()
        .filter(|l| l.trim_start().starts_with(".lp-svg"))
        .filter_map(|l| l.split("font-size:").nth(1))
        .filter_map(|v| v.trim().split("px").next()?.trim().parse::<f64>().ok())
        .min_by(f64::total_cmp)
}

/// Each diagram of a page: its `viewBox` width, and whether it prints on a landscape page.
fn diagram_widths(html: &str) -> Vec<(f64, bool)> {
    html.split("<svg class=\"diagram")
        .skip(1)
        .filter_map(|svg| {
            let tag = &svg[..svg.find('>')?];
            let width = tag
                .split("viewBox=\"0 0 ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse()
                .ok()?;
            Some((width, tag.starts_with(" lp-svg print-wide\"")))
        })
        .collect()
}

/// The smallest diagram text of `html` when printed on A4, in pt: diagrams are drawn at their own
/// width and shrink only to the printable width of their page (CSS px are 0.75 pt).
fn smallest_printed_pt(html: &str) -> Result<f64, String> {
    let (portrait, landscape) = a4_content_widths_px(html)?;
    let font = smallest_diagram_font_px(html).ok_or("no font-size for the diagrams' text")?;
    Ok(diagram_widths(html)
        .into_iter()
        .map(|(width, wide)| {
            let page = if wide { landscape } else { portrait };
            font * (page / width).min(1.0) * 0.75
        })
        .fold(font * 0.75, f64::min))
}

/// The captions of the page's diagrams (`<figcaption>` of each `diagram-box`).
fn diagram_captions(html: &str) -> Vec<String> {
    html.split("<figure class=\"diagram-box")
        .skip(1)
        .filter_map(|f| {
            f.split("<figcaption>")
                .nth(1)?
                .split("</figcaption>")
                .next()
        })
        .map(|c| {
            c.replace("&amp;", "&")
                .replace("&#x27;", "'")
                .replace("&quot;", "\"")
        })
        .collect()
}

/// Print `page` to A4 PDF with headless Chromium, rasterise its pages (with `pdftoppm`, when
/// installed) into `dir`, and check it: every diagram prints its text at 8 pt or more, starts a
/// page, and no page holds only a diagram's caption (a caption parted from its drawing).
fn check_print(chromium: &str, page: &Path, dir: &Path) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let html = std::fs::read_to_string(page).map_err(|e| e.to_string())?;
    let name = page
        .strip_prefix(dir.parent().unwrap_or(dir))
        .unwrap_or(page)
        .to_string_lossy()
        .replace(['/', '\\'], "_")
        .replace(".html", "");
    let pt = smallest_printed_pt(&html)?;
    if pt < 8.0 {
        return Err(format!("diagram text prints at {pt:.1} pt, below 8 pt"));
    }
    let pdf = dir.join(format!("{name}.pdf"));
    let profile =
        std::env::temp_dir().join(format!("lyncpair-browser-print-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    let run = chromium_command(chromium, &profile)
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .map_err(|e| format!("cannot run {chromium}: {e}"))?;
    let _ = std::fs::remove_dir_all(&profile);
    if !run.status.success() || !pdf.exists() {
        return Err("chromium wrote no PDF".to_owned());
    }
    let mut summary = format!("{}: diagram text at {pt:.1} pt or more", pdf.display());
    // Page texts, to find each caption's page (poppler-utils; skipped without it).
    let Ok(info) = Command::new("pdfinfo").arg(&pdf).output() else {
        summary.push_str("; pdfinfo not installed, pages not checked");
        return Ok(summary);
    };
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or("pdfinfo gives no page count")?;
    if !info.contains("(A4)") {
        return Err(format!("the PDF is not A4: {info}"));
    }
    // One pdftotext run; pages are separated by form feeds.
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let texts: Vec<&str> = text.split('\u{c}').take(pages).collect();
    for caption in diagram_captions(&html) {
        let alone = texts.iter().position(|t| {
            let words: Vec<&str> = t.split_whitespace().collect();
            words.join(" ") == caption.split_whitespace().collect::<Vec<_>>().join(" ")
        });
        if let Some(n) = alone {
            return Err(format!("page {} holds only the caption {caption:?}", n + 1));
        }
    }
    let blank = texts.iter().position(|t| t.trim().is_empty());
    if let Some(n) = blank {
        return Err(format!("page {} is blank", n + 1));
    }
    let _ = write!(summary, ", {pages} A4 page(s)");
    // The first pages are enough to look at (a 1,000-pool report prints hundreds).
    let png = Command::new("pdftoppm")
        .args(["-r", "60", "-png", "-l", "40"])
        .arg(&pdf)
        .arg(dir.join(&name))
        .status();
    if png.is_ok_and(|s| s.success()) {
        let _ = write!(summary, ", pages as {}-*.png", dir.join(&name).display());
    }
    Ok(summary)
}

/// A made-up estate of 10 central sites with 5 pools each (3 front ends, a director, an edge pool),
/// with reciprocal pairs, a chain of one-way backups, a many-to-one hub and pools without backup,
/// to see whether the diagram stays legible at that size.
pub fn large_topology() -> String {
    const CITIES: [&str; 10] = [
        "Hamburg", "Wien", "Zürich", "Berlin", "München", "Graz", "Basel", "Köln", "Linz", "Bern",
    ];
    let slug = |i: usize| {
        CITIES[i]
            .to_lowercase()
            .replace('ü', "ue")
            .replace('ö', "oe")
    };
    let fqdn = |i: usize, j: usize| format!("pool{}-{}.fabrikam.test", j + 1, slug(i));
    // Backup of front end j in site i, as (site, pool) of the target.
    let backup = |i: usize, j: usize| -> Option<(usize, usize)> {
        match j {
            0 => Some((i ^ 1, 0)),
            1 => Some(((i + 3) % 10, 1)),
            2 if i < 4 => Some((9, 2)),
            2 if i == 9 => Some((0, 2)),
            _ => None,
        }
    };
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\">\n<Sites>\n",
    );
    for (i, city) in CITIES.iter().enumerate() {
        let _ = writeln!(
            x,
            "<CentralSite SiteId=\"{}\"><Name>{city}</Name></CentralSite>",
            i + 1
        );
    }
    x.push_str("</Sites>\n<Clusters>\n");
    for i in 0..10 {
        for j in 0..5 {
            let _ = writeln!(
                x,
                "<Cluster Fqdn=\"{}\"><ClusterId SiteId=\"{}\" Number=\"{}\" /><Machine OrdinalInCluster=\"1\" Fqdn=\"m1-{}\" /><Machine OrdinalInCluster=\"2\" Fqdn=\"m2-{}\" /></Cluster>",
                fqdn(i, j),
                i + 1,
                j + 1,
                fqdn(i, j),
                fqdn(i, j)
            );
        }
        let _ = writeln!(
            x,
            "<Cluster Fqdn=\"sql-{}.fabrikam.test\"><ClusterId SiteId=\"{}\" Number=\"9\" /><Machine OrdinalInCluster=\"1\" Fqdn=\"sql-{}.fabrikam.test\" /></Cluster>",
            slug(i),
            i + 1,
            slug(i)
        );
    }
    x.push_str("</Clusters>\n<SqlInstances>\n");
    for i in 0..10 {
        let _ = writeln!(
            x,
            "<SqlInstance><SqlInstanceId Name=\"\"><ClusterId SiteId=\"{}\" Number=\"9\" /></SqlInstanceId></SqlInstance>",
            i + 1
        );
    }
    x.push_str("</SqlInstances>\n<Services>\n");
    for i in 0..10 {
        let site = i + 1;
        let version = if i < 6 { 5 } else { 6 };
        for j in 0..5 {
            let n = j + 1;
            let on = format!(
                "<InstalledOn><ClusterId SiteId=\"{site}\" Number=\"{n}\" /></InstalledOn>"
            );
            match j {
                0..=2 => {
                    let _ = writeln!(
                        x,
                        "<Service ServiceVersion=\"{version}\"><ServiceId SiteId=\"{site}\" RoleName=\"UserServices\" Instance=\"{n}\" /><DependsOn><Dependency Usage=\"Default\"><ServiceId SiteId=\"{site}\" RoleName=\"UserStore\" Instance=\"{n}\" /></Dependency></DependsOn>{on}</Service>"
                    );
                    let _ = writeln!(
                        x,
                        "<Service ServiceVersion=\"{version}\"><ServiceId SiteId=\"{site}\" RoleName=\"UserStore\" Instance=\"{n}\" /><DependsOn /><InstalledOn><SqlInstanceId Name=\"\"><ClusterId SiteId=\"{site}\" Number=\"9\" /></SqlInstanceId></InstalledOn></Service>"
                    );
                    // The backup as real exports write it: a Backup element after InstalledOn.
                    let backup_element = backup(i, j).map_or(String::new(), |(bi, bj)| {
                        format!(
                            "<Backup EnableAutomaticFailover=\"true\" FailbackDetectionInterval=\"P0Y0M0DT0H4M0S\" FailureDetectionInterval=\"P0Y0M0DT0H2M0S\"><ServiceId SiteId=\"{}\" RoleName=\"Registrar\" Instance=\"{}\" /></Backup>",
                            bi + 1,
                            bj + 1
                        )
                    });
                    let _ = writeln!(
                        x,
                        "<Service ServiceVersion=\"{version}\"><ServiceId SiteId=\"{site}\" RoleName=\"Registrar\" Instance=\"{n}\" /><DependsOn><Dependency Usage=\"Default\"><ServiceId SiteId=\"{site}\" RoleName=\"UserServices\" Instance=\"{n}\" /></Dependency></DependsOn>{on}{backup_element}<RegistrarService xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\" IsDirector=\"false\" /></Service>"
                    );
                }
                3 => {
                    let _ = writeln!(
                        x,
                        "<Service ServiceVersion=\"{version}\"><ServiceId SiteId=\"{site}\" RoleName=\"Registrar\" Instance=\"{n}\" /><DependsOn />{on}<RegistrarService xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\" IsDirector=\"true\" /></Service>"
                    );
                }
                _ => {
                    let _ = writeln!(
                        x,
                        "<Service ServiceVersion=\"{version}\"><ServiceId SiteId=\"{site}\" RoleName=\"EdgeServer\" Instance=\"1\" /><DependsOn />{on}</Service>"
                    );
                }
            }
        }
    }
    x.push_str("</Services>\n</Topology>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_legibility_is_computed_from_the_print_css_and_the_widest_diagram() {
        let page = |width: u32, wide: bool, margin: &str| {
            let class = if wide { " print-wide" } else { "" };
            format!(
                "<style>.lp-svg .pool-detail {{ font-size: 12px; }}\n.lp-svg .site-kind {{ font-size: 11.5px; }}\n@page {{ size: A4; margin: {margin}; }}</style>\
                 <svg class=\"diagram lp-svg{class}\" viewBox=\"0 0 {width} 900\"></svg>"
            )
        };
        // 718 px printable: a 760 px diagram shrinks to 94.5 %, 11.5 px text to 8.15 pt.
        let pt = smallest_printed_pt(&page(760, false, "10mm")).unwrap();
        assert!((8.1..8.2).contains(&pt), "{pt}");
        // 680 px printable: the same diagram would print its smallest text at 7.7 pt.
        assert!(smallest_printed_pt(&page(760, false, "15mm")).unwrap() < 8.0);
        // An 820 px diagram needs its landscape page (1047 px) to stay at 8.6 pt.
        assert!(smallest_printed_pt(&page(820, false, "10mm")).unwrap() < 8.0);
        assert!((smallest_printed_pt(&page(820, true, "10mm")).unwrap() - 8.625).abs() < 1e-9);
        // A narrow diagram is printed at its own size.
        assert!((smallest_printed_pt(&page(500, false, "15mm")).unwrap() - 8.625).abs() < 1e-9);
        assert!(smallest_printed_pt("<style>@page { margin: 1cm }</style>").is_err());
        // The rule that wins is the last one.
        let overridden =
            page(760, false, "10mm").replace("<style>", "<style>@page { size: A4; margin: 15mm; }");
        assert!((8.1..8.2).contains(&smallest_printed_pt(&overridden).unwrap()));
    }

    #[test]
    fn console_errors_are_found_and_noise_is_not() {
        let stderr = "[1:2:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n\
                      [1:1:INFO:CONSOLE:3] \"Uncaught ReferenceError: x is not defined\", source: file:///r.html (3)\n\
                      [1:1:INFO:CONSOLE:0] \"Loading the image violates the Content Security Policy; Refused to load the image 'https://x/y.png'\"\n";
        assert_eq!(console_errors(stderr).len(), 2);
        assert!(console_errors("[1:2:ERROR:dbus/bus.cc:405] Failed to connect").is_empty());
    }

    #[test]
    fn an_empty_or_missing_diagram_is_caught() {
        let drawn = "<svg class=\"diagram lp-svg\"><g class=\"site central\"></g><g class=\"pool ok\"></g></svg>";
        let empty = "<svg class=\"diagram lp-svg\"><defs></defs></svg>";
        assert_eq!(diagrams("<p>no svg</p>"), Ok(0));
        assert_eq!(diagrams(drawn), Ok(1));
        let second_empty = format!("{drawn}{empty}");
        assert!(
            diagrams(&second_empty)
                .unwrap_err()
                .starts_with("SVG diagram 2 is empty")
        );
        let page = format!(
            "<article class=\"estate\" id=\"x\">{drawn}<section class=\"plan\">{drawn}</section></article>"
        );
        assert_eq!((diagrams(&page), expected_diagrams(&page)), (Ok(2), 2));
        let no_after = format!(
            "<article class=\"estate\" id=\"x\">{drawn}<section class=\"plan\"></section></article>"
        );
        assert_eq!(
            (diagrams(&no_after), expected_diagrams(&no_after)),
            (Ok(1), 2)
        );
    }

    #[test]
    fn the_generated_estate_has_fifty_pools_in_ten_sites() {
        let xml = large_topology();
        assert_eq!(xml.matches("<CentralSite ").count(), 10);
        assert_eq!(xml.matches("<Cluster Fqdn=\"pool").count(), 50);
    }
}
