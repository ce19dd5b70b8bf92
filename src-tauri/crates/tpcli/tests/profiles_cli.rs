//! Black-box: init, pull and push against both simulated accounts (the demo and the
//! `enterprise` account, whose features link through a single reference and whose business
//! value is a custom field), and the reproduction of a plan left without features: with the
//! default `[tp]` the enterprise account's init says why; with its `[tp]` every feature and Jira
//! key arrives.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use pi_sim::{Profile, SimConfig};
use sync_cli_support::*;

fn bench(profile: Profile) -> Bench {
    Bench::start_with(SimConfig {
        control_api: true,
        ..SimConfig::for_profile(profile)
    })
}

/// `plan init --json` for Harbor Ops in PI-2/27 (enterprise) or the bench's plan (demo), in
/// `repo`, whose `pi-planner.toml` is the profile's.
fn init(bench: &Bench, profile: Profile, repo: &str) -> serde_json::Value {
    let (release, team) = match profile {
        Profile::Enterprise => ("PI-2/27".to_owned(), "Harbor Ops".to_owned()),
        Profile::Demo => (bench.release.clone(), bench.team.clone()),
    };
    json(&bench.ok(&[
        "plan",
        "init",
        "--release",
        &release,
        "--team",
        &team,
        "--json",
        "--repo",
        repo,
    ]))
}

fn configured_repo(bench: &Bench, profile: Profile) -> String {
    let repo = bench.repo().join(profile.name());
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("pi-planner.toml"), profile.repo_config_toml()).unwrap();
    repo.to_str().unwrap().to_owned()
}

#[test]
fn init_pull_and_push_work_against_both_accounts() {
    for profile in Profile::ALL {
        let bench = bench(profile);
        let repo = configured_repo(&bench, profile);
        let report = init(&bench, profile, &repo);
        assert_eq!(
            report["notices"],
            serde_json::json!([]),
            "{}: {report}",
            profile.name()
        );
        assert!(report["features"].as_u64().unwrap() > 0, "{report}");
        let plan_file = std::path::PathBuf::from(report["plan_file"].as_str().unwrap());
        let plan = read_plan(&plan_file);
        let objective = plan.objectives[0].id.tp().unwrap();
        edit_plan(&plan_file, |p| p.objectives[0].business_value = Some(4));
        let pushed = json(&bench.ok(&["plan", "push", "--json", "--repo", &repo]));
        assert_eq!(pushed["result"], "pushed", "{}: {pushed}", profile.name());
        let stored = bench
            .sim
            .control()
            .get_entity("TeamPIObjectives", objective)
            .unwrap();
        let value = match profile {
            Profile::Demo => stored["BusinessValue"].clone(),
            Profile::Enterprise => stored["CustomFields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["Name"] == "Business Value")
                .unwrap()["Value"]
                .clone(),
        };
        assert_eq!(value, 4.0, "{}: {stored}", profile.name());
        let pulled = bench.run(&["plan", "pull", "--repo", &repo]);
        assert_eq!(
            pulled.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&pulled.stdout)
        );
    }
}

#[test]
fn the_enterprise_account_with_the_default_tp_says_why_the_plan_has_no_features() {
    let bench = bench(Profile::Enterprise);
    let plain = bench.repo().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let report = init(&bench, Profile::Enterprise, plain.to_str().unwrap());
    assert_eq!(report["objectives"], 30, "{report}");
    assert_eq!(report["features"], 0, "{report}");
    let notices = report["notices"].as_array().unwrap();
    let no_features = notices
        .iter()
        .find(|n| n["kind"] == "no-features")
        .expect("said");
    assert!(
        no_features["message"].as_str().unwrap().contains(
            "features link to objectives through `TeamPIObjective` (a single reference); \
             `[tp] feature_objectives_collection` is `TeamPIObjectives`"
        ),
        "{no_features}"
    );

    // The same in words.
    let again = bench.repo().join("again");
    std::fs::create_dir_all(&again).unwrap();
    let text = bench.ok(&[
        "plan",
        "init",
        "--release",
        "PI-2/27",
        "--team",
        "Harbor Ops",
        "--repo",
        again.to_str().unwrap(),
    ]);
    assert!(
        text.contains("not in the plan: the plan has no features although the release has"),
        "{text}"
    );

    // With the account's [tp], all 50 features and their Jira keys arrive.
    let repo = configured_repo(&bench, Profile::Enterprise);
    let report = init(&bench, Profile::Enterprise, &repo);
    assert_eq!(
        (report["objectives"].as_u64(), report["features"].as_u64()),
        (Some(30), Some(50))
    );
    let plan = read_plan(std::path::Path::new(report["plan_file"].as_str().unwrap()));
    let keys = plan
        .objectives
        .iter()
        .flat_map(|o| &o.features)
        .filter(|f| f.jira.is_some())
        .count();
    assert_eq!(keys, 50);
}

/// A repository whose `pi-planner.toml` has the enterprise account's `[tp]` but no `[statuses]`:
/// plans are checked against the states kept from the account.
fn repo_without_statuses(bench: &Bench) -> String {
    let repo = bench.repo().join("no-statuses");
    std::fs::create_dir_all(&repo).unwrap();
    let toml = Profile::Enterprise.repo_config_toml();
    let (statuses, tp) = toml.split_once("\n\n").unwrap();
    assert!(statuses.starts_with("[statuses]"), "{toml}");
    std::fs::write(repo.join("pi-planner.toml"), tp).unwrap();
    repo.to_str().unwrap().to_owned()
}

fn set_first_feature_status(plan: &mut pi_model::Plan, status: &str) {
    let feature = plan
        .objectives
        .iter_mut()
        .flat_map(|o| &mut o.features)
        .next()
        .expect("a feature");
    feature.status = Some(status.into());
}

/// `plan validate FILE --json`: the exit code and the `known-status` findings.
fn validate(bench: &Bench, file: &std::path::Path) -> (Option<i32>, Vec<serde_json::Value>) {
    let out = bench.run(&["plan", "validate", file.to_str().unwrap(), "--json"]);
    let report = json(&String::from_utf8_lossy(&out.stdout));
    let findings = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "known-status")
        .cloned()
        .collect();
    (out.status.code(), findings)
}

#[test]
fn plans_are_checked_against_the_accounts_states_kept_on_the_tracking_branch() {
    let bench = bench(Profile::Enterprise);
    let repo = repo_without_statuses(&bench);
    let report = init(&bench, Profile::Enterprise, &repo);
    let plan_file = std::path::PathBuf::from(report["plan_file"].as_str().unwrap());

    // The states file is on the tracking branch, with the account's states.
    let names = pi_git::BranchNames::for_plan("PI-2/27", "Harbor Ops");
    let git = pi_git::PlanRepo::discover(std::path::Path::new(&repo)).unwrap();
    let tip = git.branch_tip(&names.tracking()).unwrap().unwrap();
    let path = pi_engine::workflows::states_path(&names.plan_slug());
    let bytes = git.read_file_at(tip, &path).unwrap().expect("states file");
    let states = pi_model::Workflows::from_json(&String::from_utf8_lossy(&bytes)).unwrap();
    let features = states.names(pi_model::StatusKind::Feature);
    assert_eq!(
        features,
        ["New", "Planned", "In Progress", "Implemented", "Closed"]
    );

    // A status the account lacks is an error naming the account's states.
    edit_plan(&plan_file, |p| set_first_feature_status(p, "Funnel"));
    let (code, findings) = validate(&bench, &plan_file);
    assert_eq!(code, Some(1), "{findings:?}");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["severity"], "error");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("New, Planned, In Progress, Implemented, Closed"),
        "{message}"
    );

    // One it has is fine.
    edit_plan(&plan_file, |p| set_first_feature_status(p, "Planned"));
    let (code, findings) = validate(&bench, &plan_file);
    assert_eq!((code, findings.len()), (Some(0), 0), "{findings:?}");

    // The same file outside the repository, with no snapshot: only a warning.
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("plan.md");
    std::fs::copy(&plan_file, &copy).unwrap();
    edit_plan(&copy, |p| set_first_feature_status(p, "Shipped"));
    let (code, findings) = validate(&bench, &copy);
    assert_eq!(code, Some(0), "{findings:?}");
    let shipped: Vec<_> = findings
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("\"Shipped\""))
        .collect();
    assert_eq!(shipped.len(), 1, "{findings:?}");
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
}
