//! The account's workflows: `EntityStates`, each with its entity type and process, read whole
//! (the default representation carries both) and kept for the team objective and feature types,
//! ordered by process and then by the state's position in its workflow.

use pi_model::{StatusKind, TpSchema, WorkflowState, Workflows};
use serde::Deserialize;

use crate::client::TpClient;
use crate::error::TpError;
use crate::query::Query;

use super::{Finding, FindingSource};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StateWire {
    name: Option<String>,
    #[serde(default)]
    numeric_priority: Option<f64>,
    #[serde(default)]
    is_initial: Option<bool>,
    #[serde(default)]
    is_final: Option<bool>,
    #[serde(default)]
    entity_type: Option<Named>,
    #[serde(default)]
    process: Option<Named>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Named {
    #[serde(default)]
    name: Option<String>,
}

/// Reads the states of `schema`'s team objective type and of features.
pub(super) async fn read(client: &TpClient, schema: &TpSchema) -> Result<Workflows, TpError> {
    let query = Query::new("EntityStates").order_by("Id");
    let states: Vec<StateWire> = client.all(&query).await?;
    let objective_type = crate::query_type_name(&schema.team_objective_resource);
    Ok(Workflows {
        objective: of_type(&states, &objective_type),
        feature: of_type(&states, "Feature"),
    })
}

fn of_type(states: &[StateWire], entity_type: &str) -> Vec<WorkflowState> {
    let mut mine: Vec<(&StateWire, WorkflowState)> = states
        .iter()
        .filter(|s| {
            let ty = s.entity_type.as_ref().and_then(|t| t.name.as_deref());
            ty.is_some_and(|t| t.eq_ignore_ascii_case(entity_type))
        })
        .filter_map(|s| {
            let name = super::clean(s.name.as_deref()?);
            (!name.is_empty()).then(|| {
                let state = WorkflowState {
                    name,
                    process: s.process.as_ref().and_then(|p| p.name.clone()),
                    initial: s.is_initial.unwrap_or(false),
                    is_final: s.is_final.unwrap_or(false),
                };
                (s, state)
            })
        })
        .collect();
    mine.sort_by(|(a, x), (b, y)| {
        let rank = |s: &StateWire| s.numeric_priority.unwrap_or(f64::MAX);
        x.process.cmp(&y.process).then(rank(a).total_cmp(&rank(b)))
    });
    mine.into_iter().map(|(_, s)| s).collect()
}

/// One finding per workflow: its states, or that none were read.
pub(super) fn findings(workflows: &Workflows, schema: &TpSchema) -> Vec<Finding> {
    let kinds = [
        (
            StatusKind::Objective,
            "team objectives",
            crate::query_type_name(&schema.team_objective_resource),
        ),
        (StatusKind::Feature, "features", "Feature".to_owned()),
    ];
    kinds
        .into_iter()
        .map(|(kind, what, ty)| {
            let states = workflows.states(kind);
            let (source, message) = if states.is_empty() {
                (
                    FindingSource::NotFound,
                    format!("{what}: the account lists no states for {ty}; statuses are checked against [statuses] or, without it, only warned about"),
                )
            } else {
                (FindingSource::States, format!("{what} move through: {}", describe(states)))
            };
            Finding { key: None, source, message }
        })
        .collect()
}

/// `Pending → Done` per process: `Funnel, Done (process "SAFe"); Open, Closed (process "Kanban")`.
fn describe(states: &[WorkflowState]) -> String {
    let mut parts: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    for s in states {
        match parts.last_mut() {
            Some((p, names)) if *p == s.process.as_deref() => names.push(&s.name),
            _ => parts.push((s.process.as_deref(), vec![&s.name])),
        }
    }
    let many = parts.len() > 1;
    parts
        .into_iter()
        .map(|(process, names)| match process {
            Some(p) if many => format!("{} (process \"{p}\")", names.join(", ")),
            _ => names.join(", "),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(name: &str, ty: &str, process: &str, rank: f64) -> StateWire {
        StateWire {
            name: Some(name.into()),
            numeric_priority: Some(rank),
            is_initial: Some(rank == 1.0),
            is_final: None,
            entity_type: Some(Named {
                name: Some(ty.into()),
            }),
            process: Some(Named {
                name: Some(process.into()),
            }),
        }
    }

    #[test]
    fn states_of_a_type_by_process_then_rank() {
        let states = [
            wire("Done", "Feature", "SAFe", 3.0),
            wire("Open", "Bug", "SAFe", 1.0),
            wire("Funnel", "Feature", "SAFe", 1.0),
            wire("Planned", "Feature", "Kanban", 1.0),
        ];
        let got = of_type(&states, "feature");
        let names: Vec<&str> = got.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["Planned", "Funnel", "Done"]);
        assert!(got[0].initial);
        assert_eq!(
            describe(&got),
            "Planned (process \"Kanban\"); Funnel, Done (process \"SAFe\")"
        );
    }
}
