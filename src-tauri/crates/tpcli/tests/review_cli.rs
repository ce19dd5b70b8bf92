//! The review pull request at each sync, against the simulator's GitHub and a local bare git
//! remote: an approving review by a login of `[github] approvers` unblocks a push that needs an
//! approval (and only for the plan version it approved), the conflicts a pull finds are posted
//! on the pull request as a review with a comment on the line of each conflicting field the
//! pull request changes (the others in its body), and with `sign_off = "merge"` the approvals
//! count once the pull request is merged, so the next `sync-all` pushes the plan.

#![allow(clippy::unwrap_used)] // test set-up and assertions

use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use pi_model::Effort;

use crate::sync_cli_support::{Bench, OBJECTIVES, edit_plan, git, json, read_plan};
use crate::watch_cli_support::Watching;

struct Review {
    bench: Bench,
    _remote: tempfile::TempDir,
    plan_file: PathBuf,
    /// The commit last proposed.
    head: String,
    /// The Slack webhook `approval_given` goes to.
    webhook: String,
}

impl Review {
    /// An initialised plan with a bare `origin`, `[github]` at the simulator with `bo-gh` as
    /// Bo's login, a policy of one approval by Bo, and Jane's effort edit committed.
    fn start(sign_off: &str) -> Review {
        let bench = Bench::start();
        let plan_file = bench.init();
        let remote = tempfile::tempdir().unwrap();
        git(remote.path(), &["init", "--bare", "-q"]);
        git(
            bench.repo(),
            &["remote", "add", "origin", remote.path().to_str().unwrap()],
        );
        let config = format!(
            "[github]\nrepository = \"acme/plans\"\napi_url = \"{}\"\nsign_off = \"{sign_off}\"\napprovers = {{ bo-gh = \"bo@example.com\" }}\n\n[approvals]\nrequired = 1\napprovers = [{{ email = \"bo@example.com\" }}]\n\n[notify.events]\napproval_given = [\"slack\"]\n\n[notify.slack]\n",
            bench.sim.github().api_url()
        );
        std::fs::write(bench.repo().join("pi-planner.toml"), config).unwrap();
        let webhook = bench.sim.slack().add_webhook("#pi-planning");
        let review = Review {
            bench,
            _remote: remote,
            plan_file,
            head: String::new(),
            webhook,
        };
        review.edit(77.0);
        review
    }

    /// Jane sets the first objective's effort and commits it.
    fn edit(&self, effort: f64) {
        edit_plan(&self.plan_file, |p| {
            p.objectives[0].effort = Effort::new(effort)
        });
        let file = self.plan_file.file_name().unwrap().to_str().unwrap();
        git(
            self.bench.repo(),
            &["commit", "-q", "-m", "Effort", "--", file],
        );
    }

    fn run(&self, args: &[&str]) -> Output {
        let out = self
            .bench
            .tpcli(args)
            .env("GITHUB_TOKEN", self.bench.sim.github().token())
            .env("PI_SLACK_WEBHOOK_URL", &self.webhook)
            .output()
            .unwrap();
        self.bench.assert_no_token(&out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains(&self.bench.sim.github().token()),
            "{stderr}"
        );
        out
    }

    /// `tpcli plan propose`, then GitHub's branch head is the pushed commit and its diff the
    /// plan file's against the tracking branch.
    fn propose(&mut self) {
        let out = self.run(&["plan", "propose", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let view = json(&String::from_utf8(out.stdout).unwrap());
        let branch = view["branch"].as_str().unwrap();
        self.head = git(self.bench.repo(), &["rev-parse", "HEAD"]);
        self.bench
            .sim
            .github()
            .push_branch("acme/plans", branch, &self.head);
        let file = self.plan_file.file_name().unwrap().to_str().unwrap();
        let working = git(self.bench.repo(), &["rev-parse", "--abbrev-ref", "HEAD"]);
        let tracking = working.replacen("pi/plan/", "pi/tp/", 1);
        let diff = git(
            self.bench.repo(),
            &["diff", "-U3", &tracking, &self.head, "--", file],
        );
        let hunks = &diff[diff.find("\n@@").unwrap() + 1..];
        let gh = self.bench.sim.github();
        gh.set_diff("acme/plans", branch, &[(file, hunks)]);
    }

    /// The line of the `**Effort**` field of objective `index` in the commit last proposed.
    fn effort_line(&self, index: usize) -> u64 {
        let file = self.plan_file.file_name().unwrap().to_str().unwrap();
        let text = git(
            self.bench.repo(),
            &["show", &format!("{}:{file}", self.head)],
        );
        let lines: Vec<&str> = text.lines().collect();
        let heading = (lines.iter().enumerate())
            .filter(|(_, l)| l.starts_with("## Objective:"))
            .nth(index)
            .unwrap()
            .0;
        let at = (heading..lines.len())
            .find(|i| lines[*i].starts_with("**Effort**"))
            .unwrap();
        at as u64 + 1
    }

    fn effort_in_tp(&self) -> f64 {
        let id = read_plan(&self.plan_file).objectives[0].id.tp().unwrap();
        self.bench.objective(id)["Effort"].as_f64().unwrap()
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_approving_review_signs_off_the_version_it_approved() {
    let mut r = Review::start("approval");
    r.propose();
    let before = r.effort_in_tp();
    let waiting = r.run(&["plan", "push"]);
    assert_eq!(waiting.status.code(), Some(1), "{}", text(&waiting));
    assert!(
        text(&waiting).contains("0 of 1 approvals"),
        "{}",
        text(&waiting)
    );

    let gh = r.bench.sim.github();
    gh.add_review(1, "octo-stranger", "APPROVED");
    gh.add_review(1, "bo-gh", "APPROVED");
    // A later edit: Bo's approval is of the version before it and does not count.
    r.edit(78.0);
    let stale = r.run(&["plan", "push"]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale));
    let said = text(&stale);
    assert!(
        said.contains("@bo-gh (bo@example.com) approved pull request #1: recorded as a sign-off"),
        "{said}"
    );
    assert!(said.contains("@octo-stranger's approval"), "{said}");
    let announced = |who: &str| slack_messages(&r, who);
    assert_eq!(
        announced("@bo-gh (bo@example.com) approved pull request #1"),
        1
    );
    assert_eq!(announced("octo-stranger"), 0);
    assert!(said.contains("not in [github] approvers"), "{said}");
    assert_eq!(r.effort_in_tp(), before);
    let approvals =
        json(&String::from_utf8(r.run(&["plan", "approvals", "--json"]).stdout).unwrap());
    assert_eq!(
        approvals["approvals"][0]["standing"]["standing"], "stale",
        "{approvals}"
    );

    // Proposed again and approved again: this version is pushed.
    r.propose();
    gh.add_review(1, "bo-gh", "APPROVED");
    let pushed = r.run(&["plan", "push"]);
    assert_eq!(pushed.status.code(), Some(0), "{}", text(&pushed));
    assert_eq!(r.effort_in_tp(), 78.0);

    // The approvals and the proposal are in the audit trail; a review is recorded once.
    let audit = r.run(&["plan", "audit", "--json"]);
    let audit = json(&String::from_utf8(audit.stdout).unwrap());
    let events = audit.as_array().unwrap();
    let of = |kind: &str| -> Vec<&serde_json::Value> {
        events.iter().filter(|e| e["kind"] == kind).collect()
    };
    assert_eq!(
        (of("proposal").len(), of("approval").len(), of("push").len()),
        (2, 2, 1),
        "{audit}"
    );
    let approval = of("approval")[0];
    let summary = approval["summary"].as_str().unwrap();
    assert!(summary.contains("github:acme/plans#1 review"), "{summary}");
    let actor = approval["actor"].as_str().unwrap();
    assert!(actor.contains("bo@example.com"), "{actor}");
    let proposal = of("proposal")[0]["summary"].as_str().unwrap();
    assert!(proposal.contains("/acme/plans/pull/1"), "{proposal}");
}

#[test]
fn conflicts_found_by_a_pull_are_posted_on_their_lines_of_the_pull_request_once() {
    let mut r = Review::start("approval");
    r.propose();
    let plan = read_plan(&r.plan_file);
    let last = plan.objectives.len() - 1;
    assert!(last >= 2, "the seeded plan has objectives far apart");
    let ids: Vec<i64> = [0, last]
        .map(|i| plan.objectives[i].id.tp().unwrap())
        .to_vec();
    // The last objective's effort is edited after the proposal: not in the pull request's diff.
    edit_plan(&r.plan_file, |p| {
        p.objectives[last].effort = Effort::new(55.0)
    });
    let file = r.plan_file.file_name().unwrap().to_str().unwrap();
    git(
        r.bench.repo(),
        &["commit", "-q", "-m", "Effort", "--", file],
    );
    for (id, effort) in ids.iter().zip([61, 62]) {
        r.bench
            .sim
            .control()
            .update_entity(OBJECTIVES, *id, serde_json::json!({ "Effort": effort }))
            .unwrap();
    }
    let pulled = r.run(&["plan", "pull"]);
    assert_eq!(pulled.status.code(), Some(1), "{}", text(&pulled));
    assert!(
        text(&pulled).contains("posted 2 conflicts on pull request #1 (1 on their lines)"),
        "{}",
        text(&pulled)
    );
    let pulls = r.bench.sim.github().pulls();
    let posted: Vec<_> = pulls[0]
        .reviews
        .iter()
        .filter(|v| v.state == "COMMENTED")
        .collect();
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0].commit_id, r.head);
    // The first objective's effort conflict sits on its line, which the proposal changed.
    let on_line = &posted[0].comments;
    assert_eq!(on_line.len(), 1, "{on_line:?}");
    assert_eq!(
        (
            on_line[0].path.as_str(),
            on_line[0].line,
            on_line[0].side.as_str()
        ),
        (file, r.effort_line(0), "RIGHT")
    );
    let link = |id: i64| format!("conflict=tp%3A{id}");
    assert!(on_line[0].body.contains("yours 77"), "{}", on_line[0].body);
    assert!(
        on_line[0].body.contains(&link(ids[0])),
        "{}",
        on_line[0].body
    );
    // The last one's line is outside the diff: it is in the review's body.
    let body = &posted[0].body;
    assert!(body.contains("2 conflicts"), "{body}");
    assert!(body.contains("pi-planner://open?plan="), "{body}");
    assert!(body.contains(&link(ids[1])), "{body}");
    assert!(!body.contains(&link(ids[0])), "{body}");

    let again = r.run(&["plan", "pull"]);
    assert_eq!(again.status.code(), Some(1));
    let reviews = r.bench.sim.github().pulls()[0].reviews.len();
    assert_eq!(reviews, 1, "conflicts still open are not posted again");
}

#[test]
fn with_sign_off_on_merge_the_sync_after_the_merge_pushes() {
    let mut r = Review::start("merge");
    r.propose();
    r.bench.sim.github().add_review(1, "bo-gh", "APPROVED");
    let repo = r.bench.repo().to_str().unwrap().to_owned();
    let before = r.effort_in_tp();
    let waiting = r.run(&["plan", "sync-all", &repo]);
    assert_eq!(waiting.status.code(), Some(1), "{}", text(&waiting));
    assert!(text(&waiting).contains("pull request #1 is not merged yet"));
    assert_eq!(r.effort_in_tp(), before);

    r.bench.sim.github().close(1, true);
    let synced = r.run(&["plan", "sync-all", &repo]);
    assert_eq!(synced.status.code(), Some(0), "{}", text(&synced));
    assert_eq!(r.effort_in_tp(), 77.0);
    let approval = "@bo-gh (bo@example.com) approved pull request #1";
    assert_eq!(
        slack_messages(&r, approval),
        1,
        "sync-all announced it once"
    );
}

#[test]
fn a_watch_waiting_for_an_approval_pushes_once_it_is_given_reading_reviews_at_a_pace() {
    let mut r = Review::start("approval");
    r.propose();
    let before = r.effort_in_tp();
    let token = r.bench.sim.github().token();
    let begun = Instant::now();
    let watch = Watching::start_with_env(
        &r.bench,
        1,
        &[
            ("GITHUB_TOKEN", &token),
            ("PI_SLACK_WEBHOOK_URL", &r.webhook),
        ],
    );
    watch.wait_for_line("0 of 1 approvals", Duration::from_secs(60));
    assert_eq!(r.effort_in_tp(), before);

    let given = Instant::now();
    r.bench.sim.github().add_review(1, "bo-gh", "APPROVED");
    watch.wait_for_line("Pushed ", Duration::from_secs(60));
    let waited = given.elapsed();
    assert_eq!(r.effort_in_tp(), 77.0);
    std::thread::sleep(Duration::from_secs(3));
    let ran = begun.elapsed();
    let lines = watch.stop();
    let said = lines.join("\n");
    assert!(
        said.contains("@bo-gh (bo@example.com) approved pull request #1: recorded as a sign-off"),
        "{said}"
    );
    // A look every second, but GitHub's reviews read as a quarter of its 5,000-an-hour limit
    // allows: about every 6 seconds (2 requests a read).
    let reads = r
        .bench
        .sim
        .github()
        .requests()
        .iter()
        .filter(|q| q.method == "GET" && q.path.ends_with("/reviews"))
        .count();
    let most = (ran.as_secs_f64() / 5.7).ceil() as usize + 1;
    eprintln!("{reads} reads of the reviews in {ran:?}; pushed {waited:?} after the approval");
    assert!((1..=most).contains(&reads), "{reads} reads in {ran:?}");
    assert!(waited < Duration::from_secs(15), "{waited:?}");
    // The sign-off is announced once, as pull and push announce theirs.
    assert_eq!(
        slack_messages(&r, "@bo-gh (bo@example.com) approved pull request #1"),
        1
    );
}

/// How many of the Slack messages the simulator received contain `text`.
fn slack_messages(r: &Review, text: &str) -> usize {
    r.bench
        .sim
        .slack()
        .requests()
        .iter()
        .filter(|m| m.payload.to_string().contains(text))
        .count()
}

#[test]
fn a_conflict_a_watch_finds_is_posted_on_its_line_once() {
    let mut r = Review::start("approval");
    r.propose();
    let id = read_plan(&r.plan_file).objectives[0].id.tp().unwrap();
    let token = r.bench.sim.github().token();
    let watch = Watching::start_with_env(&r.bench, 1, &[("GITHUB_TOKEN", &token)]);
    watch.wait_for_line("0 of 1 approvals", Duration::from_secs(60));
    r.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    watch.wait_for_line(
        "posted 1 conflict on pull request #1",
        Duration::from_secs(60),
    );
    std::thread::sleep(Duration::from_secs(3));
    let said = watch.stop().join("\n");
    assert_eq!(said.matches("posted 1 conflict").count(), 1, "{said}");
    let reviews = r.bench.sim.github().pulls()[0].reviews.clone();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    let on_line = &reviews[0].comments;
    assert_eq!(on_line.len(), 1, "{reviews:?}");
    assert_eq!(on_line[0].line, r.effort_line(0));
    assert!(
        on_line[0].body.contains(&format!("conflict=tp%3A{id}")),
        "{}",
        on_line[0].body
    );
}

/// A team's plan of the ART set up by `sync-all --art` in `train/` as a clone of a shared
/// remote, with the bench's `[github]` and `[approvals]`, an effort edit committed and proposed.
struct ArtTeam {
    art: String,
    team: String,
    shared: PathBuf,
    plan_file: PathBuf,
    /// The edited objective.
    id: i64,
}

impl ArtTeam {
    fn set_up(r: &Review) -> ArtTeam {
        let bench = &r.bench;
        let shared = bench.repo().join("shared.git");
        git(
            bench.repo(),
            &["init", "--bare", "-q", shared.to_str().unwrap()],
        );
        let mut t = ArtTeam {
            art: art_of(bench),
            team: bench.team.clone(),
            shared,
            plan_file: PathBuf::new(),
            id: 0,
        };
        let first = t.sync(r);
        assert_eq!(first.status.code(), Some(0), "{}", text(&first));
        let report = json(&String::from_utf8_lossy(&first.stdout));
        let dir = bench
            .repo()
            .join(report["train"]["teams"][0]["dir"].as_str().unwrap());
        t.plan_file = dir.join(report["plans"][0]["plan_file"].as_str().unwrap());
        std::fs::copy(
            bench.repo().join("pi-planner.toml"),
            dir.join("pi-planner.toml"),
        )
        .unwrap();
        edit_plan(&t.plan_file, |p| p.objectives[0].effort = Effort::new(91.0));
        let file = t.plan_file.file_name().unwrap().to_str().unwrap();
        git(&dir, &["commit", "-q", "-m", "Effort", "--", file]);
        let proposed = r.run(&["plan", "propose", "--repo", dir.to_str().unwrap(), "--json"]);
        assert!(proposed.status.success(), "{}", text(&proposed));
        let branch = json(&String::from_utf8_lossy(&proposed.stdout))["branch"]
            .as_str()
            .unwrap()
            .to_owned();
        let head = git(&dir, &["rev-parse", "HEAD"]);
        bench.sim.github().push_branch("acme/plans", &branch, &head);
        t.id = read_plan(&t.plan_file).objectives[0].id.tp().unwrap();
        t
    }

    /// `--art`, the release, the team, the root and the shared remote, after `command`.
    fn args<'a>(&'a self, r: &'a Review, command: &[&'a str]) -> Vec<&'a str> {
        let mut args = command.to_vec();
        args.extend(["--art", &self.art, "--release", &r.bench.release]);
        args.extend(["--teams", &self.team, "--root", "train"]);
        args.extend(["--remote", self.shared.to_str().unwrap()]);
        args
    }

    fn sync(&self, r: &Review) -> Output {
        r.run(&self.args(r, &["plan", "sync-all", "--json"]))
    }

    fn effort(&self, r: &Review) -> f64 {
        r.bench.objective(self.id)["Effort"].as_f64().unwrap()
    }
}

#[test]
fn sync_all_of_an_art_takes_in_a_teams_approval_and_pushes() {
    let r = Review::start("approval");
    let t = ArtTeam::set_up(&r);
    let before = t.effort(&r);

    let waiting = t.sync(&r);
    assert_eq!(waiting.status.code(), Some(1), "{}", text(&waiting));
    let report = json(&String::from_utf8_lossy(&waiting.stdout));
    assert_eq!(
        report["plans"][0]["push"]["result"], "awaiting_approval",
        "{report}"
    );
    assert_eq!(t.effort(&r), before);

    r.bench.sim.github().add_review(1, "bo-gh", "APPROVED");
    let pushed = t.sync(&r);
    assert_eq!(pushed.status.code(), Some(0), "{}", text(&pushed));
    assert!(
        text(&pushed)
            .contains("@bo-gh (bo@example.com) approved pull request #1: recorded as a sign-off"),
        "{}",
        text(&pushed)
    );
    assert_eq!(t.effort(&r), 91.0);
    let approval = "@bo-gh (bo@example.com) approved pull request #1";
    assert_eq!(
        slack_messages(&r, approval),
        1,
        "sync-all announced it once"
    );
    let again = t.sync(&r);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(
        slack_messages(&r, approval),
        1,
        "a sign-off is announced once"
    );
}

#[test]
fn a_train_watch_pushes_a_teams_plan_once_its_approval_is_given() {
    let r = Review::start("approval");
    let t = ArtTeam::set_up(&r);
    let before = t.effort(&r);
    let mut args = t.args(&r, &["plan", "watch", "--push", "auto", "--poll", "1"]);
    args.extend(["--listen", "127.0.0.1:0"]);
    let child = r
        .bench
        .tpcli(&args)
        .env("GITHUB_TOKEN", r.bench.sim.github().token())
        .env("PI_SLACK_WEBHOOK_URL", &r.webhook)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let _running = Killed(child);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(t.effort(&r), before, "no push before the approval");

    r.bench.sim.github().add_review(1, "bo-gh", "APPROVED");
    let pushed =
        crate::watch_cli_support::poll_until(Duration::from_secs(40), || t.effort(&r) == 91.0);
    assert!(pushed, "the train's watch never pushed the approved plan");
    let approval = "@bo-gh (bo@example.com) approved pull request #1";
    let announced = crate::watch_cli_support::poll_until(Duration::from_secs(10), || {
        slack_messages(&r, approval) > 0
    });
    assert!(announced, "the train's watch did not announce the sign-off");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(slack_messages(&r, approval), 1, "announced once");
}

/// Kills the child on drop (a failed assertion leaves no process behind).
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The name of the ART of the simulator's first team.
fn art_of(bench: &crate::sync_cli_support::Bench) -> String {
    let control = bench.sim.control();
    let team = control
        .ids("Teams")
        .into_iter()
        .map(|id| control.get_entity("Teams", id).unwrap())
        .find(|t| t["Name"] == bench.team.as_str())
        .unwrap();
    let art = team["AgileReleaseTrain"]["Id"].as_i64().unwrap();
    let art = control.get_entity("AgileReleaseTrains", art).unwrap();
    art["Name"].as_str().unwrap().to_owned()
}
