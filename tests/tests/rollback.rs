//! Rolling back a push against the simulator over loopback, with real git repos: the
//! before-values go back to Targetprocess where it still holds what we pushed, fields changed
//! since are conflicts, a dry run changes nothing, a created objective is deleted while unchanged.

#![allow(clippy::unwrap_used)]

use pi_engine::oplog::{self, OpKind};
use pi_engine::{
    PushOptions, PushOutcome, RollbackOptions, RollbackOutcome, RollbackPlan, Workspace,
};
use pi_model::merge::FieldValue;
use pi_model::{Effort, Field};
use pi_scenarios::*;
use serde_json::json;

fn objective_in_tp(tp: &Tp, id: i64) -> serde_json::Value {
    tp.sim.control().get_entity("TeamPIObjectives", id).unwrap()
}

/// A user name, unique in Targetprocess, other than `not`.
async fn other_owner(tp: &Tp, not: Option<&str>) -> String {
    let users = tp.client.list_users().await.unwrap();
    users
        .iter()
        .map(|u| u.name.clone())
        .find(|n| Some(n.as_str()) != not && users.iter().filter(|u| &u.name == n).count() == 1)
        .unwrap()
}

/// Pushes a new effort and owner of the first objective; returns its TP id, the old effort and
/// owner, the new owner and the push's op-log id.
async fn push_effort_and_owner(
    tp: &Tp,
    ws: &Workspace,
) -> (i64, Option<Effort>, Option<String>, String, String) {
    let o = ws.local().unwrap().objectives[0].clone();
    let new_owner = other_owner(tp, o.owner.as_deref()).await;
    edit_plan(ws, |p| {
        p.objectives[0].effort = Effort::new(55.0);
        p.objectives[0].owner = Some(new_owner.clone());
    });
    let me = jane();
    let out = pi_engine::push(&ctx(tp, &me, 1), ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let push_id = last_entry(ws).id;
    (o.id.tp().unwrap(), o.effort, o.owner, new_owner, push_id)
}

fn last_entry(ws: &Workspace) -> oplog::OpEntry {
    oplog::entries(&ws.repo, &ws.names.oplog_ref())
        .unwrap()
        .pop()
        .unwrap()
}

fn effort_value(e: Option<Effort>) -> serde_json::Value {
    e.map_or(serde_json::Value::Null, |e| json!(e.points()))
}

fn assert_no_markers(ws: &Workspace) {
    let text = std::fs::read_to_string(plan_path(ws)).unwrap();
    assert!(
        !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
        "{text}"
    );
}

async fn rollback(
    tp: &Tp,
    ws: &Workspace,
    minute: i64,
    op: Option<&str>,
    opts: RollbackOptions,
) -> RollbackOutcome {
    let me = jane();
    pi_engine::rollback(&ctx(tp, &me, minute), ws, op, opts)
        .await
        .unwrap()
}

#[tokio::test]
async fn rolling_back_a_push_restores_effort_and_owner_and_is_logged() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let (id, effort, owner, new_owner, push_id) = push_effort_and_owner(&tp, &ws).await;
    assert_eq!(objective_in_tp(&tp, id)["Effort"], 55.0);

    let out = rollback(&tp, &ws, 2, None, RollbackOptions::default()).await;
    let RollbackOutcome::RolledBack { plan, report } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        (plan.op_id.as_str(), plan.conflicts.len()),
        (push_id.as_str(), 0)
    );
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert_eq!(report.mismatches, vec![]);
    assert_eq!(objective_in_tp(&tp, id)["Effort"], effort_value(effort));

    // The working plan holds the old values, merged from Targetprocess, without markers.
    let local = ws.local().unwrap();
    assert_eq!(
        (local.objectives[0].effort, &local.objectives[0].owner),
        (effort, &owner)
    );
    assert_eq!(ws.base().unwrap().plan.objectives[0].owner, owner);
    assert_no_markers(&ws);

    let entry = last_entry(&ws);
    assert_eq!(entry.kind, OpKind::Rollback);
    assert!(entry.summary.contains(&push_id), "{}", entry.summary);
    let effort_write = entry
        .writes
        .iter()
        .find(|w| w.field == Some(Field::Effort))
        .unwrap();
    assert_eq!(
        (&effort_write.before, &effort_write.after),
        (
            &FieldValue::Effort(Effort::new(55.0)),
            &FieldValue::Effort(effort)
        )
    );
    let owner_write = entry
        .writes
        .iter()
        .find(|w| w.field == Some(Field::Owner))
        .unwrap();
    assert_eq!(owner_write.before, FieldValue::OptText(Some(new_owner)));

    // Rolled back once: Targetprocess no longer holds what that push wrote.
    let again = rollback(&tp, &ws, 3, Some(&push_id), RollbackOptions::default()).await;
    let RollbackOutcome::NothingToRollBack(plan) = again else {
        panic!("{again:?}")
    };
    assert_eq!(plan.conflicts.len(), 2);
    fsck(dir.path());
}

#[tokio::test]
async fn a_field_another_planner_changed_since_is_a_conflict_and_not_overwritten() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let (id, _, owner, _, _) = push_effort_and_owner(&tp, &ws).await;
    tp.sim
        .control()
        .update_entity("TeamPIObjectives", id, json!({"Effort": 99}))
        .unwrap();

    let out = rollback(&tp, &ws, 2, None, RollbackOptions::default()).await;
    let RollbackOutcome::RolledBack { plan, report } = out else {
        panic!("{out:?}")
    };
    assert_eq!(plan.conflicts.len(), 1, "{plan:?}");
    let c = &plan.conflicts[0];
    assert_eq!(c.field, Some(Field::Effort));
    assert_eq!(c.pushed, FieldValue::Effort(Effort::new(55.0)));
    assert_eq!(c.current, FieldValue::Effort(Effort::new(99.0)));
    assert_eq!(report.ops.len(), 1);
    assert_eq!(objective_in_tp(&tp, id)["Effort"], 99.0, "not overwritten");
    let local = ws.local().unwrap();
    assert_eq!(
        local.objectives[0].owner, owner,
        "the untouched field is rolled back"
    );
    assert_eq!(
        local.objectives[0].effort,
        Effort::new(99.0),
        "TP's edit merged in"
    );
    let entry = last_entry(&ws);
    assert_eq!(entry.kind, OpKind::Rollback);
    assert_eq!(
        entry.writes.iter().map(|w| w.field).collect::<Vec<_>>(),
        vec![Some(Field::Owner)]
    );
    assert_no_markers(&ws);
}

#[tokio::test]
async fn a_dry_run_shows_the_rollback_and_changes_nothing() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let (id, ..) = push_effort_and_owner(&tp, &ws).await;
    let writes = |tp: &Tp| {
        tp.sim
            .control()
            .request_log()
            .iter()
            .filter(|r| r.method != "GET")
            .count()
    };
    let tips = |ws: &Workspace| {
        (
            ws.repo.branch_tip(&ws.names.working()).unwrap(),
            ws.repo.branch_tip(&ws.names.tracking()).unwrap(),
            ws.repo.ref_target(&ws.names.oplog_ref()).unwrap(),
            std::fs::read_to_string(plan_path(ws)).unwrap(),
        )
    };
    let (writes_before, tips_before) = (writes(&tp), tips(&ws));

    let dry = RollbackOptions {
        dry_run: true,
        yes: false,
    };
    let out = rollback(&tp, &ws, 2, None, dry).await;
    let RollbackOutcome::Preview(RollbackPlan { ops, conflicts, .. }) = out else {
        panic!("{out:?}")
    };
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].entity().tp(), Some(id));
    assert!(ops[0].to_string().contains("Effort 55"), "{}", ops[0]);
    assert_eq!(conflicts, vec![]);
    assert_eq!(writes(&tp), writes_before, "no write reached Targetprocess");
    assert_eq!(
        tips(&ws),
        tips_before,
        "branches, log and plan file unchanged"
    );
    assert_eq!(objective_in_tp(&tp, id)["Effort"], 55.0);
}

#[tokio::test]
async fn a_created_objective_is_deleted_while_unchanged() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let count = tp.sim.control().count("TeamPIObjectives");
    edit_plan(&ws, |p| {
        let mut o = p.objectives[0].clone();
        o.id = "new:o1".parse().unwrap();
        o.name = "Cut cloud cost".into();
        o.features.clear();
        p.objectives.push(o);
    });
    let out = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    assert_eq!(tp.sim.control().count("TeamPIObjectives"), count + 1);

    let out = rollback(&tp, &ws, 2, None, RollbackOptions::default()).await;
    let RollbackOutcome::NeedsConfirmation(plan) = out else {
        panic!("{out:?}")
    };
    assert!(
        plan.ops.iter().all(pi_model::changeset::Op::is_delete),
        "{plan:?}"
    );
    assert_eq!(
        tp.sim.control().count("TeamPIObjectives"),
        count + 1,
        "asked first"
    );

    let yes = RollbackOptions {
        dry_run: false,
        yes: true,
    };
    let out = rollback(&tp, &ws, 3, None, yes).await;
    assert!(matches!(out, RollbackOutcome::RolledBack { .. }), "{out:?}");
    assert_eq!(tp.sim.control().count("TeamPIObjectives"), count);
    let local = ws.local().unwrap();
    assert!(local.objectives.iter().all(|o| o.name != "Cut cloud cost"));
    assert_no_markers(&ws);
    fsck(dir.path());
}

async fn refused(tp: &Tp, ws: &Workspace, op: Option<&str>) -> String {
    let me = jane();
    pi_engine::rollback(&ctx(tp, &me, 1), ws, op, RollbackOptions::default())
        .await
        .unwrap_err()
        .to_string()
}

#[tokio::test]
async fn an_unknown_op_id_or_a_non_push_entry_is_refused_by_name() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let err = refused(&tp, &ws, Some("push-404")).await;
    assert!(err.contains("no operation \"push-404\""), "{err}");
    let init_id = last_entry(&ws).id;
    let err = refused(&tp, &ws, Some(&init_id)).await;
    assert!(
        err.contains("not a push but a log entry of kind init"),
        "{err}"
    );
    let none = refused(&tp, &ws, None).await;
    assert!(none.contains("no push to roll back"), "{none}");
}

#[tokio::test]
async fn a_teammates_push_shared_through_the_remote_can_be_rolled_back_from_another_clone() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let b = root.path().join("b");
    let (id, effort, owner, _, push_id) = push_effort_and_owner(&tp, &ws_a).await;

    // B has not pulled: the rollback first integrates A's op-log entry from the remote.
    let ana = pi_git::Identity::new("Ana Lee", "ana@example.com");
    let out = pi_engine::rollback(
        &ctx(&tp, &ana, 2),
        &ws_b,
        Some(&push_id),
        RollbackOptions::default(),
    )
    .await
    .unwrap();
    assert!(matches!(out, RollbackOutcome::RolledBack { .. }), "{out:?}");
    assert_eq!(objective_in_tp(&tp, id)["Effort"], effort_value(effort));
    let local = ws_b.local().unwrap();
    assert_eq!(
        (local.objectives[0].effort, &local.objectives[0].owner),
        (effort, &owner)
    );
    let entry = last_entry(&ws_b);
    assert_eq!(entry.kind, OpKind::Rollback);
    assert!(entry.summary.contains(&push_id), "{}", entry.summary);
    fsck(&b);
}
