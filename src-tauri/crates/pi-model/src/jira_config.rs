//! `[jira]` in `pi-planner.toml`: where the plan's Jira is and how its fields are named.
//!
//! Fields are named by their display names, as an administrator sees them; the Jira client
//! resolves them to the instance's ids through the field list. Credentials never live here.

use serde::{Deserialize, Deserializer, Serialize};

use crate::Field;
use crate::lint::Tolerance;

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
    /// How far a feature's effort may be from its stories' points before lint reports it:
    /// `"20%"` (a share of the larger) or `3` / `"3"` (points); absent: 20%.
    #[serde(default, deserialize_with = "tolerance_text")]
    pub points_tolerance: Option<String>,
    /// The feature fields Jira owns (Targetprocess's own Jira integration writes them): push
    /// never sends them and lint never proposes an edit to them. Each one of `OWNABLE`.
    #[serde(default, deserialize_with = "owned_fields")]
    pub owns: Vec<Field>,
}

/// The feature fields `[jira] owns` may name, as written there.
pub(crate) const OWNABLE: [(&str, Field); 6] = [
    ("status", Field::Status),
    ("effort", Field::Effort),
    ("name", Field::Name),
    ("description", Field::Description),
    ("owner", Field::Owner),
    ("acceptance_criteria", Field::AcceptanceCriteria),
];

fn tolerance_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Whole(i64),
        Number(f64),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Text(t) => t,
        Raw::Whole(n) => n.to_string(),
        Raw::Number(n) => n.to_string(),
    };
    Tolerance::parse(&text).map_err(serde::de::Error::custom)?;
    Ok(Some(text.trim().to_owned()))
}

fn owned_fields<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Field>, D::Error> {
    let names = Vec::<String>::deserialize(d)?;
    let mut out = Vec::new();
    for name in names {
        let Some((_, field)) = OWNABLE.iter().find(|(n, _)| *n == name.trim()) else {
            let known: Vec<&str> = OWNABLE.iter().map(|(n, _)| *n).collect();
            return Err(serde::de::Error::custom(format!(
                "{name:?} is not a feature field Jira can own; write any of {}",
                known.join(", ")
            )));
        };
        if !out.contains(field) {
            out.push(*field);
        }
    }
    Ok(out)
}

impl JiraSettings {
    /// The tolerance of `points-vs-effort` (20% when not set).
    pub fn tolerance(&self) -> Tolerance {
        self.points_tolerance
            .as_deref()
            .and_then(|t| Tolerance::parse(t).ok())
            .unwrap_or_default()
    }

    /// Whether Jira owns the feature field `field`.
    pub fn owns(&self, field: Field) -> bool {
        self.owns.contains(&field)
    }

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
    use crate::lint::Tolerance;
    use crate::{Field, JiraDeployment, RepoConfig};

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

    #[test]
    fn reads_the_tolerance_and_the_fields_jira_owns() {
        let c = RepoConfig::from_toml_str(
            "[jira]\nurl = \"https://x.atlassian.net\"\npoints_tolerance = \"10%\"\nowns = [\"status\", \"acceptance_criteria\"]\n",
        )
        .unwrap();
        let j = c.jira.unwrap();
        assert_eq!(j.tolerance(), Tolerance::Percent(10.0));
        assert!(j.owns(Field::Status) && j.owns(Field::AcceptanceCriteria));
        assert!(!j.owns(Field::Effort));
        let points =
            RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\npoints_tolerance = 3\n")
                .unwrap();
        assert_eq!(points.jira.unwrap().tolerance(), Tolerance::Points(3.0));
        let plain = RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\n").unwrap();
        assert_eq!(plain.jira.unwrap().tolerance(), Tolerance::Percent(20.0));
    }

    #[test]
    fn refuses_a_bad_tolerance_or_owned_field_at_its_line() {
        let e =
            RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\npoints_tolerance = \"lots\"\n")
                .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("20%"), "{e}");
        let e = RepoConfig::from_toml_str("[jira]\nurl = \"https://x\"\npoints_tolerance = -2\n")
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = RepoConfig::from_toml_str(
            "[jira]\nurl = \"https://x\"\n\nowns = [\"status\", \"team\"]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(
            e.message.contains("\"team\"") && e.message.contains("effort"),
            "{e}"
        );
    }
}
