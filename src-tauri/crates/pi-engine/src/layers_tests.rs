//! The engine's layers, checked on its own source: which module may use which (see
//! docs/ARCHITECTURE.md, "pi-engine's layers"). A module that reaches across the layers the wrong
//! way, a command that uses another command, or an import cycle fails this test; so does a
//! dependency of the crates around the engine against the dependency rule (approvals below the
//! engine, reports above it).

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
            "tracker",
            "progress",
            "stories",
            "workflows",
            "owned",
        ],
    ),
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
            "lint",
            "decompose",
        ],
    ),
    // Built from whole commands: the train's pull-then-push, verify's repair (resume, pull).
    // Live sync (`watch`): saved edits committed, looks and pulls, the guarded push.
    ("compositions", &["train", "verify", "watch"]),
];

/// Layers whose modules may use each other (plumbing); commands never use another command.
const OPEN_LAYERS: &[&str] = &["floor", "machinery"];

/// Test-only modules: set-up and scenario tests may use anything.
const TEST_ONLY: &[&str] = &[
    "testing",
    "memory",
    "memory_tests",
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
            // Comments and doc links name modules without using them.
            let code: String = code
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
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
    assert_eq!(
        cycle(&graph),
        None,
        "an import cycle among the engine's modules"
    );
}

/// Workspace crates each crate around the engine may depend on (also as a dev-dependency, which
/// would otherwise link a crate above into a crate below in its tests): approvals below the
/// engine, the engine below reports.
const CRATE_RULE: &[(&str, &[&str])] = &[
    ("pi-approvals", &["pi-model", "pi-git", "pi-format"]),
    (
        "pi-engine",
        &[
            "pi-model",
            "pi-format",
            "pi-git",
            "pi-approvals",
            "pi-targetprocess",
            "pi-jira",
            "pi-sim",
            "pi-bench",
        ],
    ),
    (
        "pi-reports",
        &[
            "pi-model",
            "pi-format",
            "pi-git",
            "pi-approvals",
            "pi-engine",
            "pi-bench",
        ],
    ),
];

/// The workspace crates (`pi-…` names) a crate's manifest names as dependencies of any kind.
fn workspace_deps(manifest: &str) -> BTreeSet<String> {
    manifest
        .lines()
        .filter_map(|line| line.trim().split_once(" = "))
        .map(|(name, _)| name.trim())
        .filter(|name| name.starts_with("pi-"))
        .map(str::to_owned)
        .collect()
}

fn crate_rule_breaks(krate: &str, deps: &BTreeSet<String>) -> Vec<String> {
    let allowed = CRATE_RULE
        .iter()
        .find(|(k, _)| *k == krate)
        .map_or(&[][..], |(_, a)| a);
    deps.iter()
        .filter(|d| !allowed.contains(&d.as_str()))
        .map(|d| format!("{krate} depends on {d}"))
        .collect()
}

#[test]
fn approvals_sit_below_the_engine_and_reports_above_it() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let wrong: Vec<String> = CRATE_RULE
        .iter()
        .flat_map(|(krate, _)| {
            let manifest = std::fs::read_to_string(crates.join(krate).join("Cargo.toml")).unwrap();
            crate_rule_breaks(krate, &workspace_deps(&manifest))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "against the dependency rule:\n{}",
        wrong.join("\n")
    );
    let approvals = std::fs::read_to_string(crates.join("pi-approvals/Cargo.toml")).unwrap();
    assert!(
        workspace_deps(&approvals).contains("pi-git"),
        "the manifest is read"
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
    let upward: BTreeSet<String> = ["pi-git", "pi-engine"].map(str::to_owned).into();
    assert_eq!(
        crate_rule_breaks("pi-approvals", &upward),
        ["pi-approvals depends on pi-engine"]
    );
    let manifest = "[dependencies]\npi-engine = { workspace = true }\nserde = \"1\"\n";
    assert_eq!(workspace_deps(manifest), ["pi-engine".to_owned()].into());
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
