//! Stories under the features' Jira epics: read-only in the plan. A pull or init given a
//! [`StorySource`] reads, for every feature with a Jira key, the epic's stories and writes them
//! under the feature; the tracking snapshot keeps them, so they never count as a local change.
//! When Jira cannot be read the plan keeps the stories it had and the result says so
//! ([`StoriesRefresh::NotRefreshed`]). A story edited in the plan file is reported
//! ([`edited`]), replaced by Jira's at the next refresh, and never pushed: the push plan has no
//! operation for stories.
//!
//! It deliberately knows nothing of how Jira is reached: `pi_jira::JiraClient` implements the
//! source; tests give their own.

use std::collections::{BTreeMap, HashMap, HashSet};

use futures::future::BoxFuture;
use pi_jira::{JiraClient, JiraError, JiraStory};
use pi_model::{EntityId, Plan, Story};

/// Where stories come from: Jira in every real run.
pub trait StorySource: Send + Sync {
    /// Every story under one of `epics` (Jira keys), each with the epic it was found under.
    fn stories_under<'a>(
        &'a self,
        epics: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<JiraStory>, JiraError>>;

    /// Which of `epics` Jira has no issue for: an epic that is missing, unlike one that merely
    /// has no stories yet (a search alone cannot tell them apart).
    fn missing_epics<'a>(
        &'a self,
        epics: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, JiraError>>;
}

impl StorySource for JiraClient {
    fn stories_under<'a>(
        &'a self,
        epics: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<JiraStory>, JiraError>> {
        Box::pin(self.stories_under_epics(epics))
    }

    fn missing_epics<'a>(
        &'a self,
        epics: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<String>, JiraError>> {
        Box::pin(self.missing_issues(epics))
    }
}

/// The words of a refresh that did not happen because Jira could not be reached.
pub const UNREACHABLE: &str = "Jira unreachable: stories not refreshed";

/// What became of the stories in a pull or init that had a story source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum StoriesRefresh {
    /// The stories of `epics` epics were read from Jira: `stories` in all.
    Refreshed { epics: usize, stories: usize },
    /// Jira was not read; the plan keeps the stories it had. `message` says why in the
    /// planner's words ([`UNREACHABLE`] when Jira is down, throttling or refusing the
    /// credentials), `detail` is Jira's error (never a credential).
    NotRefreshed { message: String, detail: String },
}

impl StoriesRefresh {
    /// A refresh that did not happen, for `error`.
    pub fn failed(error: &JiraError) -> Self {
        let message = if error.is_unreachable() {
            UNREACHABLE.to_owned()
        } else {
            "Jira refused the story search: stories not refreshed".to_owned()
        };
        Self::NotRefreshed {
            message,
            detail: error.to_string(),
        }
    }

    /// The notice to show, when there is one.
    pub fn notice(&self) -> Option<&str> {
        match self {
            Self::Refreshed { .. } => None,
            Self::NotRefreshed { message, .. } => Some(message),
        }
    }
}

/// The stories read for a plan: per feature with a Jira key, the stories of its epic.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fetched {
    by_feature: HashMap<EntityId, Vec<Story>>,
}

/// Reads the stories of every feature of `plan` that has a Jira key. `None` without a source.
pub(crate) async fn fetch(
    source: Option<&dyn StorySource>,
    plan: &Plan,
) -> Option<(Fetched, StoriesRefresh)> {
    let source = source?;
    let keys: BTreeMap<EntityId, String> = plan
        .features()
        .filter_map(|(_, f)| Some((f.id.clone(), f.jira.as_ref()?.key.trim().to_owned())))
        .filter(|(_, key)| !key.is_empty())
        .collect();
    let epics: Vec<String> = keys
        .values()
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    match source.stories_under(&epics).await {
        Ok(found) => {
            let refresh = StoriesRefresh::Refreshed {
                epics: epics.len(),
                stories: found.len(),
            };
            let mut by_epic: HashMap<String, Vec<Story>> = HashMap::new();
            for s in found {
                by_epic.entry(s.epic).or_default().push(s.story);
            }
            for stories in by_epic.values_mut() {
                stories.sort_by(|a, b| key_order(&a.key, &b.key));
            }
            let by_feature = keys
                .into_iter()
                .map(|(id, key)| (id, by_epic.get(&key).cloned().unwrap_or_default()))
                .collect();
            Some((Fetched { by_feature }, refresh))
        }
        Err(e) => {
            tracing::warn!(error = %e, "{}", UNREACHABLE);
            Some((Fetched::default(), StoriesRefresh::failed(&e)))
        }
    }
}

/// `PIP-9` before `PIP-10`: Jira keys by project, then number.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |k: &str| {
        let (p, n) = k.rsplit_once('-').unwrap_or((k, ""));
        (
            p.to_owned(),
            n.parse::<u64>().unwrap_or(u64::MAX),
            k.to_owned(),
        )
    };
    split(a).cmp(&split(b))
}

/// Gives Targetprocess's fresh `plan` its stories: the features read from Jira get Jira's,
/// every other feature the stories `previous` (the last tracking snapshot) had for it.
pub(crate) fn settle(plan: &mut Plan, previous: &Plan, fetched: Option<&Fetched>) {
    let before: HashMap<&EntityId, &Vec<Story>> = previous
        .features()
        .map(|(_, f)| (&f.id, &f.stories))
        .collect();
    for f in plan
        .objectives
        .iter_mut()
        .flat_map(|o| o.features.iter_mut())
    {
        let read = fetched.and_then(|x| x.by_feature.get(&f.id));
        if let Some(stories) = read.or_else(|| before.get(&f.id).copied()) {
            f.stories.clone_from(stories);
        }
    }
}

/// Puts the stories read from Jira on the merged plan's features: the plan file follows Jira,
/// a local edit of a story is undone. Features Jira was not read for keep theirs.
pub(crate) fn apply(merged: &mut Plan, fetched: &Fetched) {
    for f in merged
        .objectives
        .iter_mut()
        .flat_map(|o| o.features.iter_mut())
    {
        if let Some(stories) = fetched.by_feature.get(&f.id) {
            f.stories.clone_from(stories);
        }
    }
}

/// Stories of one feature that the plan file holds otherwise than the last snapshot.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct EditedStories {
    pub feature: EntityId,
    pub feature_name: String,
    /// The keys of the stories edited, added or removed in the file.
    pub keys: Vec<String>,
}

/// The stories edited in `local` against the snapshot `base`: read-only, they are not pushed
/// and the next refresh from Jira replaces them. Features only one side has are not compared.
pub fn edited(base: &Plan, local: &Plan) -> Vec<EditedStories> {
    let before: HashMap<&EntityId, &Vec<Story>> =
        base.features().map(|(_, f)| (&f.id, &f.stories)).collect();
    local
        .features()
        .filter_map(|(_, f)| {
            let was = before.get(&f.id)?;
            let keys = changed_keys(was, &f.stories);
            (!keys.is_empty()).then(|| EditedStories {
                feature: f.id.clone(),
                feature_name: f.name.clone(),
                keys,
            })
        })
        .collect()
}

fn changed_keys(was: &[Story], now: &[Story]) -> Vec<String> {
    let old: HashMap<&str, &Story> = was.iter().map(|s| (s.key.as_str(), s)).collect();
    let new: HashMap<&str, &Story> = now.iter().map(|s| (s.key.as_str(), s)).collect();
    let mut keys: Vec<String> = old
        .keys()
        .chain(new.keys())
        .copied()
        .collect::<HashSet<&str>>()
        .into_iter()
        .filter(|k| old.get(k) != new.get(k))
        .map(str::to_owned)
        .collect();
    keys.sort_by(|a, b| key_order(a, b));
    keys
}

#[cfg(test)]
mod tests;
