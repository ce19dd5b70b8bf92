//! The settings a new plan repository starts with: the plans folder's `pi-planner.toml` (its
//! `[tp]` names, statuses, templates: docs/configuration.md) when there is one, and in the demo
//! a file with objective and feature templates, so "New from template" can be tried. A plan
//! repository that already has the file (a shared plan) keeps its own.

use pi_git::{CommitMessage, Identity, RepoLock, Source, Stamp, Trailers, When};

/// The file as committed into a new demo workspace.
pub const DEMO_CONFIG: &str = r#"# PI Planner settings of this plan repository (see docs/configuration.md).
# The demo starts with a few templates; edit them or add your own.

[templates.features.spike]
name = "Spike"
description = "Time-boxed investigation; its answer decides the next feature."
effort = 3
acceptance_criteria = ["Findings written up", "Decision recorded with the team"]

[templates.features.enabler]
name = "Enabler"
description = "Architecture or infrastructure work that later features build on."
effort = 8
acceptance_criteria = ["Runs in the shared test environment", "Documented for the other teams"]

[templates.objectives.enablement]
name = "Platform enablement"
description = "Make next PI's features cheaper to build."
business_value = 5
features = ["spike", "enabler"]

[templates.objectives.stretch]
name = "Stretch objective"
description = "Uncommitted; delivered if capacity allows."
business_value = 3

# Reviews on the demo's GitHub, which the demo simulator serves (the app points [github] at it
# while the demo runs): "Propose for review" opens a pull request there, and an approving
# review by demo-lead counts as Lea Lead's sign-off.
[github]
repository = "demo/pi-plans"
approvers = { demo-lead = "lead@example.com" }
"#;

/// Commit subject of the plan settings a new plan repository starts with.
const SUBJECT: &str = "Add the plan settings of the plans folder (pi-planner.toml)";

/// Commits `text` (in the demo [`DEMO_CONFIG`], with the plans folder's settings) as
/// `pi-planner.toml` onto the workspace's working branch, unless the repository already has
/// that file (a shared plan brings its own).
pub fn add_to(
    ws: &pi_engine::Workspace,
    me: &Identity,
    now: chrono::DateTime<chrono::Utc>,
    text: &str,
) -> Result<(), String> {
    let dir = ws
        .repo
        .workdir()
        .ok_or_else(|| "the demo workspace has no working folder".to_owned())?;
    if dir.join(pi_model::CONFIG_FILE_NAME).exists() {
        return Ok(());
    }
    let _lock = RepoLock::acquire(&ws.repo, std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let message =
        CommitMessage::new(SUBJECT).with_trailers(Trailers::new().with_source(Source::Local));
    let stamp = Stamp::new(me.clone(), When::utc(now.timestamp()));
    ws.repo
        .commit_files(
            &ws.names.working(),
            &[(pi_model::CONFIG_FILE_NAME, text.as_bytes())],
            &message,
            &stamp,
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo's templates are a valid configuration, and each one passes validation.
    #[test]
    fn the_demo_templates_are_valid() {
        let config = pi_model::RepoConfig::from_toml_str(DEMO_CONFIG).expect("valid settings");
        assert_eq!(
            config.templates.objectives.keys().collect::<Vec<_>>(),
            ["enablement", "stretch"]
        );
        assert_eq!(
            config.templates.features.keys().collect::<Vec<_>>(),
            ["enabler", "spike"]
        );
    }
}
