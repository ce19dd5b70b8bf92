//! The open plan against Jira: the "Out of sync" view (`pi_engine::lint`, what `tpcli plan
//! lint` runs) with its fixes saved as an edit of the plan, and "Create stories from acceptance
//! criteria" (`pi_engine::decompose`, what `tpcli plan decompose` runs: a label per story looked
//! for before every create, a journal, never a duplicate).
//!
//! The git work runs on a blocking thread (decision 0016); Jira's answers are awaited there
//! with the runtime's handle.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_engine::decompose::{DecomposeError, Decomposition};
use pi_jira::JiraClient;
use pi_model::Plan;
use pi_model::lint::{self, LintCode};

use super::jira::{JiraAccess, jira_error};
use super::{Session, UNDO_DEPTH, identity_of, plan_path, read_plan};
use crate::dto::{DecomposeDto, DecomposeRequest, LintDto, LintFindingDto, LintFixRequest};
use crate::error::{ErrorCode, UiError};

impl Session {
    /// Where the open plan and Jira disagree, each finding with its fix.
    pub async fn jira_lint(&self) -> Result<LintDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (dir, access) = self.open_plan_jira(&mut inner)?;
        super::sync::in_workspace(dir, move |ws, rt| {
            let plan = ws.local()?;
            let settings = pi_engine::lint::settings(ws)?;
            let (missing, epics_note) = missing_epics(rt, &access, &plan);
            Ok(LintDto {
                findings: findings(&plan, &settings, &missing),
                epics_note,
                fixed: None,
            })
        })
        .await
    }

    /// Applies the fixes of `req.code` (for one feature, or all) that are plan edits, saves the
    /// plan as an edit in the planner's name (undo puts it back; the next push previews it),
    /// and says what is left.
    pub async fn jira_lint_fix(&self, req: LintFixRequest) -> Result<LintDto, UiError> {
        let code = LintCode::parse(&req.code).ok_or_else(|| {
            UiError::new(
                ErrorCode::InvalidInput,
                format!("PI Planner knows no finding {:?}.", req.code),
            )
        })?;
        let mut inner = self.inner.lock().await;
        let me = identity_of(&inner.settings)?;
        let path = plan_path(&inner.settings)?;
        let before = read_plan(&path)?;
        let (dir, access) = self.open_plan_jira(&mut inner)?;
        let (shown, changed) = super::sync::in_workspace(dir, move |ws, rt| {
            let mut plan = ws.local()?;
            let settings = pi_engine::lint::settings(ws)?;
            let (missing, epics_note) = missing_epics(rt, &access, &plan);
            let chosen: Vec<_> = lint::lint(&plan, &settings, &missing)
                .into_iter()
                .filter(|f| f.code == code)
                .filter(|f| {
                    req.feature
                        .as_ref()
                        .is_none_or(|id| *id == f.feature.to_string())
                })
                .collect();
            let applied =
                pi_engine::lint::fix(ws, &me, chrono::Utc::now(), &mut plan, &chosen, &[code])?;
            let shown = LintDto {
                findings: findings(&plan, &settings, &missing),
                epics_note,
                fixed: Some(u32::try_from(applied.edits).unwrap_or(u32::MAX)),
            };
            Ok((shown, applied.commit.is_some()))
        })
        .await?;
        if changed {
            inner.undo.push(before);
            let excess = inner.undo.len().saturating_sub(UNDO_DEPTH);
            inner.undo.drain(..excess);
        }
        Ok(shown)
    }

    /// Creates one Jira story per acceptance criterion of the feature under its epic (or, with
    /// `preview`, only says which it would create). Stories created earlier are reported, not
    /// created again; the stories appear under the feature at the next pull.
    pub async fn jira_decompose(&self, req: DecomposeRequest) -> Result<DecomposeDto, UiError> {
        let mut inner = self.inner.lock().await;
        let (dir, access) = self.open_plan_jira(&mut inner)?;
        let client = if req.preview {
            None
        } else {
            Some(usable(access)?)
        };
        // The session stays locked while the stories are created: one decompose at a time.
        super::sync::in_workspace(dir, move |ws, rt| {
            let plan = ws.local()?;
            let mut d =
                Decomposition::plan(ws, &plan, &req.feature, &[]).map_err(decompose_error)?;
            if let Some(client) = client {
                rt.block_on(d.send(&client, &mut |_| {}))
                    .map_err(decompose_error)?;
            }
            Ok(DecomposeDto::from(d.into_view()))
        })
        .await
    }

    /// The open plan's folder and how it reaches Jira.
    fn open_plan_jira(&self, inner: &mut super::Inner) -> Result<(PathBuf, JiraAccess), UiError> {
        let path = plan_path(&inner.settings)?;
        let dir = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let access = self.jira_for(inner, &dir)?;
        Ok((dir, access))
    }
}

fn findings(
    plan: &Plan,
    settings: &pi_model::lint::LintSettings,
    missing: &[String],
) -> Vec<LintFindingDto> {
    lint::lint(plan, settings, missing)
        .iter()
        .map(LintFindingDto::from)
        .collect()
}

/// The epics Jira lacks among those of features without stories, or why Jira was not asked.
fn missing_epics(
    rt: &tokio::runtime::Handle,
    access: &JiraAccess,
    plan: &Plan,
) -> (Vec<String>, Option<String>) {
    let not_checked = |why: &str| Some(format!("{why} Epics missing in Jira are not looked for."));
    let client = match access {
        JiraAccess::Client(c) => c,
        JiraAccess::Off => return (Vec::new(), not_checked("No Jira is connected.")),
        JiraAccess::Unusable(why) => return (Vec::new(), not_checked(why)),
    };
    let epics = pi_engine::lint::epics_to_check(plan);
    if epics.is_empty() {
        return (Vec::new(), None);
    }
    match rt.block_on(client.missing_issues(&epics)) {
        Ok(missing) => (missing, None),
        Err(e) => (Vec::new(), not_checked(&jira_error(None, &e).message)),
    }
}

/// The client, or why there is none, in words.
fn usable(access: JiraAccess) -> Result<Arc<JiraClient>, UiError> {
    match access {
        JiraAccess::Client(c) => Ok(c),
        JiraAccess::Off => Err(UiError::new(
            ErrorCode::NotConnected,
            "No Jira is connected, so no stories can be created.",
        )
        .hint("Connect to Jira in Settings.")),
        JiraAccess::Unusable(why) => Err(UiError::new(ErrorCode::NotConnected, why)),
    }
}

fn decompose_error(e: DecomposeError) -> UiError {
    match e {
        DecomposeError::NoFeature(_) => UiError::new(
            ErrorCode::InvalidInput,
            "That feature is no longer in the plan.",
        )
        .hint("Pull to see the plan as it is now."),
        DecomposeError::Ambiguous { .. } => {
            UiError::new(ErrorCode::InvalidInput, "Several features have that name.")
        }
        DecomposeError::NoEpic { name, .. } => UiError::new(
            ErrorCode::InvalidInput,
            format!("The feature {name:?} names no Jira epic."),
        )
        .hint("Enter its epic's key in the Jira field and save, then try again."),
        DecomposeError::NoStories { name, .. } => UiError::new(
            ErrorCode::InvalidInput,
            format!("The feature {name:?} has no saved acceptance criteria to make stories of."),
        )
        .hint("Write its acceptance criteria and save, then try again."),
        DecomposeError::Journal { .. } => UiError::new(
            ErrorCode::WorkspaceProblem,
            "PI Planner could not keep its record of the stories it creates.",
        )
        .hint("Check that the plan's folder can be written, then try again."),
        DecomposeError::Stopped { text, source, .. } => {
            let why = jira_error(None, source.as_ref());
            UiError::new(
                why.code,
                format!("Creating the stories stopped at {text:?}: {}", why.message),
            )
            .hint("Try again: the stories already created are not created twice.")
        }
        DecomposeError::Engine(e) => (*e).into(),
    }
}

#[cfg(test)]
#[path = "session_jira_plan_tests.rs"]
mod tests;
