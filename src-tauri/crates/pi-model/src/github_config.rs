//! `[github]` in `pi-planner.toml`: where `tpcli plan propose` opens its review pull requests —
//! the repository (`owner/name`), the REST API's root (github.com's, or an Enterprise Server's
//! `https://HOST/api/v3`) and the branch the pull requests target — and how their reviews count
//! as sign-offs: the approver's e-mail of each GitHub login, and whether an approving review
//! counts when given or once the pull request is merged. The token is never here: it
//! comes from `GITHUB_TOKEN` or the OS keychain.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, line_col};

/// github.com's REST API root.
pub const GITHUB_API_URL: &str = "https://api.github.com";

/// `[github]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubConfig {
    /// `owner/name` of the repository the plan's git remote is.
    pub repository: toml::Spanned<String>,
    /// The REST API root; default `https://api.github.com`.
    #[serde(default)]
    pub api_url: Option<toml::Spanned<String>>,
    /// The branch review pull requests target; default `main`.
    #[serde(default)]
    pub base: Option<toml::Spanned<String>>,
    /// GitHub login → the e-mail the approver is known by in `[approvals]`: an approving review
    /// by one of them is a sign-off; other logins' reviews are not.
    #[serde(default)]
    pub approvers: BTreeMap<String, String>,
    /// When an approving review counts; default when it is given.
    #[serde(default)]
    pub sign_off: SignOff,
}

/// `github.sign_off`: when an approving review of the plan's pull request counts as a sign-off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOff {
    /// As soon as it is given.
    #[default]
    Approval,
    /// Once the pull request is merged: the next sync after the merge takes its approvals in,
    /// and pushes the plan they approved.
    Merge,
}

impl GithubConfig {
    /// The repository's owner and name.
    pub fn owner_repo(&self) -> (&str, &str) {
        let text = self.repository.get_ref().trim();
        text.split_once('/').unwrap_or((text, ""))
    }

    /// The REST API root, without a trailing slash.
    pub fn api_url(&self) -> &str {
        self.api_url
            .as_ref()
            .map_or(GITHUB_API_URL, |u| u.get_ref().trim())
            .trim_end_matches('/')
    }

    /// The same settings against another REST API root (the app's demo: its simulator's).
    pub fn with_api_url(mut self, url: &str) -> Self {
        self.api_url = Some(toml::Spanned::new(0..0, url.to_owned()));
        self
    }

    /// The branch review pull requests target.
    pub fn base(&self) -> &str {
        self.base.as_ref().map_or("main", |b| b.get_ref().trim())
    }

    /// The approver's e-mail of GitHub login `login` (GitHub logins ignore case).
    pub fn approver_email(&self, login: &str) -> Option<&str> {
        self.approvers
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(login))
            .map(|(_, e)| e.trim())
    }

    /// Checks the values read from `text`, each error at its value.
    pub(crate) fn check(&self, text: &str) -> Result<(), ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            Err(ConfigError {
                line,
                column,
                message,
            })
        };
        let repo = self.repository.get_ref().trim();
        let part_ok = |p: &str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        if !matches!(repo.split_once('/'), Some((o, n)) if part_ok(o) && part_ok(n)) {
            return at(
                self.repository.span(),
                format!(
                    "github.repository: {repo:?} is not \"owner/name\" (e.g. \"acme/pi-plans\")"
                ),
            );
        }
        if let Some(url) = &self.api_url {
            let value = url.get_ref().trim();
            let rest = value.strip_prefix("https://").or_else(|| {
                value
                    .strip_prefix("http://")
                    .filter(|r| r.starts_with("127.0.0.1") || r.starts_with("localhost"))
            });
            let ok = rest.is_some_and(|r| {
                let host = r.split('/').next().unwrap_or_default();
                !host.is_empty() && !r.contains(['@', '?', '#']) && !r.contains(char::is_whitespace)
            });
            if !ok {
                return at(
                    url.span(),
                    format!(
                        "github.api_url: {value:?} is not an https URL of a GitHub REST API (\"https://api.github.com\", or \"https://HOST/api/v3\" for GitHub Enterprise Server)"
                    ),
                );
            }
        }
        if let Some(base) = &self.base {
            let value = base.get_ref().trim();
            let bad = value.is_empty()
                || value.starts_with('-')
                || value.contains("..")
                || value
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c));
            if bad {
                return at(
                    base.span(),
                    format!("github.base: {value:?} is not a branch name"),
                );
            }
        }
        for (login, email) in &self.approvers {
            let login_ok =
                !login.is_empty() && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            let email = email.trim();
            let email_ok = email.split_once('@').is_some_and(|(u, d)| {
                !u.is_empty() && !d.is_empty() && !email.contains(char::is_whitespace)
            });
            if !login_ok || !email_ok {
                let (line, column) = line_col(text, text.find(login.as_str()).unwrap_or(0));
                return Err(ConfigError {
                    line,
                    column,
                    message: format!(
                        "github.approvers: {login:?} = {email:?} is not a GitHub login and an e-mail (e.g. octocat = \"bo@example.com\")"
                    ),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::RepoConfig;

    #[test]
    fn reads_the_section_with_its_defaults() {
        let c = RepoConfig::from_toml_str("[github]\nrepository = \"acme/pi-plans\"\n").unwrap();
        let g = c.github.unwrap();
        assert_eq!(g.owner_repo(), ("acme", "pi-plans"));
        assert_eq!(g.api_url(), "https://api.github.com");
        assert_eq!(g.base(), "main");
        let c = RepoConfig::from_toml_str(
            "[github]\nrepository = \"acme/pi-plans\"\napi_url = \"https://git.acme.test/api/v3/\"\nbase = \"plans\"\n",
        )
        .unwrap();
        let g = c.github.unwrap();
        assert_eq!(g.api_url(), "https://git.acme.test/api/v3");
        assert_eq!(g.base(), "plans");
        assert_eq!(RepoConfig::from_toml_str("").unwrap().github, None);
        assert!(g.approvers.is_empty());
        assert_eq!(g.sign_off, super::SignOff::Approval);
        let c = RepoConfig::from_toml_str(
            "[github]\nrepository = \"a/b\"\nsign_off = \"merge\"\napprovers = { OctoCat = \"bo@example.com\" }\n",
        )
        .unwrap();
        let g = c.github.unwrap();
        assert_eq!(g.approver_email("octocat"), Some("bo@example.com"));
        assert_eq!(g.approver_email("hubot"), None);
        assert_eq!(g.sign_off, super::SignOff::Merge);
    }

    #[test]
    fn bad_values_are_refused_at_their_place() {
        let e = RepoConfig::from_toml_str("[github]\nrepository = \"pi-plans\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 14), "{e}");
        assert!(e.message.contains("owner/name"), "{e}");
        let e = RepoConfig::from_toml_str(
            "[github]\nrepository = \"a/b\"\napi_url = \"http://github.example.com\"\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 11), "{e}");
        let e = RepoConfig::from_toml_str("[github]\nrepository = \"a/b\"\nbase = \"a b\"\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (3, 8), "{e}");
        let e = RepoConfig::from_toml_str(
            "[github]\nrepository = \"a/b\"\napprovers = { octocat = \"not an e-mail\" }\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("github.approvers"), "{e}");
        let e = RepoConfig::from_toml_str("[github]\nrepository = \"a/b\"\ntoken = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }
}
