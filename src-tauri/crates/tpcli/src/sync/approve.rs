//! `tpcli plan approve` and `tpcli plan approvals`: sign off the change set a push would send,
//! and see where its approvals stand under the `[approvals]` policy of `pi-planner.toml`.

use anyhow::Result;
use clap::Args;
use pi_approvals::{ApprovalStatus, Rejection, Reviewed, Signing, Standing};
use pi_engine::approvals;

use super::connect::TpArgs;
use super::{RepoArgs, open};
use crate::exit;
use crate::output::views::{ApprovalsView, ApproveOutput};

/// Approve the plan change that a push would send now (as your git identity).
///
/// Your edits are committed and the team's shared remote is integrated first, so you approve
/// what will be pushed. The approval is bound to the exact change set: any later edit or pull
/// makes it stale. It is signed with your SSH key when git is set up to sign with one
/// (gpg.format = ssh, user.signingkey) and shared with the team through the remote.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan push --dry-run                 # see what you are approving
  tpcli plan approve --comment \"Fits the PI budget\"
  tpcli plan approvals                      # 1 of 2 approvals; waiting for a business owner

Exit codes: 0 approved, 1 refused (not an approver, your own change, already approved,
nothing to approve), 2 error.")]
pub struct ApproveArgs {
    /// A note kept with the approval (shown in the audit trail).
    #[arg(long, value_name = "TEXT")]
    comment: Option<String>,
    #[command(flatten)]
    repo: RepoArgs,
    #[command(flatten)]
    tp: TpArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: ApproveArgs) -> Result<u8> {
    let session = open(&args.repo, &args.tp)?;
    let signing = Signing::from_repo(&session.ws.repo);
    let ctx = session.ctx(false);
    let approved = approvals::approve(&ctx, &session.ws, args.comment, &signing)
        .inspect(|status| super::notify::approved(&session.me, status));
    match approved {
        Ok(status) if args.json => {
            crate::output::print_pretty(&ApproveOutput::Approved(ApprovalsView::from(&status)))?;
            Ok(exit::OK)
        }
        Ok(status) => {
            print(&status, false)?;
            Ok(exit::OK)
        }
        Err(pi_engine::EngineError::Approval(refusal)) => {
            if args.json {
                crate::output::print(&ApproveOutput::Refused {
                    refused: refusal.to_string(),
                })?;
            } else {
                println!("Not approved: {refusal}.");
            }
            Ok(exit::FINDINGS)
        }
        Err(e) => Err(e.into()),
    }
}

/// Where the approvals of the current change set stand: which count, which are stale (the plan
/// changed since) and which are rejected, and what the policy still waits for.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit codes: 0 the policy is met (or there is nothing to push), 1 still waiting, 2 error."
)]
pub struct ApprovalsArgs {
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the status as JSON.
    #[arg(long)]
    json: bool,
}

pub fn list(args: ApprovalsArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let policy = approvals::repo_config(&ws)?.approvals;
    let status = approvals::status(&ws, &policy, &Signing::from_repo(&ws.repo))?;
    print(&status, args.json)?;
    Ok(if status.is_met() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

fn print(status: &ApprovalStatus, json: bool) -> Result<()> {
    if json {
        crate::output::print_pretty(&ApprovalsView::from(status))?;
        return Ok(());
    }
    if status.change.ops.is_empty() {
        println!("Nothing to approve: the plan matches Targetprocess's last pulled state.");
    } else if status.exempt {
        println!("No approval needed: the change only touches fields the policy lets through.");
    } else {
        println!(
            "{} — change {}",
            status.missing(),
            short_hash(&status.change.hash)
        );
    }
    for r in &status.approvals {
        println!("  {}", line(r));
    }
    for o in &status.overrides {
        println!(
            "  overridden by {} <{}> at {}: {}",
            o.by.name, o.by.email, o.at, o.reason
        );
    }
    Ok(())
}

fn line(r: &Reviewed) -> String {
    let a = &r.approval;
    let who = match &r.role {
        Some(role) => format!("{} <{}>, {role}", a.approver.name, a.approver.email),
        None => format!("{} <{}>", a.approver.name, a.approver.email),
    };
    let standing = match &r.standing {
        Standing::Valid if r.verified => match &r.signer {
            Some(key) => format!("approved (signature verified: {key})"),
            None => "approved (signature verified)".to_owned(),
        },
        Standing::Valid => "approved".to_owned(),
        Standing::Stale => "stale: the plan changed since".to_owned(),
        Standing::Rejected(why) => format!("not counted: {}", rejection(why)),
    };
    let comment = a
        .comment
        .as_deref()
        .map(|c| format!(" — \"{c}\""))
        .unwrap_or_default();
    format!("{standing}: {who} at {}{comment}", a.at)
}

fn rejection(why: &Rejection) -> String {
    match why {
        Rejection::WrongHash => "its hash does not match the change it lists".to_owned(),
        Rejection::UnknownApprover => "not an approver of this plan".to_owned(),
        Rejection::SelfApproval => "an author of the change".to_owned(),
        Rejection::Duplicate => "already approved".to_owned(),
        Rejection::Unsigned => "unsigned, and signatures are required".to_owned(),
        Rejection::BadSignature(why) => why.clone(),
    }
}

fn short_hash(hash: &str) -> &str {
    hash.get(..19).unwrap_or(hash)
}
