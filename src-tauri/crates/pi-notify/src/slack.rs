//! Slack over `pi-http`: an incoming webhook (the URL is the secret) or a bot token posting with
//! `chat.postMessage` to the event's channel. At most one message per second per channel
//! (Slack's limit); a 429's `Retry-After` is honoured by the HTTP layer; Slack's refusals
//! (`no_service`, `{"ok":false,"error":"invalid_auth"}`, ...) become [`SlackError::Refused`] with
//! what to do.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use pi_http::{Auth, Client, ErrorKind, HttpError, Request, RetryPolicy, Settings};
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

/// Slack's sustained rate: one message per second per channel (or webhook).
pub const PER_CHANNEL_INTERVAL: Duration = Duration::from_secs(1);

/// A Slack message that was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    /// Slack answered with an error word.
    #[error("Slack refused the message ({code}): {hint}")]
    Refused { code: String, hint: String },
    #[error("Slack: {0}")]
    Http(#[from] HttpError),
    #[error("Slack is not set up: {0}")]
    Setup(String),
}

/// How messages reach Slack.
pub enum SlackAccess {
    /// An incoming webhook URL: every message goes to its channel.
    Webhook(String),
    /// A bot token and the Web API root (`https://slack.com/api/`).
    Bot { token: String, api_url: String },
}

impl std::fmt::Debug for SlackAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Webhook(_) => f.write_str("Webhook(***)"),
            Self::Bot { api_url, .. } => write!(f, "Bot {{ token: ***, api_url: {api_url:?} }}"),
        }
    }
}

/// One Slack workspace's sender.
#[derive(Debug)]
pub struct Slack {
    client: Client,
    bot: bool,
    /// When each channel may next be posted to.
    next: Mutex<HashMap<String, Instant>>,
}

/// The HTTP settings of Slack: a 429 waited out for up to 30 seconds in all.
fn settings() -> Settings {
    Settings {
        concurrency: 2,
        requests_per_second: 10,
        retry: RetryPolicy {
            max_retries: 3,
            max_total_wait: Duration::from_secs(30),
            ..RetryPolicy::default()
        },
        ..Settings::default()
    }
}

impl Slack {
    pub fn new(access: SlackAccess) -> Result<Slack, SlackError> {
        let parse = |u: &str, what: &str| {
            Url::parse(u.trim()).map_err(|_| SlackError::Setup(format!("the {what} is not a URL")))
        };
        let (client, bot) = match access {
            SlackAccess::Webhook(url) => {
                let root = parse(&url, "webhook URL")?;
                let secret_path = root.path().to_owned();
                let last = root
                    .path_segments()
                    .and_then(|mut s| s.next_back())
                    .unwrap_or("")
                    .to_owned();
                let secrets = [url.as_str(), secret_path.as_str(), last.as_str()];
                let secrets: Vec<&str> = secrets.into_iter().filter(|s| s.len() > 3).collect();
                (
                    Client::new("Slack", root, &Auth::None, &secrets, &settings()),
                    false,
                )
            }
            SlackAccess::Bot { token, api_url } => {
                let mut api = api_url.trim().to_owned();
                if !api.ends_with('/') {
                    api.push('/');
                }
                let root = parse(&api, "Slack API URL")?;
                (
                    Client::new("Slack", root, &Auth::Bearer(token), &[], &settings()),
                    true,
                )
            }
        };
        let client = client.map_err(|e| SlackError::Setup(e.to_string()))?;
        Ok(Slack {
            client,
            bot,
            next: Mutex::new(HashMap::new()),
        })
    }

    /// Whether messages go through a bot token (so a channel per event applies).
    pub fn is_bot(&self) -> bool {
        self.bot
    }

    /// Requests, retries and waits so far.
    pub fn counters(&self) -> pi_http::Counters {
        self.client.counters()
    }

    /// Posts `payload`; with a bot token to `channel` (required), with a webhook to its channel.
    pub async fn post(&self, channel: Option<&str>, payload: &Value) -> Result<(), SlackError> {
        let key = if self.bot {
            channel.unwrap_or_default().to_owned()
        } else {
            String::from("webhook")
        };
        self.pace(&key).await;
        let result = self.deliver(channel, payload).await;
        // The second is counted from when Slack had the message, not from when it was sent.
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = next.entry(key).or_insert_with(Instant::now);
        *slot = (*slot).max(Instant::now() + PER_CHANNEL_INTERVAL);
        result
    }

    async fn deliver(&self, channel: Option<&str>, payload: &Value) -> Result<(), SlackError> {
        if self.bot {
            let Some(channel) = channel else {
                return Err(SlackError::Setup(
                    "no channel for this event: set [notify.slack] channel (or channels.<event>)"
                        .into(),
                ));
            };
            let mut body = payload.clone();
            body["channel"] = Value::String(channel.to_owned());
            let answer = self
                .client
                .send(&Request::post("chat.postMessage").json(&body))
                .await?;
            let json = answer.json()?;
            if json["ok"].as_bool() == Some(true) {
                return Ok(());
            }
            let code = json["error"].as_str().unwrap_or("unknown_error").to_owned();
            return Err(refused(code, Some(channel)));
        }
        match self.client.send(&Request::post("").json(payload)).await {
            Ok(answer) if String::from_utf8_lossy(&answer.body).trim() == "ok" => Ok(()),
            Ok(answer) => Err(refused(
                String::from_utf8_lossy(&answer.body).trim().to_owned(),
                None,
            )),
            Err(e) => Err(webhook_error(e)),
        }
    }

    /// Waits until `key`'s channel may be posted to again and books the next second.
    async fn pace(&self, key: &str) {
        let now = Instant::now();
        let at = {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let slot = next.entry(key.to_owned()).or_insert(now);
            let at = (*slot).max(now);
            *slot = at + PER_CHANNEL_INTERVAL;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// A webhook's HTTP error: its plain-text error word when it sent one.
fn webhook_error(e: HttpError) -> SlackError {
    let word = match &e.kind {
        ErrorKind::NotFound { body } | ErrorKind::Rejected { body, .. } => body.trim().to_owned(),
        ErrorKind::Auth { status } => format!("http_{status}"),
        _ => return SlackError::Http(e),
    };
    let plain = !word.is_empty()
        && word.len() < 80
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
    if plain {
        refused(word, None)
    } else {
        SlackError::Http(e)
    }
}

/// Slack's error word with what to do about it.
fn refused(code: String, channel: Option<&str>) -> SlackError {
    let channel = channel.unwrap_or("the webhook's channel");
    let hint = match code.as_str() {
        "invalid_auth" | "not_authed" | "invalid_token" | "token_revoked" | "token_expired" | "account_inactive" | "http_401" | "http_403" => {
            "the Slack credential is not valid (revoked or mistyped); set PI_SLACK_BOT_TOKEN or PI_SLACK_WEBHOOK_URL again".to_owned()
        }
        "missing_scope" => "the Slack app lacks the chat:write scope; add it and reinstall the app".to_owned(),
        "channel_not_found" => format!("Slack has no channel {channel} the app can see; check [notify.slack] channel"),
        "not_in_channel" => format!("the Slack app is not a member of {channel}; invite it (/invite @app)"),
        "is_archived" | "channel_is_archived" => format!("{channel} is archived; choose another channel"),
        "no_service" | "no_team" => "the webhook was disabled or removed in Slack; create a new one and set PI_SLACK_WEBHOOK_URL".to_owned(),
        "action_prohibited" | "posting_to_general_channel_denied" | "restricted_action" => {
            "the workspace's policy forbids this post; ask a Slack admin".to_owned()
        }
        "invalid_payload" | "no_text" | "invalid_blocks" | "invalid_blocks_format" | "msg_too_long" | "too_many_attachments" => {
            "Slack could not take PI Planner's message; please report this".to_owned()
        }
        "ratelimited" | "rate_limited" => "Slack's rate limit was reached; the message was not sent".to_owned(),
        _ => "see Slack's API documentation for this error".to_owned(),
    };
    SlackError::Refused { code, hint }
}
