//! A new objective shared through the git remote before it is pushed: however many clones push
//! it, and whether one after the other or at the same moment, Targetprocess gets it once.

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
async fn a_shared_new_objective_pushed_by_two_clones_at_the_same_moment_is_kept_once() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    shared_new_objective(&tp, &ws_a, &ws_b).await;
    // Every answer takes a while, so both pushes look for the objective before either creates
    // it, and both create it.
    let mut faults = tp.sim.control().faults();
    faults.latency = std::time::Duration::from_millis(40);
    tp.sim.control().set_faults(faults);
    let (me, ana) = (jane(), pi_git::Identity::new("Ana Lee", "ana@example.com"));
    let (ctx_a, ctx_b) = (ctx(&tp, &me, 3), ctx(&tp, &ana, 3));
    let (out_a, out_b) = tokio::join!(
        pi_engine::push(&ctx_a, &ws_a, PushOptions::default()),
        pi_engine::push(&ctx_b, &ws_b, PushOptions::default()),
    );
    for out in [out_a.unwrap(), out_b.unwrap()] {
        assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    }
    tp.sim.control().set_faults(pi_sim::Faults::default());

    let objectives = named_in_tp(&tp, "TeamPIObjectives", NAME);
    assert_eq!(objectives.len(), 1, "the younger copy is deleted");
    assert_eq!(named_in_tp(&tp, "Features", "Launch checklist").len(), 1);
    for ws in [&ws_a, &ws_b] {
        let plan = ws.local().unwrap();
        let o = plan.objectives.iter().find(|o| o.name == NAME).unwrap();
        assert_eq!(
            o.id.tp(),
            Some(objectives[0]),
            "both clones hold the kept one"
        );
    }
    settle(&tp, &ws_a, &ws_b).await;
    assert_eq!(named_in_tp(&tp, "TeamPIObjectives", NAME).len(), 1);
}
