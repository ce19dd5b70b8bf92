//! [`JiraClient`]: read the stories under epics, with their status, assignee and story points.
//! Every story passes the inbound boundary (`pi_model::inbound`) before it is returned.

use std::collections::HashSet;

use pi_http::{ErrorKind, HttpError, PageBudget};
use pi_model::{Effort, Story};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::config::{JiraConfig, Limits};
use crate::error::{ConfigError, JiraError};
use crate::http::Http;

/// A story with what `pi_model::Story` has no place for.
#[derive(Clone, Debug, PartialEq)]
pub struct JiraStory {
    /// The epic (parent) key the story was found under.
    pub epic: String,
    pub story: Story,
    /// `new`, `indeterminate` or `done`: the status category, for logic (names are per workflow).
    pub status_category: Option<String>,
}

#[derive(Debug)]
pub struct JiraClient {
    config: JiraConfig,
    http: Http,
    points_field: Mutex<Option<String>>,
}

#[derive(Deserialize)]
struct SearchPage {
    #[serde(default)]
    issues: Vec<Issue>,
    #[serde(default, rename = "nextPageToken")]
    next_page_token: Option<String>,
    #[serde(default, rename = "isLast")]
    is_last: Option<bool>,
}

#[derive(Deserialize)]
struct Issue {
    key: String,
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
struct FieldDef {
    id: String,
    name: String,
}

impl JiraClient {
    pub fn new(config: JiraConfig) -> Result<Self, ConfigError> {
        let http = Http::new(&config)?;
        let points_field = Mutex::new(config.story_points_field.clone());
        Ok(Self {
            config,
            http,
            points_field,
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

    /// The story points field id: the configured one, else found by name via `GET /field`
    /// (once, then cached).
    pub async fn story_points_field(&self) -> Result<String, JiraError> {
        let mut cached = self.points_field.lock().await;
        if let Some(id) = cached.as_ref() {
            return Ok(id.clone());
        }
        let json = self.http.send(Method::GET, "field", None).await?;
        let fields: Vec<FieldDef> =
            serde_json::from_value(json).map_err(|e| JiraError::Decode {
                method: "GET".into(),
                path: "/rest/api/3/field".into(),
                message: e.to_string(),
            })?;
        let names = &self.config.story_points_names;
        let found = names
            .iter()
            .find_map(|n| fields.iter().find(|f| f.name.eq_ignore_ascii_case(n)))
            .map(|f| f.id.clone())
            .ok_or_else(|| JiraError::NoStoryPointsField {
                names: names.clone(),
            })?;
        *cached = Some(found.clone());
        Ok(found)
    }

    /// Every story whose parent is one of `epics`, in key order per query chunk.
    pub async fn stories_under_epics(&self, epics: &[String]) -> Result<Vec<JiraStory>, JiraError> {
        if epics.is_empty() {
            return Ok(Vec::new());
        }
        let points = self.story_points_field().await?;
        let mut out = Vec::new();
        for chunk in epics.chunks(self.config.keys_per_query.max(1)) {
            let jql = parent_jql(chunk);
            let mut cursor = Cursor::new(self.http.layer.limits());
            let mut token: Option<String> = None;
            loop {
                let page = self.search(&jql, &points, token.as_deref()).await?;
                out.extend(page.issues.iter().map(|i| self.story(i, &points)));
                token = cursor.advance(page.issues.len(), page.is_last, page.next_page_token)?;
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(out)
    }

    async fn search(
        &self,
        jql: &str,
        points: &str,
        token: Option<&str>,
    ) -> Result<SearchPage, JiraError> {
        let body = json!({
            "jql": jql,
            "fields": ["summary", "status", "assignee", "parent", points],
            "maxResults": self.config.page_size,
            "nextPageToken": token,
        });
        let json = self
            .http
            .send(Method::POST, "search/jql", Some(&body))
            .await?;
        serde_json::from_value(json).map_err(|e| JiraError::Decode {
            method: "POST".into(),
            path: SEARCH_PATH.into(),
            message: e.to_string(),
        })
    }

    fn story(&self, issue: &Issue, points: &str) -> JiraStory {
        let f = &issue.fields;
        let text = |v: Option<&Value>, key: &str| {
            v.and_then(|v| v.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let status = f.get("status");
        let mut story = JiraStory {
            epic: text(f.get("parent"), "key").unwrap_or_default(),
            status_category: text(status.and_then(|s| s.get("statusCategory")), "key"),
            story: Story {
                key: issue.key.clone(),
                url: Some(self.config.browse_url(&issue.key)),
                summary: f
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                status: text(status, "name"),
                assignee: text(f.get("assignee"), "displayName"),
                points: f.get(points).and_then(Value::as_f64).and_then(Effort::new),
                acceptance_criteria: Vec::new(),
            },
        };
        // The inbound boundary: Jira's values in the plan's normal form (values past a length
        // bound are cut visibly; the story carries no warnings, its summary shows the cut).
        let _cut = pi_model::inbound::story(&mut story.story);
        pi_model::inbound::clean_line(&mut story.epic, pi_model::inbound::MAX_NAME_CHARS);
        story
    }
}

/// The pages of one search: their number and the issues they bring are bounded by the
/// [`Limits`], and a `nextPageToken` may not come back (a cursor that repeats never ends).
struct Cursor<'a> {
    budget: PageBudget<'a>,
    seen: HashSet<String>,
}

impl<'a> Cursor<'a> {
    fn new(limits: &'a Limits) -> Self {
        Self {
            budget: PageBudget::new(limits, "the number of issues"),
            seen: HashSet::new(),
        }
    }

    /// After a page of `issues` issues: the token of the next page, `None` after the last.
    fn advance(
        &mut self,
        issues: usize,
        is_last: Option<bool>,
        next: Option<String>,
    ) -> Result<Option<String>, JiraError> {
        let next = match (is_last, next) {
            (Some(true), _) | (_, None) => return Ok(None),
            (_, Some(next)) => next,
        };
        self.budget
            .another(issues)
            .map_err(|x| HttpError::new(&Method::POST, SEARCH_PATH, ErrorKind::LimitExceeded(x)))?;
        if !self.seen.insert(next.clone()) {
            return Err(JiraError::Decode {
                method: "POST".into(),
                path: SEARCH_PATH.into(),
                message:
                    "nextPageToken came back to a page already read: the server's paging is broken"
                        .into(),
            });
        }
        Ok(Some(next))
    }
}

const SEARCH_PATH: &str = "/rest/api/3/search/jql";

/// `parent in ("A-1", "B-2") ORDER BY key ASC`, keys quoted with `"` and `\` escaped.
pub(crate) fn parent_jql(keys: &[String]) -> String {
    let quoted: Vec<String> = keys
        .iter()
        .map(|k| format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("parent in ({}) ORDER BY key ASC", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_ends_repeats_and_bounds() {
        let limits = Limits {
            max_pages: 3,
            max_items: 1000,
            ..Limits::default()
        };
        let mut c = Cursor::new(&limits);
        assert_eq!(
            c.advance(5, Some(false), Some("a".into())).unwrap(),
            Some("a".into())
        );
        assert!(matches!(
            c.advance(5, Some(false), Some("a".into())),
            Err(JiraError::Decode { .. })
        ));
        let mut c = Cursor::new(&limits);
        assert_eq!(c.advance(5, Some(true), Some("a".into())).unwrap(), None);
        assert_eq!(c.advance(5, None, None).unwrap(), None);
        let mut c = Cursor::new(&limits);
        for t in ["a", "b"] {
            assert!(c.advance(1, None, Some(t.into())).unwrap().is_some());
        }
        let err = c.advance(1, None, Some("c".into())).unwrap_err();
        assert!(err.to_string().contains("Limits::max_pages"), "{err}");
        let few = Limits {
            max_items: 10,
            ..Limits::default()
        };
        let err = Cursor::new(&few)
            .advance(10, None, Some("a".into()))
            .unwrap_err();
        assert!(err.to_string().contains("Limits::max_items"), "{err}");
    }

    #[test]
    fn builds_bounded_jql() {
        let keys = vec!["PIP-7".to_owned(), "X\"Y".to_owned()];
        assert_eq!(
            parent_jql(&keys),
            r#"parent in ("PIP-7", "X\"Y") ORDER BY key ASC"#
        );
    }
}
