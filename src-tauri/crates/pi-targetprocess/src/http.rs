//! Targetprocess over the shared HTTP layer (`pi-http`, which retries, waits, limits, counts,
//! redacts and traces): what is TP's own is here — the credential in the query
//! (`access_token`, `token`) or as Basic auth, `format=json` on every request, and which
//! requests are safe to send again.
//!
//! It deliberately knows nothing about TP entities; it moves JSON.

use pi_http::{Auth, Request};
use reqwest::Method;
use serde_json::Value;

use crate::config::{Credentials, TpConfig};
use crate::error::{ConfigError, TpError};

/// Whether a request may be sent again after an ambiguous failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, updates to an explicit id, deletes: repeating them is harmless.
    Safe,
    /// Creates: retried only when the server surely did not process the request (429, refused
    /// connection).
    Never,
}

/// The layer's client with TP's way of sending; counters, quota and limits are read from
/// `layer` directly.
#[derive(Debug)]
pub(crate) struct Http {
    pub(crate) layer: pi_http::Client,
}

impl Http {
    pub(crate) fn new(config: &TpConfig) -> Result<Self, ConfigError> {
        let client = pi_http::Client::new(
            "Targetprocess",
            config.api_root(),
            &auth(&config.credentials),
            &[],
            &config.http_settings(),
        )
        .map_err(|e| ConfigError::Http(e.to_string()))?;
        Ok(Self { layer: client })
    }

    /// Sends `method rel?format=json&query` with an optional JSON body; retries per `replay`.
    pub(crate) async fn send(
        &self,
        method: Method,
        rel: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        replay: Replay,
    ) -> Result<Value, TpError> {
        let mut params = Vec::with_capacity(query.len() + 1);
        params.push(("format".to_owned(), "json".to_owned()));
        params.extend_from_slice(query);
        let mut request = Request::new(method, rel).query(&params);
        if let Some(json) = body {
            request = request.json(json);
        }
        if replay == Replay::Safe {
            request = request.replay_safe();
        }
        Ok(self.layer.json(&request).await?)
    }

    /// A `GET`-like request whose answer is read as bytes, for answers a JSON object cannot hold
    /// (metadata repeats keys) and for pages, whose items are decoded one by one.
    pub(crate) async fn send_raw(
        &self,
        method: Method,
        rel: &str,
        query: &[(String, String)],
        replay: Replay,
    ) -> Result<Vec<u8>, TpError> {
        let mut params = Vec::with_capacity(query.len() + 1);
        params.push(("format".to_owned(), "json".to_owned()));
        params.extend_from_slice(query);
        let mut request = Request::new(method, rel).query(&params);
        if replay == Replay::Safe {
            request = request.replay_safe();
        }
        Ok(self.layer.send(&request).await?.body)
    }
}

/// TP documents the personal access token only as the `access_token` query parameter.
fn auth(credentials: &Credentials) -> Auth {
    match credentials {
        Credentials::AccessToken(token) => Auth::Query {
            name: "access_token",
            value: token.clone(),
        },
        Credentials::ServiceToken(token) => Auth::Query {
            name: "token",
            value: token.clone(),
        },
        Credentials::Basic { login, password } => Auth::Basic {
            user: login.clone(),
            password: password.clone(),
        },
    }
}

pub(crate) fn decode(method: &Method, shown: &str, message: String) -> TpError {
    TpError::Decode {
        method: method.to_string(),
        path: shown.to_owned(),
        message,
    }
}
