//! Seeded data: the demo set has the promised shape and is deterministic; generated sets have
//! the requested size.

use std::collections::{BTreeMap, BTreeSet};

use pi_sim::{DataSource, GenSpec, RunningSim, SimConfig};
use serde_json::Value;

/// Every entity of a resource through the API, all pages.
async fn all(sim: &RunningSim, resource: &str, include: &str) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        let url = format!(
            "{}/api/v1/{resource}?take=1000&skip={}&include={include}&access_token={}",
            sim.base_url(),
            out.len(),
            sim.access_token()
        );
        let page: Value = reqwest::get(url)
            .await
            .expect("answer")
            .json()
            .await
            .expect("json");
        let items = page["Items"].as_array().cloned().unwrap_or_default();
        let last = page.get("Next").is_none();
        out.extend(items);
        if last {
            return out;
        }
    }
}

fn id(v: &Value) -> Option<i64> {
    v["Id"].as_i64()
}

#[tokio::test]
async fn demo_owners_are_users_and_objective_links_are_all_present() {
    let sim = pi_sim::start(SimConfig::default())
        .await
        .expect("sim starts");
    let users: BTreeSet<i64> = all(&sim, "Users", "[Login]")
        .await
        .iter()
        .filter_map(id)
        .collect();
    assert_eq!(users.len(), 21);
    for resource in ["TeamPIObjectives", "ProgramPIObjectives", "Features"] {
        let items = all(&sim, resource, "[Owner]").await;
        assert!(!items.is_empty(), "{resource}");
        for item in &items {
            let owner = id(&item["Owner"]).expect("every item has an owner");
            assert!(users.contains(&owner), "{resource} {item}");
        }
    }

    let objectives = all(
        &sim,
        "TeamPIObjectives",
        "[Team,Release,Committed,ProgramPIObjective]",
    )
    .await;
    let committed_and_linked = objectives
        .iter()
        .filter(|o| o["Committed"] == true && id(&o["ProgramPIObjective"]).is_some())
        .count();
    assert!(committed_and_linked > 0);
    // Per team and release, the first objective is always committed.
    let mut first: BTreeMap<(i64, i64), &Value> = BTreeMap::new();
    for o in &objectives {
        let key = (
            id(&o["Team"]).expect("team"),
            id(&o["Release"]).expect("release"),
        );
        first.entry(key).or_insert(o);
    }
    assert!(first.values().all(|o| o["Committed"] == true));

    let placement: BTreeMap<i64, (Option<i64>, Option<i64>)> = objectives
        .iter()
        .filter_map(|o| Some((id(o)?, (id(&o["Team"]), id(&o["Release"])))))
        .collect();
    let features = all(&sim, "Features", "[Team,Release,TeamPIObjectives]").await;
    let multi: Vec<&Value> = features
        .iter()
        .filter(|f| f["TeamPIObjectives"]["Items"].as_array().map(Vec::len) == Some(2))
        .collect();
    assert!(multi.len() >= 10, "{} multi-linked features", multi.len());
    assert!(multi.len() * 10 < features.len(), "only a few");
    for f in multi {
        let own = (id(&f["Team"]), id(&f["Release"]));
        for link in f["TeamPIObjectives"]["Items"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let objective = id(link).expect("link id");
            assert_eq!(placement.get(&objective), Some(&own), "{f}");
        }
    }
}

#[tokio::test]
async fn demo_data_shape() {
    let sim = pi_sim::start(SimConfig::default())
        .await
        .expect("sim starts");
    let c = sim.control();
    assert_eq!(c.count("AgileReleaseTrains"), 2);
    assert_eq!(c.count("Teams"), 10);
    assert_eq!(c.count("Releases"), 6, "3 PIs per train");
    let per_team_release = c.count("TeamPIObjectives") as f64 / 30.0;
    assert!(
        (10.0..=14.0).contains(&per_team_release),
        "{per_team_release}"
    );
    let features = c.count("Features") as f64 / c.count("TeamPIObjectives") as f64;
    assert!((2.0..=5.0).contains(&features), "{features}");
    assert!(c.count("ProgramPIObjectives") > 0);
    let releases: BTreeSet<String> = c
        .ids("Releases")
        .into_iter()
        .filter_map(|id| {
            c.get_entity("Releases", id)?["Name"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert!(releases.contains("PI-4/25"), "{releases:?}");
    let id = c.ids("Features")[0];
    let f = c.get_entity("Features", id).expect("feature");
    let ac = f["CustomFields"]
        .as_array()
        .expect("custom fields")
        .iter()
        .find(|cf| cf["Name"] == "Acceptance Criteria")
        .expect("criteria");
    assert!(ac["Value"].as_str().expect("html").contains("<li>"));
}

#[tokio::test]
async fn demo_names_are_distinct_within_a_team_plan_and_read_naturally() {
    let sim = pi_sim::start(SimConfig::default())
        .await
        .expect("sim starts");
    let mut plans: BTreeMap<(i64, i64), Vec<String>> = BTreeMap::new();
    for resource in ["TeamPIObjectives", "Features"] {
        for item in all(&sim, resource, "[Name,Team,Release]").await {
            let key = (
                id(&item["Team"]).expect("team"),
                id(&item["Release"]).expect("release"),
            );
            let name = item["Name"].as_str().expect("name").to_owned();
            assert!(!name.contains('('), "no bracketed suffixes: {name}");
            plans.entry(key).or_default().push(name);
        }
    }
    assert_eq!(plans.len(), 30, "10 teams, 3 releases each");
    for (plan, names) in &plans {
        let distinct: BTreeSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "{plan:?}: {names:?}");
    }
}

#[tokio::test]
async fn same_seed_same_data_other_seed_other_data() {
    let start = |seed| {
        pi_sim::start(SimConfig {
            seed,
            ..SimConfig::default()
        })
    };
    let (a, b, c) = (
        start(1).await.expect("a"),
        start(1).await.expect("b"),
        start(2).await.expect("c"),
    );
    assert_eq!(a.control().snapshot(), b.control().snapshot());
    assert_ne!(a.control().snapshot(), c.control().snapshot());
    assert_eq!(a.access_token(), b.access_token());
    assert_ne!(a.access_token(), c.access_token());
}

#[tokio::test]
async fn generated_benchmark_set() {
    let spec = GenSpec {
        teams: 1,
        objectives_per_team: 1000,
        features_per_objective: 5,
        releases: 1,
    };
    let t = std::time::Instant::now();
    let sim = pi_sim::start(SimConfig {
        data: DataSource::Generated(spec),
        ..SimConfig::default()
    })
    .await
    .expect("sim starts");
    assert_eq!(sim.control().count("TeamPIObjectives"), 1000);
    assert_eq!(sim.control().count("Features"), 5000);
    assert!(
        t.elapsed().as_secs() < 20,
        "generation took {:?}",
        t.elapsed()
    );
}
