//! `/healthz`, `/metrics` and the PI calendar `/calendar.ics` of a train's watch, on a loopback
//! address only.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context as _, Result, bail};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::board::Board;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const CALENDAR: &str = "text/calendar; charset=utf-8";

/// What `/calendar.ics` serves: the train's PI calendar (`?team=NAME`: one team's), read from
/// Targetprocess at each request with a client of its own, under `[calendar]` of the train's
/// root. The text last served for each scope is kept, so an unchanged event keeps its
/// `SEQUENCE` and a changed one gets the next: a subscribed calendar app updates it in place.
#[derive(Clone)]
pub struct Feed {
    tp: Arc<pi_targetprocess::TpClient>,
    base: String,
    art: String,
    settings: pi_model::CalendarConfig,
    served: Arc<Mutex<BTreeMap<Option<String>, String>>>,
}

impl Feed {
    pub fn new(
        tp: pi_targetprocess::TpClient,
        base: &str,
        art: &str,
        settings: pi_model::CalendarConfig,
    ) -> Self {
        Self {
            tp: Arc::new(tp),
            base: base.to_owned(),
            art: art.to_owned(),
            settings,
            served: Arc::default(),
        }
    }
}

/// `--listen`: an address of this machine's loopback (127.0.0.0/8 or ::1); anything else is
/// refused, since the answers carry plan and team names and nothing authenticates a caller.
pub fn loopback(text: &str) -> Result<SocketAddr> {
    let addr: SocketAddr = text.parse().with_context(|| {
        format!("--listen {text}: give an address and port, e.g. 127.0.0.1:9464")
    })?;
    if !addr.ip().is_loopback() {
        bail!(
            "--listen {text}: only a loopback address (127.0.0.1 or [::1]) is served; \
             put a reverse proxy in front to expose it"
        );
    }
    Ok(addr)
}

/// Binds `addr` and serves until the runtime ends; the bound address (port 0 picks one).
pub async fn serve(addr: SocketAddr, board: Board, feed: Feed) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(board)
        .merge(
            Router::new()
                .route("/calendar.ics", get(calendar))
                .with_state(feed),
        );
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the health and metrics server stopped");
        }
    });
    Ok(bound)
}

async fn healthz(State(board): State<Board>) -> Response {
    let health = board.health();
    let status = if health.healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(health)).into_response()
}

async fn metrics(State(board): State<Board>) -> Response {
    ([(header::CONTENT_TYPE, OPENMETRICS)], board.metrics()).into_response()
}

async fn calendar(
    State(feed): State<Feed>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let team = query.get("team").cloned();
    let served = |f: &Feed| {
        f.served
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    };
    let previous = served(&feed).get(&team).cloned();
    let text = crate::sync::calendar::feed(
        &feed.tp,
        &feed.base,
        &feed.art,
        team.as_deref(),
        &feed.settings,
        previous.as_deref(),
    )
    .await;
    match text {
        Ok(text) => {
            feed.served
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(team, text.clone());
            ([(header::CONTENT_TYPE, CALENDAR)], text).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "the PI calendar could not be read");
            let why = format!("The PI calendar could not be read from Targetprocess: {e:#}\n");
            (StatusCode::BAD_GATEWAY, why).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_served() {
        assert!(loopback("127.0.0.1:9464").is_ok());
        assert!(loopback("[::1]:0").is_ok());
        for bad in ["0.0.0.0:9464", "192.168.1.5:80", "[::]:9464", "localhost"] {
            assert!(loopback(bad).is_err(), "{bad}");
        }
    }
}
