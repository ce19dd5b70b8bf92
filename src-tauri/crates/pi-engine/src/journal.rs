//! The push journal: every operation of a push is written here (SQLite, synchronous) BEFORE it is
//! sent, and its outcome right after. After a crash at any point, the unfinished push is read back
//! and completed: operations marked done are skipped, a create that was being sent is first looked
//! up in Targetprocess by its idempotency marker, so nothing is created twice and nothing is lost.
//!
//! It deliberately knows nothing of HTTP or git: it records and answers.

use std::collections::BTreeMap;
use std::path::Path;

use pi_model::changeset::Op;
use rusqlite::{Connection, OptionalExtension, params};

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

/// Schema versions, applied in order (`PRAGMA user_version` holds how many are applied).
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE pushes (
        id INTEGER PRIMARY KEY,
        plan TEXT NOT NULL,
        base_commit TEXT NOT NULL,
        started_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE ops (
        push_id INTEGER NOT NULL REFERENCES pushes(id),
        seq INTEGER NOT NULL,
        op TEXT NOT NULL,
        marker TEXT NOT NULL,
        state TEXT NOT NULL,
        tp_id INTEGER,
        error TEXT,
        PRIMARY KEY (push_id, seq)
    );
",
    "ALTER TABLE pushes ADD COLUMN rollback_of TEXT;",
    "
    CREATE TABLE planned_versions (
        push_id INTEGER NOT NULL REFERENCES pushes(id),
        tp_id INTEGER NOT NULL,
        modify_date TEXT,
        entity_version INTEGER,
        PRIMARY KEY (push_id, tp_id)
    );
",
];

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
        // FULL: a row we wrote survives a power cut before we send the request it describes.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > MIGRATIONS.len() {
            return Err(JournalError::Corrupt(format!(
                "written by a newer PI Planner (schema {version})"
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(
                None,
                "user_version",
                i64::try_from(i + 1).unwrap_or(i64::MAX),
            )?;
            tx.commit()?;
        }
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
        Ok(PushRecord {
            id,
            plan,
            base_commit,
            started_at,
            actor,
            rollback_of,
            ops,
            planned,
        })
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
            conn.execute_batch(MIGRATIONS[0]).unwrap();
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
