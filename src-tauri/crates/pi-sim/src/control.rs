//! [`SimControl`]: in-process control of a running simulator with the same powers as the
//! `/_sim/` HTTP API — faults, request log, reset, direct edits as "another planner", reads,
//! counts and state snapshots.
//!
//! Edits go through the same validation as the TP API, so they cannot create states the API
//! could not.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::config::Faults;
use crate::editor;
use crate::ops::{self, OpError};
use crate::reqlog::LoggedRequest;
use crate::shared::{Shared, lock};
use crate::{SimError, persist};

/// Why a control call failed.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("unknown resource type '{0}'")]
    UnknownResource(String),
    #[error("{0}")]
    NotFound(String),
    #[error("rejected: {0}")]
    Invalid(String),
    #[error(transparent)]
    State(#[from] SimError),
}

impl From<OpError> for ControlError {
    fn from(e: OpError) -> Self {
        if e.status == 404 {
            Self::NotFound(e.message)
        } else {
            Self::Invalid(e.message)
        }
    }
}

/// Cheap to clone; every clone controls the same simulator.
#[derive(Clone, Debug)]
pub struct SimControl {
    shared: Arc<Shared>,
}

impl SimControl {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Replaces the fault settings (the rate-limit bucket starts full, drop counting restarts).
    pub fn set_faults(&self, f: Faults) {
        lock(&self.shared.faults).set(f, Instant::now());
    }

    pub fn faults(&self) -> Faults {
        lock(&self.shared.faults).faults.clone()
    }

    /// Every request so far, oldest first, with tokens redacted.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Adds a refusal rule: matching API writes are refused with its status (see [`Refusal`]).
    pub fn refuse(&self, rule: crate::Refusal) {
        lock(&self.shared.refusals).push(rule);
    }

    /// The refusal rules still in force.
    pub fn refusals(&self) -> Vec<crate::Refusal> {
        lock(&self.shared.refusals).clone()
    }

    /// Lifts every refusal rule.
    pub fn clear_refusals(&self) {
        lock(&self.shared.refusals).clear();
    }

    pub fn clear_request_log(&self) {
        lock(&self.shared.log).clear();
        lock(&self.shared.jira_log).clear();
        lock(&self.shared.unchanged_writes).clear();
    }

    /// API updates that sent a field the value it already held, oldest first (cleared with the
    /// request log); control and mutator edits are not counted.
    pub fn unchanged_writes(&self) -> Vec<crate::UnchangedWrite> {
        lock(&self.shared.unchanged_writes).clone()
    }

    /// Every request to a Jira route so far, with headers (no credentials) and JSON body.
    pub fn jira_requests(&self) -> Vec<crate::JiraRequest> {
        lock(&self.shared.jira_log).clone()
    }

    /// Back to the seeded data (or the configured data file).
    pub fn reset(&self) -> Result<(), ControlError> {
        Ok(self.shared.reset()?)
    }

    /// Edits an entity as another planner would through the API (wire field names, references as
    /// `{"Id": n}`); bumps `ModifyDate` and `EntityVersion`. Returns the new wire JSON.
    ///
    /// The edit's `LastEditor` is `fields["LastEditor"]` (`{"Id": n}`, must be a user) when
    /// given, else the user with login [`CONTROL_EDITOR_LOGIN`](crate::CONTROL_EDITOR_LOGIN).
    pub fn update_entity(
        &self,
        resource: &str,
        id: i64,
        mut fields: Value,
    ) -> Result<Value, ControlError> {
        let ty = self.ty(resource)?;
        let by = editor::control_editor(&lock(&self.shared.world).tp, &mut fields)
            .map_err(ControlError::Invalid)?;
        ops::update(&self.shared, ty, id, &fields, by)?;
        Ok(ops::get(&self.shared, ty, id, None)?)
    }

    /// Writes a hostile value into `Name` or `Description` of an entity as another planner
    /// (see [`SimControl::update_entity`]): the name `pick` selects from the hostile corpus,
    /// built around the entity's current name, or the description it selects. Returns the new
    /// wire JSON.
    pub fn set_hostile(
        &self,
        resource: &str,
        id: i64,
        field: &str,
        pick: u64,
    ) -> Result<Value, ControlError> {
        let value = match field {
            "Name" => {
                let current = self
                    .get_entity(resource, id)
                    .ok_or_else(|| ControlError::NotFound(format!("{resource} {id} not found")))?;
                crate::hostile::name(pick, current["Name"].as_str().unwrap_or_default())
            }
            "Description" => crate::hostile::description(pick),
            other => {
                return Err(ControlError::Invalid(format!(
                    "hostile values go into Name or Description, not {other:?}"
                )));
            }
        };
        self.update_entity(resource, id, serde_json::json!({ field: value }))
    }

    /// One entity as the API serves it (default fields), or `None`.
    pub fn get_entity(&self, resource: &str, id: i64) -> Option<Value> {
        let ty = self.shared.schema.resolve(resource)?;
        ops::get(&self.shared, ty, id, None).ok()
    }

    /// The id of the seeded user with this login (e.g. [`TOKEN_USER_LOGIN`](crate::TOKEN_USER_LOGIN)).
    pub fn user_id(&self, login: &str) -> Option<i64> {
        editor::user_by_login(&lock(&self.shared.world).tp, login)
    }

    /// Number of entities of a resource type (0 for an unknown type).
    pub fn count(&self, resource: &str) -> usize {
        self.shared
            .schema
            .resolve(resource)
            .map_or(0, |ty| lock(&self.shared.world).tp.count(&ty.resource_type))
    }

    /// Ids of all entities of a resource type, ascending.
    pub fn ids(&self, resource: &str) -> Vec<i64> {
        let Some(ty) = self.shared.schema.resolve(resource) else {
            return Vec::new();
        };
        lock(&self.shared.world)
            .tp
            .all(&ty.resource_type)
            .map(|(id, _)| *id)
            .collect()
    }

    /// The whole state (TP and Jira data) as JSON, loadable with `DataSource::File`.
    pub fn snapshot(&self) -> Value {
        serde_json::to_value(&*lock(&self.shared.world)).unwrap_or(Value::Null)
    }

    /// Writes the state to a file atomically.
    pub fn save(&self, path: &Path) -> Result<(), SimError> {
        let world = lock(&self.shared.world).clone();
        persist::save(path, &world)
    }

    /// Saves to the configured state file; `Ok(false)` when none is configured.
    pub fn save_state_file(&self) -> Result<bool, SimError> {
        match &self.shared.state_file {
            Some(path) => self.save(path).map(|()| true),
            None => Ok(false),
        }
    }

    fn ty(&self, resource: &str) -> Result<&crate::schema::TypeDef, ControlError> {
        self.shared
            .schema
            .resolve(resource)
            .ok_or_else(|| ControlError::UnknownResource(resource.to_owned()))
    }
}
