//! What changed since an instant (`changed_since`) against pi-sim: one small read per resource
//! kind filtered on `ModifyDate`, narrowed to the exact instant.

use crate::common;

#[tokio::test]
async fn only_entities_modified_after_the_instant_come_back_in_three_small_reads() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team, remote, since) = first_plan(&client).await;
    let ctl = sim.control();
    ctl.clear_request_log();

    let nothing = client
        .changed_since(release, team, since)
        .await
        .expect("changed since");
    assert!(nothing.is_empty(), "{nothing:?}");
    assert_eq!(nothing.newest, None);
    assert_eq!(nothing.requests, 3);
    let log = ctl.request_log();
    assert_eq!(log.len(), 3, "{log:?}");
    for r in &log {
        let query = urldecode(&r.query);
        assert!(query.contains("ModifyDate gt '"), "{query}");
        assert!(
            query.contains("include=[ModifyDate,EntityVersion]")
                || (r.path.ends_with("/Features")
                    && query.contains("include=[ModifyDate,EntityVersion,TeamPIObjectives[Id]]")),
            "{query}"
        );
        assert!(query.contains("orderByDesc=ModifyDate"), "{query}");
        assert!(query.contains("take=25"), "{query}");
    }

    let objective = remote.plan.objectives[0].id.tp().expect("TP id");
    let feature = remote
        .plan
        .objectives
        .iter()
        .flat_map(|o| &o.features)
        .find_map(|f| f.id.tp())
        .expect("a feature");
    let program = remote.plan.program_objectives[0]
        .id
        .tp()
        .expect("program id");
    ctl.update_entity(
        "TeamPIObjectives",
        objective,
        serde_json::json!({"Effort": 13}),
    )
    .expect("edit objective");
    ctl.update_entity("Features", feature, serde_json::json!({"Effort": 21}))
        .expect("edit feature");
    ctl.update_entity(
        "ProgramPIObjectives",
        program,
        serde_json::json!({"Name": "Renamed"}),
    )
    .expect("edit program objective");

    let changed = client
        .changed_since(release, team, since)
        .await
        .expect("changed since");
    let ids: Vec<i64> = changed.work_items.keys().copied().collect();
    let mut expected = vec![objective, feature];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert_ne!(changed.work_items[&objective], remote.versions[&objective]);
    assert_eq!(changed.program_objectives, vec![program]);
    let newest = changed.newest.expect("newest");
    assert!(newest > since);

    let after = client
        .changed_since(release, team, newest)
        .await
        .expect("changed since the newest");
    assert!(after.is_empty(), "{after:?}");
}

#[tokio::test]
async fn a_look_reads_newest_first_page_by_page_until_it_reaches_the_instant() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let dates: Vec<_> = remote
        .versions
        .values()
        .filter_map(|v| v.modify_date)
        .collect();
    let oldest = *dates.iter().min().expect("entities carry ModifyDate");
    assert!(
        remote.versions.len() > 25,
        "more entities than a look's page"
    );
    let ctl = sim.control();

    // Every entity of the plan is later than this instant: the look pages until the end.
    ctl.clear_request_log();
    let all = client
        .changed_since(release, team, oldest - chrono::Duration::seconds(1))
        .await
        .expect("changed since");
    for id in remote.versions.keys() {
        assert_eq!(
            all.work_items.get(id),
            remote.versions.get(id),
            "entity {id}"
        );
    }
    assert!(all.requests > 3, "{} requests", all.requests);

    // Nothing is later than the newest: one page of each kind, however many changed that day.
    ctl.clear_request_log();
    let newest = *dates.iter().max().expect("a newest");
    let none = client
        .changed_since(release, team, newest)
        .await
        .expect("changed since");
    assert!(none.work_items.is_empty(), "{none:?}");
    assert_eq!(none.requests, 3);
}

/// A feature of another team changes: the look sees it (the read of a team's features is a
/// read of the release's), with its links, which name none of this plan's objectives; a
/// feature of the plan comes with the plan's objective.
#[tokio::test]
async fn a_look_tells_which_objectives_each_changed_feature_is_linked_to() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team, remote, since) = first_plan(&client).await;
    let ours: Vec<i64> = remote
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.id.tp())
        .collect();
    let (objective, feature) = remote
        .plan
        .objectives
        .iter()
        .find_map(|o| Some((o.id.tp()?, o.features.first()?.id.tp()?)))
        .expect("an objective with a feature");
    let ctl = sim.control();
    let other = ctl
        .ids("Features")
        .into_iter()
        .find(|id| {
            let wire = ctl.get_entity("Features", *id).unwrap_or_default();
            !remote.versions.contains_key(id) && wire["Release"]["Id"].as_i64() == Some(release)
        })
        .expect("a feature of another team in the release");
    ctl.update_entity("Features", other, serde_json::json!({"Effort": 34}))
        .expect("edit another team's feature");
    ctl.update_entity("Features", feature, serde_json::json!({"Effort": 21}))
        .expect("edit our feature");

    let changed = client
        .changed_since(release, team, since)
        .await
        .expect("changed since");
    assert!(changed.work_items.contains_key(&other), "{changed:?}");
    assert!(
        changed.links[&other].iter().all(|o| !ours.contains(o)),
        "{changed:?}"
    );
    assert!(changed.links[&feature].contains(&objective), "{changed:?}");
}

/// The simulator's first plan: its release and team, as read, and its newest `ModifyDate`.
async fn first_plan(
    client: &pi_targetprocess::TpClient,
) -> (
    i64,
    i64,
    pi_targetprocess::RemotePlan,
    chrono::DateTime<chrono::Utc>,
) {
    let (release, team) = common::first_plan_ids(client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let since = remote
        .versions
        .values()
        .filter_map(|v| v.modify_date)
        .max()
        .expect("entities carry ModifyDate");
    (release, team, remote, since)
}

/// `%20` and friends back to characters, enough to read a logged query.
fn urldecode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
