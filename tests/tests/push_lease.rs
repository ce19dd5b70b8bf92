//! Two clones of one shared plan push the same field at the same moment. Targetprocess has no
//! conditional update, so without the push lease both re-reads would pass and the later write
//! would replace the earlier one unseen; with it they take turns, and the second push finds the
//! first one's value and reports the conflict instead of overwriting it.

#![allow(clippy::unwrap_used)]

use pi_engine::PushOutcome;
use pi_model::Effort;
use pi_scenarios::*;

#[tokio::test]
async fn two_pushes_of_one_field_at_the_same_moment_never_overwrite_each_other_unseen() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    let id = ws_a.local().unwrap().objectives[0].id.tp().unwrap();
    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(11.0));
    edit_plan(&ws_b, |p| p.objectives[0].effort = Effort::new(22.0));
    let (out_a, out_b) = push_both_at_once(&tp, &ws_a, &ws_b).await;
    let (out_a, out_b) = (out_a.unwrap(), out_b.unwrap());
    let (won, lost) = match (&out_a, &out_b) {
        (PushOutcome::Pushed(_), PushOutcome::Blocked { conflicts: 1 }) => (11.0, 22.0),
        (PushOutcome::Blocked { conflicts: 1 }, PushOutcome::Pushed(_)) => (22.0, 11.0),
        other => panic!("one push lands, the other meets it as a conflict: {other:?}"),
    };
    assert_eq!(effort_in_tp(&tp, id), won);
    // The planner whose push waited still has their value, and the conflict names both.
    let blocked = if won == 11.0 { &ws_b } else { &ws_a };
    let o = blocked.local().unwrap().objectives[0].clone();
    assert_eq!(o.effort, Effort::new(lost));
    let status = pi_engine::status(None, blocked).await.unwrap();
    assert_eq!(status.conflicts.len(), 1, "{status:?}");
}
