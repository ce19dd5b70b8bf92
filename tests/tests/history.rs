//! Per-objective history under concurrent edits: two clones share a bare remote, two planners
//! change different fields of one objective at the same time and both push; each change is
//! attributed to the planner who made it (not to the merge that combined them), and a change
//! made in Targetprocess is attributed to Targetprocess.

#![allow(clippy::unwrap_used)]

use pi_engine::oplog::Actor;
use pi_engine::{PullOptions, PushOptions, PushOutcome};
use pi_model::{Effort, Field};
use pi_reports::history::{Rev, compare, objective_history};
use pi_scenarios::*;
use serde_json::json;

fn person(name: &str) -> impl Fn(&Actor) -> bool + '_ {
    move |a| matches!(a, Actor::Person { name: n, .. } if n == name)
}

#[tokio::test]
async fn concurrent_edits_of_one_objective_are_each_attributed_to_their_author() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let (jane, ana) = (jane(), pi_git::Identity::new("Ana Lee", "ana@example.com"));
    let id = ws_a.local().unwrap().objectives[0].id.clone();

    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(42.0));
    edit_plan(&ws_b, |p| {
        p.objectives[0].description = "Agreed with Ana.".into()
    });
    for (ws, me, minute) in [(&ws_a, &jane, 1), (&ws_b, &ana, 2)] {
        let out = pi_engine::push(&ctx(&tp, me, minute), ws, PushOptions::default())
            .await
            .unwrap();
        assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    }
    let plan_b = ws_b.local().unwrap();
    assert_eq!(plan_b.objectives[0].effort, Effort::new(42.0));
    assert_eq!(plan_b.objectives[0].description, "Agreed with Ana.");

    let history = objective_history(&ws_b, &id).unwrap();
    let fields_by = |name: &str| -> Vec<Field> {
        history
            .iter()
            .filter(|v| person(name)(&v.commit.who))
            .flat_map(|v| {
                v.changes
                    .iter()
                    .flat_map(|c| c.fields.iter().map(|f| f.field))
            })
            .collect()
    };
    assert_eq!(fields_by("Jane Doe"), [Field::Effort], "{history:#?}");
    assert_eq!(fields_by("Ana Lee"), [Field::Description], "{history:#?}");
    assert!(
        history.iter().all(|v| !v.commit.is_merge()),
        "a merge that only combined both sides is credited with nothing: {history:#?}"
    );

    // A change in Targetprocess, pulled by A: attributed to Targetprocess.
    let tp_id = id.tp().unwrap();
    tp.sim
        .control()
        .update_entity("TeamPIObjectives", tp_id, json!({"Effort": 50}))
        .unwrap();
    let pulled = pi_engine::pull(&ctx(&tp, &jane, 3), &ws_a, &PullOptions::default())
        .await
        .unwrap();
    assert_eq!(pulled.conflicts, vec![]);
    let history = objective_history(&ws_a, &id).unwrap();
    let newest = &history[0];
    assert!(
        matches!(newest.commit.who, Actor::Targetprocess { .. }),
        "{newest:#?}"
    );
    assert_eq!(newest.changes[0].fields[0].field, Field::Effort);

    // Comparing the first snapshot with now shows both planners' and TP's changes.
    let first = history.last().unwrap().commit.id.clone();
    let c = compare(&ws_a, &Rev::Git(first), &Rev::Working).unwrap();
    let changed: Vec<Field> = c.diff.entities[0].fields.iter().map(|f| f.field).collect();
    assert_eq!(changed, [Field::Description, Field::Effort]);
    assert!(c.diff.effort.team.objectives.delta() != 0.0);
}
