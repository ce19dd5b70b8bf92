//! The session's train view: every team plan of an ART for a PI, kept where `tpcli plan
//! sync-all --art` keeps them — one repository per team, `<plans folder>/trains/<ART>/<team
//! slug>` (`pi_engine::train::art::team_dir`) — their standing (pi-reports' train status),
//! "Sync all" (the engine's train set-up and `sync_train`) with progress per team, and batch
//! resolution (pi-reports' `batch_resolve`, as `tpcli plan resolve --art` makes it).
//!
//! The train's plans sit in a folder of their own, beside the plans the app opens one at a
//! time, so a team is never counted twice. It deliberately holds no sync or merge rule.

use std::path::{Path, PathBuf};

use pi_approvals::ApprovalError;
use pi_engine::train::art::team_dir;
use pi_engine::train::{ArtRequest, PlanSync, Setup, TrainOptions, set_up, sync_train};
use pi_engine::{EngineError, PushOutcome, StorySource, Workspace};
use pi_model::merge::{EntityKind, Resolution};
use pi_reports::train::{Approvals, BatchFilter, TeamStatus, TrainStatus};

use super::sync::{blocking, context};
use super::{Session, identity_of, read_plan, view};
use crate::dto::{
    BatchConflictDto, BlockingFindingDto, ConflictDto, KeepDto, LastOpDto, OpenRequest, PickItem,
    PlanView, PushBlockerDto, TeamRowDto, TeamSyncDto, TrainProgressDto, TrainRequest,
    TrainResolveDto, TrainResolveRequest, TrainStatusDto, TrainSyncDto, WorkspaceDto,
};
use crate::error::{ErrorCode, UiError};
use crate::files::SavedConnection;
use crate::words::count;

/// Receives the steps of "Sync all".
pub type TrainProgress<'a> = &'a (dyn Fn(TrainProgressDto) + Send + Sync);

impl Session {
    /// The folder holding the ART's team plans (one repository per team).
    fn train_root(&self, connection: &SavedConnection, art: &str) -> PathBuf {
        self.workspace_folder(connection)
            .join("trains")
            .join(super::slug(art))
    }

    /// A row per team of the ART for the PI; teams whose plan is not in the train's folder
    /// yet are "not started". Reads no plan from Targetprocess (only the ART's teams).
    pub async fn train_status(&self, req: TrainRequest) -> Result<TrainStatusDto, UiError> {
        let (client, root) = {
            let mut inner = self.inner.lock().await;
            let client = self.client(&mut inner).await?;
            let root = self.train_root(&inner.settings.connection, &req.art.name);
            (client, root)
        };
        let teams = client.list_teams(req.art.id).await?;
        let (art, release) = (req.art.name.clone(), req.release.name.clone());
        let folder = root.display().to_string();
        let rows = blocking(move |_| {
            let status = read_train(&root, &art)?;
            Ok(teams
                .into_iter()
                .map(|team| row(&root, &release, &status, PickItem::from(team)))
                .collect())
        })
        .await?;
        Ok(TrainStatusDto {
            art: req.art.name,
            release: req.release.name,
            folder,
            teams: rows,
        })
    }

    /// "Sync all": every team's plan opened or started in its folder, then all of them pulled
    /// and pushed together (one client, shared reads); progress per team.
    pub async fn train_sync(
        &self,
        req: TrainRequest,
        progress: TrainProgress<'_>,
    ) -> Result<TrainSyncDto, UiError> {
        let mut inner = self.inner.lock().await;
        let me = identity_of(&inner.settings)?;
        let client = self.client(&mut inner).await?;
        let jira = self.story_source(&mut inner)?;
        let config = self.new_repo_config(&inner.settings.connection);
        let art_req = ArtRequest {
            art: req.art.name.clone(),
            release: Some(req.release.name.clone()),
            teams: Vec::new(),
            root: self.train_root(&inner.settings.connection, &req.art.name),
            remote: inner.settings.remote.clone(),
        };
        progress(TrainProgressDto::LookingUp);
        let now = chrono::Utc::now();
        let train = pi_engine::train::find_train(&*client, &art_req, now).await?;
        std::fs::create_dir_all(&art_req.root)
            .map_err(|e| crate::error::file_error("the train's folder", &e))?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<TrainProgressDto>();
        let work = blocking(move |rt| {
            let tell = |p: TrainProgressDto| {
                // The receiver lives until "Sync all" ends.
                let _ = tx.send(p);
            };
            let ctx = context(&client, &me, false);
            let release = train.release.name.as_str();
            let remote = art_req.remote.as_deref();
            let setups = train.teams.iter().map(|team| {
                let dir = team_dir(&art_req.root, release, &team.name);
                tell(TrainProgressDto::SettingUp {
                    team: team.name.clone(),
                });
                let ctx = &ctx;
                async move { (team, set_up(ctx, &dir, release, &team.name, remote).await) }
            });
            let setups = rt.block_on(futures::future::join_all(setups));
            let mut ready = Vec::new();
            let mut results: Vec<(String, Result<Setup, UiError>)> = Vec::new();
            for (team, setup) in setups {
                let setup = setup.map_err(UiError::from).and_then(|(ws, how)| {
                    if how == Setup::Started
                        && let Some(text) = &config
                    {
                        crate::demo_config::add_to(&ws, &me, now, text).map_err(|e| {
                            UiError::new(
                                ErrorCode::WorkspaceProblem,
                                format!("The plan settings could not be added to the plan: {e}"),
                            )
                        })?;
                    }
                    tell(TrainProgressDto::Syncing {
                        team: team.name.clone(),
                    });
                    ready.push(ws);
                    Ok(how)
                });
                results.push((team.name.clone(), setup));
            }
            let jira = jira.as_deref();
            let stories_of = move |_: &Workspace| jira.map(|j| j as &dyn StorySource);
            let opts = TrainOptions {
                push: true,
                yes: false,
                stories: Some(&stories_of),
            };
            let mut synced = rt.block_on(sync_train(&ctx, &ready, &opts))?.into_iter();
            let teams: Vec<TeamSyncDto> = results
                .into_iter()
                .map(|(team, setup)| {
                    let (ok, message, blocker) = match setup {
                        Err(e) => (
                            false,
                            format!("Could not be opened or started: {}", e.message),
                            None,
                        ),
                        Ok(how) => match synced.next() {
                            Some(s) => team_words(how, s),
                            None => (false, "Was not synced.".to_owned(), None),
                        },
                    };
                    tell(TrainProgressDto::Done {
                        team: team.clone(),
                        ok,
                        message: message.clone(),
                    });
                    TeamSyncDto {
                        team,
                        ok,
                        message,
                        blocker,
                    }
                })
                .collect();
            Ok(teams)
        });
        let forward = async {
            while let Some(step) = rx.recv().await {
                progress(step);
            }
        };
        let (teams, ()) = tokio::join!(work, forward);
        let teams = teams?;
        inner.undo.clear();
        Ok(TrainSyncDto {
            summary: sync_summary(&teams),
            teams,
        })
    }

    /// The conflicts `req` settles across the train, team by team; with `apply`, each settled
    /// in its team's plan in the planner's name.
    pub async fn train_resolve(
        &self,
        req: TrainResolveRequest,
        apply: bool,
    ) -> Result<TrainResolveDto, UiError> {
        let (me, root) = {
            let inner = self.inner.lock().await;
            let me = identity_of(&inner.settings)?;
            (
                me,
                self.train_root(&inner.settings.connection, &req.art.name),
            )
        };
        let filter = BatchFilter {
            field: req.field.as_deref().map(field_of).transpose()?,
            kind: req.kind.as_deref().map(kind_of).transpose()?,
            team: req.team.clone().filter(|t| !t.trim().is_empty()),
        };
        let resolution = match req.keep {
            KeepDto::Local => Resolution::KeepLocal,
            KeepDto::Remote => Resolution::KeepRemote,
            KeepDto::Both => Resolution::KeepBoth,
        };
        let (art, release) = (req.art.name, req.release.name);
        blocking(move |_| {
            let mut train = read_train(&root, &art)?;
            train
                .teams
                .retain(|t| t.release.eq_ignore_ascii_case(&release));
            let me_of = |_: &Path| Ok(me.clone());
            let apply = apply.then_some(&me_of as pi_reports::train::Resolver<'_>);
            let picked =
                pi_reports::train::batch_resolve(&root, &train, &filter, &resolution, apply);
            Ok(resolve_words(picked, apply.is_some()))
        })
        .await
    }

    /// Opens the team's plan of the train (started by "Sync all") in the editor.
    pub async fn train_team_open(&self, req: OpenRequest) -> Result<PlanView, UiError> {
        let mut inner = self.inner.lock().await;
        let root = self.train_root(&inner.settings.connection, &req.art.name);
        let dir = team_dir(&root, &req.release.name, &req.team.name);
        let release = req.release.name.clone();
        let path = blocking(move |_| {
            let ws = Workspace::open(&dir).map_err(|_| not_started())?;
            let header = ws.base_header()?;
            if !header.release.name.eq_ignore_ascii_case(&release) {
                return Err(not_started());
            }
            Ok(ws.plan_path()?)
        })
        .await?;
        let client = self.client(&mut inner).await?;
        let text = read_plan(&path)?;
        super::edit::refresh_users_quietly(&client, &path).await;
        inner.undo.clear();
        inner.settings.workspace = Some(WorkspaceDto {
            art: req.art,
            release: req.release,
            team: req.team,
            plan_file: path.to_string_lossy().into_owned(),
        });
        self.persist(&inner.settings)?;
        blocking(move |_| view(&path, &text, false)).await
    }
}

/// The train's plans under `root`; none when the folder does not exist yet.
fn read_train(root: &Path, art: &str) -> Result<TrainStatus, UiError> {
    if !root.is_dir() {
        return Ok(TrainStatus {
            art: art.to_owned(),
            teams: Vec::new(),
            skipped: Vec::new(),
        });
    }
    Ok(pi_reports::train::train_status(root, art)?)
}

/// The team's row: its plan for `release` in its folder under `root`, else "not started".
fn row(root: &Path, release: &str, status: &TrainStatus, team: PickItem) -> TeamRowDto {
    let dir = team_dir(root, release, &team.name);
    let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    let found = status
        .teams
        .iter()
        .find(|t| Some(&t.dir) == folder.as_ref() && t.release.eq_ignore_ascii_case(release));
    let Some(t) = found else {
        return TeamRowDto {
            team,
            started: false,
            pending_changes: 0,
            conflicts: 0,
            last_pull: None,
            last_push: None,
            approvals: "—".to_owned(),
            validation_errors: 0,
            committed_effort: 0.0,
            problem: None,
            needs_attention: false,
        };
    };
    TeamRowDto {
        team,
        started: true,
        pending_changes: n(t.pending_changes),
        conflicts: n(t.conflicts.len()),
        last_pull: t.last_pull.as_ref().map(last_op),
        last_push: t.last_push.as_ref().map(last_op),
        approvals: approvals_words(&t.approvals),
        validation_errors: n(t.validation_errors.len()),
        committed_effort: t.effort.committed,
        problem: problem(t),
        needs_attention: t.needs_attention,
    }
}

fn last_op(op: &pi_reports::train::LastOp) -> LastOpDto {
    LastOpDto {
        who: op.who.clone(),
        at: op.at.clone(),
    }
}

fn approvals_words(a: &Approvals) -> String {
    match a {
        Approvals::NotRequired => "Not required".to_owned(),
        Approvals::NothingToApprove => "Nothing to approve".to_owned(),
        Approvals::Met {
            approvals,
            required,
        } => format!("Approved ({approvals} of {required})"),
        Approvals::Waiting { missing } => format!("Waiting: {missing}"),
    }
}

fn problem(t: &TeamStatus) -> Option<String> {
    if let Some(p) = &t.file_problem {
        return Some(format!("The plan file cannot be read: {p}"));
    }
    if t.unfinished_push > 0 {
        return Some(format!(
            "A push was interrupted: {} to finish in the team's plan.",
            count(t.unfinished_push, "change", "changes")
        ));
    }
    (t.refused > 0).then(|| {
        format!(
            "Targetprocess refused {} of the last push.",
            count(t.refused, "change", "changes")
        )
    })
}

/// Whether the team is done, what happened in words, and what stops its push.
fn team_words(how: Setup, s: PlanSync) -> (bool, String, Option<PushBlockerDto>) {
    let started = match how {
        Setup::Started => "Plan started from Targetprocess. ",
        Setup::Joined => "Plan taken from the shared repository. ",
        Setup::Opened | Setup::Switched => "",
    };
    let (ok, what, blocker) = match (s.pull, s.push) {
        (Err(e), _) => (
            false,
            format!("Pull failed: {}", UiError::from(e).message),
            None,
        ),
        (Ok(_), None) => (true, "Pulled.".to_owned(), None),
        (Ok(_), Some(Err(EngineError::PlanBusy { by, until, .. }))) => (
            false,
            format!("Not pushed: {by} is pushing this plan (until {until})."),
            Some(PushBlockerDto::LeaseHeld { by, until }),
        ),
        (Ok(_), Some(Err(EngineError::Approval(ref e))))
            if let ApprovalError::NotApproved(status) = &**e =>
        {
            (
                false,
                "Not pushed: the change waits for sign-off.".to_owned(),
                Some(PushBlockerDto::AwaitingApproval {
                    missing: status.missing(),
                }),
            )
        }
        (Ok(_), Some(Err(e))) => (
            false,
            format!("Push failed: {}", UiError::from(e).message),
            None,
        ),
        (Ok(_), Some(Ok(outcome))) => {
            let (ok, what) = push_words(&outcome);
            (ok, what, blocker_of(&outcome))
        }
    };
    (ok, format!("{started}{what}"), blocker)
}

/// What in a push's outcome stops it and sends the planner into the team's plan.
fn blocker_of(outcome: &PushOutcome) -> Option<PushBlockerDto> {
    match outcome {
        PushOutcome::Blocked { conflicts } => Some(PushBlockerDto::Conflicts {
            count: n(*conflicts),
        }),
        PushOutcome::BlockedByValidation { findings } => Some(PushBlockerDto::ValidationErrors {
            findings: findings.iter().map(BlockingFindingDto::from).collect(),
        }),
        PushOutcome::AwaitingApproval { status } => Some(PushBlockerDto::AwaitingApproval {
            missing: status.missing(),
        }),
        _ => None,
    }
}

fn push_words(outcome: &PushOutcome) -> (bool, String) {
    match outcome {
        PushOutcome::Pushed(r) => (
            true,
            format!("Pushed {}.", crate::words::changes(r.ops.len())),
        ),
        PushOutcome::NothingToPush { .. } | PushOutcome::Preview { .. } => {
            (true, "Up to date.".to_owned())
        }
        PushOutcome::Blocked { conflicts } => (
            false,
            format!("{} to settle.", count(*conflicts, "conflict", "conflicts")),
        ),
        PushOutcome::BlockedByValidation { findings } => (
            false,
            format!(
                "Not pushed: {} in the plan.",
                count(findings.len(), "validation error", "validation errors")
            ),
        ),
        PushOutcome::NeedsConfirmation { .. } => (
            false,
            "Not pushed: deletions wait for confirmation in the team's plan.".to_owned(),
        ),
        PushOutcome::RemoteChanged { .. } => (
            false,
            "Not pushed: Targetprocess changed meanwhile; sync again.".to_owned(),
        ),
        PushOutcome::AwaitingApproval { .. } => (
            false,
            "Not pushed: the change waits for sign-off.".to_owned(),
        ),
    }
}

fn sync_summary(teams: &[TeamSyncDto]) -> String {
    let attention = teams.iter().filter(|t| !t.ok).count();
    let synced = count(teams.len() - attention, "team", "teams");
    if attention == 0 {
        format!("{synced} synced.")
    } else {
        format!(
            "{synced} synced; {} need attention.",
            count(attention, "team", "teams")
        )
    }
}

fn resolve_words(picked: Vec<pi_reports::train::BatchConflict>, applied: bool) -> TrainResolveDto {
    let teams: std::collections::BTreeSet<&str> = picked.iter().map(|c| c.team.as_str()).collect();
    let in_teams = count(teams.len(), "team", "teams");
    let all = count(picked.len(), "conflict", "conflicts");
    let summary = if picked.is_empty() {
        "No conflict matches: nothing to settle.".to_owned()
    } else if applied {
        let done = picked.iter().filter(|c| c.resolved).count();
        format!("Settled {done} of {all} in {in_teams}.")
    } else {
        format!("Would settle {all} in {in_teams}.")
    };
    let conflicts = picked
        .iter()
        .map(|c| {
            let shown = ConflictDto::from(&c.conflict);
            BatchConflictDto {
                team: c.team.clone(),
                what: format!("{} of {} “{}”", shown.label, shown.kind, shown.name),
                resolved: c.resolved,
                error: c.error.clone(),
            }
        })
        .collect();
    TrainResolveDto {
        applied,
        conflicts,
        summary,
    }
}

fn field_of(name: &str) -> Result<pi_model::Field, UiError> {
    serde_json::from_value(serde_json::Value::String(name.trim().to_owned())).map_err(|_| {
        UiError::new(
            ErrorCode::InvalidInput,
            format!("\"{}\" is not a field of a plan.", name.trim()),
        )
        .hint("Choose a field from the list, or every field.")
    })
}

fn kind_of(name: &str) -> Result<EntityKind, UiError> {
    match name.trim() {
        "objective" => Ok(EntityKind::Objective),
        "feature" => Ok(EntityKind::Feature),
        other => Err(UiError::new(
            ErrorCode::InvalidInput,
            format!("\"{other}\" is neither objectives nor features."),
        )),
    }
}

fn not_started() -> UiError {
    UiError::new(
        ErrorCode::NoPlan,
        "This team's plan is not in the train's folder yet.",
    )
    .hint("Use \"Sync all\" to start every team's plan.")
}

fn n(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

#[path = "session_train_report.rs"]
mod report;

#[cfg(test)]
#[path = "session_train_tests.rs"]
mod tests;
