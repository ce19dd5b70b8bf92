//! Configuration of a simulator run: port, seed, data source, TP schema names, faults, time zone,
//! control API, state file and credentials.
//!
//! Plain data with defaults; nothing here starts or reads anything.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings of one simulator. `Default`: seed 42, demo data, no faults, control API off.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Seed of the demo data, the access tokens and every random fault decision.
    pub seed: u64,
    pub data: DataSource,
    /// Resource, link and custom-field names to serve.
    pub schema: pi_model::TpSchema,
    /// The account profile: demo (default) or another company's account (`Profile`); set it
    /// with [`SimConfig::for_profile`], which also sets `schema` to the profile's names.
    pub profile: crate::Profile,
    /// Faults active from the start.
    pub faults: Faults,
    /// Server UTC offset shown in `/Date(ms±hhmm)/` values.
    pub tz_offset_minutes: i32,
    /// Serve the control API under `/_sim/`.
    pub control_api: bool,
    /// Loaded at start when it exists; written after every change and at shutdown.
    pub state_file: Option<PathBuf>,
    /// TP access token; `None` derives one from the seed.
    pub access_token: Option<String>,
    /// Jira page size cap for `search/jql` and Data Center's `search` (`maxResults` above it is
    /// cut to it, as Jira does).
    pub page_size_jira: usize,
    /// Which Jira to simulate: Cloud (REST v3 and v2, Basic e-mail:token, `search/jql` with a
    /// cursor, the old `search` answering 410) or Data Center (REST v2 only, a Bearer personal
    /// access token, `search` with `startAt`/`total`, stories linked by the "Epic Link" field).
    pub jira_deployment: pi_model::JiraDeployment,
    /// Generated data only: every feature's Jira key becomes an epic with this many stories
    /// (0: no Jira issues).
    pub jira_stories_per_feature: usize,
    /// Bulk: reject the whole batch on the first invalid item (true) or answer per item (false).
    pub bulk_atomic: bool,
    /// Largest accepted bulk batch.
    pub bulk_max: usize,
    /// Where `ModifyDate`/`CreateDate` of writes come from.
    pub clock: SimClock,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            data: DataSource::Demo,
            schema: pi_model::TpSchema::default(),
            profile: crate::Profile::Demo,
            faults: Faults::default(),
            tz_offset_minutes: 60,
            control_api: false,
            state_file: None,
            access_token: None,
            page_size_jira: 50,
            jira_deployment: pi_model::JiraDeployment::Cloud,
            jira_stories_per_feature: 0,
            bulk_atomic: true,
            bulk_max: 100,
            clock: SimClock::System,
        }
    }
}

impl SimConfig {
    /// The default settings for an account profile: its names (`schema`) and its data.
    pub fn for_profile(profile: crate::Profile) -> Self {
        Self {
            schema: profile.tp_schema(),
            profile,
            ..Self::default()
        }
    }
}

/// Time source for write timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimClock {
    /// The machine clock.
    System,
    /// A fixed instant (epoch ms); `ModifyDate` still strictly increases per entity.
    Fixed(i64),
}

/// What the simulator serves at start (and after a reset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataSource {
    /// The seeded demo plan: 2 ARTs, 10 teams, 3 PIs per ART, objectives, features, Jira issues.
    Demo,
    /// A generated data set of the given size (benchmarks).
    Generated(GenSpec),
    /// A state file written by the simulator (`SimControl::save`).
    File(PathBuf),
    /// Only the fixed workflows, custom field definitions and users.
    Empty,
    /// The inner data set with names and descriptions drawn from the hostile corpus
    /// (`pi_sim::hostile`): line breaks, control and bidi characters, conflict markers, values
    /// past the inbound bounds, deeply nested HTML, scripts, formula prefixes, markdown. Seeded
    /// like the rest: the same seed gives the same values.
    Hostile(Box<DataSource>),
}

/// Size of a generated data set. Objectives are per team and release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenSpec {
    pub teams: usize,
    pub objectives_per_team: usize,
    pub features_per_objective: usize,
    pub releases: usize,
}

/// Fault injection settings; all off by default. Also readable/writable as JSON through
/// `/_sim/faults` (durations in milliseconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added before every API answer.
    #[serde(with = "millis")]
    pub latency: Duration,
    /// Share of API requests (0.0–1.0) answered with `error_status`.
    pub error_rate: f64,
    /// Status of injected errors (500 or 503 make sense).
    pub error_status: u16,
    /// Requests per minute over all clients before throttling (token bucket, refilled
    /// continuously).
    pub rate_limit_per_min: Option<u32>,
    /// Requests per minute per credential (each token value, Basic login or Jira account has
    /// its own bucket), checked in addition to the global quota.
    pub rate_limit_per_token_per_min: Option<u32>,
    /// Status of throttled answers: 429 (default) or 503; both carry `Retry-After`.
    pub throttle_status: u16,
    /// `Retry-After` seconds sent with throttled answers.
    pub retry_after_secs: u64,
    /// After this many answered requests the next one is dropped (socket closed without an
    /// answer) and the count starts again.
    pub drop_after_requests: Option<u64>,
    /// After this many applied writes (2xx answers to POST, PUT, DELETE) the next write is
    /// applied but its answer is dropped, and the count starts again: the client sees a lost
    /// connection although the change was made.
    pub drop_after_apply: Option<u64>,
    /// The next this many Jira issue creates are answered `error_status` without creating
    /// anything (each one answered so counts down).
    pub jira_create_errors: u32,
    /// Background edits by "other planners" and the TP↔Jira sync.
    pub mutator: Option<MutatorSpec>,
    /// A misbehaving server: every API request is answered `302 Found` with `Location:` this
    /// origin (e.g. `http://127.0.0.1:PORT`) followed by the request's path and query — token
    /// included, as a moved account or a hostile proxy would send it.
    pub redirect_to: Option<String>,
    /// A misbehaving server: collections never end. Every TP page carries a `Next` link one page
    /// further (empty pages past the data), every Jira search page a new `nextPageToken` and
    /// `isLast: false`.
    pub endless_paging: bool,
    /// A misbehaving server: every API request is answered 200 with a body of this many bytes,
    /// streamed in chunks without a length (JSON-looking, never complete).
    pub oversized_body_bytes: Option<u64>,
    /// A misbehaving server: the `Retry-After` text of throttled answers instead of
    /// `retry_after_secs` (`"1e30"`, `"-1"`, `"NaN"`, an HTTP date, ...).
    pub retry_after_text: Option<String>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            error_rate: 0.0,
            error_status: 500,
            rate_limit_per_min: None,
            rate_limit_per_token_per_min: None,
            throttle_status: 429,
            retry_after_secs: 1,
            drop_after_requests: None,
            drop_after_apply: None,
            jira_create_errors: 0,
            mutator: None,
            redirect_to: None,
            endless_paging: false,
            oversized_body_bytes: None,
            retry_after_text: None,
        }
    }
}

/// A background actor editing random objectives and features.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MutatorSpec {
    /// Time between two edits.
    #[serde(with = "millis")]
    pub interval: Duration,
    /// Change status, effort and owner (other planners).
    pub planners: bool,
    /// Rewrite acceptance criteria HTML (the TP↔Jira sync).
    pub jira_sync: bool,
}

impl Default for MutatorSpec {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(5),
            planners: true,
            jira_sync: true,
        }
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}
