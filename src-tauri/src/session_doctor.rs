//! Settings → Health: the checks `tpcli doctor` runs (pi-doctor's code) on the open plan and the
//! app's connection — Targetprocess reachable with the token, its names, the clock, Jira, the
//! team's remote, disk space, the lock, the push lease, an unfinished push, stored conflicts.
//! Nothing is changed: the remote is asked with a dry run.

use std::path::Path;
use std::process::{Command, Stdio};

use pi_engine::Workspace;

use super::Session;
use crate::dto::HealthChecksDto;
use crate::files::SavedConnection;

/// Runs `git ARGS` in `dir` without ever prompting; git's last line when it fails.
fn git(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("git could not be run: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr);
    Err(format!(
        "`git {}` failed: {}",
        args.first().copied().unwrap_or_default(),
        said.trim().lines().last().unwrap_or("no message")
    ))
}

impl Session {
    /// The health checks of the open plan and the app's connection.
    pub async fn health_checks(&self) -> Result<HealthChecksDto, crate::error::UiError> {
        let mut inner = self.inner.lock().await;
        let (client, _me, dir) = self.engine(&mut inner).await?;
        let url = match &inner.settings.connection {
            SavedConnection::Targetprocess { url } => url.clone(),
            _ => "The demo Targetprocess".to_owned(),
        };
        let schema = self.schema_for(&inner, None)?;
        let jira = self.story_source(&mut inner)?;
        drop(inner);
        let mut checks = pi_doctor::account_checks(&client, &url, &schema, true).await;
        if let Some(jira) = &jira {
            checks.push(pi_doctor::jira_check(jira).await);
        }
        let local = super::sync::blocking(move |_| {
            let ws = Workspace::open(&dir)?;
            Ok(pi_doctor::local_checks(&ws, &git))
        })
        .await?;
        checks.extend(local);
        Ok(HealthChecksDto::new(&pi_doctor::Report::new(checks)))
    }
}

#[cfg(test)]
mod tests {
    use crate::session_fixture::demo_with_plan;

    #[tokio::test]
    async fn the_checks_of_tpcli_doctor_run_on_the_open_plan_with_fixes_in_the_apps_words() {
        let (f, view) = demo_with_plan().await;
        let health = f.session.health_checks().await.expect("answers");
        let level = |name: &str| {
            health
                .checks
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.level.clone())
                .unwrap_or_else(|| panic!("{name} checked: {health:?}"))
        };
        assert_eq!(level("targetprocess"), "ok", "{health:?}");
        assert_eq!(level("clock"), "ok", "{health:?}");
        assert_eq!(level("remote"), "skipped", "no remote: {health:?}");
        assert_eq!(level("unfinished_push"), "ok");
        assert_eq!(level("conflicts"), "ok");
        assert_eq!(
            level("lock"),
            "ok",
            "the app holds no lock between operations"
        );
        assert!(health.checks.iter().all(|c| !c.label.is_empty()));

        // A stored conflict: a warning whose fix names the app's Conflicts view.
        let dir = std::path::Path::new(&view.plan_file)
            .parent()
            .expect("in a folder")
            .to_path_buf();
        let ws = pi_engine::Workspace::open(&dir).expect("opens");
        let plan = ws.base().expect("a base").plan;
        let o = &plan.objectives[0];
        let conflict = pi_model::merge::Conflict {
            kind: pi_model::merge::EntityKind::Objective,
            entity: o.id.clone(),
            name: o.name.clone(),
            field: Some(pi_model::Field::Effort),
            base: pi_model::merge::FieldValue::Effort(None),
            local: pi_model::merge::FieldValue::Effort(pi_model::Effort::new(3.0)),
            remote: pi_model::merge::FieldValue::Effort(pi_model::Effort::new(5.0)),
        };
        pi_engine::state::save_conflicts(&ws.local_dir().expect("local dir"), &[conflict])
            .expect("saved");
        let health = f.session.health_checks().await.expect("answers");
        let c = health
            .checks
            .iter()
            .find(|c| c.name == "conflicts")
            .expect("checked");
        assert_eq!(c.level, "warn");
        assert_eq!(
            c.fix.as_deref(),
            Some("Open Conflicts and choose a value for each.")
        );
        assert!(health.healthy, "a warning leaves the clone healthy");
    }
}
