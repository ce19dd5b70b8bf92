//! Slack, as PI Planner uses it: incoming webhooks (`POST /services/{T}/{B}/{secret}`, plain
//! `ok` or an error word) and the Web API's `chat.postMessage` (`POST
//! /slack/api/chat.postMessage` with `Authorization: Bearer`, JSON `{"ok": ...}`). Payloads are
//! checked as Slack checks them (JSON, `text` or blocks, at most 50 blocks, section text up to
//! 3,000 and header text up to 150 characters); each request is logged with its payload; faults:
//! a webhook answering an error word, the next requests throttled with 429 and `Retry-After`, a
//! per-channel rate of messages per second, a revoked bot token.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::shared::{Shared, lock};

/// One request to a Slack route.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlackRequest {
    /// `webhook` or `chat.postMessage`.
    pub api: String,
    /// The webhook's channel, or the `channel` of the post.
    pub channel: Option<String>,
    /// The JSON payload (`null` when it was not JSON).
    pub payload: Value,
    pub status: u16,
    /// `ok` or Slack's error word.
    pub answer: String,
    /// Milliseconds since the simulator started.
    pub at_ms: u64,
}

#[derive(Debug)]
struct Hook {
    channel: String,
    fail: Option<String>,
}

/// Slack's state in one simulator.
#[derive(Debug)]
pub struct SlackState {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    hooks: BTreeMap<String, Hook>,
    bot_token: String,
    token_revoked: bool,
    /// Channels the bot may post to, and whether each is archived.
    channels: BTreeMap<String, bool>,
    throttle_next: u32,
    retry_after: u64,
    per_second: Option<u32>,
    recent: HashMap<String, Vec<Instant>>,
    log: Vec<SlackRequest>,
    next_hook: u32,
}

impl SlackState {
    pub fn new(seed: u64) -> SlackState {
        let channels = ["#pi-planning", "#pi-alerts", "#general"].map(|c| (c.to_owned(), false));
        SlackState {
            inner: Mutex::new(Inner {
                hooks: BTreeMap::new(),
                bot_token: format!("xoxb-sim-{seed:016x}"),
                token_revoked: false,
                channels: channels.into_iter().collect(),
                throttle_next: 0,
                retry_after: 1,
                per_second: None,
                recent: HashMap::new(),
                log: Vec::new(),
                next_hook: 0,
            }),
        }
    }
}

/// Control of the simulated Slack (tests, the demo).
#[derive(Clone, Debug)]
pub struct SlackControl {
    shared: Arc<Shared>,
}

impl SlackControl {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut lock(&self.shared.slack.inner))
    }

    /// A new incoming webhook posting to `channel`; its URL.
    pub fn add_webhook(&self, channel: &str) -> String {
        let secret = self.with(|s| {
            s.next_hook += 1;
            let secret = format!("sim{:08x}{:04}", self.shared.seed as u32, s.next_hook);
            s.hooks.insert(
                secret.clone(),
                Hook {
                    channel: channel.to_owned(),
                    fail: None,
                },
            );
            secret
        });
        format!("{}/services/T0SIM/B{secret}/{secret}", self.shared.base_url)
    }

    /// The webhook at `url` answers `word` from now on (`no_service`, `channel_is_archived`,
    /// `action_prohibited`, `invalid_token`, ...).
    pub fn fail_webhook(&self, url: &str, word: &str) {
        let secret = url.rsplit('/').next().unwrap_or_default().to_owned();
        self.with(|s| {
            s.hooks
                .get_mut(&secret)
                .map(|h| h.fail = Some(word.to_owned()))
        });
    }

    /// The bot token `chat.postMessage` accepts.
    pub fn bot_token(&self) -> String {
        self.with(|s| s.bot_token.clone())
    }

    /// The Web API root to configure (`[notify.slack] api_url`).
    pub fn api_url(&self) -> String {
        format!("{}/slack/api/", self.shared.base_url)
    }

    /// The bot token stops working (`invalid_auth`).
    pub fn revoke_token(&self) {
        self.with(|s| s.token_revoked = true);
    }

    /// A channel the bot may post to; `archived` ones answer `is_archived`.
    pub fn add_channel(&self, channel: &str, archived: bool) {
        self.with(|s| s.channels.insert(channel.to_owned(), archived));
    }

    /// The next `n` requests are answered 429 with `Retry-After: secs`.
    pub fn throttle_next(&self, n: u32, secs: u64) {
        self.with(|s| (s.throttle_next, s.retry_after) = (n, secs));
    }

    /// More than `n` messages to one channel within a second are answered 429 (`None`: no limit).
    pub fn limit_per_second(&self, n: Option<u32>) {
        self.with(|s| s.per_second = n);
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<SlackRequest> {
        self.with(|s| s.log.clone())
    }
}

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/services/{team}/{bot}/{secret}", post(webhook))
        .route("/slack/api/chat.postMessage", post(post_message))
}

async fn webhook(
    State(shared): State<Arc<Shared>>,
    Path((_, _, secret)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let payload: Option<Value> = serde_json::from_slice(&body).ok();
    let mut s = lock(&shared.slack.inner);
    let hook = s
        .hooks
        .get(&secret)
        .map(|h| (h.channel.clone(), h.fail.clone()));
    let (status, word) = match (&hook, &payload) {
        (None, _) => (StatusCode::NOT_FOUND, "no_service".to_owned()),
        (Some((_, Some(fail))), _) => (fail_status(fail), fail.clone()),
        (Some(_), None) => (StatusCode::BAD_REQUEST, "invalid_payload".to_owned()),
        (Some((channel, None)), Some(p)) => match check(p) {
            Err(word) => (StatusCode::BAD_REQUEST, word.to_owned()),
            Ok(()) => match s.throttled(channel) {
                Some(resp) => {
                    return s.logged(&shared, "webhook", hook.map(|h| h.0), payload, resp);
                }
                None => (StatusCode::OK, "ok".to_owned()),
            },
        },
    };
    let resp = (status, [(header::CONTENT_TYPE, "text/plain")], word).into_response();
    s.logged(&shared, "webhook", hook.map(|h| h.0), payload, resp)
}

async fn post_message(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let payload: Option<Value> = serde_json::from_slice(&body).ok();
    let mut s = lock(&shared.slack.inner);
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let channel = payload
        .as_ref()
        .and_then(|p| p["channel"].as_str())
        .map(str::to_owned);
    let outcome = match (bearer, &payload, &channel) {
        (None, _, _) => Err("not_authed"),
        (Some(t), _, _) if t != s.bot_token || s.token_revoked => Err("invalid_auth"),
        (_, None, _) => Err("invalid_json"),
        (_, _, None) => Err("channel_not_found"),
        (_, Some(p), Some(c)) => match s.channels.get(c) {
            None => Err("channel_not_found"),
            Some(true) => Err("is_archived"),
            Some(false) => check(p),
        },
    };
    if outcome.is_ok()
        && let Some(resp) = s.throttled(channel.as_deref().unwrap_or_default())
    {
        return s.logged(&shared, "chat.postMessage", channel, payload, resp);
    }
    let body = match outcome {
        Ok(()) => {
            json!({ "ok": true, "channel": channel, "ts": format!("{}.000100", s.log.len() + 1) })
        }
        Err(word) => json!({ "ok": false, "error": word }),
    };
    let resp = (StatusCode::OK, axum::Json(body)).into_response();
    s.logged(&shared, "chat.postMessage", channel, payload, resp)
}

fn fail_status(word: &str) -> StatusCode {
    match word {
        "no_service" | "channel_not_found" | "no_team" => StatusCode::NOT_FOUND,
        "channel_is_archived" => StatusCode::GONE,
        "action_prohibited" | "invalid_token" | "posting_to_general_channel_denied" => {
            StatusCode::FORBIDDEN
        }
        "rollup_error" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// Slack's payload checks: `text` or blocks, at most 50 blocks, text lengths.
fn check(p: &Value) -> Result<(), &'static str> {
    let text = p["text"].as_str().is_some_and(|t| !t.trim().is_empty());
    let blocks = p["blocks"].as_array();
    if !text && blocks.is_none_or(Vec::is_empty) {
        return Err("no_text");
    }
    let Some(blocks) = blocks else { return Ok(()) };
    if blocks.len() > 50 {
        return Err("invalid_blocks");
    }
    for b in blocks {
        let len = b["text"]["text"].as_str().map_or(0, |t| t.chars().count());
        let ok = match b["type"].as_str() {
            Some("header") => b["text"]["type"] == "plain_text" && len <= 150,
            Some("section") => len <= 3000,
            Some("context" | "divider" | "actions" | "image") => true,
            _ => false,
        };
        if !ok {
            return Err("invalid_blocks");
        }
    }
    Ok(())
}

impl Inner {
    /// A 429 when the next requests are throttled or `channel` is over its rate.
    fn throttled(&mut self, channel: &str) -> Option<Response> {
        let now = Instant::now();
        let recent = self.recent.entry(channel.to_owned()).or_default();
        recent.retain(|t| now.duration_since(*t) < Duration::from_secs(1));
        let over = self.per_second.is_some_and(|n| recent.len() >= n as usize);
        if self.throttle_next == 0 && !over {
            recent.push(now);
            return None;
        }
        self.throttle_next = self.throttle_next.saturating_sub(1);
        let retry = if over { 1 } else { self.retry_after };
        let body = json!({ "ok": false, "error": "ratelimited" });
        Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry.to_string())],
                axum::Json(body),
            )
                .into_response(),
        )
    }

    fn logged(
        &mut self,
        shared: &Shared,
        api: &str,
        channel: Option<String>,
        payload: Option<Value>,
        resp: Response,
    ) -> Response {
        let answer = match resp.status() {
            StatusCode::TOO_MANY_REQUESTS => "ratelimited".to_owned(),
            _ => String::new(),
        };
        self.log.push(SlackRequest {
            api: api.to_owned(),
            channel,
            payload: payload.unwrap_or(Value::Null),
            status: resp.status().as_u16(),
            answer,
            at_ms: u64::try_from(shared.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
        resp
    }
}
