//! The tracking branch: Targetprocess's state as the plan last saw it, committed with its
//! entity versions, authored by Targetprocess and attributed to the TP users who edited.

use pi_git::{BranchNames, CommitMessage, PlanRepo, Source, Trailers};
use pi_model::Workflows;
use pi_targetprocess::RemotePlan;

use crate::context::Context;
use crate::error::Result;
use crate::oplog::Actor;
use crate::state::{Versions, versions_path};
use crate::workflows::states_path;

/// Commits the fetched plan and its versions onto the tracking branch, authored by
/// Targetprocess, with a `Tp-Editor` trailer for each TP user who last edited an entity that
/// changed since the previous snapshot. Returns the tip (unchanged when TP's state is the same)
/// and those editors. A rendered plan that does not read back is not committed
/// ([`EngineError::UnreadableSnapshot`](crate::EngineError::UnreadableSnapshot)).
pub(crate) fn commit_tracking(
    repo: &PlanRepo,
    names: &BranchNames,
    remote: &RemotePlan,
    ctx: &Context<'_>,
    subject: &str,
) -> Result<(pi_git::Oid, Vec<String>)> {
    commit_tracking_with(repo, names, remote, None, ctx, subject)
}

/// [`commit_tracking`], with the account's workflows as read with the plan written beside it
/// (`.pi/<plan>.states.json`, see `workflows`); `None` keeps the states file the branch has.
pub(crate) fn commit_tracking_with(
    repo: &PlanRepo,
    names: &BranchNames,
    remote: &RemotePlan,
    states: Option<&Workflows>,
    ctx: &Context<'_>,
    subject: &str,
) -> Result<(pi_git::Oid, Vec<String>)> {
    let text = pi_format::render(&remote.plan);
    let where_ = format!("{}:{}", names.tracking(), names.plan_file());
    crate::snapshot::check(&text, "Targetprocess's state", &where_)?;
    let versions = Versions::from_remote(remote);
    let (plan_file, versions_file) = (names.plan_file(), versions_path(&names.plan_slug()));
    let editors = changed_editors(repo, names, &versions_file, &versions, remote)?;
    let mut trailers = Trailers::new().with_source(Source::Targetprocess);
    for editor in &editors {
        trailers.push(pi_git::keys::TP_EDITOR, editor);
    }
    let message = CommitMessage::new(subject).with_trailers(trailers);
    let versions = versions.to_json();
    let mut files: Vec<(&str, &[u8])> = vec![
        (plan_file.as_str(), text.as_bytes()),
        (versions_file.as_str(), versions.as_bytes()),
    ];
    let (states_file, states) = (
        states_path(&names.plan_slug()),
        states.map(Workflows::to_json),
    );
    if let Some(states) = &states {
        files.push((states_file.as_str(), states.as_bytes()));
    }
    let tip = repo.commit_files(&names.tracking(), &files, &message, &ctx.tp_stamp())?;
    Ok((tip, editors))
}

/// Distinct TP editors of the entities whose version differs from the tracking branch's.
fn changed_editors(
    repo: &PlanRepo,
    names: &BranchNames,
    versions_file: &str,
    now: &Versions,
    remote: &RemotePlan,
) -> Result<Vec<String>> {
    let Some(tip) = repo.branch_tip(&names.tracking())? else {
        return Ok(Vec::new());
    };
    let Some(bytes) = repo.read_file_at(tip, versions_file)? else {
        return Ok(Vec::new());
    };
    let before = Versions::from_json(versions_file, &String::from_utf8_lossy(&bytes))?;
    let mut editors: Vec<String> = now
        .entities
        .iter()
        .filter(|(id, v)| before.entities.get(id) != Some(v))
        .filter_map(|(id, _)| remote.editors.get(id).cloned())
        .collect();
    editors.sort();
    editors.dedup();
    Ok(editors)
}

/// Entries written by Targetprocess state are attributed to it and the TP users who edited.
pub(crate) fn tp_actor(editors: Vec<String>) -> Actor {
    Actor::Targetprocess { editors }
}
