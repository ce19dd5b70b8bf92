//! A push interrupted at any point (connection dropped after request K, a write applied but its
//! answer lost) is completed by `resume` / the next push: no duplicate in Targetprocess, no lost
//! edit, a readable plan file.

#![allow(clippy::unwrap_used)]

use pi_engine::{PushOptions, PushOutcome};
use pi_model::{Effort, Plan};
use pi_scenarios::*;
use pi_sim::Faults;

/// Three field edits on existing objectives plus a new objective with a new feature.
fn edit(p: &mut Plan) {
    p.objectives[0].effort = Effort::new(31.0);
    p.objectives[1].owner = None;
    p.objectives[2].name = "Renamed while the network was flaky".into();
    let mut o = p.objectives[0].clone();
    o.id = "new:flaky".parse().unwrap();
    o.name = "Created under faults".into();
    o.features.truncate(1);
    o.features[0].id = "new:flaky-f".parse().unwrap();
    o.features[0].name = "Feature created under faults".into();
    o.features[0].jira = None;
    p.objectives.push(o);
}

fn named(tp: &Tp, resource: &str, name: &str) -> usize {
    tp.sim
        .control()
        .ids(resource)
        .into_iter()
        .filter(|id| tp.sim.control().get_entity(resource, *id).unwrap()["Name"] == name)
        .count()
}

/// TP holds every intended value exactly once, and the plan file carries TP ids only.
fn assert_converged(tp: &Tp, ws: &pi_engine::Workspace, objectives_before: usize) {
    assert_eq!(
        named(tp, "TeamPIObjectives", "Created under faults"),
        1,
        "objective created once"
    );
    assert_eq!(
        named(tp, "Features", "Feature created under faults"),
        1,
        "feature created once"
    );
    assert_eq!(
        tp.sim.control().count("TeamPIObjectives"),
        objectives_before + 1
    );
    let plan = ws.local().unwrap();
    let ids = [&plan.objectives[0], &plan.objectives[2]].map(|o| o.id.tp().unwrap());
    let first = tp
        .sim
        .control()
        .get_entity("TeamPIObjectives", ids[0])
        .unwrap();
    assert_eq!(first["Effort"], 31.0);
    let third = tp
        .sim
        .control()
        .get_entity("TeamPIObjectives", ids[1])
        .unwrap();
    assert_eq!(third["Name"], "Renamed while the network was flaky");
    assert!(
        plan.objectives.iter().all(|o| o.id.tp().is_some()),
        "ids written back"
    );
    assert!(plan.features().all(|(_, f)| f.id.tp().is_some()));
}

async fn finish(tp: &Tp, ws: &pi_engine::Workspace, minute: i64) {
    let me = jane();
    tp.sim.control().set_faults(Faults::default());
    // `resume` completes the interrupted push; a plain push afterwards finds nothing left.
    pi_engine::push::resume(&ctx(tp, &me, minute), ws)
        .await
        .unwrap();
    let again = pi_engine::push(&ctx(tp, &me, minute + 1), ws, PushOptions::default())
        .await
        .unwrap();
    assert_eq!(again, PushOutcome::NothingToPush { resumed: 0 });
}

/// Operations of an interrupted push left in the journal.
async fn unfinished(ws: &pi_engine::Workspace) -> usize {
    pi_engine::status(None, ws).await.unwrap().unfinished_push
}

/// Requests and applied writes of the same push without faults: the ranges of K to fault at.
async fn clean_push() -> (u64, u64) {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    edit_plan(&ws, edit);
    tp.sim.control().clear_request_log();
    let me = jane();
    let out = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let log = tp.sim.control().request_log();
    let writes = log
        .iter()
        .filter(|r| r.method != "GET" && r.status.is_some_and(|s| s < 300))
        .count();
    (log.len() as u64, writes as u64)
}

#[tokio::test]
async fn dropped_connection_after_each_request_k() {
    let (requests, _) = clean_push().await;
    assert!(requests >= 4, "a push makes several requests: {requests}");
    let mut interrupted = 0;
    for k in 1..requests {
        let tp = tp().await;
        let dir = tempfile::tempdir().unwrap();
        let ws = init_first(&tp, dir.path(), None).await;
        let before = tp.sim.control().count("TeamPIObjectives");
        edit_plan(&ws, edit);
        tp.sim.control().set_faults(Faults {
            drop_after_requests: Some(k),
            ..Faults::default()
        });
        let me = jane();
        // The push may succeed through retries or stop on a non-retryable drop; either way
        // nothing is half done once it is resumed.
        tp.sim.control().clear_request_log();
        if pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
            .await
            .is_err()
        {
            assert!(
                unfinished(&ws).await > 0,
                "k={k}: a failed push leaves its journal"
            );
            interrupted += 1;
        }
        let dropped = tp
            .sim
            .control()
            .request_log()
            .iter()
            .filter(|r| r.status.is_none())
            .count();
        assert!(dropped > 0, "k={k}: the push met dropped connections");
        finish(&tp, &ws, 2).await;
        assert_converged(&tp, &ws, before);
        assert_eq!(unfinished(&ws).await, 0);
        fsck(dir.path());
    }
    // Most drops are absorbed by retries; the rest stop the push and are resumed above.
    assert!(
        interrupted < requests - 1,
        "retries absorb dropped reads and updates"
    );
}

#[tokio::test]
async fn a_create_applied_but_unanswered_is_not_created_twice() {
    let (_, writes) = clean_push().await;
    assert!(
        writes >= 2,
        "the push writes a create and updates: {writes}"
    );
    for k in 0..writes {
        let tp = tp().await;
        let dir = tempfile::tempdir().unwrap();
        let ws = init_first(&tp, dir.path(), None).await;
        let before = tp.sim.control().count("TeamPIObjectives");
        edit_plan(&ws, edit);
        tp.sim.control().set_faults(Faults {
            drop_after_apply: Some(k),
            ..Faults::default()
        });
        let me = jane();
        tp.sim.control().clear_request_log();
        let first = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default()).await;
        let lost = tp
            .sim
            .control()
            .request_log()
            .iter()
            .filter(|r| r.applied_then_dropped)
            .count();
        assert!(lost > 0, "k={k}: a write was applied and its answer lost");
        if let Ok(PushOutcome::Pushed(report)) = &first {
            assert_eq!(report.created.len(), 2, "k={k}: {report:?}");
        }
        finish(&tp, &ws, 2).await;
        assert_converged(&tp, &ws, before);
    }
}

/// A push stopped after its update landed; before the resume the planner types the old value
/// back. The resume must not take Targetprocess's (the push's own) value over it: the next push
/// sends the old value again.
#[tokio::test]
async fn a_value_typed_back_before_the_resume_is_kept_and_pushed() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let id = ws.local().unwrap().objectives[0].id.tp().unwrap();
    let old = ws.local().unwrap().objectives[0].effort;
    let effort_in_tp = || {
        tp.sim.control().get_entity("TeamPIObjectives", id).unwrap()["Effort"]
            .as_f64()
            .unwrap()
    };
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(77.0));
    // The single update is applied and its answer lost: the push stops part-way.
    tp.sim.control().set_faults(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    });
    let me = jane();
    let first = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default()).await;
    tp.sim.control().set_faults(Faults::default());
    assert!(first.is_err(), "the answer was lost: {first:?}");
    assert_eq!(effort_in_tp(), 77.0, "the update landed");
    assert_eq!(unfinished(&ws).await, 1);

    edit_plan(&ws, |p| p.objectives[0].effort = old);
    let out = pi_engine::push(&ctx(&tp, &me, 2), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    assert_eq!(
        ws.local().unwrap().objectives[0].effort,
        old,
        "the typed value is kept"
    );
    assert_eq!(
        Effort::new(effort_in_tp()),
        old,
        "and it reached Targetprocess"
    );
}

/// Ids of the features named `name` in Targetprocess.
fn features_named(tp: &Tp, name: &str) -> Vec<i64> {
    let control = tp.sim.control();
    control
        .ids("Features")
        .into_iter()
        .filter(|id| control.get_entity("Features", *id).unwrap()["Name"] == name)
        .collect()
}

/// Adds a feature `name` (new local id `local`, `edit` applied) under the first objective and
/// pushes; the push is stopped (its future dropped, as when the process dies) once the create
/// landed in Targetprocess. Returns the new feature's Targetprocess id.
async fn push_stopped_after_create(
    tp: &Tp,
    ws: &pi_engine::Workspace,
    local: &str,
    name: &str,
    edit: impl FnOnce(&mut pi_model::Feature),
) -> i64 {
    edit_plan(ws, |p| {
        let mut f = p.objectives[0].features[0].clone();
        f.id = local.parse().unwrap();
        f.name = name.into();
        f.jira = None;
        edit(&mut f);
        p.objectives[0].features.push(f);
    });
    let me = jane();
    let first_ctx = ctx(tp, &me, 1);
    let push = pi_engine::push(&first_ctx, ws, PushOptions::default());
    let landed = async {
        while features_named(tp, name).is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    };
    tokio::select! {
        out = push => panic!("the push finished before it was stopped: {out:?}"),
        () = landed => {}
    }
    let ids = features_named(tp, name);
    assert_eq!(ids.len(), 1, "the create landed once");
    assert_eq!(unfinished(ws).await, 1, "the push is unfinished");
    ids[0]
}

/// A push stopped after its create landed, before the new item's id was written back; the
/// planner then deletes the item. The resume must not bring it back from Targetprocess: the
/// delete goes out with the next push.
#[tokio::test]
async fn an_item_deleted_before_the_resume_of_its_create_stays_deleted() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let name = "Created, then deleted before the resume";
    push_stopped_after_create(&tp, &ws, "new:deleted-before-resume", name, |_| {}).await;
    let me = jane();

    edit_plan(&ws, |p| p.objectives[0].features.retain(|f| f.name != name));
    let opts = PushOptions {
        yes: true,
        ..PushOptions::default()
    };
    let out = pi_engine::push(&ctx(&tp, &me, 2), &ws, opts).await.unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    assert!(
        ws.local().unwrap().objectives[0]
            .features
            .iter()
            .all(|f| f.name != name),
        "the deleted item did not come back"
    );
    assert_eq!(
        features_named(&tp, name),
        Vec::<i64>::new(),
        "and it is deleted in Targetprocess"
    );
}

/// A push stopped after its create landed; before the resume someone edits the new item in
/// Targetprocess. The resume must keep that edit (the planner never changed the field).
#[tokio::test]
async fn a_targetprocess_edit_of_a_new_item_before_the_resume_is_kept() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let name = "Created, then edited in Targetprocess before the resume";
    let id = push_stopped_after_create(&tp, &ws, "new:edited-before-resume", name, |f| {
        f.effort = None;
    })
    .await;
    let me = jane();
    tp.sim
        .control()
        .update_entity("Features", id, serde_json::json!({ "Effort": 13 }))
        .unwrap();

    let out = pi_engine::push(&ctx(&tp, &me, 2), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(
            out,
            PushOutcome::Pushed(_) | PushOutcome::NothingToPush { .. }
        ),
        "{out:?}"
    );
    let effort = tp.sim.control().get_entity("Features", id).unwrap()["Effort"].as_f64();
    assert_eq!(effort, Some(13.0), "Targetprocess's edit stays");
    let plan = ws.local().unwrap();
    let f = plan.objectives[0]
        .features
        .iter()
        .find(|f| f.name == name)
        .unwrap();
    assert_eq!(f.effort, Effort::new(13.0), "and reaches the plan");
}
