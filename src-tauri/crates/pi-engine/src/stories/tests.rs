//! Stories in init, pull, status and push on the in-memory tracker with a story source in
//! memory: written under the features, kept by the snapshot, never pushed, warned about when
//! edited, kept when Jira cannot be read.

#![allow(clippy::unwrap_used)] // tests: a failure here is a failed test

use std::sync::Mutex;

use futures::future::BoxFuture;
use pi_jira::{JiraError, JiraStory};
use pi_model::{EntityId, JiraLink, Plan, Story};
use pi_targetprocess::Kind;

use super::*;
use crate::memory::MemoryTracker;
use crate::push::{PushOptions, PushOutcome};
use crate::testing::{at, jane};
use crate::workspace::Workspace;
use crate::{InitRequest, PullOptions};

/// Jira in memory: stories per epic, or every search failing with `failure`.
#[derive(Default)]
struct Jira {
    stories: Mutex<Vec<JiraStory>>,
    failure: Mutex<Option<JiraError>>,
}

impl StorySource for Jira {
    fn stories_under<'a>(
        &'a self,
        epics: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<JiraStory>, JiraError>> {
        Box::pin(async move {
            if let Some(e) = self.failure.lock().unwrap().clone() {
                return Err(e);
            }
            Ok(self
                .stories
                .lock()
                .unwrap()
                .iter()
                .filter(|s| epics.contains(&s.epic))
                .cloned()
                .collect())
        })
    }

    fn missing_epics<'a>(
        &'a self,
        epics: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, JiraError>> {
        Box::pin(async move {
            let stories = self.stories.lock().unwrap();
            Ok(epics
                .iter()
                .filter(|e| !stories.iter().any(|s| &s.epic == *e))
                .cloned()
                .collect())
        })
    }
}

fn story(epic: &str, key: &str, summary: &str) -> JiraStory {
    JiraStory {
        epic: epic.into(),
        story: Story {
            key: key.into(),
            url: Some(format!("https://acme.atlassian.net/browse/{key}")),
            summary: summary.into(),
            status: Some("In Progress".into()),
            status_category: Some("indeterminate".into()),
            assignee: Some("Ana Lee".into()),
            points: pi_model::Effort::new(3.0),
            acceptance_criteria: vec![],
        },
    }
}

/// One objective with two features: one with the epic PAY-1, one without a Jira key.
fn account() -> (MemoryTracker, i64) {
    let tp = MemoryTracker::new("https://acme.tpondemand.com");
    tp.set_states(Kind::TeamObjective, &["Draft", "Accepted"]);
    tp.set_states(Kind::Feature, &["Open", "Done"]);
    let art = tp.add_art("Rocket ART");
    let release = tp.add_release(art, "PI 2026.1");
    let team = tp.add_team(art, "Team Rocket");
    let objective = tp.add_objective(release, team, |o| o.name = "Mobile checkout".into());
    let feature = tp.add_feature(release, &[objective], |f| {
        f.name = "One-tap pay".into();
        f.jira = Some(JiraLink {
            key: "PAY-1".into(),
            url: None,
        });
    });
    tp.add_feature(release, &[objective], |f| f.name = "Receipts".into());
    (tp, feature)
}

fn jira() -> Jira {
    let j = Jira::default();
    *j.stories.lock().unwrap() = vec![
        story("PAY-1", "PAY-10", "Card form"),
        story("PAY-1", "PAY-9", "Wallet button"),
        story("OTHER-1", "OTHER-2", "Not ours"),
    ];
    j
}

async fn initialised(tp: &MemoryTracker, source: &Jira, dir: &std::path::Path) -> Workspace {
    let req = InitRequest {
        dir: dir.to_path_buf(),
        release: "PI 2026.1".into(),
        team: "Team Rocket".into(),
        remote: None,
    };
    let report = crate::init_with(&at(tp, &jane(), 0), &req, Some(source))
        .await
        .unwrap();
    assert_eq!(
        report.jira,
        Some(StoriesRefresh::Refreshed {
            epics: 1,
            stories: 2
        })
    );
    Workspace::open(dir).unwrap()
}

fn stories_of(plan: &Plan, id: i64) -> Vec<Story> {
    let (_, f) = plan
        .features()
        .find(|(_, f)| f.id == EntityId::Tp(id))
        .unwrap();
    f.stories.clone()
}

fn keys(stories: &[Story]) -> Vec<&str> {
    stories.iter().map(|s| s.key.as_str()).collect()
}

async fn pull(tp: &MemoryTracker, ws: &Workspace, source: &Jira, minute: i64) -> crate::PullReport {
    let opts = PullOptions {
        stories: Some(source),
        ..PullOptions::default()
    };
    crate::pull(&at(tp, &jane(), minute), ws, &opts)
        .await
        .unwrap()
}

#[tokio::test]
async fn init_writes_the_epics_stories_and_the_snapshot_keeps_them() {
    let (tp, feature) = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&tp, &jira(), dir.path()).await;
    let local = ws.local().unwrap();
    assert_eq!(keys(&stories_of(&local, feature)), ["PAY-9", "PAY-10"]);
    assert_eq!(stories_of(&ws.base().unwrap().plan, feature).len(), 2);
    let status = crate::status(Some(&at(&tp, &jane(), 1)), &ws)
        .await
        .unwrap();
    assert!(
        status.local_changes.is_empty(),
        "{:?}",
        status.local_changes
    );
    assert!(status.stories_edited.is_empty());
    assert_eq!(
        status.tp_changed,
        Some(false),
        "the snapshot's stories are no TP change"
    );
}

#[tokio::test]
async fn an_edited_story_is_warned_about_never_pushed_and_replaced_by_the_next_pull() {
    let (tp, feature) = account();
    let dir = tempfile::tempdir().unwrap();
    let source = jira();
    let ws = initialised(&tp, &source, dir.path()).await;
    let mut plan = ws.local().unwrap();
    let f = &mut plan.objectives[0].features[0];
    f.stories[0].summary = "Wallet button, renamed here".into();
    f.stories[1].points = pi_model::Effort::new(13.0);
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();

    let status = crate::status(None, &ws).await.unwrap();
    assert_eq!(status.stories_edited.len(), 1);
    assert_eq!(status.stories_edited[0].feature, EntityId::Tp(feature));
    assert_eq!(status.stories_edited[0].keys, ["PAY-9", "PAY-10"]);
    let base = ws.base().unwrap().plan;
    assert_eq!(
        pi_model::changeset::push_plan(&base, &plan).unwrap(),
        vec![]
    );
    let pushed = crate::push(&at(&tp, &jane(), 1), &ws, PushOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(pushed, PushOutcome::NothingToPush { .. }),
        "{pushed:?}"
    );
    assert_eq!(tp.calls(crate::memory::Call::Update), 0);

    let report = pull(&tp, &ws, &source, 2).await;
    assert!(report.local.is_empty() && report.conflicts.is_empty());
    let now = stories_of(&ws.local().unwrap(), feature);
    assert_eq!(now[0].summary, "Wallet button");
    assert_eq!(now[1].points, pi_model::Effort::new(3.0));
    assert!(
        crate::status(None, &ws)
            .await
            .unwrap()
            .stories_edited
            .is_empty()
    );
}

#[tokio::test]
async fn a_pull_brings_jiras_changes_and_a_story_moved_away() {
    let (tp, feature) = account();
    let dir = tempfile::tempdir().unwrap();
    let source = jira();
    let ws = initialised(&tp, &source, dir.path()).await;
    {
        let mut all = source.stories.lock().unwrap();
        all.retain(|s| s.story.key != "PAY-10");
        all[0].story.status = Some("Done".into());
        all[0].story.status_category = Some("done".into());
    }
    let report = pull(&tp, &ws, &source, 1).await;
    assert_eq!(
        report.jira,
        Some(StoriesRefresh::Refreshed {
            epics: 1,
            stories: 1
        })
    );
    let now = stories_of(&ws.local().unwrap(), feature);
    assert_eq!(keys(&now), ["PAY-9"]);
    assert_eq!(now[0].status_category.as_deref(), Some("done"));
    assert_eq!(
        keys(&stories_of(&ws.base().unwrap().plan, feature)),
        ["PAY-9"]
    );
}

#[tokio::test]
async fn jira_unreachable_keeps_the_stories_and_the_tp_pull_completes() {
    let (tp, feature) = account();
    let dir = tempfile::tempdir().unwrap();
    let source = jira();
    let ws = initialised(&tp, &source, dir.path()).await;
    tp.edit_feature(feature, |f| f.status = Some("Done".into()));
    for failure in [
        JiraError::Server {
            method: "POST".into(),
            path: "/rest/api/3/search/jql".into(),
            status: 503,
            message: "down for maintenance".into(),
        },
        JiraError::Auth {
            method: "GET".into(),
            path: "/rest/api/2/serverInfo".into(),
            status: 401,
        },
    ] {
        *source.failure.lock().unwrap() = Some(failure);
        let report = pull(&tp, &ws, &source, 1).await;
        let Some(StoriesRefresh::NotRefreshed { message, detail }) = &report.jira else {
            panic!("{:?}", report.jira);
        };
        assert_eq!(message, UNREACHABLE);
        assert!(detail.contains("/rest/api/"), "{detail}");
        let local = ws.local().unwrap();
        assert_eq!(keys(&stories_of(&local, feature)), ["PAY-9", "PAY-10"]);
        assert_eq!(
            keys(&stories_of(&ws.base().unwrap().plan, feature)),
            ["PAY-9", "PAY-10"]
        );
        let (_, f) = local
            .features()
            .find(|(_, f)| f.id == EntityId::Tp(feature))
            .unwrap();
        assert_eq!(f.status.as_deref(), Some("Done"), "the TP change came in");
    }
    let json = serde_json::to_value(StoriesRefresh::failed(&JiraError::Gone {
        method: "POST".into(),
        path: "/rest/api/2/search".into(),
    }))
    .unwrap();
    assert_eq!(json["result"], "not_refreshed");
    assert!(json["message"].as_str().unwrap().contains("not refreshed"));
}

#[tokio::test]
async fn a_train_sync_brings_each_plans_stories() {
    let (tp, feature) = account();
    let source = jira();
    let dir = tempfile::tempdir().unwrap();
    let req = InitRequest {
        dir: dir.path().to_path_buf(),
        release: "PI 2026.1".into(),
        team: "Team Rocket".into(),
        remote: None,
    };
    crate::init(&at(&tp, &jane(), 0), &req).await.unwrap();
    let ws = Workspace::open(dir.path()).unwrap();
    assert!(stories_of(&ws.local().unwrap(), feature).is_empty());

    let of = |_: &Workspace| Some(&source as &dyn StorySource);
    let opts = crate::TrainOptions {
        stories: Some(&of),
        ..crate::TrainOptions::default()
    };
    let synced = crate::sync_train(&at(&tp, &jane(), 1), std::slice::from_ref(&ws), &opts)
        .await
        .unwrap();
    let report = synced[0].pull.as_ref().unwrap();
    assert_eq!(
        report.jira,
        Some(StoriesRefresh::Refreshed {
            epics: 1,
            stories: 2
        })
    );
    let stories = stories_of(&ws.local().unwrap(), feature);
    assert_eq!(keys(&stories), ["PAY-9", "PAY-10"]);
}

#[tokio::test]
async fn a_pull_without_a_story_source_leaves_the_stories_alone() {
    let (tp, feature) = account();
    let dir = tempfile::tempdir().unwrap();
    let ws = initialised(&tp, &jira(), dir.path()).await;
    tp.edit_feature(feature, |f| f.name = "One-tap pay everywhere".into());
    let report = crate::pull(&at(&tp, &jane(), 1), &ws, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(report.jira, None);
    assert_eq!(stories_of(&ws.local().unwrap(), feature).len(), 2);
    assert_eq!(stories_of(&ws.base().unwrap().plan, feature).len(), 2);
}

#[test]
fn keys_sort_by_project_then_number() {
    let mut k = vec!["PAY-10", "AB-3", "PAY-9", "PAY-x"];
    k.sort_by(|a, b| key_order(a, b));
    assert_eq!(k, ["AB-3", "PAY-9", "PAY-10", "PAY-x"]);
}
