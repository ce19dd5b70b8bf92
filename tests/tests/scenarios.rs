//! End-to-end scenarios against pi-sim over loopback
//! (one test binary for the crate: each module is one former test file).

mod approvals;
mod approvals_forged;
mod approvals_openpgp;
mod history;
mod push_lease;
mod push_requests;
mod resume;
mod rollback;
mod shared_creates;
mod shared_snapshots;
mod sync_flow;
mod templates;
mod train;
mod verify;
