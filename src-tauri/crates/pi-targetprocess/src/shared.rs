//! Shared plan reads: while several plans of one train are synced together, their reads of
//! Targetprocess are served by one read per release instead of one per team.
//!
//! A team's plan needs every feature of the release (v1 cannot filter features by the objectives
//! they are linked to), so syncing `n` teams one by one reads the release's features `2n` times.
//! [`TpClient::share_reads`] forms a group of `n` members; a member's
//! [`TpClient::fetch_team_plan`] waits until every member still in the group is waiting for a
//! plan, then the last to arrive reads all their plans at once ([`TpClient::fetch_team_plans`])
//! and hands each its own. Every call's read starts after the call was made, so each answer is as
//! fresh as a read of its own would have been: sharing changes how many requests are sent, never
//! what a caller sees. A member that finishes leaves the group (its [`ReadMember`] is dropped), so
//! the others never wait for it.
//!
//! The account's workflows (its `EntityStates`: configuration, not plan content) are read once
//! per group, by the first member that asks, instead of once per team.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{Notify, OnceCell, oneshot};

use crate::client::TpClient;
use crate::error::TpError;
use crate::model::RemotePlan;

/// What a waiting member is handed: its plan, the shared read's error, or `None` when the
/// shared read did not find its team (it then reads alone, for the error of its own read).
type Answer = Option<Result<RemotePlan, TpError>>;

#[derive(Debug, Default)]
pub(crate) struct Group {
    state: Mutex<State>,
    /// Signalled when a member leaves: the rest may all be waiting now.
    left: Notify,
    /// The account's workflows, read once for the whole group (see [`TpClient::workflows`]).
    workflows: OnceCell<pi_model::Workflows>,
}

#[derive(Debug, Default)]
struct State {
    members: usize,
    waiting: Vec<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    release: i64,
    team: i64,
    answer: oneshot::Sender<Answer>,
}

/// A place in a group sharing a client's reads; dropping it leaves the group.
#[derive(Debug)]
pub struct ReadMember {
    group: Arc<Group>,
}

impl Drop for ReadMember {
    fn drop(&mut self) {
        self.group.lock().members -= 1;
        self.group.left.notify_waiters();
    }
}

impl TpClient {
    /// Forms a group of `members` that share this client's plan reads (see the module docs),
    /// one [`ReadMember`] each. Every member must be driven concurrently with the others (e.g.
    /// joined in one task) and keep its `ReadMember` until it has made its last read: a member
    /// that is neither reading nor finished holds the others' reads back. While a group is
    /// active, every plan read of this client takes part in it.
    pub fn share_reads(&self, members: usize) -> Vec<ReadMember> {
        let group = Arc::new(Group::default());
        group.lock().members = members;
        *self.shared.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&group));
        (0..members)
            .map(|_| ReadMember {
                group: Arc::clone(&group),
            })
            .collect()
    }

    /// The active group, if any.
    pub(crate) fn read_group(&self) -> Option<Arc<Group>> {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        if shared.as_ref().is_some_and(|g| g.lock().members == 0) {
            *shared = None;
        }
        shared.clone()
    }
}

impl Group {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `team`'s plan of `release`, read together with the other members' plans.
    pub(crate) async fn fetch(
        &self,
        tp: &TpClient,
        release: i64,
        team: i64,
    ) -> Result<RemotePlan, TpError> {
        let (answer, mut mine) = oneshot::channel();
        self.lock().waiting.push(Waiter {
            release,
            team,
            answer,
        });
        loop {
            let left = self.left.notified();
            tokio::pin!(left);
            left.as_mut().enable();
            if let Some(batch) = self.complete_batch() {
                read_for(tp, batch).await;
            }
            tokio::select! {
                answer = &mut mine => {
                    return match answer {
                        Ok(Some(result)) => result,
                        // Not found by the shared read: a read of its own says why.
                        Ok(None) | Err(_) => tp.fetch_team_plan_alone(release, team).await,
                    };
                }
                () = &mut left => {}
            }
        }
    }

    /// The account's workflows: the first member to ask reads them, every other member gets
    /// that read (waiting for it when it is under way). A read that fails is not kept: the next
    /// member to ask reads again.
    pub(crate) async fn workflows(&self, tp: &TpClient) -> Result<pi_model::Workflows, TpError> {
        self.workflows
            .get_or_try_init(|| crate::discover::read_workflows(tp))
            .await
            .cloned()
    }

    /// Every waiting member, once each member still in the group is waiting.
    fn complete_batch(&self) -> Option<Vec<Waiter>> {
        let mut state = self.lock();
        // A waiter whose caller gave up (its future was dropped) is not waiting any more.
        state.waiting.retain(|w| !w.answer.is_closed());
        (!state.waiting.is_empty() && state.waiting.len() >= state.members)
            .then(|| std::mem::take(&mut state.waiting))
    }
}

/// One read per release for the `batch`, each waiter answered with its team's plan.
async fn read_for(tp: &TpClient, batch: Vec<Waiter>) {
    let mut by_release: BTreeMap<i64, Vec<Waiter>> = BTreeMap::new();
    for w in batch {
        by_release.entry(w.release).or_default().push(w);
    }
    for (release, waiters) in by_release {
        let teams: Vec<i64> = waiters.iter().map(|w| w.team).collect();
        let read = tp.fetch_team_plans(release, &teams).await;
        for w in waiters {
            let answer = match &read {
                Ok(plans) => plans.get(&w.team).cloned().map(Ok),
                Err(e) => Some(Err(e.clone())),
            };
            // A waiter that gave up meanwhile needs no answer.
            let _ = w.answer.send(answer);
        }
    }
}
