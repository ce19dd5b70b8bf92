//! The push command's tests against `pi-sim`: resuming an interrupted push (edits typed since,
//! Targetprocess edits meanwhile, its log), stale deletes, a pull after an interrupted create,
//! and what a push's base is.

use std::collections::BTreeMap;

use pi_model::merge::FieldValue;
use pi_model::{EntityId, Feature, FeatureKind, Field, Plan, TeamObjective};
use pi_targetprocess::{Kind, Placement};

use super::*;
use crate::journal::OpState;
use crate::sending::reconcile::reconcile;
use crate::sending::stale_fields;
use crate::state::Version;
use crate::testing::{at, jane};
use crate::workspace::plan_ids;

fn plan(feature_status: &str) -> Plan {
    let feature = Feature {
        id: EntityId::Tp(20),
        kind: FeatureKind::Feature,
        name: "Search filters".into(),
        description: String::new(),
        status: Some(feature_status.into()),
        effort: None,
        owner: None,
        acceptance_criteria: Vec::new(),
        jira: None,
        stories: Vec::new(),
    };
    let objective = TeamObjective {
        id: EntityId::Tp(10),
        name: "Faster search".into(),
        description: String::new(),
        status: Some("Draft".into()),
        effort: None,
        owner: None,
        committed: false,
        business_value: None,
        actual_business_value: None,
        program_objective: None,
        features: vec![feature],
    };
    Plan {
        objectives: vec![objective],
        ..Plan::default()
    }
}

/// Found by the chaos run (docs/chaos.md): a plan file edited while a push was interrupted
/// made `resume` (and every later push) fail with "uncommitted changes".
#[tokio::test]
async fn resume_keeps_edits_typed_after_the_interruption() {
    // A push journaled its operations and was killed before sending any.
    let (sim, tp, dir) = killed_push(|p| {
        p.objectives[0].effort = pi_model::Effort::new(31.0);
        let mut new = p.objectives[0].clone();
        new.id = "new:killed".parse().unwrap();
        new.name = "Created by the killed push".into();
        new.features.clear();
        p.objectives.push(new);
    })
    .await;
    let ws = Workspace::open(dir.path()).unwrap();
    let me = jane();
    // The planner goes on typing, then resumes.
    let mut plan = ws.local().unwrap();
    plan.objectives[1].name = "Typed after the push was killed".into();
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    let report = resume(&at(&tp, &me, 1), &ws)
        .await
        .unwrap()
        .expect("a push to resume");
    assert_eq!(report.ops.len(), 2);
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives[1].name, "Typed after the push was killed");
    let created = plan.objectives.last().unwrap();
    assert_eq!(created.name, "Created by the killed push");
    assert!(created.id.tp().is_some(), "its id was written back");
    let id = plan.objectives[0].id.tp().unwrap();
    let effort = objective_effort(&sim, id);
    assert_eq!(effort, Some(31.0));
    // The edit is still there for the next push.
    let outcome = push(&at(&tp, &me, 2), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    sim.shutdown().await;
}

/// Found by the chaos run (docs/chaos.md): a field another planner changed while a push was
/// interrupted was overwritten by the resumed push without a conflict.
#[tokio::test]
async fn resume_does_not_overwrite_an_edit_made_in_targetprocess_meanwhile() {
    // A push journaled both updates and was killed before sending them.
    let (sim, tp, dir) = killed_push(two_efforts).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let plan = ws.local().unwrap();
    // Meanwhile another planner sets the first objective's effort in Targetprocess.
    let [first, second] = [0, 1].map(|i| plan.objectives[i].id.tp().unwrap());
    sim.control()
        .update_entity("TeamPIObjectives", first, serde_json::json!({"Effort": 99}))
        .unwrap();
    let me = jane();
    resume(&at(&tp, &me, 1), &ws)
        .await
        .unwrap()
        .expect("a push to resume");
    let effort_of = |id: i64| objective_effort(&sim, id);
    assert_eq!(
        effort_of(first),
        Some(99.0),
        "their edit is not overwritten"
    );
    assert_eq!(effort_of(second), Some(32.0));
    let conflicts = crate::state::load_conflicts(&ws.local_dir().unwrap()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, Some(Field::Effort));
    assert_eq!(
        conflicts[0].remote,
        FieldValue::Effort(pi_model::Effort::new(99.0))
    );
    sim.shutdown().await;
}

/// Found by the chaos run (docs/chaos.md): a feature another planner edited while the push
/// deleting it was interrupted was deleted by the resumed push without a conflict.
#[tokio::test]
async fn resume_does_not_delete_an_entity_edited_in_targetprocess_meanwhile() {
    // A push journaled the delete and was killed before sending it.
    let (sim, tp, dir) = killed_push(|p| {
        p.objectives[0].features.remove(0);
    })
    .await;
    let ws = Workspace::open(dir.path()).unwrap();
    let record = open_journal(&ws)
        .unwrap()
        .unfinished(&ws.names.plan_slug())
        .unwrap()
        .unwrap();
    assert!(record.ops.iter().all(|o| o.op.is_delete()), "{record:?}");
    let feature = record.ops[0].op.entity().tp().unwrap();
    // Meanwhile another planner edits the feature in Targetprocess.
    sim.control()
        .update_entity("Features", feature, serde_json::json!({"Effort": 99}))
        .unwrap();
    let me = jane();
    resume(&at(&tp, &me, 1), &ws)
        .await
        .unwrap()
        .expect("a push to resume");
    assert!(
        sim.control().get_entity("Features", feature).is_some(),
        "the edited feature is not deleted"
    );
    let conflicts = crate::state::load_conflicts(&ws.local_dir().unwrap()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].entity, EntityId::Tp(feature));
    assert_eq!(conflicts[0].field, None, "an edit/delete conflict");
    sim.shutdown().await;
}

/// Found by the chaos run (docs/chaos.md): the op log entry of a resumed push left out the
/// operations sent before the interruption.
#[tokio::test]
async fn the_log_of_a_resumed_push_has_the_operations_sent_before_the_interruption() {
    let (sim, tp, dir) = killed_push(two_efforts).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let plan = ws.local().unwrap();
    let mut journal = open_journal(&ws).unwrap();
    let id = journal
        .unfinished(&ws.names.plan_slug())
        .unwrap()
        .unwrap()
        .id;
    // The first update went through, then the push was killed.
    land_effort(&tp, plan.objectives[0].id.tp().unwrap(), 31.0).await;
    journal.set_state(id, 0, OpState::Done, None, None).unwrap();
    drop(journal);
    let me = jane();
    let report = resume(&at(&tp, &me, 1), &ws)
        .await
        .unwrap()
        .expect("a push to resume");
    assert_eq!(report.ops.len(), 2, "{report:?}");
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    let entry = log.last().unwrap();
    assert_eq!(entry.kind, crate::oplog::OpKind::Push);
    let written: Vec<&EntityId> = entry.writes.iter().map(|w| &w.entity).collect();
    assert_eq!(
        written,
        vec![&plan.objectives[0].id, &plan.objectives[1].id],
        "{entry:?}"
    );
    sim.shutdown().await;
}

/// The plan file's edit of most of these tests: efforts 31 and 32 on the first two
/// objectives.
fn two_efforts(p: &mut Plan) {
    p.objectives[0].effort = pi_model::Effort::new(31.0);
    p.objectives[1].effort = pi_model::Effort::new(32.0);
}

/// An objective's effort as the simulator holds it.
fn objective_effort(sim: &pi_sim::RunningSim, id: i64) -> Option<f64> {
    sim.control().get_entity("TeamPIObjectives", id).unwrap()["Effort"].as_f64()
}

/// Sets an objective's effort in Targetprocess through the client, as a push's update does.
async fn land_effort(tp: &pi_targetprocess::TpClient, id: i64, effort: f64) {
    tp.update(
        Kind::TeamObjective,
        id,
        &[pi_targetprocess::FieldChange::Effort(
            pi_model::Effort::new(effort),
        )],
    )
    .await
    .unwrap();
}

/// A simulator, a client and a plan initialised from it.
async fn initialised() -> (
    pi_sim::RunningSim,
    pi_targetprocess::TpClient,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let (sim, tp) = crate::testing::initialised_in(dir.path(), None).await;
    (sim, tp, dir)
}

/// [`initialised`], and the push of the plan file's edits journaled as if killed before
/// sending anything (markers `killed-<i>`).
async fn killed_push(
    edit: impl Fn(&mut Plan),
) -> (
    pi_sim::RunningSim,
    pi_targetprocess::TpClient,
    tempfile::TempDir,
) {
    let (sim, tp, dir) = initialised().await;
    let ws = Workspace::open(dir.path()).unwrap();
    let mut plan = ws.local().unwrap();
    edit(&mut plan);
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    crate::testing::journal_unsent_push(&ws, |i| format!("killed-{i}"));
    drop(ws);
    (sim, tp, dir)
}

/// Found by the chaos run (docs/chaos.md): a resumed push sent a value the planner had
/// changed back in the plan file since, and the merge then took it into the file.
#[tokio::test]
async fn resume_does_not_send_a_value_the_planner_changed_again() {
    let (sim, tp, dir) =
        killed_push(|p| p.objectives[0].effort = pi_model::Effort::new(31.0)).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let before = ws.base().unwrap().plan.objectives[0].effort;
    let mut plan = ws.local().unwrap();
    plan.objectives[0].effort = before;
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    let me = jane();
    let ctx = at(&tp, &me, 1);
    resume(&ctx, &ws).await.unwrap().expect("a push to resume");
    let (release, team) = plan_ids(&plan).unwrap();
    let remote = tp.fetch_team_plan(release, team).await.unwrap().plan;
    assert_eq!(
        remote.objectives[0].effort, before,
        "the old intent is not sent"
    );
    assert_eq!(ws.local().unwrap().objectives[0].effort, before);
    sim.shutdown().await;
}

/// Found by the chaos run (docs/chaos.md): a pull after a push was interrupted right after
/// its create reached Targetprocess merged the new objective in a second time. A pull now
/// waits for the push to be completed.
#[tokio::test]
async fn a_pull_after_an_interrupted_create_has_the_new_objective_once() {
    let name = "Created just before the kill";
    let (sim, tp, dir) = killed_push(|p| {
        let mut new = p.objectives[0].clone();
        new.id = "new:killed".parse().unwrap();
        new.name = name.into();
        new.features.clear();
        p.objectives.push(new);
    })
    .await;
    let ws = Workspace::open(dir.path()).unwrap();
    let plan = ws.local().unwrap();
    let (release, team) = plan_ids(&plan).unwrap();
    // The create went through; its answer never came back.
    tp.create(
        Kind::TeamObjective,
        Placement { team, release },
        &[pi_targetprocess::FieldChange::Name(name.into())],
        &pi_targetprocess::IdempotencyMarker::for_operation("killed-0"),
    )
    .await
    .unwrap();
    open_journal(&ws)
        .unwrap()
        .set_state(1, 0, OpState::Sending, None, None)
        .unwrap();
    let me = jane();
    let ctx = at(&tp, &me, 1);
    let refused = crate::pull(&ctx, &ws, &crate::PullOptions::default()).await;
    assert!(
        refused
            .as_ref()
            .is_err_and(|e| e.to_string().contains("resume")),
        "{refused:?}"
    );
    resume(&ctx, &ws).await.unwrap().expect("a push to resume");
    crate::pull(&ctx, &ws, &crate::PullOptions::default())
        .await
        .unwrap();
    let plan = ws.local().unwrap();
    let named: Vec<&EntityId> = plan
        .objectives
        .iter()
        .filter(|o| o.name == name)
        .map(|o| &o.id)
        .collect();
    assert_eq!(named.len(), 1, "{named:?}");
    assert!(named[0].tp().is_some());
    sim.shutdown().await;
}

/// Found by the chaos run (docs/chaos.md): deleting a feature another planner edited in
/// Targetprocess since the last pull discarded their edit without a word.
#[test]
fn a_delete_of_an_entity_edited_in_targetprocess_is_stale() {
    let base = plan("Backlog");
    let delete = Op::DeleteFeature {
        id: EntityId::Tp(20),
        name: "Search filters".into(),
    };
    assert_eq!(stale_fields(&base, &base, &delete), vec![]);
    let edited = plan("Done");
    let stale = stale_fields(&base, &edited, &delete);
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0].field, Some(Field::Status));
    assert_eq!(stale[0].remote, FieldValue::OptText(Some("Done".into())));
    let delete_objective = Op::DeleteObjective {
        id: EntityId::Tp(10),
        name: "Faster search".into(),
    };
    let mut renamed = plan("Backlog");
    renamed.objectives[0].name = "Faster search (v2)".into();
    let stale = stale_fields(&base, &renamed, &delete_objective);
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0].field, Some(Field::Name));
}

/// Found by the chaos run (seeds 1001862, 1001876, 1001283): an update landed, its answer
/// was lost, and another planner set the field back to the value the push was planned
/// against; the resume took that for "not sent yet" and overwrote their edit silently.
/// The entity's version, recorded when the push was planned, tells the two apart.
#[tokio::test]
async fn a_resume_reports_an_update_that_may_have_landed_and_was_set_back() {
    let (sim, tp, dir) = killed_push(two_efforts).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let plan = ws.local().unwrap();
    let [first, second] = [0, 1].map(|i| plan.objectives[i].id.tp().unwrap());
    let before = ws.base().unwrap().plan.objectives[0].effort;
    let mut journal = open_journal(&ws).unwrap();
    let record = journal.unfinished(&ws.names.plan_slug()).unwrap().unwrap();
    let planned: BTreeMap<i64, Version> = tp
        .reread_versions(Kind::TeamObjective, &[first, second])
        .await
        .unwrap()
        .iter()
        .map(|(id, v)| (*id, Version::from(v)))
        .collect();
    journal.set_planned(record.id, &planned).unwrap();
    // Both updates were being sent; the first landed (its answer lost), the second did not.
    for seq in [0, 1] {
        journal
            .set_state(record.id, seq, OpState::Sending, None, None)
            .unwrap();
    }
    land_effort(&tp, first, 31.0).await;
    drop(journal);
    // Another planner sets the first effort back to what it was.
    let back = serde_json::json!({ "Effort": before.map(|e| e.points()) });
    sim.control()
        .update_entity("TeamPIObjectives", first, back)
        .unwrap();

    let me = jane();
    resume(&at(&tp, &me, 1), &ws).await.unwrap().unwrap();
    let effort_of = |id: i64| objective_effort(&sim, id);
    assert_eq!(
        effort_of(first),
        before.map(|e| e.points()),
        "their edit is not overwritten"
    );
    assert_eq!(
        effort_of(second),
        Some(32.0),
        "the update that never landed is sent"
    );
    let conflicts = crate::state::load_conflicts(&ws.local_dir().unwrap()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].entity, EntityId::Tp(first));
    assert_eq!(conflicts[0].field, Some(Field::Effort));
    assert_eq!(
        conflicts[0].local,
        FieldValue::Effort(pi_model::Effort::new(31.0))
    );
    assert_eq!(
        ws.local().unwrap().objectives[0].effort,
        pi_model::Effort::new(31.0),
        "the plan file keeps the planner's value until they resolve"
    );
    let states: Vec<OpState> = open_journal(&ws)
        .unwrap()
        .push(record.id)
        .unwrap()
        .ops
        .iter()
        .map(|o| o.state)
        .collect();
    assert_eq!(states, vec![OpState::Skipped, OpState::Done]);
    sim.shutdown().await;
}

/// Found by the chaos run (seeds 1001162, 1005079): a resume closed a delete it did not send
/// (the feature had been edited in Targetprocess) as done, then failed; the next resume
/// logged the delete as sent. Closed operations are now journaled as skipped.
#[tokio::test]
async fn a_delete_closed_by_a_resume_that_then_failed_is_not_logged_as_sent() {
    let (sim, tp, dir) = killed_push(|p| {
        p.objectives[0].features.remove(0);
        p.objectives[1].effort = pi_model::Effort::new(32.0);
    })
    .await;
    let ws = Workspace::open(dir.path()).unwrap();
    let feature = ws.base().unwrap().plan.objectives[0].features[0]
        .id
        .tp()
        .unwrap();
    sim.control()
        .update_entity("Features", feature, serde_json::json!({ "Effort": 99 }))
        .unwrap();
    // The first resume decides, then dies before sending anything.
    let me = jane();
    let mut journal = open_journal(&ws).unwrap();
    let record = journal.unfinished(&ws.names.plan_slug()).unwrap().unwrap();
    let record = reconcile(&at(&tp, &me, 1), &ws, &mut journal, record)
        .await
        .unwrap();
    let delete = record.ops.iter().find(|o| o.op.is_delete()).unwrap();
    assert_eq!(delete.state, OpState::Skipped);
    drop(journal);

    let report = resume(&at(&tp, &me, 2), &ws).await.unwrap().unwrap();
    assert!(report.ops.iter().all(|r| !r.op.is_delete()), "{report:?}");
    assert!(sim.control().get_entity("Features", feature).is_some());
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    let deleted: Vec<&EntityId> = log
        .last()
        .unwrap()
        .writes
        .iter()
        .filter(|w| w.field.is_none())
        .map(|w| &w.entity)
        .collect();
    assert_eq!(
        deleted,
        Vec::<&EntityId>::new(),
        "nothing logged as deleted"
    );
    let conflicts = crate::state::load_conflicts(&ws.local_dir().unwrap()).unwrap();
    assert!(
        conflicts
            .iter()
            .any(|c| c.entity == EntityId::Tp(feature) && c.field.is_none()),
        "the edit/delete conflict is reported: {conflicts:?}"
    );
    sim.shutdown().await;
}

/// Found by the chaos run (seed 1000594): a push was killed before sending a rename; another
/// planner then gave the item that very name in Targetprocess, and the planner renamed it
/// again. The resume took the name it found for its own write, and the newer name went out
/// without a conflict. An operation never sent has written nothing.
#[tokio::test]
async fn a_value_someone_else_wrote_before_an_unsent_update_is_theirs() {
    let (sim, tp, dir) =
        killed_push(|p| p.objectives[0].name = "Renamed by the killed push".into()).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let id = ws.local().unwrap().objectives[0].id.tp().unwrap();
    sim.control()
        .update_entity(
            "TeamPIObjectives",
            id,
            serde_json::json!({ "Name": "Renamed by the killed push" }),
        )
        .unwrap();
    let mut plan = ws.local().unwrap();
    plan.objectives[0].name = "Renamed again".into();
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    let me = jane();
    resume(&at(&tp, &me, 1), &ws).await.unwrap().unwrap();
    let conflicts = crate::state::load_conflicts(&ws.local_dir().unwrap()).unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0].field, Some(Field::Name));
    assert_eq!(
        conflicts[0].remote,
        FieldValue::Text("Renamed by the killed push".into())
    );
    assert_eq!(
        sim.control().get_entity("TeamPIObjectives", id).unwrap()["Name"],
        "Renamed by the killed push"
    );
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    assert!(
        log.last().unwrap().writes.is_empty(),
        "the push wrote nothing: {:?}",
        log.last()
    );
    sim.shutdown().await;
}

/// Found by the chaos run (seeds 2002616, 2007097): a process killed after it committed a
/// new Targetprocess snapshot and before it merged it into the plan left the tracking branch
/// ahead of the plan; the next pull and push compared the plan with that snapshot, read
/// Targetprocess's changes as the planner's, and a push sent the old values back.
#[tokio::test]
async fn a_snapshot_never_merged_into_the_plan_is_not_its_base() {
    let (sim, tp, dir) = initialised().await;
    let ws = Workspace::open(dir.path()).unwrap();
    let me = jane();
    let plan = ws.local().unwrap();
    let objective = plan.objectives[0].id.tp().unwrap();
    let feature = plan
        .features()
        .map(|(_, f)| f.id.tp().unwrap())
        .next()
        .unwrap();
    // Targetprocess changes an effort and a feature; a pull commits the new snapshot and is
    // killed before its merge.
    let control = sim.control();
    control
        .update_entity(
            "TeamPIObjectives",
            objective,
            serde_json::json!({"Effort": 77}),
        )
        .unwrap();
    control
        .update_entity("Features", feature, serde_json::json!({"Effort": 99}))
        .unwrap();
    let (release, team) = plan_ids(&plan).unwrap();
    let mut remote = tp.fetch_team_plan(release, team).await.unwrap();
    remote.plan.meta = plan.meta.clone();
    crate::tracking::commit_tracking(&ws.repo, &ws.names, &remote, &at(&tp, &me, 1), "Pull")
        .unwrap();
    let merged = ws.base().unwrap();
    assert_eq!(
        merged.plan.objectives[0].effort, plan.objectives[0].effort,
        "the base is the snapshot the plan merged"
    );
    // Nothing of it is the planner's to push.
    let outcome = push(&at(&tp, &me, 2), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(outcome, PushOutcome::NothingToPush { .. }),
        "{outcome:?}"
    );
    // The planner deletes the edited feature; the next pull reports the edit/delete conflict.
    let mut local = ws.local().unwrap();
    for o in &mut local.objectives {
        o.features.retain(|f| f.id != EntityId::Tp(feature));
    }
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&local)).unwrap();
    let report = crate::pull(&at(&tp, &me, 3), &ws, &crate::PullOptions::default())
        .await
        .unwrap();
    assert!(
        report
            .conflicts
            .iter()
            .any(|c| c.entity == EntityId::Tp(feature) && c.field.is_none()),
        "{report:?}"
    );
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives[0].effort, pi_model::Effort::new(77.0));
    assert_eq!(
        control.get_entity("TeamPIObjectives", objective).unwrap()["Effort"],
        77.0
    );
    sim.shutdown().await;
}
