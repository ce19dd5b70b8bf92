#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use super::*;
use crate::credentials::{CredentialStore, MemoryStore};
use crate::session::Dirs;

fn session_in(dir: &Path, store: Arc<MemoryStore>) -> Session {
    let dirs = Dirs {
        config: dir.join("config"),
        data: dir.join("data"),
    };
    Session::new(dirs, store)
}

async fn jira(deployment: JiraDeployment) -> pi_sim::RunningSim {
    pi_sim::start(pi_sim::SimConfig {
        jira_deployment: deployment,
        ..pi_sim::SimConfig::default()
    })
    .await
    .expect("simulator")
}

/// "Test connection" names the kind of Jira for a Cloud site (e-mail and API token) and a Data
/// Center one (a personal access token, no e-mail), and says in words when Jira refuses the
/// credentials, without repeating the token.
#[tokio::test]
async fn test_connection_names_the_jira_and_refuses_a_wrong_token_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let session = session_in(dir.path(), Arc::default());
    let cloud = jira(JiraDeployment::Cloud).await;
    let (email, token) = cloud.jira_credentials();
    let req = JiraConnectRequest {
        url: format!("{}/", cloud.base_url()),
        email: email.clone(),
        token: token.clone(),
    };
    let check = session.jira_test(&req).await.expect("Jira takes them");
    assert_eq!(check.kind, "Jira Cloud");
    assert_eq!(check.url, cloud.base_url());

    let wrong = JiraConnectRequest {
        token: "not-the-token-123".into(),
        ..req.clone()
    };
    let e = session.jira_test(&wrong).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(
        e.message.contains("did not accept these credentials"),
        "{e:?}"
    );
    assert!(e.hints.iter().any(|h| h.contains("API token")), "{e:?}");
    assert!(!format!("{e:?}").contains("not-the-token-123"));

    let dc = jira(JiraDeployment::Datacenter).await;
    let pat = JiraConnectRequest {
        url: dc.base_url(),
        email: String::new(),
        token: dc.jira_pat().to_owned(),
    };
    let check = session.jira_test(&pat).await.expect("Data Center takes it");
    assert_eq!(check.kind, "Jira Data Center");

    let nowhere = JiraConnectRequest {
        url: "not a url".into(),
        ..req
    };
    assert_eq!(
        session.jira_test(&nowhere).await.unwrap_err().code,
        ErrorCode::BadUrl
    );
}

/// Connecting keeps the e-mail and token in the keychain, under the account `tpcli auth login
/// --jira` uses, and only the site in the settings file; forgetting removes them.
#[tokio::test]
async fn connecting_keeps_the_credentials_in_the_keychain_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let session = session_in(dir.path(), store.clone());
    let sim = jira(JiraDeployment::Cloud).await;
    let (email, token) = sim.jira_credentials();
    let req = JiraConnectRequest {
        url: sim.base_url(),
        email: email.clone(),
        token: token.clone(),
    };
    let status = session.jira_save(&req).await.expect("connected");
    assert_eq!(status.url.as_deref(), Some(sim.base_url().as_str()));
    assert!(!status.demo);
    let account = format!("jira:{}", sim.base_url());
    let kept: serde_json::Value =
        serde_json::from_str(&store.load(&account).unwrap().expect("in the keychain")).unwrap();
    assert_eq!(kept["email"], email);
    assert_eq!(kept["token"], token);
    let settings = std::fs::read_to_string(dir.path().join("config/settings.json")).unwrap();
    assert!(settings.contains(&sim.base_url()));
    assert!(!settings.contains(&token) && !settings.contains(&email));

    let wrong = JiraConnectRequest {
        token: "wrong".into(),
        ..req
    };
    assert!(session.jira_save(&wrong).await.is_err());
    assert_eq!(
        store.load(&account).unwrap().map(|v| v.contains(&token)),
        Some(true),
        "a refused token replaces nothing"
    );

    let status = session.jira_forget().await.expect("forgotten");
    assert_eq!(status.url, None);
    assert_eq!(store.load(&account).unwrap(), None);
    assert_eq!(session.jira_status().await.url, None);
}
