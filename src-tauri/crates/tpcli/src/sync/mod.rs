//! `tpcli plan init | pull | push | sync-all | status | resolve | rollback | resume | log |
//! verify`: the sync workflow, one module per subcommand, each a thin layer over pi-engine;
//! progress on stderr, results on stdout.

pub mod approve;
pub mod audit;
pub mod baseline;
pub mod calendar;
pub mod connect;
pub mod decompose;
pub mod diff;
pub mod digest;
pub mod discard;
pub mod init;
pub mod jira;
pub mod lint;
pub mod log;
pub mod meter;
pub mod new;
pub mod notify;
pub mod progress;
pub mod propose;
pub mod pull;
pub mod push;
pub mod report;
pub mod resolve;
pub mod review;
pub mod rollback;
pub mod stats;
pub mod status;
pub mod sync_all;
pub mod sync_art;
pub mod train;
pub mod verify;
pub mod watch;
pub mod watch_train;
mod words;

use std::path::PathBuf;

use clap::Args;

/// Where the plan repository is.
#[derive(Debug, Args, Clone)]
pub struct RepoArgs {
    /// The plan repository (or a folder inside it). Default: the current folder.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
}

/// Runs `f` on the process's one async runtime (two worker threads, built on first use): every
/// engine call of a command — and of a train's several plans — shares it. The engine is async
/// (HTTP); tpcli's commands are plain functions that block here, the one boundary between the two
/// (docs/decisions/0007-one-runtime-per-process.md).
pub fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt.block_on(f));
    }
    let built = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok(RUNTIME.get_or_init(|| built).block_on(f))
}

/// A plan workspace, a client for its Targetprocess account, and who acts.
pub struct Session {
    pub ws: pi_engine::Workspace,
    pub tp: pi_targetprocess::TpClient,
    pub me: pi_git::Identity,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("plan", &self.ws.plan_file())
            .finish_non_exhaustive()
    }
}

impl Drop for Session {
    /// The operation's metrics take the client's counters when the session ends, however it ends.
    fn drop(&mut self) {
        meter::tp_used(&self.tp);
    }
}

impl Session {
    /// The engine context for an operation starting now.
    pub fn ctx(&self, auto_sync: bool) -> pi_engine::Context<'_> {
        pi_engine::Context {
            tp: &self.tp,
            me: &self.me,
            now: chrono::Utc::now(),
            auto_sync,
            progress: None,
        }
    }
}

/// The workspace in `repo`, a client for its Targetprocess account (`--tp-url`/`TP_URL`, else
/// the URL the clone was set up for, see `connect`) and the acting git identity.
pub fn open(repo: &RepoArgs, tp: &connect::TpArgs) -> anyhow::Result<Session> {
    let ws = pi_engine::Workspace::open(&repo.repo)?;
    meter::opened(&ws);
    notify::opened(&ws);
    let tp = connect::client(tp, &ws)?;
    let me = connect::identity(&repo.repo)?;
    Ok(Session { ws, tp, me })
}
