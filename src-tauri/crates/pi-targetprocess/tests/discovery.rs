//! Discovery against the simulated accounts: a new user's client (the default `[tp]`) reads
//! each account's metadata, custom fields, sample features and states, and proposes exactly the
//! names that account uses, saying why.

#![allow(clippy::unwrap_used)]

use pi_model::{ObjectiveLink, StatusKind, TpSchema};
use pi_sim::{Profile, SimConfig};
use pi_targetprocess::FindingSource;

use crate::common::{client, sim_with};

fn messages(d: &pi_targetprocess::Discovery) -> String {
    d.findings
        .iter()
        .map(|f| f.message.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_demo_account_is_found_as_configured_by_default() {
    let sim = sim_with(SimConfig::default()).await;
    let found = client(&sim).discover().await.expect("discovery");
    assert_eq!(found.schema, TpSchema::default(), "{}", messages(&found));
    assert!(!found.has_gaps(), "{}", messages(&found));
    assert!(
        messages(&found).contains(
            "features link to objectives through TeamPIObjectives (a collection: a feature may serve several objectives)"
        ),
        "{}",
        messages(&found)
    );
    assert_eq!(
        found.workflows.names(StatusKind::Feature),
        pi_model::workflow::USUAL_FEATURE_STATES
    );
    assert_eq!(
        found.workflows.names(StatusKind::Objective),
        pi_model::workflow::USUAL_OBJECTIVE_STATES
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn an_account_shaped_unlike_the_demo_is_found_from_the_defaults() {
    let sim = sim_with(SimConfig::for_profile(Profile::Enterprise)).await;
    let found = client(&sim).discover().await.expect("discovery");
    let said = messages(&found);
    assert_eq!(found.schema, Profile::Enterprise.tp_schema(), "{said}");
    assert_eq!(
        found.schema.feature_objectives_link,
        ObjectiveLink::Reference
    );
    assert!(
        said.contains("features link to objectives through TeamPIObjective (a single reference"),
        "{said}"
    );
    assert!(
        said.contains("TeamPIObjectives is set on 0"),
        "the empty collection is told apart: {said}"
    );
    assert!(
        said.contains(
            "planned business value is the custom field \"Business Value\" of team objectives"
        ),
        "{said}"
    );
    let link = found
        .findings
        .iter()
        .find(|f| f.key.as_deref() == Some("jira_key_field"))
        .unwrap();
    assert_eq!(link.source, FindingSource::CustomFields);
    assert_eq!(
        found.workflows.names(StatusKind::Feature),
        pi_sim::ENTERPRISE_FEATURE_STATES
    );
    assert_eq!(
        found.workflows.names(StatusKind::Objective),
        pi_sim::ENTERPRISE_OBJECTIVE_STATES
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_configured_schemas_workflows_are_read_alone() {
    let sim = sim_with(SimConfig::default()).await;
    let c = client(&sim);
    let before = c.requests_sent();
    let workflows = c.workflows().await.expect("states");
    assert_eq!(c.requests_sent() - before, 1, "one read of the states");
    assert!(workflows.feature.first().is_some_and(|s| s.initial));
    assert!(workflows.feature.last().is_some_and(|s| s.is_final));
    sim.shutdown().await;
}
