//! `save`: the app's save of an edited plan — the plan file written atomically and committed on
//! the working branch in the planner's name (`Pi-Source: local`), under the repository lock.
//!
//! It deliberately talks to no Targetprocess and merges nothing: pulling and pushing stay in
//! `pull`/`push`. History is never rewritten; undoing an edit is a new commit ([`restore`]).

use chrono::{DateTime, Utc};
use pi_git::{CommitMessage, Identity, Oid, RepoLock, Source, Stamp, Trailers, When};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::workspace::LOCK_WAIT;
use crate::workspace::{self, Workspace};

/// Commit subject of a saved edit.
pub const SAVE_SUBJECT: &str = "Edit the plan";
/// Commit subject of an undone edit.
pub const RESTORE_SUBJECT: &str = "Undo the last edit";

/// Writes `text` as the plan file and commits it on the working branch as `me` at `now`.
///
/// The text must parse as a plan. Returns the working branch tip: a new commit, or the same
/// tip when the file already had this content (no empty commit).
pub fn save(ws: &Workspace, me: &Identity, now: DateTime<Utc>, text: &str) -> Result<Oid> {
    commit_text(ws, me, now, text, SAVE_SUBJECT)
}

/// Like [`save`], for putting back an earlier text (undo): a new commit restoring it.
pub fn restore(ws: &Workspace, me: &Identity, now: DateTime<Utc>, text: &str) -> Result<Oid> {
    commit_text(ws, me, now, text, RESTORE_SUBJECT)
}

fn commit_text(
    ws: &Workspace,
    me: &Identity,
    now: DateTime<Utc>,
    text: &str,
    subject: &str,
) -> Result<Oid> {
    let file = ws.plan_file();
    workspace::parse(&file, text)?;
    let _lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
    write_atomic(&ws.plan_path()?, text)?;
    let message =
        CommitMessage::new(subject).with_trailers(Trailers::new().with_source(Source::Local));
    let change = pi_git::FileChange {
        path: &file,
        content: text.as_bytes(),
        message: &message,
    };
    let stamp = Stamp::new(me.clone(), When::utc(now.timestamp()));
    Ok(ws.repo.commit_file(&ws.names.working(), &change, &stamp)?)
}

/// Writes `text` over `typed`, the plan file as just read (both under the repository lock):
/// `typed` is committed first ("Edit the plan", so nothing typed is lost), then `text` is
/// committed with `message` and written to the file only while it still holds `typed` (git
/// compares contents): a save made since is never overwritten, the write fails with
/// `DirtyWorktree` and the save stays for the next step.
pub(crate) fn commit_over_typed(
    ws: &Workspace,
    typed: &str,
    text: &str,
    message: &CommitMessage,
    stamp: &Stamp,
) -> Result<Oid> {
    commit_typed(ws, typed, Source::Local, stamp)?;
    let change = pi_git::FileChange {
        path: &ws.plan_file(),
        content: text.as_bytes(),
        message,
    };
    Ok(ws.repo.commit_file(&ws.names.working(), &change, stamp)?)
}

/// Writes through a temporary file in the same folder and renames it over `path`.
pub(crate) fn write_atomic(path: &std::path::Path, text: &str) -> Result<()> {
    let io = |source: std::io::Error| EngineError::PlanFile {
        path: path.display().to_string(),
        writing: true,
        source,
    };
    crate::state::write_atomic(path, text.as_bytes()).map_err(io)
}

/// Uncommitted edits of the plan file are committed first (attributed to the user), so the merge
/// commit has clean parents and nothing typed is lost.
pub(crate) fn commit_local_edits(ctx: &Context<'_>, ws: &Workspace, text: &str) -> Result<()> {
    commit_typed(ws, text, ctx.source(), &ctx.stamp())
}

/// Commits `text`, the plan file as typed, on the working branch ("Edit the plan"; nothing when
/// the branch already holds it).
pub(crate) fn commit_typed(
    ws: &Workspace,
    text: &str,
    source: pi_git::Source,
    stamp: &pi_git::Stamp,
) -> Result<()> {
    let message =
        CommitMessage::new("Edit the plan").with_trailers(Trailers::new().with_source(source));
    let change = pi_git::FileChange {
        path: &ws.plan_file(),
        content: text.as_bytes(),
        message: &message,
    };
    ws.repo.commit_file(&ws.names.working(), &change, stamp)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_git::{BranchNames, PlanRepo};

    const PLAN: &str = "---\nformat: pi-plan/1\nart:\n  name: ART\nrelease:\n  name: PI 1\nteam:\n  name: Atlas\n---\n\n# PI 1 Plan - Atlas\n";

    /// A repository with one plan whose working branch is checked out.
    fn workspace(dir: &std::path::Path) -> Workspace {
        let repo = PlanRepo::init(dir).expect("init");
        let names = BranchNames::for_plan("PI 1", "Atlas");
        let first = CommitMessage::new("Start");
        let change = pi_git::FileChange {
            path: &names.plan_file(),
            content: PLAN.as_bytes(),
            message: &first,
        };
        let stamp = Stamp::new(Identity::new("Init", "init@example.com"), When::utc(0));
        repo.commit_file(&names.working(), &change, &stamp)
            .expect("first commit");
        repo.checkout_branch(&names.working()).expect("checkout");
        Workspace::open(dir).expect("workspace")
    }

    #[test]
    fn save_writes_and_commits_in_the_planners_name_and_restore_is_a_new_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(dir.path());
        let me = Identity::new("Ada Planner", "ada@example.com");
        let now = DateTime::from_timestamp(1_800_000_000, 0).expect("valid time");
        let edited = format!("{PLAN}\n## Notes\n\nDemo on Friday.\n");
        let saved = save(&ws, &me, now, &edited).expect("save");
        assert_eq!(ws.local_text().expect("file"), edited);
        let head = ws.repo.commit_info(&ws.names.working()).expect("tip");
        assert_eq!(head.id, saved);
        assert_eq!(head.author, me);
        assert_eq!(head.author_time, When::utc(1_800_000_000));
        assert_eq!(head.subject, SAVE_SUBJECT);
        assert_eq!(head.trailers.source(), Some(Source::Local));
        assert_eq!(save(&ws, &me, now, &edited).expect("same again"), saved);

        let undone = restore(&ws, &me, now, PLAN).expect("restore");
        let history = ws
            .repo
            .history(&ws.names.working(), &ws.plan_file(), None)
            .expect("history");
        let subjects: Vec<&str> = history.iter().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, [RESTORE_SUBJECT, SAVE_SUBJECT, "Start"]);
        assert_eq!(history[0].id, undone);
        assert_eq!(ws.local_text().expect("file"), PLAN);
        let uncommitted = ws.repo.has_uncommitted(&ws.plan_file());
        assert!(!uncommitted.expect("status"), "nothing left uncommitted");
    }

    #[test]
    fn a_text_that_does_not_parse_is_neither_written_nor_committed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ws = workspace(dir.path());
        let me = Identity::new("Ada Planner", "ada@example.com");
        let tip = ws.repo.resolve(&ws.names.working()).expect("tip");
        let err = save(&ws, &me, Utc::now(), "---\nrelease: [\n").expect_err("unparseable");
        assert!(matches!(err, EngineError::Parse { .. }), "{err:?}");
        assert_eq!(ws.local_text().expect("file"), PLAN);
        assert_eq!(ws.repo.resolve(&ws.names.working()).expect("tip"), tip);
    }
}
