//! `tpcli plan decompose FEATURE`: one Jira story per acceptance criterion of a feature (or per
//! `--story`), created under the feature's epic. The stories come back into the plan at the next
//! pull, like every story.
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

use anyhow::{Context as _, Result, anyhow, bail};
use clap::Args;
use pi_jira::{JiraClient, JiraError, NewStory};
use pi_model::{EntityId, Feature, Plan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::words::plural;
use super::{RepoArgs, block_on};
use crate::exit;

/// Attempts per story: each begins with a search for the story's label.
const ATTEMPTS: usize = 3;

/// Test hook: the process exits right after the answer to the N-th create it sent, before the
/// journal records it (a crash between Jira and the journal).
const EXIT_AFTER_CREATE: &str = "PI_PLANNER_TEST_EXIT_AFTER_CREATE";

/// Create one Jira story per acceptance criterion of a feature (or per --story) under its epic.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  tpcli plan decompose tp:1041 --dry-run
  tpcli plan decompose \"Checkout v2\"
  tpcli plan decompose tp:1041 --story \"Pay with a saved card\" --story \"Refund a payment\"

Each story gets the label pi-planner-<hash>; a story Jira already has is never created again,
and a run cut short is continued by the next (.git/pi-planner/decompose/). The stories appear
under the feature at the next `tpcli plan pull`.")]
pub struct DecomposeArgs {
    /// The feature: its id (tp:1041) or its name.
    #[arg(value_name = "FEATURE")]
    feature: String,
    /// One story per acceptance criterion of the feature (the default).
    #[arg(long, conflicts_with = "story")]
    from_criteria: bool,
    /// One story with this summary; repeat for more.
    #[arg(long = "story", value_name = "TEXT")]
    story: Vec<String>,
    /// Show the stories that would be created; send nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    repo: RepoArgs,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `tpcli plan decompose --json`.
#[derive(Debug, Serialize, JsonSchema)]
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
#[derive(Debug, Serialize, JsonSchema)]
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

pub fn run(args: DecomposeArgs) -> Result<u8> {
    let ws = pi_engine::Workspace::open(&args.repo.repo)?;
    let plan = ws.local()?;
    let feature = find_feature(&plan, &args.feature)?;
    let epic = feature
        .jira
        .as_ref()
        .map(|j| j.key.trim().to_owned())
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            anyhow!(
                "the feature {:?} ({}) names no Jira epic: add its epic's key first",
                feature.name,
                feature.id
            )
        })?;
    let texts = if args.story.is_empty() {
        feature
            .acceptance_criteria
            .iter()
            .map(|c| c.text.clone())
            .collect()
    } else {
        args.story.clone()
    };
    let stories = stories(feature, &epic, &texts);
    if stories.is_empty() {
        bail!(
            "the feature {:?} ({}) has no acceptance criteria to make stories of; write them, or name the stories with --story",
            feature.name,
            feature.id
        );
    }
    let mut journal = Journal::open(&journal_path(&ws)?)?;
    let mut view = DecomposeView {
        feature: feature.id.to_string(),
        feature_name: feature.name.clone(),
        epic: epic.clone(),
        dry_run: args.dry_run,
        stories: stories
            .iter()
            .map(|s| {
                let done = journal.done(&s.marker);
                StoryView {
                    text: s.text.clone(),
                    marker: s.marker.clone(),
                    key: done.clone(),
                    result: if done.is_some() {
                        StoryResult::AlreadyCreated
                    } else {
                        StoryResult::ToCreate
                    },
                }
            })
            .collect(),
    };
    if !args.json {
        print_preview(&view);
    }
    if !args.dry_run {
        let client = client(&ws)?;
        send(&client, &mut journal, feature, &stories, &mut view)?;
    }
    if args.json {
        crate::output::print(&view)?;
    } else if !args.dry_run {
        print_result(&view);
    }
    Ok(exit::OK)
}

/// A story to create: its text, marker and what Jira is sent.
struct Planned {
    text: String,
    marker: String,
    new: NewStory,
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
fn marker(feature: &EntityId, text: &str) -> String {
    let digest = Sha256::digest(format!("{feature}\n{text}").as_bytes());
    let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("pi-planner-{hex}")
}

/// The feature named by id (`tp:1041`) or, failing that, by its name (ignoring case).
fn find_feature<'a>(plan: &'a Plan, wanted: &str) -> Result<&'a Feature> {
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
        [] => bail!("the plan has no feature with the id or name {wanted:?}"),
        many => {
            let ids: Vec<String> = many.iter().map(|f| f.id.to_string()).collect();
            bail!(
                "{} features are named {wanted:?} ({}); name one by its id",
                many.len(),
                ids.join(", ")
            )
        }
    }
}

fn client(ws: &pi_engine::Workspace) -> Result<Box<JiraClient>> {
    match super::jira::access(ws)? {
        super::jira::Access::Client(c) => Ok(c),
        super::jira::Access::Off => {
            bail!("no [jira] in pi-planner.toml: decompose creates the stories in Jira")
        }
        super::jira::Access::Unusable(why) => match why {
            pi_engine::StoriesRefresh::NotRefreshed { detail, .. } => {
                bail!("no usable Jira connection: {detail}")
            }
            pi_engine::StoriesRefresh::Refreshed { .. } => bail!("no usable Jira connection"),
        },
    }
}

/// Creates the stories not yet done, each after a search for its marker, journaling each step.
fn send(
    client: &JiraClient,
    journal: &mut Journal,
    feature: &Feature,
    stories: &[Planned],
    view: &mut DecomposeView,
) -> Result<()> {
    let exit_after: Option<usize> = std::env::var(EXIT_AFTER_CREATE)
        .ok()
        .and_then(|n| n.parse().ok());
    let entry = |s: &Planned, state: State, key: Option<String>| Entry {
        marker: s.marker.clone(),
        feature: feature.id.to_string(),
        epic: s.new.epic.clone(),
        text: s.text.clone(),
        state,
        key,
    };
    for s in stories {
        if journal.state(&s.marker).is_none() {
            journal.append(entry(s, State::Planned, None))?;
        }
    }
    let mut sent = 0;
    for (s, out) in stories.iter().zip(view.stories.iter_mut()) {
        if out.result == StoryResult::AlreadyCreated {
            continue;
        }
        for attempt in 1..=ATTEMPTS {
            let found = block_on(client.keys_with_label(&s.marker))?
                .with_context(|| unfinished(s, "looking for it in Jira"))?;
            if let Some(key) = found.into_iter().next() {
                journal.append(entry(s, State::Done, Some(key.clone())))?;
                out.key = Some(key);
                out.result = if attempt == 1 {
                    StoryResult::AlreadyCreated
                } else {
                    StoryResult::Created
                };
                break;
            }
            journal.append(entry(s, State::Sent, None))?;
            let answer = block_on(client.create_story(&s.new))?;
            sent += 1;
            if exit_after == Some(sent) {
                std::process::exit(i32::from(exit::USAGE) + 7);
            }
            match answer {
                Ok(created) => {
                    journal.append(entry(s, State::Done, Some(created.key.clone())))?;
                    out.key = Some(created.key);
                    out.result = StoryResult::Created;
                    break;
                }
                Err(e) if worth_another_try(&e) && attempt < ATTEMPTS => {
                    tracing::warn!(marker = %s.marker, "create failed, looking for it: {e}");
                }
                Err(e) => return Err(anyhow::Error::new(e).context(unfinished(s, "creating it"))),
            }
        }
    }
    Ok(())
}

/// A failure after which the story may or may not be in Jira and Jira may answer next time.
fn worth_another_try(e: &JiraError) -> bool {
    matches!(
        e,
        JiraError::Network { .. } | JiraError::Server { .. } | JiraError::RateLimited { .. }
    )
}

fn unfinished(s: &Planned, doing: &str) -> String {
    format!(
        "decompose stopped while {doing}: the story {:?} ({}); run the same command again to continue — a story Jira already has is not created twice",
        s.text, s.marker
    )
}

fn print_preview(view: &DecomposeView) {
    let to_create: Vec<&StoryView> = view
        .stories
        .iter()
        .filter(|s| s.result == StoryResult::ToCreate)
        .collect();
    let feature = format!("{:?} ({})", view.feature_name, view.feature);
    if to_create.is_empty() {
        println!(
            "Nothing to create under {} for {feature}: every story was created earlier.",
            view.epic
        );
    } else {
        crate::term::line(format!(
            "Will create {} under {} for {feature}:",
            plural(to_create.len(), "story", "stories"),
            view.epic
        ));
        for s in &to_create {
            crate::term::line(format!("  - {}", s.text));
        }
    }
    print_already(view, |s| s.result == StoryResult::AlreadyCreated);
}

fn print_already(view: &DecomposeView, which: impl Fn(&StoryView) -> bool) {
    let already: Vec<&StoryView> = view.stories.iter().filter(|s| which(s)).collect();
    if already.is_empty() {
        return;
    }
    println!(
        "Already created earlier ({}):",
        plural(already.len(), "story", "stories")
    );
    for s in already {
        crate::term::line(format!("  {} {}", s.key.as_deref().unwrap_or("?"), s.text));
    }
}

fn print_result(view: &DecomposeView) {
    let created: Vec<&StoryView> = view
        .stories
        .iter()
        .filter(|s| s.result == StoryResult::Created)
        .collect();
    if !created.is_empty() {
        println!(
            "Created {} under {}:",
            plural(created.len(), "story", "stories"),
            view.epic
        );
        for s in &created {
            crate::term::line(format!("  {} {}", s.key.as_deref().unwrap_or("?"), s.text));
        }
    }
    println!("The stories appear under the feature at the next `tpcli plan pull`.");
}

/// `.git/pi-planner/decompose/<plan>.jsonl`.
fn journal_path(ws: &pi_engine::Workspace) -> Result<PathBuf> {
    Ok(ws
        .repo
        .git_dir()
        .join("pi-planner")
        .join("decompose")
        .join(format!("{}.jsonl", ws.names.plan_slug())))
}

/// The decompose journal: every line kept, the last of a marker its state.
struct Journal {
    path: PathBuf,
    last: BTreeMap<String, Entry>,
    /// The file ends in a line cut short: the next line starts on a line of its own.
    cut: bool,
}

impl Journal {
    fn open(path: &Path) -> Result<Self> {
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
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
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
    fn append(&mut self, entry: Entry) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        let start = if self.cut { "\n" } else { "" };
        let line = format!("{start}{}\n", serde_json::to_string(&entry)?);
        file.write_all(line.as_bytes())
            .and_then(|()| file.sync_data())
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        self.cut = false;
        self.last.insert(entry.marker.clone(), entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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
