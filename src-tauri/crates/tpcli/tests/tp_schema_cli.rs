//! Black-box: `tpcli tp schema` against the enterprise account (single-reference link, business
//! value as a custom field, its own custom field names and states) as a new user meets it — no
//! `[tp]` yet: it says what it found and why, `--write` puts it into pi-planner.toml keeping the
//! rest of the file, refuses to overwrite a differing value without `--force`, and the plan
//! then initialised with that file has its features.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use pi_sim::{Profile, SimConfig};
use sync_cli_support::*;

const MINE: &str = "# Harbor Ops' plan settings
[validation]
owner_required_on_committed = \"error\"   # the business owners insist
";

fn enterprise() -> Bench {
    Bench::start_with(SimConfig {
        control_api: true,
        ..SimConfig::for_profile(Profile::Enterprise)
    })
}

#[test]
fn discovery_is_said_written_and_makes_init_find_the_features() {
    let bench = enterprise();
    let repo = bench.repo().join("harbor");
    std::fs::create_dir_all(&repo).unwrap();
    let config = repo.join("pi-planner.toml");
    std::fs::write(&config, MINE).unwrap();
    let repo_arg = repo.to_str().unwrap();

    let said = bench.ok(&["tp", "schema", "--repo", repo_arg]);
    assert!(
        said.contains("features link to objectives through TeamPIObjective (a single reference"),
        "{said}"
    );
    assert!(
        said.contains("custom field \"Business Value\" of team objectives"),
        "{said}"
    );
    assert!(
        said.contains("features: New, Planned, In Progress, Implemented, Closed"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        MINE,
        "nothing written without --write"
    );

    let wrote = bench.ok(&["tp", "schema", "--write", "--repo", repo_arg]);
    assert!(wrote.contains("wrote "), "{wrote}");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with(MINE),
        "the file's own lines are kept:\n{text}"
    );
    let parsed = pi_model::RepoConfig::from_toml_str(&text).unwrap();
    assert_eq!(parsed.tp, Profile::Enterprise.tp_schema(), "{text}");

    let report = json(&bench.ok(&[
        "plan",
        "init",
        "--release",
        "PI-2/27",
        "--team",
        "Harbor Ops",
        "--json",
        "--repo",
        repo_arg,
    ]));
    assert_eq!(report["objectives"], 30, "{report}");
    assert_eq!(report["features"], 50, "{report}");
}

#[test]
fn a_differing_value_needs_force_and_json_says_it_all() {
    let bench = enterprise();
    let repo = bench.repo().join("other");
    std::fs::create_dir_all(&repo).unwrap();
    let config = repo.join("pi-planner.toml");
    let mine = "[tp]\njira_key_field = \"Jira Key\" # from the old tool\n";
    std::fs::write(&config, mine).unwrap();
    let repo_arg = repo.to_str().unwrap();

    let refused = bench.run(&["tp", "schema", "--write", "--repo", repo_arg]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains(
            "tp.jira_key_field: the file says \"Jira Key\", the account shows \"Jira Link\""
        ),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), mine);

    let out = json(&bench.ok(&[
        "tp", "schema", "--write", "--force", "--json", "--repo", repo_arg,
    ]));
    assert_eq!(
        out["discovery"]["schema"]["feature_objectives_link"], "reference",
        "{out}"
    );
    assert_eq!(out["write"]["replaced"][0], "jira_key_field", "{out}");
    assert!(
        out["discovery"]["workflows"]["feature"]
            .as_array()
            .unwrap()
            .len()
            >= 5
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.contains("jira_key_field = \"Jira Link\" # from the old tool"),
        "{text}"
    );
}
