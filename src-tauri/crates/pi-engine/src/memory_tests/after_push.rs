//! The end of a push that only updated existing entities in batches: Targetprocess's state
//! after it is the last snapshot with the entities the bulk answers carried, not a read of the
//! whole plan (decision 0024); anything else, and a plan shared through a git remote, still
//! reads the plan whole.

use super::*;
use crate::state::Versions;
use crate::tracker::Tracker;

/// Both objectives' and both features' efforts changed: two batches, no lone update.
fn four_efforts(p: &mut Plan) {
    efforts(p);
    p.objectives[0].features[0].effort = Effort::new(3.0);
    p.objectives[1].features[0].effort = Effort::new(5.0);
}

/// The tracking branch holds exactly what a read of the tracker gives now.
async fn tracking_is_the_trackers_state(a: &Account, ws: &Workspace) {
    let base = ws.base().unwrap();
    let now = a.tp.fetch_team_plan(a.release, a.team).await.unwrap();
    assert_eq!(base.plan.objectives, now.plan.objectives);
    assert_eq!(base.versions, Versions::from_remote(&now));
}

#[tokio::test]
async fn a_push_of_batched_updates_takes_the_state_after_it_from_the_bulk_answers() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, four_efforts);
    let fetches = a.tp.calls(Call::Fetch);
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert!(report.mismatches.is_empty(), "{report:?}");
    assert_eq!(
        a.tp.calls(Call::Fetch),
        fetches,
        "the plan is not read again"
    );
    tracking_is_the_trackers_state(&a, &ws).await;
    let status = crate::status(None, &ws).await.unwrap();
    assert!(status.local_changes.is_empty(), "{status:?}");
    assert_eq!(
        push(&a, &ws, 2).await.unwrap(),
        PushOutcome::NothingToPush { resumed: 0 }
    );
}

#[tokio::test]
async fn a_field_someone_else_changed_on_a_written_entity_comes_with_its_answer() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, four_efforts);
    // Another field of a written objective, changed in Targetprocess after the last pull.
    a.tp.edit_objective(a.objectives[0], |o| {
        o.description = "Scoped with the search guild.".into();
    });
    let fetches = a.tp.calls(Call::Fetch);
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    // The objective moved since the pull: the preflight reads the plan to compare the fields
    // the push writes (none was changed). The end of the push reads nothing.
    assert_eq!(a.tp.calls(Call::Fetch), fetches + 1);
    tracking_is_the_trackers_state(&a, &ws).await;
    let plan = ws.local().unwrap();
    assert_eq!(
        plan.objectives[0].description,
        "Scoped with the search guild."
    );
    assert_eq!(plan.objectives[0].effort, Effort::new(13.0));
}

#[tokio::test]
async fn a_push_with_a_create_reads_the_plan_whole() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, |p| {
        four_efforts(p);
        add_new_objective(p);
    });
    let fetches = a.tp.calls(Call::Fetch);
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    assert_eq!(report.created.len(), 2, "{report:?}");
    assert_eq!(a.tp.calls(Call::Fetch), fetches + 1);
    tracking_is_the_trackers_state(&a, &ws).await;
}

#[tokio::test]
async fn a_written_feature_linked_elsewhere_since_the_snapshot_reads_the_plan_whole() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, four_efforts);
    // The first feature is linked to the second objective too: its place in the plan is no
    // longer the snapshot's.
    assert!(a.tp.link_feature(a.features[0], a.objectives[1]));
    let fetches = a.tp.calls(Call::Fetch);
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    // The preflight's read (the feature moved), then the end of the push's.
    assert_eq!(a.tp.calls(Call::Fetch), fetches + 2);
    tracking_is_the_trackers_state(&a, &ws).await;
    let base = ws.base().unwrap();
    assert_eq!(
        base.versions.feature_links.get(&a.features[0]),
        Some(&a.objectives.to_vec())
    );
}

#[tokio::test]
async fn a_resumed_push_reads_the_plan_whole() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    edit(&ws, four_efforts);
    // The features' batch is written, then its answer is lost: the push stops there.
    a.tp.fail(Call::Update, 4, Failure::DropAfterWrite);
    assert!(push(&a, &ws, 1).await.is_err());
    let fetches = a.tp.calls(Call::Fetch);
    let report = crate::sending::resume(&at(&a.tp, &jane(), 2), &ws)
        .await
        .unwrap()
        .expect("an interrupted push");
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert!(a.tp.calls(Call::Fetch) > fetches);
    tracking_is_the_trackers_state(&a, &ws).await;
}

#[tokio::test]
async fn a_push_of_a_plan_shared_through_a_remote_reads_the_plan_whole() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("shared.git");
    pi_git::PlanRepo::init_bare(&bare).unwrap();
    let clone = dir.path().join("clone");
    let req = crate::InitRequest {
        dir: clone.clone(),
        release: "PI 2026.1".into(),
        team: "team rocket".into(),
        remote: Some(bare.display().to_string()),
    };
    crate::init(&at(&a.tp, &jane(), 0), &req).await.unwrap();
    let ws = Workspace::open(&clone).unwrap();
    edit(&ws, four_efforts);
    let fetches = a.tp.calls(Call::Fetch);
    let PushOutcome::Pushed(report) = push(&a, &ws, 1).await.unwrap() else {
        panic!("not pushed");
    };
    assert!(report.ops.iter().all(|o| o.result.is_ok()), "{report:?}");
    assert_eq!(a.tp.calls(Call::Fetch), fetches + 1);
    tracking_is_the_trackers_state(&a, &ws).await;
}
