//! `/healthz` and `/metrics` of a train's watch, on a loopback address only.

use std::net::SocketAddr;

use anyhow::{Context as _, Result, bail};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::board::Board;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

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
pub async fn serve(addr: SocketAddr, board: Board) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(board);
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
