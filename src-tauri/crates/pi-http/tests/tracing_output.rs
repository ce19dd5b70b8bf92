//! What the layer logs: a span per request with method, redacted path, status, duration,
//! retries and waits; retries at warn; and never a credential, whatever the server echoes.
//!
//! A test binary of its own: the subscriber is set for this thread only, and tracing caches
//! whether a call site is enabled across threads, so other tests running beside it without a
//! subscriber could switch its call sites off.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pi_http::{Auth, Request};

use common::{Server, client, ok, settings};

const TOKEN: &str = "tok-SECRET-4711";
const PASSWORD: &str = "pw-SECRET-0815";

/// A writer into a shared buffer, for a test subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The server echoes the whole request URI (token included) in every body and throttles the
/// first request, so that retries, error bodies and success are all logged.
async fn echoing_server() -> Server {
    Server::start(Duration::ZERO, |n, seen| {
        let echo = format!(
            "{{\"Message\":\"you sent {} with {:?}\"}}",
            seen.uri, seen.headers
        );
        match n {
            0 => (429, vec![("retry-after", "0".to_owned())], echo),
            1 => ok("{}"),
            _ => (400, Vec::new(), echo),
        }
    })
    .await
}

#[tokio::test]
async fn a_token_never_reaches_a_span_a_log_line_or_an_error() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = echoing_server().await;
    let query = [
        ("token".to_owned(), TOKEN.to_owned()),
        ("take".to_owned(), "5".to_owned()),
    ];
    let auth = Auth::Query {
        name: "access_token",
        value: TOKEN.into(),
    };
    let tp = client(&server, &auth, &settings());
    tp.json(&Request::get("Teams").query(&query)).await.unwrap();
    let err = tp
        .json(&Request::get("Teams").query(&query))
        .await
        .unwrap_err();
    let basic = Auth::Basic {
        user: "ann".into(),
        password: PASSWORD.into(),
    };
    let jira = client(&server, &basic, &settings());
    let err2 = jira.json(&Request::get("search")).await.unwrap_err();
    let output = captured.text();
    let errors = format!("{err} {err:?} {err2} {err2:?} {tp:?} {jira:?}");
    for text in [&output, &errors] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains(PASSWORD), "{text}");
        assert!(!text.contains("YW5uOnB3LVNFQ1JFVC0wODE1"), "{text}");
    }
    assert!(errors.contains("token=***"), "{errors}");
    for field in [
        "http{service=\"Test\" method=GET path=/api/Teams?token=***&take=5",
        "status=200",
        "status=400",
        "retries=1",
        "waited_ms=",
        "duration_ms=",
        "retrying Test request",
        "Test request failed",
    ] {
        assert!(output.contains(field), "missing {field:?} in:\n{output}");
    }
    assert!(
        output
            .lines()
            .any(|l| l.contains("WARN") && l.contains("retrying")),
        "{output}"
    );
    assert!(
        output
            .lines()
            .any(|l| l.contains("DEBUG") && l.contains("status=200")),
        "{output}"
    );
}
