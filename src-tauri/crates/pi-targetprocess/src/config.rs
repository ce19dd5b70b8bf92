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

pub use pi_http::{Limits, RetryPolicy};

/// Everything [`crate::TpClient`] needs.
#[derive(Clone, Debug)]
pub struct TpConfig {
    /// Account URL with any path prefix, e.g. `https://acme.tpondemand.com` or
    /// `http://host/targetprocess`; `/api/v1` is appended. Never carries a user name, password,
    /// query or fragment ([`TpConfig::new`] removes them).
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
    pub limits: Limits,
}

impl TpConfig {
    /// A config with the default schema and resilience settings. A user name, password, query
    /// or fragment in `base_url` is dropped (see [`clean_base_url`]): credentials are only ever
    /// taken from `credentials`.
    pub fn new(base_url: &str, credentials: Credentials) -> Result<Self, ConfigError> {
        let (base_url, _) = clean_base_url(base_url)?;
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
            limits: Limits::default(),
        })
    }

    /// The account URL as it may be stored and shown (see [`display_url`]).
    pub fn account_url(&self) -> String {
        display_url(&self.base_url)
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

/// What [`clean_base_url`] removed from a URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// A user name or password (`https://user:pw@host`).
    pub credentials: bool,
    /// A query (`?access_token=...`) or a fragment.
    pub query: bool,
}

impl Dropped {
    pub fn any(self) -> bool {
        self.credentials || self.query
    }
}

/// Parses an http(s) base URL and removes what must never be stored, shown or used as a
/// credential: user name, password, query and fragment. Says what it removed, so that the
/// caller can warn.
pub fn clean_base_url(raw: &str) -> Result<(Url, Dropped), ConfigError> {
    let mut url = Url::parse(raw.trim()).map_err(|e| ConfigError::BaseUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::BaseUrl(format!(
            "scheme must be http or https, found {}",
            url.scheme()
        )));
    }
    let dropped = Dropped {
        credentials: !url.username().is_empty() || url.password().is_some(),
        query: url.query().is_some() || url.fragment().is_some(),
    };
    // Cannot fail for http(s) URLs, which always have a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    Ok((url, dropped))
}

/// The form of an account URL that may be stored (front matter, settings) and shown: scheme,
/// host, port and path, without user name, password, query, fragment or trailing `/`.
pub fn display_url(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    url.as_str().trim_end_matches('/').to_owned()
}

/// `raw` as it may appear in a message: its [`display_url`] when it parses as an http(s) URL,
/// else the text without anything between `://` and an `@`, and without a query or fragment.
pub fn shown_url(raw: &str) -> String {
    if let Ok((url, _)) = clean_base_url(raw) {
        return display_url(&url);
    }
    let raw = raw.trim();
    let cut = raw.find(['?', '#']).unwrap_or(raw.len());
    let raw = &raw[..cut];
    match raw.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            let authority = &rest[..host_end];
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{}", &rest[host_end..])
        }
        None => raw.to_owned(),
    }
}

/// Whether two base URLs name the same account: the same scheme, host, port and path (a
/// trailing `/` aside), whatever user info, query or fragment either carries. A URL that does
/// not parse matches nothing.
pub fn same_account(a: &str, b: &str) -> bool {
    match (clean_base_url(a), clean_base_url(b)) {
        (Ok((a, _)), Ok((b, _))) => display_url(&a) == display_url(&b),
        _ => false,
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
    fn credentials_and_queries_never_stay_in_the_base_url() {
        let raw = "http://ann:pw1@tp.example.com/tp/?access_token=T0K#x";
        let (url, dropped) = clean_base_url(raw).unwrap();
        assert_eq!(url.as_str(), "http://tp.example.com/tp/");
        assert!(dropped.credentials && dropped.query);
        let config = TpConfig::new(raw, Credentials::AccessToken("t".into())).unwrap();
        assert_eq!(config.account_url(), "http://tp.example.com/tp");
        assert_eq!(
            config.api_root().as_str(),
            "http://tp.example.com/tp/api/v1/"
        );
        let (_, clean) = clean_base_url("https://acme.tpondemand.com/").unwrap();
        assert!(!clean.any());
        assert_eq!(shown_url(raw), "http://tp.example.com/tp");
        assert_eq!(
            shown_url("htp://ann:pw1@bad host/x?access_token=T0K"),
            "htp://bad host/x"
        );
    }

    #[test]
    fn same_account_ignores_only_what_is_not_the_account() {
        let a = "https://acme.tpondemand.com";
        assert!(same_account(a, "https://ACME.tpondemand.com/"));
        assert!(same_account(a, "https://u:p@acme.tpondemand.com/?x=1"));
        assert!(!same_account(a, "http://acme.tpondemand.com"));
        assert!(!same_account(a, "https://acme.tpondemand.com:8443"));
        assert!(!same_account(a, "https://acme.tpondemand.com.evil.example"));
        assert!(!same_account(a, "https://acme.tpondemand.com/other"));
        assert!(!same_account(a, "not a url"));
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
