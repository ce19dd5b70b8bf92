//! Jira in the app: the Connect screen's Jira part ("Test connection", connect, forget) and the
//! Jira client a plan's stories, lint and decompose use.
//!
//! The site is kept in the app's settings; the e-mail and token only in the OS keychain, under
//! the account `jira:<site>` as the JSON `{"email", "token"}` that `tpcli auth login --jira`
//! keeps too. Credentials go only to the site the planner connected: a plan whose `[jira] url`
//! names another site gets none (decision 0018). Without a connected Jira the demo uses its own.

use std::path::Path;
use std::sync::Arc;

use pi_jira::{ConfigError, JiraClient, JiraConfig, JiraCredentials, JiraError};
use pi_model::{JiraDeployment, JiraSettings};
use serde::{Deserialize, Serialize};

use super::{Inner, Session};
use crate::dto::{JiraCheckDto, JiraConnectRequest, JiraStatusDto};
use crate::error::{ErrorCode, UiError};
use crate::files::{SavedConnection, Settings};

/// How a plan reaches Jira.
pub(super) enum JiraAccess {
    /// No Jira connected and no demo: nothing Jira happens.
    Off,
    /// A Jira is connected but cannot be used for this plan; why, in words.
    Unusable(String),
    Client(Arc<JiraClient>),
}

/// What the keychain keeps for a Jira site.
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    token: String,
}

impl Stored {
    fn credentials(self) -> JiraCredentials {
        match self.email {
            Some(email) => JiraCredentials::Cloud {
                email,
                api_token: self.token,
            },
            None => JiraCredentials::Pat { token: self.token },
        }
    }
}

/// The keychain account of a Jira site's credentials.
fn keychain_account(url: &str) -> String {
    format!("jira:{url}")
}

/// The shown form of a Jira address: no user name, password, query or trailing `/`.
fn shown(url: &str) -> String {
    pi_targetprocess::config::shown_url(url.trim())
}

impl Session {
    /// Which Jira the app uses.
    pub async fn jira_status(&self) -> JiraStatusDto {
        jira_status_of(&self.inner.lock().await.settings)
    }

    /// Checks that Jira at `req.url` accepts the credentials (its server info and field list);
    /// stores nothing.
    pub async fn jira_test(&self, req: &JiraConnectRequest) -> Result<JiraCheckDto, UiError> {
        let (url, stored) = entered(req)?;
        let kind = check(&url, &stored).await?;
        Ok(JiraCheckDto { url, kind })
    }

    /// Tests the connection, then keeps the credentials in the OS keychain and uses this Jira
    /// from now on.
    pub async fn jira_save(&self, req: &JiraConnectRequest) -> Result<JiraStatusDto, UiError> {
        let (url, stored) = entered(req)?;
        check(&url, &stored).await?;
        let value = serde_json::to_string(&stored).map_err(|_| {
            UiError::new(
                ErrorCode::Keychain,
                "The Jira credentials could not be prepared for the keychain.",
            )
        })?;
        self.credentials.save(&keychain_account(&url), &value)?;
        let mut inner = self.inner.lock().await;
        if let Some(old) = inner.settings.jira.replace(url.clone())
            && old != url
        {
            self.credentials.delete(&keychain_account(&old))?;
        }
        inner.jira = None;
        self.persist(&inner.settings)?;
        Ok(jira_status_of(&inner.settings))
    }

    /// Removes the Jira credentials from the keychain and stops using that Jira.
    pub async fn jira_forget(&self) -> Result<JiraStatusDto, UiError> {
        let mut inner = self.inner.lock().await;
        if let Some(url) = inner.settings.jira.take() {
            self.credentials.delete(&keychain_account(&url))?;
        }
        inner.jira = None;
        self.persist(&inner.settings)?;
        Ok(jira_status_of(&inner.settings))
    }

    /// How the plan in `plan_dir` reaches Jira: the connected Jira, with the plan's `[jira]`
    /// deployment and field names when its `url` is the same site (refused when it names
    /// another); else the demo's Jira in the demo; else none.
    pub(super) fn jira_for(
        &self,
        inner: &mut Inner,
        plan_dir: &Path,
    ) -> Result<JiraAccess, UiError> {
        let Some(url) = inner.settings.jira.clone() else {
            return Ok(match self.story_source(inner)? {
                Some(demo) => JiraAccess::Client(demo),
                None => JiraAccess::Off,
            });
        };
        let settings = plan_jira(plan_dir);
        if let Some(s) = &settings
            && !pi_targetprocess::config::same_account(&s.url, &url)
        {
            return Ok(JiraAccess::Unusable(format!(
                "The plan's settings name the Jira {}, not the one connected on this computer ({url}), so nothing is sent there. If your team moved to it, connect to it in Settings.",
                shown(&s.url)
            )));
        }
        let Some(value) = self.credentials.load(&keychain_account(&url))? else {
            return Ok(JiraAccess::Unusable(format!(
                "No Jira credentials are stored for {url}. Connect to Jira again in Settings."
            )));
        };
        let Ok(stored) = serde_json::from_str::<Stored>(&value) else {
            return Ok(JiraAccess::Unusable(format!(
                "The Jira credentials stored for {url} cannot be read. Connect to Jira again in Settings."
            )));
        };
        let mut config =
            JiraConfig::new(&url, stored.credentials()).map_err(|e| config_error(&url, &e))?;
        if let Some(s) = settings {
            config.deployment = s.deployment;
            if let Some(name) = s.story_points_field {
                config.story_points_names = vec![name];
            }
            if let Some(name) = s.epic_link_field {
                config.epic_link_names = vec![name];
            }
        }
        let client = JiraClient::new(config).map_err(|e| config_error(&url, &e))?;
        Ok(JiraAccess::Client(Arc::new(client)))
    }

    /// The connected Jira as the story source of the plan in `plan_dir`; `None` when none is
    /// connected or it cannot be used for this plan (said in the log).
    pub(super) fn connected_story_source(
        &self,
        inner: &mut Inner,
        plan_dir: &Path,
    ) -> Option<Arc<JiraClient>> {
        inner.settings.jira.as_ref()?;
        match self.jira_for(inner, plan_dir) {
            Ok(JiraAccess::Client(c)) => Some(c),
            Ok(JiraAccess::Unusable(why)) => {
                tracing::warn!("Jira stories not read: {why}");
                None
            }
            Ok(JiraAccess::Off) => None,
            Err(e) => {
                tracing::warn!("Jira stories not read: {e}");
                None
            }
        }
    }
}

fn jira_status_of(settings: &Settings) -> JiraStatusDto {
    JiraStatusDto {
        url: settings.jira.clone(),
        demo: settings.jira.is_none() && matches!(settings.connection, SavedConnection::Demo),
    }
}

/// `[jira]` of the plan repository at `dir`, if it has one that reads.
fn plan_jira(dir: &Path) -> Option<JiraSettings> {
    let text = std::fs::read_to_string(dir.join(pi_model::CONFIG_FILE_NAME)).ok()?;
    pi_model::RepoConfig::from_toml_str(&text).ok()?.jira
}

/// The site and credentials typed on the Connect screen.
fn entered(req: &JiraConnectRequest) -> Result<(String, Stored), UiError> {
    let url = shown(&req.url);
    if req.url.trim().is_empty() {
        return Err(UiError::new(
            ErrorCode::InvalidInput,
            "Enter the address of your Jira.",
        ));
    }
    let token = req.token.trim();
    if token.is_empty() {
        return Err(UiError::new(
            ErrorCode::InvalidInput,
            "Enter your Jira API token (or personal access token).",
        ));
    }
    let email = Some(req.email.trim().to_owned()).filter(|e| !e.is_empty());
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(UiError::new(
            ErrorCode::InvalidInput,
            "The e-mail address is missing its @.",
        )
        .hint("On Jira Data Center, leave the e-mail empty and use a personal access token."));
    }
    Ok((
        url,
        Stored {
            email,
            token: token.to_owned(),
        },
    ))
}

/// Whether Jira at `url` takes `stored`: "Jira Cloud" or "Jira Data Center" when it does.
async fn check(url: &str, stored: &Stored) -> Result<String, UiError> {
    let creds = Stored {
        email: stored.email.clone(),
        token: stored.token.clone(),
    }
    .credentials();
    let mut config = JiraConfig::new(url, creds).map_err(|e| config_error(url, &e))?;
    config.retry.max_retries = 1;
    config.connect_timeout = std::time::Duration::from_secs(5);
    config.request_timeout = std::time::Duration::from_secs(20);
    let client = JiraClient::new(config).map_err(|e| config_error(url, &e))?;
    let (deployment, _) = client
        .check()
        .await
        .map_err(|e| jira_error(Some(url), &e))?;
    Ok(match deployment {
        JiraDeployment::Cloud => "Jira Cloud".to_owned(),
        JiraDeployment::Datacenter => "Jira Data Center".to_owned(),
    })
}

fn config_error(url: &str, e: &ConfigError) -> UiError {
    match e {
        ConfigError::BaseUrl(_) => {
            UiError::new(ErrorCode::BadUrl, format!("{url:?} is not a Jira address."))
                .hint("Use the address you open Jira with, like https://yourcompany.atlassian.net.")
        }
        _ => UiError::new(
            ErrorCode::Unreachable,
            "PI Planner could not prepare a connection to Jira.",
        ),
    }
}

/// A Jira client error in planner words (never a credential: the client's errors hold none);
/// `url` is the site when known.
pub(super) fn jira_error(url: Option<&str>, e: &JiraError) -> UiError {
    let jira = url.map_or_else(|| "Jira".to_owned(), |u| format!("Jira at {u}"));
    let credentials = |message: String| {
        UiError::new(ErrorCode::Unauthorized, message)
            .hint("On Jira Cloud: your Atlassian e-mail and an API token (id.atlassian.com → Security → API tokens).")
            .hint("On Jira Data Center: leave the e-mail empty and use a personal access token (your profile → Personal Access Tokens).")
    };
    let address = "Use the address you open Jira with, like https://yourcompany.atlassian.net.";
    match e {
        JiraError::Auth { status: 403, .. } => {
            credentials(format!("{jira} refused access with these credentials."))
        }
        JiraError::Auth { .. } => credentials(format!("{jira} did not accept these credentials.")),
        JiraError::Network { .. } => {
            UiError::new(ErrorCode::Unreachable, format!("{jira} could not be reached."))
                .hint("Check the address and your network connection, then try again.")
        }
        JiraError::NotFound { .. }
        | JiraError::Decode { .. }
        | JiraError::UnknownDeployment { .. } => UiError::new(
            ErrorCode::BadUrl,
            format!("{} does not answer like Jira.", url.unwrap_or("The address")),
        )
        .hint(address),
        JiraError::Redirected { to, .. } => UiError::new(
            ErrorCode::BadUrl,
            format!("{jira} sends requests on to {to}; PI Planner does not follow, so your token stays where it is."),
        )
        .hint("If that is your company's Jira, use its address instead."),
        JiraError::RateLimited { .. } => UiError::new(
            ErrorCode::RateLimited,
            "Jira asks PI Planner to slow down.",
        )
        .hint("Try again in a minute."),
        JiraError::Server { .. } | JiraError::LimitExceeded { .. } => UiError::new(
            ErrorCode::ServerError,
            "Jira had a problem and could not answer.",
        )
        .hint("Try again later."),
        JiraError::Validation { message, .. } => UiError::new(
            ErrorCode::Rejected,
            format!("Jira refused the request: {message}"),
        ),
        JiraError::Gone { .. } => UiError::new(
            ErrorCode::Rejected,
            "This Jira no longer serves the search PI Planner uses for Jira Data Center.",
        )
        .hint("It is probably Jira Cloud: set deployment = \"cloud\" under [jira] in pi-planner.toml, or leave it out."),
        JiraError::NoField { names, setting, .. } => UiError::new(
            ErrorCode::InvalidInput,
            format!("Jira has no field named {}.", names.join(" or ")),
        )
        .hint(format!("Set {setting} under [jira] in pi-planner.toml to the field's name as Jira shows it.")),
    }
}

#[cfg(test)]
#[path = "session_jira_tests.rs"]
mod tests;
