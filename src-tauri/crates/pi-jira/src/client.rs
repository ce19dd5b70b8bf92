//! [`JiraClient`]: the deployment (configured or read from `serverInfo`), the field ids behind
//! the configured display names, and the stories under epics with their status, status
//! category, assignee and story points. Every story passes the inbound boundary
//! (`pi_model::inbound`) before it is returned.

use pi_model::{JiraDeployment, Story};
use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::config::JiraConfig;
use crate::error::{ConfigError, JiraError};
use crate::http::Http;
use crate::search::{Fields, Search};

/// A story with what `pi_model::Story` has no place for.
#[derive(Clone, Debug, PartialEq)]
pub struct JiraStory {
    /// The epic key the story was found under (`parent` on Cloud, the epic link on Data Center).
    pub epic: String,
    pub story: Story,
}

impl JiraStory {
    /// `new`, `indeterminate` or `done`: the status category, for logic (names are per workflow).
    pub fn status_category(&self) -> Option<&str> {
        self.story.status_category.as_deref()
    }
}

/// What `serverInfo` says about the instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerInfo {
    pub deployment: JiraDeployment,
    /// `version` as sent, e.g. `9.12.4` or `1001.0.0-SNAPSHOT`.
    pub version: String,
}

/// The instance's facts a search needs, resolved once per client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub deployment: JiraDeployment,
    pub fields: Fields,
}

#[derive(Debug)]
pub struct JiraClient {
    pub(crate) config: JiraConfig,
    pub(crate) http: Http,
    resolved: Mutex<Option<Resolved>>,
}

#[derive(Deserialize)]
struct FieldDef {
    id: String,
    name: String,
}

impl JiraClient {
    pub fn new(config: JiraConfig) -> Result<Self, ConfigError> {
        let http = Http::new(&config)?;
        Ok(Self {
            config,
            http,
            resolved: Mutex::new(None),
        })
    }

    /// Requests sent so far (every attempt counts).
    pub fn requests_sent(&self) -> u64 {
        self.http.layer.counters().requests
    }

    /// Requests, retries and waits since the client was created.
    pub fn counters(&self) -> pi_http::Counters {
        self.http.layer.counters()
    }

    /// The latest rate-limit information Jira sent (`X-RateLimit-*`, `Retry-After`).
    pub fn quota(&self) -> pi_http::Quota {
        self.http.layer.quota()
    }

    /// `GET /rest/api/2/serverInfo` (served by Cloud and Data Center alike).
    pub async fn server_info(&self) -> Result<ServerInfo, JiraError> {
        let json = self.http.send(Method::GET, "2/serverInfo", None).await?;
        let text = |k: &str| json.get(k).and_then(Value::as_str).unwrap_or_default();
        let deployment = match text("deploymentType").to_ascii_lowercase().as_str() {
            "cloud" => JiraDeployment::Cloud,
            "server" | "datacenter" | "data center" => JiraDeployment::Datacenter,
            other => {
                return Err(JiraError::UnknownDeployment {
                    found: other.to_owned(),
                });
            }
        };
        Ok(ServerInfo {
            deployment,
            version: text("version").to_owned(),
        })
    }

    /// The deployment: the configured one, else what `serverInfo` says (asked once).
    pub async fn deployment(&self) -> Result<JiraDeployment, JiraError> {
        Ok(self.resolve().await?.deployment)
    }

    /// The story points field id behind the configured names (the field list is read once).
    pub async fn story_points_field(&self) -> Result<String, JiraError> {
        Ok(self.resolve().await?.fields.points)
    }

    /// Checks the address, the credentials and the fields: what "Test connection" shows.
    pub async fn check(&self) -> Result<(JiraDeployment, String), JiraError> {
        let r = self.resolve().await?;
        Ok((r.deployment, r.fields.points))
    }

    /// Every story under one of `epics`: Cloud searches `parent in (...)` with the
    /// `nextPageToken` cursor, Data Center the epic link field with `startAt`. Epic keys go in
    /// chunks of [`JiraConfig::keys_per_query`], searched side by side.
    pub async fn stories_under_epics(&self, epics: &[String]) -> Result<Vec<JiraStory>, JiraError> {
        if epics.is_empty() {
            return Ok(Vec::new());
        }
        let resolved = self.resolve().await?;
        let searches = epics
            .chunks(self.config.keys_per_query.max(1))
            .map(|chunk| Search::new(self, &resolved, chunk).run());
        let pages = futures::future::try_join_all(searches).await?;
        Ok(pages.into_iter().flatten().collect())
    }

    /// Which of `keys` name no issue this account can see (Jira answers 404 to both): one
    /// `GET issue/{key}` per key, side by side within the layer's bounds.
    pub async fn missing_issues(&self, keys: &[String]) -> Result<Vec<String>, JiraError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let v = version(self.resolve().await?.deployment);
        let reads = keys.iter().map(|key| async move {
            let path = format!("{v}/issue/{}", encode_key(key));
            match self.http.send(Method::GET, &path, None).await {
                Ok(_) => Ok(None),
                Err(JiraError::NotFound { .. }) => Ok(Some(key.clone())),
                Err(e) => Err(e),
            }
        });
        let found = futures::future::try_join_all(reads).await?;
        Ok(found.into_iter().flatten().collect())
    }

    pub(crate) async fn resolve(&self) -> Result<Resolved, JiraError> {
        let mut cached = self.resolved.lock().await;
        if let Some(r) = cached.as_ref() {
            return Ok(r.clone());
        }
        let deployment = match self.config.deployment {
            Some(d) => d,
            None => self.server_info().await?.deployment,
        };
        let fields = self.fields(deployment).await?;
        let r = Resolved { deployment, fields };
        *cached = Some(r.clone());
        Ok(r)
    }

    async fn fields(&self, deployment: JiraDeployment) -> Result<Fields, JiraError> {
        let path = format!("{}/field", version(deployment));
        let json = self.http.send(Method::GET, &path, None).await?;
        let defs: Vec<FieldDef> = serde_json::from_value(json).map_err(|e| JiraError::Decode {
            method: "GET".into(),
            path: format!("/rest/api/{path}"),
            message: e.to_string(),
        })?;
        let points = find_field(&defs, &self.config.story_points_names).ok_or_else(|| {
            JiraError::NoField {
                what: "story points",
                setting: "story_points_field",
                names: self.config.story_points_names.clone(),
            }
        })?;
        let epic_link = match deployment {
            JiraDeployment::Cloud => None,
            JiraDeployment::Datacenter => Some(
                find_field(&defs, &self.config.epic_link_names).ok_or_else(|| {
                    JiraError::NoField {
                        what: "epic link",
                        setting: "epic_link_field",
                        names: self.config.epic_link_names.clone(),
                    }
                })?,
            ),
        };
        Ok(Fields { points, epic_link })
    }
}

/// The REST version a deployment is read with: 3 on Cloud, 2 on Data Center.
pub(crate) fn version(d: JiraDeployment) -> &'static str {
    match d {
        JiraDeployment::Cloud => "3",
        JiraDeployment::Datacenter => "2",
    }
}

/// The id of the first name that matches a field's id or (ignoring case) its display name.
fn find_field(defs: &[FieldDef], names: &[String]) -> Option<String> {
    names.iter().find_map(|n| {
        let n = n.trim();
        defs.iter()
            .find(|f| f.id == n || f.name.trim().eq_ignore_ascii_case(n))
            .map(|f| f.id.clone())
    })
}

/// A key as one path segment: anything but letters, digits, `-` and `_` percent-encoded, so a
/// key from the plan file can never name another path.
fn encode_key(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_name_or_id_in_order() {
        let defs = vec![
            FieldDef {
                id: "customfield_10028".into(),
                name: "Story Points".into(),
            },
            FieldDef {
                id: "customfield_10016".into(),
                name: "Story point estimate".into(),
            },
        ];
        let find = |names: &[&str]| {
            find_field(
                &defs,
                &names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            find(&["story points"]).as_deref(),
            Some("customfield_10028")
        );
        assert_eq!(
            find(&["Velocity", "Story point estimate"]).as_deref(),
            Some("customfield_10016")
        );
        assert_eq!(
            find(&["customfield_10016"]).as_deref(),
            Some("customfield_10016")
        );
        assert_eq!(find(&["Velocity"]), None);
    }
}
