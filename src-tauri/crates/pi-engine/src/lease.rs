//! The push lease: of the clones sharing a plan through a git remote, one at a time writes it to
//! Targetprocess.
//!
//! Targetprocess has no conditional update, so a push re-reads what it is about to change and
//! writes only when nothing moved since its base. Between that re-read and the write, another
//! clone's push of the same field would pass the same check, and the later write would replace
//! the earlier without anyone seeing a conflict. The lease closes that window: a push (and a
//! resume or rollback) first takes the plan's lease, `refs/pi/lease/<plan>` on the remote, and
//! gives it back after publishing its result. The lease is an append-only log whose entries
//! say who holds it until when; taking it appends a `held` entry on top of the tip just fetched,
//! and the remote takes that only if no one else appended first (fast-forward only: a
//! compare-and-swap). A push that finds the lease held waits and looks again; it then integrates
//! the holder's published work before its own re-read, so it sees the holder's values as
//! Targetprocess's, never as its own edits.
//!
//! A holder that was stopped (killed, crashed, offline) cannot give the lease back: its lease
//! ends on its own [`TERM`] after it was taken, and the same clone may take it again at once
//! (its next push or resume completes the stopped one). Without a remote there is nothing to
//! share and no lease.

use std::time::Duration;

use chrono::{DateTime, Utc};
use pi_git::{Oid, remote_pi_ref};
use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::error::{EngineError, Result};
use crate::remote::{ORIGIN, has_origin};
use crate::workspace::Workspace;

/// How long a lease lasts when its holder does not give it back.
pub const TERM: Duration = Duration::from_secs(120);
/// How long a push waits for a teammate's lease before it gives up.
pub const MAX_WAIT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum State {
    Held,
    Released,
}

/// One entry of the lease log.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    state: State,
    /// The clone (see [`clone_id`]).
    holder: String,
    /// Who, for messages: `Name <email>`.
    by: String,
    at: DateTime<Utc>,
    until: DateTime<Utc>,
}

/// A lease this clone holds, given back when dropped.
#[derive(Debug)]
pub(crate) struct Lease<'a> {
    ws: &'a Workspace,
    /// The remote log's tip once the lease was taken: the release goes on top of it.
    tip: Oid,
    entry: Entry,
    stamp: pi_git::Stamp,
}

/// Takes the plan's lease, waiting up to [`MAX_WAIT`] for a teammate's to end. `None` when the
/// plan has no remote. Fails with [`EngineError::PlanBusy`] when the teammate still holds it.
pub(crate) async fn acquire<'a>(ctx: &Context<'_>, ws: &'a Workspace) -> Result<Option<Lease<'a>>> {
    acquire_within(ctx, ws, MAX_WAIT).await
}

/// [`acquire`], waiting up to `max_wait`.
async fn acquire_within<'a>(
    ctx: &Context<'_>,
    ws: &'a Workspace,
    max_wait: Duration,
) -> Result<Option<Lease<'a>>> {
    if !has_origin(&ws.repo) {
        return Ok(None);
    }
    let holder = clone_id(ctx, ws)?;
    let log = ws.names.lease_ref();
    let upstream = remote_pi_ref(ORIGIN, &log);
    let mut waited = Duration::ZERO;
    let mut round = 0u32;
    loop {
        ws.repo.fetch(ORIGIN)?;
        let tip = ws.repo.ref_target(&upstream)?;
        let current = ws
            .repo
            .last_entry(&upstream)?
            .and_then(|e| serde_json::from_slice::<Entry>(&e.data).ok());
        // The engine reads no clock: its time is the operation's, plus what it waited here.
        let now = ctx.now + chrono::Duration::from_std(waited).unwrap_or_default();
        let taken_by_other = current
            .as_ref()
            .filter(|e| e.state == State::Held && e.holder != holder && e.until > now);
        if taken_by_other.is_none() {
            let entry = Entry {
                state: State::Held,
                holder: holder.clone(),
                by: format!("{} <{}>", ctx.me.name, ctx.me.email),
                at: now,
                until: now + chrono::Duration::from_std(TERM).unwrap_or_default(),
            };
            let data = serde_json::to_vec(&entry).map_err(state_error)?;
            if let Some(taken) = ws
                .repo
                .append_remote(ORIGIN, &log, tip, &data, &ctx.stamp())?
            {
                return Ok(Some(Lease {
                    ws,
                    tip: taken.commit,
                    entry,
                    stamp: ctx.stamp(),
                }));
            }
        }
        if waited >= max_wait {
            let holder = taken_by_other.or(current.as_ref());
            return Err(EngineError::PlanBusy {
                by: holder.map(|e| e.by.clone()).unwrap_or_default(),
                since: holder.map(|e| e.at.to_rfc3339()).unwrap_or_default(),
                until: holder.map(|e| e.until.to_rfc3339()).unwrap_or_default(),
            });
        }
        // 100 ms growing to 1 s, spread so that clones that met do not look again together.
        let pause = crate::remote::spread_pause(ctx, round, (100u64 << round.min(3)).min(1000));
        tokio::time::sleep(pause).await;
        waited += pause;
        round += 1;
    }
}

impl Drop for Lease<'_> {
    /// Gives the lease back, unless it ended and someone else took it meanwhile. A release that
    /// cannot reach the remote changes nothing that matters: the lease ends on its own.
    fn drop(&mut self) {
        let entry = Entry {
            state: State::Released,
            ..self.entry.clone()
        };
        let Ok(data) = serde_json::to_vec(&entry) else {
            return;
        };
        let log = self.ws.names.lease_ref();
        // Best effort by design (see above): the outcome is not needed.
        let _ = self
            .ws
            .repo
            .append_remote(ORIGIN, &log, Some(self.tip), &data, &self.stamp);
    }
}

/// The plan's lease as this clone last fetched it (`refs/pi/lease/<plan>` of the remote), for a
/// health check: who holds it until when, and whether that is this clone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct LeaseState {
    /// Taken and not given back (it may have ended: compare `until` with the time).
    pub held: bool,
    /// Who took it last: `Name <email>`.
    pub by: String,
    pub at: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The holder is this clone (a stopped push or resume of its own).
    pub mine: bool,
}

/// The lease's last entry as fetched; `None` without a remote or before the first push.
/// Reads only: nothing is fetched or written.
pub fn last_seen(ws: &Workspace) -> Result<Option<LeaseState>> {
    if !has_origin(&ws.repo) {
        return Ok(None);
    }
    let upstream = remote_pi_ref(ORIGIN, &ws.names.lease_ref());
    let Some(entry) = ws.repo.last_entry(&upstream)? else {
        return Ok(None);
    };
    let entry: Entry = serde_json::from_slice(&entry.data).map_err(state_error)?;
    let mine = std::fs::read_to_string(ws.repo.git_dir().join("pi-planner").join("clone-id"))
        .is_ok_and(|id| id.trim() == entry.holder);
    Ok(Some(LeaseState {
        held: entry.state == State::Held,
        by: entry.by,
        at: entry.at,
        until: entry.until,
        mine,
    }))
}

/// This clone's lasting name in leases: made once from its folder, the person and the time, and
/// kept in `.git/pi-planner/clone-id`.
fn clone_id(ctx: &Context<'_>, ws: &Workspace) -> Result<String> {
    let path = ws.repo.git_dir().join("pi-planner").join("clone-id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim();
        if !id.is_empty() {
            return Ok(id.to_owned());
        }
    }
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    let dir = ws.repo.git_dir();
    hash.update(
        dir.canonicalize()
            .unwrap_or_else(|_| dir.to_path_buf())
            .to_string_lossy()
            .as_bytes(),
    );
    hash.update(ctx.me.email.as_bytes());
    hash.update(ctx.now.to_rfc3339().as_bytes());
    let id: String = hash
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::state::write_atomic(&path, id.as_bytes())?;
    Ok(id)
}

fn state_error(e: serde_json::Error) -> EngineError {
    EngineError::State {
        path: "lease".to_owned(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    struct Shared {
        _sim: pi_sim::RunningSim,
        tp: pi_targetprocess::TpClient,
        me: pi_git::Identity,
        _dir: tempfile::TempDir,
        ws: Workspace,
    }

    impl Shared {
        fn ctx(&self) -> Context<'_> {
            crate::testing::at(&self.tp, &self.me, 0)
        }

        fn last(&self) -> Entry {
            let upstream = remote_pi_ref(ORIGIN, &self.ws.names.lease_ref());
            self.ws.repo.fetch(ORIGIN).unwrap();
            let e = self.ws.repo.last_entry(&upstream).unwrap().unwrap();
            serde_json::from_slice(&e.data).unwrap()
        }

        /// Another clone's entry on top of the remote lease log.
        fn other(&self, state: State, until: DateTime<Utc>) {
            let log = self.ws.names.lease_ref();
            self.ws.repo.fetch(ORIGIN).unwrap();
            let tip = self
                .ws
                .repo
                .ref_target(&remote_pi_ref(ORIGIN, &log))
                .unwrap();
            let entry = Entry {
                state,
                holder: "another-clone".into(),
                by: "Bob Stone <bob@example.com>".into(),
                at: until - chrono::Duration::seconds(120),
                until,
            };
            let data = serde_json::to_vec(&entry).unwrap();
            let stamp = self.ctx().stamp();
            let took = self.ws.repo.append_remote(ORIGIN, &log, tip, &data, &stamp);
            assert!(took.unwrap().is_some());
        }
    }

    /// A plan shared through a bare remote.
    async fn shared() -> Shared {
        let dir = tempfile::tempdir().unwrap();
        let bare = dir.path().join("shared.git");
        pi_git::PlanRepo::init_bare(&bare).unwrap();
        let clone = dir.path().join("clone");
        let (sim, tp) =
            crate::testing::initialised_in(&clone, Some(bare.display().to_string())).await;
        let ws = Workspace::open(&clone).unwrap();
        Shared {
            _sim: sim,
            tp,
            me: crate::testing::jane(),
            _dir: dir,
            ws,
        }
    }

    #[tokio::test]
    async fn a_lease_is_taken_and_given_back() {
        let s = shared().await;
        let ctx = s.ctx();
        let lease = acquire(&ctx, &s.ws).await.unwrap().unwrap();
        let held = s.last();
        assert_eq!(
            (held.state, held.by.as_str()),
            (State::Held, "Jane Doe <jane@example.com>")
        );
        assert_eq!(held.until - held.at, chrono::Duration::seconds(120));
        drop(lease);
        let released = s.last();
        assert_eq!(
            (released.state, released.holder),
            (State::Released, held.holder)
        );
    }

    #[tokio::test]
    async fn a_teammates_lease_is_waited_for_then_refused_by_name() {
        let s = shared().await;
        let ctx = s.ctx();
        s.other(State::Held, ctx.now + chrono::Duration::hours(1));
        let err = acquire_within(&ctx, &s.ws, Duration::from_millis(300))
            .await
            .unwrap_err();
        let EngineError::PlanBusy { by, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(by, "Bob Stone <bob@example.com>");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
        assert_eq!(
            s.last().holder,
            "another-clone",
            "the lease is still theirs"
        );
    }

    #[tokio::test]
    async fn a_lease_that_ended_or_was_given_back_is_taken() {
        let s = shared().await;
        let ctx = s.ctx();
        // Ends while we wait: a second later.
        s.other(State::Held, ctx.now + chrono::Duration::seconds(1));
        let lease = acquire_within(&ctx, &s.ws, Duration::from_secs(20))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.last().by, "Jane Doe <jane@example.com>");
        drop(lease);
        s.other(State::Released, ctx.now + chrono::Duration::hours(1));
        let _lease = acquire_within(&ctx, &s.ws, Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.last().state, State::Held);
    }

    #[tokio::test]
    async fn this_clones_own_lease_from_a_stopped_push_is_taken_again_at_once() {
        let s = shared().await;
        let ctx = s.ctx();
        let lease = acquire(&ctx, &s.ws).await.unwrap().unwrap();
        // A killed process gives nothing back.
        std::mem::forget(lease);
        let again = acquire_within(&ctx, &s.ws, Duration::ZERO).await.unwrap();
        assert!(again.is_some());
    }

    #[tokio::test]
    async fn without_a_remote_there_is_no_lease() {
        let s = shared().await;
        s.ws.repo.remove_remote(ORIGIN).unwrap();
        assert!(acquire(&s.ctx(), &s.ws).await.unwrap().is_none());
    }
}
