//! Black-box support: a `--json` output of tpcli is checked against its checked-in JSON Schema
//! (`docs/schemas/<command>.schema.json`, see docs/json-output.md). The test helpers that run
//! tpcli call [`check`] on every run, so each `--json` output a test produces is validated.

#![allow(dead_code, clippy::unwrap_used)] // shared by several test modules; test set-up

use std::path::PathBuf;

/// `--json` outputs that have no schema yet (docs/json-output.md says so).
const WITHOUT_SCHEMA: &[&str] = &["plan-audit", "plan-baseline"];

/// The checked-in schema of the command `name` (e.g. `plan-push`).
pub fn schema(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../docs/schemas")
        .join(format!("{name}.schema.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no schema for `{name}` at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Why `output` does not match the schema of `name`, one line per error; empty when it does.
pub fn errors(name: &str, output: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&schema(name)).unwrap();
    validator
        .iter_errors(output)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The command's schema name when `args` ask for JSON output: `plan push --json` → `plan-push`.
pub fn json_command(args: &[&str]) -> Option<String> {
    if !args.contains(&"--json") {
        return None;
    }
    let at = args
        .iter()
        .position(|a| ["plan", "auth", "tp"].contains(a))?;
    let name = format!("{}-{}", args[at], args.get(at + 1)?);
    (!WITHOUT_SCHEMA.contains(&name.as_str())).then_some(name)
}

/// Validates `stdout` of `tpcli ARGS` against the command's schema when ARGS ask for JSON and
/// the command printed something (a run that failed before printing prints nothing).
pub fn check(args: &[&str], stdout: &[u8]) {
    let Some(name) = json_command(args) else {
        return;
    };
    let text = String::from_utf8_lossy(stdout);
    if text.trim().is_empty() {
        return;
    }
    let output: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("tpcli {args:?} printed no JSON ({e}):\n{text}"));
    let errors = errors(&name, &output);
    assert!(
        errors.is_empty(),
        "tpcli {args:?}: the output does not match docs/schemas/{name}.schema.json:\n{}\n{text}",
        errors.join("\n")
    );
}
