//! The account's workflows: the states Targetprocess has for team objectives and features, and
//! which status names validation and the status pickers accept.
//!
//! The names come, in this order, from `[statuses]` in `pi-planner.toml`, from the states read
//! from Targetprocess when the caller has them ([`Workflows`]), or — offline, with neither —
//! from the usual names of the demo workflows, which validation then treats as a hint (a
//! warning), not as the account's truth.

use serde::{Deserialize, Serialize};

use crate::config::StatusConfig;

/// States of the demo Targetprocess's team objective workflow.
pub const USUAL_OBJECTIVE_STATES: [&str; 5] =
    ["Pending", "Draft", "Accepted", "In Progress", "Done"];
/// States of the demo Targetprocess's feature workflow.
pub const USUAL_FEATURE_STATES: [&str; 5] =
    ["Funnel", "Analyzing", "Backlog", "Implementing", "Done"];

/// The kinds of plan items that carry a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusKind {
    Objective,
    Feature,
}

/// One state of a workflow, as Targetprocess lists it (`EntityStates`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowState {
    pub name: String,
    /// The process whose workflow it belongs to; an account may have several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// New items start here.
    #[serde(default)]
    pub initial: bool,
    /// Items here are finished.
    #[serde(default, rename = "final")]
    pub is_final: bool,
}

/// The states of the account's team objective and feature workflows, in Targetprocess's order
/// (by process, then by the state's position in its workflow), storable as JSON
/// ([`Workflows::to_json`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Workflows {
    pub objective: Vec<WorkflowState>,
    pub feature: Vec<WorkflowState>,
}

impl Workflows {
    pub fn states(&self, kind: StatusKind) -> &[WorkflowState] {
        match kind {
            StatusKind::Objective => &self.objective,
            StatusKind::Feature => &self.feature,
        }
    }

    /// The distinct state names of `kind` (compared case-insensitively), first spelling kept.
    pub fn names(&self, kind: StatusKind) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for state in self.states(kind) {
            if !out.iter().any(|n| n.eq_ignore_ascii_case(&state.name)) {
                out.push(state.name.clone());
            }
        }
        out
    }

    /// Pretty JSON with a final newline: stable bytes for the same states.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads [`Workflows::to_json`]'s output; the error says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text)
            .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
    }
}

/// Where a list of known statuses came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusSource {
    /// `[statuses]` in `pi-planner.toml`.
    Configured,
    /// The states read from Targetprocess.
    Account,
    /// Neither is known here: the usual names of the demo workflows, a hint only.
    Usual,
}

/// The status names of one kind and where they came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusList {
    pub names: Vec<String>,
    pub source: StatusSource,
}

impl StatusList {
    /// Whether `status` is one of the names (case-insensitive).
    pub fn contains(&self, status: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(status))
    }

    /// Whether a status outside the list is surely wrong (an error) or only unusual (a warning).
    pub fn is_authoritative(&self) -> bool {
        self.source != StatusSource::Usual
    }
}

/// The statuses validation and the pickers accept, per kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownStatuses {
    pub objective: StatusList,
    pub feature: StatusList,
}

impl KnownStatuses {
    /// `[statuses]` where configured, else the account's workflows where known (and not empty),
    /// else the usual names.
    pub fn resolve(config: &StatusConfig, workflows: Option<&Workflows>) -> Self {
        Self {
            objective: pick(
                config.objective.as_deref(),
                workflows,
                StatusKind::Objective,
            ),
            feature: pick(config.feature.as_deref(), workflows, StatusKind::Feature),
        }
    }

    pub fn of(&self, kind: StatusKind) -> &StatusList {
        match kind {
            StatusKind::Objective => &self.objective,
            StatusKind::Feature => &self.feature,
        }
    }
}

fn pick(
    configured: Option<&[String]>,
    workflows: Option<&Workflows>,
    kind: StatusKind,
) -> StatusList {
    if let Some(names) = configured {
        return StatusList {
            names: names.to_vec(),
            source: StatusSource::Configured,
        };
    }
    if let Some(names) = workflows.map(|w| w.names(kind)).filter(|n| !n.is_empty()) {
        return StatusList {
            names,
            source: StatusSource::Account,
        };
    }
    let usual: &[&str] = match kind {
        StatusKind::Objective => &USUAL_OBJECTIVE_STATES,
        StatusKind::Feature => &USUAL_FEATURE_STATES,
    };
    StatusList {
        names: usual.iter().map(|s| (*s).to_owned()).collect(),
        source: StatusSource::Usual,
    }
}

#[cfg(test)]
mod tests;
