//! The PowerShell lyncpair writes or ships, checked with the tree-sitter PowerShell grammar (issues 9
//! and 11): every generated `pairing-runbook.ps1` and `powershell/Export-LyncPairingData.ps1` parse
//! without ERROR or MISSING nodes, invoke only commands of `tests/data/powershell-allowlist.txt`, and a
//! runbook reads as the same commands and string literals as UTF-8 and as Windows-1252 (how Windows
//! PowerShell 5.1 reads a file that lost its BOM), whatever quotes, `$`, backticks or newlines the
//! names of an estate hold, through every input kind.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lyncpair::model::{Edition, Estate, Fact, Pool, Role, Site, SiteKind, Source, Version};
use lyncpair::plan::{PlanRequest, plan};
use lyncpair::render::runbook::{self, ps_quote};
use tree_sitter::{Node, Parser, Tree};

/// Every character PowerShell takes for a quote, plus `$`, a backtick and line breaks.
const HOSTILE: &str = "x'\u{2018}\u{2019}\u{201A}\u{201B}\"\u{201C}\u{201D}\u{201E}$(calc)`$env:X`\n\u{111}+$(calc))){#";
/// The same without control characters: what an importer accepts as free text (site names).
const HOSTILE_LINE: &str = "S'\u{2018}\u{2019}\u{201A}\u{201B}\"\u{201C}\u{201D}\u{201E}$(calc)`$env:X` \u{111}+$(calc))){#";

fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("the PowerShell grammar loads");
    parser
        .parse(text, None)
        .expect("tree-sitter returns a tree")
}

fn nodes<'t>(tree: &'t Tree) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        out.push(n);
        stack.extend(n.children(&mut cursor));
    }
    out.sort_by_key(Node::start_byte);
    out
}

/// ERROR and MISSING nodes, with their position, for the assertion message.
fn problems(tree: &Tree, text: &str) -> Vec<String> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.is_error() || n.is_missing())
        .map(|n| {
            let p = n.start_position();
            let line = text.lines().nth(p.row).unwrap_or("");
            format!(
                "{} at {}:{}: {line}",
                if n.is_missing() { "MISSING" } else { "ERROR" },
                p.row + 1,
                p.column + 1
            )
        })
        .collect()
}

fn assert_parses(text: &str, what: &str) -> Tree {
    let tree = parse(text);
    let found = problems(&tree, text);
    assert!(
        found.is_empty(),
        "{what} does not parse:\n{}",
        found.join("\n")
    );
    tree
}

/// The name of every command invoked, in order: a `command_name`, or the expression after `&`/`.`.
fn commands(tree: &Tree, text: &str) -> Vec<String> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.kind() == "command")
        .filter_map(|n| n.child_by_field_name("command_name"))
        .map(|name| {
            let t = &text[name.byte_range()];
            if name.kind() == "command_name" {
                t.to_owned()
            } else {
                format!("& {t}")
            }
        })
        .collect()
}

/// The text of every string literal, in order.
fn literals(tree: &Tree, text: &str) -> Vec<String> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.kind() == "string_literal")
        .map(|n| text[n.byte_range()].to_owned())
        .collect()
}

/// Functions the script defines itself.
fn functions(tree: &Tree, text: &str) -> BTreeSet<String> {
    nodes(tree)
        .into_iter()
        .filter(|n| n.kind() == "function_name")
        .map(|n| text[n.byte_range()].to_ascii_lowercase())
        .collect()
}

/// What PowerShell's tokenizer sees: it takes the typographic quotes for `'` and `"`, and en dash,
/// em dash and horizontal bar for `-` (System.Management.Automation.Language.CharExtensions). The
/// grammar knows only the ASCII forms, so they are mapped before parsing; otherwise the grammar would
/// miss exactly the cp1252 attack this test is about.
fn as_powershell_reads(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' => '"',
            '\u{2013}' | '\u{2014}' | '\u{2015}' => '-',
            c => c,
        })
        .collect()
}

/// The file as Windows PowerShell 5.1 reads it with its BOM (UTF-8) and without (Windows-1252).
fn readings(bytes: &[u8]) -> (String, String) {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(body).expect("UTF-8").to_owned();
    let (cp1252, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
    (as_powershell_reads(&utf8), as_powershell_reads(&cp1252))
}

/// Same commands and string literals in both readings, or why not.
fn same_in_both_readings(bytes: &[u8]) -> Result<(), String> {
    let (utf8, cp1252) = readings(bytes);
    let (a, b) = (parse(&utf8), parse(&cp1252));
    let (pa, pb) = (problems(&a, &utf8), problems(&b, &cp1252));
    if !pa.is_empty() || !pb.is_empty() {
        return Err(format!("parse problems: UTF-8 {pa:?}, cp1252 {pb:?}"));
    }
    let (ca, cb) = (commands(&a, &utf8), commands(&b, &cp1252));
    if ca != cb {
        return Err(format!("commands differ:\nUTF-8  {ca:?}\ncp1252 {cb:?}"));
    }
    let (la, lb) = (literals(&a, &utf8), literals(&b, &cp1252));
    if la != lb {
        let diff: Vec<_> = la.iter().zip(&lb).filter(|(x, y)| x != y).take(3).collect();
        return Err(format!("string literals differ: {diff:?}"));
    }
    Ok(())
}

fn allowlist() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/powershell-allowlist.txt");
    std::fs::read_to_string(path)
        .expect("the allow-list exists")
        .lines()
        .map(|l| l.split('#').next().unwrap().trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty())
        .collect()
}

fn assert_allowed(tree: &Tree, text: &str, what: &str) {
    let allowed = allowlist();
    let own = functions(tree, text);
    for c in commands(tree, text) {
        if let Some(target) = c.strip_prefix("& ") {
            // The one external program: Bootstrapper.exe, by a path built in the script.
            assert_eq!(target, "$bootstrapper", "{what}: & {target}");
            assert!(text.contains(
                "$bootstrapper = Join-Path $env:ProgramFiles ($side.Product + '\\Deployment\\Bootstrapper.exe')"
            ));
            continue;
        }
        let c = c.to_ascii_lowercase();
        assert!(
            allowed.contains(&c) || own.contains(&c),
            "{what} invokes {c}, which is not on tests/data/powershell-allowlist.txt"
        );
    }
}

/// Everything the tests ask of a runbook.
fn check_runbook(bytes: &[u8], what: &str) -> String {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{what}: no UTF-8 BOM");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    let tree = assert_parses(text, what);
    assert_allowed(&tree, text, what);
    if let Err(e) = same_in_both_readings(bytes) {
        panic!("{what}: {e}");
    }
    text.to_owned()
}

fn pool(fqdn: &str, site: &str, machines: &[&str]) -> Pool {
    let mut provenance = BTreeMap::new();
    provenance.insert(Fact::Pool, vec![Source::new("in-test", None)]);
    Pool {
        fqdn: fqdn.to_owned(),
        site: Some(site.to_owned()),
        role: Role::FrontEnd,
        edition: Some(Edition::Enterprise),
        version: Some(Version::V2015),
        servers: u32::try_from(machines.len()).expect("a few machines"),
        machines: machines.iter().map(|m| (*m).to_owned()).collect(),
        users: None,
        virtual_machine: None,
        os: None,
        backup: None,
        backup_service: None,
        cms: None,
        extra_backups: Vec::new(),
        failover: None,
        planned: false,
        provenance,
    }
}

/// An estate of four pools in two sites: two pairs to set up, one a re-pair; `name` is put into
/// every free-text field and into the names an importer would refuse.
fn estate_named(name: &str) -> Estate {
    let site_a = format!("A {name}");
    let site_b = format!("B {name}");
    let mut pools = vec![
        pool(
            &format!("p1{name}.contoso.test"),
            &site_a,
            &[&format!("fe1{name}")],
        ),
        pool(
            &format!("p2{name}.contoso.test"),
            &site_b,
            &["fe2.contoso.test"],
        ),
        pool("p3.contoso.test", &site_a, &[]),
        pool("p4.contoso.test", &site_b, &["fe4.contoso.test"]),
    ];
    pools[2].servers = 4;
    // p1 and p3 name each other today; the plan forbids them below, so both are re-paired.
    pools[0].backup = Some("p3.contoso.test".into());
    pools[2].backup = Some(pools[0].fqdn.clone());
    pools[3].planned = false;
    Estate {
        name: format!("estate {name}"),
        sites: [&site_a, &site_b]
            .iter()
            .map(|s| Site {
                name: (*s).clone(),
                kind: SiteKind::Central,
                parent: None,
            })
            .collect(),
        pools,
        ..Estate::default()
    }
}

fn runbook_of(e: &Estate) -> String {
    let request = PlanRequest {
        pins: Vec::new(),
        forbids: vec![(e.pools[0].fqdn.clone(), "p3.contoso.test".into())],
        ..PlanRequest::default()
    };
    runbook::render(&plan(&[e], &request).expect("a plan"))
}

#[test]
fn the_two_readings_check_catches_the_0_1_0_runbook() {
    // 0.1.0 wrote the name raw into a literal, without BOM: in cp1252 `đ` ends the literal.
    let old = "Write-Host 'p\u{111}+$(calc))){#'\n";
    assert!(same_in_both_readings(old.as_bytes()).is_err());
    // Doubling the typographic quotes is not enough either: their UTF-8 bytes read differently.
    let doubled = "Write-Host 'a\u{2019}\u{2019}b'\n";
    assert!(same_in_both_readings(doubled.as_bytes()).is_err());
    assert!(same_in_both_readings(b"Write-Host 'plain'\n").is_ok());
}

#[test]
fn the_parse_check_sees_errors_and_unknown_commands() {
    let tree = parse("if ($x) { Write-Host 'a'\n");
    assert!(!problems(&tree, "if ($x) { Write-Host 'a'\n").is_empty());
    let text = "Invoke-Expression 'calc'\n";
    let tree = parse(text);
    assert!(problems(&tree, text).is_empty());
    assert_eq!(commands(&tree, text), ["Invoke-Expression"]);
    assert!(!allowlist().contains("invoke-expression"));
}

#[test]
fn quoting_is_the_same_in_both_readings() {
    for name in [
        HOSTILE,
        HOSTILE_LINE,
        "it's",
        "\u{1F600}",
        "tab\there",
        "\u{1b}[2J",
    ] {
        let line = format!("Write-Host {}\n", ps_quote(name));
        let tree = assert_parses(&line, name);
        assert_eq!(commands(&tree, &line), ["Write-Host"]);
        let bytes = [b"\xEF\xBB\xBF".as_slice(), line.as_bytes()].concat();
        same_in_both_readings(&bytes).unwrap_or_else(|e| panic!("{name:?}: {e}"));
    }
}

#[test]
fn runbooks_of_hostile_estates_are_the_same_program_as_of_plain_ones() {
    let plain = runbook_of(&estate_named("plain"));
    let plain_tree = assert_parses(&plain, "plain runbook");
    for name in [HOSTILE, HOSTILE_LINE, "\u{1b}]0;owned\u{7}\u{9b}"] {
        let text = runbook_of(&estate_named(name));
        let checked = check_runbook(text.as_bytes(), name);
        let tree = parse(&checked);
        // The names stay inside string literals: the commands are those of the plain estate.
        assert_eq!(
            commands(&tree, &checked),
            commands(&plain_tree, &plain),
            "{name:?}"
        );
        assert!(checked.contains(&ps_quote(&format!("estate {name}"))));
        assert!(checked.contains("FormerPartners = @('p3.contoso.test')"));
    }
}

#[test]
fn the_export_script_parses_and_uses_allowed_commands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("powershell/Export-LyncPairingData.ps1");
    let bytes = std::fs::read(path).expect("the export script");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let text = text.trim_start_matches('\u{feff}');
    let tree = assert_parses(text, "Export-LyncPairingData.ps1");
    assert_allowed(&tree, text, "Export-LyncPairingData.ps1");
    let used: BTreeSet<String> = commands(&tree, text).into_iter().collect();
    assert!(used.contains("Get-CsPoolBackupRelationship"), "{used:?}");
}

/// Replace `from` by `to` in a fixture and write it to `dir/name`.
fn write_variant(dir: &Path, name: &str, fixture: &str, edits: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture))
        .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    for (from, to) in edits {
        assert!(text.contains(from), "{fixture} lacks {from:?}");
        text = text.replace(from, to);
    }
    std::fs::write(dir.join(name), text).unwrap();
}

fn xml_escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Writes the inputs of one kind into a folder.
type WriteInputs = Box<dyn Fn(&Path)>;

#[test]
fn runbooks_from_every_input_kind_keep_hostile_text_in_literals() {
    let tmp = tempfile::tempdir().unwrap();
    // The folder name becomes the estate name, free text in every reading.
    let folder_name = "estate '\u{2018}\u{2019}\u{201A}\u{201B}\"\u{201C}\u{201D}\u{201E}$(calc)`";
    let site = HOSTILE_LINE;
    let inventory_line = |fqdn: &str| {
        format!(
            "{fqdn};{};Enterprise;4;Skype for Business Server 2015\n",
            site.replace(';', ",")
        )
    };
    let kinds: Vec<(&str, WriteInputs)> = vec![
        (
            "topology-xml",
            Box::new(|d: &Path| {
                write_variant(
                    d,
                    "topology.xml",
                    "tests/data/runbook/two-pools.xml",
                    &[("Hamburg", &xml_escaped(site))],
                )
            }),
        ),
        (
            "tbxml",
            Box::new(|d: &Path| {
                write_variant(
                    d,
                    "topology.tbxml",
                    "tests/data/runbook/two-pools.tbxml",
                    &[("Hamburg", &xml_escaped(site))],
                )
            }),
        ),
        (
            "cmdlet-csv",
            Box::new(|d: &Path| {
                let cell = site.replace('"', "\"\"");
                let text = format!(
                    "#TYPE Microsoft.Rtc.Management.Xds.DisplayRegistrar\n\"Identity\",\"BackupRegistrar\",\"ServiceId\",\"SiteId\",\"PoolFqdn\",\"Version\"\n\
                     \"Registrar:pool-a.contoso.test\",\"\",\"1-Registrar-1\",\"Site:{cell}\",\"pool-a.contoso.test\",\"7\"\n\
                     \"Registrar:pool-b.contoso.test\",\"\",\"2-Registrar-1\",\"Site:Wien\",\"pool-b.contoso.test\",\"7\"\n"
                );
                std::fs::write(d.join("registrars.csv"), text).unwrap();
                // Cmdlet exports give no edition: a plain inventory adds it.
                std::fs::write(
                    d.join("editions.csv"),
                    "Pool-FQDN;Edition\npool-a.contoso.test;Enterprise\npool-b.contoso.test;Enterprise\n",
                )
                .unwrap();
                std::fs::write(
                    d.join("pools.csv"),
                    format!("\"Identity\",\"Fqdn\",\"Site\",\"Services\",\"Computers\"\n\
                     \"pool-a.contoso.test\",\"pool-a.contoso.test\",\"Site:{cell}\",\"Registrar:pool-a.contoso.test;UserServer:pool-a.contoso.test\",\"a1.contoso.test;a2.contoso.test;a3.contoso.test\"\n\
                     \"pool-b.contoso.test\",\"pool-b.contoso.test\",\"Site:Wien\",\"Registrar:pool-b.contoso.test;UserServer:pool-b.contoso.test\",\"b1.contoso.test;b2.contoso.test;b3.contoso.test\"\n"),
                )
                .unwrap();
            }),
        ),
        (
            "inventory",
            Box::new(move |d: &Path| {
                let text = format!(
                    "Pool-FQDN;Standort;Edition;Anzahl Server;Version\n{}pool-b.contoso.test;Wien;Enterprise;4;Skype for Business Server 2015\n",
                    inventory_line("pool-a.contoso.test")
                );
                std::fs::write(d.join("inventar.csv"), text).unwrap();
            }),
        ),
    ];
    for (kind, write) in &kinds {
        let dir = tmp.path().join(kind).join(folder_name);
        std::fs::create_dir_all(&dir).unwrap();
        write(&dir);
        let out = tmp.path().join(format!("{kind}-out"));
        let run = common::lyncpair()
            .args(["plan", "--out"])
            .arg(&out)
            .arg(&dir)
            .output()
            .unwrap();
        let bytes = std::fs::read(out.join("pairing-runbook.ps1")).unwrap_or_else(|e| {
            panic!(
                "{kind}: no runbook ({e}); stderr: {}",
                String::from_utf8_lossy(&run.stderr)
            )
        });
        let text = check_runbook(&bytes, kind);
        assert!(
            text.contains("pool-a.contoso.test") && text.contains("$Pairs = @(\n"),
            "{kind}: no pair to set up:\n{text}"
        );
        // The hostile text reached the code, and only through the quoting.
        assert!(text.contains("[char]0x2018"), "{kind}: {text}");
        let estate = dir.display().to_string();
        assert!(
            text.contains(&format!("Estate = {}\n", ps_quote(&estate))),
            "{kind}: estate name"
        );
    }
}

#[test]
fn runbooks_of_every_fixture_estate_parse() {
    let tmp = tempfile::tempdir().unwrap();
    let mut with_pairs = 0;
    for (i, estate) in [
        "fixtures/mixed",
        "fixtures/clean2013",
        "fixtures/lync2010",
        "fixtures/importers/complete",
        "fixtures/importers/fabrikam",
        "fixtures/importers/muenchen",
        "tests/data/plan/contoso",
    ]
    .iter()
    .map(|e| (*e).to_owned())
    // The cp1252 reproducers of ../shared/hostile, once the hostile-input tests copied them here.
    .chain(
        std::fs::read_dir(common::repo_root().join("tests/data/hostile"))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|d| d.file_name().to_string_lossy().starts_with("ps1-"))
            .map(|d| format!("tests/data/hostile/{}", d.file_name().to_string_lossy())),
    )
    .enumerate()
    {
        let estate = estate.as_str();
        let out = tmp.path().join(i.to_string());
        let run = common::lyncpair()
            .args(["plan", "--out"])
            .arg(&out)
            .arg(estate)
            .output()
            .unwrap();
        let bytes = std::fs::read(out.join("pairing-runbook.ps1")).unwrap_or_else(|e| {
            panic!(
                "{estate}: no runbook ({e}): {}",
                String::from_utf8_lossy(&run.stderr)
            )
        });
        let text = check_runbook(&bytes, estate);
        if text.contains("$Pairs = @(\n") {
            with_pairs += 1;
        }
    }
    assert!(
        with_pairs >= 3,
        "too few fixture estates with a pair to set up"
    );
}
