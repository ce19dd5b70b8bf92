//! The team's notifications of tpcli's sync commands (`pi-notify`, `[notify]` in
//! `pi-planner.toml`): a pull, new conflicts, a push, an approval given, and a pull, push or
//! resolve that failed. Each command leaves its event here when it has its result ([`pulled`],
//! [`pushed`], [`approved`]); [`around`], in the plan dispatch, sends them when the command has
//! finished, and a failure event when it failed. Without a `[notify]` section nothing is sent.
//! Notifying never changes a command's result: a message not delivered is a warning on stderr
//! (the log's `notification not delivered` line).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use pi_engine::{PullReport, PushOutcome, Workspace};
use pi_notify::{ConflictLine, Event, Notifier, PlanRef, PushResult};

use super::words::{change, conflict, plural};

/// What the running command opened and the events it left.
#[derive(Debug)]
struct Pending {
    plan_file: PathBuf,
    plan: PlanRef,
    /// The conflicts open before the command (`entity field`).
    open_before: BTreeSet<String>,
    events: Vec<Event>,
}

static PENDING: Mutex<Option<Pending>> = Mutex::new(None);

fn pending() -> MutexGuard<'static, Option<Pending>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The command works on the plan of `ws` (called where a sync command opens its workspace).
pub fn opened(ws: &Workspace) {
    let Ok(plan_file) = ws.plan_path() else {
        return;
    };
    let open_before = open_conflicts(ws);
    *pending() = Some(Pending {
        plan_file,
        plan: plan_ref(ws),
        open_before,
        events: Vec::new(),
    });
}

/// The plan's names for the messages, or the branch's slugs when its snapshot does not read;
/// the plan is named `<release slug>/<team slug>` in the app's links.
pub fn plan_ref(ws: &Workspace) -> PlanRef {
    let slug = format!("{}/{}", ws.names.release_slug, ws.names.team_slug);
    match ws.base_header() {
        Ok(h) => PlanRef {
            art: h.art.name,
            release: h.release.name,
            team: h.team.name,
            plan: slug,
        },
        Err(_) => PlanRef {
            art: String::new(),
            release: ws.names.release_slug.clone(),
            team: ws.names.team_slug.clone(),
            plan: slug,
        },
    }
}

/// The conflicts open in `ws` now (`entity field`), to tell a later pull's new ones by.
pub fn open_conflicts(ws: &Workspace) -> BTreeSet<String> {
    ws.local_dir()
        .ok()
        .and_then(|dir| pi_engine::state::load_conflicts(&dir).ok())
        .unwrap_or_default()
        .iter()
        .map(conflict_key)
        .collect()
}

/// The conflicts of `report` that were not open `before`, in words.
pub fn conflicts_not_in(before: &BTreeSet<String>, report: &PullReport) -> Vec<ConflictLine> {
    report
        .conflicts
        .iter()
        .filter(|c| !before.contains(&conflict_key(c)))
        .map(|c| ConflictLine {
            id: c.entity.to_string(),
            what: conflict(c),
        })
        .collect()
}

fn conflict_key(c: &pi_model::merge::Conflict) -> String {
    let field = c.field.map(|f| f.to_string()).unwrap_or_default();
    format!("{} {field}", c.entity)
}

fn leave(make: impl FnOnce(&Pending) -> Vec<Event>) {
    if let Some(p) = pending().as_mut() {
        let events = make(p);
        p.events.extend(events);
    }
}

/// The conflicts of `report` that were not open before the command, in words.
fn new_conflicts(p: &Pending, report: &PullReport) -> Vec<ConflictLine> {
    conflicts_not_in(&p.open_before, report)
}

/// The plan's name in links and the conflicts the pull found that were not open before it; none
/// outside a sync command.
pub fn found(report: &PullReport) -> (String, Vec<ConflictLine>) {
    match pending().as_ref() {
        Some(p) => (p.plan.plan.clone(), new_conflicts(p, report)),
        None => (String::new(), Vec::new()),
    }
}

/// A pull's summary, and an alert naming each conflict the pull found that was not open before.
pub fn pulled(report: &PullReport) {
    leave(|p| {
        let mut events = vec![Event::Pull {
            plan: p.plan.clone(),
            from_tp: report.from_tp.iter().map(change).collect(),
            kept_local: report.local.len(),
            conflicts: report.conflicts.len(),
        }];
        let new = new_conflicts(p, report);
        if !new.is_empty() {
            events.push(Event::Conflict {
                plan: p.plan.clone(),
                conflicts: new,
            });
        }
        events
    });
}

/// A push's summary: what was sent, or why nothing was. A preview sends nothing, nor does a push
/// with nothing to push.
pub fn pushed(outcome: &PushOutcome) {
    let Some((result, lines)) = push_summary(outcome) else {
        return;
    };
    leave(|p| {
        vec![Event::Push {
            plan: p.plan.clone(),
            result,
            lines,
        }]
    });
}

fn push_summary(outcome: &PushOutcome) -> Option<(PushResult, Vec<String>)> {
    let not_sent = |why: String| Some((PushResult::NotSent, vec![why]));
    match outcome {
        PushOutcome::Preview { .. } | PushOutcome::NothingToPush { .. } => None,
        PushOutcome::Pushed(r) => {
            let lines = r
                .ops
                .iter()
                .map(|o| match &o.result {
                    Ok(()) => first_line(&o.op.to_string()),
                    Err(why) => format!("{} (refused: {why})", first_line(&o.op.to_string())),
                })
                .collect();
            let refused = r.ops.iter().any(|o| o.result.is_err());
            let result = if refused {
                PushResult::PartlyRefused
            } else {
                PushResult::Pushed
            };
            Some((result, lines))
        }
        PushOutcome::Blocked { conflicts } => not_sent(format!(
            "{} to resolve first",
            plural(*conflicts, "conflict", "conflicts")
        )),
        PushOutcome::BlockedByValidation { findings } => not_sent(format!(
            "the plan has {}",
            plural(findings.len(), "validation error", "validation errors")
        )),
        PushOutcome::NeedsConfirmation { .. } => {
            not_sent("it deletes in Targetprocess and waits for a confirmation".to_owned())
        }
        PushOutcome::RemoteChanged { stale } => not_sent(format!(
            "Targetprocess changed {} since the last pull; pull first",
            plural(stale.len(), "field", "fields")
        )),
        PushOutcome::AwaitingApproval { status } => not_sent(status.missing()),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// `who` approved the change set a push would send; where its approvals stand now.
pub fn approved(who: &pi_git::Identity, status: &pi_approvals::ApprovalStatus) {
    let standing = if status.is_met() {
        "the policy is met: the push can go".to_owned()
    } else {
        status.missing()
    };
    let detail = format!(
        "{} approved {}; {} of {} approvals; {standing}",
        who.email,
        plural(status.change.ops.len(), "change", "changes"),
        status.valid(),
        status.required
    );
    leave(|p| {
        vec![Event::Approval {
            plan: p.plan.clone(),
            given: true,
            detail,
        }]
    });
}

/// An approving review of the plan's pull request recorded as a sign-off (`line` names who and
/// which pull request).
pub fn approved_by_review(line: &str) {
    leave(|p| reviewed(&p.plan, &[line.to_owned()]));
}

/// Approving reviews recorded as sign-offs (each line names who and which pull request), as the
/// events a watch sends itself.
pub fn reviewed(plan: &PlanRef, lines: &[String]) -> Vec<Event> {
    lines
        .iter()
        .map(|line| Event::Approval {
            plan: plan.clone(),
            given: true,
            detail: format!("{line}: recorded as a sign-off"),
        })
        .collect()
}

/// Sends `approval_given` for each approving review just recorded as a sign-off of `ws`'s
/// plan, from a command syncing several plans (which has no single plan to leave the events
/// with); nothing when none was recorded.
pub fn send_reviewed(ws: &Workspace, recorded: &[String]) {
    if !recorded.is_empty() {
        send(ws, &reviewed(&plan_ref(ws), recorded));
    }
}

/// Runs the sync command `operation` (`pull`, `push`, `resolve`, `approve`) and sends the events
/// it left, or a failure event (pull, push and resolve) when it failed. The command's result is
/// returned as it was.
pub fn around(
    operation: &'static str,
    run: impl FnOnce() -> anyhow::Result<u8>,
) -> anyhow::Result<u8> {
    *pending() = None;
    let result = run();
    let Some(mut p) = pending().take() else {
        return result;
    };
    if let Err(err) = &result
        && operation != "approve"
    {
        p.events.clear();
        p.events.push(failure(&p.plan, operation, err));
    }
    let stale = p
        .plan_file
        .parent()
        .and_then(|dir| Workspace::open(dir).ok())
        .map(|ws| stale_approvals(&ws, &p.plan))
        .unwrap_or_default();
    p.events.extend(stale);
    deliver(&p.plan_file, &p.events);
    result
}

/// Sends one plan's events of a `sync-all`: its pull's summary and new conflicts (those not
/// open `before`), its push's, a failed pull or push, and approvals gone stale.
pub fn synced(ws: &Workspace, before: &BTreeSet<String>, s: &pi_engine::PlanSync) {
    let plan = plan_ref(ws);
    let mut events = Vec::new();
    match &s.pull {
        Ok(report) => {
            events.push(Event::Pull {
                plan: plan.clone(),
                from_tp: report.from_tp.iter().map(change).collect(),
                kept_local: report.local.len(),
                conflicts: report.conflicts.len(),
            });
            let new = conflicts_not_in(before, report);
            if !new.is_empty() {
                events.push(Event::Conflict {
                    plan: plan.clone(),
                    conflicts: new,
                });
            }
        }
        Err(e) => events.push(engine_failure(&plan, "pull", e)),
    }
    match &s.push {
        Some(Ok(outcome)) => {
            events.extend(push_summary(outcome).map(|(result, lines)| Event::Push {
                plan: plan.clone(),
                result,
                lines,
            }))
        }
        Some(Err(e)) => events.push(engine_failure(&plan, "push", e)),
        None => {}
    }
    events.extend(stale_approvals(ws, &plan));
    send(ws, &events);
}

/// The event of one step of `tpcli plan watch`: a pull, new conflicts, a push (or a completed
/// interrupted push), and the first failed look of a run of them (`failing`: the look before
/// failed too).
pub fn watched(plan: &PlanRef, event: &pi_engine::watch::Event, failing: bool) -> Option<Event> {
    use pi_engine::watch::Event as Watched;
    let plan = plan.clone();
    match event {
        Watched::Pulled(report) => Some(Event::Pull {
            plan,
            from_tp: report.from_tp.iter().map(change).collect(),
            kept_local: report.local.len(),
            conflicts: report.conflicts.len(),
        }),
        Watched::Conflicts(conflicts) => Some(Event::Conflict {
            plan,
            conflicts: conflicts
                .iter()
                .map(|c| ConflictLine {
                    id: c.entity.to_string(),
                    what: conflict(c),
                })
                .collect(),
        }),
        Watched::Pushed(report) | Watched::Resumed(report) => {
            let outcome = PushOutcome::Pushed(report.as_ref().clone());
            push_summary(&outcome).map(|(result, lines)| Event::Push {
                plan,
                result,
                lines,
            })
        }
        Watched::LookFailed { error, .. } if !failing => Some(Event::Failure {
            plan,
            operation: "watch".to_owned(),
            message: crate::term::safe(error).into_owned(),
        }),
        _ => None,
    }
}

/// Sends `events` of the plan of `ws`, with the approvals that went stale since the last look.
pub fn send(ws: &Workspace, events: &[Event]) {
    let Ok(plan_file) = ws.plan_path() else {
        return;
    };
    let mut events = events.to_vec();
    events.extend(stale_approvals(ws, &plan_ref(ws)));
    deliver(&plan_file, &events);
}

/// [`send`] from a task already on the runtime (the watch's loop).
pub async fn send_async(ws: &Workspace, events: &[Event]) {
    let mut events = events.to_vec();
    events.extend(stale_approvals(ws, &plan_ref(ws)));
    deliver_async(ws, &events).await;
}

/// Sends `events` of the plan of `ws` from a task already on the runtime, as they are.
async fn deliver_async(ws: &Workspace, events: &[Event]) {
    if events.is_empty() {
        return;
    }
    let config = match ws
        .plan_path()
        .map_err(anyhow::Error::from)
        .and_then(|file| crate::files::load_config(&file, None))
    {
        Ok((config, _)) => config.notify,
        Err(e) => {
            warn(&format!("no notification sent: {e:#}"));
            return;
        }
    };
    if config.events.is_empty() {
        return;
    }
    let notifier = Notifier::new(&config, &pi_notify::EnvAndKeychain);
    for event in events {
        notifier.send(event).await;
    }
}

fn engine_failure(plan: &PlanRef, operation: &str, e: &pi_engine::EngineError) -> Event {
    Event::Failure {
        plan: plan.clone(),
        operation: operation.to_owned(),
        message: crate::term::safe(&e.to_string()).into_owned(),
    }
}

/// `approval_stale` for each approval that counted when PI Planner last looked (the record in
/// `.git/pi-planner/approvals-valid.json`) and is stale now: the plan was edited or pulled
/// since. Looked at only when `approval_stale` is routed somewhere; nothing is stale while there
/// is nothing to push (a push used the approvals).
fn stale_approvals(ws: &Workspace, plan: &PlanRef) -> Vec<Event> {
    let Ok(plan_file) = ws.plan_path() else {
        return Vec::new();
    };
    let routed = crate::files::load_config(&plan_file, None).is_ok_and(|(c, _)| {
        !c.notify
            .channels_of(pi_model::NotifyEvent::ApprovalStale)
            .is_empty()
    });
    if !routed {
        return Vec::new();
    }
    let record = ws
        .repo
        .git_dir()
        .join("pi-planner")
        .join("approvals-valid.json");
    let Ok(policy) = pi_engine::approvals::repo_config(ws).map(|c| c.approvals) else {
        return Vec::new();
    };
    let signing = pi_approvals::Signing::from_repo(&ws.repo);
    let Ok(status) = pi_engine::approvals::status(ws, &policy, &signing) else {
        return Vec::new();
    };
    let key = |a: &pi_approvals::Approval| format!("{} {}", a.approver.email, a.change.hash);
    let before: BTreeSet<String> = std::fs::read(&record)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let valid: BTreeSet<String> = status
        .approvals
        .iter()
        .filter(|r| r.standing == pi_approvals::Standing::Valid)
        .map(|r| key(&r.approval))
        .collect();
    if valid != before
        && let Ok(bytes) = serde_json::to_vec(&valid)
    {
        let _ = std::fs::create_dir_all(record.parent().unwrap_or(ws.repo.git_dir()));
        let _ = std::fs::write(&record, bytes);
    }
    if status.change.ops.is_empty() {
        return Vec::new();
    }
    status
        .approvals
        .iter()
        .filter(|r| {
            r.standing == pi_approvals::Standing::Stale && before.contains(&key(&r.approval))
        })
        .map(|r| Event::Approval {
            plan: plan.clone(),
            given: false,
            detail: format!(
                "{}'s approval of {} no longer counts: the plan was edited or pulled since; {}",
                r.approval.approver.email,
                r.approval.at,
                status.missing()
            ),
        })
        .collect()
}

/// Sends the alerts an operation raised (`[alerts]`), as the `alert` event, now: they are
/// found after the command's result is recorded.
pub fn alerts(ws: &Workspace, alerts: &[pi_metrics::Alert]) {
    let Ok(plan_file) = ws.plan_path() else {
        return;
    };
    deliver(&plan_file, &alert_events(&plan_ref(ws), alerts));
}

/// [`alerts`] from a task already on the runtime (a train's team loop).
pub async fn alerts_async(ws: &Workspace, alerts: &[pi_metrics::Alert]) {
    deliver_async(ws, &alert_events(&plan_ref(ws), alerts)).await;
}

/// The `alert` event of each alert raised.
pub fn alert_events(plan: &PlanRef, alerts: &[pi_metrics::Alert]) -> Vec<Event> {
    alerts
        .iter()
        .map(|a| Event::Alert {
            plan: plan.clone(),
            what: match a.kind {
                pi_metrics::AlertKind::FailureStreak => "failure streak".to_owned(),
                pi_metrics::AlertKind::ConflictSpike => "conflict spike".to_owned(),
            },
            message: a.message(),
        })
        .collect()
}

/// The failure event: the error, its code and what to do.
fn failure(plan: &PlanRef, operation: &str, err: &anyhow::Error) -> Event {
    let (_, hint) = crate::errors::triage(err);
    let mut message = format!(
        "{} (error code {})",
        crate::term::safe(&format!("{err:#}")),
        crate::errors::code_of(err)
    );
    if let Some(hint) = hint {
        message.push_str(&format!(". What to do: {hint}"));
    }
    Event::Failure {
        plan: plan.clone(),
        operation: operation.to_owned(),
        message,
    }
}

/// Sends `events` to the channels `[notify]` of the plan's `pi-planner.toml` routes them to.
fn deliver(plan_file: &std::path::Path, events: &[Event]) {
    if events.is_empty() {
        return;
    }
    let config = match crate::files::load_config(plan_file, None) {
        Ok((config, _)) => config.notify,
        Err(e) => {
            warn(&format!("no notification sent: {e:#}"));
            return;
        }
    };
    if config.events.is_empty() {
        return;
    }
    // The SMTP transport is made and dropped on the runtime it sends with.
    // Each message not delivered is a warning on stderr from `Notifier::send` (its log line
    // names the channel, the event and Slack's or the SMTP server's reason).
    let sent = super::block_on(async {
        let notifier = Notifier::new(&config, &pi_notify::EnvAndKeychain);
        for event in events {
            notifier.send(event).await;
        }
    });
    if let Err(e) = sent {
        warn(&format!("no notification sent: {e:#}"));
    }
}

fn warn(line: &str) {
    eprintln!("warning: {}", crate::term::safe(line));
}
