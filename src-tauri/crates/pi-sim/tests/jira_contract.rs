//! Contract tests of the Jira routes: cursor paging with a page size of 2, honoured `fields`,
//! error shape, Basic auth, transitions.

use pi_sim::{RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn sim() -> RunningSim {
    pi_sim::start(SimConfig::default())
        .await
        .expect("sim starts")
}

fn jira(sim: &RunningSim, path: &str) -> reqwest::RequestBuilder {
    let (email, token) = sim.jira_credentials();
    reqwest::Client::new()
        .get(format!("{}/rest/api/3/{path}", sim.base_url()))
        .basic_auth(email, Some(token))
}

#[tokio::test]
async fn jira_cursor_paging_fields_and_errors() {
    let sim = pi_sim::start(SimConfig {
        page_size_jira: 2,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let fields: Value = jira(&sim, "field")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sp = fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Story point estimate")
        .unwrap();
    assert_eq!(sp["id"], "customfield_10016");
    let (email, token) = sim.jira_credentials();
    let search = format!("{}/rest/api/3/search/jql", sim.base_url());
    let c = reqwest::Client::new();
    let mut keys = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let body = json!({"jql": "project = ORB AND parent = ORB-1 ORDER BY key ASC", "fields": ["summary", "status", "customfield_10016"], "maxResults": 100, "nextPageToken": next});
        let page: Value = c
            .post(&search)
            .basic_auth(&email, Some(&token))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let issues = page["issues"].as_array().unwrap();
        assert!(issues.len() <= 2);
        for i in issues {
            assert!(i["fields"]["status"]["statusCategory"]["key"].is_string());
            assert!(i["fields"].get("labels").is_none(), "fields are honoured");
            keys.push(i["key"].as_str().unwrap().to_owned());
        }
        if page["isLast"] == true {
            assert!(page.get("nextPageToken").is_none());
            break;
        }
        next = Some(page["nextPageToken"].as_str().unwrap().to_owned());
    }
    assert!((3..=8).contains(&keys.len()), "{keys:?}");
    let r = c
        .get(&search)
        .query(&[("jql", "ORDER BY key ASC")])
        .basic_auth(&email, Some(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert!(
        e["errorMessages"][0].is_string() && e["errors"].is_object(),
        "{e}"
    );
    let r = jira(&sim, "issue/NOPE-1").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .get(format!("{}/rest/api/3/issue/ORB-1", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let e: Value = r.json().await.unwrap();
    assert!(e["errorMessages"].is_array());
    let r = c
        .get(format!("{}/rest/api/3/issue/ORB-1", sim.base_url()))
        .query(&[("access_token", sim.access_token())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "TP tokens do not open Jira"
    );
    let issue: Value = jira(&sim, &format!("issue/{}", keys[0]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issue["fields"]["parent"]["key"], "ORB-1");
    assert_eq!(issue["fields"]["description"]["type"], "doc");
}

#[tokio::test]
async fn jira_transitions() {
    let sim = sim().await;
    let (email, token) = sim.jira_credentials();
    let url = format!("{}/rest/api/3/issue/ORB-1/transitions", sim.base_url());
    let c = reqwest::Client::new();
    let list: Value = c
        .get(&url)
        .basic_auth(&email, Some(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ts = list["transitions"].as_array().unwrap();
    assert_eq!(ts.len(), 2);
    let target = ts[0]["to"]["name"].as_str().unwrap().to_owned();
    let r = c
        .post(&url)
        .basic_auth(&email, Some(&token))
        .json(&json!({"transition": {"id": ts[0]["id"]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let issue: Value = jira(&sim, "issue/ORB-1?fields=status")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(issue["fields"]["status"]["name"], target.as_str());
    let r = c
        .post(&url)
        .basic_auth(&email, Some(&token))
        .json(&json!({"transition": {"id": "999"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
