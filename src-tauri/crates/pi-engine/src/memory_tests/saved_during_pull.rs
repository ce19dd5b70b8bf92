//! A save the planner makes while a pull waits for Targetprocess: committed and merged with
//! Targetprocess's changes, never overwritten; a save that does not read stops the pull before
//! it writes anything.

use std::path::PathBuf;

use super::*;
use crate::error::EngineError;

/// The plan file at `path` with `edit` applied, as an editor saves it.
fn save_at(path: &PathBuf, edit: impl FnOnce(&mut Plan)) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut plan = pi_format::parse(&text).unwrap().plan;
    edit(&mut plan);
    std::fs::write(path, pi_format::render(&plan)).unwrap();
}

async fn pull(a: &Account, ws: &Workspace, minute: i64) -> crate::Result<crate::PullReport> {
    let opts = crate::PullOptions::default();
    crate::pull(&at(&a.tp, &jane(), minute), ws, &opts).await
}

#[tokio::test]
async fn a_save_made_while_the_pull_fetches_is_merged_and_not_overwritten() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(5.0));
    let path = ws.plan_path().unwrap();
    a.tp.during_next_fetch(move || {
        save_at(&path, |p| {
            p.objectives[1].effort = Effort::new(34.0);
            p.objectives[1].name = "Mobile checkout everywhere".into();
        });
    });

    let report = pull(&a, &ws, 1).await.unwrap();

    assert!(
        report.tp_changed && report.conflicts.is_empty(),
        "{report:?}"
    );
    let plan = ws.local().unwrap();
    assert_eq!(
        plan.objectives[0].effort,
        Effort::new(5.0),
        "Targetprocess's edit"
    );
    assert_eq!(
        plan.objectives[1].effort,
        Effort::new(34.0),
        "the save kept"
    );
    assert_eq!(plan.objectives[1].name, "Mobile checkout everywhere");
    let tip = ws.repo.branch_tip(&ws.names.working()).unwrap().unwrap();
    let committed = ws.repo.read_file_at(tip, &ws.plan_file()).unwrap().unwrap();
    assert_eq!(
        String::from_utf8(committed).unwrap(),
        ws.local_text().unwrap(),
        "the file is the working branch's tip"
    );
    let subjects: Vec<String> = ws
        .repo
        .history(&ws.names.working(), &ws.plan_file(), None)
        .unwrap()
        .into_iter()
        .map(|c| c.subject)
        .collect();
    assert_eq!(
        subjects
            .iter()
            .take(2)
            .map(String::as_str)
            .collect::<Vec<_>>(),
        [
            "Merge Targetprocess changes into the plan",
            crate::save::SAVE_SUBJECT
        ],
        "the save committed as an edit, then merged: {subjects:?}"
    );
    // Pushing sends the save, and only the save.
    assert!(matches!(
        push(&a, &ws, 2).await.unwrap(),
        PushOutcome::Pushed(_)
    ));
    assert_eq!(effort_of(&a, a.objectives[1]), Some(34.0));
    assert_eq!(effort_of(&a, a.objectives[0]), Some(5.0));
}

#[tokio::test]
async fn a_save_of_the_field_targetprocess_changed_is_a_conflict_not_lost() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(5.0));
    let path = ws.plan_path().unwrap();
    a.tp.during_next_fetch(move || {
        save_at(&path, |p| p.objectives[0].effort = Effort::new(3.0));
    });

    let report = pull(&a, &ws, 1).await.unwrap();

    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    assert_eq!(report.conflicts[0].field, Some(pi_model::Field::Effort));
    assert_eq!(
        ws.local().unwrap().objectives[0].effort,
        Effort::new(3.0),
        "the planner's value stays in the file until the conflict is resolved"
    );
}

#[tokio::test]
async fn a_save_that_does_not_read_stops_the_pull_before_it_writes() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    a.tp.edit_objective(a.objectives[0], |o| o.effort = Effort::new(5.0));
    let path = ws.plan_path().unwrap();
    let hook_path = path.clone();
    a.tp.during_next_fetch(move || {
        let text = std::fs::read_to_string(&hook_path).unwrap();
        std::fs::write(&hook_path, format!("{text}\n<<<<<<< half-typed\n")).unwrap();
    });

    let err = pull(&a, &ws, 1).await.unwrap_err();

    assert!(
        matches!(
            err,
            EngineError::SavedDuringPull {
                readable: false,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("wrote nothing over your save"),
        "{err}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.ends_with("<<<<<<< half-typed\n"),
        "the save is as typed"
    );

    // Fixed, the next pull brings Targetprocess's edit in.
    std::fs::write(&path, text.trim_end_matches("\n<<<<<<< half-typed\n")).unwrap();
    let report = pull(&a, &ws, 2).await.unwrap();
    assert!(report.tp_changed, "{report:?}");
    assert_eq!(ws.local().unwrap().objectives[0].effort, Effort::new(5.0));
}
