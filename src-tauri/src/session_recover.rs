//! The session's ways out of a push that did not go through: finishing an interrupted push
//! ("Finish the interrupted push") and giving up a change Targetprocess refused ("Discard this
//! change"). Retrying is a pull or push like any other. A resume is measured into the plan
//! folder's metrics as a pull or push is (`OperationKind::Resume`).
//!
//! It deliberately decides nothing itself: completing a push is `pi_engine::push::resume`,
//! putting an item back is `pi_engine::discard`.

use pi_engine::{Discarded, PushOutcome};
use pi_metrics::OperationKind;
use pi_model::{EntityId, Field};

use super::sync::{
    Progress, ReportingTo as _, context, in_workspace, in_workspace_reporting, names_of,
    workspace_dir,
};
use super::{Session, UNDO_DEPTH, identity_of, plan_path, read_plan};
use crate::dto::{DiscardRequest, PlanView, PushOutcomeDto};
use crate::error::{ErrorCode, UiError};

impl Session {
    /// Completes a push that was interrupted before Targetprocess confirmed every change; when
    /// there is none, says there is nothing to push.
    pub async fn resume(&self, progress: Progress<'_>) -> Result<PushOutcomeDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (client, me, dir) = self.engine(&mut inner).await?;
        let measuring = super::health::Measuring::start(&dir, &client);
        let outcome = in_workspace_reporting(dir, progress, move |ws, rt, sink| {
            let ctx = context(&client, &me, false).reporting_to(sink);
            let report = rt.block_on(pi_engine::push::resume(&ctx, ws))?;
            match report {
                Some(report) => PushOutcomeDto::new(&PushOutcome::Pushed(report), &names_of(ws)),
                None => Ok(PushOutcomeDto::NothingToPush { resumed: 0 }),
            }
        })
        .await;
        // Measured as tpcli measures `plan resume`: refused changes are findings.
        let ended = outcome.as_ref().map(|o| match o {
            PushOutcomeDto::Pushed { summary } => !summary.refused.is_empty(),
            PushOutcomeDto::NothingToPush { .. } => false,
            _ => true,
        });
        let alerts = measuring.done(OperationKind::Resume, ended).await;
        inner.alerts.extend(alerts);
        let outcome = outcome?;
        inner.undo.clear();
        Ok(outcome)
    }

    /// Puts an item (or some of its fields) back as Targetprocess had it at the last pull and
    /// saves the plan in the planner's name; "Undo last edit" takes it back.
    pub async fn discard(&self, req: DiscardRequest) -> Result<PlanView, UiError> {
        let entity: EntityId = req.entity.parse().map_err(|_| not_in_plan())?;
        let fields = req
            .fields
            .iter()
            .map(|f| serde_json::from_value::<Field>(serde_json::Value::String(f.clone())))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| not_in_plan())?;
        {
            let mut inner = self.inner.lock().await;
            let me = identity_of(&inner.settings)?;
            let before = read_plan(&plan_path(&inner.settings)?)?;
            let dir = workspace_dir(&inner)?;
            let done = in_workspace(dir, move |ws, _| {
                match pi_engine::discard(&me, chrono::Utc::now(), ws, &entity, &fields) {
                    Ok(done) => Ok(done),
                    Err(pi_engine::EngineError::UnknownItem(_)) => Err(not_in_plan()),
                    Err(e) => Err(e.into()),
                }
            })
            .await?;
            if done != Discarded::Nothing {
                inner.undo.push(before);
                let excess = inner.undo.len().saturating_sub(UNDO_DEPTH);
                inner.undo.drain(..excess);
            }
        }
        self.plan().await
    }
}

fn not_in_plan() -> UiError {
    UiError::new(
        ErrorCode::InvalidInput,
        "This change is not in the plan any more.",
    )
    .hint("Push again to see what is left to send.")
}

#[cfg(test)]
#[path = "session_recover_tests.rs"]
mod tests;
