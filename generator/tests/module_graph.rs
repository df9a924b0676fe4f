//! The generator's modules form a directed acyclic graph: a stage depends only on the
//! stages before it and on shared leaves (`ir`, `diag`, `naming`, `escape`), never the
//! other way round. An edge is a `crate::<module>` path in code (comments and unit-test
//! modules left out), read from `generator/src`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `generator/src` and the top-level modules its code names.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: BTreeMap<String, Vec<std::path::PathBuf>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&src).unwrap();
                let top = relative.components().next().unwrap().as_os_str();
                let top = top.to_string_lossy().trim_end_matches(".rs").to_string();
                if top != "lib" && top != "main" {
                    files.entry(top).or_default().push(path);
                }
            }
        }
    }
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, paths)| {
            let mut uses = BTreeSet::new();
            for path in paths {
                for name in crate_paths(&std::fs::read_to_string(path).unwrap()) {
                    if &name != module && modules.contains(&name) {
                        uses.insert(name);
                    }
                }
            }
            (module.clone(), uses)
        })
        .collect()
}

/// The first segment of every `crate::…` path and `use crate::{…}` group in `code`,
/// without comments and the `#[cfg(test)] mod tests` module.
fn crate_paths(code: &str) -> Vec<String> {
    let code = code
        .split("#[cfg(test)]\nmod tests {")
        .next()
        .unwrap_or(code);
    let code: String = code
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let word = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
            .collect()
    };
    let mut names = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or("");
            names.extend(group.split(',').map(|item| word(item.trim())));
        } else {
            names.push(word(rest));
        }
    }
    names
}

/// A cycle of `graph`, if it has one (depth-first search, modules in order).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = module_graph();
    assert!(graph.len() > 20, "modules found: {:?}", graph.keys());
    assert!(
        graph["pipeline"].contains("emit"),
        "{:?}",
        graph["pipeline"]
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("modules depend on each other: {}", cycle.join(" -> "));
    }
}

#[test]
fn the_surface_is_a_model_of_the_ir() {
    let graph = module_graph();
    let allowed: BTreeSet<String> = ["ir", "naming"].map(String::from).into();
    assert!(
        graph["surface"].is_subset(&allowed),
        "surface depends on {:?}",
        graph["surface"]
    );
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
            .collect();
    assert_eq!(
        find_cycle(&graph).unwrap(),
        ["a", "b", "c", "a"].map(String::from)
    );
    assert_eq!(
        crate_paths("use crate::{ir, naming::x};\n// crate::emit\nlet _ = crate::diag::y;"),
        ["ir", "naming", "diag"]
    );
}
