//! Black-box: an account whose resources and fields are named unlike the demo's works when the
//! repository's `[tp]` section names them — init, pull, push and sync-all all speak the
//! configured schema — and does not without it.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use pi_sim::SimConfig;
use sync_cli_support::*;

fn other_schema() -> pi_model::TpSchema {
    pi_model::TpSchema {
        team_objective_resource: "TeamGoals".into(),
        committed_field: "IsCommitted".into(),
        jira_key_field: "Epic Key".into(),
        acceptance_criteria_field: "Definition of Done".into(),
        ..pi_model::TpSchema::default()
    }
}

const TOML: &str = "[tp]
team_objective_resource = \"TeamGoals\"
committed_field = \"IsCommitted\"
jira_key_field = \"Epic Key\"
acceptance_criteria_field = \"Definition of Done\"
";

#[test]
fn the_tp_section_reaches_every_command() {
    let bench = Bench::start_with(SimConfig {
        control_api: true,
        schema: other_schema(),
        ..SimConfig::default()
    });
    let init = [
        "plan",
        "init",
        "--release",
        &bench.release,
        "--team",
        &bench.team,
        "--json",
    ];
    // Without the section, the demo's names miss this account's objectives.
    let without = bench.run(&init);
    assert_ne!(
        without.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&without.stdout)
    );

    let repo = bench.repo().join("configured");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("pi-planner.toml"), TOML).unwrap();
    let repo_arg = repo.to_str().unwrap();
    let mut args = init.to_vec();
    args.extend(["--repo", repo_arg]);
    let report = json(&bench.ok(&args));
    assert!(report["objectives"].as_u64().unwrap() > 0, "{report}");
    assert!(report["features"].as_u64().unwrap() > 0, "{report}");
    let plan_file = std::path::PathBuf::from(report["plan_file"].as_str().unwrap());
    let plan = read_plan(&plan_file);
    assert!(
        plan.objectives.iter().any(|o| o.committed),
        "the committed field is read"
    );

    // A push writes through the configured names.
    let first = plan.objectives[0].id.tp().unwrap();
    edit_plan(&plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(29.0)
    });
    let pushed = json(&bench.ok(&["plan", "push", "--json", "--repo", repo_arg]));
    assert_eq!(pushed["result"], "pushed", "{pushed}");
    let stored = bench.sim.control().get_entity("TeamGoals", first).unwrap();
    assert_eq!(stored["Effort"], 29.0, "{stored}");
    let pulled = bench.run(&["plan", "pull", "--repo", repo_arg]);
    assert_eq!(pulled.status.code(), Some(0));
    let all = bench.run(&["plan", "sync-all", repo_arg]);
    assert_eq!(
        all.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&all.stdout)
    );
}
