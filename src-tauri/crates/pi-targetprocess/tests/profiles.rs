//! The client against the simulator's `enterprise` account: a feature links to its objective
//! through the single reference `TeamPIObjective`, business value is a custom field, other
//! custom field names, pages of 25. With the account's `[tp]` names every objective, feature,
//! Jira key and business value arrives and writes go to the configured fields; with the
//! defaults nothing is silently left out.

use crate::common;

use pi_model::{FeatureKind, TpSchema};
use pi_sim::{Profile, RunningSim, SimConfig};
use pi_targetprocess::{
    FieldChange, IdempotencyMarker, Kind, NoticeKind, Placement, RemotePlan, TpClient,
};

async fn enterprise() -> RunningSim {
    common::sim_with(SimConfig::for_profile(Profile::Enterprise)).await
}

fn client_with(sim: &RunningSim, schema: TpSchema) -> TpClient {
    let mut config = common::config(sim);
    config.schema = schema;
    TpClient::new(config).expect("client builds")
}

/// (release, team) ids of Harbor Ops in PI-2/27.
async fn harbor_ops(client: &TpClient) -> (i64, i64) {
    let art = client.list_arts().await.expect("arts")[0].id;
    let id = |list: Vec<pi_targetprocess::Summary>, name: &str| {
        list.into_iter().find(|s| s.name == name).expect(name).id
    };
    let release = id(
        client.list_releases(art).await.expect("releases"),
        "PI-2/27",
    );
    let team = id(client.list_teams(art).await.expect("teams"), "Harbor Ops");
    (release, team)
}

fn features(remote: &RemotePlan) -> Vec<&pi_model::Feature> {
    remote
        .plan
        .objectives
        .iter()
        .flat_map(|o| &o.features)
        .collect()
}

#[tokio::test]
async fn with_the_accounts_names_every_objective_feature_key_and_value_arrives() {
    let sim = enterprise().await;
    let client = client_with(&sim, Profile::Enterprise.tp_schema());
    let (release, team) = harbor_ops(&client).await;
    sim.control().clear_request_log();
    let remote = client.fetch_team_plan(release, team).await.expect("plan");
    assert_eq!(remote.plan.objectives.len(), 30);
    let features = features(&remote);
    assert_eq!(features.len(), 50);
    assert!(
        features
            .iter()
            .all(|f| f.jira.as_ref().is_some_and(|j| j.key.starts_with("HBR-")))
    );
    assert!(features.iter().all(|f| f.acceptance_criteria.len() == 2));
    assert!(
        remote
            .plan
            .objectives
            .iter()
            .all(|o| o.business_value.is_some())
    );
    assert_eq!(remote.notices, [], "nothing left out");
    let log = sim.control().request_log();
    let feature_reads: Vec<&str> = log
        .iter()
        .filter(|r| r.path == "/api/v1/Features")
        .map(|r| r.query.as_str())
        .collect();
    assert!(feature_reads.len() >= 2, "paged at 25: {feature_reads:?}");
    let first = url::form_urlencoded::parse(feature_reads[0].as_bytes())
        .find(|(k, _)| k == "where")
        .map(|(_, v)| v.into_owned());
    assert_eq!(
        first.as_deref(),
        Some(&*format!(
            "(TeamPIObjective.Team.Id eq {team}) and (TeamPIObjective.Release.Id eq {release})"
        ))
    );
    let objective_reads = log.iter().filter(|r| r.path == "/api/v1/TeamPIObjectives");
    assert!(
        objective_reads.clone().count() >= 2,
        "30 objectives in pages of 25"
    );
    assert!(
        objective_reads
            .clone()
            .all(|r| r.query.contains("CustomFields"))
    );
}

#[tokio::test]
async fn with_the_default_names_the_missing_features_are_said_with_the_likely_cause() {
    let sim = enterprise().await;
    let client = client_with(&sim, TpSchema::default());
    let (release, team) = harbor_ops(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("plan");
    assert_eq!(remote.plan.objectives.len(), 30);
    assert!(features(&remote).is_empty());
    let kinds: Vec<NoticeKind> = remote.notices.iter().map(|n| n.kind).collect();
    assert!(kinds.contains(&NoticeKind::UnlinkedFeatures), "{kinds:?}");
    assert!(kinds.contains(&NoticeKind::NoFeatures), "{kinds:?}");
    let cause = "features link to objectives through `TeamPIObjective` (a single reference); \
                 `[tp] feature_objectives_collection` is `TeamPIObjectives`";
    for n in remote
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::NoFeatures)
    {
        assert!(n.message.contains(cause), "{}", n.message);
    }
    let missing: Vec<&str> = remote
        .notices
        .iter()
        .filter(|n| n.kind == NoticeKind::MissingField)
        .map(|n| n.message.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "`BusinessValue` (`[tp] business_value_field`) is empty on every team objective, \
             while they have the custom field `Business Value` with values: set \
             `business_value_field = \"CustomFields.Business Value\"` in pi-planner.toml"
        ]
    );
}

#[tokio::test]
async fn writes_go_through_the_single_reference_and_the_custom_business_value() {
    let sim = enterprise().await;
    let client = client_with(&sim, Profile::Enterprise.tp_schema());
    let (release, team) = harbor_ops(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("plan");
    let ids: Vec<i64> = remote
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.id.tp())
        .collect();
    let (from, to) = (ids[0], ids[1]);
    let ctl = sim.control();

    let link = [
        FieldChange::Name("Pilot ladder check".into()),
        FieldChange::Objectives(vec![from]),
    ];
    let marker = IdempotencyMarker::for_operation("profiles-create");
    let created = client
        .create(Kind::Feature, Placement { team, release }, &link, &marker)
        .await
        .expect("create");
    let stored = ctl.get_entity("Features", created.id).expect("created");
    assert_eq!(stored["TeamPIObjective"]["Id"], from, "{stored}");

    // A move: the reference is set to the new objective, and unlinking the old one leaves it.
    let moved = [FieldChange::Objectives(vec![to])];
    client
        .update(Kind::Feature, created.id, &moved)
        .await
        .expect("relink");
    client
        .unlink_objective(created.id, from)
        .await
        .expect("unlink old");
    assert_eq!(
        ctl.get_entity("Features", created.id).expect("f")["TeamPIObjective"]["Id"],
        to
    );
    // Unlinking the objective it names clears it.
    client
        .unlink_objective(created.id, to)
        .await
        .expect("unlink");
    assert!(ctl.get_entity("Features", created.id).expect("f")["TeamPIObjective"].is_null());

    let value = [
        FieldChange::BusinessValue(Some(9)),
        FieldChange::ActualBusinessValue(Some(7)),
    ];
    client
        .update(Kind::TeamObjective, to, &value)
        .await
        .expect("update");
    let after = client.fetch_team_plan(release, team).await.expect("plan");
    let objective = after
        .plan
        .objectives
        .iter()
        .find(|o| o.id.tp() == Some(to))
        .expect("o");
    assert_eq!(
        (objective.business_value, objective.actual_business_value),
        (Some(9), Some(7))
    );
    assert!(
        after
            .plan
            .objectives
            .iter()
            .flat_map(|o| &o.features)
            .all(|f| f.kind == FeatureKind::Feature)
    );
}
