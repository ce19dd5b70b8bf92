//! The request log: arrival time, method, path, query with tokens redacted, and the answer's
//! status.
//!
//! Headers and bodies are not kept, so no credential can end up in the log.

use serde::{Deserialize, Serialize};

/// One request as seen by the simulator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Milliseconds from the simulator's start to the request's arrival (monotonic clock,
    /// before any injected latency).
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    /// The raw query with `access_token` and `token` values replaced by `REDACTED`.
    pub query: String,
    /// `None` when the connection was dropped without an answer.
    pub status: Option<u16>,
    /// The write was applied, then the connection dropped without an answer
    /// (`Faults::drop_after_apply`).
    pub applied_then_dropped: bool,
}

/// An API update that sent one or more fields the value Targetprocess already held: a redundant
/// write, which a sync should never send (the live sync's ping-pong check reads these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnchangedWrite {
    /// `Feature`, `TeamPIObjective`, ...
    pub resource_type: String,
    pub id: i64,
    /// The fields that already held the value sent.
    pub fields: Vec<String>,
}

/// Replaces secret query values (`access_token`, `token`) by `REDACTED`, keeping the rest as sent.
pub fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret(k) => format!("{k}=REDACTED"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn is_secret(key: &str) -> bool {
    key.eq_ignore_ascii_case("access_token") || key.eq_ignore_ascii_case("token")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_both_token_styles_only() {
        assert_eq!(
            redact_query("where=Id%20eq%201&access_token=abc&take=5&TOKEN=x"),
            "where=Id%20eq%201&access_token=REDACTED&take=5&TOKEN=REDACTED"
        );
        assert_eq!(redact_query(""), "");
        assert_eq!(redact_query("tokens=1"), "tokens=1");
    }
}
