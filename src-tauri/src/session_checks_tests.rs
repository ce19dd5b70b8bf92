use super::*;
use crate::dto::{PlanView, PushOutcomeDto, ReportBlockDto};
use crate::session_fixture::demo_with_plan;

async fn effort_in_sim(session: &Session, id: i64) -> f64 {
    let inner = session.inner.lock().await;
    let sim = inner.demo.as_ref().expect("demo runs");
    sim.control()
        .get_entity("TeamPIObjectives", id)
        .expect("exists")["Effort"]
        .as_f64()
        .expect("a number")
}

fn tp_id(view: &PlanView) -> i64 {
    let id: pi_model::EntityId = view.plan.objectives[0]
        .id
        .as_deref()
        .expect("has an id")
        .parse()
        .expect("valid id");
    id.tp().expect("from Targetprocess")
}

/// Adds `toml` to the plan's `pi-planner.toml`.
fn add_config(view: &PlanView, toml: &str) {
    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("in a folder");
    let file = dir.join(pi_model::CONFIG_FILE_NAME);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    std::fs::write(&file, format!("{text}\n{toml}\n")).expect("written");
}

#[tokio::test]
async fn a_push_stopped_by_validation_names_each_error_with_its_item_and_field() {
    let (f, view) = demo_with_plan().await;
    let id = tp_id(&view);
    let before = effort_in_sim(&f.session, id).await;
    add_config(
        &view,
        "[validation]\neffort_range = { max = 40, level = \"error\" }",
    );
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(99.0);
    f.session.save_plan(edited).await.expect("saved");

    let outcome = f.session.push(false, &|_| {}).await.expect("answered");
    let PushOutcomeDto::BlockedByValidation { findings } = outcome else {
        panic!("{outcome:?}")
    };
    let effort: Vec<_> = findings
        .iter()
        .filter(|f| f.field.as_deref() == Some("effort"))
        .collect();
    assert_eq!(effort.len(), 1, "{findings:?}");
    assert_eq!(effort[0].item, view.plan.objectives[0].id);
    assert_eq!(
        effort[0].item_name.as_deref(),
        Some(view.plan.objectives[0].name.as_str())
    );
    assert!(effort[0].line > 0);
    assert_eq!(
        effort_in_sim(&f.session, id).await,
        before,
        "nothing was sent"
    );
}

#[tokio::test]
async fn the_latest_push_is_previewed_then_undone_and_verify_agrees_after() {
    let (f, view) = demo_with_plan().await;
    let id = tp_id(&view);
    let before = effort_in_sim(&f.session, id).await;
    let err = f
        .session
        .rollback(None, true, false)
        .await
        .expect_err("no push");
    assert_eq!(err.code, ErrorCode::NothingToUndo);

    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(before + 5.0);
    f.session.save_plan(edited).await.expect("saved");
    let unpushed = f.session.verify(false).await.expect("verified");
    assert!(!unpushed.consistent);
    assert!(
        unpushed
            .differences
            .iter()
            .any(|d| d.starts_with("Not pushed yet: Effort")),
        "{unpushed:?}"
    );
    f.session.push(false, &|_| {}).await.expect("pushed");
    assert_eq!(effort_in_sim(&f.session, id).await, before + 5.0);

    let preview = f
        .session
        .rollback(None, true, false)
        .await
        .expect("preview");
    let RollbackDto::Preview {
        push, ops, deletes, ..
    } = preview
    else {
        panic!("{preview:?}")
    };
    assert_eq!(push.who, "Ann Planner");
    assert!(!deletes);
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert!(ops[0].lines[0].starts_with("Effort"), "{ops:?}");
    assert_eq!(
        effort_in_sim(&f.session, id).await,
        before + 5.0,
        "a preview sends nothing"
    );

    let undone = f
        .session
        .rollback(None, false, false)
        .await
        .expect("undone");
    let RollbackDto::Undone { sent, refused, .. } = undone else {
        panic!("{undone:?}")
    };
    assert_eq!((sent.len(), refused.len()), (1, 0));
    assert_eq!(effort_in_sim(&f.session, id).await, before);
    let after = f.session.verify(false).await.expect("verified");
    assert!(after.consistent, "{after:?}");
}

#[tokio::test]
async fn the_change_report_counts_what_changed_since_the_last_pull() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(77.0);
    f.session.save_plan(edited).await.expect("saved");
    let report = f.session.change_report().await.expect("report");
    assert_eq!(report.since, "your last pull from Targetprocess");
    let lines: Vec<String> = report
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            ReportBlockDto::Item { spans, .. } => {
                Some(spans.iter().map(|s| s.text.as_str()).collect())
            }
            _ => None,
        })
        .collect();
    assert!(
        lines.iter().any(|l| l == "1 objectives changed"),
        "{lines:?}"
    );
}

#[tokio::test]
async fn an_older_push_is_picked_from_the_pushes_previewed_and_undone_alone() {
    let (f, view) = demo_with_plan().await;
    assert!(
        view.plan.objectives.len() >= 2,
        "the demo plan has objectives"
    );
    let first: pi_model::EntityId = view.plan.objectives[0]
        .id
        .as_deref()
        .expect("id")
        .parse()
        .expect("valid");
    let second: pi_model::EntityId = view.plan.objectives[1]
        .id
        .as_deref()
        .expect("id")
        .parse()
        .expect("valid");
    let (first, second) = (first.tp().expect("tp"), second.tp().expect("tp"));
    let (a, b) = (
        effort_in_sim(&f.session, first).await,
        effort_in_sim(&f.session, second).await,
    );
    assert!(
        f.session
            .rollback_pushes()
            .await
            .expect("pushes")
            .is_empty()
    );

    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(a + 3.0);
    let view = f.session.save_plan(edited).await.expect("saved");
    f.session.push(false, &|_| {}).await.expect("pushed");
    let mut edited = view.plan.clone();
    edited.objectives[1].effort = Some(b + 4.0);
    f.session.save_plan(edited).await.expect("saved");
    f.session.push(false, &|_| {}).await.expect("pushed");

    let pushes = f.session.rollback_pushes().await.expect("pushes");
    assert_eq!(pushes.len(), 2, "{pushes:?}");
    assert!(
        pushes[0].latest && !pushes[1].latest,
        "newest first: {pushes:?}"
    );
    assert!(
        pushes
            .iter()
            .all(|p| p.push.who == "Ann Planner" && !p.summary.is_empty())
    );
    let older = pushes[1].push.id.clone();

    let preview = f
        .session
        .rollback(Some(older.clone()), true, false)
        .await
        .expect("preview");
    let RollbackDto::Preview { push, ops, .. } = preview else {
        panic!("{preview:?}")
    };
    assert_eq!(push.id, older);
    assert_eq!(ops.len(), 1, "{ops:?}");
    assert_eq!(
        effort_in_sim(&f.session, first).await,
        a + 3.0,
        "a preview sends nothing"
    );

    let undone = f
        .session
        .rollback(Some(older.clone()), false, false)
        .await
        .expect("undone");
    let RollbackDto::Undone { push, sent, .. } = undone else {
        panic!("{undone:?}")
    };
    assert_eq!((push.id.as_str(), sent.len()), (older.as_str(), 1));
    assert_eq!(
        effort_in_sim(&f.session, first).await,
        a,
        "the older push is undone"
    );
    assert_eq!(
        effort_in_sim(&f.session, second).await,
        b + 4.0,
        "the newer one is kept"
    );

    let e = f
        .session
        .rollback(Some("push-0-none".into()), true, false)
        .await
        .expect_err("no such push");
    assert!(e.message.contains("push-0-none"), "{e:?}");
}
