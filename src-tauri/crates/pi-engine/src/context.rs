//! What every engine operation is given: the tracker (Targetprocess), who acts, when, and where
//! its progress goes.

use chrono::{DateTime, Utc};
use pi_git::{Identity, Stamp, When};

use crate::progress::{Progress, ProgressSink};
use crate::tracker::Tracker;

/// The caller's side of an operation: no environment, no clock read inside the engine.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The source of truth the plan is synced with (`pi_targetprocess::TpClient` in every real
    /// run).
    pub tp: &'a dyn Tracker,
    /// The person (git identity) on whose behalf the operation runs.
    pub me: &'a Identity,
    pub now: DateTime<Utc>,
    /// An unattended run (CI, scheduled): commits and log entries say auto-sync.
    pub auto_sync: bool,
    /// Told each step of a pull, push or resume (see [`Progress`]); `None`: nobody listens.
    pub progress: Option<ProgressSink<'a>>,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("tracker", &self.tp.account_url())
            .field("me", self.me)
            .field("now", &self.now)
            .field("auto_sync", &self.auto_sync)
            .field("progress", &self.progress.is_some())
            .finish()
    }
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

    /// Tells the caller's sink (if any) that `step` begins (or, for `Sent`, happened); every
    /// step is also an info event (`tpcli -v` shows them).
    pub fn report(&self, step: Progress) {
        tracing::info!("{step}");
        if let Some(sink) = self.progress {
            sink(step);
        }
    }
}

/// `Targetprocess <targetprocess@HOST>` for the account the tracker talks to.
pub fn tp_identity(tp: &dyn Tracker) -> Identity {
    let host = tp
        .host()
        .unwrap_or_else(|| "targetprocess.invalid".to_owned());
    Identity::new("Targetprocess", format!("targetprocess@{host}"))
}
