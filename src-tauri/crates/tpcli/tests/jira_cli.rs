//! `tpcli plan init` and `pull` with `[jira]`: the stories of every feature's epic from the
//! simulator's Jira Cloud and Data Center, `plan show --json` listing them, and a Jira outage
//! (503 everywhere, or a wrong token) leaving the Targetprocess pull whole with its notice.

#![allow(clippy::unwrap_used)] // tests

use std::path::Path;
use std::process::{Command, Output};

use pi_model::JiraDeployment;
use pi_sim::{DataSource, Faults, GenSpec, SimConfig};

use crate::sync_cli_support::{Bench, read_plan};

const UNREACHABLE: &str = "Jira unreachable: stories not refreshed";

/// 100 features (10 objectives of 10), each with an epic of 6 stories, in `deployment`.
fn bench(deployment: JiraDeployment) -> Bench {
    Bench::start_with(SimConfig {
        control_api: true,
        data: DataSource::Generated(GenSpec {
            teams: 1,
            objectives_per_team: 10,
            features_per_objective: 10,
            releases: 1,
        }),
        jira_deployment: deployment,
        jira_stories_per_feature: 6,
        page_size_jira: 25,
        ..SimConfig::default()
    })
}

fn write_config(dir: &Path, jira_url: &str, deployment: Option<&str>) {
    let mut text = format!("[jira]\nurl = \"{jira_url}\"\n");
    if let Some(d) = deployment {
        text.push_str(&format!("deployment = \"{d}\"\n"));
    }
    std::fs::write(dir.join(pi_model::CONFIG_FILE_NAME), text).unwrap();
}

/// `tpcli ARGS` with the Jira credentials `creds` (e-mail, token) in the environment.
fn run(bench: &Bench, args: &[&str], creds: (Option<&str>, &str)) -> Output {
    run_with(bench, args, creds, |_| {})
}

/// [`run`] with the command adjusted by `adjust` (more environment) first.
fn run_with(
    bench: &Bench,
    args: &[&str],
    creds: (Option<&str>, &str),
    adjust: impl FnOnce(&mut Command),
) -> Output {
    let out = attempt(bench, args, creds, adjust);
    assert!(
        out.status.success(),
        "tpcli {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `tpcli ARGS` as [`run_with`] runs it, which may fail; the token is never printed.
fn attempt(
    bench: &Bench,
    args: &[&str],
    creds: (Option<&str>, &str),
    adjust: impl FnOnce(&mut Command),
) -> Output {
    let mut cmd: Command = bench.tpcli(args);
    cmd.env("JIRA_TOKEN", creds.1)
        .env_remove("JIRA_EMAIL")
        .env_remove("JIRA_URL");
    if let Some(email) = creds.0 {
        cmd.env("JIRA_EMAIL", email);
    }
    adjust(&mut cmd);
    let out = cmd.output().unwrap();
    bench.assert_no_token(&out);
    for stream in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(creds.1),
            "the Jira token was printed"
        );
    }
    crate::json_output_support::check(args, &out.stdout);
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn init_args(bench: &Bench) -> Vec<String> {
    [
        "plan",
        "init",
        "--release",
        &bench.release,
        "--team",
        &bench.team,
        "--json",
    ]
    .map(str::to_owned)
    .to_vec()
}

fn init(bench: &Bench, creds: (Option<&str>, &str)) -> (serde_json::Value, std::path::PathBuf) {
    let args = init_args(bench);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = json(&run(bench, &args, creds));
    let file = std::path::PathBuf::from(report["plan_file"].as_str().unwrap());
    (report, file)
}

/// Every feature has its epic's 6 stories, each with its key, status category and points.
fn assert_all_stories(file: &Path) {
    let plan = read_plan(file);
    assert_eq!(plan.features().count(), 100);
    let mut total = 0;
    for (_, f) in plan.features() {
        let epic = &f.jira.as_ref().unwrap().key;
        assert_eq!(f.stories.len(), 6, "{epic}");
        for s in &f.stories {
            assert!(
                s.status_category.is_some() && s.status.is_some(),
                "{}",
                s.key
            );
            assert!(s.url.as_deref().unwrap().ends_with(&s.key));
        }
        total += f.stories.len();
    }
    assert_eq!(total, 600);
}

#[test]
fn pull_brings_the_600_stories_of_100_epics_from_jira_cloud() {
    let bench = bench(JiraDeployment::Cloud);
    let (email, token) = bench.sim.jira_credentials();
    let creds = (Some(email.as_str()), token.as_str());
    let (report, file) = init(&bench, creds);
    assert_eq!(report["jira"], serde_json::Value::Null, "no [jira] yet");
    assert!(
        read_plan(&file)
            .features()
            .all(|(_, f)| f.stories.is_empty())
    );

    write_config(bench.repo(), &bench.sim.base_url(), None);
    let pulled = json(&run(&bench, &["plan", "pull", "--json"], creds));
    assert_eq!(pulled["jira"]["result"], "refreshed");
    assert_eq!(pulled["jira"]["epics"], 100);
    assert_eq!(pulled["jira"]["stories"], 600);
    assert_eq!(pulled["kept_local"].as_array().unwrap().len(), 0);
    assert_all_stories(&file);

    let file_arg = file.display().to_string();
    let shown = json(&run(&bench, &["plan", "show", &file_arg, "--json"], creds));
    let story = &shown["objectives"][0]["features"][0]["stories"][0];
    for field in [
        "key",
        "summary",
        "status",
        "status_category",
        "points",
        "assignee",
    ] {
        assert!(story.get(field).is_some(), "stories[] has {field}: {story}");
    }
    // The stories are in the snapshot: nothing to push, and a second pull changes nothing.
    let status = String::from_utf8(run(&bench, &["plan", "status"], creds).stdout).unwrap();
    assert!(!status.to_lowercase().contains("edited"), "{status}");
    let before = std::fs::read_to_string(&file).unwrap();
    let text = String::from_utf8(run(&bench, &["plan", "pull"], creds).stdout).unwrap();
    assert!(
        text.contains("Jira: 600 stories under 100 epics."),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    // A story edited in the file: a warning, nothing to push, Jira's back at the next pull.
    crate::sync_cli_support::edit_plan(&file, |p| {
        p.objectives[0].features[0].stories[0].summary = "Edited here".into();
    });
    let status = json(&run(&bench, &["plan", "status", "--json"], creds));
    assert_eq!(
        status["local_changes"].as_array().unwrap().len(),
        0,
        "{status}"
    );
    assert_eq!(
        status["stories_edited"][0]["keys"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{status}"
    );
    let text = String::from_utf8(run(&bench, &["plan", "status"], creds).stdout).unwrap();
    assert!(text.contains("stories edited in the plan file"), "{text}");
    let pushed = String::from_utf8(run(&bench, &["plan", "push", "--yes"], creds).stdout).unwrap();
    assert!(
        pushed.to_lowercase().contains("nothing to push"),
        "{pushed}"
    );
    run(&bench, &["plan", "pull"], creds);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn a_train_sync_brings_the_stories_too() {
    let bench = bench(JiraDeployment::Cloud);
    let (email, token) = bench.sim.jira_credentials();
    let creds = (Some(email.as_str()), token.as_str());
    let (_, file) = init(&bench, creds);
    write_config(bench.repo(), &bench.sim.base_url(), None);
    let dir = bench.repo().display().to_string();
    let args = ["plan", "sync-all", "--pull-only", "--json", dir.as_str()];
    let synced = json(&run(&bench, &args, creds));
    let jira = &synced["plans"][0]["pull"]["jira"];
    assert_eq!(jira["result"], "refreshed", "{synced}");
    assert_eq!(jira["stories"], 600);
    assert_all_stories(&file);
    // The train's Jira requests are in the metrics, with the plan's pull.
    let stats = json(&run(&bench, &["plan", "stats", "--json"], creds));
    assert_eq!(jira_requests(&stats), requests_to_jira(&bench), "{stats:#}");
}

/// The Jira requests `tpcli plan stats --json` counted.
fn jira_requests(stats: &serde_json::Value) -> u64 {
    stats["traffic"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["service"] == "jira")
        .map_or(0, |t| t["requests"].as_u64().unwrap())
}

/// The requests the simulator's Jira answered.
fn requests_to_jira(bench: &Bench) -> u64 {
    bench.sim.control().jira_requests().len() as u64
}

#[test]
fn init_brings_the_stories_from_jira_data_center() {
    let bench = bench(JiraDeployment::Datacenter);
    write_config(bench.repo(), &bench.sim.base_url(), Some("datacenter"));
    let pat = bench.sim.jira_pat().to_owned();
    let (report, file) = init(&bench, (None, &pat));
    assert_eq!(report["jira"]["result"], "refreshed", "{report}");
    assert_eq!(report["jira"]["stories"], 600);
    assert_all_stories(&file);
    let searches = bench
        .sim
        .control()
        .jira_requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/rest/api/2/search"))
        .count();
    assert!(
        searches >= 600 / 25,
        "paged through capped pages: {searches}"
    );
    // The init is measured, its Jira requests with it.
    let stats = json(&run(&bench, &["plan", "stats", "--json"], (None, &pat)));
    assert_eq!(stats["teams"][0]["operations"], 1, "{stats:#}");
    assert_eq!(jira_requests(&stats), requests_to_jira(&bench), "{stats:#}");
}

#[test]
fn a_jira_outage_or_a_wrong_token_leaves_the_targetprocess_pull_whole() {
    let bench = bench(JiraDeployment::Cloud);
    let (email, token) = bench.sim.jira_credentials();
    let creds = (Some(email.as_str()), token.as_str());
    write_config(bench.repo(), &bench.sim.base_url(), Some("cloud"));
    let (_, file) = init(&bench, creds);
    assert_all_stories(&file);

    // A wrong token: 401.
    let control = bench.sim.control();
    let feature = control.ids("Features")[0];
    control
        .update_entity(
            "Features",
            feature,
            serde_json::json!({"Name": "Renamed in TP"}),
        )
        .unwrap();
    let wrong = (Some(email.as_str()), "not-the-token");
    let pulled = json(&run(&bench, &["plan", "pull", "--json"], wrong));
    assert_eq!(pulled["jira"]["message"], UNREACHABLE, "{pulled}");
    assert_eq!(pulled["from_targetprocess"].as_array().unwrap().len(), 1);
    assert!(
        read_plan(&file)
            .features()
            .any(|(_, f)| f.name == "Renamed in TP")
    );
    assert_all_stories(&file);

    // Jira answering 503 to everything: another simulator stands for it.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let down = rt
        .block_on(pi_sim::start(SimConfig {
            faults: Faults {
                error_rate: 1.0,
                error_status: 503,
                ..Faults::default()
            },
            ..SimConfig::default()
        }))
        .unwrap();
    write_config(bench.repo(), &down.base_url(), Some("cloud"));
    // The planner confirms the new site (a changed [jira] url gets no credentials otherwise).
    let confirm = |cmd: &mut Command| {
        cmd.env("JIRA_URL", down.base_url());
    };
    control
        .update_entity(
            "Features",
            feature,
            serde_json::json!({"Name": "Renamed again"}),
        )
        .unwrap();
    let text =
        String::from_utf8(run_with(&bench, &["plan", "pull"], creds, confirm).stdout).unwrap();
    assert!(text.contains(UNREACHABLE), "{text}");
    assert!(
        read_plan(&file)
            .features()
            .any(|(_, f)| f.name == "Renamed again")
    );
    assert_all_stories(&file);
}

#[test]
fn a_jira_url_changed_in_the_repository_gets_no_credentials_until_confirmed() {
    let bench = Bench::start_with(SimConfig {
        control_api: true,
        ..SimConfig::default()
    });
    let (email, token) = bench.sim.jira_credentials();
    let creds = (Some(email.as_str()), token.as_str());
    write_config(bench.repo(), &bench.sim.base_url(), Some("cloud"));
    let (report, _) = init(&bench, creds);
    assert_eq!(report["jira"]["result"], "refreshed", "{report}");

    // A teammate points [jira] url at another site (another simulator stands for it).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let other = rt
        .block_on(pi_sim::start(SimConfig {
            control_api: true,
            ..SimConfig::default()
        }))
        .unwrap();
    write_config(bench.repo(), &other.base_url(), Some("cloud"));
    let pulled = json(&run(&bench, &["plan", "pull", "--json"], creds));
    assert_eq!(pulled["jira"]["result"], "not_refreshed", "{pulled}");
    let detail = pulled["jira"]["detail"].as_str().unwrap();
    assert!(
        detail.contains("this clone was set up for Jira")
            && detail.contains(&format!("tpcli auth login --jira {}", other.base_url())),
        "{detail}"
    );
    assert!(
        other.control().jira_requests().is_empty(),
        "nothing, least of all the token, went to the changed site"
    );

    // JIRA_URL naming yet another site than [jira] url: refused, still nothing sent.
    let mismatch = |cmd: &mut Command| {
        cmd.env("JIRA_URL", "https://elsewhere.example");
    };
    let pulled = json(&run_with(
        &bench,
        &["plan", "pull", "--json"],
        creds,
        mismatch,
    ));
    assert_eq!(pulled["jira"]["result"], "not_refreshed", "{pulled}");
    assert!(other.control().jira_requests().is_empty());

    // Confirmed once with JIRA_URL: read, and remembered by the clone from then on.
    let confirm = |cmd: &mut Command| {
        cmd.env("JIRA_URL", other.base_url());
    };
    let (email, token) = other.jira_credentials();
    let theirs = (Some(email.as_str()), token.as_str());
    let pulled = json(&run_with(
        &bench,
        &["plan", "pull", "--json"],
        theirs,
        confirm,
    ));
    assert_eq!(pulled["jira"]["result"], "refreshed", "{pulled}");
    assert!(!other.control().jira_requests().is_empty());
    let pulled = json(&run(&bench, &["plan", "pull", "--json"], theirs));
    assert_eq!(pulled["jira"]["result"], "refreshed", "{pulled}");
}
