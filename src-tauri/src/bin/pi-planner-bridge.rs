//! `pi-planner-bridge`: the app's commands without a window, served on loopback HTTP for the UI
//! in a plain browser (the browser tests). See `pi_planner::bridge`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;

use pi_planner::bridge::{BridgeConfig, new_token, serve};
use pi_planner::credentials::MemoryStore;
use pi_planner::dto::SyncEventDto;
use pi_planner::live::{self, LiveHost};
use pi_planner::session::{Dirs, Session};

/// Serves PI Planner's commands on a loopback address for the UI in a browser.
///
/// Prints one JSON line on standard output when it listens: `{"url": …, "token": …}`. Open
/// `<url>/?bridge=<url>#token=<token>` (with `--ui`) to use the app in a browser. Every command
/// request must carry the token; it changes with every run. Access tokens of a Targetprocess
/// connection are kept in memory only, for this run.
#[derive(Debug, Parser)]
#[command(name = "pi-planner-bridge", version)]
struct Args {
    /// Address to listen on; loopback only (127.0.0.1 or [::1]); port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Folder of the session: settings in `config/`, plans in `data/`, audit exports in
    /// `Downloads/`, log files in `logs/` (level from `PI_PLANNER_LOG`). Created when missing.
    #[arg(long)]
    dir: PathBuf,
    /// The built UI (`ui/dist`), served under `/`.
    #[arg(long)]
    ui: Option<PathBuf>,
    /// Start in the demo unless a connection is already configured in `--dir`.
    #[arg(long)]
    demo: bool,
    /// Serve the demo Targetprocess's control API and write its address to this file (tests
    /// play another planner through it).
    #[arg(long)]
    sim_control_file: Option<PathBuf>,
    /// Run the app's live loop, as the window does: the open plan file is watched (an edit
    /// saved by another editor is committed and shown) and Targetprocess is asked what changed
    /// every `pollSeconds` of the settings. Off by default, so a test without it sees no change
    /// it did not ask for.
    #[arg(long)]
    live: bool,
}

fn main() {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => fail(&format!("could not start: {e}")),
    };
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    if let Some(ui) = &args.ui
        && !ui.join("index.html").is_file()
    {
        fail(&format!(
            "{} holds no index.html: build the UI first (cd ui && npm run build)",
            ui.display()
        ));
    }
    // The same log file as the app's, in the session's folder; written while the bridge runs.
    let logs = args.dir.join("logs");
    let _log = pi_planner::logging::install(&logs)
        .inspect_err(|e| eprintln!("pi-planner-bridge: {e}"))
        .ok();
    let dirs = Dirs {
        config: args.dir.join("config"),
        data: args.dir.join("data"),
    };
    let session = Session::new(dirs, Arc::new(MemoryStore::default()))
        .with_sim_control_file(args.sim_control_file.clone());
    if args.demo
        && let Err(e) = session.start_demo_if_unconnected().await
    {
        fail(&e.message);
    }
    let session = Arc::new(session);
    let _live = args.live.then(|| {
        let host = BridgeLive(Arc::clone(&session));
        AbortOnDrop(tokio::spawn(live::run(host, live::QUIET)))
    });
    let token = new_token();
    let config = BridgeConfig {
        session,
        token: token.clone(),
        ui_dir: args.ui.clone(),
        downloads: args.dir.join("Downloads"),
        logs: Some(logs),
    };
    let mut bridge = match serve(args.listen, config).await {
        Ok(bridge) => bridge,
        Err(e) => fail(&e.to_string()),
    };
    println!(
        "{}",
        serde_json::json!({ "url": bridge.url(), "token": token })
    );
    bridge.wait().await;
}

/// The live loop in the bridge: the bridge's session; what the app would announce as an OS
/// notification is logged (the window shows the change through the live status either way).
struct BridgeLive(Arc<Session>);

impl LiveHost for BridgeLive {
    fn session(&self) -> &Session {
        &self.0
    }

    fn announce(&self, event: &SyncEventDto) {
        tracing::info!(title = %event.title, body = %event.body, "live sync");
    }
}

/// The live loop's task, ended with the bridge.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn fail(message: &str) -> ! {
    eprintln!("pi-planner-bridge: {message}");
    std::process::exit(2);
}
