//! Client configuration: where Targetprocess is, how to authenticate, which schema names the
//! account uses and how gently to talk to it. Everything is a parameter; nothing is read from the
//! environment.

use std::fmt;
use std::time::Duration;

use pi_model::TpSchema;
use url::Url;

use crate::error::ConfigError;

/// How requests authenticate. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// Personal access token, sent as the `access_token` query parameter.
    AccessToken(String),
    /// Service token from `/api/v1/Authentication`, sent as the `token` query parameter.
    ServiceToken(String),
    /// `Authorization: Basic base64(login:password)`.
    Basic { login: String, password: String },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AccessToken(_) => f.write_str("AccessToken(<redacted>)"),
            Credentials::ServiceToken(_) => f.write_str("ServiceToken(<redacted>)"),
            Credentials::Basic { login, .. } => write!(f, "Basic({login}:<redacted>)"),
        }
    }
}

/// When and how often idempotent requests are retried.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: usize,
    /// First back-off delay; doubles each retry, with jitter.
    pub initial_backoff: Duration,
    /// Upper bound of one computed back-off delay (a server `Retry-After` may exceed it).
    pub max_backoff: Duration,
    /// Cap on the total time spent waiting between attempts of one request.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_total_wait: Duration::from_secs(60),
        }
    }
}

/// Everything [`crate::TpClient`] needs.
#[derive(Clone, Debug)]
pub struct TpConfig {
    /// Account URL with any path prefix, e.g. `https://acme.tpondemand.com` or
    /// `http://host/targetprocess`; `/api/v1` is appended.
    pub base_url: Url,
    pub credentials: Credentials,
    /// Account-specific resource, link and custom-field names.
    pub schema: TpSchema,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Client-side steady request rate (requests per second; bursts up to `concurrency`).
    pub requests_per_second: u32,
    pub connect_timeout: Duration,
    /// Whole-request timeout (connect, send, read the body).
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Page size for collection reads (TP caps it at 1000).
    pub page_size: u32,
}

impl TpConfig {
    /// A config with the default schema and resilience settings.
    pub fn new(base_url: &str, credentials: Credentials) -> Result<Self, ConfigError> {
        let base_url = Url::parse(base_url).map_err(|e| ConfigError::BaseUrl(e.to_string()))?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(ConfigError::BaseUrl(format!(
                "scheme must be http or https, found {}",
                base_url.scheme()
            )));
        }
        Ok(Self {
            base_url,
            credentials,
            schema: TpSchema::default(),
            concurrency: 4,
            requests_per_second: 20,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            page_size: 1000,
        })
    }

    /// `{base}/api/v1/` with exactly one slash between the prefix and `api`.
    pub(crate) fn api_root(&self) -> Url {
        let mut url = self.base_url.clone();
        url.set_query(None);
        url.set_fragment(None);
        let prefix = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{prefix}/api/v1/"));
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_root_keeps_any_path_prefix() {
        let c = |u: &str| TpConfig::new(u, Credentials::AccessToken("t".into())).unwrap();
        assert_eq!(
            c("https://acme.tpondemand.com").api_root().as_str(),
            "https://acme.tpondemand.com/api/v1/"
        );
        assert_eq!(
            c("http://host/targetprocess/").api_root().as_str(),
            "http://host/targetprocess/api/v1/"
        );
        assert!(TpConfig::new("ftp://x", Credentials::AccessToken("t".into())).is_err());
        assert!(TpConfig::new("not a url", Credentials::AccessToken("t".into())).is_err());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::Basic {
            login: "ann".into(),
            password: "hunter2".into(),
        };
        assert_eq!(format!("{c:?}"), "Basic(ann:<redacted>)");
        let t = Credentials::AccessToken("s3cr3t".into());
        assert!(!format!("{t:?}").contains("s3cr3t"));
    }
}
