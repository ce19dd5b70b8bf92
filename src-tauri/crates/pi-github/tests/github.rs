//! pi-github against the simulator's GitHub on 127.0.0.1.

#![allow(clippy::unwrap_used)]

mod line_comments;

use pi_github::{GithubClient, GithubError, HttpSettings, NewPull};
use pi_sim::{RunningSim, SimConfig};

async fn sim() -> RunningSim {
    pi_sim::start(SimConfig::default()).await.unwrap()
}

fn client(sim: &RunningSim, token: &str) -> GithubClient {
    let api = sim.github().api_url();
    GithubClient::new(&api, "acme", "plans", token, &HttpSettings::default()).unwrap()
}

fn new_pull(head: &str) -> NewPull {
    NewPull {
        title: "Falcons: PI 26.1 plan".into(),
        head: head.into(),
        base: "main".into(),
        body: "| Objective | Before | After |".into(),
    }
}

#[tokio::test]
async fn a_pull_request_is_opened_found_and_updated_and_a_duplicate_is_named() {
    let sim = sim().await;
    let gh = client(&sim, &sim.github().token());
    let pr = gh.create_pull(&new_pull("pi/review/x")).await.unwrap();
    assert_eq!((pr.number, pr.state.as_str()), (1, "open"));
    assert!(
        pr.html_url.ends_with("/acme/plans/pull/1"),
        "{}",
        pr.html_url
    );
    let again = gh.create_pull(&new_pull("pi/review/x")).await.unwrap_err();
    assert_eq!(
        again,
        GithubError::PullRequestExists {
            head: "pi/review/x".into()
        }
    );
    let found = gh.find_open_pull("pi/review/x", "main").await.unwrap();
    assert_eq!(found.map(|p| p.number), Some(1));
    assert_eq!(
        gh.find_open_pull("pi/review/y", "main").await.unwrap(),
        None
    );
    let updated = gh.update_pull(1, "New title", "new body").await.unwrap();
    assert_eq!(
        (updated.title.as_str(), updated.body.as_str()),
        ("New title", "new body")
    );
    assert_eq!(gh.pull(1).await.unwrap().body, "new body");
    let comment = gh.comment(1, "Conflict on Effort").await.unwrap();
    assert_eq!(comment.body, "Conflict on Effort");
    let log = sim.github().requests();
    assert_eq!(log[1].status, 422);
    assert_eq!(log[0].body["head"], "pi/review/x");
    assert_eq!(gh.quota().limit, Some(5000));
}

#[tokio::test]
async fn reviews_are_read_over_every_page() {
    let sim = sim().await;
    let gh = client(&sim, &sim.github().token());
    gh.create_pull(&new_pull("pi/review/x")).await.unwrap();
    for i in 0..130 {
        let state = if i == 129 { "APPROVED" } else { "COMMENTED" };
        sim.github().add_review(1, &format!("user{i}"), state);
    }
    let reviews = gh.reviews(1).await.unwrap();
    assert_eq!(reviews.len(), 130);
    assert_eq!(
        (reviews[129].user.as_str(), reviews[129].state.as_str()),
        ("user129", "APPROVED")
    );
    let pages = sim
        .github()
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/reviews"))
        .count();
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn a_secondary_rate_limit_is_waited_out_even_for_a_create() {
    let sim = sim().await;
    let gh = client(&sim, &sim.github().token());
    sim.github().secondary_limit_next(1, 1);
    let started = std::time::Instant::now();
    let pr = gh.create_pull(&new_pull("pi/review/x")).await.unwrap();
    assert_eq!(pr.number, 1);
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    let statuses: Vec<u16> = sim.github().requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [403, 201]);
    assert_eq!(sim.github().pulls().len(), 1);
}

#[tokio::test]
async fn a_spent_primary_limit_longer_than_the_budget_is_a_rate_limit_error() {
    let sim = sim().await;
    let gh = client(&sim, &sim.github().token());
    sim.github().primary_limit_next(1, 7200);
    let err = gh.find_open_pull("pi/review/x", "main").await.unwrap_err();
    assert!(matches!(err, GithubError::RateLimited { .. }), "{err:?}");
    assert!(err.to_string().contains("rate limited by GitHub"), "{err}");
}

#[tokio::test]
async fn a_wrong_token_says_what_to_check_without_showing_it() {
    let sim = sim().await;
    let gh = client(&sim, "ghp_wrong_token_1234");
    let err = gh.pull(1).await.unwrap_err();
    assert!(
        matches!(err, GithubError::Auth { status: 401, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("GITHUB_TOKEN"), "{text}");
    assert!(!text.contains("ghp_wrong_token_1234"), "{text}");
    assert!(!format!("{gh:?}").contains("ghp_wrong_token_1234"));
}

#[tokio::test]
async fn an_unknown_pull_request_is_not_found() {
    let sim = sim().await;
    let gh = client(&sim, &sim.github().token());
    let err = gh.pull(42).await.unwrap_err();
    assert!(matches!(err, GithubError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn reviews_carry_the_head_they_were_given_on_and_the_newest_pull_is_found_merged() {
    let sim = sim().await;
    let gh = client(&sim, &sim.github().token());
    let first = "1".repeat(40);
    sim.github()
        .push_branch("acme/plans", "pi/review/x", &first);
    let pr = gh.create_pull(&new_pull("pi/review/x")).await.unwrap();
    assert_eq!(pr.head_sha, first);
    sim.github().add_review(1, "octocat", "APPROVED");
    let second = "2".repeat(40);
    sim.github()
        .push_branch("acme/plans", "pi/review/x", &second);
    let mine = gh
        .create_review(1, &second, "Conflict: Effort", "COMMENT")
        .await
        .unwrap();
    assert_eq!(
        (mine.state.as_str(), mine.commit_id.as_str()),
        ("COMMENTED", second.as_str())
    );
    let own = gh
        .create_review(1, &second, "", "APPROVE")
        .await
        .unwrap_err();
    assert!(
        matches!(own, GithubError::Validation { status: 422, .. }),
        "{own:?}"
    );
    let empty = gh
        .create_review(1, &second, " ", "COMMENT")
        .await
        .unwrap_err();
    assert!(matches!(empty, GithubError::Validation { .. }), "{empty:?}");

    let reviews = gh.reviews(1).await.unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(
        (reviews[0].user.as_str(), reviews[0].commit_id.as_str()),
        ("octocat", first.as_str())
    );
    assert!(reviews[0].submitted_at.ends_with('Z'), "{:?}", reviews[0]);

    assert_eq!(gh.latest_pull("pi/review/y", "main").await.unwrap(), None);
    sim.github().close(1, true);
    let merged = gh
        .latest_pull("pi/review/x", "main")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((merged.number, merged.merged), (1, true));
    assert!(merged.merged_at.is_some());
    assert_eq!(
        gh.find_open_pull("pi/review/x", "main").await.unwrap(),
        None
    );
    gh.create_pull(&new_pull("pi/review/x")).await.unwrap();
    let newest = gh
        .latest_pull("pi/review/x", "main")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((newest.number, newest.state.as_str()), (2, "open"));
}
