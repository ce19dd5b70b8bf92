//! The entities a [`super::MemoryTracker`] holds, the writes applied to them and the team plans
//! read from them, as Targetprocess would: ids and versions assigned on every write, state
//! names and owners checked, links between features and objectives kept on the feature.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pi_model::{EntityId, Feature, FeatureKind, JiraLink, Named, Plan, ProgramObjective};
use pi_model::{PlanMeta, TeamObjective, WorkflowState, Workflows};
use pi_targetprocess::User;
use pi_targetprocess::{FieldChange, Kind, Placement, RemotePlan, Summary, SyncVersion, TpError};
use pi_targetprocess::{Written, WrittenEntity};

/// A team objective as stored: where it belongs, its fields (no features), its tags.
#[derive(Debug, Clone)]
pub(super) struct StoredObjective {
    pub release: i64,
    pub team: i64,
    pub item: TeamObjective,
    pub version: i64,
    pub tags: Vec<String>,
}

/// A feature as stored: its release, fields, the objectives it is linked to, its tags.
#[derive(Debug, Clone)]
pub(super) struct StoredFeature {
    pub release: i64,
    pub item: Feature,
    pub links: Vec<i64>,
    pub version: i64,
    pub tags: Vec<String>,
}

#[derive(Debug, Default)]
pub(super) struct Store {
    pub arts: Vec<Summary>,
    /// (ART id, release).
    pub releases: Vec<(i64, Summary)>,
    /// (ART id, team).
    pub teams: Vec<(i64, Summary)>,
    /// Program objective id → (release id, name).
    pub programs: BTreeMap<i64, (i64, String)>,
    pub objectives: BTreeMap<i64, StoredObjective>,
    pub features: BTreeMap<i64, StoredFeature>,
    pub users: Vec<User>,
    /// Known state names per kind, in workflow order.
    pub states: BTreeMap<&'static str, Vec<String>>,
    next_id: i64,
    /// Bumped by every write: the versions of the entities it wrote.
    clock: i64,
}

/// Start of the versions' modification dates (the clock counts seconds from here).
const EPOCH: i64 = 1_790_000_000;

pub(super) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::TeamObjective => "TeamPIObjective",
        Kind::Feature => "Feature",
    }
}

fn method_path(method: &str, kind: Kind, id: Option<i64>) -> (String, String) {
    let path = match id {
        Some(id) => format!("{}s/{id}", kind_name(kind)),
        None => format!("{}s", kind_name(kind)),
    };
    (method.to_owned(), path)
}

pub(super) fn not_found(method: &str, kind: Kind, id: i64) -> TpError {
    let (method, path) = method_path(method, kind, Some(id));
    TpError::NotFound { method, path }
}

pub(super) fn refused(method: &str, kind: Kind, id: Option<i64>, message: &str) -> TpError {
    let (method, path) = method_path(method, kind, id);
    TpError::Validation {
        method,
        path,
        status: 400,
        message: message.to_owned(),
    }
}

impl Store {
    pub fn new() -> Self {
        Self {
            next_id: 100,
            ..Self::default()
        }
    }

    pub fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn tick(&mut self) -> i64 {
        self.clock += 1;
        self.clock
    }

    pub fn version_of(&self, kind: Kind, id: i64) -> Option<SyncVersion> {
        let v = match kind {
            Kind::TeamObjective => self.objectives.get(&id).map(|o| o.version),
            Kind::Feature => self.features.get(&id).map(|f| f.version),
        }?;
        Some(sync_version(v))
    }

    pub fn tags_of(&self, kind: Kind) -> Vec<(i64, &[String])> {
        match kind {
            Kind::TeamObjective => self
                .objectives
                .iter()
                .map(|(id, o)| (*id, o.tags.as_slice()))
                .collect(),
            Kind::Feature => self
                .features
                .iter()
                .map(|(id, f)| (*id, f.tags.as_slice()))
                .collect(),
        }
    }

    /// Checks every change of a write to `kind` before anything is applied, as Targetprocess
    /// refuses a whole request: unknown state, unknown user, a field the kind does not have.
    pub fn check(
        &self,
        kind: Kind,
        id: Option<i64>,
        changes: &[FieldChange],
    ) -> Result<(), TpError> {
        for change in changes {
            match (change, kind) {
                (FieldChange::Status(name), _) => {
                    self.state_id(kind, name)?;
                }
                (FieldChange::Owner(Some(user)), _)
                    if !self.users.iter().any(|u| u.id == *user) =>
                {
                    return Err(refused(
                        "POST",
                        kind,
                        id,
                        &format!("no user with id {user}"),
                    ));
                }
                (FieldChange::Name(name), _) if name.trim().is_empty() => {
                    return Err(refused("POST", kind, id, "Name should not be empty"));
                }
                (FieldChange::Objectives(links), Kind::Feature) => {
                    if let Some(missing) = links.iter().find(|o| !self.objectives.contains_key(o)) {
                        return Err(not_found("POST", Kind::TeamObjective, *missing));
                    }
                }
                (
                    FieldChange::Committed(_)
                    | FieldChange::BusinessValue(_)
                    | FieldChange::ActualBusinessValue(_)
                    | FieldChange::ProgramObjective(_),
                    Kind::Feature,
                )
                | (
                    FieldChange::AcceptanceCriteria(_)
                    | FieldChange::JiraKey(_)
                    | FieldChange::Objectives(_),
                    Kind::TeamObjective,
                ) => {
                    let message = format!("{} has no field for {change:?}", kind_name(kind));
                    return Err(refused("POST", kind, id, &message));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The states set per kind ([`super::MemoryTracker::set_states`]), in order: the first is
    /// where new items start, the last where they end.
    pub fn workflows(&self) -> Workflows {
        let of = |kind: Kind| {
            let names = self
                .states
                .get(kind_name(kind))
                .map_or(&[][..], Vec::as_slice);
            names
                .iter()
                .enumerate()
                .map(|(i, name)| WorkflowState {
                    name: name.clone(),
                    process: None,
                    initial: i == 0,
                    is_final: i + 1 == names.len(),
                })
                .collect()
        };
        Workflows {
            objective: of(Kind::TeamObjective),
            feature: of(Kind::Feature),
        }
    }

    pub fn state_id(&self, kind: Kind, name: &str) -> Result<i64, TpError> {
        let states = self
            .states
            .get(kind_name(kind))
            .map_or(&[][..], Vec::as_slice);
        let offset = if kind == Kind::Feature { 100 } else { 0 };
        states
            .iter()
            .position(|s| s.eq_ignore_ascii_case(name))
            .map(|i| offset + i as i64 + 1)
            .ok_or_else(|| TpError::UnknownState {
                entity_type: kind_name(kind).to_owned(),
                name: name.to_owned(),
            })
    }

    fn owner_name(&self, user: Option<i64>) -> Option<String> {
        user.and_then(|id| self.users.iter().find(|u| u.id == id))
            .map(|u| u.name.clone())
    }

    /// Applies checked `changes` to objective `id` and gives it a new version.
    pub fn write_objective(&mut self, id: i64, changes: &[FieldChange]) -> SyncVersion {
        let owner = owned_by(self, changes);
        let version = self.tick();
        if let Some(o) = self.objectives.get_mut(&id) {
            for change in changes {
                objective_field(&mut o.item, change, owner.as_ref());
            }
            o.version = version;
        }
        sync_version(version)
    }

    /// Applies checked `changes` to feature `id` and gives it a new version.
    pub fn write_feature(&mut self, id: i64, changes: &[FieldChange]) -> SyncVersion {
        let owner = owned_by(self, changes);
        let version = self.tick();
        if let Some(f) = self.features.get_mut(&id) {
            for change in changes {
                if let FieldChange::Objectives(to) = change {
                    for o in to {
                        if !f.links.contains(o) {
                            f.links.push(*o);
                        }
                    }
                }
                feature_field(&mut f.item, change, owner.as_ref());
            }
            f.version = version;
        }
        sync_version(version)
    }

    /// A new, empty entity of `kind` at `placement` carrying `tag`; its fields are written next.
    pub fn insert(&mut self, kind: Kind, placement: Placement, tag: &str) -> i64 {
        let id = self.next_id();
        let tags = vec![tag.to_owned()];
        match kind {
            Kind::TeamObjective => {
                let item = blank_objective(id);
                let (release, team) = (placement.release, placement.team);
                let stored = StoredObjective {
                    release,
                    team,
                    item,
                    version: 0,
                    tags,
                };
                self.objectives.insert(id, stored);
            }
            Kind::Feature => {
                let item = blank_feature(id);
                let release = placement.release;
                let stored = StoredFeature {
                    release,
                    item,
                    links: Vec::new(),
                    version: 0,
                    tags,
                };
                self.features.insert(id, stored);
            }
        }
        id
    }

    pub fn remove(&mut self, kind: Kind, id: i64) -> bool {
        match kind {
            Kind::TeamObjective => {
                for f in self.features.values_mut() {
                    f.links.retain(|o| *o != id);
                }
                self.objectives.remove(&id).is_some()
            }
            Kind::Feature => self.features.remove(&id).is_some(),
        }
    }

    /// An entity whole, as a write's answer carries it.
    pub fn written(&self, kind: Kind, id: i64) -> Option<Written> {
        let entity = match kind {
            Kind::TeamObjective => WrittenEntity::Objective(self.objectives.get(&id)?.item.clone()),
            Kind::Feature => {
                let stored = self.features.get(&id)?;
                WrittenEntity::Feature {
                    feature: stored.item.clone(),
                    objectives: stored.links.clone(),
                }
            }
        };
        Some(Written {
            entity,
            version: self.version_of(kind, id)?,
            editor: None,
        })
    }

    /// `team`'s plan of `release` as Targetprocess's client reads it; `None` for a team or
    /// release it does not know.
    pub fn team_plan(&self, release: i64, team: i64) -> Option<RemotePlan> {
        let (art, release_item) = self.releases.iter().find(|(_, r)| r.id == release)?;
        let (_, team_item) = self.teams.iter().find(|(_, t)| t.id == team)?;
        let art_name = self.arts.iter().find(|a| a.id == *art)?.name.clone();
        let mut plan = Plan {
            art: named(*art, &art_name),
            release: named(release, &release_item.name),
            team: named(team, &team_item.name),
            meta: PlanMeta::default(),
            program_objectives: self.program_objectives(release),
            objectives: Vec::new(),
            notes: String::new(),
        };
        let mut versions = BTreeMap::new();
        let own: Vec<i64> = self
            .objectives
            .iter()
            .filter(|(_, o)| o.release == release && o.team == team)
            .map(|(id, o)| {
                versions.insert(*id, sync_version(o.version));
                plan.objectives.push(o.item.clone());
                *id
            })
            .collect();
        let mut feature_links = BTreeMap::new();
        for (id, f) in self.features.iter().filter(|(_, f)| f.release == release) {
            let mut mine: Vec<i64> = f
                .links
                .iter()
                .copied()
                .filter(|o| own.contains(o))
                .collect();
            mine.sort_by_key(|o| own.iter().position(|x| x == o));
            let Some(first) = mine.first() else { continue };
            let at = own.iter().position(|x| x == first).unwrap_or_default();
            plan.objectives[at].features.push(f.item.clone());
            versions.insert(*id, sync_version(f.version));
            feature_links.insert(*id, mine);
        }
        let multi_linked = feature_links
            .iter()
            .filter(|(_, links)| links.len() > 1)
            .map(|(id, _)| *id)
            .collect();
        Some(RemotePlan {
            plan,
            versions,
            feature_links,
            multi_linked,
            editors: BTreeMap::new(),
            requests: 1,
            warnings: Vec::new(),
            notices: Vec::new(),
        })
    }

    fn program_objectives(&self, release: i64) -> Vec<ProgramObjective> {
        self.programs
            .iter()
            .filter(|(_, (r, _))| *r == release)
            .map(|(id, (_, name))| ProgramObjective {
                id: EntityId::Tp(*id),
                name: name.clone(),
            })
            .collect()
    }
}

fn owned_by(store: &Store, changes: &[FieldChange]) -> Option<Option<String>> {
    changes.iter().find_map(|c| match c {
        FieldChange::Owner(user) => Some(store.owner_name(*user)),
        _ => None,
    })
}

pub(super) fn sync_version(v: i64) -> SyncVersion {
    SyncVersion {
        modify_date: DateTime::<Utc>::from_timestamp(EPOCH + v, 0),
        entity_version: Some(v),
    }
}

fn named(id: i64, name: &str) -> Named {
    Named {
        id: Some(id),
        name: name.to_owned(),
    }
}

pub(super) fn blank_objective(id: i64) -> TeamObjective {
    TeamObjective {
        id: EntityId::Tp(id),
        name: String::new(),
        description: String::new(),
        status: None,
        effort: None,
        owner: None,
        committed: false,
        business_value: None,
        actual_business_value: None,
        program_objective: None,
        features: Vec::new(),
    }
}

pub(super) fn blank_feature(id: i64) -> Feature {
    Feature {
        id: EntityId::Tp(id),
        kind: FeatureKind::Feature,
        name: String::new(),
        description: String::new(),
        status: None,
        effort: None,
        owner: None,
        acceptance_criteria: Vec::new(),
        jira: None,
        stories: Vec::new(),
    }
}

/// One checked change on an objective (`owner`: the owner's name when the change names one).
fn objective_field(o: &mut TeamObjective, change: &FieldChange, owner: Option<&Option<String>>) {
    match change {
        FieldChange::Name(v) => o.name.clone_from(v),
        FieldChange::Description(v) => o.description.clone_from(v),
        FieldChange::Status(v) => o.status = Some(v.clone()),
        FieldChange::Effort(v) => o.effort = *v,
        FieldChange::Owner(_) => o.owner = owner.cloned().flatten(),
        FieldChange::Committed(v) => o.committed = *v,
        FieldChange::BusinessValue(v) => o.business_value = *v,
        FieldChange::ActualBusinessValue(v) => o.actual_business_value = *v,
        FieldChange::ProgramObjective(v) => o.program_objective = v.map(EntityId::Tp),
        FieldChange::AcceptanceCriteria(_)
        | FieldChange::JiraKey(_)
        | FieldChange::Objectives(_) => {}
    }
}

/// One checked change on a feature (links are kept on the stored feature, not here).
fn feature_field(f: &mut Feature, change: &FieldChange, owner: Option<&Option<String>>) {
    match change {
        FieldChange::Name(v) => f.name.clone_from(v),
        FieldChange::Description(v) => f.description.clone_from(v),
        FieldChange::Status(v) => f.status = Some(v.clone()),
        FieldChange::Effort(v) => f.effort = *v,
        FieldChange::Owner(_) => f.owner = owner.cloned().flatten(),
        FieldChange::AcceptanceCriteria(v) => f.acceptance_criteria.clone_from(v),
        FieldChange::JiraKey(v) => {
            f.jira = v.clone().map(|key| JiraLink { key, url: None });
        }
        FieldChange::Committed(_)
        | FieldChange::BusinessValue(_)
        | FieldChange::ActualBusinessValue(_)
        | FieldChange::ProgramObjective(_)
        | FieldChange::Objectives(_) => {}
    }
}
