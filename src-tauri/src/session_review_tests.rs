use std::path::Path;
use std::process::Command;

use super::TOKEN_FOR_TESTS;
use crate::dto::ReviewDto;
use crate::session_fixture::demo_with_plan;

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "{out:?}");
}

#[tokio::test]
async fn the_review_follows_the_plans_pull_request_from_none_to_merged() {
    let (f, view) = demo_with_plan().await;
    let dir = Path::new(&view.plan_file).parent().expect("in a folder");
    let file = dir.join(pi_model::CONFIG_FILE_NAME);
    // The demo's plans are set up for reviews; without [github] there is no review.
    let demo = std::fs::read_to_string(&file).expect("the demo's settings");
    assert!(demo.contains("[github]"), "{demo}");
    assert!(matches!(
        f.session.review_status().await.expect("answered"),
        ReviewDto::None
    ));
    std::fs::write(&file, "").expect("written");
    assert_eq!(
        f.session.review_status().await.expect("answered"),
        ReviewDto::NotConfigured
    );
    assert!(f.session.review_propose().await.is_err());

    let origin = tempfile::tempdir().expect("temp dir");
    git(origin.path(), &["init", "--bare", "-q"]);
    let origin_path = origin.path().to_str().expect("utf-8");
    git(dir, &["remote", "add", "origin", origin_path]);
    let github = {
        let inner = f.session.inner.lock().await;
        inner.demo.as_ref().expect("demo runs").github()
    };
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let section = format!(
        "[github]\nrepository = \"acme/plans\"\napi_url = \"{}\"\nbase = \"main\"\n",
        github.api_url()
    );
    std::fs::write(&file, format!("{text}\n{section}")).expect("written");
    *TOKEN_FOR_TESTS.lock().expect("not poisoned") = Some(github.token());

    assert_eq!(
        f.session.review_status().await.expect("answered"),
        ReviewDto::None
    );
    let done = f.session.review_propose().await.expect("proposed");
    assert!(
        done.message.starts_with("Opened pull request #"),
        "{done:?}"
    );
    let ReviewDto::Open {
        number,
        reviews: 0,
        approvals: 0,
        ..
    } = done.review
    else {
        panic!("{done:?}")
    };
    let again = f.session.review_propose().await.expect("proposed again");
    assert!(
        again.message.starts_with("Updated pull request #"),
        "{again:?}"
    );

    github.add_review(u64::from(number), "lead", "APPROVED");
    github.add_review(u64::from(number), "architect", "CHANGES_REQUESTED");
    let ReviewDto::Open {
        reviews, approvals, ..
    } = f.session.review_status().await.expect("answered")
    else {
        panic!("open")
    };
    assert_eq!((reviews, approvals), (2, 1));

    github.close(u64::from(number), true);
    let ReviewDto::Merged { url, .. } = f.session.review_status().await.expect("answered") else {
        panic!("merged")
    };
    assert!(url.contains(&format!("/pull/{number}")), "{url}");
    *TOKEN_FOR_TESTS.lock().expect("not poisoned") = None;
}

/// The output of `git ARGS` in `dir`.
fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn an_approving_review_by_an_approver_login_is_a_sign_off_in_the_apps_approvals() {
    let (f, view) = demo_with_plan().await;
    let dir = Path::new(&view.plan_file).parent().expect("in a folder");
    let origin = tempfile::tempdir().expect("temp dir");
    git(origin.path(), &["init", "--bare", "-q"]);
    git(
        dir,
        &[
            "remote",
            "add",
            "origin",
            origin.path().to_str().expect("utf-8"),
        ],
    );
    let github = {
        let inner = f.session.inner.lock().await;
        inner.demo.as_ref().expect("demo runs").github()
    };
    let file = dir.join(pi_model::CONFIG_FILE_NAME);
    let settings = format!(
        "[approvals]\nrequired = 1\n\n[github]\nrepository = \"acme/plans\"\napi_url = \"{}\"\nbase = \"main\"\napprovers = {{ lead = \"lead@example.com\" }}\n",
        github.api_url()
    );
    std::fs::write(&file, settings).expect("written");
    *TOKEN_FOR_TESTS.lock().expect("not poisoned") = Some(github.token());

    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 1.0);
    f.session.save_plan(edited).await.expect("saved");
    let before = f.session.approvals_status().await.expect("status");
    assert_eq!((before.valid, before.met), (0, false));

    let done = f.session.review_propose().await.expect("proposed");
    let ReviewDto::Open { number, .. } = done.review else {
        panic!("{done:?}")
    };
    // GitHub's head of the review branch is the commit the remote got.
    let head = git_out(
        origin.path(),
        &[
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
            "refs/heads/pi/review",
        ],
    );
    let (branch, sha) = head.split_once(' ').expect("the review branch was pushed");
    github.push_branch("acme/plans", branch, sha);
    github.add_review(u64::from(number), "stranger", "APPROVED");
    github.add_review(u64::from(number), "lead", "APPROVED");

    let status = f.session.approvals_status().await.expect("status");
    assert_eq!((status.valid, status.met), (1, true), "{status:?}");
    let lead = status
        .approvals
        .iter()
        .find(|a| a.email == "lead@example.com")
        .expect("the review is an approval");
    assert_eq!(
        (lead.name.as_str(), lead.standing.as_str()),
        ("@lead", "valid")
    );
    assert_eq!(
        status.approvals.len(),
        1,
        "a login not in [github] approvers signs nothing off"
    );
    assert!(
        f.session.take_in_reviews().await.is_empty(),
        "an approval already recorded is not recorded again"
    );
}

#[tokio::test]
async fn the_demo_proposes_on_its_simulators_github_and_its_lead_signs_off_by_review() {
    let (f, view) = demo_with_plan().await;
    let mut edited = view.plan.clone();
    edited.objectives[0].effort = Some(edited.objectives[0].effort.unwrap_or(0.0) + 1.0);
    f.session.save_plan(edited).await.expect("saved");
    assert_eq!(
        f.session.review_status().await.expect("answered"),
        ReviewDto::None
    );
    let done = f
        .session
        .review_propose()
        .await
        .expect("proposed in the demo");
    let ReviewDto::Open { number, .. } = done.review else {
        panic!("{done:?}")
    };
    let github = {
        let inner = f.session.inner.lock().await;
        inner.demo.as_ref().expect("demo runs").github()
    };
    let pull = github
        .pulls()
        .into_iter()
        .find(|p| p.number == u64::from(number))
        .expect("on the simulator");
    assert_eq!(pull.repo, "demo/pi-plans");
    github.add_review(u64::from(number), "demo-lead", "APPROVED");
    let status = f.session.approvals_status().await.expect("status");
    let lead = status
        .approvals
        .iter()
        .find(|a| a.email == "lead@example.com")
        .expect("the demo lead's review is a sign-off");
    assert_eq!(
        (lead.name.as_str(), lead.standing.as_str()),
        ("@demo-lead", "valid")
    );
}
