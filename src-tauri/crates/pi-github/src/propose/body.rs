//! The description of a review pull request: the plan as last pushed to Targetprocess (the
//! tracking branch) against the plan proposed (the working branch), as before/after tables of
//! the objectives — effort, committed or uncommitted — with the total per commitment and in all,
//! and of the features with their effort, each linked to Targetprocess and to its Jira epic.
//! Items are matched by id, never by name.

use pi_model::{EntityId, Feature, Plan, TeamObjective};
use pi_notify::{effort_cell, points};

/// The pull request's markdown description.
pub fn body(before: &Plan, after: &Plan, working: &str, tracking: &str) -> String {
    let mut out = format!(
        "## {} · {} — plan proposed for review\n\n\
         The team's plan on `{working}` compared with the plan as last pushed to Targetprocess \
         (`{tracking}`). Merging this pull request lets the next sync push it.\n\n",
        md(&after.team.name),
        md(&after.release.name),
    );
    out.push_str("### Objectives\n\n| Objective | Change | Effort before | Effort after | Committed before | Committed after |\n|---|---|---|---|---|---|\n");
    let mut rows = 0;
    for (b, a) in pairs(&before.objectives, &after.objectives, |o| &o.id) {
        let o = a
            .or(b)
            .map_or_else(String::new, |o| link(after, &o.id, &o.name));
        let change = change(b.map(obj_cells), a.map(obj_cells));
        let commit = |x: Option<&TeamObjective>| x.map_or("—", |o| committed(o.committed));
        out.push_str(&format!(
            "| {o} | {change} | {} | {} | {} | {} |\n",
            b.map_or("—".into(), |o| effort_cell(o.effort)),
            a.map_or("—".into(), |o| effort_cell(o.effort)),
            commit(b),
            commit(a),
        ));
        rows += 1;
    }
    if rows == 0 {
        out.push_str("| (none) | | | | | |\n");
    }
    out.push_str("\n| Effort | Before | After |\n|---|---|---|\n");
    for (label, pick) in [
        ("Committed", Some(true)),
        ("Uncommitted", Some(false)),
        ("Total", None),
    ] {
        out.push_str(&format!(
            "| {label} | {} | {} |\n",
            points(total(before, pick)),
            points(total(after, pick))
        ));
    }
    out.push_str("\n### Features\n\n| Feature | Objective | Change | Effort before | Effort after | Jira |\n|---|---|---|---|---|---|\n");
    let features = |p: &Plan| -> Vec<(String, Feature)> {
        p.objectives
            .iter()
            .flat_map(|o| o.features.iter().map(|f| (o.name.clone(), f.clone())))
            .collect()
    };
    let (old, new) = (features(before), features(after));
    let mut rows = 0;
    for (b, a) in pairs(&old, &new, |(_, f)| &f.id) {
        let Some((objective, f)) = a.or(b) else {
            continue;
        };
        let change = change(
            b.map(|(o, f)| feat_cells(o, f)),
            a.map(|(o, f)| feat_cells(o, f)),
        );
        let jira = f.jira.as_ref().map_or(String::new(), |j| {
            match j.browse_url(after.meta.jira_url.as_deref()) {
                Some(url) => format!("[{}]({url})", md(&j.key)),
                None => md(&j.key),
            }
        });
        out.push_str(&format!(
            "| {} | {} | {change} | {} | {} | {jira} |\n",
            link(after, &f.id, &f.name),
            md(objective),
            b.map_or("—".into(), |(_, f)| effort_cell(f.effort)),
            a.map_or("—".into(), |(_, f)| effort_cell(f.effort)),
        ));
        rows += 1;
    }
    if rows == 0 {
        out.push_str("| (none) | | | | | |\n");
    }
    out.push_str(
        "\n<sub>Opened by `tpcli plan propose`; proposing again updates this description.</sub>\n",
    );
    out
}

/// Every item of `before` and `after` by id, in the order of `after` then the removed ones.
fn pairs<'a, T>(
    before: &'a [T],
    after: &'a [T],
    id: impl Fn(&T) -> &EntityId,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    let mut out: Vec<_> = after
        .iter()
        .map(|a| (before.iter().find(|b| id(b) == id(a)), Some(a)))
        .collect();
    out.extend(
        before
            .iter()
            .filter(|b| !after.iter().any(|a| id(a) == id(b)))
            .map(|b| (Some(b), None)),
    );
    out
}

fn obj_cells(o: &TeamObjective) -> String {
    format!("{}|{:?}|{}|{:?}", o.name, o.effort, o.committed, o.status)
}

fn feat_cells(objective: &str, f: &Feature) -> String {
    format!("{objective}|{}|{:?}|{:?}", f.name, f.effort, f.status)
}

fn change(before: Option<String>, after: Option<String>) -> &'static str {
    match (before, after) {
        (None, _) => "added",
        (_, None) => "removed",
        (Some(b), Some(a)) if a != b => "changed",
        _ => "",
    }
}

fn committed(c: bool) -> &'static str {
    if c { "committed" } else { "uncommitted" }
}

fn total(plan: &Plan, committed: Option<bool>) -> f64 {
    plan.objectives
        .iter()
        .filter(|o| committed.is_none_or(|c| o.committed == c))
        .filter_map(|o| o.effort)
        .map(pi_model::Effort::points)
        .sum()
}

/// The item's name, linked to it in Targetprocess when it has a Targetprocess id and the plan
/// knows its account.
fn link(plan: &Plan, id: &EntityId, name: &str) -> String {
    match (id.tp(), plan.meta.tp_url.as_deref()) {
        (Some(n), Some(tp)) => format!("[{}]({}/entity/{n})", md(name), tp.trim_end_matches('/')),
        _ => md(name),
    }
}

/// Text safe in a markdown table cell.
fn md(text: &str) -> String {
    pi_reports::report::md_escape(text).replace('\n', " ")
}
