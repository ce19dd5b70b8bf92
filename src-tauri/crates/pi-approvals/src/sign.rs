//! Signing and verifying approvals the way git signs commits, in the format git is set up for:
//!
//! - SSH (`gpg.format = ssh`): `ssh-keygen -Y sign` with `user.signingkey`, `ssh-keygen -Y verify`
//!   against `gpg.ssh.allowedSignersFile` with the approver's e-mail as the principal;
//! - OpenPGP (`gpg.format` unset or `openpgp`, with `user.signingkey` or `commit.gpgsign`): a
//!   detached armored `gpg` signature, verified with `gpg` against the verifier's keyring, and
//!   only when the signing key has a user id with the approver's e-mail (see `gpg`).
//!
//! It deliberately does not do X.509 (`gpg.format = x509`): approvals are then not signed, and a
//! signature in a format this machine cannot check does not verify.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pi_git::PlanRepo;
use serde::{Deserialize, Serialize};

use crate::error::{ApprovalError, Result};
use crate::gpg;

/// The namespace (`-n`) of SSH approval signatures, so a commit signature cannot pass as one.
pub const NAMESPACE: &str = "pi-planner-approval";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignFormat {
    Ssh,
    Openpgp,
}

/// A detached signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Signature {
    pub format: SignFormat,
    /// The armored signature (`-----BEGIN SSH SIGNATURE-----` or
    /// `-----BEGIN PGP SIGNATURE-----` ...).
    pub armored: String,
}

/// How this machine signs and verifies OpenPGP approvals with `gpg`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenPgp {
    /// The key to sign with (`--local-user`: a key id, fingerprint or e-mail). `None`: approvals
    /// are not signed with OpenPGP (OpenPGP signatures are still verified).
    pub key: Option<String>,
    /// The `gpg` program (`gpg.openpgp.program`, `gpg.program`).
    pub program: PathBuf,
    /// The keyring folder handed to `gpg` as `GNUPGHOME`; `None`: gpg's own default.
    pub home: Option<PathBuf>,
}

impl Default for OpenPgp {
    fn default() -> Self {
        Self {
            key: None,
            program: PathBuf::from("gpg"),
            home: None,
        }
    }
}

/// How this machine signs and verifies approvals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signing {
    /// The SSH key to sign with (a private key file, or a public key whose private half is in
    /// the ssh agent). `None`: approvals are not signed with SSH.
    pub key: Option<PathBuf>,
    /// `gpg.ssh.allowedSignersFile`: which keys belong to which e-mail. `None`: an SSH-signed
    /// approval cannot be verified and does not count.
    pub allowed_signers: Option<PathBuf>,
    /// The `ssh-keygen` program.
    pub program: PathBuf,
    /// OpenPGP signing and verification.
    pub openpgp: OpenPgp,
}

impl Signing {
    /// From the repository's git configuration (which includes the user's global one):
    /// - `gpg.format = ssh`: signing with `user.signingkey`, verifying with
    ///   `gpg.ssh.allowedSignersFile`;
    /// - `gpg.format` unset or `openpgp`: signing with gpg when `user.signingkey` is set (that
    ///   key) or `commit.gpgsign = true` (the key of `user.email`).
    ///
    /// Signatures of either format are verified whatever the format this machine signs with.
    pub fn from_repo(repo: &PlanRepo) -> Self {
        // An unreadable setting counts as unset, as git itself signs nothing it cannot read.
        let get = |key: &str| repo.config_string(key).ok().flatten();
        let format = get("gpg.format");
        let ssh = format.as_deref() == Some("ssh");
        let openpgp = format.as_deref().is_none_or(|f| f == "openpgp");
        let signing_key = get("user.signingkey").filter(|k| !k.trim().is_empty());
        let key = signing_key
            .clone()
            .filter(|_| ssh)
            .map(|k| PathBuf::from(k.strip_prefix("key::").unwrap_or(&k)));
        let gpgsign = repo
            .config_bool("commit.gpgsign")
            .ok()
            .flatten()
            .unwrap_or(false);
        let pgp_key = match signing_key {
            Some(k) => Some(k),
            None if gpgsign => get("user.email"),
            None => None,
        }
        .filter(|_| openpgp);
        let program = get("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".to_owned());
        let gpg_program = get("gpg.openpgp.program")
            .or_else(|| get("gpg.program"))
            .unwrap_or_else(|| "gpg".to_owned());
        Self {
            key,
            allowed_signers: get("gpg.ssh.allowedSignersFile").map(PathBuf::from),
            program: PathBuf::from(program),
            openpgp: OpenPgp {
                key: pgp_key,
                program: PathBuf::from(gpg_program),
                home: None,
            },
        }
    }

    pub fn can_sign(&self) -> bool {
        self.key.is_some() || self.openpgp.key.is_some()
    }

    /// The format this machine signs with, if any.
    pub fn format(&self) -> Option<SignFormat> {
        if self.key.is_some() {
            Some(SignFormat::Ssh)
        } else if self.openpgp.key.is_some() {
            Some(SignFormat::Openpgp)
        } else {
            None
        }
    }

    /// Signs `data`; `scratch` is a private folder for the files ssh-keygen reads and writes.
    pub fn sign(&self, data: &[u8], scratch: &Path) -> Result<Signature> {
        match self.format() {
            Some(SignFormat::Ssh) => self.sign_ssh(data, scratch),
            Some(SignFormat::Openpgp) => gpg::sign(&self.openpgp, data),
            None => Err(ApprovalError::SigningRequired.into()),
        }
    }

    fn sign_ssh(&self, data: &[u8], scratch: &Path) -> Result<Signature> {
        let key = self.key.as_ref().ok_or(ApprovalError::SigningRequired)?;
        let file = scratch.join("approval.payload");
        std::fs::write(&file, data)?;
        let out = Command::new(&self.program)
            .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
            .arg(key)
            .arg(&file)
            .stdin(Stdio::null())
            .output();
        let sig_file = scratch.join("approval.payload.sig");
        let result = match out {
            Ok(o) if o.status.success() => std::fs::read_to_string(&sig_file)
                .map(|armored| Signature {
                    format: SignFormat::Ssh,
                    armored,
                })
                .map_err(|e| ApprovalError::Sign(format!("reading the signature: {e}")).into()),
            Ok(o) => Err(ApprovalError::Sign(stderr_line(&o.stderr)).into()),
            Err(e) => Err(ApprovalError::Sign(format!("{}: {e}", self.program.display())).into()),
        };
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_file(&sig_file);
        result
    }

    /// Whether `signature` is a valid signature of `data` by a key that belongs to `email`:
    /// `Ok` names the key ("ED25519 key SHA256:…", "OpenPGP key <fingerprint>"), `Err` says why
    /// it does not verify.
    pub fn verify(
        &self,
        data: &[u8],
        signature: &Signature,
        email: &str,
        scratch: &Path,
    ) -> std::result::Result<String, String> {
        match signature.format {
            SignFormat::Ssh => self.verify_ssh(data, signature, email, scratch),
            SignFormat::Openpgp => gpg::verify(&self.openpgp, data, signature, email, scratch),
        }
    }

    fn verify_ssh(
        &self,
        data: &[u8],
        signature: &Signature,
        email: &str,
        scratch: &Path,
    ) -> std::result::Result<String, String> {
        let allowed = self.allowed_signers.as_ref().ok_or(
            "no allowed-signers file (git config gpg.ssh.allowedSignersFile) to verify with",
        )?;
        let sig_file = scratch.join("approval.verify.sig");
        std::fs::write(&sig_file, &signature.armored).map_err(|e| e.to_string())?;
        let result = run_verify(&self.program, allowed, email, &sig_file, data);
        let _ = std::fs::remove_file(&sig_file);
        result
    }
}

fn run_verify(
    program: &Path,
    allowed: &Path,
    email: &str,
    sig_file: &Path,
    data: &[u8],
) -> std::result::Result<String, String> {
    let mut child = Command::new(program)
        .args(["-Y", "verify", "-n", NAMESPACE, "-f"])
        .arg(allowed)
        .args(["-I", email, "-s"])
        .arg(sig_file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(data).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        // `Good "…" signature for EMAIL with ED25519 key SHA256:…`
        let said = String::from_utf8_lossy(&out.stdout);
        let key = said
            .lines()
            .find_map(|l| l.split_once(" with ").map(|(_, k)| k.trim().to_owned()))
            .unwrap_or_else(|| "SSH key".to_owned());
        Ok(key)
    } else {
        Err(format!(
            "the signature does not verify for {email}: {}",
            stderr_line(&out.stderr)
        ))
    }
}

pub(crate) fn stderr_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("failed")
        .trim()
        .to_owned()
}
