//! Updates of entities that already exist in Targetprocess, sent together: one bulk request per
//! kind (objectives, features) instead of one request per entity.
//!
//! Such updates are independent of every other operation of a push (they touch only entities
//! with Targetprocess ids and write fields, never links to new items), so they go first, as
//! batches. The journal records each operation's own state: all `sending` before the batch goes
//! out, then each `done` or `failed` by its own result. The client falls back to single updates
//! when a batch is refused, so one invalid value never blocks the others.
//!
//! It deliberately leaves creates, relinks, deletes and lone updates to the one-by-one path.

use std::collections::HashMap;

use pi_model::changeset::{FieldChange as Change, Op};
use pi_targetprocess::{FieldChange, Kind, Written};

use crate::error::Result;
use crate::journal::{Journal, JournalOp, OpState, PushRecord};
use crate::sending::OpResult;
use crate::sending::apply::{OpError, Target};

/// Largest batch sent in one request (Targetprocess's documented default limit).
const BATCH_MAX: usize = 100;

/// What the batches of a push sent: the result of each operation, by journal sequence number,
/// and each entity written as the bulk answers carried it whole (by Targetprocess id; see
/// `complete`, which takes Targetprocess's state after the push from them).
#[derive(Debug, Default)]
pub(crate) struct Batched {
    pub results: Vec<(u32, OpResult)>,
    pub written: HashMap<i64, Written>,
}

/// Sends the record's unfinished updates of existing entities in batches. Returns the result of
/// each operation sent, by journal sequence number; a transient failure of any item stops the
/// push after the others' results are recorded (resume sends the rest).
pub(crate) async fn send_updates(
    target: &Target<'_>,
    journal: &mut Journal,
    record: &PushRecord,
) -> Result<Batched> {
    let mut out = Batched::default();
    for kind in [Kind::TeamObjective, Kind::Feature] {
        let mut batch: Vec<(&JournalOp, i64, Vec<FieldChange>)> = Vec::new();
        for o in &record.ops {
            if !matches!(o.state, OpState::Pending | OpState::Sending) {
                continue;
            }
            if let Some((id, changes)) = update_of(&o.op, kind) {
                // An update whose values cannot be written (unknown owner or state) is left to
                // the one-by-one path, which reports it on its own.
                if let Some(body) = writable(target, kind, changes).await {
                    batch.push((o, id, body));
                }
            }
        }
        if batch.len() < 2 {
            continue;
        }
        for chunk in batch.chunks(BATCH_MAX) {
            let sent = send(target, journal, record.id, chunk, kind).await?;
            out.results.extend(sent.results);
            out.written.extend(sent.written);
        }
    }
    Ok(out)
}

/// The TP id and changes of an update of an existing entity of `kind`.
fn update_of(op: &Op, kind: Kind) -> Option<(i64, (&str, &[Change]))> {
    match (op, kind) {
        (Op::UpdateObjective { id, name, changes }, Kind::TeamObjective)
        | (Op::UpdateFeature { id, name, changes }, Kind::Feature) => {
            id.tp().map(|id| (id, (name.as_str(), changes.as_slice())))
        }
        _ => None,
    }
}

/// The client field changes of an update, when every value resolves (owner, state name).
async fn writable(
    target: &Target<'_>,
    kind: Kind,
    (name, changes): (&str, &[Change]),
) -> Option<Vec<FieldChange>> {
    let body = crate::sending::apply::changes(target, name, changes).ok()?;
    for c in &body {
        if let FieldChange::Status(state) = c {
            target.tp.state_id(kind, state).await.ok()?;
        }
    }
    Some(body)
}

async fn send(
    target: &Target<'_>,
    journal: &mut Journal,
    push: i64,
    chunk: &[(&JournalOp, i64, Vec<FieldChange>)],
    kind: Kind,
) -> Result<Batched> {
    let items: Vec<(i64, Vec<FieldChange>)> = chunk
        .iter()
        .map(|(_, id, body)| (*id, body.clone()))
        .collect();
    let sending: Vec<(u32, OpState, Option<&str>)> = chunk
        .iter()
        .map(|(jop, ..)| (jop.seq, OpState::Sending, None))
        .collect();
    journal.set_states(push, &sending)?;
    let answers = target.tp.bulk_update(kind, &items).await;
    let mut results = Vec::with_capacity(chunk.len());
    let mut written = HashMap::new();
    let mut transient = None;
    for ((jop, ..), answer) in chunk.iter().zip(answers) {
        let result = match answer.result.map_err(OpError::from) {
            Ok(_) => {
                if let Some(entity) = answer.written {
                    written.insert(answer.id, entity);
                }
                Ok(())
            }
            Err(OpError::Refused(reason) | OpError::RefusedAll(reason)) => Err(reason),
            // Left `sending`: resume sends it again (an update is safe to repeat).
            Err(OpError::Interrupted(e)) => {
                transient.get_or_insert(e);
                continue;
            }
        };
        let op = jop.op.clone();
        results.push((jop.seq, OpResult { op, result }));
    }
    let states: Vec<(u32, OpState, Option<&str>)> = results
        .iter()
        .map(|(seq, r)| match &r.result {
            Ok(()) => (*seq, OpState::Done, None),
            Err(e) => (*seq, OpState::Failed, Some(e.as_str())),
        })
        .collect();
    journal.set_states(push, &states)?;
    target.tally.add(results.len());
    match transient {
        Some(e) => Err(e),
        None => Ok(Batched { results, written }),
    }
}

#[cfg(test)]
mod tests {
    use pi_model::merge::FieldValue;
    use pi_model::{Effort, EntityId, Field};
    use pi_targetprocess::{Credentials, Placement, TpClient, TpConfig};

    use super::*;

    fn effort(id: i64, to: f64) -> (Op, String) {
        let op = Op::UpdateObjective {
            id: EntityId::Tp(id),
            name: format!("objective {id}"),
            changes: vec![Change {
                field: Field::Effort,
                from: FieldValue::Effort(None),
                to: FieldValue::Effort(Effort::new(to)),
            }],
        };
        (op, format!("m-{id}"))
    }

    /// Sends `ids` (effort 40 + position) as one push through `send_updates` against the demo
    /// simulator; returns the results, the journal's record afterwards, the simulator's efforts
    /// and the requests it saw.
    async fn push(ids: &[i64]) -> (Batched, PushRecord, Vec<Option<f64>>, Vec<String>) {
        let sim = pi_sim::start(pi_sim::SimConfig {
            control_api: true,
            ..pi_sim::SimConfig::default()
        })
        .await
        .unwrap();
        let real = sim.control().ids("TeamPIObjectives");
        let ids: Vec<i64> = ids
            .iter()
            .map(|i| {
                if *i < 0 {
                    999_999
                } else {
                    real[usize::try_from(*i).unwrap()]
                }
            })
            .collect();
        let config = TpConfig::new(
            &sim.base_url(),
            Credentials::AccessToken(sim.access_token().to_owned()),
        )
        .unwrap();
        let tp = TpClient::new(config).unwrap();
        let mut journal = Journal::in_memory().unwrap();
        let ops: Vec<(Op, String)> = ids
            .iter()
            .zip(0..)
            .map(|(id, n)| effort(*id, 40.0 + f64::from(n)))
            .collect();
        let push = journal.begin_push("p", "c", "t0", "a", &ops).unwrap();
        let record = journal.push(push).unwrap();
        let created = HashMap::new();
        let target = Target {
            tp: &tp,
            placement: Placement {
                team: 0,
                release: 0,
            },
            users: &[],
            created: &created,
            tally: &crate::sending::Tally::new(None, ids.len()),
        };
        sim.control().clear_request_log();
        let results = send_updates(&target, &mut journal, &record).await.unwrap();
        let efforts = ids
            .iter()
            .map(|id| {
                sim.control()
                    .get_entity("TeamPIObjectives", *id)
                    .and_then(|v| v["Effort"].as_f64())
            })
            .collect();
        let requests = sim
            .control()
            .request_log()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        sim.shutdown().await;
        (results, journal.push(push).unwrap(), efforts, requests)
    }

    #[tokio::test]
    async fn updates_of_existing_objectives_go_as_one_batch_and_each_is_journaled_done() {
        let (batched, record, efforts, requests) = push(&[0, 1, 2]).await;
        assert_eq!(
            batched
                .results
                .iter()
                .map(|(seq, r)| (*seq, r.result.clone()))
                .collect::<Vec<_>>(),
            vec![(0, Ok(())), (1, Ok(())), (2, Ok(()))]
        );
        assert!(record.ops.iter().all(|o| o.state == OpState::Done));
        assert_eq!(efforts, vec![Some(40.0), Some(41.0), Some(42.0)]);
        let posts: Vec<&String> = requests.iter().filter(|r| r.starts_with("POST")).collect();
        assert_eq!(
            posts,
            vec!["POST /api/v1/TeamPIObjectives/bulk"],
            "{requests:?}"
        );
        // The bulk answer carries each objective whole, with the values sent: nothing is read
        // back.
        assert_eq!(requests.len(), 1, "{requests:?}");
        let mut written: Vec<(String, Option<f64>)> = batched
            .written
            .values()
            .map(|w| match &w.entity {
                pi_targetprocess::WrittenEntity::Objective(o) => {
                    (o.name.clone(), o.effort.map(Effort::points))
                }
                other => panic!("an objective was written: {other:?}"),
            })
            .collect();
        written.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap());
        assert_eq!(
            written.iter().map(|(_, e)| *e).collect::<Vec<_>>(),
            vec![Some(40.0), Some(41.0), Some(42.0)]
        );
        assert!(
            written.iter().all(|(name, _)| !name.is_empty()),
            "{written:?}"
        );
    }

    #[tokio::test]
    async fn a_refused_update_fails_alone_and_the_others_are_done() {
        let (batched, record, efforts, _) = push(&[0, -1, 2]).await;
        let results = &batched.results;
        assert_eq!(results.len(), 3);
        assert!(
            results[1]
                .1
                .result
                .as_ref()
                .is_err_and(|e| e.contains("999999")),
            "{results:?}"
        );
        let states: Vec<OpState> = record.ops.iter().map(|o| o.state).collect();
        assert_eq!(states, vec![OpState::Done, OpState::Failed, OpState::Done]);
        assert!(record.ops[1].error.is_some());
        assert_eq!(efforts, vec![Some(40.0), None, Some(42.0)]);
    }

    #[tokio::test]
    async fn a_lone_update_is_left_to_the_one_by_one_path() {
        let (batched, record, _, requests) = push(&[0]).await;
        assert!(batched.results.is_empty());
        assert_eq!(record.ops[0].state, OpState::Pending);
        assert!(requests.is_empty(), "{requests:?}");
    }
}
