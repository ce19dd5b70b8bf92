//! Hostile-data mode: seeded names and descriptions from the hostile corpus in every kind of
//! entity, served as stored, the same for the same seed; hostile values set through the control
//! API.

#![allow(clippy::unwrap_used)]

use pi_sim::{DataSource, GenSpec, RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SPEC: GenSpec = GenSpec {
    teams: 2,
    objectives_per_team: 6,
    features_per_objective: 2,
    releases: 1,
};

async fn start(seed: u64, data: DataSource) -> RunningSim {
    pi_sim::start(SimConfig {
        seed,
        data,
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

fn hostile() -> DataSource {
    DataSource::Hostile(Box::new(DataSource::Generated(SPEC)))
}

async fn names(sim: &RunningSim, resource: &str, field: &str) -> Vec<String> {
    let url = format!(
        "{}/api/v1/{resource}?take=1000&access_token={}",
        sim.base_url(),
        sim.access_token()
    );
    let page: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    page["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn is_plain(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " .,:/-'<>()!".contains(c))
}

#[tokio::test]
async fn every_kind_of_entity_gets_hostile_names_and_the_seed_replays_them() {
    let a = start(7, hostile()).await;
    for (resource, field) in [
        ("TeamPIObjectives", "Name"),
        ("TeamPIObjectives", "Description"),
        ("Features", "Name"),
        ("Features", "Description"),
        ("ProgramPIObjectives", "Name"),
        ("Users", "FullName"),
    ] {
        let values = names(&a, resource, field).await;
        assert!(
            values.iter().any(|v| !is_plain(v)),
            "no hostile {field} among {resource}: {values:?}"
        );
    }
    let b = start(7, hostile()).await;
    assert_eq!(a.control().snapshot(), b.control().snapshot());
    let plain = start(7, DataSource::Generated(SPEC)).await;
    assert_eq!(
        a.control().ids("Features"),
        plain.control().ids("Features"),
        "hostile values replace text only"
    );
    assert_ne!(a.control().snapshot(), plain.control().snapshot());
    let users = names(&a, "Users", "Login").await;
    assert!(users.contains(&pi_sim::TOKEN_USER_LOGIN.to_owned()));
    assert!(users.iter().all(|l| is_plain(l)), "logins stay: {users:?}");
    for sim in [a, b, plain] {
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn the_demo_data_turns_hostile_with_its_jira_summaries() {
    let sim = start(3, DataSource::Hostile(Box::new(DataSource::Demo))).await;
    let world = sim.control().snapshot();
    let summaries: Vec<&str> = world["jira"]["issues"]
        .as_object()
        .unwrap()
        .values()
        .map(|i| i["summary"].as_str().unwrap())
        .collect();
    assert!(summaries.iter().any(|s| !is_plain(s)));
    let teams = names(&sim, "Teams", "Name").await;
    assert!(teams.iter().any(|t| !is_plain(t)), "{teams:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_hostile_value_is_set_through_the_control_api() {
    let sim = start(1, DataSource::Generated(SPEC)).await;
    let id = sim.control().ids("Features")[0];
    let before = sim.control().get_entity("Features", id).unwrap()["Name"]
        .as_str()
        .unwrap()
        .to_owned();
    let edited = sim
        .control()
        .set_hostile("Features", id, "Name", 0)
        .unwrap();
    assert_eq!(edited["Name"], pi_sim::hostile::name(0, &before));
    assert!(edited["Name"].as_str().unwrap().contains('\n'));
    let url = format!("{}/_sim/hostile/Features/{id}", sim.base_url());
    let r = reqwest::Client::new()
        .post(&url)
        .json(&json!({"field": "Description", "pick": pi_sim::hostile::DESCRIPTION_COUNT - 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let stored = sim.control().get_entity("Features", id).unwrap();
    assert_eq!(
        stored["Description"]
            .as_str()
            .unwrap()
            .matches("<div>")
            .count(),
        3_000
    );
    let r = reqwest::Client::new()
        .post(&url)
        .json(&json!({"field": "Effort", "pick": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    sim.shutdown().await;
}
