//! The review pull request at each sync, against the simulator's GitHub and a local bare git
//! remote: an approving review by a login of `[github] approvers` unblocks a push that needs an
//! approval (and only for the plan version it approved), a conflict a pull finds is posted on
//! the pull request as a review, and with `sign_off = "merge"` the approvals count once the pull
//! request is merged, so the next `sync-all` pushes the plan.

#![allow(clippy::unwrap_used)] // test set-up and assertions

use std::path::PathBuf;
use std::process::Output;

use pi_model::Effort;

use crate::sync_cli_support::{Bench, OBJECTIVES, edit_plan, git, json, read_plan};

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

    /// `tpcli plan propose`, then GitHub's branch head is the pushed commit.
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
    let announced = |who: &str| {
        r.bench
            .sim
            .slack()
            .requests()
            .iter()
            .filter(|m| m.payload.to_string().contains(who))
            .count()
    };
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
fn a_conflict_found_by_a_pull_is_posted_on_the_pull_request_once() {
    let mut r = Review::start("approval");
    r.propose();
    let id = read_plan(&r.plan_file).objectives[0].id.tp().unwrap();
    r.bench
        .sim
        .control()
        .update_entity(OBJECTIVES, id, serde_json::json!({ "Effort": 61 }))
        .unwrap();
    let pulled = r.run(&["plan", "pull"]);
    assert_eq!(pulled.status.code(), Some(1), "{}", text(&pulled));
    assert!(text(&pulled).contains("posted 1 conflict on pull request #1"));
    let pulls = r.bench.sim.github().pulls();
    let posted: Vec<_> = pulls[0]
        .reviews
        .iter()
        .filter(|v| v.state == "COMMENTED")
        .collect();
    assert_eq!(posted.len(), 1, "{posted:?}");
    let body = &posted[0].body;
    assert!(body.contains("1 conflict"), "{body}");
    assert!(body.contains("pi-planner://open?plan="), "{body}");
    assert!(body.contains(&format!("conflict=tp%3A{id}")), "{body}");
    assert_eq!(posted[0].commit_id, r.head);

    let again = r.run(&["plan", "pull"]);
    assert_eq!(again.status.code(), Some(1));
    let reviews = r.bench.sim.github().pulls()[0].reviews.len();
    assert_eq!(reviews, 1, "a conflict still open is not posted again");
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
}
