//! `pi-notify`: one notification layer. Events of a sync (pull, push, conflict, failure,
//! approval given or stale, the daily digest) are routed by `[notify]` in `pi-planner.toml` to
//! Slack (an incoming webhook, or a bot token with `chat.postMessage` and a channel per event,
//! over `pi-http`) and e-mail (SMTP through lettre). The desktop app shows its own
//! notifications.
//!
//! A failing channel never fails the sync that sent the event: [`Notifier::send`] logs each
//! failure (tracing, at warn) and counts it ([`Delivery`]). Secrets come only from the
//! environment or the OS keychain ([`SecretSource`]).

mod digest;
mod email;
mod event;
mod record;
pub mod render;
mod secrets;
mod slack;

use pi_model::{NotifyChannel, NotifyConfig};

pub use digest::{Digest, Row, Side, effort_cell, points};
pub use email::{EmailError, Mailer};
pub use event::{ConflictLine, Event, PlanRef, PushResult, conflict_link, count};
pub use record::{DigestRecord, RecordError};
pub use secrets::{EnvAndKeychain, Given, KEYCHAIN_SERVICE, SecretName, SecretSource};
pub use slack::{PER_CHANNEL_INTERVAL, Slack, SlackAccess, SlackError};

/// What became of one event: messages delivered and failed, and why each failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
    /// `slack: ...`, `email: ...`.
    pub failures: Vec<String>,
}

/// A channel as set up from the configuration: ready, or why it cannot send.
#[derive(Debug)]
enum Ready<T> {
    Yes(T),
    No(String),
}

/// The channels of one plan's `[notify]`.
#[derive(Debug)]
pub struct Notifier {
    config: NotifyConfig,
    slack: Option<Ready<Slack>>,
    email: Option<Ready<Mailer>>,
}

impl Notifier {
    /// Sets up the channels `config` routes events to, with secrets from `secrets`. A channel
    /// that cannot be set up (a secret missing) is not an error here: each event routed to it
    /// counts as failed, with the reason.
    pub fn new(config: &NotifyConfig, secrets: &dyn SecretSource) -> Notifier {
        let routed = |c: NotifyChannel| config.events.values().flatten().any(|x| *x == c);
        let slack = config
            .slack
            .as_ref()
            .filter(|_| routed(NotifyChannel::Slack))
            .map(|s| {
                match slack_access(s, secrets)
                    .and_then(|a| Slack::new(a).map_err(|e| e.to_string()))
                {
                    Ok(slack) => Ready::Yes(slack),
                    Err(why) => Ready::No(why),
                }
            });
        let email = config
            .email
            .as_ref()
            .filter(|_| routed(NotifyChannel::Email))
            .map(
                |e| match Mailer::new(e, secrets.get(SecretName::SmtpPassword)) {
                    Ok(m) => Ready::Yes(m),
                    Err(e) => Ready::No(e.to_string()),
                },
            );
        Notifier {
            config: config.clone(),
            slack,
            email,
        }
    }

    /// Whether any event goes anywhere outside the app.
    pub fn is_active(&self) -> bool {
        self.slack.is_some() || self.email.is_some()
    }

    /// Sends `event` to each channel it is routed to. Never fails: failures are logged and
    /// counted in the answer.
    pub async fn send(&self, event: &Event) -> Delivery {
        let mut delivery = Delivery::default();
        for channel in self.config.channels_of(event.kind()) {
            let result = match channel {
                NotifyChannel::Slack => self.to_slack(event).await,
                NotifyChannel::Email => self.to_email(event).await,
                NotifyChannel::Desktop => continue,
            };
            let name = if *channel == NotifyChannel::Slack {
                "slack"
            } else {
                "email"
            };
            match result {
                Ok(()) => delivery.sent += 1,
                Err(why) => {
                    tracing::warn!(channel = name, event = event.kind().as_str(), error = %why, "notification not delivered");
                    delivery.failed += 1;
                    delivery.failures.push(format!("{name}: {why}"));
                }
            }
        }
        delivery
    }

    async fn to_slack(&self, event: &Event) -> Result<(), String> {
        let slack = match &self.slack {
            Some(Ready::Yes(s)) => s,
            Some(Ready::No(why)) => return Err(why.clone()),
            None => return Err("no [notify.slack]".into()),
        };
        let settings = self.config.slack.as_ref();
        let channel = settings.and_then(|s| s.channels.get(&event.kind()).or(s.channel.as_ref()));
        slack
            .post(channel.map(String::as_str), &render::slack_payload(event))
            .await
            .map_err(|e| e.to_string())
    }

    async fn to_email(&self, event: &Event) -> Result<(), String> {
        match &self.email {
            Some(Ready::Yes(m)) => m.send(event).await.map_err(|e| e.to_string()),
            Some(Ready::No(why)) => Err(why.clone()),
            None => Err("no [notify.email]".into()),
        }
    }
}

/// The bot token when there is one (it allows a channel per event), else the webhook.
fn slack_access(
    settings: &pi_model::SlackSettings,
    secrets: &dyn SecretSource,
) -> Result<SlackAccess, String> {
    if let Some(token) = secrets.get(SecretName::SlackBotToken) {
        let api_url = settings
            .api_url
            .clone()
            .unwrap_or_else(|| "https://slack.com/api/".to_owned());
        return Ok(SlackAccess::Bot { token, api_url });
    }
    secrets.get(SecretName::SlackWebhookUrl).map(SlackAccess::Webhook).ok_or_else(|| {
        "no Slack credential: set PI_SLACK_WEBHOOK_URL (or PI_SLACK_BOT_TOKEN), or keep it in the keychain".to_owned()
    })
}
