//! The save's checks, the users kept with the plan and the undo preview, against the demo
//! Targetprocess.

use super::*;
use crate::dto::{CriterionDto, FeatureDto, FeatureKindDto, PlanDto, PlanView};
use crate::session_fixture::demo_with_plan;

fn feature(name: &str, owner: Option<&str>) -> FeatureDto {
    FeatureDto {
        id: None,
        kind: FeatureKindDto::Feature,
        name: name.to_owned(),
        description: String::new(),
        status: None,
        effort: Some(3.0),
        owner: owner.map(str::to_owned),
        acceptance_criteria: vec![CriterionDto {
            text: "Shown to the pilot customers".to_owned(),
            done: false,
        }],
        jira_key: None,
        jira_url: None,
        jira_browse_url: None,
        stories: vec![],
    }
}

/// The plan with `f` added under the first objective.
fn with_feature(view: &PlanView, f: FeatureDto) -> PlanDto {
    let mut plan = view.plan.clone();
    plan.objectives[0].features.push(f);
    plan
}

/// Saving `plan` is refused with `code` and a message containing `words`; nothing is written.
async fn refused(session: &Session, view: &PlanView, plan: PlanDto, code: ErrorCode, words: &str) {
    let before = std::fs::read_to_string(&view.plan_file).expect("plan file");
    let err = session.save_plan(plan).await.expect_err("refused");
    assert_eq!(err.code, code, "{err:?}");
    assert!(
        err.message.contains(words),
        "{:?} should say {words:?}",
        err.message
    );
    assert!(!err.hints.is_empty(), "a refusal says what to do");
    assert_eq!(
        std::fs::read_to_string(&view.plan_file).expect("plan file"),
        before
    );
    assert!(
        !session.plan().await.expect("plan").can_undo,
        "nothing was saved"
    );
}

#[tokio::test]
async fn a_save_refuses_what_a_push_could_not_send_and_writes_nothing() {
    let (f, view) = demo_with_plan().await;
    let s = &f.session;
    let bad = ErrorCode::InvalidInput;

    refused(
        s,
        &view,
        with_feature(&view, feature("  ", None)),
        bad,
        "has no name",
    )
    .await;

    let mut no_name = view.plan.clone();
    no_name.objectives[0].name = String::new();
    refused(s, &view, no_name, bad, "Objective 1 has no name").await;

    let mut empty = feature("Audit log export", None);
    empty.acceptance_criteria.push(CriterionDto {
        text: " ".to_owned(),
        done: false,
    });
    refused(
        s,
        &view,
        with_feature(&view, empty),
        bad,
        "Acceptance criterion 2 of feature \"Audit log export\" is empty",
    )
    .await;

    let mut negative = feature("Audit log export", None);
    negative.effort = Some(-2.0);
    refused(s, &view, with_feature(&view, negative), bad, "negative").await;

    let stranger = feature("Audit log export", Some("Mara Lind"));
    refused(
        s,
        &view,
        with_feature(&view, stranger),
        ErrorCode::UnknownOwner,
        "Mara Lind",
    )
    .await;
}

#[tokio::test]
async fn an_owner_from_the_users_list_is_saved() {
    let (f, view) = demo_with_plan().await;
    let users = f.session.users().await.expect("users");
    assert!(users.len() > 5, "the demo account has users: {users:?}");
    let someone = users[users.len() / 2].name.clone();
    let saved = f
        .session
        .save_plan(with_feature(
            &view,
            feature("Audit log export", Some(&someone)),
        ))
        .await
        .expect("saved");
    let added = saved.plan.objectives[0].features.last().expect("added");
    assert_eq!(added.owner.as_deref(), Some(someone.as_str()));
    // A login names the same person.
    let login = users.iter().find_map(|u| u.login.clone()).expect("a login");
    let mut plan = saved.plan.clone();
    plan.objectives[0].owner = Some(login.to_uppercase());
    f.session
        .save_plan(plan)
        .await
        .expect("a login is a user too");
}

#[test]
fn an_owner_the_planner_did_not_change_is_not_checked() {
    let plan = |owner: &str| {
        let dto: PlanDto = serde_json::from_value(serde_json::json!({
            "art": { "id": 1, "name": "A" }, "release": { "id": 2, "name": "R" },
            "team": { "id": 3, "name": "T" }, "tpUrl": null, "jiraUrl": null,
            "programObjectives": [], "notes": "",
            "objectives": [{
                "id": "tp:1", "name": "Sign-up", "description": "", "status": null, "effort": null,
                "owner": owner, "committed": true, "businessValue": null,
                "actualBusinessValue": null, "programObjective": null, "features": []
            }]
        }))
        .expect("a plan");
        dto.into_plan(&mut super::super::RandomIds).expect("valid")
    };
    let users = [UserDto {
        name: "Ann Planner".to_owned(),
        login: Some("ann".to_owned()),
    }];
    let before = plan("Former Colleague");
    assert_eq!(check_save(Some(&before), &before, Some(&users)), Ok(()));
    let err = check_save(Some(&before), &plan("Mara Lind"), Some(&users)).expect_err("changed");
    assert_eq!(err.code, ErrorCode::UnknownOwner);
    assert_eq!(
        check_save(Some(&before), &plan("ann"), Some(&users)),
        Ok(())
    );
    // Without a users list (Targetprocess out of reach) the push checks owners.
    assert_eq!(check_save(Some(&before), &plan("Mara Lind"), None), Ok(()));
}

#[tokio::test]
async fn users_are_kept_with_the_plan_and_refreshed_by_a_pull() {
    let (f, view) = demo_with_plan().await;
    let path = std::path::PathBuf::from(&view.plan_file);
    let kept = cached_users(&path).expect("opening the plan kept the users");
    assert_eq!(f.session.users().await.expect("users"), kept);
    let file = users_file(&path).expect("the plan's state folder");
    assert!(
        file.starts_with(path.parent().expect("folder").join(".git")),
        "{file:?} is local state"
    );

    std::fs::write(&file, "[]").expect("emptied");
    assert_eq!(f.session.users().await.expect("users"), vec![]);
    f.session.pull(false, &|_| {}).await.expect("pulled");
    assert_eq!(f.session.users().await.expect("users"), kept);
}

#[tokio::test]
async fn the_undo_preview_names_what_the_last_save_changed() {
    let (f, view) = demo_with_plan().await;
    assert_eq!(
        f.session.undo_preview().await.expect("preview").changes,
        Vec::<String>::new()
    );
    let users = f.session.users().await.expect("users");
    let mut plan = view.plan.clone();
    let o = &mut plan.objectives[0];
    let name = o.name.clone();
    let effort = o.effort;
    o.effort = Some(effort.unwrap_or(0.0) + 5.0);
    o.owner = Some(
        users
            .iter()
            .map(|u| u.name.clone())
            .find(|n| Some(n) != o.owner.as_ref())
            .expect("another user"),
    );
    o.features.push(feature("Audit log export", None));
    f.session.save_plan(plan).await.expect("saved");

    let changes = f.session.undo_preview().await.expect("preview").changes;
    let before = effort.map_or("none".to_owned(), |e| e.to_string());
    let after = (effort.unwrap_or(0.0) + 5.0).to_string();
    assert_eq!(
        changes,
        vec![
            format!("\"{name}\": Effort {before} → {after}, Owner"),
            "new feature \"Audit log export\"".to_owned(),
        ]
    );
    f.session.undo().await.expect("undone");
    assert_eq!(
        f.session.undo_preview().await.expect("preview").changes,
        Vec::<String>::new()
    );
}
