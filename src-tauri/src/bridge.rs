//! The loopback bridge: the app's commands served over HTTP on 127.0.0.1, for the UI running in
//! a plain browser (the browser tests) instead of the app's window.
//!
//! `POST /invoke/<command>` with the command's arguments as a JSON object (as the UI's IPC sends
//! them) answers with JSON lines: `{"progress": …}` for each step of a pull or push, `{"event":
//! …}` for what the app would announce, and last `{"ok": result}` or `{"error": UiError}`. Every
//! request to `/invoke` must carry `Authorization: Bearer <token>`, a random token made per run,
//! so no other local program can drive the session. With a UI folder, `GET` serves its files
//! (the built UI), so the page and the commands share one origin and no cross-origin access is
//! ever allowed.
//!
//! It deliberately serves loopback addresses only, holds no command logic (each command is
//! [`crate::commands::dispatch`], the same session call as the window's command). It runs no
//! background pull of its own: the binary's `--live` runs the app's live loop ([`crate::live`])
//! beside it, on the same session.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::commands::{Host, dispatch};
use crate::dto::{ProgressDto, PullResultDto, PushOutcomeDto, TrainProgressDto};
use crate::error::{ErrorCode, UiError};
use crate::session::Session;

/// What the bridge serves.
#[derive(Debug)]
pub struct BridgeConfig {
    /// The session every command runs in.
    pub session: Arc<Session>,
    /// The token every `/invoke` request must carry ([`new_token`]).
    pub token: String,
    /// The built UI (`ui/dist`), served under `/` when set.
    pub ui_dir: Option<PathBuf>,
    /// Where audit exports are saved.
    pub downloads: PathBuf,
    /// The folder of the bridge's log files, shown and opened from Settings; `None`: no log.
    pub logs: Option<PathBuf>,
}

/// A bridge serving on a loopback address until dropped.
#[derive(Debug)]
pub struct RunningBridge {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RunningBridge {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until the task ends (it does not end on its own).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningBridge {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A new random token (244 random bits, hex).
pub fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Why the bridge could not start.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error(
        "the bridge serves loopback addresses only (127.0.0.1 or ::1), not {0}: another computer must not drive a planner's session"
    )]
    NotLoopback(SocketAddr),
    #[error("could not listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Binds `addr` (loopback only; port 0 picks a free one) and serves `config` on it.
pub async fn serve(addr: SocketAddr, config: BridgeConfig) -> Result<RunningBridge, BridgeError> {
    if !addr.ip().is_loopback() {
        return Err(BridgeError::NotLoopback(addr));
    }
    let listen_error = |source| BridgeError::Listen { addr, source };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(listen_error)?;
    let addr = listener.local_addr().map_err(listen_error)?;
    let app = router(Arc::new(config));
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("the bridge stopped: {e}");
        }
    });
    Ok(RunningBridge { addr, task })
}

fn router(config: Arc<BridgeConfig>) -> Router {
    Router::new()
        .route("/invoke/{command}", post(invoke))
        .route("/", get(ui_file))
        .route("/{*path}", get(ui_file))
        .with_state(config)
}

/// True when `headers` carry `Authorization: Bearer <token>`, compared in constant time.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

async fn invoke(
    State(config): State<Arc<BridgeConfig>>,
    UrlPath(command): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&headers, &config.token) {
        let refusal = UiError::new(
            ErrorCode::Unauthorized,
            "This request did not carry the bridge's token.",
        )
        .hint("Open the page with the address the bridge printed when it started.");
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "error": refusal })),
        )
            .into_response();
    }
    let (lines, receiver) = mpsc::unbounded_channel::<String>();
    tokio::spawn(async move {
        let host = LineHost {
            lines: lines.clone(),
            downloads: config.downloads.clone(),
            logs: config.logs.clone(),
        };
        let result = match parse_args(&command, &body) {
            Ok(args) => dispatch(&config.session, &host, &command, &args).await,
            Err(e) => Err(e),
        };
        let last = match result {
            Ok(value) => json!({ "ok": value }),
            Err(error) => json!({ "error": error }),
        };
        let _ = lines.send(line(&last));
    });
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        let next = receiver.recv().await?;
        Some((Ok::<_, Infallible>(next), receiver))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// The request body: a JSON object of arguments; an empty body is no arguments.
fn parse_args(command: &str, body: &[u8]) -> Result<Value, UiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(args @ Value::Object(_)) => Ok(args),
        _ => Err(UiError::new(
            ErrorCode::InvalidInput,
            format!("The arguments of \"{command}\" are not a JSON object."),
        )),
    }
}

fn line(value: &Value) -> String {
    format!("{value}\n")
}

/// The host of one request: progress and announcements go out as lines of its answer.
struct LineHost {
    lines: mpsc::UnboundedSender<String>,
    downloads: PathBuf,
    logs: Option<PathBuf>,
}

impl Host for LineHost {
    fn progress(&self, progress: ProgressDto) {
        let _ = self.lines.send(line(&json!({ "progress": progress })));
    }

    fn train_progress(&self, progress: TrainProgressDto) {
        let _ = self.lines.send(line(&json!({ "progress": progress })));
    }

    fn pulled(&self, result: &PullResultDto) {
        if let Some(event) = crate::notify::pull_message(result, false) {
            let _ = self.lines.send(line(&json!({ "event": event })));
        }
    }

    fn pushed(&self, outcome: &Result<PushOutcomeDto, UiError>) {
        if let Some(event) = crate::notify::push_message(outcome) {
            let _ = self.lines.send(line(&json!({ "event": event })));
        }
    }

    fn trained(&self, synced: &Result<crate::dto::TrainSyncDto, UiError>) {
        if let Some(event) = crate::notify::train_message(synced) {
            let _ = self.lines.send(line(&json!({ "event": event })));
        }
    }

    fn downloads(&self) -> Result<PathBuf, UiError> {
        std::fs::create_dir_all(&self.downloads).map_err(|_| {
            UiError::new(
                ErrorCode::FileAccess,
                "PI Planner could not create the folder to save the audit trail in.",
            )
        })?;
        Ok(self.downloads.clone())
    }

    fn log_folder(&self) -> Option<PathBuf> {
        self.logs.clone()
    }

    fn open_folder(&self, folder: &std::path::Path) -> std::io::Result<()> {
        crate::logging::open_folder(folder)
    }
}

/// `GET /<path>`: a file of the UI folder (`index.html` for `/`); 404 for anything else.
async fn ui_file(
    State(config): State<Arc<BridgeConfig>>,
    path: Option<UrlPath<String>>,
) -> Response {
    let wanted = path.map(|UrlPath(p)| p).unwrap_or_default();
    let Some(file) = config
        .ui_dir
        .as_deref()
        .and_then(|dir| ui_path(dir, &wanted))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, content_type(&file)),
                (header::CACHE_CONTROL, "no-store"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The file under `dir` that `wanted` names: plain names only (no `..`, no absolute paths).
fn ui_path(dir: &Path, wanted: &str) -> Option<PathBuf> {
    let wanted = if wanted.is_empty() {
        "index.html"
    } else {
        wanted
    };
    let relative = Path::new(wanted);
    let plain = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    (plain && !wanted.contains('\\')).then(|| dir.join(relative))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
#[path = "bridge_tests.rs"]
mod tests;
