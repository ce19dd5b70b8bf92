//! The open plan's checks, as `tpcli plan report`, `verify` and `rollback` make them: the change
//! report since the latest baseline (else the last pull), the comparison of the plan file, the
//! last pull and Targetprocess (with the safe repairs), and undoing a push (the latest, or one
//! picked from the plan's pushes) with its preview first.
//!
//! It deliberately holds no rule: the report is pi-reports', verify and rollback pi-engine's.

use pi_engine::oplog::OpKind;
use pi_engine::{EngineError, RollbackError, RollbackOptions, Workspace};
use pi_reports::history::Rev;

use super::Session;
use super::sync::{context, in_workspace, names_of};
use crate::dto::{ChangeReportDto, PushEntryDto, PushRefDto, RollbackDto, VerifyDto, who};
use crate::error::{ErrorCode, UiError};

impl Session {
    /// The change report of the open plan: from its latest baseline, else from the last pull,
    /// to the plan file as it is now.
    pub async fn change_report(&self) -> Result<ChangeReportDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = super::sync::workspace_dir(&inner)?;
        in_workspace(dir, |ws, _| {
            let since = pi_reports::report::default_since(ws)?;
            let report = pi_reports::report::report(ws, &since, &Rev::Working)?;
            let label = match &since {
                Rev::Baseline(name) => format!("the baseline “{name}”"),
                _ => "your last pull from Targetprocess".to_owned(),
            };
            Ok(ChangeReportDto::new(
                &pi_reports::report::report_doc(&report),
                label,
            ))
        })
        .await
    }

    /// Compares the plan file, the last pull and Targetprocess; with `repair`, first does what
    /// is safe (finishes an interrupted push, pulls when none of the planner's edits is involved).
    pub async fn verify(&self, repair: bool) -> Result<VerifyDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let result = in_workspace(dir, move |ws, rt| {
            let ctx = context(&client, &me, false);
            let report = rt.block_on(pi_engine::verify(&ctx, ws, repair))?;
            Ok(VerifyDto::new(&report, &names_of(ws)))
        })
        .await?;
        if repair {
            inner.undo.clear();
        }
        Ok(result)
    }

    /// The plan's pushes that "Undo a push" offers, newest first (the op log's push entries, as
    /// `tpcli plan log` lists them).
    pub async fn rollback_pushes(&self) -> Result<Vec<PushEntryDto>, UiError> {
        let inner = self.inner.lock().await;
        let dir = super::sync::workspace_dir(&inner)?;
        in_workspace(dir, |ws, _| {
            let entries = pi_engine::oplog::entries(&ws.repo, &ws.names.oplog_ref())?;
            Ok(entries
                .into_iter()
                .rev()
                .filter(|e| e.kind == OpKind::Push)
                .enumerate()
                .map(|(i, e)| PushEntryDto {
                    push: PushRefDto {
                        who: who(&e.actor),
                        id: e.id,
                        at: e.at,
                    },
                    summary: e.summary,
                    latest: i == 0,
                })
                .collect())
        })
        .await
    }

    /// Undoes push `op_id` of the plan (`None`: the latest), as `tpcli plan rollback [OP_ID]`:
    /// with `preview`, what it would write back (nothing is sent); otherwise the writes,
    /// deletions of what the push created only with `confirm_deletes`.
    pub async fn rollback(
        &self,
        op_id: Option<String>,
        preview: bool,
        confirm_deletes: bool,
    ) -> Result<RollbackDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let opts = RollbackOptions {
            dry_run: preview,
            yes: confirm_deletes,
        };
        let result = in_workspace(dir, move |ws, rt| {
            let ctx = context(&client, &me, false);
            let outcome = match rt.block_on(pi_engine::rollback(&ctx, ws, op_id.as_deref(), opts)) {
                Err(EngineError::Rollback(RollbackError::NoPush)) => return Err(no_push()),
                Err(EngineError::Rollback(
                    RollbackError::UnknownOp { id, .. } | RollbackError::NotAPush { id, .. },
                )) => return Err(not_a_push(&id)),
                other => other?,
            };
            let pushes = push_refs(ws)?;
            let push = |id: &str| {
                pushes
                    .iter()
                    .find(|p| p.id == id)
                    .cloned()
                    .unwrap_or_else(|| PushRefDto {
                        id: id.to_owned(),
                        who: String::new(),
                        at: String::new(),
                    })
            };
            Ok(RollbackDto::new(&outcome, push, &names_of(ws)))
        })
        .await?;
        if matches!(result, RollbackDto::Undone { .. }) {
            inner.undo.clear();
        }
        Ok(result)
    }
}

/// The op log's entries: who and when, by id.
fn push_refs(ws: &Workspace) -> Result<Vec<PushRefDto>, UiError> {
    Ok(pi_engine::oplog::entries(&ws.repo, &ws.names.oplog_ref())?
        .into_iter()
        .map(|e| PushRefDto {
            who: who(&e.actor),
            id: e.id,
            at: e.at,
        })
        .collect())
}

fn no_push() -> UiError {
    UiError::new(
        ErrorCode::NothingToUndo,
        "This plan has no push to undo: nothing was pushed from it yet.",
    )
}

fn not_a_push(id: &str) -> UiError {
    UiError::new(
        ErrorCode::InvalidInput,
        format!("{id} is not a push of this plan."),
    )
    .hint("Pick the push again from the list of this plan's pushes.")
}

#[cfg(test)]
#[path = "session_checks_tests.rs"]
mod tests;
