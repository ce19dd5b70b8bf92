//! The metadata a client discovers an account with: `Index/meta` as one repeated entry per
//! resource type, each resource's own fields in three groups, and the custom field
//! definitions — and nothing that names PI Planner's configuration.

#![allow(clippy::unwrap_used)]

use pi_sim::SimConfig;
use serde_json::Value;

async fn text(sim: &pi_sim::RunningSim, path: &str) -> (u16, String) {
    let url = format!(
        "{}/api/v1/{path}?format=json&access_token={}",
        sim.base_url(),
        sim.access_token()
    );
    let r = reqwest::get(url).await.expect("sim answers");
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_index_repeats_one_entry_per_resource_type() {
    let sim = pi_sim::start(SimConfig::default()).await.unwrap();
    let (status, body) = text(&sim, "Index/meta").await;
    assert_eq!(status, 200);
    let entries = body.matches("\"ResourceMetadataDescription\":").count();
    assert!(entries >= 10, "{entries} entries: {body}");
    for name in [
        "\"Feature\"",
        "\"TeamPIObjective\"",
        "\"EntityState\"",
        "\"CustomField\"",
    ] {
        assert!(body.contains(name), "{name} listed");
    }
    assert!(body.contains("/api/v1/TeamPIObjectives/meta"), "{body}");
    assert!(!body.contains("PiPlanner"));
    // A plain JSON object keeps one of the repeated entries: clients must read the stream.
    let collapsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(collapsed.as_object().unwrap().len(), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn each_resource_meta_groups_values_references_and_collections() {
    let sim = pi_sim::start(SimConfig::default()).await.unwrap();
    let (status, body) = text(&sim, "teampiobjectives/meta").await;
    assert_eq!(status, 200, "any case, as other paths");
    let meta: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(meta["Name"], "TeamPIObjective");
    assert_eq!(meta["CanCreate"], true);
    let groups = &meta["ResourceMetadataPropertiesDescription"];
    let names = |group: &str| -> Vec<String> {
        groups[group]["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}:{}",
                    f["Name"].as_str().unwrap(),
                    f["Type"].as_str().unwrap()
                )
            })
            .collect()
    };
    let values = names("ResourceMetadataPropertiesResourceValuesDescription");
    assert!(
        values.contains(&"Committed:Boolean".to_owned()),
        "{values:?}"
    );
    assert!(
        values.contains(&"BusinessValue:Decimal".to_owned()),
        "{values:?}"
    );
    let refs = names("ResourceMetadataPropertiesResourceReferencesDescription");
    assert!(
        refs.contains(&"ProgramPIObjective:ProgramPIObjective".to_owned()),
        "{refs:?}"
    );
    let (status, states) = text(&sim, "EntityStates/meta").await;
    let states: Value = serde_json::from_str(&states).unwrap();
    assert_eq!((status, &states["CanCreate"]), (200, &Value::Bool(false)));
    let (status, _) = text(&sim, "Bugs/meta").await;
    assert_eq!(status, 404, "a resource the account does not have");
    sim.shutdown().await;
}
