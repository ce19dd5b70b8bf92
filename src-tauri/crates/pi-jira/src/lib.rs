//! `pi-jira`: a read-only Jira Cloud REST v3 client for the stories under a plan's epics.
//!
//! Searches with `POST /rest/api/3/search/jql` (`parent in (...)`, keys chunked so the JQL stays
//! bounded) following the `nextPageToken` cursor until `isLast`, maps issues to
//! `pi_model::Story` (status name and category, assignee display name, story points from a field
//! discovered by name and cached). Requests go through the shared HTTP layer (`pi-http`:
//! bounded concurrency, a client-side rate limit, retries honouring `Retry-After` /
//! `X-RateLimit-Reset`, checked and capped, quota and counters, a tracing span each). The API
//! token never appears in errors, logs or `Debug` and never leaves the configured origin
//! (redirects elsewhere are not followed, no `Referer`); bodies, pages and issues per search are
//! bounded by [`Limits`].
//!
//! It deliberately does not write to Jira, parse ADF descriptions, support Data Center's
//! `/rest/api/2/search`, read the environment or install a tracing subscriber.

mod client;
pub mod config;
pub mod error;
mod http;

pub use client::{JiraClient, JiraStory};
pub use config::{JiraConfig, JiraCredentials, Limits, RetryPolicy};
pub use error::{ConfigError, JiraError};
