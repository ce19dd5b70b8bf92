//! Line comments of a review against the simulator's GitHub, which checks them as GitHub does:
//! a comment on a line of the pull request's diff sits on that line; a line outside the diff
//! (or a file the pull request does not change) refuses the whole review with 422, and the
//! client sends it again with the comments in its body.

use pi_github::{GithubClient, HttpSettings, LineComment, NewPull, Placed};
use pi_sim::{RunningSim, SimConfig};

const PLAN: &str = "pi-26-1.falcons.md";
/// Lines 10 to 16 of the head's version, and 40 to 43.
const PATCH: &str = "@@ -10,7 +10,7 @@ ## Objective: Checkout\n a\n b\n c\n-**Effort**: 5 points\n+**Effort**: 8 points\n d\n e\n f\n@@ -40,3 +40,4 @@\n x\n+y\n z\n w\n";

async fn opened() -> (RunningSim, GithubClient, String) {
    let sim = pi_sim::start(SimConfig::default()).await.unwrap();
    let gh = GithubClient::new(
        &sim.github().api_url(),
        "acme",
        "plans",
        &sim.github().token(),
        &HttpSettings::default(),
    )
    .unwrap();
    let pull = NewPull {
        title: "Falcons: PI 26.1 plan".into(),
        head: "pi/review/falcons".into(),
        base: "main".into(),
        body: "table".into(),
    };
    let head = format!("{:040x}", 0xabcd_u64);
    sim.github()
        .push_branch("acme/plans", "pi/review/falcons", &head);
    sim.github()
        .set_diff("acme/plans", "pi/review/falcons", &[(PLAN, PATCH)]);
    gh.create_pull(&pull).await.unwrap();
    (sim, gh, head)
}

#[tokio::test]
async fn the_changed_files_say_which_lines_take_a_comment() {
    let (_sim, gh, _) = opened().await;
    let files = gh.pull_files(1).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, PLAN);
    let in_diff: Vec<u64> = (1..=50).filter(|l| files[0].has_line(*l)).collect();
    let expected: Vec<u64> = (10..=16).chain(40..=43).collect();
    assert_eq!(in_diff, expected);
}

#[tokio::test]
async fn comments_in_the_diff_sit_on_their_lines() {
    let (sim, gh, head) = opened().await;
    let comments = [
        LineComment::right(PLAN, 13, "Effort: yours 8, Targetprocess 13".into()),
        LineComment::right(PLAN, 43, "Owner differs".into()),
    ];
    let (review, placed) = gh
        .review_lines(1, &head, "2 conflicts", &comments)
        .await
        .unwrap();
    assert_eq!(
        (placed, review.state.as_str()),
        (Placed::OnLines, "COMMENTED")
    );
    let pull = &sim.github().pulls()[0];
    let on: Vec<(u64, &str)> = pull.reviews[0]
        .comments
        .iter()
        .map(|c| (c.line, c.side.as_str()))
        .collect();
    assert_eq!(on, [(13, "RIGHT"), (43, "RIGHT")]);
    assert_eq!(pull.reviews[0].commit_id, head);
}

#[tokio::test]
async fn a_line_outside_the_diff_is_refused_and_the_review_goes_in_the_body() {
    let (sim, gh, head) = opened().await;
    for outside in [
        LineComment::right(PLAN, 30, "Status differs".into()),
        LineComment::right("other.md", 12, "Not changed here".into()),
    ] {
        let comments = [
            LineComment::right(PLAN, 12, "Effort differs".into()),
            outside.clone(),
        ];
        let (_, placed) = gh
            .review_lines(1, &head, "2 conflicts", &comments)
            .await
            .unwrap();
        assert_eq!(placed, Placed::InBody);
        let review = sim.github().pulls()[0].reviews.last().cloned().unwrap();
        assert!(review.comments.is_empty(), "{review:?}");
        assert!(review.body.starts_with("2 conflicts"), "{}", review.body);
        assert!(
            review.body.contains("line 12: Effort differs"),
            "{}",
            review.body
        );
        let said = format!("`{}` line {}: {}", outside.path, outside.line, outside.body);
        assert!(review.body.contains(&said), "{}", review.body);
    }
    // Each refusal was GitHub's 422, then one review in the body: two reviews in all.
    let posts: Vec<u16> = sim
        .github()
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/reviews"))
        .map(|r| r.status)
        .collect();
    assert_eq!(posts, [422, 200, 422, 200]);
    assert_eq!(sim.github().pulls()[0].reviews.len(), 2);
}
