//! Connecting to Targetprocess and knowing who acts: the URL from `--tp-url` or `TP_URL`, else
//! the URL this clone was set up for (recorded at init, kept in `.git/pi-planner/`), else the
//! plan's own; the token from `TP_TOKEN`, else the OS keychain entry `tpcli auth login` (or the
//! app) stored for the URL — never a flag: command lines are visible to other users; the identity
//! from `GIT_AUTHOR_*` or git config.
//!
//! A token goes only to the URL it was given for. The plan's front matter is repository data a
//! teammate can change, so `TP_TOKEN` (which names no URL) never goes to a URL read from it, and a
//! front matter naming another account than the one this clone was set up for is refused.

use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::Args;
use pi_engine::Workspace;
use pi_git::Identity;
use pi_model::TpSchema;
use pi_targetprocess::config::{clean_base_url, display_url, same_account, shown_url};
use pi_targetprocess::{Credentials, TpClient, TpConfig};

/// Options every command that talks to Targetprocess takes.
#[derive(Debug, Args, Clone)]
pub struct TpArgs {
    /// Targetprocess account URL, e.g. https://acme.tpondemand.com. Default: $TP_URL, else the
    /// URL this clone was set up for. The access token is $TP_TOKEN, else the one `tpcli auth
    /// login` stored in the OS keychain for the URL. A URL given here is remembered by the clone.
    #[arg(long, value_name = "URL", env = "TP_URL")]
    pub tp_url: Option<String>,
}

/// Where the URL requests go to came from; it decides which tokens may go there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// `--tp-url` or `TP_URL`: the planner's own word.
    Given,
    /// Recorded by this clone at init, or when a URL was last given.
    Recorded,
    /// Only the plan's front matter (a clone set up before URLs were recorded, or by `git
    /// clone`): only a keychain token stored for exactly this URL goes there.
    Plan,
}

/// The Targetprocess URL to talk to, in its shown form (no credentials or query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: String,
    source: Source,
}

impl Target {
    /// The URL, in its shown form.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// A client for the Targetprocess URL of `ws` (see [`target`]) with the schema names of its
/// repository's `[tp]` section.
pub fn client(args: &TpArgs, ws: &Workspace) -> Result<TpClient> {
    client_at(&target(args, Some(ws))?, schema_of(ws)?)
}

/// A client for `target` with the token that may go there, speaking `schema`.
pub fn client_at(target: &Target, schema: TpSchema) -> Result<TpClient> {
    let token = token_for(target)?;
    let mut config = TpConfig::new(&target.url, Credentials::AccessToken(token))
        .with_context(|| format!("bad Targetprocess URL {}", target.url))?;
    config.schema = schema;
    Ok(TpClient::new(config)?)
}

/// The `[tp]` schema names of the plan's repository (`pi-planner.toml`; the defaults without it).
pub fn schema_of(ws: &Workspace) -> Result<TpSchema> {
    Ok(pi_engine::approvals::repo_config(ws)?.tp)
}

/// The `[tp]` schema names of the repository that `dir` will be (init): its `pi-planner.toml`
/// when there is one already.
pub fn schema_at(dir: &Path) -> Result<TpSchema> {
    let path = dir.join(pi_model::CONFIG_FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(pi_model::RepoConfig::from_toml_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            .tp),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TpSchema::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The URL for `ws`: the given one (recorded for the clone), else the recorded one, else the
/// plan's. A plan naming another account than the recorded one is refused.
pub fn target(args: &TpArgs, ws: Option<&Workspace>) -> Result<Target> {
    if let Some(given) = args.tp_url.as_deref().filter(|u| !u.trim().is_empty()) {
        let url = given_url(given)?;
        if let Some(ws) = ws {
            pi_engine::account::record_url(ws, &url)?;
        }
        return Ok(Target {
            url,
            source: Source::Given,
        });
    }
    let ws = ws.context("no Targetprocess URL: pass --tp-url URL or set TP_URL")?;
    // The front matter alone: it reads even when a snapshot's body does not (verify --repair).
    let plan = ws
        .base_header()?
        .meta
        .tp_url
        .filter(|u| !u.trim().is_empty());
    match (pi_engine::account::configured_url(ws)?, plan) {
        (Some(recorded), Some(plan)) if !same_account(&recorded, &plan) => bail!(
            "the plan names Targetprocess {} but this clone was set up for {recorded}; the plan's address comes from the shared repository, so no token is sent to it. To use it deliberately, run again with --tp-url {}",
            shown_url(&plan),
            shown_url(&plan)
        ),
        (Some(url), _) => Ok(Target {
            url,
            source: Source::Recorded,
        }),
        (None, Some(plan)) => Ok(Target {
            url: shown_url(&plan),
            source: Source::Plan,
        }),
        (None, None) => bail!("no Targetprocess URL: pass --tp-url URL or set TP_URL"),
    }
}

/// One URL for every plan of `plans` (sync-all): the given one, else each plan's must name the
/// same account.
pub fn common_target(args: &TpArgs, plans: &[(&Path, &Workspace)]) -> Result<Target> {
    let mut first: Option<(Target, &Path)> = None;
    for (dir, ws) in plans {
        let target = target(args, Some(ws)).with_context(|| dir.display().to_string())?;
        match &first {
            Some((t, first_dir)) if !same_account(&t.url, &target.url) => bail!(
                "{} is a plan of {} but {} of {}: sync each Targetprocess account on its own",
                dir.display(),
                target.url,
                first_dir.display(),
                t.url
            ),
            Some(_) => {}
            None => first = Some((target, dir)),
        }
    }
    first
        .map(|(t, _)| t)
        .context("no plans given: name at least one plan folder")
}

/// A URL the planner gave, without user name, password or query (with a warning when it had
/// any: they are never used, stored or shown).
fn given_url(given: &str) -> Result<String> {
    let (url, dropped) = clean_base_url(given)
        .with_context(|| format!("bad Targetprocess URL {}", shown_url(given)))?;
    let url = display_url(&url);
    if dropped.any() {
        let what = match (dropped.credentials, dropped.query) {
            (true, true) => "a user name or password and a query",
            (true, false) => "a user name or password",
            _ => "a query or fragment",
        };
        eprintln!(
            "warning: the Targetprocess URL carried {what}; dropped, using {url} (the token comes from TP_TOKEN or the keychain, never from the URL)"
        );
    }
    Ok(url)
}

/// `TP_TOKEN` when set and `target` is a URL the planner configured, else the keychain's token
/// for the URL; an error that says how to log in.
fn token_for(target: &Target) -> Result<String> {
    let url = &target.url;
    if let Some(token) = std::env::var("TP_TOKEN")
        .ok()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
    {
        if target.source == Source::Plan {
            bail!(
                "TP_TOKEN is only sent to a Targetprocess URL you configured, and this clone has none recorded (only the plan names {url}, and the plan comes from the shared repository): run once with --tp-url {url} (or set TP_URL); the clone remembers it"
            );
        }
        return Ok(token);
    }
    let how = format!(
        "run `tpcli auth login --tp-url {url}` (keeps the token in your keychain) or set TP_TOKEN; create a token in Targetprocess under your profile → Access Tokens"
    );
    match crate::auth::stored_token(url) {
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
