//! The session's history side: the plan's versions with who made them, the comparison of any two
//! versions, what the plan holds that Targetprocess did not have at the last pull or push, and
//! the team's committed effort over time, and the conflicts found and resolved (the op log's). Each method reads the open workspace through
//! pi-engine's history (`history::changes`, `history::compare`, `baseline::list`) and turns the
//! result into the DTOs the History screen shows.
//!
//! It deliberately writes nothing: no commit, no tag, no file.

use std::collections::HashMap;

use pi_engine::Workspace;
use pi_git::{CommitInfo, Oid, Source};
use pi_model::Plan;
use pi_model::diff::effort_totals;
use pi_reports::history::{self, CommitRef, Rev};

use super::Session;
use super::sync::{in_workspace, workspace_dir};
use crate::dto::{
    BaselineDto, ComparisonDto, ConflictLogDto, EffortPointDto, EffortSeriesDto, HistoryDto,
    SyncChangeDto, VersionDto, VersionKindDto, change_line, who,
};
use crate::error::{ErrorCode, UiError};

/// At most this many versions are listed and charted (the newest ones).
pub const HISTORY_LIMIT: usize = 200;

/// At most this many change lines are listed per version.
const CHANGE_LINES: usize = 5;

impl Session {
    /// The plan's versions, newest first: every commit reachable from the working branch in which
    /// the plan changed (saves, teammates' edits, Targetprocess snapshots of pulls and pushes,
    /// merges that combined something new), at most [`HISTORY_LIMIT`], with the baselines.
    pub async fn history(&self) -> Result<HistoryDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        let me = inner.settings.identity.as_ref().map(|i| i.email.clone());
        in_workspace(dir, move |ws, _| versions(ws, me.as_deref(), HISTORY_LIMIT)).await
    }

    /// What differs from version `before` to version `after`. A version is `working` (the plan
    /// file), `tp` (Targetprocess at the last pull or push), `baseline:NAME`, or a commit id
    /// from [`Session::history`].
    pub async fn compare(&self, before: String, after: String) -> Result<ComparisonDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        in_workspace(dir, move |ws, _| {
            let before = parse_rev(ws, &before)?;
            let after = parse_rev(ws, &after)?;
            Ok(ComparisonDto::from(&history::compare(ws, &before, &after)?))
        })
        .await
    }

    /// The plan's conflicts as the shared op log tells them, newest found first: each found by a
    /// pull and, once resolved, who resolved it, when and how long it stayed open.
    pub async fn conflict_log(&self) -> Result<Vec<ConflictLogDto>, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        in_workspace(dir, move |ws, _| {
            let spans = pi_reports::conflicts::conflict_spans(ws)?;
            Ok(spans.iter().rev().map(ConflictLogDto::from).collect())
        })
        .await
    }

    /// The objectives and features of the plan file whose fields differ from the tracking branch
    /// (what Targetprocess had at the last pull or push), with the fields that differ.
    pub async fn sync_changes(&self) -> Result<Vec<SyncChangeDto>, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        in_workspace(dir, |ws, _| {
            let c = history::compare(ws, &Rev::Tracking, &Rev::Working)?;
            Ok(c.diff.entities.iter().map(SyncChangeDto::from).collect())
        })
        .await
    }

    /// The team's committed and total objective effort at each version of the working branch
    /// (its first-parent line: the planner's own plan, not Targetprocess's snapshots), oldest
    /// first, at most the newest [`HISTORY_LIMIT`] versions.
    pub async fn effort_series(&self) -> Result<EffortSeriesDto, UiError> {
        let inner = self.inner.lock().await;
        let dir = workspace_dir(&inner)?;
        let me = inner.settings.identity.as_ref().map(|i| i.email.clone());
        in_workspace(dir, move |ws, _| series(ws, me.as_deref(), HISTORY_LIMIT)).await
    }
}

/// The newest `limit` versions that changed the plan file. Only those commits are read and
/// compared: the walk stops at the first older one (`since`).
fn versions(ws: &Workspace, me: Option<&str>, limit: usize) -> Result<HistoryDto, UiError> {
    let working = ws.names.working();
    let file = ws.plan_file();
    let touched = git(ws.repo.history(&working, &file, Some(limit + 1)))?;
    let capped = touched.len() > limit;
    let since = touched.get(limit).map(|c| c.id);
    let mut changes = history::changes(ws, &working, since, None)?;
    changes.truncate(limit);
    let baselines = pi_reports::baseline::list(ws)?;
    let mut out = Vec::with_capacity(changes.len());
    for v in &changes {
        let info = git(ws.repo.commit_info(&v.commit.id))?;
        out.push(VersionDto {
            rev: v.commit.id.clone(),
            short_id: v.commit.short_id().to_owned(),
            at: v.commit.at.clone(),
            kind: kind_of(&info, me),
            who: who(&v.commit.who),
            editors: editors(&v.commit),
            by: (info.committer.email != info.author.email).then(|| info.committer.name.clone()),
            subject: v.commit.subject.clone(),
            baselines: tagging(&baselines, &v.commit.id),
            changes: v
                .changes
                .iter()
                .take(CHANGE_LINES)
                .map(change_line)
                .collect(),
            changed: u32::try_from(v.changes.len()).unwrap_or(u32::MAX),
        });
    }
    let committed = git(ws.repo.read_file(&working, &file))?;
    let on_disk = ws.local_text().ok().map(String::into_bytes);
    Ok(HistoryDto {
        versions: out,
        baselines: baselines
            .iter()
            .map(|b| BaselineDto {
                name: b.name.clone(),
                commit: b.commit.clone(),
                at: b.at.clone(),
            })
            .collect(),
        capped,
        limit: count(limit),
        uncommitted: on_disk.is_some() && on_disk != committed,
        failed_pushes: failed_pushes(ws)?,
    })
}

/// The pushes of the op log that failed with an error or of which Targetprocess refused a
/// change, newest first.
fn failed_pushes(ws: &Workspace) -> Result<Vec<crate::dto::AuditEventDto>, UiError> {
    use pi_reports::audit::AuditKind;
    let mut out: Vec<_> = pi_reports::audit::trail(ws)?
        .iter()
        .filter(|e| {
            e.kind == AuditKind::Push
                && (e.summary.starts_with("Push failed") || e.summary.contains("refused"))
        })
        .map(crate::dto::AuditEventDto::from)
        .collect();
    out.reverse();
    Ok(out)
}

/// One point per version of the working branch's first-parent line, newest `limit` ones; each
/// distinct plan text is parsed once.
fn series(ws: &Workspace, me: Option<&str>, limit: usize) -> Result<EffortSeriesDto, UiError> {
    let file = ws.plan_file();
    let baselines = pi_reports::baseline::list(ws)?;
    let mut sums: HashMap<Vec<u8>, (f64, f64)> = HashMap::new();
    let mut points: Vec<EffortPointDto> = Vec::new();
    let mut newer: Option<Vec<u8>> = None;
    let mut next = Some(git(ws.repo.resolve(&ws.names.working()))?);
    let mut capped = false;
    let mut team = None;
    while let Some(id) = next {
        let info = git(ws.repo.commit_info(&id.to_string()))?;
        next = info.parents.first().copied();
        let Some(bytes) = git(ws.repo.read_file_at(id, &file))? else {
            break;
        };
        // Listed newest first: a run of commits with the same text is one version, which the
        // oldest commit of the run made.
        if newer.as_ref() == Some(&bytes) {
            if let Some(last) = points.last_mut() {
                let mut older = point(&info, me, &baselines, last.committed, last.total);
                older.baselines.append(&mut last.baselines);
                *last = older;
            }
            continue;
        }
        if points.len() == limit {
            capped = true;
            break;
        }
        let (committed, total) = match sums.get(&bytes) {
            Some(s) => *s,
            None => {
                let plan = plan_of(id, &file, &bytes)?;
                if team.is_none() {
                    team = Some(plan.team.name.clone());
                }
                let s = sums_of(&plan);
                sums.insert(bytes.clone(), s);
                s
            }
        };
        points.push(point(&info, me, &baselines, committed, total));
        newer = Some(bytes);
    }
    points.reverse();
    Ok(EffortSeriesDto {
        team: team.unwrap_or_default(),
        points,
        capped,
        limit: count(limit),
    })
}

fn point(
    info: &CommitInfo,
    me: Option<&str>,
    baselines: &[pi_reports::baseline::BaselineInfo],
    committed: f64,
    total: f64,
) -> EffortPointDto {
    let commit = CommitRef::of(info);
    EffortPointDto {
        rev: commit.id.clone(),
        at: commit.at.clone(),
        kind: match kind_of(info, me) {
            // On the working branch's own line a pull or push is its merge commit.
            VersionKindDto::Merge if info.subject.contains("after push") => VersionKindDto::Push,
            VersionKindDto::Merge if info.subject.contains("Targetprocess") => VersionKindDto::Pull,
            kind => kind,
        },
        committed,
        total,
        baselines: tagging(baselines, &commit.id),
    }
}

/// Committed and total objective effort, as the comparison's effort totals count them.
fn sums_of(plan: &Plan) -> (f64, f64) {
    let team = effort_totals(&Plan::default(), plan).team;
    (team.committed.after, team.objectives.after)
}

fn plan_of(id: Oid, file: &str, bytes: &[u8]) -> Result<Plan, UiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        UiError::new(
            ErrorCode::PlanUnreadable,
            format!("The plan file in version {id} is not text."),
        )
    })?;
    Ok(pi_engine::workspace::parse(&format!("{id}:{file}"), text)?)
}

/// What made a commit, from its trailers, parents, author and subject.
fn kind_of(c: &CommitInfo, me: Option<&str>) -> VersionKindDto {
    match c.trailers.source() {
        Some(Source::Targetprocess) if c.subject.starts_with("Initial") => VersionKindDto::Import,
        Some(Source::Targetprocess) if c.subject.contains("after push") => VersionKindDto::Push,
        Some(Source::Targetprocess) => VersionKindDto::Pull,
        Some(Source::AutoSync) => VersionKindDto::AutoSync,
        Some(Source::Local) | None => {
            if c.parents.len() > 1 {
                VersionKindDto::Merge
            } else if me.is_some_and(|m| !m.eq_ignore_ascii_case(&c.author.email)) {
                VersionKindDto::Teammate
            } else if c.subject == pi_engine::save::RESTORE_SUBJECT {
                VersionKindDto::Undo
            } else if c.subject.starts_with("Record the Targetprocess ids") {
                VersionKindDto::Push
            } else if c.subject.starts_with("Resolve") {
                VersionKindDto::Resolve
            } else {
                VersionKindDto::Save
            }
        }
    }
}

fn editors(c: &CommitRef) -> Vec<String> {
    match &c.who {
        pi_engine::oplog::Actor::Targetprocess { editors } => editors.clone(),
        _ => Vec::new(),
    }
}

fn tagging(baselines: &[pi_reports::baseline::BaselineInfo], commit: &str) -> Vec<String> {
    baselines
        .iter()
        .filter(|b| b.commit == commit)
        .map(|b| b.name.clone())
        .collect()
}

/// A git error as the UI shows it (through the engine's mapping).
fn git<T>(r: Result<T, pi_git::GitError>) -> Result<T, UiError> {
    r.map_err(|e| pi_engine::EngineError::from(e).into())
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A version as the UI names it; anything else is refused before git is asked.
fn parse_rev(ws: &Workspace, text: &str) -> Result<Rev, UiError> {
    let t = text.trim();
    let unknown = || {
        UiError::new(
            ErrorCode::InvalidInput,
            format!("There is no version \"{t}\" of this plan."),
        )
        .hint("Pick the versions to compare from the History list.")
    };
    match Rev::parse(t) {
        Rev::Baseline(name) => {
            if pi_reports::baseline::find(ws, &name)?.is_none() {
                return Err(unknown());
            }
            Ok(Rev::Baseline(name))
        }
        Rev::Git(id) => {
            let hex = (4..=40).contains(&id.len()) && id.chars().all(|c| c.is_ascii_hexdigit());
            let found = if hex {
                git(ws.repo.try_resolve(&id))?
            } else {
                None
            };
            let reachable = match found {
                Some(commit) => git(ws.repo.read_file_at(commit, &ws.plan_file()))?.is_some(),
                None => false,
            };
            if !reachable {
                return Err(unknown());
            }
            Ok(Rev::Git(id))
        }
        rev => Ok(rev),
    }
}

#[cfg(test)]
#[path = "session_history_tests.rs"]
mod tests;
