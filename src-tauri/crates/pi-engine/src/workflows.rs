//! The account's workflows kept with the tracking snapshot: `.pi/<plan>.states.json` on the
//! tracking branch, beside the plan file and its versions, written by init and pull from one
//! read of Targetprocess's `EntityStates` (decision record 0014).
//!
//! Every clone that has the tracking branch has them, versioned with what Targetprocess had, and
//! validation and the status pickers use them when `[statuses]` does not list a kind. A read that
//! fails never fails the pull: the states kept from the last read stay, and a notice says so.

use std::path::Path;

use pi_git::{BranchNames, PlanRepo};
use pi_model::{KnownStatuses, Plan, StatusConfig, Workflows};
use pi_targetprocess::{Notice, NoticeKind, RemotePlan, TpError};

use crate::error::{EngineError, Result};

/// Repository path of the states file of a plan (on its tracking branch).
pub fn states_path(plan_slug: &str) -> String {
    format!(".pi/{plan_slug}.states.json")
}

/// The states kept on the plan's tracking branch; `None` when there is no tracking branch or
/// it holds no states file yet. A states file that does not read is an error naming it.
pub fn stored(repo: &PlanRepo, names: &BranchNames) -> Result<Option<Workflows>> {
    let Some(tip) = repo.branch_tip(&names.tracking())? else {
        return Ok(None);
    };
    let path = states_path(&names.plan_slug());
    let Some(bytes) = repo.read_file_at(tip, &path)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    Workflows::from_json(&text)
        .map(Some)
        .map_err(|message| EngineError::State {
            path: format!("{}:{path}", names.tracking()),
            message: format!("not a states file: {message}"),
        })
}

/// The statuses a plan of `names` may use: `[statuses]` where it lists a kind, else the states
/// kept on the tracking branch, else the usual names (a hint only).
pub fn known_statuses(
    repo: &PlanRepo,
    names: &BranchNames,
    config: &StatusConfig,
) -> Result<KnownStatuses> {
    let stored = stored(repo, names)?;
    Ok(KnownStatuses::resolve(config, stored.as_ref()))
}

/// [`known_statuses`] for a plan file anywhere: the repository at or above its folder and the
/// tracking branch of the plan's release and team. A file outside a repository, or one whose
/// plan has no tracking branch there, gets the usual names (offline, with no snapshot).
pub fn known_statuses_for_file(
    file: &Path,
    plan: &Plan,
    config: &StatusConfig,
) -> Result<KnownStatuses> {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (release, team) = (&plan.release.name, &plan.team.name);
    let Ok(repo) = PlanRepo::discover(dir) else {
        return Ok(KnownStatuses::resolve(config, None));
    };
    if release.trim().is_empty() || team.trim().is_empty() {
        return Ok(KnownStatuses::resolve(config, None));
    }
    known_statuses(&repo, &BranchNames::for_plan(release, team), config)
}

/// The states to keep with `remote`'s snapshot: the ones read, or — when the read failed —
/// none (the snapshot keeps the states it had) and a notice on `remote` saying why.
pub(crate) fn settle(
    read: std::result::Result<Workflows, TpError>,
    remote: &mut RemotePlan,
) -> Option<Workflows> {
    match read {
        Ok(workflows) => Some(workflows),
        Err(e) => {
            tracing::warn!(error = %e, "the account's workflows could not be read");
            remote.notices.push(Notice {
                kind: NoticeKind::WorkflowsUnread,
                message: format!(
                    "The account's workflows could not be read ({e}); plans are checked against \
                     the states kept from the last read, if any. The next pull reads them again."
                ),
                ids: Vec::new(),
            });
            None
        }
    }
}

#[cfg(test)]
mod tests;
