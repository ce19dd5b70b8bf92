//! The session's sources: which `[tp]` section the app's client speaks (the open plan's
//! repository's `pi-planner.toml`, else the one in the plans folder, else the defaults), which
//! account the demo is (`PI_PLANNER_DEMO_PROFILE`), where stories come from (the demo's Jira),
//! and how a new plan is started (init with its notices, the plans folder's settings).
//!
//! It deliberately reads no Targetprocess data: discovery is pi-targetprocess, the names are
//! pi-model's `TpSchema`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pi_jira::{JiraClient, JiraConfig, JiraCredentials};
use pi_model::{RepoConfig, TpSchema};
use pi_targetprocess::TpClient;

use super::{Inner, Session, plan_path};
use crate::error::{ErrorCode, UiError, file_error};
use crate::files::{SavedConnection, write_atomic};

/// Names the demo account: `demo` (the default) or `enterprise` (another company's names).
pub const DEMO_PROFILE_VARIABLE: &str = "PI_PLANNER_DEMO_PROFILE";

/// The demo account named by [`DEMO_PROFILE_VARIABLE`]; the usual demo when it is unset or
/// names no account (said on stderr).
pub fn demo_profile_from_env() -> pi_sim::Profile {
    let Ok(name) = std::env::var(DEMO_PROFILE_VARIABLE) else {
        return pi_sim::Profile::Demo;
    };
    pi_sim::Profile::parse(&name).unwrap_or_else(|problem| {
        eprintln!("PI Planner: {DEMO_PROFILE_VARIABLE}: {problem}; using the usual demo");
        pi_sim::Profile::Demo
    })
}

impl Session {
    /// The `[tp]` names for the plan in `plan_dir` (or the open plan's, when `None`): its
    /// repository's `pi-planner.toml`, else the plans folder's, else the defaults.
    pub(super) fn schema_for(
        &self,
        inner: &Inner,
        plan_dir: Option<&Path>,
    ) -> Result<TpSchema, UiError> {
        let open = || {
            plan_path(&inner.settings)
                .ok()?
                .parent()
                .map(Path::to_path_buf)
        };
        let plan_dir = plan_dir.map(Path::to_path_buf).or_else(open);
        let folder = self.workspace_folder(&inner.settings.connection);
        let candidates = plan_dir
            .iter()
            .map(|d| d.join(pi_model::CONFIG_FILE_NAME))
            .chain([folder.join(pi_model::CONFIG_FILE_NAME)]);
        for path in candidates {
            if let Some(config) = read_config(&path)? {
                return Ok(config.tp);
            }
        }
        Ok(TpSchema::default())
    }

    /// The plans folder's `pi-planner.toml` (written there for the demo's enterprise account).
    pub(super) fn folder_config_path(&self, connection: &SavedConnection) -> PathBuf {
        self.workspace_folder(connection)
            .join(pi_model::CONFIG_FILE_NAME)
    }

    /// Writes the demo account's settings into the demo's plans folder, once: the enterprise
    /// account needs its `[tp]` names and states; the usual demo needs nothing.
    pub(super) fn prepare_demo_folder(&self) -> Result<(), UiError> {
        if self.demo_profile == pi_sim::Profile::Demo {
            return Ok(());
        }
        let path = self.folder_config_path(&SavedConnection::Demo);
        if path.exists() {
            return Ok(());
        }
        let text = format!(
            "# The demo's {} account names things differently (see docs/configuration.md).\n{}",
            self.demo_profile.name(),
            self.demo_profile.repo_config_toml()
        );
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| file_error("the plans folder", &e))?;
        }
        crate::files::write_atomic(&path, &text)
            .map_err(|e| file_error("the plans folder's settings", &e))
    }

    /// Starts the plan of `init` from Targetprocess (its stories from Jira when there is a
    /// story source), adds the plans folder's settings, and says what could not be brought.
    /// The new repository is written on a blocking thread (decision 0016).
    pub(super) async fn start_plan(
        &self,
        inner: &mut Inner,
        client: Arc<TpClient>,
        me: pi_git::Identity,
        init: pi_engine::InitRequest,
    ) -> Result<(PathBuf, Vec<String>), UiError> {
        let jira = self.story_source(inner)?;
        let repo_config = self.new_repo_config(&inner.settings.connection);
        super::sync::blocking(move |rt| {
            let ctx = pi_engine::Context {
                tp: &*client,
                me: &me,
                now: chrono::Utc::now(),
                auto_sync: false,
                progress: None,
            };
            let stories = jira.as_deref().map(|j| j as &dyn pi_engine::StorySource);
            let report = rt.block_on(pi_engine::init_with(&ctx, &init, stories))?;
            if let Some(text) = repo_config {
                let ws = pi_engine::Workspace::open(&init.dir)?;
                crate::demo_config::add_to(&ws, &me, ctx.now, &text).map_err(|e| {
                    UiError::new(
                        ErrorCode::WorkspaceProblem,
                        format!("The plan settings could not be added to the plan: {e}"),
                    )
                })?;
            }
            let notices = crate::dto::notices(&report.notices, report.jira.as_ref());
            Ok((report.plan_file, notices))
        })
        .await
    }

    /// Where the features' stories are read from: the Jira connected in the app (for the open
    /// plan's repository, else the plans folder's settings; `session_jira.rs`), else the demo's
    /// Jira in the demo; none otherwise.
    pub(super) fn story_source(
        &self,
        inner: &mut Inner,
    ) -> Result<Option<Arc<JiraClient>>, UiError> {
        if inner.settings.jira.is_some() {
            let dir = plan_path(&inner.settings)
                .ok()
                .and_then(|p| p.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| self.workspace_folder(&inner.settings.connection));
            return Ok(self.connected_story_source(inner, &dir));
        }
        if let Some(jira) = &inner.jira {
            return Ok(Some(jira.clone()));
        }
        let Some(sim) = inner.demo.as_ref() else {
            return Ok(None);
        };
        let (email, api_token) = sim.jira_credentials();
        let config = JiraConfig::new(&sim.base_url(), JiraCredentials::Cloud { email, api_token })
            .and_then(JiraClient::new)
            .map_err(|_| {
                UiError::new(
                    ErrorCode::DemoFailed,
                    "The demo's Jira could not be reached.",
                )
                .hint("Restart PI Planner and try the demo again.")
            })?;
        let jira = Arc::new(config);
        inner.jira = Some(jira.clone());
        Ok(Some(jira))
    }

    /// What a new plan repository starts with: the plans folder's `pi-planner.toml` (and, in
    /// the demo, the demo's templates before it); `None` when there is nothing to add.
    pub(super) fn new_repo_config(&self, connection: &SavedConnection) -> Option<String> {
        let folder = std::fs::read_to_string(self.folder_config_path(connection)).ok();
        match (connection, folder) {
            (SavedConnection::Demo, Some(f)) => {
                Some(format!("{}\n{f}", crate::demo_config::DEMO_CONFIG))
            }
            (SavedConnection::Demo, None) => Some(crate::demo_config::DEMO_CONFIG.to_owned()),
            (_, folder) => folder,
        }
    }
}

/// The configuration at `path`; `None` when there is no file there. A file with a mistake is
/// an error: the plan would otherwise be read with names the team did not choose.
fn read_config(path: &Path) -> Result<Option<RepoConfig>, UiError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error("pi-planner.toml", &e)),
    };
    RepoConfig::from_toml_str(&text).map(Some).map_err(|e| {
        UiError::new(
            ErrorCode::InvalidInput,
            format!("The settings file {} has a mistake: {e}", path.display()),
        )
        .hint("Fix it in a text editor (see docs/configuration.md), then try again.")
    })
}

#[cfg(test)]
#[path = "session_schema_tests.rs"]
mod tests;

/// Starts the demo simulator as `profile`; with `control_file`, its control API too, and its
/// address (and the demo Jira's credentials) written there for the app's end-to-end tests.
pub(super) async fn start_sim(
    control_file: Option<&Path>,
    profile: pi_sim::Profile,
) -> Result<pi_sim::RunningSim, UiError> {
    let config = pi_sim::SimConfig {
        control_api: control_file.is_some(),
        ..pi_sim::SimConfig::for_profile(profile)
    };
    let sim = pi_sim::start(config).await.map_err(|_| {
        UiError::new(
            ErrorCode::DemoFailed,
            "The demo Targetprocess could not be started on this computer.",
        )
        .hint("Another program may block local connections; restart PI Planner and try again.")
    })?;
    if let Some(path) = control_file {
        // The demo Jira's credentials too: the browser tests connect to it as a planner would.
        let (jira_email, jira_token) = sim.jira_credentials();
        let address = serde_json::json!({
            "url": sim.base_url(),
            "token": sim.access_token(),
            "jiraEmail": jira_email,
            "jiraToken": jira_token,
            "jiraPat": sim.jira_pat(),
        });
        write_atomic(path, &address.to_string())
            .map_err(|e| file_error("the demo address file", &e))?;
    }
    Ok(sim)
}
