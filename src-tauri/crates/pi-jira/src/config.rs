//! Jira client configuration (Cloud or Data Center). Everything is a parameter; nothing is read from the environment.

use std::fmt;
use std::time::Duration;

use pi_model::JiraDeployment;
use url::Url;

use crate::error::ConfigError;

/// How the client signs in. `Debug` hides the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum JiraCredentials {
    /// Jira Cloud: the account e-mail and an API token, sent as Basic auth.
    Cloud { email: String, api_token: String },
    /// Jira Data Center / Server: a personal access token, sent as `Bearer`.
    Pat { token: String },
}

impl fmt::Debug for JiraCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cloud { email, .. } => write!(f, "JiraCredentials({email}:<redacted>)"),
            Self::Pat { .. } => f.write_str("JiraCredentials(Bearer <redacted>)"),
        }
    }
}

pub use pi_http::{Limits, RetryPolicy};

/// Everything [`crate::JiraClient`] needs.
#[derive(Clone, Debug)]
pub struct JiraConfig {
    /// Site URL, e.g. `https://acme.atlassian.net` (any path prefix kept); `/rest/api/3` is
    /// appended. Never carries a user name, password, query or fragment ([`JiraConfig::new`]
    /// removes them: credentials come from `credentials` only).
    pub base_url: Url,
    pub credentials: JiraCredentials,
    /// Cloud (REST v3, `search/jql`, `parent`) or Data Center (REST v2, `search` with
    /// `startAt`, the epic link field); `None` asks the server (`serverInfo`) once.
    pub deployment: Option<JiraDeployment>,
    /// The story points field's display names tried in order (an entry that is a field id, such
    /// as `customfield_10016`, matches that id), resolved through the field list.
    pub story_points_names: Vec<String>,
    /// Data Center's epic link field's display names (or id), resolved like story points.
    pub epic_link_names: Vec<String>,
    pub concurrency: usize,
    pub requests_per_second: u32,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// `maxResults` asked for per page (a ceiling; Jira may return fewer).
    pub page_size: u32,
    /// Epic keys per JQL query, to keep queries bounded.
    pub keys_per_query: usize,
    pub limits: Limits,
}

impl JiraConfig {
    pub fn new(base_url: &str, credentials: JiraCredentials) -> Result<Self, ConfigError> {
        let mut base_url =
            Url::parse(base_url.trim()).map_err(|e| ConfigError::BaseUrl(e.to_string()))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(ConfigError::BaseUrl(format!(
                "scheme must be http or https, found {}",
                base_url.scheme()
            )));
        }
        // Cannot fail for http(s) URLs, which always have a host.
        let _ = base_url.set_username("");
        let _ = base_url.set_password(None);
        base_url.set_query(None);
        base_url.set_fragment(None);
        Ok(Self {
            base_url,
            credentials,
            deployment: None,
            story_points_names: vec!["Story Points".into(), "Story point estimate".into()],
            epic_link_names: vec!["Epic Link".into()],
            concurrency: 4,
            requests_per_second: 10,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            page_size: 100,
            keys_per_query: 50,
            limits: Limits::default(),
        })
    }

    /// The shared HTTP layer's settings (concurrency, rate, timeouts, retries, limits).
    pub(crate) fn http_settings(&self) -> pi_http::Settings {
        pi_http::Settings {
            concurrency: self.concurrency,
            requests_per_second: self.requests_per_second,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            retry: self.retry.clone(),
            limits: self.limits.clone(),
        }
    }

    /// `{base}/rest/api/`: requests name their version (`3/search/jql`, `2/search`).
    pub(crate) fn api_root(&self) -> Url {
        let mut url = self.base_url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}/rest/api/"));
        url
    }

    /// `{base}/browse/{key}`.
    pub(crate) fn browse_url(&self, key: &str) -> String {
        format!(
            "{}/browse/{key}",
            self.base_url.as_str().trim_end_matches('/')
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_redacted_debug() {
        let creds = JiraCredentials::Cloud {
            email: "a@b.c".into(),
            api_token: "tok-123".into(),
        };
        let c = JiraConfig::new("https://x.atlassian.net/jira/", creds.clone()).unwrap();
        assert_eq!(
            c.api_root().as_str(),
            "https://x.atlassian.net/jira/rest/api/"
        );
        assert_eq!(
            c.browse_url("PIP-1"),
            "https://x.atlassian.net/jira/browse/PIP-1"
        );
        assert!(!format!("{c:?}").contains("tok-123"));
        let pat = JiraCredentials::Pat {
            token: "pat-456".into(),
        };
        assert!(!format!("{pat:?}").contains("pat-456"));
        let c = JiraConfig::new("https://me:pw@x.atlassian.net/?token=q#f", creds.clone()).unwrap();
        assert_eq!(c.base_url.as_str(), "https://x.atlassian.net/");
        assert!(JiraConfig::new("file:///x", creds).is_err());
    }
}
