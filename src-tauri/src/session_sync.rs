//! The session's sync side: pull, push (preview, confirm, result), conflicts and their
//! resolution, where the plan stands, and the settings around them. Each method is one pi-engine
//! call on the open workspace, with the result turned into the DTOs the UI shows.
//!
//! It deliberately holds no merge or push logic (that is pi-engine) and sends no notifications
//! (that is the app shell, which knows the window).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_engine::{Context, PullOptions, PushOptions, PushOutcome, Selector, Workspace};
use pi_metrics::OperationKind;
use pi_model::merge::{Conflict, FieldValue, Resolution};
use pi_model::{Effort, EntityId, Field};
use pi_targetprocess::TpClient;

use super::{Inner, Session, identity_of, plan_path};
use crate::dto::{
    AppStatus, ChoiceDto, ConflictDto, Names, ProgressDto, PullResultDto, PushOutcomeDto,
    ResolveRequest, SettingsDto, SettingsUpdate, SyncStatusDto,
};
use crate::error::{ErrorCode, UiError};
use crate::files::SavedConnection;

/// Receives the steps of a running pull, push or resume.
pub type Progress<'a> = &'a (dyn Fn(ProgressDto) + Send + Sync);

impl Session {
    /// Targetprocess → the plan: commits the planner's unsaved edits, fetches the team's plan and
    /// merges it field by field, with the features' stories when there is a story source (the
    /// demo's Jira). `unattended` marks a background pull in the history.
    pub async fn pull(
        &self,
        unattended: bool,
        progress: Progress<'_>,
    ) -> Result<PullResultDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let users_from = client.clone();
        let jira = self.story_source(&mut inner)?;
        let measuring = super::health::Measuring::start(&dir, &client);
        let result = in_workspace_reporting(dir, progress, move |ws, rt, sink| {
            let ctx = context(&client, &me, unattended).reporting_to(sink);
            let opts = PullOptions {
                stories: jira.as_deref().map(|j| j as &dyn pi_engine::StorySource),
                ..PullOptions::default()
            };
            let report = rt.block_on(pi_engine::pull(&ctx, ws, &opts))?;
            Ok(PullResultDto::from(&report))
        })
        .await;
        let ended = result.as_ref().map(|r| !r.conflicts.is_empty());
        let alerts = measuring.done(OperationKind::Pull, ended).await;
        inner.alerts.extend(alerts);
        let result = result?;
        if let Ok(path) = super::plan_path(&inner.settings) {
            super::edit::refresh_users_quietly(&users_from, &path).await;
        }
        inner.undo.clear();
        Ok(result)
    }

    /// What a push would send now; nothing is sent.
    pub async fn push_preview(&self) -> Result<PushOutcomeDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (client, me, dir) = self.engine(&mut inner).await?;
        in_workspace(dir, move |ws, rt| {
            let outcome = dry_run(&client, &me, ws, rt)?;
            PushOutcomeDto::new(&outcome, &names_of(ws))
        })
        .await
    }

    /// The plan → Targetprocess. Deletions are sent only with `confirm_deletes`.
    pub async fn push(
        &self,
        confirm_deletes: bool,
        progress: Progress<'_>,
    ) -> Result<PushOutcomeDto, UiError> {
        self.push_with(confirm_deletes, None, progress).await
    }

    /// [`Session::push`], overriding the approval policy with a recorded reason when
    /// `override_reason` is given (see `push_override`).
    pub(super) async fn push_with(
        &self,
        confirm_deletes: bool,
        override_reason: Option<String>,
        progress: Progress<'_>,
    ) -> Result<PushOutcomeDto, UiError> {
        // Approving reviews of the plan's pull request count as sign-offs at the gate.
        self.take_in_reviews().await;
        let mut inner = self.inner.lock().await;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let opts = PushOptions {
            dry_run: false,
            yes: confirm_deletes,
        };
        let measuring = super::health::Measuring::start(&dir, &client);
        let outcome = in_workspace_reporting(dir, progress, move |ws, rt, sink| {
            let ctx = context(&client, &me, false).reporting_to(sink);
            let reason = override_reason.as_deref();
            let outcome = rt.block_on(pi_engine::push_overriding(&ctx, ws, opts, reason))?;
            PushOutcomeDto::new(&outcome, &names_of(ws))
        })
        .await;
        let ended = outcome.as_ref().map(|o| match o {
            PushOutcomeDto::Pushed { summary } => !summary.refused.is_empty(),
            PushOutcomeDto::NothingToPush { .. } => false,
            _ => true,
        });
        let alerts = measuring.done(OperationKind::Push, ended).await;
        inner.alerts.extend(alerts);
        let outcome = outcome?;
        if matches!(outcome, PushOutcomeDto::Pushed { .. }) {
            inner.undo.clear();
        }
        Ok(outcome)
    }

    /// The unresolved conflicts of the last pull.
    pub async fn conflicts(&self) -> Result<Vec<ConflictDto>, UiError> {
        let inner = self.inner.lock().await;
        in_workspace(workspace_dir(&inner)?, |ws, _| open_conflicts(ws)).await
    }

    /// Settles one conflict; returns the ones left.
    pub async fn resolve(&self, req: ResolveRequest) -> Result<Vec<ConflictDto>, UiError> {
        let mut inner = self.inner.lock().await;
        let me = identity_of(&inner.settings)?;
        let entity: EntityId = req.entity.parse().map_err(|_| bad_conflict())?;
        let field = req.field.as_deref().map(parse_field).transpose()?;
        let left = in_workspace(workspace_dir(&inner)?, move |ws, _| {
            let conflict = stored_conflicts(ws)?
                .into_iter()
                .find(|c| c.entity == entity && c.field == field)
                .ok_or_else(bad_conflict)?;
            let resolution = resolution(&req.choice, &conflict)?;
            let selector = Selector {
                entity: Some(entity),
                field,
            };
            settle(&me, ws, &selector, &resolution)?;
            open_conflicts(ws)
        })
        .await?;
        inner.undo.clear();
        Ok(left)
    }

    /// Settles every conflict the same way (keep mine or keep theirs).
    pub async fn resolve_all(&self, choice: ChoiceDto) -> Result<Vec<ConflictDto>, UiError> {
        let mut inner = self.inner.lock().await;
        let me = identity_of(&inner.settings)?;
        let resolution = match choice {
            ChoiceDto::KeepMine => Resolution::KeepLocal,
            ChoiceDto::KeepTheirs => Resolution::KeepRemote,
            ChoiceDto::KeepBoth | ChoiceDto::Edit { .. } => {
                return Err(UiError::new(
                    ErrorCode::CannotResolve,
                    "All conflicts at once can only keep your values or Targetprocess's.",
                )
                .hint("Settle the others one by one."));
            }
        };
        let left = in_workspace(workspace_dir(&inner)?, move |ws, _| {
            settle(&me, ws, &Selector::default(), &resolution)?;
            open_conflicts(ws)
        })
        .await?;
        inner.undo.clear();
        Ok(left)
    }

    /// Signs off the change set a push would send now in the planner's name, with a comment.
    pub async fn approve(
        &self,
        comment: String,
    ) -> Result<crate::dto::ApprovalsStatusDto, UiError> {
        use pi_approvals::Signing;
        let comment = Some(comment.trim().to_owned()).filter(|c| !c.is_empty());
        {
            let mut inner = self.inner.lock().await;
            let (client, me, dir) = self.engine(&mut inner).await?;
            in_workspace(dir, move |ws, _| {
                let ctx = context(&client, &me, false);
                let signing = Signing::from_repo(&ws.repo);
                pi_engine::approvals::approve(&ctx, ws, comment, &signing)?;
                Ok(())
            })
            .await?;
        }
        // As the panel shows it: with why this planner may not approve it again.
        self.approvals_status().await
    }

    /// The audit trail (approvals, overrides, pushes, rollbacks), oldest first.
    pub async fn audit_trail(&self) -> Result<Vec<crate::dto::AuditEventDto>, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        in_workspace(dir, |ws, _| {
            let events = pi_reports::audit::trail(ws)?;
            Ok(events.iter().map(crate::dto::AuditEventDto::from).collect())
        })
        .await
    }

    /// The objective and feature templates of the repository's `pi-planner.toml`.
    pub async fn templates(&self) -> Result<crate::dto::TemplatesDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        in_workspace(dir, |ws, _| {
            let t = pi_engine::approvals::repo_config(ws)?.templates;
            Ok(crate::dto::TemplatesDto {
                objectives: t.objectives.into_keys().collect(),
                features: t.features.into_keys().collect(),
            })
        })
        .await
    }

    /// Local changes, conflicts and an interrupted push, without asking Targetprocess.
    pub async fn sync_status(&self) -> Result<SyncStatusDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        in_workspace(dir, |ws, rt| {
            let status = rt.block_on(pi_engine::status(None, ws))?;
            let names = names_of(ws);
            let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            Ok(SyncStatusDto {
                local_changes: count(status.local_changes.len()),
                conflicts: count(status.conflicts.len()),
                unfinished_push: count(status.unfinished_push),
                refused: status
                    .refused
                    .iter()
                    .map(|r| crate::dto::refused(&r.op, &r.reason, &names))
                    .collect(),
            })
        })
        .await
    }

    pub async fn settings(&self) -> SettingsDto {
        let inner = self.inner.lock().await;
        let status = super::status_of(&inner.settings);
        SettingsDto {
            connection: status.connection,
            identity: status.identity,
            remote: inner.settings.remote.clone(),
            poll_seconds: inner.settings.poll_seconds,
            plans_folder: self
                .workspace_folder(&inner.settings.connection)
                .display()
                .to_string(),
        }
    }

    pub async fn save_settings(&self, update: SettingsUpdate) -> Result<SettingsDto, UiError> {
        {
            let mut inner = self.inner.lock().await;
            inner.settings.remote = update
                .remote
                .map(|r| r.trim().to_owned())
                .filter(|r| !r.is_empty());
            inner.settings.poll_seconds = update.poll_seconds.min(24 * 60 * 60);
            self.persist(&inner.settings)?;
        }
        Ok(self.settings().await)
    }

    /// Forgets the connection: the token leaves the keychain, the demo stops, the welcome
    /// screen shows. Workspace folders stay on disk.
    pub async fn sign_out(&self) -> Result<AppStatus, UiError> {
        let mut inner = self.inner.lock().await;
        if let SavedConnection::Targetprocess { url } = &inner.settings.connection {
            self.credentials.delete(url)?;
        }
        inner.settings.connection = SavedConnection::None;
        inner.settings.workspace = None;
        inner.client = None;
        inner.demo = None;
        inner.undo.clear();
        self.persist(&inner.settings)?;
        Ok(super::status_of(&inner.settings))
    }

    pub(super) async fn engine(
        &self,
        inner: &mut Inner,
    ) -> Result<(Arc<TpClient>, pi_git::Identity, PathBuf), UiError> {
        let dir = workspace_dir(inner)?;
        let me = identity_of(&inner.settings)?;
        let client = self.client(inner).await?;
        Ok((client, me, dir))
    }
}

/// The names of the plan's items, as the planner has them and as Targetprocess had them.
pub(super) fn names_of(ws: &Workspace) -> Names {
    let base = ws.base().ok().map(|b| b.plan);
    let local = ws.local().ok();
    Names::of_plans(base.iter().chain(local.iter()))
}

pub(super) fn context<'a>(
    tp: &'a TpClient,
    me: &'a pi_git::Identity,
    unattended: bool,
) -> Context<'a> {
    Context {
        tp,
        me,
        now: chrono::Utc::now(),
        auto_sync: unattended,
        progress: None,
    }
}

/// A context that tells `sink` each step.
pub(super) trait ReportingTo<'a> {
    fn reporting_to(self, sink: pi_engine::ProgressSink<'a>) -> Self;
}

impl<'a> ReportingTo<'a> for Context<'a> {
    fn reporting_to(self, sink: pi_engine::ProgressSink<'a>) -> Self {
        Context {
            progress: Some(sink),
            ..self
        }
    }
}

pub(super) fn workspace_dir(inner: &Inner) -> Result<PathBuf, UiError> {
    let path = plan_path(&inner.settings)?;
    Ok(path
        .parent()
        .map_or_else(|| path.clone(), Path::to_path_buf))
}

/// Runs `f` on the workspace in `dir` on a blocking thread (decision 0016): the repository
/// handle may not be shared between threads, so an engine future that borrows the workspace is
/// not `Send` and is driven there with `Handle::block_on`. With [`blocking`], the only place
/// the app leaves the runtime.
pub(super) async fn in_workspace<T, F>(dir: PathBuf, f: F) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(&Workspace, &tokio::runtime::Handle) -> Result<T, UiError> + Send + 'static,
{
    blocking(move |rt| f(&Workspace::open(&dir)?, rt)).await
}

/// Runs `f`, which works on git repositories or drives an engine future that does, on a
/// blocking thread, with the runtime's handle for the engine's futures.
pub(super) async fn blocking<T, F>(f: F) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(&tokio::runtime::Handle) -> Result<T, UiError> + Send + 'static,
{
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || f(&rt))
        .await
        .map_err(|_| {
            UiError::new(
                ErrorCode::WorkspaceProblem,
                "The sync stopped unexpectedly.",
            )
            .hint("Try again; your edits are kept in the plan file.")
        })?
}

/// [`in_workspace`] for an engine operation that reports its steps: `f` gets a sink for the
/// engine's [`pi_engine::Progress`], and each step reaches `progress` (on this task, in order)
/// while the operation runs.
pub(super) async fn in_workspace_reporting<T, F>(
    dir: PathBuf,
    progress: Progress<'_>,
    f: F,
) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(
            &Workspace,
            &tokio::runtime::Handle,
            pi_engine::ProgressSink<'_>,
        ) -> Result<T, UiError>
        + Send
        + 'static,
{
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<pi_engine::Progress>();
    let work = in_workspace(dir, move |ws, rt| {
        let sink = move |step: pi_engine::Progress| {
            // The receiver lives until the operation ends; nothing is lost before that.
            let _ = tx.send(step);
        };
        f(ws, rt, &sink)
    });
    let forward = async {
        // Ends when the operation's closure (holding the sender) is done.
        while let Some(step) = rx.recv().await {
            progress(ProgressDto::from(&step));
        }
    };
    let (result, ()) = tokio::join!(work, forward);
    result
}

fn dry_run(
    client: &TpClient,
    me: &pi_git::Identity,
    ws: &Workspace,
    rt: &tokio::runtime::Handle,
) -> Result<PushOutcome, UiError> {
    let opts = PushOptions {
        dry_run: true,
        yes: false,
    };
    Ok(rt.block_on(pi_engine::push(&context(client, me, false), ws, opts))?)
}

fn open_conflicts(ws: &Workspace) -> Result<Vec<ConflictDto>, UiError> {
    Ok(stored_conflicts(ws)?
        .iter()
        .map(ConflictDto::from)
        .collect())
}

fn stored_conflicts(ws: &Workspace) -> Result<Vec<Conflict>, UiError> {
    let dir = ws.local_dir()?;
    Ok(pi_engine::state::load_conflicts(&dir)?)
}

fn settle(
    me: &pi_git::Identity,
    ws: &Workspace,
    selector: &Selector,
    resolution: &Resolution,
) -> Result<(), UiError> {
    match pi_engine::resolve(me, chrono::Utc::now(), ws, selector, resolution) {
        Ok(_) => Ok(()),
        Err(
            pi_engine::EngineError::CannotResolve { .. }
            | pi_engine::EngineError::NoMatchingConflict,
        ) => Err(UiError::new(
            ErrorCode::CannotResolve,
            "This conflict cannot be settled that way.",
        )
        .hint("\"Keep both\" works for texts and lists only; choose another way.")),
        Err(e) => Err(e.into()),
    }
}

fn bad_conflict() -> UiError {
    UiError::new(
        ErrorCode::CannotResolve,
        "This conflict is not open any more.",
    )
    .hint("Pull again to see the current conflicts.")
}

fn parse_field(name: &str) -> Result<Field, UiError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| bad_conflict())
}

/// The engine's resolution for a choice; a typed value takes the shape of the field.
fn resolution(choice: &ChoiceDto, c: &Conflict) -> Result<Resolution, UiError> {
    Ok(match choice {
        ChoiceDto::KeepMine => Resolution::KeepLocal,
        ChoiceDto::KeepTheirs => Resolution::KeepRemote,
        ChoiceDto::KeepBoth => Resolution::KeepBoth,
        ChoiceDto::Edit { value } => Resolution::Edit(typed(&c.local, value)?),
    })
}

/// `value` as a value of the same kind as `shape`.
pub(crate) fn typed(shape: &FieldValue, value: &str) -> Result<FieldValue, UiError> {
    let v = value.trim();
    let not_a_number = || {
        UiError::new(ErrorCode::InvalidInput, format!("{v:?} is not a number."))
            .hint("Type a number, or leave the field empty for none.")
    };
    match shape {
        FieldValue::Text(_) => Ok(FieldValue::Text(value.to_owned())),
        FieldValue::OptText(_) => Ok(FieldValue::OptText((!v.is_empty()).then(|| v.to_owned()))),
        FieldValue::Effort(_) if v.is_empty() => Ok(FieldValue::Effort(None)),
        FieldValue::Effort(_) => v
            .parse::<f64>()
            .ok()
            .and_then(Effort::new)
            .map(|e| FieldValue::Effort(Some(e)))
            .ok_or_else(not_a_number),
        FieldValue::Number(_) if v.is_empty() => Ok(FieldValue::Number(None)),
        FieldValue::Number(_) => v
            .parse::<u32>()
            .map(|n| FieldValue::Number(Some(n)))
            .map_err(|_| not_a_number()),
        _ => Err(
            UiError::new(ErrorCode::CannotResolve, "This field cannot be typed here.")
                .hint("Keep your value or Targetprocess's, then change it in the editor."),
        ),
    }
}

#[cfg(test)]
#[path = "session_sync_tests.rs"]
mod tests;
