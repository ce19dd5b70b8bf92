//! The push's validation gate on the in-memory tracker: a plan with a validation error is not
//! pushed, an override reason lets it through and is recorded in the op log, and
//! `[validation] block_push = false` turns the gate off.

#![allow(clippy::unwrap_used)] // tests: a failure here is a failed test

use pi_model::{Effort, Field};
use pi_targetprocess::Kind;

use crate::memory::{Call, MemoryTracker};
use crate::oplog::OpKind;
use crate::push::{PushOptions, PushOutcome, push_overriding};
use crate::testing::{at, jane};
use crate::workspace::Workspace;

const NO_MORE_THAN_20: &str = "[validation]\neffort_range = { max = 20, level = \"error\" }\n";

/// One team's plan of one objective (effort 8) initialised into `dir`, then its effort set to
/// `effort` in the plan file, and `config` written as `pi-planner.toml`.
async fn edited(tp: &MemoryTracker, dir: &std::path::Path, effort: f64, config: &str) -> i64 {
    tp.set_states(Kind::TeamObjective, &["Draft", "Accepted"]);
    tp.set_states(Kind::Feature, &["Open", "Done"]);
    let art = tp.add_art("Rocket ART");
    let release = tp.add_release(art, "PI 2026.1");
    let team = tp.add_team(art, "Team Rocket");
    let id = tp.add_objective(release, team, |o| {
        o.name = "Faster search".into();
        o.status = Some("Draft".into());
        o.effort = Effort::new(8.0);
    });
    let req = crate::InitRequest {
        dir: dir.to_path_buf(),
        release: "PI 2026.1".into(),
        team: "Team Rocket".into(),
        remote: None,
    };
    crate::init(&at(tp, &jane(), 0), &req).await.unwrap();
    std::fs::write(dir.join(pi_model::CONFIG_FILE_NAME), config).unwrap();
    let ws = Workspace::open(dir).unwrap();
    let mut plan = ws.local().unwrap();
    plan.objectives[0].effort = Effort::new(effort);
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    id
}

async fn push(tp: &MemoryTracker, ws: &Workspace, reason: Option<&str>) -> PushOutcome {
    push_overriding(&at(tp, &jane(), 1), ws, PushOptions::default(), reason)
        .await
        .unwrap()
}

fn effort(tp: &MemoryTracker, id: i64) -> Option<f64> {
    tp.objective(id).unwrap().effort.map(|e| e.points())
}

#[tokio::test]
async fn a_plan_with_a_validation_error_is_not_pushed_and_the_error_is_located() {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    let dir = tempfile::tempdir().unwrap();
    let id = edited(&tp, dir.path(), 30.0, NO_MORE_THAN_20).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let outcome = push(&tp, &ws, None).await;
    let PushOutcome::BlockedByValidation { findings } = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(f.rule, "effort-range");
    assert_eq!(f.field, Some(Field::Effort));
    assert_eq!(f.item.as_ref().and_then(|i| i.tp()), Some(id));
    assert_eq!(f.item_name.as_deref(), Some("Faster search"));
    let text = std::fs::read_to_string(ws.plan_path().unwrap()).unwrap();
    let line = text.lines().nth(f.line - 1).unwrap();
    assert!(
        line.to_lowercase().contains("effort"),
        "line {}: {line}",
        f.line
    );
    assert_eq!(effort(&tp, id), Some(8.0), "nothing was sent");
    assert_eq!(tp.calls(Call::Update), 0);
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    assert!(log.iter().all(|e| e.kind == OpKind::Init), "{log:?}");
}

#[tokio::test]
async fn an_override_reason_pushes_and_is_recorded_in_the_op_log() {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    let dir = tempfile::tempdir().unwrap();
    let id = edited(&tp, dir.path(), 30.0, NO_MORE_THAN_20).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let outcome = push(&tp, &ws, Some("agreed at the PO sync")).await;
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    assert_eq!(effort(&tp, id), Some(30.0));
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    let overrides: Vec<_> = log
        .iter()
        .filter(|e| e.kind == OpKind::ValidationOverride)
        .collect();
    assert_eq!(overrides.len(), 1, "{log:?}");
    let entry = overrides[0];
    assert_eq!(
        crate::push::override_reason(entry),
        Some("agreed at the PO sync")
    );
    assert!(
        entry.summary.contains("1 validation error"),
        "{}",
        entry.summary
    );
    assert!(
        matches!(&entry.actor, crate::oplog::Actor::Person { email, .. } if email == "jane@example.com")
    );
}

#[tokio::test]
async fn block_push_false_turns_the_gate_off_and_warnings_never_block() {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    let dir = tempfile::tempdir().unwrap();
    let off = format!("{NO_MORE_THAN_20}block_push = false\n");
    let id = edited(&tp, dir.path(), 30.0, &off).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let outcome = push(&tp, &ws, None).await;
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    assert_eq!(effort(&tp, id), Some(30.0));

    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    let dir = tempfile::tempdir().unwrap();
    let warning = "[validation]\neffort_range = { max = 20, level = \"warning\" }\n";
    let id = edited(&tp, dir.path(), 30.0, warning).await;
    let ws = Workspace::open(dir.path()).unwrap();
    let outcome = push(&tp, &ws, None).await;
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    assert_eq!(effort(&tp, id), Some(30.0));
    let log = crate::oplog::entries(&ws.repo, &ws.names.oplog_ref()).unwrap();
    assert!(log.iter().all(|e| e.kind != OpKind::ValidationOverride));
}

#[tokio::test]
async fn an_error_targetprocess_already_holds_does_not_hold_a_push_of_other_changes() {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    let dir = tempfile::tempdir().unwrap();
    // Targetprocess holds effort 30, over the configured maximum; the planner leaves it and
    // renames the objective.
    let id = edited(&tp, dir.path(), 8.0, NO_MORE_THAN_20).await;
    tp.edit_objective(id, |o| o.effort = Effort::new(30.0));
    let ws = Workspace::open(dir.path()).unwrap();
    let pulled = crate::pull(&at(&tp, &jane(), 1), &ws, &crate::PullOptions::default())
        .await
        .unwrap();
    assert!(pulled.conflicts.is_empty(), "{pulled:?}");
    let mut plan = ws.local().unwrap();
    assert_eq!(plan.objectives[0].effort, Effort::new(30.0));
    plan.objectives[0].name = "Faster search, everywhere".into();
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();

    let outcome = push(&tp, &ws, None).await;
    assert!(matches!(outcome, PushOutcome::Pushed(_)), "{outcome:?}");
    assert_eq!(tp.objective(id).unwrap().name, "Faster search, everywhere");
    assert_eq!(effort(&tp, id), Some(30.0));
}
