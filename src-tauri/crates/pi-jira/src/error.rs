//! Errors a caller can act on. Each names the method and path; none carries a credential.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("invalid Jira base URL: {0}")]
    BaseUrl(String),
    #[error("could not build the HTTP client: {0}")]
    Http(String),
}

/// A failed Jira call. `message` texts come from Jira's `errorMessages` / `errors`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JiraError {
    #[error(
        "{method} {path}: not authorised (HTTP {status}); check the Jira credentials (the e-mail and API token on Cloud, the personal access token on Data Center)"
    )]
    Auth {
        method: String,
        path: String,
        status: u16,
    },
    #[error("{method} {path}: not found or not visible: {message}")]
    NotFound {
        method: String,
        path: String,
        message: String,
    },
    #[error("{method} {path}: rejected by Jira (HTTP {status}): {message}")]
    Validation {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{method} {path}: rate limited by Jira{}", hint(*.retry_after))]
    RateLimited {
        method: String,
        path: String,
        retry_after: Option<Duration>,
    },
    #[error("{method} {path}: Jira server error (HTTP {status}): {message}")]
    Server {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{method} {path}: network error: {message}")]
    Network {
        method: String,
        path: String,
        message: String,
    },
    #[error("{method} {path}: unexpected response: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    /// A redirect to another origin than the configured site's: not followed, so that the
    /// credentials never leave it. `to` is the target's origin only.
    #[error(
        "{method} {path}: Jira redirected (HTTP {status}) to {to}, another address than the configured one; not followed, so the API token stays with the configured address. Check the Jira URL"
    )]
    Redirected {
        method: String,
        path: String,
        status: u16,
        to: String,
    },
    /// An answer or a search went past one of the configured [`crate::Limits`], or a search's
    /// cursor went back to a page already read.
    #[error(
        "{method} {path}: {what} is over the limit of {limit} ({setting}); Jira may be misbehaving, or the limit is too low"
    )]
    LimitExceeded {
        method: String,
        path: String,
        what: &'static str,
        limit: u64,
        setting: &'static str,
    },
    /// An endpoint this Jira no longer has (410 Gone): Jira Cloud removed the old
    /// `/rest/api/{2,3}/search`, so a Cloud site configured as Data Center lands here.
    #[error(
        "{method} {path}: this Jira no longer serves this endpoint (HTTP 410 Gone); if the site is Jira Cloud, set deployment = \"cloud\" under [jira] (or leave it out to detect it)"
    )]
    Gone { method: String, path: String },
    /// No field of the instance matches the configured names (story points, epic link).
    #[error(
        "Jira has no field named {names:?} (looked for the {what} field in GET /rest/api/N/field); set {setting} under [jira] to the field's name as Jira shows it"
    )]
    NoField {
        what: &'static str,
        setting: &'static str,
        names: Vec<String>,
    },
    /// `serverInfo` named a deployment type this client does not know.
    #[error(
        "Jira's serverInfo says deploymentType {found:?}; set deployment = \"cloud\" or \"datacenter\" under [jira]"
    )]
    UnknownDeployment { found: String },
}

impl JiraError {
    /// The shared layer's error in Jira's terms, with 410 Gone told apart.
    pub(crate) fn from_http(e: pi_http::HttpError) -> Self {
        match Self::from(e) {
            Self::Validation {
                method,
                path,
                status: 410,
                ..
            } => Self::Gone { method, path },
            other => other,
        }
    }

    /// Whether the cause is likely outside the plan: Jira down, unreachable, throttling past the
    /// wait budget, or the credentials refused. Callers keep the stories they have.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Self::Auth { .. }
                | Self::Network { .. }
                | Self::Server { .. }
                | Self::RateLimited { .. }
        )
    }
}

fn hint(retry_after: Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| {
        format!("; retry after {} s", d.as_secs_f64().ceil())
    })
}

// The shared layer's classification in Jira's terms; error bodies give Jira's `errorMessages`
// and `errors`.
pi_http::client_error_from_http!(
    JiraError,
    message: jira_message,
    not_found: |method, path, message| JiraError::NotFound {
        method,
        path,
        message,
    },
);

/// Jira's `errorMessages` and `errors` joined, else the start of the body. The layer has
/// already removed credentials from the body.
fn jira_message(body: &str) -> String {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.chars().take(300).collect();
    };
    let mut parts: Vec<String> = json
        .get("errorMessages")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(errors) = json.get("errors").and_then(serde_json::Value::as_object) {
        parts.extend(
            errors
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default())),
        );
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_jira_error_bodies() {
        let body = r#"{"errorMessages":["Bad JQL"],"errors":{"jql":"unbounded"}}"#;
        assert_eq!(jira_message(body), "Bad JQL; jql: unbounded");
        assert_eq!(jira_message("oops"), "oops");
    }
}
