//! Black-box: `tpcli -v/-vv/-vvv/-q`, `--log-format json` and `--log-file` — the diagnostics show
//! the operations, git steps and requests, and the access token appears in no log line, no
//! output and no error message, at any verbosity, with failures and refusals on the way.

#![allow(clippy::unwrap_used)]

use crate::sync_cli_support;

use pi_sim::Faults;
use sync_cli_support::*;

/// Everything a run printed and logged.
fn all_text(out: &std::process::Output, log: &std::path::Path) -> String {
    format!(
        "{}{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(log).unwrap_or_default()
    )
}

#[test]
fn no_verbosity_logs_the_token_and_debug_shows_requests_and_spans() {
    let bench = Bench::start();
    let token = bench.sim.access_token().to_owned();
    let log = bench.home.path().join("tpcli.log");
    let log_arg = log.to_str().unwrap();
    let out = bench.run(&[
        "-vvv",
        "--log-format",
        "json",
        "--log-file",
        log_arg,
        "plan",
        "init",
        "--release",
        &bench.release,
        "--team",
        &bench.team,
    ]);
    assert!(out.status.success(), "{}", all_text(&out, &log));
    let lines = std::fs::read_to_string(&log).unwrap();
    assert!(!lines.is_empty());
    for line in lines.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("a JSON log line: {e}: {line}"));
        assert!(v["level"].is_string(), "{line}");
    }
    assert!(lines.contains("\"init\""), "the operation's span: {lines}");
    assert!(
        lines.contains("Targetprocess request"),
        "the requests: {lines}"
    );
    assert!(!lines.contains(&token));

    // Every verbosity, with a failing server and a refused write on the way.
    let plan_file = read_plan_file(&bench);
    edit_plan(&plan_file, |p| {
        p.objectives[0].effort = pi_model::Effort::new(42.0)
    });
    bench.sim.control().refuse(pi_sim::Refusal {
        resource: "TeamPIObjectives".into(),
        id: None,
        field: Some("Effort".into()),
        status: 422,
        times: Some(1),
        message: "Effort is locked".into(),
    });
    for (args, expect_code) in [
        (vec!["-q", "plan", "push"], Some(1)),
        (vec!["plan", "status"], Some(0)),
        (vec!["-v", "plan", "pull"], Some(0)),
        (vec!["-vv", "plan", "push", "--json"], Some(0)),
    ] {
        let mut full = args.clone();
        full.splice(0..0, ["--log-file", log_arg]);
        let out = bench.run(&full);
        let text = all_text(&out, &log);
        assert_eq!(out.status.code(), expect_code, "tpcli {args:?}: {text}");
        assert!(!text.contains(&token), "tpcli {args:?} logged the token");
    }
    let quiet = bench.run(&["-q", "plan", "status"]);
    assert!(
        quiet.stderr.is_empty(),
        "-q prints no progress: {}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    // A server that fails every request: the errors name the request, never the token.
    bench.sim.control().set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    for verbosity in ["-q", "-vvv"] {
        let out = bench.run(&[verbosity, "plan", "pull"]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error:"), "{stderr}");
        assert!(!stderr.contains(&token), "{verbosity} logged the token");
    }
}

/// The plan file `init` wrote: the one markdown file at the repository root.
fn read_plan_file(bench: &Bench) -> std::path::PathBuf {
    std::fs::read_dir(bench.repo())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap()
}
