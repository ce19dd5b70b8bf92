//! The listener: binds 127.0.0.1, runs one hyper HTTP/1 connection per socket, and puts every
//! request through the gate (fault decision, auth, request log) before the axum routes.
//! A dropped request closes its socket without writing anything.
//!
//! Routing and the API behaviour live in `routes`; fault arithmetic lives in `faults`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::{Method, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};

use crate::control::SimControl;
use crate::editor::{Editor, TOKEN_USER_LOGIN, user_by_login};
use crate::faults::Decision;
use crate::reqlog::{LoggedRequest, redact_query};
use crate::shared::{Shared, lock};
use crate::{SimConfig, SimError, errors, mutator, routes};

/// A simulator serving on 127.0.0.1 until [`RunningSim::shutdown`] (or drop).
#[derive(Debug)]
pub struct RunningSim {
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    mutator: JoinHandle<()>,
}

/// Starts a simulator. Data is built (or loaded from the state file) before this returns.
pub async fn start(config: SimConfig) -> Result<RunningSim, SimError> {
    let bind_err = |source| SimError::Bind {
        port: config.port,
        source,
    };
    let listener = TcpListener::bind(("127.0.0.1", config.port))
        .await
        .map_err(bind_err)?;
    let port = listener.local_addr().map_err(bind_err)?.port();
    let shared = Arc::new(Shared::new(&config, format!("http://127.0.0.1:{port}"))?);
    let router = routes::router(shared.clone());
    let (stop, stopped) = oneshot::channel();
    let server = tokio::spawn(accept_loop(listener, router, shared.clone(), stopped));
    let mutator = tokio::spawn(mutator::run(shared.clone()));
    Ok(RunningSim {
        shared,
        stop: Some(stop),
        server: Some(server),
        mutator,
    })
}

impl RunningSim {
    /// `http://127.0.0.1:PORT`; TP is under `/api/v1`, Jira under `/rest/api/3`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The TP personal access token (`access_token=` query).
    pub fn access_token(&self) -> &str {
        &self.shared.creds.access_token
    }

    /// The TP service token (`token=` query), also served by `GET /api/v1/Authentication`.
    pub fn service_token(&self) -> &str {
        &self.shared.creds.service_token
    }

    /// Basic auth login and password of the seeded admin user (every seeded user's login works
    /// with the same password).
    pub fn basic_credentials(&self) -> (String, String) {
        (
            crate::data::ADMIN_LOGIN.to_owned(),
            self.shared.creds.basic_password.clone(),
        )
    }

    /// Jira Cloud Basic auth: (email, API token).
    pub fn jira_credentials(&self) -> (String, String) {
        (
            self.shared.creds.jira_email.clone(),
            self.shared.creds.jira_token.clone(),
        )
    }

    /// Jira Data Center's personal access token (`Authorization: Bearer`).
    pub fn jira_pat(&self) -> &str {
        &self.shared.creds.jira_pat
    }

    /// The simulated Slack: webhooks, the bot token, faults and the request log.
    pub fn slack(&self) -> crate::SlackControl {
        crate::SlackControl::new(self.shared.clone())
    }

    /// The simulated GitHub: its token, pull requests, faults and the request log.
    pub fn github(&self) -> crate::GithubControl {
        crate::GithubControl::new(self.shared.clone())
    }

    /// In-process control with the same powers as `/_sim/`.
    pub fn control(&self) -> SimControl {
        SimControl::new(self.shared.clone())
    }

    /// Stops serving, closes open connections and saves the state file if one is set.
    pub async fn shutdown(mut self) {
        self.stop_now();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.shared.persist();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.mutator.abort();
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.stop_now();
    }
}

type Svc = TowerToHyperService<axum::Router>;

async fn accept_loop(
    listener: TcpListener,
    router: axum::Router,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let svc = TowerToHyperService::new(router.clone());
                    conns.spawn(connection(stream, svc, shared.clone()));
                }
                while conns.try_join_next().is_some() {}
            }
        }
    }
    conns.abort_all();
}

async fn connection(stream: TcpStream, svc: Svc, shared: Arc<Shared>) {
    let kill = Arc::new(Notify::new());
    let k = kill.clone();
    let service =
        hyper::service::service_fn(move |req| gate(req, svc.clone(), shared.clone(), k.clone()));
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        () = kill.notified() => {}
    }
}

/// Fault decision, auth and logging around one request.
async fn gate(
    req: Request<Incoming>,
    svc: Svc,
    shared: Arc<Shared>,
    kill: Arc<Notify>,
) -> Result<Response<Body>, Infallible> {
    let arrived = Instant::now();
    let mut entry = LoggedRequest {
        at_ms: u64::try_from(arrived.duration_since(shared.started).as_millis())
            .unwrap_or(u64::MAX),
        method: req.method().to_string(),
        path: req.uri().path().to_owned(),
        query: redact_query(req.uri().query().unwrap_or_default()),
        status: None,
        applied_then_dropped: false,
    };
    let jira = entry.path.starts_with("/rest/");
    let resp = if jira || entry.path.starts_with("/api/") {
        let decision = lock(&shared.faults).decide(arrived, &client_key(&req));
        let write = is_write(req.method(), &entry.path);
        let resp = api(decision, req, &svc, &shared, jira).await;
        let applied_then_dropped = write
            && resp.as_ref().is_some_and(|r| r.status().is_success())
            && lock(&shared.faults).drop_applied_write();
        match resp {
            Some(resp) if !applied_then_dropped => resp,
            _ => {
                entry.applied_then_dropped = applied_then_dropped;
                lock(&shared.log).push(entry);
                kill.notify_one();
                return std::future::pending().await;
            }
        }
    } else {
        call(&svc, req).await
    };
    entry.status = Some(resp.status().as_u16());
    lock(&shared.log).push(entry);
    Ok(resp)
}

/// A request that changes data (Jira's `POST .../search/jql` only reads).
fn is_write(method: &Method, path: &str) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) && !path.contains("/search")
}

/// The credential a request is made with, for per-token quotas: a token query value, else the
/// Basic auth login, else empty.
fn client_key(req: &Request<Incoming>) -> String {
    let query = req.uri().query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k.eq_ignore_ascii_case("access_token") || k.eq_ignore_ascii_case("token"))
        .map(|(_, v)| format!("token:{v}"))
        .or_else(|| basic(req).map(|(user, _)| format!("basic:{user}")))
        .or_else(|| crate::jira_auth::client_key(req.headers()))
        .unwrap_or_default()
}

/// Answers an API request according to the fault decision; `None` = drop the connection.
async fn api(
    decision: Decision,
    req: Request<Incoming>,
    svc: &Svc,
    shared: &Shared,
    jira: bool,
) -> Option<Response<Body>> {
    let latency = match &decision {
        Decision::Drop => return None,
        Decision::Throttle { latency, .. }
        | Decision::Redirect { latency, .. }
        | Decision::Oversized { latency, .. }
        | Decision::Fail { latency, .. }
        | Decision::Serve { latency, .. } => *latency,
    };
    tokio::time::sleep(latency).await;
    Some(match decision {
        Decision::Throttle {
            status,
            retry_after,
            retry_after_text,
            limit,
            ..
        } => {
            let mut resp = throttled(shared, status, retry_after, limit, jira);
            if let Some(v) = retry_after_text.and_then(|t| header::HeaderValue::from_str(&t).ok()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Decision::Redirect { to, .. } => crate::misbehave::redirect(&to, req.uri()),
        Decision::Oversized { bytes, .. } => crate::misbehave::oversized(bytes),
        Decision::Fail { status, .. } => injected_error(status, jira),
        Decision::Serve { near_limit, .. } => match authorized(&req, shared, jira) {
            Some(editor) => serve(svc, req, editor, jira && near_limit).await,
            None => unauthorized(jira),
        },
        Decision::Drop => unauthorized(jira),
    })
}

/// Passes an authorized request on, with the user it acts as for the routes.
async fn serve(
    svc: &Svc,
    mut req: Request<Incoming>,
    editor: Editor,
    near_limit: bool,
) -> Response<Body> {
    req.extensions_mut().insert(editor);
    let mut resp = call(svc, req).await;
    if near_limit {
        resp.headers_mut().insert(
            "x-ratelimit-nearlimit",
            header::HeaderValue::from_static("true"),
        );
    }
    resp
}

/// 429/503 with `Retry-After`; Jira answers also carry its `X-RateLimit-*` headers.
fn throttled(
    shared: &Shared,
    status: u16,
    retry_after: u64,
    limit: u32,
    jira: bool,
) -> Response<Body> {
    let status = StatusCode::from_u16(status)
        .ok()
        .filter(|s| *s == StatusCode::SERVICE_UNAVAILABLE)
        .unwrap_or(StatusCode::TOO_MANY_REQUESTS);
    let mut resp = errors::throttled(status, retry_after, jira);
    if jira {
        let secs = i64::try_from(retry_after).unwrap_or(i64::MAX / 2000);
        let reset_ms = shared.now_ms().saturating_add(secs.saturating_mul(1000));
        errors::jira_rate_headers(&mut resp, limit, reset_ms);
    }
    resp
}

async fn call(svc: &Svc, req: Request<Incoming>) -> Response<Body> {
    match hyper::service::Service::call(svc, req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    }
}

fn injected_error(status: u16, jira: bool) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if jira {
        errors::jira(
            status,
            &["Internal server error (injected by the simulator)"],
            json!({}),
        )
    } else {
        errors::tp(status, "Internal server error (injected by the simulator)")
    }
}

fn unauthorized(jira: bool) -> Response<Body> {
    let mut resp = if jira {
        errors::jira(
            StatusCode::UNAUTHORIZED,
            &["You are not authenticated. Authentication required to perform this operation."],
            json!({}),
        )
    } else {
        errors::tp(StatusCode::UNAUTHORIZED, "Authentication failed")
    };
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Basic realm=\"pi-sim\""),
    );
    resp.into_response()
}

fn basic(req: &Request<Incoming>) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, pass) = decoded.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

/// `Some(user the request acts as)` when the credentials are valid: for TP tokens the token
/// user ([`TOKEN_USER_LOGIN`]), for Basic auth the login's user; Jira requests act as nobody.
fn authorized(req: &Request<Incoming>, shared: &Shared, jira: bool) -> Option<Editor> {
    let creds = &shared.creds;
    if jira {
        return crate::jira_auth::authorized(req.headers(), shared).then_some(Editor(None));
    }
    let query = req.uri().query().unwrap_or_default();
    let token_ok = url::form_urlencoded::parse(query.as_bytes()).any(|(k, v)| {
        (k.eq_ignore_ascii_case("access_token") || k.eq_ignore_ascii_case("token"))
            && (v == creds.access_token.as_str() || v == creds.service_token.as_str())
    });
    let world = lock(&shared.world);
    if token_ok {
        return Some(Editor(user_by_login(&world.tp, TOKEN_USER_LOGIN)));
    }
    let (login, pass) = basic(req)?;
    let user = user_by_login(&world.tp, &login).filter(|_| pass == creds.basic_password)?;
    Some(Editor(Some(user)))
}
