//! `pi-sim`: a local simulator of the Targetprocess REST v1 and Jira (Cloud REST v3, Data Center
//! REST v2) APIs, with seeded demo data, fault injection and a control API. It serves the
//! desktop app's demo mode, the end-to-end tests and the benchmarks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pi_sim::SimError> {
//! let sim = pi_sim::start(pi_sim::SimConfig::default()).await?;
//! let url = format!("{}/api/v1/Teams?access_token={}", sim.base_url(), sim.access_token());
//! # let _ = url;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! TP lives under `/api/v1`, Jira under `/rest/api/{2,3}`, the control API (off by default) under
//! `/_sim`. Names that differ between TP accounts come from [`pi_model::TpSchema`]. See
//! `docs/simulator.md` for the full behaviour.
//!
//! It deliberately is not a general TP or Jira: only the resources, query features and error
//! shapes PI Planner relies on are simulated, it binds 127.0.0.1 only, and it prints nothing.

mod config;
mod control;
mod data;
mod date;
mod editor;
mod errors;
mod faults;
mod github;
pub mod hostile;
mod jira;
mod jira_auth;
mod jira_data;
mod jira_log;
mod misbehave;
mod mutator;
mod ops;
mod persist;
mod profile;
mod query;
mod refusals;
mod render;
mod reqlog;
mod routes;
mod schema;
mod server;
mod shared;
mod slack;
mod store;
mod write;

pub use config::{DataSource, Faults, GenSpec, MutatorSpec, SimClock, SimConfig};
pub use control::{ControlError, SimControl};
pub use editor::{CONTROL_EDITOR_LOGIN, TOKEN_USER_LOGIN};
pub use github::{GithubControl, GithubRequest, SimFile, SimLineComment, SimPull, SimReview};
pub use jira_data::{
    DONE_WITH_OPEN_STORIES_INDEX, MISSING_EPIC_INDEX, NO_POINTS_INDEX, POINTS_OVER_EFFORT_INDEX,
    STORIES_DONE_INDEX,
};
pub use jira_log::JiraRequest;
pub use profile::{ENTERPRISE_FEATURE_STATES, ENTERPRISE_OBJECTIVE_STATES, Profile};
pub use refusals::Refusal;
pub use reqlog::{LoggedRequest, UnchangedWrite};
pub use server::{RunningSim, start};
pub use slack::{SlackControl, SlackRequest};

/// Why a simulator could not start or save.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read state file {path}: {source}")]
    ReadState {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("state file {path} is not a simulator state: {message}")]
    BadState {
        path: std::path::PathBuf,
        message: String,
    },
    #[error("cannot write state file {path}: {source}")]
    WriteState {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}
