//! What changed in a team's plan since a given instant: the plan's team objectives, its features
//! and the release's program objectives whose `ModifyDate` is later, one small read per resource
//! kind (ids and versions only, and the features' links to team objectives). The live sync
//! (`tpcli plan watch`) asks this every poll and reads the whole plan only when something did
//! change.
//!
//! The `where` literal is a date in the form Targetprocess documents (`'YYYY-MM-DD'`, read in
//! the server's time zone), one day before the instant so that no server zone can hide a
//! change; the answer is then narrowed to the exact instant, which TP's `/Date(ms)/` values
//! carry in milliseconds. Each read is sorted newest first (`orderByDesc=ModifyDate`) in small
//! pages and stops at the first page that reaches the instant, so a look at a plan nobody
//! changed reads one short page per kind however many entities changed in the last day.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::value::RawValue;

use crate::client::{TpClient, features_filter};
use crate::error::TpError;
use crate::mapping;
use crate::model::SyncVersion;
use crate::query::{Include, Query, Where};
use crate::wire::WorkItem;

/// The entities of a plan modified after an instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    /// TP id → version of every team objective and feature modified after the instant.
    pub work_items: BTreeMap<i64, SyncVersion>,
    /// Ids of the release's program objectives modified after the instant.
    pub program_objectives: Vec<i64>,
    /// Each feature of `work_items` → the team objectives it is linked to, when the answer
    /// carries the link. A read of a team's features is a read of the release's features
    /// (see [`TpClient::fetch_team_plans`]), so a feature linked to other teams' objectives
    /// only is another team's change, not this plan's.
    pub links: BTreeMap<i64, Vec<i64>>,
    /// The latest `ModifyDate` in the answer (the next poll's instant), `None` when nothing
    /// changed.
    pub newest: Option<DateTime<Utc>>,
    /// Requests this look took.
    pub requests: u64,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.work_items.is_empty() && self.program_objectives.is_empty()
    }
}

/// How far before the instant the `where` date reaches: more than any server time zone's
/// offset, so a date read in the server's zone never starts after the instant.
const ZONE_MARGIN: Duration = Duration::days(1);

/// Items a look reads per page, newest first: a look at an unchanged plan reads this many at
/// most per resource kind.
const LOOK_PAGE: u32 = 25;

impl TpClient {
    /// The team objectives of `team` in `release`, the features a read of the team's plan reads,
    /// and the release's program objectives, modified after `since`: three reads side by side,
    /// each asking for ids, `ModifyDate` and `EntityVersion` only (and a feature's links to
    /// team objectives), newest first, up to the first page that reaches `since`.
    pub async fn changed_since(
        &self,
        release: i64,
        team: i64,
        since: DateTime<Utc>,
    ) -> Result<Changed, TpError> {
        let before = self.counters().requests;
        let schema = &self.config().schema;
        let day = (since - ZONE_MARGIN).date_naive();
        let versions = || {
            vec![
                Include::field("ModifyDate"),
                Include::field("EntityVersion"),
            ]
        };
        let objectives = Query::new(&schema.team_objective_resource)
            .filter(
                Where::new()
                    .id_eq("Team.Id", team)
                    .id_eq("Release.Id", release)
                    .date_gt("ModifyDate", day),
            )
            .include(versions());
        let link = &schema.feature_objectives_collection;
        let mut with_links = versions();
        with_links.push(Include::nested(link, &["Id"]));
        let features = Query::new("Features")
            .filter(features_filter(schema, release, &[team]).date_gt("ModifyDate", day))
            .include(with_links);
        let programs = Query::new(&schema.program_objective_resource)
            .filter(
                Where::new()
                    .id_eq("Release.Id", release)
                    .date_gt("ModifyDate", day),
            )
            .include(versions());
        let (objectives, features, programs) = futures::try_join!(
            self.newest_first(objectives, since),
            self.newest_first(features, since),
            self.newest_first(programs, since),
        )?;
        let later = |w: &&WorkItem| w.modify_date.is_some_and(|d| d > since);
        let mut changed = Changed {
            work_items: objectives
                .iter()
                .chain(&features)
                .filter(later)
                .map(|w| (w.id, mapping::version(w)))
                .collect(),
            program_objectives: programs.iter().filter(later).map(|w| w.id).collect(),
            links: features
                .iter()
                .filter(later)
                .filter(|f| f.carries(link))
                .map(|f| (f.id, f.ref_ids(link)))
                .collect(),
            newest: None,
            requests: 0,
        };
        changed.newest = objectives
            .iter()
            .chain(&features)
            .chain(&programs)
            .filter(later)
            .filter_map(|w| w.modify_date)
            .max();
        changed.requests = self.counters().requests - before;
        Ok(changed)
    }

    /// `query`'s items sorted by `ModifyDate`, newest first, page by page until a page ends
    /// with an item not later than `since` (the items after it are older still).
    async fn newest_first(
        &self,
        query: Query,
        since: DateTime<Utc>,
    ) -> Result<Vec<WorkItem>, TpError> {
        let query = query.order_by_desc("ModifyDate");
        let later = |raw: &RawValue| {
            crate::paging::item::<WorkItem>(&query.resource, raw)
                .ok()
                .and_then(|w| w.modify_date)
                .is_some_and(|d| d > since)
        };
        // A feature linked to more objectives than TP's default inner page still shows them.
        let extra = [("innerTake".to_owned(), crate::client::inner_take(LOOK_PAGE))];
        let raw = crate::paging::get_while(&self.http, &query, LOOK_PAGE, &extra, |page| {
            page.last().is_some_and(|raw| later(raw))
        })
        .await?;
        raw.iter()
            .map(|r| crate::paging::item(&query.resource, r))
            .collect()
    }
}
