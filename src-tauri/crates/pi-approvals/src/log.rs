//! The approvals log `refs/pi/approvals/<plan>`: reading its records, appending one, and the
//! repository's `pi-planner.toml` whose `[approvals]` policy they are reviewed against.

use pi_git::{BranchNames, PlanRepo, Stamp};
use pi_model::{CONFIG_FILE_NAME, RepoConfig};

use crate::Record;
use crate::error::{ApprovalError, Error, Result};

/// Attempts at appending when a teammate's entry lands in between (the log's ref moved).
const APPEND_ATTEMPTS: u32 = 6;

/// The repository's `pi-planner.toml` (defaults when there is none, or no working tree).
pub fn repo_config(repo: &PlanRepo) -> Result<RepoConfig> {
    let Some(dir) = repo.workdir() else {
        return Ok(RepoConfig::default());
    };
    match std::fs::read_to_string(dir.join(CONFIG_FILE_NAME)) {
        Ok(text) => RepoConfig::from_toml_str(&text)
            .map_err(|e| ApprovalError::Config(e.to_string()).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(RepoConfig::default()),
        Err(e) => Err(e.into()),
    }
}

/// Every record of the plan's approvals log, oldest first.
pub fn records(repo: &PlanRepo, names: &BranchNames) -> Result<Vec<Record>> {
    let log = names.approvals_ref();
    repo.entries(&log)?
        .into_iter()
        .map(|e| {
            serde_json::from_slice(&e.data).map_err(|err| Error::Log {
                path: format!("{log} entry {}", e.seq),
                message: format!("unreadable approvals log entry: {err}"),
            })
        })
        .collect()
}

/// Appends `record` to the plan's approvals log, in `stamp`'s name.
pub(crate) fn append(
    repo: &PlanRepo,
    names: &BranchNames,
    record: &Record,
    stamp: &Stamp,
) -> Result<()> {
    let log = names.approvals_ref();
    let data = serde_json::to_vec_pretty(record).map_err(|e| Error::Log {
        path: log.clone(),
        message: e.to_string(),
    })?;
    let mut attempts = 1;
    loop {
        match repo.append_entry(&log, &data, stamp) {
            Ok(_) => return Ok(()),
            Err(pi_git::GitError::RefMoved { .. }) if attempts < APPEND_ATTEMPTS => attempts += 1,
            Err(e) => return Err(e.into()),
        }
    }
}
