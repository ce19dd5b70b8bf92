//! What every engine operation is given: the Targetprocess client, who acts, and when.

use chrono::{DateTime, Utc};
use pi_git::{Identity, Stamp, When};
use pi_targetprocess::TpClient;

/// The caller's side of an operation: no environment, no clock read inside the engine.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub tp: &'a TpClient,
    /// The person (git identity) on whose behalf the operation runs.
    pub me: &'a Identity,
    pub now: DateTime<Utc>,
    /// An unattended run (CI, scheduled): commits and log entries say auto-sync.
    pub auto_sync: bool,
}

impl Context<'_> {
    pub fn stamp(&self) -> Stamp {
        Stamp::new(self.me.clone(), self.when())
    }

    /// Commits of Targetprocess state are authored by Targetprocess, committed by the user.
    pub fn tp_stamp(&self) -> Stamp {
        let mut s = Stamp::new(tp_identity(self.tp), self.when());
        s.committer = self.me.clone();
        s
    }

    pub fn when(&self) -> When {
        When::utc(self.now.timestamp())
    }

    pub fn at(&self) -> String {
        self.now.to_rfc3339()
    }

    pub fn source(&self) -> pi_git::Source {
        if self.auto_sync {
            pi_git::Source::AutoSync
        } else {
            pi_git::Source::Local
        }
    }
}

/// `Targetprocess <targetprocess@HOST>` for the account the client talks to.
pub fn tp_identity(tp: &TpClient) -> Identity {
    let host = tp
        .config()
        .base_url
        .host_str()
        .map_or_else(|| "targetprocess.invalid".to_owned(), str::to_owned);
    Identity::new("Targetprocess", format!("targetprocess@{host}"))
}
