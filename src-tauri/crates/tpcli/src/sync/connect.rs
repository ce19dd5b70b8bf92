//! Connecting to Targetprocess and knowing who acts: the URL from `--tp-url`, `TP_URL` or the
//! plan; the token from `TP_TOKEN`, else the OS keychain entry `tpcli auth login` (or the app)
//! stored for the URL — never a flag: command lines are visible to other users; the identity
//! from `GIT_AUTHOR_*` or git config.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use pi_git::Identity;
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// Options every command that talks to Targetprocess takes.
#[derive(Debug, Args, Clone)]
pub struct TpArgs {
    /// Targetprocess account URL, e.g. https://acme.tpondemand.com. Default: $TP_URL, else the
    /// URL recorded in the plan. The access token is $TP_TOKEN, else the one `tpcli auth login`
    /// stored in the OS keychain for the URL.
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
    let token = token_for(url)?;
    let config = TpConfig::new(url, Credentials::AccessToken(token))
        .with_context(|| format!("bad Targetprocess URL {url:?}"))?;
    Ok(TpClient::new(config)?)
}

/// `TP_TOKEN` when set, else the keychain's token for `url`; an error that says how to log in.
fn token_for(url: &str) -> Result<String> {
    if let Some(token) = std::env::var("TP_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
    {
        return Ok(token);
    }
    let url = crate::auth::account(url);
    let how = format!(
        "run `tpcli auth login --tp-url {url}` (keeps the token in your keychain) or set TP_TOKEN; create a token in Targetprocess under your profile → Access Tokens"
    );
    match crate::auth::stored_token(&url) {
        Ok(Some(token)) if !token.trim().is_empty() => Ok(token.trim().to_owned()),
        Ok(_) => bail!("no Targetprocess access token for {url}: {how}"),
        Err(problem) => {
            bail!("no Targetprocess access token for {url} ({problem}): {how}")
        }
    }
}

/// The git identity commits are attributed to: `GIT_AUTHOR_NAME` / `GIT_AUTHOR_EMAIL` when set
/// (as git itself honours them), else the repository's (or global) user.name and user.email.
pub fn identity(dir: &Path) -> Result<Identity> {
    let env = |k: &str| std::env::var(k).ok().filter(|s| !s.trim().is_empty());
    if let (Some(name), Some(email)) = (env("GIT_AUTHOR_NAME"), env("GIT_AUTHOR_EMAIL")) {
        return Ok(Identity::new(name, email));
    }
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
