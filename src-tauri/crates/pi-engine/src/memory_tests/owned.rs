//! `[jira] owns`: a feature field Jira owns is never written by push.

use super::*;

fn jira_owns(ws: &Workspace, fields: &str) {
    let dir = ws.repo.workdir().unwrap();
    let toml = format!("[jira]\nurl = \"https://jira.example.com\"\nowns = [{fields}]\n");
    std::fs::write(dir.join(pi_model::CONFIG_FILE_NAME), toml).unwrap();
}

#[tokio::test]
async fn an_owned_field_edit_sends_nothing() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    jira_owns(&ws, "\"status\"");
    edit(&ws, |p| {
        p.objectives[0].features[0].status = Some("Done".into())
    });

    let notes = crate::owned::not_sent(&ws).unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].field, Field::Status);
    assert_eq!(notes[0].message, "status is owned by Jira: not sent");
    let updates = a.tp.calls(Call::Update);
    let outcome = push(&a, &ws, 1).await.unwrap();
    assert_eq!(outcome, PushOutcome::NothingToPush { resumed: 0 });
    assert_eq!(a.tp.calls(Call::Update), updates);
    let feature = a.tp.feature(a.features[0]).unwrap();
    assert_eq!(feature.status.as_deref(), Some("Open"));
}

#[tokio::test]
async fn an_owned_field_is_left_out_and_the_others_are_sent() {
    let a = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&a, dir.path()).await;
    jira_owns(&ws, "\"status\"");
    edit(&ws, |p| {
        let f = &mut p.objectives[0].features[0];
        f.status = Some("Done".into());
        f.effort = Effort::new(5.0);
    });
    let outcome = push(&a, &ws, 1).await.unwrap();
    let PushOutcome::Pushed(report) = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(report.ops.len(), 1, "{outcome:?}");
    let feature = a.tp.feature(a.features[0]).unwrap();
    assert_eq!(feature.status.as_deref(), Some("Open"));
    assert_eq!(feature.effort, Effort::new(5.0));
}
