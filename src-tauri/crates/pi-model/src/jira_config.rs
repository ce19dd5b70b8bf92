//! `[jira]` in `pi-planner.toml`: where the plan's Jira is and how its fields are named.
//!
//! Fields are named by their display names, as an administrator sees them; the Jira client
//! resolves them to the instance's ids through the field list. Credentials never live here.

use serde::{Deserialize, Serialize};

/// Which kind of Jira the plan's issues live in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JiraDeployment {
    /// Jira Cloud (`*.atlassian.net`): REST v3, ADF, Basic auth with an e-mail and API token.
    Cloud,
    /// Jira Data Center or Server: REST v2, a personal access token as Bearer.
    Datacenter,
}

impl JiraDeployment {
    /// The word used in `pi-planner.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cloud => "cloud",
            Self::Datacenter => "datacenter",
        }
    }
}

/// `[jira]`: the Jira site the features' epics and their stories are read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JiraSettings {
    /// Site URL, e.g. `https://acme.atlassian.net` or `https://jira.example.com/jira`.
    pub url: String,
    /// `cloud` or `datacenter`; detected from the server's `serverInfo` when absent.
    #[serde(default)]
    pub deployment: Option<JiraDeployment>,
    /// Display name of the story points field (`"Story Points"`); absent: "Story Points", then
    /// "Story point estimate". A field id (`customfield_10016`) is taken as it is.
    #[serde(default)]
    pub story_points_field: Option<String>,
    /// Display name of Data Center's epic link field; absent: "Epic Link". Unused on Cloud,
    /// where a story's epic is its `parent`.
    #[serde(default)]
    pub epic_link_field: Option<String>,
}

impl JiraSettings {
    /// Why the settings cannot be used, if they cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        let url = self.url.trim();
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.len() <= "https://".len() {
            return Some(format!(
                "jira.url: {:?} is not a web address (expected https://your-site.atlassian.net or https://jira.example.com)",
                self.url
            ));
        }
        let blank = |v: &Option<String>| v.as_deref().is_some_and(|s| s.trim().is_empty());
        if blank(&self.story_points_field) {
            return Some(
                "jira.story_points_field: empty; leave it out to use \"Story Points\"".into(),
            );
        }
        if blank(&self.epic_link_field) {
            return Some("jira.epic_link_field: empty; leave it out to use \"Epic Link\"".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::{JiraDeployment, RepoConfig};

    #[test]
    fn reads_the_jira_section() {
        let c = RepoConfig::from_toml_str(
            "[jira]\nurl = \"https://jira.example.com\"\ndeployment = \"datacenter\"\n\
             story_points_field = \"Story Points\"\nepic_link_field = \"Epic Link\"\n",
        )
        .unwrap();
        let j = c.jira.unwrap();
        assert_eq!(j.deployment, Some(JiraDeployment::Datacenter));
        assert_eq!(j.story_points_field.as_deref(), Some("Story Points"));
        assert!(RepoConfig::from_toml_str("").unwrap().jira.is_none());
        let cloud =
            RepoConfig::from_toml_str("[jira]\nurl = \"https://a.atlassian.net\"\n").unwrap();
        assert_eq!(cloud.jira.unwrap().deployment, None);
    }

    #[test]
    fn refuses_bad_jira_settings_with_what_and_where() {
        let e = RepoConfig::from_toml_str("[jira]\nurl = \"ftp://x\"\n").unwrap_err();
        assert!(e.to_string().contains("jira.url"), "{e}");
        let e = RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\ndeployment = \"server\"\n")
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\npoints = 1\n").unwrap_err();
        assert!(e.to_string().contains("points"), "{e}");
        let e =
            RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\nstory_points_field = \" \"\n")
                .unwrap_err();
        assert!(e.to_string().contains("story_points_field"), "{e}");
        assert!(RepoConfig::from_toml_str("[jira]\ndeployment = \"cloud\"\n").is_err());
    }
}
