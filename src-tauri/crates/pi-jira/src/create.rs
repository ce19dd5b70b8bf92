//! Creating a story under an epic, and finding issues by label — the two halves of an
//! idempotent create: the caller gives every new story a label of its own (a marker) and looks
//! for that label before each create, first try or retry.
//!
//! Cloud: `POST /rest/api/3/issue` with the description as an Atlassian Document and the epic as
//! `parent`. Data Center: `POST /rest/api/2/issue` with a plain-text description and the epic in
//! the epic link field (found by name in the field list, as for the search). The project is the
//! epic's (the key's prefix). A create is sent once: the shared layer repeats it only when the
//! server surely did not receive it.

use pi_model::JiraDeployment;
use serde_json::{Value, json};

use crate::client::{JiraClient, version};
use crate::error::JiraError;
use crate::search::quote;

/// Longest summary Jira accepts.
pub const MAX_SUMMARY_CHARS: usize = 255;

/// Issues asked for in a search by label: a marker names one issue, a few more show a duplicate.
const LABEL_SEARCH_MAX: u32 = 10;

/// A story to create under `epic`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStory {
    /// The epic's key, e.g. `ABC-12`; its project is the story's.
    pub epic: String,
    /// One line; cut to [`MAX_SUMMARY_CHARS`].
    pub summary: String,
    /// Plain text; paragraphs separated by blank lines.
    pub description: String,
    /// Labels without spaces (Jira refuses a label with one).
    pub labels: Vec<String>,
}

/// The issue Jira made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Created {
    pub key: String,
    pub id: String,
}

impl JiraClient {
    /// Creates `story` under its epic and returns the new issue's key. Not repeated on failure:
    /// whether a create whose answer was lost landed is for [`JiraClient::keys_with_label`] to
    /// say.
    pub async fn create_story(&self, story: &NewStory) -> Result<Created, JiraError> {
        let resolved = self.resolve().await?;
        let body = create_body(
            story,
            resolved.deployment,
            resolved.fields.epic_link.as_deref(),
        )?;
        let rel = format!("{}/issue", version(resolved.deployment));
        let answer = self.http.send_once(&rel, &body).await?;
        let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_owned);
        match (text("key"), text("id")) {
            (Some(key), Some(id)) => Ok(Created { key, id }),
            _ => Err(JiraError::Decode {
                method: "POST".into(),
                path: format!("/rest/api/{rel}"),
                message: "the answer to a create names no issue key and id".into(),
            }),
        }
    }

    /// The keys of the issues carrying `label` (`labels = "…"`, one bounded page), in key order.
    pub async fn keys_with_label(&self, label: &str) -> Result<Vec<String>, JiraError> {
        let resolved = self.resolve().await?;
        let jql = format!("labels = {} ORDER BY key ASC", quote(label));
        let (rel, mut body) = match resolved.deployment {
            JiraDeployment::Cloud => ("3/search/jql", json!({"jql": jql})),
            JiraDeployment::Datacenter => ("2/search", json!({"jql": jql, "startAt": 0})),
        };
        body["fields"] = json!(["summary", "labels"]);
        body["maxResults"] = LABEL_SEARCH_MAX.into();
        let answer = self
            .http
            .send(reqwest::Method::POST, rel, Some(&body))
            .await?;
        let issues = answer
            .get("issues")
            .and_then(Value::as_array)
            .ok_or_else(|| JiraError::Decode {
                method: "POST".into(),
                path: format!("/rest/api/{rel}"),
                message: "the search answer has no issues list".into(),
            })?;
        Ok(issues
            .iter()
            .filter_map(|i| i.get("key").and_then(Value::as_str).map(str::to_owned))
            .collect())
    }
}

/// The project of an issue key: `ABC` of `ABC-12`.
pub fn project_of(key: &str) -> Option<&str> {
    let (project, number) = key.trim().rsplit_once('-')?;
    let number_ok = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    (number_ok && !project.is_empty()).then_some(project)
}

/// The `{fields: …}` of a create in `deployment`'s form; `epic_link` is Data Center's field id.
fn create_body(
    story: &NewStory,
    deployment: JiraDeployment,
    epic_link: Option<&str>,
) -> Result<Value, JiraError> {
    let project = project_of(&story.epic).ok_or_else(|| JiraError::Validation {
        method: "POST".into(),
        path: "/rest/api/N/issue".into(),
        status: 400,
        message: format!("{:?} is not an issue key (PROJECT-123)", story.epic),
    })?;
    let summary: String = story
        .summary
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_SUMMARY_CHARS)
        .collect();
    let mut fields = json!({
        "project": {"key": project},
        "issuetype": {"name": "Story"},
        "summary": summary,
        "labels": story.labels,
    });
    match (deployment, epic_link) {
        (JiraDeployment::Datacenter, Some(link)) => {
            fields["description"] = story.description.clone().into();
            fields[link] = story.epic.clone().into();
        }
        _ => {
            fields["description"] = adf(&story.description);
            fields["parent"] = json!({"key": story.epic});
        }
    }
    Ok(json!({ "fields": fields }))
}

/// Plain text as an Atlassian Document: one paragraph per block of lines (blank lines between
/// blocks), line breaks within a block as `hardBreak`.
pub fn adf(text: &str) -> Value {
    let paragraphs: Vec<Value> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut content = Vec::new();
            for (n, line) in p.lines().enumerate() {
                if n > 0 {
                    content.push(json!({"type": "hardBreak"}));
                }
                if !line.is_empty() {
                    content.push(json!({"type": "text", "text": line}));
                }
            }
            json!({"type": "paragraph", "content": content})
        })
        .collect();
    json!({"type": "doc", "version": 1, "content": paragraphs})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> NewStory {
        NewStory {
            epic: "ABC-12".into(),
            summary: "  Pay with\ta card ".into(),
            description: "First\nsecond\n\nThird".into(),
            labels: vec!["pi-planner-0123abcd".into()],
        }
    }

    #[test]
    fn cloud_sends_adf_and_the_parent() {
        let body = create_body(&story(), JiraDeployment::Cloud, None).unwrap();
        let f = &body["fields"];
        assert_eq!(f["project"]["key"], "ABC");
        assert_eq!(f["issuetype"]["name"], "Story");
        assert_eq!(f["summary"], "Pay with a card");
        assert_eq!(f["parent"]["key"], "ABC-12");
        assert_eq!(f["labels"][0], "pi-planner-0123abcd");
        assert_eq!(f["description"]["type"], "doc");
        let paragraphs = f["description"]["content"].as_array().unwrap();
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[0]["content"][1]["type"], "hardBreak");
        assert_eq!(paragraphs[1]["content"][0]["text"], "Third");
    }

    #[test]
    fn data_center_sends_text_and_the_epic_link() {
        let body = create_body(
            &story(),
            JiraDeployment::Datacenter,
            Some("customfield_10014"),
        )
        .unwrap();
        let f = &body["fields"];
        assert_eq!(f["customfield_10014"], "ABC-12");
        assert_eq!(f["description"], "First\nsecond\n\nThird");
        assert!(f.get("parent").is_none());
    }

    #[test]
    fn summaries_are_cut_and_keys_checked() {
        let mut long = story();
        long.summary = "x".repeat(400);
        let body = create_body(&long, JiraDeployment::Cloud, None).unwrap();
        assert_eq!(
            body["fields"]["summary"].as_str().unwrap().len(),
            MAX_SUMMARY_CHARS
        );
        assert_eq!(project_of("ABC-12"), Some("ABC"));
        assert_eq!(project_of("MY-PROJ-7"), Some("MY-PROJ"));
        assert_eq!(project_of("ABC"), None);
        assert_eq!(project_of("ABC-"), None);
        let mut bad = story();
        bad.epic = "not a key".into();
        assert!(create_body(&bad, JiraDeployment::Cloud, None).is_err());
    }
}
