//! `tpcli plan discard`: give up a change not in Targetprocess (typically one Targetprocess
//! refused): the item, or some of its fields, goes back to Targetprocess's state as of the last
//! pull.

use anyhow::{Result, bail};
use clap::Args;
use pi_model::changeset::Op;
use pi_model::{EntityId, Field};

use super::RepoArgs;
use super::connect;
use super::words::plural;
use crate::exit;
use crate::output::views::{DiscardView, DiscardedItem};

/// Give up a change that is not in Targetprocess: the item (or the fields named) goes back to
/// Targetprocess's values as of your last pull. A new item is removed; a deleted one is put
/// back; a moved feature goes back under its objective.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan discard --refused                      # every change the last push had refused
  tpcli plan discard --item new:c845cf3a            # a new feature that cannot be created
  tpcli plan discard --item tp:2203 --field owner   # one field of an item

`tpcli plan status` lists the refused changes with Targetprocess's reasons.")]
pub struct DiscardArgs {
    /// Every change of the last push that Targetprocess refused and the plan still holds.
    #[arg(long, conflicts_with = "item")]
    refused: bool,
    /// The objective or feature (e.g. tp:2203, or new:… for an item not created yet).
    #[arg(long, value_name = "ID")]
    item: Option<EntityId>,
    /// Only this field of the item (repeatable), e.g. owner, effort, status.
    #[arg(long, value_name = "NAME", requires = "item")]
    field: Vec<String>,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON: {discarded: [{item, result}]}.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DiscardArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let me = connect::identity(&args.repo.repo)?;
    let targets: Vec<(EntityId, Vec<Field>)> = match (&args.item, args.refused) {
        (Some(item), _) => {
            let fields = args
                .field
                .iter()
                .map(|f| super::resolve::parse_field(f))
                .collect::<Result<_>>()?;
            vec![(item.clone(), fields)]
        }
        (None, true) => refused(&ws)?,
        (None, false) => bail!("say what to discard: --refused, or --item ID [--field NAME]"),
    };
    let mut done = Vec::new();
    for (item, fields) in &targets {
        let result = pi_engine::discard(&me, chrono::Utc::now(), &ws, item, fields)?;
        done.push((item.clone(), result));
    }
    if args.json {
        let discarded = done
            .iter()
            .map(|(item, r)| DiscardedItem {
                item: item.clone(),
                result: describe(r),
            })
            .collect();
        crate::output::print(&DiscardView { discarded })?;
        return Ok(exit::OK);
    }
    if done.is_empty() {
        println!("Nothing to discard: the last push had no refused change left in the plan.");
    }
    for (item, r) in &done {
        println!("{item}: {}", describe(r));
    }
    Ok(exit::OK)
}

/// The items and fields of the last push's refused changes.
fn refused(ws: &pi_engine::Workspace) -> Result<Vec<(EntityId, Vec<Field>)>> {
    let status = super::block_on(pi_engine::status(None, ws))??;
    Ok(status
        .refused
        .iter()
        .map(|r| (r.op.entity().clone(), fields_of(&r.op)))
        .collect())
}

/// The fields an update wrote; every field (the whole item) for a create, relink or delete.
fn fields_of(op: &Op) -> Vec<Field> {
    match op {
        Op::UpdateObjective { changes, .. } | Op::UpdateFeature { changes, .. } => {
            changes.iter().map(|c| c.field).collect()
        }
        Op::RelinkFeature { .. } => vec![Field::Objective],
        _ => Vec::new(),
    }
}

fn describe(r: &pi_engine::Discarded) -> String {
    match r {
        pi_engine::Discarded::Fields(fields) => format!(
            "{} back to Targetprocess's value ({})",
            plural(fields.len(), "field", "fields"),
            fields
                .iter()
                .map(|f| f.label())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        pi_engine::Discarded::Removed => "removed (it was never in Targetprocess)".to_owned(),
        pi_engine::Discarded::Restored => "put back as Targetprocess has it".to_owned(),
        pi_engine::Discarded::Nothing => "already as in Targetprocess; nothing changed".to_owned(),
    }
}
