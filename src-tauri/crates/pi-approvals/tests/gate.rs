//! Reviewing, approving and gating a change set on a real git repository, without the engine:
//! the plan's branches are made here, the change set is given.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, TimeZone, Utc};
use pi_approvals::{
    Actor, ApprovalError, ChangeSet, Error, Gate, Record, Rejection, Reviewer, Signing, Standing,
};
use pi_git::{
    BranchNames, CommitMessage, FileChange, Identity, Oid, PlanRepo, Source, Stamp, Trailers, When,
};
use pi_model::changeset::{FieldChange, Op};
use pi_model::merge::FieldValue;
use pi_model::{ApprovalPolicy, Approver, EntityId, Field, SignatureRule};

struct Plan {
    _dir: tempfile::TempDir,
    repo: PlanRepo,
    names: BranchNames,
    base: Oid,
}

fn ana() -> Identity {
    Identity::new("Ana Lee", "ana@example.com")
}

fn bob() -> Identity {
    Identity::new("Bob Stone", "bob@example.com")
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, minute, 0).unwrap()
}

fn commit(repo: &PlanRepo, branch: &str, file: &str, text: &str, who: Identity, source: Source) {
    let message = CommitMessage::new("Edit").with_trailers(Trailers::new().with_source(source));
    let change = FileChange {
        path: file,
        content: text.as_bytes(),
        message: &message,
    };
    let stamp = Stamp::new(who, When::utc(at(0).timestamp()));
    repo.commit_file(branch, &change, &stamp).unwrap();
}

/// A plan whose tracking branch holds Targetprocess's state and whose working branch has one
/// edit by Ana.
fn plan() -> Plan {
    let dir = tempfile::tempdir().unwrap();
    let repo = PlanRepo::init(dir.path()).unwrap();
    let names = BranchNames {
        release_slug: "pi-4-25".into(),
        team_slug: "platform-eco".into(),
    };
    let file = names.plan_file();
    let tp = Identity::new("Targetprocess", "targetprocess@tp.example.com");
    commit(
        &repo,
        &names.tracking(),
        &file,
        "effort 3\n",
        tp,
        Source::Targetprocess,
    );
    let base = repo.resolve(&names.tracking()).unwrap();
    repo.create_branch(&names.working(), &names.tracking())
        .unwrap();
    commit(
        &repo,
        &names.working(),
        &file,
        "effort 5\n",
        ana(),
        Source::Local,
    );
    Plan {
        _dir: dir,
        repo,
        names,
        base,
    }
}

fn effort_to(points: &str) -> Op {
    Op::UpdateObjective {
        id: EntityId::Tp(101),
        name: "Faster checkout".into(),
        changes: vec![FieldChange {
            field: Field::Effort,
            from: FieldValue::Text("3".into()),
            to: FieldValue::Text(points.into()),
        }],
    }
}

fn policy(required: u32) -> ApprovalPolicy {
    ApprovalPolicy {
        required,
        approvers: vec![
            Approver {
                email: "ana@example.com".into(),
                role: None,
            },
            Approver {
                email: "bob@example.com".into(),
                role: Some("business owner".into()),
            },
        ],
        ..ApprovalPolicy::default()
    }
}

fn reviewer<'a>(p: &'a Plan, policy: &'a ApprovalPolicy, signing: &'a Signing) -> Reviewer<'a> {
    Reviewer {
        repo: &p.repo,
        names: &p.names,
        policy,
        signing,
        scratch: p.repo.git_dir(),
    }
}

fn refusal(result: Result<impl std::fmt::Debug, Error>) -> ApprovalError {
    match result {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_gate_stays_closed_until_someone_other_than_the_author_approves() {
    let p = plan();
    let (policy, signing) = (policy(1), Signing::default());
    let r = reviewer(&p, &policy, &signing);
    let change = ChangeSet::new(p.base, vec![effort_to("5")]);
    let who = ana();
    let ana_now = Actor {
        who: &who,
        at: at(1),
    };

    let Gate::Closed(status) = r.gate(ana_now, change.clone(), None).unwrap() else {
        panic!("no approval yet")
    };
    assert_eq!(status.authors, ["ana@example.com"]);
    assert_eq!(status.missing(), "0 of 1 approvals");
    let own = r.approve(ana_now, change.clone(), None);
    assert_eq!(
        refusal(own),
        ApprovalError::SelfApproval("ana@example.com".into())
    );

    let who = bob();
    let bob_now = Actor {
        who: &who,
        at: at(2),
    };
    r.approve(bob_now, change.clone(), Some("fine".into()))
        .unwrap();
    let status = r.review(change.clone()).unwrap();
    assert!(status.is_met(), "{status:?}");
    assert_eq!(status.approvals[0].standing, Standing::Valid);
    assert_eq!(status.approvals[0].role.as_deref(), Some("business owner"));
    assert_eq!(r.gate(ana_now, change.clone(), None).unwrap(), Gate::Open);
    let again = r.approve(bob_now, change, None);
    assert_eq!(
        refusal(again),
        ApprovalError::AlreadyApproved("bob@example.com".into())
    );
    assert_eq!(pi_approvals::records(&p.repo, &p.names).unwrap().len(), 1);
}

#[test]
fn an_approval_of_an_earlier_change_is_stale() {
    let p = plan();
    let (policy, signing) = (policy(1), Signing::default());
    let r = reviewer(&p, &policy, &signing);
    let who = bob();
    let bob_now = Actor {
        who: &who,
        at: at(2),
    };
    r.approve(bob_now, ChangeSet::new(p.base, vec![effort_to("5")]), None)
        .unwrap();

    let edited = ChangeSet::new(p.base, vec![effort_to("8")]);
    let status = r.review(edited.clone()).unwrap();
    assert_eq!(status.approvals[0].standing, Standing::Stale);
    assert!(!status.is_met());
    assert!(matches!(
        r.gate(bob_now, edited, None).unwrap(),
        Gate::Closed(_)
    ));
}

#[test]
fn an_approval_given_on_a_pull_request_counts_once_and_is_reviewed_like_any() {
    let p = plan();
    let (policy, signing) = (policy(1), Signing::default());
    let r = reviewer(&p, &policy, &signing);
    let change = ChangeSet::new(p.base, vec![effort_to("5")]);
    let who = ana();
    let recorder = Actor {
        who: &who,
        at: at(3),
    };
    let via = "github:acme/plans#1 review 5000 by @bob-gh".to_owned();
    let bob_at = at(2).to_rfc3339();
    let recorded = r
        .record_given(
            recorder,
            (&bob()).into(),
            bob_at.clone(),
            change.clone(),
            via.clone(),
        )
        .unwrap();
    assert!(recorded);
    let again = r
        .record_given(
            recorder,
            (&bob()).into(),
            bob_at.clone(),
            change.clone(),
            via.clone(),
        )
        .unwrap();
    assert!(!again, "the same review is recorded once");
    let status = r.review(change.clone()).unwrap();
    assert!(status.is_met(), "{status:?}");
    let given = &status.approvals[0];
    assert_eq!(given.approval.via.as_deref(), Some(via.as_str()));
    assert_eq!(given.approval.approver.email, "bob@example.com");
    assert!(given.approval.signature.is_none());

    // The author's own review does not count, and an empty change records nothing.
    let own = "github:acme/plans#1 review 5001 by @ana-gh".to_owned();
    r.record_given(
        recorder,
        (&ana()).into(),
        bob_at.clone(),
        change.clone(),
        own,
    )
    .unwrap();
    let status = r.review(change).unwrap();
    assert_eq!(
        status.approvals[1].standing,
        Standing::Rejected(Rejection::SelfApproval)
    );
    let empty = ChangeSet::new(p.base, vec![]);
    let via = "github:acme/plans#1 review 5002 by @bob-gh".to_owned();
    assert!(
        !r.record_given(recorder, (&bob()).into(), bob_at, empty, via)
            .unwrap()
    );
    assert_eq!(pi_approvals::records(&p.repo, &p.names).unwrap().len(), 2);
}

#[test]
fn an_override_needs_a_reason_and_is_recorded_with_what_was_missing() {
    let p = plan();
    let (policy, signing) = (policy(1), Signing::default());
    let r = reviewer(&p, &policy, &signing);
    let change = ChangeSet::new(p.base, vec![effort_to("5")]);
    let who = ana();
    let ana_now = Actor {
        who: &who,
        at: at(3),
    };

    let empty = r.gate(ana_now, change.clone(), Some("  "));
    assert_eq!(refusal(empty), ApprovalError::EmptyReason);
    assert!(pi_approvals::records(&p.repo, &p.names).unwrap().is_empty());

    let gate = r.gate(ana_now, change.clone(), Some(" release train decision "));
    assert_eq!(gate.unwrap(), Gate::Overridden);
    let records = pi_approvals::records(&p.repo, &p.names).unwrap();
    let [Record::Override(o)] = records.as_slice() else {
        panic!("one override: {records:?}")
    };
    assert_eq!(o.reason, "release train decision");
    assert_eq!(o.missing, "0 of 1 approvals");
    assert_eq!(o.change.hash, change.hash);
    assert_eq!(o.at, "2026-03-01T10:03:00+00:00");
    assert_eq!(r.review(change).unwrap().overrides.len(), 1);
}

#[test]
fn a_policy_that_asks_for_nothing_opens_the_gate_without_reading_the_log() {
    let p = plan();
    // An unreadable entry in the log: a gate that read it would fail.
    let stamp = Stamp::new(ana(), When::utc(at(0).timestamp()));
    p.repo
        .append_entry(&p.names.approvals_ref(), b"not json", &stamp)
        .unwrap();
    let (off, signing) = (ApprovalPolicy::default(), Signing::default());
    let who = ana();
    let actor = Actor {
        who: &who,
        at: at(1),
    };
    let change = ChangeSet::new(p.base, vec![effort_to("5")]);
    let gate = reviewer(&p, &off, &signing).gate(actor, change.clone(), None);
    assert_eq!(gate.unwrap(), Gate::Open);

    let required = policy(1);
    let unreadable = reviewer(&p, &required, &signing).gate(actor, change, None);
    let Err(Error::Log { path, message }) = unreadable else {
        panic!("{unreadable:?}")
    };
    assert_eq!(path, "refs/pi/approvals/pi-4-25.platform-eco entry 1");
    assert!(
        message.starts_with("unreadable approvals log entry"),
        "{message}"
    );
}

#[test]
fn a_forged_hash_is_rejected_and_an_empty_change_is_not_approved() {
    let p = plan();
    let (policy, signing) = (policy(1), Signing::default());
    let r = reviewer(&p, &policy, &signing);
    let change = ChangeSet::new(p.base, vec![effort_to("5")]);
    let mut forged = ChangeSet::new(p.base, vec![effort_to("13")]);
    forged.hash.clone_from(&change.hash);
    let record = Record::Approval(pi_approvals::Approval {
        approver: (&bob()).into(),
        at: at(4).to_rfc3339(),
        comment: None,
        change: forged,
        signature: None,
        via: None,
    });
    let stamp = Stamp::new(bob(), When::utc(at(4).timestamp()));
    let data = serde_json::to_vec(&record).unwrap();
    p.repo
        .append_entry(&p.names.approvals_ref(), &data, &stamp)
        .unwrap();
    let status = r.review(change).unwrap();
    assert_eq!(
        status.approvals[0].standing,
        Standing::Rejected(Rejection::WrongHash)
    );
    assert!(!status.is_met());

    let who = bob();
    let nothing = r.approve(
        Actor {
            who: &who,
            at: at(5),
        },
        ChangeSet::new(p.base, vec![]),
        None,
    );
    assert_eq!(refusal(nothing), ApprovalError::NothingToApprove);
}

#[test]
fn required_signatures_without_a_key_refuse_the_approval() {
    let p = plan();
    let policy = ApprovalPolicy {
        signatures: SignatureRule::Required,
        ..policy(1)
    };
    let signing = Signing::default();
    let who = bob();
    let approved = reviewer(&p, &policy, &signing).approve(
        Actor {
            who: &who,
            at: at(6),
        },
        ChangeSet::new(p.base, vec![effort_to("5")]),
        None,
    );
    assert_eq!(refusal(approved), ApprovalError::SigningRequired);
    assert!(pi_approvals::records(&p.repo, &p.names).unwrap().is_empty());
}

#[test]
fn signing_follows_the_repositorys_git_configuration() {
    let p = plan();
    p.repo.set_config("gpg.format", "ssh").unwrap();
    p.repo
        .set_config("user.signingkey", "key::ssh-ed25519 AAAA")
        .unwrap();
    p.repo
        .set_config("gpg.ssh.allowedSignersFile", "/keys/allowed")
        .unwrap();
    let signing = Signing::from_repo(&p.repo);
    assert_eq!(signing.format(), Some(pi_approvals::SignFormat::Ssh));
    assert_eq!(
        signing.key.as_deref(),
        Some(std::path::Path::new("ssh-ed25519 AAAA"))
    );
    assert_eq!(
        signing.allowed_signers.as_deref(),
        Some(std::path::Path::new("/keys/allowed"))
    );
}
