//! One request as a client describes it, and one answer as this layer hands it back.

use reqwest::Method;
use serde_json::Value;

use crate::error::{ErrorKind, HttpError};

/// A request relative to the client's root URL. Requests with an idempotent method (GET, HEAD,
/// PUT, DELETE, OPTIONS) are retried after any transient failure; others only when the server
/// surely did not process them (a 429, a refused connection), unless the caller says they are
/// safe to replay ([`Request::replay_safe`]).
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub(crate) method: Method,
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<&'a Value>,
    pub(crate) safe: bool,
}

impl<'a> Request<'a> {
    pub fn new(method: Method, path: &'a str) -> Self {
        Self {
            safe: method.is_idempotent(),
            method,
            path,
            query: &[],
            body: None,
        }
    }

    pub fn get(path: &'a str) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn post(path: &'a str) -> Self {
        Self::new(Method::POST, path)
    }

    /// Query parameters, appended in order after any the path carries.
    pub fn query(mut self, query: &'a [(String, String)]) -> Self {
        self.query = query;
        self
    }

    /// A JSON body.
    pub fn json(mut self, body: &'a Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Repeating this request is harmless even though its method is not idempotent (a search
    /// sent as POST, an update of an explicit id with the same body).
    pub fn replay_safe(mut self) -> Self {
        self.safe = true;
        self
    }
}

/// A successful (2xx) answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: reqwest::header::HeaderMap,
}

impl Answer {
    /// The value of the answer's header `name` (e.g. `link` for the next page), when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; an empty (or blank) body is `null`.
    pub fn json(&self) -> Result<Value, HttpError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| HttpError {
            method: self.method.clone(),
            path: self.path.clone(),
            kind: ErrorKind::Decode {
                message: format!("invalid JSON: {e}"),
            },
        })
    }
}
