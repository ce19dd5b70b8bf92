//! Integration tests of pi-git
//! (one test binary for the crate: each module is one former test file).

mod common;
mod config_status;
mod history_remote;
mod log_lock;
mod repo_commit;
