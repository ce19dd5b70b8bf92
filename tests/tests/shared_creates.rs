//! A new objective shared through the git remote before it is pushed: however many clones push
//! it, and whether one after the other or at the same moment (they take turns through the push
//! lease), Targetprocess gets it once; copies made by clones that did not wait for each other
//! end as the oldest one.

#![allow(clippy::unwrap_used)]

use pi_engine::{PullOptions, PushOptions, PushOutcome, Workspace};
use pi_scenarios::*;

const NAME: &str = "Shared launch readiness";

/// A adds a new objective (with a feature) and shares it through the remote with a pull; B
/// integrates it with a pull of its own.
async fn shared_new_objective(tp: &Tp, ws_a: &Workspace, ws_b: &Workspace) {
    let me = jane();
    edit_plan(ws_a, |p| {
        let mut o = p.objectives[0].clone();
        o.id = "new:launch-readiness".parse().unwrap();
        o.name = NAME.into();
        o.features.truncate(1);
        o.features[0].id = "new:launch-checklist".parse().unwrap();
        o.features[0].name = "Launch checklist".into();
        o.features[0].jira = None;
        p.objectives.push(o);
    });
    pi_engine::pull(&ctx(tp, &me, 1), ws_a, &PullOptions::default())
        .await
        .unwrap();
    pi_engine::pull(&ctx(tp, &me, 2), ws_b, &PullOptions::default())
        .await
        .unwrap();
    assert!(
        ws_b.local()
            .unwrap()
            .objectives
            .iter()
            .any(|o| o.name == NAME),
        "B has A's new objective before anyone pushed it"
    );
}

fn named_in_tp(tp: &Tp, resource: &str, name: &str) -> Vec<i64> {
    let control = tp.sim.control();
    control
        .ids(resource)
        .into_iter()
        .filter(|id| control.get_entity(resource, *id).unwrap()["Name"] == name)
        .collect()
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// Both clones settle: pull until neither has anything to push, then compare.
async fn settle(tp: &Tp, ws_a: &Workspace, ws_b: &Workspace) {
    let me = jane();
    for (minute, ws) in [(20, ws_a), (21, ws_b), (22, ws_a)] {
        pi_engine::pull(&ctx(tp, &me, minute), ws, &PullOptions::default())
            .await
            .unwrap();
    }
    for (minute, ws) in [(23, ws_a), (24, ws_b)] {
        let out = pi_engine::push(&ctx(tp, &me, minute), ws, PushOptions::default())
            .await
            .unwrap();
        assert_eq!(out, PushOutcome::NothingToPush { resumed: 0 });
    }
    assert_eq!(ws_a.local().unwrap(), ws_b.local().unwrap());
}

#[tokio::test]
async fn a_shared_new_objective_pushed_by_two_clones_one_after_the_other_is_created_once() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    shared_new_objective(&tp, &ws_a, &ws_b).await;
    let ana = pi_git::Identity::new("Ana Lee", "ana@example.com");

    // B pushes first. A does not see B's push in git (its remote is away for a moment, as when a
    // publish failed), so A's plan still calls the objective new when A pushes.
    let out = pi_engine::push(&ctx(&tp, &ana, 3), &ws_b, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let a = root.path().join("a");
    git(&a, &["remote", "rename", "origin", "away"]);
    let out = pi_engine::push(&ctx(&tp, &jane(), 4), &ws_a, PushOptions::default())
        .await
        .unwrap();
    let PushOutcome::Pushed(report) = out else {
        panic!("{out:?}")
    };
    git(&a, &["remote", "rename", "away", "origin"]);
    assert_eq!(report.created.len(), 2, "{report:?}");

    let objectives = named_in_tp(&tp, "TeamPIObjectives", NAME);
    assert_eq!(objectives.len(), 1, "one objective in Targetprocess");
    assert_eq!(named_in_tp(&tp, "Features", "Launch checklist").len(), 1);
    let in_a = ws_a.local().unwrap();
    let o = in_a.objectives.iter().find(|o| o.name == NAME).unwrap();
    assert_eq!(o.id.tp(), Some(objectives[0]), "A took B's entity");

    settle(&tp, &ws_a, &ws_b).await;
    assert_eq!(named_in_tp(&tp, "TeamPIObjectives", NAME).len(), 1);
    fsck(&a);
    fsck(&root.path().join("b"));
}

#[tokio::test]
async fn two_clones_pushing_a_shared_new_objective_at_the_same_moment_take_turns() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    shared_new_objective(&tp, &ws_a, &ws_b).await;
    // Every answer takes a while, so without the push lease both pushes would look for the
    // objective before either created it, and both would create it.
    let (out_a, out_b) = push_both_at_once(&tp, &ws_a, &ws_b).await;
    // One creates it; the other waits for the lease, takes in the first one's push and has
    // nothing left to send.
    let outs = [out_a.unwrap(), out_b.unwrap()];
    let pushed = outs
        .iter()
        .filter(|o| matches!(o, PushOutcome::Pushed(r) if r.created.len() == 2))
        .count();
    let nothing = outs
        .iter()
        .filter(|o| matches!(o, PushOutcome::NothingToPush { .. }))
        .count();
    assert_eq!((pushed, nothing), (1, 1), "{outs:?}");

    let objectives = named_in_tp(&tp, "TeamPIObjectives", NAME);
    assert_eq!(objectives.len(), 1, "created once");
    assert_eq!(named_in_tp(&tp, "Features", "Launch checklist").len(), 1);
    for ws in [&ws_a, &ws_b] {
        let plan = ws.local().unwrap();
        let o = plan.objectives.iter().find(|o| o.name == NAME).unwrap();
        assert_eq!(o.id.tp(), Some(objectives[0]), "both clones hold it");
    }
    settle(&tp, &ws_a, &ws_b).await;
    assert_eq!(named_in_tp(&tp, "TeamPIObjectives", NAME).len(), 1);
}

/// Copies of a new objective created by clones that did not wait for each other (a push that
/// outlived its lease): the next push of it keeps the oldest copy and deletes the others.
#[tokio::test]
async fn copies_created_by_clones_at_the_same_moment_end_as_the_oldest_one() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    shared_new_objective(&tp, &ws_a, &ws_b).await;
    let plan = ws_a.local().unwrap();
    let placement = pi_targetprocess::Placement {
        team: plan.team.id.unwrap(),
        release: plan.release.id.unwrap(),
    };
    let marker = pi_targetprocess::IdempotencyMarker::for_operation(&format!(
        "{}-new-launch-readiness",
        ws_a.names.plan_slug()
    ));
    let mut copies = Vec::new();
    for _ in 0..2 {
        let name = pi_targetprocess::FieldChange::Name(NAME.into());
        let created = tp
            .client
            .create(
                pi_targetprocess::Kind::TeamObjective,
                placement,
                &[name],
                &marker,
            )
            .await
            .unwrap();
        copies.push(created.id);
    }
    assert!(copies[0] < copies[1], "two copies: {copies:?}");
    let me = jane();
    let out = pi_engine::push(&ctx(&tp, &me, 3), &ws_a, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    assert_eq!(named_in_tp(&tp, "TeamPIObjectives", NAME), vec![copies[0]]);
    let plan = ws_a.local().unwrap();
    let o = plan.objectives.iter().find(|o| o.name == NAME).unwrap();
    assert_eq!(o.id.tp(), Some(copies[0]), "the plan holds the oldest copy");
    settle(&tp, &ws_a, &ws_b).await;
    assert_eq!(named_in_tp(&tp, "TeamPIObjectives", NAME), vec![copies[0]]);
}
