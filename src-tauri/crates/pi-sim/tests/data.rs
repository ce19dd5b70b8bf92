//! Seeded data: the demo set has the promised shape and is deterministic; generated sets have
//! the requested size.

use std::collections::BTreeSet;

use pi_sim::{DataSource, GenSpec, SimConfig};

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
