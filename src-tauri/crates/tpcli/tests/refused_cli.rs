//! Black-box: a push that Targetprocess refuses in part never wedges the plan. The sequence a
//! planner met: a new feature whose owner is not a Targetprocess user is refused (exit 1, the
//! reason and the way out printed); status lists it; pull works; the planner fixes the owner (or
//! discards the feature) and the next push sends exactly that.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support::*;

const NAME: &str = "Audit log export";

fn add_feature(plan: &mut pi_model::Plan, owner: &str) {
    plan.objectives[0].features.push(pi_model::Feature {
        id: "new:c845cf3a".parse().unwrap(),
        kind: pi_model::FeatureKind::Feature,
        name: NAME.into(),
        description: String::new(),
        status: None,
        effort: pi_model::Effort::new(5.0),
        owner: Some(owner.into()),
        acceptance_criteria: Vec::new(),
        jira: None,
        stories: Vec::new(),
    });
}

/// Features named [`NAME`] in Targetprocess, with their owners' full names.
fn created(bench: &Bench) -> Vec<String> {
    let control = bench.sim.control();
    control
        .ids("Features")
        .into_iter()
        .filter_map(|id| control.get_entity("Features", id))
        .filter(|f| f["Name"] == NAME)
        .map(|f| {
            f["Owner"]["FullName"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// A push refused for an unknown owner: exit 1 with the reason and both ways out.
fn refused_push(bench: &Bench) {
    let out = bench.run(&["plan", "push", "--yes"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Mara Lind"), "{stdout}");
    assert!(stdout.contains("tpcli plan discard --refused"), "{stdout}");
    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    assert_eq!(status["unfinished_push_operations"], 0, "{status}");
    let refused = status["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{status}");
    assert!(refused[0]["reason"].as_str().unwrap().contains("Mara Lind"));
    assert!(created(bench).is_empty());
}

#[test]
fn a_refused_owner_is_fixed_and_pushed_without_deleting_anything() {
    let bench = Bench::start();
    let plan_file = bench.init();
    edit_plan(&plan_file, |p| add_feature(p, "Mara Lind"));
    git(
        bench.repo(),
        &["commit", "-qam", "Add the audit log feature"],
    );
    refused_push(&bench);
    // Pushing again without a fix is refused again, computed from the plan: no replay, no wedge.
    refused_push(&bench);
    let pulled = bench.run(&["plan", "pull"]);
    assert_eq!(
        pulled.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pulled.stdout)
    );

    let user = bench
        .sim
        .control()
        .get_entity("Users", bench.sim.control().ids("Users")[1])
        .unwrap()["FullName"]
        .as_str()
        .unwrap()
        .to_owned();
    edit_plan(&plan_file, |p| {
        let f = p.objectives[0]
            .features
            .iter_mut()
            .find(|f| f.name == NAME)
            .unwrap();
        f.owner = Some(user.clone());
    });
    git(
        bench.repo(),
        &["commit", "-qam", "Owner as Targetprocess knows them"],
    );
    let pushed = json(&bench.ok(&["plan", "push", "--yes", "--json"]));
    assert_eq!(pushed["result"], "pushed", "{pushed}");
    assert_eq!(created(&bench), vec![user]);
    let status = json(&bench.ok(&["plan", "status", "--offline", "--json"]));
    assert_eq!(status["refused"], serde_json::json!([]), "{status}");
    assert_eq!(status["local_changes"], serde_json::json!([]), "{status}");
    bench.fsck();
}

#[test]
fn a_refused_feature_is_discarded_and_nothing_is_left_to_push() {
    let bench = Bench::start();
    let plan_file = bench.init();
    edit_plan(&plan_file, |p| add_feature(p, "Mara Lind"));
    refused_push(&bench);
    let discarded = bench.ok(&["plan", "discard", "--refused"]);
    assert!(discarded.contains("removed"), "{discarded}");
    assert!(
        !read_plan(&plan_file)
            .features()
            .any(|(_, f)| f.name == NAME)
    );
    let pushed = json(&bench.ok(&["plan", "push", "--yes", "--json"]));
    assert_eq!(pushed["result"], "nothing_to_push", "{pushed}");
    assert!(created(&bench).is_empty());
    let usage = bench.run(&["plan", "discard"]);
    assert_eq!(usage.status.code(), Some(2));
}
