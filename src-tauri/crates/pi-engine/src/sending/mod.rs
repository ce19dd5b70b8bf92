//! The push machinery under `push`, `resume`, `rollback` and the end of an interrupted push in
//! `pull`: sending a journaled push's open operations (updates in batches, the rest one by one,
//! creates found again by their markers), closing refused operations, reconciling an
//! interrupted push with Targetprocess, and the push's end (`complete`).
//!
//! It is not a command: it takes no lock (callers hold the repository lock, and the lease
//! where it writes) — except `resume`, the one entry point that does both.

pub(crate) mod apply;
pub(crate) mod batch;
pub(crate) mod complete;
pub(crate) mod reconcile;

use std::collections::HashMap;

use pi_git::RepoLock;
use pi_model::changeset::Op;
use pi_model::lookup::Entity;
use pi_model::merge::{FEATURE_FIELDS, FieldValue, OBJECTIVE_FIELDS};
use pi_model::{EntityId, Field, Plan};
use pi_targetprocess::{Kind, Placement};

use self::apply::OpError;
use crate::context::Context;
use crate::error::Result;
use crate::journal::{Journal, OpState, PushRecord};
use crate::progress::{Progress, ProgressSink};
use crate::workspace::{LOCK_WAIT, Workspace, plan_ids};

/// A field Targetprocess changed since the last pull that the push would overwrite.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Stale {
    pub entity: EntityId,
    pub name: String,
    /// `None`: the entity was deleted in Targetprocess.
    pub field: Option<Field>,
    pub base: FieldValue,
    pub remote: FieldValue,
}

/// How one operation ended.
#[derive(Debug, Clone, PartialEq)]
pub struct OpResult {
    pub op: Op,
    /// `Err` holds Targetprocess's refusal; the change stays local for the next push.
    pub result: std::result::Result<(), String>,
}

/// A field whose value in Targetprocess after the push differs from what was sent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Mismatch {
    pub entity: EntityId,
    pub name: String,
    pub field: Field,
    pub sent: FieldValue,
    pub found: FieldValue,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PushReport {
    pub ops: Vec<OpResult>,
    /// Local ids and the Targetprocess ids their creates got.
    pub created: Vec<(EntityId, i64)>,
    pub mismatches: Vec<Mismatch>,
    /// Operations of an interrupted earlier push that this run completed first.
    pub resumed: usize,
}

pub(crate) fn open_journal(ws: &Workspace) -> Result<Journal> {
    Ok(Journal::open(&ws.local_dir()?.join("journal.sqlite"))?)
}

/// Completes the open operations of an interrupted push found in the journal (edits typed since
/// are committed first; the journal is reconciled with Targetprocess before anything is sent).
/// The caller holds the repository lock and the lease.
pub(crate) async fn complete_open(
    ctx: &Context<'_>,
    ws: &Workspace,
    journal: &mut Journal,
    record: PushRecord,
) -> Result<PushReport> {
    keep_local_edits(ctx, ws)?;
    let record = reconcile::reconcile(ctx, ws, journal, record).await?;
    run(ctx, ws, journal, record).await
}

/// Completes an interrupted push, if there is one (`tpcli plan resume`).
#[tracing::instrument(name = "resume", skip_all, fields(plan = %ws.names.plan_slug()))]
pub async fn resume(ctx: &Context<'_>, ws: &Workspace) -> Result<Option<PushReport>> {
    let _lock = RepoLock::acquire(&ws.repo, LOCK_WAIT)?;
    ctx.report(Progress::ReadingPlan);
    let mut journal = open_journal(ws)?;
    let unfinished = journal.unfinished(&ws.names.plan_slug())?;
    let _lease = match unfinished {
        Some(_) => crate::lease::acquire(ctx, ws).await?,
        None => None,
    };
    match unfinished {
        Some(record) => Ok(Some(complete_open(ctx, ws, &mut journal, record).await?)),
        None => Ok(None),
    }
}

/// Ends a push whose operations are all closed (sent, refused or skipped) but whose end (ids
/// written back, Targetprocess's state merged, the log) was not reached: nothing is sent. The
/// caller holds the repository lock.
pub(crate) async fn finish_closed(
    ctx: &Context<'_>,
    ws: &Workspace,
    journal: &mut Journal,
    record: PushRecord,
) -> Result<PushReport> {
    debug_assert_eq!(
        record.open_ops(),
        0,
        "only a push with nothing left to send"
    );
    keep_local_edits(ctx, ws)?;
    run(ctx, ws, journal, record).await
}

/// Edits typed into the plan file since the interrupted push are committed first (as a pull
/// does), so completing the push writes the new ids around them instead of refusing to
/// overwrite them.
pub(crate) fn keep_local_edits(ctx: &Context<'_>, ws: &Workspace) -> Result<()> {
    let text = ws.local_text()?;
    ws.parse(&text)?;
    crate::save::commit_local_edits(ctx, ws, &text)
}

pub(crate) fn stale_fields(base: &Plan, remote: &Plan, op: &Op) -> Vec<Stale> {
    let id = op.entity();
    let (fields, name): (Vec<Field>, &str) = match op {
        Op::UpdateObjective { changes, name, .. } | Op::UpdateFeature { changes, name, .. } => {
            (changes.iter().map(|c| c.field).collect(), name)
        }
        Op::RelinkFeature { name, .. } => (vec![Field::Objective], name),
        // A delete would also discard every edit Targetprocess made to the entity since the
        // last pull: each is stale, so the pull shows the edit/delete conflict first.
        Op::DeleteObjective { name, .. } => (OBJECTIVE_FIELDS.to_vec(), name),
        Op::DeleteFeature { name, .. } => {
            let mut fields = FEATURE_FIELDS.to_vec();
            fields.push(Field::Objective);
            (fields, name)
        }
        Op::CreateObjective { .. } | Op::CreateFeature { .. } => return vec![],
    };
    let (b, r) = (Entity::find(base, id), Entity::find(remote, id));
    let Some(r) = r else {
        return vec![Stale {
            entity: id.clone(),
            name: name.to_owned(),
            field: None,
            base: FieldValue::Text(name.to_owned()),
            remote: FieldValue::Missing,
        }];
    };
    fields
        .into_iter()
        .filter_map(|f| {
            let (bv, rv) = (b.map(|b| b.get(f)), r.get(f));
            (bv.as_ref() != Some(&rv)).then(|| Stale {
                entity: id.clone(),
                name: name.to_owned(),
                field: Some(f),
                base: bv.unwrap_or(FieldValue::Missing),
                remote: rv,
            })
        })
        .collect()
}

/// Sends every operation of `record` that is not done yet, then completes the push.
pub(crate) async fn run(
    ctx: &Context<'_>,
    ws: &Workspace,
    journal: &mut Journal,
    record: PushRecord,
) -> Result<PushReport> {
    let base = ws.base()?;
    let (release, team) = plan_ids(&base.plan)?;
    let needs_users = record
        .ops
        .iter()
        .any(|o| o.state.is_open() && mentions_owner(&o.op));
    let users = if needs_users {
        ctx.tp.list_users().await?
    } else {
        Vec::new()
    };
    let mut created: HashMap<EntityId, i64> = record
        .ops
        .iter()
        .filter_map(|o| o.tp_id.map(|id| (o.op.entity().clone(), id)))
        .collect();
    let placement = Placement { team, release };
    let tally = Tally::new(ctx.progress, record.open_ops());
    let batch_target = apply::Target {
        tp: ctx.tp,
        placement,
        users: &users,
        created: &created,
        tally: &tally,
    };
    let sent = batch::send_updates(&batch_target, journal, &record).await?;
    let mut batched: HashMap<u32, OpResult> = sent.results.into_iter().collect();
    let mut results = Vec::new();
    let mut refused_all: Option<String> = None;
    for jop in &record.ops {
        if let Some(sent) = batched.remove(&jop.seq) {
            results.push(sent);
            continue;
        }
        // Sent by the interrupted run before it stopped: part of this push's report and log.
        let result = match jop.state {
            OpState::Done => Ok(()),
            OpState::Failed => Err(jop.error.clone().unwrap_or_default()),
            // Closed by a resume without sending: not part of what the push wrote.
            OpState::Skipped => continue,
            OpState::Pending | OpState::Sending => match &refused_all {
                // Targetprocess refuses every request: the rest is closed, not sent.
                Some(reason) => {
                    let why = format!("not sent: {reason}");
                    journal.set_state(record.id, jop.seq, OpState::Skipped, None, Some(&why))?;
                    tally.add(1);
                    Err(why)
                }
                None => {
                    let target = apply::Target {
                        tp: ctx.tp,
                        placement,
                        users: &users,
                        created: &created,
                        tally: &tally,
                    };
                    let sent = send_one(ctx, &target, journal, record.id, jop).await?;
                    tally.add(1);
                    match sent {
                        Sent::Done(tp_id) => {
                            if let Some(id) = tp_id {
                                created.insert(jop.op.entity().clone(), id);
                            }
                            Ok(())
                        }
                        Sent::Refused(reason) => Err(reason),
                        Sent::RefusedAll(reason) => {
                            refused_all = Some(reason.clone());
                            Err(reason)
                        }
                    }
                }
            },
        };
        results.push(OpResult {
            op: jop.op.clone(),
            result,
        });
    }
    let sent = complete::Sent {
        created,
        results,
        written: sent.written,
    };
    complete::complete(ctx, ws, journal, &record, &base, sent).await
}

/// Counts the operations of a push as they are sent, and tells the caller's progress sink after
/// each batch and each operation sent on its own.
pub(crate) struct Tally<'a> {
    sink: Option<ProgressSink<'a>>,
    sent: std::sync::atomic::AtomicUsize,
    total: usize,
}

impl<'a> Tally<'a> {
    pub(crate) fn new(sink: Option<ProgressSink<'a>>, total: usize) -> Self {
        Self {
            sink,
            sent: std::sync::atomic::AtomicUsize::new(0),
            total,
        }
    }

    /// `n` more operations are closed (landed, refused, or not sent after a refusal of all).
    pub(crate) fn add(&self, n: usize) {
        use std::sync::atomic::Ordering;
        let sent = self.sent.fetch_add(n, Ordering::Relaxed) + n;
        let step = Progress::Sent {
            sent,
            total: self.total,
        };
        tracing::info!("{step}");
        if let Some(sink) = self.sink {
            sink(step);
        }
    }
}

/// How one operation sent by [`send_one`] ended; each is recorded in the journal already.
enum Sent {
    /// Done, with the Targetprocess id of a created entity.
    Done(Option<i64>),
    /// Refused by Targetprocess, with its reason: closed, the push goes on.
    Refused(String),
    /// Refused with the credentials: closed, and nothing more is sent.
    RefusedAll(String),
}

/// Sends one open operation and records its end in the journal. Trouble that may pass is an
/// `Err`: the operation stays open (`sending`) and resume sends it again.
#[tracing::instrument(name = "send", level = "debug", skip_all, fields(push = push, seq = jop.seq))]
async fn send_one(
    ctx: &Context<'_>,
    target: &apply::Target<'_>,
    journal: &mut Journal,
    push: i64,
    jop: &crate::journal::JournalOp,
) -> Result<Sent> {
    // Before any create: an entity already carrying its marker was created by an interrupted
    // run, or by a teammate who pushed the same new entity first (the plan is shared through
    // git before it is pushed): take it, do not create it again.
    if let Some(id) = recover_create(ctx, &jop.op, &jop.marker).await? {
        journal.set_state(push, jop.seq, OpState::Done, Some(id), None)?;
        return Ok(Sent::Done(Some(id)));
    }
    journal.set_state(push, jop.seq, OpState::Sending, None, None)?;
    match apply::apply(target, &jop.op, &jop.marker).await {
        Ok(applied) => {
            let tp_id = match applied {
                apply::Applied::Created { id, .. } => {
                    Some(keep_oldest_create(ctx, &jop.op, &jop.marker, id).await?)
                }
                apply::Applied::Done => None,
            };
            journal.set_state(push, jop.seq, OpState::Done, tp_id, None)?;
            Ok(Sent::Done(tp_id))
        }
        Err(OpError::Refused(reason)) => {
            tracing::warn!(%reason, "Targetprocess refused an operation; the push goes on");
            journal.set_state(push, jop.seq, OpState::Failed, None, Some(&reason))?;
            Ok(Sent::Refused(reason))
        }
        Err(OpError::RefusedAll(reason)) => {
            tracing::warn!(%reason, "Targetprocess refused the credentials; the push stops");
            journal.set_state(push, jop.seq, OpState::Failed, None, Some(&reason))?;
            Ok(Sent::RefusedAll(reason))
        }
        Err(OpError::Interrupted(e)) => Err(e),
    }
}

/// The idempotency marker of an operation. A create's marker is the plan's and the new entity's
/// local id, the same in every clone and every push, so the entity is created once however many
/// teammates push it; other operations carry `<plan>-<push time>-<index>` for the journal.
pub(crate) fn op_marker(plan: &str, op: &Op, key: i64, index: usize) -> String {
    match (op, op.entity()) {
        (Op::CreateObjective { .. } | Op::CreateFeature { .. }, EntityId::Local(local)) => {
            format!("{plan}-new-{}", local.as_str())
        }
        _ => format!("{plan}-{key}-{index}"),
    }
}

/// After a create: when a teammate's push created the same new entity at the same moment (both
/// looked before either created), the oldest copy (lowest id) is kept. Ids grow with creation
/// time, so the later creator always sees the earlier one.
async fn keep_oldest_create(ctx: &Context<'_>, op: &Op, marker: &str, mine: i64) -> Result<i64> {
    Ok(settle_marker(ctx, op, marker).await?.unwrap_or(mine))
}

/// For a create: the entity already carrying its marker, if an earlier run or a teammate's push
/// created it.
async fn recover_create(ctx: &Context<'_>, op: &Op, marker: &str) -> Result<Option<i64>> {
    settle_marker(ctx, op, marker).await
}

/// The oldest entity carrying a create's marker; younger copies (two clones creating the same
/// new entity at once, or a run that stopped between creating and this check) are deleted, so
/// Targetprocess ends with one whichever clone checks first.
async fn settle_marker(ctx: &Context<'_>, op: &Op, marker: &str) -> Result<Option<i64>> {
    let kind = match op {
        Op::CreateObjective { .. } => Kind::TeamObjective,
        Op::CreateFeature { .. } => Kind::Feature,
        _ => return Ok(None),
    };
    let marker = pi_targetprocess::IdempotencyMarker::for_operation(marker);
    let found = ctx.tp.find_all_by_marker(kind, &marker).await?;
    let Some(((oldest, _), younger)) = found.split_first() else {
        return Ok(None);
    };
    for (id, _) in younger {
        match ctx.tp.delete(kind, *id).await {
            Ok(()) | Err(pi_targetprocess::TpError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Some(*oldest))
}

fn mentions_owner(op: &Op) -> bool {
    let fields = match op {
        Op::CreateObjective { fields, .. } | Op::CreateFeature { fields, .. } => fields,
        Op::UpdateObjective { changes, .. } | Op::UpdateFeature { changes, .. } => changes,
        _ => return false,
    };
    fields.iter().any(|c| c.field == Field::Owner)
}
