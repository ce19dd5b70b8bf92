//! Who may call the simulated Jira: in Cloud mode Basic auth with the account e-mail and API
//! token, in Data Center mode a personal access token as `Bearer`. Anything else is a 401.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use pi_model::JiraDeployment;

use crate::shared::Shared;

/// Whether the request's `Authorization` is the simulated Jira's credential.
pub fn authorized(headers: &HeaderMap, shared: &Shared) -> bool {
    let creds = &shared.creds;
    let Some((scheme, value)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
    else {
        return false;
    };
    match shared.jira_deployment {
        JiraDeployment::Cloud if scheme.eq_ignore_ascii_case("basic") => STANDARD
            .decode(value.trim())
            .ok()
            .and_then(|d| String::from_utf8(d).ok())
            .is_some_and(|d| d == format!("{}:{}", creds.jira_email, creds.jira_token)),
        JiraDeployment::Datacenter if scheme.eq_ignore_ascii_case("bearer") => {
            value.trim() == creds.jira_pat
        }
        _ => false,
    }
}

/// The credential's key for per-credential quotas (`bearer:…` is the token's first characters
/// only, never the whole token).
pub fn client_key(headers: &HeaderMap) -> Option<String> {
    let (scheme, value) = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| {
        format!(
            "bearer:{}",
            value.trim().chars().take(8).collect::<String>()
        )
    })
}
