//! What changed since an instant (`changed_since`) against pi-sim: one small read per resource
//! kind filtered on `ModifyDate`, narrowed to the exact instant.

use crate::common;

#[tokio::test]
async fn only_entities_modified_after_the_instant_come_back_in_three_small_reads() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let since = remote
        .versions
        .values()
        .filter_map(|v| v.modify_date)
        .max()
        .expect("entities carry ModifyDate");
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
            query.contains("include=[ModifyDate,EntityVersion]"),
            "{query}"
        );
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
