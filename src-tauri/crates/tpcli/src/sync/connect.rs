//! Connecting to Targetprocess and knowing who acts: the URL from `--tp-url`, `TP_URL` or the
//! plan; the token from `TP_TOKEN` (never a flag: command lines are visible to other users);
//! the identity from git config.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use pi_git::Identity;
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// Options every command that talks to Targetprocess takes.
#[derive(Debug, Args, Clone)]
pub struct TpArgs {
    /// Targetprocess account URL, e.g. https://acme.tpondemand.com. Default: $TP_URL, else the
    /// URL recorded in the plan. The access token is read from $TP_TOKEN.
    #[arg(long, value_name = "URL", env = "TP_URL")]
    pub tp_url: Option<String>,
}

/// A client for `args.tp_url`, else `plan_url`.
pub fn client(args: &TpArgs, plan_url: Option<&str>) -> Result<TpClient> {
    let url = args
        .tp_url
        .as_deref()
        .or(plan_url)
        .context("no Targetprocess URL: pass --tp-url URL or set TP_URL")?;
    let token = std::env::var("TP_TOKEN").unwrap_or_default();
    if token.trim().is_empty() {
        bail!(
            "no Targetprocess access token: set TP_TOKEN (create one in Targetprocess under your profile → Access Tokens)"
        );
    }
    let config = TpConfig::new(url, Credentials::AccessToken(token))
        .with_context(|| format!("bad Targetprocess URL {url:?}"))?;
    Ok(TpClient::new(config)?)
}

/// The git identity commits are attributed to: the repository's (or global) user.name and
/// user.email.
pub fn identity(dir: &Path) -> Result<Identity> {
    let config = match git2::Repository::discover(dir) {
        Ok(repo) => repo.config(),
        Err(_) => git2::Config::open_default(),
    }
    .context("cannot read git config")?;
    let name = config
        .get_string("user.name")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let email = config
        .get_string("user.email")
        .ok()
        .filter(|s| !s.trim().is_empty());
    match (name, email) {
        (Some(n), Some(e)) => Ok(Identity::new(n, e)),
        _ => bail!(
            "who is making this change? set it once with `git config --global user.name \"Your Name\"` and `git config --global user.email you@example.com`"
        ),
    }
}
