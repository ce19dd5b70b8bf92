//! Jira in the app: the connection (Connect screen, Settings), the "Out of sync" view's
//! findings and fixes (`pi_model::lint` through `pi_engine::lint`) and the stories created from
//! a feature's acceptance criteria (`pi_engine::decompose`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The Jira part of the Connect screen: the site and its credentials. The token goes to the OS
/// keychain only; `Debug` hides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JiraConnectRequest {
    /// The Jira site, e.g. `https://acme.atlassian.net`.
    pub url: String,
    /// The account's e-mail on Jira Cloud; empty for a Data Center personal access token.
    pub email: String,
    /// The API token (Cloud) or personal access token (Data Center).
    pub token: String,
}

impl std::fmt::Debug for JiraConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JiraConnectRequest")
            .field("url", &self.url)
            .field("email", &self.email)
            .field("token", &"<redacted>")
            .finish()
    }
}

/// A successful "Test connection" to Jira.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JiraCheckDto {
    /// The site, as kept (no user name, query or trailing `/`).
    pub url: String,
    /// "Jira Cloud" or "Jira Data Center".
    pub kind: String,
}

/// Which Jira the app reads stories from and creates them in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JiraStatusDto {
    /// The Jira site connected on this computer (its credentials in the keychain), if any.
    pub url: Option<String>,
    /// No Jira is connected, and the demo's own Jira is used.
    pub demo: bool,
}

/// One place where the plan and Jira disagree, with its fix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LintFindingDto {
    /// The finding's code, as `tpcli plan lint` prints it (`points-vs-effort`).
    pub code: String,
    /// The kind of finding in a few words ("Effort and story points differ").
    pub title: String,
    /// What is wrong, in words.
    pub message: String,
    pub objective: String,
    /// The feature's id (`tp:1041`).
    pub feature: String,
    pub feature_name: String,
    /// The feature's Jira epic, when it names one.
    pub epic: Option<String>,
    /// The stories concerned (keys).
    pub stories: Vec<String>,
    /// The fix, in words.
    pub fix: String,
    /// The fix is a plan edit the app can make ("Apply fix"); otherwise it is done in Jira or
    /// by hand.
    pub fixable: bool,
}

/// The "Out of sync" view: every finding, and whether Jira could be asked about the epics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LintDto {
    pub findings: Vec<LintFindingDto>,
    /// Why Jira was not asked which epics it lacks ("epic missing" not looked for), if it was
    /// not.
    pub epics_note: Option<String>,
    /// After "Apply fix": how many plan edits were made (saved as an edit of the plan, sent at
    /// the next push).
    pub fixed: Option<u32>,
}

/// "Apply fix": the fixes of one code, for one feature or for every feature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LintFixRequest {
    pub code: String,
    /// The feature's id; `None` fixes every finding of the code.
    pub feature: Option<String>,
}

/// "Create stories from acceptance criteria" for one feature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecomposeRequest {
    /// The feature's id (`tp:1041`).
    pub feature: String,
    /// Only say what would be created; send nothing.
    pub preview: bool,
}

/// What "Create stories" will do or did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecomposeDto {
    pub feature: String,
    pub feature_name: String,
    /// The epic the stories are under.
    pub epic: String,
    /// Nothing was sent (the preview).
    pub preview: bool,
    pub stories: Vec<DecomposeStoryDto>,
}

/// One story of a decompose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DecomposeStoryDto {
    /// Its summary: the criterion's text.
    pub text: String,
    /// Its Jira key once it exists.
    pub key: Option<String>,
    pub result: DecomposeResultDto,
}

/// What became of a story.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DecomposeResultDto {
    /// Still to create (the preview).
    ToCreate,
    /// Created now.
    Created,
    /// Created earlier: not created again.
    AlreadyCreated,
}

impl From<pi_engine::decompose::DecomposeView> for DecomposeDto {
    fn from(v: pi_engine::decompose::DecomposeView) -> Self {
        use pi_engine::decompose::StoryResult as R;
        Self {
            feature: v.feature,
            feature_name: v.feature_name,
            epic: v.epic,
            preview: v.dry_run,
            stories: v
                .stories
                .into_iter()
                .map(|s| DecomposeStoryDto {
                    text: s.text,
                    key: s.key,
                    result: match s.result {
                        R::ToCreate => DecomposeResultDto::ToCreate,
                        R::Created => DecomposeResultDto::Created,
                        R::AlreadyCreated => DecomposeResultDto::AlreadyCreated,
                    },
                })
                .collect(),
        }
    }
}

impl From<&pi_model::lint::LintFinding> for LintFindingDto {
    fn from(f: &pi_model::lint::LintFinding) -> Self {
        Self {
            code: f.code.as_str().to_owned(),
            title: title(f.code).to_owned(),
            message: f.message.clone(),
            objective: f.objective.clone(),
            feature: f.feature.to_string(),
            feature_name: f.feature_name.clone(),
            epic: f.epic.clone(),
            stories: f.stories.clone(),
            fix: f.fix.description.clone(),
            fixable: f.fix.edit.is_some(),
        }
    }
}

/// A finding's kind in planner words.
pub fn title(code: pi_model::lint::LintCode) -> &'static str {
    use pi_model::lint::LintCode as C;
    match code {
        C::FeatureDoneStoriesOpen => "Feature done, stories open",
        C::StoriesDoneFeatureOpen => "Stories done, feature open",
        C::PointsVsEffort => "Effort and story points differ",
        C::FeatureWithoutEpic => "No Jira epic",
        C::EpicMissing => "Epic not in Jira",
        C::StoriesWithoutPoints => "Stories without points",
        C::AcEmptyOnCommitted => "No acceptance criteria",
    }
}
