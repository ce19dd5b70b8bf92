//! The schemas checked in under `docs/schemas/` are the ones the output types generate:
//! `PI_PLANNER_WRITE_SCHEMAS=1 cargo test -p tpcli checked_in_schemas` rewrites them after a
//! change to an output type.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use super::OUTPUTS;

fn file_name(output: &super::Output) -> String {
    format!("{}.schema.json", output.name())
}

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../docs/schemas")
}

#[test]
fn checked_in_schemas_match_the_output_types() {
    let dir = schema_dir();
    let write = std::env::var_os("PI_PLANNER_WRITE_SCHEMAS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for output in OUTPUTS {
        let path = dir.join(file_name(output));
        let generated = output.schema_text().unwrap();
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            stale.push(file_name(output));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/schemas differs from the output types for {stale:?}: run \
         `PI_PLANNER_WRITE_SCHEMAS=1 cargo test -p tpcli checked_in_schemas` and review the diff"
    );
}

#[test]
fn no_schema_file_is_left_without_an_output() {
    let names: Vec<String> = OUTPUTS.iter().map(file_name).collect();
    for entry in std::fs::read_dir(schema_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            names.contains(&name),
            "docs/schemas/{name} belongs to no --json output"
        );
    }
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema_titled_by_its_command() {
    for output in OUTPUTS {
        let schema = serde_json::to_value(output.schema()).unwrap();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(
            schema["title"],
            format!("tpcli {} --json", output.command.join(" "))
        );
        jsonschema::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("{}: {e}", file_name(output)));
    }
}

#[test]
fn names_are_found_and_unknown_names_are_not() {
    assert_eq!(
        file_name(super::find("plan-push").unwrap()),
        "plan-push.schema.json"
    );
    assert!(super::find("plan-pushes").is_none());
}
