//! The engine's layers, checked on its own source: which module may use which (see
//! docs/ARCHITECTURE.md, "pi-engine's layers"). A module that reaches across the layers the wrong
//! way, a command that uses another command, or an import cycle fails this test.

#![allow(clippy::unwrap_used)] // a test reading its own crate's source

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top; a module may use modules of its own layer only where the layer allows it.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "floor",
        &[
            "error",
            "parsed",
            "state",
            "snapshot",
            "journal",
            "context",
            "workspace",
            "oplog",
            "account",
            "tracking",
            "save",
            "remote",
            "lease",
        ],
    ),
            "tracker",
            "progress",
    ("machinery", &["sending", "approvals", "rebuild"]),
    (
        "commands",
        &[
            "init",
            "pull",
            "push",
            "resolve",
            "rollback",
            "discard",
            "status",
            "templates",
        ],
    ),
    ("reports", &["history", "baseline", "report", "audit"]),
    // Built from whole commands: the train's pull-then-push, verify's repair (resume, pull).
    ("compositions", &["train", "verify"]),
];

/// Layers whose modules may use each other (plumbing, and the reports built on history);
/// commands never use another command.
const OPEN_LAYERS: &[&str] = &["floor", "machinery", "reports"];

/// The engine error names the approval gate's refusal, which holds the approval status; the one
/// reference downward-pointing rules allow from the floor upward.
const ALLOWED: &[(&str, &str)] = &[("error", "approvals")];
    "memory",
    "memory_tests",

/// Test-only modules: set-up and scenario tests may use anything.
const TEST_ONLY: &[&str] = &[
    "testing",
    "push_refused_tests",
    "trust_tests",
    "layers_tests",
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

/// Top-level module → the top-level modules its non-test code names as `crate::…`.
fn uses(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let top = rel
                .split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_owned();
            let file = path.file_stem().unwrap().to_string_lossy().into_owned();
            if top == "lib" || TEST_ONLY.contains(&top.as_str()) || file == "tests" {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Test modules close every file (clippy's items-after-test-module holds it).
            let code = text.split("\n#[cfg(test)]").next().unwrap_or("");
            let used = out.entry(top.clone()).or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != top {
                    used.insert(name);
                }
            }
        }
    }
    out
}

fn allowed(from: &str, to: &str) -> Result<(), String> {
    if ALLOWED.contains(&(from, to)) {
        return Ok(());
    }
    let (Some(a), Some(b)) = (layer_of(from), layer_of(to)) else {
        return Err(format!("{from} or {to} has no layer: add it to LAYERS"));
    };
    let same_layer_ok = a == b && OPEN_LAYERS.contains(&LAYERS[a].0);
    if b < a || same_layer_ok {
        Ok(())
    } else {
        Err(format!(
            "{from} ({}) uses {to} ({})",
            LAYERS[a].0, LAYERS[b].0
        ))
    }
}

/// A cycle in `graph`, if there is one (depth-first search).
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            return Some(path[i..].to_vec());
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_owned());
        for next in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn every_module_uses_only_the_layers_below_it_and_no_command_another() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = uses(&src);
    assert!(graph.contains_key("push") && graph.contains_key("sending"));
    let wrong: Vec<String> = graph
        .iter()
        .flat_map(|(from, to)| to.iter().filter_map(|t| allowed(from, t).err()))
        .collect();
    assert!(
        wrong.is_empty(),
        "modules used across layers:\n{}",
        wrong.join("\n")
    );
    let mut acyclic = graph.clone();
    for (from, to) in ALLOWED {
        if let Some(set) = acyclic.get_mut(*from) {
            set.remove(*to);
        }
    }
    assert_eq!(
        cycle(&acyclic),
        None,
        "an import cycle among the engine's modules"
    );
}

#[test]
fn the_checks_fail_on_a_wrong_use_and_a_cycle() {
    assert!(
        allowed("push", "pull").is_err(),
        "a command using a command"
    );
    assert!(
        allowed("workspace", "push").is_err(),
        "the floor using a command"
    );
    assert!(
        allowed("sending", "pull").is_err(),
        "the machinery using a command"
    );
    assert!(allowed("pull", "sending").is_ok() && allowed("train", "push").is_ok());
    assert!(allowed("report", "history").is_ok());
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
            .collect();
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".to_owned(), "b".to_owned(), "c".to_owned()])
    );
}
