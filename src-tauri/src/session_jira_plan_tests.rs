#![allow(clippy::unwrap_used)]

use super::*;
use crate::dto::{DecomposeResultDto, FeatureDto, PlanView};
use crate::session_fixture::demo_with_plan_where;

fn features(v: &PlanView) -> impl Iterator<Item = &FeatureDto> {
    v.plan.objectives.iter().flat_map(|o| o.features.iter())
}

/// A feature whose effort is far from its stories' points (points-vs-effort at 20 %).
fn far_from_points(f: &FeatureDto) -> bool {
    let points: f64 = f.stories.iter().filter_map(|s| s.points).sum();
    let effort = f.effort.unwrap_or(0.0);
    f.stories.iter().any(|s| s.points.is_some())
        && (effort - points).abs() > effort.max(points) * 0.2 + 0.5
}

/// The demo's Jira disagrees with the plan in places: the view lists each finding with its
/// fix, and "Apply fix" on a points-vs-effort finding sets the effort to the stories' points
/// as a saved edit of the plan (undo puts it back), after which that finding is gone.
#[tokio::test]
async fn out_of_sync_lists_findings_and_a_fix_is_a_saved_edit() {
    let (fx, view) = demo_with_plan_where(|v| features(v).any(far_from_points)).await;
    let feature = features(&view)
        .find(|f| far_from_points(f))
        .unwrap()
        .clone();
    let id = feature.id.clone().unwrap();
    let lint = fx.session.jira_lint().await.expect("lint");
    assert_eq!(lint.epics_note, None, "the demo's Jira was asked");
    let finding = lint
        .findings
        .iter()
        .find(|f| f.code == "points-vs-effort" && f.feature == id)
        .expect("the feature's finding");
    assert!(finding.fixable);
    assert_eq!(finding.title, "Effort and story points differ");
    assert_eq!(finding.feature_name, feature.name);

    let fixed = fx
        .session
        .jira_lint_fix(LintFixRequest {
            code: "points-vs-effort".into(),
            feature: Some(id.clone()),
        })
        .await
        .expect("fixed");
    assert_eq!(fixed.fixed, Some(1));
    assert!(
        !fixed
            .findings
            .iter()
            .any(|f| f.code == "points-vs-effort" && f.feature == id)
    );
    let after = fx.session.plan().await.unwrap();
    let points: f64 = feature.stories.iter().filter_map(|s| s.points).sum();
    let now = features(&after)
        .find(|f| f.id.as_deref() == Some(&id))
        .unwrap();
    assert_eq!(now.effort, Some(points));
    assert!(after.can_undo, "the fix is an edit undo puts back");
    // The other features' findings of the same code are left for the planner.
    let others = lint
        .findings
        .iter()
        .filter(|f| f.code == "points-vs-effort" && f.feature != id)
        .count();
    let left = fixed
        .findings
        .iter()
        .filter(|f| f.code == "points-vs-effort")
        .count();
    assert_eq!(left, others);

    let e = fx
        .session
        .jira_lint_fix(LintFixRequest {
            code: "no-such-code".into(),
            feature: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
}

/// "Create stories from acceptance criteria": the preview lists one story per criterion, the
/// run creates each under the feature's epic, a second run creates none and reports them as
/// created earlier, and the next pull brings each story under the feature once.
#[tokio::test]
async fn stories_are_created_from_the_criteria_once() {
    let has_criteria = |f: &FeatureDto| f.jira_key.is_some() && f.acceptance_criteria.len() >= 2;
    let (fx, view) = demo_with_plan_where(|v| features(v).any(has_criteria)).await;
    let feature = features(&view).find(|f| has_criteria(f)).unwrap().clone();
    let id = feature.id.clone().unwrap();
    let texts: Vec<String> = feature
        .acceptance_criteria
        .iter()
        .map(|c| c.text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let ask = |preview| DecomposeRequest {
        feature: id.clone(),
        preview,
    };

    let preview = fx.session.jira_decompose(ask(true)).await.expect("preview");
    assert!(preview.preview);
    assert_eq!(preview.epic, feature.jira_key.clone().unwrap());
    let listed: Vec<&str> = preview.stories.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(listed, texts.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        preview
            .stories
            .iter()
            .all(|s| s.result == DecomposeResultDto::ToCreate && s.key.is_none())
    );

    let created = fx
        .session
        .jira_decompose(ask(false))
        .await
        .expect("created");
    assert!(!created.preview);
    assert!(
        created
            .stories
            .iter()
            .all(|s| s.result == DecomposeResultDto::Created && s.key.is_some())
    );
    let again = fx.session.jira_decompose(ask(false)).await.expect("again");
    assert!(
        again
            .stories
            .iter()
            .all(|s| s.result == DecomposeResultDto::AlreadyCreated)
    );
    let keys = |d: &DecomposeDto| d.stories.iter().map(|s| s.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&again), keys(&created));

    fx.session.pull(false, &|_| {}).await.expect("pulled");
    let after = fx.session.plan().await.unwrap();
    let stories = &features(&after)
        .find(|f| f.id.as_deref() == Some(&id))
        .unwrap()
        .stories;
    for text in &texts {
        assert_eq!(
            stories.iter().filter(|s| &s.summary == text).count(),
            1,
            "{text:?} once under the feature"
        );
    }
}
