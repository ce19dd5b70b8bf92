//! Capacity: the largest plan within the sync targets, and how pushes, errors and broken
//! invariants grow with the number of planners sharing one plan. Printed as markdown tables
//! (docs/capacity.md) by the `capacity` benchmark.

use super::*;

/// The largest plan whose pull + merge (50 Targetprocess edits) stays ≤ 2 s and push of 50
/// fields ≤ 1 s at 20 ms latency, with the production client limits; printed as a markdown
/// table (docs/capacity.md).
pub async fn capacity_plan_size() {
    println!(
        "| objectives (× 5 features) | pull + merge (50 TP edits) | push (50 fields) | requests pull / push | within targets (≤ 2 s / ≤ 1 s) |"
    );
    println!("|---|---|---|---|---|");
    for objectives in [250, 500, 1000, 2000, 4000] {
        let (pull, push, requests) = plan_size_run(objectives).await;
        let ok = pull <= Duration::from_secs(2) && push <= Duration::from_secs(1);
        println!(
            "| {objectives} | {} ms | {} ms | {} / {} | {} |",
            pull.as_millis(),
            push.as_millis(),
            requests.0,
            requests.1,
            if ok { "yes" } else { "no" }
        );
        if pull > Duration::from_secs(4) {
            break;
        }
    }
}

/// How push latency, retries, errors and broken invariants grow with the number of planners
/// sharing one plan (`PI_CAPACITY_SECS` of load each, default 30); printed as a markdown table.
pub async fn capacity_planners() {
    let secs = env_number("PI_CAPACITY_SECS").unwrap_or(30);
    let creates = env_number("PI_LOAD_CREATES").unwrap_or(8);
    println!(
        "| planners | pushes | pushes / min | push p50 / p95 | pull p50 / p95 | retries per push | errors | conflicts shown (bystander) | broken invariants |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for users in [1, 2, 5, 10, 20] {
        let s = run_load(users, secs, LATENCY, 3, creates).await;
        println!(
            "| {users} | {} | {:.1} | {} / {} ms | {} / {} ms | {:.1} | {} | {} ({}) | {} |",
            s.pushes,
            s.pushes as f64 * 60.0 / s.load_wall.as_secs_f64(),
            s.push_p50.as_millis(),
            s.push_p95.as_millis(),
            s.pull_p50.as_millis(),
            s.pull_p95.as_millis(),
            s.retries as f64 / s.pushes.max(1) as f64,
            s.errors,
            s.conflicts,
            s.bystander_conflicts,
            s.violations.len()
        );
        for v in &s.violations {
            println!("  - {}", v.chars().take(300).collect::<String>());
        }
    }
}

/// One pull + merge (after 50 Targetprocess edits) and one push of 50 fields on a plan of
/// `objectives` objectives × 5 features, 20 ms latency, the production client limits.
async fn plan_size_run(objectives: usize) -> (Duration, Duration, (u64, u64)) {
    let sim = pi_sim::start(SimConfig {
        data: DataSource::Generated(GenSpec {
            teams: 1,
            objectives_per_team: objectives,
            features_per_objective: 5,
            releases: 1,
        }),
        control_api: true,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let tp = TpClient::new(
        TpConfig::new(
            &sim.base_url(),
            Credentials::AccessToken(sim.access_token().to_owned()),
        )
        .unwrap(),
    )
    .unwrap();
    let root = tempfile::tempdir().unwrap();
    let art = tp.list_arts().await.unwrap()[0].id;
    let release = tp.list_releases(art).await.unwrap()[0].name.clone();
    let team = tp.list_teams(art).await.unwrap()[0].name.clone();
    let me = identity(0);
    let req = InitRequest {
        dir: root.path().to_path_buf(),
        release,
        team,
        remote: None,
    };
    pi_engine::init(&ctx(&tp, &me), &req).await.unwrap();
    let ws = Workspace::open(root.path()).unwrap();
    let ids: Vec<i64> = ws
        .local()
        .unwrap()
        .objectives
        .iter()
        .map(|o| o.id.tp().unwrap())
        .collect();
    sim.control().set_faults(Faults {
        latency: Duration::from_millis(20),
        ..Faults::default()
    });
    for (i, id) in ids.iter().take(50).enumerate() {
        sim.control()
            .update_entity("TeamPIObjectives", *id, json!({ "Effort": 5000 + i }))
            .unwrap();
    }
    let before = tp.requests_sent();
    let start = Instant::now();
    let pulled = pi_engine::pull(&ctx(&tp, &me), &ws, &PullOptions::default())
        .await
        .unwrap();
    let pull = start.elapsed();
    let pull_requests = tp.requests_sent() - before;
    assert_eq!(pulled.from_tp.len(), 50);
    let mut plan = ws.local().unwrap();
    for (i, o) in plan.objectives.iter_mut().skip(100).take(25).enumerate() {
        o.effort = Effort::new(f64::from(7000 + u32::try_from(i).unwrap()));
        o.business_value = Some(u32::try_from(i % 9 + 1).unwrap());
    }
    std::fs::write(ws.plan_path().unwrap(), pi_format::render(&plan)).unwrap();
    let before = tp.requests_sent();
    let start = Instant::now();
    let out = pi_engine::push(&ctx(&tp, &me), &ws, PushOptions::default())
        .await
        .unwrap();
    let push = start.elapsed();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let push_requests = tp.requests_sent() - before;
    sim.shutdown().await;
    (pull, push, (pull_requests, push_requests))
}
