//! Reading several teams' plans at once: `fetch_team_plans` and the shared reads of a group
//! (`share_reads`) give each team exactly the plan its own read gives, with fewer requests.

use std::time::Duration;

use crate::common;

use pi_targetprocess::{RemotePlan, TpClient, TpError};

/// The first ART's first release and every team of the ART.
async fn train(client: &TpClient) -> (i64, Vec<i64>) {
    let art = client.list_arts().await.expect("arts")[0].id;
    let release = client.list_releases(art).await.expect("releases")[0].id;
    let teams = client.list_teams(art).await.expect("teams");
    assert!(teams.len() >= 3, "the demo train has several teams");
    (release, teams.into_iter().map(|t| t.id).collect())
}

fn without_count(mut remote: RemotePlan) -> RemotePlan {
    remote.requests = 0;
    remote
}

#[tokio::test]
async fn one_read_of_several_teams_gives_each_the_plan_of_its_own_read() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, teams) = train(&client).await;
    let before = client.requests_sent();
    let together = client
        .fetch_team_plans(release, &teams)
        .await
        .expect("shared read");
    let shared_requests = client.requests_sent() - before;
    assert_eq!(together.len(), teams.len());
    let mut alone_requests = 0;
    for team in &teams {
        let alone = client.fetch_team_plan(release, *team).await.expect("read");
        alone_requests += alone.requests;
        assert!(!alone.plan.objectives.is_empty());
        assert_eq!(
            without_count(together[team].clone()),
            without_count(alone),
            "team {team}"
        );
    }
    // Release, teams, objectives, program objectives and features: once for all.
    assert_eq!(shared_requests, 5);
    assert_eq!(together[&teams[0]].requests, 5);
    assert_eq!(alone_requests, 5 * teams.len() as u64);
}

#[tokio::test]
async fn a_team_targetprocess_does_not_know_is_left_out() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, teams) = train(&client).await;
    let plans = client
        .fetch_team_plans(release, &[teams[0], 987_654_321])
        .await
        .expect("read");
    assert_eq!(plans.keys().copied().collect::<Vec<_>>(), vec![teams[0]]);
    let alone = client.fetch_team_plan(release, 987_654_321).await;
    assert!(matches!(alone, Err(TpError::NotFound { .. })), "{alone:?}");
}

#[tokio::test]
async fn members_waiting_together_share_one_read() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, teams) = train(&client).await;
    let mut expected = Vec::new();
    for team in &teams {
        expected.push(without_count(
            client.fetch_team_plan(release, *team).await.unwrap(),
        ));
    }
    let members = client.share_reads(teams.len());
    let before = client.requests_sent();
    let reads = teams.iter().zip(members).map(|(team, member)| {
        let client = &client;
        async move {
            let first = client.fetch_team_plan(release, *team).await;
            let second = client.fetch_team_plan(release, *team).await;
            drop(member);
            (first, second)
        }
    });
    let got = futures::future::join_all(reads).await;
    // Two rounds, each one shared read of five requests.
    assert_eq!(client.requests_sent() - before, 10);
    for ((first, second), want) in got.into_iter().zip(&expected) {
        assert_eq!(&without_count(first.unwrap()), want);
        assert_eq!(&without_count(second.unwrap()), want);
    }
    // The group is gone with its members: a read on its own again.
    let alone = client.fetch_team_plan(release, teams[0]).await.unwrap();
    assert_eq!(alone.requests, 5);
}

#[tokio::test]
async fn a_member_that_leaves_does_not_hold_the_others_back() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, teams) = train(&client).await;
    let mut members = client.share_reads(2);
    let (reader, leaver) = (members.remove(0), members.remove(0));
    let read = async {
        let plan = client.fetch_team_plan(release, teams[0]).await;
        drop(reader);
        plan
    };
    let leave = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(leaver);
    };
    let (plan, ()) =
        tokio::time::timeout(Duration::from_secs(10), async { tokio::join!(read, leave) })
            .await
            .expect("the read is not held back by a member that left");
    assert_eq!(plan.unwrap().plan.team.id, Some(teams[0]));
}

#[tokio::test]
async fn a_shared_read_sees_a_change_made_before_it_was_asked_for() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, teams) = train(&client).await;
    let before = client.fetch_team_plan(release, teams[1]).await.unwrap();
    let id = before.plan.objectives[0].id.tp().unwrap();
    let mut members = client.share_reads(2);
    let (first, second) = (members.remove(0), members.remove(0));
    // The first member waits for the second, which changes an objective of its team first:
    // the read that serves both starts after both asked, so both see the change.
    let a = async {
        let plan = client.fetch_team_plan(release, teams[0]).await;
        drop(first);
        plan
    };
    let b = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        sim.control()
            .update_entity("TeamPIObjectives", id, serde_json::json!({ "Effort": 77 }))
            .unwrap();
        let plan = client.fetch_team_plan(release, teams[1]).await;
        drop(second);
        plan
    };
    let (a, b) = tokio::join!(a, b);
    a.unwrap();
    let b = b.unwrap();
    let objective = b
        .plan
        .objectives
        .iter()
        .find(|o| o.id.tp() == Some(id))
        .unwrap();
    assert_eq!(objective.effort.map(|e| e.points()), Some(77.0));
}

#[tokio::test]
async fn the_members_of_a_group_read_the_workflows_once() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (_, teams) = train(&client).await;
    let alone = client.workflows().await.expect("workflows");
    assert!(!alone.objective.is_empty() && !alone.feature.is_empty());
    let members = client.share_reads(teams.len());
    let before = client.requests_sent();
    let reads = members.into_iter().map(|member| {
        let client = &client;
        async move {
            let workflows = client.workflows().await;
            drop(member);
            workflows
        }
    });
    let got = futures::future::join_all(reads).await;
    assert_eq!(client.requests_sent() - before, 1, "one read for the group");
    for workflows in got {
        assert_eq!(workflows.unwrap(), alone);
    }
    // The group is gone with its members: each call reads again.
    let before = client.requests_sent();
    client.workflows().await.unwrap();
    assert_eq!(client.requests_sent() - before, 1);
}
