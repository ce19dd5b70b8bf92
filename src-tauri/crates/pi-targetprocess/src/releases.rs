//! The releases (PIs) of an ART with their dates, for picking the current PI, and the teams'
//! iterations (`TeamIterations`) in a release, for the PI calendar.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::client::TpClient;
use crate::dates::de_opt_date;
use crate::error::TpError;
use crate::mapping;
use crate::model::{ReleasePeriod, TeamIteration};
use crate::query::{Include, Query, Where};

/// `{"Id", "Name", "StartDate", "EndDate", "IsCurrent"}` of a release.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ReleaseItem {
    id: i64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_date")]
    start_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de_opt_date")]
    end_date: Option<DateTime<Utc>>,
    #[serde(default)]
    is_current: Option<bool>,
}

impl TpClient {
    /// The releases (PIs) of an ART with their start and end dates and TP's `IsCurrent` flag,
    /// oldest first.
    pub async fn list_release_periods(&self, art: i64) -> Result<Vec<ReleasePeriod>, TpError> {
        let query = Query::new("Releases")
            .filter(Where::new().id_eq("AgileReleaseTrain.Id", art))
            .include(
                ["Name", "StartDate", "EndDate", "IsCurrent"]
                    .into_iter()
                    .map(Include::field)
                    .collect(),
            )
            .order_by("StartDate");
        let items: Vec<ReleaseItem> = self.all(&query).await?;
        Ok(items.into_iter().map(period).collect())
    }
}

/// `{"Id", "Name", "StartDate", "EndDate", "Team": {"Id", "Name"}}` of a team iteration.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TeamIterationItem {
    id: i64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "de_opt_date")]
    start_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "de_opt_date")]
    end_date: Option<DateTime<Utc>>,
    #[serde(default)]
    team: Option<TeamRef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TeamRef {
    id: i64,
}

impl TpClient {
    /// The team iterations (sprints) of a release, of one team or of every team, oldest first;
    /// one without both dates is left out (it cannot be placed in a calendar).
    pub async fn list_team_iterations(
        &self,
        release: i64,
        team: Option<i64>,
    ) -> Result<Vec<TeamIteration>, TpError> {
        let mut filter = Where::new().id_eq("Release.Id", release);
        if let Some(team) = team {
            filter = filter.id_eq("Team.Id", team);
        }
        let query = Query::new("TeamIterations")
            .filter(filter)
            .include(vec![
                Include::field("Name"),
                Include::field("StartDate"),
                Include::field("EndDate"),
                Include::nested("Team", &["Id"]),
            ])
            .order_by("StartDate");
        let items: Vec<TeamIterationItem> = self.all(&query).await?;
        Ok(items.into_iter().filter_map(iteration).collect())
    }
}

fn iteration(item: TeamIterationItem) -> Option<TeamIteration> {
    Some(TeamIteration {
        iteration: mapping::summary(item.id, item.name),
        team: item.team.map(|t| t.id),
        start: item.start_date?,
        end: item.end_date?,
    })
}

fn period(item: ReleaseItem) -> ReleasePeriod {
    ReleasePeriod {
        release: mapping::summary(item.id, item.name),
        start: item.start_date,
        end: item.end_date,
        is_current: item.is_current.unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_reads_its_dates_and_flag_and_tolerates_their_absence() {
        let full: ReleaseItem = serde_json::from_value(serde_json::json!({
            "Id": 7, "Name": "PI-2/25", "StartDate": "/Date(1740787200000+0100)/",
            "EndDate": "/Date(1748044800000)/", "IsCurrent": true
        }))
        .unwrap();
        let p = period(full);
        assert_eq!(p.release.name, "PI-2/25");
        assert_eq!(p.start.unwrap().timestamp_millis(), 1_740_787_200_000);
        assert_eq!(p.end.unwrap().timestamp_millis(), 1_748_044_800_000);
        assert!(p.is_current);
        let bare: ReleaseItem = serde_json::from_value(serde_json::json!({"Id": 8})).unwrap();
        assert!(
            iteration(
                serde_json::from_value(serde_json::json!({"Id": 9, "StartDate": null})).unwrap()
            )
            .is_none()
        );
        let p = period(bare);
        assert_eq!((p.start, p.end, p.is_current), (None, None, false));
    }
}
