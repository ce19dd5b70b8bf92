//! The session's sign-off side: where the change set a push would send stands against the
//! `[approvals]` policy (and whether this planner could approve it), a push that overrides the
//! policy with a recorded reason, the audit trail exported to a file outside the plan's
//! repository, and "New from template".
//!
//! It deliberately decides nothing itself: approvals, overrides, the audit trail and templates
//! are pi-engine's (`approvals`, `push_overriding`, `audit`, `templates`).

use std::path::{Path, PathBuf};

use pi_approvals::Signing;
use pi_engine::approvals;
use pi_engine::templates::{Addition, Ids};
use pi_model::{EntityId, SignatureRule};

use super::sync::{Progress, blocking, in_workspace, workspace_dir};
use super::{Session, UNDO_DEPTH, identity_of, plan_path, read_plan, slug, view, workspace_of};
use crate::dto::{
    ApprovalsStatusDto, AuditExportDto, ExportFormat, PlanView, PushOutcomeDto, TemplateAddRequest,
};
use crate::error::{ErrorCode, UiError, file_error};
use crate::files::write_atomic;

impl Session {
    /// The approvals of the change set a push would send now, reviewed against the policy, and
    /// why this planner could not approve it (if so).
    pub async fn approvals_status(&self) -> Result<ApprovalsStatusDto, UiError> {
        self.take_in_reviews().await;
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        let me = identity_of(&inner.settings).ok();
        in_workspace(dir, move |ws, _| {
            let policy = approvals::repo_config(ws)?.approvals;
            let signing = Signing::from_repo(&ws.repo);
            let status = approvals::status(ws, &policy, &signing)?;
            let mut dto = ApprovalsStatusDto::from(&status);
            dto.approve_blocked = if status.change.ops.is_empty() {
                Some("There is nothing to approve: the plan matches Targetprocess.".to_owned())
            } else if let Some(me) = &me {
                match pi_approvals::may_approve(&status, &policy, me) {
                    Err(e) => Some(UiError::from(pi_engine::EngineError::from(e)).message),
                    Ok(())
                        if policy.signatures == SignatureRule::Required && !signing.can_sign() =>
                    {
                        Some(
                            "This plan needs signed approvals and git has no signing key set up \
                             (user.signingkey)."
                                .to_owned(),
                        )
                    }
                    Ok(()) => None,
                }
            } else {
                Some(
                    "PI Planner does not know who you are yet: enter your name in Settings.".into(),
                )
            };
            Ok(dto)
        })
        .await
    }

    /// The plan → Targetprocess although the approval policy is not met: the override, with the
    /// planner's `reason`, is recorded in the approvals log (the audit trail) before anything is
    /// sent. Deletions are sent only with `confirm_deletes`.
    pub async fn push_override(
        &self,
        reason: String,
        confirm_deletes: bool,
        progress: Progress<'_>,
    ) -> Result<PushOutcomeDto, UiError> {
        let reason = reason.trim().to_owned();
        if reason.is_empty() {
            return Err(UiError::new(
                ErrorCode::InvalidInput,
                "An override needs a reason.",
            )
            .hint("Say why the plan is pushed without the approvals; it is kept in the audit trail."));
        }
        self.push_with(confirm_deletes, Some(reason), progress)
            .await
    }

    /// Saves the audit trail as CSV or JSON in `folder` (the planner's Downloads folder; never
    /// the plan's repository) under a new name `audit-<release>-<team>-<time>.<ext>`.
    pub async fn audit_export(
        &self,
        format: ExportFormat,
        folder: &Path,
    ) -> Result<AuditExportDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        if inside(folder, &dir) {
            return Err(UiError::new(
                ErrorCode::InvalidInput,
                "The audit trail is not saved inside the plan's folder.",
            )
            .hint("Choose another folder, such as Downloads."));
        }
        let stem = inner
            .settings
            .workspace
            .as_ref()
            .map(|w| slug(&format!("audit {} {}", w.release.name, w.team.name)))
            .unwrap_or_else(|| "audit".to_owned());
        let (text, events) = in_workspace(dir, move |ws, _| {
            let events = pi_reports::audit::trail(ws)?;
            let text = match format {
                ExportFormat::Csv => pi_reports::audit::to_csv(&events),
                ExportFormat::Json => pi_reports::audit::to_json(&events),
            };
            Ok((text, events.len()))
        })
        .await?;
        let ext = match format {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        };
        let time = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let path = free_name(folder, &format!("{stem}-{time}"), ext);
        write_atomic(&path, &text).map_err(|e| file_error("the audit file", &e))?;
        Ok(AuditExportDto {
            path: path.to_string_lossy().into_owned(),
            events: u32::try_from(events).unwrap_or(u32::MAX),
        })
    }

    /// Adds an objective (or, with `req.objective`, a feature under that objective) from a named
    /// template of the repository's `pi-planner.toml`, validated and committed like a saved edit;
    /// the previous text is kept for undo.
    pub async fn template_add(&self, req: TemplateAddRequest) -> Result<PlanView, UiError> {
        let mut inner = self.inner.lock().await;
        let path = plan_path(&inner.settings)?;
        let me = identity_of(&inner.settings)?;
        let template = req.template.trim().to_owned();
        if template.is_empty() {
            return Err(UiError::new(ErrorCode::InvalidInput, "Choose a template."));
        }
        let name = req
            .name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let addition = match req.objective.as_deref().map(str::trim) {
            None => Addition::Objective { template, name },
            Some(id) => Addition::Feature {
                template,
                objective: id.parse::<EntityId>().map_err(|_| {
                    UiError::new(
                        ErrorCode::InvalidInput,
                        format!("{id:?} is not an objective of this plan."),
                    )
                    .hint("Pick the objective again.")
                })?,
                name,
            },
        };
        let before = read_plan(&path)?;
        let now = chrono::Utc::now();
        let seed = base36(u64::try_from(now.timestamp_millis()).unwrap_or_default());
        // The commit and the view (which reads git) run on a blocking thread (decision 0016).
        let shown = blocking(move |_| {
            pi_engine::templates::add(
                &workspace_of(&path)?,
                &me,
                now,
                &addition,
                &mut Ids::new(&seed),
            )?;
            let text = read_plan(&path)?;
            Ok(view(&path, &text, true))
        })
        .await?;
        inner.undo.push(before);
        let excess = inner.undo.len().saturating_sub(UNDO_DEPTH);
        inner.undo.drain(..excess);
        shown
    }
}

/// Whether `path` is `dir` or inside it (compared after resolving links where they exist).
fn inside(path: &Path, dir: &Path) -> bool {
    let real = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    real(path).starts_with(real(dir))
}

/// `folder/stem.ext`, or `stem-2.ext`, `stem-3.ext` … when that exists.
pub(super) fn free_name(folder: &Path, stem: &str, ext: &str) -> PathBuf {
    let mut path = folder.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    path
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[usize::try_from(n % 36).unwrap_or(0)]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
#[path = "session_approvals_tests.rs"]
mod tests;
