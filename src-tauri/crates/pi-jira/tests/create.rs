//! Creating stories against pi-sim's Cloud and Data Center over loopback: the create's body in
//! each deployment's form, the story found by its label and under its epic, Jira's refusals
//! (missing summary, unknown epic) as validation errors, and a create that is never sent twice by
//! the client — neither after its answer was lost (the story exists) nor after a 5xx.

#![allow(clippy::unwrap_used)] // tests

use std::time::Duration;

use pi_jira::{JiraClient, JiraConfig, JiraCredentials, JiraDeployment, JiraError, NewStory};
use pi_jira::{RetryPolicy, project_of};
use pi_sim::{DataSource, Faults, GenSpec, RunningSim, SimConfig};

async fn sim(deployment: JiraDeployment) -> RunningSim {
    pi_sim::start(SimConfig {
        jira_deployment: deployment,
        data: DataSource::Generated(GenSpec {
            teams: 1,
            objectives_per_team: 2,
            features_per_objective: 2,
            releases: 1,
        }),
        jira_stories_per_feature: 2,
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts on 127.0.0.1")
}

fn client(sim: &RunningSim, deployment: JiraDeployment) -> JiraClient {
    let creds = match deployment {
        JiraDeployment::Cloud => {
            let (email, api_token) = sim.jira_credentials();
            JiraCredentials::Cloud { email, api_token }
        }
        JiraDeployment::Datacenter => JiraCredentials::Pat {
            token: sim.jira_pat().to_owned(),
        },
    };
    let mut c = JiraConfig::new(&sim.base_url(), creds).expect("valid URL");
    c.requests_per_second = 1000;
    c.retry = RetryPolicy {
        max_retries: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(100),
        max_total_wait: Duration::from_secs(10),
    };
    JiraClient::new(c).expect("client")
}

fn story(epic: &str, summary: &str, label: &str) -> NewStory {
    NewStory {
        epic: epic.into(),
        summary: summary.into(),
        description: format!("{summary}\n\nFrom the plan."),
        labels: vec![label.into()],
    }
}

fn creates(sim: &RunningSim) -> Vec<pi_sim::JiraRequest> {
    sim.control()
        .jira_requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/issue"))
        .collect()
}

async fn creates_and_finds(deployment: JiraDeployment) {
    let sim = sim(deployment).await;
    let jira = client(&sim, deployment);
    let epic = "GEN-1";
    let created = jira
        .create_story(&story(epic, "Pay with a card", "pi-planner-aaaa1111"))
        .await
        .expect("created");
    assert_eq!(project_of(&created.key), Some("GEN"));
    let sent = creates(&sim);
    assert_eq!(sent.len(), 1);
    let fields = &sent[0].body.as_ref().expect("a JSON body")["fields"];
    assert_eq!(fields["issuetype"]["name"], "Story");
    assert_eq!(fields["labels"][0], "pi-planner-aaaa1111");
    match deployment {
        JiraDeployment::Cloud => {
            assert_eq!(sent[0].path, "/rest/api/3/issue");
            assert_eq!(fields["parent"]["key"], epic);
            assert_eq!(fields["description"]["type"], "doc");
        }
        JiraDeployment::Datacenter => {
            assert_eq!(sent[0].path, "/rest/api/2/issue");
            assert_eq!(fields["customfield_10014"], epic);
            assert_eq!(fields["description"], "Pay with a card\n\nFrom the plan.");
        }
    }
    let found = jira.keys_with_label("pi-planner-aaaa1111").await.unwrap();
    assert_eq!(found, vec![created.key.clone()]);
    assert!(
        jira.keys_with_label("pi-planner-none")
            .await
            .unwrap()
            .is_empty()
    );
    let under = jira.stories_under_epics(&[epic.to_owned()]).await.unwrap();
    assert!(under.iter().any(|s| s.story.key == created.key
        && s.story.summary == "Pay with a card"
        && s.epic == epic));

    // Jira's refusals: 400 with the field named.
    let err = jira
        .create_story(&story(epic, "  ", "pi-planner-bbbb"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, JiraError::Validation { status: 400, message, .. } if message.contains("summary")),
        "{err}"
    );
    let err = jira
        .create_story(&story("GEN-9999", "Orphan", "pi-planner-cccc"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, JiraError::Validation { status: 400, .. }),
        "{err}"
    );
    assert!(
        jira.keys_with_label("pi-planner-cccc")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_story_is_created_under_its_epic_on_cloud() {
    creates_and_finds(JiraDeployment::Cloud).await;
}

#[tokio::test]
async fn a_story_is_created_under_its_epic_on_data_center() {
    creates_and_finds(JiraDeployment::Datacenter).await;
}

#[tokio::test]
async fn a_create_is_not_sent_again_after_a_lost_answer_or_a_server_error() {
    for deployment in [JiraDeployment::Cloud, JiraDeployment::Datacenter] {
        let sim = sim(deployment).await;
        let jira = client(&sim, deployment);
        jira.check().await.expect("reachable");
        let ctl = sim.control();

        // Written, then the connection dropped: an error, one request, and the story exists.
        ctl.set_faults(Faults {
            drop_after_apply: Some(0),
            ..Faults::default()
        });
        let err = jira
            .create_story(&story("GEN-2", "Lost answer", "pi-planner-dddd"))
            .await
            .unwrap_err();
        assert!(matches!(err, JiraError::Network { .. }), "{err}");
        ctl.set_faults(Faults::default());
        assert_eq!(creates(&sim).len(), 1, "{deployment:?}");
        assert_eq!(
            jira.keys_with_label("pi-planner-dddd").await.unwrap().len(),
            1
        );

        // A 5xx: an error, one request, nothing created.
        ctl.set_faults(Faults {
            jira_create_errors: 1,
            error_status: 503,
            ..Faults::default()
        });
        let err = jira
            .create_story(&story("GEN-2", "Server error", "pi-planner-eeee"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, JiraError::Server { status: 503, .. }),
            "{err}"
        );
        assert_eq!(creates(&sim).len(), 2, "{deployment:?}");
        assert!(
            jira.keys_with_label("pi-planner-eeee")
                .await
                .unwrap()
                .is_empty()
        );
        // The fault was used up: the next create goes through.
        jira.create_story(&story("GEN-2", "Server error", "pi-planner-eeee"))
            .await
            .expect("created");
        assert_eq!(
            jira.keys_with_label("pi-planner-eeee").await.unwrap().len(),
            1
        );
    }
}
