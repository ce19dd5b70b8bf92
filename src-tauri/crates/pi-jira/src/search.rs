//! One search for the stories under a chunk of epics, paged to the end: Cloud's
//! `POST /rest/api/3/search/jql` follows `nextPageToken` until `isLast`; Data Center's
//! `POST /rest/api/2/search` moves `startAt` by the issues received until `total`. Neither
//! trusts the page size asked for (`maxResults` is a ceiling). Pages and issues are bounded by
//! the [`Limits`], and a cursor that comes back to a page already read is an error.

use std::collections::HashSet;

use pi_http::{ErrorKind, HttpError, PageBudget};
use pi_model::{Effort, JiraDeployment, Story};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{JiraClient, JiraStory, Resolved};
use crate::config::Limits;
use crate::error::JiraError;

/// The field ids a search asks for beyond the standard ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fields {
    pub points: String,
    /// Data Center's epic link field; `None` on Cloud (stories name their epic in `parent`).
    pub epic_link: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    issues: Vec<Issue>,
    #[serde(default, rename = "nextPageToken")]
    next_page_token: Option<String>,
    #[serde(default, rename = "isLast")]
    is_last: Option<bool>,
    #[serde(default)]
    total: Option<u64>,
}

#[derive(Deserialize)]
struct Issue {
    key: String,
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
}

pub(crate) struct Search<'a> {
    client: &'a JiraClient,
    resolved: &'a Resolved,
    jql: String,
    path: &'static str,
}

impl<'a> Search<'a> {
    pub(crate) fn new(client: &'a JiraClient, resolved: &'a Resolved, epics: &[String]) -> Self {
        let (jql, path) = match (&resolved.deployment, &resolved.fields.epic_link) {
            (JiraDeployment::Datacenter, Some(link)) => (in_jql(&jql_field(link), epics), DC_PATH),
            _ => (in_jql("parent", epics), CLOUD_PATH),
        };
        Self {
            client,
            resolved,
            jql,
            path,
        }
    }

    /// Every page of the search, mapped.
    pub(crate) async fn run(self) -> Result<Vec<JiraStory>, JiraError> {
        let mut out = Vec::new();
        let mut cursor = Cursor::new(self.client.http.layer.limits(), self.path);
        let mut at = Position::Start;
        loop {
            let page = self.page(&at).await?;
            let got = page.issues.len();
            out.extend(page.issues.iter().map(|i| self.story(i)));
            at = match cursor.advance(&at, got, page)? {
                Some(next) => next,
                None => return Ok(out),
            };
        }
    }

    async fn page(&self, at: &Position) -> Result<Page, JiraError> {
        let f = &self.resolved.fields;
        let mut fields = vec!["summary", "status", "assignee", "parent", f.points.as_str()];
        fields.extend(f.epic_link.as_deref());
        let mut body = json!({
            "jql": self.jql,
            "fields": fields,
            "maxResults": self.client.config.page_size,
        });
        match at {
            Position::Start if self.path == DC_PATH => body["startAt"] = 0.into(),
            Position::Start => {}
            Position::Token(t) => body["nextPageToken"] = t.as_str().into(),
            Position::Offset(o) => body["startAt"] = (*o).into(),
        }
        let rel = self.path.trim_start_matches("/rest/api/");
        let json = self
            .client
            .http
            .send(Method::POST, rel, Some(&body))
            .await?;
        serde_json::from_value(json).map_err(|e| JiraError::Decode {
            method: "POST".into(),
            path: self.path.into(),
            message: e.to_string(),
        })
    }

    fn story(&self, issue: &Issue) -> JiraStory {
        let f = &issue.fields;
        let text = |v: Option<&Value>, key: &str| {
            v.and_then(|v| v.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let status = f.get("status");
        let fields = &self.resolved.fields;
        let epic = match &fields.epic_link {
            Some(link) => f.get(link).and_then(Value::as_str).map(str::to_owned),
            None => text(f.get("parent"), "key"),
        };
        let mut story = JiraStory {
            epic: epic.unwrap_or_default(),
            story: Story {
                key: issue.key.clone(),
                url: Some(self.client.config.browse_url(&issue.key)),
                summary: f
                    .get("summary")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                status: text(status, "name"),
                status_category: text(status.and_then(|s| s.get("statusCategory")), "key"),
                assignee: text(f.get("assignee"), "displayName"),
                points: f
                    .get(&fields.points)
                    .and_then(Value::as_f64)
                    .and_then(Effort::new),
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

const CLOUD_PATH: &str = "/rest/api/3/search/jql";
const DC_PATH: &str = "/rest/api/2/search";

/// Where the next page starts.
#[derive(Debug, PartialEq, Eq)]
enum Position {
    Start,
    Token(String),
    Offset(u64),
}

/// The pages of one search: their number and the issues they bring are bounded by the
/// [`Limits`]; a `nextPageToken` may not come back, an offset must move forward.
struct Cursor<'a> {
    budget: PageBudget<'a>,
    seen: HashSet<String>,
    path: &'static str,
}

impl<'a> Cursor<'a> {
    fn new(limits: &'a Limits, path: &'static str) -> Self {
        Self {
            budget: PageBudget::new(limits, "the number of issues"),
            seen: HashSet::new(),
            path,
        }
    }

    /// After a page of `got` issues read at `at`: where the next page starts, `None` after
    /// the last.
    fn advance(
        &mut self,
        at: &Position,
        got: usize,
        page: Page,
    ) -> Result<Option<Position>, JiraError> {
        let next = if self.path == DC_PATH {
            let start = match at {
                Position::Offset(o) => *o,
                _ => 0,
            };
            let next = start + got as u64;
            // An empty page ends the search even when `total` promised more (issues deleted or
            // moved since the first page): there is nothing further to ask for.
            if got == 0 || next >= page.total.unwrap_or(0) {
                return Ok(None);
            }
            Position::Offset(next)
        } else {
            match (page.is_last, page.next_page_token) {
                (Some(true), _) | (_, None) => return Ok(None),
                (_, Some(token)) => {
                    if !self.seen.insert(token.clone()) {
                        return Err(self.broken());
                    }
                    Position::Token(token)
                }
            }
        };
        self.budget
            .another(got)
            .map_err(|x| HttpError::new(&Method::POST, self.path, ErrorKind::LimitExceeded(x)))?;
        Ok(Some(next))
    }

    fn broken(&self) -> JiraError {
        JiraError::Decode {
            method: "POST".into(),
            path: self.path.into(),
            message:
                "nextPageToken came back to a page already read: the server's paging is broken"
                    .into(),
        }
    }
}

/// A field in JQL: `cf[10014]` for a custom field id, else the name quoted.
fn jql_field(id: &str) -> String {
    match id.strip_prefix("customfield_") {
        Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => format!("cf[{n}]"),
        _ => quote(id),
    }
}

pub(crate) fn quote(v: &str) -> String {
    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `field in ("A-1", "B-2") ORDER BY key ASC`, keys quoted with `"` and `\` escaped: bounded.
pub(crate) fn in_jql(field: &str, keys: &[String]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| quote(k)).collect();
    format!("{field} in ({}) ORDER BY key ASC", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(issues: usize, is_last: Option<bool>, token: Option<&str>, total: Option<u64>) -> Page {
        Page {
            issues: (0..issues)
                .map(|i| Issue {
                    key: format!("A-{i}"),
                    fields: serde_json::Map::new(),
                })
                .collect(),
            next_page_token: token.map(str::to_owned),
            is_last,
            total,
        }
    }

    #[test]
    fn a_cursor_ends_repeats_and_bounds() {
        let limits = Limits {
            max_pages: 3,
            max_items: 1000,
            ..Limits::default()
        };
        let start = Position::Start;
        let mut c = Cursor::new(&limits, CLOUD_PATH);
        let next = c.advance(&start, 5, page(5, Some(false), Some("a"), None));
        assert_eq!(next.unwrap(), Some(Position::Token("a".into())));
        let again = c.advance(&start, 5, page(5, Some(false), Some("a"), None));
        assert!(matches!(again, Err(JiraError::Decode { .. })));
        let mut c = Cursor::new(&limits, CLOUD_PATH);
        assert_eq!(
            c.advance(&start, 5, page(5, Some(true), Some("a"), None))
                .unwrap(),
            None
        );
        assert_eq!(
            c.advance(&start, 5, page(5, None, None, None)).unwrap(),
            None
        );
        let mut c = Cursor::new(&limits, CLOUD_PATH);
        for t in ["a", "b"] {
            assert!(
                c.advance(&start, 1, page(1, None, Some(t), None))
                    .unwrap()
                    .is_some()
            );
        }
        let err = c
            .advance(&start, 1, page(1, None, Some("c"), None))
            .unwrap_err();
        assert!(err.to_string().contains("Limits::max_pages"), "{err}");
    }

    #[test]
    fn offsets_move_by_what_came_not_by_what_was_asked() {
        let limits = Limits::default();
        let mut c = Cursor::new(&limits, DC_PATH);
        let next = c.advance(&Position::Start, 2, page(2, None, None, Some(5)));
        assert_eq!(next.unwrap(), Some(Position::Offset(2)));
        let next = c.advance(&Position::Offset(2), 2, page(2, None, None, Some(5)));
        assert_eq!(next.unwrap(), Some(Position::Offset(4)));
        assert_eq!(
            c.advance(&Position::Offset(4), 1, page(1, None, None, Some(5)))
                .unwrap(),
            None
        );
        assert_eq!(
            c.advance(&Position::Offset(2), 0, page(0, None, None, Some(9)))
                .unwrap(),
            None
        );
    }

    #[test]
    fn builds_bounded_jql() {
        let keys = vec!["PIP-7".to_owned(), "X\"Y".to_owned()];
        assert_eq!(
            in_jql("parent", &keys),
            r#"parent in ("PIP-7", "X\"Y") ORDER BY key ASC"#
        );
        assert_eq!(jql_field("customfield_10014"), "cf[10014]");
        assert_eq!(jql_field("Epic Link"), "\"Epic Link\"");
    }
}
