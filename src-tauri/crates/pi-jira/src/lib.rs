//! `pi-jira`: a Jira client (Cloud and Data Center) for the stories under a plan's epics, and
//! for creating stories under an epic (`create`).
//!
//! The deployment is configured or read from `serverInfo`. On Cloud (REST v3, Basic auth with
//! e-mail and API token) it searches `POST /rest/api/3/search/jql` (`parent in (...)`) following
//! the `nextPageToken` cursor until `isLast`; on Data Center (REST v2, a personal access token as
//! Bearer) `POST /rest/api/2/search` on the epic link field, moving `startAt` until `total`. Epic
//! keys are chunked so the JQL stays bounded and the chunks are searched side by side. Issues map
//! to `pi_model::Story` (status name and category, assignee display name, story points); the
//! story points and epic link fields are found by display name in the field list, once. Requests go through the shared HTTP layer (`pi-http`:
//! bounded concurrency, a client-side rate limit, retries honouring `Retry-After` /
//! `X-RateLimit-Reset`, checked and capped, quota and counters, a tracing span each). The API
//! token never appears in errors, logs or `Debug` and never leaves the configured origin
//! (redirects elsewhere are not followed, no `Referer`); bodies, pages and issues per search are
//! bounded by [`Limits`].
//!
//! Its one write is a story's create ([`JiraClient::create_story`]): sent once, never retried
//! blindly; the caller marks each create with a label and looks for it first
//! ([`JiraClient::keys_with_label`]). It does not update or delete issues, parse ADF
//! descriptions, read the environment or install a tracing subscriber.

mod client;
pub mod config;
mod create;
pub mod error;
mod http;
mod search;

pub use client::{JiraClient, JiraStory, ServerInfo};
pub use config::{JiraConfig, JiraCredentials, Limits, RetryPolicy};
pub use create::{Created, MAX_SUMMARY_CHARS, NewStory, adf, project_of};
pub use error::{ConfigError, JiraError};
pub use pi_model::JiraDeployment;
