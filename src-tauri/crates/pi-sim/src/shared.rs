//! State shared by every connection of one simulator: configuration, credentials, the data,
//! fault settings and the request log.
//!
//! Locks are std mutexes held only for short, non-async sections.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::{DataSource, SimClock, SimConfig};
use crate::faults::FaultState;
use crate::reqlog::LoggedRequest;
use crate::schema::Schema;
use crate::store::World;
use crate::{SimError, data, persist};

/// Credentials of a run, derived from the seed unless configured.
#[derive(Clone)]
pub struct Credentials {
    pub access_token: String,
    pub service_token: String,
    pub basic_password: String,
    pub jira_email: String,
    pub jira_token: String,
    /// Data Center's personal access token (Bearer).
    pub jira_pat: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(REDACTED)")
    }
}

impl Credentials {
    fn new(seed: u64, access_token: Option<String>) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x70CE_0000);
        let mut secret = || format!("{:016x}{:016x}", rng.random::<u64>(), rng.random::<u64>());
        let generated = STANDARD.encode(format!("1000:{}", secret()));
        Self {
            access_token: access_token.unwrap_or(generated),
            service_token: STANDARD.encode(format!("1000:{}", secret())),
            basic_password: format!("sim-{}", &secret()[..12]),
            jira_email: "planner@example.com".into(),
            jira_token: format!("ATATT{}", secret()),
            jira_pat: format!("NjQ{}", secret()),
        }
    }
}

#[derive(Debug)]
pub struct Shared {
    pub schema: Schema,
    pub base_url: String,
    pub creds: Credentials,
    pub seed: u64,
    pub tz_offset_minutes: i32,
    pub control_api: bool,
    pub page_size_jira: usize,
    pub jira_deployment: pi_model::JiraDeployment,
    pub jira_stories_per_feature: usize,
    /// Jira requests with their bodies (see `jira_log`).
    pub jira_log: Mutex<Vec<crate::jira_log::JiraRequest>>,
    pub bulk_atomic: bool,
    pub bulk_max: usize,
    pub clock: SimClock,
    pub data_source: DataSource,
    pub state_file: Option<PathBuf>,
    pub world: Mutex<World>,
    pub faults: Mutex<FaultState>,
    pub log: Mutex<Vec<LoggedRequest>>,
    /// Recent collection queries' selected rows (see `query::rows`).
    pub rows: Mutex<crate::query::rows::RowCache>,
    /// API writes that sent fields the values they already held (see `UnchangedWrite`).
    pub unchanged_writes: Mutex<Vec<crate::UnchangedWrite>>,
    /// Writes to refuse (see `refusals`).
    pub refusals: Mutex<Vec<crate::refusals::Refusal>>,
    /// The simulated Slack (see `slack`).
    pub slack: crate::slack::SlackState,
    /// The simulated GitHub (see `github`).
    pub github: crate::github::GithubState,
    /// Start of the run; request log times count from here.
    pub started: Instant,
}

/// Locks a mutex; a panic in another holder does not make the data unusable here.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub fn new(config: &SimConfig, base_url: String) -> Result<Self, SimError> {
        let schema = Schema::with_profile(config.schema.clone(), config.profile);
        let world = match config.state_file.as_deref().filter(|p| p.exists()) {
            Some(path) => persist::load(path)?,
            None => {
                let mut world = seeded(&schema, config.seed, &config.data)?;
                let n = config.jira_stories_per_feature;
                crate::jira_data::prepare(&mut world, &config.data, n, config.seed);
                world
            }
        };
        Ok(Self {
            creds: Credentials::new(config.seed, config.access_token.clone()),
            schema,
            base_url,
            seed: config.seed,
            tz_offset_minutes: config.tz_offset_minutes,
            control_api: config.control_api,
            page_size_jira: config.page_size_jira.max(1),
            jira_deployment: config.jira_deployment,
            jira_stories_per_feature: config.jira_stories_per_feature,
            jira_log: Mutex::new(Vec::new()),
            bulk_atomic: config.bulk_atomic,
            bulk_max: config.bulk_max,
            clock: config.clock,
            data_source: config.data.clone(),
            state_file: config.state_file.clone(),
            world: Mutex::new(world),
            faults: Mutex::new(FaultState::new(
                config.faults.clone(),
                config.seed,
                Instant::now(),
            )),
            log: Mutex::new(Vec::new()),
            rows: Mutex::default(),
            unchanged_writes: Mutex::new(Vec::new()),
            refusals: Mutex::new(Vec::new()),
            slack: crate::slack::SlackState::new(config.seed),
            github: crate::github::GithubState::new(config.seed),
            started: Instant::now(),
        })
    }

    /// The instant of a write, epoch ms.
    pub fn now_ms(&self) -> i64 {
        match self.clock {
            SimClock::Fixed(ms) => ms,
            SimClock::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        }
    }

    /// Back to the data of the configured source.
    pub fn reset(&self) -> Result<(), SimError> {
        let mut world = seeded(&self.schema, self.seed, &self.data_source)?;
        let n = self.jira_stories_per_feature;
        crate::jira_data::prepare(&mut world, &self.data_source, n, self.seed);
        *lock(&self.world) = world;
        self.persist();
        Ok(())
    }

    /// Writes the state file, if one is configured. Failures are ignored here: the next write
    /// tries again and `SimControl::save` reports them.
    pub fn persist(&self) {
        if let Some(path) = &self.state_file {
            let snapshot = lock(&self.world).clone();
            let _ = persist::save(path, &snapshot);
        }
    }
}

/// Builds the data of a source.
pub fn seeded(schema: &Schema, seed: u64, source: &DataSource) -> Result<World, SimError> {
    Ok(match source {
        DataSource::Demo if schema.profile == crate::Profile::Enterprise => {
            crate::profile::enterprise(schema, seed)
        }
        DataSource::Demo => data::demo(schema, seed),
        DataSource::Generated(spec) => data::generated(schema, seed, *spec),
        DataSource::File(path) => persist::load(path)?,
        DataSource::Empty => data::empty(schema, seed),
        DataSource::Hostile(inner) => {
            let mut world = seeded(schema, seed, inner)?;
            crate::hostile::apply(&mut world, schema, seed);
            world
        }
    })
}
