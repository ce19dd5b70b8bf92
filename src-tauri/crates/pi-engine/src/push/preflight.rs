//! The push's optimistic lock: before anything is sent, every entity the operations touch is
//! re-read; where its version moved since the last pull, the touched fields are compared with
//! the tracker's values now, and a field someone else changed stops the push (`RemoteChanged`).

use std::collections::BTreeMap;

use pi_model::changeset::Op;
use pi_targetprocess::Kind;

use crate::context::Context;
use crate::error::Result;
use crate::progress::Progress;
use crate::sending::{Stale, stale_fields};
use crate::state::Version;
use crate::workspace::{Base, plan_ids};

/// Returns the stale fields and the version of every touched entity the push is planned
/// against.
pub(super) async fn preflight(
    ctx: &Context<'_>,
    base: &Base,
    ops: &[Op],
) -> Result<(Vec<Stale>, BTreeMap<i64, Version>)> {
    ctx.report(Progress::Fetching);
    let (objectives, features) = touched(ops);
    let mut now = ctx
        .tp
        .reread_versions(Kind::TeamObjective, &objectives)
        .await?;
    now.extend(ctx.tp.reread_versions(Kind::Feature, &features).await?);
    let now: BTreeMap<i64, Version> = now.iter().map(|(id, v)| (*id, Version::from(v))).collect();
    let moved: Vec<i64> = objectives
        .iter()
        .chain(&features)
        .copied()
        .filter(|id| now.get(id) != base.versions.entities.get(id))
        .collect();
    if moved.is_empty() {
        return Ok((Vec::new(), now));
    }
    let (release, team) = plan_ids(&base.plan)?;
    let remote = ctx.tp.fetch_team_plan(release, team).await?;
    let stale = ops
        .iter()
        .filter(|op| op.entity().tp().is_some_and(|id| moved.contains(&id)))
        .flat_map(|op| stale_fields(&base.plan, &remote.plan, op))
        .collect();
    Ok((stale, now))
}

/// The tracker ids of the objectives and of the features the operations touch.
fn touched(ops: &[Op]) -> (Vec<i64>, Vec<i64>) {
    let (mut objectives, mut features) = (Vec::new(), Vec::new());
    for op in ops {
        let Some(id) = op.entity().tp() else { continue };
        match op {
            Op::UpdateObjective { .. } | Op::DeleteObjective { .. } => objectives.push(id),
            Op::UpdateFeature { .. } | Op::RelinkFeature { .. } | Op::DeleteFeature { .. } => {
                features.push(id);
            }
            Op::CreateObjective { .. } | Op::CreateFeature { .. } => {}
        }
    }
    (objectives, features)
}
