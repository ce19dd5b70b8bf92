//! `tpcli plan lint`: where Targetprocess's features and Jira's stories under their epics
//! disagree (`pi_model::lint`), each finding with its code, where it is and a fix. The stories
//! are the plan file's, as the last pull brought them; Jira is asked only which epics it does
//! not have. `--fix` applies the fixes that are plan edits as an ordinary saved edit
//! (`pi_engine::lint`), which the next push previews, gets approved and journals like any other.

use anyhow::{Result, bail};
use clap::Args;
use pi_model::Plan;
use pi_model::lint::{self, LintCode, LintFinding};
use schemars::JsonSchema;
use serde::Serialize;

use super::words::plural;
use super::{RepoArgs, block_on};
use crate::exit;

/// Find where the plan and Jira disagree, each with a fix; --fix applies the fixes that are
/// plan edits.
#[derive(Debug, Args)]
#[command(after_help = "Codes:
  feature-done-stories-open   the feature is done, some of its epic's stories are not
  stories-done-feature-open   every story is done, the feature is not
  points-vs-effort            effort and the stories' points differ beyond [jira] points_tolerance
  feature-without-epic        the feature names no Jira epic
  epic-missing                the feature's Jira key names no issue Jira has
  stories-without-points      stories of the epic have no points
  ac-empty-on-committed       a feature of a committed objective has no acceptance criteria

Examples:
  tpcli plan lint
  tpcli plan lint --fix points-vs-effort     # set each effort to its stories' points
  tpcli plan lint --fix all && tpcli plan push --dry-run

A fix is a plan edit committed like a save: the next push previews it, the approvals policy
applies and the push journals it. A field Jira owns ([jira] owns) is never edited.

Exit codes: 0 no findings, 1 findings remain, 2 error.")]
pub struct LintArgs {
    /// Apply the fixes of these codes (comma-separated), or of every code with `all`.
    #[arg(long, value_name = "CODE[,CODE]|all")]
    fix: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `tpcli plan lint --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LintView {
    /// The findings left (after `--fix`, those it did not fix).
    pub findings: Vec<LintFinding>,
    /// Whether Jira was asked which epics it lacks (`epic-missing` is only found then).
    pub epics_checked: bool,
    /// Why the epics were not checked, when they were not.
    pub epics_note: Option<String>,
    /// What `--fix` did; null without it.
    pub fixed: Option<Fixed>,
}

/// The fixes applied by `--fix`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Fixed {
    /// The codes asked for.
    pub codes: Vec<LintCode>,
    /// How many plan edits were made.
    pub applied: usize,
    /// The commit of the edit on the working branch; null when nothing changed.
    pub commit: Option<String>,
}

pub fn run(args: LintArgs) -> Result<u8> {
    let codes = args.fix.as_deref().map(fix_codes).transpose()?;
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let mut plan = ws.local()?;
    let settings = pi_engine::lint::settings(&ws)?;
    let (missing, epics_note) = missing_epics(&ws, &plan)?;
    let mut findings = lint::lint(&plan, &settings, &missing);
    let fixed = match codes {
        Some(codes) => {
            let fixed = apply(&ws, &args.repo, &mut plan, &findings, codes)?;
            findings = lint::lint(&plan, &settings, &missing);
            Some(fixed)
        }
        None => None,
    };
    let view = LintView {
        findings,
        epics_checked: epics_note.is_none(),
        epics_note,
        fixed,
    };
    if args.json {
        crate::output::print(&view)?;
    } else {
        print_human(&view);
    }
    Ok(if view.findings.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

/// `points-vs-effort,epic-missing` or `all`.
fn fix_codes(text: &str) -> Result<Vec<LintCode>> {
    if text.trim() == "all" {
        return Ok(LintCode::ALL.to_vec());
    }
    let mut codes = Vec::new();
    for word in text.split(',').filter(|w| !w.trim().is_empty()) {
        let Some(code) = LintCode::parse(word) else {
            let known: Vec<&str> = LintCode::ALL.iter().map(|c| c.as_str()).collect();
            bail!(
                "--fix: {:?} is not a lint code; use `all` or some of {}",
                word.trim(),
                known.join(", ")
            );
        };
        codes.push(code);
    }
    if codes.is_empty() {
        bail!("--fix needs a code, or `all`");
    }
    Ok(codes)
}

/// The epics Jira lacks among those of features that have no stories, or why Jira was not
/// asked.
fn missing_epics(ws: &pi_engine::Workspace, plan: &Plan) -> Result<(Vec<String>, Option<String>)> {
    let access = super::jira::access(ws)?;
    let client = match &access {
        super::jira::Access::Client(c) => c,
        super::jira::Access::Off => {
            return Ok((
                Vec::new(),
                Some(not_checked("no [jira] in pi-planner.toml")),
            ));
        }
        super::jira::Access::Unusable(why) => {
            let detail = match why {
                pi_engine::StoriesRefresh::NotRefreshed { detail, .. } => detail.clone(),
                pi_engine::StoriesRefresh::Refreshed { .. } => String::new(),
            };
            return Ok((Vec::new(), Some(not_checked(&detail))));
        }
    };
    let epics = pi_engine::lint::epics_to_check(plan);
    if epics.is_empty() {
        return Ok((Vec::new(), None));
    }
    match block_on(client.missing_issues(&epics))? {
        Ok(missing) => Ok((missing, None)),
        Err(e) => Ok((Vec::new(), Some(not_checked(&e.to_string())))),
    }
}

fn not_checked(why: &str) -> String {
    format!("could not check the epics in Jira ({why}): epic-missing not looked for")
}

/// Applies the fixes of `codes` and commits the plan as a save.
fn apply(
    ws: &pi_engine::Workspace,
    repo: &RepoArgs,
    plan: &mut Plan,
    findings: &[LintFinding],
    codes: Vec<LintCode>,
) -> Result<Fixed> {
    let edits = findings
        .iter()
        .any(|f| codes.contains(&f.code) && f.fix.edit.is_some());
    if !edits {
        return Ok(Fixed {
            codes,
            applied: 0,
            commit: None,
        });
    }
    let me = super::connect::identity(&repo.repo)?;
    let applied = pi_engine::lint::fix(ws, &me, chrono::Utc::now(), plan, findings, &codes)?;
    Ok(Fixed {
        codes,
        applied: applied.edits,
        commit: applied.commit.map(|c| c.to_string()),
    })
}

fn print_human(view: &LintView) {
    if let Some(note) = &view.epics_note {
        crate::term::line(format!("Note: {note}."));
    }
    if let Some(fixed) = &view.fixed {
        match &fixed.commit {
            Some(_) => println!(
                "Fixed {} in the plan; `tpcli plan push --dry-run` shows what goes to Targetprocess.",
                plural(fixed.applied, "finding", "findings")
            ),
            None => println!("Nothing to fix with the codes asked for."),
        }
    }
    if view.findings.is_empty() {
        println!("No findings: the plan and Jira agree.");
        return;
    }
    println!("{}:", plural(view.findings.len(), "finding", "findings"));
    for f in &view.findings {
        crate::term::line(format!(
            "  [{}] {} / {} ({}): {}",
            f.code.as_str(),
            f.objective,
            f.feature_name,
            f.feature,
            f.message
        ));
        crate::term::line(format!("      fix: {}", f.fix.description));
    }
}
