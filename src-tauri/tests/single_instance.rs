//! One app per user, with real processes: the `pi-planner` binary started while an app listens
//! hands over its link and exits with 0 before it opens any window; a socket left by an app
//! that was killed (SIGKILL, no clean-up) is taken over by the next start.
#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pi_planner::single::{self, Handover, Start};

const LINK: &str = "pi-planner://open?plan=pi-1-26%2Feclipse&conflict=tp%3A2266";
/// Set in the child this test starts to hold the socket until it is killed.
const HOLD: &str = "PI_PLANNER_TEST_HOLD_SOCKET";

/// The app binary started as a later start, with the socket at `path`; its exit status and
/// how long it ran.
fn later_start(path: &Path, args: &[&str]) -> (std::process::ExitStatus, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pi-planner"))
        .args(args)
        .env(single::SOCKET_VARIABLE, path)
        // No display: were it to start the app instead of handing over, it would fail.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app binary starts");
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            return (status, started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the later start did not exit");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_app_hands_its_link_to_the_running_one_and_exits_0() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("instance.sock");
    let Start::First(listener) = single::start(&path, None).expect("first start") else {
        panic!("nothing listened yet");
    };
    let heard = std::thread::spawn(move || {
        let link = listener.accept().expect("accepted");
        let show = listener.accept().expect("accepted");
        (link, show)
    });
    let (status, took) = later_start(&path, &[LINK]);
    assert!(status.success(), "{status}");
    let (status2, _) = later_start(&path, &["--demo"]);
    assert!(status2.success(), "{status2}");
    let (link, show) = heard.join().expect("listener");
    assert_eq!(link, Some(Handover::Open(LINK.to_owned())));
    assert_eq!(
        show,
        Some(Handover::Show),
        "a plain start asks the app to come forward"
    );
    eprintln!("handover took {took:?}");
}

/// Not a test of its own: the child the stale-socket test starts and kills.
#[test]
fn holds_the_socket_when_asked() {
    let Some(path) = std::env::var_os(HOLD) else {
        return;
    };
    let Start::First(_listener) = single::start(Path::new(&path), None).expect("first start")
    else {
        panic!("the socket was free");
    };
    println!("listening");
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn a_socket_left_by_a_killed_app_is_taken_over_by_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("instance.sock");
    let mut holder = Command::new(std::env::current_exe().expect("this test"))
        .args(["--exact", "holds_the_socket_when_asked", "--nocapture"])
        .env(HOLD, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("holder starts");
    let mut out = BufReader::new(holder.stdout.take().expect("stdout"));
    let mut line = String::new();
    while !line.contains("listening") {
        line.clear();
        assert!(
            out.read_line(&mut line).expect("reads") > 0,
            "the holder died"
        );
    }
    holder.kill().expect("SIGKILL");
    holder.wait().expect("reaped");
    assert!(path.exists(), "a killed app leaves its socket behind");

    // The next app start finds nobody behind it and listens in its place ...
    let Start::First(listener) = single::start(&path, Some(LINK)).expect("starts") else {
        panic!("a dead app's socket took the handover");
    };
    // ... and later starts hand over to it.
    let heard = std::thread::spawn(move || listener.accept().expect("accepted"));
    let (status, _) = later_start(&path, &[LINK]);
    assert!(status.success(), "{status}");
    assert_eq!(
        heard.join().expect("listener"),
        Some(Handover::Open(LINK.to_owned()))
    );
}
