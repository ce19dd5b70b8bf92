//! Append-only logs kept in git under dedicated refs (`refs/pi/oplog/<plan>`,
//! `refs/pi/approvals/<plan>`).
//!
//! Each entry is one commit on top of the previous ref value. Its tree holds every entry so far,
//! one file per entry named by its zero-padded sequence number (`00000/0000000001.json`,
//! bucketed by thousands so trees stay small). The ref moves by compare-and-swap: if another
//! process moved it since it was read, the append fails with `RefMoved` and the caller re-reads
//! and retries. Entries pushed by a teammate are integrated by replaying the local-only entries
//! on top of the fetched log, so no entry is ever lost or rewritten in place. The entry payload is
//! opaque bytes (JSON by convention); this module does not interpret it.

use git2::{Commit, Oid};

use crate::tree::{path_components, with_blob};
use crate::{CommitMessage, GitError, Identity, PlanRepo, Result, Stamp, Trailers, When};

const SEQ_TRAILER: &str = "Pi-Entry";

/// One entry of an append-only log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// 1-based position in the log.
    pub seq: u64,
    /// The commit that appended it.
    pub commit: Oid,
    pub author: Identity,
    pub when: When,
    /// The entry as appended.
    pub data: Vec<u8>,
}

/// Path of entry `seq` inside the log tree.
pub fn entry_path(seq: u64) -> String {
    format!("{:05}/{:010}.json", seq / 1000, seq)
}

impl PlanRepo {
    /// Appends `data` to the log at `log_ref` (created on first append). Fails with `RefMoved`
    /// when another writer moved the ref concurrently.
    pub fn append_entry(&self, log_ref: &str, data: &[u8], stamp: &Stamp) -> Result<LogEntry> {
        check_log_ref(log_ref)?;
        let tip = self.ref_target(log_ref)?;
        self.append_entry_at(log_ref, tip, data, stamp)
    }

    /// Appends on top of `expected` (the tip the caller read, `None` for a new log); fails with
    /// `RefMoved` when the ref no longer points there.
    pub fn append_entry_at(
        &self,
        log_ref: &str,
        tip: Option<Oid>,
        data: &[u8],
        stamp: &Stamp,
    ) -> Result<LogEntry> {
        check_log_ref(log_ref)?;
        let parent = tip.map(|id| self.repo.find_commit(id)).transpose()?;
        let (commit, seq) = self.write_entry(log_ref, parent.as_ref(), data, stamp)?;
        self.cas_ref(log_ref, commit, tip, "append log entry")?;
        Ok(LogEntry {
            seq,
            commit,
            author: stamp.author.clone(),
            when: stamp.when,
            data: data.to_vec(),
        })
    }

    /// All entries of the log at `log_ref`, oldest first; empty when the ref does not exist.
    pub fn entries(&self, log_ref: &str) -> Result<Vec<LogEntry>> {
        match self.ref_target(log_ref)? {
            Some(tip) => self.entries_from(log_ref, tip, None),
            None => Ok(Vec::new()),
        }
    }

    /// Makes the local log `log_ref` contain every entry of `upstream_ref` (e.g. the fetched
    /// remote copy) followed by the local-only entries, replayed with their original authors
    /// and times. Returns how many local entries were replayed (0 for a fast-forward).
    pub fn integrate_log(&self, log_ref: &str, upstream_ref: &str) -> Result<usize> {
        check_log_ref(log_ref)?;
        let Some(upstream) = self.ref_target(upstream_ref)? else {
            return Ok(0);
        };
        let Some(local) = self.ref_target(log_ref)? else {
            self.cas_ref(log_ref, upstream, None, "integrate log")?;
            return Ok(0);
        };
        if local == upstream || self.repo.graph_descendant_of(local, upstream)? {
            return Ok(0);
        }
        if self.repo.graph_descendant_of(upstream, local)? {
            self.cas_ref(log_ref, upstream, Some(local), "integrate log")?;
            return Ok(0);
        }
        let base = match self.repo.merge_base(local, upstream) {
            Ok(id) => Some(id),
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let pending = self.entries_from(log_ref, local, base)?;
        let mut tip = self.repo.find_commit(upstream)?;
        for entry in &pending {
            let stamp = Stamp::new(entry.author.clone(), entry.when);
            let (id, _) = self.write_entry(log_ref, Some(&tip), &entry.data, &stamp)?;
            tip = self.repo.find_commit(id)?;
        }
        self.cas_ref(log_ref, tip.id(), Some(local), "integrate log")?;
        Ok(pending.len())
    }

    /// The newest entry of the log at `log_ref` (read alone, not the whole log); `None` when the
    /// ref does not exist.
    pub fn last_entry(&self, log_ref: &str) -> Result<Option<LogEntry>> {
        match self.ref_target(log_ref)? {
            Some(tip) => Ok(Some(
                self.read_entry(log_ref, &self.repo.find_commit(tip)?)?,
            )),
            None => Ok(None),
        }
    }

    /// Appends `data` on top of `tip` — the tip of `remote`'s copy of `log_ref` as last fetched,
    /// `None` when the remote has none — and pushes it to `remote` as `log_ref`, never forcing:
    /// a compare-and-swap on the remote. `Ok(Some(entry))` when the remote took it, `Ok(None)`
    /// when someone else moved the remote log since `tip` was fetched. The local `log_ref` is set
    /// to the new entry either way (it only ever mirrors the remote's log).
    #[tracing::instrument(level = "debug", skip_all)]
    pub fn append_remote(
        &self,
        remote: &str,
        log_ref: &str,
        tip: Option<Oid>,
        data: &[u8],
        stamp: &Stamp,
    ) -> Result<Option<LogEntry>> {
        check_log_ref(log_ref)?;
        let parent = tip.map(|id| self.repo.find_commit(id)).transpose()?;
        let (commit, seq) = self.write_entry(log_ref, parent.as_ref(), data, stamp)?;
        self.repo
            .reference(log_ref, commit, true, "append to the remote log")?;
        let report = self.push(remote, &[log_ref])?;
        Ok(report.rejected.is_empty().then(|| LogEntry {
            seq,
            commit,
            author: stamp.author.clone(),
            when: stamp.when,
            data: data.to_vec(),
        }))
    }

    /// Target of a ref, `None` if it does not exist.
    pub fn ref_target(&self, refname: &str) -> Result<Option<Oid>> {
        match self.repo.find_reference(refname) {
            Ok(r) => Ok(r.resolve()?.target()),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) if e.code() == git2::ErrorCode::InvalidSpec => Err(GitError::InvalidRefName {
                name: refname.to_owned(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    fn write_entry(
        &self,
        log_ref: &str,
        parent: Option<&Commit<'_>>,
        data: &[u8],
        stamp: &Stamp,
    ) -> Result<(Oid, u64)> {
        let seq = match parent {
            Some(p) => entry_seq(log_ref, p)? + 1,
            None => 1,
        };
        let path = entry_path(seq);
        let blob = self.repo.blob(data)?;
        let base = parent.map(Commit::tree).transpose()?;
        let tree_id = with_blob(&self.repo, base.as_ref(), &path_components(&path)?, blob)?;
        let tree = self.repo.find_tree(tree_id)?;
        let message = CommitMessage::new(&format!("Log entry {seq}"))
            .with_trailers(Trailers::new().with(SEQ_TRAILER, &seq.to_string()));
        let parents: Vec<&Commit<'_>> = parent.into_iter().collect();
        let (author, committer) = (stamp.author_sig()?, stamp.committer_sig()?);
        let id = self.repo.commit(
            None,
            &author,
            &committer,
            &message.render(),
            &tree,
            &parents,
        )?;
        Ok((id, seq))
    }

    /// Entries on the first-parent chain from `tip` back to (excluding) `stop`, oldest first.
    fn entries_from(&self, log_ref: &str, tip: Oid, stop: Option<Oid>) -> Result<Vec<LogEntry>> {
        let mut out = Vec::new();
        let mut next = Some(self.repo.find_commit(tip)?);
        while let Some(commit) = next {
            if Some(commit.id()) == stop {
                break;
            }
            out.push(self.read_entry(log_ref, &commit)?);
            next = commit.parents().next();
        }
        out.reverse();
        Ok(out)
    }

    fn read_entry(&self, log_ref: &str, commit: &Commit<'_>) -> Result<LogEntry> {
        let seq = entry_seq(log_ref, commit)?;
        let data = self
            .read_file_at(commit.id(), &entry_path(seq))?
            .ok_or_else(|| corrupt(log_ref, format!("commit {} lacks entry {seq}", commit.id())))?;
        let author = commit.author();
        Ok(LogEntry {
            seq,
            commit: commit.id(),
            author: Identity::new(
                String::from_utf8_lossy(author.name_bytes()),
                String::from_utf8_lossy(author.email_bytes()),
            ),
            when: When::from_git(author.when()),
            data,
        })
    }
}

fn entry_seq(log_ref: &str, commit: &Commit<'_>) -> Result<u64> {
    let trailers = Trailers::parse(&String::from_utf8_lossy(commit.message_bytes()));
    trailers
        .get(SEQ_TRAILER)
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| {
            corrupt(
                log_ref,
                format!("commit {} has no entry number", commit.id()),
            )
        })
}

fn corrupt(log_ref: &str, detail: String) -> GitError {
    GitError::CorruptLog {
        name: log_ref.to_owned(),
        detail,
    }
}

fn check_log_ref(name: &str) -> Result<()> {
    if name.starts_with("refs/pi/") && git2::Reference::is_valid_name(name) {
        Ok(())
    } else {
        Err(GitError::InvalidRefName {
            name: name.to_owned(),
        })
    }
}
