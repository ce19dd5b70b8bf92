//! The refused-push sequence in the app, against the demo Targetprocess: a feature whose owner
//! Targetprocess does not know is refused with its reason, listed as refused until it is fixed
//! or discarded, and nothing is stuck; an interrupted push is named as such and finished.

use pi_sim::Faults;

use super::*;
use crate::dto::{FeatureDto, FeatureKindDto, PushSummaryDto, RefusedDto};
use crate::session_fixture::{Fixture, demo_with_plan};

const NAME: &str = "Audit log export";
const NOBODY: &str = "Mara Lind";

/// Makes [`NOBODY`] one of the account's users in the plan's cached list, as when she was a
/// Targetprocess user at the save and left the account before the push.
async fn nobody_was_a_user(f: &Fixture) {
    let users = f.session.users().await.expect("users");
    let inner = f.session.inner.lock().await;
    let path = plan_path(&inner.settings).expect("plan open");
    let dir = pi_engine::Workspace::open(path.parent().expect("folder"))
        .expect("workspace")
        .local_dir()
        .expect("local state");
    let mut users = users;
    users.push(crate::dto::UserDto {
        name: NOBODY.into(),
        login: None,
    });
    std::fs::write(
        dir.join("users.json"),
        serde_json::to_string(&users).expect("json"),
    )
    .expect("users cached");
}

fn new_feature(owner: &str) -> FeatureDto {
    FeatureDto {
        id: None,
        kind: FeatureKindDto::Feature,
        name: NAME.into(),
        description: String::new(),
        status: None,
        effort: Some(5.0),
        owner: Some(owner.into()),
        acceptance_criteria: Vec::new(),
        jira_key: None,
        jira_url: None,
        jira_browse_url: None,
        stories: Vec::new(),
    }
}

/// Features named [`NAME`] in the demo Targetprocess, with their owners' full names.
async fn owners_in_tp(f: &Fixture) -> Vec<Option<String>> {
    let inner = f.session.inner.lock().await;
    let control = inner.demo.as_ref().expect("the demo runs").control();
    control
        .ids("Features")
        .into_iter()
        .filter_map(|id| control.get_entity("Features", id))
        .filter(|e| e["Name"] == NAME)
        .map(|e| e["Owner"]["FullName"].as_str().map(str::to_owned))
        .collect()
}

/// A user the demo Targetprocess knows.
async fn known_user(f: &Fixture) -> String {
    let inner = f.session.inner.lock().await;
    let client = inner.client.clone().expect("connected");
    drop(inner);
    client.list_users().await.expect("users")[1].name.clone()
}

/// Adds the new feature with `owner` under the first objective and pushes.
async fn add_and_push(f: &Fixture, view: &PlanView, owner: &str) -> PushSummaryDto {
    nobody_was_a_user(f).await;
    let mut edited = view.plan.clone();
    edited.objectives[0].features.push(new_feature(owner));
    f.session.save_plan(edited).await.expect("saved");
    pushed(f).await
}

async fn pushed(f: &Fixture) -> PushSummaryDto {
    match f.session.push(false, &|_| {}).await.expect("pushed") {
        PushOutcomeDto::Pushed { summary } => summary,
        other => panic!("expected a push, got {other:?}"),
    }
}

fn the_refusal(refused: &[RefusedDto]) -> &RefusedDto {
    assert_eq!(refused.len(), 1, "{refused:?}");
    &refused[0]
}

#[tokio::test]
async fn an_unknown_owner_is_refused_in_words_then_fixed_and_pushed() {
    let (f, view) = demo_with_plan().await;
    let summary = add_and_push(&f, &view, NOBODY).await;
    let r = the_refusal(&summary.refused);
    assert_eq!((r.kind.as_str(), r.name.as_str()), ("feature", NAME));
    assert_eq!(r.change[0], format!("Create feature \"{NAME}\""), "{r:?}");
    assert!(
        r.change.contains(&format!("Owner: {NOBODY}")),
        "the new item's fields: {r:?}"
    );
    assert!(r.fields.is_empty(), "a refused create is discarded whole");
    assert!(r.reason.contains(NOBODY), "{}", r.reason);
    assert!(!r.reason.contains("tp:") && !r.reason.contains("new:") && !r.reason.contains("/api"));
    assert!(owners_in_tp(&f).await.is_empty());

    let status = f.session.sync_status().await.expect("status");
    assert_eq!(status.unfinished_push, 0, "nothing is left open");
    assert_eq!(status.local_changes, 1, "the new feature is still to push");
    assert_eq!(the_refusal(&status.refused), r);

    f.session
        .pull(false, &|_| {})
        .await
        .expect("a pull is not blocked");

    let user = known_user(&f).await;
    let mut fixed = f.session.plan().await.expect("plan").plan;
    let feature = fixed.objectives[0]
        .features
        .iter_mut()
        .find(|x| x.name == NAME)
        .expect("the refused feature stays in the plan");
    feature.owner = Some(user.clone());
    f.session.save_plan(fixed).await.expect("saved");
    let summary = pushed(&f).await;
    assert!(summary.refused.is_empty(), "{summary:?}");
    assert_eq!(summary.sent.len(), 1, "one change: {summary:?}");
    assert_eq!(
        summary.sent[0].lines[0],
        format!("Create feature \"{NAME}\"")
    );
    assert!(
        summary.sent[0].lines.contains(&format!("Owner: {user}")),
        "a new item shows its fields: {summary:?}"
    );
    assert_eq!(owners_in_tp(&f).await, vec![Some(user)]);
    let status = f.session.sync_status().await.expect("status");
    assert!(
        status.refused.is_empty() && status.local_changes == 0,
        "{status:?}"
    );
}

#[tokio::test]
async fn a_refused_change_is_discarded_and_nothing_is_left_to_push() {
    let (f, view) = demo_with_plan().await;
    let summary = add_and_push(&f, &view, NOBODY).await;
    let r = the_refusal(&summary.refused).clone();
    let after = f
        .session
        .discard(DiscardRequest {
            entity: r.entity.clone(),
            fields: r.fields.clone(),
        })
        .await
        .expect("discarded");
    assert!(
        after.plan.objectives[0]
            .features
            .iter()
            .all(|x| x.name != NAME),
        "the new feature is gone"
    );
    assert!(after.can_undo, "a discard is an edit that can be undone");
    let status = f.session.sync_status().await.expect("status");
    assert!(
        status.refused.is_empty() && status.local_changes == 0,
        "{status:?}"
    );
    f.session.pull(false, &|_| {}).await.expect("pulled");
    assert_eq!(
        f.session.push_preview().await.expect("preview"),
        PushOutcomeDto::NothingToPush { resumed: 0 }
    );
    assert!(owners_in_tp(&f).await.is_empty());

    let gone = f
        .session
        .discard(DiscardRequest {
            entity: r.entity,
            fields: Vec::new(),
        })
        .await
        .expect_err("discarded already");
    assert_eq!(gone.code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_refused_owner_of_an_objective_is_discarded_field_by_field() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    let before = edited.objectives[0].owner.clone();
    edited.objectives[0].owner = Some(NOBODY.into());
    edited.objectives[0].description = format!("{} More.", edited.objectives[0].description);
    nobody_was_a_user(&f).await;
    f.session.save_plan(edited).await.expect("saved");
    let summary = pushed(&f).await;
    let r = the_refusal(&summary.refused).clone();
    assert_eq!(r.kind, "objective");
    assert!(r.fields.contains(&"owner".to_owned()), "{r:?}");
    let after = f
        .session
        .discard(DiscardRequest {
            entity: r.entity,
            fields: r.fields,
        })
        .await
        .expect("discarded");
    assert_eq!(after.plan.objectives[0].owner, before);
    assert!(
        f.session
            .sync_status()
            .await
            .expect("status")
            .refused
            .is_empty()
    );
}

#[tokio::test]
async fn an_interrupted_push_is_named_and_finished() {
    let (f, view) = demo_with_plan().await;
    let faults = {
        let inner = f.session.inner.lock().await;
        let control = inner.demo.as_ref().expect("the demo runs").control();
        let normal = control.faults();
        control.set_faults(Faults {
            drop_after_apply: Some(0),
            ..normal.clone()
        });
        normal
    };
    let mut edited = view.plan.clone();
    let effort = edited.objectives[0].effort.unwrap_or(0.0) + 13.0;
    edited.objectives[0].effort = Some(effort);
    f.session.save_plan(edited).await.expect("saved");
    let cut = f.session.push(false, &|_| {}).await;
    assert!(cut.is_err(), "the answer to the write was lost: {cut:?}");
    {
        let inner = f.session.inner.lock().await;
        inner
            .demo
            .as_ref()
            .expect("the demo runs")
            .control()
            .set_faults(faults);
    }

    let status = f.session.sync_status().await.expect("status");
    assert!(status.unfinished_push > 0, "{status:?}");
    let e = f
        .session
        .pull(false, &|_| {})
        .await
        .expect_err("resume first");
    assert_eq!(e.code, ErrorCode::InterruptedPush);
    assert!(e.hints[0].contains("Finish the interrupted push"), "{e:?}");

    let outcome = f.session.resume(&|_| {}).await.expect("finished");
    assert!(
        matches!(outcome, PushOutcomeDto::Pushed { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        f.session
            .sync_status()
            .await
            .expect("status")
            .unfinished_push,
        0
    );
    f.session
        .pull(false, &|_| {})
        .await
        .expect("a pull works again");
    assert_eq!(
        f.session.plan().await.expect("plan").plan.objectives[0].effort,
        Some(effort)
    );
    assert_eq!(
        f.session.resume(&|_| {}).await.expect("nothing left"),
        PushOutcomeDto::NothingToPush { resumed: 0 }
    );
}

#[tokio::test]
async fn a_resume_is_measured_into_the_plan_folders_metrics() {
    let (f, view) = demo_with_plan().await;
    let set = |faults: Faults| {
        let session = &f.session;
        async move {
            let inner = session.inner.lock().await;
            inner
                .demo
                .as_ref()
                .expect("demo")
                .control()
                .set_faults(faults);
        }
    };
    set(Faults {
        drop_after_apply: Some(0),
        ..Faults::default()
    })
    .await;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 7.0);
    f.session.save_plan(edited).await.expect("saved");
    assert!(f.session.push(false, &|_| {}).await.is_err());
    set(Faults::default()).await;
    let before = f.session.sync_health().await.expect("health");
    f.session.resume(&|_| {}).await.expect("finished");
    let after = f.session.sync_health().await.expect("health");
    assert_eq!(after.operations, before.operations + 1, "{after:?}");
    let (b, a) = (&before.teams[0], &after.teams[0]);
    assert_eq!(a.syncs, b.syncs + 1, "a resume is a sync");
    assert_eq!(a.failed, b.failed);
    assert_eq!(a.failure_streak, 0, "the resume ended the push's failure");
    assert!(b.failure_streak >= 1, "{before:?}");
}
