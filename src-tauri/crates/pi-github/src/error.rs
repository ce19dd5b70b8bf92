//! What can go wrong talking to GitHub, each worded with what to do. No variant holds a token.

use std::time::Duration;

/// A GitHub request that failed for good.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GithubError {
    /// The client could not be built (a bad `api_url`, a token a header cannot carry).
    #[error("GitHub client: {0}")]
    Config(String),
    #[error(
        "{method} {path}: not authorised by GitHub (HTTP {status}); check the token in GITHUB_TOKEN (or the keychain): it needs Pull requests read/write and Metadata read on the repository"
    )]
    Auth {
        method: String,
        path: String,
        status: u16,
    },
    #[error(
        "{method} {path}: not found on GitHub ({message}); check [github] repository, and that the token can see it (GitHub answers 404 for private repositories a token cannot read)"
    )]
    NotFound {
        method: String,
        path: String,
        message: String,
    },
    /// 422 and other refusals: GitHub's `message` and each of its `errors[]`.
    #[error("{method} {path}: refused by GitHub (HTTP {status}): {message}")]
    Validation {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    /// A pull request from this head to this base is open already (422 on create).
    #[error("a pull request from {head} already exists")]
    PullRequestExists { head: String },
    #[error("{method} {path}: rate limited by GitHub{}", wait(*.retry_after))]
    RateLimited {
        method: String,
        path: String,
        retry_after: Option<Duration>,
    },
    #[error("{method} {path}: GitHub server error (HTTP {status}): {message}")]
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
    #[error("{method} {path}: unexpected answer from GitHub: {message}")]
    Decode {
        method: String,
        path: String,
        message: String,
    },
    #[error(
        "{method} {path}: GitHub redirected (HTTP {status}) to {to}, another address than [github] api_url; not followed, so the token stays with it"
    )]
    Redirected {
        method: String,
        path: String,
        status: u16,
        to: String,
    },
    #[error("{method} {path}: {what} is over the limit of {limit} ({setting})")]
    LimitExceeded {
        method: String,
        path: String,
        what: &'static str,
        limit: u64,
        setting: &'static str,
    },
}

fn wait(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(
            " for longer than PI Planner waits (the limit resets in {} s); try again later",
            d.as_secs()
        ),
        None => "; try again in a minute".to_owned(),
    }
}

pi_http::client_error_from_http!(
    GithubError,
    message: github_message,
    not_found: |method, path, message| GithubError::NotFound { method, path, message },
);

/// GitHub's error body in words: `message`, then each of `errors[]` (its own `message`, or
/// `resource.field: code`).
pub(crate) fn github_message(body: &str) -> String {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.trim().chars().take(300).collect();
    };
    let mut text = json["message"].as_str().unwrap_or("no message").to_owned();
    let details: Vec<String> = json["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| match e["message"].as_str() {
                    Some(m) => m.to_owned(),
                    None => format!(
                        "{}.{}: {}",
                        e["resource"].as_str().unwrap_or("?"),
                        e["field"].as_str().unwrap_or("?"),
                        e["code"].as_str().unwrap_or("invalid")
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    if !details.is_empty() {
        text.push_str(": ");
        text.push_str(&details.join("; "));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::github_message;

    #[test]
    fn validation_errors_are_listed() {
        let body = r#"{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for acme:x."},{"resource":"PullRequest","field":"head","code":"invalid"}]}"#;
        assert_eq!(
            github_message(body),
            "Validation Failed: A pull request already exists for acme:x.; PullRequest.head: invalid"
        );
        assert_eq!(github_message("Bad Gateway"), "Bad Gateway");
    }
}
