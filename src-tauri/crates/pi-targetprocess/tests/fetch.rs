//! Reads against pi-sim: the team plan, paging, request counts, stale-data detection.

use crate::common;

use pi_model::EntityId;
use pi_targetprocess::{Kind, TpClient};

#[tokio::test]
async fn team_plan_matches_the_simulator_entities() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let ctl = sim.control();
    ctl.clear_request_log();
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");

    // Five reads, each fitting one page: release, team, objectives, program objectives, features.
    assert_eq!(remote.requests, 5);
    let log = ctl.request_log();
    assert_eq!(log.len(), 5, "{log:?}");
    assert!(
        log.iter()
            .all(|r| r.method == "GET" && r.status == Some(200))
    );

    let plan = &remote.plan;
    assert_eq!(plan.release.id, Some(release));
    assert_eq!(plan.team.id, Some(team));
    assert!(plan.art.id.is_some() && !plan.art.name.is_empty());
    assert!(!plan.program_objectives.is_empty());
    assert!(plan.objectives.len() >= 10);

    let objective = &plan.objectives[0];
    let id = objective.id.tp().expect("TP id");
    let wire = ctl
        .get_entity("TeamPIObjectives", id)
        .expect("objective exists");
    assert_eq!(objective.name, wire["Name"].as_str().unwrap());
    assert_eq!(
        objective.status.as_deref(),
        wire["EntityState"]["Name"].as_str()
    );
    assert_eq!(
        objective.effort.map(|e| e.points()),
        wire["Effort"].as_f64()
    );
    assert_eq!(
        objective.committed,
        wire["Committed"].as_bool().unwrap_or(false)
    );
    assert_eq!(
        objective.business_value.map(f64::from),
        wire["BusinessValue"].as_f64()
    );
    assert_eq!(
        objective.program_objective,
        wire["ProgramPIObjective"]["Id"].as_i64().map(EntityId::Tp)
    );
    let version = &remote.versions[&id];
    assert_eq!(version.entity_version, wire["EntityVersion"].as_i64());

    let feature = &objective.features[0];
    let fid = feature.id.tp().expect("TP id");
    let fw = ctl.get_entity("Features", fid).expect("feature exists");
    assert_eq!(feature.name, fw["Name"].as_str().unwrap());
    assert_eq!(
        feature.status.as_deref(),
        fw["EntityState"]["Name"].as_str()
    );
    assert_eq!(feature.effort.map(|e| e.points()), fw["Effort"].as_f64());
    let custom = |name: &str| -> Option<String> {
        fw["CustomFields"]
            .as_array()?
            .iter()
            .find(|c| c["Name"] == name)
            .and_then(|c| c["Value"].as_str().map(str::to_owned))
    };
    assert_eq!(
        feature.jira.as_ref().map(|j| j.key.clone()),
        custom("Jira Key")
    );
    let criteria_html = custom("Acceptance Criteria").unwrap_or_default();
    assert_eq!(
        feature.acceptance_criteria,
        pi_targetprocess::criteria::html_to_criteria(&criteria_html)
    );
    assert!(!feature.acceptance_criteria.is_empty());
    assert_eq!(remote.feature_links[&fid], vec![id]);
    sim.shutdown().await;
}

#[tokio::test]
async fn small_pages_are_all_read() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let full = client.fetch_team_plan(release, team).await.expect("fetch");

    let mut config = common::config(&sim);
    config.page_size = 4;
    let paged = TpClient::new(config).expect("client");
    let ctl = sim.control();
    ctl.clear_request_log();
    let remote = paged.fetch_team_plan(release, team).await.expect("fetch");
    assert_eq!(remote.plan, full.plan);
    assert_eq!(remote.versions, full.versions);

    let objective_pages: Vec<String> = ctl
        .request_log()
        .into_iter()
        .filter(|r| r.path.ends_with("/TeamPIObjectives"))
        .map(|r| r.query)
        .collect();
    let expected_pages = full.plan.objectives.len().div_ceil(4);
    assert!(expected_pages >= 3);
    assert!(
        objective_pages.len() >= expected_pages,
        "{objective_pages:?}"
    );
    // The next pages are requested while one is awaited, so they may arrive in any order: each
    // page once, every one of them, and at most two requested past the last.
    let mut skips: Vec<usize> = objective_pages
        .iter()
        .map(|q| {
            assert!(q.contains("take=4"), "{q}");
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "skip")
                .and_then(|(_, v)| v.parse().ok())
                .expect("a skip")
        })
        .collect();
    skips.sort_unstable();
    let contiguous: Vec<usize> = (0..skips.len()).map(|i| i * 4).collect();
    assert_eq!(skips, contiguous, "{objective_pages:?}");
    assert!(
        objective_pages.len() <= expected_pages + 2,
        "{expected_pages} pages: {objective_pages:?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn reread_sees_a_change_made_after_the_fetch() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let ids: Vec<i64> = remote
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.id.tp())
        .collect();
    let changed = ids[1];

    sim.control()
        .update_entity(
            "TeamPIObjectives",
            changed,
            serde_json::json!({"Name": "Renamed elsewhere"}),
        )
        .expect("control update");
    let now = client
        .reread_versions(Kind::TeamObjective, &ids)
        .await
        .expect("reread");
    assert_eq!(now.len(), ids.len());
    for id in &ids {
        let same = now[id] == remote.versions[id];
        assert_eq!(same, *id != changed, "entity {id}");
    }
    assert!(now[&changed].entity_version > remote.versions[&changed].entity_version);
    sim.shutdown().await;
}

#[tokio::test]
async fn pickers_list_arts_releases_and_teams() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let arts = client.list_arts().await.expect("arts");
    assert!(!arts.is_empty());
    let teams = client.list_teams(arts[0].id).await.expect("teams");
    assert_eq!(
        teams.len(),
        sim.control()
            .ids("Teams")
            .iter()
            .filter(|id| {
                sim.control()
                    .get_entity("Teams", **id)
                    .is_some_and(|t| t["AgileReleaseTrain"]["Id"] == arts[0].id)
            })
            .count()
    );
    let names: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    sim.shutdown().await;
}

#[tokio::test]
async fn every_owner_in_a_fetched_plan_resolves_to_a_user_id() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("plan");
    let users = client.list_users().await.expect("users");
    assert!(users.len() > 1, "the demo account has several people");
    let mut checked = 0;
    for o in &remote.plan.objectives {
        let Some(owner) = &o.owner else { continue };
        let id = pi_targetprocess::find_owner(&users, owner).expect("owner is a user");
        let tp_id = o.id.tp().expect("fetched objectives have TP ids");
        let wire = sim
            .control()
            .get_entity("TeamPIObjectives", tp_id)
            .expect("objective exists");
        assert_eq!(wire["Owner"]["Id"], id, "{owner}");
        checked += 1;
    }
    assert!(checked > 0, "the demo plan names owners");
}

/// Users' names are listed in the inbound normal form, as a plan names owners: with hostile
/// full names (line breaks, NUL, bidi, past the length bound) every owner of a fetched plan is
/// found in the list, and a name picked from it is the name a pull shows back.
#[tokio::test]
async fn hostile_user_names_are_listed_as_a_plan_names_owners() {
    let sim = common::sim_with(pi_sim::SimConfig {
        seed: 5,
        data: pi_sim::DataSource::Hostile(Box::new(pi_sim::DataSource::Demo)),
        ..pi_sim::SimConfig::default()
    })
    .await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let remote = client.fetch_team_plan(release, team).await.expect("plan");
    let users = client.list_users().await.expect("users");
    for u in &users {
        let mut normal = u.name.clone();
        pi_model::inbound::clean_line(&mut normal, pi_model::inbound::MAX_NAME_CHARS);
        assert_eq!(u.name, normal, "user {} is listed in normal form", u.id);
    }
    let raw = |id: i64| sim.control().get_entity("Users", id).expect("user")["FullName"].clone();
    assert!(
        users
            .iter()
            .any(|u| raw(u.id).as_str() != Some(u.name.as_str())),
        "the seed gives some user a hostile name"
    );
    let owners = remote
        .plan
        .objectives
        .iter()
        .filter_map(|o| o.owner.as_ref());
    for owner in owners {
        pi_targetprocess::find_owner(&users, owner).expect("every owner is a listed user");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn editors_name_who_last_changed_each_entity() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let before = client.fetch_team_plan(release, team).await.expect("plan");
    let objective = before.plan.objectives[0].id.tp().expect("TP id");
    let feature = before.plan.objectives[0].features[0]
        .id
        .tp()
        .expect("TP id");
    let in_plan: Vec<i64> = before.versions.keys().copied().collect();
    assert_eq!(
        before.editors.keys().copied().collect::<Vec<_>>(),
        in_plan,
        "every seeded objective and feature has a last editor"
    );

    let users = client.list_users().await.expect("users");
    let chosen = users
        .iter()
        .find(|u| {
            before.editors[&objective] != u.name
                && u.login.as_deref() != Some(pi_sim::TOKEN_USER_LOGIN)
        })
        .expect("another user");
    let ctl = sim.control();
    ctl.update_entity(
        "TeamPIObjectives",
        objective,
        serde_json::json!({"Effort": 13, "LastEditor": {"Id": chosen.id}}),
    )
    .expect("control edit by the chosen user");
    ctl.update_entity("Features", feature, serde_json::json!({"Effort": 2}))
        .expect("control edit by the default planner");
    let requests = before.requests;
    let planner = users
        .iter()
        .find(|u| u.login.as_deref() == Some(pi_sim::CONTROL_EDITOR_LOGIN))
        .expect("the simulator's other planner");

    let after = client.fetch_team_plan(release, team).await.expect("plan");
    assert_eq!(after.editors[&objective], chosen.name);
    assert_eq!(after.editors[&feature], planner.name);
    assert_eq!(
        after.requests, requests,
        "editors come without extra requests"
    );
    for id in in_plan
        .iter()
        .filter(|id| ![objective, feature].contains(id))
    {
        assert_eq!(after.editors[id], before.editors[id], "entity {id}");
    }
    sim.shutdown().await;
}

/// Names and descriptions a Targetprocess user can type that would break a plan file or a
/// terminal reach the model in the inbound normal form, with a warning for what was cut.
#[tokio::test]
async fn hostile_names_and_descriptions_arrive_normalised() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let before = client.fetch_team_plan(release, team).await.expect("fetch");
    let objective = before.plan.objectives[0].id.tp().expect("TP id");
    let program = before.plan.program_objectives[0].id.tp().expect("TP id");
    let second = before.plan.objectives[1].id.tp().expect("TP id");
    let deep = format!(
        "{}<p>deep *text*</p>{}",
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    );
    let ctl = sim.control();
    let update = |resource: &str, id: i64, fields: serde_json::Value| {
        ctl.update_entity(resource, id, fields).expect("update");
    };
    update(
        "TeamPIObjectives",
        objective,
        serde_json::json!({"Name": "Ship\nit\u{0}\u{1b}[2J\u{7}\u{202E}", "Description": deep}),
    );
    update(
        "ProgramPIObjectives",
        program,
        serde_json::json!({"Name": "Grow\r\nrevenue"}),
    );
    update(
        "Teams",
        team,
        serde_json::json!({"Name": format!("T\n{}", "x".repeat(600))}),
    );

    let remote = client.fetch_team_plan(release, team).await.expect("fetch");
    let plan = &remote.plan;
    let o = plan
        .objectives
        .iter()
        .find(|o| o.id.tp() == Some(objective))
        .expect("objective");
    assert_eq!(o.name, "Ship it  [2J");
    assert_eq!(o.description, "deep \\*text\\*");
    let o2 = plan.objectives.iter().find(|o| o.id.tp() == Some(second));
    let text = &o2.expect("second objective").description;
    assert!(
        !text.lines().any(pi_model::validate::is_conflict_marker),
        "{text}"
    );
    let p = plan
        .program_objectives
        .iter()
        .find(|p| p.id.tp() == Some(program))
        .expect("program objective");
    assert_eq!(p.name, "Grow  revenue");
    assert!(plan.team.name.starts_with("T x") && plan.team.name.ends_with("…(truncated)"));
    assert_eq!(
        plan.team.name.chars().count(),
        pi_model::inbound::MAX_NAME_CHARS
    );
    assert_eq!(remote.warnings.len(), 2, "{:?}", remote.warnings);
    assert!(remote.warnings[0].contains(&format!("objective tp:{objective}")));
    assert!(remote.warnings[1].contains("the team name has 602 characters"));
    let pickers = client
        .list_teams(client.list_arts().await.expect("arts")[0].id)
        .await;
    assert!(
        pickers
            .expect("teams")
            .iter()
            .all(|t| !t.name.contains('\n'))
    );
}

#[tokio::test]
async fn team_iterations_of_a_release_come_with_their_team_and_dates_in_order() {
    let sim = common::sim().await;
    let client = common::client(&sim);
    let (release, team) = common::first_plan_ids(&client).await;
    let mine = client
        .list_team_iterations(release, Some(team))
        .await
        .expect("team iterations");
    assert_eq!(mine.len(), 6, "six two-week iterations per team and PI");
    assert!(mine.iter().all(|i| i.team == Some(team)));
    assert!(mine.windows(2).all(|w| w[0].end < w[1].start));
    let days = (mine[0].end - mine[0].start).num_seconds();
    assert_eq!(days, 14 * 86_400 - 1);
    let all = client
        .list_team_iterations(release, None)
        .await
        .expect("every team's iterations");
    assert!(all.len() > mine.len() && all.len() % 6 == 0);
    sim.shutdown().await;
}
