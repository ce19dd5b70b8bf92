//! `tpcli plan init`.

use anyhow::Result;
use clap::Args;
use pi_engine::{Context, InitRequest};

use super::connect::{self, TpArgs};
use super::progress::Progress;
use super::{RepoArgs, block_on};
use crate::exit;

/// Start a plan repository from Targetprocess: fetch the team's plan for a release, write the
/// plan file, create the tracking branch (Targetprocess's state) and the working branch (yours).
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  TP_TOKEN=... tpcli plan init --tp-url https://acme.tpondemand.com --release \"PI-4/25\" --team \"Platform Eco\"
  tpcli plan init --release \"PI-4/25\" --team \"Platform Eco\" --repo plans --remote git@git.example.com:art/plans.git

Works in an empty folder, a new folder, or an existing repository. Branch and file names include
release and team, so several teams and releases share one repository.")]
pub struct InitArgs {
    /// Release (PI) name as in Targetprocess, e.g. "PI-4/25".
    #[arg(long, value_name = "NAME")]
    release: String,
    /// Team name as in Targetprocess, e.g. "Platform Eco".
    #[arg(long, value_name = "NAME")]
    team: String,
    /// A shared git remote to publish the plan's branches and op log to (added as origin).
    #[arg(long, value_name = "URL")]
    remote: Option<String>,
    /// Start a new plan with the objectives of this plan template ([templates.plans] in
    /// pi-planner.toml), committed on the working branch and created in Targetprocess by the
    /// next push. Ignored when joining a teammate's plan.
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: InitArgs) -> Result<u8> {
    let schema = connect::schema_at(&args.repo.repo)?;
    let tp = connect::client_at(&connect::target(&args.tp, None)?, schema)?;
    let jira = super::jira::access_at(&args.repo.repo)?;
    let me = connect::identity(&args.repo.repo)?;
    let _used = super::meter::Used {
        tp: Some(&tp),
        jira: std::slice::from_ref(&jira),
    };
    let ctx = Context {
        tp: &tp,
        me: &me,
        now: chrono::Utc::now(),
        auto_sync: false,
        progress: None,
    };
    let req = InitRequest {
        dir: args.repo.repo.clone(),
        release: args.release.clone(),
        team: args.team.clone(),
        remote: args.remote.clone(),
    };
    let progress = Progress::new(args.json);
    progress.phase(&format!(
        "Fetching the plan of {} for {} from Targetprocess…",
        args.team, args.release
    ));
    let report = block_on(pi_engine::init_with(&ctx, &req, jira.source()));
    progress.finish();
    let mut report = report??;
    if let Ok(ws) = pi_engine::Workspace::open(&args.repo.repo) {
        super::meter::opened(&ws);
    }
    super::jira::remember_after_init(&args.repo.repo, &jira)?;
    if !report.joined {
        report.jira = jira.outcome(report.jira);
    }
    let templated = match &args.template {
        Some(name) if !report.joined => apply_template(&args.repo, &me, name)?,
        _ => 0,
    };
    if args.json {
        crate::output::print(&crate::output::views::InitView {
            plan_file: report.plan_file.display().to_string(),
            tracking_branch: report.tracking.clone(),
            working_branch: report.working.clone(),
            objectives: report.objectives,
            features: report.features,
            remote: report.pushed_to.clone(),
            joined: report.joined,
            template_objectives: templated,
            warnings: report.warnings.clone(),
            notices: report.notices.clone(),
            jira: report.jira.clone(),
        })?;
    } else {
        let verb = if report.joined {
            "Joined the team's shared plan of"
        } else {
            "Started the plan of"
        };
        println!(
            "{verb} {} for {}: {} objectives, {} features.",
            args.team, args.release, report.objectives, report.features
        );
        println!("  plan file:       {}", report.plan_file.display());
        println!(
            "  working branch:  {} (yours; edit the plan here)",
            report.working
        );
        println!(
            "  tracking branch: {} (Targetprocess's state)",
            report.tracking
        );
        if let Some(url) = report.pushed_to {
            println!("  shared with:     {url}");
        }
        if templated > 0 {
            println!(
                "  from template:   {templated} new objectives (sent to Targetprocess by the next push)"
            );
        }
        for warning in &report.warnings {
            crate::term::line(format!("  note: {warning}"));
        }
        for notice in &report.notices {
            crate::term::line(format!("  not in the plan: {}", notice.message));
        }
        super::pull::print_stories(report.jira.as_ref());
    }
    Ok(exit::OK)
}

/// Adds the plan template's objectives to the new plan; returns how many.
fn apply_template(repo: &RepoArgs, me: &pi_git::Identity, name: &str) -> Result<usize> {
    let ws = pi_engine::Workspace::open(&repo.repo)?;
    let now = chrono::Utc::now();
    let addition = pi_engine::templates::Addition::Plan {
        template: name.to_owned(),
    };
    let mut ids = pi_engine::templates::Ids::new(&super::new::seed(now));
    Ok(pi_engine::templates::add(&ws, me, now, &addition, &mut ids)?.len())
}
