//! The invariants checked after a load run (see the module documentation of `load`).

use super::run::{LoadSummary, percentile};
use super::*;

/// Every check of the module documentation; returns the numbers.
#[allow(clippy::too_many_arguments)]
pub(super) async fn check(
    sim: &RunningSim,
    tp: &TpClient,
    planners: &[Planner],
    layout: &Layout,
    initial: &HashMap<i64, Option<f64>>,
    tp_edits: &[(i64, f64)],
    root: &Path,
) -> LoadSummary {
    // Targetprocess's final state.
    let first = &planners[0].ws;
    let base = first.base().unwrap();
    let (release, team) = (base.plan.release.id.unwrap(), base.plan.team.id.unwrap());
    let remote = tp.fetch_team_plan(release, team).await.unwrap().plan;
    let final_effort: HashMap<i64, Option<f64>> = remote
        .objectives
        .iter()
        .map(|o| (o.id.tp().unwrap(), o.effort.map(Effort::points)))
        .collect();

    let mut violations: Vec<String> = planners
        .iter()
        .flat_map(|p| p.ledger.violations.clone())
        .collect();
    // Every clone holds Targetprocess's plan and the same operation log.
    let logs: Vec<Vec<OpEntry>> = planners
        .iter()
        .map(|p| pi_engine::oplog::entries(&p.ws.repo, &p.ws.names.oplog_ref()).unwrap())
        .collect();
    let ids = |log: &[OpEntry]| log.iter().map(|e| e.id.clone()).collect::<BTreeSet<_>>();
    for (p, log) in planners.iter().zip(&logs) {
        let local = p.ws.local().unwrap();
        let mine: HashMap<i64, Option<f64>> = local
            .objectives
            .iter()
            .filter_map(|o| Some((o.id.tp()?, o.effort.map(Effort::points))))
            .collect();
        if mine != final_effort {
            let differ = final_effort
                .iter()
                .filter(|(id, v)| mine.get(*id) != Some(*v))
                .count();
            violations.push(format!(
                "planner {}'s plan differs from Targetprocess in {differ} objectives",
                p.user
            ));
        }
        let unpushed = local
            .objectives
            .iter()
            .filter(|o| o.id.tp().is_none())
            .count();
        if unpushed > 0 {
            violations.push(format!(
                "planner {}: {unpushed} created objectives have no Targetprocess id",
                p.user
            ));
        }
        if ids(log) != ids(&logs[0]) {
            violations.push(format!(
                "planner {}'s operation log differs from planner {}'s",
                p.user, planners[0].user
            ));
        }
    }
    let log = &logs[0];
    let pushed: Vec<&pi_engine::oplog::FieldWrite> = log
        .iter()
        .filter(|e| e.kind == OpKind::Push)
        .flat_map(|e| &e.writes)
        .filter(|w| w.field == Some(Field::Effort))
        .collect();
    let pushed_values: HashMap<i64, BTreeSet<u64>> =
        pushed.iter().fold(HashMap::new(), |mut m, w| {
            if let (Some(id), Some(v)) = (w.entity.tp(), effort_value(&w.after)) {
                m.entry(id).or_default().insert(v.to_bits());
            }
            m
        });

    // Every edit reached Targetprocess or was shown to its author as a side of a conflict.
    let shown_to = |user: usize, id: i64, v: f64| {
        planners[user].ledger.conflicts.iter().any(|c| {
            c.entity == EntityId::Tp(id)
                && c.field == Some(Field::Effort)
                && (effort_value(&c.local) == Some(v) || effort_value(&c.remote) == Some(v))
        })
    };
    let (mut reached, mut conflicted) = (0, 0);
    let (mut lost, mut elsewhere) = (Vec::new(), Vec::new());
    for (user, p) in planners.iter().enumerate() {
        for e in &p.ledger.edits {
            if pushed_values
                .get(&e.objective)
                .is_some_and(|s| s.contains(&e.value.to_bits()))
            {
                reached += 1;
            } else if shown_to(user, e.objective, e.value) {
                conflicted += 1;
            } else if let Some(other) =
                (0..planners.len()).find(|u| shown_to(*u, e.objective, e.value))
            {
                elsewhere.push((user, other, e.clone()));
            } else {
                lost.push((user, e.clone()));
            }
        }
    }
    if !lost.is_empty() {
        violations.push(format!(
            "{} edits neither in Targetprocess nor shown as a conflict (planner, edit): {lost:?}",
            lost.len()
        ));
    }
    if !elsewhere.is_empty() {
        violations.push(format!(
            "{} edits kept out of Targetprocess by a conflict shown only to another planner (author, shown to, edit): {elsewhere:?}",
            elsewhere.len()
        ));
    }

    // Conflicts shown to a planner who wrote neither side (a teammate's edit against a
    // Targetprocess user's, met while integrating the teammate's plan).
    let mine: Vec<BTreeSet<u64>> = planners
        .iter()
        .map(|p| p.ledger.edits.iter().map(|e| e.value.to_bits()).collect())
        .collect();
    let bystander = planners
        .iter()
        .enumerate()
        .flat_map(|(u, p)| p.ledger.conflicts.iter().map(move |c| (u, c)))
        .filter(|(u, c)| {
            c.field == Some(Field::Effort)
                && ![&c.local, &c.remote]
                    .iter()
                    .any(|v| effort_value(v).is_some_and(|v| mine[*u].contains(&v.to_bits())))
        })
        .count();

    // No lost update on objectives only planners edit: per objective the pushed efforts form one
    // chain from the initial value to Targetprocess's value.
    let contested: BTreeSet<i64> = layout.contested().iter().copied().collect();
    // Each push counts once, as often as it happened: the same step taken twice (a value put
    // back by a planner keeping theirs in a conflict, then overwritten the same way again) is
    // two steps of the walk, not one. `pushed` comes from one log, whose entries are distinct.
    let mut edges: BTreeMap<i64, BTreeMap<(u64, u64), usize>> = BTreeMap::new();
    for w in &pushed {
        let Some(id) = w.entity.tp() else { continue };
        if contested.contains(&id) || !initial.contains_key(&id) {
            continue;
        }
        let bits = |v: &FieldValue| effort_value(v).map_or(u64::MAX, f64::to_bits);
        *edges
            .entry(id)
            .or_default()
            .entry((bits(&w.before), bits(&w.after)))
            .or_default() += 1;
    }
    for (id, edges) in &edges {
        // Targetprocess's efforts over time are a walk from the initial value to the final
        // one; each push is one step, overwriting the value it had seen. A push over a value
        // Targetprocess held only once, that another push had already overwritten, leaves more
        // steps out of that value than into it.
        let start = initial[id].map_or(u64::MAX, f64::to_bits);
        let end = final_effort[id].map_or(u64::MAX, f64::to_bits);
        let unbalanced = unbalanced(start, end, edges);
        let show = |v: u64| {
            if v == u64::MAX {
                "none".to_owned()
            } else {
                f64::from_bits(v).to_string()
            }
        };
        let unbalanced: Vec<String> = unbalanced
            .iter()
            .map(|(v, n)| format!("{}: {n:+}", show(*v)))
            .collect();
        let pushes: Vec<String> = edges
            .iter()
            .map(|((b, a), times)| match times {
                1 => format!("{} → {}", show(*b), show(*a)),
                n => format!("{} → {} (×{n})", show(*b), show(*a)),
            })
            .collect();
        if !unbalanced.is_empty() {
            violations.push(format!(
                "objective {id}: the pushes of its effort are no single history from {} to {} (a lost update); unbalanced values {unbalanced:?}, pushes {pushes:?}",
                show(start),
                show(end)
            ));
        }
    }

    // Every created objective is in Targetprocess exactly once.
    let mut names: HashMap<&str, usize> = HashMap::new();
    for o in &remote.objectives {
        *names.entry(o.name.as_str()).or_default() += 1;
    }
    let created: Vec<&String> = planners.iter().flat_map(|p| &p.ledger.created).collect();
    for name in &created {
        let n = names.get(name.as_str()).copied().unwrap_or(0);
        if n != 1 {
            violations.push(format!("\"{name}\" is in Targetprocess {n} times"));
        }
    }
    let objectives = sim.control().count("TeamPIObjectives");
    if objectives != layout.ids.len() + created.len() {
        violations.push(format!(
            "Targetprocess holds {objectives} objectives, expected {} + {} created",
            layout.ids.len(),
            created.len()
        ));
    }

    for p in planners {
        fsck(p.ws.repo.git_dir().parent().unwrap());
    }
    fsck(&root.join("shared.git"));

    let all = |f: fn(&Ledger) -> &Vec<Duration>| -> Vec<Duration> {
        planners.iter().flat_map(|p| f(&p.ledger).clone()).collect()
    };
    let sum = |f: fn(&Ledger) -> usize| -> usize { planners.iter().map(|p| f(&p.ledger)).sum() };
    let (pushes, pulls) = (all(|l| &l.push_times), all(|l| &l.pull_times));
    LoadSummary {
        users: planners.len(),
        load_wall: Duration::ZERO,
        operations: sum(|l| l.operations),
        edits: sum(|l| l.edits.len()),
        created: created.len(),
        pushes: sum(|l| l.pushes),
        pulls: sum(|l| l.pulls),
        conflicts: sum(|l| l.conflicts.len()),
        retries: sum(|l| l.retries),
        errors: sum(|l| l.errors.len()),
        reached_tp: reached,
        shown_as_conflict: conflicted,
        bystander_conflicts: bystander,
        violations,
        tp_user_edits: tp_edits.len(),
        push_p50: percentile(&pushes, 50),
        push_p95: percentile(&pushes, 95),
        pull_p50: percentile(&pulls, 50),
        pull_p95: percentile(&pulls, 95),
    }
}

/// The values a walk from `start` to `end` through `steps` (before → after, and how many times
/// each was taken) leaves more often than it reaches, or the reverse, with the difference: none
/// when the steps make one history.
fn unbalanced(start: u64, end: u64, steps: &BTreeMap<(u64, u64), usize>) -> Vec<(u64, i64)> {
    let mut balance: BTreeMap<u64, i64> = BTreeMap::new();
    for ((before, after), times) in steps {
        let times = i64::try_from(*times).unwrap_or(i64::MAX);
        *balance.entry(*before).or_default() += times;
        *balance.entry(*after).or_default() -= times;
    }
    *balance.entry(start).or_default() -= 1;
    *balance.entry(end).or_default() += 1;
    balance.into_iter().filter(|(_, n)| *n != 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(list: &[(u64, u64)]) -> BTreeMap<(u64, u64), usize> {
        let mut out = BTreeMap::new();
        for step in list {
            *out.entry(*step).or_default() += 1;
        }
        out
    }

    /// A value put back by a planner keeping theirs in a conflict, then overwritten the same
    /// way again, is one history: the step taken twice counts twice.
    #[test]
    fn the_same_step_taken_twice_is_one_history() {
        let history = steps(&[(3, 100), (100, 110), (110, 190), (190, 100), (100, 110)]);
        assert_eq!(unbalanced(3, 110, &history), vec![]);
    }

    /// A push over a value another push had already overwritten is a lost update, even when it
    /// writes what is there.
    #[test]
    fn a_push_over_a_value_already_overwritten_is_a_lost_update() {
        let lost = steps(&[(3, 100), (3, 110)]);
        assert_eq!(unbalanced(3, 110, &lost), vec![(3, 1), (100, -1)]);
        let stale_twice = steps(&[(3, 100), (100, 110), (100, 110)]);
        assert_eq!(unbalanced(3, 110, &stale_twice), vec![(100, 1), (110, -1)]);
    }
}
