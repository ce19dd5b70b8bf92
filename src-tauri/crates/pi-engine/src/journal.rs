//! The push journal: every operation of a push is written here (SQLite, synchronous) BEFORE it is
//! sent, and its outcome right after. After a crash at any point, the unfinished push is read back
//! and completed: operations marked done are skipped, a create that was being sent is first looked
//! up in Targetprocess by its idempotency marker, so nothing is created twice and nothing is lost.
//!
//! It deliberately knows nothing of HTTP or git: it records and answers. Here: the records and
//! the writes made while a push runs; `schema` creates and upgrades the file, `read` reads a
//! push back.

use std::collections::BTreeMap;
use std::path::Path;

use pi_model::changeset::Op;
use rusqlite::{Connection, params};

mod read;
mod schema;

pub use crate::error::JournalError;
use crate::state::Version;

/// Where an operation is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpState {
    /// Recorded, not sent yet.
    Pending,
    /// Being sent: it may or may not have reached Targetprocess.
    Sending,
    /// Targetprocess confirmed it.
    Done,
    /// Targetprocess refused it (validation); the push reports it.
    Failed,
    /// Closed by a resume without sending it: Targetprocess or the plan file had moved on (the
    /// merge after the push reports what that means). Not part of what the push wrote.
    Skipped,
}

impl OpState {
    fn as_str(self) -> &'static str {
        match self {
            OpState::Pending => "pending",
            OpState::Sending => "sending",
            OpState::Done => "done",
            OpState::Failed => "failed",
            OpState::Skipped => "skipped",
        }
    }

    /// Still to be sent, or perhaps sent without an answer.
    pub fn is_open(self) -> bool {
        matches!(self, OpState::Pending | OpState::Sending)
    }

    fn parse(s: &str) -> Result<Self, JournalError> {
        Ok(match s {
            "pending" => OpState::Pending,
            "sending" => OpState::Sending,
            "done" => OpState::Done,
            "failed" => OpState::Failed,
            "skipped" => OpState::Skipped,
            other => return Err(JournalError::Corrupt(format!("unknown op state {other:?}"))),
        })
    }
}

/// One recorded operation of a push.
#[derive(Clone, Debug, PartialEq)]
pub struct JournalOp {
    pub seq: u32,
    pub op: Op,
    /// Idempotency marker sent with a create (e.g. as a TP tag), to find it again after a crash.
    pub marker: String,
    pub state: OpState,
    /// TP id of a created entity, once known.
    pub tp_id: Option<i64>,
    pub error: Option<String>,
}

/// A push as recorded in the journal.
#[derive(Clone, Debug, PartialEq)]
pub struct PushRecord {
    pub id: i64,
    pub plan: String,
    /// The tracking-branch commit the push plan was computed against.
    pub base_commit: String,
    pub started_at: String,
    pub actor: String,
    /// For a rollback: the op-log id of the push it compensates.
    pub rollback_of: Option<String>,
    pub ops: Vec<JournalOp>,
    /// TP id → the entity's version (`ModifyDate`, `EntityVersion`) the push was planned
    /// against, as read by its preflight. Lets a resume tell an operation that never landed from
    /// one that landed and was changed back by someone else since.
    pub planned: BTreeMap<i64, Version>,
}

impl PushRecord {
    /// Operations still to be sent, or perhaps sent without an answer.
    pub fn open_ops(&self) -> usize {
        self.ops.iter().filter(|o| o.state.is_open()).count()
    }
}

#[derive(Debug)]
pub struct Journal {
    conn: Connection,
}

impl Journal {
    /// Opens (creating if needed) the journal at `path`.
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let conn = Connection::open(path).map_err(|source| JournalError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Self::with_connection(conn)
    }

    /// A journal in memory, for dry runs and tests.
    pub fn in_memory() -> Result<Self, JournalError> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(conn: Connection) -> Result<Self, JournalError> {
        schema::prepare(&conn)?;
        Ok(Self { conn })
    }

    /// Records a new push and all its operations (state pending) in one transaction.
    pub fn begin_push(
        &mut self,
        plan: &str,
        base_commit: &str,
        started_at: &str,
        actor: &str,
        ops: &[(Op, String)],
    ) -> Result<i64, JournalError> {
        self.begin(plan, base_commit, started_at, actor, ops, None)
    }

    /// Records a rollback of the push `rollback_of` (an op-log id) like a push: its operations
    /// are sent, resumed and completed by the same machinery, and it is logged as a rollback.
    pub fn begin_rollback(
        &mut self,
        plan: &str,
        base_commit: &str,
        started_at: &str,
        actor: &str,
        ops: &[(Op, String)],
        rollback_of: &str,
    ) -> Result<i64, JournalError> {
        self.begin(plan, base_commit, started_at, actor, ops, Some(rollback_of))
    }

    fn begin(
        &mut self,
        plan: &str,
        base_commit: &str,
        started_at: &str,
        actor: &str,
        ops: &[(Op, String)],
        rollback_of: Option<&str>,
    ) -> Result<i64, JournalError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO pushes (plan, base_commit, started_at, actor, rollback_of) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![plan, base_commit, started_at, actor, rollback_of],
        )?;
        let id = tx.last_insert_rowid();
        for (seq, (op, marker)) in (0i64..).zip(ops) {
            let json = serde_json::to_string(op)
                .map_err(|e| JournalError::Corrupt(format!("cannot record operation: {e}")))?;
            tx.execute(
                "INSERT INTO ops (push_id, seq, op, marker, state) VALUES (?1, ?2, ?3, ?4, 'pending')",
                params![id, seq, json, marker],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Moves one operation to `state`, with the TP id of a create and an error text if any.
    pub fn set_state(
        &mut self,
        push: i64,
        seq: u32,
        state: OpState,
        tp_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), JournalError> {
        let n = self.conn.execute(
            "UPDATE ops SET state = ?3, tp_id = COALESCE(?4, tp_id), error = ?5 WHERE push_id = ?1 AND seq = ?2",
            params![push, seq, state.as_str(), tp_id, error],
        )?;
        if n != 1 {
            return Err(JournalError::Corrupt(format!(
                "push {push} has no operation {seq}"
            )));
        }
        Ok(())
    }

    /// Moves several operations at once (one transaction, one sync to disk): each to its state,
    /// with an error text if any.
    pub fn set_states(
        &mut self,
        push: i64,
        states: &[(u32, OpState, Option<&str>)],
    ) -> Result<(), JournalError> {
        let tx = self.conn.transaction()?;
        for (seq, state, error) in states {
            let n = tx.execute(
                "UPDATE ops SET state = ?3, error = ?4 WHERE push_id = ?1 AND seq = ?2",
                params![push, seq, state.as_str(), error],
            )?;
            if n != 1 {
                return Err(JournalError::Corrupt(format!(
                    "push {push} has no operation {seq}"
                )));
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records the version of each entity the push was planned against (before anything is
    /// sent).
    pub fn set_planned(
        &mut self,
        push: i64,
        versions: &BTreeMap<i64, Version>,
    ) -> Result<(), JournalError> {
        let tx = self.conn.transaction()?;
        for (id, v) in versions {
            tx.execute(
                "INSERT OR REPLACE INTO planned_versions (push_id, tp_id, modify_date, entity_version) VALUES (?1, ?2, ?3, ?4)",
                params![push, id, v.modify_date, v.entity_version],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces operation `seq` (what it still has to send) and moves it to `state`; with
    /// `landed`, also records the part of it that had reached Targetprocess as a new operation,
    /// done. One transaction.
    pub fn split_op(
        &mut self,
        push: i64,
        seq: u32,
        rest: &Op,
        state: OpState,
        landed: Option<&Op>,
    ) -> Result<(), JournalError> {
        let json = |op: &Op| {
            serde_json::to_string(op)
                .map_err(|e| JournalError::Corrupt(format!("cannot record operation: {e}")))
        };
        let tx = self.conn.transaction()?;
        let n = tx.execute(
            "UPDATE ops SET op = ?3, state = ?4 WHERE push_id = ?1 AND seq = ?2",
            params![push, seq, json(rest)?, state.as_str()],
        )?;
        if n != 1 {
            return Err(JournalError::Corrupt(format!(
                "push {push} has no operation {seq}"
            )));
        }
        if let Some(op) = landed {
            let next: i64 = tx.query_row(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM ops WHERE push_id = ?1",
                params![push],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO ops (push_id, seq, op, marker, state) SELECT push_id, ?3, ?4, marker, 'done' FROM ops WHERE push_id = ?1 AND seq = ?2",
                params![push, seq, next, json(op)?],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Marks a push complete; it is no longer offered for resume.
    pub fn finish_push(&mut self, push: i64, finished_at: &str) -> Result<(), JournalError> {
        self.conn.execute(
            "UPDATE pushes SET finished_at = ?2 WHERE id = ?1",
            params![push, finished_at],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pi_model::changeset::FieldChange;
    use pi_model::merge::FieldValue;
    use pi_model::{Effort, EntityId, Field, LocalId};

    fn ops() -> Vec<(Op, String)> {
        vec![
            (
                Op::CreateObjective {
                    id: EntityId::Local(LocalId::new("n1").unwrap()),
                    name: "New".into(),
                    fields: vec![],
                },
                "pi-op-1-0".into(),
            ),
            (
                Op::UpdateObjective {
                    id: EntityId::Tp(5),
                    name: "Old".into(),
                    changes: vec![FieldChange {
                        field: Field::Effort,
                        from: FieldValue::Effort(Effort::new(13.0)),
                        to: FieldValue::Effort(Effort::new(21.0)),
                    }],
                },
                "pi-op-1-1".into(),
            ),
        ]
    }

    #[test]
    fn an_interrupted_push_is_read_back_exactly_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        let id = {
            let mut j = Journal::open(&path).unwrap();
            let id = j
                .begin_push(
                    "pi-4-25-platform-eco",
                    "abc123",
                    "2026-11-24T10:00:00Z",
                    "Ana <ana@x>",
                    &ops(),
                )
                .unwrap();
            j.set_state(id, 0, OpState::Sending, None, None).unwrap();
            id
            // dropped here without finishing: a crash
        };
        let j = Journal::open(&path).unwrap();
        let push = j
            .unfinished("pi-4-25-platform-eco")
            .unwrap()
            .expect("unfinished push");
        assert_eq!(push.id, id);
        assert_eq!(push.base_commit, "abc123");
        assert_eq!(push.ops.len(), 2);
        assert_eq!(push.ops[0].state, OpState::Sending);
        assert_eq!(push.ops[0].marker, "pi-op-1-0");
        assert_eq!(push.ops[1].state, OpState::Pending);
        assert_eq!(push.ops[1].op, ops()[1].0);
        assert_eq!(j.unfinished("other-plan").unwrap(), None);
    }

    #[test]
    fn finished_pushes_are_not_offered_for_resume() {
        let mut j = Journal::in_memory().unwrap();
        let id = j.begin_push("p", "c", "t0", "a", &ops()).unwrap();
        j.set_state(id, 0, OpState::Done, Some(777), None).unwrap();
        j.set_state(
            id,
            1,
            OpState::Failed,
            None,
            Some("Effort must be positive"),
        )
        .unwrap();
        let push = j.push(id).unwrap();
        assert_eq!(push.ops[0].tp_id, Some(777));
        assert_eq!(
            push.ops[1].error.as_deref(),
            Some("Effort must be positive")
        );
        j.finish_push(id, "t1").unwrap();
        assert_eq!(j.unfinished("p").unwrap(), None);
        assert_eq!(j.latest_id("p").unwrap(), Some(id));
        assert_eq!(j.latest_id("other").unwrap(), None);
    }

    #[test]
    fn a_rollback_is_recorded_with_the_push_it_compensates() {
        let mut j = Journal::in_memory().unwrap();
        let push = j.begin_push("p", "c", "t0", "a", &ops()).unwrap();
        j.finish_push(push, "t1").unwrap();
        let id = j
            .begin_rollback("p", "c2", "t2", "a", &ops()[1..], "push-1790000060000")
            .unwrap();
        let record = j.unfinished("p").unwrap().expect("unfinished rollback");
        assert_eq!(record.id, id);
        assert_eq!(record.rollback_of.as_deref(), Some("push-1790000060000"));
        assert_eq!(record.ops.len(), 1);
        assert_eq!(j.push(push).unwrap().rollback_of, None);
    }

    #[test]
    fn a_journal_of_the_first_schema_is_migrated_keeping_its_pushes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO pushes (plan, base_commit, started_at, actor) VALUES ('p', 'c', 't', 'a')",
                [],
            )
            .unwrap();
        }
        let j = Journal::open(&path).unwrap();
        let record = j.unfinished("p").unwrap().expect("the old push is kept");
        assert_eq!(
            (record.base_commit.as_str(), record.rollback_of),
            ("c", None)
        );
    }

    #[test]
    fn unknown_operation_and_newer_schema_are_reported() {
        let mut j = Journal::in_memory().unwrap();
        let id = j.begin_push("p", "c", "t0", "a", &ops()).unwrap();
        assert!(matches!(
            j.set_state(id, 9, OpState::Done, None, None),
            Err(JournalError::Corrupt(_))
        ));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.sqlite");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Journal::open(&path).unwrap_err().to_string();
        assert!(err.contains("newer"), "{err}");
    }

    #[test]
    fn planned_versions_and_a_split_operation_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        let mut j = Journal::open(&path).unwrap();
        let id = j.begin_push("p", "c", "t0", "a", &ops()).unwrap();
        let v = Version {
            modify_date: Some("2026-11-24T10:00:00+00:00".into()),
            entity_version: Some(7),
        };
        j.set_planned(id, &BTreeMap::from([(5, v.clone())]))
            .unwrap();
        j.set_state(id, 1, OpState::Sending, None, None).unwrap();
        let Op::UpdateObjective { id: eid, name, .. } = ops()[1].0.clone() else {
            unreachable!()
        };
        let nothing = Op::UpdateObjective {
            id: eid,
            name,
            changes: vec![],
        };
        j.split_op(id, 1, &nothing, OpState::Skipped, Some(&ops()[1].0))
            .unwrap();
        drop(j);
        let record = Journal::open(&path).unwrap().push(id).unwrap();
        assert_eq!(record.planned, BTreeMap::from([(5, v)]));
        let states: Vec<_> = record.ops.iter().map(|o| (o.seq, o.state)).collect();
        assert_eq!(
            states,
            vec![
                (0, OpState::Pending),
                (1, OpState::Skipped),
                (2, OpState::Done)
            ]
        );
        assert_eq!(record.ops[1].op, nothing);
        assert_eq!(record.ops[2].op, ops()[1].0);
        assert_eq!(record.ops[2].marker, "pi-op-1-1");
        assert!(!OpState::Skipped.is_open() && OpState::Sending.is_open());
    }
}
