use std::sync::Mutex;

use super::*;
use crate::dto::{IdentityDto, OpenRequest, PlanView};

use crate::session_fixture::{demo_with_plan, demo_with_plan_where};

/// Collects the progress steps.
fn recorder() -> (
    Arc<Mutex<Vec<ProgressDto>>>,
    impl Fn(ProgressDto) + Send + Sync,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (seen, move |p: ProgressDto| {
        sink.lock().expect("not poisoned").push(p);
    })
}

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
    let id: EntityId = view.plan.objectives[0]
        .id
        .as_deref()
        .expect("has an id")
        .parse()
        .expect("valid id");
    id.tp().expect("from Targetprocess")
}

#[tokio::test]
async fn open_starts_a_git_workspace_and_reopening_keeps_it() {
    let (f, view) = demo_with_plan().await;
    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("in a folder");
    assert!(dir.join(".git").is_dir(), "the plan has its own repository");
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(42.0);
    f.session.save_plan(edited).await.expect("saved");
    let ws = f
        .session
        .inner
        .lock()
        .await
        .settings
        .workspace
        .clone()
        .expect("open");
    let again = f
        .session
        .open(OpenRequest {
            art: ws.art,
            release: ws.release,
            team: ws.team,
        })
        .await
        .expect("reopened");
    assert_eq!(again.plan_file, view.plan_file);
    assert_eq!(again.plan.objectives[0].effort, Some(42.0), "edits survive");
    let status = f.session.sync_status().await.expect("status");
    assert_eq!((status.local_changes, status.conflicts), (1, 0));
}

#[tokio::test]
async fn an_edit_is_previewed_in_planner_words_then_pushed_with_progress() {
    let (f, view) = demo_with_plan().await;
    let id = tp_id(&view);
    let name = view.plan.objectives[0].name.clone();
    let before = effort_in_sim(&f.session, id).await;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(before + 8.0);
    f.session.save_plan(edited).await.expect("saved");

    let preview = f.session.push_preview().await.expect("preview");
    let PushOutcomeDto::Preview { ops } = preview else {
        panic!("{preview:?}")
    };
    assert_eq!(ops.len(), 1);
    assert_eq!(
        ops[0].lines,
        vec![format!(
            "Effort {before} → {} points on \"{name}\"",
            before + 8.0
        )]
    );
    assert_eq!(
        effort_in_sim(&f.session, id).await,
        before,
        "preview sends nothing"
    );

    let (seen, progress) = recorder();
    let outcome = f.session.push(false, &progress).await.expect("pushed");
    let PushOutcomeDto::Pushed { summary } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(summary.sent.len(), 1);
    assert!(summary.refused.is_empty());
    assert_eq!(effort_in_sim(&f.session, id).await, before + 8.0);
    let steps = seen.lock().expect("not poisoned").clone();
    assert_eq!(steps.first(), Some(&ProgressDto::ReadingPlan), "{steps:?}");
    assert!(
        steps.contains(&ProgressDto::Sent { sent: 1, total: 1 }),
        "{steps:?}"
    );
    let again = f.session.push_preview().await.expect("preview");
    assert_eq!(again, PushOutcomeDto::NothingToPush { resumed: 0 });
}

#[tokio::test]
async fn a_push_reports_each_batch_sent_in_order_between_reading_and_committing() {
    let (f, view) = demo_with_plan_where(|v| v.plan.objectives.len() >= 2).await;
    let mut edited = view.plan.clone();
    for o in &mut edited.objectives {
        o.effort = Some(o.effort.unwrap_or(0.0) + 3.0);
    }
    let mut added = edited.objectives[0].clone();
    added.id = None;
    added.name = "Audit log export".into();
    added.features.clear();
    edited.objectives.push(added);
    f.session.save_plan(edited).await.expect("saved");
    let PushOutcomeDto::Preview { ops } = f.session.push_preview().await.expect("preview") else {
        panic!("a preview")
    };
    let total = u32::try_from(ops.len()).expect("few");

    let (seen, progress) = recorder();
    let outcome = f.session.push(false, &progress).await.expect("pushed");
    assert!(
        matches!(outcome, PushOutcomeDto::Pushed { .. }),
        "{outcome:?}"
    );
    let steps = seen.lock().expect("not poisoned").clone();
    let sent: Vec<u32> = steps
        .iter()
        .filter_map(|s| match s {
            ProgressDto::Sent { sent, total: t } => {
                assert_eq!(*t, total, "every batch counts against the whole push");
                Some(*sent)
            }
            _ => None,
        })
        .collect();
    assert!(
        sent.len() >= 2,
        "the updates' batch and the create: {steps:?}"
    );
    assert!(sent.windows(2).all(|w| w[0] < w[1]), "in order: {sent:?}");
    assert_eq!(sent.last(), Some(&total), "{steps:?}");
    let at = |step: &ProgressDto| steps.iter().position(|s| s == step);
    let first_sent = steps
        .iter()
        .position(|s| matches!(s, ProgressDto::Sent { .. }))
        .expect("sent");
    assert_eq!(at(&ProgressDto::ReadingPlan), Some(0), "{steps:?}");
    assert!(at(&ProgressDto::Fetching).expect("fetching") < first_sent);
    assert!(at(&ProgressDto::Committing).expect("committing") > first_sent);
}

#[tokio::test]
async fn a_deletion_waits_for_confirmation() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    edited.objectives.remove(0);
    f.session.save_plan(edited).await.expect("saved");
    let (_, progress) = recorder();
    let outcome = f.session.push(false, &progress).await.expect("asked");
    let PushOutcomeDto::NeedsConfirmation { ops } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(ops.iter().any(|o| o.delete));
    let outcome = f.session.push(true, &progress).await.expect("pushed");
    assert!(
        matches!(outcome, PushOutcomeDto::Pushed { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn remote_change_then_pull_conflict_keep_mine_and_push() {
    let (f, view) = demo_with_plan().await;
    let id = tp_id(&view);
    {
        let inner = f.session.inner.lock().await;
        let sim = inner.demo.as_ref().expect("demo runs");
        sim.control()
            .update_entity("TeamPIObjectives", id, serde_json::json!({"Effort": 99}))
            .expect("edited as another planner");
    }
    let mine = view.plan.objectives[0].effort.unwrap_or(0.0) + 0.5;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(mine);
    f.session.save_plan(edited).await.expect("saved");

    let (_, progress) = recorder();
    let outcome = f.session.push(false, &progress).await.expect("checked");
    let PushOutcomeDto::RemoteChanged { stale } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(stale.len(), 1);
    assert!(stale[0].contains("99 points"), "{stale:?}");

    let (seen, progress) = recorder();
    let pulled = f.session.pull(false, &progress).await.expect("pulled");
    assert!(pulled.tp_changed);
    assert_eq!(pulled.conflicts.len(), 1);
    let c = &pulled.conflicts[0];
    assert_eq!(
        (
            c.label.as_str(),
            c.mine.text.as_str(),
            c.theirs.text.as_str()
        ),
        ("Effort", format!("{mine} points").as_str(), "99 points")
    );
    let steps = seen.lock().expect("not poisoned").clone();
    assert_eq!(
        &steps[..3],
        &[
            ProgressDto::ReadingPlan,
            ProgressDto::Fetching,
            ProgressDto::Merging
        ],
        "a pull reads, fetches, then merges"
    );
    let blocked = f.session.push_preview().await.expect("blocked");
    assert_eq!(blocked, PushOutcomeDto::Blocked { conflicts: 1 });

    let bad = f
        .session
        .resolve(ResolveRequest {
            entity: c.entity.clone(),
            field: c.field.clone(),
            choice: ChoiceDto::Edit {
                value: "lots".into(),
            },
        })
        .await
        .expect_err("not a number");
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    let left = f
        .session
        .resolve(ResolveRequest {
            entity: c.entity.clone(),
            field: c.field.clone(),
            choice: ChoiceDto::KeepMine,
        })
        .await
        .expect("resolved");
    assert!(left.is_empty());
    let outcome = f.session.push(false, &progress).await.expect("pushed");
    assert!(
        matches!(outcome, PushOutcomeDto::Pushed { .. }),
        "{outcome:?}"
    );
    assert_eq!(effort_in_sim(&f.session, id).await, mine, "mine won");
}

#[tokio::test]
async fn resolve_all_keeps_theirs_and_settings_sign_out_forgets_the_token() {
    let (f, view) = demo_with_plan().await;
    let id = tp_id(&view);
    {
        let inner = f.session.inner.lock().await;
        let sim = inner.demo.as_ref().expect("demo runs");
        sim.control()
            .update_entity("TeamPIObjectives", id, serde_json::json!({"Effort": 77}))
            .expect("edited");
    }
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(view.plan.objectives[0].effort.unwrap_or(0.0) + 0.5);
    f.session.save_plan(edited).await.expect("saved");
    f.session.pull(false, &|_| {}).await.expect("pulled");
    let err = f
        .session
        .resolve_all(ChoiceDto::KeepBoth)
        .await
        .expect_err("keep both is per conflict");
    assert_eq!(err.code, ErrorCode::CannotResolve);
    assert!(
        f.session
            .resolve_all(ChoiceDto::KeepTheirs)
            .await
            .expect("all")
            .is_empty()
    );
    assert_eq!(
        f.session.plan().await.expect("plan").plan.objectives[0].effort,
        Some(77.0)
    );

    let saved = f
        .session
        .save_settings(SettingsUpdate {
            remote: Some("  ".into()),
            poll_seconds: 5,
        })
        .await
        .expect("saved");
    assert_eq!((saved.remote, saved.poll_seconds), (None, 5));
    let signed_out = f.session.sign_out().await.expect("signed out");
    assert_eq!(signed_out.connection, crate::dto::ConnectionDto::None);
}

#[test]
fn typed_values_take_the_shape_of_the_field() {
    let effort = FieldValue::Effort(Effort::new(1.0));
    assert_eq!(
        typed(&effort, " 21 ").expect("number"),
        FieldValue::Effort(Effort::new(21.0))
    );
    assert_eq!(typed(&effort, "").expect("none"), FieldValue::Effort(None));
    assert_eq!(
        typed(&FieldValue::OptText(None), " Bo ").expect("text"),
        FieldValue::OptText(Some("Bo".into()))
    );
    assert_eq!(
        typed(&FieldValue::Number(None), "x").expect_err("nan").code,
        ErrorCode::InvalidInput
    );
    assert_eq!(
        typed(&FieldValue::Flag(true), "yes")
            .expect_err("flag")
            .code,
        ErrorCode::CannotResolve
    );
}

#[tokio::test]
async fn without_a_policy_an_edit_needs_no_sign_off() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 5.0);
    f.session.save_plan(edited).await.expect("saved");

    let status = f.session.approvals_status().await.expect("status");
    assert_eq!(status.ops.len(), 1, "{status:?}");
    assert!(status.met && status.approvals.is_empty());
    assert!(status.hash.starts_with("sha256:"));
    insta::assert_snapshot!(status.progress, @"No sign-off required");
}

#[tokio::test]
async fn an_approval_is_recorded_with_its_comment_and_not_given_twice() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 3.0);
    f.session.save_plan(edited).await.expect("saved");

    let own = f
        .session
        .approve("mine".into())
        .await
        .expect_err("own change");
    assert_eq!(own.code, crate::error::ErrorCode::ApprovalRefused);
    assert!(own.message.contains("own change"), "{own:?}");

    f.session
        .save_identity(IdentityDto {
            name: "Bo Owner".into(),
            email: "bo@example.com".into(),
        })
        .await
        .expect("identity");
    let status = f
        .session
        .approve("  Looks right ".into())
        .await
        .expect("approved");
    assert_eq!(status.approvals.len(), 1, "{status:?}");
    let a = &status.approvals[0];
    assert_eq!(
        (a.email.as_str(), a.comment.as_deref(), a.standing.as_str()),
        ("bo@example.com", Some("Looks right"), "valid")
    );
    let again = f.session.approve(String::new()).await.expect_err("twice");
    assert_eq!(again.code, crate::error::ErrorCode::ApprovalRefused);

    let trail = f.session.audit_trail().await.expect("audit trail");
    let last = trail.last().expect("the approval is in the trail");
    assert_eq!(
        (last.kind.as_str(), last.who.as_str(), last.note.as_deref()),
        ("approval", "Bo Owner <bo@example.com>", Some("Looks right"))
    );
    assert_eq!(last.change.as_deref(), Some(status.hash.as_str()));

    let downloads = tempfile::tempdir().expect("a Downloads folder");
    let file = f
        .session
        .audit_export(crate::dto::ExportFormat::Csv, downloads.path())
        .await
        .expect("exported");
    let csv = std::fs::read_to_string(&file.path).expect("the CSV file is written");
    assert!(
        csv.starts_with("at,kind,actor,change,summary,note,sent"),
        "{csv}"
    );
    assert!(csv.contains("Looks right"), "{csv}");
}

/// A demo workspace starts with the demo's settings committed (not left untracked), and its
/// templates add an objective with its features that then go to Targetprocess like any edit.
#[tokio::test]
async fn the_demo_workspace_has_templates_that_add_objectives_and_push() {
    let (f, view) = demo_with_plan().await;
    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("the plan file is in the workspace folder")
        .to_path_buf();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("git runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        git(&["status", "--porcelain"]),
        "",
        "nothing untracked or changed"
    );
    assert_eq!(
        git(&["show", "HEAD:pi-planner.toml"]),
        crate::demo_config::DEMO_CONFIG
    );

    let before = view.plan.objectives.len();
    let added = f
        .session
        .template_add(crate::dto::TemplateAddRequest {
            template: "enablement".into(),
            objective: None,
            name: None,
        })
        .await
        .expect("added from the demo template");
    assert_eq!(added.plan.objectives.len(), before + 1);
    let new = added.plan.objectives.last().expect("the new objective");
    assert_eq!(new.name, "Platform enablement");
    let features: Vec<_> = new.features.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(features, ["Spike", "Enabler"]);

    let (_, progress) = recorder();
    let outcome = f.session.push(false, &progress).await.expect("pushed");
    let PushOutcomeDto::Pushed { summary } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(summary.refused.is_empty(), "{summary:?}");
    let pushed = f.session.plan().await.expect("plan");
    let new = pushed.plan.objectives.last().expect("the new objective");
    let id = new.id.as_deref().expect("an id");
    assert!(id.starts_with("tp:"), "created in Targetprocess: {id}");
    assert!(
        new.features
            .iter()
            .all(|x| x.id.as_deref().is_some_and(|i| i.starts_with("tp:")))
    );
}

#[tokio::test]
async fn templates_are_listed_by_name_from_the_repository_configuration() {
    let (f, view) = demo_with_plan().await;
    let demo = f.session.templates().await.expect("the demo's settings");
    assert_eq!(
        demo.objectives,
        vec!["enablement".to_owned(), "stretch".to_owned()]
    );
    assert_eq!(
        demo.features,
        vec!["enabler".to_owned(), "spike".to_owned()]
    );

    let dir = std::path::Path::new(&view.plan_file)
        .parent()
        .expect("the plan file is in the workspace folder")
        .to_path_buf();
    let toml = "[templates.features.spike]\nname = \"Spike\"\n\n\
                [templates.objectives.onboarding]\nname = \"Onboarding\"\nfeatures = [\"spike\"]\n";
    std::fs::write(dir.join("pi-planner.toml"), toml).expect("written");
    let listed = f.session.templates().await.expect("listed");
    assert_eq!(listed.objectives, vec!["onboarding".to_owned()]);
    assert_eq!(listed.features, vec!["spike".to_owned()]);
}
