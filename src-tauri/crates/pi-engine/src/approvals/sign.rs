//! Signing and verifying approvals with the approver's SSH key, the way git signs commits when
//! `gpg.format = ssh`: `ssh-keygen -Y sign` with `user.signingkey`, `ssh-keygen -Y verify`
//! against `gpg.ssh.allowedSignersFile` with the approver's e-mail as the principal.
//!
//! It deliberately does not do OpenPGP: with `gpg.format = openpgp` (git's default) approvals are
//! not signed, and a signature in any other format does not verify.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use pi_git::PlanRepo;
use serde::{Deserialize, Serialize};

use super::ApprovalError;
use crate::error::Result;

/// The namespace (`-n`) of approval signatures, so a commit signature cannot pass as one.
pub const NAMESPACE: &str = "pi-planner-approval";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignFormat {
    Ssh,
}

/// A detached signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub format: SignFormat,
    /// The armored signature (`-----BEGIN SSH SIGNATURE-----` ...).
    pub armored: String,
}

/// How this machine signs and verifies approvals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signing {
    /// The SSH key to sign with (a private key file, or a public key whose private half is in
    /// the ssh agent). `None`: approvals are not signed.
    pub key: Option<PathBuf>,
    /// `gpg.ssh.allowedSignersFile`: which keys belong to which e-mail. `None`: a signed
    /// approval cannot be verified and does not count.
    pub allowed_signers: Option<PathBuf>,
    /// The `ssh-keygen` program.
    pub program: PathBuf,
}

impl Signing {
    /// From the repository's git configuration (which includes the user's global one): signing
    /// with `user.signingkey` when `gpg.format = ssh`, verifying with
    /// `gpg.ssh.allowedSignersFile`.
    pub fn from_repo(repo: &PlanRepo) -> Self {
        let config = repo.git().config().ok();
        let get = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
        let ssh = get("gpg.format").is_some_and(|f| f == "ssh");
        let key = get("user.signingkey")
            .filter(|_| ssh)
            .map(|k| PathBuf::from(k.strip_prefix("key::").unwrap_or(&k)));
        let program = get("gpg.ssh.program").unwrap_or_else(|| "ssh-keygen".to_owned());
        Self {
            key,
            allowed_signers: get("gpg.ssh.allowedSignersFile").map(PathBuf::from),
            program: PathBuf::from(program),
        }
    }

    pub fn can_sign(&self) -> bool {
        self.key.is_some()
    }

    /// Signs `data`; `scratch` is a private folder for the signature file ssh-keygen writes.
    pub fn sign(&self, data: &[u8], scratch: &Path) -> Result<Signature> {
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

    /// Whether `signature` is a valid signature of `data` by a key the allowed-signers file
    /// lists for `email`; `Err` says why not.
    pub fn verify(
        &self,
        data: &[u8],
        signature: &Signature,
        email: &str,
        scratch: &Path,
    ) -> std::result::Result<(), String> {
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
) -> std::result::Result<(), String> {
    let mut child = Command::new(program)
        .args(["-Y", "verify", "-n", NAMESPACE, "-f"])
        .arg(allowed)
        .args(["-I", email, "-s"])
        .arg(sig_file)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(data).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "the signature does not verify for {email}: {}",
            stderr_line(&out.stderr)
        ))
    }
}

fn stderr_line(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("failed")
        .trim()
        .to_owned()
}
