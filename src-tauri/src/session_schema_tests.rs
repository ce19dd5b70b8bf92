use std::sync::Arc;

use super::*;
use crate::credentials::MemoryStore;
use crate::dto::{IdentityDto, OpenRequest};
use crate::session::Dirs;

fn session_in(dir: &Path, profile: pi_sim::Profile) -> Session {
    let dirs = Dirs {
        config: dir.join("config"),
        data: dir.join("data"),
    };
    Session::new(dirs, Arc::new(MemoryStore::default())).with_demo_profile(profile)
}

async fn open_team(session: &Session, release: &str, team: &str) -> crate::dto::PlanView {
    session
        .save_identity(IdentityDto {
            name: "Ann Planner".into(),
            email: "ann@example.com".into(),
        })
        .await
        .expect("identity");
    let art = session.arts().await.expect("arts").remove(0);
    let release = session
        .releases(art.id)
        .await
        .expect("releases")
        .into_iter()
        .find(|r| r.name == release)
        .expect("the release");
    let team = session
        .teams(art.id)
        .await
        .expect("teams")
        .into_iter()
        .find(|t| t.name == team)
        .expect("the team");
    session
        .open(OpenRequest { art, release, team })
        .await
        .expect("opened")
}

/// The demo's enterprise account links features through a single reference and keeps the Jira
/// key in another custom field: with the plans folder's `[tp]` the app's client reads them all.
#[tokio::test]
async fn the_enterprise_demo_brings_every_feature_with_its_jira_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = session_in(dir.path(), pi_sim::Profile::Enterprise);
    session.start_demo().await.expect("demo starts");
    let view = open_team(&session, "PI-2/27", "Harbor Ops").await;
    let features: Vec<_> = view
        .plan
        .objectives
        .iter()
        .flat_map(|o| &o.features)
        .collect();
    assert_eq!(view.plan.objectives.len(), 30);
    assert_eq!(features.len(), 50);
    assert!(
        features
            .iter()
            .all(|f| f.jira_key.as_deref().is_some_and(|k| k.starts_with("HBR-")))
    );
    let repo_file = Path::new(&view.plan_file)
        .parent()
        .expect("plan folder")
        .join(pi_model::CONFIG_FILE_NAME);
    let committed = std::fs::read_to_string(repo_file).expect("settings in the plan repository");
    assert!(committed.contains("feature_objectives_link = \"reference\""));
}

/// The plan repository's own `[tp]` wins over the plans folder's; a file with a mistake is an
/// error that names it, never the default names in silence.
#[tokio::test]
async fn the_plan_repository_settings_come_before_the_folder_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = session_in(dir.path(), pi_sim::Profile::Demo);
    let inner = session.inner.lock().await;
    let folder = session.workspace_folder(&SavedConnection::Demo);
    let plan = folder.join("pi-1-team");
    std::fs::create_dir_all(&plan).expect("folders");
    assert_eq!(
        session.schema_for(&inner, Some(&plan)).expect("defaults"),
        TpSchema::default()
    );
    let folder_file = folder.join(pi_model::CONFIG_FILE_NAME);
    std::fs::write(&folder_file, "[tp]\njira_key_field = \"Jira Link\"\n").expect("write");
    let schema = session.schema_for(&inner, Some(&plan)).expect("folder");
    assert_eq!(schema.jira_key_field, "Jira Link");
    let plan_file = plan.join(pi_model::CONFIG_FILE_NAME);
    std::fs::write(&plan_file, "[tp]\njira_key_field = \"Epic\"\n").expect("write");
    let schema = session.schema_for(&inner, Some(&plan)).expect("plan");
    assert_eq!(schema.jira_key_field, "Epic");
    std::fs::write(&plan_file, "[tp]\nno_such_key = 1\n").expect("write");
    let err = session
        .schema_for(&inner, Some(&plan))
        .expect_err("mistake");
    assert!(err.message.contains("has a mistake"), "{}", err.message);
}

fn features_of(view: &crate::dto::PlanView) -> Vec<&crate::dto::FeatureDto> {
    view.plan
        .objectives
        .iter()
        .flat_map(|o| &o.features)
        .collect()
}

/// With the default names the enterprise account's features cannot be placed: opening the plan
/// says so in plain words instead of showing a plan without features in silence.
#[tokio::test]
async fn opening_says_what_targetprocess_had_that_the_plan_could_not_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = session_in(dir.path(), pi_sim::Profile::Enterprise);
    session.start_demo().await.expect("demo starts");
    let folder_file = session.folder_config_path(&SavedConnection::Demo);
    std::fs::remove_file(folder_file).expect("the enterprise names removed");
    let view = open_team(&session, "PI-2/27", "Harbor Ops").await;
    assert!(features_of(&view).is_empty());
    assert!(
        view.notices.iter().any(|n| n.contains("feature")),
        "{:?}",
        view.notices
    );
    let again = session.plan().await.expect("plan");
    assert!(again.notices.is_empty(), "shown once, after opening");
}

/// The demo's features bring their Jira stories; when Jira cannot be reached the pull still
/// completes, keeps the stories and says "Jira unreachable: stories not refreshed".
#[tokio::test]
async fn pull_keeps_the_stories_and_says_when_jira_is_unreachable() {
    let (f, view) = crate::session_fixture::demo_with_plan_where(|v| {
        features_of(v).iter().any(|f| !f.stories.is_empty())
    })
    .await;
    let stories = |v: &crate::dto::PlanView| -> usize {
        features_of(v).iter().map(|f| f.stories.len()).sum()
    };
    let before = stories(&view);
    let pulled = f.session.pull(false, &|_| {}).await.expect("pull");
    assert!(pulled.notices.is_empty(), "{:?}", pulled.notices);
    {
        let mut inner = f.session.inner.lock().await;
        let mut config = JiraConfig::new(
            "http://127.0.0.1:1",
            JiraCredentials::Pat {
                token: "unused".into(),
            },
        )
        .expect("config");
        config.retry.max_retries = 0;
        inner.jira = Some(Arc::new(JiraClient::new(config).expect("client")));
    }
    let pulled = f
        .session
        .pull(false, &|_| {})
        .await
        .expect("pull completes");
    assert_eq!(pulled.notices, [pi_engine::stories::UNREACHABLE.to_owned()]);
    let after = f.session.plan().await.expect("plan");
    assert_eq!(stories(&after), before);
}
