//! `pi-http`: the one HTTP layer under every PI Planner client (Targetprocess, Jira, and the
//! GitHub and Slack clients to come).
//!
//! A [`Client`] builds the reqwest client (TLS always verified, connect and request timeouts,
//! redirects followed only within the origin, no `Referer`), bounds the requests in flight
//! (semaphore) and their steady rate (governor), retries requests safe to repeat with
//! exponential back-off and jitter, honours `Retry-After` (seconds or HTTP date) and rate-limit
//! reset headers with checked arithmetic under a total wait budget, reads bodies chunk by chunk
//! within [`Limits`], records the server's quota headers ([`Client::quota`]), its clock
//! ([`Client::server_date`], from `Date`) and its own counters ([`Client::counters`]), classifies failures into [`ErrorKind`], and keeps every
//! credential out of errors, `Debug` output and log lines ([`redact`], [`Redactor`]). Every
//! request runs in a `tracing` span with method, redacted path, status, duration, retries and
//! waits; retries are logged at warn, each request at debug.
//!
//! It deliberately knows nothing about any server's resources, URL shapes, error bodies or
//! pagination tokens (the clients keep those), decides nothing about which credential a server
//! takes, reads no environment, prints nothing and installs no tracing subscriber. SMTP is not
//! HTTP and does not go through it.

mod auth;
mod client;
mod clock;
mod counters;
mod error;
mod quota;
mod redact;
mod request;
mod response;
mod retry_after;
mod settings;

pub use auth::Auth;
pub use client::{BuildError, Client};
pub use clock::ServerDate;
pub use counters::Counters;
pub use error::{ErrorKind, HttpError};
pub use quota::Quota;
pub use redact::{Redactor, redact};
pub use request::{Answer, Request};
pub use retry_after::{MAX_SERVER_WAIT, parse_http_date, parse_reset, parse_retry_after};
pub use settings::{Exceeded, Limits, PageBudget, RetryPolicy, Settings};
