//! `init`: fetch a team's plan for a release from Targetprocess and start a plan repository
//! around it — tracking branch (TP's state), working branch (the team's), first op-log entry.

use std::path::{Path, PathBuf};

use pi_git::{BranchNames, PlanRepo, RepoLock};
use pi_targetprocess::{RemotePlan, Summary};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::oplog::{self, OpEntry, OpKind};
use crate::stories::{self, StoriesRefresh, StorySource};
use crate::tracker::Tracker;
use crate::tracking::commit_tracking_with;
use crate::workspace::LOCK_WAIT;

/// What to initialise.
#[derive(Debug, Clone)]
pub struct InitRequest {
    /// The folder: empty, missing, or an existing repository.
    pub dir: PathBuf,
    pub release: String,
    pub team: String,
    /// A shared remote to push the plan's branches and logs to (added as `origin`).
    pub remote: Option<String>,
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    pub plan_file: PathBuf,
    pub tracking: String,
    pub working: String,
    pub objectives: usize,
    pub features: usize,
    pub pushed_to: Option<String>,
    /// The shared remote already had this plan: its history was taken instead of a new one.
    pub joined: bool,
    /// What the inbound boundary had to cut or flatten in Targetprocess's data (see
    /// `RemotePlan::warnings`), for the planner to see.
    pub warnings: Vec<String>,
    /// What Targetprocess had that the plan could not place or map (see
    /// `RemotePlan::notices`): never left out without a word.
    pub notices: Vec<pi_targetprocess::Notice>,
    /// The stories under the features' Jira epics: read, or why not. `None`: no story source,
    /// or a teammate's plan was joined (its stories come with its history).
    pub jira: Option<StoriesRefresh>,
}

pub async fn init(ctx: &Context<'_>, req: &InitRequest) -> Result<InitReport> {
    init_with(ctx, req, None).await
}

/// [`init`], with the stories under the features' Jira epics read from `stories` and written
/// under the features.
#[tracing::instrument(name = "init", skip_all, fields(release = %req.release, team = %req.team))]
pub async fn init_with(
    ctx: &Context<'_>,
    req: &InitRequest,
    stories: Option<&dyn StorySource>,
) -> Result<InitReport> {
    let (release_id, team_id) = locate(ctx.tp, &req.release, &req.team).await?;
    let (remote, states) = futures::join!(
        ctx.tp.fetch_team_plan(release_id, team_id),
        ctx.tp.workflows()
    );
    let mut remote = remote?;
    let states = crate::workflows::settle(states, &mut remote);
    // The shown form: a user name, password or query never reaches the front matter.
    remote.plan.meta.tp_url = Some(ctx.tp.account_url());
    std::fs::create_dir_all(&req.dir)?;
    let repo = open_or_init(&req.dir)?;
    let names = BranchNames::for_plan(&remote.plan.release.name, &remote.plan.team.name);
    let _lock = RepoLock::acquire(&repo, LOCK_WAIT)?;
    crate::account::record_for(&repo, &names.plan_slug(), &ctx.tp.account_url())?;
    if let Some(url) = &req.remote
        && join(ctx, &repo, &names, url)?
    {
        return report(&repo, &names, &remote, Some(url.clone()), true, None);
    }
    if repo.branch_tip(&names.tracking())?.is_some() {
        return Err(EngineError::AlreadyInitialized {
            release: remote.plan.release.name.clone(),
            team: remote.plan.team.name.clone(),
            branch: names.tracking(),
        });
    }
    if repo.branch_tip(&names.working())?.is_some() {
        return Err(EngineError::AlreadyInitialized {
            release: remote.plan.release.name.clone(),
            team: remote.plan.team.name.clone(),
            branch: names.working(),
        });
    }
    if repo.try_resolve("HEAD")?.is_some() {
        repo.create_branch(&names.tracking(), "HEAD")?;
    }
    let fetched = stories::fetch(stories, &remote.plan).await;
    let read = fetched.as_ref().map(|f| &f.0);
    stories::settle(&mut remote.plan, &pi_model::Plan::default(), read);
    commit_tracking_with(
        &repo,
        &names,
        &remote,
        states.as_ref(),
        ctx,
        "Initial plan from Targetprocess",
    )?;
    repo.create_branch(&names.working(), &names.tracking())?;
    repo.checkout_branch(&names.working())?;
    let entry = OpEntry {
        id: format!("init-{}", ctx.now.timestamp()),
        kind: OpKind::Init,
        actor: crate::oplog::Actor::of(ctx),
        at: ctx.at(),
        summary: format!(
            "Started the plan of {} for {} from Targetprocess",
            remote.plan.team.name, remote.plan.release.name
        ),
        writes: vec![],
        created: vec![],
        conflicts: Vec::new(),
    };
    oplog::append(&repo, &names.oplog_ref(), &entry, &ctx.stamp())?;
    let pushed_to = match &req.remote {
        Some(url) => Some(publish(&repo, &names, url)?),
        None => None,
    };
    report(
        &repo,
        &names,
        &remote,
        pushed_to,
        false,
        fetched.map(|f| f.1),
    )
}

fn report(
    repo: &PlanRepo,
    names: &BranchNames,
    remote: &RemotePlan,
    pushed_to: Option<String>,
    joined: bool,
    jira: Option<StoriesRefresh>,
) -> Result<InitReport> {
    let workdir = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    Ok(InitReport {
        plan_file: workdir.join(names.plan_file()),
        tracking: names.tracking(),
        working: names.working(),
        objectives: remote.plan.objectives.len(),
        features: remote.plan.features().count(),
        pushed_to,
        joined,
        warnings: remote.warnings.clone(),
        notices: remote.notices.clone(),
        jira,
    })
}

/// When the shared remote already holds this plan (a teammate started it), takes its branches
/// and op log instead of starting a second history. Returns whether it did.
fn join(ctx: &Context<'_>, repo: &PlanRepo, names: &BranchNames, url: &str) -> Result<bool> {
    if !repo.has_remote(crate::remote::ORIGIN) {
        repo.add_remote(crate::remote::ORIGIN, url)?;
    }
    repo.fetch(crate::remote::ORIGIN)?;
    let theirs =
        |branch: &str| repo.ref_target(&pi_git::remote_branch_ref(crate::remote::ORIGIN, branch));
    let (Some(tracking), Some(working)) = (theirs(&names.tracking())?, theirs(&names.working())?)
    else {
        return Ok(false);
    };
    if repo.branch_tip(&names.working())?.is_some() {
        return Ok(false);
    }
    let (file, branch) = (names.plan_file(), names.tracking());
    crate::account::check_theirs(ctx, repo, &file, &branch, None, tracking)?;
    repo.fast_forward(&names.tracking(), tracking)?;
    repo.fast_forward(&names.working(), working)?;
    repo.checkout_branch(&names.working())?;
    let log = names.oplog_ref();
    repo.integrate_log(&log, &pi_git::remote_pi_ref(crate::remote::ORIGIN, &log))?;
    Ok(true)
}

fn open_or_init(dir: &Path) -> Result<PlanRepo> {
    match PlanRepo::open(dir) {
        Ok(repo) => Ok(repo),
        Err(pi_git::GitError::NotARepo { .. }) => Ok(PlanRepo::init(dir)?),
        Err(e) => Err(e.into()),
    }
}

/// Adds `url` as `origin` (if missing) and pushes the plan's branches and op log there.
pub(crate) fn publish(repo: &PlanRepo, names: &BranchNames, url: &str) -> Result<String> {
    if !repo.has_remote(crate::remote::ORIGIN) {
        repo.add_remote(crate::remote::ORIGIN, url)?;
    }
    let refs = [
        format!("refs/heads/{}", names.tracking()),
        format!("refs/heads/{}", names.working()),
        names.oplog_ref(),
    ];
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    repo.push(crate::remote::ORIGIN, &refs)?.into_result()?;
    Ok(url.to_owned())
}

/// The TP ids of a release and a team given by name (case-insensitive), searched across ARTs.
pub async fn locate(tp: &dyn Tracker, release: &str, team: &str) -> Result<(i64, i64)> {
    let arts = tp.list_arts().await?;
    let mut all_teams = Vec::new();
    for art in &arts {
        let teams = tp.list_teams(art.id).await?;
        if let Some(t) = find(&teams, team) {
            let releases = tp.list_releases(art.id).await?;
            let r = find(&releases, release).ok_or_else(|| EngineError::NotFound {
                what: "release",
                name: release.to_owned(),
                known: names(&releases),
            })?;
            return Ok((r.id, t.id));
        }
        all_teams.extend(teams);
    }
    Err(EngineError::NotFound {
        what: "team",
        name: team.to_owned(),
        known: names(&all_teams),
    })
}

fn find<'a>(items: &'a [Summary], name: &str) -> Option<&'a Summary> {
    items
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case(name.trim()))
}

fn names(items: &[Summary]) -> String {
    items
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
