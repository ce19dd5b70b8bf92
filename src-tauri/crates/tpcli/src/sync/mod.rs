//! `tpcli plan init | pull | push | status | resolve | rollback | resume | log`: the sync
//! workflow, one module per subcommand, each a thin layer over pi-engine; progress on stderr,
//! results on stdout.

pub mod connect;
pub mod init;
pub mod log;
pub mod progress;
pub mod pull;
pub mod push;
pub mod resolve;
pub mod rollback;
pub mod status;
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

/// A runtime for one command.
pub fn block_on<F: std::future::Future>(f: F) -> anyhow::Result<F::Output> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok(rt.block_on(f))
}

/// The workspace in `repo` and a client for its Targetprocess account.
pub fn open(
    repo: &RepoArgs,
    tp: &connect::TpArgs,
) -> anyhow::Result<(pi_engine::Workspace, pi_targetprocess::TpClient)> {
    let ws = pi_engine::Workspace::open(&repo.repo)?;
    let url = ws.base()?.plan.meta.tp_url;
    let client = connect::client(tp, url.as_deref())?;
    Ok((ws, client))
}
