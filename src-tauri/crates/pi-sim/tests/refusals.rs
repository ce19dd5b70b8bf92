//! Refusal rules: an API write of one entity, of one field or of a whole resource is refused
//! with the rule's status, for ever or a number of times; control edits are never refused; the
//! rules are managed in process and through `/_sim/refusals`.

use pi_sim::{Refusal, RunningSim, SimConfig};
use serde_json::{Value, json};

async fn start() -> RunningSim {
    pi_sim::start(SimConfig {
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

async fn post(sim: &RunningSim, path: &str, body: Value) -> (u16, Value) {
    let url = format!(
        "{}/api/v1/{path}?access_token={}",
        sim.base_url(),
        sim.access_token()
    );
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("answer");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn rule(
    resource: &str,
    id: Option<i64>,
    field: Option<&str>,
    status: u16,
    times: Option<u32>,
) -> Refusal {
    Refusal {
        resource: resource.into(),
        id,
        field: field.map(str::to_owned),
        status,
        times,
        message: "Effort is locked for this release".into(),
    }
}

#[tokio::test]
async fn a_field_rule_refuses_only_writes_of_that_field_and_lapses() {
    let sim = start().await;
    let id = sim.control().ids("Features")[0];
    sim.control()
        .refuse(rule("Features", None, Some("Effort"), 422, Some(2)));
    for _ in 0..2 {
        let (status, body) = post(&sim, &format!("Features/{id}"), json!({"Effort": 8})).await;
        assert_eq!(status, 422);
        assert_eq!(
            body["Message"], "Effort is locked for this release",
            "{body}"
        );
    }
    let (status, _) = post(&sim, &format!("Features/{id}"), json!({"Name": "Renamed"})).await;
    assert_eq!(status, 200, "another field is not refused");
    let (status, _) = post(&sim, &format!("Features/{id}"), json!({"Effort": 8})).await;
    assert_eq!(status, 200, "the rule lapsed after two refusals");
    assert!(sim.control().refusals().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn an_entity_rule_refuses_its_writes_and_deletes_but_not_control_edits() {
    let sim = start().await;
    let ids = sim.control().ids("TeamPIObjectives");
    sim.control()
        .refuse(rule("TeamPIObjective", Some(ids[0]), None, 403, None));
    let (status, _) = post(
        &sim,
        &format!("TeamPIObjectives/{}", ids[0]),
        json!({"Effort": 3}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post(
        &sim,
        &format!("TeamPIObjectives/{}", ids[1]),
        json!({"Effort": 3}),
    )
    .await;
    assert_eq!(status, 200, "another entity is not refused");
    let (status, body) = post(
        &sim,
        "TeamPIObjectives/bulk",
        json!([{"Id": ids[0], "Effort": 4}, {"Id": ids[1], "Effort": 4}]),
    )
    .await;
    assert_eq!(status, 403, "an atomic batch is refused whole: {body}");
    assert!(
        body["Message"]
            .as_str()
            .unwrap()
            .starts_with("Bulk item 0:"),
        "{body}"
    );
    let kept = sim
        .control()
        .get_entity("TeamPIObjectives", ids[1])
        .unwrap();
    assert_eq!(kept["Effort"], 3.0, "nothing of a refused batch is kept");
    let delete = reqwest::Client::new()
        .delete(format!(
            "{}/api/v1/TeamPIObjectives/{}?access_token={}",
            sim.base_url(),
            ids[0],
            sim.access_token()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status().as_u16(), 403);
    sim.control()
        .update_entity("TeamPIObjectives", ids[0], json!({"Effort": 5}))
        .expect("control edits are other people's writes, never refused");
    sim.shutdown().await;
}

#[tokio::test]
async fn rules_are_managed_through_the_control_api() {
    let sim = start().await;
    let url = format!("{}/_sim/refusals", sim.base_url());
    let client = reqwest::Client::new();
    let added: Value = client
        .post(&url)
        .json(&json!({"resource": "Features", "status": 400}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(added[0]["status"], 400, "{added}");
    let (status, _) = post(&sim, "Features", json!({"Name": "New"})).await;
    assert_eq!(status, 400, "creates are refused too");
    let cleared = client.delete(&url).send().await.unwrap();
    assert_eq!(cleared.status().as_u16(), 204);
    let listed: Value = client.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed, json!([]));
    sim.shutdown().await;
}
