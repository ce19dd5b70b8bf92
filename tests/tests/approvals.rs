//! Sign-off before push, end to end: two clones sharing a bare remote, the `[approvals]` policy
//! gating the push, approvals going stale after an edit, overrides recorded in the audit trail.

#![allow(clippy::unwrap_used)]

use pi_approvals::{ApprovalError, Signing, Standing};
use pi_engine::approvals;
use pi_engine::{EngineError, PushOptions, PushOutcome, Workspace};
use pi_git::Identity;
use pi_model::Effort;
use pi_reports::audit::{self, AuditKind};
use pi_scenarios::*;

const POLICY: &str = r#"
[approvals]
required = 2
approvers = [
  { email = "ana@example.com", role = "business owner" },
  { email = "bob@example.com", role = "release train engineer" },
  { email = "jane@example.com" },
]
required_roles = ["business owner"]
"#;

fn ana() -> Identity {
    Identity::new("Ana Lee", "ana@example.com")
}

fn bob() -> Identity {
    Identity::new("Bob Stone", "bob@example.com")
}

fn set_policy(ws: &Workspace, toml: &str) {
    let dir = ws.repo.workdir().unwrap();
    std::fs::write(dir.join(pi_model::CONFIG_FILE_NAME), toml).unwrap();
}

fn refusal(result: Result<PushOutcome, EngineError>) -> ApprovalError {
    match result {
        // Waiting for sign-off is an outcome; the test reads it as the refusal it stands for.
        Ok(PushOutcome::AwaitingApproval { status }) => ApprovalError::NotApproved(status),
        Err(EngineError::Approval(e)) => *e,
        other => panic!("expected an approval refusal, got {other:?}"),
    }
}

async fn two_clones_with_policy(tp: &Tp, root: &std::path::Path) -> (Workspace, Workspace) {
    let (ws_a, ws_b) = two_clones(tp, root).await;
    set_policy(&ws_a, POLICY);
    set_policy(&ws_b, POLICY);
    (ws_a, ws_b)
}

#[tokio::test]
async fn two_approvers_in_another_clone_let_the_authors_push_through() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones_with_policy(&tp, root.path()).await;
    let (me, ana, bob) = (jane(), ana(), bob());
    let id = ws_a.local().unwrap().objectives[0].id.tp().unwrap();
    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(34.0));

    let err = refusal(pi_engine::push(&ctx(&tp, &me, 1), &ws_a, PushOptions::default()).await);
    assert_eq!(
        err.to_string(),
        "0 of 2 approvals; waiting for a business owner; run `tpcli plan approvals` to see them, \
         or push with --override REASON"
    );
    // The author may not approve their own change.
    let own = approvals::approve(&ctx(&tp, &me, 2), &ws_a, None, &Signing::default());
    assert!(
        matches!(&own, Err(EngineError::Approval(e)) if matches!(**e, ApprovalError::SelfApproval(_))),
        "{own:?}"
    );

    // Bob approves in clone B (which fetches Jane's edit through the remote).
    let status = approvals::approve(
        &ctx(&tp, &bob, 3),
        &ws_b,
        Some("ok".into()),
        &Signing::default(),
    )
    .unwrap();
    assert_eq!(
        status.missing(),
        "1 of 2 approvals; waiting for a business owner"
    );
    assert_eq!(status.change.ops.len(), 1, "{:?}", status.change.ops);
    let again = approvals::approve(&ctx(&tp, &bob, 4), &ws_b, None, &Signing::default());
    assert!(
        matches!(&again, Err(EngineError::Approval(e)) if matches!(**e, ApprovalError::AlreadyApproved(_))),
        "{again:?}"
    );
    let err = refusal(pi_engine::push(&ctx(&tp, &me, 5), &ws_a, PushOptions::default()).await);
    assert!(
        err.to_string()
            .starts_with("1 of 2 approvals; waiting for a business owner"),
        "{err}"
    );

    approvals::approve(&ctx(&tp, &ana, 6), &ws_b, None, &Signing::default()).unwrap();
    let out = pi_engine::push(&ctx(&tp, &me, 7), &ws_a, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let effort = tp.sim.control().get_entity("TeamPIObjectives", id).unwrap()["Effort"]
        .as_f64()
        .unwrap();
    assert_eq!(effort, 34.0);

    let trail = audit::trail(&ws_a).unwrap();
    let kinds: Vec<(AuditKind, &str)> = trail.iter().map(|e| (e.kind, e.actor.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (AuditKind::Approval, "Bob Stone <bob@example.com>"),
            (AuditKind::Approval, "Ana Lee <ana@example.com>"),
            (AuditKind::Push, "Jane Doe <jane@example.com>"),
        ]
    );
    assert_eq!(trail[0].note.as_deref(), Some("ok"));
    assert_eq!(trail[2].sent.len(), 1, "the push sent one field");
}

#[tokio::test]
async fn an_edit_after_approval_makes_it_stale() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones_with_policy(&tp, root.path()).await;
    let (me, ana) = (jane(), ana());
    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(21.0));
    refusal(pi_engine::push(&ctx(&tp, &me, 1), &ws_a, PushOptions::default()).await);
    approvals::approve(&ctx(&tp, &ana, 2), &ws_b, None, &Signing::default()).unwrap();
    let policy = approvals::repo_config(&ws_b).unwrap().approvals;
    let status = approvals::status(&ws_b, &policy, &Signing::default()).unwrap();
    assert_eq!(status.approvals[0].standing, Standing::Valid);

    // Ana's clone edits once more: her approval is of the earlier change set.
    edit_plan(&ws_b, |p| p.objectives[1].effort = Effort::new(5.0));
    let status = approvals::status(&ws_b, &policy, &Signing::default()).unwrap();
    assert_eq!(status.approvals[0].standing, Standing::Stale);
    assert_eq!(status.valid(), 0);
    assert_eq!(
        status.missing(),
        "0 of 2 approvals; waiting for a business owner"
    );
}

#[tokio::test]
async fn an_override_pushes_and_is_recorded_with_its_reason() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(&ws, POLICY);
    let me = jane();
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(13.0));
    let blank =
        pi_engine::push_overriding(&ctx(&tp, &me, 1), &ws, PushOptions::default(), Some(" ")).await;
    assert!(matches!(refusal(blank), ApprovalError::EmptyReason));
    let out = pi_engine::push_overriding(
        &ctx(&tp, &me, 2),
        &ws,
        PushOptions::default(),
        Some("PI planning deadline, owners away"),
    )
    .await
    .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let trail = audit::trail(&ws).unwrap();
    assert_eq!(trail.len(), 2, "{trail:?}");
    assert_eq!(trail[0].kind, AuditKind::Override);
    assert_eq!(
        trail[0].note.as_deref(),
        Some("PI planning deadline, owners away")
    );
    assert_eq!(
        trail[0].summary,
        "Pushed without the approvals: 0 of 2 approvals; waiting for a business owner"
    );
    assert_eq!(trail[1].kind, AuditKind::Push);
    let csv = audit::to_csv(&trail);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "at,kind,actor,change,summary,note,sent");
    assert!(
        lines[1].contains(",override,Jane Doe <jane@example.com>,sha256:"),
        "{csv}"
    );
    assert!(
        lines[1].contains("\"PI planning deadline, owners away\""),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&audit::to_json(&trail)).unwrap();
    assert_eq!(json[1]["kind"], "push");
}

#[tokio::test]
async fn status_only_changes_pass_when_the_policy_exempts_them() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(&ws, &format!("{POLICY}without_approval = [\"status\"]\n"));
    let me = jane();
    let current = ws.local().unwrap().objectives[0].status.clone();
    let next = ["Pending", "Accepted"]
        .into_iter()
        .find(|s| current.as_deref() != Some(*s))
        .unwrap();
    edit_plan(&ws, |p| p.objectives[0].status = Some(next.to_owned()));
    let out = pi_engine::push(&ctx(&tp, &me, 1), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    // An effort change is not exempt.
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(99.0));
    refusal(pi_engine::push(&ctx(&tp, &me, 2), &ws, PushOptions::default()).await);
}
