//! Sharing a plan through a git remote (`origin`): before a pull or push, teammates' op-log
//! entries, Targetprocess snapshots and plan edits are fetched and integrated (plan edits with the
//! same field-level merge as a pull); afterwards the plan's branches and op log are published.
//! Ref updates on the remote are fast-forward only, so a teammate's concurrent publish is never
//! overwritten: it is integrated and the publish retried.

use pi_git::{CommitMessage, FileChange, PlanRepo, Trailers, remote_branch_ref, remote_pi_ref};
use pi_model::Plan;
use pi_model::merge::{self, Conflict};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::workspace::{Workspace, parse};

/// The git remote a plan is shared through.
pub const ORIGIN: &str = "origin";

pub(crate) fn has_origin(repo: &PlanRepo) -> bool {
    repo.has_remote(ORIGIN)
}

/// Fetches `origin` and integrates it; returns conflicts between our plan and a teammate's.
/// The working tree's plan file must be committed first.
pub(crate) fn integrate(ctx: &Context<'_>, ws: &Workspace) -> Result<Vec<Conflict>> {
    if !has_origin(&ws.repo) {
        return Ok(Vec::new());
    }
    ws.repo.fetch(ORIGIN)?;
    check_accounts(ctx, ws)?;
    let log = ws.names.oplog_ref();
    ws.repo.integrate_log(&log, &remote_pi_ref(ORIGIN, &log))?;
    // Approvals and overrides (see `approvals`) are shared like the op log.
    let approvals = ws.names.approvals_ref();
    ws.repo
        .integrate_log(&approvals, &remote_pi_ref(ORIGIN, &approvals))?;
    // What Targetprocess held for us before a teammate's snapshot is taken in: a field neither
    // planner edited is not a conflict just because each pulled it at a different time.
    let ours_seen = ws.repo.branch_tip(&ws.names.tracking())?;
    integrate_tracking(ctx, ws)?;
    integrate_working(ctx, ws, ours_seen)
}

/// Before anything is taken in: neither of the teammate's plan branches names another
/// Targetprocess account (see `account`).
fn check_accounts(ctx: &Context<'_>, ws: &Workspace) -> Result<()> {
    for branch in [ws.names.tracking(), ws.names.working()] {
        let Some(theirs) = ws.repo.ref_target(&remote_branch_ref(ORIGIN, &branch))? else {
            continue;
        };
        let ours = ws.repo.branch_tip(&branch)?;
        crate::account::check_theirs(ctx, &ws.repo, &ws.plan_file(), &branch, ours, theirs)?;
    }
    Ok(())
}

/// Both clones' tracking branches are Targetprocess snapshots: take theirs when it is ahead;
/// when both moved (two pulls or pushes at about the same time), merge them entity by entity —
/// what either saw created or deleted, and of a field both saw change, the value of the side
/// with the newer version of that entity — so the snapshot knows every entity either clone
/// knows (push's preflight re-reads Targetprocess before writing, and the next pull refreshes
/// it anyway).
fn integrate_tracking(ctx: &Context<'_>, ws: &Workspace) -> Result<()> {
    let branch = ws.names.tracking();
    let remote_ref = remote_branch_ref(ORIGIN, &branch);
    let Some(theirs) = ws.repo.ref_target(&remote_ref)? else {
        return Ok(());
    };
    match ws.repo.branch_tip(&branch)? {
        Some(ours) if ws.repo.is_ancestor(theirs, ours)? => Ok(()),
        Some(ours) if !ws.repo.is_ancestor(ours, theirs)? => {
            let (plan, versions) = merge_snapshots(ws, ours, theirs)?;
            let file = ws.plan_file();
            let text = crate::snapshot::render_checked(
                &plan,
                "a teammate's Targetprocess snapshot",
                &format!("{branch}:{file}"),
            )?;
            let message = CommitMessage::new("Integrate a teammate's Targetprocess snapshot")
                .with_trailers(Trailers::new().with_source(pi_git::Source::Targetprocess));
            let change = FileChange {
                path: &file,
                content: text.as_bytes(),
                message: &message,
            };
            let stamp = ctx.tp_stamp();
            ws.repo
                .merge_commit(&branch, &remote_ref, &change, &stamp)?;
            let versions_file = crate::state::versions_path(&ws.names.plan_slug());
            let json = versions.to_json();
            let message = CommitMessage::new("Versions of the integrated snapshot")
                .with_trailers(Trailers::new().with_source(pi_git::Source::Targetprocess));
            let change = FileChange {
                path: &versions_file,
                content: json.as_bytes(),
                message: &message,
            };
            ws.repo.commit_file(&branch, &change, &stamp)?;
            Ok(())
        }
        _ => Ok(ws.repo.fast_forward(&branch, theirs)?),
    }
}

/// A tracking commit's plan and versions.
fn snapshot_at(ws: &Workspace, id: pi_git::Oid) -> Result<(Plan, crate::state::Versions)> {
    let file = ws.plan_file();
    let plan = match ws.repo.read_file_at(id, &file)? {
        Some(bytes) => parse(&format!("{id}:{file}"), &String::from_utf8_lossy(&bytes))?,
        None => Plan::default(),
    };
    let path = crate::state::versions_path(&ws.names.plan_slug());
    let versions = match ws.repo.read_file_at(id, &path)? {
        Some(bytes) => crate::state::Versions::from_json(&path, &String::from_utf8_lossy(&bytes))?,
        None => crate::state::Versions::default(),
    };
    Ok((plan, versions))
}

/// Two Targetprocess snapshots merged (see [`integrate_tracking`]).
fn merge_snapshots(
    ws: &Workspace,
    ours: pi_git::Oid,
    theirs: pi_git::Oid,
) -> Result<(Plan, crate::state::Versions)> {
    let (base, _) = match ws.repo.merge_base(ours, theirs)? {
        Some(id) => snapshot_at(ws, id)?,
        None => (Plan::default(), crate::state::Versions::default()),
    };
    let (our_plan, our_versions) = snapshot_at(ws, ours)?;
    let (their_plan, their_versions) = snapshot_at(ws, theirs)?;
    let newer = |id: i64| -> bool {
        let key = |v: Option<&crate::state::Version>| {
            v.map(|v| (v.entity_version, v.modify_date.clone()))
        };
        key(their_versions.entities.get(&id)) > key(our_versions.entities.get(&id))
    };
    let mut outcome = merge::merge(&base, &our_plan, &their_plan);
    for c in &outcome.conflicts {
        // Deleted in Targetprocess on either side: deleted. Otherwise the newer side's value.
        let keep_theirs = if c.field.is_none() {
            matches!(c.remote, merge::FieldValue::Missing)
        } else {
            c.entity.tp().is_some_and(newer)
        };
        if keep_theirs {
            // A conflict of the merge it came from always applies to that merge's result.
            let _ = merge::resolve(&mut outcome.merged, c, &merge::Resolution::KeepRemote);
        }
    }
    let mut versions = our_versions.clone();
    for (id, v) in &their_versions.entities {
        if !versions.entities.contains_key(id) || newer(*id) {
            versions.entities.insert(*id, v.clone());
        }
    }
    for (id, links) in &their_versions.feature_links {
        if !versions.feature_links.contains_key(id) || newer(*id) {
            versions.feature_links.insert(*id, links.clone());
        }
    }
    let present: std::collections::HashSet<i64> = outcome
        .merged
        .objectives
        .iter()
        .flat_map(|o| std::iter::once(&o.id).chain(o.features.iter().map(|f| &f.id)))
        .filter_map(pi_model::EntityId::tp)
        .collect();
    versions.entities.retain(|id, _| present.contains(id));
    versions.feature_links.retain(|id, _| present.contains(id));
    Ok((outcome.merged, versions))
}

/// A teammate's plan edits merged into ours, field by field, as a merge commit.
fn integrate_working(
    ctx: &Context<'_>,
    ws: &Workspace,
    ours_seen: Option<pi_git::Oid>,
) -> Result<Vec<Conflict>> {
    let branch = ws.names.working();
    let remote_ref = remote_branch_ref(ORIGIN, &branch);
    let Some(theirs) = ws.repo.ref_target(&remote_ref)? else {
        return Ok(Vec::new());
    };
    let ours = ws.repo.resolve(&branch)?;
    if ws.repo.is_ancestor(theirs, ours)? {
        return Ok(Vec::new());
    }
    let file = ws.plan_file();
    let read = |id| -> Result<Option<Plan>> {
        match ws.repo.read_file_at(id, &file)? {
            Some(bytes) => Ok(Some(parse(
                &format!("{id}:{file}"),
                &String::from_utf8_lossy(&bytes),
            )?)),
            None => Ok(None),
        }
    };
    let base = match ws.repo.merge_base(ours, theirs)? {
        Some(id) => read(id)?.unwrap_or_default(),
        None => Plan::default(),
    };
    let local = read(ours)?.ok_or_else(|| EngineError::History {
        file: file.clone(),
        commit: branch.clone(),
        missing: true,
    })?;
    let Some(remote) = read(theirs)? else {
        return Ok(Vec::new());
    };
    let mut outcome = merge::merge(&base, &local, &remote);
    let theirs_taken =
        (outcome.changes.iter()).any(|c| c.origin == merge::Origin::Remote && c.field.is_some());
    if !outcome.conflicts.is_empty() || theirs_taken {
        let snapshot = |id: Option<pi_git::Oid>| -> Result<Option<Plan>> {
            match id {
                Some(id) => read(id),
                None => Ok(None),
            }
        };
        let tracking = ws.names.tracking();
        let seen = Snapshots {
            ours: snapshot(ours_seen)?,
            theirs: snapshot(ws.repo.ref_target(&remote_branch_ref(ORIGIN, &tracking))?)?,
            newest: snapshot(ws.repo.branch_tip(&tracking)?)?,
        };
        let conflicts = std::mem::take(&mut outcome.conflicts);
        outcome.conflicts = seen.settle(&mut outcome.merged, &local, &remote, conflicts);
        let overridden = seen.overridden_edits(&mut outcome.merged, &outcome.changes);
        outcome.conflicts.extend(overridden);
    }
    let text = crate::snapshot::render_checked(
        &outcome.merged,
        "the plan merged with a teammate's edits",
        &format!("{branch}:{file}"),
    )?;
    let message = CommitMessage::new("Merge a teammate's plan edits")
        .with_trailers(Trailers::new().with_source(ctx.source()));
    let change = FileChange {
        path: &file,
        content: text.as_bytes(),
        message: &message,
    };
    ws.repo
        .merge_commit(&branch, &remote_ref, &change, &ctx.stamp())?;
    Ok(outcome.conflicts)
}

/// The Targetprocess snapshots behind a merge of two planners' plans: what each had last seen
/// (their tracking branches) and the newest of the two.
struct Snapshots {
    ours: Option<Plan>,
    theirs: Option<Plan>,
    newest: Option<Plan>,
}

impl Snapshots {
    /// Keeps the conflicts that are real and settles the others in `merged`. A side whose value
    /// is what Targetprocess held when that side last looked did not edit the field. When
    /// neither side edited it, the newest snapshot's value is taken. When one side edited it and
    /// Targetprocess has not changed the field since that side looked, the edit is taken. Both
    /// edited, or an edit made against a value Targetprocess has since changed: a conflict.
    fn settle(
        &self,
        merged: &mut Plan,
        local: &Plan,
        remote: &Plan,
        conflicts: Vec<Conflict>,
    ) -> Vec<Conflict> {
        let (Some(ours), Some(theirs), Some(newest)) = (&self.ours, &self.theirs, &self.newest)
        else {
            return conflicts;
        };
        let mut kept = Vec::new();
        for c in conflicts {
            let Some(field) = c.field.filter(|f| *f != pi_model::Field::Objective) else {
                kept.push(c);
                continue;
            };
            let get = |plan: &Plan| pi_model::lookup::field_value(plan, &c.entity, field);
            let (Some(l), Some(r), Some(seen_l), Some(seen_r), Some(now)) =
                (get(local), get(remote), get(ours), get(theirs), get(newest))
            else {
                kept.push(c);
                continue;
            };
            let (edited_l, edited_r) = (l != seen_l, r != seen_r);
            let value = match (edited_l, edited_r) {
                (false, false) => Some(now),
                (true, false) if seen_l == now => Some(l),
                (false, true) if seen_r == now => Some(r),
                _ => None,
            };
            let settled = value
                .is_some_and(|v| merge::resolve(merged, &c, &merge::Resolution::Edit(v)).is_ok());
            if !settled {
                kept.push(c);
            }
        }
        kept
    }

    /// Our unpushed edits that the teammate's plan replaced with a newer Targetprocess value (as
    /// we know it now, or as they last saw it) — the teammate met the conflict between our edit
    /// and Targetprocess and settled it — are conflicts of ours too, as our own pull would have
    /// reported them: the merged plan keeps our value until we resolve them. (A field the
    /// teammate set to a value of their own, or back to what Targetprocess held when we looked,
    /// is their edit and is taken.)
    fn overridden_edits(&self, merged: &mut Plan, changes: &[merge::Change]) -> Vec<Conflict> {
        let (Some(ours), Some(newest)) = (&self.ours, &self.newest) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for c in changes.iter().filter(|c| c.origin == merge::Origin::Remote) {
            let Some(field) = c.field.filter(|f| *f != pi_model::Field::Objective) else {
                continue;
            };
            let conflict = Conflict {
                kind: c.kind,
                entity: c.entity.clone(),
                name: c.name.clone(),
                field: Some(field),
                base: merge::FieldValue::Missing,
                local: c.from.clone(),
                remote: c.to.clone(),
            };
            let (Some(seen), Some(now)) = (
                pi_model::lookup::field_value(ours, &conflict.entity, field),
                pi_model::lookup::field_value(newest, &conflict.entity, field),
            ) else {
                continue;
            };
            // Targetprocess's value as the teammate last saw it, or as we know it now.
            let theirs_seen = self
                .theirs
                .as_ref()
                .and_then(|t| pi_model::lookup::field_value(t, &conflict.entity, field));
            let from_tp = c.to == now || theirs_seen.as_ref() == Some(&c.to);
            let unpushed = c.from != seen;
            if unpushed && c.to != seen && from_tp {
                let conflict = Conflict {
                    base: seen,
                    ..conflict
                };
                let kept = merge::Resolution::Edit(c.from.clone());
                if merge::resolve(merged, &conflict, &kept).is_ok() {
                    found.push(conflict);
                }
            }
        }
        found
    }
}

/// Before a push or rollback: commits the plan file's uncommitted edits (attributed to the
/// user), integrates the shared remote and stores conflicts with a teammate's edits, which then
/// block the operation like a pull's.
pub(crate) fn commit_and_integrate(ctx: &Context<'_>, ws: &Workspace) -> Result<()> {
    let text = ws.local_text()?;
    ws.parse(&text)?;
    crate::save::commit_local_edits(ctx, ws, &text)?;
    let shared = integrate(ctx, ws)?;
    if !shared.is_empty() {
        let dir = ws.local_dir()?;
        let mut stored = crate::state::load_conflicts(&dir)?;
        stored.extend(shared);
        crate::state::save_conflicts(&dir, &stored)?;
    }
    Ok(())
}

/// How often a publish integrates a teammate's concurrent publish and tries again.
const PUBLISH_ATTEMPTS: u32 = 8;

/// Publishes the plan's branches and op log to `origin`; when a teammate published first, their
/// work is integrated and the publish retried (up to [`PUBLISH_ATTEMPTS`] times, with a short,
/// growing pause between attempts so that racing clones spread out).
///
/// The refs go one by one in an order that keeps the remote consistent when a later one is
/// refused: the working branch first, then the op log and approvals, and the tracking branch
/// (Targetprocess as last seen) last. A teammate may so see our edits before the snapshot that
/// holds them, never a snapshot ahead of the edits, which would make their next push send our
/// old values back. The first refusal stops the round.
/// `done` says what already happened, for the error when sharing it fails.
pub(crate) fn publish(
    ctx: &Context<'_>,
    ws: &Workspace,
    done: &'static str,
) -> Result<Vec<Conflict>> {
    if !has_origin(&ws.repo) {
        return Ok(Vec::new());
    }
    let mut conflicts = Vec::new();
    for attempt in 0..PUBLISH_ATTEMPTS {
        let mut refs = vec![
            format!("refs/heads/{}", ws.names.working()),
            ws.names.oplog_ref(),
        ];
        // The approvals log, once someone approved or overrode.
        if ws.repo.ref_target(&ws.names.approvals_ref())?.is_some() {
            refs.push(ws.names.approvals_ref());
        }
        refs.push(format!("refs/heads/{}", ws.names.tracking()));
        let mut refused = None;
        for name in &refs {
            let report = ws.repo.push(ORIGIN, &[name.as_str()])?;
            if !report.rejected.is_empty() {
                refused = Some(report);
                break;
            }
        }
        let Some(report) = refused else {
            return Ok(conflicts);
        };
        if attempt + 1 == PUBLISH_ATTEMPTS {
            report
                .into_result()
                .map_err(|source| EngineError::NotShared { done, source })?;
        }
        std::thread::sleep(spread_pause(ctx, attempt, 10u64 << attempt.min(5)));
        conflicts.extend(integrate(ctx, ws)?);
    }
    Ok(conflicts)
}

/// `base` milliseconds plus up to as much again chosen from the planner's identity, the time and the
/// attempt, so two clones that collided do not collide again. (A publish waits 10 ms doubling
/// per attempt, at most 320 ms, before the spread.)
pub(crate) fn spread_pause(ctx: &Context<'_>, attempt: u32, base: u64) -> std::time::Duration {
    let mut seed = ctx.now.timestamp_subsec_nanos() as u64 ^ u64::from(attempt);
    for b in ctx.me.email.bytes() {
        seed = seed.wrapping_mul(31).wrapping_add(u64::from(b));
    }
    std::time::Duration::from_millis(base + seed % (base + 1))
}
