//! Decomposing a feature into Jira stories: one story per acceptance criterion (or per given
//! text), created under the feature's epic. The stories come back into the plan at the next
//! pull, like every story. `tpcli plan decompose` and the app's "Create stories from acceptance
//! criteria" both use it.
//!
//! Never a duplicate: each story carries a label of its own, `pi-planner-<hash of the feature's
//! id and the story's text>`, and before every create — first try or retry — Jira is searched
//! for that label; a story found is not created again. A journal,
//! `.git/pi-planner/decompose/<plan>.jsonl` (one JSON line per step: the marker, the text, the
//! state `planned`, `sent` or `done`, and the key once known; the last line of a marker counts),
//! is written before each create and after it, so a run cut short anywhere is continued by the
//! next, which reports what was already created.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use pi_jira::{JiraClient, JiraError, NewStory};
use pi_model::{EntityId, Feature, Plan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::workspace::Workspace;

/// Attempts per story: each begins with a search for the story's label.
const ATTEMPTS: usize = 3;

/// What a decompose did or will do (`tpcli plan decompose --json`).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DecomposeView {
    /// The feature's id, e.g. `tp:1041`.
    pub feature: String,
    pub feature_name: String,
    /// The epic's key the stories are under.
    pub epic: String,
    /// True with `--dry-run`: nothing was sent.
    pub dry_run: bool,
    /// One entry per story, in the order given.
    pub stories: Vec<StoryView>,
}

/// One story of a decompose.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct StoryView {
    /// The story's summary: the criterion's text or `--story`'s.
    pub text: String,
    /// The label that marks it in Jira, `pi-planner-<hash>`.
    pub marker: String,
    /// Its Jira key; null until created.
    pub key: Option<String>,
    pub result: StoryResult,
}

/// What became of a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoryResult {
    /// Still to create (`--dry-run`).
    ToCreate,
    /// Created by this run.
    Created,
    /// Created earlier (an earlier or interrupted run): not created again.
    AlreadyCreated,
}

/// Why a decompose did not start or did not finish.
#[derive(Debug, thiserror::Error)]
pub enum DecomposeError {
    #[error("the plan has no feature with the id or name {0:?}")]
    NoFeature(String),
    #[error("{} features are named {name:?} ({}); name one by its id", .ids.len(), .ids.join(", "))]
    Ambiguous { name: String, ids: Vec<String> },
    #[error("the feature {name:?} ({id}) names no Jira epic: add its epic's key first")]
    NoEpic { name: String, id: String },
    #[error(
        "the feature {name:?} ({id}) has no acceptance criteria to make stories of; write them, or name the stories with --story"
    )]
    NoStories { name: String, id: String },
    /// The journal could not be read or written.
    #[error("cannot {} {path}: {source}", if *.writing { "write" } else { "read" })]
    Journal {
        path: String,
        writing: bool,
        #[source]
        source: std::io::Error,
    },
    /// Jira failed or refused while a story was looked for or created: the stories before it
    /// stay created and the journal says so.
    #[error(
        "decompose stopped while {doing}: the story {text:?} ({marker}); run the same command again to continue — a story Jira already has is not created twice"
    )]
    Stopped {
        text: String,
        marker: String,
        doing: &'static str,
        #[source]
        source: Box<JiraError>,
    },
    #[error(transparent)]
    Engine(Box<crate::EngineError>),
}

impl From<crate::EngineError> for DecomposeError {
    fn from(e: crate::EngineError) -> Self {
        Self::Engine(Box::new(e))
    }
}

/// A story to create: its text, marker and what Jira is sent.
#[derive(Debug)]
struct Planned {
    text: String,
    marker: String,
    new: NewStory,
}

/// A journal line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    marker: String,
    feature: String,
    epic: String,
    text: String,
    state: State,
    key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum State {
    Planned,
    Sent,
    Done,
}

/// A decompose of one feature, planned from the plan file and the journal; [`Decomposition::send`]
/// creates the stories.
#[derive(Debug)]
pub struct Decomposition {
    feature: EntityId,
    stories: Vec<Planned>,
    journal: Journal,
    view: DecomposeView,
}

impl Decomposition {
    /// Plans the decompose of `wanted` (a feature's id such as `tp:1041`, or its name) in
    /// `plan`: one story per text of `texts`, or per acceptance criterion when `texts` is empty.
    /// Asks nothing of Jira; the journal of the plan in `ws` says which were created earlier.
    pub fn plan(
        ws: &Workspace,
        plan: &Plan,
        wanted: &str,
        texts: &[String],
    ) -> Result<Self, DecomposeError> {
        let feature = find_feature(plan, wanted)?;
        let epic = feature
            .jira
            .as_ref()
            .map(|j| j.key.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or_else(|| DecomposeError::NoEpic {
                name: feature.name.clone(),
                id: feature.id.to_string(),
            })?;
        let texts: Vec<String> = if texts.is_empty() {
            feature
                .acceptance_criteria
                .iter()
                .map(|c| c.text.clone())
                .collect()
        } else {
            texts.to_vec()
        };
        let stories = stories(feature, &epic, &texts);
        if stories.is_empty() {
            return Err(DecomposeError::NoStories {
                name: feature.name.clone(),
                id: feature.id.to_string(),
            });
        }
        let journal = Journal::open(&journal_path(ws))?;
        let view = DecomposeView {
            feature: feature.id.to_string(),
            feature_name: feature.name.clone(),
            epic,
            dry_run: true,
            stories: stories
                .iter()
                .map(|s| {
                    let done = journal.done(&s.marker);
                    StoryView {
                        text: s.text.clone(),
                        marker: s.marker.clone(),
                        result: if done.is_some() {
                            StoryResult::AlreadyCreated
                        } else {
                            StoryResult::ToCreate
                        },
                        key: done,
                    }
                })
                .collect(),
        };
        Ok(Self {
            feature: feature.id.clone(),
            stories,
            journal,
            view,
        })
    }

    /// What the decompose will do (before [`send`](Self::send)) or did (after).
    pub fn view(&self) -> &DecomposeView {
        &self.view
    }

    pub fn into_view(self) -> DecomposeView {
        self.view
    }

    /// Creates the stories not yet done, each after a search for its marker, journaling each
    /// step. `after_create` hears the number of creates sent so far, after each answer and
    /// before the journal records it.
    pub async fn send(
        &mut self,
        client: &JiraClient,
        after_create: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(), DecomposeError> {
        self.view.dry_run = false;
        let feature = self.feature.to_string();
        let entry = |s: &Planned, state: State, key: Option<String>| Entry {
            marker: s.marker.clone(),
            feature: feature.clone(),
            epic: s.new.epic.clone(),
            text: s.text.clone(),
            state,
            key,
        };
        for s in &self.stories {
            if self.journal.state(&s.marker).is_none() {
                self.journal.append(entry(s, State::Planned, None))?;
            }
        }
        let mut sent = 0;
        for (s, out) in self.stories.iter().zip(self.view.stories.iter_mut()) {
            if out.result == StoryResult::AlreadyCreated {
                continue;
            }
            for attempt in 1..=ATTEMPTS {
                let found = client
                    .keys_with_label(&s.marker)
                    .await
                    .map_err(|e| stopped(s, "looking for it in Jira", e))?;
                if let Some(key) = found.into_iter().next() {
                    self.journal
                        .append(entry(s, State::Done, Some(key.clone())))?;
                    out.key = Some(key);
                    out.result = if attempt == 1 {
                        StoryResult::AlreadyCreated
                    } else {
                        StoryResult::Created
                    };
                    break;
                }
                self.journal.append(entry(s, State::Sent, None))?;
                let answer = client.create_story(&s.new).await;
                sent += 1;
                after_create(sent);
                match answer {
                    Ok(created) => {
                        self.journal
                            .append(entry(s, State::Done, Some(created.key.clone())))?;
                        out.key = Some(created.key);
                        out.result = StoryResult::Created;
                        break;
                    }
                    Err(e) if worth_another_try(&e) && attempt < ATTEMPTS => {
                        tracing::warn!(marker = %s.marker, "create failed, looking for it: {e}");
                    }
                    Err(e) => return Err(stopped(s, "creating it", e)),
                }
            }
        }
        Ok(())
    }
}

fn stopped(s: &Planned, doing: &'static str, source: JiraError) -> DecomposeError {
    DecomposeError::Stopped {
        text: s.text.clone(),
        marker: s.marker.clone(),
        doing,
        source: Box::new(source),
    }
}

/// A failure after which the story may or may not be in Jira and Jira may answer next time.
fn worth_another_try(e: &JiraError) -> bool {
    matches!(
        e,
        JiraError::Network { .. } | JiraError::Server { .. } | JiraError::RateLimited { .. }
    )
}

/// The stories of `texts` (blank ones left out, repeats once), each with its marker.
fn stories(feature: &Feature, epic: &str, texts: &[String]) -> Vec<Planned> {
    let mut seen = HashSet::new();
    texts
        .iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .filter_map(|text| {
            let marker = marker(&feature.id, &text);
            seen.insert(marker.clone()).then(|| Planned {
                new: NewStory {
                    epic: epic.to_owned(),
                    summary: text.clone(),
                    description: format!(
                        "{text}\n\nFrom the feature \"{}\" ({}) of the PI plan.",
                        feature.name, feature.id
                    ),
                    labels: vec![marker.clone()],
                },
                text,
                marker,
            })
        })
        .collect()
}

/// `pi-planner-` and the first 12 hex digits of SHA-256 over the feature's id and the text.
pub fn marker(feature: &EntityId, text: &str) -> String {
    let digest = Sha256::digest(format!("{feature}\n{text}").as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("pi-planner-{hex}")
}

/// The feature named by id (`tp:1041`) or, failing that, by its name (ignoring case).
fn find_feature<'a>(plan: &'a Plan, wanted: &str) -> Result<&'a Feature, DecomposeError> {
    let wanted = wanted.trim();
    if let Ok(id) = wanted.parse::<EntityId>()
        && let Some((_, f)) = plan.features().find(|(_, f)| f.id == id)
    {
        return Ok(f);
    }
    let named: Vec<&Feature> = plan
        .features()
        .map(|(_, f)| f)
        .filter(|f| f.name.trim().eq_ignore_ascii_case(wanted))
        .collect();
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(DecomposeError::NoFeature(wanted.to_owned())),
        many => Err(DecomposeError::Ambiguous {
            name: wanted.to_owned(),
            ids: many.iter().map(|f| f.id.to_string()).collect(),
        }),
    }
}

/// `.git/pi-planner/decompose/<plan>.jsonl`.
fn journal_path(ws: &Workspace) -> PathBuf {
    ws.repo
        .git_dir()
        .join("pi-planner")
        .join("decompose")
        .join(format!("{}.jsonl", ws.names.plan_slug()))
}

/// The decompose journal: every line kept, the last of a marker its state.
#[derive(Debug)]
struct Journal {
    path: PathBuf,
    last: BTreeMap<String, Entry>,
    /// The file ends in a line cut short: the next line starts on a line of its own.
    cut: bool,
}

impl Journal {
    fn open(path: &Path) -> Result<Self, DecomposeError> {
        let mut last = BTreeMap::new();
        let mut cut = false;
        match std::fs::read_to_string(path) {
            Ok(text) => {
                cut = !text.is_empty() && !text.ends_with('\n');
                for (n, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    // A line cut short by a crash is the last one written: it is skipped.
                    match serde_json::from_str::<Entry>(line) {
                        Ok(e) => {
                            last.insert(e.marker.clone(), e);
                        }
                        Err(e) => tracing::warn!("{}:{}: skipped: {e}", path.display(), n + 1),
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(DecomposeError::Journal {
                    path: path.display().to_string(),
                    writing: false,
                    source,
                });
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            last,
            cut,
        })
    }

    fn state(&self, marker: &str) -> Option<State> {
        self.last.get(marker).map(|e| e.state)
    }

    /// The key of a story the journal has as created.
    fn done(&self, marker: &str) -> Option<String> {
        self.last
            .get(marker)
            .filter(|e| e.state == State::Done)
            .and_then(|e| e.key.clone())
    }

    /// Appends `entry` and flushes it to disk before returning.
    fn append(&mut self, entry: Entry) -> Result<(), DecomposeError> {
        let failed = |path: &Path, source| DecomposeError::Journal {
            path: path.display().to_string(),
            writing: true,
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| failed(dir, e))?;
        }
        let start = if self.cut { "\n" } else { "" };
        let json = serde_json::to_string(&entry).map_err(|e| failed(&self.path, e.into()))?;
        let line = format!("{start}{json}\n");
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut file| {
                file.write_all(line.as_bytes())?;
                file.sync_data()
            })
            .map_err(|e| failed(&self.path, e))?;
        self.cut = false;
        self.last.insert(entry.marker.clone(), entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn markers_are_per_feature_and_text() {
        let a = marker(&EntityId::Tp(1), "Pay");
        assert_eq!(a, marker(&EntityId::Tp(1), "Pay"));
        assert_ne!(a, marker(&EntityId::Tp(2), "Pay"));
        assert_ne!(a, marker(&EntityId::Tp(1), "Refund"));
        assert!(a.starts_with("pi-planner-") && a.len() == "pi-planner-".len() + 12);
        assert!(!a.contains(' '));
    }

    #[test]
    fn the_journal_keeps_the_last_state_and_skips_a_cut_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d").join("plan.jsonl");
        let mut j = Journal::open(&path).unwrap();
        let e = |state, key: Option<&str>| Entry {
            marker: "pi-planner-1".into(),
            feature: "tp:1".into(),
            epic: "A-1".into(),
            text: "Pay".into(),
            state,
            key: key.map(str::to_owned),
        };
        j.append(e(State::Planned, None)).unwrap();
        j.append(e(State::Sent, None)).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"{\"marker\":\"pi-pl").unwrap();
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.state("pi-planner-1"), Some(State::Sent));
        assert_eq!(j.done("pi-planner-1"), None);
        let mut j = j;
        j.append(e(State::Done, Some("A-2"))).unwrap();
        let j = Journal::open(&path).unwrap();
        assert_eq!(j.done("pi-planner-1").as_deref(), Some("A-2"));
    }
}
