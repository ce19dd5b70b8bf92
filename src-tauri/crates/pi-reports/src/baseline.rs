//! Commitment baselines: the committed plan tagged once (after the PI planning event) as
//! `refs/tags/pi/baseline/<name>`, so every later diff and report can show the scope drift
//! against it. Published to the team's remote when there is one.
//!
//! It deliberately never moves or deletes a baseline: a second baseline gets a new name.

use chrono::{DateTime, Utc};
use pi_git::{Identity, Stamp, When};
use serde::{Deserialize, Serialize};

use crate::history::rfc3339;
use pi_engine::ORIGIN;
use pi_engine::error::Result;
use pi_engine::workspace::Workspace;

/// One baseline of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineInfo {
    pub name: String,
    /// The tagged commit.
    pub commit: String,
    /// When it was tagged (RFC 3339), unknown for tags made by other tools.
    pub at: Option<String>,
    pub message: String,
}

/// What creating a baseline did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineCreated {
    pub baseline: BaselineInfo,
    /// The plan file on disk has edits that are not committed, so not in the baseline.
    pub uncommitted_edits: bool,
    /// Pushed to the team's remote.
    pub published: bool,
}

/// `<plan slug>-committed`, e.g. `pi-4-25.platform-eco-committed`.
pub fn default_name(ws: &Workspace) -> String {
    format!("{}-committed", ws.names.plan_slug())
}

/// Tags the tip of the working branch (the committed plan) as baseline `name` (default:
/// [`default_name`]) in `me`'s name at `now`. Fails with `AlreadyExists` for a name in use.
pub fn create(
    ws: &Workspace,
    name: Option<&str>,
    me: &Identity,
    now: DateTime<Utc>,
) -> Result<BaselineCreated> {
    let name = name.map_or_else(|| default_name(ws), str::to_owned);
    let working = ws.names.working();
    let message = format!("Baseline {name} of {}", ws.plan_file());
    let stamp = Stamp::new(me.clone(), When::utc(now.timestamp()));
    ws.repo.create_baseline(&name, &working, &message, &stamp)?;
    let committed = ws.repo.read_file(&working, &ws.plan_file())?;
    let on_disk = std::fs::read(ws.plan_path()?).ok();
    let published = if ws.repo.has_remote(ORIGIN) {
        let full = pi_git::baseline_ref(&name);
        ws.repo.push(ORIGIN, &[full.as_str()])?.into_result()?;
        true
    } else {
        false
    };
    let baseline =
        find(ws, &name)?.ok_or_else(|| pi_engine::EngineError::BaselineVanished(name.clone()))?;
    Ok(BaselineCreated {
        baseline,
        uncommitted_edits: on_disk.is_some() && on_disk != committed,
        published,
    })
}

/// The baselines whose commit holds this plan's file, sorted by name.
pub fn list(ws: &Workspace) -> Result<Vec<BaselineInfo>> {
    let file = ws.plan_file();
    let mut out = Vec::new();
    for b in ws.repo.baselines()? {
        if ws.repo.read_file_at(b.target, &file)?.is_some() {
            out.push(BaselineInfo {
                name: b.name,
                commit: b.target.to_string(),
                at: b.when.map(rfc3339),
                message: b.message,
            });
        }
    }
    Ok(out)
}

/// The baseline `name` of this plan.
pub fn find(ws: &Workspace, name: &str) -> Result<Option<BaselineInfo>> {
    Ok(list(ws)?.into_iter().find(|b| b.name == name))
}

/// The most recently tagged baseline of this plan (by tag time, then name).
pub fn latest(ws: &Workspace) -> Result<Option<BaselineInfo>> {
    let mut all = list(ws)?;
    all.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.name.cmp(&b.name)));
    Ok(all.pop())
}
