//! The app's session: what it is connected to (the embedded demo Targetprocess or a real one),
//! who the planner is, which plan is open, and the undo history of local edits. Every command is
//! one call of a [`Session`] method.
//!
//! It deliberately knows nothing of Tauri (so it is tested directly) and holds no domain rules:
//! rendering and parsing are pi-format, validation is pi-model, Targetprocess calls are
//! pi-targetprocess, opening, pulling, pushing and resolving are pi-engine (see `session_sync.rs`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_model::{LocalId, RepoConfig};
use pi_targetprocess::{Credentials, TpClient, TpConfig};
use tokio::sync::Mutex;

use crate::credentials::CredentialStore;
use crate::dto::{
    AppStatus, ConnectRequest, ConnectionCheck, ConnectionDto, FindingDto, IdSource, IdentityDto,
    OpenRequest, PickItem, PlanDto, PlanView, StatusOptions, WorkspaceDto,
};
use crate::error::{ErrorCode, UiError, file_error};
use crate::files::{SavedConnection, Settings};

/// How many earlier versions of the plan file undo keeps.
const UNDO_DEPTH: usize = 50;

/// Folders the session works in.
#[derive(Clone, Debug)]
pub struct Dirs {
    /// Holds `settings.json`.
    pub config: PathBuf,
    /// Holds the workspace folders (plan files).
    pub data: PathBuf,
}

/// One app run's state; shared by all commands.
#[derive(Debug)]
pub struct Session {
    dirs: Dirs,
    credentials: Arc<dyn CredentialStore>,
    inner: Mutex<Inner>,
    /// When set, the demo Targetprocess serves its control API and its address is written here
    /// (for the app's end-to-end tests, which play another planner through it).
    sim_control_file: Option<PathBuf>,
    /// Which account the demo is (`PI_PLANNER_DEMO_PROFILE`).
    demo_profile: pi_sim::Profile,
    /// Live sync: the open plan's watch between looks, and the live indicator's state.
    live: std::sync::Mutex<live::Live>,
}

#[derive(Debug, Default)]
struct Inner {
    settings: Settings,
    demo: Option<pi_sim::RunningSim>,
    client: Option<Arc<TpClient>>,
    /// Where pull and open read the features' Jira stories from (the demo's Jira).
    jira: Option<Arc<pi_jira::JiraClient>>,
    /// Earlier texts of the open plan file, most recent last.
    undo: Vec<String>,
    /// Alerts the app's pulls and pushes raised, for the window to announce (`take_alerts`).
    alerts: Vec<crate::dto::SyncEventDto>,
}

impl Session {
    pub fn new(dirs: Dirs, credentials: Arc<dyn CredentialStore>) -> Self {
        let settings = Settings::load(&dirs.config.join("settings.json"));
        Self {
            dirs,
            credentials,
            inner: Mutex::new(Inner {
                settings,
                ..Inner::default()
            }),
            sim_control_file: None,
            demo_profile: schema::demo_profile_from_env(),
            live: std::sync::Mutex::default(),
        }
    }

    /// Makes the demo the given account (the enterprise one names things differently).
    pub fn with_demo_profile(mut self, profile: pi_sim::Profile) -> Self {
        self.demo_profile = profile;
        self
    }

    /// Serves the demo's control API and writes its address to `path` when the demo starts.
    pub fn with_sim_control_file(mut self, path: Option<PathBuf>) -> Self {
        self.sim_control_file = path;
        self
    }

    pub async fn status(&self) -> AppStatus {
        status_of(&self.inner.lock().await.settings)
    }

    /// Starts the embedded demo Targetprocess (127.0.0.1, free port) and uses it from now on.
    pub async fn start_demo(&self) -> Result<AppStatus, UiError> {
        let mut inner = self.inner.lock().await;
        if !matches!(inner.settings.connection, SavedConnection::Demo) {
            inner.settings.workspace = None;
        }
        inner.settings.connection = SavedConnection::Demo;
        inner.client = None;
        inner.demo = None;
        inner.jira = None;
        self.prepare_demo_folder()?;
        self.client(&mut inner).await?;
        self.persist(&inner.settings)?;
        Ok(status_of(&inner.settings))
    }

    /// Starts the demo unless a connection (demo or Targetprocess) is already configured.
    pub async fn start_demo_if_unconnected(&self) -> Result<(), UiError> {
        let unconnected = matches!(
            self.inner.lock().await.settings.connection,
            SavedConnection::None
        );
        if unconnected {
            self.start_demo().await?;
        }
        Ok(())
    }

    /// Checks that `req` reaches Targetprocess and the token is accepted, and says what the
    /// account calls things (`session_account.rs`); stores nothing.
    pub async fn test_connection(&self, req: &ConnectRequest) -> Result<ConnectionCheck, UiError> {
        let client = TpClient::new(quick_config(req)?)?;
        let arts = client.list_arts().await?;
        Ok(ConnectionCheck {
            arts: u32::try_from(arts.len()).unwrap_or(u32::MAX),
            names: self.account_names(req, &client).await,
        })
    }

    /// Tests the connection, then keeps the token in the OS keychain and uses the account.
    pub async fn connect(&self, req: &ConnectRequest) -> Result<AppStatus, UiError> {
        TpClient::new(quick_config(req)?)?.list_arts().await?;
        // The shown form: a user name, password or query typed into the URL is never stored.
        let url = pi_targetprocess::config::shown_url(&req.url);
        self.credentials.save(&url, req.token.trim())?;
        let mut inner = self.inner.lock().await;
        inner.demo = None;
        inner.client = None;
        inner.jira = None;
        inner.settings.connection = SavedConnection::Targetprocess { url };
        inner.settings.workspace = None;
        inner.undo.clear();
        self.persist(&inner.settings)?;
        Ok(status_of(&inner.settings))
    }

    /// Records who edits are attributed to.
    pub async fn save_identity(&self, identity: IdentityDto) -> Result<AppStatus, UiError> {
        let name = identity.name.trim().to_owned();
        let email = identity.email.trim().to_owned();
        if name.is_empty() || !email.contains('@') {
            return Err(UiError::new(
                ErrorCode::InvalidInput,
                "Enter your name and your e-mail address.",
            ));
        }
        let mut inner = self.inner.lock().await;
        inner.settings.identity = Some(IdentityDto { name, email });
        self.persist(&inner.settings)?;
        Ok(status_of(&inner.settings))
    }

    pub async fn arts(&self) -> Result<Vec<PickItem>, UiError> {
        let client = self.client(&mut *self.inner.lock().await).await?;
        Ok(picks(client.list_arts().await?))
    }

    pub async fn releases(&self, art: i64) -> Result<Vec<PickItem>, UiError> {
        let client = self.client(&mut *self.inner.lock().await).await?;
        Ok(picks(client.list_releases_by_start(art).await?))
    }

    pub async fn teams(&self, art: i64) -> Result<Vec<PickItem>, UiError> {
        let client = self.client(&mut *self.inner.lock().await).await?;
        Ok(picks(client.list_teams(art).await?))
    }

    /// Opens the team's plan for the release: its workspace folder (a git repository of its own)
    /// is reopened when it exists, otherwise started from Targetprocess by `pi_engine::init`
    /// (published to the shared remote when one is set).
    pub async fn open(&self, req: OpenRequest) -> Result<PlanView, UiError> {
        let mut inner = self.inner.lock().await;
        let me = identity_of(&inner.settings)?;
        let dir = self
            .workspace_folder(&inner.settings.connection)
            .join(slug(&format!("{} {}", req.release.name, req.team.name)));
        let client = self.client_for(&mut inner, Some(&dir)).await?;
        let reopened = {
            let dir = dir.clone();
            sync::blocking(move |_| {
                if !dir.join(".git").exists() {
                    return Ok(None);
                }
                Ok(Some(pi_engine::Workspace::open(&dir)?.plan_path()?))
            })
            .await?
        };
        let (path, notices) = match reopened {
            Some(path) => (path, Vec::new()),
            None => {
                let init = pi_engine::InitRequest {
                    dir,
                    release: req.release.name.clone(),
                    team: req.team.name.clone(),
                    remote: inner.settings.remote.clone(),
                };
                self.start_plan(&mut inner, client.clone(), me, init)
                    .await?
            }
        };
        let text = read_plan(&path)?;
        edit::refresh_users_quietly(&client, &path).await;
        inner.undo.clear();
        inner.settings.workspace = Some(WorkspaceDto {
            art: req.art,
            release: req.release,
            team: req.team,
            plan_file: path.to_string_lossy().into_owned(),
        });
        self.persist(&inner.settings)?;
        let shown = view_of(path, text, !inner.undo.is_empty()).await?;
        Ok(PlanView { notices, ..shown })
    }

    /// The open plan, read from its file.
    pub async fn plan(&self) -> Result<PlanView, UiError> {
        let inner = self.inner.lock().await;
        let path = plan_path(&inner.settings)?;
        let text = read_plan(&path)?;
        view_of(path, text, !inner.undo.is_empty()).await
    }

    /// Writes the edited plan to its file (atomically) and commits it on the plan's working
    /// branch in the planner's name; the previous text is kept for undo. A plan a push could
    /// not send (no name, an empty criterion, an owner who is not a Targetprocess user) is
    /// refused before anything is written. The commit runs on a blocking thread (decision 0016).
    pub async fn save_plan(&self, plan: PlanDto) -> Result<PlanView, UiError> {
        let mut inner = self.inner.lock().await;
        let path = plan_path(&inner.settings)?;
        let before = read_plan(&path)?;
        let plan = plan.into_plan(&mut RandomIds)?;
        let users = self.users_for_save(&mut inner, &path).await;
        let on_disk = pi_format::parse(&before).ok().map(|p| p.plan);
        edit::check_save(on_disk.as_ref(), &plan, users.as_deref())?;
        let text = pi_format::render(&plan);
        let changed = text != before;
        let me = if changed {
            Some(identity_of(&inner.settings)?)
        } else {
            None
        };
        let can_undo = changed || !inner.undo.is_empty();
        let shown = sync::blocking(move |_| {
            if let Some(me) = me {
                pi_engine::save(&workspace_of(&path)?, &me, chrono::Utc::now(), &text)?;
            }
            Ok(view(&path, &text, can_undo))
        })
        .await?;
        if changed {
            inner.undo.push(before);
            let excess = inner.undo.len().saturating_sub(UNDO_DEPTH);
            inner.undo.drain(..excess);
        }
        shown
    }

    /// Puts the plan file back as it was before the last saved edit, as a new commit (history
    /// is never rewritten), on a blocking thread (decision 0016).
    pub async fn undo(&self) -> Result<PlanView, UiError> {
        let mut inner = self.inner.lock().await;
        let path = plan_path(&inner.settings)?;
        let me = identity_of(&inner.settings)?;
        let Some(text) = inner.undo.last().cloned() else {
            return Err(UiError::new(
                ErrorCode::NothingToUndo,
                "There is no edit to undo.",
            ));
        };
        let can_undo = inner.undo.len() > 1;
        let shown = sync::blocking(move |_| {
            pi_engine::restore(&workspace_of(&path)?, &me, chrono::Utc::now(), &text)?;
            Ok(view(&path, &text, can_undo))
        })
        .await?;
        inner.undo.pop();
        shown
    }

    /// The Targetprocess client of the current connection for the open plan, starting the demo
    /// if needed.
    async fn client(&self, inner: &mut Inner) -> Result<Arc<TpClient>, UiError> {
        self.client_for(inner, None).await
    }

    /// The client of the current connection speaking the `[tp]` names of the plan in
    /// `plan_dir` (the open plan's when `None`; see `schema_for`).
    async fn client_for(
        &self,
        inner: &mut Inner,
        plan_dir: Option<&Path>,
    ) -> Result<Arc<TpClient>, UiError> {
        let schema = self.schema_for(inner, plan_dir)?;
        if let Some(client) = inner
            .client
            .as_ref()
            .filter(|c| c.config().schema == schema)
        {
            return Ok(client.clone());
        }
        let (url, token) = self.address(inner).await?;
        let mut config = tp_config(&url, &token)?;
        config.schema = schema;
        let client = Arc::new(TpClient::new(config)?);
        inner.client = Some(client.clone());
        Ok(client)
    }

    /// The address and token of the current connection, starting the demo if needed.
    async fn address(&self, inner: &mut Inner) -> Result<(String, String), UiError> {
        match inner.settings.connection.clone() {
            SavedConnection::None => Err(UiError::new(
                ErrorCode::NotConnected,
                "PI Planner is not connected yet.",
            )
            .hint("Try the demo, or connect to your Targetprocess.")),
            SavedConnection::Demo => {
                if inner.demo.is_none() {
                    let control = self.sim_control_file.as_deref();
                    inner.demo = Some(schema::start_sim(control, self.demo_profile).await?);
                }
                let sim = inner.demo.as_ref().expect("the demo was started above");
                Ok((sim.base_url(), sim.access_token().to_owned()))
            }
            SavedConnection::Targetprocess { url } => {
                let token = self.credentials.load(&url)?.ok_or_else(|| {
                    UiError::new(
                        ErrorCode::Unauthorized,
                        "No access token is stored for this Targetprocess.",
                    )
                    .hint("Connect to Targetprocess again.")
                })?;
                Ok((url, token))
            }
        }
    }

    fn workspace_folder(&self, connection: &SavedConnection) -> PathBuf {
        let base = self.dirs.data.join("workspaces");
        match connection {
            SavedConnection::Targetprocess { url } => base.join(slug(url)),
            SavedConnection::None | SavedConnection::Demo => match self.demo_profile {
                pi_sim::Profile::Demo => base.join("demo"),
                other => base.join(format!("demo-{}", other.name())),
            },
        }
    }

    fn persist(&self, settings: &Settings) -> Result<(), UiError> {
        settings
            .save(&self.dirs.config.join("settings.json"))
            .map_err(|e| file_error("the settings file", &e))
    }
}

fn status_of(settings: &Settings) -> AppStatus {
    AppStatus {
        connection: match &settings.connection {
            SavedConnection::None => ConnectionDto::None,
            SavedConnection::Demo => ConnectionDto::Demo,
            SavedConnection::Targetprocess { url } => {
                ConnectionDto::Targetprocess { url: url.clone() }
            }
        },
        identity: settings.identity.clone(),
        workspace: settings.workspace.clone(),
    }
}

/// The git identity edits are attributed to.
fn identity_of(settings: &Settings) -> Result<pi_git::Identity, UiError> {
    settings
        .identity
        .as_ref()
        .map(|i| pi_git::Identity::new(&i.name, &i.email))
        .ok_or_else(|| {
            UiError::new(
                ErrorCode::NoIdentity,
                "PI Planner does not know who you are yet.",
            )
            .hint("Enter your name and e-mail address in Settings.")
        })
}

/// The client settings of a connection the planner is waiting on: one quick retry, not the
/// sync's patient policy.
fn quick_config(req: &ConnectRequest) -> Result<TpConfig, UiError> {
    let mut config = tp_config(req.url.trim(), req.token.trim())?;
    config.retry.max_retries = 1;
    config.connect_timeout = std::time::Duration::from_secs(5);
    config.request_timeout = std::time::Duration::from_secs(20);
    Ok(config)
}

fn tp_config(url: &str, token: &str) -> Result<TpConfig, UiError> {
    if token.is_empty() {
        return Err(UiError::new(
            ErrorCode::InvalidInput,
            "Enter an access token.",
        ));
    }
    Ok(TpConfig::new(
        url,
        Credentials::AccessToken(token.to_owned()),
    )?)
}

fn picks(items: Vec<pi_targetprocess::Summary>) -> Vec<PickItem> {
    items.into_iter().map(PickItem::from).collect()
}

fn plan_path(settings: &Settings) -> Result<PathBuf, UiError> {
    settings
        .workspace
        .as_ref()
        .map(|w| PathBuf::from(&w.plan_file))
        .ok_or_else(|| {
            UiError::new(ErrorCode::NoPlan, "No plan is open.")
                .hint("Pick an ART, a release and a team first.")
        })
}

/// The engine workspace (git repository) holding the plan file.
fn workspace_of(plan_file: &Path) -> Result<pi_engine::Workspace, UiError> {
    let dir = plan_file.parent().unwrap_or(plan_file);
    Ok(pi_engine::Workspace::open(dir)?)
}

fn read_plan(path: &Path) -> Result<String, UiError> {
    std::fs::read_to_string(path).map_err(|e| file_error("the plan file", &e))
}

/// [`view`] on a blocking thread: the known statuses are read from the plan's Targetprocess
/// snapshot in git (decision 0016).
async fn view_of(path: PathBuf, text: String, can_undo: bool) -> Result<PlanView, UiError> {
    sync::blocking(move |_| view(&path, &text, can_undo)).await
}

/// The editor's view of a plan file's text, validated with the workspace's `pi-planner.toml`.
/// It reads git: call it on a blocking thread ([`view_of`]).
fn view(path: &Path, text: &str, can_undo: bool) -> Result<PlanView, UiError> {
    let parsed = pi_format::parse(text).map_err(|errors| {
        let at = errors
            .0
            .first()
            .map(|e| format!(" (line {}, column {})", e.at.line, e.at.column))
            .unwrap_or_default();
        UiError::new(
            ErrorCode::PlanUnreadable,
            format!("The plan file has a mistake{at}."),
        )
        .hint("Fix it in a text editor, or undo the last edit.")
    })?;
    let config = repo_config(path);
    // [statuses], else the account's states kept with the plan's Targetprocess snapshot.
    let known =
        pi_engine::workflows::known_statuses_for_file(path, &parsed.plan, &config.statuses)?;
    let findings = pi_model::validate::validate_with(&parsed.plan, &config, &known);
    Ok(PlanView {
        plan: PlanDto::from(&parsed.plan),
        findings: findings.iter().map(FindingDto::from).collect(),
        statuses: StatusOptions {
            objective: known.objective.names,
            feature: known.feature.names,
        },
        plan_file: path.to_string_lossy().into_owned(),
        can_undo,
        notices: Vec::new(),
    })
}

/// `pi-planner.toml` beside the plan file; the defaults when it is missing or unreadable.
fn repo_config(plan_file: &Path) -> RepoConfig {
    plan_file
        .parent()
        .map(|dir| dir.join(pi_model::CONFIG_FILE_NAME))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| RepoConfig::from_toml_str(&text).ok())
        .unwrap_or_default()
}

/// A folder name for a Targetprocess URL: its host and path, lower-case, `-` between words.
fn slug(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let words: Vec<String> = rest
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        "targetprocess".to_owned()
    } else {
        words.join("-")
    }
}

/// Local ids for new items: 8 random hex digits.
struct RandomIds;

impl IdSource for RandomIds {
    fn fresh(&mut self) -> LocalId {
        let hex = uuid::Uuid::new_v4().simple().to_string();
        LocalId::new(&hex[..8]).expect("lower-case hex digits form a valid local id")
    }
}

#[path = "session_sync.rs"]
mod sync;

#[path = "session_approvals.rs"]
mod approvals;

#[path = "session_recover.rs"]
mod recover;

#[path = "session_history.rs"]
mod history;

#[path = "session_edit.rs"]
mod edit;

#[path = "session_schema.rs"]
mod schema;

#[path = "session_account.rs"]
mod account;

#[path = "session_train.rs"]
mod train;

#[path = "session_live.rs"]
mod live;

#[path = "session_jira.rs"]
mod jira;

#[path = "session_jira_plan.rs"]
mod jira_plan;

#[path = "session_checks.rs"]
mod checks;

#[path = "session_health.rs"]
mod health;

#[path = "session_doctor.rs"]
mod doctor;

#[path = "session_review.rs"]
mod review;

#[path = "session_links.rs"]
mod links;

pub use live::Look;

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
