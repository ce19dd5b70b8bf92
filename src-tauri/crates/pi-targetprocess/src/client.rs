//! [`TpClient`]: the operations the sync engine needs, over the resilient HTTP layer. Reads are
//! here; writes are in `write.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};

use pi_model::{FeatureKind, Named, Plan, TeamObjective};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::config::TpConfig;
use crate::error::{ConfigError, TpError};
use crate::http::{Http, Replay};
use crate::mapping;
use crate::model::{Kind, RemotePlan, Summary, SyncVersion};
use crate::notices::{self, LinkHint};
use crate::paging::{get_all, item};
use crate::query::{Include, Query, Where};
use crate::wire::{Ref, WorkItem};

/// The Targetprocess client. Cheap to share behind an `Arc`; all methods take `&self`.
#[derive(Debug)]
pub struct TpClient {
    pub(crate) config: TpConfig,
    pub(crate) http: Http,
    /// (entity type name, state name lower-case) → state id; filled on first use.
    pub(crate) states: Mutex<Option<HashMap<(String, String), i64>>>,
    /// The group sharing this client's plan reads, while there is one (see `shared`).
    pub(crate) shared: std::sync::Mutex<Option<std::sync::Arc<crate::shared::Group>>>,
}

impl TpClient {
    pub fn new(config: TpConfig) -> Result<Self, ConfigError> {
        let http = Http::new(&config)?;
        Ok(Self {
            config,
            http,
            states: Mutex::new(None),
            shared: std::sync::Mutex::new(None),
        })
    }

    pub fn config(&self) -> &TpConfig {
        &self.config
    }

    /// Requests sent since the client was created (every attempt counts).
    pub fn requests_sent(&self) -> u64 {
        self.http.layer.counters().requests
    }

    /// Requests, retries and waits since the client was created.
    pub fn counters(&self) -> pi_http::Counters {
        self.http.layer.counters()
    }

    /// The latest rate-limit information Targetprocess sent (if it sends any).
    pub fn quota(&self) -> pi_http::Quota {
        self.http.layer.quota()
    }

    /// Targetprocess's clock from its newest answer's `Date` header, and when it came.
    pub fn server_date(&self) -> Option<pi_http::ServerDate> {
        self.http.layer.server_date()
    }

    /// TP resource name of a write kind.
    pub(crate) fn resource(&self, kind: Kind) -> &str {
        match kind {
            Kind::TeamObjective => &self.config.schema.team_objective_resource,
            Kind::Feature => "Features",
        }
    }

    pub(crate) async fn all<T: DeserializeOwned>(&self, query: &Query) -> Result<Vec<T>, TpError> {
        let extra = [("innerTake".to_owned(), inner_take(self.config.page_size))];
        let raw = get_all(&self.http, query, self.config.page_size, &extra).await?;
        raw.iter().map(|r| item(&query.resource, r)).collect()
    }

    /// [`Self::all`] with the next pages requested while one is awaited (see `pages_ahead`):
    /// for a plan's reads of many pages, whose pages otherwise come one round trip after another.
    pub(crate) async fn all_ahead<T: DeserializeOwned>(
        &self,
        query: &Query,
    ) -> Result<Vec<T>, TpError> {
        self.all_ahead_kept(query, |item| item).await
    }

    /// [`Self::all_ahead`], each item passed through `keep` as its page arrives (to keep only
    /// what the reader needs of it).
    pub(crate) async fn all_ahead_kept<T: DeserializeOwned>(
        &self,
        query: &Query,
        mut keep: impl FnMut(T) -> T,
    ) -> Result<Vec<T>, TpError> {
        let extra = [("innerTake".to_owned(), inner_take(self.config.page_size))];
        let size = self.config.page_size;
        let mut items = Vec::new();
        crate::pages_ahead::get_each(&self.http, query, size, &extra, |page| {
            items.reserve(page.len());
            for raw in page {
                items.push(keep(item(&query.resource, &raw)?));
            }
            Ok(())
        })
        .await?;
        Ok(items)
    }

    async fn summaries(&self, query: Query) -> Result<Vec<Summary>, TpError> {
        self.summaries_by(query, "Name").await
    }

    /// Ids and names of `query`'s entities, in `order` (a field TP sorts on).
    async fn summaries_by(&self, query: Query, order: &str) -> Result<Vec<Summary>, TpError> {
        let query = query.include(vec![Include::field("Name")]).order_by(order);
        let refs: Vec<Ref> = self.all(&query).await?;
        Ok(refs
            .into_iter()
            .map(|r| mapping::summary(r.id, r.name))
            .collect())
    }

    /// Every Agile Release Train, by name.
    pub async fn list_arts(&self) -> Result<Vec<Summary>, TpError> {
        self.summaries(Query::new("AgileReleaseTrains")).await
    }

    /// The releases (PIs) of an ART, by name.
    pub async fn list_releases(&self, art: i64) -> Result<Vec<Summary>, TpError> {
        let filter = Where::new().id_eq("AgileReleaseTrain.Id", art);
        self.summaries(Query::new("Releases").filter(filter)).await
    }

    /// The releases (PIs) of an ART, oldest first: by start date, as planners pick a PI.
    pub async fn list_releases_by_start(&self, art: i64) -> Result<Vec<Summary>, TpError> {
        let filter = Where::new().id_eq("AgileReleaseTrain.Id", art);
        self.summaries_by(Query::new("Releases").filter(filter), "StartDate")
            .await
    }

    /// The teams of an ART, by name.
    pub async fn list_teams(&self, art: i64) -> Result<Vec<Summary>, TpError> {
        let filter = Where::new().id_eq("AgileReleaseTrain.Id", art);
        self.summaries(Query::new("Teams").filter(filter)).await
    }

    /// One entity as raw JSON (`GET /{Resource}/{id}`).
    pub(crate) async fn get_one(
        &self,
        resource: &str,
        id: i64,
        include: &[Include],
    ) -> Result<Value, TpError> {
        let mut params = Vec::new();
        if !include.is_empty() {
            params.push(("include".to_owned(), crate::query::render_include(include)));
        }
        self.http
            .send(
                Method::GET,
                &format!("{resource}/{id}"),
                &params,
                None,
                Replay::Safe,
            )
            .await
    }

    /// Current versions of the given entities (`Id in (...)`, chunked); ids missing from the
    /// answer were deleted in TP.
    pub async fn reread_versions(
        &self,
        kind: Kind,
        ids: &[i64],
    ) -> Result<BTreeMap<i64, SyncVersion>, TpError> {
        let mut out = BTreeMap::new();
        for chunk in ids.chunks(200) {
            let query = Query::new(self.resource(kind))
                .filter(Where::new().id_in("Id", chunk))
                .include(vec![
                    Include::field("ModifyDate"),
                    Include::field("EntityVersion"),
                ]);
            let items: Vec<WorkItem> = self.all(&query).await?;
            out.extend(items.iter().map(|w| (w.id, mapping::version(w))));
        }
        Ok(out)
    }

    /// One team's plan for one release, with per-entity versions. Five reads in parallel
    /// (release, team, team objectives, program objectives, features of the release), each paged
    /// with `take = page_size`: no per-entity requests.
    ///
    /// While the client shares its reads ([`TpClient::share_reads`]), the call waits until every
    /// member of the group is waiting for a plan too (or has left it) and one read serves them
    /// all; the read starts after every call it answers, so it is as fresh as a read of its own.
    pub async fn fetch_team_plan(&self, release: i64, team: i64) -> Result<RemotePlan, TpError> {
        if let Some(group) = self.read_group() {
            return group.fetch(self, release, team).await;
        }
        self.fetch_team_plan_alone(release, team).await
    }

    /// [`TpClient::fetch_team_plan`] on its own, whether or not reads are shared.
    pub(crate) async fn fetch_team_plan_alone(
        &self,
        release: i64,
        team: i64,
    ) -> Result<RemotePlan, TpError> {
        let mut plans = self.fetch_team_plans(release, &[team]).await?;
        plans.remove(&team).ok_or_else(|| TpError::NotFound {
            method: "GET".to_owned(),
            path: format!("Teams/{team}"),
        })
    }

    /// The plans of several teams of one release, read once: the release, the teams, their
    /// objectives, the program objectives and the release's features (which every team's plan
    /// needs whole: Targetprocess v1 cannot filter features by the objectives they are linked
    /// to). Each plan is the one [`TpClient::fetch_team_plan`] returns for its team; a team
    /// Targetprocess does not know is missing from the map (one team alone is an error, as
    /// `GET Teams/{id}` answers). `requests` of every plan counts the whole shared read.
    pub async fn fetch_team_plans(
        &self,
        release: i64,
        teams: &[i64],
    ) -> Result<BTreeMap<i64, RemotePlan>, TpError> {
        let before = self.http.layer.counters().requests;
        let schema = &self.config.schema;
        let (release_inc, team_inc) = (release_include(), [Include::field("Name")]);
        let mut teams = teams.to_vec();
        teams.sort_unstable();
        teams.dedup();
        let one = match teams.as_slice() {
            [team] => Some(*team),
            _ => None,
        };
        let by_team = match one {
            Some(team) => Where::new().id_eq("Team.Id", team),
            None => Where::new().id_in("Team.Id", &teams),
        };
        let mut include = objective_include(schema);
        if one.is_none() {
            include.push(Include::nested("Team", &["Id"]));
        }
        let objectives_q = Query::new(&schema.team_objective_resource)
            .filter(by_team.id_eq("Release.Id", release))
            .include(include)
            .order_by("Id");
        let program_q = Query::new(&schema.program_objective_resource)
            .filter(Where::new().id_eq("Release.Id", release))
            .include(vec![Include::field("Name")])
            .order_by("Id");
        let features_q = features_query(schema, release, &teams);
        let team_names = async {
            match one {
                Some(team) => Ok(vec![named(&self.get_one("Teams", team, &team_inc).await?)]),
                None => {
                    let query = Query::new("Teams").filter(Where::new().id_in("Id", &teams));
                    let found = self.summaries(query).await?;
                    Ok(found
                        .into_iter()
                        .map(|s| Named {
                            id: Some(s.id),
                            name: s.name,
                        })
                        .collect())
                }
            }
        };
        // The release's features are read whole; of those linked to none of the teams'
        // objectives only the id and the link are kept, from the moment the objectives are
        // known (they usually are before the first page of features arrives).
        let link = &schema.feature_objectives_collection;
        let wanted = std::sync::OnceLock::<HashSet<i64>>::new();
        // How many features arrived before the objectives were known (kept whole for now).
        let early = std::sync::atomic::AtomicUsize::new(0);
        let objectives_read = async {
            let objectives = self.all_ahead::<WorkItem>(&objectives_q).await?;
            let _ = wanted.set(objectives.iter().map(|o| o.id).collect());
            Ok(objectives)
        };
        let features_read = self.all_ahead_kept(&features_q, |f: WorkItem| match wanted.get() {
            Some(wanted) => kept(f, wanted, link),
            None => {
                early.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                f
            }
        });
        let (release_v, team_names, objectives, programs, features) = futures::try_join!(
            self.get_one("Releases", release, &release_inc),
            team_names,
            objectives_read,
            self.all::<WorkItem>(&program_q),
            features_read,
        )?;
        let early = early.into_inner();
        let features: Vec<WorkItem> = match wanted.get() {
            Some(wanted) => features
                .into_iter()
                .enumerate()
                .map(|(i, f)| if i < early { kept(f, wanted, link) } else { f })
                .collect(),
            None => features,
        };
        let hint = self.link_hint(&features).await;
        let requests = self.http.layer.counters().requests - before;
        let programs: Vec<_> = programs.iter().map(mapping::program_objective).collect();
        let art = release_v
            .get("AgileReleaseTrain")
            .map(named)
            .unwrap_or_default();
        // Each team's objectives, in the answer's order (one team: all of them).
        let mut by_team: HashMap<i64, Vec<&WorkItem>> = HashMap::new();
        for o in &objectives {
            let team = match one {
                Some(team) => Some(team),
                None => o.ref_ids("Team").first().copied(),
            };
            if let Some(team) = team {
                by_team.entry(team).or_default().push(o);
            }
        }
        // The features' links and the release's notices, once for every team.
        let index = FeatureIndex::new(schema, &features, hint.as_ref());
        let mut plans = BTreeMap::new();
        for team in team_names {
            let Some(id) = team.id else { continue };
            let own = by_team.get(&id).map_or(&[][..], Vec::as_slice);
            let mut remote = index.assemble(own);
            self.say_no_features(&mut remote, release, own).await;
            remote.plan.release = named(&release_v);
            remote.plan.team = team;
            remote.plan.art = art.clone();
            remote.plan.program_objectives = programs.clone();
            remote.requests = requests;
            mapping::inbound(&mut remote);
            plans.insert(id, remote);
        }
        tracing::info!(
            release,
            teams = teams.len(),
            objectives = objectives.len(),
            features = features.len(),
            requests,
            "fetched team plans"
        );
        Ok(plans)
    }
}

/// What a read of the plans whose objectives are `wanted` keeps of a `feature`: all of it when
/// it is linked (through `link`) to one of them, else only its id and link (see
/// [`WorkItem::thin`]), which is all the notices about the release's features look at.
pub(crate) fn kept(feature: WorkItem, wanted: &HashSet<i64>, link: &str) -> WorkItem {
    if feature.ref_ids(link).iter().any(|o| wanted.contains(o)) {
        feature
    } else {
        feature.thin(link)
    }
}

/// Builds the plan from the team's objectives and the release's features: a feature goes under
/// the first of the team's objectives it is linked to (plan order). What could not be placed or
/// mapped is in the plan's notices.
pub(crate) fn assemble(
    schema: &pi_model::TpSchema,
    objectives: &[&WorkItem],
    features: &[WorkItem],
    hint: Option<&LinkHint>,
) -> RemotePlan {
    FeatureIndex::new(schema, features, hint).assemble(objectives)
}

/// The release's features as one read returned them, indexed once for the plans of every team
/// that read serves: each feature's linked objectives, the features linked to each objective,
/// and the notices about the release's features as a whole. Assembling a team's plan then
/// looks only at the features linked to its objectives, not at every feature of the release.
pub(crate) struct FeatureIndex<'a> {
    schema: &'a pi_model::TpSchema,
    features: &'a [WorkItem],
    hint: Option<&'a LinkHint>,
    /// Per feature (same index): the ids of the objectives it is linked to.
    links: Vec<Vec<i64>>,
    /// Objective id → the features linked to it, by index, in the read's order.
    by_objective: HashMap<i64, Vec<usize>>,
    /// The notices that are the same for every team (features linked to no objective).
    release_notices: Vec<crate::Notice>,
}

impl<'a> FeatureIndex<'a> {
    pub(crate) fn new(
        schema: &'a pi_model::TpSchema,
        features: &'a [WorkItem],
        hint: Option<&'a LinkHint>,
    ) -> Self {
        let links: Vec<Vec<i64>> = features
            .iter()
            .map(|f| f.ref_ids(&schema.feature_objectives_collection))
            .collect();
        let mut by_objective: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, linked) in links.iter().enumerate() {
            for o in linked {
                let at = by_objective.entry(*o).or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        let release_notices = notices::release_notices(&notices::ReadFacts {
            schema,
            objectives: &[],
            features,
            placed: &[],
            hint,
        });
        Self {
            schema,
            features,
            hint,
            links,
            by_objective,
            release_notices,
        }
    }

    /// The plan of the team whose objectives are `objectives` (see [`assemble`]).
    pub(crate) fn assemble(&self, objectives: &[&WorkItem]) -> RemotePlan {
        let mut linked_here: Vec<usize> = objectives
            .iter()
            .filter_map(|o| self.by_objective.get(&o.id))
            .flatten()
            .copied()
            .collect();
        linked_here.sort_unstable();
        linked_here.dedup();
        let (mut remote, placed) = place(
            self.schema,
            objectives,
            linked_here
                .into_iter()
                .map(|i| (&self.features[i], self.links[i].as_slice())),
        );
        let mut notices = self.release_notices.clone();
        notices.extend(notices::team_notices(&notices::ReadFacts {
            schema: self.schema,
            objectives,
            features: self.features,
            placed: &placed,
            hint: self.hint,
        }));
        remote.notices = notices;
        remote
    }
}

/// The team's objectives with the `features` linked to them (each with the ids of the
/// objectives it is linked to), in the order given, and the features placed; notices are left to
/// the caller.
fn place<'f>(
    schema: &pi_model::TpSchema,
    objectives: &[&WorkItem],
    features: impl Iterator<Item = (&'f WorkItem, &'f [i64])>,
) -> (RemotePlan, Vec<&'f WorkItem>) {
    let position: HashMap<i64, usize> = objectives
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id, i))
        .collect();
    let mut warnings = Vec::new();
    let mut plan_objectives: Vec<TeamObjective> = objectives
        .iter()
        .map(|o| mapping::team_objective(o, schema, &mut warnings))
        .collect();
    let mut versions: BTreeMap<i64, SyncVersion> = objectives
        .iter()
        .map(|o| (o.id, mapping::version(o)))
        .collect();
    let mut editors: BTreeMap<i64, String> = objectives.iter().filter_map(|o| editor(o)).collect();
    let mut feature_links = BTreeMap::new();
    let mut multi_linked = Vec::new();
    let mut placed = Vec::new();
    for (f, links) in features {
        let mut linked: Vec<i64> = links
            .iter()
            .copied()
            .filter(|id| position.contains_key(id))
            .collect();
        linked.sort_by_key(|id| position[id]);
        linked.dedup();
        let Some(first) = linked.first() else {
            continue;
        };
        plan_objectives[position[first]]
            .features
            .push(mapping::feature(
                f,
                schema,
                FeatureKind::Feature,
                &mut warnings,
            ));
        versions.insert(f.id, mapping::version(f));
        editors.extend(editor(f));
        placed.push(f);
        if linked.len() > 1 {
            multi_linked.push(f.id);
        }
        feature_links.insert(f.id, linked);
    }
    let remote = RemotePlan {
        plan: Plan {
            objectives: plan_objectives,
            ..Plan::default()
        },
        versions,
        feature_links,
        multi_linked,
        editors,
        requests: 0,
        warnings,
        notices: Vec::new(),
    };
    (remote, placed)
}

/// (id, display name of the `LastEditor`) of a work item that has one.
fn editor(item: &WorkItem) -> Option<(i64, String)> {
    item.last_editor.as_ref().map(|u| (item.id, u.display()))
}

pub(crate) fn named(v: &Value) -> Named {
    Named {
        id: v.get("Id").and_then(Value::as_i64),
        name: v
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Inner collections are limited across the whole response; allow ~20 links per item.
pub(crate) fn inner_take(page_size: u32) -> String {
    (u64::from(page_size) * 20).to_string()
}

fn release_include() -> Vec<Include> {
    vec![
        Include::field("Name"),
        Include::nested("AgileReleaseTrain", &["Id", "Name"]),
    ]
}

/// User fields read for `Owner` and `LastEditor`.
const OWNER_FIELDS: [&str; 5] = ["Id", "FirstName", "LastName", "FullName", "Login"];

fn work_item_include() -> Vec<Include> {
    vec![
        Include::field("Name"),
        Include::field("Description"),
        Include::nested("EntityState", &["Id", "Name"]),
        Include::field("Effort"),
        Include::nested("Owner", &OWNER_FIELDS),
        Include::nested("LastEditor", &OWNER_FIELDS),
        Include::field("ModifyDate"),
        Include::field("EntityVersion"),
    ]
}

pub(crate) fn objective_include(schema: &pi_model::TpSchema) -> Vec<Include> {
    let mut v = work_item_include();
    let configured = [
        &schema.committed_field,
        &schema.business_value_field,
        &schema.actual_business_value_field,
    ];
    for name in configured {
        if pi_model::TpSchema::custom_field(name).is_none() {
            v.push(Include::field(name));
        }
    }
    // Always: a configured custom field is read from it, and a value kept in a custom field
    // while the configured top-level field is empty is found (see `notices`).
    v.push(Include::field("CustomFields"));
    v.push(Include::nested(
        &schema.objective_program_objective_field,
        &["Id", "Name"],
    ));
    v
}

/// The features a read of `teams`' plans needs. Through a collection: every feature of the
/// release (v1 cannot filter on a collection's contents). Through a single reference: the
/// features whose objective is one of the teams' in the release, whatever their own `Release`.
fn features_query(schema: &pi_model::TpSchema, release: i64, teams: &[i64]) -> Query {
    Query::new("Features")
        .filter(features_filter(schema, release, teams))
        .include(feature_include(schema))
        .order_by("Id")
}

/// The filter of [`features_query`].
pub(crate) fn features_filter(schema: &pi_model::TpSchema, release: i64, teams: &[i64]) -> Where {
    if schema.single_objective_link() {
        let link = &schema.feature_objectives_collection;
        let by_team = match teams {
            [team] => Where::new().id_eq(&format!("{link}.Team.Id"), *team),
            many => Where::new().id_in(&format!("{link}.Team.Id"), many),
        };
        by_team.id_eq(&format!("{link}.Release.Id"), release)
    } else {
        Where::new().id_eq("Release.Id", release)
    }
}

pub(crate) fn feature_include(schema: &pi_model::TpSchema) -> Vec<Include> {
    let mut v = work_item_include();
    v.push(Include::field("CustomFields"));
    v.push(Include::nested(
        &schema.feature_objectives_collection,
        &["Id"],
    ));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: Value) -> WorkItem {
        serde_json::from_value(v).expect("work item JSON")
    }

    #[test]
    fn editors_cover_objectives_and_placed_features_with_a_last_editor() {
        let objectives = [
            item(json!({"Id": 1, "Name": "O1", "LastEditor": {"Id": 9, "FullName": "Ann Lee"}})),
            item(json!({"Id": 2, "Name": "O2", "LastEditor": null})),
        ];
        let features = [
            item(
                json!({"Id": 3, "Name": "F", "TeamPIObjectives": {"Items": [{"Id": 2}]},
                "LastEditor": {"Id": 8, "FirstName": "Bo", "LastName": "Ek", "Login": "bo"}}),
            ),
            item(
                json!({"Id": 4, "Name": "Other team", "TeamPIObjectives": {"Items": [{"Id": 77}]},
                "LastEditor": {"Id": 8, "Login": "bo"}}),
            ),
        ];
        let objectives: Vec<&WorkItem> = objectives.iter().collect();
        let remote = assemble(&pi_model::TpSchema::default(), &objectives, &features, None);
        let expected: BTreeMap<i64, String> =
            [(1, "Ann Lee".to_owned()), (3, "Bo Ek".to_owned())].into();
        assert_eq!(remote.editors, expected);
    }

    /// Keeping only the id and link of the features linked to none of the read's objectives
    /// changes nothing in the plans or their notices: the placed features stay whole, and
    /// the notices about unlinked features and plans without features read the same.
    #[test]
    fn features_of_other_teams_kept_thin_change_no_plan_and_no_notice() {
        let schema = pi_model::TpSchema::default();
        let link = schema.feature_objectives_collection.clone();
        let owner = json!({"Id": 8, "FirstName": "Bo", "LastName": "Ek", "Login": "bo"});
        let objectives = [
            item(json!({"Id": 1, "Name": "O1", "EntityState": {"Id": 1, "Name": "Open"}})),
            item(json!({"Id": 2, "Name": "O2", "EntityState": {"Id": 1, "Name": "Open"}})),
        ];
        let features = vec![
            item(
                json!({"Id": 3, "Name": "Ours", "Effort": 5.0, "Owner": owner,
                "EntityState": {"Id": 2, "Name": "Implementing"},
                "CustomFields": [{"Name": "Jira Key", "Value": "PI-1"}],
                link.as_str(): {"Items": [{"Id": 2}, {"Id": 77}]}}),
            ),
            item(
                json!({"Id": 4, "Name": "Other team", "Effort": 8.0, "Owner": owner,
                "EntityState": {"Id": 2, "Name": "Implementing"},
                link.as_str(): {"Items": [{"Id": 77}]}}),
            ),
            item(json!({"Id": 5, "Name": "Loose", link.as_str(): {"Items": []}})),
            item(json!({"Id": 6, "Name": "No link sent"})),
        ];
        let wanted: HashSet<i64> = [1, 2].into();
        let thin: Vec<WorkItem> = features
            .iter()
            .cloned()
            .map(|f| kept(f, &wanted, &link))
            .collect();
        assert_eq!(
            thin[0].name, "Ours",
            "a feature of the read's objectives stays whole"
        );
        for f in &thin[1..] {
            assert!(
                f.name.is_empty() && f.owner.is_none() && f.effort.is_none(),
                "{f:?}"
            );
            assert!(f.rest.len() <= 1, "only the link is kept: {:?}", f.rest);
        }
        assert_eq!(thin[1].ref_ids(&link), vec![77]);
        let shown = |features: &[WorkItem], objectives: &[&WorkItem]| {
            let remote = assemble(&schema, objectives, features, None);
            format!(
                "{:?}\n{:?}\n{:?}",
                remote.plan, remote.notices, remote.editors
            )
        };
        let both: Vec<&WorkItem> = objectives.iter().collect();
        assert_eq!(shown(&thin, &both), shown(&features, &both));
        assert!(shown(&thin, &both).contains("UnlinkedFeatures"));
        // A team whose objectives have no features: told the release has 4, of other teams.
        let other = [item(json!({"Id": 9, "Name": "O9"}))];
        let alone: Vec<&WorkItem> = other.iter().collect();
        let wanted_alone: HashSet<i64> = [9].into();
        let thin_alone: Vec<WorkItem> = features
            .iter()
            .cloned()
            .map(|f| kept(f, &wanted_alone, &link))
            .collect();
        assert_eq!(shown(&thin_alone, &alone), shown(&features, &alone));
        assert!(shown(&thin_alone, &alone).contains("NoFeatures"));
    }
}
