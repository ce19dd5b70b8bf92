//! The background mutator: while `Faults::mutator` is set, edits a random team objective or
//! feature every interval, like other planners (status, effort, owner) and the TP↔Jira sync
//! (rewriting acceptance criteria HTML). Edits go through the normal write path, so
//! `ModifyDate` and `EntityVersion` bump as for any other write; each edit's `LastEditor` is a
//! seeded user picked with the same seeded randomness.
//!
//! Randomness comes from the seed; timing from the tokio clock.

use std::sync::Arc;
use std::time::Duration;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::config::MutatorSpec;
use crate::editor::Editor;
use crate::ops;
use crate::shared::{Shared, lock};

const IDLE_POLL: Duration = Duration::from_millis(200);

pub async fn run(shared: Arc<Shared>) {
    let mut rng = ChaCha8Rng::seed_from_u64(shared.seed ^ 0x3417_a70e);
    loop {
        let spec = lock(&shared.faults).faults.mutator.clone();
        match spec {
            Some(spec) => {
                tokio::time::sleep(spec.interval.max(Duration::from_millis(1))).await;
                mutate_once(&shared, &spec, &mut rng);
            }
            None => tokio::time::sleep(IDLE_POLL).await,
        }
    }
}

/// Applies one random edit; returns (resource type, id) of the edited entity.
pub fn mutate_once(
    shared: &Shared,
    spec: &MutatorSpec,
    rng: &mut ChaCha8Rng,
) -> Option<(String, i64)> {
    let sync = match (spec.planners, spec.jira_sync) {
        (true, true) => rng.random_bool(0.3),
        (false, true) => true,
        (true, false) => false,
        (false, false) => return None,
    };
    if sync {
        rewrite_criteria(shared, rng)
    } else {
        planner_edit(shared, rng)
    }
}

fn pick(shared: &Shared, resource_type: &str, rng: &mut ChaCha8Rng) -> Option<i64> {
    let world = lock(&shared.world);
    let ids: Vec<i64> = world.tp.all(resource_type).map(|(id, _)| *id).collect();
    ids.choose(rng).copied()
}

fn seeded_users(shared: &Shared) -> Vec<i64> {
    lock(&shared.world)
        .tp
        .all("User")
        .map(|(id, _)| *id)
        .collect()
}

fn planner_edit(shared: &Shared, rng: &mut ChaCha8Rng) -> Option<(String, i64)> {
    let (rt, first_state) = if rng.random_bool(0.5) {
        (shared.schema.team_objective_type(), 101)
    } else {
        ("Feature".to_owned(), 121)
    };
    let ty = shared.schema.by_type(&rt)?;
    let id = pick(shared, &rt, rng)?;
    let users = seeded_users(shared);
    let body = match rng.random_range(0..3) {
        0 => json!({"EntityState": {"Id": first_state + rng.random_range(0..5)}}),
        1 => {
            let effort = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0][rng.random_range(0..6)];
            json!({ "Effort": effort })
        }
        _ => json!({"Owner": {"Id": users.choose(rng).copied().unwrap_or(1000)}}),
    };
    let by = Editor(users.choose(rng).copied());
    ops::update(shared, ty, id, &body, by).ok()?;
    Some((rt, id))
}

/// The sync wraps list items in `<p>` (as Jira's rich text does) or unwraps them again.
fn rewrite_criteria(shared: &Shared, rng: &mut ChaCha8Rng) -> Option<(String, i64)> {
    let ty = shared.schema.by_type("Feature")?;
    let id = pick(shared, "Feature", rng)?;
    let name = shared.schema.tp.acceptance_criteria_field.clone();
    let current = ops::get(shared, ty, id, None).ok()?;
    let html = current["CustomFields"]
        .as_array()
        .and_then(|cfs| {
            cfs.iter()
                .find(|cf| cf["Name"] == Value::String(name.clone()))
        })
        .and_then(|cf| cf["Value"].as_str())
        .unwrap_or("<ul><li>criterion</li></ul>")
        .to_owned();
    let rewritten = if html.contains("<li><p>") {
        html.replace("<li><p>", "<li>")
            .replace("</p></li>", "</li>")
    } else {
        html.replace("<li>", "<li><p>")
            .replace("</li>", "</p></li>")
    };
    let by = Editor(seeded_users(shared).choose(rng).copied());
    ops::update(
        shared,
        ty,
        id,
        &json!({"CustomFields": [{"Name": name, "Value": rewritten}]}),
        by,
    )
    .ok()?;
    Some(("Feature".to_owned(), id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimConfig;

    /// (type, id, LastEditor before, LastEditor after) of `n` edits on a fresh simulator state.
    fn edits(seed: u64, n: usize) -> Vec<(String, i64, Value, Value)> {
        let config = SimConfig {
            seed,
            ..SimConfig::default()
        };
        let shared = Shared::new(&config, "http://127.0.0.1:9".into()).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let spec = MutatorSpec::default();
        (0..n)
            .map(|_| {
                let before = lock(&shared.world).tp.clone();
                let (rt, id) = mutate_once(&shared, &spec, &mut rng).unwrap();
                let world = lock(&shared.world);
                let editor = world.tp.get(&rt, id).unwrap()["LastEditor"].clone();
                assert!(world.tp.get("User", editor.as_i64().unwrap()).is_some());
                let was = before.get(&rt, id).unwrap()["LastEditor"].clone();
                (rt, id, was, editor)
            })
            .collect()
    }

    #[test]
    fn edits_are_by_seeded_users_chosen_from_the_seed() {
        let a = edits(3, 12);
        assert_eq!(a, edits(3, 12));
        let editors: std::collections::BTreeSet<i64> =
            a.iter().filter_map(|(_, _, _, e)| e.as_i64()).collect();
        assert!(editors.len() > 1, "one editor for every edit: {editors:?}");
        let changed = a.iter().filter(|(_, _, was, now)| was != now).count();
        assert!(changed > 6, "only {changed} of 12 edits changed the editor");
    }
}
