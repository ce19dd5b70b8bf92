//! [`MemoryTracker`]: a [`Tracker`] holding its entities in memory, for fast, deterministic
//! engine tests (feature `testing`, and the engine's own tests). It assigns ids and versions on
//! every write, finds creates again by their idempotency markers, checks state names, owners
//! and fields as Targetprocess does, and fails calls on demand ([`MemoryTracker::fail`]: the
//! `n`th call of a kind fails with a 500, is refused with a 422 or a 401, or is written and
//! then loses its answer).
//!
//! It deliberately keeps descriptions as the markdown written (Targetprocess stores HTML) and
//! answers at once; the HTTP behaviour (retries, paging, limits) is `pi-sim`'s to exercise.

mod faults;
mod store;

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use pi_model::{Feature, TeamObjective, Workflows};
use pi_targetprocess::{
    BulkItem, Changed, Created, FieldChange, IdempotencyMarker, Kind, Placement, ReleasePeriod,
    RemotePlan, Summary, SyncVersion, TpError, User,
};

use self::faults::Faults;
pub use self::faults::{Call, Failure};
use self::store::{Store, StoredFeature, StoredObjective, not_found};
use crate::tracker::{Tracker, TrackerResult};

/// An in-memory Targetprocess account (see the module docs).
#[derive(Debug)]
pub struct MemoryTracker {
    url: String,
    store: Mutex<Store>,
    faults: Mutex<Faults>,
    fetch_hooks: FetchHooks,
}

/// What runs while a plan is being read ([`MemoryTracker::during_next_fetch`]): one hook per
/// read, in the order given.
#[derive(Default)]
struct FetchHooks(Mutex<std::collections::VecDeque<Box<dyn FnOnce() + Send>>>);

impl std::fmt::Debug for FetchHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FetchHooks({})", lock(&self.0).len())
    }
}

fn ready<'a, T: Send + 'a>(value: Result<T, TpError>) -> TrackerResult<'a, T> {
    Box::pin(std::future::ready(value))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MemoryTracker {
    /// An empty account at `url` (as plans record it, e.g. `https://acme.tpondemand.com`).
    pub fn new(url: &str) -> Self {
        Self {
            url: url.trim_end_matches('/').to_owned(),
            store: Mutex::new(Store::new()),
            faults: Mutex::new(Faults::default()),
            fetch_hooks: FetchHooks::default(),
        }
    }

    /// Adds an Agile Release Train; returns its id.
    pub fn add_art(&self, name: &str) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        s.arts.push(summary(id, name));
        id
    }

    /// Adds a release (PI) of `art`; returns its id.
    pub fn add_release(&self, art: i64, name: &str) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        s.releases.push((art, summary(id, name)));
        id
    }

    /// Adds a team of `art`; returns its id.
    pub fn add_team(&self, art: i64, name: &str) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        s.teams.push((art, summary(id, name)));
        id
    }

    /// Adds a program objective of `release`; returns its id.
    pub fn add_program_objective(&self, release: i64, name: &str) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        s.programs.insert(id, (release, name.to_owned()));
        id
    }

    /// Adds a user (`name` as plans show it); returns their id.
    pub fn add_user(&self, name: &str, login: Option<&str>) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        let login = login.map(str::to_owned);
        s.users.push(User {
            id,
            name: name.to_owned(),
            login,
        });
        id
    }

    /// Sets the state names of `kind`'s workflow.
    pub fn set_states(&self, kind: Kind, names: &[&str]) {
        let names = names.iter().map(|n| (*n).to_owned()).collect();
        lock(&self.store)
            .states
            .insert(store::kind_name(kind), names);
    }

    /// Adds a team objective of `team` in `release`, its fields set by `edit`; returns its id.
    pub fn add_objective(
        &self,
        release: i64,
        team: i64,
        edit: impl FnOnce(&mut TeamObjective),
    ) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        let mut item = store::blank_objective(id);
        edit(&mut item);
        item.id = pi_model::EntityId::Tp(id);
        item.features.clear();
        let version = s.tick();
        let stored = StoredObjective {
            release,
            team,
            item,
            version,
            tags: Vec::new(),
        };
        s.objectives.insert(id, stored);
        id
    }

    /// Adds a feature of `release` linked to `objectives`, its fields set by `edit`; returns
    /// its id.
    pub fn add_feature(
        &self,
        release: i64,
        objectives: &[i64],
        edit: impl FnOnce(&mut Feature),
    ) -> i64 {
        let mut s = lock(&self.store);
        let id = s.next_id();
        let mut item = store::blank_feature(id);
        edit(&mut item);
        item.id = pi_model::EntityId::Tp(id);
        let version = s.tick();
        let links = objectives.to_vec();
        let stored = StoredFeature {
            release,
            item,
            links,
            version,
            tags: Vec::new(),
        };
        s.features.insert(id, stored);
        id
    }

    /// Someone edits objective `id` in Targetprocess (a new version). False when it is gone.
    pub fn edit_objective(&self, id: i64, edit: impl FnOnce(&mut TeamObjective)) -> bool {
        let mut s = lock(&self.store);
        let version = s.tick();
        s.objectives
            .get_mut(&id)
            .map(|o| {
                edit(&mut o.item);
                o.version = version;
            })
            .is_some()
    }

    /// Someone edits feature `id` in Targetprocess (a new version). False when it is gone.
    pub fn edit_feature(&self, id: i64, edit: impl FnOnce(&mut Feature)) -> bool {
        let mut s = lock(&self.store);
        let version = s.tick();
        s.features
            .get_mut(&id)
            .map(|f| {
                edit(&mut f.item);
                f.version = version;
            })
            .is_some()
    }

    /// Someone links feature `id` to objective `objective` too in Targetprocess (a new version
    /// of the feature). False when the feature is gone.
    pub fn link_feature(&self, id: i64, objective: i64) -> bool {
        let mut s = lock(&self.store);
        let version = s.tick();
        s.features
            .get_mut(&id)
            .map(|f| {
                f.links.push(objective);
                f.version = version;
            })
            .is_some()
    }

    /// Team objective `id` as stored (without features).
    pub fn objective(&self, id: i64) -> Option<TeamObjective> {
        lock(&self.store)
            .objectives
            .get(&id)
            .map(|o| o.item.clone())
    }

    /// Feature `id` as stored.
    pub fn feature(&self, id: i64) -> Option<Feature> {
        lock(&self.store).features.get(&id).map(|f| f.item.clone())
    }

    /// The ids of `kind`'s entities whose name is `name`, lowest first.
    pub fn ids_named(&self, kind: Kind, name: &str) -> Vec<i64> {
        let s = lock(&self.store);
        match kind {
            Kind::TeamObjective => s
                .objectives
                .iter()
                .filter(|(_, o)| o.item.name == name)
                .map(|(id, _)| *id)
                .collect(),
            Kind::Feature => s
                .features
                .iter()
                .filter(|(_, f)| f.item.name == name)
                .map(|(id, _)| *id)
                .collect(),
        }
    }

    /// The `nth` call (from 1, counted since the tracker was made) of kind `call` fails with
    /// `failure`.
    pub fn fail(&self, call: Call, nth: usize, failure: Failure) {
        lock(&self.faults).plan(call, nth, failure);
    }

    /// Runs `hook` during the next read of a team's plan, before its answer is made (as a
    /// planner saving the plan file while a pull waits for Targetprocess). Several hooks run
    /// one per read, in the order given.
    pub fn during_next_fetch(&self, hook: impl FnOnce() + Send + 'static) {
        lock(&self.fetch_hooks.0).push_back(Box::new(hook));
    }

    /// How many calls of kind `call` were made.
    pub fn calls(&self, call: Call) -> usize {
        lock(&self.faults).calls(call)
    }

    /// Every call made, in order, with the entity id it addressed (if any).
    pub fn call_log(&self) -> Vec<(Call, Option<i64>)> {
        lock(&self.faults).log()
    }

    /// Counts a call; `Err` with its injected error when it fails before writing, the failure
    /// when it fails after writing.
    fn enter(
        &self,
        call: Call,
        id: Option<i64>,
        method: &str,
        path: &str,
    ) -> Result<Option<TpError>, TpError> {
        match lock(&self.faults).count(call, id) {
            None => Ok(None),
            Some(f) if f.writes() => Ok(Some(f.error(method, path))),
            Some(f) => Err(f.error(method, path)),
        }
    }

    fn fetch_one(&self, release: i64, team: i64) -> Result<RemotePlan, TpError> {
        let path = format!("Teams/{team}");
        if let Some(late) = self.enter(Call::Fetch, Some(team), "GET", &path)? {
            return Err(late);
        }
        let hook = lock(&self.fetch_hooks.0).pop_front();
        if let Some(hook) = hook {
            hook();
        }
        lock(&self.store)
            .team_plan(release, team)
            .ok_or(TpError::NotFound {
                method: "GET".to_owned(),
                path,
            })
    }

    fn update_one(
        &self,
        kind: Kind,
        id: i64,
        changes: &[FieldChange],
    ) -> Result<SyncVersion, TpError> {
        let path = format!("{}s/{id}", store::kind_name(kind));
        let late = self.enter(Call::Update, Some(id), "POST", &path)?;
        let mut s = lock(&self.store);
        if s.version_of(kind, id).is_none() {
            return Err(not_found("POST", kind, id));
        }
        s.check(kind, Some(id), changes)?;
        let version = match kind {
            Kind::TeamObjective => s.write_objective(id, changes),
            Kind::Feature => s.write_feature(id, changes),
        };
        late.map_or(Ok(version), Err)
    }

    fn create_one(
        &self,
        kind: Kind,
        at: Placement,
        changes: &[FieldChange],
        marker: &IdempotencyMarker,
    ) -> Result<Created, TpError> {
        let path = format!("{}s", store::kind_name(kind));
        let late = self.enter(Call::Create, None, "POST", &path)?;
        let mut s = lock(&self.store);
        s.check(kind, None, changes)?;
        if !changes.iter().any(|c| matches!(c, FieldChange::Name(_))) {
            return Err(store::refused("POST", kind, None, "Name is required"));
        }
        let id = s.insert(kind, at, marker.tag());
        let version = match kind {
            Kind::TeamObjective => s.write_objective(id, changes),
            Kind::Feature => s.write_feature(id, changes),
        };
        let created = Created {
            id,
            version,
            recovered: false,
        };
        late.map_or(Ok(created), Err)
    }

    fn delete_one(&self, kind: Kind, id: i64) -> Result<(), TpError> {
        let path = format!("{}s/{id}", store::kind_name(kind));
        let late = self.enter(Call::Delete, Some(id), "DELETE", &path)?;
        if !lock(&self.store).remove(kind, id) {
            return Err(not_found("DELETE", kind, id));
        }
        late.map_or(Ok(()), Err)
    }

    fn unlink_one(&self, feature: i64, objective: i64) -> Result<(), TpError> {
        let path = format!("Features/{feature}/TeamPIObjectives/{objective}");
        let late = self.enter(Call::Unlink, Some(feature), "DELETE", &path)?;
        let mut s = lock(&self.store);
        let version = s.tick();
        if let Some(f) = s.features.get_mut(&feature) {
            f.links.retain(|o| *o != objective);
            f.version = version;
        }
        late.map_or(Ok(()), Err)
    }

    fn read<T>(
        &self,
        call: Call,
        path: &str,
        answer: impl FnOnce(&Store) -> T,
    ) -> Result<T, TpError> {
        if let Some(late) = self.enter(call, None, "GET", path)? {
            return Err(late);
        }
        Ok(answer(&lock(&self.store)))
    }
}

fn summary(id: i64, name: &str) -> Summary {
    Summary {
        id,
        name: name.to_owned(),
    }
}

fn of_art(items: &[(i64, Summary)], art: i64) -> Vec<Summary> {
    let mut out: Vec<Summary> = items
        .iter()
        .filter(|(a, _)| *a == art)
        .map(|(_, s)| s.clone())
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

impl Tracker for MemoryTracker {
    fn account_url(&self) -> String {
        self.url.clone()
    }

    fn host(&self) -> Option<String> {
        let rest = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, r)| r);
        rest.split(['/', ':'])
            .next()
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
    }

    fn list_arts(&self) -> TrackerResult<'_, Vec<Summary>> {
        ready(self.read(Call::ListArts, "AgileReleaseTrains", |s| s.arts.clone()))
    }

    fn list_releases(&self, art: i64) -> TrackerResult<'_, Vec<Summary>> {
        ready(self.read(Call::ListReleases, "Releases", |s| of_art(&s.releases, art)))
    }

    /// The releases of an ART without dates: the memory tracker keeps none.
    fn list_release_periods(&self, art: i64) -> TrackerResult<'_, Vec<ReleasePeriod>> {
        ready(self.read(Call::ListReleases, "Releases", |s| {
            of_art(&s.releases, art)
                .into_iter()
                .map(|release| ReleasePeriod {
                    release,
                    start: None,
                    end: None,
                    is_current: false,
                })
                .collect()
        }))
    }

    fn list_teams(&self, art: i64) -> TrackerResult<'_, Vec<Summary>> {
        ready(self.read(Call::ListTeams, "Teams", |s| of_art(&s.teams, art)))
    }

    fn fetch_team_plan(&self, release: i64, team: i64) -> TrackerResult<'_, RemotePlan> {
        ready(self.fetch_one(release, team))
    }

    fn fetch_team_plans<'a>(
        &'a self,
        release: i64,
        teams: &'a [i64],
    ) -> TrackerResult<'a, BTreeMap<i64, RemotePlan>> {
        let mut out = BTreeMap::new();
        for team in teams {
            match self.fetch_one(release, *team) {
                Ok(plan) => {
                    out.insert(*team, plan);
                }
                Err(TpError::NotFound { .. }) => {}
                Err(e) => return ready(Err(e)),
            }
        }
        ready(Ok(out))
    }

    fn changed_since(
        &self,
        release: i64,
        team: i64,
        since: DateTime<Utc>,
    ) -> TrackerResult<'_, Changed> {
        let path = format!("Teams/{team}");
        let answer = self.read(Call::Changes, &path, |s| s.team_plan(release, team));
        let changed = answer.map(|plan| {
            let work_items: BTreeMap<i64, SyncVersion> = plan
                .into_iter()
                .flat_map(|p| p.versions)
                .filter(|(_, v)| v.modify_date.is_some_and(|d| d > since))
                .collect();
            Changed {
                newest: work_items.values().filter_map(|v| v.modify_date).max(),
                work_items,
                program_objectives: Vec::new(),
                links: BTreeMap::new(),
                requests: 1,
            }
        });
        ready(changed)
    }

    fn reread_versions<'a>(
        &'a self,
        kind: Kind,
        ids: &'a [i64],
    ) -> TrackerResult<'a, BTreeMap<i64, SyncVersion>> {
        let path = format!("{}s", store::kind_name(kind));
        ready(self.read(Call::Reread, &path, |s| {
            ids.iter()
                .filter_map(|id| s.version_of(kind, *id).map(|v| (*id, v)))
                .collect()
        }))
    }

    fn create<'a>(
        &'a self,
        kind: Kind,
        placement: Placement,
        changes: &'a [FieldChange],
        marker: &'a IdempotencyMarker,
    ) -> TrackerResult<'a, Created> {
        ready(self.create_one(kind, placement, changes, marker))
    }

    fn update<'a>(
        &'a self,
        kind: Kind,
        id: i64,
        changes: &'a [FieldChange],
    ) -> TrackerResult<'a, SyncVersion> {
        ready(self.update_one(kind, id, changes))
    }

    fn bulk_update<'a>(
        &'a self,
        kind: Kind,
        items: &'a [(i64, Vec<FieldChange>)],
    ) -> BoxFuture<'a, Vec<BulkItem>> {
        let answers = items
            .iter()
            .map(|(id, changes)| {
                let result = self.update_one(kind, *id, changes);
                // A bulk answer carries each entity it wrote whole (asked back as the read's
                // fields), as Targetprocess's client asks for.
                let written = result
                    .as_ref()
                    .ok()
                    .and_then(|_| lock(&self.store).written(kind, *id));
                BulkItem {
                    id: *id,
                    result,
                    written,
                }
            })
            .collect();
        Box::pin(std::future::ready(answers))
    }

    fn delete(&self, kind: Kind, id: i64) -> TrackerResult<'_, ()> {
        ready(self.delete_one(kind, id))
    }

    fn unlink_objective(&self, feature: i64, objective: i64) -> TrackerResult<'_, ()> {
        ready(self.unlink_one(feature, objective))
    }

    fn find_all_by_marker<'a>(
        &'a self,
        kind: Kind,
        marker: &'a IdempotencyMarker,
    ) -> TrackerResult<'a, Vec<(i64, SyncVersion)>> {
        let path = format!("{}s", store::kind_name(kind));
        ready(self.read(Call::FindByMarker, &path, |s| {
            s.tags_of(kind)
                .into_iter()
                .filter(|(_, tags)| tags.iter().any(|t| t == marker.tag()))
                .filter_map(|(id, _)| s.version_of(kind, id).map(|v| (id, v)))
                .collect()
        }))
    }

    fn list_users(&self) -> TrackerResult<'_, Vec<User>> {
        ready(self.read(Call::ListUsers, "Users", |s| s.users.clone()))
    }

    fn state_id<'a>(&'a self, kind: Kind, name: &'a str) -> TrackerResult<'a, i64> {
        ready(
            self.read(Call::StateId, "EntityStates", |s| s.state_id(kind, name))
                .and_then(|r| r),
        )
    }

    fn workflows(&self) -> TrackerResult<'_, Workflows> {
        ready(self.read(Call::Workflows, "EntityStates", Store::workflows))
    }
}
