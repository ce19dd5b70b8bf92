use std::sync::Arc;

use super::*;
use crate::credentials::MemoryStore;
use crate::session::Dirs;

const TOKEN: &str = "enterprise-token";

fn session_in(dir: &Path) -> Session {
    let dirs = Dirs {
        config: dir.join("config"),
        data: dir.join("data"),
    };
    Session::new(dirs, Arc::new(MemoryStore::default()))
}

async fn enterprise_account() -> pi_sim::RunningSim {
    pi_sim::start(pi_sim::SimConfig {
        access_token: Some(TOKEN.to_owned()),
        ..pi_sim::SimConfig::for_profile(pi_sim::Profile::Enterprise)
    })
    .await
    .expect("simulator")
}

/// A connection test to an account that names things unlike the usual one says so in words,
/// lists how the plans folder's settings differ, and "Use these names" writes them there,
/// keeping what the file already said.
#[tokio::test]
async fn the_enterprise_account_is_described_and_its_names_are_written_on_request() {
    let sim = enterprise_account().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let session = session_in(dir.path());
    let req = ConnectRequest {
        url: sim.base_url(),
        token: TOKEN.to_owned(),
    };
    let settings = session.folder_config_path(&folder_of(&req));
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    let ours = "# Our train's settings.\n[tp]\njira_key_field = \"Jira Key\" # as we had it\n";
    std::fs::write(&settings, ours).unwrap();

    let check = session
        .test_connection(&req)
        .await
        .expect("connection works");
    let names = check.names.expect("the account is described");
    assert!(
        names.found.iter().any(|f| f
            .starts_with("Features link to objectives through TeamPIObjective")
            && f.contains("single reference")),
        "{:?}",
        names.found
    );
    assert!(
        names
            .differences
            .iter()
            .any(|d| d.starts_with("The settings say jira_key_field = \"Jira Key\"")),
        "{:?}",
        names.differences
    );
    assert!(
        names
            .differences
            .iter()
            .any(|d| d == "The settings do not name feature_objectives_collection yet."),
        "{:?}",
        names.differences
    );
    assert_eq!(names.settings_file, settings.display().to_string());
    assert_eq!(
        std::fs::read_to_string(&settings).unwrap(),
        ours,
        "a test writes nothing"
    );

    let after = session
        .use_account_names(&req)
        .await
        .expect("names written");
    assert_eq!(
        after.names.expect("described").differences,
        Vec::<String>::new()
    );
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(
        text.starts_with("# Our train's settings.\n[tp]\n"),
        "{text}"
    );
    assert!(text.contains("# as we had it"), "{text}");
    let config = pi_model::RepoConfig::from_toml_str(&text).unwrap();
    assert_eq!(config.tp, pi_sim::Profile::Enterprise.tp_schema());
}

/// A settings file with a mistake is named, not overwritten: the names are not written into it.
#[tokio::test]
async fn a_settings_file_with_a_mistake_is_said_and_left_alone() {
    let sim = enterprise_account().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let session = session_in(dir.path());
    let req = ConnectRequest {
        url: sim.base_url(),
        token: TOKEN.to_owned(),
    };
    let settings = session.folder_config_path(&folder_of(&req));
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(&settings, "[tp\n").unwrap();
    let names = session
        .test_connection(&req)
        .await
        .expect("connection works")
        .names
        .expect("described");
    assert!(
        names
            .problem
            .expect("a problem")
            .starts_with("The settings file has a mistake")
    );
    let err = session.use_account_names(&req).await.unwrap_err();
    assert!(err.message.contains("was not changed"), "{}", err.message);
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), "[tp\n");
}
