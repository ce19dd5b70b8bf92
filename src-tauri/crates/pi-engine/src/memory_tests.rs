//! The engine's commands on the in-memory tracker: init, pull, push (every outcome, a refusal,
//! an interrupted push and its resume), resolve, and the progress a push reports. Each runs in
//! milliseconds, with no server; the same flows run against `pi-sim` over HTTP in `tests/`.

#![allow(clippy::unwrap_used)] // tests: a failure here is a failed test

use std::sync::Mutex;

use pi_model::merge::{FieldValue, Resolution};
use pi_model::{Effort, EntityId, Field, Plan};
use pi_targetprocess::Kind;

use crate::context::Context;
use crate::memory::{Call, Failure, MemoryTracker};
use crate::progress::Progress;
use crate::push::{PushOptions, PushOutcome};
use crate::testing::jane;
use crate::workspace::Workspace;

/// The account of these tests: one team's plan of two objectives, each with one feature.
struct Account {
    tp: MemoryTracker,
    release: i64,
    team: i64,
    objectives: [i64; 2],
    features: [i64; 2],
}

fn account() -> Account {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    tp.set_states(Kind::TeamObjective, &["Draft", "Pending", "Accepted"]);
    tp.set_states(Kind::Feature, &["Open", "In Progress", "Done"]);
    tp.add_user("Jane Doe", Some("jane"));
    let art = tp.add_art("Rocket ART");
    let release = tp.add_release(art, "PI 2026.1");
    let team = tp.add_team(art, "Team Rocket");
    let program = tp.add_program_objective(release, "Grow revenue");
    let objectives = ["Faster search", "Mobile checkout"].map(|name| {
        tp.add_objective(release, team, |o| {
            o.name = name.into();
            o.status = Some("Draft".into());
            o.effort = Effort::new(8.0);
            o.program_objective = Some(EntityId::Tp(program));
        })
    });
    let features = [("Search filters", 0), ("One-tap pay", 1)].map(|(name, at)| {
        tp.add_feature(release, &[objectives[at]], |f| {
            f.name = name.into();
            f.status = Some("Open".into());
        })
    });
    Account {
        tp,
        release,
        team,
        objectives,
        features,
    }
}

fn at<'a>(tp: &'a MemoryTracker, me: &'a pi_git::Identity, minute: i64) -> Context<'a> {
    crate::testing::at(tp, me, minute)
}

/// The account's plan initialised into `dir`.
async fn initialised(a: &Account, dir: &std::path::Path) -> Workspace {
    let req = crate::InitRequest {
        dir: dir.to_path_buf(),
        release: "PI 2026.1".into(),
        team: "team rocket".into(),
        remote: None,
    };
    crate::init(&at(&a.tp, &jane(), 0), &req).await.unwrap();
    Workspace::open(dir).unwrap()
}

/// Writes the plan file with `edit` applied, as a planner's editor does.
fn edit(ws: &Workspace, edit: impl FnOnce(&mut Plan)) {
    let mut plan = ws.local().unwrap();
    edit(&mut plan);
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
}

async fn push(a: &Account, ws: &Workspace, minute: i64) -> crate::Result<PushOutcome> {
    crate::push(&at(&a.tp, &jane(), minute), ws, PushOptions::default()).await
}

/// A new objective with one new feature under it.
fn add_new_objective(p: &mut Plan) {
    let mut new = p.objectives[0].clone();
    new.id = "new:launch".parse().unwrap();
    new.name = "Launch in Norway".into();
    new.features.truncate(1);
    new.features[0].id = "new:nordic-pay".parse().unwrap();
    new.features[0].name = "Nordic payments".into();
    p.objectives.push(new);
}

fn efforts(p: &mut Plan) {
    p.objectives[0].effort = Effort::new(13.0);
    p.objectives[1].effort = Effort::new(21.0);
}

fn effort_of(a: &Account, objective: i64) -> Option<f64> {
    a.tp.objective(objective)
        .unwrap()
        .effort
        .map(Effort::points)
}

#[tokio::test]
async fn init_writes_the_trackers_plan_with_its_ids() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    let plan = ws.local().unwrap();
    assert_eq!(plan.release.id, Some(a.release));
    assert_eq!(plan.team.id, Some(a.team));
    let ids: Vec<EntityId> = plan.objectives.iter().map(|o| o.id.clone()).collect();
    assert_eq!(ids, a.objectives.map(EntityId::Tp).to_vec());
    assert_eq!(
        plan.objectives[1].features[0].id,
        EntityId::Tp(a.features[1])
    );
    assert_eq!(
        plan.meta.tp_url.as_deref(),
        Some("https://acme.tpondemand.com")
    );
    assert_eq!(a.tp.calls(Call::Fetch), 1);
}

#[tokio::test]
async fn pull_brings_in_an_edit_made_in_the_tracker_beside_a_local_edit() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    a.tp.edit_objective(a.objectives[0], |o| o.status = Some("Accepted".into()));
    edit(&ws, |p| {
        p.objectives[1].name = "Mobile checkout everywhere".into()
    });
    let report = crate::pull(&at(&a.tp, &jane(), 1), &ws, &Default::default())
        .await
        .unwrap();
    assert!(
        report.tp_changed && report.conflicts.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.from_tp.len(), 1, "{report:?}");
    let plan = ws.local().unwrap();
    assert_eq!(plan.objectives[0].status.as_deref(), Some("Accepted"));
    assert_eq!(plan.objectives[1].name, "Mobile checkout everywhere");
}

#[tokio::test]
async fn a_conflict_found_by_pull_is_settled_by_resolve_and_then_pushed() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(5.0));
    edit(&ws, |p| p.objectives[0].effort = Effort::new(13.0));
    let pulled = crate::pull(&at(&a.tp, &jane(), 1), &ws, &Default::default())
        .await
        .unwrap();
    assert_eq!(pulled.conflicts.len(), 1, "{pulled:?}");
    assert_eq!(pulled.conflicts[0].field, Some(Field::Effort));
    let blocked = push(&a, &ws, 2).await.unwrap();
    assert_eq!(blocked, PushOutcome::Blocked { conflicts: 1 });
    let now = at(&a.tp, &jane(), 3).now;
    let selector = crate::Selector::default();
    let resolved = crate::resolve(&jane(), now, &ws, &selector, &Resolution::KeepLocal).unwrap();
    assert_eq!(resolved.remaining, 0);
    let pushed = push(&a, &ws, 4).await.unwrap();
    assert!(matches!(pushed, PushOutcome::Pushed(_)), "{pushed:?}");
    assert_eq!(effort_of(&a, a.objectives[0]), Some(13.0));
}

#[tokio::test]
async fn push_sends_updates_as_one_batch_then_creates_and_writes_the_new_ids_back() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, |p| {
        efforts(p);
        add_new_objective(p);
    });
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert_eq!(report.created.len(), 2, "{report:?}");
    assert_eq!(effort_of(&a, a.objectives[1]), Some(21.0));
    let plan = ws.local().unwrap();
    let new = plan.objectives.last().unwrap();
    let id = new.id.tp().expect("the new objective's id is written back");
    assert_eq!(a.tp.objective(id).unwrap().name, "Launch in Norway");
    let feature = new.features[0].id.tp().unwrap();
    assert_eq!(a.tp.feature(feature).unwrap().name, "Nordic payments");
    assert_eq!(
        push(&a, &ws, 2).await.unwrap(),
        PushOutcome::NothingToPush { resumed: 0 }
    );
}

#[tokio::test]
async fn a_push_reports_its_steps_and_each_batch_in_order() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, |p| {
        efforts(p);
        add_new_objective(p);
    });
    let seen = Mutex::new(Vec::new());
    let sink = |p: Progress| seen.lock().unwrap().push(p);
    let me = jane();
    let ctx = Context {
        progress: Some(&sink),
        ..at(&a.tp, &me, 1)
    };
    let outcome = crate::push(&ctx, &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    let sent = |sent| Progress::Sent { sent, total: 4 };
    assert_eq!(
        seen.into_inner().unwrap(),
        vec![
            Progress::ReadingPlan,
            Progress::Fetching,
            // The two updates as one batch, then the two creates one by one.
            sent(2),
            sent(3),
            sent(4),
            Progress::Fetching,
            Progress::Merging,
            Progress::Committing,
            Progress::Publishing,
        ]
    );
}

#[tokio::test]
async fn an_operation_refused_with_422_is_reported_and_the_rest_lands() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, |p| {
        p.objectives[0].effort = Effort::new(13.0);
        add_new_objective(p);
    });
    // The lone update is the first update sent.
    a.tp.fail(Call::Update, 1, Failure::Refused);
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    let refused: Vec<&str> = report
        .ops
        .iter()
        .filter_map(|o| o.result.as_ref().err())
        .map(String::as_str)
        .collect();
    assert_eq!(refused.len(), 1, "{report:?}");
    assert!(refused[0].contains("422"), "{refused:?}");
    assert_eq!(effort_of(&a, a.objectives[0]), Some(8.0), "not written");
    assert_eq!(report.created.len(), 2, "the creates landed: {report:?}");
    // The refused change stays in the plan file for the next push.
    assert_eq!(ws.local().unwrap().objectives[0].effort, Effort::new(13.0));
}

#[tokio::test]
async fn a_push_whose_create_lost_its_answer_resumes_without_creating_twice() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, add_new_objective);
    a.tp.fail(Call::Create, 1, Failure::DropAfterWrite);
    let interrupted = push(&a, &ws, 1).await;
    assert!(
        matches!(
            interrupted,
            Err(crate::EngineError::Tp(
                pi_targetprocess::TpError::Network { .. }
            ))
        ),
        "{interrupted:?}"
    );
    assert_eq!(
        a.tp.ids_named(Kind::TeamObjective, "Launch in Norway")
            .len(),
        1,
        "it landed"
    );
    let pulled = crate::pull(&at(&a.tp, &jane(), 2), &ws, &Default::default()).await;
    assert!(
        matches!(
            pulled,
            Err(crate::EngineError::InterruptedPush { ops_left: 2 })
        ),
        "{pulled:?}"
    );
    let report = crate::push::resume(&at(&a.tp, &jane(), 3), &ws)
        .await
        .unwrap()
        .unwrap();
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert_eq!(
        a.tp.ids_named(Kind::TeamObjective, "Launch in Norway")
            .len(),
        1,
        "created once"
    );
    assert_eq!(
        a.tp.calls(Call::Create),
        2,
        "the objective once, then its feature"
    );
    let plan = ws.local().unwrap();
    assert!(
        plan.objectives.iter().all(|o| o.id.tp().is_some()),
        "{plan:?}"
    );
    assert_eq!(
        push(&a, &ws, 4).await.unwrap(),
        PushOutcome::NothingToPush { resumed: 0 }
    );
}

#[tokio::test]
async fn a_500_in_a_batch_stops_the_push_and_resume_sends_only_what_did_not_land() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, efforts);
    a.tp.fail(Call::Update, 2, Failure::Server);
    let interrupted = push(&a, &ws, 1).await;
    assert!(
        matches!(interrupted, Err(crate::EngineError::Tp(_))),
        "{interrupted:?}"
    );
    assert_eq!(
        effort_of(&a, a.objectives[0]),
        Some(13.0),
        "the first landed"
    );
    assert_eq!(
        effort_of(&a, a.objectives[1]),
        Some(8.0),
        "the second did not"
    );
    let report = crate::push::resume(&at(&a.tp, &jane(), 2), &ws)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.ops.len(), 2, "{report:?}");
    assert_eq!(effort_of(&a, a.objectives[1]), Some(21.0));
    let updates: Vec<Option<i64>> =
        a.tp.call_log()
            .into_iter()
            .filter(|(c, _)| *c == Call::Update)
            .map(|(_, id)| id)
            .collect();
    let [first, second] = a.objectives.map(Some);
    assert_eq!(
        updates,
        vec![first, second, second],
        "the landed update is not sent again"
    );
}

#[tokio::test]
async fn every_push_outcome_on_the_memory_tracker() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    assert_eq!(
        push(&a, &ws, 1).await.unwrap(),
        PushOutcome::NothingToPush { resumed: 0 }
    );

    edit(&ws, |p| p.objectives[1].features.clear());
    let preview = crate::push(
        &at(&a.tp, &jane(), 2),
        &ws,
        PushOptions {
            dry_run: true,
            yes: false,
        },
    )
    .await
    .unwrap();
    assert!(
        matches!(&preview, PushOutcome::Preview { ops } if ops.len() == 1),
        "{preview:?}"
    );
    let unconfirmed = push(&a, &ws, 3).await.unwrap();
    assert!(
        matches!(&unconfirmed, PushOutcome::NeedsConfirmation { ops } if ops[0].is_delete()),
        "{unconfirmed:?}"
    );

    edit(&ws, |p| p.objectives[0].name = "Fastest search".into());
    a.tp.edit_objective(a.objectives[0], |o| o.name = "Search, faster".into());
    let changed = crate::push(
        &at(&a.tp, &jane(), 4),
        &ws,
        PushOptions {
            dry_run: false,
            yes: true,
        },
    )
    .await
    .unwrap();
    let PushOutcome::RemoteChanged { stale } = changed else {
        panic!("{changed:?}");
    };
    assert_eq!(stale[0].field, Some(Field::Name));
    assert_eq!(stale[0].remote, FieldValue::Text("Search, faster".into()));
    assert!(a.tp.feature(a.features[1]).is_some(), "nothing was deleted");
}

#[tokio::test]
async fn a_push_the_approval_policy_does_not_allow_yet_awaits_approval() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    std::fs::write(
        dir.path().join(pi_model::CONFIG_FILE_NAME),
        "[approvals]\nrequired = 1\napprovers = [{ email = \"bo@example.com\" }]\n",
    )
    .unwrap();
    edit(&ws, efforts);
    let outcome = push(&a, &ws, 1).await.unwrap();
    let PushOutcome::AwaitingApproval { status } = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(status.change.ops.len(), 2);
    assert!(!status.is_met());
    assert_eq!(
        effort_of(&a, a.objectives[0]),
        Some(8.0),
        "nothing was sent"
    );
    assert_eq!(a.tp.calls(Call::Update), 0);
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    assert!(
        log.iter().all(|e| e.kind != crate::oplog::OpKind::Push),
        "no failed push: {log:?}"
    );
    let overridden = crate::push_overriding(
        &at(&a.tp, &jane(), 2),
        &ws,
        PushOptions::default(),
        Some("owners away"),
    )
    .await
    .unwrap();
    assert!(
        matches!(overridden, PushOutcome::Pushed(_)),
        "{overridden:?}"
    );
    assert_eq!(effort_of(&a, a.objectives[0]), Some(13.0));
}

#[cfg(test)]
mod watch;

#[cfg(test)]
mod saved_during_pull;

#[cfg(test)]
mod owned;

#[cfg(test)]
mod after_push;
