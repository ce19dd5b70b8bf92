//! The sync workflow end to end against the simulator over loopback, with real git repos:
//! init → edit → push → TP holds it; concurrent edits → pull → conflicts → resolve → push.

#![allow(clippy::unwrap_used)]

use pi_engine::{PullOptions, PushOptions, PushOutcome, Selector};
use pi_model::merge::{FieldValue, Resolution};
use pi_model::{Effort, EntityId, Field};
use pi_scenarios::*;
use serde_json::json;

#[tokio::test]
async fn init_writes_the_team_plan_on_two_branches() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let plan = ws.local().unwrap();
    assert!(!plan.objectives.is_empty());
    assert!(plan.objectives.iter().all(|o| o.id.tp().is_some()));
    let (release, team) = first_team(&tp).await;
    assert_eq!(
        (plan.release.name.as_str(), plan.team.name.as_str()),
        (release.as_str(), team.as_str())
    );
    assert_eq!(ws.repo.current_branch().unwrap(), Some(ws.names.working()));
    assert_eq!(
        ws.base().unwrap().plan,
        plan,
        "working and tracking start equal"
    );
    // A second init of the same plan is refused, naming the branch.
    let me = jane();
    let req = pi_engine::InitRequest {
        dir: dir.path().to_path_buf(),
        release,
        team,
        remote: None,
    };
    let err = pi_engine::init(&ctx(&tp, &me, 1), &req)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("already exists"), "{err}");
    fsck(dir.path());
}

#[tokio::test]
async fn an_effort_edit_is_previewed_pushed_and_held_by_targetprocess() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let id = ws.local().unwrap().objectives[0].id.tp().unwrap();
    let before = effort_in_tp(&tp, id);
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(before + 8.0));

    let preview = pi_engine::push(
        &ctx(&tp, &me, 1),
        &ws,
        PushOptions {
            dry_run: true,
            yes: false,
        },
    )
    .await
    .unwrap();
    let PushOutcome::Preview { ops } = preview else {
        panic!("{preview:?}")
    };
    let name = &ws.local().unwrap().objectives[0].name;
    assert_eq!(
        ops.iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec![format!(
            "Effort {} → {} points on \"{name}\"",
            before,
            before + 8.0
        )]
    );
    assert_eq!(effort_in_tp(&tp, id), before, "a dry run writes nothing");

    let outcome = pi_engine::push(&ctx(&tp, &me, 2), &ws, PushOptions::default())
        .await
        .unwrap();
    let PushOutcome::Pushed(report) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(report.ops.len(), 1);
    assert!(report.ops[0].result.is_ok());
    assert_eq!(report.mismatches, vec![]);
    assert_eq!(effort_in_tp(&tp, id), before + 8.0);

    // Tracking now holds TP's new state and nothing is left to push.
    assert_eq!(
        ws.base().unwrap().plan.objectives[0].effort,
        Effort::new(before + 8.0)
    );
    let again = pi_engine::push(&ctx(&tp, &me, 3), &ws, PushOptions::default())
        .await
        .unwrap();
    assert_eq!(again, PushOutcome::NothingToPush { resumed: 0 });
    let log = pi_engine::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    let push = log
        .iter()
        .find(|e| e.kind == pi_engine::oplog::OpKind::Push)
        .unwrap();
    assert_eq!(push.writes[0].field, Some(Field::Effort));
    assert_eq!(
        push.writes[0].before,
        FieldValue::Effort(Effort::new(before))
    );
    assert_eq!(
        push.writes[0].after,
        FieldValue::Effort(Effort::new(before + 8.0))
    );
    fsck(dir.path());
}

#[tokio::test]
async fn new_objective_and_feature_are_created_once_and_get_their_ids_back() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let before = tp.sim.control().count("TeamPIObjectives");
    edit_plan(&ws, |p| {
        let mut o = p.objectives[0].clone();
        o.id = "new:o1".parse().unwrap();
        o.name = "Cut cloud cost".into();
        o.features.truncate(1);
        o.features[0].id = "new:f1".parse().unwrap();
        o.features[0].name = "Rightsize clusters".into();
        o.features[0].jira = None;
        p.objectives.push(o);
    });
    let outcome = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
        .await
        .unwrap();
    let PushOutcome::Pushed(report) = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(report.created.len(), 2, "{report:?}");
    assert_eq!(tp.sim.control().count("TeamPIObjectives"), before + 1);
    let plan = ws.local().unwrap();
    let new = plan
        .objectives
        .iter()
        .find(|o| o.name == "Cut cloud cost")
        .unwrap();
    assert!(
        new.id.tp().is_some(),
        "the TP id is written back into the file"
    );
    assert!(new.features[0].id.tp().is_some());
    let again = pi_engine::push(&ctx(&tp, &me, 2), &ws, PushOptions::default())
        .await
        .unwrap();
    assert_eq!(
        again,
        PushOutcome::NothingToPush { resumed: 0 },
        "nothing is created twice"
    );
    assert_eq!(tp.sim.control().count("TeamPIObjectives"), before + 1);
}

#[tokio::test]
async fn a_concurrent_edit_of_another_field_merges_and_of_the_same_field_conflicts() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let o = ws.local().unwrap().objectives[0].clone();
    let id = o.id.tp().unwrap();
    // Another planner edits the status and the effort in TP; we edit the effort and the name.
    tp.sim
        .control()
        .update_entity(
            "TeamPIObjectives",
            id,
            json!({"Effort": 99, "EntityState": {"Id": 103}}),
        )
        .unwrap();
    edit_plan(&ws, |p| {
        p.objectives[0].effort = Effort::new(1.0);
        p.objectives[0].name = "Renamed here".into();
    });

    // Push first: the preflight sees TP moved the effort and refuses to overwrite it.
    let outcome = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
        .await
        .unwrap();
    let PushOutcome::RemoteChanged { stale } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].field, Some(Field::Effort));
    assert_eq!(effort_in_tp(&tp, id), 99.0, "nothing was overwritten");

    let report = pi_engine::pull(&ctx(&tp, &me, 2), &ws, &PullOptions::default())
        .await
        .unwrap();
    assert!(report.tp_changed);
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].field, Some(Field::Effort));
    assert_eq!(
        report.conflicts[0].remote,
        FieldValue::Effort(Effort::new(99.0))
    );
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives[0].name, "Renamed here", "local edit kept");
    assert_eq!(
        plan.objectives[0].status.as_deref(),
        Some("Accepted"),
        "TP's status merged in"
    );
    assert_eq!(
        plan.objectives[0].effort,
        Effort::new(1.0),
        "conflict keeps the local value"
    );
    let merge = ws.repo.commit_info(&ws.names.working()).unwrap();
    assert_eq!(merge.parents.len(), 2, "pull makes a merge commit");

    let blocked = pi_engine::push(&ctx(&tp, &me, 3), &ws, PushOptions::default())
        .await
        .unwrap();
    assert_eq!(blocked, PushOutcome::Blocked { conflicts: 1 });

    let sel = Selector {
        entity: Some(EntityId::Tp(id)),
        field: Some(Field::Effort),
    };
    let r = pi_engine::resolve(&me, at(4), &ws, &sel, &Resolution::KeepLocal).unwrap();
    assert_eq!((r.resolved.len(), r.remaining), (1, 0));
    let outcome = pi_engine::push(&ctx(&tp, &me, 5), &ws, PushOptions::default())
        .await
        .unwrap();
    let PushOutcome::Pushed(report) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(report.ops.iter().all(|o| o.result.is_ok()));
    let wire = tp.sim.control().get_entity("TeamPIObjectives", id).unwrap();
    assert_eq!(wire["Effort"], 1.0);
    assert_eq!(wire["Name"], "Renamed here");
    assert_eq!(
        wire["EntityState"]["Id"], 103,
        "TP's status change survived"
    );
    fsck(dir.path());
}

#[tokio::test]
async fn markers_surround_only_the_conflicting_field_and_block_reading_until_edited() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let id = ws.local().unwrap().objectives[0].id.tp().unwrap();
    tp.sim
        .control()
        .update_entity("TeamPIObjectives", id, json!({"Effort": 77}))
        .unwrap();
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(123.5));
    let report = pi_engine::pull(
        &ctx(&tp, &me, 1),
        &ws,
        &PullOptions {
            markers: true,
            stories: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.conflicts.len(), 1);
    let text = std::fs::read_to_string(plan_path(&ws)).unwrap();
    let start = text.find("<<<<<<<").unwrap();
    let end = text.find(">>>>>>>").unwrap();
    let region = &text[start..end];
    assert!(
        region.contains("**Effort**: 123.5 points") && region.contains("**Effort**: 77 points"),
        "{region}"
    );
    assert!(
        !region.contains("**Status**"),
        "only the effort is inside the markers: {region}"
    );
    let err = ws.local().unwrap_err().to_string();
    assert!(err.contains("conflict"), "{err}");
}

#[tokio::test]
async fn two_clones_sharing_a_remote_lose_no_update() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    assert_eq!(
        ws_b.local().unwrap(),
        ws_a.local().unwrap(),
        "B joined A's plan"
    );
    let ana = pi_git::Identity::new("Ana Lee", "ana@example.com");
    let me = jane();
    let ids: Vec<i64> = ws_a
        .local()
        .unwrap()
        .objectives
        .iter()
        .map(|o| o.id.tp().unwrap())
        .collect();

    // A and B edit different objectives; both push; TP holds both, nobody lost anything.
    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(42.0));
    edit_plan(&ws_b, |p| p.objectives[1].effort = Effort::new(43.0));
    let out = pi_engine::push(&ctx(&tp, &me, 1), &ws_a, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let out = pi_engine::push(&ctx(&tp, &ana, 2), &ws_b, PushOptions::default())
        .await
        .unwrap();
    let PushOutcome::Pushed(report) = out else {
        panic!("{out:?}")
    };
    assert_eq!(report.ops.len(), 1, "B pushes only B's change: {report:?}");
    assert_eq!(
        (effort_in_tp(&tp, ids[0]), effort_in_tp(&tp, ids[1])),
        (42.0, 43.0)
    );
    let pulled = pi_engine::pull(&ctx(&tp, &me, 3), &ws_a, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(pulled.conflicts, vec![]);
    assert_eq!(
        ws_a.local().unwrap().objectives[1].effort,
        Effort::new(43.0),
        "A sees B's push"
    );

    // Both change the same field differently: the later one is stopped with a conflict.
    edit_plan(&ws_a, |p| p.objectives[2].effort = Effort::new(7.0));
    edit_plan(&ws_b, |p| p.objectives[2].effort = Effort::new(8.0));
    let out = pi_engine::push(&ctx(&tp, &me, 4), &ws_a, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let out = pi_engine::push(&ctx(&tp, &ana, 5), &ws_b, PushOptions::default())
        .await
        .unwrap();
    assert_eq!(out, PushOutcome::Blocked { conflicts: 1 });
    assert_eq!(
        effort_in_tp(&tp, ids[2]),
        7.0,
        "A's value is not overwritten"
    );
    let log_a = pi_engine::oplog::entries(&ws_a.repo, &ws_a.names.oplog_ref()).unwrap();
    let log_b = pi_engine::oplog::entries(&ws_b.repo, &ws_b.names.oplog_ref()).unwrap();
    let pushes = |log: &[pi_engine::oplog::OpEntry]| {
        log.iter()
            .filter(|e| e.kind == pi_engine::oplog::OpKind::Push)
            .count()
    };
    assert_eq!(pushes(&log_b), 3, "B's log holds both clones' pushes");
    assert!(pushes(&log_a) >= 2);
    fsck(&a);
    fsck(&b);
}

#[tokio::test]
async fn a_pull_is_attributed_to_the_targetprocess_users_who_edited() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let users = tp.client.list_users().await.unwrap();
    let editor = users
        .iter()
        .find(|u| u.login.as_deref() != Some("admin"))
        .unwrap();
    let id = ws.local().unwrap().objectives[0].id.tp().unwrap();
    tp.sim
        .control()
        .update_entity(
            "TeamPIObjectives",
            id,
            json!({"Effort": 64, "LastEditor": {"Id": editor.id}}),
        )
        .unwrap();
    pi_engine::pull(&ctx(&tp, &me, 1), &ws, &PullOptions::default())
        .await
        .unwrap();
    let tracking = ws.repo.commit_info(&ws.names.tracking()).unwrap();
    assert_eq!(tracking.author.name, "Targetprocess");
    let named: Vec<&str> = tracking
        .trailers
        .iter()
        .filter(|(k, _)| *k == "Tp-Editor")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(named, vec![editor.name.as_str()]);
    let log = pi_engine::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    let pull = log
        .iter()
        .rev()
        .find(|e| e.kind == pi_engine::oplog::OpKind::Pull)
        .unwrap();
    assert_eq!(
        pull.actor,
        pi_engine::oplog::Actor::Targetprocess {
            editors: vec![editor.name.clone()]
        }
    );
}

/// Found by the chaos run (seed 1007525): "keep mine" applied the local side recorded with the
/// conflict, so what the planner typed after the conflict was lost, and a feature they had
/// deleted, got back through an edit/delete conflict and then edited again was deleted. "Mine"
/// is the plan file as it is now.
#[tokio::test]
async fn keep_mine_keeps_what_the_planner_changed_after_the_conflict() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    let me = jane();
    let plan = ws.local().unwrap();
    let objective = plan.objectives[0].id.tp().unwrap();
    let with_features: Vec<&pi_model::TeamObjective> = plan
        .objectives
        .iter()
        .filter(|o| o.features.len() >= 2)
        .collect();
    let (kept, deleted) = (
        with_features[0].features[0].id.clone(),
        with_features[0].features[1].id.clone(),
    );
    // Local: an effort and two deleted features; Targetprocess: another effort and edits of
    // both features.
    edit_plan(&ws, |p| {
        p.objectives[0].effort = Effort::new(8.0);
        for o in &mut p.objectives {
            o.features.retain(|f| f.id != kept && f.id != deleted);
        }
    });
    let control = tp.sim.control();
    control
        .update_entity("TeamPIObjectives", objective, json!({ "Effort": 13 }))
        .unwrap();
    for f in [&kept, &deleted] {
        control
            .update_entity("Features", f.tp().unwrap(), json!({ "Effort": 21 }))
            .unwrap();
    }
    let report = pi_engine::pull(&ctx(&tp, &me, 1), &ws, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(report.conflicts.len(), 3, "{:?}", report.conflicts);
    // The planner types another effort and edits one of the features the merge put back.
    edit_plan(&ws, |p| {
        p.objectives[0].effort = Effort::new(5.0);
        let f = p
            .objectives
            .iter_mut()
            .flat_map(|o| o.features.iter_mut())
            .find(|f| f.id == kept)
            .unwrap();
        f.name = "Kept after all".into();
    });
    let r = pi_engine::resolve(
        &me,
        at(2),
        &ws,
        &Selector::default(),
        &Resolution::KeepLocal,
    )
    .unwrap();
    assert_eq!((r.resolved.len(), r.remaining), (3, 0));
    let plan = ws.local().unwrap();
    assert_eq!(
        plan.objectives[0].effort,
        Effort::new(5.0),
        "the newer value"
    );
    let names: Vec<(&EntityId, &str)> = plan
        .features()
        .map(|(_, f)| (&f.id, f.name.as_str()))
        .filter(|(id, _)| **id == kept || **id == deleted)
        .collect();
    assert_eq!(
        names,
        vec![(&kept, "Kept after all")],
        "the edited feature stays, the other one's delete is kept"
    );
    let opts = PushOptions {
        yes: true,
        ..PushOptions::default()
    };
    let outcome = pi_engine::push(&ctx(&tp, &me, 3), &ws, opts).await.unwrap();
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    assert_eq!(effort_in_tp(&tp, objective), 5.0);
    assert!(
        control
            .get_entity("Features", deleted.tp().unwrap())
            .is_none()
    );
    assert_eq!(
        control.get_entity("Features", kept.tp().unwrap()).unwrap()["Name"],
        "Kept after all"
    );
    fsck(dir.path());
}
