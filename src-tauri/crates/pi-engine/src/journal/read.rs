//! Reading a push back from the journal: the unfinished one a resume completes, the newest
//! one's id, and one push with its operations in order and the versions it was planned against.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};

use super::{Journal, JournalError, JournalOp, OpState, PushRecord};
use crate::state::Version;

impl Journal {
    /// The unfinished push of `plan`, if a previous run stopped in the middle of one.
    pub fn unfinished(&self, plan: &str) -> Result<Option<PushRecord>, JournalError> {
        let id: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM pushes WHERE plan = ?1 AND finished_at IS NULL ORDER BY id LIMIT 1",
                params![plan],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| self.push(id)).transpose()
    }

    /// The id of the newest push of `plan`, finished or not.
    pub fn latest_id(&self, plan: &str) -> Result<Option<i64>, JournalError> {
        Ok(self.conn.query_row(
            "SELECT MAX(id) FROM pushes WHERE plan = ?1",
            params![plan],
            |r| r.get(0),
        )?)
    }

    /// A recorded push with its operations in order.
    pub fn push(&self, id: i64) -> Result<PushRecord, JournalError> {
        let (plan, base_commit, started_at, actor, rollback_of) = self.conn.query_row(
            "SELECT plan, base_commit, started_at, actor, rollback_of FROM pushes WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        Ok(PushRecord {
            id,
            plan,
            base_commit,
            started_at,
            actor,
            rollback_of,
            ops: self.ops(id)?,
            planned: self.planned(id)?,
        })
    }

    /// The operations of push `id`, in order.
    fn ops(&self, id: i64) -> Result<Vec<JournalOp>, JournalError> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, op, marker, state, tp_id, error FROM ops WHERE push_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![id], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut ops = Vec::new();
        for row in rows {
            let (seq, json, marker, state, tp_id, error) = row?;
            let op = serde_json::from_str(&json)
                .map_err(|e| JournalError::Corrupt(format!("operation {seq} of push {id}: {e}")))?;
            ops.push(JournalOp {
                seq,
                op,
                marker,
                state: OpState::parse(&state)?,
                tp_id,
                error,
            });
        }
        Ok(ops)
    }

    /// The version of each entity push `id` was planned against.
    fn planned(&self, id: i64) -> Result<BTreeMap<i64, Version>, JournalError> {
        let mut stmt = self.conn.prepare(
            "SELECT tp_id, modify_date, entity_version FROM planned_versions WHERE push_id = ?1",
        )?;
        let planned = stmt
            .query_map(params![id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Version {
                        modify_date: r.get(1)?,
                        entity_version: r.get(2)?,
                    },
                ))
            })?
            .collect::<Result<BTreeMap<_, _>, _>>()?;
        Ok(planned)
    }
}
