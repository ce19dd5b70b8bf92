//! The bridge over loopback: the token, loopback-only binds, the commands' answers as lines,
//! and the UI's files.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::credentials::MemoryStore;
use crate::session::{Dirs, Session};

struct Served {
    _dir: tempfile::TempDir,
    bridge: RunningBridge,
    token: String,
    http: reqwest::Client,
}

async fn bridge_with_ui() -> Served {
    let dir = tempfile::tempdir().expect("temp dir");
    let ui = dir.path().join("ui");
    std::fs::create_dir_all(ui.join("assets")).expect("ui folder");
    std::fs::write(
        ui.join("index.html"),
        "<!doctype html><title>PI Planner</title>",
    )
    .expect("index");
    std::fs::write(ui.join("assets/app.js"), "console.log(1)").expect("script");
    std::fs::write(dir.path().join("secret.txt"), "not served").expect("outside file");
    let dirs = Dirs {
        config: dir.path().join("config"),
        data: dir.path().join("data"),
    };
    let token = new_token();
    let config = BridgeConfig {
        session: Arc::new(Session::new(dirs, Arc::new(MemoryStore::default()))),
        token: token.clone(),
        ui_dir: Some(ui),
        downloads: dir.path().join("Downloads"),
        logs: None,
    };
    let bridge = serve("127.0.0.1:0".parse().expect("address"), config)
        .await
        .expect("bridge starts");
    Served {
        _dir: dir,
        bridge,
        token,
        http: reqwest::Client::new(),
    }
}

impl Served {
    async fn invoke_with(&self, command: &str, args: Value, token: &str) -> (u16, Vec<Value>) {
        let r = self
            .http
            .post(format!("{}/invoke/{command}", self.bridge.url()))
            .bearer_auth(token)
            .json(&args)
            .send()
            .await
            .expect("bridge answers");
        let status = r.status().as_u16();
        let text = r.text().await.expect("body");
        let lines = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        (status, lines)
    }

    /// The command's last line: `{"ok": …}` or `{"error": …}`.
    async fn invoke(&self, command: &str, args: Value) -> Value {
        let (status, mut lines) = self.invoke_with(command, args, &self.token).await;
        assert_eq!(status, 200);
        lines.pop().expect("a last line")
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.bridge.url()))
            .send()
            .await
            .expect("bridge answers");
        (r.status().as_u16(), r.text().await.expect("body"))
    }
}

#[tokio::test]
async fn a_command_without_the_token_or_with_another_is_refused_and_not_run() {
    let served = bridge_with_ui().await;
    for token in ["", "wrong", &served.token[..served.token.len() - 1]] {
        let (status, lines) = served.invoke_with("demo_start", json!({}), token).await;
        assert_eq!(status, 401, "token {token:?}");
        assert_eq!(lines[0]["error"]["code"], "unauthorized");
    }
    let no_header = served
        .http
        .post(format!("{}/invoke/app_status", served.bridge.url()))
        .send()
        .await
        .expect("answers");
    assert_eq!(no_header.status().as_u16(), 401);
    let status = served.invoke("app_status", json!({})).await;
    assert_eq!(
        status["ok"]["connection"]["kind"], "none",
        "no demo was started"
    );
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = || BridgeConfig {
        session: Arc::new(Session::new(
            Dirs {
                config: dir.path().join("c"),
                data: dir.path().join("d"),
            },
            Arc::new(MemoryStore::default()),
        )),
        token: new_token(),
        ui_dir: None,
        downloads: dir.path().join("Downloads"),
        logs: None,
    };
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:0"] {
        let e = serve(addr.parse().expect("address"), config())
            .await
            .expect_err("refused");
        assert!(matches!(e, BridgeError::NotLoopback(_)), "{addr}: {e}");
        assert!(e.to_string().contains("loopback"), "{e}");
    }
    let bridge = serve("127.0.0.1:0".parse().expect("address"), config())
        .await
        .expect("loopback is served");
    assert!(bridge.addr().ip().is_loopback());
    assert_ne!(bridge.addr().port(), 0, "a free port was picked");
}

#[tokio::test]
async fn commands_run_in_the_session_and_errors_are_the_apps() {
    let served = bridge_with_ui().await;
    let no_plan = served.invoke("plan_get", json!({})).await;
    assert_eq!(no_plan["error"]["code"], "no_plan", "{no_plan}");
    let started = served.invoke("demo_start", json!({})).await;
    assert_eq!(started["ok"]["connection"]["kind"], "demo", "{started}");
    let arts = served.invoke("arts_list", json!({})).await;
    let art = arts["ok"][0]["id"].as_i64().expect("an ART id");
    let releases = served.invoke("releases_list", json!({ "art": art })).await;
    assert!(!releases["ok"].as_array().expect("a list").is_empty());

    let bad = served
        .invoke("releases_list", json!({ "art": "Orbit" }))
        .await;
    assert_eq!(bad["error"]["code"], "invalid_input");
    assert_eq!(
        bad["error"]["message"],
        "The command \"releases_list\" got no usable \"art\"."
    );
    let unknown = served.invoke("format_disk", json!({})).await;
    assert_eq!(
        unknown["error"]["message"],
        "PI Planner has no command \"format_disk\"."
    );
    let (_, lines) = served
        .invoke_with("app_status", json!([1, 2]), &served.token)
        .await;
    assert_eq!(lines[0]["error"]["code"], "invalid_input");
}

#[tokio::test]
async fn a_pull_streams_its_steps_before_its_result() {
    let served = bridge_with_ui().await;
    served.invoke("demo_start", json!({})).await;
    let identity = json!({ "identity": { "name": "Ann Planner", "email": "ann@example.com" } });
    served.invoke("identity_save", identity).await;
    let art = served.invoke("arts_list", json!({})).await["ok"][0].clone();
    let id = art["id"].as_i64().expect("id");
    let release = served.invoke("releases_list", json!({ "art": id })).await["ok"][0].clone();
    let team = served.invoke("teams_list", json!({ "art": id })).await["ok"][0].clone();
    let req = json!({ "req": { "art": art, "release": release, "team": team } });
    let opened = served.invoke("workspace_open", req).await;
    assert!(opened.get("ok").is_some(), "{opened}");

    let (_, lines) = served
        .invoke_with("sync_pull", json!({}), &served.token)
        .await;
    let (last, before) = lines.split_last().expect("a result");
    assert!(
        !before.is_empty(),
        "the steps come before the result: {lines:?}"
    );
    assert!(
        before.iter().all(|l| l.get("progress").is_some()),
        "{lines:?}"
    );
    assert_eq!(last["ok"]["conflicts"], json!([]), "{last}");
}

#[tokio::test]
async fn every_command_of_the_app_is_served() {
    let served = bridge_with_ui().await;
    for name in crate::commands::NAMES {
        let answer = served.invoke(name, json!({})).await;
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.contains("has no command"), "{name}: {answer}");
    }
}

#[tokio::test]
async fn the_ui_folder_is_served_and_nothing_outside_it() {
    let served = bridge_with_ui().await;
    let (status, index) = served.get("/").await;
    assert_eq!(status, 200);
    assert!(index.contains("<title>PI Planner</title>"));
    assert_eq!(served.get("/assets/app.js").await.0, 200);
    for outside in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/missing.js",
    ] {
        let (status, body) = served.get(outside).await;
        assert_eq!(status, 404, "{outside}");
        assert!(!body.contains("not served"), "{outside}");
    }
}

#[tokio::test]
async fn without_a_log_folder_settings_shows_none_and_opening_it_says_so() {
    let served = bridge_with_ui().await;
    let shown = served.invoke("log_folder_get", json!({})).await;
    assert_eq!(shown, json!({ "ok": null }));
    let opened = served.invoke("log_folder_open", json!({})).await;
    assert_eq!(opened["error"]["code"], "file_access", "{opened}");
}
