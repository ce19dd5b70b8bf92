//! The editor's side of the session: the account's users kept with the plan (for the owner
//! fields and the save check), the checks a save makes before it writes anything, and what
//! "Undo last save" would undo.
//!
//! A save refuses what a push could not send: an objective or feature without a name, an empty
//! acceptance criterion, a negative effort, and an owner who is not a Targetprocess user (only
//! where the planner set or changed the owner, so a plan whose Targetprocess data names a former
//! user can still be saved).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pi_model::diff::{EntityDiff, FieldDiff, Presence};
use pi_model::merge::{EntityKind, FieldValue};
use pi_model::{EntityId, Field, Plan};
use pi_targetprocess::{OwnerError, TpClient, User, find_owner};

use super::sync::blocking;
use super::{Inner, Session, plan_path, read_plan, workspace_of};
use crate::dto::{UndoPreviewDto, UserDto};
use crate::error::{ErrorCode, UiError, file_error};
use crate::files::write_atomic;

/// The users' file in the plan's local state folder (not shared with teammates).
const USERS_FILE: &str = "users.json";

impl Session {
    /// The Targetprocess users an owner may be, from the plan's cache (read from Targetprocess
    /// when the plan has none yet).
    pub async fn users(&self) -> Result<Vec<UserDto>, UiError> {
        let mut inner = self.inner.lock().await;
        let path = plan_path(&inner.settings)?;
        if let Some(users) = kept_users(&path).await {
            return Ok(users);
        }
        let client = self.client(&mut inner).await?;
        refresh_users(&client, &path).await
    }

    /// What the last save changed (what "Undo last save" puts back); no lines when there is
    /// nothing to undo.
    pub async fn undo_preview(&self) -> Result<UndoPreviewDto, UiError> {
        let inner = self.inner.lock().await;
        let path = plan_path(&inner.settings)?;
        let Some(before) = inner.undo.last() else {
            return Ok(UndoPreviewDto { changes: vec![] });
        };
        let now = read_plan(&path)?;
        let changes = match (parsed(before), parsed(&now)) {
            (Some(before), Some(now)) => describe(&before, &now),
            _ => vec!["the plan file as it was before".to_owned()],
        };
        Ok(UndoPreviewDto { changes })
    }

    /// The users a save checks owners against: the cache, else a fresh read; `None` when
    /// Targetprocess cannot be asked (the push checks owners then).
    pub(super) async fn users_for_save(
        &self,
        inner: &mut Inner,
        plan_file: &Path,
    ) -> Option<Vec<UserDto>> {
        if let Some(users) = kept_users(plan_file).await {
            return Some(users);
        }
        let client = self.client(inner).await.ok()?;
        refresh_users(&client, plan_file).await.ok()
    }
}

/// Reads the account's users from Targetprocess and keeps them with the plan.
pub(super) async fn refresh_users(
    client: &TpClient,
    plan_file: &Path,
) -> Result<Vec<UserDto>, UiError> {
    let mut users: Vec<UserDto> = client
        .list_users()
        .await?
        .into_iter()
        .filter(|u| !u.name.trim().is_empty())
        .map(|u| UserDto {
            name: u.name,
            login: u.login,
        })
        .collect();
    users.sort_by_key(|u| u.name.to_lowercase());
    let text = serde_json::to_string_pretty(&users).unwrap_or_default();
    let plan_file = plan_file.to_path_buf();
    blocking(move |_| {
        if let Some(file) = users_file(&plan_file) {
            write_atomic(&file, &text)
                .map_err(|e| file_error("the list of Targetprocess users", &e))?;
        }
        Ok(())
    })
    .await?;
    Ok(users)
}

/// Refreshes the cached users, keeping the old list when Targetprocess cannot be read.
pub(super) async fn refresh_users_quietly(client: &TpClient, plan_file: &Path) {
    if let Err(e) = refresh_users(client, plan_file).await {
        tracing::info!(
            "the list of Targetprocess users was not refreshed: {}",
            e.message
        );
    }
}

/// Where the users are kept: the plan's local state folder, found through its git repository
/// (call it on a blocking thread).
fn users_file(plan_file: &Path) -> Option<PathBuf> {
    let dir = workspace_of(plan_file).ok()?.local_dir().ok()?;
    Some(dir.join(USERS_FILE))
}

/// [`cached_users`] on a blocking thread (decision 0016).
async fn kept_users(plan_file: &Path) -> Option<Vec<UserDto>> {
    let plan_file = plan_file.to_path_buf();
    blocking(move |_| Ok(cached_users(&plan_file)))
        .await
        .ok()
        .flatten()
}

pub(super) fn cached_users(plan_file: &Path) -> Option<Vec<UserDto>> {
    let text = std::fs::read_to_string(users_file(plan_file)?).ok()?;
    serde_json::from_str(&text).ok()
}

fn parsed(text: &str) -> Option<Plan> {
    pi_format::parse(text).ok().map(|p| p.plan)
}

/// The plan a save would write, refused when a push could not send it. `before` is the plan
/// on disk (when it reads); `users` the account's users, when known.
pub(super) fn check_save(
    before: Option<&Plan>,
    after: &Plan,
    users: Option<&[UserDto]>,
) -> Result<(), UiError> {
    let mut owners_before: HashMap<&EntityId, Option<&str>> = HashMap::new();
    for o in before.map(|p| p.objectives.as_slice()).unwrap_or_default() {
        owners_before.insert(&o.id, o.owner.as_deref());
        for f in &o.features {
            owners_before.insert(&f.id, f.owner.as_deref());
        }
    }
    let users: Option<Vec<User>> = users.map(|list| {
        list.iter()
            .map(|u| User {
                id: 0,
                name: u.name.clone(),
                login: u.login.clone(),
            })
            .collect()
    });
    let owner_ok = |id: &EntityId, owner: Option<&str>, what: &str| -> Result<(), UiError> {
        let (Some(owner), Some(users)) = (owner, users.as_deref()) else {
            return Ok(());
        };
        if owners_before.get(id).copied().flatten() == Some(owner) {
            return Ok(());
        }
        match find_owner(users, owner) {
            Ok(_) => Ok(()),
            Err(OwnerError::Unknown(_)) => Err(UiError::new(
                ErrorCode::UnknownOwner,
                format!("The owner of {what} is not a Targetprocess user: {owner}."),
            )
            .hint("Pick the owner from the list of Targetprocess users.")),
            Err(OwnerError::Ambiguous { count, .. }) => Err(UiError::new(
                ErrorCode::UnknownOwner,
                format!("{count} Targetprocess users are called {owner} ({what})."),
            )
            .hint("Pick the owner from the list of Targetprocess users.")),
        }
    };
    for (oi, o) in after.objectives.iter().enumerate() {
        let what = if o.name.trim().is_empty() {
            format!("objective {}", oi + 1)
        } else {
            format!("objective \"{}\"", o.name)
        };
        if o.name.trim().is_empty() {
            return Err(invalid(
                format!("Objective {} has no name.", oi + 1),
                "Give it a name, or remove it.",
            ));
        }
        negative_effort(o.effort, &what)?;
        owner_ok(&o.id, o.owner.as_deref(), &what)?;
        for (fi, f) in o.features.iter().enumerate() {
            if f.name.trim().is_empty() {
                return Err(invalid(
                    format!("Feature {} of {what} has no name.", fi + 1),
                    "Give it a name, or remove it.",
                ));
            }
            let what = format!("feature \"{}\"", f.name);
            negative_effort(f.effort, &what)?;
            owner_ok(&f.id, f.owner.as_deref(), &what)?;
            if let Some(n) = f
                .acceptance_criteria
                .iter()
                .position(|c| c.text.trim().is_empty())
            {
                return Err(invalid(
                    format!("Acceptance criterion {} of {what} is empty.", n + 1),
                    "Write the criterion, or remove it.",
                ));
            }
        }
    }
    Ok(())
}

fn negative_effort(effort: Option<pi_model::Effort>, what: &str) -> Result<(), UiError> {
    match effort {
        Some(e) if e.points() < 0.0 => Err(invalid(
            format!("The effort of {what} is negative."),
            "Enter the effort as points, 0 or more.",
        )),
        _ => Ok(()),
    }
}

fn invalid(message: String, hint: &str) -> UiError {
    UiError::new(ErrorCode::InvalidInput, message).hint(hint)
}

/// What changed from `before` to `after`, one line per item, in planner words.
pub(super) fn describe(before: &Plan, after: &Plan) -> Vec<String> {
    let diff = pi_model::diff::diff(before, after);
    let lines: Vec<String> = diff.entities.iter().map(entity_line).collect();
    if lines.is_empty() {
        return vec!["the order of objectives or features".to_owned()];
    }
    lines
}

fn entity_line(e: &EntityDiff) -> String {
    let kind = match e.kind {
        EntityKind::Objective => "objective",
        EntityKind::Feature => "feature",
    };
    match e.presence {
        Presence::Added => format!("new {kind} \"{}\"", e.name),
        Presence::Removed => format!("removed {kind} \"{}\"", e.name),
        Presence::Changed => {
            let mut parts: Vec<String> = e.fields.iter().map(field_words).collect();
            if let Some(m) = &e.moved {
                parts.push(format!("moved to \"{}\"", m.to.name));
            }
            format!("\"{}\": {}", e.name, parts.join(", "))
        }
    }
}

fn field_words(f: &FieldDiff) -> String {
    let label = match f.field {
        Field::BusinessValue => "Business value",
        Field::ActualBusinessValue => "Actual business value",
        Field::ProgramObjective => "Program objective",
        Field::AcceptanceCriteria => "Acceptance criteria",
        Field::Jira => "Jira key",
        other => other.label(),
    };
    match (short(&f.before), short(&f.after)) {
        (Some(a), Some(b))
            if matches!(
                f.field,
                Field::Effort
                    | Field::Status
                    | Field::BusinessValue
                    | Field::ActualBusinessValue
                    | Field::Committed
            ) =>
        {
            format!("{label} {a} → {b}")
        }
        _ => label.to_owned(),
    }
}

/// A value short enough to show in a line; `None` for texts and lists.
fn short(v: &FieldValue) -> Option<String> {
    let none = || "none".to_owned();
    match v {
        FieldValue::Effort(e) => Some(e.map_or_else(none, |e| e.to_string())),
        FieldValue::Number(n) => Some(n.map_or_else(none, |n| n.to_string())),
        FieldValue::Flag(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        FieldValue::OptText(t) => Some(t.clone().unwrap_or_else(none)),
        _ => None,
    }
}

#[cfg(test)]
#[path = "session_edit_tests.rs"]
mod tests;
