//! The reports people read (issue 5): HTML, Markdown, CSV, the batch index, --lang, templates,
//! output safety. Runs the built binary on the team fixtures under tests/data/.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXED_TIME: &str = "1714564800"; // 2024-05-01T12:00:00Z

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lyncpair(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lyncpair"))
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", FIXED_TIME)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("lyncpair runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text a reader sees: style blocks and tags removed, entities decoded, blank lines dropped.
fn visible_text(html: &str) -> String {
    let mut rest = html;
    let mut text = String::new();
    while let Some(start) = rest.find("<style>") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("</style>")
            .map_or("", |end| &rest[start + end + "</style>".len()..]);
    }
    text.push_str(rest);
    // A line-break opportunity inside a word (`dir/<wbr>file:12`) is no space.
    let text = text.replace("<wbr>", "");
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&");
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn markdown_report_snapshot() {
    let _version = common::version_masked().bind_to_scope();
    let o = lyncpair(&["audit", "tests/data/report", "--format", "md"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("report_md_en", stdout(&o));
}

#[test]
fn markdown_report_snapshot_in_german() {
    let _version = common::version_masked().bind_to_scope();
    let o = lyncpair(&[
        "audit",
        "tests/data/report",
        "--format",
        "md",
        "--lang",
        "de",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("report_md_de", stdout(&o));
}

#[test]
fn html_report_text_snapshot() {
    let _version = common::version_masked().bind_to_scope();
    let o = lyncpair(&["audit", "tests/data/report", "--format", "html"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("report_html_text_en", visible_text(&stdout(&o)));
}

#[test]
fn html_report_text_snapshot_in_german() {
    let _version = common::version_masked().bind_to_scope();
    let o = lyncpair(&[
        "audit",
        "tests/data/report",
        "--format",
        "html",
        "--lang",
        "de",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("report_html_text_de", visible_text(&stdout(&o)));
}

/// The team's fixture estates: the Markdown and the visible HTML text of each report are pinned.
#[test]
fn fixture_report_snapshots() {
    let _version = common::version_masked().bind_to_scope();
    for (name, exit) in [("clean2013", 0), ("lync2010", 1), ("mixed", 1)] {
        let dir = format!("fixtures/{name}");
        let md = lyncpair(&["audit", &dir, "--format", "md"]);
        assert_eq!(md.status.code(), Some(exit), "{name}: {}", stderr(&md));
        insta::assert_snapshot!(format!("fixture_{name}_md"), stdout(&md));
        let html = lyncpair(&["audit", &dir, "--format", "html"]);
        assert_eq!(html.status.code(), Some(exit), "{name}: {}", stderr(&html));
        insta::assert_snapshot!(
            format!("fixture_{name}_html_text"),
            visible_text(&stdout(&html))
        );
    }
}

#[test]
fn html_is_self_contained() {
    let html = stdout(&lyncpair(&[
        "audit",
        "tests/data/report",
        "--format",
        "html",
    ]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_lowercase();
    for banned in ["<script", "<link", "<img", "@import", "url(http", "src="] {
        assert!(!lower.contains(banned), "the report contains {banned}");
    }
    assert!(html.contains("@page { size: A4; margin: 10mm; }"));
    assert!(html.contains("@page wide { size: A4 landscape; margin: 10mm; }"));
    assert!(html.contains("<svg class=\"diagram"));
    // Every arrow refers to a marker defined in the same document.
    for marker in ["ok", "error"] {
        assert!(html.contains(&format!("id=\"tests-data-report-now-arrow-{marker}\"")));
    }
    // The generation time, tool version and input paths are stamped.
    assert!(html.contains("2024-05-01T12:00:00Z"));
    assert!(html.contains(concat!("lyncpair ", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("<code>tests&#x2F;data&#x2F;report</code>"));
}

#[test]
fn a_plannable_estate_gets_the_plan_section_and_the_after_plan_diagram() {
    let topo = "tests/data/plan/contoso/topology.xml";
    let html = stdout(&lyncpair(&["audit", topo, "--format", "html"]));
    // Today's diagram, and the one after the plan inside the plan section.
    assert_eq!(html.matches("<svg class=\"diagram").count(), 2);
    let plan = &html[html
        .find("<section class=\"plan\">")
        .expect("a plan section")..];
    let plan = &plan[..plan.find("</section>").unwrap()];
    assert!(plan.contains("<h3>Suggested plan</h3>"));
    assert!(plan.contains("3 pairs, 3 of them across sites, 3 kept from today&#x27;s design."));
    assert_eq!(plan.matches("<svg class=\"diagram").count(), 1);
    assert_eq!(plan.matches("<g class=\"edge planned\"><title>").count(), 3);
    for pair in [
        ("pool-ber1", "pool-par1"),
        ("pool-ber2", "pool-mad1"),
        ("pool-mad2", "pool-par2"),
    ] {
        assert!(
            plan.contains(&format!(
                "<code class=\"fqdn\">{}.contoso.test</code> ⇄<br><code class=\"fqdn\">{}.contoso.test</code>",
                pair.0, pair.1
            )),
            "{pair:?}"
        );
    }
    for text in [
        "<h4>Pools left without a partner</h4>",
        "<h4>Changes from today</h4>",
        "<h4>Target design</h4>",
        "<h4>Migration order</h4>",
        "<h4>Branch registrars to re-associate</h4>",
        "<h4>Applying the plan</h4>",
        "lyncpair plan --out DIR",
    ] {
        assert!(plan.contains(text), "missing {text:?}");
    }
    // The plan comes after the findings and before the inputs.
    let at = |needle: &str| html.find(needle).unwrap();
    assert!(
        at("Findings by rule") < at("Suggested plan")
            && at("Suggested plan") < at("<h3>Inputs</h3>")
    );

    let md = stdout(&lyncpair(&["audit", topo, "--format", "md"]));
    assert_eq!(md.matches("```mermaid").count(), 2);
    assert!(md.contains("#### Target design: after the migration and the suggested plan"));
    assert!(md.contains(
        "| pool-ber2.contoso.test ⇄ pool-mad1.contoso.test | Berlin ⇄ Madrid (across sites) | kept: one pool names the other today | Re-pair:"
    ));
    // The after-plan flowchart joins the planned pairs both ways and keeps the SBA's arrow.
    let after = md
        .split("#### Target design: after the migration and the suggested plan")
        .nth(1)
        .unwrap();
    let after = after.split("```").nth(1).unwrap();
    assert_eq!(after.matches("<-->").count(), 3);
    assert_eq!(after.matches(" --> ").count(), 1);

    let de = stdout(&lyncpair(&[
        "audit", topo, "--format", "html", "--lang", "de",
    ]));
    for label in [
        "<h3>Planvorschlag</h3>",
        "<h4>Änderungen gegenüber heute</h4>",
        "Zielbild: nach der Migration und dem Planvorschlag",
    ] {
        assert!(de.contains(label), "missing {label:?}");
    }
}

#[test]
fn every_estate_of_a_batch_gets_its_own_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let o = lyncpair(&[
        "audit",
        "fixtures/clean2013",
        "fixtures/mixed",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let clean = read(&out.join("clean2013/report.html"));
    assert_eq!(clean.matches("<svg class=\"diagram").count(), 2);
    assert!(clean.contains("<td>paired both ways today</td><td>Nothing to do.</td>"));
    assert!(
        !clean.contains("pool-ber13"),
        "another estate's plan leaked in"
    );
    let mixed = read(&out.join("mixed/report.md"));
    assert_eq!(mixed.matches("```mermaid").count(), 2);
    // Four pairs of deployed pools, and two more with the proposed successors of the three Lync
    // 2010 front-end pools: the two Enterprise ones together, the Standard one with se-ber13.
    assert!(mixed.contains("**6 pairs, 6 of them across sites, 1 kept from today's design.**"));
    assert!(mixed.contains(
        "| successor-of-pool-osl10.fabrikam.test (proposed) ⇄ successor-of-pool-vie10.fabrikam.test (proposed) |"
    ));
    assert!(
        !mixed.contains("pool-sea.contoso.test ⇄"),
        "another estate's plan leaked in"
    );
}

// The pool names of tests/data/report-xss are refused on import since issue 9 (they are not DNS
// names): they reach the reports only inside the errors table, and must be text there too. The
// site names are free text and are still drawn everywhere.

#[test]
fn hostile_names_are_shown_as_text_in_html() {
    let o = lyncpair(&["audit", "tests/data/report-xss", "--format", "html"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "the hostile pool names are input errors"
    );
    let html = stdout(&o);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
        "the site name is not shown escaped"
    );
    assert!(
        !html.to_lowercase().contains("<script"),
        "raw <script> in the report"
    );
    assert!(html.contains("pool-\\&quot;onmouseover=alert(1)\\&quot;.fabrikam.test"));
    assert!(
        !html.contains("pool-\"onmouseover"),
        "a quote reached the markup unescaped"
    );
    // And a reader sees the names exactly as exported (the refused one as the error quotes it).
    let text = visible_text(&html);
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(text.contains("pool name \"pool-\\\"onmouseover=alert(1)\\\".fabrikam.test\""));
}

#[test]
fn hostile_names_cannot_break_the_markdown() {
    let md = stdout(&lyncpair(&[
        "audit",
        "tests/data/report-xss",
        "--format",
        "md",
    ]));
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));
    assert!(!md.contains("<script>"));
    // A pipe in a name cannot add a table column: every row of a table has as many cell
    // separators as its header (the errors table quotes `=cmd|' /C calc'!A0`).
    assert!(md.contains("Wien \\| Süd"));
    assert!(
        md.contains("=cmd\\|"),
        "the refused formula name is in the errors table"
    );
    let separators = |l: &str| l.matches('|').count() - l.matches("\\|").count();
    let mut header: Option<usize> = None;
    for line in md.lines() {
        match (line.starts_with('|'), header) {
            (true, None) => header = Some(separators(line)),
            (true, Some(n)) => assert_eq!(separators(line), n, "row changed shape: {line}"),
            (false, _) => header = None,
        }
    }
    // No refused name reaches a diagram.
    let mermaid = md
        .split("```mermaid")
        .nth(1)
        .and_then(|m| m.split("```").next())
        .expect("a mermaid block");
    assert!(!mermaid.contains("onmouseover") && !mermaid.contains("calc"));
}

#[test]
fn csv_is_excel_safe() {
    let o = lyncpair(&["audit", "tests/data/report-xss", "--format", "csv"]);
    assert_eq!(o.status.code(), Some(2));
    let bytes = o.stdout.clone();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "no UTF-8 byte order mark"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF line end");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "\"estate\",\"severity\",\"code\",\"pool\",\"message\",\"sources\",\"fix\""
    );
    for l in &lines {
        assert!(
            l.starts_with('"') && l.ends_with('"'),
            "unquoted field in {l}"
        );
    }
    // The formula-named pool is refused on import, so it never reaches a cell; the refusal
    // names the file and line on stderr. (Neutralising formulas is unit-tested in render::csv.)
    assert!(!text.contains("calc"), "{text}");
    assert!(
        stderr(&o).contains("tests/data/report-xss/topology.xml:19: pool name \"=cmd|"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn csv_in_german_uses_german_headers_and_semicolons() {
    let csv = |lang: &str| {
        let o = lyncpair(&[
            "audit",
            "tests/data/report",
            "--format",
            "csv",
            "--lang",
            lang,
        ]);
        String::from_utf8(o.stdout.clone()).unwrap()
    };
    let (de, en) = (csv("de"), csv("en"));
    let de = de
        .strip_prefix('\u{feff}')
        .expect("UTF-8 with BOM in German too");
    let lines: Vec<&str> = de.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "\"Umgebung\";\"Schweregrad\";\"Code\";\"Pool\";\"Meldung\";\"Quellen\";\"Behebung\""
    );
    // The same rows as in English, only the separator and headers differ.
    assert_eq!(
        lines.len(),
        en.split("\r\n").filter(|l| !l.is_empty()).count()
    );
    assert!(lines.len() > 2);
    for l in &lines {
        // Seven quoted fields: six separators outside quotes.
        let mut outside = 0;
        let mut quoted = false;
        for c in l.chars() {
            match c {
                '"' => quoted = !quoted,
                ';' if !quoted => outside += 1,
                _ => {}
            }
        }
        assert_eq!(outside, 6, "{l}");
        for cell in l.split(';') {
            let cell = cell.trim_start_matches([' ', '"']);
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula cell in {l}"
            );
        }
    }
}

#[test]
fn csv_has_one_row_per_finding_and_pool() {
    let json: serde_json::Value = serde_json::from_slice(
        &lyncpair(&["audit", "tests/data/report", "--format", "json"]).stdout,
    )
    .unwrap();
    let expected: usize = json["estates"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pools"].as_array().unwrap().len().max(1))
        .sum();
    let csv = stdout(&lyncpair(&[
        "audit",
        "tests/data/report",
        "--format",
        "csv",
    ]));
    let rows = csv.split("\r\n").filter(|l| !l.is_empty()).count() - 1;
    assert_eq!(rows, expected);
    assert!(expected > json["estates"][0]["findings"].as_array().unwrap().len());
}

#[test]
fn out_with_one_estate_writes_four_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new/reports");
    let o = lyncpair(&[
        "audit",
        "tests/data/report",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".lyncpair-manifest.json",
            "audit.json",
            "findings.csv",
            "report.html",
            "report.md"
        ]
    );
    // audit.json is exactly what --format json prints.
    assert_eq!(read(&out.join("audit.json")), stdout(&o));
    let md = stdout(&lyncpair(&["audit", "tests/data/report", "--format", "md"]));
    assert_eq!(read(&out.join("report.md")), md);
}

#[test]
fn out_with_several_estates_writes_an_index_and_a_folder_each() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    let o = lyncpair(&[
        "audit",
        "tests/data/report",
        "tests/data/report-xss",
        "--out",
        out.to_str().unwrap(),
    ]);
    // 2: the hostile pool names of report-xss are input errors (issue 9).
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for f in ["index.html", "index.md", "audit.json", "findings.csv"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(!out.join("report.html").exists());
    for slug in ["report", "report-xss"] {
        for f in ["report.html", "report.md", "findings.csv", "audit.json"] {
            assert!(out.join(slug).join(f).is_file(), "{slug}/{f} missing");
        }
    }
    let index = read(&out.join("index.md"));
    assert!(index.contains("[report.html](report/report.html)"));
    assert!(index.contains("[report.html](report-xss/report.html)"));
    assert!(
        index.contains("`backup-many-to-one`"),
        "worst finding of the first estate"
    );
    let html = read(&out.join("index.html"));
    assert!(html.contains("href=\"report-xss/report.html\""));
    assert!(!html.contains("<script"));
    // The estate's own report links back to the index.
    assert!(read(&out.join("report/report.html")).contains("href=\"..&#x2F;index.html\""));
    // Per-estate audit.json holds that estate only; the top-level one all of them.
    let sub: serde_json::Value =
        serde_json::from_str(&read(&out.join("report-xss/audit.json"))).unwrap();
    assert_eq!(sub["estates"].as_array().unwrap().len(), 1);
    // Its one error finding was about a pool now refused on import; the refusals are errors[].
    assert_eq!(sub["summary"]["errors"], 0);
    assert!(
        sub["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["line"] == 11
                && e["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("report-xss/topology.xml")),
        "{}",
        sub["errors"]
    );
    let all: serde_json::Value = serde_json::from_str(&read(&out.join("audit.json"))).unwrap();
    assert_eq!(all["estates"].as_array().unwrap().len(), 2);
    // No temporary file is left behind.
    for entry in walk(&out) {
        assert!(!entry.ends_with(".tmp"), "{entry} left behind");
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn reports_are_reproducible() {
    let run = |args: &[&str]| stdout(&lyncpair(args));
    let html = [
        "audit",
        "tests/data/report",
        "tests/data/report-xss",
        "--format",
        "html",
    ];
    assert_eq!(run(&html), run(&html));
    // Inputs in another order give the same report, apart from the stamped command-line paths.
    let without_paths = |s: String| -> String {
        s.lines()
            .filter(|l| !l.contains("Input paths"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let reversed = [
        "audit",
        "tests/data/report-xss",
        "tests/data/report",
        "--format",
        "md",
    ];
    let md = [
        "audit",
        "tests/data/report",
        "tests/data/report-xss",
        "--format",
        "md",
    ];
    assert_eq!(without_paths(run(&md)), without_paths(run(&reversed)));
}

#[test]
fn an_output_folder_that_is_a_file_stops_before_reading_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let o = lyncpair(&[
        "audit",
        "no/such/input.xml",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("is a file"), "{err}");
    assert!(
        !err.contains("no/such/input.xml"),
        "inputs were read: {err}"
    );
    assert!(o.stdout.is_empty());
    assert_eq!(read(&file), "x");
}

#[test]
fn a_broken_template_override_stops_at_start_up() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("report.html.tera"),
        "<p>\n{{ estates | length }}\n{% for e in estates %}\n<p>{{ e.name }\n",
    )
    .unwrap();
    let o = lyncpair(&[
        "audit",
        "no/such/input.xml",
        "--templates",
        tmp.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("report.html.tera"), "{err}");
    assert!(err.contains("4:"), "no line number: {err}");
    assert!(
        !err.contains("no/such/input.xml"),
        "inputs were read: {err}"
    );
}

#[test]
fn a_template_override_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    let tpl = tmp.path().join("tpl");
    let o = lyncpair(&["templates", "export", tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(tpl.join("partials/diagram.html.tera").is_file());
    std::fs::write(
        tpl.join("report.md.tera"),
        "{% for e in estates %}{{ e.name }}: {{ e.verdict.kind }} {{ t(key=\"count.errors\") }}={{ e.counts.errors }}\n{% endfor %}",
    )
    .unwrap();
    let o = lyncpair(&[
        "audit",
        "tests/data/report",
        "--format",
        "md",
        "--lang",
        "de",
        "--templates",
        tpl.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&o), "tests/data/report: blocked Fehler=3\n");
    // The untouched exported templates still render the HTML report as the built-ins do.
    let custom = lyncpair(&[
        "audit",
        "tests/data/report",
        "--format",
        "html",
        "--templates",
        tpl.to_str().unwrap(),
    ]);
    let builtin = lyncpair(&["audit", "tests/data/report", "--format", "html"]);
    assert_eq!(stdout(&custom), stdout(&builtin));
}

#[test]
fn templates_export_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("report.html.tera"), "mine").unwrap();
    let o = lyncpair(&["templates", "export", tmp.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(read(&tmp.path().join("report.html.tera")), "mine");
    assert!(!tmp.path().join("report.md.tera").exists());
}

#[test]
fn terminal_output_speaks_german() {
    let o = lyncpair(&["audit", "tests/data/report", "--lang", "de", "--verbose"]);
    let text = stdout(&o);
    for label in [
        "Umgebung tests/data/report",
        "Eingabe tests/data/report/topology.xml",
        "Zweigstelle von Wien",
        "Sicherung pool-vie.fabrikam.test",
        "Befunde: 3 Fehler, 3 Warnung(en), 1 Hinweis(e)",
        "Zusammenfassung:",
    ] {
        assert!(text.contains(label), "missing {label:?} in\n{text}");
    }
    for english in [
        "Estate",
        "Findings",
        "Summary",
        "branch site",
        "backup pool-",
    ] {
        assert!(
            !text.contains(english),
            "English {english:?} left in\n{text}"
        );
    }
}

#[test]
fn a_bad_source_date_epoch_is_a_usage_error() {
    let o = Command::new(env!("CARGO_BIN_EXE_lyncpair"))
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["audit", "tests/data/report", "--format", "md"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("SOURCE_DATE_EPOCH"));
}
