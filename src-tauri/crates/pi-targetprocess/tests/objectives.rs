//! Creates of team objectives with idempotency markers against pi-sim: a 5xx on the create
//! is checked by a marker query before anything is resent, and a create whose answer was lost
//! after TP applied it is recovered by its marker, never duplicated.

use crate::common;

use std::time::Duration;

use pi_sim::{Faults, SimControl};
use pi_targetprocess::{FieldChange, IdempotencyMarker, Kind, Placement, TpClient};

/// Ids of the entities of `resource` whose `Tags` carry the marker.
fn tagged(ctl: &SimControl, resource: &str, marker: &IdempotencyMarker) -> Vec<i64> {
    ctl.ids(resource)
        .into_iter()
        .filter(|id| {
            ctl.get_entity(resource, *id).is_some_and(|e| {
                e["Tags"]
                    .as_str()
                    .unwrap_or_default()
                    .split(',')
                    .any(|t| t.trim() == marker.tag())
            })
        })
        .collect()
}

/// Sets `faults` back to none as soon as the first POST has been logged.
async fn heal_after_first_post(ctl: &SimControl) {
    while !ctl.request_log().iter().any(|r| r.method == "POST") {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    ctl.set_faults(Faults::default());
}

async fn create_objective(
    client: &TpClient,
    placement: Placement,
    name: &str,
    marker: &IdempotencyMarker,
) -> Result<pi_targetprocess::Created, pi_targetprocess::TpError> {
    let changes = [FieldChange::Name(name.into()), FieldChange::Committed(true)];
    client
        .create(Kind::TeamObjective, placement, &changes, marker)
        .await
}

#[tokio::test]
async fn a_team_objective_create_hit_by_a_5xx_is_checked_by_marker_and_not_duplicated() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let ctl = sim.control();
    let before = ctl.count("TeamPIObjectives");
    ctl.set_faults(Faults {
        error_rate: 1.0,
        error_status: 503,
        ..Faults::default()
    });
    ctl.clear_request_log();
    let marker = IdempotencyMarker::for_operation("op-objective-5xx");
    let placement = Placement { team, release };
    let (created, ()) = tokio::join!(
        create_objective(&client, placement, "Faster onboarding", &marker),
        heal_after_first_post(&ctl)
    );
    let created = created.expect("created after the marker check");
    assert!(!created.recovered);
    assert_eq!(ctl.count("TeamPIObjectives"), before + 1);
    assert_eq!(tagged(&ctl, "TeamPIObjectives", &marker), vec![created.id]);

    let log = ctl.request_log();
    let posts: Vec<usize> = (0..log.len())
        .filter(|i| log[*i].method == "POST")
        .collect();
    assert_eq!(posts.len(), 2, "{log:?}");
    assert_eq!(log[posts[0]].status, Some(503));
    assert!(
        log[posts[0] + 1..posts[1]].iter().any(|r| r.method == "GET"
            && r.path.ends_with("/TeamPIObjectives")
            && r.query.contains("op-objective-5xx")
            && r.status == Some(200)),
        "no marker query between the POSTs: {log:?}"
    );
    let wire = ctl
        .get_entity("TeamPIObjectives", created.id)
        .expect("created");
    assert_eq!(wire["Name"], "Faster onboarding");
    assert_eq!(wire["Team"]["Id"], team);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_create_applied_before_its_answer_was_lost_is_recovered_by_marker() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let ctl = sim.control();
    let placement = Placement { team, release };
    for (kind, resource, op) in [
        (Kind::TeamObjective, "TeamPIObjectives", "op-lost-objective"),
        (Kind::Feature, "Features", "op-lost-feature"),
    ] {
        let before = ctl.count(resource);
        // Every write is applied, then its connection closes without an answer.
        ctl.set_faults(Faults {
            drop_after_apply: Some(0),
            ..Faults::default()
        });
        ctl.clear_request_log();
        let marker = IdempotencyMarker::for_operation(op);
        let changes = [FieldChange::Name(format!("Lost answer {op}"))];
        let created = client
            .create(kind, placement, &changes, &marker)
            .await
            .expect("found by its marker");
        ctl.set_faults(Faults::default());
        assert!(created.recovered, "{resource}");
        assert_eq!(ctl.count(resource), before + 1, "{resource}");
        assert_eq!(tagged(&ctl, resource, &marker), vec![created.id]);
        let log = ctl.request_log();
        let posts: Vec<_> = log.iter().filter(|r| r.method == "POST").collect();
        assert_eq!(posts.len(), 1, "{log:?}");
        assert!(posts[0].applied_then_dropped && posts[0].status.is_none());
        let entity = ctl.get_entity(resource, created.id).expect("exists");
        assert_eq!(entity["Name"], format!("Lost answer {op}"));
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn demo_plans_have_multi_linked_features_and_committed_objectives() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    assert!(!remote.multi_linked.is_empty());
    for feature in &remote.multi_linked {
        let links = &remote.feature_links[feature];
        assert_eq!(links.len(), 2, "{links:?}");
        let holders = remote
            .plan
            .objectives
            .iter()
            .filter(|o| o.features.iter().any(|f| f.id.tp() == Some(*feature)))
            .map(|o| o.id.tp())
            .collect::<Vec<_>>();
        assert_eq!(holders, vec![Some(links[0])], "shown once, under the first");
    }
    // The demo data commits the first objective (lowest id) of every team and PI.
    let first = remote
        .plan
        .objectives
        .iter()
        .min_by_key(|o| o.id.tp())
        .expect("objectives");
    assert!(first.committed);
    sim.shutdown().await;
}
