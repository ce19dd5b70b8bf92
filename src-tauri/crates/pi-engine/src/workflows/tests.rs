//! The account's workflows kept on the tracking branch: written by init and pull, kept when a
//! read fails (with a notice), read back for validation; a plan file outside a repository gets
//! the usual names.

#![allow(clippy::unwrap_used)] // tests: a failure here is a failed test

use pi_model::{Plan, StatusConfig, StatusSource};
use pi_targetprocess::{Kind, NoticeKind};

use super::*;
use crate::memory::{Call, Failure, MemoryTracker};
use crate::testing::{at, jane};
use crate::workspace::Workspace;

fn account() -> MemoryTracker {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    tp.set_states(Kind::TeamObjective, &["Draft", "Accepted"]);
    tp.set_states(Kind::Feature, &["New", "Planned", "Implemented"]);
    let art = tp.add_art("Rocket ART");
    let release = tp.add_release(art, "PI 2026.1");
    let team = tp.add_team(art, "Team Rocket");
    tp.add_objective(release, team, |o| {
        o.name = "Faster search".into();
        o.status = Some("Draft".into());
    });
    tp
}

async fn initialised(tp: &MemoryTracker, dir: &Path) -> Workspace {
    let req = crate::InitRequest {
        dir: dir.to_path_buf(),
        release: "PI 2026.1".into(),
        team: "Team Rocket".into(),
        remote: None,
    };
    crate::init(&at(tp, &jane(), 0), &req).await.unwrap();
    Workspace::open(dir).unwrap()
}

fn feature_names(ws: &Workspace) -> Vec<String> {
    let stored = stored(&ws.repo, &ws.names).unwrap().unwrap();
    stored.names(pi_model::StatusKind::Feature)
}

#[tokio::test]
async fn init_keeps_the_accounts_states_on_the_tracking_branch() {
    let tp = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&tp, dir.path()).await;
    assert_eq!(tp.calls(Call::Workflows), 1);
    assert_eq!(feature_names(&ws), ["New", "Planned", "Implemented"]);
    let known = known_statuses(&ws.repo, &ws.names, &StatusConfig::default()).unwrap();
    assert_eq!(known.feature.source, StatusSource::Account);
    assert_eq!(known.objective.names, ["Draft", "Accepted"]);
    // The plan file's own repository and release/team find the same states.
    let plan = ws.local().unwrap();
    let path = ws.plan_path().unwrap();
    let by_file = known_statuses_for_file(&path, &plan, &StatusConfig::default()).unwrap();
    assert_eq!(by_file, known);
    // `[statuses]` still wins for the kind it lists.
    let config = StatusConfig {
        feature: Some(vec!["Funnel".into()]),
        objective: None,
    };
    let known = known_statuses(&ws.repo, &ws.names, &config).unwrap();
    assert_eq!(known.feature.source, StatusSource::Configured);
    assert_eq!(known.objective.source, StatusSource::Account);
}

#[tokio::test]
async fn a_pull_takes_in_changed_states_and_keeps_them_when_the_read_fails() {
    let tp = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&tp, dir.path()).await;
    tp.set_states(Kind::Feature, &["New", "Planned", "Released"]);
    let opts = crate::PullOptions::default();
    let report = crate::pull(&at(&tp, &jane(), 1), &ws, &opts).await.unwrap();
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    assert_eq!(feature_names(&ws), ["New", "Planned", "Released"]);

    tp.set_states(Kind::Feature, &["Gone"]);
    tp.fail(Call::Workflows, 3, Failure::Server);
    let report = crate::pull(&at(&tp, &jane(), 2), &ws, &opts).await.unwrap();
    let notice = report
        .notices
        .iter()
        .find(|n| n.kind == NoticeKind::WorkflowsUnread)
        .unwrap();
    assert!(
        notice.message.contains("injected server error"),
        "{notice:?}"
    );
    assert_eq!(feature_names(&ws), ["New", "Planned", "Released"]);
    // The plan itself was pulled whole.
    assert_eq!(ws.local().unwrap().objectives[0].name, "Faster search");
}

#[test]
fn a_plan_file_outside_a_repository_gets_the_usual_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut plan = Plan::default();
    plan.release.name = "PI 2026.1".into();
    plan.team.name = "Team Rocket".into();
    let file = dir.path().join("plan.md");
    let known = known_statuses_for_file(&file, &plan, &StatusConfig::default()).unwrap();
    assert_eq!(known.feature.source, StatusSource::Usual);
    assert_eq!(known.objective.source, StatusSource::Usual);
}

#[tokio::test]
async fn a_states_file_that_does_not_read_is_an_error_naming_it() {
    let tp = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&tp, dir.path()).await;
    let path = states_path(&ws.names.plan_slug());
    let bad: [(&str, &[u8]); 1] = [(path.as_str(), b"{\"feature\": [{\"nme\": 1}]}")];
    let me = jane();
    let ctx = at(&tp, &me, 1);
    let message = pi_git::CommitMessage::new("Damaged");
    ws.repo
        .commit_files(&ws.names.tracking(), &bad, &message, &ctx.tp_stamp())
        .unwrap();
    let err = stored(&ws.repo, &ws.names).unwrap_err().to_string();
    assert!(err.contains(&path), "{err}");
    assert!(err.contains("line 1"), "{err}");
}

#[tokio::test]
async fn a_push_is_held_by_a_status_the_account_lacks_and_sent_with_one_it_has() {
    let tp = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&tp, dir.path()).await;
    let set_status = |status: &str| {
        let mut plan = ws.local().unwrap();
        plan.objectives[0].status = Some(status.into());
        let text = pi_format::render(&plan);
        std::fs::write(ws.plan_path().unwrap(), text).unwrap();
    };
    set_status("Pending");
    let me = jane();
    let ctx = at(&tp, &me, 1);
    let outcome = crate::push(&ctx, &ws, crate::PushOptions::default())
        .await
        .unwrap();
    let crate::PushOutcome::BlockedByValidation { findings } = outcome else {
        panic!("not held: {outcome:?}");
    };
    assert_eq!(findings[0].rule, "known-status");
    assert!(
        findings[0].message.contains("Draft, Accepted"),
        "{}",
        findings[0].message
    );
    set_status("Accepted");
    let outcome = crate::push(&ctx, &ws, crate::PushOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(outcome, crate::PushOutcome::Pushed { .. }),
        "{outcome:?}"
    );
}
