//! The end of a push: write the ids of created entities back into the plan file, refresh the
//! tracking branch from Targetprocess, merge it into the working branch, verify that
//! Targetprocess holds every value sent, log the push and close its journal entry.

use std::collections::{BTreeMap, HashMap};

use pi_git::{CommitMessage, Trailers};
use pi_model::changeset::Op;
use pi_model::merge::{self, FieldValue};
use pi_model::{EntityId, Field, Plan};
use pi_targetprocess::{RemotePlan, Written, WrittenEntity};

use crate::context::Context;
use crate::error::Result;
use crate::journal::{Journal, PushRecord};
use crate::oplog::{self, FieldWrite, OpEntry, OpKind};
use crate::progress::Progress;
use crate::sending::{Mismatch, OpResult, PushReport};
use crate::snapshot::render_checked;
use crate::state;
use crate::tracking::commit_tracking;
use crate::workspace::plan_ids;
use crate::workspace::{Base, Workspace};

/// What a run of a push sent: the ids its creates got, each operation's result, and the
/// entities its bulk answers carried whole (by Targetprocess id).
pub(crate) struct Sent {
    pub created: HashMap<EntityId, i64>,
    pub results: Vec<OpResult>,
    pub written: HashMap<i64, Written>,
}

pub(crate) async fn complete(
    ctx: &Context<'_>,
    ws: &Workspace,
    journal: &mut Journal,
    record: &PushRecord,
    base: &Base,
    sent: Sent,
) -> Result<PushReport> {
    let Sent {
        created,
        results,
        written,
    } = sent;
    let mut local = ws.local()?;
    replace_ids(&mut local, &created);
    let where_ = format!("{}:{}", ws.names.working(), ws.plan_file());
    let with_ids = render_checked(&local, "the plan with the new Targetprocess ids", &where_)?;
    let message = CommitMessage::new("Record the Targetprocess ids of new plan items")
        .with_trailers(Trailers::new().with_source(ctx.source()));
    let file = ws.plan_file();
    let change = pi_git::FileChange {
        path: &file,
        content: with_ids.as_bytes(),
        message: &message,
    };
    ws.repo
        .commit_file(&ws.names.working(), &change, &ctx.stamp())?;

    let (release, team) = plan_ids(&base.plan)?;
    // Targetprocess's state after the push: the last snapshot with the entities the push wrote
    // as the write's answers carried them, when that is all that changed (decision 0024);
    // otherwise read whole. A plan shared through a git remote is read whole: teammates'
    // pushes and creates reach its working branch through git, and only the whole read brings
    // its snapshot up to them (docs/capacity.md, findings 5 and 6).
    let shared = crate::remote::has_origin(&ws.repo);
    let answered = (!shared)
        .then(|| after_push(base, record, &results, &written))
        .flatten();
    let mut remote = match answered {
        Some(remote) => remote,
        None => {
            ctx.report(Progress::Fetching);
            ctx.tp.fetch_team_plan(release, team).await?
        }
    };
    remote.plan.meta = base.plan.meta.clone();
    // Stories come from Jira at pulls; the snapshot keeps the ones it had.
    crate::stories::settle(&mut remote.plan, &base.plan, None);
    let mut base_plan = base.plan.clone();
    replace_ids(&mut base_plan, &created);
    // What this push wrote is Targetprocess's state as far as the plan is concerned: a value
    // typed since (after an interruption, before the resume) differs from it and stays a local
    // edit, even when it equals the value from before the push. (A rollback writes values the
    // plan file does not hold: the merge brings them in as Targetprocess's.)
    if record.rollback_of.is_none() {
        apply_sent(&mut base_plan, &results);
        add_created(&mut base_plan, &remote.plan, &created, &results);
    }
    commit_tracking(
        &ws.repo,
        &ws.names,
        &remote,
        ctx,
        "Targetprocess after push",
    )?;
    ctx.report(Progress::Merging);
    let outcome = merge::merge(&base_plan, &local, &remote.plan);
    let merged = render_checked(&outcome.merged, "the merged plan", &where_)?;
    let message = CommitMessage::new("Merge Targetprocess state after push")
        .with_trailers(Trailers::new().with_source(ctx.source()));
    ctx.report(Progress::Committing);
    let change = pi_git::FileChange {
        path: &file,
        content: merged.as_bytes(),
        message: &message,
    };
    ws.repo.merge_commit(
        &ws.names.working(),
        &ws.names.tracking(),
        &change,
        &ctx.stamp(),
    )?;
    let dir = ws.local_dir()?;
    let mut conflicts = state::load_conflicts(&dir)?;
    conflicts.extend(outcome.conflicts);
    state::save_conflicts(&dir, &conflicts)?;

    let mismatches = verify(
        &record
            .ops
            .iter()
            .filter(|o| o.state != crate::journal::OpState::Skipped)
            .map(|o| o.op.clone())
            .collect::<Vec<_>>(),
        &created,
        &remote.plan,
    );
    let created: Vec<(EntityId, i64)> = sorted(created);
    log_push(ctx, ws, record.rollback_of.as_deref(), &results, &created)?;
    journal.finish_push(record.id, &ctx.at())?;
    ctx.report(Progress::Publishing);
    let late = crate::remote::publish(ctx, ws, "The push reached Targetprocess and is recorded")?;
    if !late.is_empty() {
        let mut stored = state::load_conflicts(&dir)?;
        stored.extend(late);
        state::save_conflicts(&dir, &stored)?;
    }
    Ok(PushReport {
        ops: results,
        created,
        mismatches,
        resumed: 0,
    })
}

/// Targetprocess's state after a push without reading it again: the last snapshot (`base`, the
/// state the push was planned and checked against) with every entity the push wrote replaced by
/// the entity its bulk answer carried — whole, at the version the write gave it, so a field
/// someone else changed at the same moment is in it too. `None` (read the plan whole) unless
/// every operation of the push is an update of an existing entity that this run sent in a batch
/// and that landed with such an answer, no earlier run of the push sent anything, it is not a
/// rollback, and every feature written is still linked to exactly the team's objectives the
/// snapshot links it to. Whatever else changed in Targetprocess since the snapshot (an entity
/// this push did not write) is the next pull's, as it is for a snapshot read a moment earlier.
fn after_push(
    base: &Base,
    record: &PushRecord,
    results: &[OpResult],
    written: &HashMap<i64, Written>,
) -> Option<RemotePlan> {
    if record.rollback_of.is_some() || results.len() != record.ops.len() || written.is_empty() {
        return None;
    }
    let mut remote = RemotePlan {
        plan: base.plan.clone(),
        versions: BTreeMap::new(),
        feature_links: base.versions.feature_links.clone(),
        multi_linked: Vec::new(),
        editors: BTreeMap::new(),
        requests: 0,
        warnings: Vec::new(),
        notices: Vec::new(),
    };
    for (id, version) in &base.versions.entities {
        remote.versions.insert(*id, version.to_sync()?);
    }
    let order: HashMap<EntityId, usize> = base
        .plan
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.clone(), i))
        .collect();
    for r in results {
        if r.result.is_err() {
            return None;
        }
        let id = match &r.op {
            Op::UpdateObjective { id, .. } | Op::UpdateFeature { id, .. } => id.tp()?,
            _ => return None,
        };
        // Only what this run sent in a batch has an answer: an operation an interrupted run
        // sent (or one sent alone) has none, and the plan is read whole.
        let w = written.get(&id)?;
        match (&r.op, &w.entity) {
            (Op::UpdateObjective { .. }, WrittenEntity::Objective(answered)) => {
                let o = remote
                    .plan
                    .objectives
                    .iter_mut()
                    .find(|o| o.id == EntityId::Tp(id))?;
                let features = std::mem::take(&mut o.features);
                *o = answered.clone();
                o.features = features;
            }
            (
                Op::UpdateFeature { .. },
                WrittenEntity::Feature {
                    feature,
                    objectives,
                },
            ) => {
                let mut mine: Vec<i64> = objectives
                    .iter()
                    .copied()
                    .filter(|o| order.contains_key(&EntityId::Tp(*o)))
                    .collect();
                mine.sort_by_key(|o| order[&EntityId::Tp(*o)]);
                mine.dedup();
                if base.versions.feature_links.get(&id) != Some(&mine) {
                    return None;
                }
                let parent = EntityId::Tp(*mine.first()?);
                let f = remote
                    .plan
                    .objectives
                    .iter_mut()
                    .find(|o| o.id == parent)?
                    .features
                    .iter_mut()
                    .find(|f| f.id == EntityId::Tp(id))?;
                let stories = std::mem::take(&mut f.stories);
                *f = feature.clone();
                f.stories = stories;
            }
            _ => return None,
        }
        remote.versions.insert(id, w.version.clone());
        if let Some(editor) = &w.editor {
            remote.editors.insert(id, editor.clone());
        }
    }
    remote.multi_linked = remote
        .feature_links
        .iter()
        .filter(|(_, links)| links.len() > 1)
        .map(|(id, _)| *id)
        .collect();
    Some(remote)
}

/// Sets the fields every update that landed wrote.
fn apply_sent(plan: &mut Plan, results: &[OpResult]) {
    for r in results.iter().filter(|r| r.result.is_ok()) {
        match &r.op {
            Op::UpdateObjective { id, changes, .. } => {
                if let Some(o) = plan.objectives.iter_mut().find(|o| &o.id == id) {
                    for c in changes {
                        merge::objective_set(o, c.field, c.to.clone());
                    }
                }
            }
            Op::UpdateFeature { id, changes, .. } => {
                let feature = plan
                    .objectives
                    .iter_mut()
                    .flat_map(|o| o.features.iter_mut())
                    .find(|f| &f.id == id);
                if let Some(f) = feature {
                    for c in changes {
                        merge::feature_set(f, c.field, c.to.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Adds the items this push created, with the values it sent, so that one the planner deleted or
/// changed after an interruption (before its id was written back) is a local change to push, not
/// something new from Targetprocess, and a Targetprocess edit of it since is Targetprocess's.
fn add_created(
    plan: &mut Plan,
    remote: &Plan,
    created: &HashMap<EntityId, i64>,
    results: &[OpResult],
) {
    let ids: std::collections::HashSet<EntityId> =
        created.values().map(|id| EntityId::Tp(*id)).collect();
    let known = |plan: &Plan, id: &EntityId| {
        plan.objectives
            .iter()
            .any(|o| &o.id == id || o.features.iter().any(|f| &f.id == id))
    };
    for o in &remote.objectives {
        if ids.contains(&o.id) && !known(plan, &o.id) {
            let mut copy = o.clone();
            copy.features.retain(|f| ids.contains(&f.id));
            plan.objectives.push(copy);
        }
    }
    for o in &remote.objectives {
        for f in o.features.iter().filter(|f| ids.contains(&f.id)) {
            if known(plan, &f.id) {
                continue;
            }
            if let Some(parent) = plan.objectives.iter_mut().find(|p| p.id == o.id) {
                parent.features.push(f.clone());
            }
        }
    }
    for r in results.iter().filter(|r| r.result.is_ok()) {
        let (Op::CreateObjective { id, fields, .. } | Op::CreateFeature { id, fields, .. }) = &r.op
        else {
            continue;
        };
        let Some(tp) = created.get(id).map(|tp| EntityId::Tp(*tp)) else {
            continue;
        };
        // A field the create did not send was empty in the plan.
        let sent = |field: Field, now: FieldValue| {
            fields
                .iter()
                .find(|c| c.field == field)
                .map_or_else(|| empty_like(&now), |c| c.to.clone())
        };
        if let Some(o) = plan.objectives.iter_mut().find(|o| o.id == tp) {
            for field in merge::OBJECTIVE_FIELDS {
                let value = sent(field, merge::objective_get(o, field));
                merge::objective_set(o, field, value);
            }
        } else if let Some(f) = plan
            .objectives
            .iter_mut()
            .flat_map(|o| o.features.iter_mut())
            .find(|f| f.id == tp)
        {
            for field in merge::FEATURE_FIELDS {
                let value = sent(field, merge::feature_get(f, field));
                merge::feature_set(f, field, value);
            }
        }
    }
}

/// The empty value of a field's kind (what an unset field of a new item holds).
fn empty_like(value: &FieldValue) -> FieldValue {
    match value {
        FieldValue::Missing => FieldValue::Missing,
        FieldValue::Text(_) => FieldValue::Text(String::new()),
        FieldValue::OptText(_) => FieldValue::OptText(None),
        FieldValue::Effort(_) => FieldValue::Effort(None),
        FieldValue::Flag(_) => FieldValue::Flag(false),
        FieldValue::Number(_) => FieldValue::Number(None),
        FieldValue::Link(_) => FieldValue::Link(None),
        FieldValue::Criteria(_) => FieldValue::Criteria(Vec::new()),
        FieldValue::Jira(_) => FieldValue::Jira(None),
    }
}

fn sorted(created: HashMap<EntityId, i64>) -> Vec<(EntityId, i64)> {
    let mut v: Vec<_> = created.into_iter().collect();
    v.sort_by_key(|(_, id)| *id);
    v
}

/// Local ids become the TP ids their creates got.
pub(crate) fn replace_ids(plan: &mut Plan, created: &HashMap<EntityId, i64>) {
    let swap = |id: &mut EntityId| {
        if let Some(tp) = created.get(id) {
            *id = EntityId::Tp(*tp);
        }
    };
    for o in &mut plan.objectives {
        swap(&mut o.id);
        for f in &mut o.features {
            swap(&mut f.id);
        }
    }
}

/// Every field an operation sent, compared with Targetprocess's value after the push.
fn verify(ops: &[Op], created: &HashMap<EntityId, i64>, remote: &Plan) -> Vec<Mismatch> {
    let mut out = Vec::new();
    for op in ops {
        let (fields, name) = match op {
            Op::CreateObjective { fields, name, .. }
            | Op::CreateFeature { fields, name, .. }
            | Op::UpdateObjective {
                changes: fields,
                name,
                ..
            }
            | Op::UpdateFeature {
                changes: fields,
                name,
                ..
            } => (fields, name),
            _ => continue,
        };
        let id = op
            .entity()
            .tp()
            .or_else(|| created.get(op.entity()).copied());
        let Some(id) = id.map(EntityId::Tp) else {
            continue;
        };
        for c in fields {
            let Some(found) = pi_model::lookup::field_value(remote, &id, c.field) else {
                continue;
            };
            if !same(&c.to, &found) {
                out.push(Mismatch {
                    entity: id.clone(),
                    name: name.clone(),
                    field: c.field,
                    sent: c.to.clone(),
                    found,
                });
            }
        }
    }
    out
}

/// Equal, with rich text compared after Targetprocess's HTML round trip is normalised.
pub(crate) fn same(sent: &FieldValue, found: &FieldValue) -> bool {
    match (sent, found) {
        (FieldValue::Text(a), FieldValue::Text(b)) => {
            pi_targetprocess::text::normalize_markdown(a)
                == pi_targetprocess::text::normalize_markdown(b)
        }
        _ => sent == found,
    }
}

/// Logs the push, or the rollback of the push `rollback_of`, with every field it wrote.
fn log_push(
    ctx: &Context<'_>,
    ws: &Workspace,
    rollback_of: Option<&str>,
    results: &[OpResult],
    created: &[(EntityId, i64)],
) -> Result<()> {
    let mut writes = Vec::new();
    for r in results.iter().filter(|r| r.result.is_ok()) {
        writes.extend(op_writes(&r.op, created));
    }
    let failed = results.iter().filter(|r| r.result.is_err()).count();
    let count = |n: usize| format!("{n} {}", if n == 1 { "change" } else { "changes" });
    let refused = if failed > 0 {
        format!("; Targetprocess refused {}", count(failed))
    } else {
        String::new()
    };
    let done = results.len() - failed;
    let (kind, id, summary) = match rollback_of {
        None => (
            OpKind::Push,
            format!("push-{}", ctx.now.timestamp_millis()),
            format!("Pushed {} to Targetprocess{refused}", count(done)),
        ),
        Some(op) => (
            OpKind::Rollback,
            format!("rollback-{}", ctx.now.timestamp_millis()),
            format!("Rolled back {op}: {} undone{refused}", count(done)),
        ),
    };
    let entry = OpEntry {
        id,
        kind,
        actor: crate::oplog::Actor::of(ctx),
        at: ctx.at(),
        summary,
        writes,
        created: created.to_vec(),
        conflicts: Vec::new(),
    };
    oplog::append(&ws.repo, &ws.names.oplog_ref(), &entry, &ctx.stamp())
}

/// The before/after of every field an operation wrote.
pub(crate) fn op_writes(op: &Op, created: &[(EntityId, i64)]) -> Vec<FieldWrite> {
    let tp_of = |id: &EntityId| {
        created
            .iter()
            .find(|(l, _)| l == id)
            .map_or_else(|| id.clone(), |(_, tp)| EntityId::Tp(*tp))
    };
    let entity = tp_of(op.entity());
    let write = |name: &str, field, before, after| FieldWrite {
        entity: entity.clone(),
        name: name.to_owned(),
        field,
        before,
        after,
    };
    match op {
        Op::CreateObjective { name, fields, .. } | Op::CreateFeature { name, fields, .. } => {
            let mut v = vec![write(
                name,
                None,
                FieldValue::Missing,
                FieldValue::Text(name.clone()),
            )];
            v.extend(
                fields
                    .iter()
                    .map(|c| write(name, Some(c.field), c.from.clone(), c.to.clone())),
            );
            v
        }
        Op::UpdateObjective { name, changes, .. } | Op::UpdateFeature { name, changes, .. } => {
            changes
                .iter()
                .map(|c| write(name, Some(c.field), c.from.clone(), c.to.clone()))
                .collect()
        }
        Op::RelinkFeature { name, from, to, .. } => vec![write(
            name,
            Some(Field::Objective),
            FieldValue::Link(Some(from.clone())),
            FieldValue::Link(Some(tp_of(to))),
        )],
        Op::DeleteObjective { name, .. } | Op::DeleteFeature { name, .. } => {
            vec![write(
                name,
                None,
                FieldValue::Text(name.clone()),
                FieldValue::Missing,
            )]
        }
    }
}
