//! Reaching Jira for the stories under the features' epics: the site from `[jira]` in
//! `pi-planner.toml`; the credentials from `JIRA_TOKEN` (with `JIRA_EMAIL` on Jira Cloud), else
//! the OS keychain entry `tpcli auth login --jira URL` stored for the site — never a flag. With
//! no `[jira]` section nothing here talks to Jira.
//!
//! The keychain entry is the service `pi-planner`, the account `jira:` followed by the site's
//! address, and a JSON value `{"email": ..., "token": ...}` (no e-mail for a Data Center
//! personal access token).
//!
//! Credentials go only to the site the planner agreed to. `[jira] url` is repository data a
//! teammate can change, so the clone keeps the site it uses in its own, unshared state
//! (`.git/pi-planner/jira-url`: recorded at first use, by `tpcli auth login --jira URL` and when
//! `JIRA_URL` names the site), and a `[jira] url` naming another site gets no credentials — not
//! `JIRA_TOKEN`, not the keychain's — until the planner confirms it (see [`trust`]).

use std::path::Path;

use anyhow::{Context as _, Result, anyhow, bail};
use pi_engine::StoriesRefresh;
use pi_jira::{JiraClient, JiraConfig, JiraCredentials};
use pi_model::JiraSettings;
use pi_targetprocess::config::same_account;
use serde::{Deserialize, Serialize};

use crate::auth::{KEYCHAIN_SERVICE, KeychainProblem};

/// What a pull or init gets for Jira.
#[derive(Debug)]
pub enum Access {
    /// No `[jira]`: no stories are read.
    Off,
    /// `[jira]` is set but no client can be built (no credentials, a bad address): the stories
    /// are not refreshed and this says why.
    Unusable(StoriesRefresh),
    Client(Box<JiraClient>),
}

impl Access {
    /// The story source to hand to the engine.
    pub fn source(&self) -> Option<&dyn pi_engine::StorySource> {
        match self {
            Self::Client(c) => Some(c.as_ref()),
            _ => None,
        }
    }

    /// The engine's report on the stories, or why there was no source to read them from.
    pub fn outcome(&self, engine: Option<StoriesRefresh>) -> Option<StoriesRefresh> {
        match self {
            Self::Unusable(why) => Some(why.clone()),
            _ => engine,
        }
    }
}

/// Jira for the repository of the plan in `ws`.
pub fn access(ws: &pi_engine::Workspace) -> Result<Access> {
    let state = ws.local_dir()?.parent().map(Path::to_path_buf);
    Ok(access_for(
        pi_engine::approvals::repo_config(ws)?.jira,
        state.as_deref(),
    ))
}

/// Jira for the repository that `dir` will be (init): its `pi-planner.toml`, if any.
pub fn access_at(dir: &Path) -> Result<Access> {
    let path = dir.join(pi_model::CONFIG_FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let state = git2::Repository::open(dir)
                .ok()
                .map(|r| r.path().join("pi-planner"));
            Ok(access_for(
                pi_model::RepoConfig::from_toml_str(&text)
                    .map_err(|e| anyhow!("{}: {e}", path.display()))?
                    .jira,
                state.as_deref(),
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Access::Off),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// `state`: the clone's `.git/pi-planner` (none before init made the repository).
fn access_for(settings: Option<JiraSettings>, state: Option<&Path>) -> Access {
    let Some(settings) = settings else {
        return Access::Off;
    };
    match trust(&settings.url, state).and_then(|()| client(&settings)) {
        Ok(c) => Access::Client(Box::new(c)),
        Err(e) => Access::Unusable(StoriesRefresh::NotRefreshed {
            message: "Jira stories not refreshed: no usable Jira connection".into(),
            detail: format!("{e:#}"),
        }),
    }
}

/// The file under `.git/pi-planner` naming the Jira site this clone agreed to.
const SITE_FILE: &str = "jira-url";

/// Whether credentials may go to `url` (`[jira] url`) from the clone whose local state is
/// `state`: `JIRA_URL` naming the same site confirms and records it; with nothing recorded
/// the site is recorded (first use); a recorded site other than `url` is refused with how to
/// confirm the change. Without `state` (before init made the repository) nothing is recorded.
fn trust(url: &str, state: Option<&Path>) -> Result<()> {
    let url = account(url);
    let given = std::env::var("JIRA_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if let Some(given) = given {
        if !same_account(&given, &url) {
            bail!(
                "{} names Jira {url} but JIRA_URL is {}; no Jira credentials are sent to either: make them agree",
                pi_model::CONFIG_FILE_NAME,
                account(&given)
            );
        }
        return state.map_or(Ok(()), |dir| record_site(dir, &url));
    }
    let Some(dir) = state else { return Ok(()) };
    match recorded_site(dir)? {
        Some(recorded) if same_account(&recorded, &url) => Ok(()),
        Some(recorded) => bail!(
            "[jira] url in {} is now {url} but this clone was set up for Jira {recorded}; the address comes from the shared repository, so no Jira credentials are sent to it. If the change is intended, confirm it with `tpcli auth login --jira {url}` (or run once with JIRA_URL={url})",
            pi_model::CONFIG_FILE_NAME
        ),
        None => {
            record_site(dir, &url)?;
            eprintln!(
                "Jira: this clone now sends Jira credentials to {url} ([jira] url); a later change of that address is refused until you confirm it."
            );
            Ok(())
        }
    }
}

/// The Jira site recorded in `state` (`.git/pi-planner`), if any.
fn recorded_site(state: &Path) -> Result<Option<String>> {
    let path = state.join(SITE_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text.trim().to_owned()).filter(|u| !u.is_empty())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Records `url` as the Jira site of the clone whose local state is `state` (through a
/// temporary file renamed over the old one).
fn record_site(state: &Path, url: &str) -> Result<()> {
    let url = account(url);
    if recorded_site(state)?.is_some_and(|r| r == url) {
        return Ok(());
    }
    std::fs::create_dir_all(state).with_context(|| format!("cannot create {}", state.display()))?;
    let path = state.join(SITE_FILE);
    let tmp = state.join(format!(".{SITE_FILE}.saving"));
    std::fs::write(&tmp, format!("{url}\n"))
        .and_then(|()| std::fs::rename(&tmp, &path))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// After init made the repository at `dir`: the site that init's Jira access used (read
/// before the repository existed, so not recorded then) becomes the clone's, unless one is
/// recorded already.
pub fn remember_after_init(dir: &Path, access: &Access) -> Result<()> {
    let (Access::Client(_), Ok(repo)) = (access, git2::Repository::open(dir)) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(dir.join(pi_model::CONFIG_FILE_NAME)).unwrap_or_default();
    let Some(settings) = pi_model::RepoConfig::from_toml_str(&text)
        .ok()
        .and_then(|c| c.jira)
    else {
        return Ok(());
    };
    let state = repo.path().join("pi-planner");
    if recorded_site(&state)?.is_none() {
        record_site(&state, &settings.url)?;
    }
    Ok(())
}

/// Records `url` as the Jira site of the clone around `dir`, when `dir` is in one; the clone's
/// folder when it was recorded (`tpcli auth login --jira URL`).
pub fn confirm_site(dir: &Path, url: &str) -> Result<Option<std::path::PathBuf>> {
    let Ok(repo) = git2::Repository::discover(dir) else {
        return Ok(None);
    };
    record_site(&repo.path().join("pi-planner"), url)?;
    Ok(Some(
        repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf(),
    ))
}

fn client(settings: &JiraSettings) -> Result<JiraClient> {
    let url = account(&settings.url);
    let mut config = JiraConfig::new(&settings.url, credentials(&url)?)
        .with_context(|| format!("[jira] url {url}"))?;
    config.deployment = settings.deployment;
    if let Some(name) = &settings.story_points_field {
        config.story_points_names = vec![name.clone()];
    }
    if let Some(name) = &settings.epic_link_field {
        config.epic_link_names = vec![name.clone()];
    }
    Ok(JiraClient::new(config)?)
}

/// `JIRA_TOKEN` (Basic with `JIRA_EMAIL` when set, else a Bearer personal access token), else
/// the keychain's entry for `url`.
fn credentials(url: &str) -> Result<JiraCredentials> {
    let env = |k: &str| {
        std::env::var(k)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some(token) = env("JIRA_TOKEN") {
        return Ok(match env("JIRA_EMAIL") {
            Some(email) => JiraCredentials::Cloud {
                email,
                api_token: token,
            },
            None => JiraCredentials::Pat { token },
        });
    }
    let how = format!(
        "set JIRA_TOKEN (and JIRA_EMAIL on Jira Cloud) or run `tpcli auth login --jira {url}`"
    );
    match stored(url) {
        Ok(Some(s)) => Ok(s.credentials()),
        Ok(None) => bail!("no Jira credentials for {url}: {how}"),
        Err(p) => bail!("no Jira credentials for {url} ({p}): {how}"),
    }
}

/// What the keychain keeps for a Jira site.
#[derive(Serialize, Deserialize)]
pub struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub token: String,
}

impl Stored {
    pub fn credentials(self) -> JiraCredentials {
        match self.email {
            Some(email) => JiraCredentials::Cloud {
                email,
                api_token: self.token,
            },
            None => JiraCredentials::Pat { token: self.token },
        }
    }
}

/// The shown form of a Jira address: no user name, password, query or trailing `/`.
pub fn account(url: &str) -> String {
    pi_targetprocess::config::shown_url(url)
}

fn entry(url: &str) -> Result<keyring::Entry, KeychainProblem> {
    keyring::Entry::new(KEYCHAIN_SERVICE, &format!("jira:{}", account(url)))
        .map_err(|e| crate::auth::problem(&e))
}

/// The credentials stored for `url`, `Ok(None)` when there are none.
pub fn stored(url: &str) -> Result<Option<Stored>, KeychainProblem> {
    match entry(url)?.get_password() {
        // An entry this version cannot read counts as none: login again replaces it.
        Ok(value) => Ok(serde_json::from_str(&value).ok()),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(crate::auth::problem(&e)),
    }
}

/// Stores `value` for `url`.
pub fn store(url: &str, value: &Stored) -> Result<(), KeychainProblem> {
    let text = serde_json::to_string(value).map_err(|_| KeychainProblem::Refused)?;
    entry(url)?
        .set_password(&text)
        .map_err(|e| crate::auth::problem(&e))
}

/// Removes the entry of `url`; whether there was one.
pub fn remove(url: &str) -> Result<bool, KeychainProblem> {
    match entry(url)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(crate::auth::problem(&e)),
    }
}

/// Checks that Jira at `url` accepts `value` (serverInfo, the field list): what login stores.
pub fn check(url: &str, value: &Stored) -> Result<String> {
    let creds = Stored {
        email: value.email.clone(),
        token: value.token.clone(),
    }
    .credentials();
    let mut config =
        JiraConfig::new(url, creds).with_context(|| format!("bad Jira URL {}", account(url)))?;
    config.retry.max_retries = 1;
    let client = JiraClient::new(config)?;
    let (deployment, _) = crate::sync::block_on(client.check())?.with_context(|| {
        format!(
            "{} did not accept the credentials; nothing was stored",
            account(url)
        )
    })?;
    Ok(match deployment {
        pi_model::JiraDeployment::Cloud => "Jira Cloud".to_owned(),
        pi_model::JiraDeployment::Datacenter => "Jira Data Center".to_owned(),
    })
}
