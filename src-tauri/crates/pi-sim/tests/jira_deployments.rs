//! The simulated Jira in both deployments: `serverInfo`, the field list, Data Center's offset
//! search with a capped page size and the epic link field, Bearer personal access tokens,
//! Cloud's 410 on the removed search, 400 on unbounded JQL, the Jira request log, and epics
//! with stories for generated data.

use pi_model::JiraDeployment;
use pi_sim::{DataSource, GenSpec, RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn sim(deployment: JiraDeployment) -> RunningSim {
    pi_sim::start(SimConfig {
        jira_deployment: deployment,
        page_size_jira: 2,
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

fn dc(sim: &RunningSim, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}/rest/api/{path}", sim.base_url()))
        .bearer_auth(sim.jira_pat())
}

#[tokio::test]
async fn data_center_pages_by_offset_with_the_epic_link_and_a_bearer_token() {
    let sim = sim(JiraDeployment::Datacenter).await;
    let info: Value = dc(&sim, reqwest::Method::GET, "2/serverInfo")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["deploymentType"], "DataCenter");
    let fields: Value = dc(&sim, reqwest::Method::GET, "2/field")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id_of = |name: &str| {
        fields
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["id"].as_str().unwrap().to_owned())
    };
    let (points, link) = (id_of("Story Points").unwrap(), id_of("Epic Link").unwrap());
    let mut keys = Vec::new();
    let mut start = 0;
    loop {
        let body = json!({"jql": "\"Epic Link\" in (\"ORB-1\") ORDER BY key ASC", "startAt": start,
                          "maxResults": 100, "fields": ["summary", "status", points, link]});
        let page: Value = dc(&sim, reqwest::Method::POST, "2/search")
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["maxResults"], 2, "the page size is capped");
        let issues = page["issues"].as_array().unwrap();
        for i in issues {
            assert_eq!(i["fields"][&link], "ORB-1");
            assert!(i["fields"].get("parent").is_none());
            keys.push(i["key"].as_str().unwrap().to_owned());
        }
        start += issues.len();
        if issues.is_empty() || start >= page["total"].as_u64().unwrap() as usize {
            break;
        }
    }
    assert!((3..=8).contains(&keys.len()), "{keys:?}");
    // Data Center has no v3 and no search/jql; Basic auth is refused.
    let r = dc(&sim, reqwest::Method::GET, "3/field")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (email, token) = sim.jira_credentials();
    let r = reqwest::Client::new()
        .get(format!("{}/rest/api/2/field", sim.base_url()))
        .basic_auth(email, Some(token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let log = sim.control().jira_requests();
    let search = log.iter().find(|r| r.path == "/rest/api/2/search").unwrap();
    assert_eq!(search.body.as_ref().unwrap()["startAt"], 0);
    assert!(
        log.iter()
            .all(|r| r.headers.iter().all(|(k, _)| k != "authorization"))
    );
}

#[tokio::test]
async fn cloud_answers_410_on_the_old_search_and_400_on_unbounded_jql() {
    let sim = sim(JiraDeployment::Cloud).await;
    let (email, token) = sim.jira_credentials();
    let c = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        c.post(format!("{}/rest/api/{path}", sim.base_url()))
            .basic_auth(&email, Some(&token))
            .json(&body)
            .send()
    };
    for path in ["2/search", "3/search"] {
        let r = post(path, json!({"jql": "project = ORB"})).await.unwrap();
        assert_eq!(r.status(), StatusCode::GONE, "{path}");
        let body: Value = r.json().await.unwrap();
        assert!(
            body["errorMessages"][0]
                .as_str()
                .unwrap()
                .contains("search/jql")
        );
    }
    let r = post(
        "3/search/jql",
        json!({"jql": "ORDER BY key ASC", "fields": ["summary"]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(
        "3/search/jql",
        json!({"jql": "project = ORB", "fields": ["description"], "maxResults": 1}),
    )
    .await
    .unwrap();
    let page: Value = r.json().await.unwrap();
    assert_eq!(
        page["issues"][0]["fields"]["description"]["type"], "doc",
        "ADF in v3"
    );
    let info: Value = c
        .get(format!("{}/rest/api/3/serverInfo", sim.base_url()))
        .basic_auth(&email, Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["deploymentType"], "Cloud");
    let r = c
        .get(format!("{}/rest/api/2/field", sim.base_url()))
        .bearer_auth(sim.jira_pat())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no PATs on Cloud");
}

#[tokio::test]
async fn generated_data_gives_every_feature_an_epic_with_its_stories() {
    let sim = pi_sim::start(SimConfig {
        data: DataSource::Generated(GenSpec {
            teams: 1,
            objectives_per_team: 20,
            features_per_objective: 5,
            releases: 1,
        }),
        jira_stories_per_feature: 6,
        page_size_jira: 100,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let (email, token) = sim.jira_credentials();
    let keys: Vec<String> = (1..=100).map(|n| format!("\"GEN-{n}\"")).collect();
    let body = json!({"jql": format!("parent in ({}) ORDER BY key ASC", keys.join(", ")), "fields": ["parent"], "maxResults": 100});
    let mut total = 0;
    let mut next: Option<String> = None;
    loop {
        let mut b = body.clone();
        b["nextPageToken"] = next.clone().map_or(Value::Null, Value::from);
        let page: Value = reqwest::Client::new()
            .post(format!("{}/rest/api/3/search/jql", sim.base_url()))
            .basic_auth(&email, Some(&token))
            .json(&b)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        total += page["issues"].as_array().unwrap().len();
        if page["isLast"] == true {
            break;
        }
        next = page["nextPageToken"].as_str().map(str::to_owned);
    }
    assert_eq!(total, 600);
}

#[tokio::test]
async fn the_demo_has_a_feature_whose_epic_is_missing() {
    let sim = pi_sim::start(SimConfig {
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let ctl = sim.control();
    let keys: Vec<String> = ctl
        .ids("Features")
        .into_iter()
        .filter_map(|id| ctl.get_entity("Features", id))
        .filter_map(|f| {
            f["CustomFields"]
                .as_array()?
                .iter()
                .find(|c| c["Name"] == "Jira Key")?["Value"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    let (email, token) = sim.jira_credentials();
    let c = reqwest::Client::new();
    let mut missing = 0;
    for key in keys.iter().take(40) {
        let r = c
            .get(format!("{}/rest/api/3/issue/{key}", sim.base_url()))
            .basic_auth(&email, Some(&token))
            .send()
            .await
            .unwrap();
        missing += usize::from(r.status() == StatusCode::NOT_FOUND);
    }
    assert_eq!(
        missing, 1,
        "one demo feature names an epic Jira does not have"
    );
}
