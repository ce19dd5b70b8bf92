//! OpenPGP-signed approvals: where git signs with gpg, an approval is signed with the approver's
//! OpenPGP key and verified with gpg on read; a changed approval, a key the verifier's keyring
//! does not hold, a key that belongs to someone else and an unsigned approval where signatures
//! are required do not count.
//!
//! Every keyring is a throwaway `GNUPGHOME` in a temporary folder, handed to the gpg processes
//! only (through `Signing`, or a `gpg.program` wrapper in the clone's git configuration): the
//! user's own keyring is never read, and the test process's environment is not changed.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pi_approvals::{
    Approval, ApprovalError, OpenPgp, Person, Record, Rejection, SignFormat, Signing, Standing,
};
use pi_engine::approvals;
use pi_engine::{EngineError, PushOptions, PushOutcome, Workspace};
use pi_git::Identity;
use pi_model::Effort;
use pi_scenarios::*;

/// A throwaway gpg keyring; its agent is stopped when it is dropped.
struct Keyring {
    dir: tempfile::TempDir,
}

impl Keyring {
    fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("gpg").tempdir().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        Self { dir }
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn gpg(&self, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
        let mut child = Command::new("gpg")
            .env("GNUPGHOME", self.home())
            .args(["--batch", "--no-tty"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        if let Some(data) = input {
            std::io::Write::write_all(&mut stdin, data).unwrap();
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Makes a signing key for `uid` ("Ann <ann@example.com>"); returns its fingerprint.
    fn generate(&self, uid: &str) -> String {
        self.gpg(
            &[
                "--passphrase",
                "",
                "--quick-gen-key",
                uid,
                "ed25519",
                "sign",
                "never",
            ],
            None,
        );
        let listing =
            String::from_utf8(self.gpg(&["--with-colons", "--list-keys", uid], None)).unwrap();
        listing
            .lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_owned()
    }

    /// Imports the public half of `fingerprint` from `other`.
    fn import_from(&self, other: &Keyring, fingerprint: &str) {
        let public = other.gpg(&["--armor", "--export", fingerprint], None);
        self.gpg(&["--import"], Some(&public));
    }

    fn signing(&self, key: Option<&str>) -> Signing {
        Signing {
            openpgp: OpenPgp {
                key: key.map(str::to_owned),
                program: "gpg".into(),
                home: Some(self.home().to_path_buf()),
            },
            ..Signing::default()
        }
    }

    /// A `gpg` wrapper that uses this keyring, for a clone's `gpg.program`.
    fn wrapper(&self, dir: &Path) -> PathBuf {
        let path = dir.join("gpg-wrapper.sh");
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nGNUPGHOME='{}' exec gpg \"$@\"\n",
                self.home().display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        path
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home())
            .args(["--kill", "all"])
            .output();
    }
}

fn ana() -> Identity {
    Identity::new("Ana Lee", "ana@example.com")
}

fn set_policy(ws: &Workspace, toml: &str) {
    let dir = ws.repo.workdir().unwrap();
    std::fs::write(dir.join(pi_model::CONFIG_FILE_NAME), toml).unwrap();
}

const POLICY: &str = "[approvals]\nrequired = 1\napprovers = [{ email = \"ana@example.com\" }]\n\
                      signatures = \"required\"\n";

fn refusal(result: Result<PushOutcome, EngineError>) -> ApprovalError {
    match result {
        // Waiting for sign-off is an outcome; the test reads it as the refusal it stands for.
        Ok(PushOutcome::AwaitingApproval { status }) => ApprovalError::NotApproved(status),
        Err(EngineError::Approval(e)) => *e,
        other => panic!("expected an approval refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn an_openpgp_signed_approval_from_another_clone_verifies_and_lets_the_push_through() {
    let tp = tp().await;
    let root = tempfile::tempdir().unwrap();
    let (ws_a, ws_b) = two_clones(&tp, root.path()).await;
    set_policy(&ws_a, POLICY);
    set_policy(&ws_b, POLICY);
    let ana_ring = Keyring::new();
    let fpr = ana_ring.generate("Ana Lee <ana@example.com>");
    let jane_ring = Keyring::new();
    jane_ring.import_from(&ana_ring, &fpr);

    // Ana's clone signs like git does with OpenPGP: gpg.format unset, user.signingkey set.
    ws_b.repo.set_config("user.signingkey", &fpr).unwrap();
    let wrapper = ana_ring.wrapper(root.path());
    ws_b.repo
        .set_config("gpg.program", wrapper.to_str().unwrap())
        .unwrap();
    let ana_signing = Signing::from_repo(&ws_b.repo);
    assert_eq!(ana_signing.format(), Some(SignFormat::Openpgp));
    assert_eq!(ana_signing.openpgp.key.as_deref(), Some(fpr.as_str()));
    assert_eq!(ana_signing.key, None, "no SSH key with the OpenPGP format");
    // Jane's clone verifies with her keyring, which holds Ana's public key.
    let jane_wrapper_dir = root.path().join("jane");
    std::fs::create_dir_all(&jane_wrapper_dir).unwrap();
    ws_a.repo
        .set_config(
            "gpg.program",
            jane_ring.wrapper(&jane_wrapper_dir).to_str().unwrap(),
        )
        .unwrap();

    let me = jane();
    edit_plan(&ws_a, |p| p.objectives[0].effort = Effort::new(29.0));
    let refused = refusal(pi_engine::push(&ctx(&tp, &me, 1), &ws_a, PushOptions::default()).await);
    assert!(
        refused.to_string().starts_with("0 of 1 approvals"),
        "{refused}"
    );

    let status = approvals::approve(
        &ctx(&tp, &ana(), 2),
        &ws_b,
        Some("signed off".into()),
        &ana_signing,
    )
    .unwrap();
    let reviewed = &status.approvals[0];
    assert_eq!(reviewed.standing, Standing::Valid, "{status:?}");
    assert!(reviewed.verified);
    assert_eq!(
        reviewed.signer.as_deref(),
        Some(format!("OpenPGP key {fpr}").as_str())
    );
    let signature = reviewed.approval.signature.as_ref().unwrap();
    assert_eq!(signature.format, SignFormat::Openpgp);
    assert!(signature.armored.contains("-----BEGIN PGP SIGNATURE-----"));

    // The gate in Jane's clone verifies the signature with gpg and lets the push through.
    let out = pi_engine::push(&ctx(&tp, &me, 3), &ws_a, PushOptions::default())
        .await
        .unwrap();
    assert!(matches!(out, PushOutcome::Pushed(_)), "{out:?}");
    let trail = pi_reports::audit::trail(&ws_a).unwrap();
    assert_eq!(trail[0].summary, "Approved 1 operation (signed)");
}

fn approval(ws: &Workspace, comment: Option<&str>) -> Approval {
    Approval {
        approver: Person {
            name: "Ana Lee".into(),
            email: "ana@example.com".into(),
        },
        at: at(5).to_rfc3339(),
        comment: comment.map(str::to_owned),
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

fn signed(ws: &Workspace, signing: &Signing, comment: Option<&str>) -> Approval {
    let mut a = approval(ws, comment);
    a.signature = Some(
        signing
            .sign(&a.signed_bytes(), &ws.local_dir().unwrap())
            .unwrap(),
    );
    a
}

#[tokio::test]
async fn altered_unknown_key_foreign_key_and_unsigned_openpgp_approvals_are_rejected() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(&ws, POLICY);
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(3.0));

    // The verifier's keyring: Ana's key and Mallory's; a stranger's key is elsewhere.
    let ring = Keyring::new();
    let ana_fpr = ring.generate("Ana Lee <ana@example.com>");
    let mallory_fpr = ring.generate("Mallory <mallory@example.com>");
    let elsewhere = Keyring::new();
    let stranger_fpr = elsewhere.generate("Ana Lee <ana@example.com>");

    // Signed by Ana, then the comment changed.
    let mut altered = signed(&ws, &ring.signing(Some(&ana_fpr)), None);
    altered.comment = Some("approved by the whole board".into());
    append(&ws, &Record::Approval(altered));
    // Signed by a key with Ana's e-mail that the verifier's keyring does not hold.
    let unknown = signed(&ws, &elsewhere.signing(Some(&stranger_fpr)), None);
    append(&ws, &Record::Approval(unknown));
    // Signed by Mallory's known key, claiming to be Ana.
    let foreign = signed(&ws, &ring.signing(Some(&mallory_fpr)), None);
    append(&ws, &Record::Approval(foreign));
    // Unsigned where signatures are required.
    append(&ws, &Record::Approval(approval(&ws, None)));
    // Signed by Ana, intact.
    let real = signed(&ws, &ring.signing(Some(&ana_fpr)), Some("fine"));
    append(&ws, &Record::Approval(real));

    let policy = approvals::repo_config(&ws).unwrap().approvals;
    let status = approvals::status(&ws, &policy, &ring.signing(None)).unwrap();
    let got: Vec<&Standing> = status.approvals.iter().map(|r| &r.standing).collect();
    let why = |i: usize| match got[i] {
        Standing::Rejected(Rejection::BadSignature(why)) => why.clone(),
        other => panic!("approval {i}: expected a bad signature, got {other:?}"),
    };
    assert!(why(0).contains("changed"), "{}", why(0));
    assert!(why(1).contains("not in the keyring"), "{}", why(1));
    assert!(why(2).contains("no user id with that e-mail"), "{}", why(2));
    assert_eq!(got[3], &Standing::Rejected(Rejection::Unsigned));
    assert_eq!(got[4], &Standing::Valid);
    assert_eq!(
        status.approvals[4].signer.as_deref(),
        Some(format!("OpenPGP key {ana_fpr}").as_str())
    );
    assert!(status.approvals[..4].iter().all(|r| !r.verified));
    assert!(status.is_met());

    // A verifier whose keyring does not hold Ana's key trusts none of them.
    let blind = Keyring::new();
    let status = approvals::status(&ws, &policy, &blind.signing(None)).unwrap();
    assert_eq!(status.valid(), 0, "{status:?}");
    assert!(!status.is_met());
}

#[tokio::test]
async fn approve_refuses_to_record_an_approval_gpg_cannot_sign() {
    let tp = tp().await;
    let dir = tempfile::tempdir().unwrap();
    let ws = init_first(&tp, dir.path(), None).await;
    set_policy(&ws, POLICY);
    edit_plan(&ws, |p| p.objectives[0].effort = Effort::new(4.0));
    let me = jane();
    pi_engine::save::save(
        &ws,
        &me,
        at(1),
        &std::fs::read_to_string(plan_path(&ws)).unwrap(),
    )
    .unwrap();
    // The configured key is not in the keyring: nothing is recorded.
    let empty = Keyring::new();
    let err = approvals::approve(
        &ctx(&tp, &ana(), 2),
        &ws,
        None,
        &empty.signing(Some("ana@example.com")),
    )
    .unwrap_err();
    assert!(
        matches!(&err, EngineError::Approval(e) if matches!(**e, ApprovalError::Sign(_))),
        "{err:?}"
    );
    assert!(
        pi_approvals::records(&ws.repo, &ws.names)
            .unwrap()
            .is_empty()
    );
}
