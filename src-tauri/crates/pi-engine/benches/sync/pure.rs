//! The pure parts of a sync on a 1,000-objective plan (5,000 features), no I/O:
//! the field-level three-way merge with conflict detection (target ≤ 10 ms) and the push plan
//! (changeset) computation.

use pi_model::changeset::push_plan;
use pi_model::merge::merge;
use pi_model::{Effort, EntityId, LocalId, Plan};

use crate::{Timings, fixture, time};

const RUNS: usize = 21;
const OBJECTIVES: usize = 1000;

pub async fn run(selected: &dyn Fn(&str) -> bool, recorder: &pi_bench::Recorder) {
    let base = fetch_plan().await;
    let local = local_side(&base);
    let remote = remote_side(&base);
    if selected("merge") {
        let mut timings = Timings::default();
        let mut counts = (0, 0);
        for _ in 0..RUNS {
            let (outcome, took) = time(|| merge(&base, &local, &remote));
            timings.push(took);
            counts = (outcome.changes.len(), outcome.conflicts.len());
        }
        assert!(counts.1 >= 5, "the edits overlap in 5 fields");
        println!(
            "merge: {OBJECTIVES} objectives × 5 features, {} changes, {} conflicts: {}",
            counts.0,
            counts.1,
            timings.summary(),
        );
        recorder.record(
            timings
                .record("sync.merge", "merge + conflict detection, 1,000 objectives")
                .with_extra(serde_json::json!({"changes": counts.0, "conflicts": counts.1})),
        );
    }
    if selected("changeset") {
        let mut timings = Timings::default();
        let mut ops = 0;
        for _ in 0..RUNS {
            let (plan, took) = time(|| push_plan(&base, &local));
            timings.push(took);
            ops = plan.expect("the local plan is pushable").len();
        }
        println!(
            "push plan (changeset): {OBJECTIVES} objectives × 5 features, {ops} operations: {}",
            timings.summary(),
        );
        recorder.record(
            timings
                .record("sync.changeset", "push plan (changeset), 1,000 objectives")
                .with_extra(serde_json::json!({ "operations": ops })),
        );
    }
}

/// The generated 1,000-objective plan as Targetprocess serves it.
async fn fetch_plan() -> Plan {
    let sim = fixture::sim(OBJECTIVES).await;
    let tp = fixture::client(&sim);
    let art = tp.list_arts().await.expect("arts")[0].id;
    let release = tp.list_releases(art).await.expect("releases")[0].id;
    let team = tp.list_teams(art).await.expect("teams")[0].id;
    let remote = tp.fetch_team_plan(release, team).await.expect("fetch");
    sim.shutdown().await;
    assert_eq!(remote.plan.objectives.len(), OBJECTIVES);
    remote.plan
}

/// The team's edits: effort and business value of 40 objectives, a description line of 10, the
/// effort of 20 features, one feature moved, two new objectives with two new features each, and
/// the effort of objectives 0–4 (which Targetprocess changes too).
fn local_side(base: &Plan) -> Plan {
    let mut p = base.clone();
    for (i, o) in p.objectives.iter_mut().enumerate().skip(100).take(40) {
        o.effort = Effort::new(500.0 + small(i));
        o.business_value = Some(u32::try_from(i % 10 + 1).expect("small"));
    }
    for o in p.objectives.iter_mut().skip(200).take(10) {
        o.description.push_str("\n\nAgreed with the product owner.");
    }
    for o in p.objectives.iter_mut().take(5) {
        o.effort = Effort::new(7.0);
    }
    for (i, o) in p.objectives.iter_mut().skip(300).take(10).enumerate() {
        for f in o.features.iter_mut().take(2) {
            f.effort = Effort::new(30.0 + small(i));
        }
    }
    let moved = p.objectives[400].features.remove(0);
    p.objectives[401].features.push(moved);
    for n in 0..2 {
        let mut o = p.objectives[n].clone();
        o.id = local_id(&format!("bench-objective-{n}"));
        o.name = format!("New objective {n}");
        o.features.truncate(2);
        for (k, f) in o.features.iter_mut().enumerate() {
            f.id = local_id(&format!("bench-feature-{n}-{k}"));
            f.name = format!("New feature {n}.{k}");
        }
        p.objectives.push(o);
    }
    p
}

/// Other planners' edits in Targetprocess: the effort of 50 objectives (0–4 also edited locally:
/// conflicts), a status of 20 features, and another description line of 5 objectives the team
/// also edited (merged line by line).
fn remote_side(base: &Plan) -> Plan {
    let mut p = base.clone();
    for (i, o) in p.objectives.iter_mut().take(50).enumerate() {
        o.effort = Effort::new(900.0 + small(i));
    }
    for o in p.objectives.iter_mut().skip(600).take(10) {
        for f in o.features.iter_mut().take(2) {
            f.status = Some("Done".to_owned());
        }
    }
    for o in p.objectives.iter_mut().skip(200).take(5) {
        o.description = format!("Reviewed in the PI planning.\n\n{}", o.description);
    }
    p
}

fn local_id(s: &str) -> EntityId {
    EntityId::Local(LocalId::new(s).expect("a valid local id"))
}

fn small(i: usize) -> f64 {
    f64::from(u32::try_from(i).expect("small"))
}
