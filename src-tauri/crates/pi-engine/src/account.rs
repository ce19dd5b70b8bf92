//! Which Targetprocess account a plan belongs to, and who may change it.
//!
//! The plan's front matter names its account (`tp_url`), but the front matter is repository data:
//! a teammate can push any URL in it. A credential must only go to the address the planner
//! configured. So the clone keeps the URL it was set up for in its own, unshared state
//! (`.git/pi-planner/<plan>/tp-url`, written by init and join and whenever the planner names a
//! URL explicitly), and integrating a teammate's branch whose plan names another account is
//! refused ([`EngineError::AccountChanged`]) unless the client was configured for that account.
//!
//! It deliberately does not pick credentials: the caller (tpcli, the app) decides which token
//! goes to which URL, using [`configured_url`].

use std::path::Path;

use pi_git::{Oid, PlanRepo};
use pi_targetprocess::config::{same_account, shown_url};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::workspace::Workspace;

const FILE: &str = "tp-url";

/// The Targetprocess URL this clone was set up for, if one is recorded.
pub fn configured_url(ws: &Workspace) -> Result<Option<String>> {
    let path = ws.local_dir()?.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text.trim().to_owned()).filter(|u| !u.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(EngineError::State {
            path: path.display().to_string(),
            message: e.to_string(),
        }),
    }
}

/// Records `url` (in its shown form: no credentials or query) as the URL this clone uses.
pub fn record_url(ws: &Workspace, url: &str) -> Result<()> {
    record_in(&ws.local_dir()?, url)
}

/// [`record_url`] for a repository and plan before a [`Workspace`] exists (init).
pub(crate) fn record_for(repo: &PlanRepo, plan_slug: &str, url: &str) -> Result<()> {
    record_in(&crate::state::local_dir(repo.git_dir(), plan_slug)?, url)
}

fn record_in(dir: &Path, url: &str) -> Result<()> {
    let shown = shown_url(url);
    let path = dir.join(FILE);
    if std::fs::read_to_string(&path).is_ok_and(|t| t.trim() == shown) {
        return Ok(());
    }
    crate::state::write_atomic(&path, format!("{shown}\n").as_bytes())?;
    Ok(())
}

/// The Targetprocess URL in the plan file of commit `id`, if the file is there, parses and
/// names one.
fn url_at(repo: &PlanRepo, id: Oid, file: &str) -> Result<Option<String>> {
    let Some(bytes) = repo.read_file_at(id, file)? else {
        return Ok(None);
    };
    Ok(pi_format::parse(&String::from_utf8_lossy(&bytes))
        .ok()
        .and_then(|parsed| parsed.plan.meta.tp_url))
}

/// Refuses to take in `theirs` (the tip of `branch` on the shared remote) when its plan names
/// another Targetprocess account than ours (`ours`: our tip of the branch) and than the one
/// the client is configured for. Nothing to take in (theirs is already ours) is no check.
pub(crate) fn check_theirs(
    ctx: &Context<'_>,
    repo: &PlanRepo,
    file: &str,
    branch: &str,
    ours: Option<Oid>,
    theirs: Oid,
) -> Result<()> {
    if let Some(ours) = ours
        && repo.is_ancestor(theirs, ours)?
    {
        return Ok(());
    }
    let Some(their_url) = url_at(repo, theirs, file)? else {
        return Ok(());
    };
    let configured = ctx.tp.account_url();
    let our_url = match ours {
        Some(id) => url_at(repo, id, file)?,
        None => None,
    };
    let known = |url: &str| same_account(&their_url, url);
    if known(&configured) || our_url.as_deref().is_some_and(known) {
        return Ok(());
    }
    Err(EngineError::AccountChanged {
        branch: branch.to_owned(),
        from: shown_url(our_url.as_deref().unwrap_or(&configured)),
        to: shown_url(&their_url),
    })
}
