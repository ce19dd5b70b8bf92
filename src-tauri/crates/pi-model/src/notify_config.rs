//! `[notify]` in `pi-planner.toml`: which events reach which channels (Slack, e-mail), the Slack
//! channel per event, the e-mail recipients and the SMTP server.
//!
//! Secrets never live here: a Slack webhook URL or bot token and an SMTP password come from the
//! environment or the OS keychain. A value that looks like one is refused with its place in the
//! file, so that it never gets committed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{ConfigError, line_col};

/// Something worth telling the team about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyEvent {
    /// A pull finished (its summary).
    Pull,
    /// A push finished (its summary).
    Push,
    /// A pull or resolve left conflicts to resolve.
    Conflict,
    /// A pull, push or resolve failed.
    Failure,
    /// An approval was given to a change set.
    ApprovalGiven,
    /// A change set's approvals no longer match it.
    ApprovalStale,
    /// The daily digest of the team's plan changes.
    Digest,
    /// A failure streak or a conflict spike reached its `[alerts]` threshold.
    Alert,
}

impl NotifyEvent {
    pub const ALL: [NotifyEvent; 8] = [
        Self::Pull,
        Self::Push,
        Self::Conflict,
        Self::Failure,
        Self::ApprovalGiven,
        Self::ApprovalStale,
        Self::Digest,
        Self::Alert,
    ];

    /// The word used in `pi-planner.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pull => "pull",
            Self::Push => "push",
            Self::Conflict => "conflict",
            Self::Failure => "failure",
            Self::ApprovalGiven => "approval_given",
            Self::ApprovalStale => "approval_stale",
            Self::Digest => "digest",
            Self::Alert => "alert",
        }
    }
}

/// Where an event can be sent. The desktop app shows its own notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyChannel {
    Slack,
    Email,
    Desktop,
}

/// `[notify]`: off unless events are routed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// `[notify.events]`: `conflict = ["slack", "email"]`; an event left out goes nowhere.
    pub events: BTreeMap<NotifyEvent, Vec<NotifyChannel>>,
    pub slack: Option<SlackSettings>,
    pub email: Option<EmailSettings>,
}

/// `[notify.slack]`: the secret (webhook URL or bot token) comes from the environment or keychain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlackSettings {
    /// Channel of every event when posting with a bot token (`#pi-planning` or an id).
    pub channel: Option<String>,
    /// A channel per event with a bot token: `channels = { conflict = "#pi-alerts" }`.
    pub channels: BTreeMap<NotifyEvent, String>,
    /// Slack's Web API root (default `https://slack.com/api/`).
    pub api_url: Option<String>,
    /// Refused: the webhook URL is a secret (`PI_SLACK_WEBHOOK_URL` or the keychain).
    pub webhook_url: Option<toml::Spanned<String>>,
    /// Refused: the bot token is a secret (`PI_SLACK_BOT_TOKEN` or the keychain).
    pub bot_token: Option<toml::Spanned<String>>,
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (submission port 587). Required, never skipped.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a server on this machine (127.0.0.1, ::1, localhost).
    Plain,
}

impl SmtpSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            Self::Starttls => 587,
            Self::Tls => 465,
            Self::Plain => 25,
        }
    }
}

/// `[notify.email]`: recipients and the SMTP server; the password comes from the environment or
/// keychain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// Sender, e.g. `PI Planner <pi-planner@example.com>`.
    pub from: String,
    /// Recipients of every event routed to e-mail.
    pub to: Vec<String>,
    /// Recipients per event instead of `to`: `recipients = { digest = ["rte@example.com"] }`.
    pub recipients: BTreeMap<NotifyEvent, Vec<String>>,
    pub host: String,
    /// Default: 587 for STARTTLS, 465 for TLS, 25 for plain.
    pub port: Option<u16>,
    pub security: SmtpSecurity,
    /// SMTP login; with it, the password is required (`PI_SMTP_PASSWORD` or the keychain).
    pub user: Option<String>,
    /// Refused: the password is a secret.
    pub password: Option<toml::Spanned<String>>,
}

impl EmailSettings {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or_else(|| self.security.default_port())
    }

    /// The recipients of `event`.
    pub fn recipients_of(&self, event: NotifyEvent) -> &[String] {
        self.recipients.get(&event).map_or(&self.to, Vec::as_slice)
    }
}

impl NotifyConfig {
    /// The channels `event` is routed to.
    pub fn channels_of(&self, event: NotifyEvent) -> &[NotifyChannel] {
        self.events.get(&event).map_or(&[], Vec::as_slice)
    }

    /// Why the section cannot be used, located in `text`.
    pub(crate) fn problem(&self, text: &str) -> Option<ConfigError> {
        self.secret_in_file(text)
            .or_else(|| self.missing_channel_settings())
            .or_else(|| self.slack.as_ref().and_then(SlackSettings::problem))
            .or_else(|| self.email.as_ref().and_then(EmailSettings::problem))
    }

    fn secret_in_file(&self, text: &str) -> Option<ConfigError> {
        let slack = self.slack.as_ref();
        let found = [
            (
                slack.and_then(|s| s.webhook_url.as_ref()),
                "notify.slack.webhook_url",
                "PI_SLACK_WEBHOOK_URL",
            ),
            (
                slack.and_then(|s| s.bot_token.as_ref()),
                "notify.slack.bot_token",
                "PI_SLACK_BOT_TOKEN",
            ),
            (
                self.email.as_ref().and_then(|e| e.password.as_ref()),
                "notify.email.password",
                "PI_SMTP_PASSWORD",
            ),
        ];
        let (value, key, var) = found.into_iter().find_map(|(v, k, e)| Some((v?, k, e)))?;
        let (line, column) = line_col(text, value.span().start);
        Some(ConfigError {
            line,
            column,
            message: format!(
                "{key}: secrets are never kept in pi-planner.toml (it is committed); remove it and set {var} or keep it in the OS keychain (see docs/integrations.md)"
            ),
        })
    }

    fn missing_channel_settings(&self) -> Option<ConfigError> {
        let routed = |c: NotifyChannel| self.events.values().flatten().any(|x| *x == c);
        let message = if routed(NotifyChannel::Email) && self.email.is_none() {
            "notify.events: an event goes to \"email\" but there is no [notify.email] (host, from, to)"
        } else if routed(NotifyChannel::Slack) && self.slack.is_none() {
            "notify.events: an event goes to \"slack\" but there is no [notify.slack] (an empty section is enough with a webhook)"
        } else {
            return None;
        };
        Some(top(message.to_owned()))
    }
}

fn top(message: String) -> ConfigError {
    ConfigError {
        line: 1,
        column: 1,
        message,
    }
}

/// A value that looks like a Slack secret (a webhook URL or a token).
pub fn looks_like_slack_secret(value: &str) -> bool {
    let v = value.trim();
    v.contains("hooks.slack.com/")
        || ["xoxb-", "xoxp-", "xoxa-", "xoxe-"]
            .iter()
            .any(|p| v.starts_with(p))
}

impl SlackSettings {
    fn problem(&self) -> Option<ConfigError> {
        let named = self
            .channel
            .iter()
            .map(|c| ("notify.slack.channel".to_owned(), c));
        let per_event = self
            .channels
            .iter()
            .map(|(e, c)| (format!("notify.slack.channels.{}", e.as_str()), c));
        for (key, channel) in named.chain(per_event) {
            if looks_like_slack_secret(channel) {
                return Some(top(format!(
                    "{key}: looks like a webhook URL or token; secrets are never kept in pi-planner.toml, set PI_SLACK_WEBHOOK_URL or PI_SLACK_BOT_TOKEN"
                )));
            }
            if channel.trim().is_empty() || channel.contains(char::is_whitespace) {
                return Some(top(format!(
                    "{key}: {channel:?} is not a channel name (expected e.g. \"#pi-planning\" or a channel id)"
                )));
            }
        }
        let api = self.api_url.as_deref().map(str::trim);
        if let Some(api) = api
            && !(api.starts_with("https://") || api.starts_with("http://"))
        {
            return Some(top(format!(
                "notify.slack.api_url: {api:?} is not a web address (expected https://slack.com/api/)"
            )));
        }
        None
    }
}

impl EmailSettings {
    fn problem(&self) -> Option<ConfigError> {
        let bad_address = |a: &str| {
            let a = a.trim();
            let inner = a
                .rsplit_once('<')
                .map_or(a, |(_, r)| r.trim_end_matches('>'));
            !inner
                .split_once('@')
                .is_some_and(|(u, d)| !u.is_empty() && d.contains('.') || d == "localhost")
        };
        if self.host.trim().is_empty() {
            return Some(top(
                "notify.email.host: missing (the SMTP server, e.g. \"smtp.example.com\")".into(),
            ));
        }
        if bad_address(&self.from) {
            return Some(top(format!(
                "notify.email.from: {:?} is not an e-mail address (expected e.g. \"PI Planner <pi-planner@example.com>\")",
                self.from
            )));
        }
        let all = self
            .to
            .iter()
            .map(|a| ("notify.email.to".to_owned(), a))
            .chain(self.recipients.iter().flat_map(|(e, v)| {
                v.iter()
                    .map(move |a| (format!("notify.email.recipients.{}", e.as_str()), a))
            }));
        for (key, address) in all {
            if bad_address(address) {
                return Some(top(format!("{key}: {address:?} is not an e-mail address")));
            }
        }
        if self.security == SmtpSecurity::Plain && !is_loopback(&self.host) {
            return Some(top(format!(
                "notify.email.security: \"plain\" sends mail unencrypted and is only allowed to this machine (127.0.0.1, ::1, localhost), not {:?}; use \"starttls\" or \"tls\"",
                self.host
            )));
        }
        None
    }
}

/// Whether `host` is this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RepoConfig;

    const FULL: &str = r##"
[notify.events]
pull = ["slack"]
conflict = ["slack", "email"]
failure = ["email"]
digest = ["email"]

[notify.slack]
channel = "#pi-planning"
channels = { conflict = "#pi-alerts" }

[notify.email]
from = "PI Planner <pi@example.com>"
to = ["team@example.com"]
recipients = { digest = ["rte@example.com"] }
host = "smtp.example.com"
user = "pi@example.com"
"##;

    #[test]
    fn reads_routes_channels_and_smtp() {
        let c = RepoConfig::from_toml_str(FULL).unwrap().notify;
        assert_eq!(
            c.channels_of(NotifyEvent::Conflict),
            [NotifyChannel::Slack, NotifyChannel::Email]
        );
        assert!(
            c.channels_of(NotifyEvent::Push).is_empty(),
            "not routed: nowhere"
        );
        let slack = c.slack.as_ref().unwrap();
        assert_eq!(slack.channels[&NotifyEvent::Conflict], "#pi-alerts");
        let email = c.email.as_ref().unwrap();
        assert_eq!(
            (email.port(), email.security),
            (587, SmtpSecurity::Starttls)
        );
        assert_eq!(
            email.recipients_of(NotifyEvent::Digest),
            ["rte@example.com"]
        );
        assert_eq!(
            email.recipients_of(NotifyEvent::Failure),
            ["team@example.com"]
        );
        assert_eq!(
            RepoConfig::from_toml_str("").unwrap().notify,
            NotifyConfig::default()
        );
    }

    #[test]
    fn refuses_secrets_in_the_file_with_their_place() {
        let e = RepoConfig::from_toml_str(
            "[notify.slack]\n\nwebhook_url = \"https://hooks.slack.com/services/T1/B2/x\"\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 15), "{e}");
        assert!(e.message.contains("PI_SLACK_WEBHOOK_URL"), "{e}");
        let e = RepoConfig::from_toml_str(
            "[notify.email]\nhost = \"h.example.com\"\nfrom = \"a@example.com\"\npassword = \"hunter2\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("PI_SMTP_PASSWORD"), "{e}");
        let e =
            RepoConfig::from_toml_str("[notify.slack]\nchannel = \"xoxb-123-456\"\n").unwrap_err();
        assert!(e.message.contains("notify.slack.channel"), "{e}");
    }

    #[test]
    fn refuses_unusable_settings_saying_what() {
        let e = RepoConfig::from_toml_str("[notify.events]\npull = [\"pager\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let e = RepoConfig::from_toml_str("[notify.events]\npush = [\"email\"]\n").unwrap_err();
        assert!(e.message.contains("[notify.email]"), "{e}");
        let e = RepoConfig::from_toml_str("[notify.events]\nlunch = [\"slack\"]\n").unwrap_err();
        assert!(e.message.contains("lunch"), "{e}");
        let e = RepoConfig::from_toml_str(
            "[notify.email]\nhost = \"smtp.example.com\"\nfrom = \"a@example.com\"\nsecurity = \"plain\"\n",
        )
        .unwrap_err();
        assert!(e.message.contains("only allowed to this machine"), "{e}");
        let e = RepoConfig::from_toml_str(
            "[notify.email]\nhost = \"127.0.0.1\"\nfrom = \"a@example.com\"\nto = [\"nobody\"]\n",
        )
        .unwrap_err();
        assert!(e.message.contains("notify.email.to"), "{e}");
        assert!(is_loopback("::1") && is_loopback("localhost") && !is_loopback("10.0.0.1"));
    }
}
