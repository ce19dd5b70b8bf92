//! pi-jira against pi-sim's Cloud and Data Center over loopback: the deployment read from
//! `serverInfo`, fields found by display name, Data Center's offset paging over the epic link
//! with a page cap smaller than asked, Bearer tokens, the removed search (410) named as such,
//! and 100 epics' 600 stories.

use std::time::Duration;

use pi_jira::{JiraClient, JiraConfig, JiraCredentials, JiraDeployment, JiraError, RetryPolicy};
use pi_sim::{DataSource, GenSpec, RunningSim, SimConfig};

async fn sim(deployment: JiraDeployment, page: usize, data: DataSource, per: usize) -> RunningSim {
    pi_sim::start(SimConfig {
        jira_deployment: deployment,
        page_size_jira: page,
        data,
        jira_stories_per_feature: per,
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts on 127.0.0.1")
}

fn config(sim: &RunningSim, creds: JiraCredentials) -> JiraConfig {
    let mut c = JiraConfig::new(&sim.base_url(), creds).expect("valid URL");
    c.requests_per_second = 1000;
    c.retry = RetryPolicy {
        max_retries: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        max_total_wait: Duration::from_secs(10),
    };
    c
}

fn pat(sim: &RunningSim) -> JiraCredentials {
    JiraCredentials::Pat {
        token: sim.jira_pat().to_owned(),
    }
}

fn cloud(sim: &RunningSim) -> JiraCredentials {
    let (email, api_token) = sim.jira_credentials();
    JiraCredentials::Cloud { email, api_token }
}

fn generated() -> DataSource {
    DataSource::Generated(GenSpec {
        teams: 1,
        objectives_per_team: 20,
        features_per_objective: 5,
        releases: 1,
    })
}

fn epics(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("GEN-{i}")).collect()
}

#[tokio::test]
async fn data_center_is_detected_and_paged_by_offset_over_the_epic_link() {
    let sim = sim(JiraDeployment::Datacenter, 7, generated(), 6).await;
    let mut c = config(&sim, pat(&sim));
    c.story_points_names = vec!["Story Points".into()];
    c.page_size = 100;
    let client = JiraClient::new(c).expect("client");
    assert_eq!(
        client.deployment().await.unwrap(),
        JiraDeployment::Datacenter
    );
    assert_eq!(
        client.story_points_field().await.unwrap(),
        "customfield_10106"
    );
    let stories = client
        .stories_under_epics(&epics(10))
        .await
        .expect("search");
    assert_eq!(stories.len(), 60);
    assert!(
        stories
            .iter()
            .all(|s| s.epic.starts_with("GEN-") && s.story.points.is_some())
    );
    assert!(stories.iter().all(|s| s.status_category().is_some()));
    let log = sim.control().jira_requests();
    let searches: Vec<_> = log
        .iter()
        .filter(|r| r.path == "/rest/api/2/search")
        .collect();
    // 60 stories at 7 a page (100 asked for): 9 pages, each starting where the last ended.
    assert_eq!(searches.len(), 9);
    let starts: Vec<u64> = searches
        .iter()
        .map(|r| r.body.as_ref().unwrap()["startAt"].as_u64().unwrap())
        .collect();
    assert_eq!(starts, (0..9).map(|i| i * 7).collect::<Vec<_>>());
    let jql = searches[0].body.as_ref().unwrap()["jql"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(jql.starts_with("cf[10014] in (\"GEN-1\""), "{jql}");
}

#[tokio::test]
async fn cloud_brings_100_epics_600_stories_through_the_cursor() {
    let sim = sim(JiraDeployment::Cloud, 50, generated(), 6).await;
    let client = JiraClient::new(config(&sim, cloud(&sim))).expect("client");
    let stories = client
        .stories_under_epics(&epics(100))
        .await
        .expect("search");
    assert_eq!(stories.len(), 600);
    let mut keys: Vec<&str> = stories.iter().map(|s| s.story.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 600, "no story twice");
    let log = sim.control().jira_requests();
    let pages = log
        .iter()
        .filter(|r| r.path == "/rest/api/3/search/jql")
        .count();
    // Two chunks of 50 epics, 300 stories each at 50 a page.
    assert_eq!(pages, 12);
    assert!(log.iter().any(|r| r.path == "/rest/api/2/serverInfo"));
}

#[tokio::test]
async fn a_cloud_site_configured_as_data_center_is_told_apart() {
    let sim = sim(JiraDeployment::Cloud, 50, generated(), 1).await;
    let mut c = config(&sim, cloud(&sim));
    c.deployment = Some(JiraDeployment::Datacenter);
    c.story_points_names = vec!["Story point estimate".into()];
    c.epic_link_names = vec!["Parent".into()];
    let err = JiraClient::new(c)
        .expect("client")
        .stories_under_epics(&epics(1))
        .await
        .expect_err("410");
    assert!(matches!(err, JiraError::Gone { .. }), "{err:?}");
    assert!(err.to_string().contains("deployment = \"cloud\""), "{err}");
}

#[tokio::test]
async fn a_wrong_token_is_refused_in_both_deployments_and_stays_hidden() {
    for deployment in [JiraDeployment::Cloud, JiraDeployment::Datacenter] {
        let sim = sim(deployment, 50, generated(), 1).await;
        let creds = match deployment {
            JiraDeployment::Cloud => JiraCredentials::Cloud {
                email: sim.jira_credentials().0,
                api_token: "wr0ng-t0ken".into(),
            },
            JiraDeployment::Datacenter => JiraCredentials::Pat {
                token: "wr0ng-t0ken".into(),
            },
        };
        let err = JiraClient::new(config(&sim, creds))
            .expect("client")
            .stories_under_epics(&epics(1))
            .await
            .expect_err("401");
        assert!(
            matches!(err, JiraError::Auth { status: 401, .. }),
            "{err:?}"
        );
        assert!(err.is_unreachable());
        assert!(!format!("{err} {err:?}").contains("wr0ng-t0ken"));
        // A Cloud token is no Data Center token and the other way round.
        let other = match deployment {
            JiraDeployment::Cloud => pat(&sim),
            JiraDeployment::Datacenter => cloud(&sim),
        };
        let err = JiraClient::new(config(&sim, other))
            .expect("client")
            .check()
            .await
            .expect_err("401");
        assert!(matches!(err, JiraError::Auth { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn a_missing_field_names_the_setting_to_change() {
    let sim = sim(JiraDeployment::Datacenter, 50, generated(), 1).await;
    let mut c = config(&sim, pat(&sim));
    c.epic_link_names = vec!["Epic Lnk".into()];
    let err = JiraClient::new(c)
        .expect("client")
        .check()
        .await
        .expect_err("no field");
    assert!(err.to_string().contains("epic_link_field"), "{err}");
    assert!(err.to_string().contains("Epic Lnk"), "{err}");
}

#[tokio::test]
async fn an_epic_jira_does_not_have_is_told_apart_from_one_without_stories() {
    for deployment in [JiraDeployment::Cloud, JiraDeployment::Datacenter] {
        let sim = sim(deployment, 2, generated(), 1).await;
        let creds = match deployment {
            JiraDeployment::Cloud => cloud(&sim),
            JiraDeployment::Datacenter => pat(&sim),
        };
        let mut c = config(&sim, creds);
        c.deployment = Some(deployment);
        let client = JiraClient::new(c).expect("client");
        let keys = vec![
            "GEN-1".to_owned(),
            "GEN-999".to_owned(),
            "GEN/../x".to_owned(),
        ];
        let missing = client.missing_issues(&keys).await.expect("read");
        assert_eq!(missing, vec!["GEN-999".to_owned(), "GEN/../x".to_owned()]);
        // A search alone cannot tell: the missing epic has no stories, as an empty one would.
        let stories = client
            .stories_under_epics(&keys[1..2])
            .await
            .expect("search");
        assert!(stories.is_empty(), "{deployment:?}");
        assert!(client.missing_issues(&[]).await.expect("none").is_empty());
    }
}
