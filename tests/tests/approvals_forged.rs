//! Approvals that must not count: a hash that does not match its operations, an approver the
//! policy does not list, a duplicate, an unsigned approval where signatures are required, and
//! SSH signatures that do not verify (tampered, or by a key not listed for the approver).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pi_approvals::{Approval, Person, Record, Rejection, Signing, Standing};
use pi_engine::Workspace;
use pi_engine::approvals;
use pi_model::Effort;
use pi_scenarios::*;

fn set_policy(ws: &Workspace, toml: &str) {
    let dir = ws.repo.workdir().unwrap();
    std::fs::write(dir.join(pi_model::CONFIG_FILE_NAME), toml).unwrap();
}

fn person(name: &str, email: &str) -> Person {
    Person {
        name: name.into(),
        email: email.into(),
    }
}

fn approval(ws: &Workspace, who: Person) -> Approval {
    Approval {
        approver: who,
        at: at(5).to_rfc3339(),
        comment: None,
        change: approvals::current_change(ws).unwrap(),
        signature: None,
        via: None,
    }
}

fn append(ws: &Workspace, record: &Record) {
    let stamp = pi_git::Stamp::new(jane(), pi_git::When::utc(at(5).timestamp()));
    let data = serde_json::to_vec(record).unwrap();
    ws.repo
        .append_entry(&ws.names.approvals_ref(), &data, &stamp)
        .unwrap();
}

fn standings(ws: &Workspace, signing: &Signing) -> Vec<(String, Standing)> {
    let policy = approvals::repo_config(ws).unwrap().approvals;
    approvals::status(ws, &policy, signing)
        .unwrap()
        .approvals
        .into_iter()
        .map(|r| (r.approval.approver.email, r.standing))
        .collect()
}

#[tokio::test]
async fn forged_unknown_and_duplicate_approvals_are_rejected() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(
        &ws,
        "[approvals]\nrequired = 2\napprovers = [{ email = \"ana@example.com\" }, { email = \"bob@example.com\" }]\n",
    );
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(55.0));
    let mut forged = approval(&ws, person("Bob", "bob@example.com"));
    forged.change.ops[0] = pi_model::changeset::Op::DeleteObjective {
        id: forged.change.ops[0].entity().clone(),
        name: "claimed".into(),
    };
    append(&ws, &Record::Approval(forged));
    append(
        &ws,
        &Record::Approval(approval(&ws, person("Mallory", "mallory@example.com"))),
    );
    append(
        &ws,
        &Record::Approval(approval(&ws, person("Ana", "ana@example.com"))),
    );
    append(
        &ws,
        &Record::Approval(approval(&ws, person("Ana", "ANA@example.com"))),
    );
    assert_eq!(
        standings(&ws, &Signing::default()),
        vec![
            (
                "bob@example.com".into(),
                Standing::Rejected(Rejection::WrongHash)
            ),
            (
                "mallory@example.com".into(),
                Standing::Rejected(Rejection::UnknownApprover)
            ),
            ("ana@example.com".into(), Standing::Valid),
            (
                "ANA@example.com".into(),
                Standing::Rejected(Rejection::Duplicate)
            ),
        ]
    );
    let policy = approvals::repo_config(&ws).unwrap().approvals;
    let status = approvals::status(&ws, &policy, &Signing::default()).unwrap();
    assert_eq!(status.missing(), "1 of 2 approvals");
    assert!(!status.is_met());
}

/// An ed25519 key pair made with ssh-keygen in `dir`; returns (private key, public key line).
fn key(dir: &Path, name: &str) -> (PathBuf, String) {
    let path = dir.join(name);
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    (path, public.trim().to_owned())
}

#[tokio::test]
async fn ssh_signed_approvals_verify_and_tampered_or_unlisted_ones_do_not() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(
        &ws,
        "[approvals]\nrequired = 1\nsignatures = \"required\"\n",
    );
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(8.0));
    let (ana_key, ana_pub) = key(keys.path(), "ana");
    let (mallory_key, _) = key(keys.path(), "mallory");
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(&allowed, format!("ana@example.com {ana_pub}\n")).unwrap();
    let signing = |key: &Path| Signing {
        key: Some(key.to_path_buf()),
        allowed_signers: Some(allowed.clone()),
        program: "ssh-keygen".into(),
        ..Signing::default()
    };
    let scratch = ws.local_dir().unwrap();

    // Unsigned where signatures are required.
    append(
        &ws,
        &Record::Approval(approval(&ws, person("Bob", "bob@example.com"))),
    );
    // Signed by Mallory's key, claiming to be Ana.
    let mut fake = approval(&ws, person("Ana", "ana@example.com"));
    fake.signature = Some(
        signing(&mallory_key)
            .sign(&fake.signed_bytes(), &scratch)
            .unwrap(),
    );
    append(&ws, &Record::Approval(fake));
    // Signed by Ana, then the comment changed.
    let mut tampered = approval(&ws, person("Ana", "ana@example.com"));
    tampered.signature = Some(
        signing(&ana_key)
            .sign(&tampered.signed_bytes(), &scratch)
            .unwrap(),
    );
    tampered.comment = Some("looks good".into());
    append(&ws, &Record::Approval(tampered));
    // Signed by Ana, intact.
    let mut real = approval(&ws, person("Ana", "ana@example.com"));
    real.signature = Some(
        signing(&ana_key)
            .sign(&real.signed_bytes(), &scratch)
            .unwrap(),
    );
    append(&ws, &Record::Approval(real));

    let got = standings(&ws, &signing(&ana_key));
    assert_eq!(got[0].1, Standing::Rejected(Rejection::Unsigned));
    for (i, (_, s)) in got[1..3].iter().enumerate() {
        assert!(
            matches!(s, Standing::Rejected(Rejection::BadSignature(why)) if why.contains("does not verify")),
            "{i}: {s:?}"
        );
    }
    assert_eq!(got[3].1, Standing::Valid);
    // Without an allowed-signers file nothing signed can be trusted.
    let blind = Signing {
        allowed_signers: None,
        ..signing(&ana_key)
    };
    assert!(matches!(
        &standings(&ws, &blind)[3].1,
        Standing::Rejected(Rejection::BadSignature(_))
    ));
}

#[tokio::test]
async fn approve_signs_with_the_configured_ssh_key_and_the_gate_verifies_it() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let keys = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(
        &ws,
        "[approvals]\nrequired = 1\nsignatures = \"required\"\n",
    );
    let (ana_key, ana_pub) = key(keys.path(), "ana");
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(&allowed, format!("ana@example.com {ana_pub}\n")).unwrap();
    ws.repo.set_config("gpg.format", "ssh").unwrap();
    ws.repo
        .set_config("user.signingkey", ana_key.to_str().unwrap())
        .unwrap();
    ws.repo
        .set_config("gpg.ssh.allowedSignersFile", allowed.to_str().unwrap())
        .unwrap();
    let signing = Signing::from_repo(&ws.repo);
    assert_eq!(signing.key.as_deref(), Some(ana_key.as_path()));

    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(12.0));
    // Jane committed the edit; Ana approves in the same clone (a shared workstation).
    let ana = pi_git::Identity::new("Ana Lee", "ana@example.com");
    let me = jane();
    pi_engine::save::save(
        &ws,
        &me,
        at(1),
        &std::fs::read_to_string(plan_path(&ws)).unwrap(),
    )
    .unwrap();
    let status = approvals::approve(&ctx(&tp, &ana, 2), &ws, None, &signing).unwrap();
    assert!(status.approvals[0].verified, "{status:?}");
    assert!(status.is_met());
    let out = pi_engine::push(&ctx(&tp, &me, 3), &ws, pi_engine::PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, pi_engine::PushOutcome::Pushed(_)), "{out:?}");
}
