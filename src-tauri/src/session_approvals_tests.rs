use std::path::Path;

use super::*;
use crate::dto::IdentityDto;

use crate::session_fixture::demo_with_plan;

fn workspace_dir_of(view: &PlanView) -> PathBuf {
    Path::new(&view.plan_file)
        .parent()
        .expect("the plan file is in the workspace folder")
        .to_path_buf()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What git reports as untracked or changed in the workspace.
fn git_status(dir: &Path) -> String {
    git(dir, &["status", "--porcelain", "--untracked-files=all"])
}

fn commits(dir: &Path) -> usize {
    git(dir, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .expect("a count")
}

const TEMPLATES: &str = "[templates.features.spike]\nname = \"Spike\"\neffort = 3\n\
    acceptance_criteria = [\"Findings written up\"]\n\n\
    [templates.objectives.onboarding]\nname = \"Onboarding\"\neffort = 8\nfeatures = [\"spike\"]\n\n\
    [templates.objectives.broken]\nname = \"Broken\"\nstatus = \"Nonsense\"\n";

#[tokio::test]
async fn template_add_adds_an_objective_and_a_feature_as_commits_and_refuses_bad_templates() {
    let (f, view) = demo_with_plan().await;
    let dir = workspace_dir_of(&view);
    std::fs::write(dir.join("pi-planner.toml"), TEMPLATES).expect("written");
    let before = view.plan.objectives.len();
    let commits_before = commits(&dir);

    let added = f
        .session
        .template_add(TemplateAddRequest {
            template: "onboarding".into(),
            objective: None,
            name: Some("  Onboarding for partners ".into()),
        })
        .await
        .expect("added");
    assert_eq!(added.plan.objectives.len(), before + 1);
    let new = added.plan.objectives.last().expect("the new objective");
    assert_eq!(new.name, "Onboarding for partners");
    assert_eq!(new.effort, Some(8.0));
    assert_eq!(new.features.len(), 1);
    assert_eq!(new.features[0].name, "Spike");
    let id = new.id.clone().expect("a local id");
    assert!(id.starts_with("new:onboarding-"), "{id}");
    assert!(added.can_undo);
    assert_eq!(commits(&dir), commits_before + 1, "saved as a commit");
    let on_disk = std::fs::read_to_string(&added.plan_file).expect("plan file");
    assert!(on_disk.contains("Onboarding for partners"));

    let with_feature = f
        .session
        .template_add(TemplateAddRequest {
            template: "spike".into(),
            objective: Some(id.clone()),
            name: None,
        })
        .await
        .expect("feature added");
    let o = with_feature
        .plan
        .objectives
        .iter()
        .find(|o| o.id.as_deref() == Some(id.as_str()))
        .expect("still there");
    assert_eq!(o.features.len(), 2);
    assert_eq!(commits(&dir), commits_before + 2);

    let unknown = f
        .session
        .template_add(TemplateAddRequest {
            template: "nope".into(),
            objective: None,
            name: None,
        })
        .await
        .expect_err("unknown");
    assert_eq!(unknown.code, ErrorCode::UnknownTemplate);
    assert!(unknown.message.contains("\"nope\""), "{unknown:?}");
    assert!(
        unknown.hints[0].contains("broken, onboarding"),
        "{unknown:?}"
    );

    let invalid = f
        .session
        .template_add(TemplateAddRequest {
            template: "broken".into(),
            objective: None,
            name: None,
        })
        .await
        .expect_err("invalid");
    assert_eq!(invalid.code, ErrorCode::TemplateInvalid);
    assert!(invalid.message.contains("known-status"), "{invalid:?}");

    let no_objective = f
        .session
        .template_add(TemplateAddRequest {
            template: "spike".into(),
            objective: Some("tp:999999".into()),
            name: None,
        })
        .await
        .expect_err("no such objective");
    assert_eq!(no_objective.code, ErrorCode::InvalidInput);
    // Refusals change nothing.
    assert_eq!(commits(&dir), commits_before + 2);
    let now = f.session.plan().await.expect("plan");
    assert_eq!(now.plan.objectives.len(), before + 1);
    // The addition is undone like any save.
    let undone = f.session.undo().await.expect("undo");
    assert_eq!(
        undone
            .plan
            .objectives
            .last()
            .expect("objective")
            .features
            .len(),
        1
    );
}

#[tokio::test]
async fn the_audit_export_goes_to_the_given_folder_and_never_into_the_plan_repository() {
    let (f, view) = demo_with_plan().await;
    let dir = workspace_dir_of(&view);
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 2.0);
    f.session.save_plan(edited).await.expect("saved");
    f.session
        .save_identity(IdentityDto {
            name: "Bo Owner".into(),
            email: "bo@example.com".into(),
        })
        .await
        .expect("identity");
    f.session
        .approve("Fine, ship it".into())
        .await
        .expect("approved");
    let untracked_before = git_status(&dir);

    let downloads = f.dir.path().join("Downloads");
    std::fs::create_dir_all(&downloads).expect("downloads");
    let csv = f
        .session
        .audit_export(ExportFormat::Csv, &downloads)
        .await
        .expect("csv");
    let json = f
        .session
        .audit_export(ExportFormat::Json, &downloads)
        .await
        .expect("json");
    assert_eq!(csv.events, 1);
    assert!(Path::new(&csv.path).starts_with(&downloads), "{csv:?}");
    assert!(csv.path.ends_with(".csv") && json.path.ends_with(".json"));
    let text = std::fs::read_to_string(&csv.path).expect("csv written");
    assert!(text.starts_with("at,kind,actor,change,summary,note,sent"));
    assert!(text.contains("Fine, ship it"), "{text}");
    let events: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json.path).expect("json written"))
            .expect("valid JSON");
    assert_eq!(events[0]["kind"], "approval");
    // A second export in the same second gets its own name.
    let again = f
        .session
        .audit_export(ExportFormat::Csv, &downloads)
        .await
        .expect("again");
    assert_ne!(again.path, csv.path);

    // Nothing was written into the plan's repository.
    assert_eq!(git_status(&dir), untracked_before);
    assert!(!dir.join("audit.csv").exists());
    let refused = f
        .session
        .audit_export(ExportFormat::Csv, &dir)
        .await
        .expect_err("not into the plan's folder");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    assert_eq!(git_status(&dir), untracked_before);
}

#[tokio::test]
async fn the_status_says_why_the_author_cannot_approve_and_an_override_is_recorded() {
    let (f, view) = demo_with_plan().await;
    let dir = workspace_dir_of(&view);
    std::fs::write(dir.join("pi-planner.toml"), "[approvals]\nrequired = 2\n").expect("policy");
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 1.0);
    f.session.save_plan(edited).await.expect("saved");

    let status = f.session.approvals_status().await.expect("status");
    assert_eq!(status.progress, "0 of 2 approvals");
    assert_eq!((status.required, status.valid), (2, 0));
    assert!(status.can_override && !status.met);
    assert_eq!(status.authors, vec!["ann@example.com".to_owned()]);
    let blocked = status.approve_blocked.expect("the author may not approve");
    assert!(blocked.contains("own change"), "{blocked}");

    f.session
        .save_identity(IdentityDto {
            name: "Bo Owner".into(),
            email: "bo@example.com".into(),
        })
        .await
        .expect("identity");
    let status = f.session.approvals_status().await.expect("status");
    assert_eq!(status.approve_blocked, None);
    let status = f.session.approve("ok".into()).await.expect("approved");
    assert_eq!(status.approvals[0].signature, "unsigned");
    // The answer of the approval itself says it cannot be given twice (the panel shows it).
    assert!(
        status
            .approve_blocked
            .as_deref()
            .is_some_and(|b| b.contains("already approved")),
        "{status:?}"
    );
    let status = f.session.approvals_status().await.expect("status");
    assert!(
        status
            .approve_blocked
            .as_deref()
            .is_some_and(|b| b.contains("already approved")),
        "{status:?}"
    );

    let blank = f
        .session
        .push_override("  ".into(), false, &|_| {})
        .await
        .expect_err("blank reason");
    assert_eq!(blank.code, ErrorCode::InvalidInput);
    let pushed = f
        .session
        .push_override("Release deadline".into(), false, &|_| {})
        .await
        .expect("pushed");
    assert!(
        matches!(pushed, PushOutcomeDto::Pushed { .. }),
        "{pushed:?}"
    );
    let trail = f.session.audit_trail().await.expect("trail");
    let kinds: Vec<&str> = trail.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["approval", "override", "push"]);
    assert_eq!(trail[1].note.as_deref(), Some("Release deadline"));
    assert_eq!(trail[2].sent.len(), 1, "{:?}", trail[2]);
}

/// A push that fails (here Targetprocess failing every request) shows in the audit trail, in
/// History beside the versions, and in the exported trail; a push waiting for sign-off is no
/// failed push; Settings says where the plans are kept.
#[tokio::test]
async fn a_failed_push_is_in_the_audit_trail_and_the_history() {
    let (f, view) = demo_with_plan().await;
    let dir = workspace_dir_of(&view);
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 1.0);
    f.session.save_plan(edited).await.expect("saved");
    assert!(f.session.audit_trail().await.expect("trail").is_empty());

    let normal = set_demo_faults(&f, |normal| pi_sim::Faults {
        error_rate: 1.0,
        ..normal
    })
    .await;
    let error = f
        .session
        .push(false, &|_| {})
        .await
        .expect_err("Targetprocess fails");
    assert_eq!(error.code, ErrorCode::ServerError);
    set_demo_faults(&f, |_| normal).await;
    std::fs::write(dir.join("pi-planner.toml"), "[approvals]\nrequired = 1\n").expect("policy");
    let waiting = f
        .session
        .push(false, &|_| {})
        .await
        .expect_err("not approved");
    assert_eq!(waiting.code, ErrorCode::NotApproved);
    let trail = f.session.audit_trail().await.expect("trail");
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0].kind, "push");
    assert!(trail[0].summary.starts_with("Push failed: "), "{trail:?}");
    assert!(trail[0].who.contains("Ann Planner"), "{trail:?}");

    let history = f.session.history().await.expect("history");
    assert_eq!(
        history.failed_pushes, trail,
        "History lists the failed push"
    );

    let settings = f.session.settings().await;
    assert!(
        Path::new(&settings.plans_folder)
            .join("")
            .starts_with(dir.parent().expect("a parent")),
        "{} holds {}",
        settings.plans_folder,
        dir.display()
    );
}

/// Sets the demo simulator's faults to `change(current)`; returns the faults it had.
async fn set_demo_faults(
    f: &crate::session_fixture::Fixture,
    change: impl FnOnce(pi_sim::Faults) -> pi_sim::Faults,
) -> pi_sim::Faults {
    let inner = f.session.inner.lock().await;
    let control = inner.demo.as_ref().expect("the demo runs").control();
    let before = control.faults();
    control.set_faults(change(before.clone()));
    before
}
