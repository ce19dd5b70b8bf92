//! The errors of the git layer, as data the sync engine can act on.
//!
//! Each variant names what failed and where (ref, path, revision). Credentials never appear in
//! messages: remote URLs are reported as given by the caller, and callers must not embed tokens
//! in them.

use std::path::PathBuf;

/// Result alias of this crate.
pub type Result<T, E = GitError> = std::result::Result<T, E>;

/// One ref a remote refused to update during a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRef {
    /// Full ref name on the remote, e.g. `refs/pi/oplog/pi-4-25.platform-eco`.
    pub name: String,
    /// Why it was refused (non-fast-forward, remote hook message, ...).
    pub reason: String,
}

/// What went wrong in a git operation.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The folder is not inside a git repository.
    #[error("{path} is not inside a git repository")]
    NotARepo { path: PathBuf },
    /// The operation needs a working tree but the repository is bare.
    #[error("the repository at {path} is bare; this operation needs a working tree")]
    Bare { path: PathBuf },
    /// A file holds uncommitted changes that the operation would overwrite.
    #[error(
        "{path} has uncommitted changes that would be overwritten; commit or discard them first"
    )]
    DirtyWorktree { path: String },
    /// A ref changed between reading it and updating it (compare-and-swap failed).
    #[error("{name} was moved by someone else; re-read it and retry")]
    RefMoved { name: String },
    /// The remote refused some refs of a push.
    #[error("the remote rejected {}", describe_rejected(refs))]
    PushRejected { refs: Vec<RejectedRef> },
    /// Another process holds the repository lock.
    #[error("the repository lock {path} is held by {}", describe_pid(*pid))]
    Locked { path: PathBuf, pid: Option<u32> },
    /// A revision (branch, tag, commit id, `rev:path`) does not exist.
    #[error("revision {rev} not found")]
    NotFound { rev: String },
    /// A name cannot be used as (part of) a git ref.
    #[error("{name:?} is not a valid git ref name")]
    InvalidRefName { name: String },
    /// A path is not a valid repository-relative file path.
    #[error("{path:?} is not a valid repository-relative file path")]
    InvalidPath { path: String },
    /// A ref or tag that must be created fresh already exists.
    #[error("{name} already exists")]
    AlreadyExists { name: String },
    /// The operation would move the ref that HEAD points at without touching the worktree.
    #[error("HEAD is detached in {path}; check out a branch first")]
    DetachedHead { path: PathBuf },
    /// A log ref holds a commit that is not a log entry.
    #[error("{name} is not an append-only log: {detail}")]
    CorruptLog { name: String, detail: String },
    /// Reading or writing a file in the working tree or lock file failed.
    #[error("i/o error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Any other libgit2 failure.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

impl GitError {
    /// A read of a working-tree file that failed because the file changed or vanished under it
    /// (libgit2's operating-system class, or a file not found): an editor saving at that moment.
    pub fn is_worktree_read_race(&self) -> bool {
        match self {
            GitError::Git(e) => e.class() == git2::ErrorClass::Os,
            GitError::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }
}

fn describe_rejected(refs: &[RejectedRef]) -> String {
    let parts: Vec<String> = refs
        .iter()
        .map(|r| format!("{} ({})", r.name, r.reason))
        .collect();
    parts.join(", ")
}

fn describe_pid(pid: Option<u32>) -> String {
    match pid {
        Some(pid) => format!("process {pid}"),
        None => "another process".to_owned(),
    }
}

impl GitError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        GitError::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::GitError;

    #[test]
    fn a_file_gone_or_replaced_under_a_read_is_a_race_and_other_failures_are_not() {
        let os = git2::Error::new(
            git2::ErrorCode::GenericError,
            git2::ErrorClass::Os,
            "failed to read file into stream",
        );
        assert!(GitError::Git(os).is_worktree_read_race());
        let gone = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert!(GitError::io("plan.md", gone).is_worktree_read_race());
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(!GitError::io("plan.md", denied).is_worktree_read_race());
        let odb = git2::Error::new(git2::ErrorCode::NotFound, git2::ErrorClass::Odb, "missing");
        assert!(!GitError::Git(odb).is_worktree_read_race());
        let dirty = GitError::DirtyWorktree {
            path: "plan.md".into(),
        };
        assert!(!dirty.is_worktree_read_race());
    }
}
