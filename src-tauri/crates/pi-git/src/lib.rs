//! pi-git: the git layer under the PI Planner sync engine.
//!
//! It keeps a plan as a markdown file on two branches per (release, team): the machine-owned
//! tracking branch (`pi/tp/...`, the last Targetprocess state seen, i.e. the merge base) and the
//! planner's working branch (`pi/plan/...`). It writes attributed commits (identity, injected
//! time, `Pi-Source`/`Tp-Editor`/`Pi-Op` trailers) to any branch without disturbing the working
//! tree, creates two-parent merge commits from content merged elsewhere, reads files and history,
//! keeps append-only logs (op log, approvals) under `refs/pi/*`, tags baselines, fetches and
//! pushes with compare-and-swap semantics and serialises processes with a repo lock.
//!
//! It deliberately does not parse plans, merge plan content, talk to Targetprocess, read the
//! clock or environment, or print anything: those belong to pi-format, pi-model and pi-engine.
//! See `docs/git-layout.md` for the layout it maintains.

mod ancestry;
mod baseline;
mod commit;
mod config;
mod error;
mod history;
mod lock;
mod log;
mod message;
mod names;
mod remote;
mod repo;
mod tree;
mod worktree;

pub use baseline::Baseline;
pub use commit::FileChange;
pub use error::{GitError, RejectedRef, Result};
pub use git2::Oid;
pub use history::CommitInfo;
pub use lock::{LOCK_FILE, RepoLock};
pub use log::{LogEntry, entry_path};
pub use message::{CommitMessage, Identity, Source, Stamp, Trailers, When, keys};
pub use names::{
    BranchNames, MAX_SLUG_BYTES, TRACKING_PREFIX, WORKING_PREFIX, bare_slug, baseline_ref,
};
pub use remote::{PushReport, fetch_refspecs, remote_branch_ref, remote_pi_ref};
pub use repo::{INITIAL_BRANCH, PlanRepo};
