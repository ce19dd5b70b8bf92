//! `pi-engine`: the sync engine behind `tpcli plan` and the app — init, pull with a field-level
//! three-way merge, push with a preview, optimistic locking, a crash-safe journal with resume,
//! conflict resolution, rollback of a push and the shared operation log.
//!
//! Approvals (policy review, sign-off log, signatures) are `pi-approvals`', below it: this crate
//! only orders the lock, the remote and the push gate around them (`approvals`). Reading
//! history — versions, change reports, the audit trail, baselines — is `pi-reports`', above it.
//!
//! It deliberately does no printing and reads no environment or clock: the caller passes the
//! Targetprocess client, the acting identity and the time, and renders the results it returns.

pub mod account;
pub mod approvals;
pub mod context;
pub mod decompose;
pub mod discard;
pub mod error;
pub mod init;
pub mod journal;
#[cfg(test)]
mod layers_tests;
pub mod lease;
pub mod lint;
#[cfg(any(test, feature = "testing"))]
pub mod memory;
#[cfg(test)]
mod memory_tests;
pub mod oplog;
pub mod owned;
mod parsed;
pub mod progress;
pub mod pull;
pub mod push;
mod rebuild;
mod remote;
pub mod resolve;
pub mod rollback;
pub mod save;
mod sending;
mod snapshot;
pub mod state;
pub mod status;
pub mod stories;
pub mod templates;
#[cfg(test)]
mod testing;
pub mod tracker;
mod tracking;
pub mod train;
#[cfg(test)]
mod trust_tests;
pub mod verify;
pub mod watch;
pub mod workflows;
pub mod workspace;

pub use context::Context;
pub use discard::{Discarded, discard};
pub use error::{EngineError, Result};
pub use init::{InitReport, InitRequest, init, init_with};
pub use progress::{Progress, ProgressSink};
pub use pull::{PullOptions, PullReport, pull};
pub use push::{
    Mismatch, OpResult, PushOptions, PushOutcome, PushReport, Stale, push, push_overriding,
};
pub use remote::ORIGIN;
pub use resolve::{ResolveReport, Selector, resolve};
pub use rollback::{
    Irreversible, RollbackConflict, RollbackError, RollbackOptions, RollbackOutcome, RollbackPlan,
    rollback,
};
pub use save::{restore, save};
pub use status::{Status, status};
pub use stories::{EditedStories, StoriesRefresh, StorySource};
pub use tracker::{ReadShare, Tracker};
pub use train::{PlanSync, TrainOptions, sync_train};
pub use verify::{Finding, Repair, VerifyReport, verify};
pub use workspace::Workspace;
