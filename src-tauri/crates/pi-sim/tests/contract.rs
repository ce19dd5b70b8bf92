//! Contract tests: the simulator on port 0, checked field by field against the TP and Jira
//! shapes of the API references.

use pi_sim::{RunningSim, SimConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn sim() -> RunningSim {
    pi_sim::start(SimConfig::default())
        .await
        .expect("sim starts")
}

fn tp(sim: &RunningSim, path_and_query: &str) -> String {
    let sep = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    format!(
        "{}/api/v1/{path_and_query}{sep}access_token={}",
        sim.base_url(),
        sim.access_token()
    )
}

async fn get(url: &str) -> (StatusCode, Value) {
    let r = reqwest::get(url).await.expect("sim answers");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn post(url: &str, body: Value) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("sim answers");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn assert_tp_error(body: &Value, status: &str) {
    assert_eq!(body["Status"], status, "{body}");
    for k in ["Message", "Type", "Details", "ErrorId"] {
        assert!(body[k].is_string(), "missing {k} in {body}");
    }
}

/// Every object with an `Id` that is nested in `v` also has a `ResourceType`.
fn assert_refs_typed(v: &Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key("Id") {
                assert!(o["ResourceType"].is_string(), "untyped reference {v}");
            }
            o.values().for_each(assert_refs_typed);
        }
        Value::Array(a) => a.iter().for_each(assert_refs_typed),
        _ => {}
    }
}

#[tokio::test]
async fn collection_paging_links_are_absolute_and_omitted_at_edges() {
    let sim = sim().await;
    let (s, first) = get(&tp(&sim, "Teams?take=4&format=json")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(first["Items"].as_array().unwrap().len(), 4);
    assert!(first.get("Prev").is_none());
    let next = first["Next"].as_str().unwrap();
    assert!(
        next.starts_with(&format!("{}/api/v1/Teams?", sim.base_url())),
        "{next}"
    );
    assert!(next.contains("format=json") && next.contains("take=4") && next.contains("skip=4"));
    let (_, second) = get(next).await;
    assert!(second["Prev"].as_str().unwrap().contains("skip=0"));
    let (_, last) = get(second["Next"].as_str().unwrap()).await;
    assert_eq!(last["Items"].as_array().unwrap().len(), 2);
    assert!(last.get("Next").is_none());
    assert!(last["Prev"].is_string());
    let (_, all) = get(&tp(&sim, "Teams")).await;
    assert_eq!(all["Items"].as_array().unwrap().len(), 10);
    assert!(all.get("Next").is_none() && all.get("Prev").is_none());
}

#[tokio::test]
async fn entities_have_typed_refs_and_ms_dates() {
    let sim = sim().await;
    let (_, page) = get(&tp(&sim, "Features?take=5")).await;
    assert_refs_typed(&page);
    let f = &page["Items"][0];
    assert_eq!(f["ResourceType"], "Feature");
    assert!(f["Id"].is_i64());
    let date = f["ModifyDate"].as_str().unwrap();
    assert!(
        date.starts_with("/Date(") && date.ends_with("+0100)/"),
        "{date}"
    );
    assert_eq!(f["Team"]["ResourceType"], "Team");
    assert!(f["Team"]["Name"].is_string());
    assert!(f["EntityVersion"].is_i64());
    let cfs = f["CustomFields"].as_array().unwrap();
    let ac = cfs
        .iter()
        .find(|c| c["Name"] == "Acceptance Criteria")
        .unwrap();
    assert_eq!(ac["Type"], "RichText");
    assert!(ac["Value"].as_str().unwrap().starts_with("<ul><li>"));
    let key = cfs.iter().find(|c| c["Name"] == "Jira Key").unwrap();
    assert_eq!(key["Type"], "TemplatedURL");
    let (s, one) = get(&tp(&sim, &format!("features/{}", f["Id"]))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["Id"], f["Id"]);
    assert!(one.get("Items").is_none());
}

#[tokio::test]
async fn where_include_and_order() {
    let sim = sim().await;
    let (_, teams) = get(&tp(&sim, "Teams?take=1")).await;
    let team = teams["Items"][0]["Id"].as_i64().unwrap();
    let art = teams["Items"][0]["AgileReleaseTrain"]["Id"]
        .as_i64()
        .unwrap();
    let url = tp(
        &sim,
        &format!(
            "TeamPIObjectives?where=(Team.Id eq {team}) AND Team.AgileReleaseTrain.Id eq {art}&include=[Name,Team[Name,AgileReleaseTrain],Owner[Login]]&orderByDesc=Name&take=1000"
        ),
    );
    let (s, objs) = get(&url).await;
    assert_eq!(s, StatusCode::OK, "{objs}");
    let items = objs["Items"].as_array().unwrap();
    assert!(items.len() >= 30, "{}", items.len());
    for o in items {
        assert_eq!(o["Team"]["Id"], team);
        assert_eq!(o["Team"]["AgileReleaseTrain"]["Id"], art);
        assert!(o.get("Effort").is_none());
        assert!(o["Owner"]["Login"].is_string());
    }
    let names: Vec<String> = items
        .iter()
        .map(|o| o["Name"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(names.windows(2).all(|w| w[0] >= w[1]));
    let (_, f) = get(&tp(&sim, "Features?take=1")).await;
    let key = f["Items"][0]["CustomFields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Name"] == "Jira Key")
        .unwrap()["Value"]
        .as_str()
        .unwrap()
        .to_owned();
    let (s, hit) = get(&tp(
        &sim,
        &format!("Features?where=('CustomFields.Jira Key' eq '{key}')"),
    ))
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(hit["Items"].as_array().unwrap().len(), 1);
    assert_eq!(hit["Items"][0]["Id"], f["Items"][0]["Id"]);
}

#[tokio::test]
async fn invalid_queries_are_400_with_tp_error() {
    let sim = sim().await;
    for q in [
        "Features?where=Id eq 1 or Id eq 2",
        "Features?where=Id not in (1,2)",
        "Features?where=Colour eq 'x'",
        "Features?include=[Colour]",
    ] {
        let (s, body) = get(&tp(&sim, q)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}");
        assert_tp_error(&body, "BadRequest");
    }
    let (s, body) = get(&tp(&sim, "Features/999999999")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_tp_error(&body, "NotFound");
    let (s, body) = get(&tp(&sim, "Bugs")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_tp_error(&body, "NotFound");
}

#[tokio::test]
async fn all_three_auth_styles_and_401() {
    let sim = sim().await;
    let base = format!("{}/api/v1/Teams?take=1", sim.base_url());
    let c = reqwest::Client::new();
    let ok = |r: reqwest::Response| r.status();
    assert_eq!(
        ok(c.get(format!("{base}&access_token={}", sim.access_token()))
            .send()
            .await
            .unwrap()),
        StatusCode::OK
    );
    assert_eq!(
        ok(c.get(format!("{base}&token={}", sim.service_token()))
            .send()
            .await
            .unwrap()),
        StatusCode::OK
    );
    let (login, password) = sim.basic_credentials();
    assert_eq!(
        ok(c.get(&base)
            .basic_auth(&login, Some(&password))
            .send()
            .await
            .unwrap()),
        StatusCode::OK
    );
    for bad in [
        c.get(format!("{base}&access_token=wrong")),
        c.get(format!("{base}&token=wrong")),
        c.get(&base).basic_auth(&login, Some("wrong")),
        c.get(&base),
    ] {
        let r = bad.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_tp_error(&r.json().await.unwrap(), "Unauthorized");
    }
}

#[tokio::test]
async fn create_update_and_versioning() {
    let sim = sim().await;
    let (_, teams) = get(&tp(&sim, "Teams?take=1&include=[Id]")).await;
    let team = teams["Items"][0]["Id"].as_i64().unwrap();
    let (_, rel) = get(&tp(&sim, "Releases?take=1&include=[Id]")).await;
    let release = rel["Items"][0]["Id"].as_i64().unwrap();
    let body = json!({"Name": "New objective", "Team": {"Id": team}, "Release": {"Id": release},
        "Description": "<p>x</p>", "Effort": 3, "Committed": true});
    let (s, created) = post(&tp(&sim, "TeamPIObjectives?resultFormat=json"), body).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["Name"], "New objective");
    assert_eq!(created["EntityState"]["Name"], "Pending");
    assert_eq!(created["EntityVersion"], 1);
    assert_eq!(created["Committed"], true);
    let id = created["Id"].as_i64().unwrap();
    let (s, updated) = post(
        &tp(&sim, &format!("TeamPIObjectives/{id}")),
        json!({"Effort": 8, "EntityState": {"Id": 103}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{updated}");
    assert_eq!(updated["Effort"], 8.0);
    assert_eq!(updated["Name"], "New objective");
    assert_eq!(updated["EntityState"]["Name"], "Accepted");
    assert_eq!(updated["EntityVersion"], 2);
    assert_ne!(updated["ModifyDate"], created["ModifyDate"]);
    let (s, via_id) = post(
        &tp(&sim, "TeamPIObjectives"),
        json!({"Id": id, "Name": "Renamed"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(via_id["EntityVersion"], 3);
    for (bad, why) in [
        (json!({"name": "camel"}), "deserializing"),
        (json!({"EntityState": {"Id": 121}}), "workflow"),
        (json!({"Team": {"Id": 424242}}), "does not exist"),
        (json!({"Team": {"Name": "Comets"}}), "by Id"),
    ] {
        let (s, e) = post(&tp(&sim, &format!("TeamPIObjectives/{id}")), bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_tp_error(&e, "BadRequest");
        assert!(e["Message"].as_str().unwrap().contains(why), "{e}");
    }
    let (s, e) = post(&tp(&sim, "TeamPIObjectives"), json!({"Name": "no team"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn delete_bulk_inner_collections_and_meta() {
    let sim = sim().await;
    let (_, objs) = get(&tp(&sim, "TeamPIObjectives?take=2&include=[Id]")).await;
    let (o1, o2) = (
        objs["Items"][0]["Id"].as_i64().unwrap(),
        objs["Items"][1]["Id"].as_i64().unwrap(),
    );
    let (_, f) = get(&tp(
        &sim,
        &format!("Features?where=TeamPIObjectives eq {o1}"),
    ))
    .await;
    assert_eq!(
        f["Status"], "BadRequest",
        "collections cannot be filtered: {f}"
    );
    let (s, feats) = get(&tp(&sim, &format!("TeamPIObjectives/{o1}/Features"))).await;
    assert_eq!(s, StatusCode::OK, "{feats}");
    let fid = feats["Items"][0]["Id"].as_i64().unwrap();
    let (s, linked) = post(
        &tp(&sim, &format!("Features/{fid}/TeamPIObjectives")),
        json!({"Id": o2}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{linked}");
    let (_, inner) = get(&tp(&sim, &format!("Features/{fid}/TeamPIObjectives"))).await;
    let ids: Vec<i64> = inner["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["Id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![o1, o2]);
    let (s, bulk) = post(
        &tp(&sim, "features/bulk"),
        json!([{"Id": fid, "Effort": 21}, {"Name": "Bulk new"}]),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{bulk}");
    assert_eq!(bulk["Items"][0]["Effort"], 21.0);
    let new_id = bulk["Items"][1]["Id"].as_i64().unwrap();
    let (s, e) = post(
        &tp(&sim, "features/bulk"),
        json!([{"Id": fid, "Effort": 1}, {"Nme": "typo"}]),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        e["Message"].as_str().unwrap().contains("Bulk item 1"),
        "{e}"
    );
    let (_, still) = get(&tp(&sim, &format!("Features/{fid}"))).await;
    assert_eq!(
        still["Effort"], 21.0,
        "atomic bulk keeps nothing of a rejected batch"
    );
    // A rejected batch that created an entity and wrote one twice: all of it undone, and the
    // ids it took are handed out again.
    let (s, _) = post(
        &tp(&sim, "features/bulk"),
        json!([{"Name": "Undone"}, {"Id": fid, "Effort": 2}, {"Id": fid, "Effort": 3}, {"Nme": "x"}]),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, still) = get(&tp(&sim, &format!("Features/{fid}"))).await;
    assert_eq!(still["Effort"], 21.0, "{still}");
    let (s, _) = get(&tp(&sim, &format!("Features/{}", new_id + 1))).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the batch's new entity is gone");
    let (s, again) = post(&tp(&sim, "features/bulk"), json!([{"Name": "Kept"}])).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["Items"][0]["Id"], new_id + 1, "{again}");
    let (s, gone) = post(
        &tp(&sim, "features/bulk"),
        json!([{"Id": new_id + 1, "Name": "Renamed"}, {"Nme": "x"}]),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{gone}");
    let (_, kept) = get(&tp(&sim, &format!("Features/{}", new_id + 1))).await;
    assert_eq!(kept["Name"], "Kept", "{kept}");
    let c = reqwest::Client::new();
    let r = c
        .delete(tp(&sim, &format!("Features/{}", new_id + 1)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let c = reqwest::Client::new();
    let r = c
        .delete(tp(&sim, &format!("Features/{new_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().is_empty());
    let r = c
        .delete(tp(&sim, &format!("Features/{new_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (s, feature) = get(&tp(&sim, "Features/meta")).await;
    assert_eq!(s, StatusCode::OK);
    let group = |name: &str| -> Vec<(String, String)> {
        feature["ResourceMetadataPropertiesDescription"][name]["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["Name"].as_str().unwrap().to_owned(),
                    f["Type"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let collections = group("ResourceMetadataPropertiesResourceCollectionsDescription");
    assert!(
        collections.contains(&("TeamPIObjectives".into(), "TeamPIObjective".into())),
        "{collections:?}"
    );
    assert!(
        collections.contains(&("CustomFields".into(), "CustomField".into())),
        "{collections:?}"
    );
    let references = group("ResourceMetadataPropertiesResourceReferencesDescription");
    assert!(
        references.contains(&("Team".into(), "Team".into())),
        "{references:?}"
    );
    let values = group("ResourceMetadataPropertiesResourceValuesDescription");
    assert!(
        values.contains(&("Effort".into(), "Decimal".into())),
        "{values:?}"
    );
    assert!(
        feature.get("PiPlanner").is_none(),
        "nothing names PI Planner's keys"
    );
    let (_, states) = get(&tp(
        &sim,
        "EntityStates?where=EntityType.Name eq 'Feature'&orderBy=NumericPriority",
    ))
    .await;
    let names: Vec<&str> = states["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, pi_model::workflow::USUAL_FEATURE_STATES);
}

const EDITOR: &str = "include=[EntityVersion,LastEditor[Id,FirstName,LastName,FullName,Login]]";

#[tokio::test]
async fn last_editor_is_seeded_listed_and_set_on_create() {
    let sim = sim().await;
    for res in ["TeamPIObjectives", "ProgramPIObjectives", "Features"] {
        let (_, page) = get(&tp(&sim, &format!("{res}?take=20&{EDITOR}"))).await;
        for item in page["Items"].as_array().unwrap() {
            let who = &item["LastEditor"];
            assert_eq!(who["ResourceType"], "User", "{item}");
            assert!(who["FullName"].as_str().unwrap().contains(' '), "{item}");
            assert_ne!(who["Login"], "admin", "seeded by an invented user: {item}");
        }
    }
    let (_, meta) = get(&tp(&sim, "TeamPIObjectives/meta")).await;
    let fields = meta["ResourceMetadataPropertiesDescription"]
        ["ResourceMetadataPropertiesResourceReferencesDescription"]["Items"]
        .as_array()
        .unwrap();
    let field = fields.iter().find(|f| f["Name"] == "LastEditor").unwrap();
    assert_eq!(
        (&field["Type"], &field["CanSet"]),
        (&json!("User"), &json!(false))
    );
    let url = format!(
        "{}/api/v1/Features?token={}&{EDITOR}",
        sim.base_url(),
        sim.service_token()
    );
    let (s, created) = post(&url, json!({"Name": "Made by the service token"})).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["LastEditor"]["Login"], pi_sim::TOKEN_USER_LOGIN);
    assert_eq!(created["LastEditor"]["FullName"], "Sim Admin");
    let (s, e) = post(&url, json!({"Name": "x", "LastEditor": {"Id": 1006}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
}

#[tokio::test]
async fn api_writes_are_by_the_authenticated_user() {
    let sim = sim().await;
    let id = sim.control().ids("Features")[0];
    let url = tp(&sim, &format!("Features/{id}?{EDITOR}"));
    let (s, by_token) = post(&url, json!({"Effort": 5})).await;
    assert_eq!(
        (s, &by_token["LastEditor"]["Login"]),
        (StatusCode::OK, &json!("admin"))
    );
    let (_, users) = get(&tp(&sim, "Users?take=3&orderBy=Id")).await;
    let login = users["Items"][2]["Login"].as_str().unwrap();
    let basic = reqwest::Client::new()
        .post(format!("{}/api/v1/Features/{id}?{EDITOR}", sim.base_url()))
        .basic_auth(login, Some(sim.basic_credentials().1))
        .json(&json!({"Effort": 8}))
        .send()
        .await
        .unwrap();
    let by_basic: Value = basic.json().await.unwrap();
    assert_eq!(by_basic["LastEditor"]["Login"], login, "{by_basic}");
    let (s, e) = post(&url, json!({"Effort": 1, "LastEditor": {"Id": 1006}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_tp_error(&e, "BadRequest");
    assert!(e["Message"].as_str().unwrap().contains("read-only"), "{e}");
    let (_, after) = get(&url).await;
    assert_eq!(
        after["EntityVersion"], 3,
        "the rejected write changed nothing"
    );
    assert_eq!(after["LastEditor"]["Login"], login);
}

#[tokio::test]
async fn control_edits_are_by_another_planner_or_the_given_user() {
    let sim = pi_sim::start(SimConfig {
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    let ctl = sim.control();
    let id = ctl.ids("TeamPIObjectives")[0];
    let edited = ctl
        .update_entity("TeamPIObjectives", id, json!({"Effort": 3}))
        .unwrap();
    assert_eq!(edited["LastEditor"]["Login"], pi_sim::CONTROL_EDITOR_LOGIN);
    let token_user = ctl.user_id(pi_sim::TOKEN_USER_LOGIN).unwrap();
    let body = json!({"Effort": 2, "LastEditor": {"Id": token_user}});
    let edited = ctl.update_entity("TeamPIObjectives", id, body).unwrap();
    assert_eq!(edited["LastEditor"]["Id"], token_user);
    let chosen = ctl.user_id(pi_sim::CONTROL_EDITOR_LOGIN).unwrap() + 3;
    let control_url = format!("{}/_sim/entities/TeamPIObjectives/{id}", sim.base_url());
    let body = json!({"Name": "Edited", "LastEditor": {"Id": chosen}});
    let (s, via_http) = post(&control_url, body).await;
    assert_eq!(
        (s, &via_http["LastEditor"]["Id"]),
        (StatusCode::OK, &json!(chosen))
    );
    let (s, _) = post(&control_url, json!({"LastEditor": {"Id": 121}})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an EntityState is not a user");
    let url = tp(&sim, &format!("TeamPIObjectives/{id}?{EDITOR}"));
    let (_, after) = get(&url).await;
    assert_eq!(after["EntityVersion"], 4);
    assert_eq!(after["LastEditor"]["Id"], chosen);
}
