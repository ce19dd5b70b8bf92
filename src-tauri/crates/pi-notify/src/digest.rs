//! The daily digest of a team's plan changes: the plan as it was at the start of the period and
//! as it is now, compared as before/after tables of objectives and features with their effort.

use chrono::NaiveDate;
use pi_model::{Effort, Plan};

use crate::event::PlanRef;

/// One row of a before/after table: a value absent on one side was added or removed.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The objective's name (for a feature: its objective's).
    pub objective: String,
    /// The feature's name; `None` in the objectives table.
    pub feature: Option<String>,
    pub before: Option<Side>,
    pub after: Option<Side>,
}

/// An item's values on one side.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub name: String,
    pub effort: Option<Effort>,
    pub status: Option<String>,
    /// Objectives only.
    pub committed: bool,
}

impl Row {
    /// `added`, `removed` or `changed`.
    pub fn change(&self) -> &'static str {
        match (&self.before, &self.after) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        }
    }
}

/// A team's plan changes over a period.
#[derive(Clone, Debug, PartialEq)]
pub struct Digest {
    pub plan: PlanRef,
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub objectives: Vec<Row>,
    pub features: Vec<Row>,
    /// Total objective effort before and after.
    pub total_before: f64,
    pub total_after: f64,
}

impl Digest {
    /// Compares `before` (the plan at the start of `since`) with `after`.
    pub fn between(before: &Plan, after: &Plan, since: NaiveDate, until: NaiveDate) -> Digest {
        let plan = PlanRef {
            art: after.art.name.clone(),
            release: after.release.name.clone(),
            team: after.team.name.clone(),
            plan: format!("{}/{}", after.release.name, after.team.name),
        };
        Digest {
            plan,
            since,
            until,
            objectives: objective_rows(before, after),
            features: feature_rows(before, after),
            total_before: total(before),
            total_after: total(after),
        }
    }

    /// Nothing changed in the period.
    pub fn is_empty(&self) -> bool {
        self.objectives.is_empty() && self.features.is_empty()
    }
}

fn total(plan: &Plan) -> f64 {
    plan.objectives
        .iter()
        .filter_map(|o| o.effort)
        .map(Effort::points)
        .sum()
}

fn objective_rows(before: &Plan, after: &Plan) -> Vec<Row> {
    let side = |o: &pi_model::TeamObjective| Side {
        name: o.name.clone(),
        effort: o.effort,
        status: o.status.clone(),
        committed: o.committed,
    };
    let old: Vec<_> = before
        .objectives
        .iter()
        .map(|o| (o.id.to_string(), side(o)))
        .collect();
    let new: Vec<_> = after
        .objectives
        .iter()
        .map(|o| (o.id.to_string(), side(o)))
        .collect();
    pair(&old, &new, |_| String::new())
        .into_iter()
        .map(|(_, b, a)| Row {
            objective: a
                .as_ref()
                .or(b.as_ref())
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            feature: None,
            before: b,
            after: a,
        })
        .collect()
}

fn feature_rows(before: &Plan, after: &Plan) -> Vec<Row> {
    let sides = |plan: &Plan| -> Vec<(String, (String, Side))> {
        plan.objectives
            .iter()
            .flat_map(|o| {
                o.features.iter().map(move |f| {
                    let side = Side {
                        name: f.name.clone(),
                        effort: f.effort,
                        status: f.status.clone(),
                        committed: false,
                    };
                    (f.id.to_string(), (o.name.clone(), side))
                })
            })
            .collect()
    };
    let (old, new) = (sides(before), sides(after));
    let strip = |v: &[(String, (String, Side))]| -> Vec<(String, Side)> {
        v.iter()
            .map(|(id, (_, s))| (id.clone(), s.clone()))
            .collect()
    };
    let objective_of = |id: &str| {
        new.iter()
            .chain(old.iter())
            .find(|(i, _)| i == id)
            .map(|(_, (o, _))| o.clone())
            .unwrap_or_default()
    };
    pair(&strip(&old), &strip(&new), objective_of)
        .into_iter()
        .map(|(objective, b, a)| Row {
            feature: a.as_ref().or(b.as_ref()).map(|s| s.name.clone()),
            objective,
            before: b,
            after: a,
        })
        .collect()
}

type Paired = (String, Option<Side>, Option<Side>);

/// Items by id on both sides: changed, then removed, each with its group (`group_of(id)`).
fn pair(
    old: &[(String, Side)],
    new: &[(String, Side)],
    group_of: impl Fn(&str) -> String,
) -> Vec<Paired> {
    let find =
        |v: &[(String, Side)], id: &str| v.iter().find(|(i, _)| i == id).map(|(_, s)| s.clone());
    let mut rows: Vec<Paired> = new
        .iter()
        .filter_map(|(id, after)| {
            let before = find(old, id);
            (before.as_ref() != Some(after)).then(|| (group_of(id), before, Some(after.clone())))
        })
        .collect();
    rows.extend(
        old.iter()
            .filter(|(id, _)| find(new, id).is_none())
            .map(|(id, before)| (group_of(id), Some(before.clone()), None)),
    );
    rows
}

/// An effort for a table cell: `5`, `2.5` or `–`.
pub fn effort_cell(e: Option<Effort>) -> String {
    e.map_or_else(|| "–".to_owned(), |e| e.to_string())
}

/// A number of points for a table cell.
pub fn points(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
