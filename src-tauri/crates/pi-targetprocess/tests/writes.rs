//! Writes against pi-sim: partial updates with state names, bulk with verification, delete.

use crate::common;

use pi_model::{Criterion, Effort};
use pi_targetprocess::{FieldChange, Kind, TpError};

#[tokio::test]
async fn update_writes_only_the_given_fields_and_bumps_the_version() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let feature = &remote.plan.objectives[0].features[0];
    let id = feature.id.tp().expect("tp id");
    let ctl = sim.control();
    let before = ctl.get_entity("Features", id).expect("exists");

    let version = client
        .update(
            Kind::Feature,
            id,
            &[
                FieldChange::Status("Implementing".into()),
                FieldChange::Effort(Effort::new(8.0)),
                FieldChange::AcceptanceCriteria(vec![Criterion {
                    text: "Works *offline*".into(),
                    done: true,
                }]),
            ],
        )
        .await
        .expect("update");
    assert!(version.entity_version > remote.versions[&id].entity_version);

    let after = client.fetch_team_plan(release, team).await.expect("fetch");
    let f = after
        .plan
        .features()
        .find(|(_, f)| f.id == feature.id)
        .expect("still there")
        .1;
    assert_eq!(f.status.as_deref(), Some("Implementing"));
    assert_eq!(f.effort, Effort::new(8.0));
    assert_eq!(
        f.acceptance_criteria,
        vec![Criterion {
            text: "Works *offline*".into(),
            done: true
        }]
    );
    assert_eq!(f.name, feature.name);
    assert_eq!(
        after.editors[&id], "Sim Admin",
        "the client's own write is by the token's user"
    );
    assert_eq!(
        ctl.get_entity("Features", id).expect("exists")["Description"],
        before["Description"]
    );

    let err = client
        .update(Kind::Feature, id, &[FieldChange::Status("Nonsense".into())])
        .await
        .expect_err("unknown");
    assert!(matches!(err, TpError::UnknownState { .. }), "{err:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn bulk_update_reports_each_item_and_delete_removes() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let ids: Vec<i64> = remote
        .plan
        .objectives
        .iter()
        .take(3)
        .filter_map(|o| o.id.tp())
        .collect();
    let items: Vec<(i64, Vec<FieldChange>)> = ids
        .iter()
        .map(|id| {
            (
                *id,
                vec![
                    FieldChange::Name(format!("Bulk {id}")),
                    FieldChange::Committed(true),
                ],
            )
        })
        .collect();
    let results = client.bulk_update(Kind::TeamObjective, &items).await;
    assert_eq!(results.len(), 3);
    let ctl = sim.control();
    for item in &results {
        let version = item.result.as_ref().expect("applied");
        assert!(version.entity_version > remote.versions[&item.id].entity_version);
        let wire = ctl.get_entity("TeamPIObjectives", item.id).expect("exists");
        assert_eq!(wire["Name"], format!("Bulk {}", item.id));
        assert_eq!(wire["Committed"], true);
    }

    client
        .delete(Kind::TeamObjective, ids[0])
        .await
        .expect("delete");
    assert!(ctl.get_entity("TeamPIObjectives", ids[0]).is_none());
    let err = client
        .delete(Kind::TeamObjective, ids[0])
        .await
        .expect_err("gone");
    assert!(matches!(err, TpError::NotFound { .. }), "{err:?}");
    sim.shutdown().await;
}

/// The bulk answer carries each item's new version: nothing is read back. In per-item mode an
/// item refused alone carries none and goes on its own (and fails alone).
#[tokio::test]
async fn bulk_update_takes_the_versions_from_its_answer() {
    for atomic in [true, false] {
        let sim = common::sim_with(pi_sim::SimConfig {
            bulk_atomic: atomic,
            ..pi_sim::SimConfig::default()
        })
        .await;
        let client = common::client(&sim);
        let (release, team) = common::first_plan_ids(&client).await;
        let remote = client.fetch_team_plan(release, team).await.expect("fetch");
        let mut ids: Vec<i64> = remote
            .plan
            .objectives
            .iter()
            .take(3)
            .filter_map(|o| o.id.tp())
            .collect();
        if !atomic {
            ids.push(999_999);
        }
        let items: Vec<(i64, Vec<FieldChange>)> = ids
            .iter()
            .map(|id| (*id, vec![FieldChange::Effort(Effort::new(13.0))]))
            .collect();
        let ctl = sim.control();
        ctl.clear_request_log();
        let results = client.bulk_update(Kind::TeamObjective, &items).await;
        let requests: Vec<String> = ctl
            .request_log()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        for item in results.iter().take(3) {
            let version = item.result.as_ref().expect("applied");
            assert_eq!(
                Some(version),
                client
                    .reread_versions(Kind::TeamObjective, &[item.id])
                    .await
                    .expect("reread")
                    .get(&item.id),
                "the answer's version is the entity's"
            );
        }
        if atomic {
            assert_eq!(
                requests,
                vec!["POST /api/v1/TeamPIObjectives/bulk"],
                "one request"
            );
        } else {
            assert!(results[3].result.is_err(), "{results:?}");
            assert_eq!(
                requests,
                vec![
                    "POST /api/v1/TeamPIObjectives/bulk",
                    "GET /api/v1/TeamPIObjectives",
                    "POST /api/v1/TeamPIObjectives/999999",
                ],
                "only the refused item is read and sent again"
            );
        }
        sim.shutdown().await;
    }
}

#[tokio::test]
async fn a_feature_moves_between_objectives_by_link_and_unlink() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let before = client.fetch_team_plan(release, team).await.expect("plan");
    let (feature, from) = before
        .feature_links
        .iter()
        .find(|(_, links)| links.len() == 1)
        .map(|(f, links)| (*f, links[0]))
        .expect("a feature linked to one objective");
    let to = before
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.id.tp())
        .find(|id| *id != from)
        .expect("another objective");
    client
        .update(
            pi_targetprocess::Kind::Feature,
            feature,
            &[pi_targetprocess::FieldChange::Objectives(vec![to])],
        )
        .await
        .expect("link");
    client
        .unlink_objective(feature, from)
        .await
        .expect("unlink");
    client
        .unlink_objective(feature, from)
        .await
        .expect("unlinking twice is done, not an error");
    let after = client.fetch_team_plan(release, team).await.expect("plan");
    assert_eq!(after.feature_links.get(&feature), Some(&vec![to]));
    let holder = after
        .plan
        .objectives
        .iter()
        .find(|o| o.features.iter().any(|f| f.id.tp() == Some(feature)))
        .expect("feature still in the plan");
    assert_eq!(holder.id.tp(), Some(to));
}
