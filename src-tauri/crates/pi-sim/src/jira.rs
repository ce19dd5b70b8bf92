//! The simulated Jira Cloud side: issues (epics linked to TP features by key, stories under
//! them), a fixed three-status workflow with transitions, a story points custom field, and the
//! bounded JQL subset PI Planner uses.
//!
//! Wire rendering and HTTP live in `routes::jira`; this is data and JQL only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The story points custom field (found by name through `GET /rest/api/N/field`): Cloud's
/// (id, name), then Data Center's.
const STORY_POINTS_CLOUD: (&str, &str) = ("customfield_10016", "Story point estimate");
const STORY_POINTS_DC: (&str, &str) = ("customfield_10106", "Story Points");
/// Data Center's epic link field: its value on a story is the epic's key.
pub const EPIC_LINK_FIELD: &str = "customfield_10014";
pub const EPIC_LINK_NAME: &str = "Epic Link";

/// The story points field (id, display name) of Cloud or (`dc`) Data Center.
pub fn points_field(dc: bool) -> (&'static str, &'static str) {
    if dc {
        STORY_POINTS_DC
    } else {
        STORY_POINTS_CLOUD
    }
}

/// The workflow: (status id, name, category key, category id, category name).
pub const STATUSES: [(&str, &str, &str, u32, &str); 3] = [
    ("10000", "To Do", "new", 2, "To Do"),
    ("3", "In Progress", "indeterminate", 4, "In Progress"),
    ("10001", "Done", "done", 3, "Done"),
];

/// Transitions: (transition id, name, target status id). Each is available from any other status.
pub const TRANSITIONS: [(&str, &str, &str); 3] = [
    ("11", "To Do", "10000"),
    ("21", "Start progress", "3"),
    ("31", "Done", "10001"),
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JiraIssue {
    pub id: String,
    pub key: String,
    pub project: String,
    /// `Epic` or `Story`.
    pub issue_type: String,
    pub summary: String,
    /// Plain text; served as an ADF document.
    pub description: String,
    pub status_id: String,
    pub parent: Option<String>,
    pub labels: Vec<String>,
    pub story_points: Option<f64>,
    /// (accountId, displayName)
    pub assignee: Option<(String, String)>,
    pub created: i64,
    pub updated: i64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct JiraStore {
    pub issues: BTreeMap<String, JiraIssue>,
}

impl JiraStore {
    pub fn get(&self, key_or_id: &str) -> Option<&JiraIssue> {
        self.issues
            .get(key_or_id)
            .or_else(|| self.issues.values().find(|i| i.id == key_or_id))
    }
}

/// `PROJ-12` → ("PROJ", 12) so keys sort like Jira sorts them.
pub fn key_order(key: &str) -> (String, u64) {
    let (p, n) = key.rsplit_once('-').unwrap_or((key, "0"));
    (p.to_owned(), n.parse().unwrap_or(0))
}

/// One restriction of the supported JQL subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    Project(String),
    Parent(Vec<String>),
    Key(Vec<String>),
    Label(String),
}

/// Parses `clause AND clause ... [ORDER BY key ASC|DESC]`. Unbounded queries (no clause) and
/// anything outside the subset are errors (Jira answers 400). Returns clauses and "descending".
pub fn parse_jql(jql: &str) -> Result<(Vec<Clause>, bool), String> {
    let (body, desc) = split_order(jql)?;
    let mut clauses = Vec::new();
    for part in split_and(&body) {
        clauses.push(clause(part.trim())?);
    }
    if clauses.is_empty() {
        return Err("Unbounded JQL queries are not allowed here. Please add a search restriction to your query.".into());
    }
    Ok((clauses, desc))
}

fn split_order(jql: &str) -> Result<(String, bool), String> {
    let lower = jql.to_ascii_lowercase();
    let Some(at) = lower.find("order by") else {
        return Ok((jql.to_owned(), false));
    };
    let order: Vec<String> = lower[at + 8..]
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let desc = match order
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["key"] | ["key", "asc"] => false,
        ["key", "desc"] => true,
        _ => {
            return Err(format!(
                "Unsupported ORDER BY in '{jql}': only 'ORDER BY key [ASC|DESC]'"
            ));
        }
    };
    Ok((jql[..at].to_owned(), desc))
}

fn split_and(body: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = body.trim();
    while !rest.is_empty() {
        let lower = rest.to_ascii_lowercase();
        match lower.find(" and ") {
            Some(i) => {
                parts.push(&rest[..i]);
                rest = rest[i + 5..].trim();
            }
            None => {
                parts.push(rest);
                rest = "";
            }
        }
    }
    parts
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    v.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v)
        .to_owned()
}

fn clause(part: &str) -> Result<Clause, String> {
    let lower = part.to_ascii_lowercase();
    let field_end = match lower.strip_prefix('"') {
        Some(quoted) => quoted.find('"').map_or(lower.len(), |i| i + 2),
        None => lower.find([' ', '=']).unwrap_or(lower.len()),
    };
    let field = &lower[..field_end];
    let rest = part[field_end..].trim();
    let rest_lower = rest.to_ascii_lowercase();
    let list = || -> Result<Vec<String>, String> {
        let inner = rest[2..].trim();
        let inner = inner
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .ok_or_else(|| format!("Expected a list in '{part}'"))?;
        Ok(inner
            .split(',')
            .map(unquote)
            .filter(|s| !s.is_empty())
            .collect())
    };
    let single = || {
        rest.strip_prefix('=')
            .map(unquote)
            .filter(|s| !s.is_empty())
    };
    match field {
        "project" => single().map(Clause::Project),
        "parent" | "\"epic link\"" | "cf[10014]" if rest_lower.starts_with("in") => {
            Some(Clause::Parent(list()?))
        }
        "\"epic link\"" | "cf[10014]" => single().map(|p| Clause::Parent(vec![p])),
        "parent" => single().map(|p| Clause::Parent(vec![p])),
        "key" | "issuekey" if rest_lower.starts_with("in") => Some(Clause::Key(list()?)),
        "key" | "issuekey" => single().map(|k| Clause::Key(vec![k])),
        "labels" => single().map(Clause::Label),
        _ => None,
    }
    .ok_or_else(|| format!("Error in the JQL Query: unsupported clause '{part}'"))
}

/// The issues matching every clause, in key order (reversed when `desc`).
pub fn search<'a>(store: &'a JiraStore, clauses: &[Clause], desc: bool) -> Vec<&'a JiraIssue> {
    let mut hits: Vec<&JiraIssue> = store
        .issues
        .values()
        .filter(|i| matches(i, clauses))
        .collect();
    hits.sort_by_key(|i| key_order(&i.key));
    if desc {
        hits.reverse();
    }
    hits
}

/// True when the issue satisfies every clause.
pub fn matches(issue: &JiraIssue, clauses: &[Clause]) -> bool {
    let has = |list: &[String], v: &str| list.iter().any(|x| x.eq_ignore_ascii_case(v));
    clauses.iter().all(|c| match c {
        Clause::Project(p) => issue.project.eq_ignore_ascii_case(p),
        Clause::Parent(ps) => issue.parent.as_deref().is_some_and(|p| has(ps, p)),
        Clause::Key(ks) => has(ks, &issue.key) || has(ks, &issue.id),
        Clause::Label(l) => issue.labels.iter().any(|x| x == l),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_subset() {
        let (c, desc) =
            parse_jql("project = PIP AND labels = \"pi-26.1\" ORDER BY key ASC").unwrap();
        assert_eq!(
            c,
            vec![
                Clause::Project("PIP".into()),
                Clause::Label("pi-26.1".into())
            ]
        );
        assert!(!desc);
        let (c, desc) = parse_jql("parent in (ORB-1, \"ORB-2\") order by key desc").unwrap();
        assert_eq!(
            c,
            vec![Clause::Parent(vec!["ORB-1".into(), "ORB-2".into()])]
        );
        assert!(desc);
        let (c, _) = parse_jql("key in (A-1,A-2) and parent = A-0").unwrap();
        assert_eq!(c.len(), 2);
        let epic = vec![Clause::Parent(vec!["A-1".into(), "A-2".into()])];
        let (c, _) = parse_jql("\"Epic Link\" in (\"A-1\", \"A-2\") ORDER BY key ASC").unwrap();
        assert_eq!(c, epic);
        let (c, _) = parse_jql("cf[10014] in (A-1, A-2)").unwrap();
        assert_eq!(c, epic);
    }

    #[test]
    fn rejects_unbounded_and_unknown() {
        assert!(
            parse_jql("ORDER BY key ASC")
                .unwrap_err()
                .contains("Unbounded")
        );
        assert!(parse_jql("").is_err());
        assert!(parse_jql("assignee = me").is_err());
        assert!(parse_jql("project = A ORDER BY created").is_err());
        assert!(parse_jql("project = ").is_err());
    }

    #[test]
    fn keys_sort_numerically() {
        let mut keys = vec!["A-10", "A-9", "B-1"];
        keys.sort_by_key(|k| key_order(k));
        assert_eq!(keys, vec!["A-9", "A-10", "B-1"]);
    }
}
