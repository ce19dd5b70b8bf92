//! OpenPGP approval signatures with `gpg`: a detached armored signature over the approval's
//! canonical JSON, made with `--local-user KEY`, and verified against the verifier's keyring.
//!
//! A signature verifies only when gpg reports exactly one good, valid signature (no bad,
//! expired, revoked or unknown-key one) and the signing key has a user id, not revoked, with
//! the approver's e-mail: a key in the keyring cannot vouch for someone else. The keyring is the
//! allow list, as the allowed-signers file is for SSH; gpg's web of trust is not consulted.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::error::{ApprovalError, Result};
use crate::sign::{OpenPgp, SignFormat, Signature, stderr_line};

fn gpg(config: &OpenPgp) -> Command {
    let mut cmd = Command::new(&config.program);
    if let Some(home) = &config.home {
        cmd.env("GNUPGHOME", home);
    }
    cmd.args(["--batch", "--no-tty"]);
    cmd
}

/// Runs `cmd` with `input` on its stdin.
fn run(mut cmd: Command, input: &[u8], program: &Path) -> std::result::Result<Output, String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).map_err(|e| e.to_string())?;
    }
    child.wait_with_output().map_err(|e| e.to_string())
}

/// Signs `data` with `config.key`.
pub(crate) fn sign(config: &OpenPgp, data: &[u8]) -> Result<Signature> {
    let key = config.key.as_ref().ok_or(ApprovalError::SigningRequired)?;
    let mut cmd = gpg(config);
    cmd.args(["--armor", "--detach-sign", "--local-user"])
        .arg(key);
    let out = run(cmd, data, &config.program).map_err(ApprovalError::Sign)?;
    let armored = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() || !armored.contains("-----BEGIN PGP SIGNATURE-----") {
        return Err(ApprovalError::Sign(format!(
            "gpg could not sign with {key}: {}",
            stderr_line(&out.stderr)
        ))
        .into());
    }
    Ok(Signature {
        format: SignFormat::Openpgp,
        armored,
    })
}

/// `Ok("OpenPGP key <fingerprint>")` when `signature` is a good signature of `data` by a key of
/// the keyring with a user id for `email`; `scratch` holds the signature file gpg reads.
pub(crate) fn verify(
    config: &OpenPgp,
    data: &[u8],
    signature: &Signature,
    email: &str,
    scratch: &Path,
) -> std::result::Result<String, String> {
    let sig_file = scratch.join("approval.verify.asc");
    std::fs::write(&sig_file, &signature.armored).map_err(|e| e.to_string())?;
    let mut cmd = gpg(config);
    cmd.args(["--status-fd", "1", "--verify"])
        .arg(&sig_file)
        .arg("-");
    let out = run(cmd, data, &config.program);
    let _ = std::fs::remove_file(&sig_file);
    let out = out?;
    let primary = good_signer(&String::from_utf8_lossy(&out.stdout))
        .map_err(|why| format!("the signature does not verify for {email}: {why}"))?;
    if !out.status.success() {
        return Err(format!(
            "the signature does not verify for {email}: {}",
            stderr_line(&out.stderr)
        ));
    }
    let mut list = gpg(config);
    list.args(["--with-colons", "--fixed-list-mode", "--list-keys"])
        .arg(&primary);
    let keys = run(list, &[], &config.program)?;
    if !keys.status.success() {
        return Err(format!(
            "the signing key {primary} is not in the keyring: {}",
            stderr_line(&keys.stderr)
        ));
    }
    if has_user_id(&String::from_utf8_lossy(&keys.stdout), email) {
        Ok(format!("OpenPGP key {primary}"))
    } else {
        Err(format!(
            "the signature does not verify for {email}: the signing key {primary} has no user id with that e-mail"
        ))
    }
}

/// The primary-key fingerprint of the one good signature in gpg's `--status-fd` output.
fn good_signer(status: &str) -> std::result::Result<String, String> {
    let mut valid = Vec::new();
    let mut good = 0;
    for line in status.lines() {
        let Some(rest) = line.strip_prefix("[GNUPG:] ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        match words.next() {
            Some("GOODSIG") => good += 1,
            Some("VALIDSIG") => {
                let fields: Vec<&str> = words.collect();
                // VALIDSIG <fpr> <date> <ts> <expire> <ver> <reserved> <pk> <hash> <class> <primary>
                let primary = fields.get(9).or(fields.first()).copied().unwrap_or("");
                valid.push(primary.to_owned());
            }
            Some("BADSIG") => return Err("the signed content was changed".to_owned()),
            Some("NO_PUBKEY") => {
                return Err(format!(
                    "the signing key {} is not in the keyring",
                    words.next().unwrap_or("?")
                ));
            }
            Some("ERRSIG") => {
                // ERRSIG <keyid> <pkalgo> <hashalgo> <class> <time> <rc>; rc 9: no public key.
                let fields: Vec<&str> = words.collect();
                return Err(match fields.get(5) {
                    Some(&"9") => format!(
                        "the signing key {} is not in the keyring",
                        fields.first().unwrap_or(&"?")
                    ),
                    _ => "gpg could not check the signature".to_owned(),
                });
            }
            Some("EXPSIG" | "EXPKEYSIG") => return Err("the signing key has expired".to_owned()),
            Some("REVKEYSIG") => return Err("the signing key was revoked".to_owned()),
            _ => {}
        }
    }
    match (good, valid.as_slice()) {
        (1, [primary]) if !primary.is_empty() => Ok(primary.clone()),
        (0, _) => Err("no good signature".to_owned()),
        _ => Err("more than one signature".to_owned()),
    }
}

/// Whether the `--with-colons` key listing has a user id, not revoked, with `<email>`.
fn has_user_id(listing: &str, email: &str) -> bool {
    let wanted = format!("<{}>", email.to_lowercase());
    listing.lines().any(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        fields.first() == Some(&"uid")
            && fields.get(1).is_some_and(|v| *v != "r")
            && fields.get(9).is_some_and(|uid| {
                let uid = uid.to_lowercase();
                uid.contains(&wanted) || uid == email.to_lowercase()
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_good_and_valid_signature_names_a_signer() {
        let ok = "[GNUPG:] NEWSIG\n[GNUPG:] GOODSIG 1122 Ann <ann@example.com>\n\
                  [GNUPG:] VALIDSIG AAAA 2026-01-01 1 0 4 0 22 10 00 BBBB\n";
        assert_eq!(good_signer(ok).as_deref(), Ok("BBBB"));
        let bad = "[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 1122 Ann <ann@example.com>\n";
        assert!(good_signer(bad).unwrap_err().contains("changed"));
        let unknown = "[GNUPG:] ERRSIG 1122 22 10 00 1 9\n[GNUPG:] NO_PUBKEY 1122\n";
        assert!(
            good_signer(unknown)
                .unwrap_err()
                .contains("not in the keyring")
        );
        assert!(good_signer("").is_err());
        let twice = format!("{ok}{ok}");
        assert!(good_signer(&twice).unwrap_err().contains("more than one"));
    }

    #[test]
    fn a_user_id_must_carry_the_approvers_email_and_not_be_revoked() {
        let listing = "pub:u:255:22:1122:1:::u:::scSC:::::ed25519:::0:\n\
                       uid:u::::1::HASH::Ann <Ann@Example.com>::::::::::0:\n\
                       uid:r::::1::HASH::Old <old@example.com>::::::::::0:\n";
        assert!(has_user_id(listing, "ann@example.com"));
        assert!(!has_user_id(listing, "old@example.com"));
        assert!(!has_user_id(listing, "nn@example.com"));
    }
}
