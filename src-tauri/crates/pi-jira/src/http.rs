//! Jira over the shared HTTP layer (`pi-http`, which retries, waits, limits, counts, redacts and
//! traces): what is Jira's own is here — Basic auth with the account e-mail and API token on
//! Cloud, a personal access token as `Bearer` on Data Center, and which calls are safe to repeat:
//! every read (the search is a POST) is; a create is not, so the layer sends it again only when
//! the server surely did not take it (`Http::send_once`).

use pi_http::{Auth, Request};
use reqwest::Method;
use serde_json::Value;

use crate::config::{JiraConfig, JiraCredentials};
use crate::error::{ConfigError, JiraError};

/// The layer's client with Jira's way of sending; counters, quota and limits are read from
/// `layer` directly.
#[derive(Debug)]
pub(crate) struct Http {
    pub(crate) layer: pi_http::Client,
}

impl Http {
    pub(crate) fn new(config: &JiraConfig) -> Result<Self, ConfigError> {
        let auth = match &config.credentials {
            JiraCredentials::Cloud { email, api_token } => Auth::Basic {
                user: email.clone(),
                password: api_token.clone(),
            },
            JiraCredentials::Pat { token } => Auth::Bearer(token.clone()),
        };
        let client = pi_http::Client::new(
            "Jira",
            config.api_root(),
            &auth,
            &[],
            &config.http_settings(),
        )
        .map_err(|e| ConfigError::Http(e.to_string()))?;
        Ok(Self { layer: client })
    }

    /// Sends a read (`GET`, or `POST` for search) and returns the JSON answer.
    pub(crate) async fn send(
        &self,
        method: Method,
        rel: &str,
        body: Option<&Value>,
    ) -> Result<Value, JiraError> {
        let mut request = Request::new(method, rel).replay_safe();
        if let Some(json) = body {
            request = request.json(json);
        }
        self.layer
            .json(&request)
            .await
            .map_err(JiraError::from_http)
    }

    /// Sends a write that is not safe to repeat (`POST` of a new issue): the layer retries it
    /// only when the server surely did not receive it (a refused connection, a throttled
    /// answer); any other failure comes back, and the caller looks for the write's marker before
    /// it sends it again.
    pub(crate) async fn send_once(&self, rel: &str, body: &Value) -> Result<Value, JiraError> {
        let request = Request::new(Method::POST, rel).json(body);
        self.layer
            .json(&request)
            .await
            .map_err(JiraError::from_http)
    }
}
