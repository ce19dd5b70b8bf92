//! [`Tracker`]: what the engine needs from the source of truth a plan is synced with — a team's
//! plan and the entities' versions, writes with idempotency markers, users, state names and
//! the account's workflows — and nothing of how it is reached. `pi_targetprocess::TpClient` is
//! the tracker of every real run; [`crate::memory::MemoryTracker`] (feature `testing`) holds the
//! entities in memory for fast engine tests with fault injection.
//!
//! The engine holds a `&dyn Tracker` (see docs/decisions/0009-tracker-trait-object.md): the
//! methods return boxed futures, one allocation per call next to a network round trip, so that
//! no engine function is generic over its tracker.
//!
//! It deliberately keeps the Targetprocess client's records ([`RemotePlan`], [`SyncVersion`],
//! [`FieldChange`], [`TpError`], ...) as its vocabulary: they are already domain values
//! (`pi-model` inside), and the engine's error mapping and journal are built on them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use pi_model::Workflows;
use pi_targetprocess::{
    BulkItem, Changed, Created, FieldChange, IdempotencyMarker, Kind, Placement, ReleasePeriod,
    RemotePlan, Summary, SyncVersion, TpClient, TpError, User,
};

/// The answer of a tracker call.
pub type TrackerResult<'a, T> = BoxFuture<'a, Result<T, TpError>>;

/// A place in a group sharing a tracker's plan reads; dropping it leaves the group (see
/// [`Tracker::share_reads`]).
pub struct ReadShare {
    _member: Box<dyn Send + Sync>,
}

impl ReadShare {
    pub fn new(member: impl Send + Sync + 'static) -> Self {
        Self {
            _member: Box::new(member),
        }
    }
}

impl std::fmt::Debug for ReadShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadShare")
    }
}

/// The source of truth as the engine sees it. Every method takes `&self`; an implementation is
/// shared by all the plans of a train sync at once.
pub trait Tracker: Send + Sync {
    /// The account's address as plans record it (`https://acme.tpondemand.com`).
    fn account_url(&self) -> String;

    /// The host commits of the tracker's state are attributed to (`targetprocess@HOST`).
    fn host(&self) -> Option<String>;

    /// Every Agile Release Train, by name.
    fn list_arts(&self) -> TrackerResult<'_, Vec<Summary>>;

    /// The releases (PIs) of an ART, by name.
    fn list_releases(&self, art: i64) -> TrackerResult<'_, Vec<Summary>>;

    /// The releases (PIs) of an ART with their dates, oldest first (picking the current PI).
    fn list_release_periods(&self, art: i64) -> TrackerResult<'_, Vec<ReleasePeriod>>;

    /// The teams of an ART, by name.
    fn list_teams(&self, art: i64) -> TrackerResult<'_, Vec<Summary>>;

    /// One team's plan for one release, with every entity's version.
    fn fetch_team_plan(&self, release: i64, team: i64) -> TrackerResult<'_, RemotePlan>;

    /// The plans of several teams of one release, read once; a team the tracker does not know
    /// is missing from the map.
    fn fetch_team_plans<'a>(
        &'a self,
        release: i64,
        teams: &'a [i64],
    ) -> TrackerResult<'a, BTreeMap<i64, RemotePlan>>;

    /// The entities of a team's plan modified after `since` (ids and versions only; the
    /// release's program objectives too): what the live sync asks every poll before it reads
    /// the whole plan. Deletions do not show here.
    fn changed_since(
        &self,
        release: i64,
        team: i64,
        since: DateTime<Utc>,
    ) -> TrackerResult<'_, Changed>;

    /// Current versions of the given entities; ids missing from the answer were deleted.
    fn reread_versions<'a>(
        &'a self,
        kind: Kind,
        ids: &'a [i64],
    ) -> TrackerResult<'a, BTreeMap<i64, SyncVersion>>;

    /// Creates an entity carrying `marker`; after an ambiguous failure the marker is looked up
    /// before the create is sent again.
    fn create<'a>(
        &'a self,
        kind: Kind,
        placement: Placement,
        changes: &'a [FieldChange],
        marker: &'a IdempotencyMarker,
    ) -> TrackerResult<'a, Created>;

    /// Partial update: only the given fields change. Safe to repeat.
    fn update<'a>(
        &'a self,
        kind: Kind,
        id: i64,
        changes: &'a [FieldChange],
    ) -> TrackerResult<'a, SyncVersion>;

    /// Updates several entities at once, with each item's own result.
    fn bulk_update<'a>(
        &'a self,
        kind: Kind,
        items: &'a [(i64, Vec<FieldChange>)],
    ) -> BoxFuture<'a, Vec<BulkItem>>;

    /// Deletes an entity.
    fn delete(&self, kind: Kind, id: i64) -> TrackerResult<'_, ()>;

    /// Removes the link between a feature and a team objective (a link already gone is done).
    fn unlink_objective(&self, feature: i64, objective: i64) -> TrackerResult<'_, ()>;

    /// Every entity carrying `marker`, oldest (lowest id) first.
    fn find_all_by_marker<'a>(
        &'a self,
        kind: Kind,
        marker: &'a IdempotencyMarker,
    ) -> TrackerResult<'a, Vec<(i64, SyncVersion)>>;

    /// Every user of the account.
    fn list_users(&self) -> TrackerResult<'_, Vec<User>>;

    /// The id of the state `name` of `kind`'s workflow.
    fn state_id<'a>(&'a self, kind: Kind, name: &'a str) -> TrackerResult<'a, i64>;

    /// The states of the account's team objective and feature workflows (kept with the
    /// tracking snapshot, see `workflows`).
    fn workflows(&self) -> TrackerResult<'_, Workflows>;

    /// Forms a group of `members` sharing plan reads while a train is synced: one per member,
    /// each to be dropped when its member has made its last read. A tracker whose reads are
    /// cheap shares nothing and hands out empty places.
    fn share_reads(&self, members: usize) -> Vec<ReadShare> {
        (0..members).map(|_| ReadShare::new(())).collect()
    }
}

impl Tracker for TpClient {
    fn account_url(&self) -> String {
        self.config().account_url()
    }

    fn host(&self) -> Option<String> {
        self.config().base_url.host_str().map(str::to_owned)
    }

    fn list_arts(&self) -> TrackerResult<'_, Vec<Summary>> {
        Box::pin(TpClient::list_arts(self))
    }

    fn list_releases(&self, art: i64) -> TrackerResult<'_, Vec<Summary>> {
        Box::pin(TpClient::list_releases(self, art))
    }

    fn list_release_periods(&self, art: i64) -> TrackerResult<'_, Vec<ReleasePeriod>> {
        Box::pin(TpClient::list_release_periods(self, art))
    }

    fn list_teams(&self, art: i64) -> TrackerResult<'_, Vec<Summary>> {
        Box::pin(TpClient::list_teams(self, art))
    }

    fn fetch_team_plan(&self, release: i64, team: i64) -> TrackerResult<'_, RemotePlan> {
        Box::pin(TpClient::fetch_team_plan(self, release, team))
    }

    fn fetch_team_plans<'a>(
        &'a self,
        release: i64,
        teams: &'a [i64],
    ) -> TrackerResult<'a, BTreeMap<i64, RemotePlan>> {
        Box::pin(TpClient::fetch_team_plans(self, release, teams))
    }

    fn changed_since(
        &self,
        release: i64,
        team: i64,
        since: DateTime<Utc>,
    ) -> TrackerResult<'_, Changed> {
        Box::pin(TpClient::changed_since(self, release, team, since))
    }

    fn reread_versions<'a>(
        &'a self,
        kind: Kind,
        ids: &'a [i64],
    ) -> TrackerResult<'a, BTreeMap<i64, SyncVersion>> {
        Box::pin(TpClient::reread_versions(self, kind, ids))
    }

    fn create<'a>(
        &'a self,
        kind: Kind,
        placement: Placement,
        changes: &'a [FieldChange],
        marker: &'a IdempotencyMarker,
    ) -> TrackerResult<'a, Created> {
        Box::pin(TpClient::create(self, kind, placement, changes, marker))
    }

    fn update<'a>(
        &'a self,
        kind: Kind,
        id: i64,
        changes: &'a [FieldChange],
    ) -> TrackerResult<'a, SyncVersion> {
        Box::pin(TpClient::update(self, kind, id, changes))
    }

    fn bulk_update<'a>(
        &'a self,
        kind: Kind,
        items: &'a [(i64, Vec<FieldChange>)],
    ) -> BoxFuture<'a, Vec<BulkItem>> {
        Box::pin(TpClient::bulk_update(self, kind, items))
    }

    fn delete(&self, kind: Kind, id: i64) -> TrackerResult<'_, ()> {
        Box::pin(TpClient::delete(self, kind, id))
    }

    fn unlink_objective(&self, feature: i64, objective: i64) -> TrackerResult<'_, ()> {
        Box::pin(TpClient::unlink_objective(self, feature, objective))
    }

    fn find_all_by_marker<'a>(
        &'a self,
        kind: Kind,
        marker: &'a IdempotencyMarker,
    ) -> TrackerResult<'a, Vec<(i64, SyncVersion)>> {
        Box::pin(TpClient::find_all_by_marker(self, kind, marker))
    }

    fn list_users(&self) -> TrackerResult<'_, Vec<User>> {
        Box::pin(TpClient::list_users(self))
    }

    fn state_id<'a>(&'a self, kind: Kind, name: &'a str) -> TrackerResult<'a, i64> {
        Box::pin(TpClient::state_id(self, kind, name))
    }

    fn workflows(&self) -> TrackerResult<'_, Workflows> {
        Box::pin(TpClient::workflows(self))
    }

    fn share_reads(&self, members: usize) -> Vec<ReadShare> {
        TpClient::share_reads(self, members)
            .into_iter()
            .map(ReadShare::new)
            .collect()
    }
}
