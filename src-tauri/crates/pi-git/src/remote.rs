//! Sharing plan state through a git remote: fetch branches, `refs/pi/*` logs and baseline tags;
//! push with compare-and-swap semantics.
//!
//! Fetched branches land in `refs/remotes/<remote>/...`, fetched logs in
//! `refs/pi-remotes/<remote>/...` (use [`PlanRepo::integrate_log`] to merge them into the local
//! log) and baseline tags in `refs/tags/pi/...`. A push never forces: a ref the remote has moved
//! is reported as rejected, per ref, as data. Credentials come from the user's git credential
//! helper or ssh-agent; they are never logged or put in errors. No retry or scheduling here.

use git2::{
    AutotagOption, Cred, CredentialType, ErrorCode, FetchOptions, PushOptions, RemoteCallbacks,
};

use crate::{GitError, PlanRepo, RejectedRef, Result};

/// Outcome of a push, per ref.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Remote refs that now hold the pushed value.
    pub updated: Vec<String>,
    /// Remote refs that were not updated, with the reason.
    pub rejected: Vec<RejectedRef>,
}

impl PushReport {
    /// `Err(PushRejected)` when any ref was rejected.
    pub fn into_result(self) -> Result<Vec<String>> {
        if self.rejected.is_empty() {
            Ok(self.updated)
        } else {
            Err(GitError::PushRejected {
                refs: self.rejected,
            })
        }
    }
}

/// Where a fetched branch of `remote` is kept locally.
pub fn remote_branch_ref(remote: &str, branch: &str) -> String {
    format!("refs/remotes/{remote}/{branch}")
}

/// Where a fetched `refs/pi/...` ref of `remote` is kept locally, e.g.
/// `refs/pi/oplog/x` -> `refs/pi-remotes/origin/oplog/x`.
pub fn remote_pi_ref(remote: &str, pi_ref: &str) -> String {
    let rest = pi_ref.strip_prefix("refs/pi/").unwrap_or(pi_ref);
    format!("refs/pi-remotes/{remote}/{rest}")
}

/// Refspecs used by [`PlanRepo::fetch`].
pub fn fetch_refspecs(remote: &str) -> Vec<String> {
    vec![
        format!("+refs/heads/*:refs/remotes/{remote}/*"),
        format!("+refs/pi/*:refs/pi-remotes/{remote}/*"),
        "refs/tags/pi/*:refs/tags/pi/*".to_owned(),
    ]
}

impl PlanRepo {
    /// Adds a remote. Fails with `AlreadyExists` when the name is taken.
    pub fn add_remote(&self, name: &str, url: &str) -> Result<()> {
        match self.repo.remote(name, url) {
            Ok(_) => Ok(()),
            Err(e) if e.code() == ErrorCode::Exists => Err(GitError::AlreadyExists {
                name: format!("remote {name}"),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Fetches all branches, all `refs/pi/*` refs and the baseline tags of `remote`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub fn fetch(&self, remote: &str) -> Result<()> {
        let mut remote_handle = self
            .repo
            .find_remote(remote)
            .map_err(|e| remote_err(remote, e))?;
        let mut opts = FetchOptions::new();
        opts.remote_callbacks(self.callbacks())
            .download_tags(AutotagOption::None);
        remote_handle.fetch(&fetch_refspecs(remote), Some(&mut opts), Some("pi fetch"))?;
        Ok(())
    }

    /// Pushes each ref in `refs` (full names such as `refs/heads/pi/plan/x` or
    /// `refs/pi/oplog/x`) to the same name on `remote`, never forcing. Each ref is pushed on its
    /// own so one rejection does not block the others.
    #[tracing::instrument(level = "debug", skip_all, fields(refs = refs.len()))]
    pub fn push(&self, remote: &str, refs: &[&str]) -> Result<PushReport> {
        let mut report = PushReport::default();
        for name in refs {
            match self.push_one(remote, name)? {
                None => report.updated.push((*name).to_owned()),
                Some(reason) => report.rejected.push(RejectedRef {
                    name: (*name).to_owned(),
                    reason,
                }),
            }
        }
        Ok(report)
    }

    /// Pushes one ref; `Some(reason)` when the remote or the fast-forward check refused it.
    fn push_one(&self, remote: &str, name: &str) -> Result<Option<String>> {
        let mut remote_handle = self
            .repo
            .find_remote(remote)
            .map_err(|e| remote_err(remote, e))?;
        let mut status: Option<String> = None;
        let result = {
            let mut callbacks = self.callbacks();
            callbacks.push_update_reference(|_refname, msg| {
                if let Some(msg) = msg {
                    status = Some(msg.to_owned());
                }
                Ok(())
            });
            let mut opts = PushOptions::new();
            opts.remote_callbacks(callbacks);
            remote_handle.push(&[format!("{name}:{name}")], Some(&mut opts))
        };
        match result {
            Ok(()) => Ok(status),
            Err(e) if e.code() == ErrorCode::NotFastForward => {
                Ok(Some(format!("non-fast-forward: {}", e.message())))
            }
            Err(e) if e.code() == ErrorCode::NotFound => Err(GitError::NotFound {
                rev: name.to_owned(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    fn callbacks(&self) -> RemoteCallbacks<'static> {
        let config = self.repo.config().ok();
        let mut attempts = 0u32;
        let mut callbacks = RemoteCallbacks::new();
        callbacks.credentials(move |url, username, allowed| {
            attempts += 1;
            if attempts > 3 {
                return Err(git2::Error::from_str("authentication failed"));
            }
            if allowed.contains(CredentialType::SSH_KEY) {
                return Cred::ssh_key_from_agent(username.unwrap_or("git"));
            }
            if allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
                && let Some(config) = &config
            {
                return Cred::credential_helper(config, url, username);
            }
            Cred::default()
        });
        callbacks
    }
}

fn remote_err(remote: &str, e: git2::Error) -> GitError {
    if e.code() == ErrorCode::NotFound {
        GitError::NotFound {
            rev: format!("remote {remote}"),
        }
    } else {
        GitError::Git(e)
    }
}
