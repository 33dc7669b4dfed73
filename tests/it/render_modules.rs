//! The modules of `src/render/` import each other one way only (issue 14): a quick reading of the
//! module paths in their (non-test) code, and a check that the graph has no cycle. ARCHITECTURE.md
//! says which way the arrows go.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The render modules each render module names, by the first path component below `render`
/// (`view/diagram.rs` is part of `view`). Only paths through `crate::render::` or enough `super::`
/// to reach `render` count; a module's own children are its own business.
fn render_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(m, _, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, depth, text) in &files {
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let to_render = "super::".repeat(depth + 1);
        let deps = graph.entry(module.clone()).or_default();
        for prefix in ["crate::render::", to_render.as_str()] {
            for name in names_after(code, prefix) {
                if modules.contains(&name) && name != *module {
                    deps.insert(name);
                }
            }
        }
    }
    graph
}

/// (top-level module, directories below it, text) of every `.rs` file below `dir`.
fn collect(dir: &Path, out: &mut Vec<(String, usize, String)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&root).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
            .collect();
        if parts == ["mod"] {
            continue; // render/mod.rs only declares the modules.
        }
        let text = std::fs::read_to_string(&path).unwrap();
        out.push((parts[0].clone(), parts.len() - 1, text));
    }
}

/// The names right after each `prefix`: `prefix name` or `prefix{a, b::c}`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        // `super::super::x` also contains `super::x`: only count the full prefix.
        if code[..at].ends_with("super::") {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(group.split(',').map(|item| ident(item.trim())));
        } else {
            out.push(ident(rest));
        }
    }
    out
}

/// The modules on a cycle, if any: what is left after repeatedly removing modules that import
/// none of the remaining ones, or that none of the remaining ones import.
fn on_cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<String> {
    let mut left: BTreeSet<String> = graph.keys().cloned().collect();
    loop {
        let imports_none = |m: &String| graph[m].iter().all(|d| !left.contains(d));
        let imported_by_none = |m: &String| left.iter().all(|o| !graph[o].contains(m));
        let leaf = left.iter().find(|m| imports_none(m) || imported_by_none(m));
        match leaf.cloned() {
            Some(m) => {
                left.remove(&m);
            }
            None => return left,
        }
    }
}

#[test]
fn render_modules_import_each_other_one_way_only() {
    let graph = render_graph();
    assert!(graph.contains_key("view") && graph.contains_key("report"));
    let cycle = on_cycles(&graph);
    assert!(cycle.is_empty(), "import cycle among {cycle:?}: {graph:#?}");
    // The arrows ARCHITECTURE.md names.
    assert!(graph["report"].contains("view") && graph["report"].contains("templates"));
    assert!(graph["templates"].contains("sample") && graph["sample"].contains("view"));
    assert!(graph["view"].is_empty(), "view imports {:?}", graph["view"]);
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, ds)| (m.to_owned(), ds.into_iter().map(str::to_owned).collect()))
    .collect();
    let cycle: Vec<String> = on_cycles(&graph).into_iter().collect();
    assert_eq!(cycle, ["a", "b", "c"]);
    assert_eq!(
        names_after("use super::{a, b::C};\nuse crate::render::d;", "super::"),
        ["a", "b"]
    );
}
