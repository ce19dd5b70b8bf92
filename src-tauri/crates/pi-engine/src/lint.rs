//! Lint of a plan against Jira, around `pi_model::lint`: the settings it needs from the plan's
//! repository (`[jira]` tolerance and owned fields, the done and reopening statuses of the
//! account's feature workflow kept on the tracking branch), the epics worth asking Jira about,
//! and applying fixes as an ordinary saved edit, which the next push previews, gets approved and
//! journals like any other. `tpcli plan lint` and the app's "Out of sync" view both use it.

use chrono::{DateTime, Utc};
use pi_git::{Identity, Oid};
use pi_model::lint::{self, LintCode, LintFinding, LintSettings};
use pi_model::{Plan, StatusKind, Workflows};

use crate::error::Result;
use crate::workspace::Workspace;

/// Tolerance and owned fields from `[jira]`; done and reopening statuses from the account's
/// workflow kept on the tracking branch, else "Done" and "Implementing".
pub fn settings(ws: &Workspace) -> Result<LintSettings> {
    let config = crate::approvals::repo_config(ws)?;
    let jira = config.jira.as_ref();
    let tolerance = jira.map(|j| j.tolerance()).unwrap_or_default();
    let jira_owns = jira
        .map(|j| j.owns.iter().map(|f| f.label().to_lowercase()).collect())
        .unwrap_or_default();
    let stored = crate::workflows::stored(&ws.repo, &ws.names)?;
    let (done_statuses, done_status, open_status) = statuses(stored.as_ref());
    Ok(LintSettings {
        tolerance,
        jira_owns,
        done_statuses,
        done_status,
        open_status,
    })
}

/// The feature workflow's final states, the first of them, and the state before it.
fn statuses(stored: Option<&Workflows>) -> (Vec<String>, Option<String>, Option<String>) {
    let states = stored.map_or(&[][..], |w| w.states(StatusKind::Feature));
    let Some(first_final) = states.iter().position(|s| s.is_final) else {
        return (
            Vec::new(),
            Some("Done".to_owned()),
            Some("Implementing".to_owned()),
        );
    };
    let done: Vec<String> = states
        .iter()
        .filter(|s| s.is_final)
        .map(|s| s.name.clone())
        .collect();
    let open = states[..first_final]
        .iter()
        .rev()
        .find(|s| !s.is_final)
        .map(|s| s.name.clone());
    let first = Some(states[first_final].name.clone());
    (done, first, open)
}

/// The epics to ask Jira about (`epic-missing`): the keys of features whose epic brought no
/// stories, sorted, each once.
pub fn epics_to_check(plan: &Plan) -> Vec<String> {
    let mut epics: Vec<String> = plan
        .features()
        .filter(|(_, f)| f.stories.is_empty())
        .filter_map(|(_, f)| Some(f.jira.as_ref()?.key.trim().to_owned()))
        .filter(|k| !k.is_empty())
        .collect();
    epics.sort();
    epics.dedup();
    epics
}

/// What applying fixes did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// How many plan edits were made.
    pub edits: usize,
    /// The commit of the edit on the working branch; `None` when nothing changed.
    pub commit: Option<Oid>,
}

/// Applies the edits of `findings` whose code is in `codes` to `plan` and commits the plan as a
/// save in `me`'s name. Findings whose fix is not an edit (a field Jira owns, a fix in Jira)
/// are left as they are.
pub fn fix(
    ws: &Workspace,
    me: &Identity,
    now: DateTime<Utc>,
    plan: &mut Plan,
    findings: &[LintFinding],
    codes: &[LintCode],
) -> Result<Applied> {
    let edits = lint::apply(plan, findings, codes);
    if edits == 0 {
        return Ok(Applied {
            edits,
            commit: None,
        });
    }
    let text = pi_format::render(plan);
    let before = ws.repo.resolve(&ws.names.working())?;
    let tip = crate::save::save(ws, me, now, &text)?;
    Ok(Applied {
        edits,
        commit: (tip != before).then_some(tip),
    })
}
