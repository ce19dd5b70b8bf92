//! Two clones that pulled Targetprocess at different moments hold different values of a field
//! neither planner edited: integrating each other's plans takes the newer snapshot's value and
//! reports no conflict. A field one planner did edit, against a value Targetprocess has since
//! changed, stays a conflict.

#![allow(clippy::unwrap_used)]

use pi_engine::{PullOptions, Workspace};
use pi_model::Effort;
use pi_scenarios::*;

fn git(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

fn effort(ws: &Workspace, id: i64) -> Option<f64> {
    let plan = ws.local().unwrap();
    let o = plan
        .objectives
        .iter()
        .find(|o| o.id.tp() == Some(id))
        .unwrap();
    o.effort.map(Effort::points)
}

/// A pulls Targetprocess (and shares that through the remote); Targetprocess changes again;
/// B pulls without seeing A's share (its remote is away for that pull, as when two pulls run at
/// the same moment). Returns the objective's id.
async fn pulled_apart(tp: &Tp, root: &std::path::Path, ws_a: &Workspace, ws_b: &Workspace) -> i64 {
    let id = ws_a.local().unwrap().objectives[0].id.tp().unwrap();
    let me = jane();
    set_effort_in_tp(tp, id, 21.0);
    pi_engine::pull(&ctx(tp, &me, 1), ws_a, &PullOptions::default())
        .await
        .unwrap();
    set_effort_in_tp(tp, id, 34.0);
    let b = root.join("b");
    git(&b, &["remote", "rename", "origin", "away"]);
    pi_engine::pull(&ctx(tp, &me, 2), ws_b, &PullOptions::default())
        .await
        .unwrap();
    git(&b, &["remote", "rename", "away", "origin"]);
    assert_eq!(
        (effort(ws_a, id), effort(ws_b, id)),
        (Some(21.0), Some(34.0))
    );
    id
}

#[tokio::test]
async fn values_pulled_at_different_moments_are_not_a_conflict_between_planners() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let id = pulled_apart(&tp, root.path(), &ws_a, &ws_b).await;

    // B's next pull integrates A's plan: neither planner edited the effort.
    let ana = pi_git::Identity::new("Ana Lee", "ana@example.com");
    let report = pi_engine::pull(&ctx(&tp, &ana, 3), &ws_b, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(report.conflicts, vec![], "nobody edited the effort");
    assert_eq!(effort(&ws_b, id), Some(34.0));
    let report = pi_engine::pull(&ctx(&tp, &jane(), 4), &ws_a, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(report.conflicts, vec![]);
    assert_eq!(effort(&ws_a, id), Some(34.0));
    fsck(&root.path().join("a"));
}

#[tokio::test]
async fn an_edit_made_against_an_older_snapshot_still_conflicts() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let id = pulled_apart(&tp, root.path(), &ws_a, &ws_b).await;

    // A edits the effort it saw as 21, but Targetprocess has 34 since: that is a conflict.
    edit_plan(&ws_a, |p| {
        let o = p
            .objectives
            .iter_mut()
            .find(|o| o.id.tp() == Some(id))
            .unwrap();
        o.effort = Effort::new(55.0);
    });
    let report = pi_engine::pull(&ctx(&tp, &jane(), 3), &ws_a, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(report.conflicts.len(), 1, "{:?}", report.conflicts);
    assert_eq!(report.conflicts[0].entity.tp(), Some(id));
    assert_eq!(
        effort(&ws_a, id),
        Some(55.0),
        "the edit is kept while in conflict"
    );
}

#[tokio::test]
async fn snapshots_taken_apart_merge_so_a_teammates_new_objective_can_be_pushed_at_once() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let id = ws_a.local().unwrap().objectives[0].id.tp().unwrap();
    let b = root.path().join("b");

    // B pulls a Targetprocess edit without sharing it; A creates an objective and pushes.
    set_effort_in_tp(&tp, id, 13.0);
    git(&b, &["remote", "rename", "origin", "away"]);
    pi_engine::pull(&ctx(&tp, &jane(), 1), &ws_b, &PullOptions::default())
        .await
        .unwrap();
    git(&b, &["remote", "rename", "away", "origin"]);
    edit_plan(&ws_a, |p| {
        let mut o = p.objectives[1].clone();
        o.id = "new:capacity-review".parse().unwrap();
        o.name = "Capacity review".into();
        o.features.clear();
        p.objectives.push(o);
    });
    let out = pi_engine::push(
        &ctx(&tp, &jane(), 2),
        &ws_a,
        pi_engine::PushOptions::default(),
    )
    .await
    .unwrap();
    let pi_engine::PushOutcome::Pushed(report) = out else {
        panic!("{out:?}")
    };
    let created = report.created[0].1;

    // B edits A's new objective and pushes: B's snapshot and A's are merged on the way, so the
    // objective is known and B's edit goes out (it used to stop with "pull first").
    // (A push with nothing of B's own to send integrates the remote without asking
    // Targetprocess, as a pull would.)
    let ana = pi_git::Identity::new("Ana Lee", "ana@example.com");
    let out = pi_engine::push(&ctx(&tp, &ana, 3), &ws_b, pi_engine::PushOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, pi_engine::PushOutcome::NothingToPush { resumed: 0 });
    let base = ws_b.base().unwrap();
    assert!(
        base.plan
            .objectives
            .iter()
            .any(|o| o.id.tp() == Some(created))
    );
    assert_eq!(
        base.plan
            .objectives
            .iter()
            .find(|o| o.id.tp() == Some(id))
            .unwrap()
            .effort,
        Effort::new(13.0),
        "B's own snapshot survives the merge"
    );
    edit_plan(&ws_b, |p| {
        let o = p
            .objectives
            .iter_mut()
            .find(|o| o.id.tp() == Some(created))
            .unwrap();
        o.effort = Effort::new(8.0);
    });
    let out = pi_engine::push(&ctx(&tp, &ana, 4), &ws_b, pi_engine::PushOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(out, pi_engine::PushOutcome::Pushed(_)), "{out:?}");
    let in_tp = tp
        .sim
        .control()
        .get_entity("TeamPIObjectives", created)
        .unwrap();
    assert_eq!(in_tp["Effort"].as_f64(), Some(8.0));
    fsck(&b);
}

async fn pulled(
    tp: &Tp,
    who: &pi_git::Identity,
    ws: &Workspace,
    minute: i64,
) -> pi_engine::PullReport {
    pi_engine::pull(&ctx(tp, who, minute), ws, &PullOptions::default())
        .await
        .unwrap()
}

/// A's unpushed edit reaches B through the remote; Targetprocess changes the same field; B, a
/// bystander, meets the conflict and keeps Targetprocess's value. When A takes in B's plan, A's
/// edit is not replaced without a word: A is shown the conflict with Targetprocess too, as A's
/// own pull would have shown it.
#[tokio::test]
async fn an_unpushed_edit_settled_by_a_teammate_is_shown_to_its_author() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let id = ws_a.local().unwrap().objectives[0].id.tp().unwrap();
    let (me, ana) = (jane(), pi_git::Identity::new("Ana Lee", "ana@example.com"));
    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(55.0));
    // A shares the edit without pushing it; B takes it in.
    pulled(&tp, &me, &ws_a, 1).await;
    pulled(&tp, &ana, &ws_b, 2).await;
    assert_eq!(effort(&ws_b, id), Some(55.0));
    // Targetprocess changes the field; B's pull meets the conflict and B keeps Targetprocess's.
    set_effort_in_tp(&tp, id, 89.0);
    let b = pulled(&tp, &ana, &ws_b, 3).await;
    assert_eq!(b.conflicts.len(), 1, "{b:?}");
    let keep_tp = pi_engine::resolve(
        &ana,
        at(4),
        &ws_b,
        &pi_engine::Selector::default(),
        &pi_model::merge::Resolution::KeepRemote,
    )
    .unwrap();
    assert_eq!(keep_tp.remaining, 0);
    pulled(&tp, &ana, &ws_b, 5).await; // shares the resolution
    assert_eq!(effort(&ws_b, id), Some(89.0));

    // A takes in B's plan: the conflict between A's edit and Targetprocess is A's to see.
    let a = pulled(&tp, &me, &ws_a, 6).await;
    let shown: Vec<_> = a
        .conflicts
        .iter()
        .filter(|c| c.entity == pi_model::EntityId::Tp(id))
        .collect();
    assert_eq!(shown.len(), 1, "{a:?}");
    assert_eq!(
        (shown[0].local.to_string(), shown[0].remote.to_string()),
        ("55 points".to_owned(), "89 points".to_owned())
    );
    assert_eq!(
        effort(&ws_a, id),
        Some(55.0),
        "A's value stays until A resolves"
    );
}
