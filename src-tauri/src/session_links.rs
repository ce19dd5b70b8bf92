//! Opening the plan a `pi-planner://open?plan=<release>/<team>` link names (`links.rs`): the
//! open plan when it is that one, else its plan folder among the connection's workspaces, else
//! the release and team of that name in Targetprocess (started as "Open" starts a plan).
//!
//! It deliberately compares names the way branch names are made (`pi_git::BranchNames`), so a
//! link written by tpcli or the watch service (`<release slug>/<team slug>`) finds the plan the
//! app keeps under its own folder name.

use std::path::{Path, PathBuf};

use pi_git::BranchNames;

use super::{Session, plan_path, sync::blocking};
use crate::dto::{LinkDto, OpenRequest, PickItem, PlanView, WorkspaceDto};
use crate::error::{ErrorCode, UiError};

impl Session {
    /// Opens the plan `link` names and answers it as the editor shows it.
    pub async fn open_link(&self, link: &LinkDto) -> Result<PlanView, UiError> {
        let (release, team) = link.plan.split_once('/').ok_or_else(|| unknown(link))?;
        let (release, team) = (release.to_owned(), team.to_owned());
        let (folder, open) = {
            let inner = self.inner.lock().await;
            let open = inner
                .settings
                .workspace
                .clone()
                .filter(|ws| plan_path(&inner.settings).is_ok() && names(ws, &release, &team));
            (self.workspace_folder(&inner.settings.connection), open)
        };
        if open.is_some() {
            return self.plan().await;
        }
        let local = {
            let (release, team) = (release.clone(), team.clone());
            blocking(move |_| Ok(local_plan(&folder, &release, &team))).await?
        };
        let req = match local {
            Some(req) => req,
            None => self
                .plan_in_targetprocess(&release, &team)
                .await?
                .ok_or_else(|| unknown(link))?,
        };
        self.open(req).await
    }

    /// The ART, release and team whose names make the slugs `release` and `team`.
    async fn plan_in_targetprocess(
        &self,
        release: &str,
        team: &str,
    ) -> Result<Option<OpenRequest>, UiError> {
        for art in self.arts().await? {
            let releases = self.releases(art.id).await?;
            let teams = self.teams(art.id).await?;
            for r in &releases {
                for t in &teams {
                    if slugs_match(&r.name, &t.name, release, team) {
                        return Ok(Some(OpenRequest {
                            art: art.clone(),
                            release: r.clone(),
                            team: t.clone(),
                        }));
                    }
                }
            }
        }
        Ok(None)
    }
}

fn names(ws: &WorkspaceDto, release: &str, team: &str) -> bool {
    slugs_match(&ws.release.name, &ws.team.name, release, team)
}

/// Whether the plan of `release_name` and `team_name` has the slugs `release` and `team`.
pub(crate) fn slugs_match(release_name: &str, team_name: &str, release: &str, team: &str) -> bool {
    let names = BranchNames::for_plan(release_name, team_name);
    names.release_slug.eq_ignore_ascii_case(release) && names.team_slug.eq_ignore_ascii_case(team)
}

/// The plan folder under `folder` whose plan has the slugs `release` and `team`, as "Open"
/// asks for it; `None` when there is none (or its plan has no Targetprocess ids yet).
fn local_plan(folder: &Path, release: &str, team: &str) -> Option<OpenRequest> {
    let dirs: Vec<PathBuf> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|d| d.join(".git").exists())
        .collect();
    dirs.iter().find_map(|dir| {
        let ws = pi_engine::Workspace::open(dir).ok()?;
        let slugs = &ws.names;
        if !(slugs.release_slug.eq_ignore_ascii_case(release)
            && slugs.team_slug.eq_ignore_ascii_case(team))
        {
            return None;
        }
        let header = ws.base_header().ok()?;
        let pick = |n: &pi_model::Named| {
            n.id.map(|id| PickItem {
                id,
                name: n.name.clone(),
            })
        };
        Some(OpenRequest {
            art: pick(&header.art)?,
            release: pick(&header.release)?,
            team: pick(&header.team)?,
        })
    })
}

fn unknown(link: &LinkDto) -> UiError {
    UiError::new(
        ErrorCode::NoPlan,
        format!(
            "The link names the plan \"{}\", which is neither on this computer nor in the Targetprocess PI Planner is connected to.",
            link.plan
        ),
    )
    .hint("Check that PI Planner is connected to the team's Targetprocess, then open the link again.")
}

#[cfg(test)]
#[path = "session_links_tests.rs"]
mod tests;
